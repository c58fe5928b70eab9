"""Outputs on disk: PNG frames (serial or across processes), GIF and MP4, all written atomically.

`export_frames` / `export_frames_parallel` write ``frame_0000.png, ...`` and ``frames.tex``
through the banded PNG encoder; `write_movie` feeds matplotlib's movie writers; `write_png`
saves one frame; `progress` reports on long exports.
"""

from .atomic import write_atomic, write_png
from .frames import ExportInterrupted, FrameExport, export_frames, export_frames_parallel, frame_name
from .movie import FFmpegNotFoundError, find_ffmpeg, gif_writer, mp4_writer, write_movie
from .png import BandedPngEncoder, encode_png

__all__ = ["BandedPngEncoder", "ExportInterrupted", "FFmpegNotFoundError", "FrameExport", "encode_png",
           "export_frames", "export_frames_parallel", "find_ffmpeg", "frame_name", "gif_writer", "mp4_writer",
           "write_atomic", "write_movie", "write_png"]
