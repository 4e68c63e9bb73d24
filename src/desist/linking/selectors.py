"""Record linkage reads: who may review, the decisions in force, the review queue, and a pair laid out
field by field for a reviewer."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Abs

from desist.audit.context import Actor
from desist.imports.models import SourceRecord
from desist.linking.models import (
    Decision,
    LinkageModelVersion,
    LinkRun,
    LinkRunBatch,
    PairStatus,
    ReviewPair,
    RunStatus,
)

RecordKey = tuple[str, str]
REVIEW_PURPOSE = "record_linkage"
QUEUE_ORDERS = {"nearest": "Nearest the link threshold (the hardest calls)", "oldest": "Oldest first"}


def can_review(actor: Actor) -> bool:
    """Whether the user may review pairs and run linkage: a role in DESIST_LINKAGE_REVIEWER_ROLES (no
    query)."""
    return bool(actor.roles & set(settings.DESIST_LINKAGE_REVIEWER_ROLES))


def decisions_in_force() -> tuple[list[tuple[RecordKey, RecordKey]], list[tuple[RecordKey, RecordKey]]]:
    """The pairs reviewers said must link and must not link (the latest decision on each pair), as
    record keys (agency code, record id), in one query."""
    must_link: list[tuple[RecordKey, RecordKey]] = []
    must_not_link: list[tuple[RecordKey, RecordKey]] = []
    rows = ReviewPair.objects.filter(decision__in=[Decision.MATCH, Decision.NOT_A_MATCH]).values_list(
        "decision", "left__agency__code", "left__record_id", "right__agency__code", "right__record_id"
    )
    for decision, left_source, left_id, right_source, right_id in rows:
        pair = ((left_source, left_id), (right_source, right_id))
        (must_link if decision == Decision.MATCH else must_not_link).append(pair)
    return must_link, must_not_link


def deprecated_threshold_settings() -> list[str]:
    """A sentence for each threshold still set as a match weight (the settings before match probabilities)."""
    return [
        f"{old} (a match weight) is deprecated and will be ignored after the next release; set {new} "
        f"(a match probability) instead."
        for old, new in (
            ("DESIST_LINK_THRESHOLD", "DESIST_LINK_PROBABILITY"),
            ("DESIST_REVIEW_THRESHOLD", "DESIST_REVIEW_PROBABILITY"),
        )
        if getattr(settings, old, None) is not None and getattr(settings, new, None) is None
    ]


def configured_thresholds() -> Any:
    """The link and review thresholds, from DESIST_LINK_PROBABILITY and DESIST_REVIEW_PROBABILITY (match
    probabilities); either unset takes the engine's default.

    For one release, a threshold whose probability is unset is still read from the deprecated match-weight
    setting (DESIST_LINK_THRESHOLD, DESIST_REVIEW_THRESHOLD), with a warning."""
    from desist.core.linkage import Thresholds

    chosen = Thresholds.from_probabilities(
        link=settings.DESIST_LINK_PROBABILITY or 0.0, review=settings.DESIST_REVIEW_PROBABILITY or 0.0
    )
    for message in deprecated_threshold_settings():
        warnings.warn(message, DeprecationWarning, stacklevel=2)
    link, review = chosen.link, chosen.review
    if settings.DESIST_LINK_PROBABILITY is None and settings.DESIST_LINK_THRESHOLD is not None:
        link = settings.DESIST_LINK_THRESHOLD
    if settings.DESIST_REVIEW_PROBABILITY is None and settings.DESIST_REVIEW_THRESHOLD is not None:
        review = settings.DESIST_REVIEW_THRESHOLD
    return Thresholds(link=link, review=review)


def link_threshold() -> float:
    return float(configured_thresholds().link)


def review_queue(
    *, status: str = PairStatus.OPEN, order: str = "nearest", agency_id: int | None = None, decision: str = ""
) -> QuerySet[ReviewPair]:
    """Pairs in the queue: open ones by default, those nearest the link threshold first (the hardest
    calls) or the oldest first; only those with a record from the agency, if given."""
    pairs = ReviewPair.objects.filter(status=status).select_related("left__agency", "right__agency")
    if decision:
        pairs = pairs.filter(decision=decision)
    if agency_id is not None:
        pairs = pairs.filter(Q(left__agency_id=agency_id) | Q(right__agency_id=agency_id))
    if order == "oldest":
        return pairs.order_by("created_at", "pk")
    return pairs.annotate(distance=Abs(F("match_weight") - Value(link_threshold()))).order_by(
        "distance", "pk"
    )


def next_pair(
    after: ReviewPair, *, order: str = "nearest", agency_id: int | None = None
) -> ReviewPair | None:
    """The next open pair to review, in the queue's order (never the one just decided)."""
    return review_queue(order=order, agency_id=agency_id).exclude(pk=after.pk).first()


def review_pair(pair_id: int) -> ReviewPair | None:
    """A pair with both records, their agencies and batches, and its decisions (newest first)."""
    return (
        ReviewPair.objects.select_related(
            "left__agency", "right__agency", "left__batch", "right__batch", "first_seen_run", "last_seen_run"
        )
        .prefetch_related("decisions")
        .filter(pk=pair_id)
        .first()
    )


def linkage_overview() -> dict[str, Any]:
    """What the Linkage page shows: model versions, recent runs, the latest imports with their linking, and
    the queue's size."""
    from desist.imports.models import ImportBatch

    batches = list(
        ImportBatch.objects.select_related("agency").order_by("-imported_at", "-pk")[:RECENT_BATCHES]
    )
    states = batch_linking(batches)
    return {
        "versions": list(LinkageModelVersion.objects.defer("splink")[:20]),
        "runs": list(LinkRun.objects.select_related("model_version").defer("model_version__splink")[:20]),
        "open_pairs": ReviewPair.objects.filter(status=PairStatus.OPEN).count(),
        "unsure_pairs": ReviewPair.objects.filter(decision=Decision.UNSURE).count(),
        "imports": [(batch, states[batch.pk]) for batch in batches],
    }


# --- each import's linking ----------------------------------------------------------------------------

RECENT_BATCHES = 10
WAITING, LINKING, LINKED, WAITING_FOR_RECORDS, FAILED, OFF = (
    "waiting",
    "linking",
    "linked",
    "waiting_for_records",
    "failed",
    "off",
)


@dataclass(frozen=True)
class BatchLinking:
    """Whether an import's records have been linked into people: waiting, linking, linked (with what became of
    them), waiting for enough records, failed (explained, and whether it will be tried again) or off."""

    state: str
    run: LinkRun | None = None
    counts: LinkRunBatch | None = None

    @property
    def finished(self) -> bool:
        """Nothing will change without the worker starting again (the import page stops asking)."""
        return self.state not in (WAITING, LINKING)

    @property
    def label(self) -> str:
        return {
            WAITING: "Waiting to be linked",
            LINKING: "Being linked",
            LINKED: "Linked",
            WAITING_FOR_RECORDS: "Waiting for more records",
            FAILED: "Linking failed",
            OFF: "Not linked yet",
        }[self.state]

    @property
    def colour(self) -> str:
        return {
            WAITING: "grey",
            LINKING: "blue",
            LINKED: "green",
            WAITING_FOR_RECORDS: "yellow",
            FAILED: "red",
            OFF: "grey",
        }[self.state]

    @property
    def retried(self) -> bool:
        """A failed run that the worker will try again on its own."""
        return self.state == FAILED and self.run is not None and self.run.retry_at is not None


def batch_linking(batches: list[Any]) -> dict[int, BatchLinking]:
    """Each import batch's linking (two queries however many batches): the latest run that set out to link its
    records says how it went; a batch no run has taken up yet is waiting, or linked if none of its records
    waits (imported before runs recorded their batches, or nothing in it was new)."""
    ids = [batch.pk for batch in batches]
    latest: dict[int, LinkRunBatch] = {}
    for row in (
        LinkRunBatch.objects.filter(batch_id__in=ids)
        .select_related("run")
        .defer("run__error")
        .order_by("batch_id", "-run__started_at", "-run_id")
    ):
        latest.setdefault(row.batch_id, row)
    untouched = [pk for pk in ids if pk not in latest]
    waiting = (
        set(
            SourceRecord.objects.filter(batch_id__in=untouched, person__isnull=True)
            .values_list("batch_id", flat=True)
            .distinct()
        )
        if untouched
        else set()
    )
    states: dict[int, BatchLinking] = {}
    for pk in ids:
        taken = latest.get(pk)
        if taken is None:
            idle = OFF if not settings.DESIST_LINK_AFTER_IMPORT else WAITING
            states[pk] = BatchLinking(idle if pk in waiting else LINKED)
            continue
        state = {
            RunStatus.RUNNING: LINKING,
            RunStatus.DONE: LINKED,
            RunStatus.WAITING: WAITING_FOR_RECORDS,
            RunStatus.FAILED: FAILED,
        }[RunStatus(taken.run.status)]
        states[pk] = BatchLinking(state, taken.run, taken if state == LINKED else None)
    return states


# --- a pair, field by field ---------------------------------------------------------------------------

AGREES, PARTLY, DISAGREES, MISSING = "agrees", "partly agrees", "disagrees", "missing"
FULL_AGREEMENT = {"Exact match", "Same", "Same address"}


def agreement_state(level: str | None) -> str:
    """Read an agreement level's label as agrees, partly agrees, disagrees or missing."""
    if level is None or level == "Missing":
        return MISSING
    if level in FULL_AGREEMENT:
        return AGREES
    if level == "Different":
        return DISAGREES
    return PARTLY


@dataclass(frozen=True)
class FieldRow:
    label: str
    left: str
    right: str
    comparison: str  # the engine's comparison name, or "" when the model does not compare this field
    level: str | None
    state: str | None
    weight: float | None


def _name(r: SourceRecord) -> str:
    return " ".join(p for p in (r.first_name, r.middle_names, r.last_name) if p)


def _alias(r: SourceRecord) -> str:
    return " ".join(p for p in (r.alias_first_name, r.alias_last_name) if p)


def _dob(r: SourceRecord) -> str:
    return r.date_of_birth.strftime("%-d %B %Y") if r.date_of_birth else ""


def _address(r: SourceRecord) -> str:
    return ", ".join(p for p in (" ".join(p for p in (r.house_number, r.street) if p), r.locality) if p)


def _local(r: SourceRecord) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted((r.local_identifiers or {}).items()))


ROWS: list[tuple[str, Any, str]] = [
    ("First name", lambda r: r.first_name, "first_name"),
    ("Last name", lambda r: r.last_name, "last_name"),
    ("Full name", _name, ""),
    ("Alias", _alias, ""),
    ("Date of birth", _dob, "date_of_birth"),
    ("Sex", lambda r: r.sex.title() if r.sex else "", "sex"),
    ("Address", _address, "address"),
    ("Postcode", lambda r: r.postcode, "address"),
    ("Second address line", lambda r: r.address_line_2, "address_line_2"),
    ("County, state or region", lambda r: r.region, "region"),
    ("Country", lambda r: r.country, "country"),
    ("E-mail address", lambda r: r.email, "email"),
    ("Telephone", lambda r: r.telephone, "telephone"),
    ("PNC number", lambda r: r.pnc, "pnc"),
    ("CRN", lambda r: r.crn, "crn"),
    ("Prison number", lambda r: r.prison_number, "prison_number"),
    ("NHS number", lambda r: r.nhs_number, "nhs_number"),
    ("National Insurance number", lambda r: r.ni_number, "ni_number"),
    ("Other identifiers", _local, "local_ids"),
]


def pair_rows(pair: ReviewPair) -> list[FieldRow]:
    """The two records side by side, each compared field marked from the model's agreement level."""
    rows: list[FieldRow] = []
    for label, value, comparison in ROWS:
        left, right = value(pair.left) or "", value(pair.right) or ""
        if not (left or right or comparison in pair.agreement):
            continue
        found = pair.agreement.get(comparison) if comparison else None
        level = found.get("level") if found else None
        rows.append(
            FieldRow(
                label=label,
                left=left,
                right=right,
                comparison=comparison,
                level=level,
                state=agreement_state(level) if comparison and found else None,
                weight=found.get("weight") if found else None,
            )
        )
    return rows
