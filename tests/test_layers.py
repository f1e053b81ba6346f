"""The package's shape: imports point down the layers, no import cycle, small modules."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "analysis"
#: Lower number, lower layer; a module may import its own layer's subpackage or lower ones.
LAYERS = {
    "core": 0,
    "data": 1,
    "targets": 2,
    "forecasting": 2,
    "customers": 2,
    "quality": 3,
    "reports": 4,
    "run": 5,
    "cli": 6,
}
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """Modules of the package that ``path`` imports, anywhere in the file (lazy imports too)."""
    out = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        out |= {t for t in targets if t in known and t != name}
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(path, name, known) for name, path in modules.items()}


def _layer(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else None


def test_imports_point_down() -> None:
    wrong = []
    for name, imported in _graph().items():
        mine = _layer(name)
        if mine is None:  # analysis/__init__ names the public API of every layer
            continue
        for target in imported:
            theirs = _layer(target)
            if theirs is None or theirs == mine:
                continue
            if LAYERS[theirs] >= LAYERS[mine]:
                wrong.append(f"{name} imports {target}")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_import_cycle() -> None:
    graph = _graph()
    graph.pop("analysis")  # the lazy public API imports nothing at import time
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, set())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*trail[trail.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert not cycles, "\n".join(cycles)


def test_the_checker_sees_a_cycle_and_an_upward_import(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("from analysis.run import runner\n")
    found = _imports(tmp_path / "a.py", "analysis.core.a", {"analysis.run", "analysis.run.runner"})
    assert found == {"analysis.run", "analysis.run.runner"}
    (tmp_path / "b.py").write_text("from . import sibling\n")
    assert _imports(tmp_path / "b.py", "analysis.data.b", {"analysis.data.sibling"}) == {
        "analysis.data.sibling"
    }


def test_the_forecasters_machinery_sits_below_the_forecaster() -> None:
    """Task records at the bottom; the per-series work and the backends (the cluster too) import
    neither the forecaster nor its callers."""
    graph = _graph()
    prefix = "analysis.forecasting."
    below = {prefix + m for m in ("tasks", "seasonal", "members", "pooled", "one_series")}
    below |= {prefix + m for m in ("calibration", "frames", "backends", "cluster")}
    assert not {t for t in graph[prefix + "tasks"] if t.startswith("analysis.")} - {"analysis"}
    for name in below:
        inside = {t for t in graph[name] if t.startswith(prefix)}
        assert inside <= below, name


_FRESH = """
import sys
for order in (MODULES, MODULES[::-1]):
    for first in order:
        for name in [n for n in sys.modules if n == "analysis" or n.startswith("analysis.")]:
            del sys.modules[name]
        __import__(first)
"""


def test_every_module_imports_first_in_a_fresh_interpreter() -> None:
    """Each module imported before any other (the package unloaded each time): a cycle would
    leave a partly initialised module and fail here."""
    import subprocess
    import sys

    names = sorted(_modules())
    code = f"MODULES = {names!r}\n" + _FRESH
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_modules_stay_small() -> None:
    sizes = {
        name: len(p.read_text(encoding="utf-8").splitlines()) for name, p in _modules().items()
    }
    large = {name: n for name, n in sizes.items() if n > MAX_LINES}
    assert not large, large


def test_the_public_api_is_named_and_loads_on_first_use() -> None:
    import subprocess
    import sys

    code = (
        "import sys, analysis\n"
        "assert 'pandas' not in sys.modules, 'import analysis loaded pandas'\n"
        "missing = [n for n in analysis.__all__ if not hasattr(analysis, n)]\n"
        "assert not missing, missing\n"
        "from analysis.forecasting.forecaster import Forecaster\n"
        "assert analysis.Forecaster is Forecaster\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
