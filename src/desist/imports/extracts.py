"""Reading an agency extract file (CSV or Excel) into a header and rows, and guessing its mapping.

Plain Python, no Django: the importer, the command line and tests share it. CSV is read with the
standard library's csv module (no dependency; the delimiter is read from the header row); Excel .xlsx with openpyxl in read-only mode
(the well-kept reader of the format). Row numbers are the ones a user sees in a spreadsheet: the header
is row 1, the first record row 2.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from desist.core.linkage.fields import DATE_FORMATS, FIELDS, clean, is_local_identifier

CSV_ENCODINGS = ("utf-8-sig", "cp1252")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")
CSV_DELIMITERS = (",", ";", "\t", "|")


class ExtractFileError(ValueError):
    """A file desist cannot read as an extract. The message says why and what to do."""


@dataclass(frozen=True)
class ExtractFile:
    """An uploaded or local extract: its name (for its type and provenance) and its bytes."""

    name: str
    content: bytes

    @classmethod
    def from_path(cls, path: str | Path) -> ExtractFile:
        """Read a file from disk."""
        file_path = Path(path)
        return cls(name=file_path.name, content=file_path.read_bytes())

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass
class ExtractTable:
    """A file's header and its record rows (raw values), each with its spreadsheet row number."""

    columns: list[str]
    rows: list[tuple[int, list[object]]] = field(default_factory=list)
    encoding: str = ""


def read_extract(file: ExtractFile, *, limit: int | None = None) -> ExtractTable:
    """Read a CSV or .xlsx extract. The first row must name every column, each name once.

    With `limit`, stop after that many record rows (the pages' quick look at a large file)."""
    suffix = Path(file.name).suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        rows, encoding = _excel_rows(file.content), ""
    elif suffix in CSV_SUFFIXES:
        rows, encoding = _csv_rows(file.content)
    else:
        raise ExtractFileError(
            f"{file.name!r} is not a CSV (.csv) or Excel (.xlsx) file. Save the extract in one of those formats."
        )
    numbered = enumerate(rows, start=1)
    header = next(numbered, None)
    if header is None:
        raise ExtractFileError("The file is empty. It needs a header row naming the columns, then one row per record.")
    columns = [clean(value) for value in header[1]]
    while columns and not columns[-1]:
        columns.pop()  # spreadsheets often carry empty trailing header cells
    _check_header(columns)
    table = ExtractTable(columns=columns, encoding=encoding)
    width = len(columns)
    for number, values in numbered:
        if limit is not None and len(table.rows) >= limit:
            break
        values = list(values)
        if not any(clean(v) for v in values):
            continue  # a blank line, as spreadsheets leave at the end
        if len(values) > width and any(clean(v) for v in values[width:]):
            # Keep the extra cells so validation can say which row has them.
            table.rows.append((number, values))
            continue
        values = (values + [None] * width)[:width]
        table.rows.append((number, values))
    return table


def _check_header(columns: list[str]) -> None:
    if not columns:
        raise ExtractFileError("The first row is empty. It must be a header row naming the columns.")
    blanks = [str(i + 1) for i, name in enumerate(columns) if not name]
    if blanks:
        raise ExtractFileError(
            f"The header row has no name for column {', '.join(blanks)}. Give every column a name in row 1."
        )
    seen: set[str] = set()
    for name in columns:
        if name.lower() in seen:
            raise ExtractFileError(f"The header row names the column {name!r} twice. Give each column its own name.")
        seen.add(name.lower())


def _csv_rows(content: bytes) -> tuple[Iterator[list[str]], str]:
    for encoding in CSV_ENCODINGS:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:  # cp1252 leaves five bytes undefined
        raise ExtractFileError("The file's text is neither UTF-8 nor Windows-1252. Save it as CSV UTF-8.")
    if "\x00" in text[:4096]:
        raise ExtractFileError("The file holds binary data, not CSV text. Save the extract as CSV or .xlsx.")
    # The header row decides the delimiter: column names rarely hold one, data rows often do.
    header = text.split("\n", 1)[0]
    delimiter = max(CSV_DELIMITERS, key=lambda d: (header.count(d), d == ","))
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), encoding


def _excel_rows(content: bytes) -> Iterator[Sequence[object]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as error:
        raise ExtractFileError(f"The file cannot be opened as an Excel workbook ({error}). Save it as .xlsx.") from error
    sheet = workbook.worksheets[0]
    return sheet.iter_rows(values_only=True)


# --- guessing a mapping from header names -------------------------------------------------------

# Normalised header (lower case, letters and digits only) -> desist field.
_SYNONYMS: dict[str, str] = {}
for _field, _names in {
    "first_name": "firstname forename forenames givenname givennames fname first christianname",
    "middle_names": "middlename middlenames othernames secondname middle",
    "last_name": "lastname surname familyname lname last",
    "alias_first_name": "aliasfirstname aliasforename aliasgivenname",
    "alias_last_name": "aliaslastname aliassurname aliasfamilyname",
    "date_of_birth": "dateofbirth dob birthdate dateborn birthdt dobirth",
    "sex": "sex gender",
    "street": "street address addressline1 address1 streetaddress line1 houseandstreet",
    "locality": "locality town city addressline2 address2 posttown line2",
    "postcode": "postcode postalcode postcodeaddress pcode zip",
    "pnc": "pnc pncnumber pncno pncid policenationalcomputernumber",
    "crn": "crn casereferencenumber caserefnumber probationcrn deliuscrn",
    "prison_number": "prisonnumber prisonno nomsnumber nomsno nomsid bookingnumber prisonerno prisonernumber",
    "nhs_number": "nhsnumber nhsno nhs",
    "ni_number": "ninumber nino nationalinsurancenumber nationalinsuranceno ni nationalinsurance",
}.items():
    for _name in _names.split():
        _SYNONYMS[_name] = _field

_RECORD_ID_NAMES = ("recordid", "id", "clientid", "personid", "caseid", "reference", "ref", "urn", "sourceid")


def _normal(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def guess_columns(columns: Sequence[str]) -> dict[str, str]:
    """Each column whose name says which desist field it holds ('Surname', 'DOB', 'PNC No') -> field.

    A field is guessed for one column at most (the first that names it)."""
    guessed: dict[str, str] = {}
    taken: set[str] = set()
    for column in columns:
        key = _normal(column)
        name = key if key in FIELDS else _SYNONYMS.get(key, "")
        if name and name not in taken:
            guessed[column] = name
            taken.add(name)
    return guessed


def guess_record_id_column(columns: Sequence[str]) -> str:
    """The column most likely to hold the source's own record id, or ''."""
    by_key = {_normal(c): c for c in columns}
    for key in _RECORD_ID_NAMES:
        if key in by_key:
            return by_key[key]
    for column in columns:
        if _normal(column).endswith("id") and _normal(column) not in _SYNONYMS:
            return column
    return ""


def guess_date_format(values: Sequence[object]) -> str:
    """The DATE_FORMATS entry that reads the most sample values (a few bad dates do not hide it), or
    'auto' when none reads any or two read equally many."""
    texts = [clean(v) for v in values if not isinstance(v, date | datetime) and clean(v)]
    counts = sorted(((sum(_fits(t, fmt) for t in texts), fmt) for fmt in DATE_FORMATS), reverse=True)
    if not texts or counts[0][0] == 0 or counts[0][0] == counts[1][0]:
        return "auto"
    return counts[0][1]


def _fits(text: str, fmt: str) -> bool:
    try:
        datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True


def date_format_label(fmt: str) -> str:
    """'%d/%m/%Y' -> 'DD/MM/YYYY'."""
    if fmt == "auto":
        return "Work it out (YYYY-MM-DD, DD/MM/YYYY and the like)"
    return fmt.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD").replace("%y", "YY")


def field_label(name: str) -> str:
    """The label of a desist field, including local identifiers."""
    if is_local_identifier(name):
        return f"Local identifier ({name.removeprefix('local:')})"
    spec = FIELDS.get(name)
    return spec.label if spec else name
