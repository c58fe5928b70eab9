"""The arrows point one way: penalty -> optimizers -> viz, and no import goes round in a circle.

Checked two ways: each package imported in a fresh interpreter must not load what it must not,
and the import graph of every project module, built from the source (every ``import`` and
``from ... import`` anywhere in a module, inside functions too, relative imports resolved), must
have no cycle. Inside viz, the scenes are plain data: they import no matplotlib.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("optimizers", "penalty", "viz", "demos")
MAX_VIZ_MODULE_LINES = 360

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


# -- the import graph ---------------------------------------------------------------------------
def project_modules(root: Path, packages: tuple[str, ...]) -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (source path, is a package) for every .py file of `packages`."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            is_package = parts[-1] == "__init__"
            modules[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return modules


def imported_names(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Every name an Import/ImportFrom node anywhere in `tree` imports, relative ones resolved;
    for ``from X import a``, both ``X`` and ``X.a`` (which is a module when ``a`` is one)."""
    package = module if is_package else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            names.add(source)
            names.update(f"{source}.{alias.name}" for alias in node.names)
    return names


def import_graph(root: Path, packages: tuple[str, ...]) -> dict[str, set[str]]:
    """Module -> the project modules it imports (edges to modules outside the project dropped)."""
    modules = project_modules(root, packages)
    graph = {}
    for name, (path, is_package) in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[name] = {n for n in imported_names(tree, name, is_package) if n in modules and n != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph) + 100))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_between_project_modules():
    graph = import_graph(ROOT, PACKAGES)
    assert len(graph) > 40 and "viz.figures.surface" in graph  # the whole project was read
    assert cycles(graph) == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles(graph))


def _package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_a_cycle_through_a_function_level_import_is_found(tmp_path):
    root = _package(tmp_path, {
        "pkg/__init__.py": "from .a import f\n",
        "pkg/a.py": "def f():\n    from .sub import b  # inside a function, still an edge\n    return b\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/b.py": "import numpy\nfrom ..a import f\n",
        "pkg/c.py": "from pkg.sub import b\n",
    })
    graph = import_graph(root, ("pkg",))
    assert graph["pkg.a"] == {"pkg.sub", "pkg.sub.b"} and graph["pkg.sub.b"] == {"pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.sub.b"]]


def test_a_package_init_importing_back_is_a_cycle_and_one_way_imports_are_not(tmp_path):
    root = _package(tmp_path, {
        "one/__init__.py": "from .x import X\n",
        "one/x.py": "X = 1\n",
        "one/y.py": "from . import x\nfrom one import X\n",  # y -> one -> x: no way back
        "two/__init__.py": "from .z import Z\n",
        "two/z.py": "import two\nZ = 2\n",
    })
    graph = import_graph(root, ("one", "two"))
    assert cycles(graph) == [["two", "two.z"]]


def test_viz_scenes_are_plain_data_without_matplotlib():
    for path in sorted((ROOT / "viz" / "scenes").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = imported_names(tree, "viz.scenes." + path.stem, path.stem == "__init__")
        drawing = sorted(n for n in names if n.split(".")[0] in ("matplotlib", "mpl_toolkits")
                         or n.startswith(("viz.figures", "viz.export", "viz.live")))
        assert drawing == [], f"{path.relative_to(ROOT)} imports {drawing}"


def test_viz_modules_stay_small():
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
             for p in (ROOT / "viz").rglob("*.py")}
    assert {p: n for p, n in sizes.items() if n > MAX_VIZ_MODULE_LINES} == {}
