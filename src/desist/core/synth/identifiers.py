"""Identifiers in the formats agencies use, unique per kind, with valid check characters.

- PNC: ``YYYY/NNNNNNNL``; the check letter is ``ZABCDEFGHJKLMNPQRTUVWXY[int(YY + NNNNNNN) % 23]``, as in the
  MoJ's person-record service. The year is the year of the person's first recorded offence (1975 at
  the earliest). Some extracts print the short form ``YY/NNNNNL`` (serial without leading zeros).
- CRN (probation case reference): ``X`` and six digits (further letters only beyond 900,000 cases).
- Prison number: a letter (A or G), four digits, two letters (``A1234BC``).
- NHS number: ten digits with a valid modulus-11 check digit. Numbers start 99, outside the ranges issued
  in England and Wales, so no synthetic number belongs to a real patient's record.
- National Insurance number: two prefix letters allowed by HMRC's rules, six digits, suffix A-D.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ._util import Arr, digits, join, str_col

PNC_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"
_NI_FIRST_BAD = set("DFIQUV")
_NI_SECOND_BAD = set("DFIOQUV")
_NI_BAD_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
NI_PREFIXES: tuple[str, ...] = tuple(
    a + b
    for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    if a not in _NI_FIRST_BAD and b not in _NI_SECOND_BAD and a + b not in _NI_BAD_PREFIXES
)
_LETTERS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def unique_ints(rng: np.random.Generator, high: int, k: int) -> Arr:
    """``k`` distinct integers in [0, high), in random order."""
    if k > high:
        raise ValueError(f"cannot draw {k} distinct values below {high}")
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    if high <= 50 * k:
        return rng.permutation(high)[:k].astype(np.int64)
    out = np.zeros(0, dtype=np.int64)
    while out.shape[0] < k:
        draw = np.concatenate([out, rng.integers(0, high, int((k - out.shape[0]) * 1.05) + 16)])
        _, first = np.unique(draw, return_index=True)
        out = draw[np.sort(first)]
    return out[:k]


def pnc_check(year: Arr, serial: Arr) -> Arr:
    """Index into PNC_LETTERS of the check letter for (four-digit year, serial)."""
    out: Arr = ((np.asarray(year) % 100) * 10_000_000 + np.asarray(serial)) % 23
    return out


def make_pnc(rng: np.random.Generator, year: Arr) -> pa.Array:
    """Long-form PNC ids for people first recorded in ``year``."""
    k = int(np.asarray(year).shape[0])
    serial = 1 + unique_ints(rng, 9_999_999, k)
    return join(digits(year, 4), "/", digits(serial, 7), str_col(_LETTERS_PNC, pnc_check(year, serial)))


_LETTERS_PNC = tuple(PNC_LETTERS)


_CRN_LETTERS = ("X", "Y", "W", "V", "T", "S")


def make_crn(rng: np.random.Generator, k: int) -> pa.Array:
    """Probation case reference numbers: X and six digits, spilling into further letters past 900,000."""
    blocks = max(1, -(-k // 900_000))
    code = unique_ints(rng, blocks * 900_000, k)
    return join(str_col(_CRN_LETTERS, code // 900_000), digits(100_000 + code % 900_000, 6))


def make_prison_numbers(rng: np.random.Generator, k: int) -> pa.Array:
    """Prison (NOMS) numbers."""
    per_letter = 10_000 * 26 * 26
    code = unique_ints(rng, 2 * per_letter, k)
    letter = np.where(code >= per_letter, 1, 0)
    rest = code % per_letter
    return join(
        str_col(("A", "G"), letter),
        digits(rest // 676, 4),
        str_col(_LETTERS, (rest % 676) // 26),
        str_col(_LETTERS, rest % 26),
    )


def nhs_check_digit(base9: Arr) -> Arr:
    """Modulus-11 check digit of nine-digit bases (10 means the base cannot be used)."""
    b = np.asarray(base9, dtype=np.int64)
    total = np.zeros(b.shape[0], dtype=np.int64)
    for pos in range(9):
        digit = (b // 10 ** (8 - pos)) % 10
        total += digit * (10 - pos)
    check = 11 - total % 11
    out: Arr = np.where(check == 11, 0, check)
    return out


def make_nhs(rng: np.random.Generator, k: int) -> pa.Array:
    """NHS numbers with valid check digits, in the unissued 99x range."""
    out = np.zeros(0, dtype=np.int64)
    want = k
    while out.shape[0] < k:
        base = 990_000_000 + unique_ints(rng, 10_000_000, min(10_000_000, int(want * 1.15) + 16))
        check = nhs_check_digit(base)
        good = base[check != 10] * 10 + check[check != 10]
        out = np.concatenate([out, good])
        _, first = np.unique(out, return_index=True)
        out = out[np.sort(first)]
        want = k - out.shape[0]
    return digits(out[:k], 10)


def is_valid_nhs(number: str) -> bool:
    """True for ten digits whose last is the modulus-11 check digit of the first nine."""
    if len(number) != 10 or not number.isdigit():
        return False
    check = int(nhs_check_digit(np.array([int(number[:9])]))[0])
    return check != 10 and check == int(number[9])


def make_ni(rng: np.random.Generator, k: int) -> pa.Array:
    """National Insurance numbers."""
    per_prefix = 1_000_000 * 4
    code = unique_ints(rng, len(NI_PREFIXES) * per_prefix, k)
    prefix = code // per_prefix
    rest = code % per_prefix
    return join(str_col(NI_PREFIXES, prefix), digits(rest // 4, 6), str_col(("A", "B", "C", "D"), rest % 4))


def make_phone(rng: np.random.Generator, k: int) -> pa.Array:
    """UK mobile numbers (07 then nine digits, never the 070 personal or 076 pager ranges)."""
    third = np.array([1, 2, 3, 4, 5, 7, 8, 9])[rng.integers(0, 8, k)]
    return join("07", digits(third, 1), digits(rng.integers(0, 100_000_000, k), 8))
