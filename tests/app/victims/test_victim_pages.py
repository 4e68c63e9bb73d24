"""The victim liaison pages (issue 6, part 5): the victims list, recording and changing a victim, a victim's
page with eligibility and notifications, linking to an offence, and the Victims section of a person's record.
For the victim liaison role only: everyone else gets 404, logged as denied, and sees no victim data
anywhere."""

from __future__ import annotations

from datetime import timedelta

import pytest

from desist.audit.models import AccessLogEntry
from desist.offences import services as offences
from desist.victims import services
from desist.victims.models import Victim, VictimLink, VictimNotification
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db


# The staff the shared `team` fixture (tests/app/conftest.py) makes for these tests.
TEAM = ("officer", "vlo", "housing_vlo")


def perpetrator(
    partnership,
    team,
    *,
    last_name="Harmer",
    category="Violence",
    code="00800",
    length=730,
    domestic_abuse=False,
):
    subject = builders.person(
        first_name="Dale",
        last_name=last_name,
        district=partnership.medway,
        involved=[(partnership.probation, team["officer"]), (partnership.prison, None)],
    )
    sentence = builders.custody(
        subject,
        sentence_date=TODAY - timedelta(days=200),
        length_days=length,
        release=TODAY + timedelta(days=60),
    )
    builders.offence_code(code, category, 0.1)
    offence = offences.offence_record(
        actor=builders.actor(),
        person=subject,
        offence_code=code,
        offence_date=TODAY - timedelta(days=260),
        outcome="conviction",
        outcome_date=TODAY - timedelta(days=200),
        disposal="custody",
        domestic_abuse=domestic_abuse,
        sentence_id=sentence.pk,
    )
    return subject, offence


def victim(team, offence=None, *, reference="VLU-1", opted_in=True, wants=("release", "licence_conditions")):
    vlo = builders.actor(team["vlo"])
    recorded = services.victim_record(actor=vlo, reference=reference, opted_in=opted_in, wants_to_know=wants)
    if offence is not None:
        services.victim_link(actor=vlo, victim=recorded, offence=offence)
    return recorded


VALID = {
    "reference": "VLU-2024-0173",
    "name": "",
    "contact_preference": "phone",
    "opted_in": "yes",
    "wants_to_know": ["release", "licence_conditions"],
}


def denied(user, person_id=None):
    entries = AccessLogEntry.objects.filter(action="denied", user=user)
    return entries.filter(person_id=person_id).count() if person_id else entries.count()


# --- who sees the pages --------------------------------------------------------------------------------


def test_everyone_but_the_victim_liaison_role_gets_404_logged_as_denied(partnership, team, client):
    subject, offence = perpetrator(partnership, team)
    recorded = victim(team, offence)
    client.force_login(team["officer"])
    for url in (
        "/victims/records/",
        "/victims/records/new/",
        f"/victims/records/{recorded.pk}/",
        f"/victims/records/{recorded.pk}/change/",
        f"/victims/records/{recorded.pk}/link/",
        f"/victims/people/{subject.pk}/",
        f"/victims/people/{subject.pk}/link/",
    ):
        before = denied(team["officer"])
        assert client.get(url).status_code == 404, url
        assert denied(team["officer"]) == before + 1, url
    assert client.post("/victims/records/new/", VALID).status_code == 404
    assert (
        client.post(
            f"/victims/people/{subject.pk}/link/", {"reference": "VLU-1", "offence": offence.pk}
        ).status_code
        == 404
    )
    assert denied(team["officer"], subject.pk) >= 2
    assert Victim.objects.count() == 1


def test_a_victim_liaison_officer_of_an_agency_not_involved_sees_nothing(partnership, team, client):
    subject, offence = perpetrator(partnership, team)
    recorded = victim(team, offence)
    client.force_login(team["housing_vlo"])
    assert b"VLU-1" not in client.get("/victims/records/").content
    assert client.get(f"/victims/records/{recorded.pk}/").status_code == 404
    assert client.get(f"/victims/people/{subject.pk}/").status_code == 404
    assert denied(team["housing_vlo"], subject.pk) == 1


# --- the list ------------------------------------------------------------------------------------------


def test_the_list_shows_links_choices_and_outstanding_searched_by_reference(
    partnership, team, client, django_assert_max_num_queries
):
    _, offence = perpetrator(partnership, team)
    victim(team, offence, reference="VLU-1")
    victim(team, reference="VLU-2", opted_in=False, wants=())
    client.force_login(team["vlo"])
    with django_assert_max_num_queries(12):
        page = client.get("/victims/records/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "VLU-1" in text and "VLU-2" in text and "HARMER, Dale" in text and "Not linked yet" in text
    assert "Not opted in" in text and "Release dates, early release" in text
    assert {v.reference: v.outstanding for v in page.context["page"]} == {"VLU-1": 1, "VLU-2": 0}
    entry = AccessLogEntry.objects.filter(user=team["vlo"], action="consultation").latest("id")
    assert entry.detail["person_ids"] == [offence.person_id]
    found = client.get("/victims/records/", {"reference": "vlu-2"})
    assert [v.reference for v in found.context["page"]] == ["VLU-2"]
    assert "No victim has a reference like" in client.get("/victims/records/?reference=ZZZ").content.decode()


def test_the_list_queries_do_not_grow_with_victims(partnership, team, client, django_assert_max_num_queries):
    for n in range(6):
        _, offence = perpetrator(partnership, team, last_name=f"Perp{n}")
        victim(team, offence, reference=f"VLU-{n}")
    client.force_login(team["vlo"])
    with django_assert_max_num_queries(12):
        page = client.get("/victims/records/")
    assert len(page.context["page"]) == 6


# --- recording and changing ----------------------------------------------------------------------------


def test_recording_a_victim_then_linking(partnership, team, client):
    client.force_login(team["vlo"])
    assert client.get("/victims/records/new/").status_code == 200
    response = client.post("/victims/records/new/", VALID)
    recorded = Victim.objects.get()
    assert response.status_code == 302 and response.url == f"/victims/records/{recorded.pk}/link/"
    assert (recorded.contact_preference, recorded.opted_in, recorded.liaison_officer) == (
        "phone",
        True,
        team["vlo"],
    )
    assert recorded.wants_to_know == ["licence_conditions", "release"]
    assert AccessLogEntry.objects.filter(
        action="collection", summary="Recorded victim VLU-2024-0173"
    ).exists()


def test_recording_from_a_person_comes_back_to_their_offences(partnership, team, client):
    subject, _ = perpetrator(partnership, team)
    client.force_login(team["vlo"])
    response = client.post("/victims/records/new/", VALID | {"person": subject.pk})
    assert response.url.endswith(f"/link/?person={subject.pk}")


def test_recording_says_what_is_wrong(partnership, team, client):
    client.force_login(team["vlo"])
    page = client.post("/victims/records/new/", {"reference": "  "})
    text = page.content.decode()
    assert page.status_code == 200 and "There is a problem" in text
    assert "Enter the victim liaison unit&#x27;s reference." in text
    assert "Choose how the victim wants to be contacted." in text
    assert "Say whether the victim has opted in to the Victim Contact Scheme." in text
    assert (
        'href="#id_reference"' in text and text.startswith("<!") and "<title>Error:" in text.replace("\n", "")
    )
    page = client.post("/victims/records/new/", VALID | {"wants_to_know": []})
    assert "Choose what the victim wants to be told, or answer no to opting in." in page.content.decode()
    page = client.post("/victims/records/new/", VALID | {"wants_to_know": ["everything"]})
    assert "Choose only from the list" in page.content.decode()
    client.post("/victims/records/new/", VALID)
    page = client.post("/victims/records/new/", VALID)
    assert "A victim with reference VLU-2024-0173 is already recorded." in page.content.decode()
    assert Victim.objects.count() == 1


def test_changing_a_victims_choices_goes_through_the_service(partnership, team, client):
    _, offence = perpetrator(partnership, team)
    recorded = victim(team, offence, opted_in=False, wants=())
    assert not VictimNotification.objects.exists()
    client.force_login(team["vlo"])
    page = client.get(f"/victims/records/{recorded.pk}/change/")
    assert page.status_code == 200 and "reference" not in page.context["form"].fields
    response = client.post(
        f"/victims/records/{recorded.pk}/change/",
        {"contact_preference": "letter", "opted_in": "yes", "wants_to_know": ["release"]},
    )
    assert response.status_code == 302
    recorded.refresh_from_db()
    assert recorded.opted_in and recorded.wants_to_know == ["release"]
    entry = AccessLogEntry.objects.filter(action="alteration", object_id=str(recorded.pk)).get()
    assert entry.detail["after"] == {"opted_in": True, "wants_to_know": ["release"]}
    # Opting in raises what is already due: the release.
    assert VictimNotification.objects.filter(victim=recorded).count() == 1
    page = client.post(f"/victims/records/{recorded.pk}/change/", {"contact_preference": "letter"})
    assert "Say whether the victim has opted in" in page.content.decode()


# --- a victim's page -----------------------------------------------------------------------------------


def test_a_victims_page_shows_eligibility_and_notifications(
    partnership, team, client, django_assert_max_num_queries
):
    subject, offence = perpetrator(partnership, team)
    _, short = perpetrator(partnership, team, last_name="Short", length=200)
    recorded = victim(team, offence)
    services.victim_link(actor=builders.actor(team["vlo"]), victim=recorded, offence=short)
    done = VictimNotification.objects.get()
    services.notification_complete(
        actor=builders.actor(team["vlo"]), notification=done, outcome="told", note="Phoned her"
    )
    client.force_login(team["vlo"])
    with django_assert_max_num_queries(14):
        page = client.get(f"/victims/records/{recorded.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Eligible" in text and "Not eligible" in text and "under 365" in text
    assert "Victim told" in text and "Phoned her" in text and f"/victims/notifications/{done.pk}/" in text
    assert page.context["completed"] == [done] and page.context["outstanding"] == []
    entry = AccessLogEntry.objects.filter(user=team["vlo"], action="consultation").latest("id")
    assert sorted(entry.detail["person_ids"]) == sorted([subject.pk, short.person_id])


# --- linking -------------------------------------------------------------------------------------------


def test_linking_finds_the_person_chooses_an_offence_and_raises_what_is_due(partnership, team, client):
    subject, offence = perpetrator(partnership, team)
    recorded = victim(team)
    client.force_login(team["vlo"])
    url = f"/victims/records/{recorded.pk}/link/"
    found = client.get(url, {"q": "Dale Harmer"})
    assert [r.person.pk for r in found.context["results"]] == [subject.pk]
    chosen = client.get(url, {"person": subject.pk})
    assert chosen.status_code == 200 and "00800" in chosen.content.decode()
    refused = client.post(url, {"person": subject.pk})
    assert "Choose the offence the victim is linked to." in refused.content.decode()
    response = client.post(url, {"person": subject.pk, "offence": offence.pk}, follow=True)
    assert "1 notification raised" in response.content.decode()
    assert VictimLink.objects.filter(victim=recorded, offence=offence).exists()
    assert VictimNotification.objects.filter(victim=recorded).count() == 1
    again = client.post(url, {"person": subject.pk, "offence": offence.pk})
    assert again.status_code == 200 and "already linked to this offence" in again.content.decode()


def test_linking_to_someone_out_of_sight_is_refused(partnership, team, client):
    hidden = builders.person(first_name="Hidden", last_name="Person", involved=[(partnership.housing, None)])
    recorded = victim(team)
    client.force_login(team["vlo"])
    assert (
        client.get(f"/victims/records/{recorded.pk}/link/", {"q": "Hidden Person"}).context["results"] == []
    )
    assert client.get(f"/victims/records/{recorded.pk}/link/", {"person": hidden.pk}).status_code == 404
    assert denied(team["vlo"], hidden.pk) == 1


def test_linking_from_the_person_record_by_reference(partnership, team, client):
    subject, offence = perpetrator(partnership, team)
    recorded = victim(team)
    client.force_login(team["vlo"])
    url = f"/victims/people/{subject.pk}/link/"
    assert client.get(url).status_code == 200
    unknown = client.post(url, {"reference": "VLU-404", "offence": offence.pk})
    assert "No victim with reference VLU-404 is recorded for you." in unknown.content.decode()
    response = client.post(url, {"reference": "vlu-1", "offence": offence.pk})
    assert response.status_code == 302 and response.url == f"/victims/records/{recorded.pk}/"
    assert VictimLink.objects.filter(victim=recorded, offence=offence).exists()


# --- the person record ---------------------------------------------------------------------------------


def test_the_person_record_has_a_victims_section_for_the_victim_liaison_role_only(
    partnership, team, client, django_assert_max_num_queries
):
    subject, offence = perpetrator(partnership, team)
    victim(team, offence)
    client.force_login(team["vlo"])
    record = client.get(f"/people/{subject.pk}/offences/").content.decode()
    assert 'id="victims"' in record and f"/victims/people/{subject.pk}/?fragment=1" in record
    with django_assert_max_num_queries(8):
        section = client.get(f"/victims/people/{subject.pk}/?fragment=1")
    text = section.content.decode()
    assert "VLU-1" in text and "Link a victim" in text and "<html" not in text
    assert "VLU-1" in client.get(f"/victims/people/{subject.pk}/").content.decode()
    client.force_login(team["officer"])
    record = client.get(f"/people/{subject.pk}/offences/").content.decode()
    assert 'id="victims"' not in record and "/victims/" not in record and "VLU-1" not in record


# --- the API -------------------------------------------------------------------------------------------


def test_the_api_lists_records_reads_and_links_through_the_same_forms(partnership, team, client):
    subject, offence = perpetrator(partnership, team)
    client.force_login(team["vlo"])
    refused = client.post("/api/victims", {"reference": ""}, content_type="application/json")
    assert refused.status_code == 422
    assert {e["msg"] for e in refused.json()["detail"]} >= {"Enter the victim liaison unit's reference."}
    made = client.post(
        "/api/victims",
        {"reference": "VLU-9", "contact_preference": "email", "opted_in": True, "wants_to_know": ["release"]},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["links"] == []
    victim_id = made.json()["id"]
    linked = client.post(
        f"/api/victims/{victim_id}/links", {"offence_id": offence.pk}, content_type="application/json"
    )
    body = linked.json()
    assert linked.status_code == 200 and body["links"][0]["person_id"] == subject.pk
    assert body["eligibility"][0]["eligible"] and len(body["notifications"]) == 1 and body["outstanding"] == 1
    again = client.post(
        f"/api/victims/{victim_id}/links", {"offence_id": offence.pk}, content_type="application/json"
    )
    assert again.status_code == 409
    assert [v["reference"] for v in client.get("/api/victims?reference=VLU-9").json()] == ["VLU-9"]
    assert client.get(f"/api/victims/{victim_id}").json()["reference"] == "VLU-9"
    client.force_login(team["officer"])
    assert client.get("/api/victims").status_code == 404
    assert client.get(f"/api/victims/{victim_id}").status_code == 404
    assert client.post("/api/victims", {"reference": "X"}, content_type="application/json").status_code == 404
    assert (
        client.post(
            f"/api/victims/{victim_id}/links", {"offence_id": offence.pk}, content_type="application/json"
        ).status_code
        == 404
    )
