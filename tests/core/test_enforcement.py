"""The breach rules (Sentencing Act 2020 Sch 10 paras 5 and 6), the enforcement clock, requirement limits and
progress (Sch 9), and fixed-term recall lengths (CJA 2003 ss.255B and 255C, the 56-day recall)."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from desist.core.enforcement import (
    Action,
    ClockStatus,
    EnforcementPolicy,
    Progress,
    RecallKind,
    add_months,
    enforcement_clock,
    fixed_term_recall,
    limits_for,
    next_action,
    recall_length,
    requirement_problems,
    unpaid_work_progress,
    warning_window_end,
)
from desist.core.working_days import is_working_day

WARNED = date(2026, 3, 3)


def act(failed_on, warnings=(WARNED,), judgement="unacceptable", **kw):
    return next_action(failed_on=failed_on, judgement=judgement, warnings_on=warnings, **kw)


# --- Warnings and referrals -------------------------------------------------------------------------------


def test_a_first_unacceptable_failure_may_be_warned_or_referred():
    decision = act(date(2026, 3, 3), warnings=())
    assert decision.action is Action.WARNING_OR_REFERRAL and decision.warning_allowed


def test_a_second_failure_within_12_months_of_a_warning_must_be_referred_and_says_why():
    decision = act(date(2026, 9, 1))
    assert decision.referral_required and not decision.warning_allowed
    assert "A warning was given on 3 March 2026, within 12 months" in decision.reason
    assert decision.window_ends == date(2027, 3, 2)


def test_the_last_day_of_the_12_months_is_within_them():
    assert act(date(2027, 3, 2)).referral_required


def test_the_anniversary_is_outside_the_12_months_beginning_with_the_warning():
    # "the period of 12 months beginning with the date on which the warning was given" ends on 2 March 2027.
    assert act(date(2027, 3, 3)).warning_allowed


def test_the_anniversary_is_inside_when_the_setting_says_so():
    policy = EnforcementPolicy(anniversary_in_window=True)
    assert act(date(2027, 3, 3), policy=policy).referral_required
    assert act(date(2027, 3, 4), policy=policy).warning_allowed


def test_a_warning_after_the_failure_does_not_count():
    assert act(date(2026, 3, 2)).warning_allowed


def test_the_latest_covering_warning_is_named():
    decision = act(date(2026, 12, 1), warnings=(date(2026, 1, 10), date(2026, 6, 1)))
    assert decision.warning_on == date(2026, 6, 1)


def test_a_warning_on_29_february_runs_to_27_february():
    assert warning_window_end(date(2028, 2, 29)) == date(2029, 2, 27)


def test_an_acceptable_or_pending_failure_is_not_enforced():
    assert act(date(2026, 4, 1), judgement="acceptable").action is Action.NONE
    assert act(date(2026, 4, 1), judgement="pending").action is Action.JUDGE_FIRST


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    st.integers(0, 800),
)
def test_referral_is_required_exactly_inside_the_window(warned, after):
    from datetime import timedelta

    failed = warned + timedelta(days=after)
    decision = act(failed, warnings=(warned,))
    assert decision.referral_required == (failed < add_months(warned, 12))


# --- The clock --------------------------------------------------------------------------------------------


def test_the_clock_is_ten_working_days_skipping_bank_holidays():
    clock = enforcement_clock(failed_on=date(2026, 12, 21), action_on=None, on=date(2026, 12, 30))
    assert clock.due_on == date(2027, 1, 7)
    assert clock.status is ClockStatus.RUNNING and clock.days_used == 5
    assert enforcement_clock(failed_on=date(2026, 12, 21), action_on=None, on=date(2027, 1, 8)).late


def test_an_action_on_the_due_date_is_in_time_and_a_day_later_is_late():
    met = enforcement_clock(failed_on=date(2026, 12, 21), action_on=date(2027, 1, 7), on=date(2027, 2, 1))
    assert met.status is ClockStatus.MET and met.days_used == 10
    late = enforcement_clock(failed_on=date(2026, 12, 21), action_on=date(2027, 1, 8), on=date(2027, 2, 1))
    assert late.status is ClockStatus.LATE and late.days_used == 11


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)))
def test_the_due_date_is_always_a_working_day(failed):
    assert is_working_day(enforcement_clock(failed_on=failed, action_on=None, on=failed).due_on)


# --- Requirement limits -----------------------------------------------------------------------------------


def test_unpaid_work_is_40_to_300_hours():
    assert requirement_problems("unpaid_work", offence_on=None, amount=40) == []
    assert requirement_problems("unpaid_work", offence_on=None, amount=300) == []
    assert "At least 40 hours" in requirement_problems("unpaid_work", offence_on=None, amount=39)[0]
    assert "At most 300 hours" in requirement_problems("unpaid_work", offence_on=None, amount=301)[0]


def test_curfew_limits_follow_the_offence_date():
    after, before = date(2022, 6, 28), date(2022, 6, 27)
    assert limits_for("curfew", offence_on=after).max_hours_a_day == 20
    assert limits_for("curfew", offence_on=before).max_hours_a_day == 16
    assert requirement_problems("curfew", offence_on=after, hours_a_day=20, hours_a_week=112) == []
    assert len(requirement_problems("curfew", offence_on=after, hours_a_day=21, hours_a_week=113)) == 2
    assert requirement_problems("curfew", offence_on=after, hours_a_day=1)
    assert requirement_problems("curfew", offence_on=before, hours_a_day=17)


def test_a_curfew_of_two_years_only_for_offences_from_28_june_2022():
    two_years = {"start": date(2024, 1, 1), "end": date(2025, 12, 31)}
    assert requirement_problems("curfew", offence_on=date(2022, 6, 28), **two_years) == []
    assert "At most 12 months" in requirement_problems("curfew", offence_on=date(2022, 6, 1), **two_years)[0]
    assert requirement_problems(
        "curfew", offence_on=date(2022, 7, 1), start=date(2024, 1, 1), end=date(2026, 1, 1)
    )


def test_exclusion_up_to_two_years_and_aamr_up_to_120_days():
    assert requirement_problems("exclusion", offence_on=None, start=date(2026, 1, 1), end=date(2028, 1, 1))
    assert requirement_problems("aamr", offence_on=None, amount=120) == []
    assert requirement_problems("aamr", offence_on=None, amount=121)


def test_a_kind_without_limits_has_no_problems():
    assert requirement_problems("residence", offence_on=None, amount=10_000) == []


# --- Progress ---------------------------------------------------------------------------------------------


START = date(2026, 1, 15)


def test_unpaid_work_progress_and_the_12_months():
    progress = unpaid_work_progress(ordered_hours=100, done_hours=40, start=START, on=date(2026, 6, 1))
    assert (progress.hours.left, progress.hours.percent, progress.due_by) == (60, 40, date(2027, 1, 14))
    assert progress.months_left == 7 and not progress.overdue
    late = unpaid_work_progress(ordered_hours=100, done_hours=99, start=START, on=date(2027, 1, 15))
    assert late.overdue and late.months_left == 0
    done = unpaid_work_progress(ordered_hours=100, done_hours=100, start=START, on=date(2027, 3, 1))
    assert not done.overdue and done.hours.complete


def test_rar_days_over_the_maximum_are_flagged():
    assert Progress(done=21, ordered=20).over and Progress(done=21, ordered=20).left == 0
    assert Progress(done=9, ordered=18).percent == 50


@given(st.integers(0, 400), st.integers(0, 400))
def test_progress_percent_is_bounded(done, ordered):
    assert 0 <= Progress(done=done, ordered=ordered).percent <= 100


# --- Recall -----------------------------------------------------------------------------------------------


def test_fixed_term_recall_is_14_or_28_days_before_the_56_day_recall():
    short = fixed_term_recall(term_days=300, twelve_months_or_more=False, recalled_on=date(2026, 3, 30))
    assert (short.kind, short.days) == (RecallKind.FTR_14, 14)
    long = fixed_term_recall(term_days=700, twelve_months_or_more=True, recalled_on=date(2026, 3, 30))
    assert (long.kind, long.days) == (RecallKind.FTR_28, 28)


def test_the_56_day_recall_reaches_terms_by_tranche():
    first = fixed_term_recall(term_days=700, twelve_months_or_more=True, recalled_on=date(2026, 3, 31))
    assert (first.kind, first.days) == (RecallKind.FTR_56, 56)

    def ftr(on):
        return fixed_term_recall(term_days=2000, twelve_months_or_more=True, recalled_on=on)

    # A term of 2,000 days is in the second tranche, from 14 April 2026.
    assert ftr(date(2026, 4, 13)).days == 28
    assert ftr(date(2026, 4, 14)).days == 56


def test_a_standard_recall_has_no_fixed_length():
    standard = recall_length(
        "standard", term_days=700, twelve_months_or_more=True, recalled_on=date(2026, 5, 1)
    )
    assert standard.kind is RecallKind.STANDARD and standard.days is None
