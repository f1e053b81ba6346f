"""Numbers as a sales manager reads them: money in the configured currency, percentages, tables.

In English money reads ``¥23.67 M``; in Chinese (``i18n.use("zh")``) it reads ``2,367.27 万元``
and ``1.23 亿元`` (:mod:`~analysis.reports.zh_numbers`), in tables always 万元 so that a column
compares; quarters in sentences read ``2025年第四季度`` (:func:`quarter`), tables keep ``2025Q4``.

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
from babel.numbers import format_decimal
from pandas.io.formats.style import Styler

from analysis.core import i18n
from analysis.core.i18n import N_, _, n_
from analysis.core.schema import DIMENSION_HEADINGS, DIMENSION_WORDS
from analysis.reports import zh_numbers

if TYPE_CHECKING:
    from analysis.data.load import Dataset

_SYMBOLS = {"CNY": "¥", "RMB": "¥", "JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£"}


def symbol(currency: str) -> str:
    """Currency sign for display; unknown codes are shown as the code and a space."""
    return _SYMBOLS.get(currency.upper(), f"{currency} ")


#: Labels the workbench itself puts into its tables' cells (data names are never translated).
OWN_LABELS = (N_("Total"),)


def own(label: object) -> str:
    """A cell or series label as shown: the workbench's own (``Total``) translated, data as is."""
    text = str(label)
    return _(text) if text in OWN_LABELS else text


def _chinese() -> bool:
    return i18n.language() == "zh"


def dimension(name: str, *, heading: bool = False) -> str:
    """A dimension in words (``product line``; ``Product line`` as a heading), translated."""
    words = (DIMENSION_HEADINGS if heading else DIMENSION_WORDS).get(name)
    if words is None:
        return name.replace("_", " ").capitalize() if heading else name.replace("_", " ")
    return _(words)


def quarter(label: str) -> str:
    """A quarter as a sentence names it: ``2025Q4``, in Chinese ``2025年第四季度``."""
    return zh_numbers.quarter(label) if _chinese() else label


def money(value: float, currency: str, *, short: bool = False) -> str:
    """``¥1,234,567`` or, with ``short``, ``¥1.23 M``; negatives as ``-¥1.2 M``. In Chinese
    ``2,367.27 万元`` (short: ``1.23 亿元`` from 10⁸ on, ``3,456 元`` below 10⁴)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if _chinese():
        return zh_numbers.money(value, currency, fixed="" if short else "万")
    sign = "-" if value < 0 else ""
    amount = abs(value)
    if short:
        for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
            if amount >= size:
                return f"{sign}{symbol(currency)}{amount / size:,.2f} {unit}"
    return f"{sign}{symbol(currency)}{amount:,.0f}"


def tick(value: float, currency: str) -> str:
    """A chart's money axis: ``¥1.20 M`` (as :func:`money` short), in Chinese ``800万元``."""
    return zh_numbers.tick(value, currency) if _chinese() else money(value, currency, short=True)


def count(value: float) -> str:
    """Units and other plain numbers: ``12,344``, or ``12,344.5`` when not whole."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if _chinese():
        pattern = "#,##0" if float(value).is_integer() else "#,##0.00"
        return format_decimal(value, pattern, locale=zh_numbers.LOCALE)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def units(value: float) -> str:
    """Units sold in a sentence: ``35,000 units``, in Chinese ``3.5 万套``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if _chinese():
        return zh_numbers.count(value, "套")
    return n_("{n} unit", "{n} units", int(value)).format(n=count(value))


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

    ``labels`` renames columns for the reader (translated here: constants marked ``N_()``); the
    other arguments use the original names.
    ``missing`` says what a missing value of a column means (``no comparison``; default ``–``),
    translated here. The workbench's own cell labels (``Total``) are translated, names from the
    data are not. Every cell, column label and the caption is HTML-escaped, money included.
    """
    labels = {column: _(text) for column, text in (labels or {}).items()}
    absent = {labels.get(c, c): html.escape(_(text)) for c, text in (missing or {}).items()}
    frame = frame.rename(columns=labels)
    if _chinese():
        frame = frame.replace({label: _(label) for label in OWN_LABELS})
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


def sentences(texts: Iterable[str]) -> str:
    """Sentences run together as the language writes them: a space after each in English, none
    after 。 in Chinese (the catalog's ``{first} {next}``)."""
    out = ""
    for text in texts:
        out = _("{first} {next}").format(first=out, next=text) if out else text
    return out


def paragraph(text: str) -> str:
    """Plain text (which may quote names from the data) as an escaped HTML paragraph."""
    return f"<p class='summary'>{html.escape(text)}</p>"


def data_notes(dataset: Dataset) -> str:
    """Row accounting of every source as an escaped HTML table: read, used, set aside and why
    (the reasons and notes columns only when a source has any)."""
    rows = []
    for report in dataset.reports:
        reasons = _("; ").join(f"{reason}: {count(n)}" for reason, n in report.rejected.items())
        rows.append(
            {
                _("Source"): report.source,
                _("Rows read"): count(report.rows_read),
                _("Rows used"): count(report.rows_used),
                _("Rows set aside"): count(report.rows_rejected),
                _("Why set aside"): reasons,
                _("Notes"): _("; ").join(report.notes),
            }
        )
    frame = pd.DataFrame(rows)
    frame = frame.loc[:, frame.ne("").any()].replace("", "–")
    return frame.to_html(index=False, escape=True, classes="data-notes", border=0)
