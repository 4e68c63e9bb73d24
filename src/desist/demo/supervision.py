"""The demo's supervision and enforcement (issue 14): the appointments, contacts, failures, warnings,
referrals, recall recommendations and requirement progress desist.core.synth.supervision generates, bulk
loaded onto the people and sentences the demo loaded, with the generator's staff as the practitioners."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.db import connection, models
from django.utils import timezone

from desist.bulk import copy_rows
from desist.core.synth.supervision import generate_supervision
from desist.enforcement.models import (
    EnforcementReferral,
    EnforcementWarning,
    Failure,
    RecallRecommendation,
    RequirementProgressEntry,
)
from desist.sentences.models import LicenceCondition, Requirement
from desist.supervision.models import Appointment, Contact

BATCH = 5000
M = TypeVar("M", bound=models.Model)


def _insert(model: type[M], rows: Iterable[M]) -> int:
    count = 0
    batch: list[M] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            model.objects.bulk_create(batch)  # type: ignore[attr-defined]
            count += len(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)  # type: ignore[attr-defined]
        count += len(batch)
    return count


def _aware(value: datetime) -> datetime:
    return timezone.make_aware(value)


def _evening(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(17, 0)))


def _loaded_ids(
    model: type[Requirement] | type[LicenceCondition], table: Any, sentence_people: dict[int, int], key: str
) -> dict[int, int]:
    """The generator's id of each requirement or licence condition loaded, to the database's: they went in
    in the table's order, so the n-th loaded row of a sentence is the n-th row of that sentence."""
    rows = table.select([key, "sentence_id"]).to_pylist()
    generated = [r[key] for r in rows if r["sentence_id"] in sentence_people]
    loaded = list(model.objects.order_by("id").values_list("id", flat=True))
    return dict(zip(generated, loaded, strict=True))


def demo_supervision_load(
    world: Any, *, sentence_people: dict[int, int], worker_users: dict[int, int], agency_ids: dict[str, int]
) -> dict[str, int]:
    """Generate and load the supervision record; returns the rows loaded by kind."""
    made = generate_supervision(world)
    requirements = _loaded_ids(Requirement, world.requirements, sentence_people, "requirement_id")
    conditions = _loaded_ids(LicenceCondition, world.licence_conditions, sentence_people, "condition_id")
    person_of = {
        r["person_id"]: sentence_people[r["sentence_id"]]
        for r in world.sentences.select(["person_id", "sentence_id"]).to_pylist()
        if r["sentence_id"] in sentence_people
    }

    def user(worker: int | None) -> int | None:
        return None if worker is None else worker_users.get(worker)

    appointments = {a.appointment_id for a in made.appointments if a.sentence_id in sentence_people}

    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value

    def appointment_rows() -> Iterator[tuple[Any, ...]]:
        for a in made.appointments:
            if a.appointment_id not in appointments:
                continue
            starts = _aware(a.starts_at)
            ends = starts + timedelta(minutes=a.minutes)
            recorded = ends + timedelta(hours=1) if a.outcome else None
            practitioner = worker_users[a.worker_id]
            yield (
                a.appointment_id,
                sentence_people[a.sentence_id],
                practitioner,
                agency_ids[a.agency_code],
                a.kind,
                adapt(starts),
                adapt(ends),
                a.location,
                a.purpose,
                a.status,
                a.status_reason,
                a.rearranged_from,
                "",
                practitioner,
                adapt(starts - timedelta(days=7)),
                a.outcome,
                a.outcome_notes,
                adapt(recorded),
                practitioner if a.outcome else None,
            )

    counts = {
        "appointments": copy_rows(
            Appointment,
            [
                "id",
                "person",
                "practitioner",
                "agency",
                "kind",
                "starts_at",
                "ends_at",
                "location",
                "purpose",
                "status",
                "status_reason",
                "rearranged_from",
                "suspension_reason",
                "booked_by",
                "booked_at",
                "outcome",
                "outcome_notes",
                "outcome_recorded_at",
                "outcome_recorded_by",
            ],
            appointment_rows(),
        )
    }
    counts["contacts"] = copy_rows(
        Contact,
        [
            "person",
            "kind",
            "occurred_at",
            "agency",
            "recorded_by",
            "recorded_at",
            "summary",
            "outcome",
            "notes",
            "sensitivity",
            "appointment",
        ],
        (
            (
                person_of[c.person_id],
                c.kind,
                adapt(_aware(c.occurred_at)),
                agency_ids[c.agency_code],
                user(c.worker_id),
                adapt(now),
                c.summary,
                c.outcome,
                c.notes,
                c.sensitivity,
                c.appointment_id,
            )
            for c in made.contacts
            if c.person_id in person_of and (c.appointment_id is None or c.appointment_id in appointments)
        ),
    )
    failures = {f.failure_id for f in made.failures if f.sentence_id in sentence_people}
    counts["failures"] = _insert(
        Failure,
        (
            Failure(
                id=f.failure_id,
                person_id=sentence_people[f.sentence_id],
                sentence_id=f.sentence_id,
                requirement_id=requirements.get(f.requirement_id) if f.requirement_id else None,
                licence_condition_id=conditions.get(f.condition_id) if f.condition_id else None,
                appointment_id=f.appointment_id if f.appointment_id in appointments else None,
                occurred_on=f.occurred_on,
                description=f.description,
                judgement=f.judgement,
                reason=f.reason,
                evidence=f.evidence,
                judged_by_id=worker_users[f.worker_id] if f.judgement != "pending" else None,
                judged_at=_evening(f.judged_on) if f.judgement != "pending" else None,
                recorded_by_id=worker_users[f.worker_id],
            )
            for f in made.failures
            if f.failure_id in failures
        ),
    )
    counts["warnings"] = _insert(
        EnforcementWarning,
        (
            EnforcementWarning(
                failure_id=w.failure_id,
                person_id=person_of[w.person_id],
                issued_on=w.issued_on,
                issued_by_id=worker_users[w.worker_id],
            )
            for w in made.warnings
            if w.failure_id in failures
        ),
    )
    counts["enforcement referrals"] = _insert(
        EnforcementReferral,
        (
            EnforcementReferral(
                failure_id=r.failure_id,
                person_id=person_of[r.person_id],
                referred_on=r.referred_on,
                referred_by_id=worker_users[r.worker_id],
                note=r.note,
                court_date=r.court_date,
                outcome=r.outcome,
                outcome_on=r.outcome_on,
                outcome_note=r.outcome_note,
            )
            for r in made.referrals
            if r.failure_id in failures
        ),
    )
    counts["recall recommendations"] = _insert(
        RecallRecommendation,
        (
            RecallRecommendation(
                person_id=sentence_people[r.sentence_id],
                sentence_id=r.sentence_id,
                failure_id=r.failure_id,
                recommended_on=r.recommended_on,
                recommended_by_id=worker_users[r.worker_id],
                kind=r.kind,
                reason=r.reason,
                decision=r.decision,
                decided_on=r.decided_on,
                decided_by_id=worker_users[r.worker_id] if r.decided_on else None,
                decision_note=r.decision_note,
            )
            for r in made.recalls
            if r.failure_id in failures
        ),
    )
    counts["requirement progress"] = _insert(
        RequirementProgressEntry,
        (
            RequirementProgressEntry(
                requirement_id=requirements[p.requirement_id],
                person_id=person_of[p.person_id],
                kind=p.kind,
                on=p.on,
                amount=Decimal(str(p.amount)),
                note=p.note,
                recorded_by_id=worker_users[p.worker_id],
            )
            for p in made.progress
            if p.requirement_id in requirements and p.person_id in person_of
        ),
    )
    return counts
