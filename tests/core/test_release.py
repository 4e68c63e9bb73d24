"""Release-date rules, HDC, early-release schemes, short notice and escalation points (RULES.md §7)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desist.core.release import (
    TASK_KINDS,
    CustodialSentence,
    DateChange,
    EarlyReleaseScheme,
    OffenceGroup,
    SentenceType,
    add_months,
    add_years,
    date_change_kind,
    escalation_milestone,
    hdc_eligibility,
    is_short_notice,
    offence_groups,
    readiness,
    release_dates,
    scheme_eligibility,
    task_due_date,
)

BEFORE_SDS40 = date(2024, 1, 10)


def test_add_years_and_months_handle_leap_days():
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 11, 15), 14) == date(2026, 1, 15)


def test_standard_sentence_releases_at_half_with_top_up():
    dates = release_dates(CustodialSentence(sentence_date=BEFORE_SDS40, length_days=365))
    assert dates.conditional_release == BEFORE_SDS40 + timedelta(days=183)  # half of 365, rounded up
    assert dates.licence_expiry == BEFORE_SDS40 + timedelta(days=365)
    assert dates.sentence_expiry == add_months(
        dates.conditional_release, 12
    )  # top-up to 12 months after release
    assert dates.automatic_release and dates.parole_eligibility is None
    assert any("release at half" in line for line in dates.working)


def test_sds40_applies_from_its_start_except_to_excluded_groups():
    start = date(2024, 9, 10)
    assert release_dates(
        CustodialSentence(sentence_date=start, length_days=500)
    ).conditional_release == start + timedelta(days=200)
    assert release_dates(
        CustodialSentence(sentence_date=start - timedelta(days=1), length_days=500)
    ).conditional_release == start - timedelta(days=1) + timedelta(days=250)
    sexual = CustodialSentence(sentence_date=start, length_days=500, offence_groups=frozenset({"sexual"}))
    assert release_dates(sexual).conditional_release == start + timedelta(days=250)
    # Violence is excluded only with 4 years or more (leap-year aware: 1,461 days from 2024-09-10).
    violent = dict(sentence_date=start, offence_groups=frozenset({"violence"}))
    assert release_dates(
        CustodialSentence(length_days=1460, **violent)
    ).conditional_release == start + timedelta(days=584)
    assert release_dates(
        CustodialSentence(length_days=1461, **violent)
    ).conditional_release == start + timedelta(days=731)  # half of 1,461 rounded up


def test_long_sexual_or_violent_sentences_release_at_two_thirds_without_top_up():
    dates = release_dates(
        CustodialSentence(
            sentence_date=BEFORE_SDS40, length_days=7 * 365 + 2, offence_groups=frozenset({"violence"})
        )
    )
    assert dates.conditional_release == BEFORE_SDS40 + timedelta(days=1705)  # ceil(2557 * 2/3)
    assert dates.sentence_expiry == dates.licence_expiry


def test_extended_sopc_and_indeterminate_sentences():
    eds = release_dates(
        CustodialSentence(
            sentence_date=BEFORE_SDS40, length_days=900, sentence_type="extended", extended_licence_days=1095
        )
    )
    assert eds.parole_eligibility == BEFORE_SDS40 + timedelta(days=600)
    assert eds.conditional_release == BEFORE_SDS40 + timedelta(days=900)
    assert eds.licence_expiry == BEFORE_SDS40 + timedelta(days=1995)
    assert not eds.hdc_eligible and "serving an extended sentence" in eds.hdc_reasons
    sopc = release_dates(CustodialSentence(sentence_date=BEFORE_SDS40, length_days=730, sentence_type="sopc"))
    assert sopc.parole_eligibility == BEFORE_SDS40 + timedelta(days=365)
    assert sopc.licence_expiry == add_years(BEFORE_SDS40 + timedelta(days=730), 1)
    life = release_dates(
        CustodialSentence(
            sentence_date=BEFORE_SDS40,
            length_days=0,
            sentence_type=SentenceType.INDETERMINATE,
            tariff_expiry=date(2040, 1, 1),
        )
    )
    assert life.conditional_release is None and not life.automatic_release
    assert life.parole_eligibility == date(2040, 1, 1)


# --- HDC (RULES.md §7) -----------------------------------------------------------------------------------


def hdc(length: int, **extra: object) -> tuple[date | None, tuple[str, ...]]:
    s = CustodialSentence(sentence_date=BEFORE_SDS40, length_days=length, **extra)  # type: ignore[arg-type]
    return hdc_eligibility(s, release_dates(s).conditional_release)


def test_hdc_needs_at_least_twelve_weeks_and_under_four_years():
    assert hdc(83)[0] is None and "sentence under 12 weeks (83 days)" in hdc(83)[1]
    assert hdc(84)[0] == BEFORE_SDS40 + timedelta(days=28)  # custodial 42 days: max(28, 21) = 28
    four_years = (
        add_years(BEFORE_SDS40, 4) - BEFORE_SDS40
    ).days  # 1,461: 2024 and 2028 leap days counted once
    assert hdc(four_years - 1)[0] is not None
    assert hdc(four_years)[0] is None and "sentence of 4 years or more" in hdc(four_years)[1]


def test_hdc_date_half_the_custodial_period_or_364_days_before_crd():
    # 6 months (182 days): CRD at 91 days; eligible at sentence date + max(28, 46) = 46 days.
    assert hdc(182)[0] == BEFORE_SDS40 + timedelta(days=46)
    # Custodial period 729 days: half of it (365); 730 days: CRD - 364.
    assert hdc(1458)[0] == BEFORE_SDS40 + timedelta(days=365)
    assert hdc(1460)[0] == BEFORE_SDS40 + timedelta(days=730 - 364)


def test_hdc_no_hdc_under_42_days_custodial():
    s = CustodialSentence(sentence_date=date(2024, 9, 10), length_days=100)  # SDS40: custodial 40 days
    date_, reasons = hdc_eligibility(s, release_dates(s).conditional_release)
    assert date_ is None and reasons == ("custodial period under 42 days (40 days)",)


def test_hdc_statutory_exclusions_are_listed():
    when, reasons = hdc(
        365,
        hdc_exclusions=frozenset({"sex_offender_register", "curfew_breach"}),
        offence_groups=frozenset({"terrorism"}),
    )
    assert when is None
    assert reasons == (
        "returned to custody for breaching a curfew condition during this sentence",
        "subject to sex offender notification requirements",
        "convicted of a terrorism offence",
    )


@given(st.integers(min_value=84, max_value=1460), st.dates(date(2000, 1, 1), date(2040, 1, 1)))
def test_hdc_date_is_between_sentence_and_crd_and_monotonic(length: int, sentenced: date):
    s = CustodialSentence(sentence_date=sentenced, length_days=length)
    crd = release_dates(s).conditional_release
    assert crd is not None
    when, _ = hdc_eligibility(s, crd)
    if when is not None:
        assert sentenced + timedelta(days=14) <= when < crd
        longer = CustodialSentence(sentence_date=sentenced, length_days=length + 1)
        later, _ = hdc_eligibility(longer, release_dates(longer).conditional_release)
        assert later is None or later >= when


@given(st.integers(min_value=1, max_value=5000), st.dates(date(2000, 1, 1), date(2040, 1, 1)))
def test_release_dates_are_in_order_and_grow_with_length(length: int, sentenced: date):
    dates = release_dates(CustodialSentence(sentence_date=sentenced, length_days=length))
    assert dates.conditional_release and dates.licence_expiry and dates.sentence_expiry
    assert sentenced <= dates.conditional_release <= dates.licence_expiry <= dates.sentence_expiry
    longer = release_dates(CustodialSentence(sentence_date=sentenced, length_days=length + 1))
    assert longer.licence_expiry and longer.licence_expiry > dates.licence_expiry


# --- Early release schemes ----------------------------------------------------------------------------


ECSL = EarlyReleaseScheme(
    name="End of Custody Supervised Licence (70 days)",
    starts_on=date(2024, 5, 23),
    ends_on=date(2024, 9, 9),
    days_early=70,
    excluded_offence_groups=frozenset({"sexual", "terrorism"}),
    long_sentence_groups=frozenset({"violence"}),
    long_sentence_days=1461,
    plan_required=True,
)


def ecsl(
    length: int = 300,
    groups: frozenset[str] = frozenset(),
    *,
    approved: bool = True,
    on: date = date(2024, 6, 1),
    release: date = date(2024, 8, 1),
    parole: bool = False,
):
    s = CustodialSentence(
        sentence_date=date(2024, 1, 1), length_days=length, offence_groups=groups, parole_board_case=parole
    )
    return scheme_eligibility(ECSL, s, release_date=release, on=on, plan_approved=approved)


def test_scheme_eligible_releases_early_only_with_an_approved_plan():
    result = ecsl()
    assert result.eligible and result.releasable_early and result.status == "releasable_early"
    assert result.earliest_release == date(2024, 6, 1)  # 70 days before 1 Aug is 23 May; not before today
    waiting = ecsl(approved=False)
    assert waiting.eligible and not waiting.releasable_early and waiting.status == "waiting_for_plan"
    assert waiting.waiting_for == ("an approved risk management plan",)


def test_scheme_exclusions_give_reasons():
    assert ecsl(groups=frozenset({"sexual"})).reasons == ("excluded offence group: sexual offence",)
    assert ecsl(length=1460, groups=frozenset({"violence"})).eligible
    assert ecsl(length=1461, groups=frozenset({"violence"})).reasons == (
        "excluded: violent offence with a sentence of 1461 days or more",
    )
    assert ecsl(parole=True).reasons == ("a Parole Board case",)
    assert ecsl(on=date(2024, 9, 10), release=date(2024, 12, 1)).reasons == (
        "the scheme is not in force on 10 September 2024",
    )
    assert not ecsl(release=date(2024, 5, 1)).eligible


def test_scheme_without_plan_requirement_and_length_bounds():
    scheme = EarlyReleaseScheme(
        name="Local",
        starts_on=date(2024, 1, 1),
        ends_on=None,
        days_early=10,
        min_sentence_days=28,
        max_sentence_days=1000,
        plan_required=False,
    )
    s = CustodialSentence(sentence_date=date(2024, 1, 1), length_days=27)
    assert scheme_eligibility(
        scheme, s, release_date=date(2024, 3, 1), on=date(2024, 2, 1), plan_approved=False
    ).reasons == ("sentence under 28 days",)
    s = CustodialSentence(sentence_date=date(2024, 1, 1), length_days=200)
    result = scheme_eligibility(
        scheme, s, release_date=date(2024, 3, 1), on=date(2024, 2, 1), plan_approved=False
    )
    assert result.releasable_early and result.earliest_release == date(2024, 2, 20)


# --- Short notice, escalation, readiness -----------------------------------------------------------------


def test_date_change_kinds_and_short_notice_boundary():
    today = date(2025, 3, 1)
    assert date_change_kind(None, today) == DateChange.SET
    assert date_change_kind(today, today - timedelta(days=1)) == DateChange.BROUGHT_FORWARD
    assert date_change_kind(today, today + timedelta(days=1)) == DateChange.PUT_BACK
    assert date_change_kind(today, today) == DateChange.CONFIRMED
    assert is_short_notice("set", release_date=today + timedelta(days=13), changed_on=today)
    assert not is_short_notice("set", release_date=today + timedelta(days=14), changed_on=today)
    assert is_short_notice("confirmed", release_date=today, changed_on=today)
    assert not is_short_notice("put_back", release_date=today + timedelta(days=3), changed_on=today)
    assert is_short_notice(
        "brought_forward", release_date=today + timedelta(days=20), changed_on=today, threshold_days=21
    )


@pytest.mark.parametrize(
    ("days", "milestone"),
    [
        (85, None),
        (84, 12),
        (29, 12),
        (28, 4),
        (8, 4),
        (7, 1),
        (0, 1),
        (-1, None),
    ],
)
def test_escalation_milestones(days: int, milestone: int | None):
    today = date(2025, 1, 1)
    assert escalation_milestone(release_date=today + timedelta(days=days), on=today) == milestone


@given(st.integers(min_value=-5, max_value=200))
def test_escalation_milestone_never_rises_as_release_nears(days: int):
    today = date(2025, 1, 1)
    now = escalation_milestone(release_date=today + timedelta(days=days), on=today)
    later = escalation_milestone(release_date=today + timedelta(days=days), on=today + timedelta(days=1))
    if now is not None and later is not None:
        assert later <= now


def test_readiness_bands():
    assert readiness(closed=0, total=11) == readiness(closed=0, total=0)
    assert readiness(closed=0, total=11).band == "not_started"
    assert readiness(closed=1, total=11).band == "in_progress"
    assert readiness(closed=9, total=11).band == "nearly"
    assert readiness(closed=11, total=11).percent == 100 and readiness(closed=11, total=11).band == "ready"


def test_task_due_dates_never_before_today():
    kind = TASK_KINDS["accommodation_address"]
    today = date(2025, 1, 1)
    assert task_due_date(kind, release_date=today + timedelta(days=60), on=today) == today + timedelta(
        days=32
    )
    assert task_due_date(kind, release_date=today + timedelta(days=5), on=today) == today


def test_offence_groups_from_categories_and_flags():
    assert offence_groups(["Violence", "Burglary (domestic)"], domestic_abuse=True) == frozenset(
        {OffenceGroup.VIOLENCE, OffenceGroup.DOMESTIC_ABUSE}
    )
    assert offence_groups(["Sexual (against child)"], terrorism=True) == frozenset({"sexual", "terrorism"})
