"""Meetings (issue 15): a MAPPA agenda from new referrals and reviews due, the decisions on each case (a level
change reaching the MAPPA register, audited), minutes and actions with their history, chasing overdue actions
once, the cadence rules and who may see what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from desist.audit.models import AccessLogEntry, Action
from desist.core import meetings as rules
from desist.meetings import selectors, services
from desist.meetings.chasing import chase_overdue_actions
from desist.meetings.models import ActionStatus, AttendanceStatus, ItemKind, MappaCase, ReferralStatus
from desist.registers.models import RegisterEntry, RegisterKind
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db


class Sent:
    channel = "log"

    def __init__(self):
        self.messages = []

    def send(self, to, text):
        self.messages.append((to, text))


def test_cadences():
    assert rules.next_date(date(2026, 1, 5), "weekly") == date(2026, 1, 12)
    assert rules.next_date(date(2026, 1, 31), "monthly") == date(2026, 2, 28)
    assert rules.dates_between(date(2026, 1, 31), date(2026, 4, 30), "monthly") == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]
    assert len(rules.dates_between(date(2026, 1, 1), date(2026, 12, 31), "weekly")) == 53
    with pytest.raises(ValueError):
        rules.next_date(date(2026, 1, 1), "hourly")
    assert (
        rules.mappa_invited("housing") and rules.mappa_invited("police") and not rules.mappa_invited("fire")
    )


def test_the_series_invites_the_responsible_authority_and_duty_to_cooperate_agencies(mappa, partnership):
    meeting = mappa["meeting"]
    invited = set(meeting.attendance.values_list("agency__kind", flat=True))
    # Treatment providers have no duty to co-operate: not a member of a MAPPA series.
    assert invited == {"probation", "police", "prison", "housing"}
    assert meeting.series.cadence == "weekly"


def test_the_agenda_is_new_referrals_then_reviews_due_once(mappa):
    actor, meeting = mappa["actor"], mappa["meeting"]
    items = services.agenda_build(actor=actor, meeting=meeting)
    assert [(i.kind, i.person_id) for i in items] == [
        (ItemKind.NEW_REFERRAL, mappa["referred"].pk),
        (ItemKind.REVIEW, mappa["reviewed"].pk),
    ]
    assert services.agenda_build(actor=actor, meeting=meeting) == []  # built again: nothing twice


def test_decisions_update_the_case_and_the_register_audited(mappa):
    actor, meeting = mappa["actor"], mappa["meeting"]
    new, review = services.agenda_build(actor=actor, meeting=meeting)
    later = TODAY + timedelta(days=29)
    services.item_record(actor=actor, item=new, discussion="Accepted at level 2.", next_review_on=later)
    new.mappa_referral.refresh_from_db()
    assert new.mappa_referral.status == ReferralStatus.ACCEPTED
    entry = RegisterEntry.objects.get(person=mappa["referred"], kind=RegisterKind.MAPPA)
    assert (entry.mappa_category, entry.mappa_level) == (1, 2)
    services.item_record(
        actor=actor, item=review, discussion="Risk rising.", next_review_on=later, level_after=3
    )
    entry = RegisterEntry.objects.get(
        person=mappa["reviewed"], kind=RegisterKind.MAPPA, end_date__isnull=True
    )
    assert entry.mappa_level == 3
    case = MappaCase.objects.get(person=mappa["reviewed"])
    assert (case.level, case.next_review_on) == (3, later)
    change = AccessLogEntry.objects.filter(action=Action.ALTERATION, person_id=mappa["reviewed"].pk).last()
    assert change.detail["changes"]["mappa_level"] == {"before": 2, "after": 3}
    review.refresh_from_db()
    assert (review.level_before, review.level_after, review.recorded_by) == (2, 3, mappa["coordinator"])
    with pytest.raises(services.MeetingError):
        services.item_record(actor=actor, item=review, discussion="x", next_review_on=None, level_after=2)


def test_minutes_only_for_agencies_present_and_each_reading_is_a_disclosure(mappa, partnership):
    actor, meeting = mappa["actor"], mappa["meeting"]
    services.agenda_build(actor=actor, meeting=meeting)
    rows = {r.agency_id: r.pk for r in meeting.attendance.all()}
    with pytest.raises(services.MeetingError):
        services.minutes_record(actor=actor, meeting=meeting, minutes="Too early")
    services.attendance_record(
        actor=actor,
        meeting=meeting,
        statuses={
            rows[partnership.probation.pk]: AttendanceStatus.PRESENT,
            rows[partnership.police.pk]: AttendanceStatus.PRESENT,
            rows[partnership.housing.pk]: AttendanceStatus.APOLOGIES,
            rows[partnership.prison.pk]: AttendanceStatus.ABSENT,
        },
    )
    services.minutes_record(actor=actor, meeting=meeting, minutes="Quorate.")
    police = builders.actor(mappa["police"])
    seen = selectors.meeting_for_actor(police, meeting.pk)
    selectors.require_present(police, seen)
    housing = builders.actor(mappa["housing"])
    invited = selectors.meeting_for_actor(housing, meeting.pk)  # invited: sees the agenda
    with pytest.raises(Http404):
        selectors.require_present(housing, invited)  # sent apologies: no minutes
    assert AccessLogEntry.objects.filter(action=Action.DENIED, username="hattie.housing").exists()
    with pytest.raises(Http404):
        selectors.meeting_for_actor(builders.actor(mappa["treatment"]), meeting.pk)
    with pytest.raises(PermissionDenied):
        selectors.require_runs(police, seen, "build the agenda")


def test_actions_keep_their_history_and_are_chased_once(mappa, partnership):
    actor, meeting = mappa["actor"], mappa["meeting"]
    new, _ = services.agenda_build(actor=actor, meeting=meeting)
    action = services.action_add(
        actor=actor,
        meeting=meeting,
        item=new,
        description="Home visit with police",
        owner_agency=partnership.police,
        owner_user=mappa["police"],
        due_on=TODAY - timedelta(days=2),
    )
    assert action.person_id == mappa["referred"].pk
    police = builders.actor(mappa["police"])
    assert list(selectors.actions_owned(police)) == [action]
    backend = Sent()
    assert chase_overdue_actions(actor=builders.actor(), on=TODAY, backend=backend) == 1
    assert chase_overdue_actions(actor=builders.actor(), on=TODAY, backend=backend) == 0  # idempotent
    assert backend.messages[0][0] == "pc.mappa" and "still open" in backend.messages[0][1]
    report = selectors.overdue_by_agency(police, meeting.series, on=TODAY)
    assert [(r.agency, r.overdue, r.rows) for r in report] == [(partnership.police, 1, [action])]
    with pytest.raises(services.MeetingError):
        services.action_status_set(actor=police, action=action, status=ActionStatus.CANCELLED)
    services.action_status_set(actor=police, action=action, status=ActionStatus.DONE, note="Visited")
    assert [(c.status_before, c.status_after) for c in action.changes.all()] == [
        ("", "open"),
        ("open", "done"),
    ]
    assert list(selectors.actions_owned(police)) == []
    with pytest.raises(services.MeetingError):
        services.action_add(
            actor=actor,
            meeting=meeting,
            description="x",
            owner_agency=partnership.police,
            owner_user=mappa["housing"],
            due_on=TODAY,
        )


def test_invitations_go_once(mappa):
    backend = Sent()
    assert services.invitations_send(actor=mappa["actor"], meeting=mappa["meeting"], backend=backend) == 4
    assert services.invitations_send(actor=mappa["actor"], meeting=mappa["meeting"], backend=backend) == 0
    assert "Medway MAPPA level 2" in backend.messages[0][1]


def test_a_referral_needs_an_agency_of_the_referrer(mappa, partnership):
    with pytest.raises(services.MeetingError):
        services.mappa_referral_make(
            actor=builders.actor(mappa["officer"]),
            person=mappa["reviewed"],
            level=3,
            category=2,
            reason="x",
            referring_agency_id=partnership.police.pk,
        )


def test_the_command_chases_overdue_actions_once(mappa, partnership):
    from io import StringIO

    from django.core.management import call_command

    services.action_add(
        actor=mappa["actor"],
        meeting=mappa["meeting"],
        description="Share the risk assessment",
        owner_agency=partnership.housing,
        due_on=TODAY - timedelta(days=1),
    )
    out = StringIO()
    call_command("chase_meeting_actions", "--now", stdout=out)
    call_command("chase_meeting_actions", "--now", stdout=out)
    assert out.getvalue().splitlines() == [
        "Chased 1 overdue meeting actions.",
        "Chased 0 overdue meeting actions.",
    ]
