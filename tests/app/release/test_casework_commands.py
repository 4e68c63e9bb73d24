"""The release, referral, booking and victim commands (issue 6: "the same services from the pages, the API and
the CLI"): each acts as --user, so the access rule and the access log apply, and bad input gets a clear
message."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from desist.audit.models import AccessLogEntry
from desist.partnership.models import Role
from desist.premises.models import BedSpace, Booking, Premises
from desist.referrals.models import Referral, Service
from desist.release.models import PathwayStatus, PlanTask, ReleaseDateChange, ReleasePlan
from desist.victims.models import Victim, VictimLink, VictimNotification
from tests.app import builders
from tests.app.builders import TODAY
from tests.app.victims.test_victims import perpetrator

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# The staff the shared `team` fixture (tests/app/conftest.py) makes for these tests.
TEAM = ("officer", "housing", "police")


def prisoner(partnership, team, *, last_name="Gate", release_in=60):
    subject = builders.person(
        last_name=last_name,
        district=partnership.medway,
        involved=[
            (partnership.probation, team["officer"]),
            (partnership.housing, None),
            (partnership.prison, None),
        ],
    )
    sentence = builders.custody(
        subject,
        sentence_date=TODAY - timedelta(days=150),
        length_days=730,
        release=TODAY + timedelta(days=release_in),
    )
    return subject, sentence


def denied(person_id):
    return AccessLogEntry.objects.filter(action="denied", person_id=person_id, channel="cli")


# --- release ---------------------------------------------------------------------------------------------


def test_release_date_by_person_goes_through_the_service_as_the_user(partnership, team):
    subject, sentence = prisoner(partnership, team)
    when = TODAY + timedelta(days=50)
    out = run(
        "release",
        "date",
        "--person",
        str(subject.pk),
        "--date",
        when.isoformat(),
        "--type",
        "hdc",
        "--user",
        "ruth.responsible",
    )
    assert "brought forward" in out and "50 days' notice" in out
    change = ReleaseDateChange.objects.get(sentence=sentence)
    assert (change.new_date, change.release_type, change.changed_by) == (when, "hdc", team["officer"])
    entry = AccessLogEntry.objects.filter(object_type="release.releasedatechange").get()
    assert (entry.channel, entry.username, entry.person_id) == ("cli", "ruth.responsible", subject.pk)


def test_release_date_refuses_bad_input_with_the_services_words(partnership, team):
    _, sentence = prisoner(partnership, team)
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run(
            "release",
            "date",
            "--sentence",
            str(sentence.pk),
            "--date",
            "31/12/2026",
            "--user",
            "ruth.responsible",
        )
    with pytest.raises(CommandError, match="Select a valid choice"):
        run(
            "release",
            "date",
            "--sentence",
            str(sentence.pk),
            "--date",
            (TODAY + timedelta(days=9)).isoformat(),
            "--type",
            "parole-ish",
            "--user",
            "ruth.responsible",
        )
    with pytest.raises(CommandError, match="cannot be in the past"):
        run(
            "release",
            "date",
            "--sentence",
            str(sentence.pk),
            "--date",
            (TODAY - timedelta(days=1)).isoformat(),
            "--user",
            "ruth.responsible",
        )
    with pytest.raises(CommandError, match="No active user is called 'nobody'"):
        run(
            "release", "date", "--sentence", str(sentence.pk), "--date", TODAY.isoformat(), "--user", "nobody"
        )
    with pytest.raises(CommandError, match="the following arguments are required: --user"):
        run("release", "date", "--sentence", str(sentence.pk), "--date", TODAY.isoformat())
    assert not ReleaseDateChange.objects.exists()


def test_release_commands_refuse_what_the_user_may_not_see_and_log_it(partnership, team):
    subject, sentence = prisoner(partnership, team, release_in=30)
    run(
        "release",
        "date",
        "--sentence",
        str(sentence.pk),
        "--date",
        (TODAY + timedelta(days=30)).isoformat(),
        "--confirm",
        "--user",
        "ruth.responsible",
    )
    plan = ReleasePlan.objects.get(sentence=sentence)
    task = plan.tasks.first()
    for args in (
        ("date", "--sentence", str(sentence.pk), "--date", (TODAY + timedelta(days=9)).isoformat()),
        ("date", "--person", str(subject.pk), "--date", (TODAY + timedelta(days=9)).isoformat()),
        ("task", "--task", str(task.pk), "--done"),
        ("pathway", "--plan", str(plan.pk), "--pathway", "health", "--status", "done"),
    ):
        with pytest.raises(CommandError, match="No such record is available to you"):
            run("release", *args, "--user", "pc.plod")
    assert denied(subject.pk).count() == 4
    assert ReleaseDateChange.objects.count() == 1


def test_plan_task_and_pathway_through_the_same_form_and_service(partnership, team):
    _, sentence = prisoner(partnership, team, release_in=30)
    run(
        "release",
        "date",
        "--sentence",
        str(sentence.pk),
        "--date",
        (TODAY + timedelta(days=30)).isoformat(),
        "--confirm",
        "--user",
        "ruth.responsible",
    )
    plan = ReleasePlan.objects.get(sentence=sentence)
    gp = plan.tasks.get(kind="gp_registration")
    out = run(
        "release",
        "task",
        "--task",
        str(gp.pk),
        "--done",
        "--provider",
        "Chatham Surgery",
        "--owner",
        partnership.housing.code,
        "--user",
        "ruth.responsible",
    )
    gp.refresh_from_db()
    assert (gp.status, gp.provider, gp.owner_agency, gp.done_on) == (
        "done",
        "Chatham Surgery",
        partnership.housing,
        TODAY,
    )
    assert "done" in out
    gate = plan.tasks.get(kind="gate_meeting")
    with pytest.raises(CommandError, match="Say who will meet the person at the gate"):
        run("release", "task", "--task", str(gate.pk), "--done", "--user", "ruth.responsible")
    with pytest.raises(CommandError, match="Say what to change"):
        run("release", "task", "--task", str(gate.pk), "--user", "ruth.responsible")
    with pytest.raises(CommandError, match="No agency has the code 'NOPE'"):
        run("release", "task", "--task", str(gate.pk), "--owner", "NOPE", "--user", "ruth.responsible")
    assert PlanTask.objects.get(pk=gate.pk).status == "open"
    run(
        "release",
        "pathway",
        "--plan",
        str(plan.pk),
        "--pathway",
        "health",
        "--status",
        "in_progress",
        "--user",
        "ruth.responsible",
    )
    assert PathwayStatus.objects.get(plan=plan, pathway="health").status == "in_progress"
    with pytest.raises(CommandError):
        run(
            "release",
            "pathway",
            "--plan",
            str(plan.pk),
            "--pathway",
            "health",
            "--status",
            "finished",
            "--user",
            "ruth.responsible",
        )


# --- referrals ------------------------------------------------------------------------------------------


def test_a_referral_goes_through_its_lifecycle_from_the_command_line(partnership, team):
    worker = partnership.user("tina.treatment", partnership.treatment)
    subject, _ = prisoner(partnership, team)
    mhtr = Service.objects.create(
        name="Mental health treatment requirement",
        provider=partnership.treatment,
        pathway="health",
        capacity=2,
        response_days=5,
    )
    out = run(
        "referral",
        "make",
        "--person",
        str(subject.pk),
        "--service",
        str(mhtr.pk),
        "--detail",
        "Low mood",
        "--user",
        "ruth.responsible",
    )
    referral = Referral.objects.get()
    assert f"Referral {referral.pk} made" in out and referral.made_by == team["officer"]
    with pytest.raises(CommandError, match="Only Forward Trust can do this"):
        run("referral", "accept", "--referral", str(referral.pk), "--user", "ruth.responsible")
    with pytest.raises(CommandError, match="Say why the referral is declined"):
        run("referral", "decline", "--referral", str(referral.pk), "--user", worker.username)
    run("referral", "accept", "--referral", str(referral.pk), "--user", worker.username)
    run("referral", "start", "--referral", str(referral.pk), "--user", worker.username)
    with pytest.raises(CommandError, match="Choose the outcome"):
        run("referral", "complete", "--referral", str(referral.pk), "--user", worker.username)
    out = run(
        "referral",
        "complete",
        "--referral",
        str(referral.pk),
        "--outcome",
        "partly",
        "--user",
        worker.username,
    )
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == ("completed", "partly") and "Completed the referral" in out
    assert [e.kind for e in referral.events.all()] == [
        "made",
        "acknowledged",
        "accepted",
        "started",
        "completed",
    ]
    assert (
        AccessLogEntry.objects.filter(
            object_type="referrals.referral", channel="cli", username=worker.username
        ).count()
        == 3
    )


def test_referral_commands_refuse_bad_input_and_other_agencies(partnership, team):
    subject, _ = prisoner(partnership, team)
    with pytest.raises(CommandError, match="Choose a service from the list"):
        run("referral", "make", "--person", str(subject.pk), "--service", "999", "--user", "ruth.responsible")
    mhtr = Service.objects.create(
        name="MHTR", provider=partnership.treatment, pathway="health", capacity=2, response_days=5
    )
    with pytest.raises(CommandError, match="No such record is available to you"):
        run("referral", "make", "--person", str(subject.pk), "--service", str(mhtr.pk), "--user", "pc.plod")
    run(
        "referral",
        "make",
        "--person",
        str(subject.pk),
        "--service",
        str(mhtr.pk),
        "--user",
        "ruth.responsible",
    )
    with pytest.raises(CommandError, match="already"):
        run(
            "referral",
            "make",
            "--person",
            str(subject.pk),
            "--service",
            str(mhtr.pk),
            "--user",
            "ruth.responsible",
        )
    referral = Referral.objects.get()
    with pytest.raises(CommandError, match="No such record is available to you"):
        run("referral", "acknowledge", "--referral", str(referral.pk), "--user", "pc.plod")
    assert denied(subject.pk).count() == 2


# --- bookings -------------------------------------------------------------------------------------------


def test_a_booking_is_made_arrived_and_departed_from_the_command_line(partnership, team):
    subject, _ = prisoner(partnership, team)
    hostel = Premises.objects.create(name="Medway Road Hostel", kind="hostel", provider=partnership.housing)
    bed = BedSpace.objects.create(premises=hostel, name="Room 1")
    arrival, departure = TODAY, TODAY + timedelta(days=28)
    out = run(
        "booking",
        "make",
        "--person",
        str(subject.pk),
        "--bed",
        str(bed.pk),
        "--arrival",
        arrival.isoformat(),
        "--departure",
        departure.isoformat(),
        "--user",
        "ruth.responsible",
    )
    booking = Booking.objects.get()
    assert f"Booking {booking.pk}: Medway Road Hostel, Room 1" in out
    other, _ = prisoner(partnership, team, last_name="Second")
    with pytest.raises(CommandError, match="Room 1 at Medway Road Hostel is already booked"):
        run(
            "booking",
            "make",
            "--person",
            str(other.pk),
            "--bed",
            str(bed.pk),
            "--arrival",
            arrival.isoformat(),
            "--departure",
            departure.isoformat(),
            "--user",
            "ruth.responsible",
        )
    with pytest.raises(CommandError, match="Enter the expected arrival as a real date"):
        run(
            "booking",
            "make",
            "--person",
            str(other.pk),
            "--bed",
            str(bed.pk),
            "--arrival",
            "soon",
            "--departure",
            departure.isoformat(),
            "--user",
            "ruth.responsible",
        )
    run("booking", "arrive", "--booking", str(booking.pk), "--user", "ruth.responsible")
    with pytest.raises(CommandError, match="Choose where they moved on to"):
        run("booking", "depart", "--booking", str(booking.pk), "--user", "ruth.responsible")
    run(
        "booking",
        "depart",
        "--booking",
        str(booking.pk),
        "--move-on",
        "settled",
        "--user",
        "ruth.responsible",
    )
    booking.refresh_from_db()
    assert (booking.status, booking.move_on, booking.departed_on) == ("departed", "settled", TODAY)
    with pytest.raises(CommandError, match="No such record is available to you"):
        run("booking", "cancel", "--booking", str(booking.pk), "--user", "pc.plod")
    with pytest.raises(CommandError, match="No such record is available to you"):
        run(
            "booking",
            "make",
            "--person",
            str(other.pk),
            "--bed",
            str(bed.pk),
            "--arrival",
            departure.isoformat(),
            "--departure",
            (departure + timedelta(days=7)).isoformat(),
            "--user",
            "pc.plod",
        )
    assert denied(subject.pk).count() == 1 and denied(other.pk).count() == 1


# --- victims --------------------------------------------------------------------------------------------


def test_a_victim_is_recorded_linked_and_told_from_the_command_line(partnership, team):
    vlo = partnership.user("val.liaison", partnership.probation, role=Role.VICTIM_LIAISON)
    subject, _, offence = perpetrator(partnership, team, release_in=60)
    out = run(
        "victim",
        "record",
        "--reference",
        "VLU-9",
        "--opted-in",
        "--wants",
        "release",
        "--wants",
        "licence_conditions",
        "--contact",
        "phone",
        "--user",
        vlo.username,
    )
    victim = Victim.objects.get()
    assert "Recorded victim VLU-9 (opted in)" in out
    assert (victim.liaison_officer, victim.contact_preference, victim.wants_to_know) == (
        vlo,
        "phone",
        ["licence_conditions", "release"],
    )
    with pytest.raises(CommandError, match="already recorded"):
        run("victim", "record", "--reference", "VLU-9", "--user", vlo.username)
    with pytest.raises(CommandError, match="invalid choice: 'pigeon'"):
        run("victim", "record", "--reference", "VLU-10", "--contact", "pigeon", "--user", vlo.username)
    out = run("victim", "link", "--victim", "VLU-9", "--offence", str(offence.pk), "--user", vlo.username)
    assert "raised 1 notification." in out
    notification = VictimNotification.objects.get()
    assert notification.event_kind == "release_date_set" and notification.liaison_officer == vlo
    with pytest.raises(CommandError, match="Record the outcome before completing the notification"):
        run("victim", "notify-complete", "--notification", str(notification.pk), "--user", vlo.username)
    with pytest.raises(CommandError, match="Say how you tried to reach the victim"):
        run(
            "victim",
            "notify-complete",
            "--notification",
            str(notification.pk),
            "--outcome",
            "not_reached",
            "--user",
            vlo.username,
        )
    run(
        "victim",
        "notify-complete",
        "--notification",
        str(notification.pk),
        "--outcome",
        "told",
        "--user",
        vlo.username,
    )
    notification.refresh_from_db()
    assert (notification.status, notification.completed_by) == ("done", vlo)
    assert AccessLogEntry.objects.filter(channel="cli", username=vlo.username, person_id=subject.pk).exists()


def test_victim_commands_are_for_the_victim_liaison_role_only(partnership, team):
    partnership.user("hal.liaison", partnership.housing, role=Role.VICTIM_LIAISON)
    subject, _, offence = perpetrator(partnership, team, last_name="Kept")
    with pytest.raises(CommandError, match="Only the victim liaison role works with victims"):
        run("victim", "record", "--reference", "VLU-1", "--user", "ruth.responsible")
    assert (
        AccessLogEntry.objects.filter(action="denied", username="ruth.responsible", channel="cli").count()
        == 1
    )
    assert not Victim.objects.exists()
    run("victim", "record", "--reference", "VLU-1", "--user", "hal.liaison")
    with pytest.raises(CommandError, match="No such record is available to you"):
        run("victim", "link", "--victim", "VLU-1", "--offence", str(offence.pk), "--user", "hal.liaison")
    with pytest.raises(CommandError, match="No such record is available to you"):
        run("victim", "link", "--victim", "VLU-404", "--offence", str(offence.pk), "--user", "hal.liaison")
    assert denied(subject.pk).count() == 1 and not VictimLink.objects.exists()
