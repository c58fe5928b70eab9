"""Live outputs: a window (`open_window`) driven by the `Player` (controls, restarts), display
detection, and HTML for notebooks."""

from .controls import Controls, make_controls
from .display import default_frames_dir, has_display
from .jshtml import embedded_frames, to_jshtml
from .player import Player, live_figsize
from .window import open_window

__all__ = ["Controls", "Player", "default_frames_dir", "embedded_frames", "has_display", "live_figsize",
           "make_controls", "open_window", "to_jshtml"]
