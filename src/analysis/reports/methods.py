"""How the numbers are computed, in words, for the collapsed section at the end of a page.

The formulas of the target bridge and the drill-down come with their tables
(``Bridge.rule``, ``Drilldown.rule``); the forecast's method and the accuracy scores are worded
here, from what the forecast actually did (a short history uses fewer models).
"""

from __future__ import annotations

from analysis.core.i18n import N_, _, n_
from analysis.reports import forecast
from analysis.reports.forecast import Outlook

#: The combination's members as a manager reads them (the names of the ``model`` column).
MEMBER_WORDS = {
    "CES": N_("CES"),
    "ETS(AAA)": N_("Holt-Winters"),
    "SES": N_("simple exponential smoothing"),
    "ETS": N_("automatic ETS on seasonally adjusted data"),
    "ARIMA": N_("a trend model (ARIMA)"),
    "GAR": N_("a model learnt from all series together"),
}


def forecast_method(outlook: Outlook) -> str:
    """How the forecasts were made, in a manager's words: the models the series actually used
    (a short history uses fewer), the intervals and the reconciliation."""
    how = _("MinT (shrinkage)") if outlook.method == "mint_shrink" else _("bottom-up")
    rows = outlook.forecasts.loc[outlook.forecasts["level"].isin(forecast.REPORTED_LEVELS)]
    members = rows.drop_duplicates("unique_id")["model"].astype(str).str.split("+")
    sizes = members.str.len()
    most = members.loc[sizes.idxmax()]
    names = _(", ").join(_(MEMBER_WORDS.get(m, m)) for m in most)
    text = n_(
        "Each series is forecast by one statistical model ({names})",
        "Each series is forecast by the mean of {n} statistical models ({names})",
        len(most),
    ).format(n=len(most), names=names)
    fewer = int((sizes < len(most)).sum())
    if fewer:
        text += _(
            "; {fewer} of the {series} series have too short a history for some of them and "
            "use the rest"
        ).format(fewer=fewer, series=len(sizes))
    return (
        text
        + _(". ")
        + _(
            "Intervals are calibrated on past forecast errors, and the levels are reconciled "
            "({how}) so that channels add up to the company total."
        ).format(how=how)
    )


#: What the accuracy table's scores mean.
SCORES = N_(
    "Accuracy: the same method is applied at earlier points in time and scored against what was "
    "then sold. The typical error (sMAPE) is the mean of |actual - forecast| divided by the mean "
    "of |actual| and |forecast|. MASE divides the mean absolute error by the mean absolute "
    "difference between a quarter and the same quarter a year earlier over the history: below 1 "
    "the forecast errs less than last year's quarter would have. The coverage says how often the "
    "actual fell inside the 80 % and 95 % intervals (ideally 80 % and 95 %). Methods: each "
    "series alone (every series forecast on its own, so the levels need not add up), sum of the "
    "parts (the lowest series added up) and reconciled (all levels adjusted together, MinT with "
    "shrinkage)."
)


def forecast_page(outlook: Outlook) -> list[str]:
    """The forecast page's "How this is computed": the method (when a forecast was made) and
    what the accuracy scores mean."""
    return [forecast_method(outlook), _(SCORES)] if outlook.made else [_(SCORES)]
