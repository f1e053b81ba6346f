"""Target quarter labels under a fiscal calendar: ``2019Q1`` is refused as ambiguous unless the
label says ``FY`` or the configuration says how such labels are meant."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.core.errors import ConfigError, DataError
from analysis.core.quarters import FiscalCalendar
from analysis.data.config import config_from_dict, load_config
from analysis.data.load import load
from analysis.data.sources import RawTable
from analysis.data.validate_targets import clean_targets

APRIL = FiscalCalendar(4)


def targets(labels: list[str], header: str = "quarter") -> RawTable:
    frame = pd.DataFrame(
        {header: labels, "channel": "Online", "target_revenue": "100"}, dtype="str"
    )
    return RawTable(frame, np.arange(2, len(frame) + 2), "targets.csv")


def test_a_calendar_style_label_in_a_fiscal_year_is_ambiguous() -> None:
    with pytest.raises(DataError) as caught:
        clean_targets(targets(["FY2019Q1", "2019Q1", "Q1 2019"], "季度"), {}, APRIL)
    assert str(caught.value) == (
        "targets.csv: quarter (column '季度') '2019Q1' is ambiguous in a fiscal year that starts "
        "in month 4: as a fiscal quarter it is FY2019Q1 (2018-04-01 to 2018-06-30), as a "
        "calendar quarter 2019Q1 (2019-01-01 to 2019-03-31), which is FY2019Q4; row 3, 4; "
        "expected a fiscal label such as FY2019Q1 or FY2019Q4, or target_quarters: fiscal (or "
        "calendar) in the configuration to say how labels without FY are meant"
    )
    assert caught.value.rows == [3, 4]


def test_a_fiscal_year_whose_quarters_are_not_calendar_quarters() -> None:
    with pytest.raises(
        DataError,
        match=r"as a fiscal quarter it is FY2019Q1 \(2018-02-01 to "
        r"2018-04-30\); row 2; expected a fiscal label such as FY2019Q1, or",
    ):
        clean_targets(targets(["2019Q1"]), {}, FiscalCalendar(2))


@pytest.mark.parametrize(
    ("reading", "expected"),
    [("fiscal", ["FY2019Q2", "FY2019Q1"]), ("calendar", ["FY2019Q2", "FY2019Q4"])],
)
def test_the_configuration_says_how_labels_are_meant(reading: str, expected: list[str]) -> None:
    loaded = clean_targets(targets(["FY2019Q2", "2019Q1"]), {}, APRIL, quarters_as=reading)
    assert loaded.data["quarter"].tolist() == expected


def test_labels_are_plain_in_a_calendar_year() -> None:
    loaded = clean_targets(targets(["2019Q1", "FY2019Q2"]), {}, FiscalCalendar())
    assert loaded.data["quarter"].tolist() == ["2019Q1", "2019Q2"]


def test_calendar_quarters_map_to_fiscal_quarters() -> None:
    assert APRIL.label(APRIL.parse_calendar("2025Q4")) == "FY2026Q3"
    assert FiscalCalendar(7).label(FiscalCalendar(7).parse_calendar("2025 Q3")) == "FY2026Q1"
    with pytest.raises(ValueError, match="not one of the quarters"):
        FiscalCalendar(11).parse_calendar("2025Q1")


def test_target_quarters_in_the_configuration(tmp_path: Path) -> None:
    base = {"sales": "s.csv", "fiscal_year_start_month": 4}
    assert config_from_dict({**base, "target_quarters": "calendar"}, tmp_path).target_quarters == (
        "calendar"
    )
    with pytest.raises(ConfigError, match=r"target_quarters: expected fiscal or calendar, got 'Q'"):
        config_from_dict({**base, "target_quarters": "Q"}, tmp_path)
    with pytest.raises(ConfigError, match=r"do not line up .* starts in month 2"):
        config_from_dict({**base, "fiscal_year_start_month": 2, "target_quarters": "calendar"},
                         tmp_path)  # fmt: skip


def test_load_reads_targets_as_configured(tmp_path: Path, sales_frame: pd.DataFrame) -> None:
    sales_frame.to_csv(tmp_path / "sales.csv", index=False)
    pd.DataFrame({"quarter": ["2025Q1"], "channel": ["Online"], "target_revenue": ["100"]}).to_csv(
        tmp_path / "targets.csv", index=False
    )
    config = tmp_path / "run.yaml"
    text = "sales: sales.csv\ntargets: targets.csv\nfiscal_year_start_month: 4\n"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match="is ambiguous"):
        load(config)
    config.write_text(text + "target_quarters: calendar\n", encoding="utf-8")
    dataset = load(load_config(config))
    assert dataset.targets is not None
    assert dataset.targets["quarter"].tolist() == ["FY2025Q4"]  # January-March 2025
