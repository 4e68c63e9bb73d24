"""Calendar quarters."""

from __future__ import annotations

from datetime import date

import pytest

from desist.core.basket import Quarter, latest_complete_quarter


def test_a_quarter_knows_its_days_names_and_neighbours() -> None:
    q = Quarter.parse("2024Q1")
    assert (q.start, q.end) == (date(2024, 1, 1), date(2024, 3, 31))
    assert q.label == "January to March 2024" and q.code == "2024Q1"
    assert Quarter.parse("2023-q4").next() == q and q.previous() == Quarter(2023, 4)
    assert [x.code for x in Quarter(2024, 2).last(3)] == ["2023Q4", "2024Q1", "2024Q2"]
    assert Quarter(2024, 4).end == date(2024, 12, 31)


def test_a_bad_quarter_says_what_is_expected() -> None:
    with pytest.raises(ValueError, match="like 2024Q1"):
        Quarter.parse("2024/5")


def test_latest_complete_quarter() -> None:
    assert latest_complete_quarter(date(2026, 1, 31)) == Quarter(2025, 4)
    assert latest_complete_quarter(date(2025, 12, 31)) == Quarter(2025, 4)
