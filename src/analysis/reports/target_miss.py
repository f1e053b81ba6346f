"""A quarter's target miss in one call, and its tidy long table (``target_miss.csv``).

:func:`analyse` runs attainment (quarter and fiscal year to date), the price/volume/mix bridge, the
drill-down and the narrative on the same inputs; :func:`long_table` flattens bridge and drill-down
into one row per number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.csv_out import write_csv
from analysis.core.errors import ParameterError
from analysis.core.i18n import _
from analysis.core.parameters import Parameter
from analysis.core.quarters import FiscalCalendar
from analysis.core.schema import SALES_DIMENSIONS
from analysis.data.series import Coverage
from analysis.reports import present
from analysis.reports.narrative import narrative
from analysis.reports.review import COMMON, lines_in
from analysis.targets.attainment import Attainment, attainment
from analysis.targets.bridge import MODES, Bridge, bridge
from analysis.targets.bridge_effects import EFFECTS
from analysis.targets.drilldown import Drilldown, drilldown

#: Dimensions a channel's gap can be split by (the data must carry them).
SEGMENTS = tuple(d for d in SALES_DIMENSIONS if d != "channel")
#: The target-miss notebook's parameters.
PARAMETERS = (
    *COMMON,
    Parameter("baseline", str, "what the bridge compares with", choices=MODES),
    Parameter("segment", str, "mix inside a channel", choices=SEGMENTS),
    Parameter(
        "drill_down",
        list,
        "dimensions to drill into, in order",
        item=str,
        choices=SEGMENTS,
        unique=True,
    ),
    Parameter(
        "output_dir", str, "folder for target_miss.csv, empty to write nothing", run_owned=True
    ),
)
_CONTRACT = {p.name: p for p in PARAMETERS}

#: Measures of the long table, in order; they are all money.
MEASURES = ("target", "actual", "gap", *EFFECTS)
LONG_COLUMNS = ("quarter", "level", "channel", "dimension", "segment", "measure", "value", "cents")


@dataclass(frozen=True)
class TargetMiss:
    """Everything the target-miss report shows for one quarter, from the same inputs."""

    quarter: str
    currency: str
    attainment: Attainment
    year_to_date: Attainment
    bridge: Bridge
    drilldown: Drilldown
    narrative: str

    @property
    def long(self) -> pd.DataFrame:
        return long_table(self.bridge, self.drilldown)

    def write(self, folder: Path) -> Path:
        """Write ``target_miss.csv`` into ``folder``, after checking that the channels' gaps add
        up to the total gap to the cent; names a spreadsheet would evaluate are neutralised
        (:mod:`analysis.core.csv_out`)."""
        long = self.long
        channel_gaps = long.query("level == 'channel' and measure == 'gap'")["cents"].sum()
        total_gap = long.query("level == 'total' and measure == 'gap'")["cents"].sum()
        if channel_gaps != total_gap:
            raise AssertionError(f"channel gaps {channel_gaps} != total gap {total_gap} (cents)")
        path = Path(folder) / "target_miss.csv"
        write_csv(long, path)
        return path

    @property
    def notes(self) -> tuple[str, ...]:
        """Every caveat of the parts, once each, in order."""
        seen = dict.fromkeys([*self.attainment.notes, *self.bridge.notes, *self.drilldown.notes])
        return tuple(seen)


def analyse(
    sales: pd.DataFrame,
    targets: pd.DataFrame | None,
    quarter: object,
    *,
    calendar: FiscalCalendar | None = None,
    coverage: Coverage | None = None,
    currency: str = "CNY",
    baseline: str = "target",
    segment: str = "product_line",
    dims: Sequence[str] = ("region", "product_line"),
) -> TargetMiss:
    """Attainment, bridge, drill-down and narrative of ``quarter`` (see the modules for each).

    ``baseline``, ``segment`` and ``dims`` usually come from a notebook's parameters: a value that
    does not fit is a :class:`~analysis.core.errors.ParameterError` naming what would.
    """
    _check_options(sales, baseline, segment, dims)
    calendar = calendar or FiscalCalendar()
    coverage = coverage or Coverage.of(sales, calendar)
    common = {"calendar": calendar, "coverage": coverage}
    quarter_table = attainment(sales, targets, quarter, detail=True, **common)
    ytd = attainment(sales, targets, quarter, ytd=True, **common)
    explained = bridge(sales, targets, quarter, baseline=baseline, segment=segment, **common)
    drilled = drilldown(sales, targets, quarter, dims=dims, path=dims, **common)
    return TargetMiss(
        quarter=quarter_table.quarter,
        currency=currency,
        attainment=quarter_table,
        year_to_date=ytd,
        bridge=explained,
        drilldown=drilled,
        narrative=narrative(quarter_table, explained, drilled, currency),
    )


def analyse_review(
    review,
    *,
    baseline: str = "target",
    segment: str = "product_line",
    dims: Sequence[str] = ("region", "product_line"),
) -> TargetMiss:
    """:func:`analyse` for a :class:`~analysis.reports.review.Review` (the notebooks' context)."""
    dataset = review.dataset
    miss = analyse(
        dataset.sales,
        dataset.targets,
        review.quarter,
        calendar=review.calendar,
        coverage=review.coverage,
        currency=dataset.config.currency,
        baseline=baseline,
        segment=segment,
        dims=dims,
    )
    if lines_in(dataset.sales, review.calendar, review.quarter):
        return miss
    warning = _(
        "No sales are recorded in {quarter}: not one sales line is dated in the quarter; "
        "check that the source holds the whole quarter before reading the gap."
    ).format(quarter=present.quarter(review.label))
    return replace(miss, narrative=present.sentences([warning, miss.narrative]))


def _check_options(sales: pd.DataFrame, baseline: str, segment: str, dims: Sequence[str]) -> None:
    _CONTRACT["baseline"].check(baseline)
    _CONTRACT["segment"].check(segment)
    if dims:
        _CONTRACT["drill_down"].check(list(dims))
    choices = [c for c in SEGMENTS if c in sales.columns]
    for name, value in (("segment", segment), *(("drill_down", d) for d in dims)):
        if value not in choices:
            raise ParameterError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    if not dims:
        raise ParameterError("drill_down needs at least one dimension, e.g. region")


def long_table(bridge: Bridge, drilldown: Drilldown | None = None) -> pd.DataFrame:
    """One row per number: ``quarter, level, channel, dimension, segment, measure, value, cents``.

    - ``level``: ``total`` (``channel`` is ``Total``), ``channel`` or ``segment``;
    - ``dimension`` / ``segment``: for segment rows the drill-down dimension (``region``,
      ``product_line``) and its value; empty strings otherwise;
    - ``measure``: ``target, actual, gap`` and the bridge effects ``growth_asked, volume,
      channel_mix, product_mix, price, returns, untargeted`` (effects for total and channel rows
      only; ``channel_mix`` is a total-level effect, 0 on channel rows);
    - ``value``: the amount in the data's currency, ``cents`` the same in integer cents (exact).

    ``actual`` is the targeted sales (those a target covers) and ``gap = actual - target``;
    ``untargeted`` is the sales without a target, beside them. Targets that do not exist
    (channels without target) have no row, nor a gap. Summing ``gap``, or the effects other than
    ``untargeted``, over the channel rows gives the total gap exactly; each effect summed over
    channel rows gives the total's (volume: total volume + channel mix). Segment rows hold the
    targeted segments (``target, actual, gap``, adding up to their channel's) and the sales no
    target covers (``untargeted``, per channel and segment).
    """
    frames = []
    cents = bridge.cents.copy()  # actual and gap of the targeted sales, as the report shows them
    cents["actual"] = cents["actual"] - cents["untargeted"]
    cents["gap"] = (cents["gap"] - cents["untargeted"]).where(cents["has_target"])
    for level, rows in (("channel", cents.iloc[:-1]), ("total", cents.iloc[-1:])):
        frame = rows.melt(id_vars=["channel"], value_vars=list(MEASURES), var_name="measure")
        frame.insert(0, "level", level)
        frames.append(frame.assign(dimension="", segment=""))
    if drilldown is not None and not drilldown.cents.empty:
        seg = drilldown.cents.melt(
            id_vars=["channel", "dimension", "segment"],
            value_vars=["target", "actual", "gap"],
            var_name="measure",
        )
        seg.insert(0, "level", "segment")
        frames.append(seg)
    if drilldown is not None and not drilldown.untargeted_cents.empty:
        apart = drilldown.untargeted_cents.rename(columns={"actual": "value"})
        frames.append(apart.assign(level="segment", measure="untargeted"))
    long = pd.concat(frames, ignore_index=True)
    long = long.loc[long["value"].notna()].reset_index(drop=True)
    long["cents"] = long["value"].astype("int64")
    long["value"] = long["cents"].to_numpy(dtype="float64") / 100
    long["quarter"] = bridge.quarter
    long["segment"] = long["segment"].astype(str)
    order = {m: i for i, m in enumerate(MEASURES)}
    long["_m"] = long["measure"].map(order).astype(np.int64)
    long["_l"] = long["level"].map({"total": 0, "channel": 1, "segment": 2})
    long = long.sort_values(["_l", "channel", "dimension", "segment", "_m"], kind="stable")
    return long[list(LONG_COLUMNS)].reset_index(drop=True)
