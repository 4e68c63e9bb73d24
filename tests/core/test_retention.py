"""Retention periods (desist.core.retention): when a record reaches the end of its period, and the set-based
cutoff agreeing with it on every day of four years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desist.core import retention as rules


def test_a_record_reaches_the_end_of_its_period_on_the_corresponding_day():
    assert rules.reached_on(date(2019, 6, 1), rules.Period(years=6)) == date(2025, 6, 1)
    assert rules.reached_on(date(2020, 2, 29), rules.Period(years=1)) == date(2021, 2, 28)
    assert rules.reached_on(date(2020, 1, 31), rules.Period(months=1)) == date(2020, 2, 29)
    assert rules.reached_on(date(1925, 12, 7), rules.Period(years=100)) == date(2025, 12, 7)


def test_a_period_is_at_least_a_month():
    with pytest.raises(ValueError):
        rules.Period()
    with pytest.raises(ValueError):
        rules.Period(years=-1, months=13)


@pytest.mark.parametrize(
    "period", [rules.Period(months=1), rules.Period(years=1), rules.Period(years=6, months=5)]
)
def test_the_cutoff_agrees_with_reached_on_for_every_trigger(period):
    # For each day, every trigger on or before the cutoff is due and every one after it is not.
    start = date(2023, 1, 1)
    for offset in range(0, 4 * 366, 3):
        today = start + timedelta(days=offset)
        cut = rules.cutoff(today, period)
        assert rules.is_due(cut, period, today), (today, cut)
        assert not rules.is_due(cut + timedelta(days=1), period, today), (today, cut)
