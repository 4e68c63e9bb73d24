"""The IOM steering group's wait summary: count, median and bands, with the edges."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desist.core.iom_steering import DAY_BANDS, days_summary


def test_no_waits_has_no_median():
    summary = days_summary([])
    assert summary.count == 0 and summary.median is None
    assert [n for _, n in summary.bands] == [0, 0, 0, 0]


def test_median_of_an_odd_and_an_even_count():
    assert days_summary([30, 1, 10]).median == 10.0
    assert days_summary([1, 10, 30, 100]).median == 20.0


def test_band_edges_are_inclusive():
    summary = days_summary([0, 7, 8, 28, 29, 91, 92])
    assert [n for _, n in summary.bands] == [2, 2, 2, 1]
    assert [label for label, _ in summary.bands] == [label for _, label in DAY_BANDS]


def test_a_negative_wait_is_refused():
    with pytest.raises(ValueError):
        days_summary([3, -1])


def test_the_last_band_must_be_open():
    with pytest.raises(ValueError):
        days_summary([1], bands=((7, "a week"),))


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=0, max_value=2000), max_size=40))
def test_every_wait_falls_in_exactly_one_band(days):
    summary = days_summary(days)
    assert sum(n for _, n in summary.bands) == summary.count == len(days)
    if days:
        assert min(days) <= summary.median <= max(days)
