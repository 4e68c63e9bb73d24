"""A recall reaches the release plan and victims (issue 12): back in custody on the sentence, the post-recall
release date worked out by the engine is the one the readiness view, the work queue, escalations and victims
follow; the plan is reopened for the re-release, which is recorded like any release."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from desist.audit.models import AccessLogEntry
from desist.core import victims as victim_rules
from desist.offences import services as offences
from desist.partnership.models import Role
from desist.people.models import Involvement
from desist.release import selectors, services
from desist.release.models import (
    Escalation,
    EscalationStatus,
    PlanTask,
    Recall,
    Release,
    ReleasePlan,
    TaskStatus,
)
from desist.victims import services as victims
from desist.victims.models import VictimNotification
from tests.app import builders
from tests.app.builders import NAVIGATION_QUERIES, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(partnership):
    return partnership.user("olive.omu", partnership.prison)


@pytest.fixture
def subject(partnership, officer):
    return builders.person(
        last_name="Recalled",
        date_of_birth=TODAY - timedelta(days=365 * 30),
        district=partnership.medway,
        involved=[(partnership.prison, officer), (partnership.probation, officer)],
    )


@pytest.fixture
def released(partnership, officer, subject):
    """A 3-year sentence for a violent offence with a registered victim; the plan done and the person released
    a month ago."""
    actor = builders.actor(officer)
    sentence = services.custodial_sentence_record(
        actor=actor,
        person=subject,
        sentence_date=TODAY - timedelta(days=500),
        years=3,
        offence_date=TODAY - timedelta(days=600),
        establishment=partnership.prison,
    )
    builders.offence_code("00800", "Violence", 0.1)
    offence = offences.offence_record(
        actor=builders.actor(),
        person=subject,
        offence_code="00800",
        offence_date=TODAY - timedelta(days=600),
        outcome="conviction",
        outcome_date=TODAY - timedelta(days=500),
        disposal="custody",
        sentence_id=sentence.pk,
    )
    vlo = builders.actor(partnership.user("val.liaison", partnership.probation, role=Role.VICTIM_LIAISON))
    victim = victims.victim_record(actor=vlo, reference="VLU-R1", opted_in=True, wants_to_know=("release",))
    victims.victim_link(actor=vlo, victim=victim, offence=offence)
    sentence.refresh_from_db()
    plan = services.release_plan_start(actor=actor, sentence=sentence)
    for task in plan.tasks.all():
        services.plan_task_update(
            actor=actor,
            task=task,
            status=TaskStatus.NOT_NEEDED if task.kind == "gate_meeting" else TaskStatus.DONE,
            provider="Arranged",
            event_date=TODAY,
        )
    sentence.refresh_from_db()
    services.release_record(
        actor=actor,
        sentence=sentence,
        released_on=TODAY - timedelta(days=30),
        release_type="conditional",
        accommodation="supported",
    )
    sentence.refresh_from_db()
    return sentence


def recall(officer, sentence, kind="FTR_28", returned=TODAY - timedelta(days=3)):
    return services.recall_record(
        actor=builders.actor(officer),
        sentence=sentence,
        kind=kind,
        recalled_on=TODAY - timedelta(days=5),
        returned_to_custody=returned,
    )


def test_a_recall_puts_the_sentence_back_in_custody_with_the_post_recall_date(
    partnership, officer, subject, released
):
    prison = Involvement.objects.filter(person=subject, agency=partnership.prison)
    assert prison.get().end_date == TODAY - timedelta(days=30)  # ended at the release
    made = recall(officer, released)
    # Back in the prison: its involvement starts again on the return to custody, with the same lead worker.
    again = prison.get(end_date__isnull=True)
    assert (again.start_date, again.lead_worker, again.reason) == (
        made.returned_to_custody,
        officer,
        "Recalled to custody",
    )
    booking = selectors.booking_dates(subject.pk, on=TODAY)
    prrd = booking.release
    assert prrd is not None and prrd > TODAY
    released.refresh_from_db()
    assert not released.release_is_actual and released.release_date == prrd
    assert "release_date" in released.calculated_fields
    plan = ReleasePlan.objects.get(sentence=released)
    assert (plan.recall, plan.reopened_on, plan.release_date, plan.release_type) == (
        made,
        TODAY,
        prrd,
        "conditional",
    )
    # The tasks done before the recall are to do again, with what was arranged; those not needed stay so.
    assert plan.tasks.filter(status=TaskStatus.OPEN).count() == plan.tasks_total - 1
    assert plan.tasks.filter(status=TaskStatus.NOT_NEEDED).count() == 1
    assert set(plan.tasks.values_list("provider", flat=True)) == {"Arranged"}
    assert plan.readiness_percent < 100 and plan.accommodation_on_release == ""
    # A fixed-term recall's release is near: short notice, escalated at once (the short-notice task).
    assert plan.short_notice == ((prrd - TODAY).days < settings.DESIST_RELEASE_SHORT_NOTICE_DAYS)
    assert services.escalations_raise(actor=builders.actor(), plan_ids=[plan.pk]) > 0
    assert Escalation.objects.filter(plan=plan, release_date=prrd, status=EscalationStatus.OPEN).exists()
    assert AccessLogEntry.objects.filter(
        object_type="release.releaseplan", summary__startswith="Release plan reopened after the fixed-term"
    ).exists()


def test_a_recall_tells_the_victims_with_the_deadlines(officer, subject, released):
    before = set(VictimNotification.objects.values_list("pk", flat=True))
    made = recall(officer, released)
    released.refresh_from_db()
    prrd = released.release_date
    raised = {n.event_kind: n for n in VictimNotification.objects.exclude(pk__in=before)}
    assert set(raised) == {"recalled", "release_date_set"}
    told = raised["recalled"]
    # The recall has happened: due at once, at short notice (notification_deadline).
    assert (told.event_key, told.event_date, told.deadline, told.short_notice) == (
        f"recall:{made.pk}",
        made.recalled_on,
        TODAY,
        True,
    )
    assert (
        told.summary.startswith("Recalled to custody on")
        and f"post-recall release {prrd:%d %b %Y}" in told.summary
    )
    assert told.get_event_kind_display() == "Recalled to custody"
    release = raised["release_date_set"]
    expected = victim_rules.notification_deadline(
        prrd, on=TODAY, working_days=settings.DESIST_VICTIM_NOTICE_WORKING_DAYS
    )
    assert (release.event_date, release.deadline, release.short_notice) == (
        prrd,
        expected.due,
        expected.short_notice,
    )
    assert release.summary == f"Release date set after a recall: {prrd:%d %b %Y}"
    # The daily catch-up finds nothing more to raise.
    assert victims.notifications_raise(actor=builders.actor()) == 0


def test_the_readiness_view_and_work_queue_show_the_re_release(
    client, officer, subject, released, django_assert_max_num_queries
):
    made = recall(officer, released)
    released.refresh_from_db()
    prrd = released.release_date
    client.force_login(officer)
    client.get("/releases/")
    # The counts are SQLite's exactly; PostgreSQL does one fewer on the readiness view.
    with django_assert_max_num_queries(11 + NAVIGATION_QUERIES):
        page = client.get("/releases/").content.decode()
    assert subject.sort_name in page and f"{prrd:%-d %b %Y}" in page and "After a recall" in page
    plan = ReleasePlan.objects.get(sentence=released)
    # One query more than before the plan listed its sentences (one plan per custodial episode).
    with django_assert_max_num_queries(10 + NAVIGATION_QUERIES):
        page = client.get(f"/releases/plans/{plan.pk}/").content.decode()
    assert 'id="plan-recall"' in page and "fixed-term recall (28 days)" in page
    # 14: one query for the group of meeting actions the queue gained with the meetings app; 17: the plan's
    # actions due an update (strategy), the cases allocated to the user and whether they manage a team
    # (allocation).
    with django_assert_max_num_queries(17 + NAVIGATION_QUERIES):
        page = client.get("/work/").content.decode()
    assert "After a recall" in page and f"{prrd:%-d %b %Y}" in page
    body = client.get("/api/releases").json()
    assert [(r["release_date"], r["recall_id"]) for r in body["results"]] == [(prrd.isoformat(), made.pk)]
    # 16: with the sharing decision (issue 16: sentence and licence shared with the agency?).
    with django_assert_max_num_queries(16 + NAVIGATION_QUERIES):
        page = client.get(f"/people/{subject.pk}/release/").content.decode()
    assert f'id="recalled-{released.pk}"' in page and f"{prrd:%-d %B %Y}" in page
    assert "after the fixed-term recall (28 days) on" in page


def test_the_re_release_is_recorded_and_a_second_release_refused(client, officer, subject, released):
    made = recall(officer, released)
    released.refresh_from_db()
    plan = ReleasePlan.objects.get(sentence=released)
    services.escalations_raise(actor=builders.actor(), plan_ids=[plan.pk])
    client.force_login(officer)
    response = client.post(
        f"/api/releases/sentences/{released.pk}/release",
        {"released_on": TODAY.isoformat(), "accommodation": "supported"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["recall_id"] == made.pk
    release = Release.objects.get(recall=made)
    assert release.recall == made and Release.objects.filter(sentence=released).count() == 2
    released.refresh_from_db()
    plan.refresh_from_db()
    assert released.release_is_actual and released.release_date == TODAY and plan.release_date == TODAY
    assert not Escalation.objects.filter(plan=plan, status=EscalationStatus.OPEN).exists()
    assert AccessLogEntry.objects.filter(
        summary__startswith="Recorded the re-release after the recall"
    ).exists()
    with pytest.raises(services.ReleaseError, match="already been released"):
        services.release_record(
            actor=builders.actor(officer),
            sentence=released,
            released_on=TODAY,
            release_type="conditional",
            accommodation="supported",
        )
    # The release page lists the latest release of the sentence.
    latest = selectors.person_released(subject.pk)
    assert latest[0].release == release
    # Recalled again from the re-release: the same plan reopens for the next.
    again = services.recall_record(
        actor=builders.actor(officer),
        sentence=released,
        kind="FTR_14",
        recalled_on=TODAY,
        returned_to_custody=TODAY,
    )
    plan.refresh_from_db()
    assert plan.recall == again and Recall.objects.filter(sentence=released).count() == 2


def test_a_recall_is_refused_before_the_re_release_and_to_others_than_prison_or_probation(
    client, partnership, officer, subject, released
):
    recall(officer, released)
    released.refresh_from_db()
    with pytest.raises(services.ReleaseError, match="record the release first"):
        recall(officer, released)
    police = partnership.user("pc.plod", partnership.police)
    with pytest.raises(services.ReleaseError, match="prison or probation"):
        services.recall_record(
            actor=builders.actor(police), sentence=released, kind="STANDARD", recalled_on=TODAY
        )
    assert Recall.objects.count() == 1
    client.force_login(police)
    response = client.post(
        f"/api/releases/sentences/{released.pk}/recalls",
        {"kind": "STANDARD", "recalled_on": TODAY.isoformat()},
        content_type="application/json",
    )
    assert response.status_code in (403, 404) and Recall.objects.count() == 1
    assert AccessLogEntry.objects.filter(action="denied", user=police, person_id=subject.pk).exists()
    # Prison staff who may see the person, on the page: the second recall is refused with the reason, nothing
    # saved.
    client.force_login(officer)
    response = client.post(
        f"/releases/sentences/{released.pk}/recalls/",
        {f"recall{released.pk}-kind": "STANDARD", f"recall{released.pk}-recalled_on": TODAY.isoformat()},
        follow=True,
    )
    assert "record the release first" in response.content.decode() and Recall.objects.count() == 1
    assert PlanTask.objects.filter(plan__sentence=released, status=TaskStatus.OPEN).exists()


def test_a_recall_from_the_command_line_says_the_person_is_back_in_custody(officer, subject, released):
    out = StringIO()
    call_command(
        "release",
        "recall",
        "--sentence",
        str(released.pk),
        "--kind",
        "FTR_14",
        "--recalled-on",
        TODAY.isoformat(),
        "--returned",
        TODAY.isoformat(),
        "--user",
        officer.username,
        stdout=out,
    )
    released.refresh_from_db()
    assert (
        f"Back in custody: expected release {released.release_date.isoformat()} (after the recall)"
        in out.getvalue()
    )
    assert ReleasePlan.objects.get(sentence=released).recall == Recall.objects.get()
