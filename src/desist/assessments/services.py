"""Writes for assessments and risk scores."""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import orjson
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from desist import risk
from desist.assessments.models import Assessment, AssessmentSection, RiskScore
from desist.assessments.selectors import risk_facts
from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.bulk import copy_rows
from desist.core.risk.scoring import ScoreResult, scores_for
from desist.people.models import Person
from desist.people.signals import derived_refresh_later

BATCH = 2000


@dataclass
class RecalculationResult:
    people: int = 0
    changed: int = 0
    unchanged: int = 0


def _batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


SCORE_FIELDS = [
    "person",
    "kind",
    "calculated_at",
    "as_of",
    "one_year",
    "two_year",
    "band",
    "value",
    "inputs",
    "working",
    "missing",
    "is_current",
    "fingerprint",
]


def _json(value: Any) -> str:
    """Compact, key-sorted JSON: orjson, because a full recompute encodes millions of these."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str).decode()


def _fingerprint(result: ScoreResult, inputs_json: str, missing_json: str) -> str:
    """A short hash of everything a score row says, so unchanged scores are found without reading them."""
    text = "|".join(
        (
            result.kind,
            inputs_json,
            missing_json,
            str(result.one_year),
            str(result.two_year),
            result.band,
            result.value,
        )
    )
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for one batch.

    A batch allocates hundreds of thousands of small objects that reference counting frees; the cyclic
    collector's passes over them were a third of the calculators' time. Cycles wait for the next pass.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _recalculate_batch(ids: list[int], on: date) -> tuple[int, int]:
    now = timezone.now()
    facts = risk_facts(ids, on=on)
    current = {
        (person_id, kind): (pk, fingerprint)
        for pk, person_id, kind, fingerprint in RiskScore.objects.filter(
            person_id__in=ids, is_current=True
        ).values_list("pk", "person_id", "kind", "fingerprint")
    }
    rows: list[tuple[Any, ...]] = []
    replaced: list[int] = []
    unchanged = 0
    for person_id, person_facts in facts.items():
        for result in scores_for(
            person_facts, on, assessment_current_days=settings.DESIST_ASSESSMENT_CURRENT_DAYS
        ):
            # Each score's JSON is encoded once, for both the fingerprint and the row.
            inputs_json = _json(result.inputs)
            missing_json = _json(result.missing)
            fingerprint = _fingerprint(result, inputs_json, missing_json)
            previous = current.get((person_id, result.kind))
            if previous is not None and previous[1] == fingerprint:
                unchanged += 1
                continue
            if previous is not None:
                replaced.append(previous[0])
            rows.append(
                (
                    person_id,
                    result.kind,
                    now,
                    on,
                    result.one_year,
                    result.two_year,
                    result.band,
                    result.value,
                    inputs_json,
                    _json(result.full_working()),
                    missing_json,
                    True,
                    fingerprint,
                )
            )
    RiskScore.objects.filter(pk__in=replaced).update(is_current=False)
    copy_rows(RiskScore, SCORE_FIELDS, rows)
    return len(rows), unchanged


def risk_recalculate(
    *, actor: Actor, person_ids: Iterable[int], on: date | None = None, batch_size: int = BATCH
) -> RecalculationResult:
    """Work out every score for these people from their records; store a new row where anything changed.

    Each batch is its own transaction, so a long run over a whole partnership holds no lock for long.
    """
    on = on or timezone.localdate()
    ids = sorted(set(person_ids))
    result = RecalculationResult(people=len(ids))
    for batch in _batches(ids, batch_size):
        with transaction.atomic(), _no_cyclic_gc():
            changed, unchanged = _recalculate_batch(batch, on)
        result.changed += changed
        result.unchanged += unchanged
    person_id = ids[0] if len(ids) == 1 else None
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        person_id=person_id,
        summary=f"Recalculated risk scores for {len(ids)} {'person' if len(ids) == 1 else 'people'} "
        f"({result.changed} changed)",
        detail={"people": len(ids), "changed": result.changed, "on": on.isoformat()},
    )
    return result


def section_need_or_blank(section: str, score: int) -> str:
    """The need a section's score shows, or blank for sections with no published thresholds."""
    if section not in risk.SECTION_KEYS:
        raise risk.RiskInputError(
            f"unknown OASys section {section!r}; use one of {', '.join(risk.SECTION_KEYS)}"
        )
    return risk.section_need(section, score) if section in risk.THRESHOLDS else ""


def _decimal(value: float | Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@transaction.atomic
def assessment_record(
    *,
    actor: Actor,
    person: Person,
    assessed_on: date,
    source: str = "desist",
    rosh: dict[str, str] | None = None,
    rsr_percent: float | Decimal | None = None,
    sections: dict[str, list[int | None]] | None = None,
    answers: dict[str, Any] | None = None,
    arp_percent: float | Decimal | None = None,
    csrp_percent: float | Decimal | None = None,
    dcsrp_band: str = "",
    dcsrp_score: float | Decimal | None = None,
) -> Assessment:
    """Record an assessment: question scores give each section's score and need (RULES.md §3a).

    A section with no question answered is not recorded. ARP, CSRP and the direct-contact sexual
    reoffending predictor received from OASys are kept for the single-letter tier (RULES.md §3b); the
    recalculation that follows also works out desist's own (ARP, SVRP, DC-SRP, IIC-SRP, CSRP, stored as
    risk scores) and the tier prefers the received figures where given.
    Raises desist.risk.RiskInputError for question scores outside 0 to 2 or an unknown section, and
    django.core.exceptions.ValidationError for a value the assessment cannot hold; nothing is saved then.
    """
    version = (Assessment.objects.filter(person=person).aggregate(Max("version"))["version__max"] or 0) + 1
    rosh = rosh or {}
    assessment = Assessment(
        person=person,
        version=version,
        assessed_on=assessed_on,
        source=source,
        rosh_public=rosh.get("public", ""),
        rosh_known_adult=rosh.get("known_adult", ""),
        rosh_children=rosh.get("children", ""),
        rosh_staff=rosh.get("staff", ""),
        rsr_percent=_decimal(rsr_percent),
        arp_percent=_decimal(arp_percent),
        csrp_percent=_decimal(csrp_percent),
        dcsrp_band=dcsrp_band,
        dcsrp_score=_decimal(dcsrp_score),
        answers=answers or {},
        recorded_by_id=actor.user_id,
    )
    assessment.full_clean()
    assessment.save()
    rows = []
    for section, question_scores in (sections or {}).items():
        if section not in risk.SECTION_KEYS:
            raise risk.RiskInputError(
                f"unknown OASys section {section!r}; use one of {', '.join(risk.SECTION_KEYS)}"
            )
        score = risk.section_score(question_scores)
        if score is None:  # nothing answered: the section is not part of this assessment
            continue
        rows.append(
            AssessmentSection(
                assessment=assessment,
                section=section,
                question_scores=list(question_scores),
                score=score,
                need=section_need_or_blank(section, score),
            )
        )
    for row in rows:
        row.full_clean(exclude=["assessment"])
    AssessmentSection.objects.bulk_create(rows)
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        summary=f"Recorded assessment {version} for person {person.pk}",
        person_id=person.pk,
        obj=assessment,
        detail={
            "after": {
                "assessed_on": assessed_on.isoformat(),
                "rosh": rosh,
                "rsr_percent": None if rsr_percent is None else float(rsr_percent),
                "arp_percent": None if arp_percent is None else float(arp_percent),
                "csrp_percent": None if csrp_percent is None else float(csrp_percent),
                "dcsrp_band": dcsrp_band,
                "dcsrp_score": None if dcsrp_score is None else float(dcsrp_score),
                "sections": {r.section: r.need for r in rows},
            }
        },
    )
    derived_refresh_later(person.pk)
    return assessment
