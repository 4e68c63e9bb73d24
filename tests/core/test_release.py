"""Early-release schemes, short notice, escalation points, readiness and offence groups (RULES.md §7). The
release dates themselves are the engine's (desist.core.release_dates): tests/core/test_release_dates*.py."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desist.core.release import (
    TASK_KINDS,
    DateChange,
    EarlyReleaseScheme,
    OffenceGroup,
    SchemeFacts,
    SchemeSentence,
    date_change_kind,
    escalation_milestone,
    is_short_notice,
    offence_groups,
    readiness,
    scheme_eligibility,
    task_due_date,
)

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
    facts = SchemeFacts(
        release_date=release,
        term_days=length,
        sentences=(SchemeSentence(offence_groups=groups, term_days=length),),
        parole="parole eligibility 1 Jul 2024" if parole else "",
    )
    return scheme_eligibility(ECSL, facts, on=on, plan_approved=approved)


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
    assert ecsl(parole=True).reasons == ("a Parole Board case (parole eligibility 1 Jul 2024)",)
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
    short = SchemeFacts(release_date=date(2024, 3, 1), term_days=27)
    assert scheme_eligibility(scheme, short, on=date(2024, 2, 1), plan_approved=False).reasons == (
        "sentence under 28 days (27 days)",
    )
    result = scheme_eligibility(
        scheme,
        SchemeFacts(release_date=date(2024, 3, 1), term_days=200),
        on=date(2024, 2, 1),
        plan_approved=False,
    )
    assert result.releasable_early and result.earliest_release == date(2024, 2, 20)


def test_scheme_reads_the_whole_release_served_together():
    """The length bounds read the term served (concurrent and consecutive sentences together); an offence
    group excluded with a long sentence reads the sentence for that offence; no date says why."""
    scheme = EarlyReleaseScheme(
        name="Local",
        starts_on=date(2024, 1, 1),
        ends_on=None,
        days_early=10,
        max_sentence_days=1000,
        long_sentence_groups=frozenset({"violence"}),
        long_sentence_days=1461,
        plan_required=False,
    )
    on = date(2024, 2, 1)
    together = SchemeFacts(
        release_date=date(2024, 3, 1),
        term_days=1100,  # 600 days, then 500 consecutive
        sentences=(
            SchemeSentence(offence_groups=frozenset({"violence"}), term_days=600),
            SchemeSentence(offence_groups=frozenset(), term_days=500),
        ),
    )
    assert scheme_eligibility(scheme, together, on=on, plan_approved=False).reasons == (
        "sentence over 1000 days (1100 days)",
    )
    manual = SchemeFacts(
        release_date=None, term_days=None, no_date="the release date needs a manual calculation"
    )
    assert scheme_eligibility(scheme, manual, on=on, plan_approved=False).reasons == (
        "the release date needs a manual calculation",
    )
    life = SchemeFacts(release_date=date(2024, 3, 1), term_days=None, indeterminate=True)
    assert scheme_eligibility(scheme, life, on=on, plan_approved=False).reasons == ("indeterminate sentence",)


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
