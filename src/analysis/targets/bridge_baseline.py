"""The reference a channel's bridge starts from: its target grossed up by returns, or last year.

Split from ``analysis.targets.bridge`` so that building the reference (return rates over the four
quarters before the reviewed one, the target's split over segments by the baseline quarter) is
apart from the effect arithmetic; the convention is stated in that module's docstring.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.cents import exact, nested_cents
from analysis.data.series import Coverage, exact_sums
from analysis.targets.attainment import sum_targets

#: Placeholder product line of a target that could not be split (no sales in either quarter).
UNSPLIT = "(unsplit)"
#: Quarters before the reviewed one whose returns set the rate of expected returns: one quarter's
#: recall is a quarter of the rate, not a whole year's returns effect.
RETURN_QUARTERS = 4


def return_window(period: pd.Period, coverage: Coverage) -> list[pd.Period]:
    """The ``RETURN_QUARTERS`` quarters before ``period`` that the data reach, oldest first
    (fewer, or none, when the history is shorter)."""
    before = (period - k for k in range(RETURN_QUARTERS, 0, -1))
    return [q for q in before if coverage.held(q) is not None]


def gross_and_returns(lines: pd.DataFrame, segment: str) -> pd.DataFrame:
    """Per channel x segment: gross and return revenue (cents) and units.

    A line is a return when its quantity or its revenue is negative; every other line is gross.
    The lines' total is rounded to cents once, and split into channels (as ``attainment`` splits
    it), each channel's net into gross and returns, and those into segments, so that every level
    adds up to the one above it.
    """
    revenue = lines["revenue"].to_numpy(dtype="float64")
    units = lines["quantity"].to_numpy(dtype="float64")
    is_return = (units < 0) | (revenue < 0)
    cents, micro = exact(revenue)
    frame = lines[["channel", segment]].set_axis(["channel", "segment"], axis=1)
    frame = frame.assign(returned=is_return, cents=cents, micro=micro, units=units)
    keys = ["channel", "returned", "segment"]
    summed = exact_sums(frame, keys)
    summed["cents"] = nested_cents(summed, keys)
    gross, ret = (summed.loc[summed["returned"] == flag] for flag in (False, True))
    wide = pd.concat(
        {
            "g": gross.set_index(["channel", "segment"])[["cents", "units"]],
            "r": ret.set_index(["channel", "segment"])[["cents", "units"]],
        },
        axis=1,
    )
    index = wide.index.sort_values() if len(wide) else wide.index
    out = pd.DataFrame(index=index)
    for kind in ("g", "r"):
        out[f"{kind}_cents"] = wide[(kind, "cents")].reindex(index).fillna(0).astype("int64")
        out[f"{kind}_units"] = wide[(kind, "units")].reindex(index).fillna(0.0).astype("float64")
    return out


def channel_totals(
    now: pd.DataFrame, then: pd.DataFrame, goal: pd.DataFrame, window: pd.DataFrame
) -> pd.DataFrame:
    """Per channel: target, actual (``a_``), baseline quarter (``b_``) and the return window's
    (``w_``) gross and return cents and units."""
    a = now.groupby(level="channel").sum()
    b = then.groupby(level="channel").sum()
    w = window.groupby(level="channel").sum()
    index = a.index.union(b.index).union(goal.index)
    ch = pd.DataFrame(index=index.rename("channel"))
    ch["has_target"] = index.isin(goal.index)
    ch["tr"] = goal["cents"].reindex(index).to_numpy(dtype="float64")
    ch["tq"] = goal["units"].reindex(index).to_numpy(dtype="float64")
    for prefix, part in (("a", a), ("b", b), ("w", w)):
        for col in ("g_cents", "g_units", "r_cents", "r_units"):
            ch[f"{prefix}_{col}"] = part[col].reindex(index, fill_value=0).to_numpy()
    ch["a_net"] = ch["a_g_cents"] + ch["a_r_cents"]
    ch["b_net"] = ch["b_g_cents"] + ch["b_r_cents"]
    ch["usable"] = ch["has_target"] & ch["tq"].notna() & ((ch["tq"] > 0) | (ch["tr"] == 0))
    return ch


def _rate(returned: pd.Series, gross: pd.Series) -> np.ndarray:
    """Baseline return rate (returns / gross, as a positive share); 0 unless in [0, 1)."""
    gross_ = gross.to_numpy(dtype="float64")
    rate = np.divide(
        -returned.to_numpy(dtype="float64"), gross_, out=np.zeros(len(gross_)), where=gross_ > 0
    )
    return np.where((rate >= 0) & (rate < 1), rate, 0.0)


def reference_totals(ch: pd.DataFrame) -> None:
    """Gross reference revenue and units, expected returns and net reference, per channel.

    Returns are expected at the channel's rate over the return window (``w_``), both against the
    target (grossed up at that rate) and against the prior year (its gross sales at that rate).
    """
    target = (ch["reference"] == "target").to_numpy()
    prior = (ch["reference"] == "prior_year").to_numpy()
    ch["rate"] = _rate(ch["w_r_cents"], ch["w_g_cents"])
    ch["rate_units"] = _rate(ch["w_r_units"], ch["w_g_units"])
    gross = ch["tr"] / (1 - ch["rate"])
    ch["ref_gross"] = np.select([target, prior], [gross, ch["b_g_cents"]], 0.0)
    ch["ref_units"] = np.select(
        [target, prior], [ch["tq"] / (1 - ch["rate_units"]), ch["b_g_units"]], 0.0
    )
    prior_returns = -ch["rate"] * ch["b_g_cents"]
    ch["expected_returns"] = np.select([target, prior], [ch["tr"] - gross, prior_returns], 0.0)
    ch["ref_net"] = np.select([target, prior], [ch["tr"], ch["b_g_cents"] + prior_returns], 0.0)


def reference_segments(
    ch: pd.DataFrame,
    now: pd.DataFrame,
    then: pd.DataFrame,
    rows: pd.DataFrame,
    segment: str,
    by_segment: bool,
) -> tuple[pd.DataFrame, pd.Series]:
    """Gross reference revenue and units per channel x segment; and how each was split."""
    parts = []
    split = pd.Series("", index=ch.index, dtype="object")
    prior = ch.index[ch["reference"] == "prior_year"]
    if len(prior):
        part = then.loc[then.index.get_level_values("channel").isin(prior)]
        parts.append(_seg(part["g_cents"], part["g_units"]))
        split[prior] = "prior_year"
    target = ch.loc[ch["reference"] == "target"]
    if by_segment and len(target):
        chosen = rows.loc[rows["channel"].isin(target.index)]
        goal = sum_targets(chosen.rename(columns={segment: "segment"}), ["channel", "segment"])
        channel = goal.index.get_level_values("channel")
        rate = target["rate"].reindex(channel).to_numpy()
        rate_units = target["rate_units"].reindex(channel).to_numpy()
        parts.append(_seg(goal["cents"] / (1 - rate), goal["units"] / (1 - rate_units)))
        split[target.index] = "target"
    elif len(target):
        has_base = (target["b_g_cents"] > 0) & (target["b_g_units"] > 0)
        has_now = (target["a_g_cents"] > 0) & (target["a_g_units"] > 0) & ~has_base
        for mask, source, name in ((has_base, then, "prior_year"), (has_now, now, "current")):
            chosen = target.loc[mask]
            if chosen.empty:
                continue
            part = source.loc[source.index.get_level_values("channel").isin(chosen.index)]
            channel = part.index.get_level_values("channel")
            rev_share = part["g_cents"] / part.groupby(level="channel")["g_cents"].transform("sum")
            unit_share = part["g_units"] / part.groupby(level="channel")["g_units"].transform("sum")
            parts.append(
                _seg(
                    rev_share * chosen["ref_gross"].reindex(channel).to_numpy(),
                    unit_share * chosen["ref_units"].reindex(channel).to_numpy(),
                )
            )
            split[chosen.index] = name
        rest = target.loc[~has_base & ~has_now]
        if len(rest):
            index = pd.MultiIndex.from_arrays(
                [rest.index, [UNSPLIT] * len(rest)], names=["channel", "segment"]
            )
            parts.append(
                pd.DataFrame(
                    {
                        "ref_rev": rest["ref_gross"].to_numpy(),
                        "ref_units": rest["ref_units"].to_numpy(),
                    },
                    index=index,
                )
            )
            split[rest.index] = "unsplit"
    if not parts:
        empty = pd.MultiIndex.from_arrays([[], []], names=["channel", "segment"])
        return pd.DataFrame({"ref_rev": [], "ref_units": []}, index=empty), split
    return pd.concat(parts).astype("float64"), split


def _seg(revenue: pd.Series, units: pd.Series) -> pd.DataFrame:
    return pd.DataFrame(
        {"ref_rev": np.asarray(revenue, "float64"), "ref_units": np.asarray(units, "float64")},
        index=revenue.index,
    )
