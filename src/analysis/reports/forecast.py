"""The forecast report's numbers: coherent forecasts from the reviewed quarter, their track record,
and (through :mod:`analysis.reports.target_odds`) the odds of next quarters' targets.

Forecasts start after the reviewed quarter, from the quarters up to it that the data cover
completely (a partial quarter is never fitted as if complete: a partial first quarter is left out
of the history, a partial reviewed quarter is neither fitted nor forecast, and the report says
so). With fewer than ``MIN_QUARTERS`` of them there is no forecast: the :class:`Outlook` says why
(``missing``) and every part of the report says so in words. Everything the forecast notebook
shows comes from :func:`prepare` (the odds of targets from :mod:`analysis.reports.target_odds`);
``forecast.csv`` is :meth:`Outlook.write`, the ledger's rows :meth:`Outlook.record`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from analysis.core.csv_out import write_csv
from analysis.core.i18n import _, n_
from analysis.core.parameters import Parameter
from analysis.data.series import Coverage
from analysis.forecasting import cluster, ledger, reconcile, short
from analysis.forecasting import odds as target_odds
from analysis.forecasting.backends import Backend, default_backend
from analysis.reports import forecast_notes, present
from analysis.reports.review import COMMON, Review

#: The forecast notebook's parameters.
PARAMETERS = (
    *COMMON,
    Parameter("horizon", int, "quarters ahead", low=1, high=12),
    Parameter(
        "levels", list, "prediction interval levels, in percent",
        item=int, low=0, high=100, open_bounds=True, unique=True,
    ),
    Parameter(
        "method", str, "reconciliation across the hierarchy", choices=tuple(reconcile.METHODS)
    ),
    Parameter(
        "probability", float, "confidence for the target the forecast supports",
        low=0, high=1, open_bounds=True,
    ),
    Parameter("backtest_windows", int, "rolling origins for the accuracy table", low=1, high=12),
    Parameter("output_dir", str, "folder for forecast.csv, empty to write nothing", run_owned=True),
    Parameter("ledger", str, "ledger of earlier runs' forecasts, empty if none", run_owned=True),
    Parameter(
        "record_to", str, "ledger file this run's forecasts are filed in, empty for none",
        run_owned=True,
    ),
    Parameter(
        "nowcasts", str, "ledger of the weekly landing estimates, empty if none", run_owned=True
    ),
)  # fmt: skip
_CONTRACT = {p.name: p for p in PARAMETERS}

#: Hierarchy levels shown and tracked in reports (the bottom level is forecast but not listed).
REPORTED_LEVELS = ("total", "channel", "channel/product_line", "channel/region")
#: Channels the report's table and fan charts show (with the total: eight panels); the rest are in
#: forecast.csv.
TOP_CHANNELS = 7
#: Complete quarters of sales the forecast needs (a year); with fewer none is made, and the report
#: says why. Each origin of the backtest needs as many before it.
MIN_QUARTERS = 4


@dataclass(frozen=True)
class Outlook:
    """Reconciled forecasts of every series from the reviewed quarter, with their history."""

    review: Review
    hierarchy: reconcile.Hierarchy | None  # None without a forecast
    forecasts: pd.DataFrame  # unique_id, level, ds, quarter, horizon, mean, lo-*, hi-*, model, note
    method: str
    levels: tuple[int, ...]
    backend: Backend | None  # where the forecasts were fitted; the backtest runs there too
    quarters: int = 0  # complete quarters of history up to the reviewed one
    unsold: tuple[str, ...] = ()  # quarters of that history without a single sales line
    missing: str = ""  # why no forecast was made, in words; "" when one was
    left_out: tuple[str, ...] = ()  # why partial quarters are not in the fit, one note each

    @property
    def origin(self) -> str:
        return self.review.label

    @property
    def made(self) -> bool:
        """Whether there is a forecast (enough complete quarters of history)."""
        return not self.missing

    def csv(self) -> pd.DataFrame:
        """``forecast.csv``: one row per series and future quarter (money in the data currency),
        with the intervals named as the ledger names them (``lo_80``)."""
        columns = ["quarter", "horizon", "level", "unique_id", "mean"]
        for lev in self.levels:
            columns += [f"lo-{lev}", f"hi-{lev}"]
        out = self.forecasts.loc[self.forecasts["level"].isin(REPORTED_LEVELS), [*columns, "model"]]
        out = out.rename(columns=_file_spelling)
        return out.assign(method=self.method, origin=self.origin).reset_index(drop=True)

    def write(self, folder: Path) -> Path:
        """Write ``forecast.csv`` into ``folder``, after checking that channels add up to the
        total in every quarter; names a spreadsheet would evaluate are neutralised
        (:mod:`analysis.core.csv_out`)."""
        out = self.csv()
        by_quarter = out.groupby(["level", "quarter"])["mean"].sum().unstack("level")
        by_quarter = by_quarter.reindex(columns=["channel", "total"])  # no forecast: no rows
        gap = (by_quarter["channel"] - by_quarter["total"]).abs()
        if not (gap <= 1e-6 * by_quarter["total"].abs() + 0.01).all():
            raise AssertionError(f"channel forecasts do not add up to the total: {gap.max()}")
        path = Path(folder) / "forecast.csv"
        write_csv(out, path)
        return path

    def record(self, book: Path, recorded: str | None = None) -> None:
        """File this run's forecasts (80 % and 95 % intervals) in the ledger ``book``, stamped
        ``recorded`` (default: now)."""
        if not self.made:
            return  # nothing to file: the ledger keeps what earlier runs recorded
        recorded = recorded or datetime.now().isoformat(timespec="seconds")
        frame = self.forecasts.loc[self.forecasts["level"].isin(REPORTED_LEVELS)]
        rows = frame.rename(columns=_file_spelling)
        ledger.record(
            Path(book), self.origin, rows[[c for c in ledger.COLUMNS if c in rows]], recorded
        )

    def top_channels(self, n: int = TOP_CHANNELS) -> list[str]:
        """The ``n`` channels with the most revenue in the last four quarters, largest first."""
        frame = self.hierarchy.frame
        channels = frame.loc[frame["level"] == "channel"]
        recent = channels.loc[channels["ds"] >= channels["ds"].max() - pd.DateOffset(months=9)]
        return list(recent.groupby("unique_id")["y"].sum().sort_values(ascending=False).index[:n])

    def channel_table(self, top: int = TOP_CHANNELS) -> pd.DataFrame:
        """Next quarters in total and per channel (the ``top`` largest; forecast.csv has all):
        the forecast and its intervals."""
        shown = ["Total", *self.top_channels(top)]
        rows = self.forecasts.loc[
            self.forecasts["level"].isin(("total", "channel"))
            & self.forecasts["unique_id"].isin(shown)
        ]
        keep = ["unique_id", "quarter", "mean"] + [
            f"{side}-{lev}" for lev in self.levels for side in ("lo", "hi")
        ]
        return rows[keep].rename(columns={"unique_id": "series"}).reset_index(drop=True)


def _file_spelling(column: str) -> str:
    """Interval columns as files name them: ``lo-80`` (statsforecast's spelling) is ``lo_80``."""
    return column.replace("-", "_") if column[:3] in ("lo-", "hi-") else column


def shown_note(outlook: Outlook, top: int = TOP_CHANNELS) -> str:
    """What the tables and charts leave out, or '' when they show every channel."""
    if not outlook.made:
        return _("No forecast was made (see above), so there is no table or chart of one.")
    channels = outlook.forecasts.loc[outlook.forecasts["level"] == "channel", "unique_id"].nunique()
    if channels <= top:
        return ""
    return _(
        "The table and charts show the {top} largest of {channels} channels by revenue in the "
        "last four quarters; forecast.csv next to this report has every series."
    ).format(top=top, channels=channels)


def prepare(
    review: Review,
    horizon: int = 4,
    levels: Sequence[int] = (80, 95),
    method: str = "mint_shrink",
) -> Outlook:
    """Forecast every series of the default hierarchy ``horizon`` quarters past the review.

    The series are fitted on the Dask cluster the run configuration names (``cluster:``), else
    on the default backend (worker processes when there are enough series and cores).
    """
    _CONTRACT["method"].check(method)
    _CONTRACT["horizon"].check(horizon)
    levels = tuple(_CONTRACT["levels"].check(list(levels)))
    calendar = review.calendar
    complete = [q for q in review.coverage.complete_quarters(calendar) if q <= review.quarter]
    sales = review.dataset.sales
    # History: the complete quarters up to the review, whatever the data hold before or after.
    history = sales.iloc[:0]
    if complete:
        start, end = calendar.start(complete[0]), calendar.end(complete[-1])
        history = sales.loc[(sales["date"] >= start) & (sales["date"] <= end)]
    held = []
    if not history.empty:  # from the first quarter with sales: series start there
        held = [q for q in complete if q >= calendar.period(history["date"].min())]
    if len(held) < MIN_QUARTERS:
        intervals = [f"{side}-{lev}" for lev in levels for side in ("lo", "hi")]
        columns = ["unique_id", "level", "ds", "quarter", "horizon", "mean", *intervals, "model"]
        missing = forecast_notes.too_short(review, held, MIN_QUARTERS)
        empty = pd.DataFrame(columns=columns)
        return Outlook(review, None, empty, method, levels, None, len(held), missing=missing)
    last = held[-1]
    coverage = Coverage(first=calendar.start(held[0]), last=calendar.end(last))
    hierarchy = reconcile.build(history, review.calendar, coverage=coverage)
    skip = (review.quarter - last).n  # a partial reviewed quarter is not forecast either
    # Many interval levels describe the whole forecast distribution, for the odds of targets;
    # the report shows only the requested ones.
    every = sorted(set(levels) | set(target_odds.DISTRIBUTION_LEVELS))
    address = review.dataset.config.cluster
    backend = cluster.connect(address) if address else default_backend()
    fc = reconcile.forecast_hierarchy(
        hierarchy, horizon + skip, methods=(method,), level=every, backend=backend
    )
    periods = fc["ds"].dt.to_period(review.calendar.freq)
    fc = fc.loc[(periods > review.quarter).to_numpy()].reset_index(drop=True)
    periods = fc["ds"].dt.to_period(review.calendar.freq)
    fc["quarter"] = review.calendar.labels(periods)
    fc["horizon"] = [(p - review.quarter).n for p in periods]
    sold = set(calendar.periods(history["date"]).unique())
    unsold = tuple(calendar.label(q) for q in held if q not in sold)
    left_out = forecast_notes.left_out(review, held)
    return Outlook(review, hierarchy, fc, method, levels, backend, len(held), unsold, "", left_out)


def headline(outlook: Outlook) -> str:
    """One sentence on next quarter's company forecast with its 80 % (or first) interval.

    E.g. "For 2026Q1 the forecast is ¥17.63 M (80% interval ¥16.43 M to ¥18.82 M), +10.7% on a
    year earlier." Without a forecast: why there is none.
    """
    if not outlook.made:
        return outlook.missing
    total = outlook.forecasts.loc[
        (outlook.forecasts["level"] == "total") & (outlook.forecasts["horizon"] == 1)
    ].iloc[0]
    cur = outlook.review.currency
    lev = 80 if 80 in outlook.levels else outlook.levels[0]
    low, high = (present.money(total[f"{side}-{lev}"], cur, short=True) for side in ("lo", "hi"))
    text = _("For {quarter} the forecast is {mean} ({level}% interval {low} to {high})").format(
        quarter=present.quarter(total["quarter"]),
        mean=present.money(total["mean"], cur, short=True),
        level=lev,
        low=low,
        high=high,
    )
    year_ago = outlook.hierarchy.frame
    prior = year_ago.loc[
        (year_ago["unique_id"] == total["unique_id"])
        & (year_ago["ds"] == total["ds"] - pd.DateOffset(years=1)),
        "y",
    ]
    if len(prior) and prior.iloc[0] > 0:
        change = total["mean"] / prior.iloc[0] - 1
        text += _(", {change} on a year earlier").format(
            change=present.percent(change, signed=True)
        )
    return text + _(".")


def paragraphs(outlook: Outlook) -> list[str]:
    """The report's opening: the headline and its caveats, or why there is none; a history with
    quarters without sales says so (how the forecasts were made is
    :func:`~analysis.reports.methods.forecast_method`, at the end of the page)."""
    if not outlook.made:
        return [outlook.missing, *_partial_review(outlook.review)]
    texts = [headline(outlook), *outlook.left_out]
    texts += short.notes(outlook.forecasts.loc[outlook.forecasts["level"].isin(REPORTED_LEVELS)])
    if outlook.unsold:
        note = n_(
            "Note: no sales are recorded in {quarters}; the forecast takes it as a quarter "
            "without sales, so check the source before relying on it.",
            "Note: no sales are recorded in {quarters}; the forecast takes them as quarters "
            "without sales, so check the source before relying on it.",
            len(outlook.unsold),
        )
        texts.insert(1, note.format(quarters=_(", ").join(outlook.unsold)))
    return texts


def _partial_review(review: Review) -> list[str]:
    """A partial reviewed quarter, named on the forecast page even when there is no forecast."""
    if not review.partial:
        return []
    return [
        _("Note: {quarter} is partial ({extent}).").format(
            quarter=present.quarter(review.label), extent=review.coverage.extent(review.quarter)
        )
    ]


def fan_title(outlook: Outlook) -> str:
    intervals = _(" and ").join(f"{lev}%" for lev in outlook.levels)
    review = outlook.review
    marker = ""
    if review.partial:
        marker = _(" ({marker}, not fitted)").format(marker=review.coverage.marker(review.quarter))
    return _("Forecast after {quarter}{marker}, with {intervals} intervals").format(
        quarter=outlook.origin, marker=marker, intervals=intervals
    )


def backtest(outlook: Outlook, horizon: int = 4, windows: int = 4) -> tuple[pd.DataFrame, str]:
    """Accuracy from rolling origins per level: base forecasts against the reconciled ones.

    Each origin needs ``MIN_QUARTERS`` complete quarters before it and ``horizon`` after it: with
    too short a history fewer origins are scored, or none. Returns the scores and a note that
    says so ('' when every origin asked for was scored).
    """
    _CONTRACT["backtest_windows"].check(windows)
    fit = outlook.quarters - MIN_QUARTERS - horizon + 1
    if fit < 1:
        return pd.DataFrame(), _(
            "The accuracy table needs at least {needed} complete quarters ({fit} to fit and "
            "{horizon} to score); the data hold {held}."
        ).format(
            needed=MIN_QUARTERS + horizon, fit=MIN_QUARTERS, horizon=horizon, held=outlook.quarters
        )
    note = ""
    if fit < windows:
        note = _(
            "The table scores {fit} of the {windows} origins asked for: each needs {before} "
            "complete quarters before it and {horizon} after it, and the data hold {held}."
        ).format(
            fit=fit, windows=windows, before=MIN_QUARTERS, horizon=horizon, held=outlook.quarters
        )
    scores, _forecasts = reconcile.backtest_hierarchy(
        outlook.hierarchy,
        h=horizon,
        n_windows=min(windows, fit),
        methods=reconcile.METHODS,
        level=outlook.levels,
        backend=outlook.backend,
    )
    return scores.loc[scores["level"].isin(REPORTED_LEVELS)].reset_index(drop=True), note


def track_record(outlook: Outlook, book: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Earlier forecasts (from the ledger) of quarters closed by now, against what was sold.

    Returns accuracy per level and series (MAPE, bias, coverage) and one sentence on the trend.
    """
    if not outlook.made:  # nothing to score against: no complete history
        sentence = _("Earlier forecasts are scored in reports that have a forecast of their own.")
        return ledger.summary(book.iloc[:0], ["level", "unique_id"]), sentence
    actuals = outlook.hierarchy.frame.assign(
        quarter=outlook.review.calendar.labels(
            outlook.hierarchy.frame["ds"].dt.to_period(outlook.review.calendar.freq)
        )
    )
    scored = ledger.accuracy(book, actuals, through=outlook.origin)
    return ledger.summary(scored, ["level", "unique_id"]), ledger.trend(
        scored.loc[scored["level"] == "total"]
    )
