"""The strategy plan's API: the plan with its goals against the published figures, the caller's actions due an
update in bounded queries, and posting the quarterly update (refused to anyone but the owner)."""

from __future__ import annotations

import pytest

from desist.api.services import api_token_issue
from desist.strategy.models import ActionUpdate

pytestmark = pytest.mark.django_db


def bearer(user):
    token = api_token_issue(user=user, name="test", scopes=("read", "write"))[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_X_DESIST_PURPOSE": "case_management"}


def test_the_strategy_api(client, board, published, django_assert_max_num_queries):
    owner = bearer(board["owner"])
    with django_assert_max_num_queries(20):
        plan = client.get("/api/strategy/plan", **owner).json()
    assert (
        len(plan["principles"]) == 7 and len(plan["priority_groups"]) == 6 and len(plan["interventions"]) == 4
    )
    assert plan["goals"][0]["value"] == pytest.approx(55.0) and plan["goals"][0]["status"] == "not_met"
    with django_assert_max_num_queries(10):
        due = client.get("/api/strategy/actions/due", **owner).json()
    assert [a["id"] for a in due] == [board["action"].pk]
    url = f"/api/strategy/actions/{board['action'].pk}/updates"
    response = client.post(
        url, {"rag": "green", "comment": "Signed"}, content_type="application/json", **owner
    )
    assert response.status_code == 201, response.content
    assert response.json()["latest_update"]["comment"] == "Signed" and response.json()["rag"] == "green"
    assert client.get("/api/strategy/actions/due", **owner).json() == []
    bad = client.post(url, {"rag": "purple", "comment": "x"}, content_type="application/json", **owner)
    assert bad.status_code == 422
    outsider = bearer(board["outsider"])
    refused = client.post(url, {"rag": "red", "comment": "x"}, content_type="application/json", **outsider)
    assert refused.status_code == 404
    assert ActionUpdate.objects.count() == 1
