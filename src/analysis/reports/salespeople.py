"""The salespeople page: attainment and bridge per salesperson, next quarter's targets by person.

The numbers come from :mod:`analysis.targets.salespeople`; this module words the rules, shapes
the tables and writes ``salesperson_targets.csv`` (next quarter by salesperson, month and week).
Data without a ``salesperson`` column get a page that says so and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from analysis.core.cents import from_cents
from analysis.core.csv_out import write_csv
from analysis.core.i18n import N_, _, n_
from analysis.core.parameters import Parameter
from analysis.data.series import TOTAL
from analysis.reports import present, style
from analysis.reports.review import COMMON, Review
from analysis.targets.attainment import attainment
from analysis.targets.phasing import Phasing
from analysis.targets.salespeople import (
    UNASSIGNED,
    Salespeople,
    has_salespeople,
    next_quarter,
    salespeople,
)

#: The salespeople notebook's parameters.
PARAMETERS = (
    *COMMON,
    Parameter(
        "output_dir", str, "folder for salesperson_targets.csv, empty to write nothing",
        run_owned=True,
    ),
)  # fmt: skip
#: Said under the charts when no CJK font is installed (``_()`` where shown).
NO_FONT = N_("No Chinese font is installed: Chinese names in charts may show as boxes.")
LABELS = {
    "salesperson": N_("Salesperson"),
    "target": N_("Target"),
    "actual": N_("Targeted sales"),
    "gap": N_("Gap"),
    "attainment": N_("Attainment"),
    "untargeted": N_("Sales without target"),
    "basis": N_("Target split by"),
    "volume": N_("Volume"),
    "channel_mix": N_("Mix of salespeople"),
    "product_mix": N_("Product mix"),
    "price": N_("Price"),
    "returns": N_("Returns"),
    "week": N_("Week"),
    "quarter": N_("Quarter"),
}
#: How a salesperson's target was found (``targets.salespeople.BASES``), in words.
BASIS_WORDS = {
    "set per salesperson": N_("set per salesperson"),
    "a year earlier": N_("share a year earlier"),
    "the four quarters before": N_("share in the four quarters before"),
    "equal": N_("equal shares"),
    "nobody": N_("nobody sold there"),
}
EFFECTS = ("volume", "channel_mix", "product_mix", "price", "returns")
CSV_COLUMNS = ("salesperson", "quarter", "month", "week_start", "week_end", "days", "target",
               "target_quantity")  # fmt: skip


@dataclass(frozen=True)
class Team:
    """What the page shows: ``people`` (None without salespeople in the data) and ``next`` (None
    without next quarter's targets), with the next quarter's label."""

    quarter: str
    people: Salespeople | None
    next: Phasing | None
    next_label: str


def analyse_review(review: Review) -> Team:
    """Salespeople of the review's quarter and the split of the next quarter's targets."""
    data = review.dataset
    upcoming = review.calendar.label(review.quarter + 1)
    if not has_salespeople(data.sales):
        return Team(review.label, None, None, upcoming)
    common = {"calendar": review.calendar, "coverage": review.coverage}
    people = salespeople(data.sales, data.targets, review.quarter, **common)
    split = next_quarter(data.sales, data.targets, review.quarter + 1, **common)
    return Team(review.label, people, split, upcoming)


def labels() -> dict[str, str]:
    """:data:`LABELS` in the report's language."""
    return {k: _(v) for k, v in LABELS.items()}


def heading(quarter: str) -> str:
    return _("{quarter}: the salespeople in one paragraph").format(quarter=quarter)


def no_targets(quarter: str) -> str:
    return _("No targets are set for {quarter} yet.").format(quarter=quarter)


def missing_sentence() -> str:
    return _(
        "The sales lines carry no salesperson, so there is nothing to show by salesperson: add a "
        "salesperson column to the sales source to see each one's target, attainment and bridge."
    )


def rule() -> str:
    """The split rule and the bridge rule, in words."""
    return _(
        "Targets set per salesperson are used as they are. A channel's target (or a region's "
        "quota) is split onto the salespeople who sold in it by each one's share of its net "
        "sales in the same quarter a year earlier; without sales then, by the shares of the four "
        "quarters before; without those, equally. The quarter's own sales are never the basis, "
        "or everyone would attain the channel's rate. Parts are rounded to cents so that they "
        "add up to the target exactly. The bridge is the channel bridge with salespeople in "
        "place of channels, on the sales inside the targets."
    )


def summary(people: Salespeople) -> str:
    """How many salespeople reached their target, and who is furthest below."""
    rows = people.cents.loc[(people.cents["salesperson"] != TOTAL)]
    rated = rows.loc[rows["attainment"].notna()]
    if rated.empty:
        return _("No salesperson has a target in {quarter}.").format(quarter=people.quarter)
    reached = int((rated["attainment"] >= 1).sum())
    worst = rated.sort_values("attainment").iloc[0]
    return n_(
        "{reached} of {n} salesperson reached the target in {quarter}; furthest below: "
        "{name} at {rate}.",
        "{reached} of {n} salespeople reached their targets in {quarter}; furthest below: "
        "{name} at {rate}.",
        len(rated),
    ).format(reached=reached, n=len(rated), quarter=people.quarter,
             name=_shown_name(worst["salesperson"]),
             rate=present.percent(worst["attainment"]))  # fmt: skip


def _shown_name(name: object) -> str:
    return _(UNASSIGNED) if name == UNASSIGNED else _("Total") if name == TOTAL else str(name)


def attainment_rows(people: Salespeople) -> pd.DataFrame:
    """One row per salesperson (largest target first) and the total."""
    table = people.cents
    rows = table.iloc[:-1].sort_values("target", ascending=False, na_position="last")
    rows = pd.concat([rows, table.iloc[-1:]])
    out = pd.DataFrame({"salesperson": [_shown_name(s) for s in rows["salesperson"]]})
    for col in ("target", "actual", "gap", "untargeted"):
        out[col] = from_cents(rows[col]).to_numpy()
    out["attainment"] = rows["attainment"].to_numpy()
    out["basis"] = [
        ", ".join(_(BASIS_WORDS[b]) for b in str(v).split(", ")) if isinstance(v, str) else "–"
        for v in rows["basis"]
    ]
    out.loc[out.index[-1], "basis"] = ""
    return out[["salesperson", "target", "actual", "gap", "attainment", "untargeted", "basis"]]


def bridge_rows(people: Salespeople) -> pd.DataFrame:
    """Each salesperson's gap split into volume, mix, price and returns; the total row's mix of
    salespeople is what the shift between them adds."""
    cents = people.bridge.cents
    out = pd.DataFrame({"salesperson": [_shown_name(s) for s in cents["channel"]]})
    out.loc[out.index[-1], "salesperson"] = _("Total")
    for col in ("target", "actual", "gap", *EFFECTS):
        out[col] = from_cents(cents[col].astype("Float64")).to_numpy()
    out.loc[out.index[:-1], "channel_mix"] = float("nan")  # a total-level effect only
    return out


def month_rows(split: Phasing) -> pd.DataFrame:
    """Next quarter's target: a row per salesperson, a column per month and the quarter."""
    wide = split.table.pivot_table(index="channel", columns="month", values="target",
                                   aggfunc="sum", sort=True)  # fmt: skip
    wide.columns = [str(c) for c in wide.columns]
    wide["quarter"] = wide.sum(axis=1)
    wide = wide.sort_values("quarter", ascending=False)
    wide.loc[_("Total")] = wide.sum()
    wide.index = [_shown_name(s) for s in wide.index]
    return wide.rename_axis("salesperson").reset_index()


def week_rows(split: Phasing) -> pd.DataFrame:
    """Next quarter's target: a row per week (Monday to Sunday, cut at month ends), a column per
    salesperson and the total."""
    table = split.table
    week = [f"{s:%m-%d}" if s == e else f"{s:%m-%d} – {e:%m-%d}"
            for s, e in zip(table["week_start"], table["week_end"], strict=True)]  # fmt: skip
    wide = table.assign(week=week).pivot_table(
        index=["week_start", "week"], columns="channel", values="target", aggfunc="sum", sort=True
    )
    wide = wide.droplevel("week_start")
    wide.columns = [_shown_name(c) for c in wide.columns]
    wide[_("Total")] = wide.sum(axis=1)
    return wide.rename_axis("week").reset_index()


def attainment_chart(people: Salespeople) -> Figure:
    """Attainment per salesperson with the 100 % line, worst at the bottom."""
    rows = people.cents.iloc[:-1]
    rows = rows.loc[rows["attainment"].notna()].sort_values("attainment", ascending=True)
    style.use()
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(rows) + 1.6), layout="constrained")
    values = rows["attainment"].to_numpy(dtype="float64")
    for y, value in enumerate(values):
        ax.barh(y, value, height=0.6, color="#4c72b0" if value >= 1 else "white",
                edgecolor="black", hatch="" if value >= 1 else "///")  # fmt: skip
        ax.annotate(present.percent(value), (value, y), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=8,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})  # fmt: skip
    ax.axvline(1.0, color="black", linestyle="--", linewidth=1)
    ax.set_yticks(range(len(rows)), [_shown_name(s) for s in rows["salesperson"]])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, max([1.0, *values]) * 1.15)
    ax.set_title(_("{quarter}: attainment per salesperson").format(quarter=people.quarter),
                 loc="left")  # fmt: skip
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def reconciliation(review: Review, people: Salespeople) -> pd.DataFrame:
    """The salespeople's total target, targeted sales and bridge against the channels' (the
    attainment table's total row): ``difference`` is 0 when they reconcile to the cent."""
    data = review.dataset
    cents = attainment(data.sales, data.targets, review.quarter, calendar=review.calendar,
                       coverage=review.coverage).cents  # fmt: skip
    channels = cents.loc[cents["level"] == "total"].iloc[0]
    channel_target = int(channels["target"]) if pd.notna(channels["target"]) else 0
    channel_targeted = int(channels["targeted"])
    total = people.cents.iloc[-1]
    bridge_total = people.bridge.cents.iloc[-1]
    rows = [
        ("target", int(total["target"]) if pd.notna(total["target"]) else 0, channel_target),
        ("targeted sales", int(total["actual"]), int(channel_targeted)),
        ("bridge actual", int(bridge_total["actual"]), int(channel_targeted)),
        ("bridge gap", int(bridge_total["gap"]), channel_targeted - channel_target),
    ]
    frame = pd.DataFrame(rows, columns=["measure", "salespeople", "channels"])
    frame["difference"] = frame["salespeople"] - frame["channels"]
    return frame


def write(split: Phasing | None, folder: Path) -> Path:
    """Write ``salesperson_targets.csv``: next quarter by salesperson, month and week (no rows
    without next quarter's targets)."""
    if split is None:
        table = pd.DataFrame(columns=list(CSV_COLUMNS))
    else:
        table = split.table.rename(columns={"channel": "salesperson"})
        for col in ("week_start", "week_end"):
            table[col] = pd.to_datetime(table[col]).dt.strftime("%Y-%m-%d")
        table["target"] = table["target"].astype("float64").round(2)
        table = table[list(CSV_COLUMNS)]
        table = table.assign(target_quantity=table["target_quantity"].astype("float64"))
    path = Path(folder) / "salesperson_targets.csv"
    write_csv(table.reset_index(drop=True), path)
    return path
