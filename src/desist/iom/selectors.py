"""Reads for IOM: the ranked candidates, the cohort and each person's history with the panel."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from desist.assessments.models import RiskScore
from desist.audit.context import Actor
from desist.audit.refusals import refuse
from desist.iom.models import (
    OPEN_STATUSES,
    Candidacy,
    CohortMembership,
    CohortSettings,
    MembershipStatus,
    Panel,
    Strand,
)
from desist.people.selectors import visible_people


def cohort_settings() -> CohortSettings:
    """The partnership's one row of IOM settings (caps, the matrix's weights), made with the defaults the
    first time it is read."""
    settings_row, _ = CohortSettings.objects.get_or_create(pk=1)
    return settings_row


def cohort_sizes() -> dict[str, int]:
    """People adopted into the cohort, per strand and per district code."""
    sizes: dict[str, int] = defaultdict(int)
    for strand, district in CohortMembership.objects.filter(status=MembershipStatus.ADOPTED).values_list(
        "strand", "district__code"
    ):
        sizes[strand] += 1
        sizes[f"district:{district}"] += 1
    return dict(sizes)


@dataclass(frozen=True)
class CandidateFilters:
    district: str = ""
    strand: str = ""
    new_only: bool = False


def membership_for_actor(actor: Actor, membership_id: int) -> CohortMembership:
    """A panel decision (cohort membership) about a person the actor may see, or a logged refusal (404)."""
    record = (
        CohortMembership.objects.filter(pk=membership_id, person__in=visible_people(actor))
        .select_related("person", "district", "register_entry")
        .first()
    )
    if record is None:
        person_id = (
            CohortMembership.objects.filter(pk=membership_id).values_list("person_id", flat=True).first()
        )
        refuse(actor, summary=f"Refused access to IOM panel decision {membership_id}", person_id=person_id)
    return record


def last_panel(on: date) -> Panel | None:
    return Panel.objects.filter(held_on__lte=on).order_by("-held_on").first()


def candidates(actor: Actor, filters: CandidateFilters, *, on: date) -> QuerySet[Candidacy]:
    """Candidates the actor may see who are not already before the panel or in the cohort, best first."""
    ogrs = RiskScore.objects.filter(person=OuterRef("person"), kind="ogrs3", is_current=True)
    open_membership = CohortMembership.objects.filter(person=OuterRef("person"), status__in=OPEN_STATUSES)
    rows = (
        Candidacy.objects.filter(is_candidate=True, person__in=visible_people(actor, on=on))
        .exclude(Exists(open_membership))
        .select_related("person", "person__district")
        .annotate(ogrs3_two_year=Subquery(ogrs.values("two_year")[:1]))
        .order_by("-score", "person_id")
    )
    if filters.district:
        rows = rows.filter(person__district__code=filters.district)
    if filters.strand in (Strand.FIXED, Strand.FLEX):
        rows = rows.filter(suggested_strand=filters.strand)
    if filters.new_only:
        panel = last_panel(on)
        if panel is not None:
            rows = rows.filter(candidate_since__gt=panel.held_on)
    return rows


def proposed(actor: Actor, *, on: date) -> QuerySet[CohortMembership]:
    return (
        CohortMembership.objects.filter(
            status=MembershipStatus.PROPOSED, person__in=visible_people(actor, on=on)
        )
        .select_related("person", "district")
        .order_by("proposed_on", "id")
    )


def cohort(actor: Actor, *, on: date, strand: str = "", district: str = "") -> QuerySet[CohortMembership]:
    rows = (
        CohortMembership.objects.filter(
            status=MembershipStatus.ADOPTED, person__in=visible_people(actor, on=on)
        )
        .select_related("person", "district")
        .prefetch_related("leads__agency", "leads__user")
        .order_by("review_date", "id")
    )
    if strand:
        rows = rows.filter(strand=strand)
    if district:
        rows = rows.filter(district__code=district)
    return rows


@dataclass(frozen=True)
class CapLine:
    label: str
    size: int
    cap: int

    @property
    def full(self) -> bool:
        return self.size >= self.cap


def capacity() -> list[CapLine]:
    """Cohort size per strand against the caps (partnership-wide, whoever is looking)."""
    caps = cohort_settings()
    sizes = cohort_sizes()
    return [CapLine(Strand(s).label, sizes.get(s, 0), caps.cap_for(s)) for s in Strand.values]


def district_capacity() -> list[CapLine]:
    from desist.partnership.models import District

    caps = cohort_settings()
    sizes = cohort_sizes()
    return [
        CapLine(d.name, sizes.get(f"district:{d.code}", 0), caps.cap_per_district)
        for d in District.objects.all()
    ]


def person_iom_history(person_id: int) -> list[CohortMembership]:
    return list(
        CohortMembership.objects.filter(person_id=person_id).prefetch_related(
            "decisions__decided_by", "decisions__panel", "leads__agency", "leads__user"
        )
    )
