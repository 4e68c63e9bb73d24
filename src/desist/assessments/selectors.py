"""Reads for risk: the facts the calculators need, for many people at once, and current scores."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db.models import Q

from desist.assessments.models import Assessment, AssessmentSection, RiskScore
from desist.audit.context import Actor
from desist.core.risk.scoring import AssessmentFacts, RiskFacts, Sanction, SentenceFacts
from desist.offences.models import Offence
from desist.partnership.models import Membership
from desist.people.models import Person
from desist.registers.models import RegisterEntry
from desist.sentences.models import Requirement, Sentence
from desist.sentences.rules import sentence_status


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def risk_facts(person_ids: Iterable[int], *, on: date) -> dict[int, RiskFacts]:
    """The facts for each person, in seven queries however many people are asked for.

    Batches are sorted runs of ids, so each query reads an id range (an index range scan) and rows for
    people outside the batch are skipped here, which is far cheaper than sending thousands of ids.
    """
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    wanted = set(ids)
    span = {"person_id__gte": ids[0], "person_id__lte": ids[-1]}
    facts = {
        pk: RiskFacts(person_id=pk, sex=sex, date_of_birth=born)
        for pk, sex, born in Person.objects.filter(pk__gte=ids[0], pk__lte=ids[-1]).values_list(
            "pk", "sex", "date_of_birth"
        )
        if pk in wanted
    }
    for person_id, outcome_date, outcome, code, offence_date, sentence_id, category, offence_id in (
        Offence.objects.filter(**span)
        .values_list(
            "person_id",
            "outcome_date",
            "outcome",
            "offence_code__code",
            "offence_date",
            "sentence_id",
            "ogrs3_category",
            "pk",
        )
        .order_by("person_id", "outcome_date")
    ):
        if person_id in facts:
            facts[person_id].sanctions.append(
                Sanction(outcome_date, outcome, code, offence_date, sentence_id, category, offence_id)
            )

    # Plain rows rather than model instances: this runs over a whole partnership.
    sentences = [
        SimpleNamespace(**row)
        for row in Sentence.objects.filter(**span).values(
            "pk",
            "person_id",
            "kind",
            "sentence_date",
            "start_date",
            "end_date",
            "release_date",
            "licence_expiry_date",
            "sentence_expiry_date",
            "terminated_date",
            "indeterminate",
        )
        if row["person_id"] in facts
    ]
    statuses = {s.pk: sentence_status(s, on) for s in sentences}  # type: ignore[arg-type]
    running = [pk for pk, status in statuses.items() if status != "none"]
    requirements: dict[int, set[str]] = defaultdict(set)
    for sentence_id, kind in Requirement.objects.filter(sentence_id__in=running, status="active").values_list(
        "sentence_id", "kind"
    ):
        requirements[sentence_id].add(kind)
    for s in sentences:
        facts[s.person_id].sentences.append(
            SentenceFacts(
                id=s.pk,
                kind=s.kind,
                sentence_date=s.sentence_date,
                release_date=s.release_date,
                status=statuses[s.pk],
                requirement_kinds=frozenset(requirements.get(s.pk, ())),
                indeterminate=s.indeterminate,
            )
        )

    current = Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on))
    for person_id, kind, mappa_category, mappa_level in RegisterEntry.objects.filter(
        current, **span
    ).values_list("person_id", "kind", "mappa_category", "mappa_level"):
        if person_id not in facts:
            continue
        facts[person_id].registers.add(kind)
        if kind == "mappa":
            facts[person_id].mappa_category, facts[person_id].mappa_level = mappa_category, mappa_level

    latest: dict[int, dict[str, Any]] = {}
    for row in (
        Assessment.objects.filter(assessed_on__lte=on, **span)
        .order_by("person_id", "-assessed_on", "-version")
        .values(
            "pk",
            "person_id",
            "assessed_on",
            "rosh_public",
            "rosh_known_adult",
            "rosh_children",
            "rosh_staff",
            "rsr_percent",
            "answers",
            "arp_percent",
            "csrp_percent",
            "dcsrp_band",
            "dcsrp_score",
        )
    ):
        if row["person_id"] in facts:
            latest.setdefault(row["person_id"], dict(row))
    needs: dict[int, dict[str, str]] = defaultdict(dict)
    for assessment_id, section, need in (
        AssessmentSection.objects.filter(
            assessment__person_id__gte=ids[0], assessment__person_id__lte=ids[-1]
        )
        .exclude(need="")
        .values_list("assessment_id", "section", "need")
    ):
        needs[assessment_id][section] = need
    for person_id, assessment in latest.items():
        rosh = {
            audience: assessment[f"rosh_{audience}"]
            for audience in ("public", "known_adult", "children", "staff")
            if assessment[f"rosh_{audience}"]
        }
        facts[person_id].assessment = AssessmentFacts(
            assessed_on=assessment["assessed_on"],
            rosh=rosh,
            rsr_percent=_float(assessment["rsr_percent"]),
            answers=dict(assessment["answers"]),
            needs=needs.get(assessment["pk"], {}),
            arp_percent=_float(assessment["arp_percent"]),
            csrp_percent=_float(assessment["csrp_percent"]),
            dcsrp_band=assessment["dcsrp_band"],
            dcsrp_score=_float(assessment["dcsrp_score"]),
        )
    return facts


def current_scores(person_id: int) -> dict[str, RiskScore]:
    return {s.kind: s for s in RiskScore.objects.filter(person_id=person_id, is_current=True)}


def score_history(person_id: int) -> list[RiskScore]:
    return list(RiskScore.objects.filter(person_id=person_id).order_by("kind", "-calculated_at", "-id"))


def can_record_assessments(actor: Actor) -> bool:
    """Whether the actor assesses: an active member of an agency kind in DESIST_ASSESSOR_AGENCY_KINDS, in a
    role in DESIST_ASSESSOR_ROLES (by default probation and youth justice practitioners and managers). One
    query."""
    if actor.user_id is None:
        return False
    return Membership.objects.filter(
        user_id=actor.user_id,
        is_active=True,
        agency__kind__in=settings.DESIST_ASSESSOR_AGENCY_KINDS,
        role__in=settings.DESIST_ASSESSOR_ROLES,
    ).exists()


def assessment_versions(person_id: int) -> list[Assessment]:
    """Every assessment of a person, newest first, with its sections and who recorded it (three queries)."""
    return list(
        Assessment.objects.filter(person_id=person_id)
        .select_related("recorded_by")
        .prefetch_related("sections")
        .order_by("-version")
    )
