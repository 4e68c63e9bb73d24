"""Reads for IOM: the ranked candidates, the cohort and each person's history with the panel."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery

from desist.assessments.models import RiskScore
from desist.audit.context import Actor
from desist.audit.refusals import refuse
from desist.core import iom_steering as steering_rules
from desist.iom.models import (
    OPEN_STATUSES,
    Candidacy,
    CohortMembership,
    CohortSettings,
    MembershipStatus,
    Panel,
    Strand,
)
from desist.partnership.models import AgencyKind
from desist.people.models import Involvement
from desist.people.selectors import visible_people
from desist.referrals.models import Referral, ReferralStatus


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


# --- The steering group's one page -------------------------------------------------------------------------

# What counts as the start of treatment: the first day, on or after the day of adoption, that a treatment
# provider (an agency of kind "treatment") began work with the person: an involvement of theirs starting, or
# a referral to one of their services starting (referrals.Referral.started_on). The waits counted are those of
# the people adopted in the last STEERING_WINDOW_DAYS days.
STEERING_WINDOW_DAYS = 365


@dataclass(frozen=True)
class CohortCount:
    label: str
    people: int


@dataclass(frozen=True)
class TreatmentStarts:
    """Adoptions in the window: how long from adoption to the start of treatment for those who have started,
    and how many have not started yet."""

    adopted: int
    started: steering_rules.DaysSummary
    not_started: int
    window_start: date


@dataclass(frozen=True)
class WaitingReferrals:
    """Referrals of the cohort's members made and not yet started (made, acknowledged or accepted and
    waiting): how many, their ages in bands, and the oldest's date."""

    count: int
    bands: tuple[tuple[str, int], ...]
    oldest_made_on: date | None


def steering_cohort_counts() -> tuple[int, list[CohortCount], list[CohortCount]]:
    """The cohort (people adopted and not de-selected) counted by strand and by district, partnership-wide (no
    person named): one grouped query."""
    rows = list(
        CohortMembership.objects.filter(status=MembershipStatus.ADOPTED)
        .values("strand", "district__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_strand: dict[str, int] = defaultdict(int)
    by_district: dict[str, int] = defaultdict(int)
    for row in rows:
        by_strand[row["strand"]] += row["n"]
        by_district[row["district__name"] or "No district"] += row["n"]
    strands = [CohortCount(Strand(s).label, by_strand.get(s, 0)) for s in Strand.values]
    districts = [CohortCount(name, n) for name, n in sorted(by_district.items())]
    return sum(by_strand.values()), strands, districts


def treatment_starts(*, on: date) -> TreatmentStarts:
    """From adoption to the start of treatment (see STEERING_WINDOW_DAYS for what counts) for everyone adopted
    in the year to `on`: one query, the first start of each kind worked out in the database for each adoption
    (at most the year's adoptions, which the cohort caps bound)."""
    start = on - timedelta(days=STEERING_WINDOW_DAYS)
    person, adopted = OuterRef("person_id"), OuterRef("adopted_on")
    first_involvement = (
        Involvement.objects.filter(
            person_id=person, agency__kind=AgencyKind.TREATMENT, start_date__gte=adopted, start_date__lte=on
        )
        .order_by("start_date")
        .values("start_date")[:1]
    )
    first_referral = (
        Referral.objects.filter(
            person_id=person,
            service__provider__kind=AgencyKind.TREATMENT,
            started_on__gte=adopted,
            started_on__lte=on,
        )
        .order_by("started_on")
        .values("started_on")[:1]
    )
    rows = list(
        CohortMembership.objects.filter(adopted_on__gte=start, adopted_on__lte=on)
        .order_by()
        .annotate(involvement=Subquery(first_involvement), referral=Subquery(first_referral))
        .values_list("adopted_on", "involvement", "referral")
    )
    waits = []
    for adopted_on, involvement, referral in rows:
        starts = [d for d in (involvement, referral) if d is not None]
        if starts:
            waits.append((min(starts) - adopted_on).days)
    return TreatmentStarts(
        adopted=len(rows),
        started=steering_rules.days_summary(waits),
        not_started=len(rows) - len(waits),
        window_start=start,
    )


def waiting_referrals(*, on: date) -> WaitingReferrals:
    """Referrals to services of the people in the cohort that are made but not started, aged from the day
    they were made: one aggregate query."""
    waiting = Referral.objects.filter(
        status__in=[ReferralStatus.MADE, ReferralStatus.ACKNOWLEDGED, ReferralStatus.WAITING],
        person__in=CohortMembership.objects.filter(status=MembershipStatus.ADOPTED).values("person_id"),
    )
    counts: dict[str, Any] = {"oldest": Min("made_on"), "total": Count("id")}
    lower: int | None = None
    for index, (upper, _label) in enumerate(steering_rules.DAY_BANDS):
        condition = Q()
        if upper is not None:
            condition &= Q(made_on__gte=on - timedelta(days=upper))
        if lower is not None:
            condition &= Q(made_on__lt=on - timedelta(days=lower))
        counts[f"band{index}"] = Count("id", filter=condition)
        lower = upper
    result = waiting.aggregate(**counts)
    bands = tuple((label, result[f"band{i}"]) for i, (_u, label) in enumerate(steering_rules.DAY_BANDS))
    return WaitingReferrals(count=result["total"], bands=bands, oldest_made_on=result["oldest"])
