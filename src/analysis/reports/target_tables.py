"""The tables of the target-miss page, each short enough to read whatever the number of channels.

A company with dozens of channels or regions gets the ``TOP`` largest by name and the rest summed
in one ``Other (n)`` row (``target_miss.csv`` has every row); sales without a target are rows of
their own, never mixed into the targeted ones. Ratios of a summed row are computed from its sums.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.i18n import N_, _
from analysis.core.schema import TARGET_DIMENSIONS
from analysis.reports import present
from analysis.reports.charts import TOP
from analysis.reports.tables import DIMENSIONS
from analysis.targets import attainment as attainment_table
from analysis.targets import bridge as bridge_table
from analysis.targets.attainment import Attainment
from analysis.targets.bridge import Bridge
from analysis.targets.bridge_effects import EFFECTS
from analysis.targets.drilldown import Drilldown
from analysis.targets.phasing import Phasing

#: Money columns summed in an ``Other`` row.
_SUMMED = ("target", "actual", "targeted", "untargeted", "gap", "prior", *EFFECTS)
#: Headings of the channel and finer tables.
LABELS = {**attainment_table.LABELS, "segment": N_("Segment")}
#: Headings of the bridge table (its actual: the targeted sales).
BRIDGE_LABELS = {**bridge_table.LABELS, "actual": N_("Targeted sales")}
#: What an empty cell of :func:`bridge_rows` means.
BRIDGE_MISSING = {
    **{e: N_("no target") for e in EFFECTS if e not in ("untargeted", "channel_mix")},
    "channel_mix": N_("only in total"),
    "gap": N_("no target"),
    "target": N_("no target"),
}
#: Columns of the finer-grain table, in order.
FINER = ("channel", "segment", "target", "targeted", "gap", "attainment", "prior", "yoy")


def channel_rows(table: Attainment, top: int = TOP) -> pd.DataFrame:
    """Channel rows and the total: targeted channels by size of gap (beyond ``top``, the rest as
    ``Other (n)``), then the channels without a target (beyond three, as one row)."""
    channels = table.channels
    targeted = channels.loc[channels["has_target"]]
    targeted = targeted.reindex(targeted["gap"].abs().sort_values(ascending=False).index)
    apart = channels.loc[~channels["has_target"]]
    apart = apart.reindex(apart["actual"].abs().sort_values(ascending=False).index)
    parts = [_top(targeted, top, "channel"), _top(apart, 3, "channel", N_("without a target"))]
    total = table.table.loc[table.table["level"] == "total"]
    rows = pd.concat([*parts, total], ignore_index=True)
    return rows.drop(columns=[c for c in TARGET_DIMENSIONS if c in rows.columns])


def finer_rows(table: Attainment, top: int = TOP) -> pd.DataFrame:
    """Attainment at the targets' finer grain (region, product line, ...), worst first; beyond
    ``top`` the rest as one row. Empty when every target is set per channel."""
    rows = table.finer()
    if rows.empty:
        return rows
    dims = rows["level"].str.split("/").str[1:]
    pairs = zip(dims, rows.iterrows(), strict=True)
    rows["segment"] = [" / ".join(str(row[d]) for d in names) for names, (_i, row) in pairs]
    return _top(rows, top, "segment")


def grain_words(rows: pd.DataFrame) -> str:
    """``region`` or ``region and product line``: what :func:`finer_rows` are set by."""
    dims = dict.fromkeys(d for level in rows["level"] for d in level.split("/")[1:])
    return _(" and ").join(present.dimension(d) for d in dims)


def bridge_rows(bridge: Bridge, top: int = TOP) -> pd.DataFrame:
    """The bridge's channel rows, largest gap first (beyond ``top``, the rest as one), and its
    total, with ``actual`` and ``gap`` of the targeted sales (as the attainment table has them):
    the effects add up to that gap, and sales without a target stay in their own column."""
    table = bridge.table.copy()
    table["actual"] = table["actual"] - table["untargeted"]
    table["gap"] = (table["gap"] - table["untargeted"]).where(table["has_target"])
    # a channel without a target has no effects (its cells read "no target", BRIDGE_MISSING), and
    # channel mix exists only between channels: the company's row
    causes = [e for e in EFFECTS if e != "untargeted"]
    table[causes] = table[causes].where(table["has_target"], np.nan)
    table.loc[table.index[:-1], "channel_mix"] = np.nan
    channels = table.iloc[:-1]
    channels = channels.reindex(channels["gap"].abs().sort_values(ascending=False).index)
    return pd.concat([_top(channels, top, "channel"), table.iloc[-1:]], ignore_index=True)


def phasing_rows(split: Phasing, top: int = TOP) -> pd.DataFrame:
    """A quarter's targets by month: one row per channel (the ``top`` largest targets, the rest
    as one), a column per month and the quarter, and a total row."""
    wide = split.table.pivot_table(
        index="channel", columns="month", values="target", aggfunc="sum", sort=True
    )
    wide.columns = [str(c) for c in wide.columns]
    wide["quarter"] = wide.sum(axis=1)
    wide = wide.sort_values("quarter", ascending=False).rename_axis("channel").reset_index()
    months = [c for c in wide.columns if c not in ("channel", "quarter")]
    if len(wide) > top:
        rest = wide.iloc[top - 1 :]
        other = {
            "channel": _("Other ({n})").format(n=len(rest)),
            **rest[[*months, "quarter"]].sum().to_dict(),
        }
        wide = pd.concat([wide.iloc[: top - 1], pd.DataFrame([other])], ignore_index=True)
    total = {"channel": _("Total"), **wide[[*months, "quarter"]].sum().to_dict()}
    return pd.concat([wide, pd.DataFrame([total])], ignore_index=True)


def untargeted_rows(drill: Drilldown, dimension: str, top: int = TOP) -> pd.DataFrame:
    """Sales without a target by channel and one drill-down dimension, largest first."""
    rows = drill.untargeted
    if rows.empty:
        return rows
    rows = rows.loc[rows["dimension"] == dimension].drop(columns="dimension")
    return _top(rows.reset_index(drop=True), top, "segment")


def _top(rows: pd.DataFrame, top: int, name: str, what: str = "") -> pd.DataFrame:
    """The first ``top - 1`` rows and one summed ``Other (n)`` row when there are more than
    ``top``; ``what`` words the summed row (``Other (40 without a target)``)."""
    if len(rows) <= top:
        return rows
    rest = rows.iloc[top - 1 :]
    label = (
        _("Other ({n} {what})").format(n=len(rest), what=_(what))
        if what
        else _("Other ({n})").format(n=len(rest))
    )
    other = {c: rest[c].sum(min_count=1) for c in _SUMMED if c in rows.columns}
    other[name] = label
    if "has_target" in rows.columns:
        other["has_target"] = bool(rest["has_target"].any())
    if "attainment" in rows.columns:
        target, hit = other.get("target"), other.get("targeted")
        other["attainment"] = hit / target if target and pd.notna(target) else np.nan
    if "yoy" in rows.columns:
        prior = other.get("prior")
        other["yoy"] = other["actual"] / prior - 1 if prior and pd.notna(prior) else np.nan
    return pd.concat([rows.iloc[: top - 1], pd.DataFrame([other])], ignore_index=True)


def untargeted_heading(dimension: str) -> str:
    """The heading over :func:`untargeted_rows`: ``Sold without a target, by region``."""
    return _("Sold without a target, by {dimension}").format(
        dimension=_(DIMENSIONS.get(dimension, dimension)).lower()
    )


def untargeted_labels(dimension: str) -> dict[str, str]:
    """The headings of :func:`untargeted_rows`."""
    return {
        "channel": _("Channel"),
        "segment": _(DIMENSIONS.get(dimension, dimension)),
        "actual": _("Sales"),
    }
