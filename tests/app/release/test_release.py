"""Release (issue 6, parts 1 and 2): release dates with short notice, early-release schemes, the release plan
with pathways and tasks, readiness, and escalations raised by the background worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command

from desist.audit.models import AccessLogEntry
from desist.release import services
from desist.release.models import (
    EarlyReleaseScheme,
    Escalation,
    PathwayStatus,
    PlanTask,
    ReleaseDateChange,
    ReleasePlan,
)
from desist.sentences.models import KeyDate
from tests.app import builders
from tests.app.builders import NAVIGATION_QUERIES, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(partnership):
    return {
        "officer": partnership.user("ruth.responsible", partnership.probation),
        "housing": partnership.user("harry.housing", partnership.housing),
        "police": partnership.user("pc.plod", partnership.police),
    }


def prisoner(partnership, team, *, last_name="Gate", release_in=30, length=365):
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
        length_days=length,
        release=TODAY + timedelta(days=release_in),
    )
    sentence.establishment = partnership.prison
    sentence.save(update_fields=["establishment"])
    return subject, sentence


def officer_actor(team):
    return builders.actor(team["officer"])


# --- release dates and short notice -------------------------------------------------------------------


def test_a_release_date_change_is_kept_with_its_notice_and_follows_into_key_dates(partnership, team):
    subject, sentence = prisoner(partnership, team, release_in=60)
    change = services.release_date_record(
        actor=officer_actor(team),
        sentence=sentence,
        release_date=TODAY + timedelta(days=50),
        reason="Recalculated",
    )
    assert (change.change, change.notice_days, change.short_notice) == ("brought_forward", 50, False)
    assert change.changed_by == team["officer"]
    assert KeyDate.objects.filter(sentence=sentence, kind="release", date=TODAY + timedelta(days=50)).exists()
    plan = ReleasePlan.objects.get(sentence=sentence)  # within 12 weeks: the plan starts with the date
    assert plan.release_date == TODAY + timedelta(days=50) and not plan.short_notice
    entry = AccessLogEntry.objects.filter(object_type="release.releasedatechange").get()
    assert (
        entry.person_id == subject.pk
        and entry.action == "alteration"
        and entry.username == "ruth.responsible"
    )


def test_short_notice_is_flagged_and_putting_back_is_not(partnership, team):
    _, sentence = prisoner(partnership, team, release_in=60)
    change = services.release_date_record(
        actor=officer_actor(team), sentence=sentence, release_date=TODAY + timedelta(days=13)
    )
    assert change.short_notice and ReleasePlan.objects.get(sentence=sentence).short_notice
    later = services.release_date_record(
        actor=officer_actor(team), sentence=sentence, release_date=TODAY + timedelta(days=20)
    )
    assert later.change == "put_back" and not later.short_notice
    confirmed = services.release_date_record(
        actor=officer_actor(team), sentence=sentence, release_date=TODAY + timedelta(days=20), confirm=True
    )
    assert confirmed.change == "confirmed" and not confirmed.short_notice  # 20 days' notice: not short


def test_bad_release_dates_are_refused_with_a_reason(partnership, team):
    _, sentence = prisoner(partnership, team)
    with pytest.raises(services.ReleaseError, match="cannot be in the past"):
        services.release_date_record(
            actor=officer_actor(team), sentence=sentence, release_date=TODAY - timedelta(days=1)
        )
    assert not ReleaseDateChange.objects.exists()


# --- the plan -----------------------------------------------------------------------------------------


def test_a_plan_has_seven_pathways_and_the_catalogue_of_tasks_with_owners(partnership, team):
    subject, sentence = prisoner(partnership, team)
    plan = services.release_plan_start(actor=officer_actor(team), sentence=sentence)
    assert PathwayStatus.objects.filter(plan=plan).count() == 7
    tasks = {t.kind: t for t in PlanTask.objects.filter(plan=plan)}
    assert len(tasks) == 11 and plan.tasks_total == 11 and plan.readiness_percent == 0
    assert tasks["accommodation_address"].owner_agency == partnership.housing  # involved with the person
    assert tasks["id_bank_account"].owner_agency == partnership.prison  # the holding prison
    assert tasks["gate_meeting"].owner_agency == partnership.probation
    assert (
        tasks["treatment_continuity"].owner_agency == partnership.treatment
    )  # none involved: one of that kind
    assert tasks["accommodation_address"].due_date == sentence.release_date - timedelta(days=28)
    with pytest.raises(services.ReleaseError, match="already has a plan"):
        services.release_plan_start(actor=officer_actor(team), sentence=sentence)
    assert AccessLogEntry.objects.filter(
        object_type="release.releaseplan", person_id=subject.pk, action="collection"
    ).exists()


def test_tasks_are_done_with_their_details_and_readiness_follows(partnership, team):
    _, sentence = prisoner(partnership, team)
    plan = services.release_plan_start(actor=officer_actor(team), sentence=sentence)
    treatment = plan.tasks.get(kind="treatment_continuity")
    with pytest.raises(services.ReleaseError, match="first dose date"):
        services.plan_task_update(actor=officer_actor(team), task=treatment, status="done")
    services.plan_task_update(
        actor=officer_actor(team),
        task=treatment,
        status="done",
        provider="Forward Trust Medway (methadone 40 ml)",
        event_date=sentence.release_date,
    )
    services.plan_task_update(
        actor=officer_actor(team), task=plan.tasks.get(kind="duty_to_refer"), status="not_needed"
    )
    plan.refresh_from_db()
    assert (plan.tasks_closed, plan.readiness_percent) == (2, 18)
    treatment.refresh_from_db()
    assert treatment.done_on == TODAY
    services.plan_task_update(actor=officer_actor(team), task=treatment, status="open")
    treatment.refresh_from_db()
    assert treatment.done_on is None
    with pytest.raises(services.ReleaseError, match="Cannot change"):
        services.plan_task_update(actor=officer_actor(team), task=treatment, plan=None)
    entry = AccessLogEntry.objects.filter(object_type="release.plantask").latest("id")
    assert entry.detail["before"]["status"] == "done" and entry.detail["after"]["status"] == "open"


def test_pathways_accommodation_and_the_risk_plan(partnership, team):
    _, sentence = prisoner(partnership, team)
    plan = services.release_plan_start(actor=officer_actor(team), sentence=sentence)
    services.pathway_status_set(
        actor=officer_actor(team), plan=plan, pathway="accommodation", status="support_needed"
    )
    assert plan.pathways.get(pathway="accommodation").status == "support_needed"
    with pytest.raises(services.ReleaseError, match="Choose a status"):
        services.pathway_status_set(
            actor=officer_actor(team), plan=plan, pathway="accommodation", status="maybe"
        )
    services.accommodation_on_release_record(actor=officer_actor(team), plan=plan, status="nfa")
    with pytest.raises(services.ReleaseError, match="no fixed abode"):
        services.accommodation_on_release_record(actor=officer_actor(team), plan=plan, status="castle")
    with pytest.raises(services.ReleaseError, match="Only probation"):
        services.risk_plan_approve(actor=builders.actor(team["housing"]), plan=plan)
    services.risk_plan_approve(actor=officer_actor(team), plan=plan)
    plan.refresh_from_db()
    assert plan.accommodation_on_release == "nfa" and plan.risk_plan_approved_on == TODAY


# --- escalations --------------------------------------------------------------------------------------


def test_escalations_at_the_nearest_milestone_once_to_officer_and_owner(partnership, team):
    _, sentence = prisoner(partnership, team, release_in=25)  # inside 4 weeks
    plan = services.release_plan_start(actor=officer_actor(team), sentence=sentence)
    services.plan_task_update(
        actor=officer_actor(team),
        task=plan.tasks.get(kind="gp_registration"),
        status="done",
        provider="Medway Practice",
    )
    assert services.escalations_raise(actor=builders.actor()) == 10
    assert services.escalations_raise(actor=builders.actor()) == 0  # never the same escalation twice
    housing = Escalation.objects.get(task__kind="accommodation_address")
    assert housing.weeks_before == 4 and housing.reason == "milestone"
    assert housing.responsible_officer == team["officer"] and housing.owner_agency == partnership.housing
    assert not Escalation.objects.filter(task__kind="gp_registration").exists()
    # A week later the 1-week milestone has not come yet; at 7 days it has.
    assert services.escalations_raise(actor=builders.actor(), on=TODAY + timedelta(days=7)) == 0
    assert services.escalations_raise(actor=builders.actor(), on=TODAY + timedelta(days=18)) == 10
    # Done tasks close their escalations.
    services.plan_task_update(
        actor=officer_actor(team), task=housing.task, status="done", provider="12 Gate Street"
    )
    assert set(Escalation.objects.filter(task=housing.task).values_list("status", flat=True)) == {"resolved"}


def test_no_escalation_before_twelve_weeks(partnership, team):
    _, sentence = prisoner(partnership, team, release_in=85)
    services.release_plan_start(actor=officer_actor(team), sentence=sentence)
    assert services.escalations_raise(actor=builders.actor()) == 0


@pytest.mark.django_db(transaction=True)
def test_a_short_notice_release_escalates_at_once_through_the_worker(partnership, team):
    _, sentence = prisoner(partnership, team, release_in=70)
    services.release_plan_start(actor=officer_actor(team), sentence=sentence)
    services.release_date_record(
        actor=officer_actor(team), sentence=sentence, release_date=TODAY + timedelta(days=5)
    )
    assert not Escalation.objects.exists()  # queued, not yet run
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    reasons = list(Escalation.objects.values_list("reason", "task__kind"))
    assert ("short_notice", None) in reasons  # the plan itself, to the responsible officer
    assert ("short_notice", "accommodation_address") in reasons
    assert ("milestone", "accommodation_address") in reasons  # and the 1-week point, reached
    count = Escalation.objects.count()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    from desist.release.tasks import escalate_releases

    escalate_releases.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert Escalation.objects.count() == count  # idempotent
    assert Escalation.objects.get(task__isnull=True).responsible_officer == team["officer"]


@pytest.mark.django_db(transaction=True)
def test_the_daily_task_starts_plans_for_releases_due_and_escalates(partnership, team):
    _, sentence = prisoner(partnership, team, release_in=20)
    assert not ReleasePlan.objects.exists()
    from desist.release.tasks import escalate_releases

    escalate_releases.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    plan = ReleasePlan.objects.get(sentence=sentence)
    assert Escalation.objects.filter(plan=plan, weeks_before=4).count() == 11


def test_the_daily_command(partnership, team, capsys):
    prisoner(partnership, team, release_in=6)
    call_command("escalate_releases")
    assert "Started 1 release plans; raised 11 escalations." in capsys.readouterr().out


# --- early release schemes -----------------------------------------------------------------------------


@pytest.fixture
def scheme(db):
    return EarlyReleaseScheme.objects.create(
        name="Partnership early release",
        starts_on=TODAY - timedelta(days=30),
        days_early=20,
        excluded_offence_groups=["sexual", "terrorism"],
        long_sentence_groups=["violence"],
        long_sentence_days=1461,
        plan_required=True,
    )


def test_early_release_page_never_shows_releasable_without_the_plan(client, partnership, team, scheme):
    _, sentence = prisoner(partnership, team, last_name="Waiting")
    client.force_login(team["officer"])
    page = client.get("/releases/early/").content.decode()
    assert "Partnership early release" in page
    waiting = page.split("Eligible but not releasable")[1].split("Not eligible (")[0]
    assert "WAITING" in waiting
    assert "WAITING" not in page.split("Releasable early (")[1].split("Eligible but not")[0]
    plan = (
        ReleasePlan.objects.get(sentence=sentence)
        if ReleasePlan.objects.filter(sentence=sentence).exists()
        else services.release_plan_start(actor=officer_actor(team), sentence=sentence)
    )
    services.risk_plan_approve(actor=officer_actor(team), plan=plan)
    page = client.get("/releases/early/").content.decode()
    assert "WAITING" in page.split("Releasable early (")[1].split("Eligible but not")[0]


def test_early_release_lists_why_not(client, partnership, team, scheme):
    from desist.registers.services import register_add

    subject, _ = prisoner(partnership, team, last_name="Excluded")
    register_add(
        actor=builders.actor(), person=subject, kind="terrorism", start_date=TODAY - timedelta(days=10)
    )
    client.force_login(team["officer"])
    page = client.get("/releases/early/").content.decode()
    assert "excluded offence group: terrorism offence" in page.split("Not eligible (")[1]


# --- pages and access ----------------------------------------------------------------------------------


def test_readiness_page_filters_and_bounds_its_queries(
    client, partnership, team, django_assert_max_num_queries
):
    for n in range(6):
        _, sentence = prisoner(partnership, team, last_name=f"Release{n}", release_in=10 + 7 * n)
        plan = services.release_plan_start(actor=officer_actor(team), sentence=sentence)
        if n == 0:
            services.release_date_record(
                actor=officer_actor(team), sentence=sentence, release_date=TODAY + timedelta(days=3)
            )
        for task in list(plan.tasks.all())[: n * 2]:
            services.plan_task_update(actor=officer_actor(team), task=task, status="not_needed")
    client.force_login(team["officer"])
    with django_assert_max_num_queries(12 + NAVIGATION_QUERIES):
        page = client.get("/releases/").content.decode()
    assert "6 releases" in page and "RELEASE0" in page and "Short notice" in page
    assert "Accommodation found and address confirmed" in page
    page = client.get("/releases/?short_notice=on").content.decode()
    assert "1 release:" in page and "RELEASE1" not in page
    page = client.get("/releases/?weeks=2").content.decode()
    assert "RELEASE0" in page and "RELEASE3" not in page
    page = client.get("/releases/?readiness=not_started").content.decode()
    assert "RELEASE0" in page and "RELEASE1" not in page
    page = client.get(f"/releases/?district={partnership.canterbury.pk}").content.decode()
    assert "0 releases" in page
    page = client.get(f"/releases/?prison={partnership.prison.pk}&weeks=banana").content.decode()
    assert "6 releases" in page  # a bad filter is ignored, not an error
    entry = AccessLogEntry.objects.filter(summary__startswith="Viewed release readiness").latest("id")
    assert entry.action == "consultation" and len(entry.detail["person_ids"]) == 6


def test_other_agencies_get_404_and_a_denied_entry(client, partnership, team):
    subject, sentence = prisoner(partnership, team)
    plan = services.release_plan_start(actor=officer_actor(team), sentence=sentence)
    task = plan.tasks.first()
    client.force_login(team["police"])  # police are not involved with this person
    for response in (
        client.get(f"/releases/plans/{plan.pk}/"),
        client.get(f"/people/{subject.pk}/release/"),
        client.post(f"/releases/tasks/{task.pk}/", {}),
        client.post(f"/releases/sentences/{sentence.pk}/date/", {}),
    ):
        assert response.status_code == 404
    assert AccessLogEntry.objects.filter(action="denied", person_id=subject.pk).count() == 4
    assert "GATE" not in client.get("/releases/").content.decode()


def test_plan_page_updates_pathways_tasks_with_htmx_and_accommodation(
    client, partnership, team, django_assert_max_num_queries
):
    _, sentence = prisoner(partnership, team)
    plan = services.release_plan_start(actor=officer_actor(team), sentence=sentence)
    client.force_login(team["officer"])
    with django_assert_max_num_queries(14):
        page = client.get(f"/releases/plans/{plan.pk}/").content.decode()
    assert "Resettlement pathways" in page and "0% ready" in page
    data = {"form": "pathways", **{p.pathway: "in_progress" for p in plan.pathways.all()}}
    client.post(f"/releases/plans/{plan.pk}/", data)
    assert set(plan.pathways.values_list("status", flat=True)) == {"in_progress"}
    task = plan.tasks.get(kind="gate_meeting")
    prefix = f"task{task.pk}"
    form = {
        f"{prefix}-status": "done",
        f"{prefix}-owner_agency": partnership.probation.pk,
        f"{prefix}-due_date": task.due_date.isoformat(),
        f"{prefix}-provider": "",
        f"{prefix}-event_date": "",
        f"{prefix}-detail": "",
    }
    response = client.post(f"/releases/tasks/{task.pk}/", form, HTTP_HX_REQUEST="true")
    assert "Say who will meet the person at the gate." in response.content.decode()
    form[f"{prefix}-provider"] = "Sam from the Gate Mentors"
    response = client.post(f"/releases/tasks/{task.pk}/", form, HTTP_HX_REQUEST="true").content.decode()
    assert "Saved." in response and 'id="plan-readiness"' in response and "9% ready" in response
    form[f"{prefix}-due_date"] = "31/02/2025"
    response = client.post(f"/releases/tasks/{task.pk}/", form).content.decode()
    assert client.get(f"/releases/plans/{plan.pk}/").status_code == 200
    client.post(
        f"/releases/plans/{plan.pk}/", {"form": "accommodation", "accommodation_on_release": "settled"}
    )
    plan.refresh_from_db()
    assert plan.accommodation_on_release == "settled"


def test_person_release_section_shows_dates_working_and_hdc(client, partnership, team, scheme):
    subject, sentence = prisoner(partnership, team)
    client.force_login(team["officer"])
    record = client.get(f"/people/{subject.pk}/sentences/").content.decode()
    assert f"/people/{subject.pk}/release/?fragment=1" in record
    page = client.get(f"/people/{subject.pk}/release/?fragment=1").content.decode()
    assert "Home Detention Curfew" in page and "Eligible from" in page
    assert "How these dates are worked out" in page and "Partnership early release" in page
    assert "Start the release plan" in page
    client.post(f"/releases/sentences/{sentence.pk}/plan/")
    response = client.post(
        f"/releases/sentences/{sentence.pk}/date/",
        {"release_date": (TODAY + timedelta(days=4)).isoformat(), "release_type": "conditional"},
        follow=True,
    )
    assert "This is short notice" in response.content.decode()
    response = client.post(
        f"/releases/sentences/{sentence.pk}/date/", {"release_date": "not a date"}, follow=True
    )
    assert "Enter the release date as a real date." in response.content.decode()


def test_escalations_page_lists_and_resolves(client, partnership, team):
    _, sentence = prisoner(partnership, team, release_in=5)
    services.release_plan_start(actor=officer_actor(team), sentence=sentence)
    services.escalations_raise(actor=builders.actor())
    client.force_login(team["housing"])
    page = client.get("/releases/escalations/").content.decode()
    assert "Accommodation found and address confirmed" in page and "GP registration" not in page
    escalation = Escalation.objects.get(task__kind="accommodation_address")
    client.post(f"/releases/escalations/{escalation.pk}/resolve/")
    escalation.refresh_from_db()
    assert escalation.status == "resolved" and escalation.resolved_by == team["housing"]
    client.force_login(team["officer"])
    page = client.get("/releases/escalations/?mine=1").content.decode()
    assert "GP registration" in page  # the responsible officer sees every escalation of their cases


# --- the API -------------------------------------------------------------------------------------------


def test_api_lists_releases_and_updates_a_plan(client, partnership, team, django_assert_max_num_queries):
    _, sentence = prisoner(partnership, team, release_in=30)
    plan = services.release_plan_start(actor=officer_actor(team), sentence=sentence)
    client.force_login(team["officer"])
    with django_assert_max_num_queries(10):
        body = client.get("/api/releases?weeks=12").json()
    assert body["count"] == 1 and body["results"][0]["readiness"] == "not_started"
    assert "Accommodation found and address confirmed" in body["results"][0]["missing"]
    detail = client.get(f"/api/releases/plans/{plan.pk}").json()
    assert len(detail["pathways"]) == 7 and len(detail["tasks"]) == 11
    task = plan.tasks.get(kind="treatment_continuity")
    response = client.post(
        f"/api/releases/plans/{plan.pk}/tasks/{task.pk}", {"status": "done"}, content_type="application/json"
    )
    assert response.status_code == 422 and "first dose date" in response.json()["detail"][0]["msg"]
    response = client.post(
        f"/api/releases/plans/{plan.pk}/tasks/{task.pk}",
        {"status": "done", "provider": "Forward Trust", "event_date": str(sentence.release_date)},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "done"
    response = client.post(
        f"/api/releases/plans/{plan.pk}/tasks/{task.pk}",
        {"due_date": "2025-02-31"},
        content_type="application/json",
    )
    assert response.status_code == 422
    response = client.post(
        f"/api/releases/plans/{plan.pk}/pathways/drugs_alcohol",
        {"status": "done"},
        content_type="application/json",
    )
    assert response.json()["status"] == "done"
    response = client.post(
        f"/api/releases/sentences/{sentence.pk}/release-date",
        {"release_date": str(TODAY + timedelta(days=10))},
        content_type="application/json",
    )
    assert response.json()["short_notice"] is True and response.json()["plan_id"] == plan.pk
    client.force_login(team["police"])
    assert client.get(f"/api/releases/plans/{plan.pk}").status_code == 404
    assert client.get("/api/releases").json()["count"] == 0
