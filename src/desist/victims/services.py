"""Writes about victim contact: victims, their links to offences, and the notifications owed to them. Each
writes its own access-log entry. Only the victim liaison role may write; the triggers in desist.release and
desist.sentences raise notifications for the acting user whatever their role (the victim stays out of their
sight)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.refusals import log_refusal
from desist.audit.services import log_access
from desist.core import release as release_rules
from desist.core import victims as rules
from desist.offences.models import Disposal, Offence
from desist.partnership.models import Role
from desist.sentences.models import LicenceCondition, Sentence, SentenceKind
from desist.versioning import version_claim
from desist.victims.models import (
    ContactPreference,
    Information,
    NotificationOutcome,
    NotificationStatus,
    Victim,
    VictimLink,
    VictimNotification,
)


class VictimError(ValueError):
    """A victim contact change that cannot be made as asked; the message says why, in the user's words."""


class VictimReferenceTaken(VictimError):
    """The reference belongs to a victim already recorded (perhaps a moment ago, by someone else)."""


class NotVictimLiaison(PermissionError):
    """Only the victim liaison role works with victims."""


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def is_victim_liaison(actor: Actor) -> bool:
    """Victims and their notifications are for the victim liaison role only."""
    return Role.VICTIM_LIAISON in actor.roles


def _require_liaison(actor: Actor, what: str) -> None:
    if not is_victim_liaison(actor):
        log_refusal(
            actor, summary=f"Refused {what}: victim liaison role only", reason="not the victim liaison role"
        )
        raise NotVictimLiaison(what)


# --- Victims ------------------------------------------------------------------------------------------------


@transaction.atomic
def victim_record(
    *,
    actor: Actor,
    reference: str,
    name: str = "",
    contact_preference: str = ContactPreference.LETTER,
    liaison_officer_id: int | None = None,
    opted_in: bool = False,
    wants_to_know: Iterable[str] = (),
    on: date | None = None,
) -> Victim:
    """Record a victim with the least data the scheme needs: a reference (a name only if given), how to
    contact them, their liaison officer, whether they opted in and what they want to be told."""
    _require_liaison(actor, "recording a victim")
    reference = reference.strip()
    if not reference:
        raise VictimError("Give the victim liaison unit's reference.")
    if Victim.objects.filter(reference=reference).exists():
        raise VictimReferenceTaken(f"A victim with reference {reference} is already recorded.")
    victim = Victim(
        reference=reference,
        name=name.strip(),
        contact_preference=contact_preference,
        liaison_officer_id=liaison_officer_id or actor.user_id,
        opted_in=opted_in,
        wants_to_know=sorted(set(wants_to_know)),
        created_on=_today(on),
    )
    victim.full_clean(validate_unique=False)
    try:
        # Two officers recording one reference at once both pass the check above; the unique index decides.
        with transaction.atomic():
            victim.save()
    except IntegrityError as error:
        raise VictimReferenceTaken(f"A victim with reference {reference} is already recorded.") from error
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        obj=victim,
        summary=f"Recorded victim {victim.reference}",
        detail={
            "after": {
                "opted_in": opted_in,
                "wants_to_know": victim.wants_to_know,
                "contact_preference": contact_preference,
            }
        },
    )
    return victim


@transaction.atomic
def victim_update(
    *, actor: Actor, victim: Victim, version: int | None = None, on: date | None = None, **changes: Any
) -> Victim:
    """Change what the victim chose (opted in, what they want to be told, contact) or their liaison officer.
    Opting in raises what is already due. `version` is the one the user read: if someone else changed the
    victim since, nothing is saved (desist.versioning.StaleEdit)."""
    _require_liaison(actor, "changing a victim")
    allowed = {"name", "contact_preference", "liaison_officer_id", "opted_in", "wants_to_know"}
    unknown = set(changes) - allowed
    if unknown:
        raise VictimError(f"Cannot change {', '.join(sorted(unknown))}.")
    before = {k: getattr(victim, k) for k in changes}
    for name, value in changes.items():
        setattr(victim, name, sorted(set(value)) if name == "wants_to_know" else value)
    victim.full_clean()
    version_claim(victim, version)
    victim.save()
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        obj=victim,
        summary=f"Changed victim {victim.reference}",
        detail={"before": before, "after": {k: getattr(victim, k) for k in changes}},
    )
    sentence_ids = list(
        victim.links.exclude(offence__sentence__isnull=True).values_list("offence__sentence_id", flat=True)
    )
    if sentence_ids:
        notifications_raise(actor=actor, on=on, sentence_ids=sentence_ids)
    return victim


@transaction.atomic
def victim_link(*, actor: Actor, victim: Victim, offence: Offence, on: date | None = None) -> VictimLink:
    """Link a victim to a proven offence; whatever the victim must already hear about is raised at once."""
    _require_liaison(actor, "linking a victim")
    link, created = VictimLink.objects.get_or_create(
        victim=victim, offence=offence, defaults={"linked_on": _today(on)}
    )
    if created:
        log_access(
            actor=actor,
            action=Action.COLLECTION,
            person_id=offence.person_id,
            obj=link,
            summary=f"Linked victim {victim.reference} to offence {offence.pk}",
        )
    if offence.sentence_id:
        notifications_raise(actor=actor, on=on, sentence_ids=[offence.sentence_id])
    return link


# --- Notifications ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Event:
    kind: rules.EventKind
    event_date: date
    key: str
    summary: str


def _release_event(
    sentence_id: int, release_date: date, release_type: str, change: str, after_recall: bool = False
) -> _Event:
    kind = {"hdc": rules.EventKind.HDC_GRANTED, "early_release": rules.EventKind.EARLY_RELEASE_GRANTED}.get(
        release_type,
        rules.EventKind.RELEASE_DATE_SET if change == "set" else rules.EventKind.RELEASE_DATE_CHANGED,
    )
    # The key is the release itself (sentence, date, type): a date confirmed twice, or found again by the
    # daily job, is the same event; a new date or HDC granted for the same date is a new one.
    label = rules.EVENT_LABELS[kind]
    return _Event(
        kind=kind,
        event_date=release_date,
        key=f"release:{sentence_id}:{release_date}:{release_type}",
        summary=f"{label}{' after a recall' if after_recall else ''}: {release_date:%d %b %Y}",
    )


def _recall_event(recall_id: int, recalled_on: date, recall_label: str, release_date: date | None) -> _Event:
    kind = rules.EventKind.RECALLED
    then = (
        f"; post-recall release {release_date:%d %b %Y}"
        if release_date
        else "; the post-recall release date is not yet known"
    )
    return _Event(
        kind=kind,
        event_date=recalled_on,
        key=f"recall:{recall_id}",
        summary=f"{rules.EVENT_LABELS[kind]} on {recalled_on:%d %b %Y} ({recall_label.lower()}){then}",
    )


def _condition_event(condition: LicenceCondition, change: str, release_date: date | None, on: date) -> _Event:
    kind = {
        "set": rules.EventKind.CONDITION_SET,
        "changed": rules.EventKind.CONDITION_CHANGED,
        "ended": rules.EventKind.CONDITION_ENDED,
    }[change]
    # A condition starts with the licence: before release, tell the victim before the release; after it, now.
    event_date = release_date if release_date and release_date >= on and change == "set" else on
    key = f"condition:{condition.pk}:set" if change == "set" else f"condition:{condition.pk}:{change}:{on}"
    return _Event(
        kind=kind, event_date=event_date, key=key, summary=f"{rules.EVENT_LABELS[kind]}: {condition.code}"
    )


def _eligibility(link_offence: Offence, sentence: Sentence | None) -> rules.SchemeEligibility:
    category = link_offence.ogrs3_category or link_offence.offence_code.ogrs3_category
    groups = release_rules.offence_groups([category], domestic_abuse=link_offence.domestic_abuse)
    custodial = sentence is not None and sentence.kind == SentenceKind.CUSTODY
    return rules.vcs_eligibility(
        groups,
        custody_days=sentence.length_days if sentence is not None and custodial else None,
        hospital_order=link_offence.disposal == Disposal.HOSPITAL_ORDER,
        qualifying_groups=settings.DESIST_VCS_OFFENCE_GROUPS,
        min_custody_days=settings.DESIST_VCS_MIN_CUSTODY_DAYS,
    )


def victim_eligibility(victim: Victim) -> list[tuple[Offence, rules.SchemeEligibility]]:
    """The victim's eligibility for the Victim Contact Scheme through each linked offence, with reasons."""
    out = []
    for link in victim.links.select_related("offence__offence_code", "offence__sentence"):
        offence = link.offence
        # A hospital order is a disposal without a sentence, and is enough by itself (RULES.md §7).
        if offence.sentence is None and offence.disposal != Disposal.HOSPITAL_ORDER:
            out.append((offence, rules.SchemeEligibility(False, ("no sentence recorded for the offence",))))
        else:
            out.append((offence, _eligibility(offence, offence.sentence)))
    return out


def _wants(victim: Victim, event: _Event) -> bool:
    needed = Information.RELEASE if event.kind in rules.RELEASE_EVENTS else Information.LICENCE_CONDITIONS
    return needed in victim.wants_to_know


def _raise(
    *, actor: Actor, sentence: Sentence, events: list[_Event], on: date, links: list[VictimLink] | None = None
) -> list[VictimNotification]:
    """Create the notifications these events owe to the sentence's linked victims, once each."""
    if links is None:
        links = list(
            VictimLink.objects.filter(offence__sentence=sentence).select_related(
                "victim", "offence__offence_code"
            )
        )
    if not links or not events:
        return []
    by_victim: dict[int, list[VictimLink]] = defaultdict(list)
    for link in links:
        by_victim[link.victim_id].append(link)
    existing = set(
        VictimNotification.objects.filter(
            victim_id__in=by_victim, event_key__in=[e.key for e in events]
        ).values_list("victim_id", "event_key")
    )
    rows = []
    for victim_links in by_victim.values():
        victim = victim_links[0].victim
        eligible = any(_eligibility(link.offence, sentence).eligible for link in victim_links)
        abuse = any(link.offence.domestic_abuse for link in victim_links)
        for event in events:
            if (victim.pk, event.key) in existing:
                continue
            # Releases of domestic abuse perpetrators always raise a task when a victim is linked.
            always = abuse and event.kind in rules.RELEASE_EVENTS
            if not always and not (eligible and victim.opted_in and _wants(victim, event)):
                continue
            deadline = rules.notification_deadline(
                event.event_date, on=on, working_days=settings.DESIST_VICTIM_NOTICE_WORKING_DAYS
            )
            rows.append(
                VictimNotification(
                    victim=victim,
                    person_id=sentence.person_id,
                    sentence=sentence,
                    event_kind=event.kind,
                    event_date=event.event_date,
                    event_key=event.key,
                    summary=event.summary,
                    domestic_abuse=always,
                    deadline=deadline.due,
                    short_notice=deadline.short_notice,
                    liaison_officer_id=victim.liaison_officer_id,
                    raised_on=on,
                )
            )
    if not rows:
        return []
    VictimNotification.objects.bulk_create(rows, ignore_conflicts=True)
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        person_id=sentence.person_id,
        summary=f"Raised {len(rows)} victim notification{'s' if len(rows) != 1 else ''}",
        detail={"events": sorted({r.event_key for r in rows})},
    )
    return rows


def condition_concerns_victim(condition: LicenceCondition) -> bool:
    """Exclusion zones, no contact and the like (DESIST_VICTIM_CONDITION_CODES)."""
    return condition.code in settings.DESIST_VICTIM_CONDITION_CODES


@transaction.atomic
def notifications_for_release_change(
    *,
    actor: Actor,
    sentence: Sentence,
    release_date: date,
    release_type: str,
    change: str,
    after_recall: bool = False,
    on: date | None = None,
) -> list[VictimNotification]:
    """The trigger after a release date is set or changed, or early release or HDC granted
    (release.services.release_date_record calls it); `after_recall`: the release after a recall (its summary
    says so, with the date)."""
    on = _today(on)
    return _raise(
        actor=actor,
        sentence=sentence,
        on=on,
        events=[_release_event(sentence.pk, release_date, release_type, change, after_recall=after_recall)],
    )


@transaction.atomic
def notifications_for_recall(
    *,
    actor: Actor,
    sentence: Sentence,
    recall_id: int,
    recalled_on: date,
    recall_label: str,
    release_date: date | None,
    on: date | None = None,
) -> list[VictimNotification]:
    """The trigger after a recall to custody on the sentence's licence (release.services.recall_record calls
    it): the recall, already happened, is due to be told at once; the post-recall release date follows as a
    release date set (through release_date_record), with the notice before it that any release has."""
    on = _today(on)
    return _raise(
        actor=actor,
        sentence=sentence,
        on=on,
        events=[_recall_event(recall_id, recalled_on, recall_label, release_date)],
    )


@transaction.atomic
def notifications_for_condition(
    *, actor: Actor, condition: LicenceCondition, change: str = "set", on: date | None = None
) -> list[VictimNotification]:
    """The trigger after a licence condition is set, changed or ended (sentences.services calls it on set)."""
    if not condition_concerns_victim(condition):
        return []
    on = _today(on)
    sentence = condition.sentence
    release_date = None if sentence.release_is_actual else sentence.release_date
    return _raise(
        actor=actor, sentence=sentence, on=on, events=[_condition_event(condition, change, release_date, on)]
    )


@transaction.atomic
def notifications_raise(
    *, actor: Actor, on: date | None = None, sentence_ids: Iterable[int] | None = None
) -> int:
    """The daily catch-up: for every sentence with a linked victim and a release to come, raise what is owed
    for the release and for each condition about the victim that no trigger raised. The release is the
    person's, as the plan, the triggers and the readiness view have it: the latest expected release of the
    sentences served together (desist.release.planning), not each sentence's own date where the prison
    recorded different ones. Safe to run any number of times."""
    from desist.release import planning
    from desist.release.models import PlanSentence

    on = _today(on)
    linked = planning.awaiting_release(on).filter(offences__victim_links__isnull=False).distinct()
    if sentence_ids is not None:
        linked = linked.filter(pk__in=list(sentence_ids))
    linked_by_id = {s.pk: s for s in linked}
    if not linked_by_id:
        return 0
    # Each person's release: the governing sentence of those awaiting release together (one query for all).
    episodes: dict[int, list[Sentence]] = defaultdict(list)
    for s in (
        planning.awaiting_release(on)
        .filter(person_id__in={s.person_id for s in linked_by_id.values()})
        .only("pk", "person_id", "sentence_date", "release_date")
    ):
        episodes[s.person_id].append(s)
    release_on = {person_id: planning.episode_release_date(group) for person_id, group in episodes.items()}
    sentences_by_id = {
        pk: s
        for pk, s in linked_by_id.items()
        if (day := release_on.get(s.person_id)) is not None and day >= on
    }
    if not sentences_by_id:
        return 0
    links: dict[int, list[VictimLink]] = defaultdict(list)
    for link in VictimLink.objects.filter(offence__sentence_id__in=sentences_by_id).select_related(
        "victim", "offence__offence_code"
    ):
        assert link.offence.sentence_id is not None
        links[link.offence.sentence_id].append(link)
    # One plan per release, for all the sentences released together: each takes its plan's release type.
    release_types = dict(
        PlanSentence.objects.filter(sentence_id__in=sentences_by_id).values_list(
            "sentence_id", "plan__release_type"
        )
    )
    conditions: dict[int, list[LicenceCondition]] = defaultdict(list)
    for condition in LicenceCondition.objects.filter(
        sentence_id__in=sentences_by_id,
        ended_on__isnull=True,
        code__in=settings.DESIST_VICTIM_CONDITION_CODES,
    ):
        conditions[condition.sentence_id].append(condition)
    created = 0
    for sentence_id, sentence in sentences_by_id.items():
        release_date = release_on[sentence.person_id]
        assert release_date is not None
        events = [
            _release_event(sentence_id, release_date, release_types.get(sentence_id, "conditional"), "set")
        ]
        events += [_condition_event(c, "set", release_date, on) for c in conditions[sentence_id]]
        created += len(_raise(actor=actor, sentence=sentence, events=events, on=on, links=links[sentence_id]))
    return created


@transaction.atomic
def notification_complete(
    *, actor: Actor, notification: VictimNotification, outcome: str, note: str = "", on: date | None = None
) -> VictimNotification:
    """Close a notification with what happened. Nothing is closed without a recorded outcome."""
    _require_liaison(actor, "completing a victim notification")
    if notification.status == NotificationStatus.DONE:
        raise VictimError("This notification is already complete.")
    if outcome not in NotificationOutcome.values:
        raise VictimError(
            "Record the outcome before completing the notification: "
            + "; ".join(str(label).lower() for label in NotificationOutcome.labels)
            + "."
        )
    if outcome == NotificationOutcome.NOT_REACHED and not note.strip():
        raise VictimError("Say how you tried to reach the victim.")
    notification.status = NotificationStatus.DONE
    notification.outcome = outcome
    notification.outcome_note = note.strip()
    notification.completed_on = _today(on)
    notification.completed_by_id = actor.user_id
    notification.full_clean()
    # Only an outstanding notification is closed: of two officers completing it at once, the second is told.
    closed = VictimNotification.objects.filter(
        pk=notification.pk, status=NotificationStatus.OUTSTANDING
    ).update(
        status=notification.status,
        outcome=outcome,
        outcome_note=notification.outcome_note,
        completed_on=notification.completed_on,
        completed_by_id=actor.user_id,
    )
    if not closed:
        raise VictimError("This notification is already complete: someone else completed it a moment ago.")
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        person_id=notification.person_id,
        obj=notification,
        summary=f"Completed victim notification: {notification.summary}",
        detail={"outcome": outcome, "victim": notification.victim_id},
    )
    return notification
