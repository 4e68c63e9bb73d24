"""Agency records as the linkage engine reads them, and the comparison columns derived from them.

The engine takes one Arrow table with a row per agency record (RECORD_FIELDS; only ``source`` and
``record_id`` are required). :func:`prepare_records` adds the derived columns that the model compares
and blocks on: normalised names and their nicknames, phonetic keys, date of birth parts, postcode
parts. Aliases and further dates of birth are kept as lists, so a record known by two names or two
dates of birth is compared on all of them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import lru_cache, partial
from typing import Any

import jellyfish
import pyarrow as pa
from nicknames import NickNamer

from desist.core.names import first_name_key, normalise_identifier, normalise_name

from .fields import (
    IDENTIFIER_KINDS,
    FieldValueError,
    is_local_identifier,
    is_uk_postcode,
    parse_email,
    parse_postcode,
    parse_sex,
    parse_telephone,
)

STRING_FIELDS = (
    "first_name",
    "middle_names",
    "last_name",
    "alias_first_name",
    "alias_last_name",
    "sex",
    "house_number",
    "street",
    "address_line_2",
    "locality",
    "region",
    "country",
    "postcode",
    "email",
    "telephone",
    *IDENTIFIER_KINDS,
)
# Every column the engine reads (beyond these it ignores columns, except ``local:<name>`` ids).
RECORD_FIELDS = (
    "source",
    "record_id",
    *STRING_FIELDS,
    "date_of_birth",
    "aliases",
    "other_dates_of_birth",
    "local_ids",
)
ALIAS_TYPE = pa.struct([("first_name", pa.string()), ("last_name", pa.string())])

# Marks a prepared table (schema metadata), so link_records can skip preparing it again.
PREPARED_MARK = b"desist.linkage.prepared"
PREPARED_VERSION = b"2"

_S = pa.string()
_LS = pa.list_(pa.string())
PREPARED_SCHEMA = pa.schema(
    [
        ("source", _S),
        ("record_id", _S),
        ("first_name", _S),  # first word of the first name, normalised ("mary-jane" -> "maryjane")
        ("first_name_nicknames", _LS),  # names this first name is a nickname of, or has as nicknames
        ("first_name_metaphone", _S),
        ("given_names", _LS),  # every first and middle name the record holds, aliases included
        ("last_name", _S),  # normalised, without spaces
        ("last_name_soundex", _S),
        ("last_name_metaphone", _S),
        ("last_names", _LS),  # every last name the record holds, aliases included
        ("names_sorted", _S),  # first and last name in alphabetical order: finds swapped names
        ("dob", _S),  # YYYY-MM-DD
        ("dob_year", _S),
        ("dob_month", _S),
        ("dob_day", _S),
        ("dobs", _LS),  # every date of birth the record holds
        ("sex", _S),
        ("street", _S),  # house number and street, normalised
        ("address_line_2", _S),  # normalised
        ("locality", _S),  # normalised
        ("region", _S),  # normalised
        ("country", _S),  # normalised
        ("postcode", _S),  # standard form, "ME14 1XX"
        ("postcode_sector", _S),  # "ME14 1"
        ("postcode_district", _S),  # outward code, "ME14"
        ("email", _S),  # lower-cased
        ("email_user", _S),  # the part before the @
        ("telephone", _S),  # digits
        ("telephone_end", _S),  # the last 8 digits: the same number with or without its area or country code
        *[(kind, _S) for kind in IDENTIFIER_KINDS],
        ("local_ids", _LS),  # "<name>:<VALUE>"
        ("local_id", _S),  # the first of them: what blocking and the typo level compare
    ]
).with_metadata({PREPARED_MARK: PREPARED_VERSION})


class RecordTableError(ValueError):
    """The records table cannot be linked as it stands; the message says why."""


def is_prepared(table: pa.Table) -> bool:
    """Whether the table came from :func:`prepare_records` (and so can be linked as it is)."""
    metadata = table.schema.metadata or {}
    return metadata.get(PREPARED_MARK) == PREPARED_VERSION


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _none_if_empty(value: str) -> str | None:
    return value or None


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=65536)
def _first_name_keys(raw: str) -> tuple[str | None, tuple[str, ...] | None, str | None]:
    key = first_name_key(raw)
    if not key:
        return None, None, None
    namer = _nicknamer()
    related = sorted(namer.nicknames_of(key) | namer.canonicals_of(key) | {key})
    return key, tuple(related), jellyfish.metaphone(key)[:16] or None


@lru_cache(maxsize=131072)
def _last_name_keys(raw: str) -> tuple[str | None, str | None, str | None]:
    key = normalise_name(raw).replace(" ", "")
    if not key:
        return None, None, None
    return key, jellyfish.soundex(key), jellyfish.metaphone(key)[:16] or None


@lru_cache(maxsize=65536)
def _given_words(raw: str) -> tuple[str, ...]:
    return tuple(w for w in normalise_name(raw).split(" ") if w)


@lru_cache(maxsize=131072)
def _street(raw: str) -> str | None:
    """An address part, normalised as names are but keeping its digits (a house or flat number)."""
    folded = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", folded.replace("'", "")).split()) or None


def _iso_date(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError as exc:
        raise RecordTableError(f"date_of_birth {text!r} is not a date (YYYY-MM-DD)") from exc


def _column(table: pa.Table, name: str) -> list[Any]:
    if name in table.column_names:
        values: list[Any] = table.column(name).to_pylist()
        return values
    return [None] * table.num_rows


def _derive(table: pa.Table, name: str, fn: Callable[[str], str]) -> list[str | None]:
    """fn over a column's values (each distinct value once); '' becomes None."""
    cache: dict[object, str | None] = {None: None}
    out: list[str | None] = []
    for row, value in enumerate(_column(table, name)):
        try:
            out.append(cache[value])
        except KeyError:
            try:
                result = _none_if_empty(fn(_text(value)))
            except FieldValueError as exc:
                raise RecordTableError(f"record {row + 1}, {name}: {exc}") from exc
            cache[value] = result
            out.append(result)
    return out


def _unique(values: Iterable[str | None]) -> list[str] | None:
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen or None


def prepare_records(table: pa.Table) -> pa.Table:
    """The records with the comparison columns the linkage model uses (see PREPARED_SCHEMA).

    Raises RecordTableError if ``source`` or ``record_id`` is missing or empty, or a record key repeats.
    """
    if is_prepared(table):
        return table
    for required in ("source", "record_id"):
        if required not in table.column_names:
            raise RecordTableError(f"the records have no {required!r} column")
    sources = [_text(v) for v in table.column("source").to_pylist()]
    record_ids = [_text(v) for v in table.column("record_id").to_pylist()]
    seen: set[tuple[str, str]] = set()
    for row, key in enumerate(zip(sources, record_ids, strict=True)):
        if not key[0] or not key[1]:
            raise RecordTableError(f"record {row + 1} has no {'source' if not key[0] else 'record_id'}")
        if key in seen:
            raise RecordTableError(f"record {key[0]} {key[1]} appears twice")
        seen.add(key)
    n = table.num_rows

    first_raw = _column(table, "first_name")
    middle_raw = _column(table, "middle_names")
    last_raw = _column(table, "last_name")
    alias_first = _column(table, "alias_first_name")
    alias_last = _column(table, "alias_last_name")
    aliases = _column(table, "aliases")
    dob_raw = _column(table, "date_of_birth")
    other_dobs = _column(table, "other_dates_of_birth")
    local_lists = _column(table, "local_ids")
    local_columns = [
        (c[len("local:") :], table.column(c).to_pylist())
        for c in table.column_names
        if is_local_identifier(c)
    ]

    cols: dict[str, list[Any]] = {name: [] for name in PREPARED_SCHEMA.names}
    cols["source"] = list(sources)
    cols["record_id"] = list(record_ids)
    for i in range(n):
        first, nicknames, first_mp = _first_name_keys(_text(first_raw[i]))
        last, soundex, last_mp = _last_name_keys(_text(last_raw[i]))
        given: list[str | None] = [first, *_given_words(_text(middle_raw[i]))]
        lasts: list[str | None] = [last]
        alias_pairs = [(alias_first[i], alias_last[i])]
        alias_pairs += [(a.get("first_name"), a.get("last_name")) for a in (aliases[i] or []) if a]
        for a_first, a_last in alias_pairs:
            given.append(first_name_key(_text(a_first)) or None)
            lasts.append(_last_name_keys(_text(a_last))[0])
        cols["first_name"].append(first)
        cols["first_name_nicknames"].append(list(nicknames) if nicknames else None)
        cols["first_name_metaphone"].append(first_mp)
        cols["given_names"].append(_unique(given))
        cols["last_name"].append(last)
        cols["last_name_soundex"].append(soundex)
        cols["last_name_metaphone"].append(last_mp)
        cols["last_names"].append(_unique(lasts))
        cols["names_sorted"].append(" ".join(sorted((first, last))) if first and last else None)

        dob = _iso_date(dob_raw[i])
        cols["dob"].append(dob)
        cols["dob_year"].append(dob[:4] if dob else None)
        cols["dob_month"].append(dob[5:7] if dob else None)
        cols["dob_day"].append(dob[8:10] if dob else None)
        cols["dobs"].append(_unique([dob, *(_iso_date(d) for d in (other_dobs[i] or []))]))

        local: list[str | None] = [_text(v).upper() or None for v in (local_lists[i] or [])]
        local += [
            f"{name}:{_text(values[i]).upper()}" if _text(values[i]) else None
            for name, values in local_columns
        ]
        local_ids = _unique(local)
        cols["local_ids"].append(local_ids)
        cols["local_id"].append(local_ids[0] if local_ids else None)

    cols["sex"] = _derive(table, "sex", parse_sex)
    numbers = _column(table, "house_number")
    streets = _column(table, "street")
    cols["street"] = [
        _street(f"{_text(n)} {_text(s)}".strip()) for n, s in zip(numbers, streets, strict=True)
    ]
    for name in ("address_line_2", "locality", "region", "country"):
        cols[name] = _derive(table, name, lambda s: _street(s) or "")
    postcodes = _derive(table, "postcode", parse_postcode)
    cols["postcode"] = postcodes
    # Sector and district are parts of a UK postcode; other countries' codes are compared whole.
    cols["postcode_district"] = [p.split(" ")[0] if p and is_uk_postcode(p) else None for p in postcodes]
    cols["postcode_sector"] = [p[:-2] if p and is_uk_postcode(p) else None for p in postcodes]
    emails = _derive(table, "email", parse_email)
    cols["email"] = emails
    cols["email_user"] = [e.split("@")[0] or None if e else None for e in emails]
    phones = _derive(table, "telephone", parse_telephone)
    cols["telephone"] = phones
    cols["telephone_end"] = [p[-8:] if p else None for p in phones]
    for kind in IDENTIFIER_KINDS:
        cols[kind] = _derive(table, kind, partial(normalise_identifier, kind))
    return pa.table(cols, schema=PREPARED_SCHEMA)
