"""Lecture figures of constrained runs, from plain data: per-outer-step panels and small multiples.

`OuterRun` holds one run's outer steps as arrays (`OuterRun.from_steps` reads solver records by
attribute); `outer_figure` draws violation, conditioning, multipliers, inner iterations and the
barrier's gap per outer step; `small_multiples` draws the contours of F(x; M) for several M
side by side with x(M); `save_figure` writes either as a PNG, atomically.
"""

from .outer_figure import outer_figure
from .outer_run import OuterRun
from .page import save_figure
from .small_multiples import small_multiples

__all__ = ["OuterRun", "outer_figure", "save_figure", "small_multiples"]
