"""The arguments of `manage.py import_extract` and `desist import`: one list for both, without Django
imports, so `desist --help` works before Django is set up."""

from __future__ import annotations

from typing import Any

from desist.core.linkage.fields import DATE_FORMATS
from desist.imports.extracts import ENCODINGS


def add_import_arguments(parser: Any) -> None:
    """Add --agency, --file, --mapping, --check, --save-guessed-mapping, --date-format and --encoding."""
    parser.add_argument("--agency", required=True, help="the agency's code")
    parser.add_argument("--file", required=True, help="the extract: a .csv or .xlsx file")
    parser.add_argument(
        "--mapping", default="default", help="the name of the agency's saved mapping (default: default)"
    )
    parser.add_argument("--check", action="store_true", help="only check the file; import nothing")
    parser.add_argument(
        "--save-guessed-mapping",
        action="store_true",
        help="when the agency has no such mapping, save the one guessed from the file's header",
    )
    parser.add_argument(
        "--date-format",
        choices=("auto", *DATE_FORMATS),
        help="with --save-guessed-mapping: how dates are written (default: guessed)",
    )
    parser.add_argument(
        "--encoding",
        choices=tuple(ENCODINGS),
        default="",
        help="the text encoding of a CSV file that is not UTF-8 (default: UTF-8, or refuse text "
        "whose encoding cannot be told)",
    )
