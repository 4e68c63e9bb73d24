"""Writes about meetings: scheduling a meeting with its invitations, MAPPA referrals, building a MAPPA agenda,
recording attendance, each case's discussion and decisions (a level change goes to the person's MAPPA register
entry through `registers.services.register_mappa_level_set`), the minutes, actions and their status, and the
series' calendar feed. Each is keyword-only and atomic and writes its own access-log entry; the pages, the API
and the demo call these. Who may call which is checked by the getters in `meetings.selectors` first."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import StrEnum

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.core import meetings as rules
from desist.iom import services as iom_services
from desist.iom.models import CohortMembership, Panel, Strand
from desist.iom.services import CohortDecisionError
from desist.marac import services as marac_services
from desist.marac.models import ReferralStatus as MaracReferralStatus
from desist.meetings.models import (
    MAPPA_LEVEL_OF,
    ActionChange,
    ActionStatus,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    ItemKind,
    MappaCase,
    MappaReferral,
    Meeting,
    MeetingAction,
    MeetingSeries,
    MeetingStatus,
    ReferralStatus,
    SeriesFeedToken,
    SeriesKind,
)
from desist.meetings.selectors import agenda_sources, iom_agenda_sources, marac_agenda_sources, token_hash
from desist.partnership.models import Agency
from desist.people.models import Person
from desist.registers.services import register_mappa_level_set
from desist.supervision.notify import NotificationBackend, notification_backend


class MeetingError(ValueError):
    """A change that cannot be made as asked; the message says why, in the user's words."""


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _user(actor: Actor) -> User:
    if actor.user is None:
        raise MeetingError("Only a signed-in user can record this.")
    return actor.user


# --- Series and meetings -----------------------------------------------------------------------------------


@transaction.atomic
def series_create(
    *,
    actor: Actor,
    name: str,
    kind: str,
    chair_agency: Agency,
    agencies: Iterable[Agency] = (),
    place: str = "",
    district_id: int | None = None,
) -> MeetingSeries:
    """Set up a meeting series with its member agencies (a MAPPA series: the responsible authority and the
    duty-to-co-operate agencies given)."""
    series = MeetingSeries(
        name=name, kind=kind, chair_agency=chair_agency, place=place, district_id=district_id
    )
    series.full_clean()
    series.save()
    members = list(agencies)
    if MAPPA_LEVEL_OF.get(SeriesKind(kind)):
        members = [a for a in members if rules.mappa_invited(a.kind)]
    series.agencies.set(members)
    log_access(actor=actor, action=Action.COLLECTION, obj=series, summary=f"Set up the meeting series {name}")
    return series


@transaction.atomic
def meeting_schedule(
    *, actor: Actor, series: MeetingSeries, starts_at: datetime, minutes: int = 120, place: str = ""
) -> Meeting:
    """Schedule a meeting of the series; every member agency (and the chair) is invited."""
    starts_at = _aware(starts_at)
    if series.meetings.filter(starts_at=starts_at).exists():
        raise MeetingError("The series already has a meeting at that time.")
    meeting = Meeting(
        series=series,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        place=place or series.place,
    )
    meeting.full_clean()
    meeting.save()
    agency_ids = {series.chair_agency_id, *series.agencies.values_list("pk", flat=True)}
    Attendance.objects.bulk_create([Attendance(meeting=meeting, agency_id=pk) for pk in sorted(agency_ids)])
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        obj=meeting,
        summary=f"Scheduled {series.name} on {timezone.localtime(starts_at):%d %b %Y %H:%M}",
    )
    return meeting


def invitation_text(meeting: Meeting) -> str:
    """The invitation: which meeting, when and where, and nothing about the people on its agenda."""
    start = timezone.localtime(meeting.starts_at)
    where = f" at {meeting.place}" if meeting.place else ""
    return (
        f"You are invited to {meeting.series.name} on {start:%A %-d %B %Y} at {start:%H:%M}{where}. "
        "The agenda is in desist; please send apologies there if your agency cannot attend."
    )


def invitations_send(*, actor: Actor, meeting: Meeting, backend: NotificationBackend | None = None) -> int:
    """Send an invitation to each invited person (or, where the agency names no one, to its coordinators)
    through the notification backend, once each: safe to repeat."""
    backend = backend or notification_backend()
    sent = 0
    rows = list(
        meeting.attendance.filter(invited_at__isnull=True).select_related("agency", "user").order_by("id")
    )
    for row in rows:
        claimed = Attendance.objects.filter(pk=row.pk, invited_at__isnull=True).update(
            invited_at=timezone.now()
        )
        if not claimed:
            continue
        to = (row.user.email or row.user.get_username()) if row.user else f"{row.agency.name} (coordinators)"
        try:
            backend.send(to, invitation_text(meeting))
        except Exception:
            Attendance.objects.filter(pk=row.pk).update(invited_at=None)
            raise
        sent += 1
    with transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(invitations_sent_at=timezone.now())
        log_access(
            actor=actor,
            action=Action.DISCLOSURE,
            obj=meeting,
            summary=f"Sent {sent} invitation{'s' if sent != 1 else ''} to {meeting}",
            recipient="The invited agencies",
        )
    return sent


@transaction.atomic
def attendance_record(
    *, actor: Actor, meeting: Meeting, statuses: dict[int, str], people: dict[int, int | None] | None = None
) -> list[Attendance]:
    """Record who came: each attendance row's status (present, apologies or absent), and who attended for the
    agency where named."""
    rows = {row.pk: row for row in meeting.attendance.select_for_update()}
    changed = []
    for pk, status in statuses.items():
        row = rows.get(pk)
        if row is None:
            raise MeetingError("That agency was not invited to this meeting.")
        if status not in AttendanceStatus.values:
            raise MeetingError(f"Unknown attendance {status!r}.")
        user_id = (people or {}).get(pk, row.user_id)
        if row.status != status or row.user_id != user_id:
            row.status = status
            row.user_id = user_id
            row.full_clean()
            row.save(update_fields=["status", "user"])
            changed.append(row)
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        obj=meeting,
        summary=f"Recorded attendance at {meeting} ({len(changed)} changed)",
        detail={"attendance": {str(r.agency_id): r.status for r in rows.values()}},
    )
    return list(rows.values())


@transaction.atomic
def attendee_add(*, actor: Actor, meeting: Meeting, agency: Agency, user: User | None = None) -> Attendance:
    """Invite one more agency (or a named person of one) to a meeting."""
    row = Attendance(meeting=meeting, agency=agency, user=user)
    row.full_clean()
    row.save()
    log_access(
        actor=actor, action=Action.ALTERATION, obj=meeting, summary=f"Invited {agency.name} to {meeting}"
    )
    return row


# --- MAPPA referrals and the agenda ------------------------------------------------------------------------


@transaction.atomic
def mappa_referral_make(
    *,
    actor: Actor,
    person: Person,
    level: int,
    category: int,
    reason: str,
    referring_agency_id: int | None = None,
    referred_on: date | None = None,
) -> MappaReferral:
    """Refer a person (fetched through `person_for_actor`) for MAPPA management at level 2 or 3, for an agency
    the actor works for. It goes on the next agenda at that level."""
    user = _user(actor)
    agency_id = (
        referring_agency_id if referring_agency_id is not None else min(actor.agency_ids, default=None)
    )
    if agency_id is None or agency_id not in actor.agency_ids:
        raise MeetingError("You can only refer for an agency you work for.")
    if MappaReferral.objects.filter(person=person, level=level, status=ReferralStatus.NEW).exists():
        raise MeetingError(f"This person is already referred to level {level}, waiting for the meeting.")
    referral = MappaReferral(
        person=person,
        level=level,
        category=category,
        reason=reason.strip(),
        referring_agency_id=agency_id,
        referred_by=user,
        referred_on=referred_on or timezone.localdate(),
    )
    referral.full_clean()
    referral.save()
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        person_id=person.pk,
        obj=referral,
        summary=f"Referred person {person.pk} to MAPPA level {level} (category {category})",
    )
    return referral


def _next_position(meeting: Meeting) -> int:
    return int(meeting.items.aggregate(last=Max("position"))["last"] or 0) + 1


@transaction.atomic
def agenda_build(*, actor: Actor, meeting: Meeting) -> list[AgendaItem]:
    """Add to a MAPPA meeting's agenda the new referrals to its level and the cases at its level whose review
    is due by the meeting's day, new referrals first; cases already on it stay. Returns the items added."""
    if meeting.status != MeetingStatus.SCHEDULED:
        raise MeetingError("The agenda of a meeting already held or cancelled cannot change.")
    kind = SeriesKind(meeting.series.kind)
    if kind == SeriesKind.IOM_PANEL:
        return _agenda_build_iom(actor=actor, meeting=meeting)
    if kind == SeriesKind.MARAC:
        return _agenda_build_marac(actor=actor, meeting=meeting)
    sources = agenda_sources(meeting)
    items = [
        AgendaItem(
            kind=ItemKind.NEW_REFERRAL,
            title=f"New referral: category {referral.category}, from {referral.referring_agency.name}",
            person=referral.person,
            mappa_referral=referral,
        )
        for referral in sources.referrals
    ] + [
        AgendaItem(
            kind=ItemKind.REVIEW,
            title=f"Review: category {case.category}, level {case.level}",
            person=case.person,
            level_before=case.level,
        )
        for case in sources.reviews
    ]
    return _agenda_built(actor, meeting, items, f"{len(sources.referrals)} new, {len(sources.reviews)} due")


def _agenda_built(actor: Actor, meeting: Meeting, items: list[AgendaItem], summary: str) -> list[AgendaItem]:
    """Number the new items after those already on the agenda, save them, stamp the agenda as built and log
    whom it names. Every kind of meeting's agenda ends here."""
    first = _next_position(meeting)
    for offset, item in enumerate(items):
        item.meeting = meeting
        item.position = first + offset
    AgendaItem.objects.bulk_create(items)
    meeting.agenda_built_at = timezone.now()
    meeting.save(update_fields=["agenda_built_at"])
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        obj=meeting,
        summary=f"Built the agenda of {meeting}: {summary}"[:255],
        detail={"person_ids": sorted(i.person_id for i in items if i.person_id)},
    )
    return items


def _agenda_build_iom(*, actor: Actor, meeting: Meeting) -> list[AgendaItem]:
    """An IOM panel's agenda: each person proposed to the panel (a decision to adopt or not), then each cohort
    member whose review is due (review, or exit)."""
    sources = iom_agenda_sources(meeting, actor)

    def score(membership: CohortMembership) -> str:
        return f", score {membership.score_when_proposed:g}" if membership.score_when_proposed else ""

    items = [
        AgendaItem(
            kind=ItemKind.NEW_REFERRAL,
            title=f"Candidate for the cohort{score(membership)}",
            person_id=membership.person_id,
            iom_membership=membership,
        )
        for membership in sources.iom_proposed
    ] + [
        AgendaItem(
            kind=ItemKind.REVIEW,
            title=f"Cohort review: {Strand(membership.strand).label}",
            person_id=membership.person_id,
            iom_membership=membership,
        )
        for membership in sources.iom_reviews
    ]
    return _agenda_built(
        actor,
        meeting,
        items,
        f"{len(sources.iom_proposed)} candidates, {len(sources.iom_reviews)} reviews due",
    )


def _agenda_build_marac(*, actor: Actor, meeting: Meeting) -> list[AgendaItem]:
    """A MARAC's agenda: each referral awaiting a MARAC, oldest first, repeats said so. The title names the
    route and the referring agency, never the victim (the agenda goes to every agency invited)."""
    sources = marac_agenda_sources(meeting)
    items = [
        AgendaItem(
            kind=ItemKind.REVIEW if referral.is_repeat else ItemKind.NEW_REFERRAL,
            title=(
                f"{'Repeat referral' if referral.is_repeat else 'New referral'} "
                f"({referral.get_route_display().lower()}), from {referral.referring_agency.name}"
            ),
            marac_referral=referral,
        )
        for referral in sources.marac
    ]
    repeats = sum(1 for r in sources.marac if r.is_repeat)
    return _agenda_built(actor, meeting, items, f"{len(sources.marac)} MARAC cases ({repeats} repeats)")


class IomDecision(StrEnum):
    """What an IOM panel decides on an item: a candidate adopted or not, a member reviewed or exited."""

    ADOPT = "adopt"
    NOT_ADOPT = "not_adopt"
    REVIEW = "review"
    EXIT = "exit"


def _iom_panel(meeting: Meeting, day: date) -> Panel:
    """The IOM panel record a meeting's decisions are filed under (one per day and district)."""
    district_id = meeting.series.district_id
    rows = Panel.objects.filter(held_on=day)
    panel = (
        rows.filter(district_id=district_id) if district_id else rows.filter(district__isnull=True)
    ).first()
    if panel is None:
        panel = Panel.objects.create(held_on=day, district_id=district_id, notes=str(meeting))
    return panel


@transaction.atomic
def iom_item_decide(
    *,
    actor: Actor,
    item: AgendaItem,
    decision: str,
    discussion: str,
    strand: str = "",
    review_date: date | None = None,
    lead_agency_id: int | None = None,
    lead_user_id: int | None = None,
    reason: str = "",
) -> AgendaItem:
    """Record the panel's decision on an IOM item through the IOM services (adopt, not adopt, review, exit),
    filed under the IOM panel of the meeting's day with the chair as the deciding user; the discussion is the
    item's minute, and the item can then carry actions."""
    user = _user(actor)
    membership = item.iom_membership
    if membership is None:
        raise MeetingError("This item is not an IOM panel decision.")
    if item.heard:
        raise MeetingError("The panel has already decided this item.")
    meeting = item.meeting
    day = timezone.localtime(meeting.starts_at).date()
    panel = _iom_panel(meeting, day)
    notes = discussion.strip()
    try:
        if decision == IomDecision.ADOPT:
            if review_date is None or lead_agency_id is None:
                raise MeetingError("Give the strand, the first review date and the lead agency.")
            iom_services.cohort_adopt(
                actor=actor,
                membership=membership,
                strand=strand,
                review_date=review_date,
                leads={lead_agency_id: lead_user_id},
                panel=panel,
                notes=notes,
                on=day,
            )
        elif decision == IomDecision.NOT_ADOPT:
            iom_services.cohort_decline(
                actor=actor, membership=membership, reason=reason or notes, panel=panel, on=day
            )
        elif decision == IomDecision.REVIEW:
            if review_date is None:
                raise MeetingError("Give the date of the next review.")
            iom_services.cohort_review(
                actor=actor, membership=membership, next_review=review_date, notes=notes, panel=panel, on=day
            )
        elif decision == IomDecision.EXIT:
            iom_services.cohort_deselect(
                actor=actor, membership=membership, reason=reason or notes, panel=panel, on=day
            )
        else:
            raise MeetingError(f"Unknown decision {decision!r}.")
    except CohortDecisionError as error:
        raise MeetingError(str(error)) from error
    item.discussion = notes
    item.next_review_on = review_date if decision in (IomDecision.ADOPT, IomDecision.REVIEW) else None
    item.recorded_by = user
    item.recorded_at = timezone.now()
    item.full_clean()
    item.save()
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        person_id=item.person_id,
        obj=item,
        summary=f"Recorded the IOM panel's decision ({decision}) on item {item.position} of {meeting}"[:255],
        detail={"decision": decision, "membership": membership.pk, "panel": panel.pk},
    )
    return item


@transaction.atomic
def item_add(*, actor: Actor, meeting: Meeting, title: str, person: Person | None = None) -> AgendaItem:
    """Add other business (or a person the meeting must hear about) to the agenda."""
    item = AgendaItem(
        meeting=meeting, position=_next_position(meeting), kind=ItemKind.OTHER, title=title, person=person
    )
    item.full_clean()
    item.save()
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        obj=item,
        person_id=person.pk if person else None,
        summary=f"Added {title!r} to the agenda of {meeting}",
    )
    return item


@transaction.atomic
def item_record(
    *,
    actor: Actor,
    item: AgendaItem,
    discussion: str,
    next_review_on: date | None = None,
    level_after: int | None = None,
    accepted: bool = True,
) -> AgendaItem:
    """Record what the meeting said about a case and decided: the discussion, the next review date and the
    level it is managed at from now (a referral not accepted stays at ordinary agency management). A change
    of level goes to the person's MAPPA register entry, audited."""
    user = _user(actor)
    meeting = item.meeting
    day = timezone.localtime(meeting.starts_at).date()
    level = MAPPA_LEVEL_OF.get(SeriesKind(meeting.series.kind))
    item.discussion = discussion.strip()
    item.next_review_on = next_review_on
    item.recorded_by = user
    item.recorded_at = timezone.now()
    if level is not None and item.person_id is not None:
        case = MappaCase.objects.select_for_update().filter(person_id=item.person_id).first()
        referral = item.mappa_referral
        if referral is not None and not accepted:
            referral.status = ReferralStatus.NOT_ACCEPTED
            referral.save(update_fields=["status"])
            item.level_after = None
        else:
            new_level = level_after or (case.level if case and case.closed_on is None else level)
            if new_level in (2, 3) and next_review_on is None:
                raise MeetingError("Give the date the case is next reviewed.")
            if new_level in (2, 3) and next_review_on is not None and next_review_on <= day:
                raise MeetingError("The next review must be after this meeting.")
            category = referral.category if referral else (case.category if case else 2)
            if referral is not None:
                referral.status = ReferralStatus.ACCEPTED
                referral.save(update_fields=["status"])
            before = case.level if case and case.closed_on is None else (1 if case else None)
            item.level_before = item.level_before or before
            item.level_after = new_level
            if case is None:
                case = MappaCase(person_id=item.person_id, opened_on=day, level=new_level, category=category)
            case.level = new_level
            case.category = category
            case.next_review_on = next_review_on if new_level in (2, 3) else None
            case.closed_on = None if new_level in (2, 3) else day
            case.full_clean()
            case.save()
            if before != new_level:
                assert item.person is not None
                register_mappa_level_set(
                    actor=actor,
                    person=item.person,
                    level=new_level,
                    category=category,
                    on=day,
                    reason=f"Decided at {meeting}",
                )
    else:
        item.level_after = level_after
    if item.marac_referral is not None and item.marac_referral.status == MaracReferralStatus.AWAITING:
        marac_services.referral_heard(actor=actor, referral=item.marac_referral, heard_on=day)
    item.full_clean()
    item.save()
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        person_id=item.person_id,
        obj=item,
        summary=f"Recorded agenda item {item.position} of {meeting}",
        detail={"level_before": item.level_before, "level_after": item.level_after},
    )
    return item


@transaction.atomic
def minutes_record(*, actor: Actor, meeting: Meeting, minutes: str) -> Meeting:
    """Record the meeting's minutes: it was held, with at least one agency present. Who recorded them and when
    is kept."""
    user = _user(actor)
    if meeting.status == MeetingStatus.CANCELLED:
        raise MeetingError("A cancelled meeting has no minutes.")
    if not meeting.attendance.filter(status=AttendanceStatus.PRESENT).exists():
        raise MeetingError("Record who was present before the minutes.")
    meeting.minutes = minutes.strip()
    meeting.status = MeetingStatus.HELD
    meeting.minutes_recorded_by = user
    meeting.minutes_recorded_at = timezone.now()
    meeting.full_clean()
    meeting.save(update_fields=["minutes", "status", "minutes_recorded_by", "minutes_recorded_at"])
    log_access(
        actor=actor, action=Action.COLLECTION, obj=meeting, summary=f"Recorded the minutes of {meeting}"
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: Actor, meeting: Meeting) -> Meeting:
    """Cancel a meeting not yet held."""
    if meeting.status != MeetingStatus.SCHEDULED:
        raise MeetingError("Only a scheduled meeting can be cancelled.")
    meeting.status = MeetingStatus.CANCELLED
    meeting.save(update_fields=["status"])
    log_access(actor=actor, action=Action.ALTERATION, obj=meeting, summary=f"Cancelled {meeting}")
    return meeting


def minutes_consult(*, actor: Actor, meeting: Meeting, items: list[AgendaItem], form: str = "page") -> None:
    """Log a reading of the minutes as a disclosure to the reader's agency (DPA 2018 s.62): who, when, why,
    which meeting and whose cases."""
    log_access(
        actor=actor,
        action=Action.DISCLOSURE,
        obj=meeting,
        summary=f"Minutes of {meeting} disclosed ({form})"[:255],
        recipient=f"{actor.username} of {actor.agency_code or 'no agency'}, present at the meeting",
        detail={"person_ids": sorted({i.person_id for i in items if i.person_id})},
    )


# --- Actions -----------------------------------------------------------------------------------------------


@transaction.atomic
def action_add(
    *,
    actor: Actor,
    meeting: Meeting,
    description: str,
    owner_agency: Agency,
    due_on: date,
    owner_user: User | None = None,
    item: AgendaItem | None = None,
) -> MeetingAction:
    """Give an agency (and a person of it) something to do by a date, from a meeting (and a case)."""
    user = _user(actor)
    if (
        owner_user is not None
        and not owner_user.memberships.filter(agency=owner_agency, is_active=True).exists()
    ):
        raise MeetingError(
            f"{owner_user.get_full_name() or owner_user} does not work for {owner_agency.name}."
        )
    if item is not None and item.meeting_id != meeting.pk:
        raise MeetingError("That item is on another meeting's agenda.")
    action = MeetingAction(
        meeting=meeting,
        item=item,
        person_id=item.person_id if item is not None else None,
        description=description.strip(),
        owner_agency=owner_agency,
        owner_user=owner_user,
        due_on=due_on,
        created_by=user,
    )
    action.full_clean()
    action.save()
    ActionChange.objects.create(action=action, by=user, status_before="", status_after=ActionStatus.OPEN)
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        person_id=action.person_id,
        obj=action,
        summary=f"Action for {owner_agency.name} from {meeting}, due {due_on:%d %b %Y}",
    )
    return action


@transaction.atomic
def action_status_set(*, actor: Actor, action: MeetingAction, status: str, note: str = "") -> MeetingAction:
    """Mark an action done or cancelled (or open again), with a note; the change joins its history."""
    if status not in ActionStatus.values:
        raise MeetingError(f"Unknown status {status!r}.")
    before = action.status
    if before == status:
        raise MeetingError(f"The action is already {action.get_status_display().lower()}.")
    if status == ActionStatus.CANCELLED and not note.strip():
        raise MeetingError("Say why the action is cancelled.")
    action.status = status
    action.save(update_fields=["status"])
    ActionChange.objects.create(
        action=action, by=actor.user, status_before=before, status_after=status, note=note.strip()
    )
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        person_id=action.person_id,
        obj=action,
        summary=f"Action {action.pk}: {before} to {status}",
        detail={"changes": {"status": {"before": before, "after": status}}},
    )
    return action


# --- The calendar feed -------------------------------------------------------------------------------------


@transaction.atomic
def feed_token_issue(*, actor: Actor, series: MeetingSeries) -> str:
    """Issue a new secret for the series' calendar feed, revoking the earlier one; returned once."""
    user = _user(actor)
    SeriesFeedToken.objects.filter(series=series, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    row = SeriesFeedToken.objects.create(series=series, token_hash=token_hash(token), issued_by=user)
    log_access(
        actor=actor, action=Action.ALTERATION, obj=row, summary=f"Issued the calendar feed of {series}"
    )
    return token


@transaction.atomic
def feed_token_revoke(*, actor: Actor, series: MeetingSeries) -> int:
    """Revoke the series' feed address: calendars using it stop updating."""
    revoked = SeriesFeedToken.objects.filter(series=series, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        log_access(
            actor=actor,
            action=Action.ALTERATION,
            obj=series,
            summary=f"Revoked the calendar feed of {series}",
        )
    return revoked
