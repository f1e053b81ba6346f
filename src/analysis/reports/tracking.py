"""The tracking report of a quarter under way: where it stands on the as-of date against the
target phased to that day, per channel and per salesperson, the weekly pace it needs, and where
each channel is expected to land (the nowcast), with ``nowcast.csv`` and ``tracking.json``.

The arithmetic is :mod:`analysis.targets.to_date` (cents) and
:mod:`analysis.forecasting.nowcast` (fitted on the days up to the as-of date, each channel's target
the one the tables show); how close such estimates were is the nowcast's own backtest at this
day of every past quarter (:mod:`analysis.forecasting.nowcast_backtest`). This module turns it
into the tables, sentences and files a sales manager reads, every text through ``_()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core import csv_out
from analysis.core.cents import from_cents
from analysis.core.i18n import N_, _
from analysis.core.parameters import Parameter
from analysis.forecasting import nowcast_backtest
from analysis.forecasting.nowcast import Nowcaster, daily
from analysis.forecasting.nowcast_ledger import ESTIMATE
from analysis.reports import present
from analysis.reports.review import COMMON, Review
from analysis.targets.to_date import ToDate, to_date

PARAMETERS = (
    *COMMON,
    Parameter(
        "as_of", str, "the day the run stands on (YYYY-MM-DD); empty: the data as they are",
        run_owned=True,
    ),
    Parameter("output_dir", str, "folder for nowcast.csv, empty to write nothing", run_owned=True),
    Parameter("nowcasts", str, "ledger of earlier runs' nowcasts, empty if none", run_owned=True),
)  # fmt: skip
NOWCAST_CSV = "nowcast.csv"
TOTAL = "Total"

#: Column headers of the tracking tables, for the reader.
LABELS = {
    "channel": N_("Channel"),
    "salesperson": N_("Salesperson"),
    "channels": N_("Sells in"),
    "target": N_("Quarter target"),
    "phased": N_("Target to date"),
    "actual": N_("Sold to date"),
    "untargeted": N_("Sold without a target"),
    "gap": N_("Ahead (+) or behind (-)"),
    "so_far": N_("Per week so far"),
    "needed": N_("Per week needed from now"),
    "week_start": N_("Week from"),
    "week_end": N_("to"),
    "week_target": N_("Target of the week"),
    "week_actual": N_("Sold in the week"),
    "sum_target": N_("Target so far, cumulative"),
    "sum_actual": N_("Sold so far, cumulative"),
}
MONEY = ("target", "phased", "actual", "untargeted", "gap", "so_far", "needed")
WEEK_MONEY = ("week_target", "week_actual", "sum_target", "sum_actual")
#: Chart titles, filled with the quarter's label.
TITLES = {
    "progress": N_("{quarter}: sold and target, cumulative"),
    "landing": N_("{quarter}: sold to date and the expected rest"),
    "movement": N_("{quarter}: the expected landing, run by run"),
}
#: What a section says when it has nothing to show.
NO_TARGET = N_("The quarter has no target to phase.")
NO_SALESPERSON = N_("The sales lines name no salesperson.")
NO_FONT = N_("No Chinese font is installed: Chinese names in charts may show as boxes.")
#: The targeted channels together, the last row of the channel table.
TARGETED = N_("Targeted channels")
#: Column headers of the landing estimate (``nowcast.csv``'s columns).
LANDING = {
    "channel": N_("Channel"),
    "target": N_("Quarter target"),
    "actual_to_date": N_("Sold to date"),
    "forecast_rest": N_("Expected in the rest"),
    "forecast_total": N_("Expected landing"),
    "lo_80": N_("80 % range from"),
    "hi_80": N_("80 % range to"),
    "lo_95": N_("95 % range from"),
    "hi_95": N_("95 % range to"),
    "probability": N_("Chance of reaching the target"),
}
LANDING_MONEY = tuple(c for c in ESTIMATE if c not in ("channel", "probability"))


@dataclass(frozen=True)
class Tracking:
    """A quarter under way on its as-of date: ``progress`` against the phased target, the
    ``nowcast`` (``nowcast.csv``'s rows: each channel and ``Total``) and ``record``, how close
    such estimates were at this day of past quarters, in words."""

    review: Review
    progress: ToDate
    nowcast: pd.DataFrame
    record: str = ""

    def write(self, folder: Path) -> Path:
        """``nowcast.csv`` in ``folder``: one row per channel and ``Total``."""
        path = Path(folder) / NOWCAST_CSV
        csv_out.write_csv(self.nowcast.reindex(columns=list(ESTIMATE)), path)
        return path


def title(kind: str, tracking: Tracking) -> str:
    """A chart's title (:data:`TITLES`) for the tracked quarter."""
    return _(TITLES[kind]).format(quarter=tracking.review.label)


def analyse(review: Review) -> Tracking:
    """The quarter of ``review`` on its as-of date (the data's last day when it has none): where
    it stands, where it lands, and how close such landing estimates were in past quarters."""
    progress = standing(review)
    channels = progress.channels.loc[progress.channels["has_target"]]
    targets = dict(zip(channels["channel"], channels["target"].astype(int) / 100, strict=True))
    days = daily(review.dataset.sales)
    model = Nowcaster().fit(days, review.calendar, progress.as_of)
    nowcast = model.nowcast(review.quarter, targets)[list(ESTIMATE)]
    return Tracking(review, progress, nowcast, _record(days, review, max(progress.elapsed, 1)))


def standing(review: Review) -> ToDate:
    """Where the quarter of ``review`` stands on its as-of date against its phased target."""
    as_of = review.as_of or review.coverage.last.date()
    dataset = review.dataset
    return to_date(
        dataset.sales, dataset.targets, review.calendar, review.coverage, review.quarter, as_of
    )


def _record(days: pd.DataFrame, review: Review, day: int) -> str:
    """How close the landing estimates of past quarters were at ``day``, in words."""
    replayed = nowcast_backtest.backtest(days, review.calendar, (day,), review.dataset.targets)
    if replayed.empty:
        return _(
            "Too few past quarters to say how close such landing estimates have been: the "
            "replays need two years of complete quarters before each."
        )
    total = nowcast_backtest.accuracy_at(replayed, day, TOTAL)
    mape = total["mape"]
    text = _(
        "At day {day} of the past {n} quarters, the landing estimate of the total was off the "
        "quarter's close by {error} on average (a straight run rate: {rate}; the forecast made "
        "before the quarter: {plain})."
    ).format(
        day=total["day"], n=total["quarters"], error=_pct(mape["nowcast"]),
        rate=_pct(mape["run_rate"]), plain=_pct(mape["quarterly"]),
    )  # fmt: skip
    held = total.get("coverage_80")
    if held is not None and np.isfinite(held):
        text += " " + _("Its 80 % range held the close in {share} of them.").format(
            share=present.percent(held)
        )
    return text


def _pct(value: float) -> str:
    return present.percent(value / 100)


# --- tables --------------------------------------------------------------------------------------


def channel_rows(tracking: Tracking) -> pd.DataFrame:
    """Each channel to date, the targeted channels together last, in currency units."""
    frame = tracking.progress.channels
    targeted = frame.loc[frame["has_target"]]
    total = targeted[list(("target", "phased", "actual", "gap", "untargeted"))].sum()
    rows = pd.concat(
        [frame, pd.DataFrame([{"channel": _(TARGETED), "has_target": True, **total}])],
        ignore_index=True,
    )
    return _paced(rows, tracking.progress)


def people_rows(tracking: Tracking) -> pd.DataFrame | None:
    """Each salesperson to date (None when the lines name no salesperson), in currency units."""
    frame = tracking.progress.people
    return None if frame is None else _paced(frame, tracking.progress)


def _paced(rows: pd.DataFrame, progress: ToDate) -> pd.DataFrame:
    """Money in currency units with the weekly pace so far and the pace the target needs.

    A row without a target shows what it sold as its sales to date; the column of sales without
    a target stays only when a targeted row has some (sales outside its quotas)."""
    out = rows.copy()
    for col in ("target", "phased", "actual", "gap", "untargeted"):
        out[col] = from_cents(out[col].astype("float64"))
    aimed = out["has_target"].astype(bool)
    counted = out["actual"].where(aimed, out["untargeted"])  # what each row's pace is of
    out["so_far"] = counted / progress.elapsed * 7 if progress.elapsed else np.nan
    rest = (out["target"] - out["actual"]).clip(lower=0)
    out["needed"] = (rest / progress.left * 7).where(aimed) if progress.left else np.nan
    if not (out["untargeted"] * aimed).any():
        out["actual"] = counted
        out = out.drop(columns="untargeted")
    return out.drop(columns="has_target")


def week_rows(tracking: Tracking) -> pd.DataFrame:
    """The targeted channels week by week: each week's target and sales, and both summed up."""
    weeks = tracking.progress.weeks
    out = pd.DataFrame(
        {
            "week_start": weeks["week_start"].dt.date,
            "week_end": weeks["week_end"].dt.date,
            "week_target": from_cents(weeks["target"].astype("float64")),
            "week_actual": from_cents(weeks["actual"].astype("float64")),
        }
    )
    out["sum_target"] = out["week_target"].cumsum()
    out["sum_actual"] = out["week_actual"].cumsum()
    return out


def landing_rows(tracking: Tracking) -> pd.DataFrame:
    """The landing estimate per channel and in total, as ``nowcast.csv`` has it."""
    return tracking.nowcast.reindex(columns=list(ESTIMATE))


# --- words ---------------------------------------------------------------------------------------


def headline(tracking: Tracking) -> str:
    """Where the quarter stands, in one or two sentences."""
    review, progress = tracking.review, tracking.progress
    money = _money(review)
    frame = progress.channels
    targeted = frame.loc[frame["has_target"]]
    day = _("{quarter} as of {as_of} (day {day} of {days})").format(
        quarter=review.label, as_of=progress.as_of.isoformat(), day=progress.elapsed,
        days=progress.days,
    )  # fmt: skip
    sold = int(frame["actual"].sum() + frame["untargeted"].sum())
    if sold == 0:
        return _("{day}: no sales yet.").format(day=day)
    if targeted.empty:
        return _("{day}: {sold} sold; the quarter has no target.").format(day=day, sold=money(sold))
    actual, phased = int(targeted["actual"].sum()), int(targeted["phased"].sum())
    target, gap = int(targeted["target"].sum()), actual - phased
    ahead = _("{amount} ahead") if gap >= 0 else _("{amount} behind")
    return _(
        "{day}: the targeted channels sold {actual} against {phased} phased to date, {ahead}; "
        "that is {share} of the quarter's target of {target}."
    ).format(
        day=day, actual=money(actual), phased=money(phased),
        ahead=ahead.format(amount=money(abs(gap))),
        share=present.percent(actual / target) if target else "–", target=money(target),
    )  # fmt: skip


def pace(tracking: Tracking) -> str:
    """The pace the rest of the quarter needs against the pace so far."""
    progress = tracking.progress
    targeted = progress.channels.loc[progress.channels["has_target"]]
    if targeted.empty or not progress.left:
        return ""
    money = _money(tracking.review)
    rest = int(targeted["target"].sum() - targeted["actual"].sum())
    if rest <= 0:
        return _("The targeted channels have reached the quarter's target already.")
    needed = rest / progress.left * 7
    if not progress.elapsed:
        return _("The target needs {needed} a week over the quarter's {days} days.").format(
            needed=money(needed), days=progress.days
        )
    so_far = targeted["actual"].sum() / progress.elapsed * 7
    return _(
        "To reach the target, the targeted channels need {needed} a week for the {left} days "
        "left, against {so_far} a week so far."
    ).format(needed=money(needed), left=progress.left, so_far=money(so_far))


def landing_line(tracking: Tracking) -> str:
    """Where the quarter is expected to land, in one sentence ('' without an estimate): the
    total with its 80 % range, and the targeted channels against their target when some sales
    have none (their chance is then the channels' own, :func:`chances`)."""
    rows = tracking.nowcast
    total = rows.loc[rows["channel"] == TOTAL]
    if total.empty or pd.isna(total["forecast_total"].iloc[0]):
        return ""
    row, currency = total.iloc[0], tracking.review.currency
    money = lambda v: present.money(float(v), currency, short=True)  # noqa: E731
    shown = {"landing": money(row["forecast_total"]), "lo": money(row["lo_80"]),
             "hi": money(row["hi_80"])}  # fmt: skip
    ranged = pd.notna(row["lo_80"]) and pd.notna(row["hi_80"])
    if pd.notna(row["probability"]):
        return _(
            "Expected landing {landing} (80 % range {lo} to {hi}); the chance of reaching the "
            "target of {target} is {chance}."
        ).format(**shown, target=money(row["target"]), chance=present.percent(row["probability"]))
    targeted = rows.loc[(rows["channel"] != TOTAL) & rows["target"].notna()]
    if targeted.empty:
        alone = _("Expected landing {landing} (80 % range {lo} to {hi}).")
        return (alone if ranged else _("Expected landing {landing}.")).format(**shown)
    both = (
        _(
            "All channels are expected to land at {landing} (80 % range {lo} to {hi}); the "
            "targeted channels at {targeted} against their target of {target}."
        )
        if ranged
        else _(
            "All channels are expected to land at {landing}; the targeted channels at "
            "{targeted} against their target of {target}."
        )
    )
    return both.format(
        **shown, targeted=money(targeted["forecast_total"].sum()),
        target=money(targeted["target"].sum()),
    )  # fmt: skip


def chances(tracking: Tracking) -> str:
    """Each targeted channel's chance of reaching its target, in one sentence."""
    rows = tracking.nowcast.loc[tracking.nowcast["channel"] != TOTAL].dropna(subset=["probability"])
    if rows.empty:
        return ""
    rows = rows.sort_values("probability", ascending=False)
    parts = _(", ").join(
        f"{c} {present.percent(float(p))}"
        for c, p in zip(rows["channel"], rows["probability"], strict=True)
    )
    return _("The chance of reaching the target: {parts}.").format(parts=parts)


def untargeted(tracking: Tracking) -> str:
    """Sales no target covers, in one sentence ('' when there are none)."""
    frame = tracking.progress.channels
    sold = frame.loc[frame["untargeted"] > 0]
    if sold.empty:
        return ""
    money = _money(tracking.review)
    parts = _(", ").join(f"{c} {money(int(v))}" for c, v in zip(sold["channel"], sold["untargeted"],
                                                              strict=True))  # fmt: skip
    return _("Sold without a target, shown apart and never counted against one: {parts}.").format(
        parts=parts
    )


def _money(review: Review):
    """Cents as short money in the review's currency."""
    return lambda cents: present.money(cents / 100, review.currency, short=True)


# --- tracking.json -------------------------------------------------------------------------------


def summary(review: Review, nowcast_csv: Path) -> dict:
    """``tracking.json``: the quarter to date in numbers, the landing estimate of the total from
    ``nowcast.csv`` (and ``targeted``, the targeted channels' landing; None without one), and
    the index's line in words."""
    rows = csv_out.read_csv(nowcast_csv, dtype={"channel": str})
    tracking = Tracking(review, standing(review), rows)
    channels = tracking.progress.channels
    targeted = channels.loc[channels["has_target"]]
    cents = {
        "target": int(targeted["target"].sum()),
        "phased": int(targeted["phased"].sum()),
        "targeted_revenue": int(targeted["actual"].sum()),
        "untargeted_revenue": int(channels["untargeted"].sum()),
    }
    figures = {k: v / 100 for k, v in cents.items()}
    total = rows.loc[rows["channel"] == TOTAL]
    landing = None
    if len(total):
        row = total.iloc[0]
        landing = {k: _number(row[k]) for k in ("forecast_total", "lo_80", "hi_80", "probability")}
        aimed = rows.loc[(rows["channel"] != TOTAL) & rows["target"].notna(), "forecast_total"]
        landing["targeted"] = round(float(aimed.sum()), 2) if len(aimed) else None
    line = " ".join(t for t in (headline(tracking), landing_line(tracking)) if t)
    return {
        "quarter": review.label,
        "as_of": tracking.progress.as_of.isoformat(),
        "currency": review.currency,
        **figures,
        "landing": landing,
        "text": {"headline": line},
    }


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
