"""Compliance and enforcement services (issue 14, items 3 and 4): judging failures, warnings and the refused
second warning, referrals to the court's outcome, recall through the release app, requirement progress."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from desist.audit.models import AccessLogEntry
from desist.enforcement import selectors, services
from desist.enforcement.models import CourtOutcome, Failure, Judgement, RecallDecision
from desist.enforcement.services import EnforcementError
from desist.outcomes.models import EnforcementAction
from desist.release.models import Recall
from desist.sentences.models import RequirementStatus
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db


def day(n: int):
    """A date n days before today (the order started 200 days ago)."""
    return TODAY - timedelta(days=n)


def failure(case, n: int, judgement: str = Judgement.UNACCEPTABLE, **extra) -> Failure:
    made = services.record_failure(
        actor=case.officer,
        person=case.person,
        sentence=case.order,
        requirement=case.unpaid_work,
        occurred_on=day(n),
        description="Did not attend unpaid work",
        **extra,
    )
    if judgement != Judgement.PENDING:
        made = services.judge_failure(
            actor=case.officer, failure=made, judgement=judgement, reason="No reason given", evidence="Note"
        )
    return made


def test_a_failure_is_recorded_then_judged_with_its_reason_and_audit(case):
    made = failure(case, 10, judgement=Judgement.PENDING)
    assert list(selectors.awaiting_judgement([case.person.pk])) == [made]
    services.judge_failure(
        actor=case.officer,
        failure=made,
        judgement=Judgement.ACCEPTABLE,
        reason="Was in hospital",
        evidence="Discharge letter seen",
    )
    made.refresh_from_db()
    assert (made.judgement, made.evidence) == (Judgement.ACCEPTABLE, "Discharge letter seen")
    assert made.judged_by_id is not None and made.judged_at is not None
    assert AccessLogEntry.objects.filter(object_id=str(made.pk), summary__startswith="Judged").exists()


def test_an_acceptable_failure_needs_evidence_and_a_judgement_needs_a_reason(case):
    made = failure(case, 10, judgement=Judgement.PENDING)
    with pytest.raises(EnforcementError, match="evidence"):
        services.judge_failure(actor=case.officer, failure=made, judgement="acceptable", reason="Ill")
    with pytest.raises(EnforcementError, match="reason"):
        services.judge_failure(actor=case.officer, failure=made, judgement="unacceptable", reason=" ")


def test_only_probation_records_and_judges(case):
    with pytest.raises(EnforcementError, match="Only probation staff"):
        services.record_failure(
            actor=case.police, person=case.person, sentence=case.order, occurred_on=day(1), description="x"
        )


def test_a_warning_then_a_second_failure_within_12_months_must_be_referred(case):
    first = failure(case, 100)
    warning = services.issue_warning(actor=case.officer, failure=first, on=day(98))
    second = failure(case, 20)
    with pytest.raises(EnforcementError) as refused:
        services.issue_warning(actor=case.officer, failure=second, on=day(19))
    message = str(refused.value)
    assert "A second warning cannot be given" in message
    assert (
        f"A warning was given on {warning.issued_on.day} {warning.issued_on:%B %Y}, within 12 months"
        in message
    )
    assert not hasattr(Failure.objects.get(pk=second.pk), "warning")
    referral = services.refer_for_enforcement(actor=case.officer, failure=second, on=day(19))
    assert referral.failure_id == second.pk
    # The board's enforcement measures read these.
    assert sorted(EnforcementAction.objects.values_list("kind", flat=True)) == ["breach", "warning"]
    assert selectors.next_action(second).referral_required


def test_a_warning_more_than_12_months_before_allows_another(case):
    old_order = builders.community_order(case.person, start=TODAY - timedelta(days=800), months=36)
    made = services.record_failure(
        actor=case.officer, person=case.person, sentence=old_order, occurred_on=day(700), description="Missed"
    )
    services.judge_failure(actor=case.officer, failure=made, judgement="unacceptable", reason="None")
    services.issue_warning(actor=case.officer, failure=made, on=day(699))
    later = services.record_failure(
        actor=case.officer, person=case.person, sentence=old_order, occurred_on=day(30), description="Missed"
    )
    services.judge_failure(actor=case.officer, failure=later, judgement="unacceptable", reason="None")
    assert services.issue_warning(actor=case.officer, failure=later, on=day(29)).failure_id == later.pk


@pytest.mark.parametrize("inclusive", [False, True])
def test_a_failure_on_the_warning_s_anniversary_follows_the_setting(case, settings, inclusive):
    settings.DESIST_ENFORCEMENT_ANNIVERSARY_IN_WINDOW = inclusive
    old_order = builders.community_order(case.person, start=TODAY - timedelta(days=800), months=36)
    warned_on = date(TODAY.year - 1, TODAY.month, min(TODAY.day, 28))
    anniversary = date(TODAY.year, TODAY.month, min(TODAY.day, 28))
    first = services.record_failure(
        actor=case.officer,
        person=case.person,
        sentence=old_order,
        occurred_on=warned_on,
        description="Missed",
    )
    services.judge_failure(actor=case.officer, failure=first, judgement="unacceptable", reason="None")
    services.issue_warning(actor=case.officer, failure=first, on=warned_on)
    later = services.record_failure(
        actor=case.officer,
        person=case.person,
        sentence=old_order,
        occurred_on=anniversary,
        description="Again",
    )
    later = services.judge_failure(actor=case.officer, failure=later, judgement="unacceptable", reason="None")
    assert selectors.next_action(later).referral_required is inclusive


def test_no_warning_for_a_failure_not_judged_unacceptable_or_already_acted_on(case):
    with pytest.raises(EnforcementError, match="judged unacceptable"):
        services.issue_warning(actor=case.officer, failure=failure(case, 5, judgement="pending"))
    made = failure(case, 5)
    services.refer_for_enforcement(actor=case.officer, failure=made)
    with pytest.raises(EnforcementError, match="already been referred"):
        services.issue_warning(actor=case.officer, failure=made)
    with pytest.raises(EnforcementError, match="acted on"):
        services.judge_failure(
            actor=case.officer, failure=made, judgement="acceptable", reason="x", evidence="y"
        )


def test_breach_action_is_tracked_to_the_court_outcome(case):
    referral = services.refer_for_enforcement(actor=case.officer, failure=failure(case, 40), on=day(38))
    assert list(selectors.open_referrals(case.person.pk)) == [referral]
    services.court_date_set(actor=case.officer, referral=referral, court_date=day(20))
    services.record_court_outcome(
        actor=case.officer,
        referral=referral,
        outcome=CourtOutcome.AMENDED,
        outcome_on=day(20),
        note="+20 hours",
    )
    referral.refresh_from_db()
    assert (referral.outcome, referral.court_date) == (CourtOutcome.AMENDED, day(20))
    assert not selectors.open_referrals(case.person.pk).exists()
    with pytest.raises(EnforcementError, match="Choose an outcome"):
        services.record_court_outcome(
            actor=case.officer, referral=referral, outcome="hanged", outcome_on=day(1)
        )


def test_the_clock_is_measured_per_failure(case):
    made = failure(case, 60)
    clock = selectors.clock(made, on=TODAY)
    assert clock is not None and clock.status == "overdue" and clock.late
    services.refer_for_enforcement(actor=case.officer, failure=made, on=day(59))
    made = Failure.objects.select_related("warning", "referral").get(pk=made.pk)
    met = selectors.clock(made, on=TODAY)
    assert met is not None and met.status == "met" and met.days_used <= 1
    assert selectors.clock(failure(case, 3, judgement="acceptable"), on=TODAY) is None


# --- Recall ------------------------------------------------------------------------------------------


def licence(case):
    return builders.custody(
        case.person, sentence_date=TODAY - timedelta(days=400), length_days=730, release=day(30), actual=True
    )


def test_a_recall_recommended_and_agreed_is_recorded_through_the_release_app(case):
    sentence = licence(case)
    recommendation = services.recommend_recall(
        actor=case.officer, sentence=sentence, kind="standard", reason="Risk escalating"
    )
    with pytest.raises(EnforcementError, match="awaiting its decision"):
        services.recommend_recall(actor=case.officer, sentence=sentence, kind="standard", reason="Again")
    decided = services.decide_recall(
        actor=case.officer, recommendation=recommendation, decision=RecallDecision.RECALLED, decided_on=TODAY
    )
    recall = Recall.objects.get(sentence=sentence)
    assert decided.recall_id == recall.pk and recall.kind == "STANDARD"


def test_a_fixed_term_recall_takes_the_length_the_law_gives_the_term(case):
    sentence = licence(case)
    assert services.recall_length(sentence, "fixed_term", TODAY).days in (28, 56)
    recommendation = services.recommend_recall(
        actor=case.officer, sentence=sentence, kind="fixed_term", reason="Missed appointments"
    )
    with pytest.raises(EnforcementError, match="return to custody"):
        services.decide_recall(
            actor=case.officer, recommendation=recommendation, decision="recalled", decided_on=TODAY
        )
    refused = services.decide_recall(
        actor=case.officer, recommendation=recommendation, decision="refused", decided_on=TODAY, note="Warn"
    )
    assert refused.decision == RecallDecision.REFUSED and refused.recall_id is None


def test_only_a_licence_can_be_recalled(case):
    with pytest.raises(EnforcementError, match="Only a licence"):
        services.recommend_recall(actor=case.officer, sentence=case.order, kind="standard", reason="x")


# --- Requirement progress -----------------------------------------------------------------------------


def test_unpaid_work_rar_and_programme_progress(case):
    services.log_unpaid_work(
        actor=case.officer, requirement=case.unpaid_work, worked_on=day(10), hours=Decimal(7)
    )
    services.log_unpaid_work(
        actor=case.officer, requirement=case.unpaid_work, worked_on=day(3), hours=Decimal(8)
    )
    services.record_rar_day(actor=case.officer, requirement=case.rar, day=day(5))
    services.record_programme_session(actor=case.officer, requirement=case.programme, day=day(4))
    services.record_drug_test(actor=case.officer, requirement=case.drr, day=day(2), result="negative")
    services.record_treatment(actor=case.officer, requirement=case.drr, day=day(2))
    views = {v.requirement.kind: v for v in selectors.requirement_progress(case.person.pk, on=TODAY)}
    unpaid = views["unpaid_work"]
    assert unpaid.progress.done == 15 and unpaid.progress.left == 85
    assert unpaid.unpaid_work is not None and not unpaid.unpaid_work.overdue
    assert views["rar"].progress.done == 1 and views["programme"].progress.done == 1
    assert views["drr"].drug_tests == {"Negative": 1}


def test_progress_of_the_wrong_kind_or_in_the_future_is_refused(case):
    with pytest.raises(EnforcementError, match="does not count"):
        services.record_rar_day(actor=case.officer, requirement=case.unpaid_work, day=day(1))
    with pytest.raises(EnforcementError, match="future"):
        services.record_rar_day(actor=case.officer, requirement=case.rar, day=TODAY + timedelta(days=1))
    with pytest.raises(EnforcementError, match="24 hours"):
        services.log_unpaid_work(
            actor=case.officer, requirement=case.unpaid_work, worked_on=day(1), hours=Decimal(25)
        )


def test_completion_and_termination_set_the_requirement_status_with_the_reason(case):
    with pytest.raises(EnforcementError, match="left"):
        services.complete_requirement(actor=case.officer, requirement=case.programme, completed_on=day(1))
    services.complete_requirement(
        actor=case.officer, requirement=case.programme, completed_on=day(1), note="Completed the core modules"
    )
    services.terminate_requirement(
        actor=case.officer, requirement=case.unpaid_work, terminated_on=day(1), reason="Revoked on breach"
    )
    case.programme.refresh_from_db()
    case.unpaid_work.refresh_from_db()
    assert case.programme.status == RequirementStatus.COMPLETED
    assert case.unpaid_work.status == RequirementStatus.TERMINATED
    assert case.unpaid_work.ending.reason == "Revoked on breach"
    with pytest.raises(EnforcementError, match="already terminated"):
        services.terminate_requirement(
            actor=case.officer, requirement=case.unpaid_work, terminated_on=day(1), reason="Again"
        )
