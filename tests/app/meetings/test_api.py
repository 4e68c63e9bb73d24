"""The meetings API (issue 15): the series, a meeting's agenda for the agencies invited, the caller's open
actions in bounded queries, changing an action's status and referring to MAPPA, with the pages' refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest

from desist.api.services import api_token_issue
from desist.meetings import services
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db


def bearer(user):
    token = api_token_issue(user=user, name="test", scopes=("read", "write"))[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_X_DESIST_PURPOSE": "case_management"}


def test_the_meetings_api(client, mappa, partnership, django_assert_max_num_queries):
    actor, meeting = mappa["actor"], mappa["meeting"]
    services.agenda_build(actor=actor, meeting=meeting)
    for n in range(30):
        services.action_add(
            actor=actor,
            meeting=meeting,
            description=f"Action {n}",
            owner_agency=partnership.police,
            owner_user=mappa["police"],
            due_on=TODAY + timedelta(days=n - 5),
        )
    police = bearer(mappa["police"])
    with django_assert_max_num_queries(10):
        assert client.get("/api/meetings/series", **police).json()[0]["cadence"] == "weekly"
    with django_assert_max_num_queries(12):
        mine = client.get("/api/meetings/actions/mine", **police)
    assert len(mine.json()) == 30
    with django_assert_max_num_queries(15):
        got = client.get(f"/api/meetings/{meeting.pk}", **police)
    assert [i["kind"] for i in got.json()["agenda"]] == ["new_referral", "review"]
    first = mine.json()[0]["id"]
    done = client.post(
        f"/api/meetings/actions/{first}/status", {"status": "done"}, content_type="application/json", **police
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    treatment = bearer(mappa["treatment"])
    assert client.get(f"/api/meetings/{meeting.pk}", **treatment).status_code == 404
    assert (
        client.post(
            f"/api/meetings/actions/{first}/status",
            {"status": "open"},
            content_type="application/json",
            **treatment,
        ).status_code
        == 404
    )
    officer = bearer(mappa["officer"])
    referred = client.post(
        f"/api/meetings/mappa/people/{mappa['reviewed'].pk}/referrals",
        {"level": 3, "category": 2, "reason": "Senior resources needed"},
        content_type="application/json",
        **officer,
    )
    assert referred.status_code == 201 and referred.json()["level"] == 3
    assert (
        client.post(
            f"/api/meetings/mappa/people/{mappa['reviewed'].pk}/referrals",
            {"level": 3, "category": 2, "reason": "x"},
            content_type="application/json",
            **treatment,
        ).status_code
        == 404
    )
