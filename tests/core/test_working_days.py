"""Working days in England and Wales: weekends and bank holidays skipped (desist.core.working_days)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from desist.core.working_days import (
    add_working_days,
    bank_holidays,
    is_bank_holiday,
    is_working_day,
    working_days_before,
    working_days_between,
)

DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2032, 12, 31))


def test_the_bank_holidays_of_2026_in_england_and_wales():
    assert bank_holidays([2026]) == {
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 4),
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),
        date(2026, 12, 28),  # Boxing Day on a Saturday: the Monday after
    } | {date(2026, 12, 26)}


def test_scotland_s_own_holidays_are_not_england_s():
    assert not is_bank_holiday(date(2026, 1, 2))  # 2 January: Scotland only
    assert not is_bank_holiday(date(2026, 11, 30))  # St Andrew's Day


def test_ten_working_days_over_christmas_skip_the_bank_holidays():
    # Failure on Monday 21 December 2026: 25 and 28 December and 1 January are bank holidays.
    assert add_working_days(date(2026, 12, 21), 10) == date(2027, 1, 7)


def test_easter_is_skipped():
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert working_days_before(date(2026, 4, 7), 1) == date(2026, 4, 2)


def test_zero_working_days_is_the_day_itself():
    assert add_working_days(date(2026, 12, 26), 0) == date(2026, 12, 26)


@given(DAYS, st.integers(1, 60))
def test_adding_working_days_never_lands_on_a_weekend_or_bank_holiday(day, n):
    out = add_working_days(day, n)
    assert out.weekday() < 5 and not is_bank_holiday(out)
    assert out > day


@given(DAYS, st.integers(1, 60))
def test_counting_back_never_lands_on_a_weekend_or_bank_holiday(day, n):
    out = working_days_before(day, n)
    assert is_working_day(out) and out < day


@given(DAYS, DAYS, st.integers(0, 40))
def test_adding_working_days_is_monotonic(a, b, n):
    if a <= b:
        assert add_working_days(a, n) <= add_working_days(b, n)


@given(DAYS, st.integers(0, 40))
def test_more_working_days_is_later(day, n):
    assert add_working_days(day, n) < add_working_days(day, n + 1)


@given(DAYS, st.integers(0, 60))
def test_counting_is_the_inverse_of_adding(day, n):
    assert working_days_between(day, add_working_days(day, n)) == n
    assert add_working_days(working_days_before(day, n), n) >= day - timedelta(days=4)


@given(DAYS, st.integers(1, 40))
def test_between_agrees_with_a_day_by_day_count(day, span):
    end = day + timedelta(days=span)
    expected = sum(1 for k in range(1, span + 1) if is_working_day(day + timedelta(days=k)))
    assert working_days_between(day, end) == expected
