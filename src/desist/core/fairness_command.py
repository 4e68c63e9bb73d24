"""``desist validate``: validate any score on any scored file, overall and by group (docs/fairness.md).

Reads a CSV file (delimiter and types detected by DuckDB) or a Parquet file (``.parquet`` or ``.pq``), takes
the score, outcome and group columns named, and prints every figure of ``desist.core.fairness`` as JSON (a
list of groups, everyone first) or as a table. A file, column or value that cannot be used stops the command
with a message on standard error and exit status 1.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import duckdb

from desist.core.fairness import GroupValidation, ValidationInputError, validate_scores

_OUTCOME_WORDS = {"0": False, "1": True, "false": False, "true": True, "0.0": False, "1.0": True}


def configure(parser: argparse.ArgumentParser) -> None:
    """The command's arguments."""
    parser.add_argument(
        "--scores", required=True, metavar="FILE", help="a CSV or Parquet file of scored rows"
    )
    parser.add_argument("--score", required=True, metavar="COLUMN", help="the column holding the score")
    parser.add_argument(
        "--outcome",
        required=True,
        metavar="COLUMN",
        help="the column holding the outcome: 1 or true if it happened (reoffended), 0 or false if not",
    )
    parser.add_argument(
        "--group",
        action="append",
        default=[],
        metavar="COLUMN",
        help="a column to break the figures down by (repeat for more); an empty value is 'Not recorded'",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        metavar="X",
        help="a score at or above X counts as 'higher risk' (in the score's own units); without it, no "
        "false positive or false negative rates",
    )
    parser.add_argument("--format", choices=("json", "table"), default="table", help="output (default table)")
    parser.add_argument(
        "--max-groups",
        type=int,
        default=1000,
        dest="max_groups",
        help="refuse group columns with more groups than this in all (default 1,000)",
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_columns(path: str, columns: list[str]) -> dict[str, list[Any]]:
    """The named columns of a CSV or Parquet file, as Python values; ``ValidationInputError`` if the file or
    a column cannot be read."""
    file = Path(path)
    if not file.is_file():
        raise ValidationInputError(f"{path}: no such file")
    if file.stat().st_size == 0:
        raise ValidationInputError(f"{path}: the file is empty")
    con = duckdb.connect(
        ":memory:", config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    parquet = file.suffix.lower() in (".parquet", ".pq")
    try:
        relation = con.read_parquet(str(file)) if parquet else con.read_csv(str(file), header=True)
        available = list(relation.columns)
    except duckdb.Error as error:
        kind = "Parquet" if parquet else "CSV"
        first = str(error).splitlines()[0]
        raise ValidationInputError(f"{path}: cannot be read as {kind}: {first}") from None
    missing = [c for c in dict.fromkeys(columns) if c not in available]
    if missing:
        hint = ""
        if len(available) == 1 and any(mark in available[0] for mark in ";|\t:"):
            hint = " (the file seems to use a delimiter that was not recognised: use commas)"
        shown = ", ".join(repr(c) for c in available[:20]) + (" ..." if len(available) > 20 else "")
        raise ValidationInputError(
            f"{path}: no column {', '.join(repr(c) for c in missing)}; the columns are {shown}{hint}"
        )
    wanted = list(dict.fromkeys(columns))
    try:
        rows = relation.project(", ".join(_quote(c) for c in wanted)).fetchall()
    except duckdb.Error as error:
        raise ValidationInputError(f"{path}: cannot be read: {str(error).splitlines()[0]}") from None
    return {name: [row[i] for row in rows] for i, name in enumerate(wanted)}


def _outcome(value: Any) -> Any:
    """A file's outcome as the library takes it: text "0"/"1"/"true"/"false" and decimals made plain."""
    if isinstance(value, str):
        return _OUTCOME_WORDS.get(value.strip().lower(), value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def _score(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        try:
            return float(text)
        except ValueError:
            return value
    return value


def _figure(value: float | None, places: int = 3) -> str:
    return "-" if value is None else f"{value:.{places}f}"


def _interval(row: dict[str, Any], name: str) -> str:
    value, low, high = row[name], row[f"{name}_low"], row[f"{name}_high"]
    if value is None:
        return "-"
    if low is None or high is None:
        return f"{value:.3f}"
    return f"{value:.3f} ({low:.3f}-{high:.3f})"


def write_table(groups: list[GroupValidation], out: TextIO) -> None:
    """The figures as a plain-text table, then calibration by decile for each group."""
    rows = [g.to_dict() for g in groups]
    header = [
        "Group",
        "n",
        "Positives",
        "AUC (95% CI)",
        "Brier",
        "FPR (95% CI)",
        "FNR (95% CI)",
        "PPV (95% CI)",
    ]
    body = [
        [
            "Everyone" if r["breakdown"] == "all" else f"{r['breakdown']} = {r['value']}",
            f"{r['n']:,}",
            f"{r['positives']:,}",
            _interval(r, "auc"),
            _figure(r["brier"]),
            _interval(r, "false_positive_rate"),
            _interval(r, "false_negative_rate"),
            _interval(r, "positive_predictive_value"),
        ]
        for r in rows
    ]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        pairs = enumerate(zip(cells, widths, strict=True))
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in pairs)

    threshold = rows[0]["threshold"]
    out.write(
        "AUC with DeLong's 95% interval; rates with Wilson 95% intervals; "
        + (
            f"higher risk: a score of {threshold:g} or more.\n"
            if threshold is not None
            else "no threshold.\n"
        )
    )
    if rows[0]["brier"] is None:
        out.write("No Brier score: the scores are not all chances between 0 and 1.\n")
    out.write(line(header) + "\n" + line(["-" * w for w in widths]) + "\n")
    for cells in body:
        out.write(line(cells) + "\n")
    for r, cells in zip(rows, body, strict=True):
        out.write(f"\nCalibration by decile: {cells[0]}\n")
        out.write("Decile  People  Mean score  Observed  95% CI\n")
        for d in r["calibration"]:
            out.write(
                f"{d['decile']:>6}  {d['people']:>6,}  {d['mean_predicted']:>10.3f}  "
                f"{d['observed_rate']:>8.3f}  {d['low']:.3f}-{d['high']:.3f}\n"
            )


def _json_ready(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return value


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the command; 0 when the figures were printed, 1 with a message when the input cannot be used."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        if args.max_groups < 1:
            raise ValidationInputError("--max-groups must be at least 1")
        data = read_columns(args.scores, [args.score, args.outcome, *args.group])
        if not data[args.score]:
            raise ValidationInputError(f"{args.scores}: the file has no rows")
        groups = validate_scores(
            [_score(v) for v in data[args.score]],
            [_outcome(v) for v in data[args.outcome]],
            {name: data[name] for name in args.group},
            threshold=args.threshold,
            max_groups=args.max_groups,
        )
    except ValidationInputError as error:
        message = str(error)
        if message.startswith("row "):
            message = f"{args.scores}, data {message}"
        err.write(f"desist validate: {message}\n")
        return 1
    try:
        if args.format == "json":
            json.dump(_json_ready([g.to_dict() for g in groups]), out, indent=2)
            out.write("\n")
        else:
            write_table(groups, out)
        out.flush()
    except BrokenPipeError:  # the reader stopped early (| head): not an error of the figures
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (so the interpreter's final flush stays quiet)
    return 0
