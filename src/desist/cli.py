"""The ``desist`` command line: plain Python entry points that do not need Django.

Each subcommand is one entry in ``COMMANDS``: a help line, a function that adds its arguments and a
handler that runs it. Add a subcommand by adding an entry.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Command:
    """One subcommand."""

    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from exc


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _configure_synth(parser: argparse.ArgumentParser) -> None:
    from desist.core.synth import DEFAULT_AS_OF

    parser.add_argument("--people", type=_positive, default=50_000, help="number of people (default 50,000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument(
        "--as-of",
        type=_iso_date,
        default=DEFAULT_AS_OF,
        dest="as_of",
        help=f"the date the partnership is seen on (default {DEFAULT_AS_OF.isoformat()})",
    )
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet", help="file format")


def _run_synth(args: argparse.Namespace) -> int:
    from desist.core.synth import generate_partnership, write_partnership

    world = generate_partnership(people=args.people, seed=args.seed, as_of=args.as_of)
    manifest = write_partnership(world, args.out, format=args.format)
    counts = manifest["row_counts"]
    print(
        f"Wrote {manifest['people']:,} people (seed {manifest['seed']}, as of {manifest['as_of']}) "
        f"to {args.out}: "
        f"{counts['sentences']:,} sentences, {counts['offences']:,} offences, "
        f"{counts['truth/extract_links']:,} extract records."
    )
    return 0


def _configure_import(parser: argparse.ArgumentParser) -> None:
    from desist.imports.arguments import add_import_arguments

    add_import_arguments(parser)


def _run_import(args: argparse.Namespace) -> int:
    """Import an agency extract into the database that DJANGO_SETTINGS_MODULE names (manage.py
    import_extract)."""
    import importlib.util
    import os
    from pathlib import Path

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if importlib.util.find_spec("config") is None:
        # Run from a source checkout: the settings package sits beside src/.
        sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import django
    from django.core.management import CommandError, call_command

    django.setup()
    options = {k: v for k, v in vars(args).items() if k != "command" and v is not None}
    try:
        call_command("import_extract", **options)
    except CommandError as error:
        print(f"desist import: {error}", file=sys.stderr)
        return 1
    return 0


def _configure_link(parser: argparse.ArgumentParser) -> None:
    from desist.core.linkage.command import configure

    configure(parser)


def _run_link(args: argparse.Namespace) -> int:
    from desist.core.linkage.command import run

    return run(args)


def _configure_measures(parser: argparse.ArgumentParser) -> None:
    from desist.core.measures.command import configure

    configure(parser)


def _run_measures(args: argparse.Namespace) -> int:
    from desist.core.measures.command import run

    return run(args)


def _configure_validate(parser: argparse.ArgumentParser) -> None:
    from desist.core.fairness_command import configure

    configure(parser)


def _run_validate(args: argparse.Namespace) -> int:
    from desist.core.fairness_command import run

    return run(args)


COMMANDS: dict[str, Command] = {
    "synth": Command("generate a synthetic partnership and write it to files", _configure_synth, _run_synth),
    "import": Command(
        "import an agency extract (CSV or Excel) with the agency's saved mapping",
        _configure_import,
        _run_import,
    ),
    "link": Command(
        "link agency CSV files into people (record linkage), offline", _configure_link, _run_link
    ),
    "measures": Command(
        "work out measures (proven reoffending) from a file of proven offences",
        _configure_measures,
        _run_measures,
    ),
    "validate": Command(
        "validate a score on outcomes: AUC, calibration, Brier and error rates, overall and by group",
        _configure_validate,
        _run_validate,
    ),
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="desist", description="desist command line tools")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, command in COMMANDS.items():
        command.configure(sub.add_parser(name, help=command.help, description=command.help))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(list(argv) if argv is not None else None)
    return COMMANDS[args.command].run(args)


if __name__ == "__main__":
    sys.exit(main())
