"""viz: animate optimizer iterates on 3D surfaces and export lecture-ready frames, GIF and MP4.

Imports numpy and matplotlib only (never sympy): the functions drawn are plain vectorized callables.
"""

from ._animator import Animator
from ._figure import SceneFigure
from ._frames import ExportInterrupted, FrameExport, export_frames, export_frames_parallel, frame_name
from ._landscape import Plane, filter_normalized_direction, pca_directions
from ._live import has_display, to_jshtml
from ._movie import FFmpegNotFoundError, find_ffmpeg, gif_writer, mp4_writer, write_movie
from ._network import NetworkAnimator, NetworkFigure
from ._network_scene import NetworkScene
from ._player import Player
from ._png import BandedPngEncoder, encode_png
from ._runs import RUN_COLORS, Run, build_runs_scene
from ._runs_figure import RunsFigure
from ._scene import Scene, Style, build_scene
from ._title import mathtext
from ._trace import Trace, collect

__all__ = [
    "RUN_COLORS",
    "Player",
    "Run",
    "RunsFigure",
    "build_runs_scene",
    "to_jshtml",
    "Animator",
    "BandedPngEncoder",
    "ExportInterrupted",
    "FFmpegNotFoundError",
    "FrameExport",
    "NetworkAnimator",
    "NetworkFigure",
    "NetworkScene",
    "Plane",
    "Scene",
    "SceneFigure",
    "Style",
    "Trace",
    "build_scene",
    "collect",
    "encode_png",
    "export_frames",
    "export_frames_parallel",
    "filter_normalized_direction",
    "find_ffmpeg",
    "frame_name",
    "gif_writer",
    "has_display",
    "mathtext",
    "mp4_writer",
    "pca_directions",
    "write_movie",
]
