"""A corpus of bad (and a few good) agency extract files, generated here rather than committed as binaries.

Each case is a file, what the importer must do with it (refuse, with words its message must hold, or accept),
and optionally tighter limits to reach a cap without a gigantic file.
tests/app/imports/test_hostile_imports.py runs every case through the importer; scripts/hostile_imports.py
writes the results table in docs/security.md.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date

from openpyxl import Workbook

from desist.imports.extracts import ExtractLimits

HEADER = ["Client ID", "Forename", "Surname", "DOB", "PNC No", "CRN", "NHS", "NINO"]
COLUMNS = {
    "Forename": "first_name",
    "Surname": "last_name",
    "DOB": "date_of_birth",
    "PNC No": "pnc",
    "CRN": "crn",
    "NHS": "nhs_number",
    "NINO": "ni_number",
}
GOOD = [
    ["H1", "Amelia", "Hughes", "21/03/1984", "2004/0012345D", "X123456", "9434765919", "AB123456C"],
    ["H2", "Oliver", "Barnes", "02/11/1990", "", "", "", ""],
]


@dataclass
class Case:
    kind: str
    name: str
    content: bytes
    refused: str = ""  # words the refusal must hold; '' when the file must be accepted
    encoding: str = ""
    limits: ExtractLimits | None = None
    import_first: bool = False  # import the file once before trying it again
    stored_name: str = ""  # the file name the batch must keep, when accepted
    stored: dict[str, str] = field(default_factory=dict)  # a value the first record must hold


def csv_bytes(
    rows: list[list[str]],
    header: list[str] = HEADER,
    encoding: str = "utf-8",
    delimiter: str = ",",
    line_end: str = "\r\n",
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def row(**changes: str) -> list[str]:
    values = dict(zip(HEADER, GOOD[0], strict=True))
    values.update({k.replace("_", " "): v for k, v in changes.items()})
    return [values[h] for h in HEADER]


def workbook(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezip(
    content: bytes,
    replace: dict[str, bytes] | None = None,
    add: dict[str, bytes] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A copy of a workbook with some parts replaced or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", compression) as target:
        for info in source.infolist():
            target.writestr(info.filename, (replace or {}).get(info.filename, source.read(info.filename)))
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def billion_laughs() -> bytes:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]><worksheet {_NS}><sheetData><row r="1">'
        '<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )
    return rezip(workbook(GOOD), replace={SHEET: sheet.encode()})


def external_entity() -> bytes:
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        f'<worksheet {_NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    return rezip(workbook(GOOD), replace={SHEET: sheet.encode()})


def zip_bomb(megabytes: int = 100) -> bytes:
    good = workbook(GOOD)
    with zipfile.ZipFile(io.BytesIO(good)) as source:
        sheet = source.read(SHEET)
    at = sheet.rindex(b"</worksheet>")
    padded = sheet[:at] + b" " * (megabytes * 1024 * 1024) + sheet[at:]
    return rezip(good, replace={SHEET: padded})


def ole(extra: bytes = b"") -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + extra + b"\x00" * 1024


def simple_zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


def cases(today: date | None = None) -> list[Case]:
    """Every case, good files first."""
    next_year = (today or date.today()).year + 1
    good_csv = csv_bytes(GOOD)
    many = [[f"H{i}", "Amelia", "Hughes", "21/03/1984", "", "", "", ""] for i in range(1, 1_202)]
    small = ExtractLimits(max_rows=1_000)
    return [
        # Good files, and odd ones that are still good.
        Case("A good CSV file (UTF-8)", "housing.csv", good_csv),
        Case("UTF-8 with a byte-order mark (Excel's CSV UTF-8)", "bom.csv", b"\xef\xbb\xbf" + good_csv),
        Case(
            "Windows-1252 text whose letters no other encoding reads differently",
            "cp1252.csv",
            csv_bytes([row(Forename="Zoë", Surname="Brontë")], encoding="cp1252"),
            stored={"first_name": "Zoë"},
        ),
        Case(
            "ISO-8859-2 text, with its encoding named",
            "polish.csv",
            csv_bytes([row(Forename="Łukasz", Surname="Wójcik")], encoding="iso-8859-2"),
            encoding="iso-8859-2",
            stored={"first_name": "Łukasz"},
        ),
        Case(
            "UTF-16 with a byte-order mark, tab-separated (Excel's Unicode text)",
            "unicode.txt",
            csv_bytes(GOOD, delimiter="\t", encoding="utf-16"),
        ),
        Case("Semicolon-separated", "semicolons.csv", csv_bytes(GOOD, delimiter=";")),
        Case(
            "Mixed line endings (CRLF, LF and CR)",
            "endings.csv",
            good_csv.replace(b"\r\n", b"\n", 1).replace(b"\r\n", b"\r", 1),
        ),
        Case("Rows shorter than the header", "short.csv", csv_bytes([GOOD[0], ["H2", "Oliver", "Barnes"]])),
        Case(
            "Columns the mapping does not name",
            "extra.csv",
            csv_bytes([[*r, "x"] for r in GOOD], [*HEADER, "Notes"]),
        ),
        Case(
            "Names that look like spreadsheet formulas (kept as text; exports neutralise them)",
            "formula.csv",
            csv_bytes([row(Forename='=HYPERLINK("http://x.invalid","y")', Surname="@SUM(1+1)")]),
            stored={"first_name": '=HYPERLINK("http://x.invalid","y")'},
        ),
        Case("A good Excel workbook", "health.xlsx", workbook(GOOD)),
        Case(
            "A path in the file name (../../etc/passwd.csv)",
            "../../etc/passwd.csv",
            good_csv,
            stored_name="passwd.csv",
        ),
        Case(
            "Control and direction characters in the file name",
            "hou\x00sing\u202e\x1b.csv",
            good_csv,
            stored_name="housing.csv",
        ),
        # Files that are not text, whatever they are called.
        Case(
            "A PNG image named .csv",
            "photo.csv",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
            "This file is a PNG image",
        ),
        Case(
            "A PDF named .csv",
            "report.csv",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
            "This file is a PDF document",
        ),
        Case(
            "A web page named .csv",
            "export.csv",
            b"<!DOCTYPE html><html><body><table><tr><td>Ref</td></tr>",
            "This file is a web page (HTML)",
        ),
        Case(
            "A web page named .xlsx (some systems' 'Excel' export)",
            "export.xlsx",
            b"<html><body><table><tr><td>Ref</td></tr></table></body></html>",
            "This file is a web page (HTML)",
        ),
        Case(
            "A JPEG image named .csv",
            "scan.csv",
            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64,
            "This file is a JPEG image",
        ),
        Case("A GIF image named .csv", "anim.csv", b"GIF89a" + b"\x00" * 64, "This file is a GIF image"),
        Case("A gzip file named .csv", "extract.csv", b"\x1f\x8b\x08\x00" + b"\x00" * 64, "gzip-compressed"),
        Case("A Parquet file named .csv", "extract.csv", b"PAR1" + b"\x00" * 64 + b"PAR1", "Parquet file"),
        Case(
            "An SQLite database named .csv",
            "extract.csv",
            b"SQLite format 3\x00" + b"\x00" * 84,
            "SQLite database",
        ),
        Case("A Windows program named .csv", "extract.csv", b"MZ\x90\x00" + b"\x00" * 64, "Windows program"),
        Case(
            "An Excel workbook named .csv",
            "extract.csv",
            workbook(GOOD),
            "is an Excel workbook (.xlsx), not a CSV",
        ),
        Case("An old Excel .xls workbook named .xlsx", "old.xlsx", ole(), "older Excel workbook (.xls)"),
        Case(
            "A password-protected Excel workbook",
            "locked.xlsx",
            ole("EncryptedPackage".encode("utf-16-le")),
            "password-protected",
        ),
        Case(
            "An OpenDocument spreadsheet named .xlsx",
            "calc.xlsx",
            simple_zip(
                {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}
            ),
            "OpenDocument spreadsheet",
        ),
        Case(
            "A zip archive of other files named .xlsx",
            "files.xlsx",
            simple_zip({"a.txt": b"hello"}),
            "zip archive",
        ),
        Case(
            "Text named .xlsx",
            "notes.xlsx",
            b"Client ID,Surname\nH1,Hughes\n",
            "cannot be opened as an Excel",
        ),
        Case(
            "A file of another type (.xls name)",
            "old.xls",
            ole(),
            "is not a CSV (.csv) or Excel (.xlsx) file",
        ),
        # Attacks on the workbook reader.
        Case("An xlsx zip bomb (100 MB of sheet in 100 KB)", "bomb.xlsx", zip_bomb(), "zip bomb"),
        Case(
            "An xlsx over the unpacked size limit",
            "big.xlsx",
            workbook(many),
            "unpacks to",
            limits=ExtractLimits(max_xlsx_bytes=50_000),
        ),
        Case(
            "An xlsx made of too many parts",
            "parts.xlsx",
            rezip(workbook(GOOD), add={f"customXml/item{i}.xml": b"<x/>" for i in range(1_001)}),
            "parts",
        ),
        Case(
            "An xlsx packed with bzip2 (which unpacks whole blocks at once)",
            "bzip.xlsx",
            rezip(workbook(GOOD), compression=zipfile.ZIP_BZIP2),
            "packed in a way Excel never uses",
        ),
        Case(
            "An xlsx holding another file (embedded object)",
            "embedded.xlsx",
            rezip(workbook(GOOD), add={"xl/embeddings/oleObject1.bin": b"\x00" * 10}),
            "holds another file",
        ),
        Case("A 'billion laughs' xlsx (entity expansion)", "laughs.xlsx", billion_laughs(), "billion laughs"),
        Case("An xlsx with an external entity (XXE)", "xxe.xlsx", external_entity(), "external entities"),
        # Text that is not what it says.
        Case(
            "ISO-8859-2 text without its encoding ('Łukasz' would be stored as '£ukasz')",
            "polish.csv",
            csv_bytes([row(Forename="Łukasz", Surname="Nowak")], encoding="iso-8859-2"),
            "cannot tell which encoding",
        ),
        Case(
            "Windows-1252 text with a letter Central European encodings read differently ('Hélène')",
            "french.csv",
            csv_bytes([row(Forename="Hélène")], encoding="cp1252"),
            "cannot tell which encoding",
        ),
        Case(
            "Text that is not in the encoding named for it",
            "named.csv",
            csv_bytes([row(Forename="Łukasz")], encoding="iso-8859-2"),
            "is not UTF-8 text",
            encoding="utf-8",
        ),
        Case(
            "UTF-16 without a byte-order mark",
            "utf16.csv",
            csv_bytes(GOOD, encoding="utf-16-le"),
            "UTF-16 text without a byte-order mark",
        ),
        Case("A NUL byte in a name", "nul.csv", csv_bytes([row(Surname="Hug\x00hes")]), "NUL (U+0000)"),
        Case("An escape character in a name", "esc.csv", csv_bytes([row(Surname="Hughes\x1b[31m")]), "ESC"),
        Case(
            "A right-to-left override in a name",
            "rlo.csv",
            csv_bytes([row(Surname="Hughes\u202egpj.exe")]),
            "RIGHT-TO-LEFT OVERRIDE",
        ),
        Case(
            "A byte-order mark in the middle (two files joined)",
            "joined.csv",
            good_csv
            + b"\xef\xbb\xbf"
            + csv_bytes([["H9", "Jack", "Patel", "", "", "", "", ""]]).split(b"\r\n", 1)[1],
            "byte-order mark",
        ),
        # The shape of the table.
        Case("An empty file", "empty.csv", b"", "The file is empty"),
        Case("A header row and no records", "header.csv", csv_bytes([]), "header row but no records"),
        Case(
            "No header row (the first row is a record)",
            "noheader.csv",
            csv_bytes(GOOD[1:], header=GOOD[0]),
            "looks like a value",
        ),
        Case("A column named twice", "twice.csv", csv_bytes(GOOD, header=[*HEADER[:-1], "surname"]), "twice"),
        Case(
            "A column with no name",
            "blank.csv",
            csv_bytes(GOOD, header=[*HEADER[:6], "", "NINO"]),
            "no name for column 7",
        ),
        Case("One column only", "one.csv", b"Surname\nHughes\n", "The file has no column 'Client ID'"),
        Case(
            "A row with more cells than the header",
            "ragged.csv",
            csv_bytes([[*GOOD[0], "extra"]]),
            "cells but the header names",
        ),
        Case(
            "A quote that is never closed", "quote.csv", good_csv + b'H3,"Jack,Patel,,,,,\r\n', "never closed"
        ),
        Case(
            "A value longer than 32,767 characters",
            "long.csv",
            csv_bytes([row(Surname="x" * 40_000)]),
            "longer than 32,767 characters",
        ),
        Case(
            "A row of 10,000 cells",
            "wide.csv",
            csv_bytes([GOOD[0] + [""] * 9_991 + ["x"]]),
            "desist reads at most 500 columns",
        ),
        Case(
            "A header of 600 columns",
            "columns.csv",
            csv_bytes([], header=[f"c{i}" for i in range(600)]),
            "names 600 columns",
        ),
        Case(
            "More records than the row limit",
            "rows.csv",
            csv_bytes(many),
            "more than 1,000 records",
            limits=small,
        ),
        Case(
            "A file that takes longer to read than the time limit",
            "slow.csv",
            csv_bytes(many),
            "took longer than",
            limits=ExtractLimits(max_seconds=0),
        ),
        # Values.
        Case(
            "A date in another format than the mapping's",
            "iso.csv",
            csv_bytes([row(DOB="1984-03-21")]),
            "is not a date in the format DD/MM/YYYY",
        ),
        Case(
            "An impossible date (31 February)",
            "feb.csv",
            csv_bytes([row(DOB="31/02/1990")]),
            "that month has no such day",
        ),
        Case(
            "A date of birth in the future",
            "future.csv",
            csv_bytes([row(DOB=f"01/01/{next_year}")]),
            "in the future",
        ),
        Case(
            "A PNC number that is not one ('notapnc')",
            "pnc.csv",
            csv_bytes([row(PNC_No="notapnc")]),
            "is not a PNC number",
        ),
        Case(
            "A PNC number with a wrong check letter",
            "pnc2.csv",
            csv_bytes([row(PNC_No="2004/0012345K")]),
            "check letter",
        ),
        Case(
            "A case reference number of the wrong shape",
            "crn.csv",
            csv_bytes([row(CRN="12345X")]),
            "is not a case reference number",
        ),
        Case(
            "An NHS number with a wrong check digit",
            "nhs.csv",
            csv_bytes([row(NHS="9434765918")]),
            "check digit",
        ),
        Case(
            "A National Insurance number with a prefix never issued",
            "nino.csv",
            csv_bytes([row(NINO="QQ123456C")]),
            "no number starts QQ",
        ),
        Case("A record id twice in one file", "dupes.csv", csv_bytes([GOOD[0], GOOD[0]]), "is also on row 2"),
        Case(
            "A record without a record id", "noid.csv", csv_bytes([row(Client_ID="")]), "record id is empty"
        ),
        Case(
            "A record without a last name", "noname.csv", csv_bytes([row(Surname="")]), "last name is empty"
        ),
        Case(
            "A name longer than the field holds",
            "longname.csv",
            csv_bytes([row(Surname="x" * 300)]),
            "is longer than",
        ),
        Case("The same file twice", "again.csv", good_csv, "already imported", import_first=True),
    ]
