"""viz draws plain callables: importing it loads neither sympy, penalty nor pyplot."""

from __future__ import annotations

import subprocess
import sys


def test_import_viz_is_light():
    code = ("import sys, viz; "
            "print(','.join(m for m in ('sympy', 'penalty', 'matplotlib.pyplot') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_public_api_is_exported_small_and_documented():
    import viz

    for name in viz.__all__:
        assert hasattr(viz, name), name
        assert (getattr(viz, name).__doc__ or "").strip(), f"{name} has no docstring"
        assert f"`{name}`" in viz.__doc__, f"{name} is not listed in viz's docstring"
    assert {"Animator", "NetworkAnimator", "Player", "to_jshtml", "ExportInterrupted",
            "FFmpegNotFoundError", "Plane"} <= set(viz.__all__)
    assert len(viz.__all__) <= 15  # what a user needs; internals stay in the sub-packages
