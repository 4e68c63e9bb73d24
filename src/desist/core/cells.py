"""Cells for CSV and Excel files that a spreadsheet shows as text, never runs as a formula.

Plain Python (no Django). A name such as ``=HYPERLINK("http://…","Click")`` written raw into a CSV file
becomes a live formula when the file is opened in Excel or LibreOffice (CSV or formula injection). Every
file desist writes for a spreadsheet passes its cells through `safe_cell` (or `safe_row`), the one place
the rule lives, as OWASP's CSV injection guidance says: a text cell that begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return (or their full-width forms, which some versions of Excel also read as
formula signs) gets a single quote in front, so it is shown as written and never evaluated.

Numbers stay numbers: an int, float or Decimal is written as it is (a negative figure is still a figure),
and so is text that is exactly a plain number such as ``-12.5`` (a spreadsheet reads it as that number,
and there is no formula in it). Dates, None and booleans pass unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
_PLAIN_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def safe_cell(value: object) -> object:
    """The value as a spreadsheet should receive it: text that could start a formula gets a leading quote."""
    if isinstance(value, str) and value and value[0] in FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(values: Iterable[object]) -> list[object]:
    """Every cell of a row through `safe_cell`."""
    return [safe_cell(value) for value in values]
