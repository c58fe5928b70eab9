"""Scenes: iterates collected into arrays, and everything a frame shows, as plain picklable data.

numpy only (no figures, no matplotlib): `collect` turns a stream into a `Trace`, a `Framing`
holds the validated framing options, and the builders evaluate the user's callables once into a
`Scene` (one run, or several compared), a `NetworkScene` or, through a `Plane`, a loss landscape.
"""

from .framing import LOOKS, Framing, Style, even_figsize, frame_positions
from .landscape import Plane, filter_normalized_direction, pca_directions
from .network import DEFAULT_CMAP, NetworkScene, build_network_scene, surface_cells
from .runs import RUN_COLORS, Run, build_runs_scene
from .sampling import PHI_SAMPLES, PHI_SPAN
from .scene import Scene, build_scene
from .trace import Trace, collect

__all__ = [
    "DEFAULT_CMAP", "LOOKS", "PHI_SAMPLES", "PHI_SPAN", "RUN_COLORS", "Framing", "NetworkScene", "Plane",
    "Run",
    "Scene", "Style", "Trace", "build_network_scene", "build_runs_scene", "build_scene", "collect",
    "even_figsize", "filter_normalized_direction", "frame_positions", "pca_directions", "surface_cells",
]
