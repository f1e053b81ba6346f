"""The forecast report's odds of the targets: only quarters not yet closed get odds.

A target of a forecast quarter that the data already cover completely (a review of an earlier
quarter) is closed: it shows its actual attainment, the target report's own figure, instead of a
chance. A quarter under way (the data cover part of it) keeps its odds, with what was booked so
far; a target already reached there has a chance of 100 %. A partial reviewed quarter is not
forecast: the notes give what it has booked so far against its target.
"""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from analysis.core.i18n import N_, _
from analysis.forecasting import odds as distribution
from analysis.reports import present
from analysis.reports.forecast import PARAMETERS, Outlook
from analysis.targets.attainment import attainment

_PROBABILITY = next(p for p in PARAMETERS if p.name == "probability")
COLUMNS = ["quarter", "channel", "target", "mean", "probability", "supported", "gap"]
#: What an empty cell means: a closed quarter has no odds, a quarter not closed no final actual.
MISSING = {
    "probability": N_("closed"),
    "supported": N_("closed"),
    "gap": N_("closed"),
    "actual": N_("not closed"),
    "attainment": N_("not closed"),
}


def odds(outlook: Outlook, probability: float = 0.7) -> pd.DataFrame:
    """For each channel target in the forecast quarters: P(reaching it) and the supported target,
    or, for a closed quarter, its ``actual`` and ``attainment`` (columns added only when a
    forecast quarter holds sales: closed or under way)."""
    _PROBABILITY.check(probability)
    targets = outlook.review.dataset.targets
    if targets is None or not outlook.made:
        return pd.DataFrame()
    # a channel's target is the sum of its rows (one grain per channel and quarter: whole
    # channel, or regional quotas)
    wanted = targets.groupby(["quarter", "channel"], as_index=False)["target_revenue"].sum()
    fc = outlook.forecasts.loc[outlook.forecasts["level"] == "channel"]
    wanted = wanted.merge(
        fc[["quarter", "unique_id", "ds"]].drop_duplicates(),
        left_on=["quarter", "channel"],
        right_on=["quarter", "unique_id"],
    )
    if wanted.empty:
        return pd.DataFrame()
    table = distribution.odds(
        fc, wanted.rename(columns={"target_revenue": "target"}), probability=probability
    )
    table = table.merge(wanted[["unique_id", "ds", "quarter"]], on=["unique_id", "ds"])
    table = table.rename(columns={"unique_id": "channel"})[COLUMNS]
    booked = _booked(outlook, sorted(table["quarter"].unique()))
    if booked.empty:
        return table
    table = table.merge(booked, on=["quarter", "channel"], how="left")
    closed = table["closed"].eq(True)
    table.loc[closed, ["probability", "supported", "gap"]] = float("nan")
    reached = ~closed & (table["actual"] >= table["target"])
    table.loc[reached, "probability"] = 1.0
    return table.drop(columns="closed")


def _booked(outlook: Outlook, quarters: list[str]) -> pd.DataFrame:
    """Actual and attainment per targeted channel of the forecast quarters that hold sales data
    (``closed`` when the data cover the whole quarter)."""
    review = outlook.review
    coverage, calendar = review.coverage, review.calendar
    rows = []
    for label in quarters:
        period = calendar.parse(label)
        if coverage.held(period) is None:
            continue
        table = _attainment(outlook, period)
        table = table.loc[(table["level"] == "channel") & table["has_target"]]
        rows.append(
            # the sales the targets cover, as the target report counts them
            table[["channel", "targeted", "attainment"]]
            .rename(columns={"targeted": "actual"})
            .assign(quarter=label, closed=not coverage.is_partial(period))
        )
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def _attainment(outlook: Outlook, period: pd.Period) -> pd.DataFrame:
    review = outlook.review
    return attainment(
        review.dataset.sales,
        review.dataset.targets,
        period,
        calendar=review.calendar,
        coverage=review.coverage,
    ).table


def notes(outlook: Outlook) -> list[str]:
    """What the odds leave out: a partial reviewed quarter (booked so far against its target),
    closed quarters and quarters under way."""
    review = outlook.review
    out = []
    if review.partial and review.dataset.targets is not None:
        table = _attainment(outlook, review.quarter)
        rows = table.loc[(table["level"] == "channel") & table["has_target"]]
        if len(rows):
            cur = review.currency
            booked = _("; ").join(
                _("{channel} {booked} of {target} ({attainment})").format(
                    channel=r["channel"],
                    booked=present.money(r["targeted"], cur, short=True),
                    target=present.money(r["target"], cur, short=True),
                    attainment=present.percent(r["attainment"]),
                )
                for _row, r in rows.iterrows()
            )
            out.append(
                _(
                    "{quarter} is not closed ({extent}) and is not forecast, so it has no odds; "
                    "booked so far against its targets: {booked}."
                ).format(
                    quarter=present.quarter(review.label),
                    extent=review.coverage.extent(review.quarter),
                    booked=booked,
                )
            )
    if not outlook.made:
        return out
    for label in sorted(outlook.forecasts["quarter"].unique()):
        period = review.calendar.parse(label)
        if review.coverage.held(period) is None:
            continue
        if not review.coverage.is_partial(period):
            out.append(
                _(
                    "{quarter} is closed: the data cover all of it, so it shows its actual "
                    "attainment instead of a chance."
                ).format(quarter=present.quarter(label))
            )
        else:
            out.append(
                _(
                    "{quarter} is under way ({extent}): Actual is what it booked so far, and a "
                    "target already reached has a chance of 100%."
                ).format(quarter=present.quarter(label), extent=review.coverage.extent(period))
            )
    return out


def note(outlook: Outlook) -> str:
    """Why :func:`odds` has no rows."""
    if not outlook.made:
        return _("No forecast was made, so there are no odds of reaching the targets.")
    return _("No targets are set for the forecast quarters.")


def table(chances: pd.DataFrame, currency: str, probability: float) -> Styler:
    """:func:`odds` as the report shows it."""
    money = [c for c in ("target", "mean", "supported", "gap", "actual") if c in chances]
    percent = [c for c in ("probability", "attainment") if c in chances]
    return present.table(
        chances,
        currency,
        money_columns=money,
        percent_columns=percent,
        signed_columns=["gap"],
        labels={
            "quarter": _("Quarter"),
            "channel": _("Channel"),
            "target": _("Target"),
            "mean": _("Forecast"),
            "probability": _("Chance of reaching it"),
            "supported": _("Supported at {p}").format(p=present.percent(probability)),
            "gap": _("Target above supported"),
            "actual": _("Actual"),
            "attainment": _("Attainment"),
        },
        missing={k: _(v) for k, v in MISSING.items() if k in chances},
    )
