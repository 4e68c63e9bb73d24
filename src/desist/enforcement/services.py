"""Writes about compliance and enforcement (RULES.md §9): record a failure and judge it, warn (refused when
the rules require a referral), refer for enforcement and record the court's outcome, recommend a recall and
decide it (a recall agreed is recorded through the release app's recall), and log a requirement's progress,
completion or termination. Each writes its own access-log entry; the pages and the API call these."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.core import enforcement as rules
from desist.enforcement import selectors
from desist.enforcement.models import (
    CourtOutcome,
    DrugTestResult,
    EndingKind,
    EnforcementReferral,
    EnforcementWarning,
    Failure,
    Judgement,
    ProgressKind,
    RecallDecision,
    RecallKind,
    RecallRecommendation,
    RequirementEnding,
    RequirementProgressEntry,
)
from desist.outcomes.models import EnforcementKind
from desist.outcomes.services import enforcement_action_record
from desist.people.models import Person
from desist.release.services import ReleaseError, recall_record
from desist.sentences.models import (
    LicenceCondition,
    Requirement,
    RequirementKind,
    RequirementStatus,
    Sentence,
    SentenceKind,
)
from desist.supervision.models import Appointment


class EnforcementError(ValueError):
    """An enforcement step that cannot be taken as asked; the message says why, in the officer's words."""


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _require_enforcer(actor: Actor, what: str) -> None:
    if not selectors.may_enforce(actor):
        raise EnforcementError(f"Only probation staff can {what}.")


def _log(actor: Actor, obj: Any, person_id: int, action: str, summary: str, **detail: Any) -> None:
    log_access(
        actor=actor,
        action=action,
        person_id=person_id,
        obj=obj,
        summary=summary[:255],
        detail={k: _iso(v) for k, v in detail.items()},
    )


def _not_future(day: date, on: date, what: str) -> None:
    if day > on:
        raise EnforcementError(f"{what} cannot be in the future.")


# --- Failures and their judgement ----------------------------------------------------------------------


@transaction.atomic
def record_failure(
    *,
    actor: Actor,
    person: Person,
    sentence: Sentence,
    occurred_on: date,
    description: str,
    requirement: Requirement | None = None,
    licence_condition: LicenceCondition | None = None,
    appointment: Appointment | None = None,
    on: date | None = None,
) -> Failure:
    """Record a failure to comply with an order's requirement or a licence condition, awaiting judgement."""
    on = _today(on)
    _require_enforcer(actor, "record a failure to comply")
    _not_future(occurred_on, on, "A failure")
    if sentence.person_id != person.pk:
        raise EnforcementError("The sentence is not this person's.")
    if requirement is not None and requirement.sentence_id != sentence.pk:
        raise EnforcementError("The requirement is not part of this sentence.")
    if licence_condition is not None and licence_condition.sentence_id != sentence.pk:
        raise EnforcementError("The licence condition is not part of this sentence.")
    if appointment is not None and appointment.person_id != person.pk:
        raise EnforcementError("The appointment is not this person's.")
    if not description.strip():
        raise EnforcementError("Say what the failure was.")
    failure = Failure.objects.create(
        person=person,
        sentence=sentence,
        requirement=requirement,
        licence_condition=licence_condition,
        appointment=appointment,
        occurred_on=occurred_on,
        description=description.strip()[:300],
        recorded_by_id=actor.user_id,
    )
    _log(
        actor,
        failure,
        person.pk,
        Action.COLLECTION,
        f"Recorded a failure to comply on {occurred_on}",
        sentence=sentence.pk,
        occurred_on=occurred_on,
    )
    return failure


@transaction.atomic
def judge_failure(
    *, actor: Actor, failure: Failure, judgement: str, reason: str, evidence: str = "", on: date | None = None
) -> Failure:
    """Judge a failure acceptable (with the reason and its evidence) or unacceptable (with the reason). A
    failure already acted on (warned or referred) keeps its judgement."""
    _require_enforcer(actor, "judge a failure")
    if judgement not in (Judgement.ACCEPTABLE, Judgement.UNACCEPTABLE):
        raise EnforcementError("Judge the failure acceptable or unacceptable.")
    if not reason.strip():
        raise EnforcementError("Give the reason for the judgement.")
    if judgement == Judgement.ACCEPTABLE and not evidence.strip():
        raise EnforcementError("An acceptable failure needs its evidence (a sick note, a letter, ...).")
    failure = Failure.objects.select_for_update().get(pk=failure.pk)
    if Failure.objects.filter(pk=failure.pk).filter(warning__isnull=False).exists() or (
        Failure.objects.filter(pk=failure.pk, referral__isnull=False).exists()
    ):
        raise EnforcementError("This failure has been acted on (warned or referred): its judgement stands.")
    before = failure.judgement
    failure.judgement, failure.reason, failure.evidence = judgement, reason.strip(), evidence.strip()
    failure.judged_by_id, failure.judged_at = actor.user_id, timezone.now()
    failure.save(update_fields=["judgement", "reason", "evidence", "judged_by", "judged_at"])
    _log(
        actor,
        failure,
        failure.person_id,
        Action.ALTERATION,
        f"Judged the failure of {failure.occurred_on} {failure.get_judgement_display().lower()}",
        before=before,
        after=judgement,
    )
    return failure


def _unacceptable_unactioned(failure: Failure, doing: str) -> Failure:
    failure = Failure.objects.select_for_update().get(pk=failure.pk)
    if failure.judgement != Judgement.UNACCEPTABLE:
        raise EnforcementError(f"Only a failure judged unacceptable can be {doing}.")
    if EnforcementWarning.objects.filter(failure=failure).exists():
        raise EnforcementError("A warning has already been given for this failure.")
    if EnforcementReferral.objects.filter(failure=failure).exists():
        raise EnforcementError("This failure has already been referred for enforcement.")
    return failure


# --- Warnings and referrals ----------------------------------------------------------------------------


@transaction.atomic
def issue_warning(*, actor: Actor, failure: Failure, on: date | None = None) -> EnforcementWarning:
    """Give a warning for an unacceptable failure (Sch 10 para 5). Refused, with the rule's reason, where a
    warning was already given within 12 months: the failure must be referred (para 6)."""
    on = _today(on)
    _require_enforcer(actor, "give a warning")
    # The sentence's failures are locked so two warnings at the same moment cannot both pass the rule.
    list(Failure.objects.select_for_update().filter(sentence_id=failure.sentence_id).values_list("pk"))
    failure = _unacceptable_unactioned(failure, "warned")
    if on < failure.occurred_on:
        raise EnforcementError("A warning cannot be before the failure it is for.")
    decision = selectors.next_action(failure)
    if not decision.warning_allowed:
        raise EnforcementError(f"A second warning cannot be given. {decision.reason}")
    warning = EnforcementWarning.objects.create(
        failure=failure, person_id=failure.person_id, issued_on=on, issued_by_id=actor.user_id
    )
    # The board's enforcement measures count outcomes' enforcement actions: each warning is one.
    enforcement_action_record(
        actor=actor,
        sentence=failure.sentence,
        kind=EnforcementKind.WARNING,
        action_date=on,
        reason=failure.description[:255],
    )
    _log(
        actor,
        warning,
        failure.person_id,
        Action.COLLECTION,
        f"Gave a warning for the failure of {failure.occurred_on}",
        failure=failure.pk,
        issued_on=on,
    )
    return warning


@transaction.atomic
def refer_for_enforcement(
    *, actor: Actor, failure: Failure, note: str = "", on: date | None = None
) -> EnforcementReferral:
    """Refer an unacceptable failure for enforcement (breach action): back to court for an order, or for a
    licence, with a recall recommendation."""
    on = _today(on)
    _require_enforcer(actor, "refer for enforcement")
    failure = _unacceptable_unactioned(failure, "referred")
    if on < failure.occurred_on:
        raise EnforcementError("A referral cannot be before the failure it is for.")
    try:
        with transaction.atomic():
            referral = EnforcementReferral.objects.create(
                failure=failure,
                person_id=failure.person_id,
                referred_on=on,
                referred_by_id=actor.user_id,
                note=note.strip(),
            )
    except IntegrityError as error:  # referred at the same moment by someone else
        raise EnforcementError("This failure has already been referred for enforcement.") from error
    enforcement_action_record(
        actor=actor,
        sentence=failure.sentence,
        kind=EnforcementKind.BREACH,
        action_date=on,
        reason=failure.description[:255],
    )
    _log(
        actor,
        referral,
        failure.person_id,
        Action.COLLECTION,
        f"Referred the failure of {failure.occurred_on} for enforcement",
        failure=failure.pk,
        referred_on=on,
    )
    return referral


@transaction.atomic
def record_court_outcome(
    *,
    actor: Actor,
    referral: EnforcementReferral,
    outcome: str,
    outcome_on: date,
    court_date: date | None = None,
    note: str = "",
    on: date | None = None,
) -> EnforcementReferral:
    """Record the court's outcome of breach action (and the hearing's date, when it differs)."""
    on = _today(on)
    _require_enforcer(actor, "record a court outcome")
    if outcome not in CourtOutcome.values:
        raise EnforcementError(f"Choose an outcome: {', '.join(str(c.label) for c in CourtOutcome)}.")
    _not_future(outcome_on, on, "An outcome")
    if outcome_on < referral.referred_on:
        raise EnforcementError("The court's outcome cannot be before the referral.")
    referral = EnforcementReferral.objects.select_for_update().get(pk=referral.pk)
    before = referral.outcome
    referral.outcome, referral.outcome_on, referral.outcome_note = outcome, outcome_on, note.strip()
    referral.court_date = court_date or referral.court_date or outcome_on
    referral.save(update_fields=["outcome", "outcome_on", "outcome_note", "court_date"])
    _log(
        actor,
        referral,
        referral.person_id,
        Action.ALTERATION,
        f"Recorded the court's outcome: {referral.get_outcome_display()}",
        before=before,
        after=outcome,
        outcome_on=outcome_on,
    )
    return referral


@transaction.atomic
def court_date_set(*, actor: Actor, referral: EnforcementReferral, court_date: date) -> EnforcementReferral:
    """Record the date of the breach hearing."""
    _require_enforcer(actor, "record a court date")
    if court_date < referral.referred_on:
        raise EnforcementError("The court date cannot be before the referral.")
    referral.court_date = court_date
    referral.save(update_fields=["court_date"])
    _log(actor, referral, referral.person_id, Action.ALTERATION, "Recorded the breach hearing's date")
    return referral


# --- Recall ------------------------------------------------------------------------------------------


def _twelve_months_or_more(sentence: Sentence) -> bool:
    return sentence.sentence_date + timedelta(days=sentence.length_days) >= rules.add_months(
        sentence.sentence_date, 12
    )


def recall_length(sentence: Sentence, kind: str, on: date) -> rules.RecallLength:
    """The recall's length for the sentence's term (the core's dated rule)."""
    return rules.recall_length(
        kind,
        term_days=sentence.length_days,
        twelve_months_or_more=_twelve_months_or_more(sentence),
        recalled_on=on,
    )


@transaction.atomic
def recommend_recall(
    *,
    actor: Actor,
    sentence: Sentence,
    kind: str,
    reason: str,
    failure: Failure | None = None,
    on: date | None = None,
) -> RecallRecommendation:
    """Recommend recalling a person from the licence of a sentence: standard or fixed-term."""
    on = _today(on)
    _require_enforcer(actor, "recommend a recall")
    if sentence.kind != SentenceKind.CUSTODY:
        raise EnforcementError("Only a licence (a custodial sentence) can be recalled.")
    if kind not in RecallKind.values:
        raise EnforcementError("Choose a standard or a fixed-term recall.")
    if not reason.strip():
        raise EnforcementError("Give the reason for the recall.")
    if failure is not None and failure.sentence_id != sentence.pk:
        raise EnforcementError("The failure is not on this licence.")
    if RecallRecommendation.objects.filter(sentence=sentence, decision=RecallDecision.PENDING).exists():
        raise EnforcementError("A recall recommended on this licence is awaiting its decision.")
    recommendation = RecallRecommendation.objects.create(
        person_id=sentence.person_id,
        sentence=sentence,
        failure=failure,
        recommended_on=on,
        recommended_by_id=actor.user_id,
        kind=kind,
        reason=reason.strip(),
    )
    _log(
        actor,
        recommendation,
        sentence.person_id,
        Action.COLLECTION,
        f"Recommended a {recommendation.get_kind_display().lower()} on sentence {sentence.pk}",
        kind=kind,
    )
    return recommendation


@transaction.atomic
def decide_recall(
    *,
    actor: Actor,
    recommendation: RecallRecommendation,
    decision: str,
    decided_on: date,
    note: str = "",
    returned_to_custody: date | None = None,
    on: date | None = None,
) -> RecallRecommendation:
    """Record the decision on a recall recommendation. A recall agreed is recorded through the release app
    (desist.release.services.recall_record), which works out the post-recall release: a fixed-term recall of
    the length the law gives the term (14, 28 or 56 days) runs from the return to custody, so it needs it."""
    on = _today(on)
    _require_enforcer(actor, "decide a recall")
    if decision not in (RecallDecision.RECALLED, RecallDecision.REFUSED):
        raise EnforcementError("Decide: recall agreed or refused.")
    _not_future(decided_on, on, "A decision")
    recommendation = RecallRecommendation.objects.select_for_update().get(pk=recommendation.pk)
    if recommendation.decision != RecallDecision.PENDING:
        raise EnforcementError("This recommendation has already been decided.")
    if decided_on < recommendation.recommended_on:
        raise EnforcementError("The decision cannot be before the recommendation.")
    if decision == RecallDecision.RECALLED:
        sentence = recommendation.sentence
        length = recall_length(sentence, recommendation.kind, decided_on)
        try:
            recommendation.recall = recall_record(
                actor=actor,
                sentence=sentence,
                kind=length.kind.value,
                recalled_on=decided_on,
                returned_to_custody=returned_to_custody,
                on=on,
            )
        except ReleaseError as error:
            raise EnforcementError(str(error)) from error
    recommendation.decision, recommendation.decided_on = decision, decided_on
    recommendation.decided_by_id, recommendation.decision_note = actor.user_id, note.strip()
    recommendation.save(update_fields=["decision", "decided_on", "decided_by", "decision_note", "recall"])
    _log(
        actor,
        recommendation,
        recommendation.person_id,
        Action.ALTERATION,
        f"Recorded the recall decision: {recommendation.get_decision_display().lower()}",
        decision=decision,
        decided_on=decided_on,
        recall=recommendation.recall_id,
    )
    return recommendation


# --- Requirement progress -----------------------------------------------------------------------------


def _progress(
    *,
    actor: Actor,
    requirement: Requirement,
    kind: str,
    allowed: tuple[str, ...],
    on_day: date,
    amount: Decimal = Decimal(1),
    result: str = "",
    note: str = "",
    on: date | None,
) -> RequirementProgressEntry:
    on = _today(on)
    _require_enforcer(actor, "record a requirement's progress")
    if requirement.kind not in allowed:
        raise EnforcementError(
            f"A {requirement.get_kind_display().lower()} requirement does not count "
            f"{ProgressKind(kind).label.lower()}: record it against the requirement it belongs to."
        )
    if requirement.status != RequirementStatus.ACTIVE:
        raise EnforcementError(f"This requirement is {requirement.get_status_display().lower()}.")
    _not_future(on_day, on, "Progress")
    if on_day < requirement.start_date:
        raise EnforcementError("Progress cannot be before the requirement starts.")
    if amount <= 0:
        raise EnforcementError("Enter an amount above nought.")
    entry = RequirementProgressEntry.objects.create(
        requirement=requirement,
        person_id=requirement.sentence.person_id,
        kind=kind,
        on=on_day,
        amount=amount,
        result=result,
        note=note.strip()[:300],
        recorded_by_id=actor.user_id,
    )
    _log(
        actor,
        entry,
        entry.person_id,
        Action.COLLECTION,
        f"Recorded {entry.get_kind_display().lower()} on {on_day}",
        requirement=requirement.pk,
        amount=str(amount),
        result=result,
    )
    return entry


@transaction.atomic
def log_unpaid_work(
    *,
    actor: Actor,
    requirement: Requirement,
    worked_on: date,
    hours: Decimal,
    note: str = "",
    on: date | None = None,
) -> RequirementProgressEntry:
    """Hours of unpaid work done on a day (at most 24)."""
    if hours > 24:
        raise EnforcementError("A day has at most 24 hours.")
    return _progress(
        actor=actor,
        requirement=requirement,
        kind=ProgressKind.UNPAID_WORK,
        allowed=(RequirementKind.UNPAID_WORK,),
        on_day=worked_on,
        amount=hours,
        note=note,
        on=on,
    )


@transaction.atomic
def record_rar_day(
    *, actor: Actor, requirement: Requirement, day: date, note: str = "", on: date | None = None
) -> RequirementProgressEntry:
    """A rehabilitation activity day used (of the maximum the court set)."""
    return _progress(
        actor=actor,
        requirement=requirement,
        kind=ProgressKind.RAR_DAY,
        allowed=(RequirementKind.RAR,),
        on_day=day,
        note=note,
        on=on,
    )


@transaction.atomic
def record_programme_session(
    *, actor: Actor, requirement: Requirement, day: date, note: str = "", on: date | None = None
) -> RequirementProgressEntry:
    """An accredited programme session attended."""
    return _progress(
        actor=actor,
        requirement=requirement,
        kind=ProgressKind.PROGRAMME_SESSION,
        allowed=(RequirementKind.PROGRAMME,),
        on_day=day,
        note=note,
        on=on,
    )


TREATMENT_KINDS = (RequirementKind.ATR, RequirementKind.DRR, RequirementKind.MHTR)


@transaction.atomic
def record_treatment(
    *, actor: Actor, requirement: Requirement, day: date, note: str = "", on: date | None = None
) -> RequirementProgressEntry:
    """A treatment appointment attended (alcohol, drug or mental health treatment requirement)."""
    return _progress(
        actor=actor,
        requirement=requirement,
        kind=ProgressKind.TREATMENT,
        allowed=TREATMENT_KINDS,
        on_day=day,
        note=note,
        on=on,
    )


@transaction.atomic
def record_drug_test(
    *, actor: Actor, requirement: Requirement, day: date, result: str, note: str = "", on: date | None = None
) -> RequirementProgressEntry:
    """A drug test under a drug rehabilitation requirement, with its result."""
    if result not in DrugTestResult.values:
        raise EnforcementError("Choose the test's result: negative, positive or refused.")
    return _progress(
        actor=actor,
        requirement=requirement,
        kind=ProgressKind.DRUG_TEST,
        allowed=(RequirementKind.DRR,),
        on_day=day,
        result=result,
        note=note,
        on=on,
    )


def _end(
    *, actor: Actor, requirement: Requirement, kind: str, ended_on: date, reason: str, on: date | None
) -> RequirementEnding:
    on = _today(on)
    _require_enforcer(actor, "end a requirement")
    requirement = Requirement.objects.select_for_update().select_related("sentence").get(pk=requirement.pk)
    if requirement.status != RequirementStatus.ACTIVE:
        raise EnforcementError(f"This requirement is already {requirement.get_status_display().lower()}.")
    _not_future(ended_on, on, "An ending")
    if ended_on < requirement.start_date:
        raise EnforcementError("A requirement cannot end before it starts.")
    ending = RequirementEnding.objects.create(
        requirement=requirement, kind=kind, on=ended_on, reason=reason.strip(), recorded_by_id=actor.user_id
    )
    requirement.status = kind
    requirement.end_date = ended_on
    requirement.save(update_fields=["status", "end_date"])
    _log(
        actor,
        ending,
        requirement.sentence.person_id,
        Action.ALTERATION,
        f"Recorded the {requirement.get_kind_display().lower()} requirement "
        f"{ending.get_kind_display().lower()}",
        requirement=requirement.pk,
        on=ended_on,
        reason=reason.strip(),
    )
    return ending


@transaction.atomic
def complete_requirement(
    *, actor: Actor, requirement: Requirement, completed_on: date, note: str = "", on: date | None = None
) -> RequirementEnding:
    """Record a requirement completed. Unpaid work, RAR and programmes are complete when all that was ordered
    is done; otherwise say why it is complete anyway (the note)."""
    views = {
        v.requirement.pk: v
        for v in selectors.requirement_progress(requirement.sentence.person_id, on=_today(on))
    }
    view = views.get(requirement.pk)
    if (
        view is not None
        and view.progress is not None
        and requirement.kind != RequirementKind.RAR  # RAR days are a maximum, not a target
        and not view.progress.complete
        and not note.strip()
    ):
        raise EnforcementError(
            f"{view.progress.left} of {view.progress.ordered} are left: say why it is complete anyway."
        )
    return _end(
        actor=actor,
        requirement=requirement,
        kind=EndingKind.COMPLETED,
        ended_on=completed_on,
        reason=note,
        on=on,
    )


@transaction.atomic
def terminate_requirement(
    *, actor: Actor, requirement: Requirement, terminated_on: date, reason: str, on: date | None = None
) -> RequirementEnding:
    """Record a requirement terminated early (revoked on breach, amended by the court), with the reason."""
    if not reason.strip():
        raise EnforcementError("Give the reason the requirement was terminated.")
    return _end(
        actor=actor,
        requirement=requirement,
        kind=EndingKind.TERMINATED,
        ended_on=terminated_on,
        reason=reason,
        on=on,
    )
