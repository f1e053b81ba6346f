"""A file of series to score the forecaster on: a long CSV read into training and test frames.

Kept apart from :mod:`~analysis.forecasting.evaluate` (the command and the scores) because it is
the part a user's file meets: every date and number is read with the loader's own rules, and a
file that cannot be used is a :class:`DataError` naming the file, the column and the rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from analysis.core.errors import DataError

if TYPE_CHECKING:
    import pandas as pd

REQUIRED = ("unique_id", "ds", "y")
_SPLITS = ("train", "test")


def read_series(path: Path | str, horizon: int) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Training and test frames (``unique_id, ds, y``) from a long CSV, and notes on skipped series.

    Raises :class:`DataError` naming the file, the column and the offending rows (header = row 1).
    """
    import numpy as np
    import pandas as pd

    from analysis.data.parse import parse_numbers  # the loader's rules for numbers

    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise DataError("file not found", source=source, expected="a CSV file of series")
    try:
        raw = pd.read_csv(path, dtype={"unique_id": str, "split": str}, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read the CSV ({exc})", source=source) from exc
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise DataError(
            f"missing column(s) {', '.join(missing)}",
            source=source,
            column=missing[0],
            expected="columns unique_id, ds, y (and optionally split)",
        )
    if raw.empty:
        raise DataError("no rows", source=source, expected="one row per series and quarter")
    rows = np.arange(len(raw)) + 2  # as a spreadsheet shows them: header is row 1

    ids = raw["unique_id"]
    bad = ids.isna() | (ids.astype(str).str.strip() == "")
    if bad.any():
        raise DataError("empty series id", source=source, column="unique_id", rows=rows[bad])
    ds, steps = _periods(raw["ds"])
    bad = ds.isna().to_numpy()
    if bad.any():
        raise DataError(
            "dates cannot be read",
            source=source,
            column="ds",
            rows=rows[bad],
            expected="YYYY-MM-DD, or a whole number per period (1, 2, ...)",
        )
    y = parse_numbers(raw["y"])
    bad = y.isna().to_numpy()
    if bad.any():
        raise DataError(
            "values missing or not numbers",
            source=source,
            column="y",
            rows=rows[bad],
            expected="a number (0 for a quarter without sales)",
        )
    frame = pd.DataFrame({"unique_id": ids.astype(str).str.strip(), "ds": ds, "y": y, "row": rows})
    dup = frame.duplicated(["unique_id", "ds"], keep=False).to_numpy()
    if dup.any():
        raise DataError(
            "the same series and quarter more than once",
            source=source,
            column="ds",
            rows=rows[dup],
            expected="one row per series and quarter",
        )
    if "split" in raw.columns:
        split = raw["split"].astype(str).str.strip().str.lower()
        bad = ~split.isin(_SPLITS).to_numpy()
        if bad.any():
            raise DataError(
                "unknown split",
                source=source,
                column="split",
                rows=rows[bad],
                expected="train or test",
            )
        frame["split"] = split.to_numpy()
    frame = frame.sort_values(["unique_id", "ds"], kind="stable", ignore_index=True)
    _check_consecutive(frame, source)

    notes: list[str] = []
    if steps:
        notes.append("ds read as period numbers (1, 2, ...), not dates")
    if "split" in frame.columns:
        train, test = _by_split(frame, horizon, source)
    else:
        size = frame.groupby("unique_id")["y"].transform("size")
        position = frame.groupby("unique_id").cumcount()
        short = frame.loc[size <= horizon, "unique_id"].unique()
        if len(short):
            shown = ", ".join(short[:5]) + (f" and {len(short) - 5} more" if len(short) > 5 else "")
            notes.append(f"skipped {len(short)} series with {horizon} or fewer quarters: {shown}")
        keep = size > horizon
        train = frame.loc[keep & (position < size - horizon)]
        test = frame.loc[keep & (position >= size - horizon)]
    if train.empty:
        raise DataError(
            "no series long enough to hold out the horizon",
            source=source,
            expected=f"more than {horizon} quarters per series, or a split column",
        )
    cols = ["unique_id", "ds", "y"]
    return train[cols].reset_index(drop=True), test[cols].reset_index(drop=True), notes


def _periods(values: pd.Series) -> tuple[pd.Series, bool]:
    """``ds`` as dates, and whether they were period numbers.

    Dates when every value reads as one (the loader's rules, ``20240101`` included); otherwise,
    when every value is a whole number (``1..n``, as the M4 files number their periods), period
    ``t`` becomes day ``t`` after 1970-01-01, so the forecaster sees one period per day in the
    same order. Anything else: NaT where a value is neither, for the caller's error.
    """
    import numpy as np
    import pandas as pd

    from analysis.data.parse import parse_dates, parse_numbers

    dates = parse_dates(values)
    if not dates.isna().any():
        return dates, False
    numbers = parse_numbers(values.astype("str"))
    whole = numbers.notna() & (numbers == np.round(numbers)) & (numbers.abs() < 1e5)
    if not whole.all():
        return dates, False
    days = pd.to_timedelta(numbers.astype("int64"), unit="D")
    return (pd.Timestamp("1970-01-01") + days).astype("datetime64[us]"), True


def _check_consecutive(frame: pd.DataFrame, source: str) -> None:
    """Every series in regular steps (the file's own frequency, quarterly in practice)."""
    import pandas as pd

    from analysis.forecasting.frames import infer_freq

    ds = frame["ds"]
    try:
        freq = infer_freq(frame)
    except DataError as exc:
        raise DataError(str(exc), source=source) from exc
    offset = pd.tseries.frequencies.to_offset(freq)
    previous = ds.groupby(frame["unique_id"]).shift(1)
    has_previous = previous.notna()
    expected = previous[has_previous] + offset
    bad_index = expected.index[expected.to_numpy() != ds[has_previous].to_numpy()]
    if len(bad_index):
        raise DataError(
            f"quarters missing or irregular (the file's frequency is {freq})",
            source=source,
            column="ds",
            rows=frame.loc[bad_index, "row"].to_numpy(),
            expected="one row per quarter without gaps (0 for a quarter without sales)",
        )


def _by_split(frame: pd.DataFrame, horizon: int, source: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    train = frame.loc[frame["split"] == "train"]
    test = frame.loc[frame["split"] == "test"]
    last_train = train.groupby("unique_id")["ds"].max()
    no_train = sorted(set(test["unique_id"]) - set(last_train.index))
    if no_train:
        rows = test.loc[test["unique_id"].isin(no_train), "row"].to_numpy()
        raise DataError(
            f"series {', '.join(no_train[:5])} have test rows but no train rows",
            source=source,
            column="split",
            rows=rows,
            expected="train rows before test rows",
        )
    early = test["ds"].to_numpy() <= last_train.reindex(test["unique_id"]).to_numpy()
    if early.any():
        raise DataError(
            "test rows dated before the end of their series' training part",
            source=source,
            column="split",
            rows=test.loc[early, "row"].to_numpy(),
            expected="the test quarters after the train quarters",
        )
    counts = test.groupby("unique_id").size()
    over = counts[counts > horizon]
    if len(over):
        rows = test.loc[test["unique_id"].isin(over.index), "row"].to_numpy()
        raise DataError(
            f"more test quarters than the horizon ({horizon}) in series "
            f"{', '.join(map(str, over.index[:5]))}",
            source=source,
            column="split",
            rows=rows,
            expected=f"at most {horizon} test rows per series (--horizon)",
        )
    return train, test
