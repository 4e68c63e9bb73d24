"""The partnership's MAPPA, MARAC and IOM meetings for the demo (MARAC: see `demo_marac_meetings_build`; IOM:
`demo_iom_meetings_build`). MAPPA: a level 2 series meeting weekly and a level 3 series meeting monthly for
the past year and the coming month, with the people who hold a current MAPPA register entry at
level 2 or 3 as their cases (each reviewed every four weeks at level 2, every meeting at level 3), new
referrals accepted as they come, attendance by the responsible authority and the duty-to-co-operate agencies,
a discussion and decision on each case recorded by the MAPPA coordinator, the general minutes, and actions
for the agencies, some still open after their due date. Choices follow each row's place in a list, not
database ids, so a demo is the same on any engine."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from desist.audit.context import actor_for_user, system_actor
from desist.audit.models import Action, Channel
from desist.audit.services import log_access
from desist.core import meetings as rules
from desist.marac.demo import idva_user, marac_coordinator_user
from desist.marac.models import MaracReferral
from desist.marac.models import ReferralStatus as MaracStatus
from desist.meetings.models import (
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
)
from desist.meetings.services import agenda_build
from desist.partnership.models import Agency, Membership, Role
from desist.people.models import Involvement, Person
from desist.registers.models import RegisterEntry, RegisterKind
from desist.registers.services import register_mappa_level_set

COORDINATOR = "demo.mappa"
DISCUSSIONS = (
    "Compliant with licence conditions; no new intelligence. Accommodation stable at the approved address.",
    "Police report two missed home visits; the officer to arrange an unannounced visit with the police.",
    "New relationship disclosed; social care to check whether there are children in the household.",
    "Drug test positive; the treatment provider to bring the review forward. Risk to the adult unchanged.",
    "Exclusion zone respected per the monitoring data; employment search ongoing with the job centre.",
    "Victim liaison reports the victim's concern about the release area; exclusion zone to be reviewed.",
    "Engaging well with the programme; the panel agreed the plan can continue unchanged.",
)
ACTIONS = (
    ("police", "Unannounced home visit with the offender manager and report back", 14),
    ("probation", "Review licence conditions and add an exclusion zone if needed", 21),
    ("housing", "Confirm the tenancy and the household's members at the address", 14),
    ("social_care", "Check for children in the household and share the result", 7),
    ("health", "Share the community mental health team's latest risk assessment", 14),
    ("prison", "Send the security department's intelligence summary before release", 10),
    ("job_centre", "Confirm the work placement does not bring contact with children", 21),
)
REASONS = (
    "Escalating risk after a recent breach; needs active multi-agency management.",
    "Due for release with a high risk of serious harm to a known adult.",
    "New intelligence of contact with children; several agencies hold information.",
)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _coordinator(probation: Agency) -> User | None:
    """The demo's MAPPA coordinator: a probation manager made the `demo.mappa` login (the first not yet a
    demo login), with the coordinator role."""
    user = User.objects.filter(username=COORDINATOR).first()
    if user is None:
        member = (
            Membership.objects.filter(agency=probation, role=Role.MANAGER)
            .exclude(user__username__startswith="demo.")
            .order_by("id")
            .first()
        ) or Membership.objects.filter(agency=probation).exclude(user__username__startswith="demo.").first()
        if member is None:
            return None
        user = member.user
        user.username = COORDINATOR
        user.save(update_fields=["username"])
    Membership.objects.filter(user=user, agency=probation).update(role=Role.COORDINATOR)
    return user


def _members() -> dict[str, Agency]:
    """One agency of each kind a MAPPA meeting invites (the first by code)."""
    chosen: dict[str, Agency] = {}
    for agency in Agency.objects.order_by("code"):
        if rules.mappa_invited(agency.kind):
            chosen.setdefault(agency.kind, agency)
    return chosen


# Enough cases for a meeting to show: a small demo has few people at MAPPA level 2 or 3 (the generator puts
# most at level 1), so people are referred up, through the registers service, as a meeting would decide.
LEVEL_2_CASES = 24
LEVEL_3_CASES = 6


def _promote(probation: Agency, on: date) -> None:
    """Bring the demo's MAPPA levels 2 and 3 up to LEVEL_2_CASES and LEVEL_3_CASES people: first those on the
    MAPPA register at level 1, then people probation works with (category 2); each level set through
    `register_mappa_level_set`, logged, as at the meeting that accepted the referral."""
    current = dict(
        RegisterEntry.objects.filter(kind=RegisterKind.MAPPA, end_date__isnull=True)
        .order_by("person_id", "-id")
        .values_list("person_id", "mappa_level")
    )
    have = {2: sum(1 for v in current.values() if v == 2), 3: sum(1 for v in current.values() if v == 3)}
    wanted = {3: max(0, LEVEL_3_CASES - have[3]), 2: max(0, LEVEL_2_CASES - have[2])}
    if not any(wanted.values()):
        return
    level_1 = [pid for pid, level in sorted(current.items()) if level == 1]
    others = list(
        Involvement.objects.filter(agency=probation, end_date__isnull=True)
        .exclude(person_id__in=list(current))
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .distinct()[: sum(wanted.values()) * 2]
    )
    chosen = (level_1 + others)[: sum(wanted.values())]
    people = Person.objects.in_bulk(chosen)
    categories = dict(
        RegisterEntry.objects.filter(kind=RegisterKind.MAPPA, person_id__in=chosen).values_list(
            "person_id", "mappa_category"
        )
    )
    actor = system_actor()
    for n, person_id in enumerate(chosen):
        level = 3 if n < wanted[3] else 2
        register_mappa_level_set(
            actor=actor,
            person=people[person_id],
            level=level,
            category=categories.get(person_id) or 2,
            on=on,
            reason=f"Accepted at a MAPPA level {level} meeting (demo)",
        )


@transaction.atomic
def demo_meetings_build(today: date | None = None) -> dict[str, int]:
    """Build the year of MAPPA meetings (see the module); returns what it made."""
    today = today or timezone.localdate()
    members = _members()
    probation = members.get("probation")
    counts = {"series": 0, "meetings": 0, "items": 0, "actions": 0, "overdue": 0, "referrals": 0}
    if probation is None:
        return counts
    coordinator = _coordinator(probation)
    if coordinator is None:
        return counts
    staff: dict[int, list[int]] = {}
    for agency_id, user_id in (
        Membership.objects.filter(agency__in=members.values(), is_active=True)
        .exclude(user__username__startswith="demo.")
        .order_by("agency_id", "id")
        .values_list("agency_id", "user_id")
    ):
        staff.setdefault(agency_id, []).append(user_id)
    first = today - timedelta(days=364)
    _promote(probation, first)
    entries = list(
        RegisterEntry.objects.filter(kind=RegisterKind.MAPPA, end_date__isnull=True, mappa_level__in=[2, 3])
        .order_by("person_id", "id")
        .values_list("person_id", "mappa_level", "mappa_category", "start_date")
    )
    leads = dict(
        Involvement.objects.filter(
            agency=probation, person_id__in=[e[0] for e in entries], lead_worker__isnull=False
        ).values_list("person_id", "lead_worker_id")
    )
    cases: dict[int, list[tuple[int, int, int]]] = {2: [], 3: []}  # person, category, slot
    seen: set[int] = set()
    for n, (person_id, level, category, _start) in enumerate(entries):
        if person_id in seen or level not in (2, 3) or category is None:
            continue
        seen.add(person_id)
        cases[level].append((person_id, category, n % 4 if level == 2 else 0))
    made_items: list[AgendaItem] = []
    pending_actions: list[tuple[AgendaItem, MeetingAction]] = []
    for level, cadence in ((2, rules.WEEKLY), (3, rules.MONTHLY)):
        series = MeetingSeries.objects.create(
            name=f"Kent and Medway MAPPA level {level}",
            kind=f"mappa_{level}",
            chair_agency=probation,
            place="Maidstone Police Station, conference room 2"
            if level == 2
            else "Kent Police HQ, Maidstone",
        )
        series.agencies.set(list(members.values()))
        counts["series"] += 1
        days = rules.dates_between(first, today + timedelta(days=30), cadence)
        heard: set[int] = set()
        # A case joins the agenda as a new referral (three a meeting at first), then comes back for review
        # every four weeks (level 2, at the meetings of its slot) or every month (level 3).
        for m, day in enumerate(days):
            held = day < today
            meeting = Meeting.objects.create(
                series=series,
                starts_at=_at(day, 10 if level == 2 else 14),
                ends_at=_at(day, 12 if level == 2 else 16),
                place=series.place,
                status=MeetingStatus.HELD if held else MeetingStatus.SCHEDULED,
                minutes=(
                    f"Quorate. The chair reviewed the actions from the last meeting; "
                    f"{'all' if m % 5 else 'most'} were complete."
                )
                if held
                else "",
                minutes_recorded_by=coordinator if held else None,
                minutes_recorded_at=_at(day, 17) if held else None,
                agenda_built_at=_at(day - timedelta(days=2), 9) if held else None,
                invitations_sent_at=_at(day - timedelta(days=7), 9),
            )
            counts["meetings"] += 1
            Attendance.objects.bulk_create(
                [
                    Attendance(
                        meeting=meeting,
                        agency=agency,
                        status=(
                            AttendanceStatus.INVITED
                            if not held
                            else AttendanceStatus.APOLOGIES
                            if (m + k) % 9 == 0 and agency.kind not in rules.RESPONSIBLE_AUTHORITY
                            else AttendanceStatus.ABSENT
                            if (m + k) % 13 == 0 and agency.kind not in rules.RESPONSIBLE_AUTHORITY
                            else AttendanceStatus.PRESENT
                        ),
                        invited_at=_at(day - timedelta(days=7), 9),
                    )
                    for k, agency in enumerate(members.values())
                ]
            )
            if not held:
                continue
            on_agenda = [
                (person_id, category, i)
                for i, (person_id, category, slot) in enumerate(cases[level])
                if (level == 3 or m % 4 == slot) and i <= m * 3 + 3
            ]
            step = timedelta(days=28) if level == 2 else None
            for position, (person_id, category, i) in enumerate(on_agenda, start=1):
                new = person_id not in heard
                heard.add(person_id)
                review = day + step if step else rules.next_date(day, rules.MONTHLY)
                item = AgendaItem(
                    meeting=meeting,
                    position=position,
                    kind=ItemKind.NEW_REFERRAL if new else ItemKind.REVIEW,
                    title=(
                        f"New referral: category {category}"
                        if new
                        else f"Review: category {category}, level {level}"
                    ),
                    person_id=person_id,
                    discussion=DISCUSSIONS[(i + m) % len(DISCUSSIONS)],
                    next_review_on=review,
                    level_before=None if new else level,
                    level_after=level,
                    recorded_by=coordinator,
                    recorded_at=_at(day, 12),
                )
                if new:
                    referral = MappaReferral.objects.create(
                        person_id=person_id,
                        level=level,
                        category=category,
                        reason=REASONS[i % len(REASONS)],
                        referring_agency=probation,
                        referred_by=coordinator,
                        referred_on=day - timedelta(days=5),
                        status=ReferralStatus.ACCEPTED,
                    )
                    item.mappa_referral = referral
                    counts["referrals"] += 1
                made_items.append(item)
                for a in range(1 + (i + m) % 2):
                    kind, text, days_due = ACTIONS[(i + m + a) % len(ACTIONS)]
                    agency = members.get(kind) or probation
                    users = staff.get(agency.pk, [])
                    owner = leads.get(person_id) if agency == probation else None
                    if owner is None and users:
                        owner = users[(i + a) % len(users)]
                    due = day + timedelta(days=days_due)
                    late = due < today and (i + m + a) % 6 == 0 and due > today - timedelta(days=120)
                    status = (
                        ActionStatus.OPEN
                        if due >= today or late
                        else ActionStatus.CANCELLED
                        if (i + m + a) % 17 == 0
                        else ActionStatus.DONE
                    )
                    counts["overdue"] += int(status == ActionStatus.OPEN and due < today)
                    pending_actions.append(
                        (
                            item,
                            MeetingAction(
                                meeting=meeting,
                                person_id=person_id,
                                description=text,
                                owner_agency=agency,
                                owner_user_id=owner,
                                due_on=due,
                                status=status,
                                created_by=coordinator,
                            ),
                        )
                    )
        # The cases as they stand: reviewed at the next meeting of their slot.
        upcoming = [d for d in days if d >= today]
        MappaCase.objects.bulk_create(
            [
                MappaCase(
                    person_id=person_id,
                    level=level,
                    category=category,
                    opened_on=first,
                    next_review_on=(
                        upcoming[min(slot, len(upcoming) - 1)] if upcoming else today + timedelta(days=7)
                    ),
                )
                for person_id, category, slot in cases[level]
            ],
            ignore_conflicts=True,
        )
    AgendaItem.objects.bulk_create(made_items, batch_size=2000)
    counts["items"] = len(made_items)
    for item, action in pending_actions:
        action.item_id = item.pk
    actions = MeetingAction.objects.bulk_create([a for _, a in pending_actions], batch_size=2000)
    counts["actions"] = len(actions)
    ActionChange.objects.bulk_create(
        [
            ActionChange(action=a, by=coordinator, status_before="", status_after=ActionStatus.OPEN)
            for a in actions
        ]
        + [
            ActionChange(
                action=a, by=coordinator, status_before=ActionStatus.OPEN, status_after=a.status, note=note
            )
            for a in actions
            if a.status != ActionStatus.OPEN
            for note in [
                "Reported at the next meeting" if a.status == ActionStatus.DONE else "Overtaken by events"
            ]
        ],
        batch_size=2000,
    )
    log_access(
        actor=system_actor(),
        action=Action.COLLECTION,
        summary=f"Loaded the demo's MAPPA meetings ({counts['meetings']} meetings, {counts['items']} items)",
        detail=counts,
    )
    marac = demo_marac_meetings_build(today)
    counts.update({f"marac {k}": v for k, v in marac.items()})
    iom = demo_iom_meetings_build(today)
    counts.update({f"iom {k}": v for k, v in iom.items()})
    return counts


# --- MARAC -------------------------------------------------------------------------------------------------

MARAC_MONTHS = 4  # held meetings in the demo, monthly, before the coming one
MARAC_DISCUSSIONS = (
    "Police shared three call-outs since the referral; the IDVA has agreed a safety plan with the victim.",
    "Repeat referral: the perpetrator breached a non-molestation order. Sanctuary scheme to be offered.",
    "Children in the household; social care to lead on the safeguarding plan with the school.",
    "The victim has moved to a refuge; agencies to keep the new address confidential.",
    "Perpetrator on licence: probation to review licence conditions and the exclusion zone.",
)
# Each MARAC case's actions: the police and the IDVA service always, then one more agency by turn.
MARAC_ACTIONS = {
    "police": ("Flag the address for a priority response and share call-outs with the IDVA", 7),
    "voluntary": ("IDVA to contact the victim within two working days and agree a safety plan", 3),
    "housing": ("Assess the home for the sanctuary scheme and a managed move if needed", 14),
    "probation": ("Review the perpetrator's risk management plan and licence conditions", 14),
    "social_care": ("Check the children's safeguarding plan and tell the school's safeguarding lead", 10),
    "health": ("Flag the victim's GP record and share the safe contact with the midwife", 14),
}


@transaction.atomic
def demo_marac_meetings_build(today: date) -> dict[str, int]:
    """A monthly MARAC chaired by the police, run by the demo's MARAC coordinator (`demo.marac`): the last
    MARAC_MONTHS months' meetings held, each hearing the referrals heard since the one before (the victim
    named only to the roles that support victims), with a discussion recorded by the coordinator and actions
    for the police, the IDVA service (owned by `demo.idva`) and one more agency, some still open past their
    due date; and the coming meeting, scheduled, its agenda built by the service from the referrals awaiting.
    Every decision and action names the coordinator who recorded it and its owner."""
    counts = {"series": 0, "meetings": 0, "items": 0, "actions": 0, "overdue": 0}
    if MeetingSeries.objects.filter(kind="marac").exists() or not MaracReferral.objects.exists():
        return counts
    coordinator = marac_coordinator_user()
    idva = idva_user()
    agencies: dict[str, Agency] = {}
    for agency in Agency.objects.order_by("code"):
        agencies.setdefault(agency.kind, agency)
    membership = coordinator.memberships.select_related("agency").first()
    chair = membership.agency if membership is not None else None
    if chair is not None:
        agencies[chair.kind] = chair
    members = [agencies[k] for k in MARAC_ACTIONS if k in agencies]
    if chair is None or not members:
        return counts
    staff: dict[int, int] = {}
    for agency_id, user_id in (
        Membership.objects.filter(agency__in=members, is_active=True)
        .exclude(user__username__startswith="demo.")
        .order_by("agency_id", "id")
        .values_list("agency_id", "user_id")
    ):
        staff.setdefault(agency_id, user_id)
    if "voluntary" in agencies:
        staff[agencies["voluntary"].pk] = idva.pk
    staff[chair.pk] = coordinator.pk
    series = MeetingSeries.objects.create(
        name="Kent and Medway MARAC", kind="marac", chair_agency=chair, place="Maidstone Police Station"
    )
    series.agencies.set(members)
    counts["series"] = 1
    days = rules.dates_between(
        today - timedelta(days=31 * MARAC_MONTHS), today + timedelta(days=31), rules.MONTHLY
    )
    previous = days[0] - timedelta(days=31)
    for m, day in enumerate(days):
        held = day < today
        meeting = Meeting.objects.create(
            series=series,
            starts_at=_at(day, 10),
            ends_at=_at(day, 13),
            place=series.place,
            status=MeetingStatus.HELD if held else MeetingStatus.SCHEDULED,
            minutes="Quorate. The chair reminded agencies that the minutes hold victims' details."
            if held
            else "",
            minutes_recorded_by=coordinator if held else None,
            minutes_recorded_at=_at(day, 15) if held else None,
            agenda_built_at=_at(day - timedelta(days=3), 9) if held else None,
            invitations_sent_at=_at(day - timedelta(days=10), 9),
        )
        counts["meetings"] += 1
        Attendance.objects.bulk_create(
            [
                Attendance(
                    meeting=meeting,
                    agency=agency,
                    status=(
                        AttendanceStatus.INVITED
                        if not held
                        else AttendanceStatus.APOLOGIES
                        if (m + k) % 7 == 4
                        else AttendanceStatus.PRESENT
                    ),
                    invited_at=_at(day - timedelta(days=10), 9),
                )
                for k, agency in enumerate(members)
            ]
        )
        if not held:
            actor = actor_for_user(coordinator, channel=Channel.CLI, purpose="risk_management")
            counts["items"] += len(agenda_build(actor=actor, meeting=meeting))
            continue
        referrals = list(
            MaracReferral.objects.filter(status=MaracStatus.HEARD, heard_on__gt=previous, heard_on__lte=day)
            .select_related("referring_agency")
            .order_by("referred_on", "id")
        )
        previous = day
        items = []
        for position, referral in enumerate(referrals, start=1):
            repeat = "Repeat referral" if referral.is_repeat else "New referral"
            route = referral.get_route_display().lower()
            items.append(
                AgendaItem(
                    meeting=meeting,
                    position=position,
                    kind=ItemKind.REVIEW if referral.is_repeat else ItemKind.NEW_REFERRAL,
                    title=f"{repeat} ({route}), from {referral.referring_agency.name}",
                    marac_referral=referral,
                    discussion=MARAC_DISCUSSIONS[(position + m) % len(MARAC_DISCUSSIONS)],
                    recorded_by=coordinator,
                    recorded_at=_at(day, 12),
                )
            )
        AgendaItem.objects.bulk_create(items)
        counts["items"] += len(items)
        actions = []
        for i, item in enumerate(items):
            third = ("housing", "probation", "social_care", "health")[(i + m) % 4]
            for n, kind in enumerate(("police", "voluntary", third)):
                owner = agencies.get(kind)
                if owner is None or owner.pk not in staff:
                    continue  # every action has a named owner
                text, days_due = MARAC_ACTIONS[kind]
                due = day + timedelta(days=days_due)
                late = due < today and (i + m + n) % 5 == 2
                status = ActionStatus.OPEN if due >= today or late else ActionStatus.DONE
                counts["overdue"] += int(status == ActionStatus.OPEN and due < today)
                actions.append(
                    MeetingAction(
                        meeting=meeting,
                        item=item,
                        description=text,
                        owner_agency=owner,
                        owner_user_id=staff[owner.pk],
                        due_on=due,
                        status=status,
                        created_by=coordinator,
                    )
                )
        made = MeetingAction.objects.bulk_create(actions)
        counts["actions"] += len(made)
        ActionChange.objects.bulk_create(
            [
                ActionChange(action=a, by=coordinator, status_before="", status_after=ActionStatus.OPEN)
                for a in made
            ]
            + [
                ActionChange(
                    action=a,
                    by_id=a.owner_user_id or coordinator.pk,
                    status_before=ActionStatus.OPEN,
                    status_after=a.status,
                    note="Done and reported to the coordinator",
                )
                for a in made
                if a.status != ActionStatus.OPEN
            ]
        )
    log_access(
        actor=system_actor(),
        action=Action.COLLECTION,
        summary=f"Loaded the demo's MARAC meetings ({counts['meetings']} meetings, {counts['items']} cases)",
        detail=counts,
    )
    return counts


# The IOM meetings' members: the police chair, probation co-leads, and the agencies of the cohort's pathways.
IOM_MEMBERS = ("police", "probation", "treatment", "housing", "job_centre")


def demo_iom_meetings_build(today: date) -> dict[str, int]:
    """The IOM panel (monthly) and the IOM steering group (quarterly), chaired by the police and run by the
    demo's IOM coordinator (`demo.iom`): each with its coming meeting scheduled and its members invited. The
    panel's agenda is built by the service from the candidates awaiting a decision and the cohort reviews due,
    for the panel to decide at the meeting; the steering group's page is one click from its series."""
    counts = {"series": 0, "meetings": 0, "items": 0}
    if MeetingSeries.objects.filter(kind__in=("iom_panel", "iom_steering")).exists():
        return counts
    coordinator = User.objects.filter(username="demo.iom").first()
    agencies: dict[str, Agency] = {}
    for agency in Agency.objects.order_by("code"):
        agencies.setdefault(agency.kind, agency)
    members = [agencies[kind] for kind in IOM_MEMBERS if kind in agencies]
    if coordinator is None or "police" not in agencies or "probation" not in agencies:
        return counts
    actor = actor_for_user(coordinator, channel=Channel.CLI, purpose="risk_management")
    for kind, name, hour, weeks in (
        ("iom_panel", "Kent IOM panel", 10, 2),
        ("iom_steering", "Kent IOM steering group", 14, 5),
    ):
        series = MeetingSeries.objects.create(
            name=name, kind=kind, chair_agency=agencies["police"], place="Maidstone Police Station"
        )
        series.agencies.set(members)
        counts["series"] += 1
        day = today + timedelta(weeks=weeks)
        while day.weekday() >= 5:  # a working day
            day += timedelta(days=1)
        meeting = Meeting.objects.create(
            series=series,
            starts_at=_at(day, hour),
            ends_at=_at(day, hour + 2),
            place=series.place,
            status=MeetingStatus.SCHEDULED,
            invitations_sent_at=_at(today, 9),
        )
        counts["meetings"] += 1
        Attendance.objects.bulk_create(
            [
                Attendance(
                    meeting=meeting, agency=agency, status=AttendanceStatus.INVITED, invited_at=_at(today, 9)
                )
                for agency in members
            ]
        )
        if kind == "iom_panel":
            counts["items"] += len(agenda_build(actor=actor, meeting=meeting))
    return counts
