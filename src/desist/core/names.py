"""Name and identifier normalisation shared by search and record linkage.

Plain Python (no Django). Names are compared on keys that survive the usual faults of agency records:
case, punctuation, accents, nicknames (Bill for William) and small typos (by phonetic codes).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

import jellyfish
from nicknames import NickNamer

_NON_LETTERS = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")


def normalise_name(name: str | None) -> str:
    """Lower case, accents folded, hyphens and apostrophes dropped, single spaces: "O'Brien-Smith" →
    "obriensmith"."""
    if not name:
        return ""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    folded = folded.replace("-", "").replace("'", "")
    return _SPACES.sub(" ", _NON_LETTERS.sub(" ", folded)).strip()


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    return NickNamer()


def first_name_key(name: str | None) -> str:
    """The first word of a first name, normalised ("Mary-Jane" → "maryjane")."""
    parts = normalise_name(name).split(" ")
    return parts[0] if parts else ""


@lru_cache(maxsize=65536)
def first_name_variants(name: str | None) -> frozenset[str]:
    """Every name that may stand for this first name: itself, its canonicals and their nicknames."""
    key = first_name_key(name)
    if not key:
        return frozenset()
    namer = _nicknamer()
    variants = {key}
    canonicals = namer.canonicals_of(key) | {key}
    for canonical in canonicals:
        variants.add(canonical)
        variants.update(namer.nicknames_of(canonical))
    return frozenset(variants)


def last_name_keys(name: str | None) -> tuple[str, str, str]:
    """(normalised, Soundex, Metaphone) keys of a last name; empty strings for no name."""
    key = normalise_name(name).replace(" ", "")
    if not key:
        return "", "", ""
    return key, jellyfish.soundex(key), jellyfish.metaphone(key)[:32]


def name_similarity(a: str | None, b: str | None) -> float:
    """Jaro–Winkler similarity of two normalised names, 0 to 1."""
    left, right = normalise_name(a), normalise_name(b)
    if not left or not right:
        return 0.0
    return float(jellyfish.jaro_winkler_similarity(left, right))


def first_name_similarity(a: str | None, b: str | None) -> float:
    """Similarity of first names, counting a nickname as a full match."""
    if a and b and first_name_key(b) in first_name_variants(a):
        return 1.0
    return name_similarity(a, b)


_IDENTIFIER_JUNK = re.compile(r"[^A-Z0-9/]")
_PNC = re.compile(r"^(\d{2}|\d{4})/(\d{1,7})([A-Z])$")
_PNC_NO_SLASH = re.compile(r"^(\d{4})(\d{7})([A-Z])$")


def normalise_identifier(kind: str, value: str | None) -> str:
    """Upper case, without spaces or dashes; a PNC number as YYYY/NNNNNNNL (two-digit years widened)."""
    if not value:
        return ""
    cleaned = _IDENTIFIER_JUNK.sub("", value.upper())
    if kind == "pnc":
        # "2012 0012345A" typed with a space instead of the slash loses its separator above.
        match = _PNC.match(cleaned) or _PNC_NO_SLASH.match(cleaned)
        if match:
            year, serial, letter = match.groups()
            if len(year) == 2:
                # A two-digit year later than this year's can only be last century.
                year = ("19" if int(year) > date.today().year % 100 else "20") + year
            return f"{year}/{int(serial):07d}{letter}"
    return cleaned.replace("/", "") if kind != "pnc" else cleaned
