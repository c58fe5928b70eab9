"""The status box of the surface figure: what iterate i is, in the words its run calls for."""

from __future__ import annotations

from typing import Any

__all__ = ["status_text"]


def status_text(scene: Any, i: int, *, penalized: bool, off_surface: bool) -> str:
    """Lines for trace index `i` of `scene`: index, point, F and M with f and the violation for a
    penalty run (f alone otherwise), the surface's value where the path is not on it, |grad|."""
    tr = scene.trace
    x = tr.x[i]
    coords = ", ".join(f"{v:.4g}" for v in x[:6]) + (", …" if len(x) > 6 else "")
    head = f"outer {tr.outer[i]}, k = {tr.k[i]}" if tr.outer[i] >= 0 and penalized else f"k = {tr.k[i]}"
    lines = [f"{head}   (iterate {i})", f"x = ({coords})"]
    if penalized:
        lines.append(f"F = {tr.fun[i]:.6g}   M = {tr.M[i]:.3g}")
        lines.append(f"f = {tr.objective[i]:.6g}   viol = {tr.violation[i]:.2e}")
    else:
        lines.append(f"f = {tr.fun[i]:.6g}")
    if off_surface:  # the path is drawn on a slice (a plane, a surface of f alone)
        lines.append(f"surface here = {scene.heights[scene.m_index[i], i]:.6g}")
    lines.append(f"‖grad‖ = {tr.grad_norm[i]:.2e}")
    return "\n".join(lines)
