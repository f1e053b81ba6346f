"""The pages a run writes around the notebooks: navigation, footer, the quarter's landing page
and the index of every published quarter.

Every piece of text is HTML-escaped here, where it becomes HTML: the company's name, the
currency, headlines and names from the data show as text, never as markup.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from analysis import __version__
from analysis.core.files import write_atomic
from analysis.data.load import Dataset
from analysis.reports import present

SUMMARY = "summary.json"
#: Parameters that are the runner's own plumbing (relative paths inside one run), never shown.
PLUMBING = ("snapshot", "output_dir", "ledger", "record_to")


def nav(reports: Sequence[tuple[str, str]], current: str) -> str:
    """Links to every quarter, this quarter and each report (file name, title)."""
    links = ["<a href='../index.html'>All quarters</a>", "<a href='index.html'>This quarter</a>"]
    for name, title in reports:
        shown = html.escape(title)
        href = html.escape(f"{name}.html")
        links.append(
            f"<strong>{shown}</strong>" if name == current else f"<a href='{href}'>{shown}</a>"
        )
    return " ".join(links)


def footer(dataset: Dataset, values: dict[str, dict[str, Any]], started: datetime) -> str:
    """Where the numbers come from: rows of each source, the parameters, currency and version."""
    sources = "; ".join(
        f"{r.source}: {r.rows_read:,} rows read, {r.rows_used:,} used, "
        f"{r.rows_read - r.rows_used:,} set aside"
        for r in dataset.reports
    )
    merged = {k: v for report_values in values.values() for k, v in report_values.items()}
    # what a reader can use: the configuration by its file name, not the runner's own paths
    shown = {k: v for k, v in merged.items() if k not in PLUMBING}
    if shown.get("config", "sample") != "sample":
        shown["config"] = Path(str(shown["config"])).name
    parameters = ", ".join(f"{k} = {v}" for k, v in shown.items())
    text = (
        f"Data: {sources}. Parameters: {parameters}. Currency: {dataset.config.currency}. "
        f"Run {started:%Y-%m-%d %H:%M}, quarterly-sales-workbench {__version__}."
    )
    return html.escape(text)


#: The reports' one stylesheet, shared by the notebook pages' template and these pages.
STYLESHEET = Path(__file__).parent / "templates" / "report" / "report.css"


def page(title: str, body: str) -> str:
    """A small self-contained HTML page (index pages) with the reports' stylesheet."""
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1.0'>"
        f"<title>{html.escape(title)}</title>"
        f"<style>{STYLESHEET.read_text(encoding='utf-8')}</style>"
        f"</head><body><main>{body}</main></body></html>\n"
    )


def quarter_index(title: str, reports: Sequence[tuple[str, str]], headline: str) -> str:
    """The quarter's landing page: its headline and a link to each report (file, title)."""
    items = "".join(
        f"<li><a href='{html.escape(name)}.html'>{html.escape(report_title)}</a></li>"
        for name, report_title in reports
    )
    body = (
        f"<p><a href='../index.html'>All quarters</a></p><h1>{html.escape(title)}</h1>"
        f"<p>{html.escape(headline)}</p><ul>{items}</ul>"
    )
    return page(title, body)


def write_root_index(out: Path) -> None:
    """``<out>/index.html``: every published quarter, newest first, with its headline figures."""
    rows = []
    for folder in sorted(out.iterdir(), key=lambda p: p.name, reverse=True):
        summary = folder / SUMMARY
        if folder.name.startswith(".") or not summary.is_file():
            continue
        info = json.loads(summary.read_text(encoding="utf-8"))
        cells = "".join(f"<td class='num'>{html.escape(text)}</td>" for text in _figures(info))
        rows.append(
            f"<tr><td><a href='{html.escape(folder.name)}/index.html'>"
            f"{html.escape(folder.name)}</a></td>{cells}</tr>"
        )
    table = (
        "<table><tr><th>Quarter</th><th>Revenue</th><th>Change on a year earlier</th>"
        "<th>Attainment</th><th>Next quarter (forecast)</th><th>Chance of its target</th></tr>"
        f"{''.join(rows)}</table>"
    )
    write_atomic(
        out / "index.html", page("Quarterly reports", f"<h1>Quarterly reports</h1>{table}")
    )


def _figures(info: dict[str, Any]) -> list[str]:
    """The index's cells of one quarter from its ``summary.json`` numbers (a summary written
    before they were numbers shows its own text)."""
    if not isinstance(info.get("revenue"), int | float):
        return [str(info.get(k, "–")) for k in ("revenue", "change", "attainment")] + ["–", "–"]
    currency = str(info.get("currency", ""))
    text = info.get("text", {})
    revenue = text.get("revenue") or present.money(info["revenue"], currency, short=True)
    ahead = info.get("next_quarter") or {}
    forecast = (
        f"{ahead['quarter']}: {present.money(ahead['forecast'], currency, short=True)}"
        if ahead.get("forecast") is not None
        else "–"
    )
    return [
        revenue,
        _percent(info.get("change"), signed=True),
        _percent(info.get("attainment")),
        forecast,
        _percent(ahead.get("probability")),
    ]


def _percent(value: object, *, signed: bool = False) -> str:
    return "–" if value is None else present.percent(float(value), signed=signed)
