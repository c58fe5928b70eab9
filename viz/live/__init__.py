"""Live outputs: the `Player` driving a window (controls, restarts), display detection, HTML for notebooks."""

from .controls import Controls, make_controls
from .display import default_frames_dir, has_display
from .jshtml import embedded_frames, to_jshtml
from .player import Player, live_figsize

__all__ = ["Controls", "Player", "default_frames_dir", "embedded_frames", "has_display", "live_figsize",
           "make_controls", "to_jshtml"]
