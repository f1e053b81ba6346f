"""Run the review notebooks for one quarter with papermill and publish their HTML atomically.

Outputs are built in ``<out>/.staging/`` and moved to ``<out>/<quarter>/`` only when every notebook
succeeded; a failed run leaves the last good report untouched and keeps the failed notebook in
``<out>/.failed/`` for debugging.
"""

from __future__ import annotations

import html
import logging
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import nbformat
import papermill as pm
from papermill.exceptions import PapermillExecutionError

from . import __version__, params
from .config import RunConfig, load_config, sample_config_path
from .errors import RunError
from .export import to_html
from .load import Dataset, load
from .overview import resolve_quarter
from .series import Coverage

log = logging.getLogger(__name__)
logging.getLogger("papermill").setLevel(logging.WARNING)  # our own progress lines are enough

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"


@dataclass(frozen=True)
class Report:
    """One review notebook: its file in ``notebooks/`` and the title of its page."""

    name: str
    title: str
    folder: Path = NOTEBOOK_DIR

    @property
    def notebook(self) -> Path:
        return self.folder / f"{self.name}.ipynb"


REPORTS: tuple[Report, ...] = (Report("overview", "Quarterly overview"),)


@dataclass(frozen=True)
class RunResult:
    quarter: str
    folder: Path
    index: Path
    seconds: float


def run(
    quarter: str = "latest",
    config: str | Path | None = None,
    out: str | Path = "reports",
    *,
    timeout: int = 600,
    reports: Sequence[Report] = REPORTS,
) -> RunResult:
    """Validate data and parameters, execute every report notebook, then publish them together."""
    started = time.perf_counter()
    config_path = Path(config) if config else sample_config_path()
    cfg = load_config(config_path)
    dataset = load(cfg)
    for report in dataset.reports:
        log.info("%s", report.summary())
    coverage = Coverage.of(dataset.sales, cfg.calendar, cfg.data_through)
    label = cfg.calendar.label(resolve_quarter(quarter, cfg.calendar, coverage))
    config_param = "sample" if config is None else os.path.relpath(config_path.resolve())
    values = {"quarter": label, "config": config_param}
    for report in reports:
        params.check(report.notebook, values)

    out = Path(out)
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    staging = out / ".staging" / f"{label}-{stamp}-{os.getpid()}"
    staging.mkdir(parents=True)
    try:
        for report in reports:
            _execute(report, staging, values, timeout, out / ".failed" / f"{label}-{stamp}")
        footer = _footer(dataset, cfg, values, started)
        for report in reports:
            executed = nbformat.read(staging / f"{report.name}.ipynb", as_version=4)
            page = to_html(
                executed,
                f"{_title(cfg, label)} · {report.title}",
                nav_html=_nav(reports, current=report),
                footer_html=footer,
            )
            (staging / f"{report.name}.html").write_text(page, encoding="utf-8")
        (staging / "index.html").write_text(_quarter_index(cfg, label, reports), encoding="utf-8")
        folder = _publish(staging, out / label)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    _write_root_index(out)
    seconds = time.perf_counter() - started
    log.info("published %s in %.1f s", folder / "index.html", seconds)
    return RunResult(quarter=label, folder=folder, index=folder / "index.html", seconds=seconds)


def _execute(report: Report, staging: Path, values: dict, timeout: int, failed: Path) -> None:
    target = staging / f"{report.name}.ipynb"
    log.info("running %s ...", report.notebook.name)
    t0 = time.perf_counter()
    try:
        pm.execute_notebook(
            str(report.notebook),
            str(target),
            parameters=values,
            kernel_name="python3",
            execution_timeout=timeout,
            progress_bar=False,
            cwd=os.getcwd(),
        )
    except PapermillExecutionError as exc:
        kept = _keep_failed(target, failed)
        raise RunError(
            f"{report.notebook.name} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue} "
            f"(executed notebook kept in {kept})"
        ) from None
    except Exception as exc:  # kernel died, timeout, ...: the same one-line report
        kept = _keep_failed(target, failed)
        raise RunError(
            f"{report.notebook.name} did not finish: {type(exc).__name__}: {exc} "
            f"(executed notebook kept in {kept})"
        ) from None
    log.info("%s done in %.1f s", report.notebook.name, time.perf_counter() - t0)


def _keep_failed(target: Path, failed: Path) -> Path:
    failed.mkdir(parents=True, exist_ok=True)
    if target.exists():
        shutil.copy2(target, failed / target.name)
    return failed


def _publish(staging: Path, final: Path) -> Path:
    """Swap the finished folder in; the old report is removed only once the new one is in place."""
    old = staging.with_name(staging.name + "-previous")
    if final.exists():
        os.replace(final, old)
    os.replace(staging, final)
    if old.exists():
        shutil.rmtree(old)
    return final


def _title(cfg: RunConfig, label: str) -> str:
    return f"{cfg.company or 'Sales'} {label}"


def _nav(reports: Sequence[Report], current: Report) -> str:
    links = ["<a href='../index.html'>All quarters</a>", "<a href='index.html'>This quarter</a>"]
    for report in reports:
        name = html.escape(report.title)
        links.append(
            f"<strong>{name}</strong>"
            if report == current
            else f"<a href='{report.name}.html'>{name}</a>"
        )
    return " ".join(links)


def _footer(dataset: Dataset, cfg: RunConfig, values: dict, started: float) -> str:
    sources = "; ".join(
        f"{r.source}: {r.rows_read:,} rows read, {r.rows_used:,} used, "
        f"{r.rows_read - r.rows_used:,} set aside"
        for r in dataset.reports
    )
    parameters = ", ".join(f"{k} = {v}" for k, v in values.items())
    text = (
        f"Data: {sources}. Parameters: {parameters}. Currency: {cfg.currency}. "
        f"Generated {datetime.now():%Y-%m-%d %H:%M} by quarterly-sales-workbench {__version__}."
    )
    return html.escape(text)


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:50rem;margin:2rem auto;"
        "line-height:1.5}</style>"
        f"</head><body>{body}</body></html>\n"
    )


def _quarter_index(cfg: RunConfig, label: str, reports: Sequence[Report]) -> str:
    title = _title(cfg, label)
    items = "".join(f"<li><a href='{r.name}.html'>{html.escape(r.title)}</a></li>" for r in reports)
    body = (
        f"<p><a href='../index.html'>All quarters</a></p><h1>{html.escape(title)}</h1>"
        f"<ul>{items}</ul>"
    )
    return _page(title, body)


def _write_root_index(out: Path) -> None:
    quarters = sorted(
        (p.name for p in out.iterdir() if p.is_dir() and (p / "index.html").exists()),
        reverse=True,
    )
    items = "".join(
        f"<li><a href='{html.escape(q)}/index.html'>{html.escape(q)}</a></li>" for q in quarters
    )
    tmp = out / ".index.html.tmp"
    tmp.write_text(
        _page("Quarterly reports", f"<h1>Quarterly reports</h1><ul>{items}</ul>"), encoding="utf-8"
    )
    os.replace(tmp, out / "index.html")
