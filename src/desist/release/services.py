"""Writes about releases: the facts a prison records, release date changes (with short notice), release
plans with their pathways and tasks, accommodation on release, the approved risk management plan, and
escalations. Each writes its own access-log entry; the pages, the API and the commands call these."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.core import release as rules
from desist.core.release_dates import Duration
from desist.outcomes.models import AccommodationKind, Stage
from desist.outcomes.services import accommodation_status_record
from desist.partnership.models import Agency, AgencyKind
from desist.people.models import Involvement, Person
from desist.people.services import involvement_end, involvement_start
from desist.referrals.services import referrals_release_date_changed
from desist.release import planning, selectors
from desist.release.escalation import escalations_raise as escalations_raise
from desist.release.escalation import responsible_officers as responsible_officers
from desist.release.models import (
    SENTENCE_TYPE_LABELS,
    AccommodationOnRelease,
    Adjustment,
    AdjustmentKind,
    Escalation,
    EscalationStatus,
    PathwayStatus,
    PathwayStatusKind,
    PlanTask,
    Recall,
    RecallKind,
    Release,
    ReleaseDateChange,
    ReleaseFacts,
    ReleasePlan,
    ReleaseType,
    TaskStatus,
    accommodation_on_release,
)
from desist.release.planning import release_plans_start_due as release_plans_start_due
from desist.release.planning import releases_due_without_plan as releases_due_without_plan
from desist.release.selectors import may_record_release
from desist.release.tasks import escalate_plan_later
from desist.sentences.models import Sentence, SentenceKind
from desist.sentences.services import sentence_record, sentence_update
from desist.versioning import version_claim


class ReleaseError(ValueError):
    """A release change that cannot be made as asked; the message says why, in the user's words."""


class ReleaseDateUnchanged(ReleaseError):
    """The date and type sent are those already recorded and nothing was to be confirmed: nothing is
    written."""


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _require_recorder(actor: Actor, what: str) -> None:
    # Who may record is decided in one place (selectors.RELEASE_RECORDING_AGENCY_KINDS).
    if not may_record_release(actor):
        raise ReleaseError(f"Only prison or probation staff can record {what}.")


# --- Facts and release dates ------------------------------------------------------------------------


@transaction.atomic
def release_facts_record(
    *,
    actor: Actor,
    sentence: Sentence,
    sentence_type: str = rules.SentenceType.STANDARD,
    extended_licence_days: int = 0,
    tariff_expiry_date: date | None = None,
    parole_board_case: bool = False,
    hdc_exclusions: Iterable[str] = (),
    extension_years: int = 0,
    extension_months: int = 0,
    fine_amount: int | None = None,
    version: int | None = None,
    on: date | None = None,
) -> ReleaseFacts:
    """Record what the release rules need beyond the sentence row: its type (SDS, SDS+, EDS with its extended
    licence in years, months and days, SOPC, DTO, a term in default of a fine with the amount, life or IPP
    with its tariff), a Parole Board case, HDC exclusions. Prison or probation staff only. `version` is the
    sentence's, as read: the release page's forms share it. The person's release dates are worked out
    again."""
    if sentence.kind != SentenceKind.CUSTODY:
        raise ReleaseError("Release facts belong to custodial sentences only.")
    _require_recorder(actor, "release facts")
    if sentence_type not in SENTENCE_TYPE_LABELS:
        raise ReleaseError(f"Choose a sentence type: {', '.join(SENTENCE_TYPE_LABELS.values())}.")
    extension = (extension_years, extension_months, extended_licence_days)
    if sentence_type == rules.SentenceType.EXTENDED and not any(extension):
        raise ReleaseError("Enter the extended licence of an extended sentence, in days.")
    if sentence_type != rules.SentenceType.EXTENDED and any(extension):
        raise ReleaseError("Only an extended sentence has an extended licence; leave the days at 0.")
    if fine_amount is not None and sentence_type != "fine_default":
        raise ReleaseError("Only a term in default of a fine has a fine amount; leave it empty.")
    unknown = sorted(set(hdc_exclusions) - set(rules.HDC_EXCLUSIONS))
    if unknown:
        raise ReleaseError(
            f"Unknown HDC exclusion {', '.join(unknown)}; use one of {', '.join(rules.HDC_EXCLUSIONS)}."
        )
    version_claim(sentence, version)
    facts, created = ReleaseFacts.objects.update_or_create(
        sentence=sentence,
        defaults={
            "sentence_type": sentence_type,
            "extended_licence_days": extended_licence_days,
            "tariff_expiry_date": tariff_expiry_date,
            "parole_board_case": parole_board_case,
            "hdc_exclusions": sorted(set(hdc_exclusions)),
            "extension_years": extension_years,
            "extension_months": extension_months,
            "fine_amount": fine_amount,
        },
    )
    facts.full_clean()
    log_access(
        actor=actor,
        action=Action.COLLECTION if created else Action.ALTERATION,
        person_id=sentence.person_id,
        obj=facts,
        summary=f"Recorded release facts of sentence {sentence.pk}",
        detail={
            "after": {
                "sentence_type": sentence_type,
                "parole_board_case": parole_board_case,
                "hdc_exclusions": facts.hdc_exclusions,
                "extended_licence_days": extended_licence_days,
                "extension_years": extension_years,
                "extension_months": extension_months,
                "fine_amount": fine_amount,
                "tariff_expiry_date": _iso(tariff_expiry_date),
            }
        },
    )
    release_dates_recompute(actor=actor, person_id=sentence.person_id, on=on)
    return facts


@transaction.atomic
def release_date_record(
    *,
    actor: Actor,
    sentence: Sentence,
    release_date: date,
    release_type: str = ReleaseType.CONDITIONAL,
    reason: str = "",
    confirm: bool = False,
    version: int | None = None,
    on: date | None = None,
    worked_out: bool = False,
) -> ReleaseDateChange:
    """Set, bring forward, put back or confirm the expected release date of a custodial sentence.

    The sentence and its key dates follow; the change is kept with its notice. The person is released once
    from all the sentences served together, on the latest of their dates: the plan of that release (one per
    custodial episode), referrals and victims follow the person's release date, and a release set, brought
    forward or confirmed at short notice (DESIST_RELEASE_SHORT_NOTICE_DAYS) marks the plan and escalates at
    once.

    The date and type already recorded, sent again, change nothing: without `confirm` that is
    ReleaseDateUnchanged (nothing written); with it, a confirmation, recorded once a day (the same
    confirmation sent twice returns the first). `version` is the sentence's as read (StaleEdit if it moved
    on). `worked_out`: desist worked the date out (release_dates_recompute); otherwise the date recorded wins
    over desist's working.
    """
    on = _today(on)
    if sentence.kind != SentenceKind.CUSTODY:
        raise ReleaseError("Only a custodial sentence has a release date.")
    if sentence.release_is_actual:
        raise ReleaseError("This person has already been released on this sentence.")
    if release_date < sentence.sentence_date:
        raise ReleaseError("The release date cannot be before the sentence date.")
    if release_date < on:
        raise ReleaseError(
            "An expected release date cannot be in the past; record the release itself instead."
        )
    if release_type not in ReleaseType.values:
        raise ReleaseError(f"Choose a release type: {', '.join(ReleaseType.values)}.")
    old = sentence.release_date
    plan = planning.plan_of(sentence)
    if old == release_date and release_type == _told_release_type(sentence, plan):
        if not confirm:
            raise ReleaseDateUnchanged(
                f"Nothing changed: the expected release date is already {release_date:%d %B %Y} "
                f"({ReleaseType(release_type).label.lower()}), so nothing was recorded."
            )
        latest = sentence.release_date_changes.order_by("-changed_at", "-id").first()
        if latest is not None and (
            latest.change,
            latest.new_date,
            latest.release_type,
            latest.changed_on,
        ) == (rules.DateChange.CONFIRMED, release_date, release_type, on):
            return latest  # a repeated confirmation (a double click, a retried request) is the same one
    version_claim(sentence, version)
    was = planning.episode_release_date(planning.episode_sentences(sentence.person_id, on=on))
    record = _sentence_release_date_set(
        actor=actor,
        sentence=sentence,
        release_date=release_date,
        release_type=release_type,
        reason=reason,
        on=on,
        worked_out=worked_out,
    )
    _episode_follows(
        actor=actor,
        person_id=sentence.person_id,
        was=was,
        on=on,
        release_type=release_type,
        recorded=sentence,
        confirm=confirm,
    )
    return record


def _sentence_release_date_set(
    *,
    actor: Actor,
    sentence: Sentence,
    release_date: date,
    release_type: str,
    reason: str,
    on: date,
    worked_out: bool,
) -> ReleaseDateChange:
    """One sentence's expected release date, kept with its notice (the sentence's own history)."""
    old = sentence.release_date
    change = rules.date_change_kind(old, release_date)
    notice = (release_date - on).days
    short = rules.is_short_notice(
        change,
        release_date=release_date,
        changed_on=on,
        threshold_days=settings.DESIST_RELEASE_SHORT_NOTICE_DAYS,
    )
    if old != release_date:
        sentence_update(actor=actor, sentence=sentence, release_date=release_date, worked_out=worked_out)
    record = ReleaseDateChange.objects.create(
        sentence=sentence,
        person_id=sentence.person_id,
        change=change,
        old_date=old,
        new_date=release_date,
        release_type=release_type,
        changed_on=on,
        changed_by_id=actor.user_id,
        notice_days=notice,
        short_notice=short,
        reason=reason.strip()[:300],
    )
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        person_id=sentence.person_id,
        obj=record,
        summary=f"Release {change.replace('_', ' ')} to {release_date:%d %b %Y} ({notice} days' notice"
        f"{', short notice' if short else ''})",
        detail={
            "old": _iso(old),
            "new": _iso(release_date),
            "notice_days": notice,
            "short_notice": short,
            "release_type": release_type,
            "reason": record.reason,
        },
    )
    return record


def _episode_follows(
    *,
    actor: Actor,
    person_id: int,
    was: date | None,
    on: date,
    release_type: str | None = None,
    recorded: Sentence | None = None,
    confirm: bool = False,
) -> ReleasePlan | None:
    """What follows the person's release date (the latest of the sentences served together) once a sentence's
    date is set: the episode's plan (started within DESIST_RELEASE_HORIZON_WEEKS) takes the date, its tasks'
    due dates move, a release set, brought forward or confirmed at short notice escalates at once, and
    referrals and the victims of every sentence released with it are told. `was` is the person's release date
    before; `release_type` the type recorded with `recorded`'s date (the release's, where that date is the
    person's)."""
    from desist.victims.services import notifications_for_release_change

    sentences = planning.episode_sentences(person_id, on=on)
    plan = planning.episode_plan(actor=actor, person_id=person_id, on=on)
    lead = planning.governing(sentences)
    new = lead.release_date if lead else None
    if lead is None or new is None or new < on:
        return plan  # no release to plan for (a manual calculation, unlawfully at large, a date already past)
    told = plan.release_type if plan else _told_release_type(lead, None)
    # The type recorded with a date is the release's where that sentence's date is the person's.
    if release_type is not None and recorded is not None and recorded.release_date == new:
        told = release_type
    changed = new != was
    if not changed and not confirm and (plan is None or plan.release_type == told):
        return plan  # a sentence released with the others, its date not the person's: nothing more follows
    change = rules.date_change_kind(was, new)
    short = rules.is_short_notice(
        change, release_date=new, changed_on=on, threshold_days=settings.DESIST_RELEASE_SHORT_NOTICE_DAYS
    )
    horizon = on + timedelta(weeks=settings.DESIST_RELEASE_HORIZON_WEEKS)
    if plan is None and new <= horizon:
        plan = planning.plan_create(actor=actor, sentences=sentences, on=on)
    if plan is not None:
        was_manual = bool(plan.manual_calculation)
        plan.release_date, plan.release_type = new, told
        plan.short_notice = short or (plan.short_notice and change == rules.DateChange.PUT_BACK)
        plan.manual_calculation = ""  # worked out again, or recorded by the person who did the calculation
        plan.save(update_fields=["release_date", "release_type", "short_notice", "manual_calculation"])
        _move_open_due_dates(plan, on=on)
        if was_manual:
            _escalations_reopen(actor=actor, plan=plan)
    referrals_release_date_changed(actor=actor, person_id=person_id, old=was, new=new, on=on)
    for sentence in sentences:
        notifications_for_release_change(
            actor=actor,
            sentence=sentence,
            release_date=new,
            release_type=told,
            change=change,
            after_recall=plan is not None and plan.recall_id is not None,
            on=on,
        )
    if short and plan is not None:
        escalate_plan_later(plan.pk)
    return plan


def _told_release_type(sentence: Sentence, plan: ReleasePlan | None) -> str:
    """The release type people were last told: the plan's, else the last recorded change's, else
    conditional."""
    return (
        plan.release_type
        if plan
        else sentence.release_date_changes.order_by("-changed_at", "-id")
        .values_list("release_type", flat=True)
        .first()
    ) or ReleaseType.CONDITIONAL


@transaction.atomic
def release_record(
    *,
    actor: Actor,
    sentence: Sentence,
    released_on: date,
    release_type: str,
    accommodation: str,
    note: str = "",
    version: int | None = None,
    on: date | None = None,
) -> Release:
    """Record that the person was released: the day (today or past), how, and where they went to live.
    Prison or probation staff only. A person is released once from all the sentences served together: every
    sentence awaiting release that was passed by that day is released with `sentence` (each gets its
    `Release`), and the returned one is `sentence`'s.

    Each sentence's release date becomes the actual one (through `sentence_update`, so key dates, the audit
    and the derived refresh follow); a date other than the expected one is kept as a `ReleaseDateChange`, and
    a day other than the person's expected release is told to open referrals; the plan takes the day, type and
    accommodation, and its open escalations are resolved; the board's accommodation status at release is
    recorded once; victims hear of a release on another day or of another kind than they were told; and the
    prison's involvement ends on the day when no other sentence holds the person there.
    """
    from desist.victims.services import notifications_for_release_change

    on = _today(on)
    if sentence.kind != SentenceKind.CUSTODY:
        raise ReleaseError("Only a custodial sentence has a release to record.")
    if (
        sentence.release_is_actual
        # Released since it was read: with the others served with it, or by someone else.
        or not Sentence.objects.filter(pk=sentence.pk, release_is_actual=False).exists()
    ):
        raise ReleaseError("This person has already been released on this sentence.")
    _require_recorder(actor, "a release")
    if released_on > on:
        raise ReleaseError("The release date cannot be in the future; set the expected release date instead.")
    if released_on < sentence.sentence_date:
        raise ReleaseError("The release date cannot be before the sentence date.")
    if release_type not in ReleaseType.values:
        raise ReleaseError(f"Choose a release type: {', '.join(ReleaseType.labels)}.")
    if accommodation not in AccommodationKind.values:
        raise ReleaseError("Choose where the person went to live on release.")
    at_large = Recall.objects.filter(
        sentence__person_id=sentence.person_id,
        sentence__release_is_actual=False,
        returned_to_custody__isnull=True,
        re_release__isnull=True,
    ).first()
    if at_large is not None:
        raise ReleaseError(
            f"The person was recalled on {at_large.recalled_on:%d %B %Y} and is not back in custody: record "
            "the return to custody first."
        )

    version_claim(sentence, version)
    episode = planning.episode_sentences(sentence.person_id, on=on)
    together = [s for s in episode if s.pk == sentence.pk or s.sentence_date <= released_on]
    plan = planning.episode_plan(actor=actor, person_id=sentence.person_id, on=on)
    expected = planning.episode_release_date(together)
    told = _told_release_type(sentence, plan)
    change = rules.date_change_kind(expected, released_on)
    moved = expected != released_on

    mine: Release | None = None
    for each in together:
        released = _sentence_released(
            actor=actor,
            sentence=each,
            released_on=released_on,
            release_type=release_type,
            accommodation=accommodation,
            note=note,
            on=on,
        )
        if each.pk == sentence.pk:
            mine = released
    assert mine is not None
    if moved:
        referrals_release_date_changed(
            actor=actor, person_id=sentence.person_id, old=expected, new=released_on, on=on
        )
    if plan is not None:
        _plan_released(actor=actor, plan=plan, release=mine, on=on)
    accommodation_status_record(
        actor=actor, sentence=sentence, stage=Stage.RELEASE, recorded_on=released_on, kind=accommodation
    )
    if moved or release_type != told:
        for each in together:
            notifications_for_release_change(
                actor=actor,
                sentence=each,
                release_date=released_on,
                release_type=release_type,
                change=change,
                on=on,
            )
    for establishment in {s.establishment_id for s in together}:
        _prison_involvement_end(
            actor=actor,
            sentence=next(s for s in together if s.establishment_id == establishment),
            released_on=released_on,
        )
    return mine


def _sentence_released(
    *,
    actor: Actor,
    sentence: Sentence,
    released_on: date,
    release_type: str,
    accommodation: str,
    note: str,
    on: date,
) -> Release:
    """One sentence released on the day, with its `Release` (the re-release after its latest recall, if it was
    recalled) and, where the day is not the one it expected, its date change."""
    expected = sentence.release_date
    # A sentence back in custody after a recall is released from the latest recall (the re-release).
    recall = (
        Recall.objects.filter(sentence=sentence, re_release__isnull=True)
        .order_by("-recalled_on", "-id")
        .first()
    )
    sentence_update(actor=actor, sentence=sentence, release_date=released_on, release_is_actual=True)
    try:
        with transaction.atomic():
            release = Release.objects.create(
                sentence=sentence,
                person_id=sentence.person_id,
                released_on=released_on,
                release_type=release_type,
                accommodation=accommodation,
                recall=recall,
                note=note.strip()[:300],
                recorded_by_id=actor.user_id,
            )
    except IntegrityError as error:
        raise ReleaseError("This person has already been released on this sentence.") from error
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        person_id=sentence.person_id,
        obj=release,
        summary=f"Recorded the {'re-release after the recall' if recall else 'release'} on "
        f"{released_on:%d %b %Y} ({release.get_release_type_display()})",
        detail={
            "sentence": sentence.pk,
            "expected": _iso(expected),
            "released_on": _iso(released_on),
            "release_type": release_type,
            "accommodation": accommodation,
            "note": release.note,
            **({"recall": recall.pk} if recall else {}),
        },
    )
    if expected != released_on:
        change = rules.date_change_kind(expected, released_on)
        notice = (released_on - on).days
        record = ReleaseDateChange.objects.create(
            sentence=sentence,
            person_id=sentence.person_id,
            change=change,
            old_date=expected,
            new_date=released_on,
            release_type=release_type,
            changed_on=on,
            changed_by_id=actor.user_id,
            notice_days=notice,
            short_notice=rules.is_short_notice(
                change,
                release_date=released_on,
                changed_on=on,
                threshold_days=settings.DESIST_RELEASE_SHORT_NOTICE_DAYS,
            ),
            reason=(release.note or "Released")[:300],
        )
        log_access(
            actor=actor,
            action=Action.ALTERATION,
            person_id=sentence.person_id,
            obj=record,
            summary=f"Released {change.replace('_', ' ')}: {released_on:%d %b %Y}, expected "
            f"{f'{expected:%d %b %Y}' if expected else 'not set'}",
            detail={
                "old": _iso(expected),
                "new": _iso(released_on),
                "notice_days": notice,
                "release_type": release_type,
            },
        )
    return release


def _plan_released(*, actor: Actor, plan: ReleasePlan, release: Release, on: date) -> None:
    before = {
        "release_date": _iso(plan.release_date),
        "release_type": plan.release_type,
        "accommodation_on_release": plan.accommodation_on_release,
    }
    plan.release_date, plan.release_type = release.released_on, release.release_type
    plan.accommodation_on_release = accommodation_on_release(release.accommodation)
    plan.manual_calculation = ""
    plan.save(
        update_fields=["release_date", "release_type", "accommodation_on_release", "manual_calculation"]
    )
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        person_id=plan.person_id,
        obj=plan,
        summary=f"Release plan: released on {release.released_on:%d %b %Y}, accommodation on release "
        f"{plan.get_accommodation_on_release_display().lower()}",
        detail={
            "before": before,
            "after": {
                "release_date": _iso(plan.release_date),
                "release_type": plan.release_type,
                "accommodation_on_release": plan.accommodation_on_release,
            },
        },
    )
    # The release has happened: nothing is left to escalate before it.
    _escalations_close(actor=actor, plan=plan, on=on, because="the person has been released")


def _escalations_close(
    *,
    actor: Actor,
    plan: ReleasePlan,
    on: date,
    because: str,
    status: str = EscalationStatus.RESOLVED,
) -> list[int]:
    """Close the plan's open escalations, which no longer stand (resolved: the release happened; superseded:
    the date they counted down to needs a manual calculation), in one log entry saying why. Returns their
    ids."""
    escalations = list(
        Escalation.objects.filter(plan=plan, status=EscalationStatus.OPEN).values_list("pk", flat=True)
    )
    if escalations:
        Escalation.objects.filter(pk__in=escalations).update(
            status=status, resolved_on=on, resolved_by_id=actor.user_id
        )
        verb = "Superseded" if status == EscalationStatus.SUPERSEDED else "Resolved"
        log_access(
            actor=actor,
            action=Action.ALTERATION,
            person_id=plan.person_id,
            obj=plan,
            summary=f"{verb} {len(escalations)} release escalation{'s' if len(escalations) != 1 else ''}: "
            f"{because}"[:255],
            detail={"escalations": escalations, "status": status},
        )
    return escalations


def _escalations_reopen(*, actor: Actor, plan: ReleasePlan) -> None:
    """The plan's date stands again after a manual calculation: the escalations superseded from that same date
    are open again (the daily job cannot raise them twice); those of another date stay superseded."""
    escalations = list(
        Escalation.objects.filter(
            plan=plan, status=EscalationStatus.SUPERSEDED, release_date=plan.release_date
        )
        # Not for a task done meanwhile, nor a short notice the plan no longer has.
        .filter(Q(task__status=TaskStatus.OPEN) | Q(task__isnull=True, plan__short_notice=True))
        .values_list("pk", flat=True)
    )
    if not escalations:
        return
    Escalation.objects.filter(pk__in=escalations).update(
        status=EscalationStatus.OPEN, resolved_on=None, resolved_by_id=None
    )
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        person_id=plan.person_id,
        obj=plan,
        summary=f"Reopened {len(escalations)} release escalation{'s' if len(escalations) != 1 else ''}: "
        f"the release date {plan.release_date:%d %b %Y} stands again",
        detail={"escalations": escalations},
    )


def _prison_involvement_end(*, actor: Actor, sentence: Sentence, released_on: date) -> None:
    # Only the holding prison's involvement ends, and only when no other sentence still holds the person
    # there.
    if sentence.establishment_id is None:
        return
    still_held = (
        Sentence.objects.filter(
            person_id=sentence.person_id,
            kind=SentenceKind.CUSTODY,
            establishment_id=sentence.establishment_id,
            release_is_actual=False,
        )
        .exclude(pk=sentence.pk)
        .exists()
    )
    if still_held:
        return
    for involvement in Involvement.objects.filter(
        person_id=sentence.person_id,
        agency_id=sentence.establishment_id,
        agency__kind=AgencyKind.PRISON,
        start_date__lte=released_on,
    ).filter(Q(end_date__isnull=True) | Q(end_date__gt=released_on)):
        involvement_end(actor=actor, involvement=involvement, end_date=released_on)


def _prison_involvement_restart(*, actor: Actor, sentence: Sentence, returned_on: date) -> None:
    """Back in the holding prison on a recall: its involvement, ended at the release, starts again on the
    return to custody (with the lead worker and team it had), so its staff see the person and plan the
    re-release."""
    if sentence.establishment_id is None:
        return
    involvements = Involvement.objects.filter(
        person_id=sentence.person_id, agency_id=sentence.establishment_id, agency__kind=AgencyKind.PRISON
    )
    if (
        not involvements.exists()
        or involvements.filter(Q(end_date__isnull=True) | Q(end_date__gte=returned_on)).exists()
    ):
        return  # not a prison, or still (or again) involved
    last = involvements.order_by("-end_date", "-id").first()
    assert last is not None
    person = Person.objects.get(pk=sentence.person_id)
    involvement_start(
        actor=actor,
        person=person,
        agency_id=sentence.establishment_id,
        reason="Recalled to custody",
        start_date=returned_on,
        lead_worker_id=last.lead_worker_id,
        team_id=last.team_id,
    )


def _move_open_due_dates(plan: ReleasePlan, *, on: date) -> None:
    # Catalogue tasks keep their lead time before the (new) release date; a user-set date on another task
    # stays.
    for task in plan.tasks.filter(status=TaskStatus.OPEN).exclude(kind="other"):
        due = rules.task_due_date(rules.TASK_KINDS[task.kind], release_date=plan.release_date, on=on)
        if task.due_date != due:
            task.due_date = due
            task.save(update_fields=["due_date"])


# --- Plans ------------------------------------------------------------------------------------------


@transaction.atomic
def release_plan_start(*, actor: Actor, sentence: Sentence, on: date | None = None) -> ReleasePlan:
    """Start the plan for the release of the person from `sentence` and the sentences served with it (one
    plan per custodial episode): the seven pathways and the catalogue of tasks, each with an owner agency and
    a due date before the release (the latest of theirs)."""
    on = _today(on)
    if sentence.kind != SentenceKind.CUSTODY:
        raise ReleaseError("A release plan needs a custodial sentence with a release date.")
    if sentence.release_is_actual:
        raise ReleaseError("This person has already been released on this sentence.")
    if planning.episode_plan(actor=actor, person_id=sentence.person_id, on=on) is not None:
        raise ReleaseError("This release already has a plan.")
    episode = planning.episode_sentences(sentence.person_id, on=on)
    if planning.governing(episode) is None:
        raise ReleaseError("A release plan needs a custodial sentence with a release date.")
    try:
        # A double click, or two people at once, both pass the check above; the one-plan-per-sentence rule
        # decides.
        with transaction.atomic():
            return planning.plan_create(actor=actor, sentences=episode, on=on)
    except IntegrityError as error:
        raise ReleaseError("This release already has a plan.") from error


_recount = planning.recount


@transaction.atomic
def pathway_status_set(
    *, actor: Actor, plan: ReleasePlan, pathway: str, status: str, note: str = "", version: int | None = None
) -> PathwayStatus:
    """Set one pathway's status (not started, in progress, support needed, support declined, done). `version`
    is the plan's, as read (StaleEdit if someone changed the plan since)."""
    if status not in PathwayStatusKind.values:
        raise ReleaseError(f"Choose a status: {', '.join(PathwayStatusKind.labels)}.")
    row = PathwayStatus.objects.filter(plan=plan, pathway=pathway).first()
    if row is None:
        raise ReleaseError(f"Unknown pathway {pathway!r}.")
    version_claim(plan, version)
    before = {"status": row.status, "note": row.note}
    row.status, row.note = status, note.strip()[:300]
    row.save(update_fields=["status", "note"])
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        person_id=plan.person_id,
        obj=row,
        summary=f"Release plan: {row.get_pathway_display()} is {row.get_status_display().lower()}",
        detail={"before": before, "after": {"status": status, "note": row.note}},
    )
    return row


@transaction.atomic
def pathway_statuses_set(
    *, actor: Actor, plan: ReleasePlan, statuses: dict[str, str], version: int | None = None
) -> int:
    """Set the statuses of several pathways at once (the plan page's form), all or none; returns how many
    changed."""
    version_claim(plan, version)
    current = dict(plan.pathways.values_list("pathway", "status"))
    changed = 0
    for pathway, status in statuses.items():
        if current.get(pathway) != status:
            pathway_status_set(actor=actor, plan=plan, pathway=pathway, status=status)
            changed += 1
    return changed


@transaction.atomic
def plan_task_add(
    *,
    actor: Actor,
    plan: ReleasePlan,
    title: str,
    pathway: str,
    due_date: date,
    owner_agency: Agency | None = None,
    kind: str = "other",
    detail: str = "",
) -> PlanTask:
    """Add a task of the partnership's own to a plan."""
    if not title.strip():
        raise ReleaseError("Say what needs doing.")
    task = PlanTask(
        plan=plan,
        kind=kind,
        title=title.strip()[:200],
        pathway=pathway,
        due_date=due_date,
        owner_agency=owner_agency,
        detail=detail,
    )
    task.full_clean()
    task.save()
    _recount(plan)
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        person_id=plan.person_id,
        obj=task,
        summary=f"Release plan: added task {task.title}"[:255],
        detail={"due_date": _iso(due_date)},
    )
    return task


TASK_FIELDS = (
    "status",
    "owner_agency",
    "owner_user",
    "due_date",
    "done_on",
    "provider",
    "event_date",
    "detail",
)


@transaction.atomic
def plan_task_update(
    *, actor: Actor, task: PlanTask, version: int | None = None, on: date | None = None, **changes: Any
) -> PlanTask:
    """Change a task: mark it done or not needed (dated), reopen it, change its owner or due date, or record
    what was arranged (the named service and first dose date, the appointment, who meets the person at the
    gate). `version` is the task's, as read (StaleEdit if someone changed it since)."""
    on = _today(on)
    unknown = sorted(set(changes) - set(TASK_FIELDS))
    if unknown:
        raise ReleaseError(f"Cannot change {', '.join(unknown)}.")
    if "status" in changes and changes["status"] not in TaskStatus.values:
        raise ReleaseError(f"Choose a status: {', '.join(TaskStatus.labels)}.")
    before = {
        name: _iso(getattr(task, f"{name}_id" if name in ("owner_agency", "owner_user") else name))
        for name in changes
    }
    for name, value in changes.items():
        setattr(task, name, value)
    if task.status == TaskStatus.OPEN:
        task.done_on = None
    elif task.done_on is None:
        task.done_on = on
    if (
        task.kind == "treatment_continuity"
        and task.status == TaskStatus.DONE
        and not (task.provider and task.event_date)
    ):
        raise ReleaseError(
            "Name the community treatment service and the first dose date before marking the handover done."
        )
    if task.kind == "gate_meeting" and task.status == TaskStatus.DONE and not task.provider:
        raise ReleaseError("Say who will meet the person at the gate.")
    task.full_clean()
    # Claimed last, once the change is known to be good: a refusal above leaves the task's version as it was.
    version_claim(task, version)
    task.save()
    _recount(task.plan)
    if task.status != TaskStatus.OPEN:
        Escalation.objects.filter(task=task, status=EscalationStatus.OPEN).update(
            status=EscalationStatus.RESOLVED, resolved_on=on, resolved_by_id=actor.user_id
        )
    after = {
        name: _iso(getattr(task, f"{name}_id" if name in ("owner_agency", "owner_user") else name))
        for name in changes
    }
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        person_id=task.plan.person_id,
        obj=task,
        summary=f"Release plan: {task.title} — {task.get_status_display().lower()}"[:255],
        detail={"before": before, "after": after},
    )
    return task


@transaction.atomic
def accommodation_on_release_record(
    *, actor: Actor, plan: ReleasePlan, status: str, version: int | None = None
) -> ReleasePlan:
    """Record where the person goes on release: settled, unsettled or no fixed abode (the board counts it)."""
    if status not in AccommodationOnRelease.values:
        raise ReleaseError(f"Choose settled, unsettled or no fixed abode, not {status!r}.")
    version_claim(plan, version)
    before = plan.accommodation_on_release
    plan.accommodation_on_release = status
    plan.save(update_fields=["accommodation_on_release"])
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        person_id=plan.person_id,
        obj=plan,
        summary=f"Accommodation on release: {plan.get_accommodation_on_release_display()}",
        detail={"before": before, "after": status},
    )
    return plan


@transaction.atomic
def risk_plan_approve(
    *, actor: Actor, plan: ReleasePlan, version: int | None = None, on: date | None = None
) -> ReleasePlan:
    """Record that the risk management plan an early release requires has been approved (probation only)."""
    on = _today(on)
    if not Agency.objects.filter(pk__in=actor.agency_ids, kind=AgencyKind.PROBATION).exists():
        raise ReleaseError("Only probation can approve a risk management plan.")
    version_claim(plan, version)
    plan.risk_plan_approved_on, plan.risk_plan_approved_by_id = on, actor.user_id
    plan.save(update_fields=["risk_plan_approved_on", "risk_plan_approved_by"])
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        person_id=plan.person_id,
        obj=plan,
        summary="Approved the risk management plan for early release",
        detail={"on": on.isoformat()},
    )
    return plan


# --- Escalations ------------------------------------------------------------------------------------


@transaction.atomic
def escalation_resolve(*, actor: Actor, escalation: Escalation, on: date | None = None) -> Escalation:
    """Mark an escalation dealt with."""
    if escalation.status == EscalationStatus.RESOLVED:
        raise ReleaseError("This escalation is already resolved.")
    if escalation.status == EscalationStatus.SUPERSEDED:
        raise ReleaseError(
            "This escalation is closed: the release date it counted down to needs a manual calculation."
        )
    escalation.status, escalation.resolved_on = EscalationStatus.RESOLVED, _today(on)
    escalation.resolved_by_id = actor.user_id
    escalation.save(update_fields=["status", "resolved_on", "resolved_by"])
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        person_id=escalation.person_id,
        obj=escalation,
        summary=f"Resolved escalation: {escalation.summary}"[:255],
    )
    return escalation


# --- Sentences as passed, adjustments and recalls; the dates worked out again on each change (issue 12) -----

# What a sentence recorded without the prison's dates has worked out by desist (sentences.services).
WORKED_OUT = "conditional_release_date licence_expiry_date release_date sentence_expiry_date"


@transaction.atomic
def custodial_sentence_record(
    *,
    actor: Actor,
    person: Person,
    sentence_date: date,
    years: int = 0,
    months: int = 0,
    weeks: int = 0,
    days: int = 0,
    sentence_type: str = rules.SentenceType.STANDARD,
    offence_date: date | None = None,
    consecutive_to: Sentence | None = None,
    extension_years: int = 0,
    extension_months: int = 0,
    extended_licence_days: int = 0,
    fine_amount: int | None = None,
    tariff_expiry_date: date | None = None,
    establishment: Agency | None = None,
    on: date | None = None,
) -> Sentence:
    """Record a custodial sentence as the prison records it: the term as passed (years, months, weeks, days),
    the sentence and offence dates, its type, and the sentence it follows (concurrent without one). desist
    works its dates out (`Sentence.dates_calculated`) with the person's other sentences, whose dates follow.
    Prison or probation staff only."""
    _require_recorder(actor, "a sentence")
    if min(years, months, weeks, days) < 0 or not any((years, months, weeks, days)):
        raise ReleaseError("Enter the term as passed: years, months, weeks or days.")
    if offence_date is not None and offence_date > sentence_date:
        raise ReleaseError("The offence date cannot be after the sentence date.")
    if consecutive_to is not None and (
        consecutive_to.person_id != person.pk or consecutive_to.kind != SentenceKind.CUSTODY
    ):
        raise ReleaseError(
            "A sentence can only be consecutive to another custodial sentence of the same person."
        )
    if sentence_type not in SENTENCE_TYPE_LABELS:
        raise ReleaseError(f"Choose a sentence type: {', '.join(SENTENCE_TYPE_LABELS.values())}.")
    term = Duration(years, months, weeks, days)
    sentence = sentence_record(
        actor=actor,
        person=person,
        kind=SentenceKind.CUSTODY,
        sentence_date=sentence_date,
        length_days=term.length_in_days(sentence_date),
        term_years=years,
        term_months=months,
        term_weeks=weeks,
        term_days=days,
        offence_date=offence_date,
        consecutive_to_id=consecutive_to.pk if consecutive_to else None,
        establishment_id=establishment.pk if establishment else None,
        indeterminate=sentence_type == rules.SentenceType.INDETERMINATE,
        dates_calculated=WORKED_OUT,
    )
    # The facts record works the dates out again (and the standard type needs no facts row to do so).
    if sentence_type != rules.SentenceType.STANDARD or tariff_expiry_date:
        release_facts_record(
            actor=actor,
            sentence=sentence,
            sentence_type=sentence_type,
            extension_years=extension_years,
            extension_months=extension_months,
            extended_licence_days=extended_licence_days,
            fine_amount=fine_amount,
            tariff_expiry_date=tariff_expiry_date,
            on=on,
        )
    else:
        release_dates_recompute(actor=actor, person_id=person.pk, on=on)
    sentence.refresh_from_db()
    return sentence


def _custodial_for_recording(actor: Actor, sentence: Sentence, what: str) -> None:
    if sentence.kind != SentenceKind.CUSTODY:
        raise ReleaseError(f"{what.capitalize()} belong to custodial sentences only.")
    _require_recorder(actor, what)


@transaction.atomic
def adjustment_record(
    *,
    actor: Actor,
    sentence: Sentence,
    kind: str,
    days: int,
    from_date: date | None = None,
    note: str = "",
    on: date | None = None,
) -> Adjustment:
    """Record days that move a sentence's release dates: remand and tagged bail (deducted), recall remand and
    recall tagged bail (before a recall, off the time to serve after it), time unlawfully at large (added,
    from its first day), additional days awarded and restored. Prison or probation staff only. The person's
    release dates are worked out again."""
    _custodial_for_recording(actor, sentence, "adjustments")
    if kind not in AdjustmentKind.values:
        raise ReleaseError(
            f"Choose an adjustment: {', '.join(str(k.label).lower() for k in AdjustmentKind)}."
        )
    if days <= 0:
        raise ReleaseError("Enter the number of days, 1 or more.")
    if kind == AdjustmentKind.UNLAWFULLY_AT_LARGE and from_date is None:
        raise ReleaseError("Enter the first day unlawfully at large.")
    adjustment = Adjustment.objects.create(
        person_id=sentence.person_id,
        sentence=sentence,
        kind=kind,
        days=days,
        from_date=from_date,
        note=note.strip()[:300],
        recorded_by_id=actor.user_id,
    )
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        person_id=sentence.person_id,
        obj=adjustment,
        summary=f"Recorded {adjustment.get_kind_display().lower()} of {days} days on sentence {sentence.pk}",
        detail={"after": {"kind": kind, "days": days, "from_date": _iso(from_date), "note": adjustment.note}},
    )
    release_dates_recompute(actor=actor, person_id=sentence.person_id, on=on)
    return adjustment


@transaction.atomic
def adjustment_remove(*, actor: Actor, adjustment: Adjustment, on: date | None = None) -> None:
    """Remove an adjustment recorded in error; the person's release dates are worked out again."""
    _custodial_for_recording(actor, adjustment.sentence, "adjustments")
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        person_id=adjustment.person_id,
        obj=adjustment,
        summary=f"Removed {adjustment.get_kind_display().lower()} of {adjustment.days} days",
        detail={
            "before": {
                "kind": adjustment.kind,
                "days": adjustment.days,
                "from_date": _iso(adjustment.from_date),
            },
            "after": None,
        },
    )
    person_id = adjustment.person_id
    adjustment.delete()
    release_dates_recompute(actor=actor, person_id=person_id, on=on)


@transaction.atomic
def recall_record(
    *,
    actor: Actor,
    sentence: Sentence,
    kind: str,
    recalled_on: date,
    returned_to_custody: date | None = None,
    on: date | None = None,
) -> Recall:
    """Record a recall to custody from the licence of a sentence: standard, or fixed-term (14, 28 or 56 days
    from the return to custody, which a fixed-term recall needs). Prison or probation staff only. The person's
    release dates are worked out again: the post-recall release date is on the release page."""
    on = _today(on)
    _custodial_for_recording(actor, sentence, "recalls")
    if kind not in RecallKind.values:
        raise ReleaseError(f"Choose a recall: {', '.join(str(k.label).lower() for k in RecallKind)}.")
    if recalled_on > on or (returned_to_custody is not None and returned_to_custody > on):
        raise ReleaseError("A recall and a return to custody cannot be in the future.")
    if returned_to_custody is not None and returned_to_custody < recalled_on:
        raise ReleaseError("The return to custody cannot be before the recall.")
    if kind != RecallKind.STANDARD and returned_to_custody is None:
        raise ReleaseError("Enter the date of return to custody: a fixed-term recall runs from it.")
    # A recalled sentence is back in custody until its re-release is recorded: one recall at a time.
    if not sentence.release_is_actual or sentence.release_date is None:
        raise ReleaseError(
            "Only a sentence the person has been released from can be recalled: record the release first."
        )
    if recalled_on < sentence.release_date:
        raise ReleaseError("A recall cannot be before the release it recalls from.")
    recall = Recall.objects.create(
        person_id=sentence.person_id,
        sentence=sentence,
        kind=kind,
        recalled_on=recalled_on,
        returned_to_custody=returned_to_custody,
        recorded_by_id=actor.user_id,
    )
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        person_id=sentence.person_id,
        obj=recall,
        summary=f"Recorded {recall.get_kind_display().lower()} on sentence {sentence.pk}",
        detail={
            "after": {
                "kind": kind,
                "recalled_on": _iso(recalled_on),
                "returned_to_custody": _iso(returned_to_custody),
            }
        },
    )
    # Back in custody on the sentence (or unlawfully at large until the return is recorded): its release is to
    # come again, and desist works it out (the engine's post-recall release date, or the fixed-term recall's
    # release) until the prison records one. The plan is reopened for the re-release; release_date_record
    # (through the recompute) gives it the new date, moves its tasks' due dates, escalates a short-notice
    # release and tells victims and referrals.
    sentence_update(
        actor=actor, sentence=sentence, worked_out=True, release_is_actual=False, release_date=None
    )
    if returned_to_custody is not None:
        _prison_involvement_restart(actor=actor, sentence=sentence, returned_on=returned_to_custody)
    plan = planning.plan_of(sentence)
    # Reopened unless the plan already awaits a release of the other sentences in it (then the recalled
    # sentence simply rejoins it).
    if (
        plan is not None
        and not plan.memberships.filter(
            sentence__release_is_actual=False, sentence__kind=SentenceKind.CUSTODY
        )
        .exclude(sentence=sentence)
        .exists()
    ):
        _plan_reopen(actor=actor, plan=plan, recall=recall, on=on)
    release_dates_recompute(actor=actor, person_id=sentence.person_id, on=on)
    sentence.refresh_from_db()
    _plan_after_recall(actor=actor, sentence=sentence, recall=recall, on=on)
    from desist.victims.services import notifications_for_recall

    notifications_for_recall(
        actor=actor,
        sentence=sentence,
        recall_id=recall.pk,
        recalled_on=recalled_on,
        recall_label=recall.get_kind_display(),
        release_date=sentence.release_date,
        on=on,
    )
    return recall


def _plan_after_recall(*, actor: Actor, sentence: Sentence, recall: Recall, on: date) -> None:
    """The episode's plan records the recall it is for: a plan started by the new date (none before), or a
    post-recall release already past, says so."""
    plan = planning.episode_plan(actor=actor, person_id=sentence.person_id, on=on)
    if plan is not None and (
        plan.recall_id != recall.pk
        or (sentence.release_date is not None and plan.release_date != sentence.release_date)
    ):
        plan.recall, plan.reopened_on = recall, plan.reopened_on or on
        if sentence.release_date is not None and plan.sentence_id == sentence.pk:
            plan.release_date = sentence.release_date
        plan.save(update_fields=["recall", "reopened_on", "release_date"])


@transaction.atomic
def recall_return_record(
    *, actor: Actor, recall: Recall, returned_to_custody: date, on: date | None = None
) -> Recall:
    """Record the return to custody of someone recalled before they were back (a standard recall recorded
    with no return date): until then they were unlawfully at large and no custody date ran. The days at large
    (from the day after the recall to the day before the return, as the calculator counts a recall's UAL) are
    recorded as an adjustment, the holding prison's involvement starts again, and the release dates are
    worked out again (the plan, victims and referrals follow). Prison or probation staff only."""
    on = _today(on)
    sentence = recall.sentence
    _custodial_for_recording(actor, sentence, "recalls")
    if recall.returned_to_custody is not None:
        raise ReleaseError(
            f"The return to custody is already recorded ({recall.returned_to_custody:%d %B %Y})."
        )
    if returned_to_custody > on:
        raise ReleaseError("A return to custody cannot be in the future.")
    if returned_to_custody < recall.recalled_on:
        raise ReleaseError("The return to custody cannot be before the recall.")
    # Once: a return recorded meanwhile (a double click, someone else) is refused, not recorded twice.
    if not Recall.objects.filter(pk=recall.pk, returned_to_custody__isnull=True).update(
        returned_to_custody=returned_to_custody
    ):
        recall.refresh_from_db(fields=["returned_to_custody"])
        assert recall.returned_to_custody is not None
        raise ReleaseError(
            f"The return to custody is already recorded ({recall.returned_to_custody:%d %B %Y})."
        )
    recall.returned_to_custody = returned_to_custody
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        person_id=sentence.person_id,
        obj=recall,
        summary=f"Recorded the return to custody on {returned_to_custody:%d %b %Y} after the "
        f"{recall.get_kind_display().lower()} on {recall.recalled_on:%d %b %Y}",
        detail={
            "before": {"returned_to_custody": None},
            "after": {"returned_to_custody": _iso(returned_to_custody)},
        },
    )
    at_large = (returned_to_custody - recall.recalled_on).days - 1
    if at_large > 0:
        first = recall.recalled_on + timedelta(days=1)
        adjustment = Adjustment.objects.create(
            person_id=sentence.person_id,
            sentence=sentence,
            kind=AdjustmentKind.UNLAWFULLY_AT_LARGE,
            days=at_large,
            from_date=first,
            note=f"At large after the recall of {recall.recalled_on:%d %b %Y} until the return to custody on "
            f"{returned_to_custody:%d %b %Y}",
            recorded_by_id=actor.user_id,
        )
        log_access(
            actor=actor,
            action=Action.COLLECTION,
            person_id=sentence.person_id,
            obj=adjustment,
            summary=f"Recorded unlawfully at large of {at_large} days on sentence {sentence.pk} "
            "(after the recall)",
            detail={"after": {"kind": adjustment.kind, "days": at_large, "from_date": _iso(first)}},
        )
    _prison_involvement_restart(actor=actor, sentence=sentence, returned_on=returned_to_custody)
    release_dates_recompute(actor=actor, person_id=sentence.person_id, on=on)
    sentence.refresh_from_db()
    _plan_after_recall(actor=actor, sentence=sentence, recall=recall, on=on)
    return recall


def _plan_reopen(*, actor: Actor, plan: ReleasePlan, recall: Recall, on: date) -> None:
    """Reopen a released plan for the re-release after a recall: the tasks done before the recall are to do
    again (what was arranged stays in their details, to check), tasks not needed stay so, and the plan's
    release type, accommodation on release and risk management plan are those of the release to come."""
    before = {
        "release_date": _iso(plan.release_date),
        "release_type": plan.release_type,
        "accommodation_on_release": plan.accommodation_on_release,
        "tasks_closed": plan.tasks_closed,
    }
    reopened = list(plan.tasks.filter(status=TaskStatus.DONE).values_list("pk", flat=True))
    if reopened:
        PlanTask.objects.filter(pk__in=reopened).update(
            status=TaskStatus.OPEN, done_on=None, version=F("version") + 1
        )
    plan.release_type, plan.accommodation_on_release = ReleaseType.CONDITIONAL, ""
    plan.short_notice, plan.manual_calculation = False, ""
    plan.risk_plan_approved_on, plan.risk_plan_approved_by = None, None
    plan.recall, plan.reopened_on = recall, on
    plan.save(
        update_fields=[
            "release_type",
            "accommodation_on_release",
            "short_notice",
            "manual_calculation",
            "risk_plan_approved_on",
            "risk_plan_approved_by",
            "recall",
            "reopened_on",
        ]
    )
    _recount(plan)
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        person_id=plan.person_id,
        obj=plan,
        summary=f"Release plan reopened after the {recall.get_kind_display().lower()} on "
        f"{recall.recalled_on:%d %b %Y}: {len(reopened)} task{'s' if len(reopened) != 1 else ''} "
        "to do again",
        detail={"before": before, "recall": recall.pk, "tasks_reopened": reopened},
    )


@transaction.atomic
def release_dates_recompute(
    *, actor: Actor, person_id: int, on: date | None = None
) -> selectors.BookingDates:
    """Work a person's release dates out again (desist.core.release_dates) and write them to the sentence
    dates desist works out (`Sentence.dates_calculated`). A date the prison recorded wins and is left alone:
    the release page shows the difference. Where the engine needs a manual calculation those dates are
    emptied, never guessed; while the person is unlawfully at large after a recall, no release date runs.

    Each sentence's new expected release is kept with its notice, then what follows the person's release date
    (the latest of the sentences served together) happens once: the episode's plan, its tasks' due dates,
    short-notice escalation, referrals and victims. A date already past is written to the sentence alone."""
    on = _today(on)
    booking = selectors.booking_dates(person_id, on=on)
    worked = booking.stored
    was = planning.episode_release_date(planning.episode_sentences(person_id, on=on))
    moved = False
    for sentence in booking.sentences:
        calculated = sentence.calculated_fields
        if sentence.release_is_actual or not calculated:
            continue  # released (a recall's release is on the page), or every date as the prison recorded it
        # Field name -> new date, passed on as sentence_update's **changes (which takes any field's value).
        changes: dict[str, Any] = {
            name: worked[name]
            for name in calculated
            if name in worked and name != "release_date" and getattr(sentence, name) != worked[name]
        }
        new_release = worked.get("release_date")
        moves = "release_date" in calculated and sentence.release_date != new_release
        if moves and (new_release is None or new_release < on):
            changes["release_date"] = new_release
            moves = False
        if changes:
            sentence_update(actor=actor, sentence=sentence, worked_out=True, **changes)
        if moves and new_release is not None:
            _sentence_release_date_set(
                actor=actor,
                sentence=sentence,
                release_date=new_release,
                release_type=_told_release_type(sentence, planning.plan_of(sentence)),
                reason="Worked out again by desist from the sentences, adjustments and recalls",
                on=on,
                worked_out=True,
            )
            moved = True
    if moved:
        _episode_follows(actor=actor, person_id=person_id, was=was, on=on)
    else:
        planning.episode_plan(actor=actor, person_id=person_id, on=on)
    if booking.manual and any(
        "release_date" in s.calculated_fields for s in booking.sentences if not s.release_is_actual
    ):
        _plan_needs_manual_calculation(actor=actor, person_id=person_id, reason=booking.manual, on=on)
    return booking


def _plan_needs_manual_calculation(*, actor: Actor, person_id: int, reason: str, on: date) -> None:
    """The plan of a release desist can no longer work out says so, with the engine's reason, instead of
    keeping the last date as if it stood: the readiness view and the plan say it, escalations skip it (victims
    are told from the sentence's release date, emptied with the other dates), until the date is worked out
    again or the person who does the calculation records it (`release_date_record` clears it). The
    escalations raised from the last date are resolved: nothing counts down to it any more, and the date that
    replaces it raises its own."""
    plan = planning.episode_plan(actor=actor, person_id=person_id, on=on)
    if plan is None or plan.manual_calculation == reason[:300]:
        return
    _escalations_close(
        actor=actor,
        plan=plan,
        on=on,
        because="the release date they counted down to needs a manual calculation, because " + reason,
        status=EscalationStatus.SUPERSEDED,
    )
    plan.manual_calculation = reason[:300]
    plan.save(update_fields=["manual_calculation"])
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        person_id=plan.person_id,
        obj=plan,
        summary=f"Release plan: the release date needs a manual calculation, because {reason}"[:255],
        detail={"last_worked_out": _iso(plan.release_date), "manual_calculation": plan.manual_calculation},
    )


@transaction.atomic
def release_dates_offences_changed(
    *, actor: Actor, sentence_ids: Iterable[int | None], on: date | None = None
) -> int:
    """An offence linked to a sentence, or changed (its category, which decides SDS+, the schemes' exclusions
    and the violent and sexual groups): the release dates of each person with such a custodial sentence are
    worked out again, as for any change to a sentence (offences.services calls this). Returns how many
    people."""
    ids = [pk for pk in sentence_ids if pk is not None]
    if not ids:
        return 0
    people = sorted(
        set(
            Sentence.objects.filter(pk__in=ids, kind=SentenceKind.CUSTODY).values_list("person_id", flat=True)
        )
    )
    for person_id in people:
        release_dates_recompute(actor=actor, person_id=person_id, on=on)
    return len(people)
