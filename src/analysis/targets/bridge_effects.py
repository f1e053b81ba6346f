"""The bridge's arithmetic: volume, mix, price and returns per segment, channel and total, in cents.

Split from ``analysis.targets.bridge`` so that the decomposition and its rounding (price absorbs
the residual in each channel, channel mix in the total) sit apart from building the reference; the
convention is stated in that module's docstring.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.cents import round_cents
from analysis.data.series import TOTAL

#: The effects, in the order a waterfall from target to actual shows them; they add up to ``gap``.
EFFECTS = (
    "growth_asked",
    "volume",
    "channel_mix",
    "product_mix",
    "price",
    "returns",
    "untargeted",
)


def pvm(refs: pd.DataFrame, now: pd.DataFrame, ch: pd.DataFrame) -> pd.DataFrame:
    """Per channel x product line: reference and actual, and each segment's share of the effects."""
    compared = ch.index[ch["reference"] != "none"]
    actual = now.loc[now.index.get_level_values("channel").isin(compared), ["g_cents", "g_units"]]
    seg = refs.join(actual, how="outer").fillna(0.0).sort_index()
    seg = seg.rename(columns={"g_cents": "act_rev", "g_units": "act_units"})
    tq, tr = seg["ref_units"].to_numpy(), seg["ref_rev"].to_numpy()
    aq, ar = seg["act_units"].to_numpy(), seg["act_rev"].to_numpy()
    code = pd.factorize(seg.index.get_level_values("channel"))[0]
    ref_price = np.divide(tr, tq, out=np.zeros(len(tq)), where=tq > 0)
    act_price = np.divide(ar, aq, out=np.zeros(len(aq)), where=aq > 0)
    price_used = np.where(tq > 0, ref_price, act_price)
    tq_total = np.bincount(code, weights=tq)[code] if len(code) else tq
    aq_total = np.bincount(code, weights=aq)[code] if len(code) else aq
    has_units = tq_total > 0
    share = np.divide(tq, tq_total, out=np.zeros(len(tq)), where=has_units)
    seg["ref_price"] = np.where(tq > 0, ref_price, np.nan)
    seg["act_price"] = np.where(aq > 0, act_price, np.nan)
    seg["volume"] = np.where(has_units, (aq_total * share - tq) * price_used, aq * price_used)
    seg["product_mix"] = np.where(has_units, (aq - aq_total * share) * price_used, 0.0)
    seg["price"] = ar - aq * price_used - np.where(tq > 0, 0.0, tr)
    seg["priced_ref"] = np.where(tq > 0, tr, 0.0)
    return seg


def channel_rows(ch: pd.DataFrame, seg: pd.DataFrame) -> pd.DataFrame:
    sums = seg.groupby(level="channel")[["volume", "product_mix", "price"]].sum()
    sums = sums.reindex(ch.index, fill_value=0.0)
    targeted = ch["has_target"].to_numpy()
    target = ch["tr"].to_numpy()
    outside = ch["outside"].to_numpy().astype("int64")  # targeted channels' untargeted sales
    actual = ch["a_net"].to_numpy().astype("int64") + outside
    gap = actual - np.where(targeted, target, 0).astype("int64")
    volume = round_cents(sums["volume"])
    mix = round_cents(sums["product_mix"])
    returns = np.where(targeted, round_cents(ch["a_r_cents"] - ch["expected_returns"]), 0)
    growth = np.where(targeted, (ch["ref_net"] - np.nan_to_num(target)).round(), 0)
    growth = growth.astype("int64")
    untargeted = np.where(targeted, outside, actual)
    price = gap - volume - mix - returns - growth - untargeted
    ref_units = ch["ref_units"].to_numpy()
    act_units = ch["a_g_units"].to_numpy(dtype="float64")
    priced = seg.groupby(level="channel")["priced_ref"].sum().reindex(ch.index, fill_value=0.0)
    frame = pd.DataFrame(
        {
            "channel": ch.index.to_numpy(),
            "reference": ch["reference"].to_numpy(),
            "has_target": targeted,
            "target": pd.array(np.where(targeted, target, np.nan), "Float64")
            .round()
            .astype("Int64"),
            "actual": actual,
            "gap": gap,
            "growth_asked": growth,
            "volume": volume,
            "channel_mix": np.zeros(len(ch), "int64"),
            "product_mix": mix,
            "price": price,
            "returns": returns,
            "untargeted": untargeted,
            "reference_units": np.where(targeted, ref_units, np.nan),
            "actual_units": act_units,
            "reference_revenue": np.where(targeted, round_cents(ch["ref_gross"]), 0),
            "actual_revenue": ch["a_g_cents"].to_numpy().astype("int64"),
            "reference_price": np.divide(
                priced.to_numpy(), ref_units, out=np.full(len(ch), np.nan), where=ref_units > 0
            ),
            "actual_price": np.divide(
                ch["a_g_cents"].to_numpy(dtype="float64"),
                act_units,
                out=np.full(len(ch), np.nan),
                where=act_units > 0,
            ),
            "expected_returns": np.where(targeted, round_cents(ch["expected_returns"]), 0),
            "actual_returns": ch["a_r_cents"].to_numpy().astype("int64"),
        }
    )
    money = ("actual", "gap", *EFFECTS, "reference_revenue", "actual_revenue")
    for col in (*money, "expected_returns", "actual_returns"):
        frame[col] = frame[col].astype("Int64")
    return frame


def total_row(table: pd.DataFrame, ch: pd.DataFrame, seg: pd.DataFrame) -> pd.DataFrame:
    compared = (ch["reference"] != "none").to_numpy()
    ref_units = float(ch.loc[compared, "ref_units"].sum())
    act_units = float(ch.loc[compared, "a_g_units"].sum())
    priced = float(seg["priced_ref"].sum())
    channel_volume = int(table["volume"].sum())
    if ref_units > 0:
        volume = int(round_cents((act_units - ref_units) * priced / ref_units))
    else:
        volume = channel_volume
    row = {
        "channel": TOTAL,
        "reference": _mixed(table.loc[table["reference"] != "none", "reference"]),
        "has_target": bool(table["has_target"].any()),
        "target": table["target"].sum() if table["has_target"].any() else pd.NA,
    }
    for col in ("actual", "gap", "growth_asked", "product_mix", "price", "returns", "untargeted"):
        row[col] = table[col].sum()
    row["volume"] = volume
    row["channel_mix"] = channel_volume - volume
    act_revenue = int(ch.loc[compared, "a_g_cents"].sum())
    row |= {
        "reference_units": ref_units,
        "actual_units": act_units,
        "reference_revenue": table.loc[compared, "reference_revenue"].sum(),
        "actual_revenue": act_revenue,
        "reference_price": priced / ref_units if ref_units > 0 else np.nan,
        "actual_price": act_revenue / act_units if act_units > 0 else np.nan,
        "expected_returns": table["expected_returns"].sum(),
        "actual_returns": table.loc[compared, "actual_returns"].sum(),
    }
    frame = pd.DataFrame([row])
    return frame.astype({c: str(table[c].dtype) for c in table.columns})


def _mixed(references: pd.Series) -> str:
    kinds = sorted(set(references))
    if not kinds:
        return "none"
    return kinds[0] if len(kinds) == 1 else "mixed"


def segment_cents(seg: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Segment effects in cents, the rounding residual on each channel's largest segment effect."""
    frame = seg.reset_index()
    code, channels = pd.factorize(frame["channel"])
    totals = table.set_index("channel").reindex(channels)
    position = np.arange(len(frame))
    for effect in ("volume", "product_mix", "price"):
        cents = round_cents(frame[effect])
        residual = totals[effect].to_numpy(dtype="int64") - np.bincount(
            code, weights=cents, minlength=len(channels)
        ).astype("int64")
        # the first segment with the largest absolute effect of its channel takes the residual
        order = np.lexsort((position, -np.abs(frame[effect].to_numpy()), code))
        first = order[np.searchsorted(code[order], np.arange(len(channels)))]
        cents[first] += residual
        frame[effect] = pd.array(cents, "Int64")
    return pd.DataFrame(
        {
            "channel": frame["channel"],
            "segment": frame["segment"],
            "reference_units": frame["ref_units"],
            "actual_units": frame["act_units"],
            "reference_revenue": pd.array(round_cents(frame["ref_rev"]), "Int64"),
            "actual_revenue": pd.array(round_cents(frame["act_rev"]), "Int64"),
            "reference_price": frame["ref_price"],
            "actual_price": frame["act_price"],
            "volume": frame["volume"],
            "product_mix": frame["product_mix"],
            "price": frame["price"],
        }
    )
