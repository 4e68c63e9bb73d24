"""Path converters for the whole URL configuration (pages and the API)."""

from __future__ import annotations

# The largest value a BigAutoField (PostgreSQL bigint, SQLite INTEGER) can hold.
MAX_ID = 2**63 - 1


class IdConverter:
    """A row id in a URL: digits that fit a 64-bit integer.

    Django's `int` converter takes any number of digits, and a number past the database's integer range
    makes the query itself fail (a 500); here it simply does not match, so the answer is 404.
    """

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("beyond the database's integer range")
        return number

    def to_url(self, value: int | str) -> str:
        return str(int(value))
