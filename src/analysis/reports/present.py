"""Numbers as a sales manager reads them: money in the configured currency, percentages, tables.

The functions that return text (``money``, ``percent``, ...) return plain text, for sentences and
charts; the functions that return HTML (``table``, ``paragraph``, ``data_notes``) escape every
piece of text where it becomes HTML: names from the data, column labels, captions and money
with its currency sign, so a channel named ``<script>`` or a currency ``<img ...>`` shows as text.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import pandas as pd
from pandas.io.formats.style import Styler

from analysis.core.i18n import _

if TYPE_CHECKING:
    from analysis.data.load import Dataset

_SYMBOLS = {"CNY": "¥", "RMB": "¥", "JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£"}


def symbol(currency: str) -> str:
    """Currency sign for display; unknown codes are shown as the code and a space."""
    return _SYMBOLS.get(currency.upper(), f"{currency} ")


def money(value: float, currency: str, *, short: bool = False) -> str:
    """``¥1,234,567`` or, with ``short``, ``¥1.23 M``; negatives as ``-¥1.2 M``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "-" if value < 0 else ""
    amount = abs(value)
    if short:
        for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
            if amount >= size:
                return f"{sign}{symbol(currency)}{amount / size:,.2f} {unit}"
    return f"{sign}{symbol(currency)}{amount:,.0f}"


def count(value: float) -> str:
    """Units and other plain numbers: ``12,344``, or ``12,344.5`` when not whole."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def percent(value: float, *, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:+.1%}" if signed else f"{value:.1%}"


def table(
    frame: pd.DataFrame,
    currency: str,
    *,
    money_columns: Iterable[str] = (),
    percent_columns: Iterable[str] = (),
    signed_columns: Iterable[str] = (),
    labels: Mapping[str, str] | None = None,
    caption: str | None = None,
    missing: Mapping[str, str] | None = None,
) -> Styler:
    """A formatted, escaped table for the report (index hidden, numbers right-aligned).

    ``labels`` renames columns for the reader; the other arguments use the original names.
    ``missing`` says what a missing value of a column means (``no comparison``; default ``–``).
    Every cell, column label and the caption is HTML-escaped, formatted money included.
    """
    labels = dict(labels or {})
    absent = {labels.get(c, c): html.escape(text) for c, text in (missing or {}).items()}
    frame = frame.rename(columns=labels)
    money_columns = [labels.get(c, c) for c in money_columns]
    percent_columns = [labels.get(c, c) for c in percent_columns]
    signed = {labels.get(c, c) for c in signed_columns}
    # no per-cell ids or CSS: the report's stylesheet aligns numbers by the cells' class
    styler = Styler(frame, cell_ids=False, table_attributes='class="report-table"')
    styler = styler.hide(axis="index").format(escape="html", na_rep="–")
    styler = styler.format_index(escape="html", axis="columns")
    for col in money_columns:
        styler = styler.format(
            lambda v, s=col in signed: html.escape(
                ("+" if s and v > 0 else "") + money(v, currency)
            ),
            subset=[col],
            na_rep=absent.get(col, "–"),
        )
    for col in percent_columns:
        styler = styler.format(
            lambda v, s=col in signed: html.escape(percent(v, signed=s)),
            subset=[col],
            na_rep=absent.get(col, "–"),
        )
    counts = [
        c for c in frame.columns
        if c not in money_columns and c not in percent_columns
        and pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
    ]  # fmt: skip
    if counts:
        styler = styler.format(lambda v: html.escape(count(v)), subset=counts, na_rep="–")
    numeric = [*money_columns, *percent_columns, *counts]
    classes = pd.DataFrame("", index=frame.index, columns=frame.columns)
    classes[numeric] = "num"
    if len(frame) and str(frame.iloc[-1, 0]) in ("Total", _("Total")):
        classes.iloc[-1] += " total"
    styler = styler.set_td_classes(classes)
    at = [i for i, c in enumerate(frame.columns) if c in numeric]
    if at:
        selector = ", ".join(f"th.col{i}" for i in at)
        styler = styler.set_table_styles([{"selector": selector, "props": "text-align: right"}])
    if caption:
        styler = styler.set_caption(html.escape(caption))
    return styler


def paragraph(text: str) -> str:
    """Plain text (which may quote names from the data) as an escaped HTML paragraph."""
    return f"<p class='summary'>{html.escape(text)}</p>"


def data_notes(dataset: Dataset) -> str:
    """Row accounting of every source as an escaped HTML table: read, used, set aside and why
    (the reasons and notes columns only when a source has any)."""
    rows = []
    for report in dataset.reports:
        reasons = "; ".join(f"{reason}: {count:,}" for reason, count in report.rejected.items())
        rows.append(
            {
                _("Source"): report.source,
                _("Rows read"): f"{report.rows_read:,}",
                _("Rows used"): f"{report.rows_used:,}",
                _("Rows set aside"): f"{report.rows_read - report.rows_used:,}",
                _("Why set aside"): reasons,
                _("Notes"): "; ".join(report.notes),
            }
        )
    frame = pd.DataFrame(rows)
    frame = frame.loc[:, frame.ne("").any()].replace("", "–")
    return frame.to_html(index=False, escape=True, classes="data-notes", border=0)
