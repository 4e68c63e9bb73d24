"""Victim Contact Scheme eligibility (RULES.md §7) and notification deadlines, on their edges."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from desist.core.victims import notification_deadline, vcs_eligibility, working_days_before
from desist.core.working_days import is_working_day


def test_a_violent_offence_with_twelve_months_custody_is_eligible():
    result = vcs_eligibility({"violence"}, custody_days=365)
    assert result.eligible
    assert result.reasons == ("violence offence", "365 days' custody (at least 365)")


def test_one_day_under_twelve_months_is_not():
    result = vcs_eligibility({"violence"}, custody_days=364)
    assert not result.eligible and "364 days' custody, under 365" in result.reasons


def test_a_sexual_offence_is_eligible_and_a_burglary_is_not():
    assert vcs_eligibility({"sexual"}, custody_days=800).eligible
    burglary = vcs_eligibility(set(), custody_days=800)
    assert not burglary.eligible and burglary.reasons[0] == "not a sexual or violence offence"


def test_domestic_abuse_alone_is_not_a_qualifying_group_but_with_violence_it_is():
    assert not vcs_eligibility({"domestic_abuse"}, custody_days=400).eligible
    assert vcs_eligibility({"domestic_abuse", "violence"}, custody_days=400).eligible


def test_a_hospital_order_counts_and_a_community_sentence_does_not():
    assert vcs_eligibility({"violence"}, custody_days=None, hospital_order=True).eligible
    community = vcs_eligibility({"violence"}, custody_days=None)
    assert not community.eligible and "not a custodial sentence" in community.reasons


def test_the_threshold_and_groups_are_settings():
    assert vcs_eligibility(
        {"robbery"}, custody_days=200, qualifying_groups={"robbery"}, min_custody_days=180
    ).eligible


def test_every_reason_is_given_when_both_fail():
    assert len(vcs_eligibility(set(), custody_days=10).reasons) == 2


def test_five_working_days_before_a_monday_is_the_monday_before():
    assert working_days_before(date(2026, 12, 7), 5) == date(2026, 11, 30)


def test_the_notice_deadline_skips_the_bank_holidays_of_christmas():
    # 5 January 2027: back over 1 January, 28, 25 December (bank holidays) and the weekends.
    assert working_days_before(date(2027, 1, 5), 5) == date(2026, 12, 24)


def test_the_deadline_is_before_the_event_or_today_at_short_notice():
    ahead = notification_deadline(date(2026, 12, 7), on=date(2026, 11, 2), working_days=5)
    assert (ahead.due, ahead.short_notice) == (date(2026, 11, 30), False)
    short = notification_deadline(date(2026, 12, 7), on=date(2026, 12, 3), working_days=5)
    assert (short.due, short.short_notice) == (date(2026, 12, 3), True)
    exact = notification_deadline(date(2026, 12, 7), on=date(2026, 11, 30), working_days=5)
    assert (exact.due, exact.short_notice) == (date(2026, 11, 30), False)


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)), st.integers(0, 30))
def test_a_deadline_is_never_a_weekend_unless_today_nor_after_the_event(event, days):
    on = date(2020, 1, 1)
    deadline = notification_deadline(event, on=on, working_days=days)
    assert deadline.due <= max(event, on)
    if days and not deadline.short_notice:
        assert is_working_day(deadline.due)
