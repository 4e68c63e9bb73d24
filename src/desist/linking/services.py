"""Record linkage writes: a reviewer's decision on a pair (which queues a linking run), opening a pair for
review, and choosing the model version runs use. The runs themselves, and training, are the work the
linking tasks do: `desist.linking.runs`.
"""

from __future__ import annotations

from dataclasses import fields

from django.db import transaction

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.refusals import log_refusal
from desist.audit.services import log_access
from desist.imports.models import SourceRecord
from desist.linking.models import Decision, LinkageModelVersion, PairStatus, ReviewDecision, ReviewPair
from desist.linking.selectors import REVIEW_PURPOSE, can_review, review_pair
from desist.linking.tasks import link_later
from desist.versioning import StaleEdit


class NotAReviewer(PermissionError):
    """The user holds none of DESIST_LINKAGE_REVIEWER_ROLES."""


def review_actor(actor: Actor) -> Actor:
    """The actor with review's lawful purpose: reviewers see records outside their caseload for it."""
    # Built field by field: a request's actor is a lazy proxy, which dataclasses.replace refuses.
    return Actor(**{f.name: getattr(actor, f.name) for f in fields(Actor)} | {"purpose": REVIEW_PURPOSE})


def review_decide(
    *,
    actor: Actor,
    pair: ReviewPair,
    decision: str,
    note: str = "",
    blind: bool = False,
    decisions_read: int | None = None,
) -> ReviewDecision:
    """Record a reviewer's decision on a pair. The latest decision is in force: "match" makes the next
    run link the two records, "not a match" keeps them apart for good, "unsure" changes nothing. A
    linking run is queued so the decision takes effect.

    `decisions_read` is how many decisions the reviewer's page showed: if someone decided meanwhile,
    nothing is saved and StaleEdit says so (lost updates, issue 10 item 12). None: no check (scripts)."""
    if not can_review(actor):
        # Logged outside the decision's transaction, so the refusal stays on record.
        log_refusal(
            actor,
            summary=f"Refused a decision on review pair {pair.pk}",
            obj=pair,
            reason="not a linkage reviewer",
        )
        raise NotAReviewer("Only linkage reviewers can decide pairs.")
    if decision not in Decision.values:
        raise ValueError(f"Unknown decision {decision!r}.")
    return _decide(
        actor=actor, pair=pair, decision=decision, note=note, blind=blind, decisions_read=decisions_read
    )


@transaction.atomic
def _decide(
    *, actor: Actor, pair: ReviewPair, decision: str, note: str, blind: bool, decisions_read: int | None
) -> ReviewDecision:
    # Lock the pair (PostgreSQL; SQLite serialises writers anyway), so of two reviewers deciding at once the
    # second counts the first's decision.
    ReviewPair.objects.select_for_update().filter(pk=pair.pk).exists()
    if decisions_read is not None and ReviewDecision.objects.filter(pair=pair).count() != decisions_read:
        raise StaleEdit()
    made = ReviewDecision.objects.create(
        pair=pair,
        decision=decision,
        reviewer=actor.user,
        reviewer_name=actor.username,
        blind=blind,
        note=note.strip(),
    )
    pair.decision = decision
    pair.status = PairStatus.DECIDED
    pair.save(update_fields=["decision", "status"])
    people = sorted(
        {
            p
            for p in SourceRecord.objects.filter(pk__in=[pair.left_id, pair.right_id]).values_list(
                "person_id", flat=True
            )
            if p is not None
        }
    )
    reviewing = review_actor(actor)
    logged_for: list[int | None] = list(people) or [
        None
    ]  # records linked to no one: one entry naming no person
    for person in logged_for:
        log_access(
            actor=reviewing,
            action=Action.COMBINATION,
            obj=made,
            person_id=person,
            summary=f"Decided review pair {pair.pk}: {made.get_decision_display()}",
            detail={
                "pair": pair.pk,
                "decision": decision,
                "blind": blind,
                "source_records": [pair.left_id, pair.right_id],
                "note": made.note,
            },
        )
    if decision != Decision.UNSURE:
        link_later(reason=f"Decision on review pair {pair.pk}")
    return made


def active_version_choose(*, actor: Actor, version: LinkageModelVersion) -> LinkageModelVersion:
    """Make a stored model version the one linking runs use."""
    with transaction.atomic():
        LinkageModelVersion.objects.filter(is_active=True).exclude(pk=version.pk).update(is_active=False)
        LinkageModelVersion.objects.filter(pk=version.pk).update(is_active=True)
        log_access(
            actor=actor,
            action=Action.ALTERATION,
            obj=version,
            summary=f"Made linkage model {version.version} the active model",
        )
    version.is_active = True
    return version


class PairNotFound(Exception):
    """No review pair with that number."""


def review_pair_consult(*, actor: Actor, pair_id: int) -> ReviewPair:
    """Open a pair for review, logging the consultation of both records with review's purpose (or the
    refusal). Reviewers see records outside their agency's caseload: reviewing is their lawful purpose.

    Raises NotAReviewer for users without a reviewer role, PairNotFound for a pair that does not exist.
    """
    if not can_review(actor):
        log_refusal(
            actor, summary=f"Refused access to review pair {pair_id}", reason="not a linkage reviewer"
        )
        raise NotAReviewer("Only linkage reviewers can see pairs of records.")
    pair = review_pair(pair_id)
    if pair is None:
        log_refusal(actor, summary=f"Refused access to review pair {pair_id}", reason="no such pair")
        raise PairNotFound(pair_id)
    reviewing = review_actor(actor)
    people = sorted({p for p in (pair.left.person_id, pair.right.person_id) if p is not None})
    logged_for: list[int | None] = list(people) or [
        None
    ]  # records linked to no one: one entry naming no person
    for person in logged_for:
        log_access(
            actor=reviewing,
            action=Action.CONSULTATION,
            obj=pair,
            person_id=person,
            summary=f"Viewed review pair {pair.pk}: source records {pair.left_id} and {pair.right_id}",
            detail={"source_records": [pair.left_id, pair.right_id]},
        )
    return pair
