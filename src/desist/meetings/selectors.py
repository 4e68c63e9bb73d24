"""Reads about meetings, each taking the Actor. Who may see what:

- the series and their meeting dates: every signed-in user (no person's data);
- a meeting's agenda, attendance and actions: the agencies invited to it (its attendance list);
- its minutes (what was said about each case): only the agencies present, each reading logged as a disclosure
  to that agency (DPA 2018 s.62), by `services.minutes_consult`;
- an action: its owner agency, or an agency invited to its meeting;
- running a meeting (agenda, attendance, minutes, actions): a partnership coordinator of a member agency.

The getters refuse through `desist.audit.refusals.refuse`, so a meeting the actor may not see and one that
does not exist look the same."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from desist.audit.context import Actor
from desist.audit.refusals import refuse
from desist.core.sharing import IDENTITY, RISK
from desist.iom import selectors as iom_selectors
from desist.iom.models import CohortMembership
from desist.marac import selectors as marac_selectors
from desist.marac.models import MaracReferral
from desist.meetings.models import (
    MAPPA_LEVEL_OF,
    ActionStatus,
    AgendaItem,
    Attendance,
    AttendanceStatus,
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
from desist.partnership.models import Agency, Role
from desist.sharing.pages import log_withheld
from desist.sharing.selectors import shared_categories_for

NOT_INVITED = "the user's agencies were not invited to the meeting"
NOT_PRESENT = "the user's agencies were not present at the meeting"
NOT_COORDINATOR = "only a partnership coordinator of a member agency runs the meeting"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- Series and meetings -----------------------------------------------------------------------------------


def series_list() -> QuerySet[MeetingSeries]:
    """Every series, with how many meetings each has had (no person's data: open to every signed-in user)."""
    return (
        MeetingSeries.objects.select_related("chair_agency", "district")
        .annotate(meeting_count=Count("meetings"))
        .order_by("kind", "name")
    )


def series_for_actor(actor: Actor, series_id: int) -> MeetingSeries:
    """The series (open to every signed-in user), or the refusal of one that does not exist."""
    series = MeetingSeries.objects.select_related("chair_agency", "district").filter(pk=series_id).first()
    if series is None:
        refuse(actor, summary=f"Refused meeting series {series_id}", reason="no such series")
    return series


def may_run(actor: Actor, series: MeetingSeries) -> bool:
    """A partnership coordinator working for the chair agency or a member agency runs the series' meetings (a
    MARAC's: the MARAC coordinator too)."""
    runners = (
        {Role.COORDINATOR, Role.MARAC_COORDINATOR} if series.kind == SeriesKind.MARAC else {Role.COORDINATOR}
    )
    if not runners & set(actor.roles) or not actor.agency_ids:
        return False
    if series.chair_agency_id in actor.agency_ids:
        return True
    return series.agencies.filter(pk__in=sorted(actor.agency_ids)).exists()


def _count(rows: QuerySet[Any]) -> Subquery:
    # A correlated count each: joining items, attendance and actions at once multiplies the rows counted.
    return Subquery(rows.order_by().values("meeting_id").annotate(n=Count("id")).values("n")[:1])


def series_meetings(series: MeetingSeries, actor: Actor) -> QuerySet[Meeting]:
    """The series' meetings, latest first, with counts of items, agencies present and open actions, and
    `invited`: whether one of the actor's agencies was invited (only then may they open it, unless they run
    the series)."""
    here = OuterRef("pk")
    return series.meetings.annotate(
        invited=_invited(actor),
        item_count=Coalesce(_count(AgendaItem.objects.filter(meeting=here)), 0),
        present_count=Coalesce(
            _count(Attendance.objects.filter(meeting=here, status=AttendanceStatus.PRESENT)), 0
        ),
        open_actions=Coalesce(
            _count(MeetingAction.objects.filter(meeting=here, status=ActionStatus.OPEN)), 0
        ),
    ).order_by("-starts_at")


def _invited(actor: Actor) -> Exists:
    return Exists(Attendance.objects.filter(meeting=OuterRef("pk"), agency_id__in=sorted(actor.agency_ids)))


def _present(actor: Actor) -> Exists:
    return Exists(
        Attendance.objects.filter(
            meeting=OuterRef("pk"), agency_id__in=sorted(actor.agency_ids), status=AttendanceStatus.PRESENT
        )
    )


def meeting_for_actor(actor: Actor, meeting_id: int, *, what: str = "meeting") -> Meeting:
    """The meeting, if one of the actor's agencies was invited to it (or the actor runs its series); else the
    refusal, logged. Carries `present` (an agency of the actor's was present) and `runs` (the actor runs
    it)."""
    meeting = (
        Meeting.objects.filter(pk=meeting_id)
        .select_related("series__chair_agency", "minutes_recorded_by")
        .annotate(invited=_invited(actor), present=_present(actor))
        .first()
    )
    runs = meeting is not None and may_run(actor, meeting.series)
    if meeting is None or not (meeting.invited or runs):
        refuse(actor, summary=f"Refused {what} {meeting_id}", reason=NOT_INVITED)
    meeting.runs = runs  # type: ignore[attr-defined]
    return meeting


def require_runs(actor: Actor, meeting: Meeting, what: str) -> None:
    """Refuse (403, logged) an actor who does not run the meeting's series."""
    if not getattr(meeting, "runs", False):
        refuse(
            actor,
            summary=f"Refused to {what} of meeting {meeting.pk}",
            reason=NOT_COORDINATOR,
            status=403,
            message="Only the meeting's coordinator can do this.",
        )


def require_present(actor: Actor, meeting: Meeting) -> None:
    """Refuse (404, logged) the minutes to an actor whose agencies were not present."""
    if not getattr(meeting, "present", False):
        refuse(actor, summary=f"Refused the minutes of meeting {meeting.pk}", reason=NOT_PRESENT)


def attendance(meeting: Meeting) -> list[Attendance]:
    return list(meeting.attendance.select_related("agency", "user").order_by("agency__name", "id"))


def agenda(meeting: Meeting) -> list[AgendaItem]:
    """The agenda in order, each item with its person, referral and actions (three queries)."""
    return list(
        meeting.items.select_related(
            "person",
            "mappa_referral__referring_agency",
            "recorded_by",
            "iom_membership__district",
            "marac_referral__victim",
            "marac_referral__referring_agency",
        )
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=MeetingAction.objects.select_related("owner_agency", "owner_user").order_by(
                    "due_on", "id"
                ),
            )
        )
        .order_by("position")
    )


# The sections of a case on the agenda, its pack and the minutes, by the sharing category each shows
# (core.sharing.CATEGORIES, as on the person's record): the date of birth is identity; the item's title (MAPPA
# category and level, IOM score or strand), its MAPPA referral, its levels and what the meeting discussed and
# decided are risk (the record's registers and flags). The name shows always, as on the record; a MARAC item
# names no person (its victim is shown to the roles that support victims only).
ITEM_SECTIONS: dict[str, str] = {
    IDENTITY: "Date of birth",
    RISK: "The case's category, level, referral, discussion and decisions (risk)",
}


def agenda_shared(actor: Actor, items: list[AgendaItem], *, where: str) -> list[AgendaItem]:
    """The agenda's items, each with the sections its reader's agency may not see of its person
    (`AgendaItem.withheld`), from the one decision (sharing.selectors.shared_categories_for: at most two
    queries for the whole agenda); what is withheld is logged once (sharing.pages.log_withheld)."""
    people = sorted({i.person_id for i in items if i.person_id})
    shared = shared_categories_for(actor, people)
    withheld: dict[int, set[str]] = {}
    for i in items:
        if i.person_id:
            i.withheld = frozenset(ITEM_SECTIONS) - shared[i.person_id]
            if i.withheld:
                withheld.setdefault(i.person_id, set()).update(i.withheld)
    log_withheld(actor, withheld, where=where)
    return items


def meeting_actions(meeting: Meeting) -> list[MeetingAction]:
    return list(
        meeting.actions.select_related("owner_agency", "owner_user", "person", "item").order_by(
            "due_on", "id"
        )
    )


def item_for_actor(actor: Actor, item_id: int) -> AgendaItem:
    """An agenda item, if the actor runs its meeting's series; else the refusal, logged."""
    item = (
        AgendaItem.objects.filter(pk=item_id)
        .select_related(
            "meeting__series",
            "person",
            "mappa_referral__referring_agency",
            "recorded_by",
            "iom_membership__district",
            "marac_referral__victim",
            "marac_referral__referring_agency",
            "marac_referral__perpetrator",
        )
        .first()
    )
    if item is None:
        refuse(actor, summary=f"Refused agenda item {item_id}", reason="no such item")
    meeting = meeting_for_actor(actor, item.meeting_id, what="the agenda item's meeting")
    require_runs(actor, meeting, f"record agenda item {item_id}")
    item.meeting = meeting
    return item


# --- MAPPA: the agenda's sources ---------------------------------------------------------------------------


@dataclass
class AgendaSources:
    """What a MAPPA meeting's agenda is built from: new referrals to its level, and the cases at its level
    whose next review has come."""

    referrals: list[MappaReferral]
    reviews: list[MappaCase]
    iom_proposed: list[CohortMembership] = field(default_factory=list)
    iom_reviews: list[CohortMembership] = field(default_factory=list)
    marac: list[MaracReferral] = field(default_factory=list)


def iom_agenda_sources(meeting: Meeting, actor: Actor) -> AgendaSources:
    """An IOM panel's agenda: the people proposed to the panel awaiting its decision, then the cohort members
    whose review is due by the meeting's day (`iom.selectors.proposed` and `cohort`, so only people the
    coordinator may see), neither already on an agenda still to decide them. Two queries."""
    day = meeting.starts_at.date()
    pending = AgendaItem.objects.filter(
        iom_membership=OuterRef("pk"), recorded_at__isnull=True, meeting__status=MeetingStatus.SCHEDULED
    )
    listed = AgendaItem.objects.filter(meeting=meeting, person__isnull=False).values("person_id")
    proposed = list(
        iom_selectors.proposed(actor, on=day).exclude(Exists(pending)).exclude(person_id__in=listed)
    )
    reviews = list(
        iom_selectors.cohort(actor, on=day)
        .filter(review_date__lte=day)
        .exclude(Exists(pending))
        .exclude(person_id__in=listed)
        .prefetch_related(None)
        .order_by("review_date", "id")
    )
    return AgendaSources(referrals=[], reviews=[], iom_proposed=proposed, iom_reviews=reviews)


def marac_agenda_sources(meeting: Meeting) -> AgendaSources:
    """A MARAC meeting's agenda: the referrals awaiting a MARAC (`marac.selectors.marac_cases_for_agenda`:
    made since the last meeting heard them, repeats marked), not already on an agenda. One query."""
    day = meeting.starts_at.date()
    rows = list(
        marac_selectors.marac_cases_for_agenda(day).exclude(
            Exists(
                AgendaItem.objects.filter(marac_referral=OuterRef("pk")).exclude(
                    meeting__status=MeetingStatus.CANCELLED
                )
            )
        )
    )
    return AgendaSources(referrals=[], reviews=[], marac=rows)


def agenda_sources(meeting: Meeting) -> AgendaSources:
    """New referrals to the series' MAPPA level not yet on an agenda, and the open cases at that level due for
    review on or before the meeting's day, not already on this agenda: two queries on indexed columns,
    whatever the number of people."""
    level = MAPPA_LEVEL_OF.get(SeriesKind(meeting.series.kind))
    if level is None:
        return AgendaSources(referrals=[], reviews=[])
    day = meeting.starts_at.date()
    listed = AgendaItem.objects.filter(meeting=meeting, person__isnull=False).values("person_id")
    referrals = list(
        MappaReferral.objects.filter(level=level, status=ReferralStatus.NEW, referred_on__lte=day)
        .exclude(Exists(AgendaItem.objects.filter(mappa_referral=OuterRef("pk"))))
        .exclude(person_id__in=listed)
        .select_related("person", "referring_agency")
        .order_by("referred_on", "id")
    )
    referred = {r.person_id for r in referrals}
    reviews = [
        case
        for case in MappaCase.objects.filter(level=level, closed_on__isnull=True, next_review_on__lte=day)
        .exclude(person_id__in=listed)
        .select_related("person")
        .order_by("next_review_on", "person_id")
        if case.person_id not in referred
    ]
    return AgendaSources(referrals=referrals, reviews=reviews)


def new_referrals(level: int) -> QuerySet[MappaReferral]:
    return (
        MappaReferral.objects.filter(level=level, status=ReferralStatus.NEW)
        .select_related("person", "referring_agency")
        .order_by("referred_on", "id")
    )


# --- Actions -----------------------------------------------------------------------------------------------


def action_for_actor(actor: Actor, action_id: int) -> MeetingAction:
    """An action, if one of the actor's agencies owns it or was invited to its meeting; else the refusal."""
    agencies = sorted(actor.agency_ids)
    action = (
        MeetingAction.objects.filter(pk=action_id)
        .filter(
            Q(owner_agency_id__in=agencies)
            | Exists(Attendance.objects.filter(meeting=OuterRef("meeting_id"), agency_id__in=agencies))
        )
        .select_related("meeting__series", "owner_agency", "owner_user", "person", "item", "created_by")
        .first()
    )
    if action is None:
        refuse(actor, summary=f"Refused meeting action {action_id}", reason=NOT_INVITED)
    return action


def may_change_action(actor: Actor, action: MeetingAction) -> bool:
    """The owner agency's staff and the series' coordinators change an action's status."""
    return action.owner_agency_id in actor.agency_ids or may_run(actor, action.meeting.series)


def action_history(action: MeetingAction) -> list[Any]:
    return list(action.changes.select_related("by").order_by("at", "id"))


def actions_owned(actor: Actor, *, team: bool = False) -> QuerySet[MeetingAction]:
    """Open actions for the work queue: those owned by the actor by name, or (team) by one of their agencies,
    soonest due first."""
    owned = Q(owner_user_id=actor.user_id)
    if team:
        owned |= Q(owner_agency_id__in=sorted(actor.agency_ids))
    return (
        MeetingAction.objects.filter(owned, status=ActionStatus.OPEN)
        .select_related("meeting__series", "owner_agency")
        .order_by("due_on", "id")
    )


@dataclass
class AgencyOverdue:
    agency: Agency
    overdue: int
    oldest_due_on: date | None
    rows: list[MeetingAction]


def overdue_by_agency(
    actor: Actor, series: MeetingSeries, *, on: date, limit: int = 50
) -> list[AgencyOverdue]:
    """The series' open actions past their due date, counted by owner agency; the actions themselves listed
    for the actor's own agencies (all of them for a coordinator who runs the series). Two queries."""
    overdue = MeetingAction.objects.filter(meeting__series=series, status=ActionStatus.OPEN, due_on__lt=on)
    counts = list(
        overdue.values("owner_agency_id")
        .annotate(n=Count("id"), oldest=Min("due_on"))
        .order_by("-n", "owner_agency_id")
    )
    agencies = Agency.objects.in_bulk([c["owner_agency_id"] for c in counts])
    shown = (
        overdue if may_run(actor, series) else overdue.filter(owner_agency_id__in=sorted(actor.agency_ids))
    )
    rows: dict[int, list[MeetingAction]] = {}
    for action in shown.select_related("meeting", "owner_user").order_by("due_on", "id")[:limit]:
        rows.setdefault(action.owner_agency_id, []).append(action)
    return [
        AgencyOverdue(
            agency=agencies[c["owner_agency_id"]],
            overdue=c["n"],
            oldest_due_on=c["oldest"],
            rows=rows.get(c["owner_agency_id"], []),
        )
        for c in counts
    ]


# --- The calendar feed -------------------------------------------------------------------------------------


def feed_token_live(series: MeetingSeries) -> SeriesFeedToken | None:
    return SeriesFeedToken.objects.filter(series=series, revoked_at__isnull=True).first()


def feed_series(token: str) -> tuple[MeetingSeries, Any] | None:
    """The series a live feed token opens, and who issued it (if they are still active)."""
    row = (
        SeriesFeedToken.objects.filter(
            token_hash=token_hash(token), revoked_at__isnull=True, issued_by__is_active=True
        )
        .select_related("series", "issued_by")
        .first()
    )
    return (row.series, row.issued_by) if row is not None else None


def feed_meetings(series: MeetingSeries, *, since: datetime) -> list[Meeting]:
    return list(series.meetings.filter(starts_at__gte=since).order_by("starts_at")[:200])
