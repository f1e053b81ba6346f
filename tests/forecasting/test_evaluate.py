"""``sales-report evaluate`` on small long CSVs, with and without a split column."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.core.errors import DataError, ParameterError
from analysis.forecasting import evaluate, series_file
from analysis.forecasting.backends import InProcess, WorkerPool, default_backend

H = 4


def long_csv(path: Path, split: bool) -> Path:
    rng = np.random.default_rng(11)
    parts = []
    for i, level in enumerate((100.0, 250.0, 40.0)):
        n = 20 + 2 * i
        t = np.arange(n)
        y = (level + 2 * t) * np.array([0.9, 1.1, 0.95, 1.05])[t % 4] + rng.normal(0, 3, n)
        part = pd.DataFrame(
            {
                "unique_id": f"s{i}",
                "ds": pd.date_range("2019-01-01", periods=n, freq="QS").strftime("%Y-%m-%d"),
                "y": y.round(2),
            }
        )
        if split:
            part["split"] = ["train"] * (n - H) + ["test"] * H
        parts.append(part)
    pd.concat(parts).to_csv(path, index=False)
    return path


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="sales-report")
    sub = parser.add_subparsers(required=True)
    evaluate.add_parser(sub)
    args = parser.parse_args(argv)
    return args.handler(args)


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("evaluate")
    out = {}
    for split in (True, False):
        csv = long_csv(folder / f"series_{split}.csv", split)
        target = folder / f"result_{split}.json"
        assert (
            run(
                [
                    "evaluate",
                    "--series",
                    str(csv),
                    "--horizon",
                    str(H),
                    "--jobs",
                    "1",
                    "--json",
                    str(target),
                ]
            )
            == 0
        )
        out["split" if split else "last"] = json.loads(target.read_text())
    return out


def test_json_keys(results):
    result = results["split"]
    assert {"smape", "mase", "owa", "coverage", "seconds", "naive2", "per_series"} <= set(result)
    assert set(result["coverage"]) == {"80", "95"}
    assert result["series"] == 3 and result["horizon"] == H
    assert result["seconds"] > 0
    row = result["per_series"][0]
    assert {"unique_id", "smape", "mase", "owa", "coverage-80", "coverage-95", "model"} <= set(row)
    assert 0 < result["smape"] < 20
    assert 0 <= result["coverage"]["95"] <= 1


def test_owa_is_relative_to_naive2(results):
    r = results["split"]
    expected = 0.5 * (r["smape"] / r["naive2"]["smape"] + r["mase"] / r["naive2"]["mase"])
    assert r["owa"] == pytest.approx(expected)


def test_without_split_the_last_quarters_are_held_out(results):
    a, b = results["split"], results["last"]
    for key in ("smape", "mase", "owa"):
        assert a[key] == pytest.approx(b[key])
    assert [r["unique_id"] for r in a["per_series"]] == [r["unique_id"] for r in b["per_series"]]


def test_prints_a_table(tmp_path, capsys):
    csv = long_csv(tmp_path / "s.csv", split=False)
    assert run(["evaluate", "--series", str(csv), "--horizon", "2", "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "Naive2" in out and "sMAPE" in out and "OWA" in out
    assert "3 series, horizon 2" in out


def test_jobs_option_chooses_the_backend(tmp_path, monkeypatch):
    csv = long_csv(tmp_path / "s.csv", split=False)
    seen = []
    real = evaluate.evaluate

    def spy(*args, **kwargs):
        seen.append(kwargs["backend"])
        return real(*args, **kwargs)

    monkeypatch.setattr(evaluate, "evaluate", spy)
    for jobs in ("1", "2", "-1"):
        assert run(["evaluate", "--series", str(csv), "--horizon", "2", "--jobs", jobs]) == 0
    assert seen == [InProcess(), WorkerPool(2), default_backend()]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    return path


GOOD = "unique_id,ds,y\n" + "".join(
    f"a,{d:%Y-%m-%d},{v}\n"
    for d, v in zip(pd.date_range("2020-01-01", periods=10, freq="QS"), range(10, 20), strict=True)
)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (GOOD.replace("unique_id,ds,y", "unique_id,date,y"), "missing column.*'ds'"),
        (GOOD.replace("2020-07-01", "2020-13-45"), "dates cannot be read; column 'ds'; row 4"),
        (GOOD.replace("a,2020-10-01,13", "a,2020-10-01,n/a"), "column 'y'; row 5"),
        (GOOD.replace("a,2021-01-01,14\n", ""), "quarters missing.*row 6"),
        (GOOD + "a,2020-01-01,5\n", "more than once.*row 2, 12"),
    ],
)
def test_bad_input_names_file_column_and_rows(tmp_path, text, match):
    path = write(tmp_path, text)
    with pytest.raises(DataError, match=match) as info:
        series_file.read_series(path, 2)
    assert str(info.value).startswith(str(path))


def test_bad_split_values_and_order(tmp_path):
    lines = GOOD.strip().splitlines()
    body = [f"{line},train" for line in lines[1:]]
    body[-1] = body[-1].replace("train", "holdout")
    path = write(tmp_path, "\n".join(["unique_id,ds,y,split", *body]) + "\n")
    with pytest.raises(DataError, match="unknown split; column 'split'; row 11"):
        series_file.read_series(path, 2)
    body[-1] = body[-1].replace("holdout", "test")
    body[0] = body[0].replace("train", "test")  # a test quarter before the training ones
    path = write(tmp_path, "\n".join(["unique_id,ds,y,split", *body]) + "\n")
    with pytest.raises(DataError, match=r"before the end.*row 2"):
        series_file.read_series(path, 2)


def test_more_test_rows_than_the_horizon(tmp_path):
    lines = GOOD.strip().splitlines()
    body = [f"{line},{'test' if i >= 6 else 'train'}" for i, line in enumerate(lines[1:])]
    path = write(tmp_path, "\n".join(["unique_id,ds,y,split", *body]) + "\n")
    with pytest.raises(DataError, match="more test quarters than the horizon"):
        series_file.read_series(path, 2)
    train, test, _ = series_file.read_series(path, 4)
    assert len(train) == 6 and len(test) == 4


def test_short_series_are_skipped_with_a_note(tmp_path):
    path = write(tmp_path, GOOD + "b,2022-01-01,5\nb,2022-04-01,6\n")
    train, _, notes = series_file.read_series(path, 2)
    assert set(train["unique_id"]) == {"a"}
    assert "skipped 1 series" in notes[0]


def test_missing_file_and_bad_parameters(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        series_file.read_series(tmp_path / "nope.csv", 2)
    csv = long_csv(tmp_path / "s.csv", split=False)
    with pytest.raises(ParameterError, match="--horizon"):
        run(["evaluate", "--series", str(csv), "--horizon", "0"])


def test_period_numbers_as_ds(tmp_path):
    # the M4 files number their periods 1..n instead of dating them
    dated = long_csv(tmp_path / "dated.csv", split=False)
    frame = pd.read_csv(dated)
    frame["ds"] = frame.groupby("unique_id").cumcount() + 1
    numbered = tmp_path / "numbered.csv"
    frame.to_csv(numbered, index=False)
    train, test, notes = series_file.read_series(numbered, H)
    assert len(train) + len(test) == len(frame)
    assert "ds read as period numbers (1, 2, ...), not dates" in notes
    by_date = evaluate.evaluate(dated, H, backend=InProcess())
    by_number = evaluate.evaluate(numbered, H, backend=InProcess())
    assert by_number["smape"] == pytest.approx(by_date["smape"])
    assert by_number["mase"] == pytest.approx(by_date["mase"])
    gap = frame.drop(index=5)  # period 6 of series s0 missing
    gap.to_csv(numbered, index=False)
    with pytest.raises(DataError, match=r"missing or irregular.*column 'ds'; row 7"):
        series_file.read_series(numbered, H)


def test_constant_and_all_zero_series_are_scored_without_error(tmp_path, capsys):
    quarters = pd.date_range("2020-01-01", periods=12, freq="QS").strftime("%Y-%m-%d")
    parts = [
        pd.DataFrame({"unique_id": uid, "ds": quarters, "y": y})
        for uid, y in (("flat", 5.0), ("none", 0.0))
    ]
    path = tmp_path / "flat.csv"
    pd.concat(parts).to_csv(path, index=False)
    assert run(["evaluate", "--series", str(path), "--horizon", str(H), "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "MASE and OWA undefined for 2 series whose training part never changes" in out
    result = evaluate.evaluate(path, H, backend=InProcess())
    assert result["smape"] == 0.0  # both forecast exactly
    assert np.isnan(result["mase"]) and np.isnan(result["owa"])
    assert result["undefined"] == {"mase": 2}
    models = {r["unique_id"]: r["model"] for r in result["per_series"]}
    assert models == {"flat": "Constant", "none": "Zero"}
    # one ordinary series among them: its scores stand, the others are counted as undefined
    mixed = tmp_path / "mixed.csv"
    pd.concat([*parts, pd.read_csv(long_csv(tmp_path / "s.csv", split=False))]).to_csv(
        mixed, index=False
    )
    result = evaluate.evaluate(mixed, H, backend=InProcess())
    assert np.isfinite(result["mase"]) and np.isfinite(result["owa"])
    assert result["undefined"] == {"mase": 2}
