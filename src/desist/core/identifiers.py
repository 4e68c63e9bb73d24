"""The national identifiers' published formats: normalising and validating PNC, CRN, NHS and NI numbers.

Plain Python (no Django). A value is first put in its normal form (`normalise_identifier`: upper case,
no spaces or dashes, a PNC number widened to ``YYYY/NNNNNNNL``), then checked against its format:

- **PNC number** (Police National Computer): the year the record was made, a serial number and a check
  letter, ``YYYY/NNNNNNNL``; systems also print the short form ``YY/NNNNNNL`` without leading zeros.
  The check letter is ``ZABCDEFGHJKLMNPQRTUVWXY[(YY × 10,000,000 + serial) mod 23]`` over the year's last
  two digits and the seven-digit serial (the letters I, O and S are never used).
- **CRN** (probation case reference number, nDelius): one letter and six digits, such as ``X123456``.
- **NHS number**: ten digits; the tenth is the modulus 11 check digit of the first nine (weights 10 down
  to 2; 11 becomes 0, and a base whose check would be 10 is never issued). Ten identical digits are not
  issued either.
- **National Insurance number** (HMRC): two prefix letters, six digits and a suffix letter A, B, C or D.
  The first letter is never D, F, I, Q, U or V; the second never D, F, I, O, Q, U or V; the prefixes BG,
  GB, KN, NK, NT, TN and ZZ are not allocated.

A check letter or digit catches any single mistyped digit, so a mistyped number is refused, not stored.
Prison numbers and local identifiers have no published check and are only normalised.
"""

from __future__ import annotations

import re

from desist.core.names import normalise_identifier

PNC_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"
CHECKED_KINDS = ("pnc", "crn", "nhs_number", "ni_number")

_PNC = re.compile(r"^(\d{4})/(\d{7})([A-Z])$")
_CRN = re.compile(r"^[A-Z]\d{6}$")
_NHS = re.compile(r"^\d{10}$")
_NINO = re.compile(r"^([A-Z]{2})(\d{6})([A-Z])$")
_NINO_FIRST_BAD = frozenset("DFIQUV")
_NINO_SECOND_BAD = frozenset("DFIOQUV")
_NINO_BAD_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


class InvalidIdentifier(ValueError):
    """A value that is not a valid identifier of its kind. The message says which format it should have."""


def pnc_check_letter(year: int, serial: int) -> str:
    """The check letter of a PNC number from its year (two or four digits) and serial number."""
    return PNC_LETTERS[((year % 100) * 10_000_000 + serial) % 23]


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus 11 check digit of an NHS number's first nine digits, or None when no number has them."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 10:
        return None
    return 0 if check == 11 else check


def identifier_problem(kind: str, value: str | None) -> str:
    """Why `value` is not a valid identifier of `kind` ('' when it is, or when it is blank or unchecked)."""
    normal = normalise_identifier(kind, value)
    if not normal or kind not in CHECKED_KINDS:
        return ""
    shown = (value or "").strip()
    if kind == "pnc":
        match = _PNC.match(normal)
        if not match:
            return (
                f"{shown!r} is not a PNC number (year, serial number and check letter, such as 2004/0012345D)"
            )
        year, serial, letter = match.groups()
        if letter != pnc_check_letter(int(year), int(serial)):
            return (
                f"{shown!r} is not a valid PNC number: "
                "its check letter does not fit the year and serial number"
            )
    elif kind == "crn":
        if not _CRN.match(normal):
            return f"{shown!r} is not a case reference number (a letter and six digits, such as X123456)"
    elif kind == "nhs_number":
        if not _NHS.match(normal):
            return f"{shown!r} is not an NHS number (ten digits, such as 943 476 5919)"
        if len(set(normal)) == 1 or nhs_check_digit(normal[:9]) != int(normal[9]):
            return f"{shown!r} is not a valid NHS number: its check digit does not fit the other nine"
    elif kind == "ni_number":
        match = _NINO.match(normal)
        if not match or match[3] not in "ABCD":
            return (
                f"{shown!r} is not a National Insurance number (two letters, six digits and A, B, C or D, "
                "such as AB123456C)"
            )
        prefix = match[1]
        if prefix[0] in _NINO_FIRST_BAD or prefix[1] in _NINO_SECOND_BAD or prefix in _NINO_BAD_PREFIXES:
            return f"{shown!r} is not a valid National Insurance number: no number starts {prefix}"
    return ""


def validate_identifier(kind: str, value: str | None) -> str:
    """The identifier in its normal form; raises InvalidIdentifier when it breaks its published format."""
    problem = identifier_problem(kind, value)
    if problem:
        raise InvalidIdentifier(problem)
    return normalise_identifier(kind, value)


def is_valid_identifier(kind: str, value: str | None) -> bool:
    """True when `value` is blank or a valid identifier of `kind` (unchecked kinds are always valid)."""
    return not identifier_problem(kind, value)
