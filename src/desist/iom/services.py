"""Writes for the IOM cohort: candidacy scores and panel decisions. Each decision is kept as a
Decision row, written to the access log, and reflected on the IOM register (which feeds the priority
group and the tier's IOM points)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from desist.assessments.models import RiskScore
from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.core import iom as scoring
from desist.core.reference import load_offence_codes
from desist.iom.models import (
    OPEN_STATUSES,
    Candidacy,
    CohortMembership,
    CohortSettings,
    Decision,
    DecisionKind,
    LeadProfessional,
    MembershipStatus,
    Panel,
    Strand,
)
from desist.iom.selectors import cohort_settings, cohort_sizes
from desist.offences.models import Offence
from desist.people.models import Person
from desist.registers.services import register_add, register_end
from desist.versioning import version_claim

BATCH = 2000


class CohortDecisionError(ValueError):
    """A panel decision that cannot be made as asked; the message says why."""


def scoring_matrix(row: CohortSettings | None = None) -> scoring.ScoringMatrix:
    """The partnership's matrix: the core defaults, with whatever the settings row sets."""
    row = row or cohort_settings()
    changes: dict[str, Any] = {"lookback_days": row.lookback_days}
    if row.recency_bands:
        changes["recency_bands"] = tuple((int(days), float(weight)) for days, weight in row.recency_bands)
    for name in ("frequency_weight", "gravity_weight", "ogrs_weight", "min_score"):
        if getattr(row, name) is not None:
            changes[name] = getattr(row, name)
    if row.flex_categories:
        changes["flex_categories"] = frozenset(row.flex_categories)
    return dataclasses.replace(scoring.ScoringMatrix(), **changes)


def candidacy_refresh(
    *, actor: Actor, person_ids: Iterable[int], on: date | None = None, batch_size: int = BATCH
) -> int:
    """Score these people with the matrix and store the result; returns how many are candidates."""
    on = on or timezone.localdate()
    matrix = scoring_matrix()
    harm = scoring.load_crime_harm_table()
    ids = sorted(set(person_ids))
    # Codes whose OGRS3 category depends on the exact offence cannot be weighed without a user's choice.
    scorable = {row.ho_code for row in load_offence_codes() if row.ogrs3_category and not row.needs_details}
    candidates = 0
    window_start = on - timedelta(days=matrix.lookback_days)
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        offences: dict[int, list[scoring.OffenceEvent]] = defaultdict(list)
        for person_id, offence_date, code in Offence.objects.filter(
            person_id__in=batch, offence_date__gte=window_start, offence_date__lte=on
        ).values_list("person_id", "offence_date", "offence_code__code"):
            offences[person_id].append(scoring.OffenceEvent(offence_date=offence_date, ho_code=code))
        ogrs = dict(
            RiskScore.objects.filter(
                person_id__in=batch, kind="ogrs3", is_current=True, two_year__isnull=False
            ).values_list("person_id", "two_year")
        )
        since = dict(
            Candidacy.objects.filter(person_id__in=batch).values_list("person_id", "candidate_since")
        )
        rows = []
        for person_id in batch:
            events = offences.get(person_id, [])
            undecided = [e for e in events if e.ho_code not in scorable]
            events = [e for e in events if e.ho_code in scorable]
            result = scoring.iom_score(
                offences=events, ogrs3_two_year=ogrs.get(person_id), as_of=on, matrix=matrix, harm=harm
            )
            candidates += result.is_candidate
            rows.append(
                Candidacy(
                    person_id=person_id,
                    score=result.score,
                    suggested_strand=result.suggested_strand or "",
                    is_candidate=result.is_candidate,
                    working=result.explain(),
                    missing=result.missing
                    + [
                        f"offence {e.ho_code} of {e.offence_date:%d %b %Y} not scored: its category "
                        "depends on the exact offence"
                        for e in undecided
                    ],
                    # First scored as a candidate: since their latest counted offence, the nearest date the
                    # record gives.
                    candidate_since=(since.get(person_id) or _latest_offence(events, on))
                    if result.is_candidate
                    else None,
                    calculated_on=on,
                )
            )
        with transaction.atomic():
            Candidacy.objects.filter(person_id__in=batch).delete()
            Candidacy.objects.bulk_create(rows, batch_size=1000)
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        person_id=ids[0] if len(ids) == 1 else None,
        summary=(
            f"Scored {len(ids)} {'person' if len(ids) == 1 else 'people'} for IOM ({candidates} candidates)"
        ),
        detail={"people": len(ids), "candidates": candidates},
    )
    return candidates


def _latest_offence(events: list[scoring.OffenceEvent], on: date) -> date:
    return max((e.offence_date for e in events if e.offence_date <= on), default=on)


def _decide(
    *, actor: Actor, membership: CohortMembership, kind: str, on: date, panel: Panel | None, notes: str
) -> Decision:
    decision = Decision.objects.create(
        membership=membership, kind=kind, decided_on=on, decided_by_id=actor.user_id, panel=panel, notes=notes
    )
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        person_id=membership.person_id,
        obj=decision,
        summary=f"IOM: {decision.get_kind_display().lower()} (person {membership.person_id})",
        detail={
            "membership": membership.pk,
            "status": membership.status,
            "strand": membership.strand,
            "notes": notes,
            "panel": panel.pk if panel else None,
        },
    )
    return decision


@transaction.atomic
def cohort_propose(
    *, actor: Actor, person: Person, panel: Panel | None = None, notes: str = "", on: date | None = None
) -> CohortMembership:
    """Put a candidate before the panel."""
    on = on or timezone.localdate()
    if CohortMembership.objects.filter(person=person, status__in=OPEN_STATUSES).exists():
        raise CohortDecisionError("This person is already proposed or in the cohort.")
    score = Candidacy.objects.filter(person=person).values_list("score", flat=True).first()
    try:
        # Two coordinators proposing one person at once both pass the check above; the database decides.
        with transaction.atomic():
            membership = CohortMembership.objects.create(
                person=person, proposed_on=on, district_id=person.district_id, score_when_proposed=score
            )
    except IntegrityError as error:
        raise CohortDecisionError("This person is already proposed or in the cohort.") from error
    _decide(actor=actor, membership=membership, kind=DecisionKind.PROPOSED, on=on, panel=panel, notes=notes)
    return membership


@transaction.atomic
def cohort_adopt(
    *,
    actor: Actor,
    membership: CohortMembership,
    strand: str,
    review_date: date,
    leads: dict[int, int | None],
    panel: Panel | None = None,
    notes: str = "",
    on: date | None = None,
    version: int | None = None,
) -> CohortMembership:
    """Adopt a proposed person into a strand, with a lead professional per agency and a review date.

    Refused, with the reason, when the strand or the district is at its cap; refused (StaleEdit) when the
    panel decision changed since `version` was read.
    """
    on = on or timezone.localdate()
    membership = CohortMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != MembershipStatus.PROPOSED:
        raise CohortDecisionError(f"Only a proposed person can be adopted (this one is {membership.status}).")
    if strand not in Strand.values:
        raise CohortDecisionError(f"Choose a strand: {', '.join(Strand.values)}.")
    if review_date <= on:
        raise CohortDecisionError("The first review must be after the day of adoption.")
    if not leads:
        raise CohortDecisionError("Name a lead professional for at least one agency.")
    caps = cohort_settings()
    sizes = cohort_sizes()
    if sizes.get(strand, 0) >= caps.cap_for(strand):
        raise CohortDecisionError(
            f"The {Strand(strand).label} strand is full ({sizes.get(strand, 0)} of {caps.cap_for(strand)})."
        )
    district_code = membership.district.code if membership.district else None
    if district_code and sizes.get(f"district:{district_code}", 0) >= caps.cap_per_district:
        raise CohortDecisionError(
            f"The cohort for {membership.district} is full "
            f"({sizes[f'district:{district_code}']} of {caps.cap_per_district})."
        )
    entry = register_add(
        actor=actor,
        person=membership.person,
        kind="iom",
        start_date=on,
        notes=f"Adopted into the {Strand(strand).label} strand",
    )
    membership.status, membership.strand, membership.adopted_on = MembershipStatus.ADOPTED, strand, on
    membership.review_date, membership.register_entry = review_date, entry
    version_claim(membership, version)
    membership.save()
    LeadProfessional.objects.bulk_create(
        [
            LeadProfessional(membership=membership, agency_id=agency_id, user_id=user_id)
            for agency_id, user_id in leads.items()
        ]
    )
    _decide(
        actor=actor,
        membership=membership,
        kind=DecisionKind.ADOPTED,
        on=on,
        panel=panel,
        notes=notes or f"{Strand(strand).label}; review by {review_date:%d %b %Y}",
    )
    return membership


@transaction.atomic
def cohort_decline(
    *,
    actor: Actor,
    membership: CohortMembership,
    reason: str,
    panel: Panel | None = None,
    on: date | None = None,
    version: int | None = None,
) -> CohortMembership:
    on = on or timezone.localdate()
    if membership.status != MembershipStatus.PROPOSED:
        raise CohortDecisionError("Only a proposed person can be declined.")
    if not reason.strip():
        raise CohortDecisionError("Say why the panel declined.")
    version_claim(membership, version)
    membership.status, membership.reason, membership.ended_on = MembershipStatus.DECLINED, reason.strip(), on
    membership.save()
    _decide(
        actor=actor,
        membership=membership,
        kind=DecisionKind.DECLINED,
        on=on,
        panel=panel,
        notes=reason.strip(),
    )
    return membership


@transaction.atomic
def cohort_review(
    *,
    actor: Actor,
    membership: CohortMembership,
    next_review: date,
    notes: str = "",
    panel: Panel | None = None,
    on: date | None = None,
    version: int | None = None,
) -> CohortMembership:
    on = on or timezone.localdate()
    if membership.status != MembershipStatus.ADOPTED:
        raise CohortDecisionError("Only people in the cohort are reviewed.")
    if next_review <= on:
        raise CohortDecisionError("The next review must be in the future.")
    version_claim(membership, version)
    membership.review_date = next_review
    membership.save(update_fields=["review_date"])
    _decide(
        actor=actor,
        membership=membership,
        kind=DecisionKind.REVIEWED,
        on=on,
        panel=panel,
        notes=notes or f"Next review {next_review:%d %b %Y}",
    )
    return membership


@transaction.atomic
def cohort_deselect(
    *,
    actor: Actor,
    membership: CohortMembership,
    reason: str,
    panel: Panel | None = None,
    on: date | None = None,
    version: int | None = None,
) -> CohortMembership:
    on = on or timezone.localdate()
    if membership.status != MembershipStatus.ADOPTED:
        raise CohortDecisionError("Only people in the cohort can be de-selected.")
    if not reason.strip():
        raise CohortDecisionError("Say why the person leaves the cohort.")
    version_claim(membership, version)
    if membership.register_entry is not None and membership.register_entry.end_date is None:
        register_end(
            actor=actor,
            entry=membership.register_entry,
            end_date=max(on, membership.register_entry.start_date),
        )
    membership.status, membership.reason, membership.ended_on = (
        MembershipStatus.DESELECTED,
        reason.strip(),
        on,
    )
    membership.save()
    _decide(
        actor=actor,
        membership=membership,
        kind=DecisionKind.DESELECTED,
        on=on,
        panel=panel,
        notes=reason.strip(),
    )
    return membership
