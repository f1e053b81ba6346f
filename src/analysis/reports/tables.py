"""Tables a manager reads: headers in words, no internal names, no dead columns, grids and trees.

The data frames keep their internal names (``mint_shrink``, ``channel/region``, ``coverage_80``);
this module turns them into what a reader sees: a column zero in every row left out with a
one-line note (:func:`drop_zero`), the forecast as a grid of channels by quarters with the
interval on a second line in the cell (:func:`forecast_grid`), the drill-down as an indented
tree channel → region → product line (:func:`gap_tree`), methods and levels in words, and the
formulas in a collapsed "How this is computed" section (:func:`how_computed`). Every text is
escaped where it becomes HTML.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from analysis.core.i18n import N_, _, n_
from analysis.reports import present
from analysis.targets.drilldown import Drilldown

#: Reconciliation methods of the backtest, in words.
METHODS = {
    "base": N_("each series alone"),
    "bottom_up": N_("sum of the parts"),
    "mint_shrink": N_("reconciled"),
}
#: Levels of the forecast's hierarchy, in words.
LEVELS = {
    "total": N_("Company total"),
    "channel": N_("Channels"),
    "channel/region": N_("Regions within channels"),
    "channel/product_line": N_("Product lines within channels"),
    "channel/region/product_line": N_("Product lines within regions"),
}
#: The dimensions a drill-down goes through, in words.
DIMENSIONS = {
    "channel": N_("Channel"),
    "region": N_("Region"),
    "product_line": N_("Product line"),
    "product": N_("Product"),
    "customer": N_("Customer"),
}
#: Headings of the backtest table.
BACKTEST_LABELS = {
    "level": N_("Level"),
    "method": N_("Method"),
    "smape": N_("Typical error (sMAPE)"),
    "mase": N_("Error relative to last year's quarter (MASE; below 1 is better)"),
    "coverage-80": N_("Actual inside the 80 % interval"),
    "coverage-95": N_("Actual inside the 95 % interval"),
    "series": N_("Series"),
}
#: Headings of the track record of earlier forecasts (the ledger's summary).
TRACK_LABELS = {
    "level": N_("Level"),
    "unique_id": N_("Series"),
    "forecasts": N_("Forecasts scored"),
    "mape": N_("Average error"),
    "bias": N_("Actual above forecast (bias)"),
    "coverage_80": N_("Actual inside the 80 % interval"),
    "coverage_95": N_("Actual inside the 95 % interval"),
}


def words(labels: Mapping[str, str]) -> dict[str, str]:
    """A dict of ``N_()`` headings in the reader's language."""
    return {key: _(text) for key, text in labels.items()}


def drop_zero(
    frame: pd.DataFrame, columns: Iterable[str], labels: Mapping[str, str]
) -> tuple[pd.DataFrame, str]:
    """``frame`` without those of ``columns`` that are 0 (or empty) in every row, and a one-line
    note naming them ('' when none is)."""
    dead = [c for c in columns if c in frame and frame[c].fillna(0).eq(0).all()]
    if not dead:
        return frame, ""
    names = _(", ").join(labels.get(c, c) for c in dead)
    return frame.drop(columns=dead), _("Not shown, zero in every row: {names}.").format(names=names)


def note(text: str) -> str:
    """A short note under a table, escaped."""
    return f"<p class='note'>{html.escape(text)}</p>" if text else ""


def in_words(frame: pd.DataFrame) -> pd.DataFrame:
    """Levels and methods of a backtest or track-record table in words; series ids as paths."""
    out = frame.copy()
    if "level" in out:
        out["level"] = [_(LEVELS.get(v, v)) for v in out["level"]]
    if "method" in out:
        out["method"] = [_(METHODS.get(v, v)) for v in out["method"]]
    if "unique_id" in out:
        out["unique_id"] = [str(v).replace("/", " / ") for v in out["unique_id"]]
    return out


def track_rows(record: pd.DataFrame) -> pd.DataFrame:
    """The track record as a page shows it: the company total, then the channels (the finer
    series are in the ledger, ``forecast_ledger.csv``)."""
    order = {"total": 0, "channel": 1}
    rows = record.loc[record["level"].isin(list(order))]
    return rows.sort_values("level", key=lambda s: s.map(order), kind="stable")


def _table(head: Sequence[tuple[str, str]], rows: Iterable[Sequence[tuple[str, str]]]) -> str:
    """A table from (class, already escaped HTML) cells, inside a box that scrolls on a phone."""
    cells = "".join(f"<th class='{cls}'>{text}</th>" for cls, text in head)
    body = "".join(
        "<tr>" + "".join(f"<td class='{cls}'>{text}</td>" for cls, text in row) + "</tr>"
        for row in rows
    )
    return (
        f"<div class='table-box'><table class='report-table'><thead><tr>{cells}</tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )


def forecast_grid(table: pd.DataFrame, currency: str, level: int) -> str:
    """Channels down, quarters across: the forecast in each cell, its ``level`` % interval on a
    second line. ``table`` is ``Outlook.channel_table()`` (``series, quarter, mean, lo-*, hi-*``),
    the total first."""
    quarters = list(dict.fromkeys(table["quarter"]))
    head = [("", html.escape(_("Series")))] + [("num", html.escape(q)) for q in quarters]
    rows = []
    table = table.sort_values("series", key=lambda s: s != "Total", kind="stable")
    for series, part in table.groupby("series", sort=False):
        cells = part.set_index("quarter")
        name = _("Total") if series == "Total" else str(series)  # names from the data stay
        row = [("total" if series == "Total" else "", html.escape(name))]
        for quarter in quarters:
            r = cells.loc[quarter]
            mean = present.money(r["mean"], currency, short=True)
            low = present.money(r[f"lo-{level}"], currency, short=True)
            high = present.money(r[f"hi-{level}"], currency, short=True)
            cls = "num total" if series == "Total" else "num"
            row.append((cls, f"{html.escape(mean)}<small>{html.escape(low)} – "
                             f"{html.escape(high)}</small>"))  # fmt: skip
        rows.append(row)
    caption = _("Forecast per quarter; under it the {level} % interval.").format(level=level)
    return note(caption) + _table(head, rows)


def gap_tree(drill: Drilldown, currency: str, n: int = 2) -> str:
    """The drill-down as an indented tree: each channel, then under every channel and segment
    its ``n`` largest gaps (``Drilldown.pruned``), with target, targeted sales, gap and share of
    the targeted gap; channels without a target at the end with their sales and "no target"."""
    tree, untargeted, keys = drill.pruned(n), drill.untargeted, ["channel", *drill.path]
    head = [("", html.escape(" → ".join(_(DIMENSIONS.get(k, k)) for k in keys))),
            ("num", html.escape(_("Target"))), ("num", html.escape(_("Targeted sales"))),
            ("num", html.escape(_("Gap"))),
            ("num", html.escape(_("Share of the targeted gap")))]  # fmt: skip
    rows = []
    total = None
    for _i, node in tree.iterrows():
        if node["level"] == "total":
            total = node
            continue
        depth = keys.index(node["level"]) if node["level"] in keys else 0
        rows.append(_tree_row(str(node["node"]).strip(), node, currency, f"depth-{depth}"))
    targeted = set(tree["channel"])
    sold = untargeted.loc[~untargeted["channel"].isin(targeted)]
    if len(sold):
        first = sold["dimension"].iloc[0]
        for channel, actual in (
            sold.loc[sold["dimension"] == first]
            .groupby("channel", sort=False)["actual"]
            .sum()
            .items()
        ):
            no = html.escape(_("no target"))
            rows.append([("depth-0", html.escape(str(channel))), ("num", no),
                         ("num", html.escape(present.money(actual, currency))),
                         ("num", no), ("num", "–")])  # fmt: skip
    if total is not None:
        rows.append(_tree_row(_("Total"), total, currency, "total", cls="num total"))
    caption = n_(
        "Under each channel and segment its largest gap.",
        "Under each channel and segment its {n} largest gaps.",
        n,
    ).format(n=n)
    return note(caption) + _table(head, rows)


def _tree_row(name: str, node: pd.Series, currency: str, first: str, cls: str = "num") -> list:
    gap = float(node["gap"])
    shown = ("+" if gap > 0 else "") + present.money(gap, currency)
    return [
        (first, html.escape(name)),
        (cls, html.escape(present.money(node["target"], currency))),
        (cls, html.escape(present.money(node["actual"], currency))),
        (f"{cls} {'bad' if gap < 0 else ''}".strip(), html.escape(shown)),
        (cls, html.escape(present.percent(node["share_of_total_gap"]))),
    ]


def how_computed(paragraphs: Iterable[str]) -> str:
    """Formulas and method notes, collapsed at the end of a page (open when printed)."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p)
    summary = html.escape(_("How this is computed"))
    return f"<details><summary>{summary}</summary>{body}</details>"
