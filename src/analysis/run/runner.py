"""Run the review notebooks for one quarter with papermill and publish them together.

Order of work: load and validate the data, check every notebook's parameters, execute the
notebooks into a staging folder, export HTML, write the manifest, then swap the folder into
``<out>/<quarter>/`` (see publish.py). A failure at any step leaves the last good report as it was;
a failed notebook is kept in ``<out>/.failed/`` for debugging.
"""

from __future__ import annotations

import html
import json
import logging
import os
import shutil
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from logging.handlers import MemoryHandler
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import papermill as pm
from papermill.exceptions import PapermillExecutionError

from analysis import __version__
from analysis.core.bundled import notebooks_dir
from analysis.core.errors import RunError, WorkbenchError
from analysis.data.config import load_config, sample_config_path
from analysis.data.load import Dataset, load
from analysis.data.series import Coverage
from analysis.forecasting import ledger
from analysis.reports.overview import Review, resolve_quarter, summary
from analysis.run import manifest, params, publish
from analysis.run.export import to_html

log = logging.getLogger(__name__)
logging.getLogger("papermill").setLevel(logging.WARNING)  # our own progress lines are enough

NOTEBOOK_DIR = notebooks_dir()


@dataclass(frozen=True)
class Report:
    """One review notebook: its file in ``notebooks/`` and the title of its page."""

    name: str
    title: str
    folder: Path = NOTEBOOK_DIR

    @property
    def notebook(self) -> Path:
        return self.folder / f"{self.name}.ipynb"


REPORTS: tuple[Report, ...] = (
    Report("overview", "Quarterly overview"),
    Report("target_miss", "Targets and the reasons for the gap"),
    Report("forecast", "Forecast and the odds of the targets"),
)


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
    extra: Mapping[str, str] | None = None,
    reports: Sequence[Report] = REPORTS,
) -> RunResult:
    """Validate data and parameters, execute every report notebook, then publish them together.

    ``extra`` holds further notebook parameters as text (``-p horizon=8``): each must be declared
    in the ``parameters`` cell of at least one notebook, which receives it as the declared type.
    """
    started, t0 = datetime.now(), time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%S")
    label = None
    buffer = _start_log()
    try:
        config_path = Path(config) if config else sample_config_path()
        dataset = load(load_config(config_path))
        cfg = dataset.config
        for report in dataset.reports:
            log.info("%s", report.summary())
        coverage = Coverage.of(dataset.sales, cfg.calendar, cfg.data_through)
        period = resolve_quarter(quarter, cfg.calendar, coverage)
        label = cfg.calendar.label(period)
        # Notebooks run inside the staging folder: files they write land next to their HTML,
        # and every path they are given is relative (no machine paths in executed notebooks).
        staging = out / ".staging" / f"{label}-{stamp}-{os.getpid()}"
        config_param = (
            "sample"
            if config is None
            else os.path.relpath(config_path.resolve(), staging.resolve())
        )
        common = {"quarter": label, "config": config_param}
        book = out / ledger.LEDGER
        optional = {"output_dir": ".", "ledger": os.path.relpath(book.resolve(), staging.resolve())}
        values = _parameters(reports, common, optional, extra or {})
        with publish.quarter_lock(out, label):
            staging.mkdir(parents=True)
            try:
                review = Review(dataset, cfg.calendar, coverage, period)
                failed = out / ".failed" / f"{label}-{stamp}"
                _build(dataset, review, values, reports, staging, failed, timeout, started)
                folder = publish.swap_in(staging, out / label)
                _record_forecasts(folder / "forecast.csv", book, label, started)
            finally:
                if staging.exists():
                    shutil.rmtree(staging)
            publish.write_root_index(out)
        seconds = time.perf_counter() - t0
        log.info("published %s in %.1f s", folder / "index.html", seconds)
    except WorkbenchError as exc:
        log.error("%s", exc)
        raise
    finally:
        _finish_log(buffer, out / "logs" / f"{label or 'run'}-{stamp}.log")
    return RunResult(quarter=label, folder=folder, index=folder / "index.html", seconds=seconds)


def _parameters(
    reports: Sequence[Report],
    common: dict[str, Any],
    optional: dict[str, Any],
    extra: Mapping[str, str],
) -> dict[str, dict[str, Any]]:
    """Each notebook's checked parameter values.

    ``common`` go to every notebook (each must declare them); ``optional`` and the command line's
    ``extra`` (text, typed here) only to the notebooks that declare them.
    """
    declared = {report.name: params.declared(report.notebook) for report in reports}
    every = {name: kind for types in declared.values() for name, kind in types.items()}
    wanted = {**optional, **params.coerce(every, extra)}
    return {
        report.name: params.check(
            report.notebook,
            {**common, **{k: v for k, v in wanted.items() if k in declared[report.name]}},
        )
        for report in reports
    }


def _build(
    dataset: Dataset,
    review: Review,
    values: dict[str, dict[str, Any]],
    reports: Sequence[Report],
    staging: Path,
    failed: Path,
    timeout: int,
    started: datetime,
) -> None:
    """Everything a quarter's folder holds, written into ``staging``."""
    for report in reports:
        _execute(report, staging, values[report.name], timeout, failed)
    figures = summary(review)
    title = f"{dataset.config.company or 'Sales'} {review.label}"
    footer = _footer(dataset, values, started)
    for report in reports:
        path = staging / f"{report.name}.ipynb"
        executed = nbformat.read(path, as_version=4)
        nbformat.write(_scrubbed(executed, report), path)
        page = to_html(
            executed,
            f"{title} · {report.title}",
            nav_html=_nav(reports, current=report),
            footer_html=footer,
        )
        (staging / f"{report.name}.html").write_text(page, encoding="utf-8")
    (staging / "index.html").write_text(
        publish.quarter_index(title, [(r.name, r.title) for r in reports], figures["headline"]),
        encoding="utf-8",
    )
    (staging / publish.SUMMARY).write_text(
        json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    built = manifest.build(dataset, values, [r.name for r in reports], started, datetime.now())
    (staging / "manifest.json").write_text(
        json.dumps(built, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def _record_forecasts(csv: Path, book: Path, origin: str, started: datetime) -> None:
    """Keep the published forecasts in the ledger, so later reports can score them."""
    if csv.is_file():
        recorded = started.isoformat(timespec="seconds")
        ledger.record(book, origin, pd.read_csv(csv, dtype={"quarter": str}), recorded)
        log.info("forecasts from %s recorded in %s", origin, book.name)


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
            cwd=str(staging),
        )
    except PapermillExecutionError as exc:
        kept = _keep_failed(target, failed)
        raise RunError(
            f"{report.notebook.name} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue} "
            f"(executed notebook kept in {kept})"
        ) from None
    except Exception as exc:  # kernel died, timeout, ...: the same one-line report
        kept = _keep_failed(target, failed)
        cause = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise RunError(
            f"{report.notebook.name} did not finish: {type(exc).__name__}: {cause} "
            f"(executed notebook kept in {kept})"
        ) from None
    log.info("%s done in %.1f s", report.notebook.name, time.perf_counter() - t0)


def _keep_failed(target: Path, failed: Path) -> Path:
    failed.mkdir(parents=True, exist_ok=True)
    if target.exists():
        shutil.copy2(target, failed / target.name)
    return failed


def _scrubbed(nb: nbformat.NotebookNode, report: Report) -> nbformat.NotebookNode:
    """The executed notebook as published: no machine paths, stderr moved to the run log."""
    meta = nb.metadata.get("papermill", {})
    for key in ("input_path", "output_path"):
        if key in meta:
            meta[key] = Path(meta[key]).name
    for cell in nb.cells:
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                log.warning("%s: %s", report.name, output.get("text", "").strip())
            else:
                kept.append(output)
        if cell.cell_type == "code":
            cell.outputs = kept
    return nb


def _start_log() -> MemoryHandler:
    """Collect this run's log lines until the quarter, and so the log file's name, is known."""
    buffer = MemoryHandler(capacity=100_000, flushLevel=logging.CRITICAL + 1)
    buffer.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(buffer)
    if root.getEffectiveLevel() > logging.INFO:
        root.setLevel(logging.INFO)
    return buffer


def _finish_log(buffer: MemoryHandler, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(buffer.formatter)
    buffer.setTarget(handler)
    buffer.flush()
    logging.getLogger().removeHandler(buffer)
    buffer.close()
    handler.close()


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


def _footer(dataset: Dataset, values: dict[str, dict[str, Any]], started: datetime) -> str:
    sources = "; ".join(
        f"{r.source}: {r.rows_read:,} rows read, {r.rows_used:,} used, "
        f"{r.rows_read - r.rows_used:,} set aside"
        for r in dataset.reports
    )
    merged = {k: v for report_values in values.values() for k, v in report_values.items()}
    # what a reader can use: the configuration by its file name, not the runner's own paths
    shown = {k: v for k, v in merged.items() if k not in ("output_dir", "ledger")}
    if shown.get("config", "sample") != "sample":
        shown["config"] = Path(str(shown["config"])).name
    parameters = ", ".join(f"{k} = {v}" for k, v in shown.items())
    text = (
        f"Data: {sources}. Parameters: {parameters}. Currency: {dataset.config.currency}. "
        f"Run {started:%Y-%m-%d %H:%M}, quarterly-sales-workbench {__version__}."
    )
    return html.escape(text)
