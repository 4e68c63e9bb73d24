"""Rules about sentences in one place: what a person's supervision status is on a day, and which key
dates a sentence has. The SQL form (for lists) and the Python form (for one record) are tested to agree."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Case, CharField, Exists, OuterRef, Q, Value, When
from django.db.models.expressions import Expression

from desist.sentences.models import KeyDateKind, Sentence, SentenceKind


class SupervisionStatus:
    CUSTODY = "custody"
    LICENCE = "licence"
    COMMUNITY = "community"
    NONE = "none"

    LABELS = {CUSTODY: "Custody", LICENCE: "Licence", COMMUNITY: "Community", NONE: "Not supervised"}
    ORDER = (CUSTODY, LICENCE, COMMUNITY, NONE)  # most restrictive first
    CHOICES = [(CUSTODY, "Custody"), (LICENCE, "Licence"), (COMMUNITY, "Community")]


ORDER_KINDS = (SentenceKind.COMMUNITY_ORDER, SentenceKind.SUSPENDED_SENTENCE_ORDER)


def _not_terminated_q(today: date) -> Q:
    # An order ended early is over from its termination date; a date still to come changes nothing yet.
    return Q(terminated_date__isnull=True) | Q(terminated_date__gt=today)


def _in_custody_q(today: date) -> Q:
    return (
        Q(kind=SentenceKind.CUSTODY, sentence_date__lte=today)
        & _not_terminated_q(today)
        & (Q(release_date__isnull=True) | Q(release_date__gt=today))
    )


def _on_licence_q(today: date) -> Q:
    # Licence and post-sentence supervision both count: the person is supervised in the community after
    # release.
    return (
        Q(kind=SentenceKind.CUSTODY, release_date__lte=today)
        & _not_terminated_q(today)
        & (Q(sentence_expiry_date__gte=today) | Q(licence_expiry_date__gte=today))
    )


def _on_order_q(today: date) -> Q:
    return Q(kind__in=ORDER_KINDS, start_date__lte=today, end_date__gte=today) & _not_terminated_q(today)


def supervision_status_expression(today: date) -> Expression:
    """SQL for a person's supervision status on `today` (custody, then licence, then community)."""

    def current(q: Q) -> Exists:
        return Exists(Sentence.objects.filter(q, person=OuterRef("pk")))

    return Case(
        When(current(_in_custody_q(today)), then=Value(SupervisionStatus.CUSTODY)),
        When(current(_on_licence_q(today)), then=Value(SupervisionStatus.LICENCE)),
        When(current(_on_order_q(today)), then=Value(SupervisionStatus.COMMUNITY)),
        default=Value(SupervisionStatus.NONE),
        output_field=CharField(),
    )


def current_sentences_q(today: date) -> Q:
    """Sentences that are in force on `today`."""
    return _in_custody_q(today) | _on_licence_q(today) | _on_order_q(today)


def sentence_status(sentence: Sentence, today: date) -> str:
    """The supervision status a single sentence gives on `today` (NONE if it is not in force)."""
    if sentence.terminated_date is not None and sentence.terminated_date <= today:
        return SupervisionStatus.NONE
    if sentence.kind == SentenceKind.CUSTODY:
        if sentence.sentence_date <= today and (
            sentence.release_date is None or sentence.release_date > today
        ):
            return SupervisionStatus.CUSTODY
        supervised_until = max(
            d for d in (sentence.sentence_expiry_date, sentence.licence_expiry_date, date.min) if d
        )
        if sentence.release_date is not None and sentence.release_date <= today <= supervised_until:
            return SupervisionStatus.LICENCE
        return SupervisionStatus.NONE
    if sentence.start_date and sentence.end_date and sentence.start_date <= today <= sentence.end_date:
        return SupervisionStatus.COMMUNITY
    return SupervisionStatus.NONE


def supervision_status(sentences: Iterable[Sentence], today: date) -> str:
    """A person's status from all their sentences: custody outranks licence outranks community."""
    statuses = {sentence_status(s, today) for s in sentences}
    for status in (SupervisionStatus.CUSTODY, SupervisionStatus.LICENCE, SupervisionStatus.COMMUNITY):
        if status in statuses:
            return status
    return SupervisionStatus.NONE


def key_dates_for(sentence: Sentence) -> list[tuple[str, date]]:
    """The dated milestones of a sentence, in date order. Stored as KeyDate rows by the services."""
    dates: list[tuple[str, date | None]]
    if sentence.kind == SentenceKind.CUSTODY:
        # The release (actual or expected) is the date people plan around; the CRD is shown only when it
        # differs.
        dates = [
            (
                KeyDateKind.CONDITIONAL_RELEASE,
                sentence.conditional_release_date
                if sentence.conditional_release_date != sentence.release_date
                else None,
            ),
            (KeyDateKind.RELEASE, sentence.release_date),
            (KeyDateKind.LICENCE_EXPIRY, sentence.licence_expiry_date),
            (
                KeyDateKind.SENTENCE_EXPIRY,
                sentence.sentence_expiry_date
                if sentence.sentence_expiry_date != sentence.licence_expiry_date
                else None,
            ),
        ]
    else:
        dates = [
            (KeyDateKind.SENTENCE_START, sentence.start_date),
            (KeyDateKind.ORDER_END, sentence.end_date),
        ]
    # A sentence ended early (revoked, or superseded by a later one) has no milestones after that day.
    end = sentence.terminated_date
    return sorted(
        ((kind, when) for kind, when in dates if when is not None and (end is None or when <= end)),
        key=lambda kd: kd[1],
    )
