"""``sales-report``: the one command a scheduled job or a user at a terminal runs.

Exit codes: 0 success, 1 the data or the configuration cannot be used, 2 wrong usage or parameters,
3 a report notebook failed, 4 the report cannot be written (output folder, disk), 130 stopped by
Ctrl-C or SIGTERM; the previous report is left as it was.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from analysis import __version__
from analysis.core import i18n
from analysis.core.errors import (
    ConfigError,
    DataError,
    ParameterError,
    PublishError,
    RunError,
    WorkbenchError,
)
from analysis.forecasting.evaluate import add_parser as add_evaluate

EXIT_DATA, EXIT_USAGE, EXIT_RUN, EXIT_PUBLISH = 1, 2, 3, 4
EXIT_STOPPED = 130  # as a shell reports a command stopped by a signal


@contextmanager
def _stopped_by_sigterm() -> Iterator[None]:
    """SIGTERM (a scheduler's timeout) stops a run as Ctrl-C does, so that its staging folder and
    data snapshot are removed rather than left behind."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


#: Loggers of the notebook machinery: what they say (a kernel that died while a run was stopped, a
#: client that could not start) is for the run log; a failed notebook reaches the terminal as one
#: line of its own.
_MACHINERY = ("papermill", "nbclient", "jupyter_client", "traitlets")


def _for_terminal(record: logging.LogRecord) -> bool:
    """Whether a log record is shown on the terminal as well as written to the run log."""
    if getattr(record, "file_only", False):
        return False
    return record.name.split(".")[0] not in _MACHINERY


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    for handler in logging.getLogger().handlers:  # tracebacks go to the run log, not the terminal
        handler.addFilter(_for_terminal)
    try:
        with _stopped_by_sigterm():
            return args.handler(args)
    except KeyboardInterrupt:  # Ctrl-C, or a scheduler's SIGTERM: cleaned up on the way out
        print("sales-report: stopped; the last published report is unchanged", file=sys.stderr)
        return EXIT_STOPPED
    except ParameterError as exc:
        return _fail(exc, EXIT_USAGE)
    except (ConfigError, DataError) as exc:
        return _fail(exc, EXIT_DATA)
    except RunError as exc:
        return _fail(exc, EXIT_RUN)
    except PublishError as exc:
        return _fail(exc, EXIT_PUBLISH)
    except WorkbenchError as exc:
        return _fail(exc, EXIT_DATA)


def _fail(exc: Exception, code: int) -> int:
    print(f"sales-report: error: {exc}", file=sys.stderr)
    return code


def _run(args: argparse.Namespace) -> int:
    from analysis.reports.review import parse_as_of
    from analysis.run.runner import run

    extra = {}
    for item in args.parameter:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"-p takes NAME=VALUE, got {item!r}")
        extra[name.strip()] = value
    as_of = parse_as_of(args.as_of) if args.as_of is not None else None
    result = run(
        args.quarter, args.config, args.out, as_of=as_of, timeout=args.timeout, extra=extra,
        language=args.language,
    )  # fmt: skip
    if result.kept_review:
        print(
            f"Nowcast of {result.quarter} as of {result.as_of} filed; its published review "
            f"is kept: {result.index}"
        )
    elif result.as_of is not None:
        print(f"Tracking report for {result.quarter} as of {result.as_of}: {result.index}")
    else:
        print(f"Report for {result.quarter}: {result.index}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from analysis.data.check import inspect
    from analysis.data.load import load

    dataset = load(args.config)
    facts = inspect(dataset)
    names = [report.source for report in dataset.reports]
    for (role, source), name in zip(facts["sources"].items(), names, strict=True):
        print("\n".join(_described(role, name, source, dataset.config.currency)))
    if facts["latest_quarter"] is not None:
        print(f"Latest complete quarter: {facts['latest_quarter']} (`run` reviews it by default).")
    for warning in facts["warnings"]:
        print(f"Warning: {warning}.")
    if args.json is not None:
        try:
            args.json.write_text(json.dumps(facts, ensure_ascii=False, indent=2), "utf-8")
        except OSError as exc:
            raise PublishError(f"cannot write {args.json.name}: {exc.strerror or exc}") from None
    return 0


def _described(role: str, name: str, facts: dict, currency: str) -> list[str]:
    """A source's facts as a few plain lines."""
    text = f"{name}: {facts['rows_read']:,} rows read, {facts['rows_used']:,} used"
    if not facts["rows_rejected"]:
        lines = [text + "."]
    else:
        lines = [f"{text}, {facts['rows_rejected']:,} set aside:"]
        for reason, count in facts["rejected_by_reason"].items():
            rows = facts["first_rejected_rows"].get(reason, [])
            more = " …" if count > len(rows) else ""
            where = f" (row {', '.join(map(str, rows))}{more})" if rows else ""
            lines.append(f"  {count:,} {reason}{where}")
    if role == "sales":
        complete, partial = facts["complete_quarters"], facts["partial_quarters"]
        lines += [
            f"  Dates {facts['first_date']} to {facts['last_date']}; net revenue "
            f"{facts['revenue']:,.2f} {currency}.",
            f"  Complete quarters: {_span(complete)}; partial: {', '.join(partial) or 'none'}.",
            f"  Channels ({len(facts['channels'])}): {', '.join(facts['channels'])}.",
        ]
    else:
        lines += [
            f"  Quarters: {_span(facts['quarters'])}; set by {', '.join(facts['grain'])}; "
            f"total target {facts['target_revenue']:,.2f} {currency}.",
            f"  Channels ({len(facts['channels'])}): {', '.join(facts['channels'])}.",
        ]
    if facts["filled"]:
        filled = ", ".join(f"{column} {n:,}" for column, n in facts["filled"].items())
        lines.append(f"  Blank cells filled: {filled}.")
    lines += [f"  Warning: {warning}." for warning in facts["warnings"]]
    lines += [f"  Note: {note}." for note in facts["notes"]]
    return lines


def _span(labels: list[str]) -> str:
    """A few quarters listed; many as first to last and their number (which shows a gap)."""
    if len(labels) <= 4:
        return ", ".join(labels) or "none"
    return f"{labels[0]} to {labels[-1]} ({len(labels)} quarters)"


def _sample(args: argparse.Namespace) -> int:
    from analysis.data.sample import write_sample

    seed = {} if args.seed is None else {"seed": args.seed}
    for path in write_sample(args.out, **seed, scale=args.scale, parquet=args.parquet):
        print(path)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sales-report",
        description="Quarterly sales reports: check data, run the review notebooks, sample data.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the review notebooks for a quarter and publish the HTML")
    run.add_argument(
        "--quarter",
        default="latest",
        help="quarter to review, e.g. 2025Q4, or current: the one holding the as-of date "
        "(default: the latest complete quarter)",
    )
    run.add_argument(
        "--as-of",
        default=None,
        metavar="YYYY-MM-DD",
        help="run as on that day: later sales lines are left out; before the quarter's end the "
        "run publishes the tracking report (default: the data as they are; with --quarter "
        "current, data_through or today)",
    )
    run.add_argument(
        "--config",
        type=Path,
        default=None,
        help="run configuration (YAML); default: the bundled sample data",
    )
    run.add_argument(
        "--out",
        type=Path,
        default=Path("reports"),
        help="folder that receives <quarter>/ (default: reports)",
    )
    run.add_argument(
        "--language",
        choices=i18n.LANGUAGES,
        default=None,
        help="language of the reports: en or zh (Simplified Chinese); default: the "
        "configuration's language:, else en",
    )
    run.add_argument(
        "--timeout",
        type=int,
        default=600,
        help="seconds one notebook cell may run before the run fails (default: 600)",
    )
    run.add_argument(
        "-p",
        "--parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a further notebook parameter, e.g. -p horizon=8 (checked against the notebooks)",
    )
    run.set_defaults(handler=_run)

    check = sub.add_parser(
        "check", help="load and check the configured data: what a run will find, or why it fails"
    )
    check.add_argument(
        "--config",
        type=Path,
        default=None,
        help="run configuration (YAML); default: the bundled sample data",
    )
    check.add_argument(
        "--json",
        type=Path,
        default=None,
        metavar="FILE",
        help="also write the figures to FILE as JSON",
    )
    check.set_defaults(handler=_check)

    add_evaluate(sub)

    sample = sub.add_parser("sample", help="write the sample company's data and configuration")
    sample.add_argument(
        "--out",
        type=Path,
        default=Path("data/sample"),
        help="folder to write to (default: data/sample)",
    )
    sample.add_argument(
        "--seed", type=int, default=None, help="random seed (default: the bundled one)"
    )
    sample.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="company size against the bundled sample (21.5: about a million lines)",
    )
    sample.add_argument(
        "--parquet", action="store_true", help="write the sales lines as Parquet instead of CSV"
    )
    sample.set_defaults(handler=_sample)
    return parser


if __name__ == "__main__":
    sys.exit(main())
