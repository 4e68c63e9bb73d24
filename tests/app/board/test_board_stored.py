"""The board answers from figures worked out in the background and stored (issue 17): the same figures as the
records give, never worked out on a request, with how fresh they are, and one refresh for many changes."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from desist.audit.models import AccessLogEntry, Action
from desist.board import selectors
from desist.board.models import BasketRefresh, StoredBasket
from desist.board.refresh import COMPUTATIONS, basket_compute
from desist.board.tasks import refresh_board_figures
from tests.app.board.test_board import QUARTER, board, caution  # noqa: F401  (the fixture)
from tests.app.builders import NAVIGATION_QUERIES, person

pytestmark = [pytest.mark.django_db]


def fixture_committed() -> None:
    """As if the fixture's writes had been committed before the test: the test's own transaction never
    commits, so their on-commit callbacks (the board's among them) would otherwise stay pending."""
    transaction.get_connection().run_on_commit.clear()


def waiting_refreshes() -> int:
    return DBTaskResult.objects.filter(
        task_path=refresh_board_figures.module_path, status=TaskResultStatus.READY
    ).count()


def test_the_stored_figures_are_the_ones_the_records_give(board: dict[str, Any]) -> None:  # noqa: F811
    stored = selectors.stored_basket()
    assert stored is not None and stored.quarter == QUARTER.code
    kept = selectors.stored_result(stored)
    live = basket_compute()
    assert kept.figures.equals(live.figures)
    assert kept.metadata() == live.metadata() and kept.data_version == stored.data_version


def test_the_pages_never_work_the_basket_out(
    client,
    board,  # noqa: F811
    django_assert_max_num_queries,
) -> None:
    before = COMPUTATIONS["basket"]
    client.force_login(board["analyst"])
    for name, args in (
        ("board", []),
        ("board_fairness", []),
        ("board_validation", []),
        ("board_export", ["csv"]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 200
    client.force_login(board["practitioner"])
    client.get(reverse("board"))
    # A later view, the figures and charts kept in memory: the session, the user and their memberships, the
    # stored basket's row, the refresh state, the published quarter, and the access log's two writes.
    with django_assert_max_num_queries(8 + NAVIGATION_QUERIES):
        html = client.get(reverse("board"), {"district": "Medway"}).content.decode()
    assert "Medway, everyone" in html
    assert COMPUTATIONS["basket"] == before  # counted in desist.board.refresh.basket_compute, the only way in


def test_the_page_says_how_fresh_the_figures_are(
    client,
    board,  # noqa: F811
    django_capture_on_commit_callbacks,
) -> None:
    fixture_committed()
    StoredBasket.objects.update(computed_at=timezone.now() - timedelta(minutes=12))
    stored = selectors.stored_basket()
    assert stored is not None
    local = timezone.localtime(stored.computed_at)
    client.force_login(board["analyst"])
    html = client.get(reverse("board")).content.decode()
    assert f"Figures worked out at {local:%H:%M} on {local.day} {local:%B} (12 minutes ago)." in html
    assert "No changes to the records are waiting" in html
    with django_capture_on_commit_callbacks(execute=True):
        caution(board["people"][1], QUARTER.start + timedelta(days=40))
    html = client.get(reverse("board")).content.decode()
    assert "Records have changed since" in html and "will update in a few minutes" in html


def test_many_changes_queue_one_refresh_that_takes_them_all_in(
    board,  # noqa: F811
    django_capture_on_commit_callbacks,
) -> None:
    fixture_committed()
    assert waiting_refreshes() == 0
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        caution(board["people"][1], QUARTER.start + timedelta(days=40))
        caution(board["people"][2], QUARTER.start + timedelta(days=41))  # same transaction: one callback
    assert sum(1 for c in callbacks if c.__name__ == "_on_commit") == 1
    with django_capture_on_commit_callbacks(execute=True):
        caution(board["people"][3], QUARTER.start + timedelta(days=42))  # another transaction
    assert waiting_refreshes() == 1
    waiting = DBTaskResult.objects.get(task_path=refresh_board_figures.module_path)
    assert waiting.run_after is not None and waiting.run_after > timezone.now() + timedelta(seconds=30)
    state = BasketRefresh.objects.get(pk=1)
    assert state.changed_since is not None

    before = selectors.stored_result(selectors.stored_basket())  # type: ignore[arg-type]
    refresh_board_figures.call()
    after_row = selectors.stored_basket()
    assert after_row is not None
    after = selectors.stored_result(after_row)
    assert after.data_version != before.data_version and after.figures.equals(basket_compute().figures)
    assert BasketRefresh.objects.get(pk=1).changed_since is None


def test_before_any_figures_the_page_says_so_and_queues_them(client, partnership) -> None:
    user = partnership.user("practitioner", partnership.police)
    client.force_login(user)
    html = client.get(reverse("board")).content.decode()
    assert "have not been worked out yet" in html
    assert waiting_refreshes() == 1
    client.get(reverse("board_export", args=["csv"]))
    assert waiting_refreshes() == 1  # asked for once


def test_the_command_works_the_figures_out_now(partnership) -> None:
    person(first_name="Only", last_name="One")
    out = io.StringIO()
    call_command("board_refresh", stdout=out)
    assert "Stored the board's figures for" in out.getvalue()
    assert StoredBasket.objects.count() == 1
    assert AccessLogEntry.objects.filter(
        action=Action.COMBINATION, summary__startswith="Worked out the board's live figures"
    ).exists()
