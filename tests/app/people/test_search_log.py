"""Live search logs the search the user settles on, not every pause in typing (issue 10, item 9); and what
was on screen while typing is kept in that one entry."""

import time

import pytest

from desist.audit.models import AccessLogEntry
from tests.app import builders

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/search/"}
TYPED = ["Wil", "Will", "Willi", "William", "William Jo", "William John", "William Johnson"]


@pytest.fixture
def worker(partnership):
    return partnership.user("pat.probation", partnership.probation)


@pytest.fixture
def william(partnership, worker):
    return builders.person(
        first_name="William", last_name="Johnson", involved=[(partnership.probation, worker)]
    )


def searches():
    return AccessLogEntry.objects.filter(summary__startswith="Searched for people").order_by("id")


def _type(client, texts):
    fragments = [client.get("/search/", {"q": text}, **HTMX) for text in texts]
    assert all(f.status_code == 200 for f in fragments)
    return fragments


def test_seven_keystrokes_then_a_pause_make_one_entry(client, worker, william):
    client.force_login(worker)
    fragments = _type(client, TYPED)
    assert not searches().exists()  # nothing logged while typing
    html = fragments[-1].content.decode()
    assert 'hx-post="/search/settled/"' in html and 'hx-trigger="load delay:3s"' in html
    search_id = client.session["pending_search"]["id"]
    assert f'"search": "{search_id}"' in html
    # The last fragment stayed on screen for the settle time: it asks once, and the search is logged.
    assert client.post("/search/settled/", {"search": search_id}, **HTMX).status_code == 204
    entry = searches().get()
    assert entry.detail["query"] == "William Johnson"
    assert entry.detail["person_ids"] == [william.pk] and entry.detail["shown"] == 1
    assert entry.detail["settled_by"] == "kept on screen"
    assert [t["query"] for t in entry.detail["while_typing"]] == TYPED[:-1]
    assert entry.purpose == "case_management" and entry.path == "/search/?q=William+Johnson"
    # A second ask for the same search (or a stale one) adds nothing.
    client.post("/search/settled/", {"search": search_id}, **HTMX)
    assert searches().count() == 1


def test_a_fragment_replaced_before_it_settled_asks_for_nothing(client, worker, william):
    client.force_login(worker)
    _type(client, ["Wil"])
    stale = client.session["pending_search"]["id"]
    _type(client, ["William"])
    client.post("/search/settled/", {"search": stale}, **HTMX)
    assert not searches().exists()


def test_opening_a_result_logs_the_search_that_showed_it(client, worker, william):
    client.force_login(worker)
    _type(client, TYPED[:4])
    assert client.get(f"/people/{william.pk}/").status_code == 200
    entry = searches().get()
    assert (
        entry.detail["query"] == "William"
        and entry.detail["settled_by"] == f"followed by GET /people/{william.pk}/"
    )
    assert entry.path == "/search/?q=William"
    record = AccessLogEntry.objects.get(summary__startswith="Viewed record")
    assert entry.id < record.id
    assert "pending_search" not in client.session


def test_typing_then_enter_is_one_entry(client, worker, william):
    client.force_login(worker)
    _type(client, TYPED)
    client.get("/search/", {"q": "William Johnson"})
    entry = searches().get()
    assert entry.detail["settled_by"] == "submitted" and len(entry.detail["while_typing"]) == 6


def test_a_search_kept_on_screen_then_refined_is_logged_too(client, worker, william, settings):
    settings.DESIST_SEARCH_SETTLE_SECONDS = 1
    client.force_login(worker)
    _type(client, ["Johnson"])
    time.sleep(1.1)
    _type(client, ["William Johns", "William Johnson"])
    assert [e.detail["query"] for e in searches()] == ["Johnson"]
    client.post("/accounts/logout/")  # signing out settles the last one
    assert [e.detail["query"] for e in searches()] == ["Johnson", "William Johnson"]
    assert searches().last().detail["while_typing"] == [
        {"query": "William Johns", "person_ids": [william.pk]}
    ]


def test_a_search_address_opened_directly_is_logged_at_once(client, worker, william):
    client.force_login(worker)
    client.get("/search/", {"q": "Johnson"})
    client.get("/search/", {"q": "Johnson"})
    assert searches().count() == 2  # two page loads, two consultations


def test_keystroke_queries_are_bounded(client, partnership, worker, william, django_assert_max_num_queries):
    for n in range(20):
        builders.person(
            first_name="William", last_name=f"Johnsen{n}", involved=[(partnership.probation, worker)]
        )
    client.force_login(worker)
    _type(client, ["Wil"])
    with django_assert_max_num_queries(14):
        assert client.get("/search/", {"q": "William Johnson"}, **HTMX).status_code == 200
