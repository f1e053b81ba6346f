"""The forecasting package's shape: no import cycle, and imports only of core and data."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

FORECASTING = Path(__file__).resolve().parents[2] / "src" / "analysis" / "forecasting"
MODULES = sorted(p.stem for p in FORECASTING.glob("*.py") if p.stem != "__init__")


def _imports(path: Path) -> set[str]:
    """Every ``analysis`` module ``path`` imports, anywhere in the file (lazy imports too)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("analysis")}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("analysis"):
            assert node.level == 0, f"{path.name}: relative import"
            base = node.module or ""
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names}
    return out


def _graph() -> dict[str, set[str]]:
    prefix = "analysis.forecasting."
    own = {prefix + m for m in MODULES}
    return {prefix + m: _imports(FORECASTING / f"{m}.py") & own for m in MODULES}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of ``graph`` (module -> modules it imports) as a path, or None."""
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str] | None:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return None
        for target in sorted(graph.get(name, ())):
            found = visit(target, [*path, name])
            if found:
                return found
        done.add(name)
        return None

    for name in sorted(graph):
        found = visit(name, [])
        if found:
            return found
    return None


def test_no_import_cycle_between_forecasting_modules() -> None:
    cycle = find_cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])
    # the forecaster's machinery imports neither the forecaster nor its callers: the records at
    # the bottom, the backends (the cluster too) above the per-series work
    below = {"tasks", "seasonal", "members", "pooled", "one_series", "calibration", "frames"}
    below |= {"backends", "cluster"}
    prefix = "analysis.forecasting."
    graph = _graph()
    assert graph[prefix + "tasks"] == set()
    for m in below:
        assert graph[prefix + m] <= {prefix + b for b in below}, m


def test_the_cycle_check_sees_the_old_cycle() -> None:
    """The forecaster imported the cluster lazily and the cluster the forecaster: a cycle."""
    old = {"forecaster": {"cluster", "members"}, "cluster": {"forecaster"}, "members": set()}
    assert find_cycle(old) == ["cluster", "forecaster", "cluster"]
    assert find_cycle({"forecaster": {"cluster"}, "cluster": {"tasks"}, "tasks": set()}) is None


def test_forecasting_imports_only_core_and_data() -> None:
    wrong = []
    for m in MODULES:
        for target in _imports(FORECASTING / f"{m}.py"):
            layer = target.split(".")[1] if "." in target else ""
            if layer not in ("core", "data", "forecasting"):
                wrong.append(f"{m} imports {target}")
    assert not wrong, "\n".join(wrong)


_FRESH = """
import sys
for order in (MODULES, MODULES[::-1]):
    for first in order:
        for name in [n for n in sys.modules if n == "analysis" or n.startswith("analysis.")]:
            del sys.modules[name]
        for m in [first, *[m for m in order if m != first]]:
            __import__("analysis.forecasting." + m)
"""


def test_every_module_imports_first_in_a_fresh_interpreter() -> None:
    """Each module imported before the others (both orders), the package unloaded each time, in
    a fresh interpreter: a cycle breaks one of these with a partly initialised module."""
    code = f"MODULES = {MODULES!r}\n" + _FRESH
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
