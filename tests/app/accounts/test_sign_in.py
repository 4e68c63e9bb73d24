"""Signing in: the real form, CSRF, throttling after repeated failures (django-axes)."""

import pytest
from django.test import Client

from desist.audit.models import AccessLogEntry
from tests.app.builders import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(partnership):
    return partnership.user("pat.probation", partnership.probation)


def test_sign_in_with_the_form(client, worker):
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and b"Sign in to desist" in page.content
    response = client.post(
        "/accounts/login/", {"username": "pat.probation", "password": PASSWORD}, follow=True
    )
    # The work queue first, once the session has said why it is here (issue 10, item 8).
    assert [url for url, _ in response.redirect_chain] == ["/", "/work/", "/purpose/?next=%2Fwork%2F"]
    assert b"Why are you using desist?" in response.content
    response = client.post("/purpose/", {"purpose": "case_management", "next": "/work/"}, follow=True)
    assert [url for url, _ in response.redirect_chain] == ["/work/"]
    assert b"What needs you today" in response.content
    assert client.get("/caseload/").status_code == 200


def test_home_opens_the_work_queue_for_everyone(client, worker, partnership):
    for user in (worker, partnership.user("no.caseload", partnership.police)):
        client.force_login(user)
        response = client.get("/")
        assert response.status_code == 302 and response.url == "/work/"
    page = client.get("/work/").content.decode()
    assert 'href="/work/" aria-current="page">Work queue' in page and 'href="/caseload/">My caseload' in page


def test_wrong_password_is_refused_with_a_clear_message(client, worker):
    response = client.post("/accounts/login/", {"username": "pat.probation", "password": "wrong"})
    assert response.status_code == 200
    assert b"Enter a correct user name and password" in response.content


def test_repeated_failures_lock_the_account_for_a_while(client, worker, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "pat.probation", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "pat.probation", "password": PASSWORD})
    assert response.status_code == 429
    assert b"You cannot sign in for now" in response.content


def test_sign_in_needs_the_csrf_token(worker):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "pat.probation", "password": PASSWORD})
    assert response.status_code == 403


def test_sign_out_is_a_post(client, worker):
    client.force_login(worker)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/caseload/").status_code == 302


def test_purpose_is_kept_for_the_session_and_logged(client, worker):
    client.force_login(worker)
    response = client.post("/purpose/", {"purpose": "partnership_panel", "next": "/search/"})
    assert response.status_code == 302 and response.url == "/search/"
    client.get("/search/", {"q": "anyone"})
    assert AccessLogEntry.objects.filter(purpose="partnership_panel").exists()


def test_purpose_redirect_stays_on_this_site(client, worker):
    client.force_login(worker)
    response = client.post("/purpose/", {"purpose": "audit", "next": "https://example.org/"})
    assert response.url == "/"
