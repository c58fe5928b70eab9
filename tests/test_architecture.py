"""The arrows point one way: penalty -> optimizers -> viz; checked in fresh interpreters."""

import subprocess
import sys

import pytest

FORBIDDEN = {
    "optimizers": ["sympy", "matplotlib", "penalty", "viz"],
    "viz": ["sympy", "penalty"],
    "penalty": ["matplotlib", "viz"],
}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_load_what_it_must_not(package):
    code = (
        f"import sys, {package}; "
        f"print(','.join(m for m in {FORBIDDEN[package]!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"importing {package} loaded {out.stdout.strip()}"
