"""The plan's pages: the board sees the plan, the board and the annual review in bounded queries; the owner
posts the quarterly update from the work queue; the pack carries the update and the basket's figures."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from desist.audit.models import AccessLogEntry, Action
from desist.strategy.models import ActionUpdate

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    client.force_login(user)
    session = client.session
    session["purpose"] = "case_management"
    session.save()


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def test_the_board_sees_the_plan_the_board_and_the_review(
    client, board, published, django_assert_max_num_queries
):
    sign_in(client, board["member"])
    with django_assert_max_num_queries(30):
        page = client.get(reverse("strategy"))
    text = page.content.decode()
    assert (
        "Restorative" in text
        and "Domestic abuse perpetrators" in text
        and "Mental and Physical Health" in text
    )
    assert "55.0%" in text and "Not met" in text and "Update overdue" in text
    with django_assert_max_num_queries(25):
        page = client.get(reverse("strategy_board"))
    assert "Chair" in page.content.decode() and "Board pack (PDF)" in page.content.decode()
    with django_assert_max_num_queries(25):
        page = client.get(reverse("strategy_review"), {"year": "1"})
    assert "Not yet measurable" in page.content.decode()
    assert client.get(reverse("strategy_review"), {"year": "nonsense"}).status_code == 200


def test_the_owner_posts_the_update_from_the_work_queue(client, board, django_assert_max_num_queries):
    action = board["action"]
    sign_in(client, board["owner"])
    queue = client.get(reverse("work_queue")).content.decode()
    assert reverse("strategy_action", args=[action.pk]) in queue
    with django_assert_max_num_queries(25):
        page = client.get(reverse("strategy_action", args=[action.pk]))
    assert "Post the update" in page.content.decode()
    url = reverse("strategy_action", args=[action.pk])
    assert client.post(url, {"rag": "amber"}).status_code == 200  # no comment: the form says so
    response = client.post(url, {"rag": "amber", "comment": "Protocol drafted with Medway"})
    assert response.status_code == 302
    assert ActionUpdate.objects.get().by == board["owner"]
    assert (
        reverse("strategy_action", args=[action.pk]) not in client.get(reverse("work_queue")).content.decode()
    )


def test_someone_else_sees_the_action_but_cannot_post(client, board):
    url = reverse("strategy_action", args=[board["action"].pk])
    sign_in(client, board["outsider"])
    page = client.get(url)
    assert page.status_code == 200 and "Post the update" not in page.content.decode()
    assert client.post(url, {"rag": "red", "comment": "Not mine"}).status_code == 404
    assert not ActionUpdate.objects.exists()
    assert client.get(reverse("strategy_action", args=[999_999])).status_code == 404


def test_the_pack_has_the_plans_progress_and_the_basket(client, board, published):
    from desist.strategy import services
    from tests.app import builders

    services.action_update_post(
        actor=builders.actor(board["owner"]),
        action=board["action"],
        rag="red",
        comment="Councils not yet agreed",
    )
    sign_in(client, board["member"])
    response = client.get(reverse("strategy_pack", args=[board["meeting"].pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Councils not yet agreed" in text and "Goals against the measures" in text
    assert "Appendix: definitions" in text  # the quarter's board pack follows
    assert AccessLogEntry.objects.filter(
        action=Action.DISCLOSURE, summary__contains="strategy board pack"
    ).exists()
    sign_in(client, board["outsider"])  # treatment is not invited and has no seat
    assert client.get(reverse("strategy_pack", args=[board["meeting"].pk])).status_code == 404


def test_the_admin_edits_the_plans_structure_and_shows_updates_read_only(
    client, board, django_assert_max_num_queries
):
    from django.contrib.auth.models import User

    from desist.strategy import services
    from tests.app import builders

    services.action_update_post(
        actor=builders.actor(board["owner"]), action=board["action"], rag="green", comment="Done"
    )
    admin = User.objects.create_superuser("ada.admin", "ada@example.org", "x")
    client.force_login(admin)
    for url in (
        reverse("admin:strategy_plan_changelist"),
        reverse("admin:strategy_plan_change", args=[board["plan"].pk]),
        reverse("admin:strategy_planaction_change", args=[board["action"].pk]),
        reverse("admin:strategy_boardmember_changelist"),
    ):
        with django_assert_max_num_queries(60):
            response = client.get(url)
        assert response.status_code == 200, url
    assert (
        b"Done" in client.get(reverse("admin:strategy_planaction_change", args=[board["action"].pk])).content
    )
