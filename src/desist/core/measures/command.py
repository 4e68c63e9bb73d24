"""``desist measures``: measures from a file of proven offences, printed as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from ..spark import EngineUnavailable, add_spark_arguments, apply_spark_arguments
from .events import EventsInvalid
from .proven import ENGINES, proven_reoffending
from .settings import INDEX_EVENT_CHOICES, ProvenReoffendingSettings
from .sql import BREAKDOWNS


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from exc


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``measures`` subcommands to ``parser``."""
    sub = parser.add_subparsers(dest="measure", metavar="MEASURE", required=True)
    proven = sub.add_parser(
        "proven-reoffending",
        help="proven-reoffending measures of one cohort period (docs/measures.md)",
        description="Proven-reoffending measures (RULES.md §4) of the cohort whose index event falls in "
        "the period, from a CSV or Parquet file with one row per proven offence.",
    )
    proven.add_argument(
        "--events", required=True, metavar="FILE", help="the proven offences (CSV or Parquet)"
    )
    proven.add_argument(
        "--from",
        dest="period_start",
        required=True,
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="first day of the cohort period",
    )
    proven.add_argument(
        "--to",
        dest="period_end",
        required=True,
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="last day of the cohort period (inclusive)",
    )
    proven.add_argument(
        "--as-of",
        dest="as_of",
        type=_iso_date,
        metavar="DATE",
        help="the last day the data covers (default today): decides whether it is provisional",
    )
    proven.add_argument(
        "--by",
        nargs="+",
        default=[],
        choices=BREAKDOWNS,
        metavar="FIELD",
        help=f"break down by any of: {', '.join(BREAKDOWNS)}",
    )
    proven.add_argument(
        "--index-event",
        choices=INDEX_EVENT_CHOICES,
        default="earliest",
        help="which eligible event in the period is the index event (default earliest)",
    )
    proven.add_argument("--engine", choices=ENGINES, default="duckdb", help="SQL engine (default duckdb)")
    proven.add_argument(
        "--results",
        metavar="PATH",
        help="also write the counts as Parquet here (on Spark, written by the executors: a path they "
        "can reach, such as s3a://bucket/desist/2024q1)",
    )
    add_spark_arguments(proven)
    proven.add_argument("--format", choices=("json",), default="json", help="output format")


def run(args: argparse.Namespace) -> int:
    """Print the measures as JSON; bad input goes to standard error with exit status 1."""
    try:
        apply_spark_arguments(args)
        result = proven_reoffending(
            args.events,
            period_start=args.period_start,
            period_end=args.period_end,
            as_of=args.as_of,
            by=tuple(args.by),
            settings=ProvenReoffendingSettings(index_event=args.index_event),
            engine=args.engine,
            results=args.results,
        )
    except EventsInvalid as error:
        heading = f"{error.bad_rows:,} bad row(s) in" if error.bad_rows else "cannot read"
        print(f"desist measures: {heading} {args.events}; nothing was counted", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        if error.more_rows:
            print(f"  ... and {error.more_rows:,} more bad row(s)", file=sys.stderr)
        return 1
    except (ValueError, EngineUnavailable) as error:
        print(f"desist measures: {error}", file=sys.stderr)
        return 1
    json.dump(result.to_dict(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0
