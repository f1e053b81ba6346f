"""The phasing rules in words, as the pages state them (through the message catalog)."""

from __future__ import annotations

from analysis.core.i18n import _


def month_rule(years: int, weeks: bool) -> str:
    """How a quarter's target is split into months (and weeks), for the page."""
    return (
        _(
            "Months take their quarter's target by the channel's average share of each month in "
            "the same quarter over the last {years} complete years (equal thirds without "
            "history); weeks (Monday-Sunday, cut at month ends) take their month's target by the "
            "channel's average revenue per weekday in that history. Parts are rounded to cents "
            "(whole units) so that they add up to the target exactly."
        )
        if weeks
        else _(
            "Months take their quarter's target by the channel's average share of each month in "
            "the same quarter over the last {years} complete years (equal thirds without "
            "history). Parts are rounded to cents (whole units) so that they add up to the "
            "target exactly."
        )
    ).format(years=years)


def year_rule(years: int) -> str:
    """How an annual target is split into quarters, for the page."""
    return _(
        "Quarters take the annual target by the channel's average share of each quarter in its "
        "fiscal year over the last {years} complete years (equal quarters without history)."
    ).format(years=years)


def equal_months() -> str:
    return _("quarter split into equal months")


def equal_quarters(fiscal_year: object) -> str:
    return _("{year} split into equal quarters").format(year=fiscal_year)


def no_history(what: str, channels: list[object]) -> str:
    """Which channels had no history to phase by, so their target was split equally."""
    return _("No usable history, {what}: {channels}").format(
        what=what, channels=_(", ").join(map(str, channels))
    )
