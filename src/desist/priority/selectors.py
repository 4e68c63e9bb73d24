"""Reads for priority groups."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from desist.core.priority import GroupFacts
from desist.offences.models import Offence
from desist.people.models import Person
from desist.priority.models import PriorityGroupMembership
from desist.registers.models import RegisterEntry

GROUP_REGISTERS = ("iom", "troubled_family", "asb", "domestic_abuse_perpetrator", "mappa")


def group_facts(person_ids: Iterable[int]) -> dict[int, GroupFacts]:
    """The facts the group rules read, in three queries."""
    ids = list(person_ids)
    facts = {
        pk: GroupFacts(pk, sex, born)
        for pk, sex, born in Person.objects.filter(pk__in=ids).values_list("pk", "sex", "date_of_birth")
    }
    for row in RegisterEntry.objects.filter(person_id__in=ids, kind__in=GROUP_REGISTERS).values_list(
        "person_id", "kind", "start_date", "end_date", "mappa_category", "mappa_level"
    ):
        facts[row[0]].registers.append(row[1:])
    for person_id, offence_date, outcome_date, domestic_abuse in Offence.objects.filter(
        person_id__in=ids
    ).values_list("person_id", "offence_date", "outcome_date", "domestic_abuse"):
        facts[person_id].offences.append((offence_date, outcome_date, domestic_abuse))
    for person_id, since in troubled_family_since(ids).items():
        facts[person_id].troubled_family = (since, settings.DESIST_TF_PRIORITY_PROGRAMME)
    return facts


def troubled_family_since(person_ids: list[int]) -> dict[int, date]:
    """For members of families that meet the chosen Troubled Families programme: since when (one query).

    The date is the earliest record behind the criteria met, no earlier than the criteria's window."""
    from desist.families.models import FamilyMember

    programme = f"tf{settings.DESIST_TF_PRIORITY_PROGRAMME}"
    out: dict[int, date] = {}
    for person_id, assessed_on, findings in FamilyMember.objects.filter(
        person_id__in=person_ids, **{f"family__{programme}": True}
    ).values_list("person_id", "family__assessed_on", "family__findings"):
        window_start = assessed_on - timedelta(days=settings.DESIST_TF_WINDOW_DAYS)
        starts = [
            date.fromisoformat(e["start"])
            for c in findings[programme]["criteria"]
            if c["status"] == "met"
            for e in c["evidence"]
            if e.get("start")
        ]
        out[person_id] = max(window_start, min(starts)) if starts else assessed_on
    return out


def in_group(group: str, *, on: date) -> Exists:
    """An EXISTS clause for filtering any list of people by current membership of a group."""
    return Exists(
        PriorityGroupMembership.objects.filter(person=OuterRef("pk"), group=group, start_date__lte=on).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on)
        )
    )


def members_on(group: str, on: date) -> QuerySet[Person]:
    """Everyone in a group on a given day (for the measures)."""
    return Person.objects.filter(in_group(group, on=on))
