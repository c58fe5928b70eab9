"""Image-regression tests draw with Agg only (no display, the same pixels on every machine)."""

import matplotlib

matplotlib.use("Agg", force=True)
