"""``sales-report evaluate``: how accurate is the default forecaster on a file of series?

The file is a long CSV with ``unique_id, ds, y`` and optionally ``split`` (``train`` or ``test``).
Without ``split`` the last ``--horizon`` quarters of each series are held out. The command fits
the default forecaster (:mod:`~analysis.forecasting.forecaster`) on the training part, forecasts
``--horizon`` quarters, and compares with the held-out quarters: sMAPE, MASE, OWA against M4's
Naive2, interval coverage and Winkler scores, overall and per series. It prints a table and, with
``--json``, writes every figure to a file; ``seconds`` is the wall time from reading the file to
the scores (the interpreter's start-up, about 1 s, is not included). ``--jobs`` chooses the
backend (:func:`~analysis.forecasting.backends.for_jobs`); the file is read by
:mod:`~analysis.forecasting.series_file`.

Wire it into the command line with ``add_parser(subparsers)``; the handler returns the exit code.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.core.errors import DataError, ParameterError, WorkbenchError

if TYPE_CHECKING:
    from analysis.forecasting.backends import Backend

# numpy, pandas and the forecaster are imported when the command runs, so that adding this
# command to ``sales-report`` does not slow down its other commands.

_DESCRIPTION = (
    "Fit the default forecaster on the training part of each series, forecast the held-out "
    "quarters and report sMAPE, MASE, OWA (against Naive2) and interval coverage."
)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``evaluate`` command to an ``argparse`` subparsers object (``cli.py``)."""
    parser = subparsers.add_parser(
        "evaluate",
        help="backtest the default forecaster on a long CSV of series",
        description=_DESCRIPTION,
    )
    _configure(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.forecasting.evaluate ...``: the command without ``sales-report``."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis.forecasting.evaluate", description=_DESCRIPTION
    )
    _configure(parser)
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except ParameterError as exc:
        print(f"evaluate: error: {exc}", file=sys.stderr)
        return 2
    except WorkbenchError as exc:
        print(f"evaluate: error: {exc}", file=sys.stderr)
        return 1


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--series",
        type=Path,
        required=True,
        help="long CSV with unique_id, ds, y and optionally split (train/test)",
    )
    parser.add_argument(
        "--horizon", type=int, required=True, help="quarters to forecast (and to hold out)"
    )
    parser.add_argument(
        "--season-length", type=int, default=4, help="periods per year (default: 4)"
    )
    parser.add_argument(
        "--level",
        type=int,
        nargs="+",
        default=[80, 95],
        help="interval levels in per cent (default: 80 95)",
    )
    parser.add_argument("--json", type=Path, default=None, help="write all figures to this file")
    parser.add_argument(
        "--jobs", type=int, default=-1, help="worker processes (1: none; default: one per core)"
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run ``evaluate`` from parsed arguments; returns the exit code (0)."""
    if args.horizon < 1:
        raise ParameterError(f"--horizon must be at least 1, got {args.horizon}")
    if args.season_length < 1:
        raise ParameterError(f"--season-length must be at least 1, got {args.season_length}")
    if any(not 0 < lev < 100 for lev in args.level):
        raise ParameterError(f"--level takes percentages between 0 and 100, got {args.level}")
    from analysis.forecasting.backends import for_jobs

    result = evaluate(
        args.series,
        args.horizon,
        season_length=args.season_length,
        level=tuple(args.level),
        backend=for_jobs(args.jobs),
    )
    print(format_table(result))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(_clean(result), indent=2) + "\n", encoding="utf-8")
        print(f"Written: {args.json}")
    return 0


def evaluate(
    path: Path | str,
    horizon: int,
    *,
    season_length: int = 4,
    level: tuple[int, ...] = (80, 95),
    backend: Backend | None = None,
) -> dict[str, Any]:
    """Forecast the held-out part of every series in ``path`` and score it (see module doc);
    the series are fitted on ``backend`` (``None``: the default)."""
    import numpy as np

    from analysis.forecasting import accuracy
    from analysis.forecasting.forecaster import COMBINATION, Forecaster, naive2
    from analysis.forecasting.series_file import read_series

    start = time.perf_counter()
    train, test, notes = read_series(path, horizon)
    forecaster = Forecaster(horizon, level, season_length, backend=backend)
    try:
        forecaster.fit(train)
    except DataError as exc:
        raise DataError(str(exc), source=str(path)) from exc
    fc = forecaster.forecast()
    bench = naive2(train, horizon, season_length=season_length)
    per = accuracy.score(fc, test, train, season_length=season_length, level=level)
    per_naive = accuracy.score(bench, test, train, season_length=season_length, level=())
    seconds = time.perf_counter() - start

    overall = accuracy.overall(per)
    naive_overall = accuracy.overall(per_naive)
    per = per.merge(
        per_naive[["unique_id", "smape", "mase"]].rename(
            columns={"smape": "smape_naive2", "mase": "mase_naive2"}
        ),
        on="unique_id",
        how="left",
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        per["owa"] = 0.5 * (per["smape"] / per["smape_naive2"] + per["mase"] / per["mase_naive2"])
    undefined = int(per["mase"].isna().sum())
    if undefined:
        notes = [
            *notes,
            f"MASE and OWA undefined for {undefined} series whose training part never changes "
            "(no scale): left out of their means",
        ]
    labels = fc.drop_duplicates("unique_id").set_index("unique_id")[["model", "note"]]
    per = per.join(labels, on="unique_id")
    calibration = forecaster.calibration
    return {
        "file": str(path),
        "method": COMBINATION,
        "horizon": horizon,
        "season_length": season_length,
        "series": len(per),
        "smape": overall["smape"],
        "mase": overall["mase"],
        "owa": accuracy.owa(
            overall["smape"], overall["mase"], naive_overall["smape"], naive_overall["mase"]
        ),
        "rmsse": overall["rmsse"],
        "mape": overall["mape"],
        "coverage": {str(lev): overall.get(f"coverage-{lev}") for lev in level},
        "winkler": {str(lev): overall.get(f"winkler-{lev}") for lev in level},
        "naive2": {"smape": naive_overall["smape"], "mase": naive_overall["mase"]},
        "intervals": calibration.describe(),
        "seconds": seconds,
        "undefined": {"mase": undefined},
        "notes": notes,
        "per_series": per.to_dict(orient="records"),
    }


def format_table(result: dict[str, Any]) -> str:
    """The printed summary: overall figures against Naive2, then the series that needed notes."""
    levels = list(result["coverage"])
    header = f"{'method':<32}{'sMAPE':>8}{'MASE':>8}{'OWA':>7}" + "".join(
        f"{'cov' + lev:>8}" for lev in levels
    )
    ours = f"{result['method']:<32}" + "".join(
        f"{_number(result[key]):>{width}}" for key, width in (("smape", 8), ("mase", 8), ("owa", 7))
    )
    ours += "".join(f"{_pct(result['coverage'][lev]):>8}" for lev in levels)
    naive = f"{'Naive2':<32}{_number(result['naive2']['smape']):>8}"
    naive += f"{_number(result['naive2']['mase']):>8}{_number(1.0):>7}"
    lines = [
        f"{result['file']}: {result['series']} series, horizon {result['horizon']}, "
        f"season length {result['season_length']}",
        header,
        ours,
        naive,
        f"intervals: {result['intervals']}",
        f"seconds: {result['seconds']:.1f}",
    ]
    lines += result["notes"]
    noted = [r for r in result["per_series"] if r.get("note")]
    if noted:
        lines.append(f"{len(noted)} series with notes:")
        lines += [f"  {r['unique_id']}: {r['model']}; {r['note']}" for r in noted[:20]]
        if len(noted) > 20:
            lines.append(f"  ... and {len(noted) - 20} more (see --json)")
    return "\n".join(lines)


def _number(value: float | None) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.3f}"


def _pct(value: float | None) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.1%}"


def _clean(value: Any) -> Any:
    """JSON-safe: NaN and infinities become null, numpy scalars plain numbers."""
    import numpy as np

    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


if __name__ == "__main__":
    sys.exit(main())
