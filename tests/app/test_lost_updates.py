"""Lost updates and repeated requests (issue 10, items 12 and 13): every edit carries the version it read and
a stale write is refused with a clear message (pages) or 409 (API); API writes with an Idempotency-Key are
done once; a unique rule broken by a concurrent write is a 409, not a 500; saving an unchanged release date
records nothing."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client

from desist.api.models import IdempotentRequest
from desist.audit.models import AccessLogEntry
from desist.offences import services as offences
from desist.release import services as release
from desist.release.models import PlanTask, ReleaseDateChange, ReleasePlan
from desist.versioning import STALE_MESSAGE, StaleEdit
from desist.victims import services as victims
from desist.victims.models import Victim
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL concurrency")


# The staff the shared `team` fixture (tests/app/conftest.py) makes for these tests.
TEAM = ("officer", "colleague", "vlo", "other_vlo")


def prisoner(partnership, team, *, release_in=60):
    subject = builders.person(
        last_name="Gate",
        district=partnership.medway,
        involved=[(partnership.probation, team["officer"]), (partnership.prison, None)],
    )
    sentence = builders.custody(
        subject,
        sentence_date=TODAY - timedelta(days=150),
        length_days=365,
        release=TODAY + timedelta(days=release_in),
    )
    return subject, sentence


def linked_victim(partnership, team, reference):
    """A victim linked to an offence of someone both liaison officers' agency works with."""
    subject, sentence = prisoner(partnership, team)
    builders.offence_code("00800", "Violence", 0.1)
    offence = offences.offence_record(
        actor=builders.actor(),
        person=subject,
        offence_code="00800",
        offence_date=TODAY - timedelta(days=260),
        outcome="conviction",
        outcome_date=TODAY - timedelta(days=200),
        disposal="custody",
        sentence_id=sentence.pk,
    )
    vlo = builders.actor(team["vlo"])
    victim = victims.victim_record(actor=vlo, reference=reference)
    victims.victim_link(actor=vlo, victim=victim, offence=offence)
    return victim, offence


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


# --- victims: two officers on one record ----------------------------------------------------------------


NEW = {"opted_in": False, "contact_preference": "letter"}
CHANGE = {"name": "", "contact_preference": "letter", "opted_in": "yes", "wants_to_know": ["release"]}


def test_two_officers_changing_one_victim_the_second_is_refused_and_keeps_what_they_entered(
    partnership, team
):
    victim, _ = linked_victim(partnership, team, "VLU-7")
    first, second = signed_in(team["vlo"]), signed_in(team["other_vlo"])
    url = f"/victims/records/{victim.pk}/change/"
    read_by_first = first.get(url).context["form"]["version"].value()
    read_by_second = second.get(url).context["form"]["version"].value()
    assert read_by_first == read_by_second == 1

    saved = first.post(url, {**CHANGE, "contact_preference": "phone", "version": read_by_first})
    assert saved.status_code == 302
    refused = second.post(
        url, {**CHANGE, "contact_preference": "email", "name": "Sam", "version": read_by_second}
    )
    page = refused.content.decode()
    assert refused.status_code == 200
    assert STALE_MESSAGE in page and "govuk-error-summary" in page
    assert "<title>Error: " in page
    victim.refresh_from_db()
    assert (victim.contact_preference, victim.name) == ("phone", "")  # the first officer's change stands
    # What the second officer entered is still in the form, with the current details beside it.
    assert 'value="Sam"' in page and 'id="current-details"' in page and "Telephone" in page
    form = refused.context["form"]
    assert form["contact_preference"].value() == "email" and form["version"].value() == "2"
    # Having reviewed the current details, sending the form again saves it.
    again = second.post(url, {**CHANGE, "contact_preference": "email", "name": "Sam", "version": "2"})
    assert again.status_code == 302
    victim.refresh_from_db()
    assert (victim.contact_preference, victim.name, victim.version) == ("email", "Sam", 3)


def test_a_stale_victim_change_through_the_service_saves_nothing_and_logs_nothing(partnership, team):
    vlo = builders.actor(team["vlo"])
    victim = victims.victim_record(actor=vlo, reference="VLU-8")
    victims.victim_update(actor=vlo, victim=Victim.objects.get(pk=victim.pk), version=1, name="A")
    with pytest.raises(StaleEdit):
        victims.victim_update(actor=vlo, victim=Victim.objects.get(pk=victim.pk), version=1, name="B")
    assert Victim.objects.get(pk=victim.pk).name == "A"
    assert AccessLogEntry.objects.filter(action="alteration", object_id=str(victim.pk)).count() == 1


def test_the_api_changes_a_victim_from_the_version_read_and_answers_409_when_stale(partnership, team):
    client = signed_in(team["vlo"])
    made = client.post("/api/victims", {**NEW, "reference": "VLU-9"}, content_type="application/json").json()
    assert made["version"] == 1
    changed = client.patch(
        f"/api/victims/{made['id']}",
        {"version": 1, "contact_preference": "phone"},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = client.patch(
        f"/api/victims/{made['id']}",
        {"version": 1, "contact_preference": "email"},
        content_type="application/json",
    )
    assert stale.status_code == 409 and stale.json()["detail"] == STALE_MESSAGE
    assert Victim.objects.get(pk=made["id"]).contact_preference == "phone"


# --- release: dates, tasks and plans ---------------------------------------------------------------------


def test_saving_an_unchanged_release_date_records_nothing_and_says_so(partnership, team):
    subject, sentence = prisoner(partnership, team)
    client = signed_in(team["officer"])
    page = client.get(f"/people/{subject.pk}/release/")
    assert "Save release date" in page.content.decode() and "Confirm release date" in page.content.decode()
    alterations = AccessLogEntry.objects.filter(action="alteration").count()
    data = {"release_date": sentence.release_date.isoformat(), "release_type": "conditional", "version": "1"}
    response = client.post(f"/releases/sentences/{sentence.pk}/date/", data, follow=True)
    assert "Nothing changed" in response.content.decode()
    assert not ReleaseDateChange.objects.exists()
    assert AccessLogEntry.objects.filter(action="alteration").count() == alterations
    # Confirming is its own button, and a double click on it confirms once.
    client.post(f"/releases/sentences/{sentence.pk}/date/", {**data, "confirm": "on"})
    client.post(f"/releases/sentences/{sentence.pk}/date/", {**data, "confirm": "on"})
    assert list(ReleaseDateChange.objects.values_list("change", flat=True)) == ["confirmed"]


def test_a_double_submitted_release_date_change_is_recorded_once(partnership, team):
    _, sentence = prisoner(partnership, team)
    client = signed_in(team["officer"])
    data = {"release_date": (TODAY + timedelta(days=40)).isoformat(), "release_type": "conditional"}
    for _ in range(2):
        client.post(f"/releases/sentences/{sentence.pk}/date/", data)
    assert list(ReleaseDateChange.objects.values_list("change", flat=True)) == ["brought_forward"]
    # The same through the API: the repeat answers 200 with recorded false.
    api = [
        client.post(
            f"/api/releases/sentences/{sentence.pk}/release-date", data, content_type="application/json"
        ).json()
        for _ in range(2)
    ]
    assert [a["recorded"] for a in api] == [False, False] and ReleaseDateChange.objects.count() == 1


def test_a_release_date_changed_by_someone_else_meanwhile_is_refused(partnership, team):
    _, sentence = prisoner(partnership, team)
    first, second = signed_in(team["officer"]), signed_in(team["colleague"])
    read = str(sentence.version)
    first.post(
        f"/releases/sentences/{sentence.pk}/date/",
        {
            "release_date": (TODAY + timedelta(days=40)).isoformat(),
            "release_type": "conditional",
            "version": read,
        },
    )
    page = first.post(
        f"/releases/sentences/{sentence.pk}/date/",
        {
            "release_date": (TODAY + timedelta(days=45)).isoformat(),
            "release_type": "conditional",
            "version": read,
        },
    )
    body = page.content.decode()
    assert page.status_code == 200 and STALE_MESSAGE in body and "<title>Error: " in body
    assert (TODAY + timedelta(days=45)).isoformat() in body  # what they typed is kept
    sentence.refresh_from_db()
    assert sentence.release_date == TODAY + timedelta(days=40)
    api = second.post(
        f"/api/releases/sentences/{sentence.pk}/release-date",
        {"release_date": (TODAY + timedelta(days=50)).isoformat(), "version": int(read)},
        content_type="application/json",
    )
    assert api.status_code == 409 and api.json()["detail"] == STALE_MESSAGE


def test_a_task_saved_by_someone_else_first_is_not_overwritten(partnership, team):
    _, sentence = prisoner(partnership, team, release_in=30)
    plan = release.release_plan_start(actor=builders.actor(team["officer"]), sentence=sentence)
    task = plan.tasks.get(kind="duty_to_refer")
    client = signed_in(team["officer"])
    form = {
        f"task{task.pk}-status": "not_needed",
        f"task{task.pk}-due_date": task.due_date.isoformat(),
        f"task{task.pk}-version": str(task.version),
    }
    assert client.post(f"/releases/tasks/{task.pk}/", form, HTTP_HX_REQUEST="true").status_code == 200
    stale = client.post(
        f"/releases/tasks/{task.pk}/", {**form, f"task{task.pk}-status": "done"}, HTTP_HX_REQUEST="true"
    )
    body = stale.content.decode()
    assert STALE_MESSAGE in body and "govuk-error-summary" in body
    assert PlanTask.objects.get(pk=task.pk).status == "not_needed"
    api = client.post(
        f"/api/releases/plans/{plan.pk}/tasks/{task.pk}",
        {"status": "open", "version": 1},
        content_type="application/json",
    )
    assert api.status_code == 409
    current = client.get(f"/api/releases/plans/{plan.pk}").json()
    version = next(t["version"] for t in current["tasks"] if t["id"] == task.pk)
    assert (
        client.post(
            f"/api/releases/plans/{plan.pk}/tasks/{task.pk}",
            {"status": "open", "version": version},
            content_type="application/json",
        ).status_code
        == 200
    )


def test_plan_forms_carry_the_plans_version(partnership, team):
    _, sentence = prisoner(partnership, team, release_in=30)
    plan = release.release_plan_start(actor=builders.actor(team["officer"]), sentence=sentence)
    client = signed_in(team["officer"])
    url = f"/releases/plans/{plan.pk}/"
    assert (
        client.post(
            url, {"form": "accommodation", "accommodation_on_release": "settled", "version": "1"}
        ).status_code
        == 302
    )
    page = client.post(
        url, {"form": "accommodation", "accommodation_on_release": "unsettled", "version": "1"}
    )
    assert page.status_code == 200 and STALE_MESSAGE in page.content.decode()
    assert ReleasePlan.objects.get(pk=plan.pk).accommodation_on_release == "settled"
    kept = page.context["accommodation_form"]
    assert kept["accommodation_on_release"].value() == "unsettled" and kept["version"].value() == "2"
    assert (
        client.post(
            url, {"form": "accommodation", "accommodation_on_release": "unsettled", "version": "2"}
        ).status_code
        == 302
    )


# --- idempotency ----------------------------------------------------------------------------------------


def test_an_api_write_sent_twice_with_one_idempotency_key_is_done_once(partnership, team):
    client = signed_in(team["vlo"])
    body = {"reference": "VLU-21", "contact_preference": "phone", "opted_in": False}
    first = client.post("/api/victims", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/victims", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Victim.objects.filter(reference="VLU-21").count() == 1
    assert AccessLogEntry.objects.filter(summary__startswith="Replayed the kept answer").count() == 1
    # The same key with another body is refused; without a key the second write is done (and refused: taken).
    other = client.post(
        "/api/victims",
        {**body, "reference": "VLU-22"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert other.status_code == 422 and not Victim.objects.filter(reference="VLU-22").exists()
    assert client.post("/api/victims", body, content_type="application/json").status_code == 409
    # Keys are per user: another officer's k-1 is their own.
    theirs = signed_in(team["other_vlo"]).post(
        "/api/victims",
        {**NEW, "reference": "VLU-23"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert theirs.status_code == 201


def test_kept_answers_expire_and_bad_keys_are_refused(partnership, team, settings):
    client = signed_in(team["vlo"])
    assert (
        client.post(
            "/api/victims",
            {**NEW, "reference": "VLU-31"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="x" * 256,
        ).status_code
        == 400
    )
    client.post(
        "/api/victims",
        {**NEW, "reference": "VLU-31"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="e",
    )
    IdempotentRequest.objects.update(
        created_at=IdempotentRequest.objects.get().created_at
        - timedelta(hours=settings.DESIST_IDEMPOTENCY_HOURS + 1)
    )
    # Past its time the key is forgotten: the request is done again (and refused: the reference is taken).
    assert (
        client.post(
            "/api/victims",
            {**NEW, "reference": "VLU-31"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="e",
        ).status_code
        == 409
    )


# --- conflicts from the database -------------------------------------------------------------------------


def test_a_reference_taken_meanwhile_is_a_form_error_not_a_crash(partnership, team):
    client = signed_in(team["vlo"])
    victims.victim_record(actor=builders.actor(team["other_vlo"]), reference="VLU-41")
    page = client.post(
        "/victims/records/new/",
        {"reference": "VLU-41", "name": "", "contact_preference": "letter", "opted_in": "no"},
    )
    assert page.status_code == 200 and "already recorded" in page.content.decode()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_of_one_reference_give_one_victim_and_one_409(partnership, team):
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def post() -> None:
        try:
            client = signed_in(team["vlo"])
            barrier.wait()
            statuses.append(
                client.post(
                    "/api/victims", {**NEW, "reference": "VLU-51"}, content_type="application/json"
                ).status_code
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 409]
    assert Victim.objects.filter(reference="VLU-51").count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_changes_from_one_version_one_wins(partnership, team):
    victim = victims.victim_record(actor=builders.actor(team["vlo"]), reference="VLU-61")
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def patch(preference: str) -> None:
        try:
            client = signed_in(team["vlo"])
            barrier.wait()
            statuses.append(
                client.patch(
                    f"/api/victims/{victim.pk}",
                    {"version": 1, "contact_preference": preference},
                    content_type="application/json",
                ).status_code
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=patch, args=(p,)) for p in ("phone", "email")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409]
    assert Victim.objects.get(pk=victim.pk).version == 2


def test_linking_an_offence_twice_is_one_link(partnership, team):
    victim, offence = linked_victim(partnership, team, "VLU-71")
    victims.victim_link(actor=builders.actor(team["vlo"]), victim=victim, offence=offence)
    assert victim.links.count() == 1


# --- referrals, IOM decisions and bookings: the same lock, and their errors in the summary ------------------


def test_a_referral_step_from_a_page_someone_else_moved_on_is_refused(partnership, team):
    from desist.referrals import services as referrals
    from desist.referrals.models import Referral, Service

    worker = partnership.user("tina.treatment", partnership.treatment)
    subject, _ = prisoner(partnership, team)
    service = Service.objects.create(
        name="Mental health treatment requirement",
        provider=partnership.treatment,
        pathway="health",
        capacity=2,
        response_days=5,
    )
    referral = referrals.referral_make(actor=builders.actor(team["officer"]), person=subject, service=service)
    first, second = signed_in(worker), signed_in(worker)
    assert first.post(f"/referrals/{referral.pk}/accept/", {"version": "1"}).status_code == 302
    page = second.post(f"/referrals/{referral.pk}/decline/", {"version": "1", "reason": "Full"})
    body = page.content.decode()
    assert page.status_code == 200 and "<title>Error: " in body and "govuk-error-summary" in body
    assert "cannot be declined" in body or STALE_MESSAGE in body
    assert Referral.objects.get(pk=referral.pk).status == "waiting"
    api = second.post(f"/api/referrals/{referral.pk}/start", {"version": 1}, content_type="application/json")
    assert api.status_code == 409 and api.json()["detail"] == STALE_MESSAGE
    missing = second.post(f"/referrals/{referral.pk}/end/", {"version": "3"})
    assert (
        "Choose the outcome." in missing.content.decode()
        and 'class="govuk-error-message"' in missing.content.decode()
    )


def test_a_panel_decision_from_a_page_someone_else_changed_is_refused(partnership, team):
    from desist.iom.models import CohortMembership
    from desist.iom.services import cohort_propose

    coordinator = partnership.user("cora.coordinator", partnership.probation, role="coordinator")
    subject, _ = prisoner(partnership, team)
    membership = cohort_propose(actor=builders.actor(coordinator), person=subject)
    client = signed_in(coordinator)
    url = f"/iom/decisions/{membership.pk}/"
    assert (
        client.post(url, {"decision": "decline", "reason": "Not this time", "version": "1"}).status_code
        == 302
    )
    page = client.post(url, {"decision": "decline", "reason": "Again", "version": "1"})
    body = page.content.decode()
    assert "<title>Error: " in body and "govuk-error-summary" in body
    assert CohortMembership.objects.get(pk=membership.pk).reason == "Not this time"


def test_a_booking_step_from_a_page_someone_else_moved_on_is_refused(partnership, team):
    from desist.premises.models import BedSpace, Booking, Premises
    from desist.premises.services import booking_make

    hostel = Premises.objects.create(name="Medway Road Hostel", kind="hostel", provider=partnership.housing)
    bed = BedSpace.objects.create(premises=hostel, name="Room 1")
    subject, _ = prisoner(partnership, team)
    booking = booking_make(
        actor=builders.actor(team["officer"]),
        person=subject,
        bed=bed,
        expected_arrival=TODAY,
        expected_departure=TODAY + timedelta(days=30),
    )
    client = signed_in(team["officer"])
    assert client.post(f"/bookings/{booking.pk}/cancel/", {"version": "1"}).status_code == 302
    page = client.post(f"/bookings/{booking.pk}/arrive/", {"version": "1"})
    body = page.content.decode()
    assert page.status_code == 200 and "<title>Error: " in body and "govuk-error-summary" in body
    assert Booking.objects.get(pk=booking.pk).status == "cancelled"
    empty = client.post(f"/people/{subject.pk}/accommodation/book/", {})
    text = empty.content.decode()
    assert "<title>Error: " in text and "Enter the expected arrival date." in text
    assert 'href="#id_expected_arrival"' in text


def test_a_notification_completed_by_two_officers_at_once_is_closed_once(partnership, team):
    from desist.victims.models import VictimNotification

    subject = builders.person(last_name="Harmer", involved=[(partnership.probation, team["officer"])])
    sentence = builders.custody(
        subject,
        sentence_date=TODAY - timedelta(days=200),
        length_days=730,
        release=TODAY + timedelta(days=60),
    )
    builders.offence_code("00800", "Violence", 0.1)
    offence = offences.offence_record(
        actor=builders.actor(),
        person=subject,
        offence_code="00800",
        offence_date=TODAY - timedelta(days=260),
        outcome="conviction",
        outcome_date=TODAY - timedelta(days=200),
        disposal="custody",
        sentence_id=sentence.pk,
    )
    vlo = builders.actor(team["vlo"])
    victim = victims.victim_record(actor=vlo, reference="VLU-81", opted_in=True, wants_to_know=["release"])
    victims.victim_link(actor=vlo, victim=victim, offence=offence)
    first, second = (VictimNotification.objects.get(victim=victim) for _ in range(2))
    victims.notification_complete(actor=vlo, notification=first, outcome="told")
    with pytest.raises(victims.VictimError, match="already complete"):
        victims.notification_complete(
            actor=builders.actor(team["other_vlo"]), notification=second, outcome="declined"
        )
    assert VictimNotification.objects.get(victim=victim).outcome == "told"


def test_proposing_one_person_twice_opens_the_decision_already_made(partnership, team):
    from desist.iom.models import CohortMembership

    coordinator = partnership.user("cora.coordinator", partnership.probation, role="coordinator")
    subject, _ = prisoner(partnership, team)
    client = signed_in(coordinator)
    first = client.post(f"/iom/candidates/{subject.pk}/propose/")
    second = client.post(f"/iom/candidates/{subject.pk}/propose/")
    membership = CohortMembership.objects.get(person=subject)
    assert first.url == second.url == f"/iom/decisions/{membership.pk}/"


def test_the_command_line_records_an_unchanged_date_only_with_confirm(partnership, team):
    import io

    from django.core.management import call_command

    _, sentence = prisoner(partnership, team)
    args = [
        "release",
        "date",
        "--sentence",
        str(sentence.pk),
        "--date",
        sentence.release_date.isoformat(),
        "--user",
        "ruth.responsible",
    ]
    out = io.StringIO()
    call_command(*args, stdout=out)
    assert "Nothing changed" in out.getvalue() and "--confirm" in out.getvalue()
    assert not ReleaseDateChange.objects.exists()
    call_command(*args, "--confirm", stdout=io.StringIO())
    assert list(ReleaseDateChange.objects.values_list("change", flat=True)) == ["confirmed"]
