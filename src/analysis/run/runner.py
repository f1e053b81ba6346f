"""Run the review notebooks for one quarter with papermill and publish them together.

A run as of a day before the quarter's end (``--as-of``, or ``--quarter current``) tracks the
quarter under way instead: it executes the tracking report only (``IN_QUARTER``), publishes it
under ``<out>/<quarter>/`` in place of the previous tracking report, and files its nowcast in
the nowcast ledger; the quarter's review, once it has closed, replaces the tracking report. A
run as of an earlier day of a quarter whose review is already published files its nowcast and
keeps the review.

Order of work: check every parameter against the reports' contracts (nothing is loaded for a
wrong ``-p``), load and validate the data once, write them as a snapshot every notebook reads,
execute the notebooks into a staging folder, export HTML, write the manifest, then swap the folder
into ``<out>/<quarter>/`` (see publish.py) and file the forecasts in the ledger. A failure at any
step leaves the last good report and the ledger as they were; a failed notebook is kept in
``<out>/.failed/`` for debugging.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import nbformat

from analysis.core import i18n
from analysis.core.bundled import notebooks_dir
from analysis.core.errors import PublishError, RunError, WorkbenchError
from analysis.core.i18n import N_, _
from analysis.core.parameters import Parameter
from analysis.data import snapshot
from analysis.data.check import check_hierarchy
from analysis.data.config import load_config, sample_config_path
from analysis.data.load import Dataset, load
from analysis.forecasting import ledger, nowcast_ledger
from analysis.reports import (
    customers,
    forecast,
    overview,
    returns,
    salespeople,
    target_miss,
    tracking,
)
from analysis.reports.review import COMMON, CURRENT, Review
from analysis.run import in_quarter, landing, manifest, pages, params, publish, summary
from analysis.run.execute import FILE_ONLY, execute
from analysis.run.export import to_html
from analysis.run.runlog import RunLog

log = logging.getLogger(__name__)
NOTEBOOKS = notebooks_dir()
#: Notebooks executed side by side, each in its own kernel.
AT_ONCE = 3


@dataclass(frozen=True)
class Report:
    """One review notebook: its file, the title of its page and its parameters' contract."""

    name: str
    title: str
    parameters: tuple[Parameter, ...] = COMMON
    folder: Path = NOTEBOOKS

    @property
    def notebook(self) -> Path:
        return self.folder / f"{self.name}.ipynb"


REPORTS: tuple[Report, ...] = (
    Report("overview", N_("Quarterly overview"), overview.PARAMETERS),
    Report("target_miss", N_("Targets and the reasons for the gap"), target_miss.PARAMETERS),
    Report("forecast", N_("Forecast and the odds of the targets"), forecast.PARAMETERS),
    Report("customers", N_("Customers, products and prices"), customers.PARAMETERS),
    Report("returns", N_("Returns and quality"), returns.PARAMETERS),
    Report("salespeople", N_("Salespeople"), salespeople.PARAMETERS),
)
#: What a run part-way through a quarter executes: the quarter so far and where it lands.
IN_QUARTER: tuple[Report, ...] = (
    Report("tracking", N_("The quarter so far and where it lands"), tracking.PARAMETERS),
)


@dataclass(frozen=True)
class RunResult:
    quarter: str
    folder: Path
    index: Path
    seconds: float
    as_of: date | None = None  # a run part-way through the quarter: the day it stands on
    kept_review: bool = False  # its nowcast was filed, the quarter's published review kept


def run(
    quarter: str = "latest",
    config: str | Path | None = None,
    out: str | Path = "reports",
    *,
    as_of: date | None = None,
    timeout: int = 600,
    extra: Mapping[str, str] | None = None,
    reports: Sequence[Report] = REPORTS,
    tracked: Sequence[Report] = IN_QUARTER,
    language: str | None = None,
) -> RunResult:
    """Check parameters, load the data once, execute every report notebook, publish them together.

    ``extra`` holds further notebook parameters as text (``-p horizon=8``): each must be a
    parameter of at least one report that the run does not set itself, with an allowed value.
    ``as_of`` stands the run on that day (later lines left out); before the quarter's end the run
    executes the ``tracked`` reports instead of ``reports``. ``language`` (``en``, ``zh``)
    overrides the configuration's ``language:``.
    """
    started, t0 = datetime.now(), time.perf_counter()
    out = _output_folder(Path(out))
    stamp = started.strftime("%Y%m%dT%H%M%S")
    runlog = _open_log(out, stamp)
    try:
        config_path = Path(config) if config else sample_config_path()
        run_config = load_config(config_path)
        # ``current`` with no day chosen stands on today, or on the export's last day before it
        settle = quarter.strip().lower() == CURRENT and as_of is None
        quarter, as_of, under_way = in_quarter.plan(quarter, as_of, run_config)
        if language is not None:
            run_config = replace(run_config, language=language)  # checked again
        chosen = _chosen(tracked if under_way else reports, extra)
        settle = settle and run_config.data_through is None
        dataset = load(run_config, as_of=as_of, settle=settle)
        if dataset.as_of != as_of:  # the export ends before today: plan on its last day
            quarter, as_of, under_way = in_quarter.plan(CURRENT, dataset.as_of, run_config)
            chosen = _chosen(tracked if under_way else reports, extra)
        reports = tracked if under_way else reports
        check_hierarchy(dataset)  # the forecast's series apart: found now, not minutes in
        for report in dataset.reports:
            log.info("%s", report.summary())
        sources = manifest.inputs(dataset)
        review = Review.of(dataset, quarter)
        runlog.name_for(review.label)
        try:
            folder, kept = _publish(
                out, review, sources, "sample" if config is None else config_path, chosen,
                reports, timeout, started, stamp,
            )  # fmt: skip
        except OSError as exc:  # disk full, permissions: the last good report is untouched
            raise PublishError(
                f"cannot write the report into {out}: {exc.strerror or exc} "
                "(the last published report is unchanged)"
            ) from exc
        seconds = time.perf_counter() - t0
        if kept:
            log.info("%s's review is published and kept; the nowcast as of %s is filed in %s",
                     review.label, as_of, nowcast_ledger.NOWCASTS)  # fmt: skip
        else:
            log.info("published %s in %.1f s", folder / "index.html", seconds)
    except WorkbenchError as exc:
        log.error("%s", exc)
        raise
    except Exception as exc:  # a fault of the workbench itself: one line, the traceback logged
        first = (str(exc).strip().splitlines() or [""])[0]
        log.error("unexpected failure", exc_info=True, extra=FILE_ONLY)
        error = RunError(f"the run failed: {type(exc).__name__}: {first} (traceback in the log)")
        log.error("%s", error)
        raise error from exc
    finally:
        runlog.close()
    return RunResult(
        quarter=review.label, folder=folder, index=folder / "index.html", seconds=seconds,
        as_of=as_of if under_way else None, kept_review=kept,
    )  # fmt: skip


def _chosen(reports: Sequence[Report], extra: Mapping[str, str] | None) -> dict[str, Any]:
    """Every notebook's contract checked and the ``-p`` values typed against them."""
    for report in reports:
        params.check_notebook(report.notebook, report.parameters)
    return params.from_command_line({r.name: r.parameters for r in reports}, extra or {})


def _output_folder(out: Path) -> Path:
    """``out``, created if need be; a :class:`PublishError` if reports cannot be written there."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"cannot use {out} for reports: {exc.strerror or exc}") from exc
    if not os.access(out, os.W_OK | os.X_OK):
        raise PublishError(f"cannot use {out} for reports: the folder is not writable")
    return out


def _open_log(out: Path, stamp: str) -> RunLog:
    try:
        return RunLog(out / "logs", stamp)
    except OSError as exc:
        raise PublishError(f"cannot write the run log in {out / 'logs'}: {exc.strerror}") from exc


def _publish(
    out: Path,
    review: Review,
    sources: list[dict[str, Any]],
    config: str | Path,
    chosen: dict[str, Any],
    reports: Sequence[Report],
    timeout: int,
    started: datetime,
    stamp: str,
) -> tuple[Path, bool]:
    """Build the quarter's folder in staging and swap it in, under the quarter's lock; file the
    run's forecasts (a tracking run's nowcast) in the ledger and rewrite the index of all
    quarters. A tracking run of a quarter whose closed review is published files its nowcast
    and keeps the review (returned: the folder, and whether the review was kept)."""
    label, dataset = review.label, review.dataset
    for name in publish.clean_stale(out):
        log.info("removed %s, left in .staging by a run that did not finish", name)
    run_name = f"{label}-{stamp}-{os.getpid()}"
    staging = out / ".staging" / run_name
    data = out / ".staging" / f"{run_name}.data"
    filed = data / ledger.LEDGER  # this run's forecasts, kept once the report is published
    book = out / ledger.LEDGER
    # Notebooks run inside the staging folder: files they write land next to their HTML,
    # and every path they are given is relative (no machine paths in executed notebooks).
    here = staging.resolve()
    owned = {
        "quarter": label,
        "config": config if isinstance(config, str) else _relative(config, here),
        "snapshot": _relative(data, here),
        "output_dir": ".",
        "ledger": _relative(book, here),
        "record_to": _relative(filed, here),
        "as_of": review.as_of.isoformat() if review.as_of else "",
        "nowcasts": _relative(out / nowcast_ledger.NOWCASTS, here),
        "language": dataset.config.language,
    }
    values = {r.name: params.for_notebook(r.parameters, owned, chosen) for r in reports}
    with publish.quarter_lock(out, label):
        staging.mkdir(parents=True)
        try:
            snapshot.write(dataset, data)
            failed = out / ".failed" / f"{label}-{stamp}"
            with i18n.speaking(dataset.config.language):  # the runner's own pages
                _build(dataset, review, values, reports, staging, failed, timeout, started)
            _write_manifest(dataset, sources, values, reports, staging, started)
            kept = review.in_quarter and in_quarter.closed_review(out / label)
            folder = out / label if kept else publish.swap_in(staging, out / label)
            if review.in_quarter:
                nowcast = (staging if kept else folder) / tracking.NOWCAST_CSV
                in_quarter.file_nowcast(out, review, nowcast, started)
            if filed.is_file():
                ledger.merge(book, filed)
                log.info("forecasts from %s recorded in %s", label, book.name)
        finally:
            for leftover in (staging, data):
                shutil.rmtree(leftover, ignore_errors=True)
        with i18n.speaking(dataset.config.language):
            landing.write_root_index(out)
    return folder, kept


def _relative(path: Path, start: Path) -> str:
    return os.path.relpath(path.resolve(), start)


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
    # The notebooks are independent: they run side by side, each in its own kernel, and a
    # failure is reported once they have all stopped (the first in the reports' order).
    # A terminal sees what notebooks write to stderr as they write it (progress bars).
    # At most AT_ONCE kernels at a time: all six at once are no faster on two cores
    # (BENCHMARKS.md), and a stop (Ctrl-C, SIGTERM) starts none of the notebooks still waiting.
    stream = sys.stderr if sys.stderr.isatty() else None
    pool = ThreadPoolExecutor(max_workers=min(len(reports), AT_ONCE))
    try:
        running = [
            pool.submit(
                execute,
                report.notebook,
                staging / f"{report.name}.ipynb",
                values[report.name],
                timeout,
                failed,
                stream,
            )
            for report in reports
        ]
        wait(running)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    for done in running:
        done.result()
    company = dataset.config.company or _("Sales")
    title = f"{company} {review.label}"
    if review.in_quarter:
        figures = tracking.summary(review, staging / tracking.NOWCAST_CSV)
        title += _(" as of {day}").format(day=review.as_of.isoformat())
        state = pages.TRACKING
    else:
        figures = overview.summary(review)
        figures["next_quarter"] = summary.next_quarter(review, staging / "forecast.csv")
        figures["biggest_miss"] = summary.biggest_miss(staging / "target_miss.csv")
        figures["trend"] = summary.trend(review)
        state = pages.SUMMARY
    footer = pages.footer(dataset, values, started)
    listed = [(r.name, _(r.title)) for r in reports]
    for report in reports:
        path = staging / f"{report.name}.ipynb"
        executed = _scrubbed(nbformat.read(path, as_version=4), report)
        nbformat.write(executed, path)
        page = to_html(
            executed,
            f"{title} · " + _(report.title),
            nav_html=pages.nav(listed, current=report.name),
            footer_html=footer,
        )
        (staging / f"{report.name}.html").write_text(page, encoding="utf-8")
    landing_page = (
        landing.tracking_page(title, listed, figures["text"]["headline"])
        if review.in_quarter
        else landing.quarter_page(title, listed, figures, landing.notes(review))
    )
    (staging / "index.html").write_text(landing_page, encoding="utf-8")
    (staging / state).write_text(
        json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def _write_manifest(
    dataset: Dataset,
    sources: list[dict[str, Any]],
    values: dict[str, dict[str, Any]],
    reports: Sequence[Report],
    staging: Path,
    started: datetime,
) -> None:
    # what reproduces the run: the configuration by its file name, not the run's own paths
    shown = {
        name: {
            k: Path(v).name if k == "config" else v
            for k, v in report_values.items()
            if k not in pages.PLUMBING
        }
        for name, report_values in values.items()
    }
    names = [r.name for r in reports]
    built = manifest.build(dataset, sources, shown, names, started, datetime.now())
    (staging / "manifest.json").write_text(
        json.dumps(built, ensure_ascii=False, indent=1), encoding="utf-8"
    )


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
