"""``desist link``: link any set of CSV files into people, offline, without the web application.

    desist link --mapping mapping.toml police=police.csv housing=housing.csv --out links.csv

Writes one row per input record: source, record_id, person_id, match_weight, outcome.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from desist.core.cells import safe_row
from desist.core.spark import add_spark_arguments, apply_spark_arguments

from .backends import ENGINES, EngineUnavailable
from .link import (
    DEFAULT_LINK_THRESHOLD,
    DEFAULT_REVIEW_THRESHOLD,
    LinkError,
    LinkResult,
    Thresholds,
    link_records,
)
from .mapping import (
    MAX_REPORTED_PROBLEMS,
    MappingError,
    RecordValueErrors,
    ValueProblem,
    load_mapping,
    read_sources,
)
from .model import LinkageModel, ModelError, train_model
from .records import RecordTableError

OUTPUT_COLUMNS = ("source", "record_id", "person_id", "match_weight", "outcome")


def _source_file(text: str) -> tuple[str, str]:
    name, sep, path = text.partition("=")
    if not sep or not name.strip() or not path.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=FILE.csv, got {text!r}")
    return name.strip(), path.strip()


def configure(parser: argparse.ArgumentParser) -> None:
    """Add desist link's arguments."""
    parser.add_argument(
        "--mapping",
        required=True,
        metavar="MAPPING.toml",
        help="which column of each source's file holds which field (see README)",
    )
    parser.add_argument(
        "sources",
        nargs="+",
        type=_source_file,
        metavar="NAME=FILE.csv",
        help="a source named in the mapping and its CSV file",
    )
    parser.add_argument("--out", required=True, metavar="links.csv", help="where to write one row per record")
    parser.add_argument("--engine", choices=ENGINES, default="duckdb", help="SQL engine (default duckdb)")
    add_spark_arguments(parser)
    parser.add_argument(
        "--link-threshold",
        type=float,
        default=DEFAULT_LINK_THRESHOLD,
        metavar="WEIGHT",
        help=f"match weight to link automatically (default {DEFAULT_LINK_THRESHOLD:g})",
    )
    parser.add_argument(
        "--review-threshold",
        type=float,
        default=DEFAULT_REVIEW_THRESHOLD,
        metavar="WEIGHT",
        help=f"match weight to send a pair for review (default {DEFAULT_REVIEW_THRESHOLD:g})",
    )
    parser.add_argument(
        "--link-probability",
        type=float,
        default=0.0,
        metavar="P",
        help="match probability to link automatically, instead of --link-threshold "
        "(the default weight 8 is 0.996)",
    )
    parser.add_argument(
        "--review-probability",
        type=float,
        default=0.0,
        metavar="P",
        help="match probability to send a pair for review (the default weight 0 is 0.5)",
    )
    parser.add_argument(
        "--model", metavar="MODEL.json", help="use this trained model instead of training one"
    )
    parser.add_argument("--save-model", metavar="MODEL.json", help="also save the model used")
    parser.add_argument(
        "--previous", metavar="links.csv", help="an earlier output: its people keep their ids"
    )
    parser.add_argument(
        "--incremental", action="store_true", help="with --previous: only link the records that are not in it"
    )
    parser.add_argument(
        "--blank-bad-values",
        action="store_true",
        help="leave values that cannot be read empty (each listed on stderr) instead of stopping",
    )
    parser.add_argument(
        "--review-out",
        metavar="review.csv",
        help="also write the pairs in the review band, with how each field compares",
    )


def read_previous(path: str | Path) -> dict[tuple[str, str], int]:
    """Person ids from an earlier links file (source, record_id, person_id columns)."""
    file = Path(path)
    try:
        with file.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = {"source", "record_id", "person_id"} - set(reader.fieldnames or [])
            if missing:
                raise MappingError(f"{file}: not a links file (no {', '.join(sorted(missing))} column)")
            previous: dict[tuple[str, str], int] = {}
            for row_number, row in enumerate(reader, start=2):
                try:
                    previous[(row["source"].strip(), row["record_id"].strip())] = int(row["person_id"])
                except (TypeError, ValueError) as exc:
                    raise MappingError(f"{file}, row {row_number}: person_id is not a whole number") from exc
            return previous
    except FileNotFoundError as exc:
        raise MappingError(f"{file}: no such file") from exc


def write_links(result: LinkResult, path: str | Path) -> None:
    """One row per record: source, record_id, person_id, match_weight, outcome."""
    table = result.assignments
    columns = [table.column(name).to_pylist() for name in OUTPUT_COLUMNS]
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(OUTPUT_COLUMNS)
        for source, record_id, person_id, weight, outcome in zip(*columns, strict=True):
            writer.writerow(
                safe_row([source, record_id, person_id, "" if weight is None else f"{weight:.3f}", outcome])
            )


def write_review(result: LinkResult, path: str | Path) -> None:
    """The review pairs, strongest first, with each field's level."""
    names = sorted({name for pair in result.review_pairs for name in pair.agreement})
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "left_source",
                "left_record_id",
                "right_source",
                "right_record_id",
                "match_weight",
                "left_person_id",
                "right_person_id",
                *names,
            ]
        )
        for pair in result.review_pairs:
            writer.writerow(
                safe_row(
                    [
                        *pair.left,
                        *pair.right,
                        f"{pair.match_weight:.3f}",
                        pair.left_person_id,
                        pair.right_person_id,
                        *[pair.agreement[n].level if n in pair.agreement else "" for n in names],
                    ]
                )
            )


def run(args: argparse.Namespace) -> int:
    """Run desist link; 0 on success, 2 on bad input (with the reasons on stderr)."""
    try:
        apply_spark_arguments(args)
        thresholds = Thresholds(link=args.link_threshold, review=args.review_threshold)
        if args.link_probability or args.review_probability:
            given = Thresholds.from_probabilities(args.link_probability, args.review_probability)
            thresholds = Thresholds(
                link=given.link if args.link_probability else thresholds.link,
                review=given.review if args.review_probability else thresholds.review,
            )
        mapping = load_mapping(args.mapping)
        blanked: list[ValueProblem] | None = [] if args.blank_bad_values else None
        records = read_sources(args.sources, mapping, blanked=blanked)
        for problem in (blanked or [])[:MAX_REPORTED_PROBLEMS]:
            print(f"desist link: {problem}", file=sys.stderr)
        if blanked and len(blanked) > MAX_REPORTED_PROBLEMS:
            print(
                f"desist link: ... and {len(blanked) - MAX_REPORTED_PROBLEMS} more values left empty",
                file=sys.stderr,
            )
        previous = read_previous(args.previous) if args.previous else None
        if args.incremental and not previous:
            raise LinkError("--incremental needs --previous (an earlier links file)")
        model = LinkageModel.load(args.model) if args.model else train_model(records, engine=args.engine)
        for note in model.metadata.get("notes", []):
            print(f"desist link: note: {note}", file=sys.stderr)
        if args.save_model:
            model.save(args.save_model)
        result = link_records(
            records,
            model=model,
            previous=previous,
            incremental=args.incremental,
            thresholds=thresholds,
            engine=args.engine,
        )
    except (
        MappingError,
        RecordValueErrors,
        ModelError,
        RecordTableError,
        LinkError,
        EngineUnavailable,
        ValueError,
    ) as exc:
        print(f"desist link: {exc}", file=sys.stderr)
        return 2
    for note in result.notes:
        print(f"desist link: note: {note}", file=sys.stderr)
    write_links(result, args.out)
    if args.review_out:
        write_review(result, args.review_out)
    outcomes = result.assignments.column("outcome").to_pylist()
    people = len(set(result.assignments.column("person_id").to_pylist()))
    print(
        f"Linked {len(outcomes):,} records from {len(args.sources)} source(s) into {people:,} people "
        f"({outcomes.count('linked'):,} records linked, {len(result.review_pairs):,} pairs for review) "
        f"with model {result.model_version}; wrote {args.out}."
    )
    return 0
