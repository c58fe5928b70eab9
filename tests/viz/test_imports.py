"""viz draws plain callables: importing it loads neither sympy, penalty nor pyplot."""

from __future__ import annotations

import subprocess
import sys


def test_import_viz_is_light():
    code = ("import sys, viz; "
            "print(','.join(m for m in ('sympy', 'penalty', 'matplotlib.pyplot') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_public_api_is_exported():
    import viz

    for name in viz.__all__:
        assert hasattr(viz, name), name
    assert {"Animator", "ExportInterrupted", "FFmpegNotFoundError"} <= set(viz.__all__)
