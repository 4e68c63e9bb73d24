"""The MARAC API (/api/marac/…): the same services and refusals as the pages, victims restricted, bounded
lists."""

from __future__ import annotations

import pytest

from desist.audit.models import AccessLogEntry, Action
from desist.marac import services
from desist.partnership.models import Role
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db

HEADERS = {"HTTP_X_DESIST_PURPOSE": "case_management"}


@pytest.fixture
def staff(partnership):
    p = partnership
    return {
        "coordinator": p.user("mara.coordinator", p.police, role=Role.MARAC_COORDINATOR),
        "police": p.user("pc.police", p.police),
        "outsider": p.user("hana.housing", p.housing),
    }


def test_a_dash_checklist_of_14_yes_refers_through_the_api(client, staff):
    client.force_login(staff["coordinator"])
    made = client.post(
        "/api/marac/victims",
        {"reference": "MARAC-7", "name": "Vi Synthetic"},
        content_type="application/json",
        **HEADERS,
    )
    assert made.status_code == 200, made.content
    victim_id = made.json()["id"]
    answers = ["yes"] * 14 + ["no"] * 10
    dash = client.post(
        f"/api/marac/victims/{victim_id}/dash",
        {"answers": answers, "incident_on": TODAY.isoformat()},
        content_type="application/json",
        **HEADERS,
    )
    assert dash.status_code == 200, dash.content
    assert dash.json()["score"] == 14 and dash.json()["referral"]["route"] == "dash_score"
    short = client.post(
        f"/api/marac/victims/{victim_id}/dash",
        {"answers": answers[:20], "incident_on": TODAY.isoformat()},
        content_type="application/json",
        **HEADERS,
    )
    assert short.status_code == 422


def test_victims_are_restricted_and_refusals_logged(client, staff):
    coordinator = builders.actor(staff["coordinator"])
    victim = services.victim_record(actor=coordinator, reference="MARAC-1", name="Vi Synthetic")
    services.dash_record(actor=coordinator, victim=victim, answers=["yes"] * 24, incident_on=TODAY)
    client.force_login(staff["police"])  # the referring agency's practitioner: the referral, not the victim
    rows = client.get("/api/marac/referrals", **HEADERS).json()
    assert [r["victim"] for r in rows] == ["Restricted"]
    assert client.get(f"/api/marac/victims/{victim.pk}", **HEADERS).status_code == 404
    assert AccessLogEntry.objects.filter(action=Action.DENIED, username="pc.police").exists()
    client.force_login(staff["outsider"])
    assert client.get("/api/marac/referrals", **HEADERS).json() == []
    vawg = client.get("/api/marac/vawg", **HEADERS).json()
    assert vawg["referrals"] == 1 and vawg["perpetrator_ids"] == []


@pytest.mark.parametrize("n", [2, 10])
def test_the_referrals_list_takes_a_bounded_number_of_queries(
    client, staff, n, django_assert_max_num_queries
):
    coordinator = builders.actor(staff["coordinator"])
    for i in range(n):
        victim = services.victim_record(actor=coordinator, reference=f"MARAC-{i}", name="Vi Synthetic")
        services.dash_record(actor=coordinator, victim=victim, answers=["yes"] * 24, incident_on=TODAY)
    client.force_login(staff["coordinator"])
    with django_assert_max_num_queries(14):
        assert len(client.get("/api/marac/referrals", **HEADERS).json()) == n
    with django_assert_max_num_queries(14):
        assert client.get("/api/marac/vawg", **HEADERS).json()["referrals"] == n
