"""Writes about registers and flags."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.people.models import Person
from desist.people.signals import derived_refresh_later
from desist.registers.models import RegisterEntry, RegisterKind
from desist.registers.signals import register_changed_send


@transaction.atomic
def register_add(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    start_date: date,
    mappa_category: int | None = None,
    mappa_level: int | None = None,
    recorded_by_id: int | None = None,
    notes: str = "",
) -> RegisterEntry:
    """Put a person on a register (MAPPA needs a category and a level). The person's derived figures follow,
    and their release dates are worked out again at once (registers.signals.register_changed)."""
    entry = RegisterEntry(
        person=person,
        kind=kind,
        start_date=start_date,
        mappa_category=mappa_category,
        mappa_level=mappa_level,
        recorded_by_id=recorded_by_id,
        notes=notes,
    )
    entry.full_clean()
    entry.save()
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        summary=f"Added {entry.label} for person {person.pk}",
        person_id=person.pk,
        obj=entry,
        detail={"after": {"kind": kind, "start_date": start_date.isoformat()}},
    )
    derived_refresh_later(entry.person_id)
    register_changed_send(actor=actor, entry=entry)
    return entry


@transaction.atomic
def register_end(*, actor: Actor, entry: RegisterEntry, end_date: date) -> RegisterEntry:
    """End a register entry on a date (not before it began); the person's derived figures follow, and their
    release dates are worked out again at once (registers.signals.register_changed)."""
    before = entry.end_date.isoformat() if entry.end_date else None
    entry.end_date = end_date
    entry.full_clean()
    entry.save(update_fields=["end_date"])
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        summary=f"Ended {entry.label} for person {entry.person_id}",
        person_id=entry.person_id,
        obj=entry,
        detail={"changes": {"end_date": {"before": before, "after": end_date.isoformat()}}},
    )
    derived_refresh_later(entry.person_id)
    register_changed_send(actor=actor, entry=entry)
    return entry


@transaction.atomic
def register_mappa_level_set(
    *,
    actor: Actor,
    person: Person,
    level: int,
    category: int,
    on: date,
    recorded_by_id: int | None = None,
    reason: str = "",
) -> RegisterEntry:
    """Set the MAPPA level of a person's current MAPPA entry (a MAPPA meeting's decision), keeping the values
    before and after in the log; a person not yet on the MAPPA register is put on it at that level."""
    entry = (
        RegisterEntry.objects.select_for_update()
        .filter(person=person, kind=RegisterKind.MAPPA, end_date__isnull=True)
        .order_by("-start_date", "-id")
        .first()
    )
    if entry is None:
        return register_add(
            actor=actor,
            person=person,
            kind=RegisterKind.MAPPA,
            start_date=on,
            mappa_category=category,
            mappa_level=level,
            recorded_by_id=recorded_by_id,
            notes=reason,
        )
    before = {"mappa_level": entry.mappa_level, "mappa_category": entry.mappa_category}
    if before == {"mappa_level": level, "mappa_category": category}:
        return entry
    entry.mappa_level = level
    entry.mappa_category = category
    entry.full_clean()
    entry.save(update_fields=["mappa_level", "mappa_category"])
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        summary=f"Changed MAPPA to {entry.label} for person {person.pk}",
        person_id=person.pk,
        obj=entry,
        detail={
            "changes": {
                name: {"before": value, "after": getattr(entry, name)}
                for name, value in before.items()
                if value != getattr(entry, name)
            },
            "reason": reason,
        },
    )
    derived_refresh_later(entry.person_id)
    register_changed_send(actor=actor, entry=entry)
    return entry
