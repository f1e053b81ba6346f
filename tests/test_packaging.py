"""pyproject.toml is the one source of dependencies; environment.yml must agree with it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# conda-forge names that differ from PyPI names
CONDA_TO_PYPI = {"python-duckdb": "duckdb"}


def _split(requirement: str) -> tuple[str, str]:
    # extras (psycopg[binary]) are a pip notion; conda-forge's package carries them
    name, _, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(.*)$", requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def test_environment_yml_agrees_with_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = dict(
        _split(r) for r in [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    )
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"]
    conda, pip = {}, None
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip = dep["pip"]
            continue
        name, spec = _split(dep)
        conda[CONDA_TO_PYPI.get(name, name)] = spec
    assert pip == ['-e ".[dev]"'] or pip == ["-e .[dev]"]
    python = conda.pop("python")
    assert python == ">=3.11" and project["requires-python"] == ">=3.11"
    conda.pop("pip")
    assert conda == wanted


def test_console_command_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"] == {"sales-report": "analysis.cli:main"}


def test_notebooks_committed_clean_with_one_parameters_cell():
    import nbformat

    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), path.name
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path.name
        assert nb.metadata["kernelspec"]["name"] == "python3", path.name


def test_a_built_wheel_runs_a_report_outside_the_checkout(tmp_path):
    """``pip wheel`` of the project, installed into a new environment (reusing this one's
    dependencies), writes the sample and publishes a quarter in an empty folder."""
    import os
    import subprocess
    import sys
    import sysconfig
    import venv

    built = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(built), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    wheel = next(built.glob("quarterly_sales_workbench-*.whl"))
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    # the dependencies of this environment, but not its editable install of the project
    (Path(site) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
         str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    work = tmp_path / "empty"
    work.mkdir()
    command = env_dir / "bin" / "sales-report"
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    environ["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{environ.get('PATH', '')}"
    # the reused dependencies' data files (nbconvert's templates) lie under this prefix
    environ["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")

    def sales_report(*args: str) -> str:
        done = subprocess.run(
            [command, *args], cwd=work, env=environ, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    where = subprocess.run(
        [python, "-c", "import analysis; print(analysis.__file__)"],
        cwd=work, env=environ, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert str(env_dir) in where and str(ROOT) not in where
    assert "48,290 rows read" in sales_report("check")  # the bundled sample, from the wheel
    sales_report("sample", "--out", "s")
    out = sales_report("run", "--quarter", "2025Q4", "--config", "s/config.yaml", "--out", "r")
    assert "r/2025Q4/index.html" in out
    for page in ("index", "overview", "target_miss", "forecast"):
        assert (work / "r" / "2025Q4" / f"{page}.html").is_file()
