"""Recording supervision outcomes. Each write is validated, saved and logged in one transaction."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.outcomes.models import AccommodationStatus, EmploymentStatus, EnforcementAction
from desist.sentences.models import Sentence


@transaction.atomic
def accommodation_status_record(
    *, actor: Actor, sentence: Sentence, stage: str, recorded_on: date, kind: str
) -> AccommodationStatus:
    """Record where the person was living at a stage of the sentence's supervision."""
    status = AccommodationStatus(
        person_id=sentence.person_id, sentence=sentence, stage=stage, recorded_on=recorded_on, kind=kind
    )
    status.full_clean()
    status.save()
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        person_id=sentence.person_id,
        obj=status,
        summary=f"Recorded accommodation at {stage} of sentence {sentence.pk}",
        detail={"after": {"stage": stage, "kind": kind, "recorded_on": recorded_on.isoformat()}},
    )
    return status


@transaction.atomic
def employment_status_record(
    *, actor: Actor, sentence: Sentence, stage: str, recorded_on: date, kind: str
) -> EmploymentStatus:
    """Record the person's employment, training or education at a stage of the sentence's supervision."""
    status = EmploymentStatus(
        person_id=sentence.person_id, sentence=sentence, stage=stage, recorded_on=recorded_on, kind=kind
    )
    status.full_clean()
    status.save()
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        person_id=sentence.person_id,
        obj=status,
        summary=f"Recorded employment at {stage} of sentence {sentence.pk}",
        detail={"after": {"stage": stage, "kind": kind, "recorded_on": recorded_on.isoformat()}},
    )
    return status


@transaction.atomic
def enforcement_action_record(
    *, actor: Actor, sentence: Sentence, kind: str, action_date: date, reason: str = ""
) -> EnforcementAction:
    """Record a warning or a referral for breach on the sentence."""
    action = EnforcementAction(
        person_id=sentence.person_id, sentence=sentence, kind=kind, action_date=action_date, reason=reason
    )
    action.full_clean()
    action.save()
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        person_id=sentence.person_id,
        obj=action,
        summary=f"Recorded a {kind} on sentence {sentence.pk}",
        detail={"after": {"kind": kind, "action_date": action_date.isoformat()}},
    )
    return action
