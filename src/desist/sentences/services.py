"""Writes about sentences. Key dates are derived here (via sentences.rules) whenever a sentence changes."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.people.models import Person
from desist.people.signals import derived_refresh_later
from desist.sentences.models import KeyDate, LicenceCondition, Requirement, Sentence
from desist.sentences.rules import key_dates_for
from desist.versioning import version_claim


def key_date_rows(sentence: Sentence) -> list[KeyDate]:
    """KeyDate rows for a sentence (used by services and bulk loaders alike)."""
    return [
        KeyDate(person_id=sentence.person_id, sentence=sentence, kind=kind, date=when)
        for kind, when in key_dates_for(sentence)
    ]


def _refresh_key_dates(sentence: Sentence) -> None:
    KeyDate.objects.filter(sentence=sentence).delete()
    KeyDate.objects.bulk_create(key_date_rows(sentence))


def _iso(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


@transaction.atomic
def sentence_record(
    *, actor: Actor, person: Person, kind: str, sentence_date: date, length_days: int, **dates: Any
) -> Sentence:
    """Record a sentence (custodial: release dates; order: start and end) and derive its key dates."""
    sentence = Sentence(
        person=person, kind=kind, sentence_date=sentence_date, length_days=length_days, **dates
    )
    sentence.full_clean()
    sentence.save()
    _refresh_key_dates(sentence)
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        summary=f"Recorded sentence for person {person.pk}",
        person_id=person.pk,
        obj=sentence,
        detail={
            "after": _iso({"kind": kind, "sentence_date": sentence_date, "length_days": length_days, **dates})
        },
    )
    derived_refresh_later(sentence.person_id)
    return sentence


# The dates desist can work out (release.services.release_dates_recompute) as well as the prison can record.
WORKED_OUT_FIELDS = (
    "conditional_release_date",
    "release_date",
    "licence_expiry_date",
    "sentence_expiry_date",
)


@transaction.atomic
def sentence_update(
    *, actor: Actor, sentence: Sentence, version: int | None = None, worked_out: bool = False, **changes: Any
) -> Sentence:
    """Change a sentence's dates (for example a new release date); key dates follow. Refused (StaleEdit) if
    the sentence changed since `version` was read (or since it was loaded, without one).

    A date recorded here replaces desist's working of it for good (a recorded date wins); `worked_out` marks
    the dates as desist's own working instead (`Sentence.dates_calculated`), to be worked out again on each
    change."""
    before = _iso({name: getattr(sentence, name) for name in changes})
    dated = {name for name in changes if name in WORKED_OUT_FIELDS}
    marked = sentence.calculated_fields | dated if worked_out else sentence.calculated_fields - dated
    if marked != sentence.calculated_fields:
        sentence.dates_calculated = " ".join(sorted(marked))
    for name, value in changes.items():
        setattr(sentence, name, value)
    sentence.full_clean()
    version_claim(sentence, version)
    sentence.save()
    _refresh_key_dates(sentence)
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        summary=f"Changed sentence {sentence.pk}",
        person_id=sentence.person_id,
        obj=sentence,
        detail={
            "changes": {k: {"before": before[k], "after": v} for k, v in _iso(changes).items()},
            **({"worked_out_by_desist": sorted(dated)} if worked_out else {}),
        },
    )
    derived_refresh_later(sentence.person_id)
    return sentence


@transaction.atomic
def requirement_add(
    *,
    actor: Actor,
    sentence: Sentence,
    kind: str,
    start_date: date,
    amount: int | None = None,
    unit: str = "",
    end_date: date | None = None,
) -> Requirement:
    requirement = Requirement(
        sentence=sentence, kind=kind, amount=amount, unit=unit, start_date=start_date, end_date=end_date
    )
    requirement.full_clean()
    requirement.save()
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        summary=f"Added {kind} requirement to sentence {sentence.pk}",
        person_id=sentence.person_id,
        obj=requirement,
        detail={"after": _iso({"kind": kind, "amount": amount})},
    )
    derived_refresh_later(sentence.person_id)
    return requirement


@transaction.atomic
def licence_condition_add(
    *, actor: Actor, sentence: Sentence, kind: str, code: str, description: str
) -> LicenceCondition:
    condition = LicenceCondition(sentence=sentence, kind=kind, code=code, description=description)
    condition.full_clean()
    condition.save()
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        summary=f"Added licence condition {code} to sentence {sentence.pk}",
        person_id=sentence.person_id,
        obj=condition,
        detail={"after": {"code": code}},
    )
    from desist.victims.services import notifications_for_condition

    notifications_for_condition(actor=actor, condition=condition)
    return condition


class LicenceConditionError(ValueError):
    """A licence condition change that cannot be made as asked; the message says why."""


@transaction.atomic
def licence_condition_update(
    *, actor: Actor, condition: LicenceCondition, on: date | None = None, **changes: Any
) -> LicenceCondition:
    """Change a licence condition's wording or kind (values before and after are logged). A victim linked to
    the sentence who asked to hear about conditions is told once
    (victims.services.notifications_for_condition). The code names the condition: a different code is a
    different condition (end this one, add the other)."""
    if condition.ended_on is not None:
        raise LicenceConditionError(
            f"Licence condition {condition.code} ended on "
            f"{condition.ended_on.day} {condition.ended_on:%b %Y}; "
            "add a new condition instead."
        )
    unknown = set(changes) - {"description", "kind"}
    if unknown:
        raise LicenceConditionError(
            f"Cannot change {', '.join(sorted(unknown))} of a licence condition; "
            "end it and add the new condition instead."
        )
    changed = {name: value for name, value in changes.items() if getattr(condition, name) != value}
    if not changed:
        return condition
    before = {name: getattr(condition, name) for name in changed}
    for name, value in changed.items():
        setattr(condition, name, value)
    condition.full_clean()
    condition.save()
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        summary=f"Changed licence condition {condition.code} of sentence {condition.sentence_id}",
        person_id=condition.sentence.person_id,
        obj=condition,
        detail={"changes": {k: {"before": before[k], "after": v} for k, v in changed.items()}},
    )
    from desist.victims.services import notifications_for_condition

    notifications_for_condition(actor=actor, condition=condition, change="changed", on=on)
    return condition


@transaction.atomic
def licence_condition_end(
    *, actor: Actor, condition: LicenceCondition, on: date | None = None
) -> LicenceCondition:
    """End a licence condition: it stays on the record with the day it ended. A victim linked to the sentence
    who asked to hear about conditions is told once (victims.services.notifications_for_condition)."""
    from desist.victims.services import notifications_for_condition

    if condition.ended_on is not None:
        raise LicenceConditionError(
            f"Licence condition {condition.code} already ended on "
            f"{condition.ended_on.day} {condition.ended_on:%b %Y}."
        )
    condition.ended_on = on or timezone.localdate()
    condition.save(update_fields=["ended_on"])
    notifications_for_condition(actor=actor, condition=condition, change="ended", on=on)
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        summary=f"Ended licence condition {condition.code} of sentence {condition.sentence_id}",
        person_id=condition.sentence.person_id,
        obj=condition,
        detail={
            "before": {"kind": condition.kind, "code": condition.code, "description": condition.description},
            "after": {"ended_on": condition.ended_on.isoformat()},
        },
    )
    return condition
