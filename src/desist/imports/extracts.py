"""Reading an agency extract file (CSV or Excel) into a header and rows, and guessing its mapping.

Plain Python, no Django: the importer, the command line and tests share it. CSV is read with the standard
library's csv module (no dependency; the delimiter is read from the header row); Excel .xlsx with openpyxl in
read-only mode (the well-kept reader of the format). Row numbers are the ones a user sees in a spreadsheet:
the header is row 1, the first record row 2.

Files come from outside, so nothing is trusted: the bytes say what a file is whatever its name, text must be
in an encoding that can be told (or is named), no value may hold a control character, a workbook's zip is
checked before its XML is parsed (with defusedxml), and rows, columns, cell length, reading time and unpacked
size are capped (`ExtractLimits`). Every refusal is an ExtractFileError whose message says what to do.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import time
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from desist.core.linkage.fields import DATE_FORMATS, MAPPING_FIELDS, clean, is_local_identifier

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")
CSV_DELIMITERS = (",", ";", "\t", "|")
# Encodings a user may name for a file that is not UTF-8 (`desist import --encoding`).
ENCODINGS = {
    "utf-8": "UTF-8",
    "cp1252": "Windows-1252 (Western European)",
    "iso-8859-1": "ISO-8859-1 (Latin-1)",
    "iso-8859-2": "ISO-8859-2 (Central European)",
    "cp1250": "Windows-1250 (Central European)",
    "iso-8859-15": "ISO-8859-15 (Latin-9)",
    "utf-16": "UTF-16",
}


@dataclass(frozen=True)
class ExtractLimits:
    """How much of a file desist will read before refusing it (settings DESIST_IMPORT_MAX_*,
    production.md)."""

    max_rows: int = 1_048_575  # Excel's own limit, less the header
    max_columns: int = 500
    max_cell_chars: int = 32_767  # Excel's own limit for one cell
    max_seconds: float = 300.0
    max_xlsx_parts: int = 1_000
    max_xlsx_bytes: int = 1024 * 1024 * 1024  # uncompressed
    max_xlsx_ratio: int = 200  # uncompressed size over compressed, for a part over 1 MB


_limits = ExtractLimits()


def configure(limits: ExtractLimits) -> None:
    """Set the limits every later read uses (the imports app does so from settings when Django starts)."""
    global _limits
    _limits = limits


def current_limits() -> ExtractLimits:
    """The limits reads use now."""
    return _limits


class ExtractFileError(ValueError):
    """A file desist cannot read as an extract. The message says why and what to do."""


class EncodingUnclear(ExtractFileError):
    """Text whose encoding cannot be told, or that is not in the encoding named. `reason` is the message
    without its advice, for a page that asks for the encoding its own way."""

    ADVICE = "name its encoding (desist import --encoding)."

    def __init__(self, reason: str, save_as: str = "CSV UTF-8") -> None:
        super().__init__(f"{reason} Save the file as {save_as}, or {self.ADVICE}")
        self.reason = reason
        self.save_as = save_as


# Characters no extract value holds: C0 controls but tab, line feed and carriage return (NUL crashes
# PostgreSQL's text columns), DEL, C1 controls, bidirectional embeddings, overrides and isolates (which
# make a name display as something else), and a byte-order mark after the start (two files joined).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]")
_CONTROL_NAMES = {
    "\x00": "NUL",
    "\x1a": "SUB (end of file)",
    "\x1b": "ESC",
    "\x7f": "DEL",
    "\ufeff": "a byte-order mark (two files joined together?)",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
}
_SAFE_NAME_JUNK = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")


def safe_file_name(name: str) -> str:
    """The last part of a file's name, without control or direction characters, at most 255 characters:
    what desist stores and shows as the file's name."""
    base = re.split(r"[\\/]", name)[-1]
    base = _SAFE_NAME_JUNK.sub("", base).strip().lstrip(".") or "extract"
    stem, dot, suffix = base.rpartition(".")
    if dot and len(base) > 255:
        return stem[: 254 - len(suffix)] + "." + suffix
    return base[:255]


def control_character_name(char: str) -> str:
    """'NUL (U+0000)' and the like, for messages."""
    code = f"U+{ord(char):04X}"
    name = _CONTROL_NAMES.get(char) or unicodedata.name(char, "") or "a control character"
    return f"{name} ({code})"


@dataclass(frozen=True)
class ExtractFile:
    """An uploaded or local extract: its name (for its type and provenance), its bytes, and the encoding the
    user says its text is in ('' to accept UTF-8 and refuse text whose encoding cannot be told)."""

    name: str
    content: bytes
    encoding: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", safe_file_name(self.name))

    @classmethod
    def from_path(cls, path: str | Path, encoding: str = "") -> ExtractFile:
        """Read a file from disk."""
        file_path = Path(path)
        return cls(name=file_path.name, content=file_path.read_bytes(), encoding=encoding)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass
class ExtractTable:
    """A file's header and its record rows (raw values), each with its spreadsheet row number."""

    columns: list[str]
    rows: list[tuple[int, list[object]]] = field(default_factory=list)
    encoding: str = ""


def read_extract(
    file: ExtractFile, *, limit: int | None = None, limits: ExtractLimits | None = None
) -> ExtractTable:
    """Read a CSV or .xlsx extract. The first row must name every column, each name once.

    With `limit`, stop after that many record rows (the pages' quick look at a large file).

    Refuses (ExtractFileError, with a message saying what the file is and what to do) a file of another
    kind whatever its name, text that is not in a known encoding, control characters, and a file over the
    limits on rows, columns, cell length, reading time and (for .xlsx) the unpacked size."""
    limits = limits or _limits
    suffix = Path(file.name).suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        expected = "an Excel workbook (.xlsx)"
    elif suffix in CSV_SUFFIXES:
        expected = "a CSV file"
    else:
        raise ExtractFileError(
            f"{file.name!r} is not a CSV (.csv) or Excel (.xlsx) file. "
            "Save the extract in one of those formats."
        )
    kind = sniff_file_kind(file.content)
    if kind and not (kind == "xlsx" and suffix in EXCEL_SUFFIXES):
        raise ExtractFileError(_wrong_kind_message(file.name, kind, expected))
    started = time.monotonic()
    if suffix in EXCEL_SUFFIXES:
        rows, encoding = _excel_rows(file.content, limits), ""
    else:
        rows, encoding = _csv_rows(file.content, file.encoding, limits)
    try:
        return _table(rows, encoding, limits, started, limit)
    except ExtractFileError:
        raise
    except Exception as error:  # any parser fault is a file we cannot read, never a traceback
        if suffix in EXCEL_SUFFIXES:
            raise ExtractFileError(
                f"The workbook cannot be read ({_reason(error)}). Open it in Excel, save it "
                "again as .xlsx (or as CSV UTF-8) and upload that."
            ) from error
        raise ExtractFileError(
            f"The file cannot be read as CSV ({_reason(error)}). Save it as CSV UTF-8 and upload that."
        ) from error


def _reason(error: Exception) -> str:
    from defusedxml import DefusedXmlException

    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, DefusedXmlException):
        cause = cause.__cause__ or cause.__context__  # openpyxl wraps the parser's error in its own
    if cause is not None:
        return (
            "its XML declares entities or a document type, as attacks such as 'billion laughs' and external "
            "entities do, and no spreadsheet needs"
        )
    text = str(error).strip() or type(error).__name__
    return text[:200]


def _table(
    rows: Iterator[Sequence[object]], encoding: str, limits: ExtractLimits, started: float, limit: int | None
) -> ExtractTable:
    numbered = enumerate(rows, start=1)
    header = next(numbered, None)
    if header is None:
        raise ExtractFileError(
            "The file is empty. It needs a header row naming the columns, then one row per record."
        )
    raw_header = list(header[1])
    if len(raw_header) > limits.max_columns and any(clean(v) for v in raw_header[limits.max_columns :]):
        raise ExtractFileError(
            f"The header row names {len(raw_header):,} columns; desist reads at most "
            f"{limits.max_columns:,}. Leave out the columns that are not needed."
        )
    columns = [clean(value) for value in raw_header[: limits.max_columns]]
    while columns and not columns[-1]:
        columns.pop()  # spreadsheets often carry empty trailing header cells
    _check_cells(1, columns, columns)
    _check_header(columns, raw_header)
    table = ExtractTable(columns=columns, encoding=encoding)
    width = len(columns)
    for number, row in numbered:
        if limit is not None and len(table.rows) >= limit:
            break
        if number % 1000 == 0 and time.monotonic() - started > limits.max_seconds:
            raise ExtractFileError(
                f"Reading the file took longer than {limits.max_seconds:.0f} seconds (stopped at "
                f"row {number:,}). Split it into smaller files."
            )
        if len(row) > limits.max_columns and any(clean(v) for v in row[limits.max_columns :]):
            raise ExtractFileError(
                f"Row {number:,} has {len(row):,} cells; desist reads at most "
                f"{limits.max_columns:,} columns. A value may hold unquoted separators."
            )
        values = list(row)
        if not any(clean(v) for v in values):
            continue  # a blank line, as spreadsheets leave at the end
        if len(table.rows) >= limits.max_rows:
            raise ExtractFileError(
                f"The file has more than {limits.max_rows:,} records; desist reads at most "
                f"{limits.max_rows:,} from one file. Split it into smaller files."
            )
        _check_cells(number, values, columns)
        if len(values) > width and any(clean(v) for v in values[width:]):
            # Keep the extra cells so validation can say which row has them.
            table.rows.append((number, values))
            continue
        values = (values + [None] * width)[:width]
        table.rows.append((number, values))
    return table


def _check_cells(number: int, values: Sequence[object], columns: Sequence[str]) -> None:
    for at, value in enumerate(values):
        if isinstance(value, str) and value:
            found = _CONTROL.search(value)
            if found:
                where = f"column {columns[at]!r}" if at < len(columns) and number > 1 else f"column {at + 1}"
                raise ExtractFileError(
                    f"Row {number:,}, {where} holds {control_character_name(found.group())}, "
                    "which no value in an extract holds: the file may be damaged, or not the extract. "
                    "Remove it and upload the file again."
                )


def _check_header(columns: list[str], raw: Sequence[object]) -> None:
    if not columns:
        raise ExtractFileError("The first row is empty. It must be a header row naming the columns.")
    blanks = [str(i + 1) for i, name in enumerate(columns) if not name]
    if blanks:
        raise ExtractFileError(
            f"The header row has no name for column {', '.join(blanks)}. Give every column a name in row 1."
        )
    # A first row of values (a date, a number) is a record, not a header.
    for value, name in zip(raw, columns, strict=False):
        if isinstance(value, date | datetime | int | float) or _LOOKS_LIKE_DATA.match(name):
            raise ExtractFileError(
                f"Row 1 must name the columns, but it holds {name!r}, which looks like a value. "
                "Add a header row naming each column."
            )
    seen: set[str] = set()
    for name in columns:
        if name.lower() in seen:
            raise ExtractFileError(
                f"The header row names the column {name!r} twice. Give each column its own name."
            )
        seen.add(name.lower())


_LOOKS_LIKE_DATA = re.compile(r"^(?:\d+(?:[.,]\d+)?|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4})$")


# --- what a file really is ------------------------------------------------------------------------

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"%PDF", "a PDF document"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"BM", ""),  # checked below: too short a mark to trust alone
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"7z\xbc\xaf'\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x28\xb5\x2f\xfd", "a Zstandard-compressed file"),
    (b"PAR1", "a Parquet file"),
    (b"ARROW1", "an Arrow file"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"{\\rtf", "a Rich Text (RTF) document"),
    (b"\x7fELF", "a program (ELF executable)"),
    (b"MZ", "a Windows program"),
    (b"\x00\x00\x01\x00", "an icon image"),
    (b"RIFF", "a RIFF media file (WebP image, WAV audio or AVI video)"),
    (b"ID3", "an MP3 audio file"),
    (b"OggS", "an Ogg media file"),
    (b"\x1aE\xdf\xa3", "a Matroska or WebM video"),
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_MARKUP = re.compile(rb"^\s*<(!doctype\s+html|html|head|body|table|\?xml|svg|!--)", re.IGNORECASE)


def sniff_file_kind(content: bytes) -> str:
    """What the bytes say the file is, when it is plainly not CSV text: 'a PNG image', 'an older Excel
    workbook (.xls)', 'xlsx' for an Excel workbook, '' for anything that may be text."""
    head = content[:64]
    if head.startswith(_ZIP):
        return _zip_kind(content)
    if head.startswith(_OLE):
        if (
            "EncryptedPackage".encode("utf-16-le") in content[:65536]
            or b"EncryptedPackage" in content[:65536]
        ):
            return "a password-protected (encrypted) Excel workbook"
        return "an older Excel workbook (.xls) or another Office 97–2003 document"
    for magic, kind in _MAGIC:
        if head.startswith(magic) and kind:
            return kind
    if (
        head.startswith(b"BM")
        and len(content) > 26
        and int.from_bytes(content[2:6], "little") == len(content)
    ):
        return "a BMP image"
    if head[4:12] in (b"ftypheic", b"ftypmif1", b"ftypavif") or head[4:8] == b"ftyp":
        return "an image or video (ISO media)"
    text = content[:1024].lstrip(b"\xef\xbb\xbf")
    if text[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = content[:2048].decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    if _MARKUP.match(text):
        return "a web page (HTML) or XML document"
    return ""


def _zip_kind(content: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, NotImplementedError):
        return "a damaged zip archive"
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsx" if "xl/workbook.xml" in names else "an Excel binary workbook (.xlsb)"
    if b"opendocument.spreadsheet" in mimetype:
        return "an OpenDocument spreadsheet (.ods)"
    if "word/document.xml" in names:
        return "a Word document (.docx)"
    if "ppt/presentation.xml" in names:
        return "a PowerPoint presentation (.pptx)"
    if b"opendocument" in mimetype:
        return "an OpenDocument file"
    return "a zip archive"


def _wrong_kind_message(name: str, kind: str, expected: str) -> str:
    if kind == "xlsx":
        return (
            f"{name!r} is an Excel workbook (.xlsx), not a CSV file: "
            "upload it with a name that ends in .xlsx, or save it from Excel as CSV UTF-8."
        )
    advice = {
        "a web page (HTML) or XML document": (
            " Some systems export a web page named as a spreadsheet: "
            "open it in Excel and save it as .xlsx or CSV UTF-8."
        ),
        "an older Excel workbook (.xls) or another Office 97–2003 document": (
            " Open it in Excel and save it as .xlsx or CSV UTF-8."
        ),
        "a password-protected (encrypted) Excel workbook": (
            " Remove the password (File › Info › Protect Workbook) and upload it again, "
            "or save it as CSV UTF-8."
        ),
        "an OpenDocument spreadsheet (.ods)": " Save it as .xlsx or CSV UTF-8.",
    }.get(kind, " Upload the agency's extract as CSV or .xlsx.")
    return f"This file is {kind}, not {expected}.{advice}"


# --- CSV text -------------------------------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Bytes that Windows-1252 reads as one character and ISO-8859-2 or Windows-1250 (Central European, as
# Polish, Czech and Romanian names are often saved) as another: 'Łukasz' saved as ISO-8859-2 reads as
# '£ukasz' in Windows-1252. A file that holds one cannot be read without being told its encoding.
_AMBIGUOUS = frozenset(
    byte
    for byte in range(0x80, 0x100)
    if len(
        {
            bytes([byte]).decode(enc, errors="replace")
            for enc in ("cp1252", "cp1250", "iso-8859-2")
            if not (enc == "iso-8859-2" and byte < 0xA0)
        }
    )
    > 1
)


def _decode(content: bytes, declared: str) -> tuple[str, str]:
    """The file's text and the encoding it was read in."""
    if declared:
        encoding = declared.lower()
        if encoding not in ENCODINGS:
            raise ExtractFileError(
                f"{declared!r} is not an encoding desist reads; choose one of {', '.join(ENCODINGS)}."
            )
        if encoding == "utf-8" and content.startswith(b"\xef\xbb\xbf"):
            encoding = "utf-8-sig"
        return _strict(content, encoding, ENCODINGS.get(declared.lower(), declared)), encoding
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return _strict(
                content, encoding, "UTF-16" if "16" in encoding else "UTF-32" if "32" in encoding else "UTF-8"
            ), encoding
    sample = content[:4096]
    if sample.count(b"\x00") > len(sample) // 4:
        raise ExtractFileError(
            "The file is UTF-16 text without a byte-order mark, which cannot be read safely. "
            "Save it from Excel as CSV UTF-8."
        )
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Not UTF-8: read it as Windows-1252 (Excel's "CSV" on English Windows) only when no byte in it means
    # something else in the Central European encodings; otherwise say where, and ask.
    for line_number, line in enumerate(content.split(b"\n"), start=1):
        ambiguous = sorted({b for b in line if b in _AMBIGUOUS})
        undefined = [b for b in line if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)]
        if undefined or ambiguous:
            at = next(i for i, b in enumerate(line) if b in _AMBIGUOUS or b in (0x81, 0x8D, 0x8F, 0x90, 0x9D))
            shown = line[max(0, at - 20) : at + 20].decode("cp1252", errors="replace").strip()
            chars = ", ".join(
                f"{bytes([b]).decode('cp1252', 'replace')!r} (byte {b:02X}, "
                f"{bytes([b]).decode('iso-8859-2', 'replace')!r} in ISO-8859-2)"
                for b in ambiguous[:3]
            )
            raise EncodingUnclear(
                f"The file is not UTF-8 text, and line {line_number:,} ({shown!r}) holds "
                f"{chars or 'bytes no Western encoding uses'}: "
                "desist cannot tell which encoding it was saved in, and guessing would store names wrongly.",
                save_as="CSV UTF-8 (in Excel: Save As › CSV UTF-8)",
            )
    return content.decode("cp1252"), "cp1252"


def _strict(content: bytes, encoding: str, label: str) -> str:
    try:
        return content.decode(encoding)
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise EncodingUnclear(
            f"Line {line:,} is not {label} text (byte {content[error.start]:02X} cannot be read as {label})."
        ) from error


def _csv_rows(content: bytes, declared: str, limits: ExtractLimits) -> tuple[Iterator[list[str]], str]:
    text, encoding = _decode(content, declared)
    if text.startswith("\ufeff"):
        text = text[1:]
    # The header row decides the delimiter: column names rarely hold one, data rows often do.
    header = text.split("\n", 1)[0]
    delimiter = max(CSV_DELIMITERS, key=lambda d: (header.count(d), d == ","))
    return _csv_reader(text, delimiter, limits), encoding


def _csv_reader(text: str, delimiter: str, limits: ExtractLimits) -> Iterator[list[str]]:
    csv.field_size_limit(max(limits.max_cell_chars + 1, 1024))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            message = str(error)
            if "field larger than field limit" in message:
                problem = (
                    f"holds a value longer than {limits.max_cell_chars:,} characters (a quote that is "
                    "never closed, or not an extract)"
                )
            elif "unexpected end of data" in message or "EOF" in message:
                problem = "opens a quoted value that is never closed"
            elif "expected after" in message:
                problem = "has a quoted value followed by more text before the separator"
            else:
                problem = f"cannot be read ({message})"
            raise ExtractFileError(
                f"Line {reader.line_num:,} {problem}. Check the quotes in the file, or save it "
                "from Excel as CSV UTF-8."
            ) from error
        yield row


# --- Excel workbooks ------------------------------------------------------------------------------

_NESTED = re.compile(r"\.(?:zip|xlsx|xlsm|xlsb|xls|docx|docm|pptx|ods|gz|7z|rar|jar|bin|cab)$", re.IGNORECASE)


def _check_workbook_archive(content: bytes, limits: ExtractLimits) -> None:
    """Refuse a workbook whose parts would unpack to too much (a zip bomb), nest other files, or are
    encrypted, before any XML is parsed. The sizes the archive declares bound what Python's zipfile will
    unpack."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as error:
        raise ExtractFileError(
            f"The file cannot be opened as an Excel workbook ({_reason(error)}). Save it as .xlsx."
        ) from error
    if len(parts) > limits.max_xlsx_parts:
        raise ExtractFileError(
            f"The workbook is made of {len(parts):,} parts; an extract needs far fewer (at "
            f"most {limits.max_xlsx_parts:,}). Save the sheet alone as .xlsx or CSV UTF-8."
        )
    total = 0
    for part in parts:
        if part.flag_bits & 0x1:
            raise ExtractFileError(
                "Part of the workbook is encrypted. Remove the password and save it again."
            )
        if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # Excel only deflates; other methods would unpack a whole block at once, past the size checks.
            raise ExtractFileError(
                "The workbook is packed in a way Excel never uses. Open it in Excel and save it "
                "again as .xlsx, or as CSV UTF-8."
            )
        if _NESTED.search(part.filename) or part.filename.startswith("xl/embeddings/"):
            raise ExtractFileError(
                f"The workbook holds another file ({part.filename.rsplit('/', 1)[-1]!r}). Save "
                "the extract's sheet alone as .xlsx or CSV UTF-8."
            )
        total += part.file_size
        if part.file_size > 1024 * 1024 and part.file_size > limits.max_xlsx_ratio * max(
            part.compress_size, 1
        ):
            raise ExtractFileError(
                f"The workbook unpacks to {part.file_size // max(part.compress_size, 1):,} times "
                "its size, as no real spreadsheet does (a 'zip bomb'). desist will not open it."
            )
    if total > limits.max_xlsx_bytes:
        raise ExtractFileError(
            f"The workbook unpacks to {_size(total)}; desist opens at most "
            f"{_size(limits.max_xlsx_bytes)}. Split it, or save it as CSV UTF-8."
        )


def _size(count: int) -> str:
    return f"{count / 1e6:,.1f} MB" if count >= 1e6 else f"{count / 1e3:,.0f} kB"


def _excel_rows(content: bytes, limits: ExtractLimits) -> Iterator[Sequence[object]]:
    # openpyxl parses the workbook's XML with defusedxml when it is installed (it is a dependency of
    # desist), so entity expansion ("billion laughs") and external entities are refused, not followed.
    from openpyxl import load_workbook

    _check_workbook_archive(content, limits)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as error:  # any fault in the workbook: a file we cannot read
        raise ExtractFileError(
            f"The file cannot be opened as an Excel workbook ({_reason(error)}). Save it as .xlsx."
        ) from error
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
    "house_number": "housenumber houseno housename housenameornumber buildingnumber number streetnumber",
    "street": "street address addressline1 address1 streetaddress line1 houseandstreet streetname",
    "address_line_2": "addressline2 address2 line2",
    "locality": "locality town city posttown suburb",
    "region": "region county state province",
    "country": "country",
    "postcode": "postcode postalcode postcodeaddress pcode zip zipcode",
    "email": "email emailaddress mail",
    "telephone": "telephone phone phonenumber telephonenumber tel telno mobile mobilenumber",
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
        name = key if key in MAPPING_FIELDS else _SYNONYMS.get(key, "")
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
    spec = MAPPING_FIELDS.get(name)
    return spec.label if spec else name
