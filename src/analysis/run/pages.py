"""What a run puts around the notebooks: navigation, footer, and the frame of its own pages (the
landing page and the index of all quarters, :mod:`analysis.run.landing`).

Every piece of text is HTML-escaped here, where it becomes HTML: the company's name, the
currency, headlines and names from the data show as text, never as markup.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from analysis import __version__
from analysis.core import i18n
from analysis.core.i18n import _
from analysis.data.load import Dataset
from analysis.reports import present
from analysis.run.export import HTML_LANG

SUMMARY = "summary.json"
#: Parameters that are the runner's own plumbing (relative paths inside one run), never shown.
PLUMBING = ("snapshot", "output_dir", "ledger", "record_to", "nowcasts")
#: What a tracking report (a quarter under way) publishes in place of ``summary.json``.
TRACKING = "tracking.json"


def nav(reports: Sequence[tuple[str, str]], current: str) -> str:
    """Links to every quarter, this quarter and each report (file name, title)."""
    back, here = html.escape(_("All quarters")), html.escape(_("This quarter"))
    links = [f"<a href='../index.html'>{back}</a>", f"<a href='index.html'>{here}</a>"]
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
            aside=present.count(r.rows_rejected),
        )
        + (
            _(", {later} dated after the as-of date left out").format(later=present.count(r.later))
            if r.later
            else ""
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
        "Data: {sources}. Parameters: {parameters}. Currency: {currency}. Run {started}, "
        "quarterly-sales-workbench {version}."
    ).format(
        sources=sources,
        parameters=parameters,
        currency=dataset.config.currency,
        started=f"{started:%Y-%m-%d %H:%M}",
        version=__version__,
    )
    return html.escape(text)


#: The reports' one stylesheet, shared by the notebook pages' template and these pages.
STYLESHEET = Path(__file__).parent / "templates" / "report" / "report.css"


def page(title: str, body: str) -> str:
    """A small self-contained HTML page (index pages) with the reports' stylesheet."""
    return (
        f"<!DOCTYPE html>\n<html lang='{HTML_LANG[i18n.language()]}'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1.0'>"
        f"<title>{html.escape(title)}</title>"
        f"<style>{STYLESHEET.read_text(encoding='utf-8')}</style>"
        f"</head><body><main>{body}</main></body></html>\n"
    )
