"""Keeping priority group membership in step with the record."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.core.priority import periods_for
from desist.people.models import Person
from desist.priority.models import PriorityGroupMembership
from desist.priority.selectors import GROUP_REGISTERS, group_facts

BATCH = 2000


def priority_groups_refresh(*, actor: Actor, person_ids: Iterable[int], batch_size: int = BATCH) -> int:
    """Recompute every group period for these people from their records; returns the periods held.

    Periods are derived data: a person's rows are replaced as a whole, in one transaction per batch.
    """
    ids = sorted(set(person_ids))
    held = 0
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        facts = group_facts(batch)
        rows = [
            PriorityGroupMembership(
                person_id=person_id, group=p.group, start_date=p.start, end_date=p.end, basis=p.basis[:255]
            )
            for person_id, person_facts in facts.items()
            for p in periods_for(
                person_facts,
                young_person_ages=settings.DESIST_YOUNG_PERSON_AGES,
                da_offence_years=settings.DESIST_DA_OFFENCE_YEARS,
            )
        ]
        with transaction.atomic():
            PriorityGroupMembership.objects.filter(person_id__in=batch).delete()
            PriorityGroupMembership.objects.bulk_create(rows, batch_size=1000)
        held += len(rows)
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        person_id=ids[0] if len(ids) == 1 else None,
        summary=f"Refreshed priority groups for {len(ids)} {'person' if len(ids) == 1 else 'people'}",
        detail={"people": len(ids), "periods": held},
    )
    return held


def people_to_group(on: date | None = None) -> list[int]:
    """Everyone a group rule could apply to: anyone with a proven offence, a group register or a family that
    meets the Troubled Families criteria."""
    tf = {f"family_membership__family__tf{settings.DESIST_TF_PRIORITY_PROGRAMME}": True}
    return list(
        Person.objects.filter(Q(offences__isnull=False) | Q(registers__kind__in=GROUP_REGISTERS) | Q(**tf))
        .distinct()
        .values_list("pk", flat=True)
    )
