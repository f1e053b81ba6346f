"""The words a notebook shows around its tables and charts: headings, chart titles, short notes.

They live here, not in the notebooks, so that the message catalog finds them (``make catalog``
reads the package) and a report speaks one language from top to bottom. Headings come back as
Markdown (``##`` for a section, bold for a sub-heading); the rest as plain text.
"""

from __future__ import annotations

from analysis.core.i18n import _
from analysis.reports import present
from analysis.reports.review import Review
from analysis.reports.tables import DIMENSIONS


def glance(review: Review) -> str:
    return "## " + _("{quarter} at a glance").format(quarter=present.quarter(review.label))


def channels_against_a_year_earlier(review: Review) -> str:
    return _("Revenue by channel, {quarter} against {prior}").format(
        quarter=review.label, prior=review.prior_label
    )


def three_years(by: str) -> str:
    """The title of a trend chart by ``channel``, ``product_line``, ..."""
    return _("Quarterly revenue by {dimension}, last three years").format(
        dimension=_(DIMENSIONS.get(by, by)).lower()
    )


def target_in_one_paragraph(review: Review) -> str:
    return "## " + _("{quarter}: the target in one paragraph").format(
        quarter=present.quarter(review.label)
    )


def as_the_targets_are_set(grain: str) -> str:
    """``grain`` is ``target_tables.grain_words()``: ``region and product line``."""
    return "**" + _("By {grain}, as the targets are set").format(grain=grain) + "**"


def year_to_date(period: str) -> str:
    return "**" + _("Fiscal year to date ({period})").format(period=period) + "**"


def no_targets_yet(quarter: str) -> str:
    return _("No targets are set for {quarter} yet.").format(quarter=present.quarter(quarter))


def no_chinese_font() -> str:
    return _("No Chinese font is installed: Chinese names in charts may show as boxes.")


def forecast_in_one_paragraph(review: Review) -> str:
    return "## " + _("After {quarter}: the forecast in one paragraph").format(
        quarter=present.quarter(review.label)
    )


def no_earlier_forecasts() -> str:
    return _("No earlier forecasts are recorded yet; each scheduled run adds its own.")


def track_record_shows() -> str:
    return _(
        "The company total and the channels; the forecasts of regions and product lines are "
        "scored in forecast_ledger.csv next to the reports."
    )
