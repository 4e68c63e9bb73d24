"""The JSON API lists and reads people and sentences under the same access rules (issue 2, point 8)."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from desist.api.services import api_token_issue, api_token_revoke
from desist.audit.models import AccessLogEntry
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(partnership):
    worker = partnership.user("pat.probation", partnership.probation)
    housing = partnership.user("hana.housing", partnership.housing)
    mine = builders.person(
        first_name="Sam", last_name="Supervised", involved=[(partnership.probation, worker)]
    )
    builders.community_order(mine, start=TODAY - timedelta(days=30))
    theirs = builders.person(first_name="Tess", last_name="Tenant", involved=[(partnership.housing, None)])
    _, token = api_token_issue(user=worker, name="test")
    return {"worker": worker, "housing": housing, "mine": mine, "theirs": theirs, "token": token}


def bearer(token, purpose="case_management"):
    """A token and the purpose the call states (an API call without one is refused: docs/security.md)."""
    return {
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        **({"HTTP_X_DESIST_PURPOSE": purpose} if purpose else {}),
    }


def test_requires_authentication(client):
    assert client.get("/api/people").status_code == 401
    assert client.get("/api/people", **bearer("dst_wrong")).status_code == 401


def test_lists_only_visible_people(client, setup):
    body = client.get("/api/people", **bearer(setup["token"])).json()
    assert body["count"] == 1
    assert [p["last_name"] for p in body["results"]] == ["Supervised"]


def test_reads_a_person_and_their_sentences_and_logs_it(client, setup):
    person = setup["mine"]
    detail = client.get(f"/api/people/{person.pk}", **bearer(setup["token"], purpose="risk_management"))
    assert detail.status_code == 200
    assert detail.json()["supervision_status"] == "community"
    sentences = client.get(f"/api/people/{person.pk}/sentences", **bearer(setup["token"])).json()
    assert sentences[0]["kind"] == "community_order" and sentences[0]["status_today"] == "community"
    entry = AccessLogEntry.objects.filter(person_id=person.pk, channel="api").first()
    assert entry is not None and entry.username == "pat.probation"
    assert AccessLogEntry.objects.filter(
        person_id=person.pk, channel="api", purpose="risk_management"
    ).exists()


def test_another_agencys_person_is_not_found(client, setup):
    response = client.get(f"/api/people/{setup['theirs'].pk}", **bearer(setup["token"]))
    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(
        person_id=setup["theirs"].pk, action="denied", channel="api"
    ).exists()


def test_session_auth_works_too(client, setup):
    client.force_login(setup["housing"])
    body = client.get("/api/people").json()
    assert [p["last_name"] for p in body["results"]] == ["Tenant"]


def test_caseload_and_search(client, setup):
    caseload = client.get("/api/caseload", **bearer(setup["token"])).json()
    assert caseload["results"][0]["supervision_status"] == "community"
    search = client.get("/api/people", {"q": "Sam Supervised"}, **bearer(setup["token"])).json()
    assert search["count"] == 1


def test_revoked_token_is_refused(client, setup):
    from desist.api.models import ApiToken

    api_token_revoke(token=ApiToken.objects.get(user=setup["worker"]))
    assert client.get("/api/people", **bearer(setup["token"])).status_code == 401


def test_openapi_docs(client, setup):
    client.force_login(setup["worker"])  # the docs are for signed-in users (tests/app/web/test_headers.py)
    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert {
        "/api/people",
        "/api/people/{person_id}",
        "/api/people/{person_id}/sentences",
        "/api/caseload",
    } <= set(schema["paths"])


def test_issue_token_command(setup, capsys):
    call_command("issue_api_token", "hana.housing", "--name", "nightly")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token.startswith("dst_")


def test_api_list_queries_are_bounded(client, partnership, setup, django_assert_max_num_queries):
    for n in range(30):
        builders.person(last_name=f"Many{n}", involved=[(partnership.probation, setup["worker"])])
    with django_assert_max_num_queries(10):
        assert client.get("/api/people", **bearer(setup["token"])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/caseload", **bearer(setup["token"])).status_code == 200


def test_an_unknown_purpose_is_refused(client, setup):
    response = client.get("/api/people", **bearer(setup["token"], purpose="curiosity"))
    assert response.status_code == 400
    assert "Unknown purpose" in response.json()["detail"]


def test_risk_endpoint(client, setup):
    from desist.assessments.services import risk_recalculate
    from desist.offences.services import offence_record
    from desist.priority.services import priority_groups_refresh

    person = setup["mine"]
    builders.offence_code("02800")
    offence_record(
        actor=builders.actor(),
        person=person,
        offence_code="02800",
        offence_date=TODAY - timedelta(days=60),
        outcome="conviction",
        outcome_date=TODAY - timedelta(days=30),
        disposal="community",
    )
    risk_recalculate(actor=builders.actor(), person_ids=[person.pk])
    priority_groups_refresh(actor=builders.actor(), person_ids=[person.pk])
    body = client.get(f"/api/people/{person.pk}/risk", **bearer(setup["token"])).json()
    ogrs = next(s for s in body["scores"] if s["kind"] == "ogrs3")
    assert ogrs["two_year"] is not None and ogrs["working"]
    assert client.get(f"/api/people/{setup['theirs'].pk}/risk", **bearer(setup["token"])).status_code == 404


def test_another_agencys_persons_sentences_are_not_found(client, setup):
    builders.community_order(setup["theirs"], start=TODAY - timedelta(days=10))
    response = client.get(f"/api/people/{setup['theirs'].pk}/sentences", **bearer(setup["token"]))
    assert response.status_code == 404
    assert "community_order" not in response.content.decode()
    entry = AccessLogEntry.objects.get(person_id=setup["theirs"].pk, action="denied", channel="api")
    assert entry.username == "pat.probation"


def test_a_call_without_a_purpose_is_refused_and_logged(client, setup):
    """No header, no purpose: refused, never recorded as case management (issue 10, item 8)."""
    response = client.get("/api/people", **bearer(setup["token"], purpose=""))
    assert response.status_code == 400 and "X-Desist-Purpose" in response.json()["detail"]
    refusal = AccessLogEntry.objects.filter(action="denied", channel="api").get()
    assert refusal.username == "pat.probation" and refusal.purpose == ""
    assert not AccessLogEntry.objects.filter(action="consultation").exists()


def test_other_needs_words_and_keeps_them_on_the_entry(client, setup):
    assert client.get("/api/people", **bearer(setup["token"], purpose="other")).status_code == 400
    response = client.get(
        "/api/people",
        HTTP_X_DESIST_JUSTIFICATION="Checking a court report",
        **bearer(setup["token"], purpose="other"),
    )
    assert response.status_code == 200
    entry = AccessLogEntry.objects.filter(action="consultation", channel="api").get()
    assert (entry.purpose, entry.justification) == ("other", "Checking a court report")


def test_a_signed_in_session_calls_with_the_purpose_it_stated(client, setup):
    client.force_login(setup["worker"])
    client.post("/purpose/", {"purpose": "safeguarding", "next": "/"})
    assert client.get("/api/people").status_code == 200
    assert AccessLogEntry.objects.filter(action="consultation", channel="api").get().purpose == "safeguarding"
