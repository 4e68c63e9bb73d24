"""The demo's recalls (issue 14, items 4 and 8): each recall recommendation the synthetic partnership agreed
is recorded through the release app's own recall (`release.services.recall_record`), by the officer who
decided it, so the release page, victims and the record show it as a recall entered by hand would: the
release dates worked out again, the plan reopened, victims told. A fixed-term recall whose term has run
by the demo's today has its re-release recorded too (`release.services.release_record`), as the prison
would have. Run once, after release plans and victims are built; a second run finds nothing to record."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from desist.audit.context import actor_for_user
from desist.audit.models import Channel
from desist.enforcement.models import RecallDecision, RecallRecommendation
from desist.enforcement.services import recall_length
from desist.outcomes.models import AccommodationKind
from desist.release.models import RecallKind, ReleaseType
from desist.release.services import ReleaseError, recall_record, release_record


def demo_recalls_record(today: date) -> dict[str, int]:
    """Record each agreed recall that has no recall yet; returns how many were recorded, re-released and
    refused instead (a sentence the release app cannot recall from: the decision becomes a refusal with the
    release app's reason)."""
    counts = {"recalls": 0, "re-releases": 0, "recalls not recorded": 0}
    agreed = (
        RecallRecommendation.objects.filter(decision=RecallDecision.RECALLED, recall__isnull=True)
        .select_related("sentence", "decided_by", "recommended_by")
        .order_by("decided_on", "id")
    )
    for number, recommendation in enumerate(agreed):
        decider = recommendation.decided_by or recommendation.recommended_by
        decided_on = recommendation.decided_on or recommendation.recommended_on
        actor = actor_for_user(decider, channel=Channel.CLI)
        sentence = recommendation.sentence
        # Read afresh: an earlier recommendation on the same sentence may have recalled it already.
        sentence.refresh_from_db()
        try:
            with transaction.atomic():
                length = recall_length(sentence, recommendation.kind, decided_on)
                kind = length.kind.value
                # Arrested and back in custody within a few days of the decision (never after today).
                returned = min(today, decided_on + timedelta(days=number % 4))
                recommendation.recall = recall_record(
                    actor=actor,
                    sentence=sentence,
                    kind=kind,
                    recalled_on=decided_on,
                    returned_to_custody=returned,
                    on=today,
                )
                # Every decision has its decider: the recommending officer where none was loaded.
                recommendation.decided_by = decider
                recommendation.save(update_fields=["recall", "decided_by"])
                counts["recalls"] += 1
                sentence.refresh_from_db()
                release_on = sentence.release_date
                if kind != RecallKind.STANDARD and release_on is not None and release_on <= today:
                    release_record(
                        actor=actor,
                        sentence=sentence,
                        released_on=release_on,
                        release_type=ReleaseType.CONDITIONAL,
                        accommodation=(
                            AccommodationKind.FAMILY_FRIENDS
                            if number % 3
                            else AccommodationKind.APPROVED_PREMISES
                        ),
                        note="Released at the end of the fixed-term recall.",
                        on=today,
                    )
                    counts["re-releases"] += 1
        except ReleaseError as error:
            # The release app cannot recall from this sentence (it says why): the decision is then a refusal
            # with that reason, never an agreed recall that nothing records.
            recommendation.decision = RecallDecision.REFUSED
            recommendation.decided_by = decider
            recommendation.decision_note = f"Recall not possible on this sentence: {error}"
            recommendation.save(update_fields=["decision", "decided_by", "decision_note"])
            counts["recalls not recorded"] += 1
    return counts
