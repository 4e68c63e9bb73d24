"""Writes for families: the whole-partnership refresh, school records, and opening a family (a logged
read)."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.refusals import log_refusal
from desist.audit.services import log_access
from desist.bulk import copy_rows
from desist.core.families import (
    AddressSpell,
    FamilySettings,
    InvolvementFact,
    Link,
    OffenceFact,
    RegisterFact,
    SchoolFact,
    load_need_domains,
)
from desist.core.family_overlap import derive_families, findings_json
from desist.core.troubled_families import TroubledFamiliesSettings
from desist.families.models import Family, FamilyMember, SchoolRecord
from desist.offences.models import Offence
from desist.partnership.models import Agency
from desist.people.models import Address, Involvement, Person, Relationship
from desist.people.selectors import today, visible_people
from desist.registers.models import REGISTER_TAGS, RegisterEntry, RegisterKind


class FamilyNotFound(Exception):
    """No such family, or none of its members is visible to the actor (the two are not told apart)."""


def family_settings() -> FamilySettings:
    return FamilySettings(
        lookback_days=settings.DESIST_FAMILY_LOOKBACK_DAYS,
        duplication_domains=tuple(settings.DESIST_FAMILY_DUPLICATION_DOMAINS),
        intergenerational_basis=settings.DESIST_FAMILY_INTERGENERATIONAL,
    )


def troubled_families_settings() -> TroubledFamiliesSettings:
    return TroubledFamiliesSettings(
        window_days=settings.DESIST_TF_WINDOW_DAYS,
        absence_percent=settings.DESIST_TF_ABSENCE_PERCENT,
        absence_percent_2015=settings.DESIST_TF_2015_ABSENCE_PERCENT,
        fixed_term_exclusions=settings.DESIST_TF_FIXED_TERM_EXCLUSIONS,
        local_discretion=tuple(settings.DESIST_TF_LOCAL_DISCRETION),
    )


@dataclass(frozen=True)
class FamiliesRefreshResult:
    people: int
    families: int
    seconds: float


IN_CHUNK = 500  # ids per IN (...) list: well inside SQLite's parameter limit


def _rows(queryset: QuerySet[Any], field: str, ids: list[int] | None, *columns: str) -> list[tuple[Any, ...]]:
    """values_list of the queryset, for everyone or (in chunks) for these ids only."""
    if ids is None:
        return list(queryset.order_by().values_list(*columns))
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), IN_CHUNK):
        rows.extend(
            queryset.order_by()
            .filter(**{f"{field}__in": ids[start : start + IN_CHUNK]})
            .values_list(*columns)
        )
    return rows


def family_reach(person_ids: Iterable[int]) -> list[int]:
    """These people and everyone a family could join them to: whoever ever shared an address with them, their
    declared relatives, and the members of the families they are in now, followed until nothing new is found.
    Working families out for this set alone gives the same families as the whole partnership would."""
    reach: set[int] = set()
    frontier = set(person_ids)
    while frontier:
        reach |= frontier
        ids = sorted(frontier)
        found: set[int] = set()
        keys = {
            k for (k,) in _rows(Address.objects.exclude(household_key=""), "person_id", ids, "household_key")
        }
        found |= {p for (p,) in _rows(Address.objects.all(), "household_key", sorted(keys), "person_id")}
        found |= {p for (p,) in _rows(Relationship.objects.all(), "person_id", ids, "related_person_id")}
        found |= {p for (p,) in _rows(Relationship.objects.all(), "related_person_id", ids, "person_id")}
        families = {f for (f,) in _rows(FamilyMember.objects.all(), "person_id", ids, "family_id")}
        found |= {p for (p,) in _rows(FamilyMember.objects.all(), "family_id", sorted(families), "person_id")}
        frontier = found - reach
    return sorted(reach)


def families_refresh(
    *, actor: Actor, as_of: date | None = None, person_ids: Iterable[int] | None = None
) -> FamiliesRefreshResult:
    """Work out every household and family of the partnership again, with flags and criteria; or, given
    `person_ids`, only the families those people are or could be in (`family_reach`), after a hand edit or a
    merge. People merged into another are in no family: their record is the person kept.

    Reads each table once, does the graph work in the analytics core, and replaces the derived rows in one
    transaction (COPY on PostgreSQL).
    """
    started = time.perf_counter()
    as_of = as_of or today()
    ids = None if person_ids is None else family_reach(person_ids)
    agency_names = dict(Agency.objects.values_list("pk", "name"))
    live = Person.objects.filter(merged_into__isnull=True)
    everyone = _rows(live, "pk", ids, "pk", "date_of_birth", "district_id")
    people = [(pk, dob) for pk, dob, _ in everyone]
    districts = {pk: district for pk, _, district in everyone}
    spells = [
        AddressSpell(*row)
        for row in _rows(
            Address.objects.all(), "person_id", ids, "person_id", "household_key", "from_date", "to_date"
        )
    ]
    links = [
        Link(*row)
        for row in _rows(
            Relationship.objects.all(), "person_id", ids, "person_id", "related_person_id", "kind"
        )
    ]
    involvements = [
        (person_id, InvolvementFact(pk, agency_id, agency_names.get(agency_id, ""), reason, start, end))
        for pk, person_id, agency_id, reason, start, end in _rows(
            Involvement.objects.all(),
            "person_id",
            ids,
            "pk",
            "person_id",
            "agency_id",
            "reason",
            "start_date",
            "end_date",
        )
    ]
    registers = [
        (person_id, RegisterFact(pk, kind, REGISTER_TAGS.get(RegisterKind(kind), kind), start, end))
        for pk, person_id, kind, start, end in _rows(
            RegisterEntry.objects.all(), "person_id", ids, "pk", "person_id", "kind", "start_date", "end_date"
        )
    ]
    offences = [
        (person_id, OffenceFact(pk, offence_date, outcome_date, domestic_abuse))
        for pk, person_id, offence_date, outcome_date, domestic_abuse in _rows(
            Offence.objects.all(),
            "person_id",
            ids,
            "pk",
            "person_id",
            "offence_date",
            "outcome_date",
            "domestic_abuse",
        )
    ]
    school = [
        (
            person_id,
            SchoolFact(pk, start, end, float(absence) if absence is not None else None, fixed, permanent),
        )
        for pk, person_id, start, end, absence, fixed, permanent in _rows(
            SchoolRecord.objects.all(),
            "person_id",
            ids,
            "pk",
            "person_id",
            "period_start",
            "period_end",
            "unauthorised_absence_percent",
            "fixed_term_exclusions",
            "permanently_excluded",
        )
    ]
    found = derive_families(
        people=people,
        spells=spells,
        links=links,
        involvements=involvements,
        registers=registers,
        offences=offences,
        school=school,
        as_of=as_of,
        max_household_size=settings.DESIST_FAMILY_MAX_HOUSEHOLD,
        generation_gap_years=settings.DESIST_FAMILY_GENERATION_GAP_YEARS,
        family_settings=family_settings(),
        tf_settings=troubled_families_settings(),
        need_domains=load_need_domains(settings.DESIST_NEED_DOMAINS_CSV or None),
    )
    family_rows: list[tuple[Any, ...]] = []
    member_rows: list[tuple[Any, ...]] = []
    for family in found:
        counts = Counter(districts[m.person_id] for m in family.members if districts.get(m.person_id))
        district = counts.most_common(1)[0][0] if counts else None
        family_rows.append(
            (
                family.key,
                district,
                len(family.members),
                len(family.agency_ids),
                family.generation_count,
                family.duplication.raised,
                family.intergenerational.raised,
                family.tf2012.qualifies,
                family.tf2015.qualifies,
                family.tf2015.met_count,
                findings_json(family),
                as_of,
            )
        )
        member_rows.extend(
            (family.key, m.person_id, m.generation.number, m.generation.basis, len(m.agency_ids))
            for m in family.members
        )
    programme = f"tf{settings.DESIST_TF_PRIORITY_PROGRAMME}"
    troubled = FamilyMember.objects.filter(**{f"family__{programme}": True})
    before = {p for (p,) in _rows(troubled, "person_id", ids, "person_id")}
    with transaction.atomic():
        if ids is None:
            FamilyMember.objects.all().delete()
            Family.objects.all().delete()
        else:
            # The reach holds whole families, so the families its people were in go with them.
            old = sorted({f for (f,) in _rows(FamilyMember.objects.all(), "person_id", ids, "family_id")})
            for start in range(0, len(ids), IN_CHUNK):
                FamilyMember.objects.filter(person_id__in=ids[start : start + IN_CHUNK]).delete()
            for start in range(0, len(old), IN_CHUNK):
                Family.objects.filter(pk__in=old[start : start + IN_CHUNK]).delete()
        # Both COPY and SQLite take the JSON as text.
        family_rows = [(*row[:10], json.dumps(row[10]), row[11]) for row in family_rows]
        copy_rows(
            Family,
            [
                "id",
                "district",
                "member_count",
                "agency_count",
                "generation_count",
                "duplication",
                "intergenerational",
                "tf2012",
                "tf2015",
                "tf2015_problems",
                "findings",
                "assessed_on",
            ],
            family_rows,
        )
        copy_rows(
            FamilyMember, ["family", "person", "generation", "generation_basis", "agency_count"], member_rows
        )
        log_access(
            actor=actor,
            action=Action.ALTERATION,
            summary=(
                f"Worked out {len(found):,} families for {len(people):,} people"
                if ids is None
                else f"Families around a change worked out again: {len(found):,} for {len(people):,} people"
            ),
            detail={
                "people": len(people),
                "families": len(found),
                "as_of": as_of.isoformat(),
                "partial": ids is not None,
            },
        )
    # The troubled family priority group follows the assessment: refresh whoever came in or went out.
    after = {p for (p,) in _rows(troubled, "person_id", ids, "person_id")}
    if changed := before ^ after:
        from desist.priority.services import priority_groups_refresh

        priority_groups_refresh(actor=actor, person_ids=changed)
    return FamiliesRefreshResult(
        people=len(people), families=len(found), seconds=time.perf_counter() - started
    )


@transaction.atomic
def school_record_add(
    *,
    actor: Actor,
    person: Person,
    period_start: date,
    period_end: date,
    unauthorised_absence_percent: Decimal | float | None,
    fixed_term_exclusions: int = 0,
    permanently_excluded: bool = False,
    recorded_by_id: int | None = None,
) -> SchoolRecord:
    """Record a child's attendance and exclusions over three terms."""
    record = SchoolRecord(
        person=person,
        period_start=period_start,
        period_end=period_end,
        unauthorised_absence_percent=(
            None if unauthorised_absence_percent is None else Decimal(str(unauthorised_absence_percent))
        ),
        fixed_term_exclusions=fixed_term_exclusions,
        permanently_excluded=permanently_excluded,
        recorded_by_id=recorded_by_id,
    )
    record.full_clean()
    record.save()
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        summary=f"Added a school record for person {person.pk}",
        person_id=person.pk,
        obj=record,
    )
    return record


@dataclass
class FamilyConsultation:
    family: Family
    members: list[FamilyMember]
    visible_ids: set[int]
    on: date


def family_consult(*, actor: Actor, family_id: int, on: date | None = None) -> FamilyConsultation:
    """Open a family for the actor, logging it (or the refusal). Raises FamilyNotFound unless the actor can
    see at least one member. Members the actor may not see come back too, for the page to show without
    details."""
    on = on or today()
    family = Family.objects.filter(pk=family_id).select_related("district").first()
    members = (
        list(
            FamilyMember.objects.filter(family_id=family_id)
            .select_related("person")
            .order_by("generation", "person__date_of_birth", "person_id")
        )
        if family
        else []
    )
    visible_ids = (
        set(
            visible_people(actor, on=on)
            .filter(pk__in=[m.person_id for m in members])
            .values_list("pk", flat=True)
        )
        if members
        else set()
    )
    if family is None or not visible_ids:
        log_refusal(
            actor,
            summary=f"Refused access to family {family_id}",
            reason="no member of the family is visible to the user",
        )
        raise FamilyNotFound(family_id)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        obj=family,
        summary=f"Viewed family {family.pk} ({len(visible_ids)} of {len(members)} members visible)",
        detail={"person_ids": sorted(visible_ids), "members": len(members)},
    )
    return FamilyConsultation(family=family, members=members, visible_ids=visible_ids, on=on)
