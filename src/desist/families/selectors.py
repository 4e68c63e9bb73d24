"""Reads for families: the overlap lists (families and people ranked by agencies involved) and a family's
details.

Every list starts from `visible_people`: a family is listed when the user can see at least one member, and a
person only when the user can see them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from desist.audit.context import Actor
from desist.families.models import Family, FamilyMember
from desist.people.models import Involvement, Relationship
from desist.people.selectors import visible_people

FLAGS = {"duplication": "Duplication", "intergenerational": "Intergenerational"}
CRITERIA = {"tf2012": "Troubled Families 2012", "tf2015": "Troubled Families 2015"}


@dataclass(frozen=True)
class OverlapFilters:
    district: str = ""
    flag: str = ""
    criteria: str = ""
    min_agencies: int | None = None
    with_others: bool = True  # families: only those with two or more members


def _family_filter(rows: QuerySet, filters: OverlapFilters, prefix: str = "") -> QuerySet:
    if filters.district:
        rows = rows.filter(**{f"{prefix}district__code": filters.district})
    if filters.flag in FLAGS:
        rows = rows.filter(**{f"{prefix}{filters.flag}": True})
    if filters.criteria in CRITERIA:
        rows = rows.filter(**{f"{prefix}{filters.criteria}": True})
    return rows


def overlap_families(actor: Actor, filters: OverlapFilters, *, on: date) -> QuerySet[Family]:
    """Families with a member the actor can see, most agencies first, with those members prefetched."""
    visible = visible_people(actor, on=on)
    rows = Family.objects.filter(
        Exists(FamilyMember.objects.filter(family=OuterRef("pk"), person__in=visible))
    )
    rows = _family_filter(rows, filters)
    if filters.with_others:
        rows = rows.filter(member_count__gte=2)
    if filters.min_agencies:
        rows = rows.filter(agency_count__gte=filters.min_agencies)
    shown = (
        FamilyMember.objects.filter(person__in=visible)
        .select_related("person")
        .order_by("generation", "person_id")
    )
    return (
        rows.select_related("district")
        .prefetch_related(Prefetch("members", queryset=shown, to_attr="visible_members"))
        .order_by("-agency_count", "-member_count", "id")
    )


def overlap_people(actor: Actor, filters: OverlapFilters, *, on: date) -> QuerySet[FamilyMember]:
    """People the actor can see, most agencies first, with their family's flags."""
    rows = FamilyMember.objects.filter(person__in=visible_people(actor, on=on))
    if filters.district:
        rows = rows.filter(person__district__code=filters.district)
    rows = _family_filter(
        rows, OverlapFilters(flag=filters.flag, criteria=filters.criteria), prefix="family__"
    )
    if filters.min_agencies:
        rows = rows.filter(agency_count__gte=filters.min_agencies)
    return rows.select_related("person", "person__district", "family").order_by("-agency_count", "person_id")


def family_involvements(member_ids: list[int], *, on: date) -> dict[int, list[Involvement]]:
    """Each member's involvements, current or ended within the look-back, newest first (one query)."""
    since = on - timedelta(days=settings.DESIST_FAMILY_LOOKBACK_DAYS)
    out: dict[int, list[Involvement]] = {pk: [] for pk in member_ids}
    for involvement in (
        Involvement.objects.filter(person_id__in=member_ids)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=since))
        .select_related("agency")
        .order_by("person_id", "-start_date")
    ):
        out[involvement.person_id].append(involvement)
    return out


def family_relationships(visible_ids: set[int], member_ids: list[int]) -> dict[int, list[Relationship]]:
    """Declared relationships of the visible members to other members (one query)."""
    out: dict[int, list[Relationship]] = {pk: [] for pk in visible_ids}
    for rel in Relationship.objects.filter(
        person_id__in=visible_ids, related_person_id__in=member_ids
    ).order_by("person_id", "kind", "related_person_id"):
        out[rel.person_id].append(rel)
    return out


def overlap_summary(actor: Actor, *, on: date) -> dict[str, int]:
    """How many families the actor can see carry each flag (one query)."""
    visible = visible_people(actor, on=on)
    rows = Family.objects.filter(member_count__gte=2).filter(
        Exists(FamilyMember.objects.filter(family=OuterRef("pk"), person__in=visible))
    )
    return rows.aggregate(
        families=Count("pk"),
        duplication=Count("pk", filter=Q(duplication=True)),
        intergenerational=Count("pk", filter=Q(intergenerational=True)),
        tf2012=Count("pk", filter=Q(tf2012=True)),
        tf2015=Count("pk", filter=Q(tf2015=True)),
    )
