"""The pages a manager opens first: a quarter's landing page, and the index of every quarter.

The landing page answers before it links: tiles for revenue and its change on a year earlier,
attainment of the targeted sales (the gap, and the sales without a target beside it), the biggest
miss and its main cause, next quarter's forecast with its 80 % interval and the chance of its
target; the data notes when there are any; a small chart of revenue per quarter; then the
reports. Everything comes from ``summary.json``'s numbers (:mod:`analysis.run.summary`), formatted
here and escaped where it becomes HTML. The index of all quarters adds how the forecast made for
each quarter turned out, from the forecast ledger.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.core.files import write_atomic
from analysis.core.i18n import _
from analysis.forecasting import ledger
from analysis.reports import charts, present, style
from analysis.reports.narrative import PHRASES
from analysis.reports.review import Review
from analysis.run.pages import SUMMARY, TRACKING, page


def _money(value: object, currency: str, *, signed: bool = False) -> str:
    """Short money that a narrow tile never breaks inside (non-breaking hyphen and space)."""
    if value is None:
        return "–"
    text = present.money(float(value), currency, short=True)
    text = f"+{text}" if signed and float(value) > 0 else text
    return text.replace("-", "\u2011").replace(" ", "\u00a0")


def _percent(value: object, *, signed: bool = False) -> str:
    return "–" if value is None else present.percent(float(value), signed=signed)


def _tile(label: str, value: str, detail: str = "", tone: str = "") -> str:
    """One tile: a label, a large value and a line of detail (all plain text, escaped here)."""
    cls = f"value {tone}".strip()
    more = f"<div class='detail'>{html.escape(detail)}</div>" if detail else ""
    return (
        f"<div class='tile'><div class='label'>{html.escape(label)}</div>"
        f"<div class='{cls}'>{html.escape(value)}</div>{more}</div>"
    )


def tiles(figures: dict[str, Any]) -> str:
    """The landing page's tiles from ``summary.json``'s numbers."""
    cur = str(figures.get("currency", ""))
    quarter = str(figures["quarter"])
    out = [_revenue_tile(figures, cur, quarter), _attainment_tile(figures, cur)]
    miss = figures.get("biggest_miss")
    if miss:
        out.append(_tile(_("Biggest miss"), str(miss["channel"]), miss_line(miss, cur), "bad"))
    out.append(_outlook_tile(figures.get("next_quarter"), cur))
    return f"<div class='tiles'>{''.join(out)}</div>"


def _revenue_tile(figures: dict[str, Any], cur: str, quarter: str) -> str:
    change = figures.get("change")
    if change is None:
        detail = _("no comparison with a year earlier")
    else:
        detail = _("{change} on a year earlier ({prior})").format(
            change=_percent(change, signed=True), prior=_money(figures.get("revenue_prior"), cur)
        )
    tone = "" if change is None else ("good" if change >= 0 else "bad")
    label = _("Revenue {quarter}").format(quarter=quarter)
    if figures.get("partial"):
        label += " " + _("(partial quarter)")
    return _tile(label, _money(figures["revenue"], cur), detail, tone)


def _attainment_tile(figures: dict[str, Any], cur: str) -> str:
    if figures.get("attainment") is None:
        return _tile(_("Attainment of target"), "–", _("no target is set for the quarter"))
    gap = float(figures["targeted_revenue"]) - float(figures["target"])
    detail = _("{targeted} of {target}: gap {gap}").format(
        targeted=_money(figures["targeted_revenue"], cur),
        target=_money(figures["target"], cur),
        gap=_money(gap, cur, signed=True),
    )
    if figures.get("untargeted_revenue"):
        detail += _("; ") + _("{amount} sold without a target").format(
            amount=_money(figures["untargeted_revenue"], cur)
        )
    tone = "good" if figures["attainment"] >= 1 else "bad"
    return _tile(_("Attainment of target"), _percent(figures["attainment"]), detail, tone)


def miss_line(miss: dict[str, Any], cur: str) -> str:
    """``71.0% of its target (-¥1.01 M), mostly lower volume (-¥965.24 k), above all Other
    valves (-¥429.27 k)``: the biggest miss and its main cause in one line."""
    text = _("{attainment} of its target ({gap})").format(
        attainment=_percent(miss["attainment"]), gap=_money(miss["gap"], cur)
    )
    if miss.get("cause"):
        text += _(", mostly {cause} ({amount})").format(
            cause=_(PHRASES[miss["cause"]][0]), amount=_money(miss["cause_amount"], cur)
        )
    if miss.get("segment"):
        text += _(", above all {segment} ({amount})").format(
            segment=miss["segment"], amount=_money(miss["segment_gap"], cur)
        )
    return text


def _outlook_tile(ahead: dict[str, Any] | None, cur: str) -> str:
    if not ahead or ahead.get("forecast") is None:
        return _tile(_("Next quarter"), "–", _("no forecast was made"))
    detail = _("80 % interval {low} to {high}").format(
        low=_money(ahead["lo_80"], cur), high=_money(ahead["hi_80"], cur)
    )
    if ahead.get("target") is not None:
        detail += _("; ") + _("chance of reaching its target {target}: {chance}").format(
            target=_money(ahead["target"], cur), chance=_percent(ahead.get("probability"))
        )
    label = _("Forecast {quarter}").format(quarter=ahead["quarter"])
    return _tile(label, _money(ahead["forecast"], cur), detail)


def notes(review: Review) -> list[str]:
    """The data notes a reader must see first: rows set aside, a partial or empty quarter."""
    out = []
    for report in review.dataset.reports:
        aside = report.rows_read - report.rows_used
        if aside:
            out.append(
                _("{source}: {aside} of {read} rows set aside (see About the data)").format(
                    source=report.source, aside=f"{aside:,}", read=f"{report.rows_read:,}"
                )
            )
    if not review.lines_in(review.quarter):
        out.append(
            _("No sales line is dated in {quarter}: check that the source holds it.").format(
                quarter=review.label
            )
        )
    elif review.partial:
        out.append(
            _("{quarter} is partial ({extent}): its figures understate it.").format(
                quarter=review.label, extent=review.coverage.extent(review.quarter)
            )
        )
    if not review.comparable:
        out.append(review.no_comparison())
    return out


def trend_chart(figures: dict[str, Any]) -> str:
    """The small chart of revenue per quarter as an embedded image ('' without quarters)."""
    points = figures.get("trend") or []
    if not points:
        return ""
    quarters = [p["quarter"] for p in points]
    partial = {p["quarter"]: _("partial") for p in points if p["partial"]}
    fig = charts.revenue_bars(
        quarters, [p["revenue"] for p in points], partial, figures["currency"]
    )
    alt = html.escape(_("Revenue per quarter, {first} to {last}").format(
        first=quarters[0], last=quarters[-1]
    ))  # fmt: skip
    return f"<img class='trend' src='data:image/png;base64,{style.png(fig)}' alt='{alt}'>"


def quarter_page(
    title: str, reports: Sequence[tuple[str, str]], figures: dict[str, Any], data_notes: list[str]
) -> str:
    """The quarter's landing page (``<quarter>/index.html``)."""
    noted = ""
    if data_notes:
        items = "".join(f"<li>{html.escape(n)}</li>" for n in data_notes)
        heading = html.escape(_("Data notes"))
        noted = f"<h2>{heading}</h2><ul class='notes'>{items}</ul>"
    return _landing(title, reports, f"{tiles(figures)}{noted}{trend_chart(figures)}")


def tracking_page(title: str, reports: Sequence[tuple[str, str]], headline: str) -> str:
    """The landing page of a quarter under way: where it stands and lands, then the links."""
    return _landing(title, reports, f"<p class='lead'>{html.escape(headline)}</p>")


def _landing(title: str, reports: Sequence[tuple[str, str]], answer: str) -> str:
    """A landing page: back to all quarters, the title, the answer (HTML), the reports' links."""
    links = "".join(
        f"<li><a href='{html.escape(name)}.html'>{html.escape(report_title)}</a></li>"
        for name, report_title in reports
    )
    back, reports_heading = html.escape(_("All quarters")), html.escape(_("Reports"))
    body = (
        f"<nav class='report-nav'><a href='../index.html'>{back}</a></nav>"
        f"<h1>{html.escape(title)}</h1>{answer}"
        f"<h2>{reports_heading}</h2><ul class='links'>{links}</ul>"
    )
    return page(title, body)


def tracking_entry(out: Path) -> str:
    """The quarters under way (a tracking report in place of a review), newest first: where
    each stood on its as-of date and where it is expected to land; '' when there is none."""
    items = []
    for folder, info in _published(out, TRACKING):
        link = f"<a href='{html.escape(folder.name)}/index.html'>{html.escape(folder.name)}</a>"
        headline = str(info.get("text", {}).get("headline", ""))
        items.append(f"<li>{link}: {html.escape(headline)}</li>")
    if not items:
        return ""
    heading = html.escape(_("Quarter under way"))
    return f"<h2>{heading}</h2><ul>{''.join(items)}</ul>"


def _published(out: Path, state: str) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Each quarter's folder holding ``state`` (its summary or tracking JSON), newest first."""
    for folder in sorted(out.iterdir(), key=lambda p: p.name, reverse=True):
        if not folder.name.startswith(".") and (folder / state).is_file():
            yield folder, json.loads((folder / state).read_text(encoding="utf-8"))


def write_root_index(out: Path) -> None:
    """``<out>/index.html``: every published quarter, newest first, with its figures and how the
    forecast made for it turned out."""
    book = ledger.read(out / ledger.LEDGER)
    rows = []
    for folder, info in _published(out, SUMMARY):
        cells = "".join(f"<td class='num'>{html.escape(text)}</td>" for text in _figures(info))
        accuracy = html.escape(forecast_outcome(info, book))
        rows.append(
            f"<tr><td><a href='{html.escape(folder.name)}/index.html'>"
            f"{html.escape(folder.name)}</a></td>{cells}<td>{accuracy}</td></tr>"
        )
    numbers = [_("Revenue"), _("Change on a year earlier"), _("Attainment")]
    first, last = _("Quarter"), _("The forecast made for it, and how it turned out")
    head = (
        f"<th>{html.escape(first)}</th>"
        + "".join(f"<th class='num'>{html.escape(h)}</th>" for h in numbers)
        + f"<th>{html.escape(last)}</th>"
    )
    table = f"<div class='table-box'><table><tr>{head}</tr>{''.join(rows)}</table></div>"
    title = html.escape(_("Quarterly reports"))
    body = f"<h1>{title}</h1>{tracking_entry(out)}{table}"
    write_atomic(out / "index.html", page(_("Quarterly reports"), body))


def _figures(info: dict[str, Any]) -> list[str]:
    """The index's cells of one quarter from its ``summary.json`` numbers (a summary written
    before they were numbers shows its own text)."""
    if not isinstance(info.get("revenue"), int | float):
        return [str(info.get(k, "–")) for k in ("revenue", "change", "attainment")]
    text = info.get("text", {})
    return [
        text.get("revenue") or _money(info["revenue"], str(info.get("currency", ""))),
        _percent(info.get("change"), signed=True),
        _percent(info.get("attainment")),
    ]


def forecast_outcome(info: dict[str, Any], book: pd.DataFrame) -> str:
    """The ledger's last forecast of the quarter's total before it began, against its revenue:
    ``¥23.10 M (made after 2025Q3): actual 5.5% above, inside the 80 % interval``."""
    quarter = str(info.get("quarter", ""))
    made = book.loc[
        (book["level"] == "total") & (book["quarter"] == quarter) & (book["origin"] < quarter)
    ]
    if made.empty or not isinstance(info.get("revenue"), int | float):
        return _("no forecast was recorded for it")
    row = made.sort_values("origin").iloc[-1]
    cur = str(info.get("currency", ""))
    head = _("{forecast} (made after {origin})").format(
        forecast=_money(row["mean"], cur), origin=row["origin"]
    )
    if info.get("partial"):
        return _("{forecast}: {outcome}").format(
            forecast=head, outcome=_("the quarter is not complete yet")
        )
    actual, mean = float(info["revenue"]), float(row["mean"])
    off = actual / mean - 1 if mean else float("nan")
    inside = pd.notna(row["lo_80"]) and float(row["lo_80"]) <= actual <= float(row["hi_80"])
    where = _("inside the 80 % interval") if inside else _("outside the 80 % interval")
    if off >= 0:
        how = _("actual {off} above").format(off=_percent(off))
    else:
        how = _("actual {off} below").format(off=_percent(-off))
    return _("{forecast}: {how}, {where}").format(forecast=head, how=how, where=where)
