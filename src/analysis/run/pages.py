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
from analysis.core import i18n
from analysis.core.files import write_atomic
from analysis.core.i18n import _
from analysis.data.load import Dataset
from analysis.reports import present
from analysis.run.export import HTML_LANG

SUMMARY = "summary.json"
#: Parameters that are the runner's own plumbing (relative paths inside one run), never shown.
PLUMBING = ("snapshot", "output_dir", "ledger", "record_to")


def nav(reports: Sequence[tuple[str, str]], current: str) -> str:
    """Links to every quarter, this quarter and each report (file name, title)."""
    every, this = html.escape(_("All quarters")), html.escape(_("This quarter"))
    links = [f"<a href='../index.html'>{every}</a>", f"<a href='index.html'>{this}</a>"]
    for name, title in reports:
        shown = html.escape(title)
        href = html.escape(f"{name}.html")
        links.append(
            f"<strong>{shown}</strong>" if name == current else f"<a href='{href}'>{shown}</a>"
        )
    return " ".join(links)


def footer(dataset: Dataset, values: dict[str, dict[str, Any]], started: datetime) -> str:
    """Where the numbers come from: rows of each source, the parameters, currency and version."""
    sources = _("; ").join(
        _("{source}: {read} rows read, {used} used, {aside} set aside").format(
            source=r.source,
            read=present.count(r.rows_read),
            used=present.count(r.rows_used),
            aside=present.count(r.rows_read - r.rows_used),
        )
        for r in dataset.reports
    )
    merged = {k: v for report_values in values.values() for k, v in report_values.items()}
    # what a reader can use: the configuration by its file name, not the runner's own paths
    shown = {k: v for k, v in merged.items() if k not in PLUMBING}
    if shown.get("config", "sample") != "sample":
        shown["config"] = Path(str(shown["config"])).name
    parameters = ", ".join(f"{k} = {v}" for k, v in shown.items())
    text = _(
        "Data: {sources}. Parameters: {parameters}. Currency: {currency}. "
        "Run {started}, quarterly-sales-workbench {version}."
    ).format(
        sources=sources,
        parameters=parameters,
        currency=dataset.config.currency,
        started=f"{started:%Y-%m-%d %H:%M}",
        version=__version__,
    )
    return html.escape(text)


def page(title: str, body: str) -> str:
    """A small self-contained HTML page (index pages)."""
    return (
        f"<!DOCTYPE html>\n<html lang='{HTML_LANG[i18n.language()]}'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:50rem;margin:2rem auto;line-height:1.5}"
        "td,th{padding:0.2rem 0.8rem;text-align:left}td.num{text-align:right}</style>"
        f"</head><body>{body}</body></html>\n"
    )


def quarter_index(title: str, reports: Sequence[tuple[str, str]], headline: str) -> str:
    """The quarter's landing page: its headline and a link to each report (file, title)."""
    items = "".join(
        f"<li><a href='{html.escape(name)}.html'>{html.escape(report_title)}</a></li>"
        for name, report_title in reports
    )
    body = (
        "<p><a href='../index.html'>" + html.escape(_("All quarters")) + "</a></p>"
        f"<h1>{html.escape(title)}</h1>"
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
    headings = (
        _("Quarter"),
        _("Revenue"),
        _("Change on a year earlier"),
        _("Attainment"),
        _("Next quarter (forecast)"),
        _("Chance of its target"),
    )
    header = "".join(f"<th>{html.escape(h)}</th>" for h in headings)
    table = f"<table><tr>{header}</tr>{''.join(rows)}</table>"
    title = html.escape(_("Quarterly reports"))
    write_atomic(out / "index.html", page(_("Quarterly reports"), f"<h1>{title}</h1>{table}"))


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
