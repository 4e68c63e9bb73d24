"""Subject access deadlines (desist.core.subject_access): the ICO's worked examples ("Right of access: How
long do we have to comply?", ico.org.uk) and the edges."""

from __future__ import annotations

from datetime import date

import pytest

from desist.core import subject_access as sar

# The ICO's examples: (received, due), with the years chosen so that the due day is a working day.
ICO_EXAMPLES = [
    # "An organisation receives a request on 3 September... until 3 October to comply."
    (date(2024, 9, 3), date(2024, 10, 3)),
    # "...receives a request on 31 March... As there is no equivalent date in April, ... until 30 April."
    (date(2025, 3, 31), date(2025, 4, 30)),
]


@pytest.mark.parametrize(("received", "due"), ICO_EXAMPLES)
def test_the_icos_examples(received, due):
    assert sar.response_due(received) == due


def test_a_deadline_on_a_weekend_or_bank_holiday_moves_to_the_next_working_day():
    # 31 January 2026 + 1 month: 28 February 2026, a Saturday: Monday 2 March.
    assert sar.response_due(date(2026, 1, 31)) == date(2026, 3, 2)
    # 25 November 2025 + 1 month: Christmas Day, then Boxing Day, then the weekend: Monday 29 December.
    assert sar.response_due(date(2025, 11, 25)) == date(2025, 12, 29)


def test_the_clock_starts_when_proof_of_identity_arrives():
    assert sar.response_due(date(2024, 9, 3), identity_verified_on=date(2024, 9, 10)) == date(2024, 10, 10)
    # Proof already held: the day received.
    assert sar.response_due(date(2024, 9, 3), identity_verified_on=date(2024, 9, 1)) == date(2024, 10, 3)


def test_an_extension_is_up_to_two_further_months():
    assert sar.response_due(date(2025, 1, 10), extension_months=2) == date(2025, 4, 10)
    assert sar.response_due(date(2024, 11, 30), extension_months=2) == date(2025, 2, 28)  # a Friday
    with pytest.raises(ValueError, match="0 to 2 months"):
        sar.response_due(date(2025, 1, 10), extension_months=3)
    with pytest.raises(ValueError):
        sar.response_due(date(2025, 1, 10), extension_months=-1)


def test_days_left_counts_calendar_days_and_goes_negative_when_overdue():
    assert sar.days_left(date(2025, 4, 30), date(2025, 4, 30)) == 0
    assert sar.days_left(date(2025, 4, 30), date(2025, 4, 20)) == 10
    assert sar.days_left(date(2025, 4, 30), date(2025, 5, 2)) == -2


def test_leap_day():
    assert sar.add_months(date(2024, 1, 29), 1) == date(2024, 2, 29)
    assert sar.add_months(date(2024, 1, 30), 1) == date(2024, 2, 29)
    assert sar.add_months(date(2023, 1, 29), 1) == date(2023, 2, 28)
