"""Reads for priority groups."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from desist.offences.models import Offence
from desist.people.models import Person
from desist.priority.models import PriorityGroupMembership
from desist.priority.rules import GroupFacts
from desist.registers.models import RegisterEntry

GROUP_REGISTERS = ("iom", "troubled_family", "asb", "domestic_abuse_perpetrator", "mappa")


def group_facts(person_ids: Iterable[int]) -> dict[int, GroupFacts]:
    """The facts the group rules read, in three queries."""
    ids = list(person_ids)
    facts = {pk: GroupFacts(pk, sex, born)
             for pk, sex, born in Person.objects.filter(pk__in=ids).values_list("pk", "sex", "date_of_birth")}
    for row in RegisterEntry.objects.filter(person_id__in=ids, kind__in=GROUP_REGISTERS).values_list(
        "person_id", "kind", "start_date", "end_date", "mappa_category", "mappa_level"
    ):
        facts[row[0]].registers.append(row[1:])
    for person_id, *offence in Offence.objects.filter(person_id__in=ids).values_list(
        "person_id", "offence_date", "outcome_date", "domestic_abuse"
    ):
        facts[person_id].offences.append(tuple(offence))  # type: ignore[arg-type]
    return facts


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
