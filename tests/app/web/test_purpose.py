"""The purpose of access (issue 10, item 8): a session states it before its first page with person data, can
change it, and "other" needs words, which go on every entry. Nothing silently claims case management."""

import pytest

from desist.audit.models import AccessLogEntry, Action
from tests.app import builders

pytestmark = [pytest.mark.django_db, pytest.mark.purpose_unstated]


@pytest.fixture
def worker(partnership):
    return partnership.user("pat.probation", partnership.probation)


@pytest.fixture
def subject(partnership, worker):
    return builders.person(involved=[(partnership.probation, worker)])


@pytest.mark.parametrize(
    "path", ["/work/", "/caseload/", "/search/?q=Smith", "/people/{pk}/", "/access-log/", "/board/"]
)
def test_the_first_page_with_person_data_asks_the_purpose(client, worker, subject, path):
    client.force_login(worker)
    path = path.format(pk=subject.pk)
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith("/purpose/?next=")
    assert not AccessLogEntry.objects.filter(action=Action.CONSULTATION).exists()


def test_choosing_a_purpose_goes_back_to_the_page_and_is_logged(client, worker, subject):
    client.force_login(worker)
    asked = client.get(f"/people/{subject.pk}/")
    page = client.get(asked.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<title>Why are you using desist?" in html and 'value="safeguarding"' in html
    assert 'value="administration"' not in html  # only administrators administer
    assert 'value="record_linkage"' not in html  # the review pages state it themselves
    response = client.post("/purpose/", {"purpose": "safeguarding", "next": f"/people/{subject.pk}/"})
    assert response.status_code == 302 and response.url == f"/people/{subject.pk}/"
    record = client.get(response.url).content.decode()
    assert "Purpose of your access: <strong>Safeguarding</strong>" in record
    assert f'href="/purpose/?next=/people/{subject.pk}/"' in record.replace("%2F", "/")
    entry = AccessLogEntry.objects.get(action=Action.CONSULTATION, person_id=subject.pk)
    assert (entry.purpose, entry.justification) == ("safeguarding", "")


def test_other_needs_words_and_the_words_go_on_every_entry(client, worker, subject):
    client.force_login(worker)
    refused = client.post("/purpose/", {"purpose": "other", "other_reason": "  ", "next": "/caseload/"})
    html = refused.content.decode()
    assert refused.status_code == 200 and "<title>Error: " in html
    assert 'href="#id_other_reason">Say why you are using desist</a>' in html
    assert "purpose" not in client.session
    client.post("/purpose/", {"purpose": "other", "other_reason": "Preparing a   court report", "next": "/"})
    client.get("/caseload/")
    client.get(f"/people/{subject.pk}/")
    entries = AccessLogEntry.objects.filter(action=Action.CONSULTATION)
    assert entries.count() == 2
    assert {(e.purpose, e.justification) for e in entries} == {("other", "Preparing a court report")}
    page = client.get("/caseload/").content.decode()
    assert "Purpose of your access: <strong>Other: Preparing a court report</strong>" in page


def test_the_purpose_can_be_changed_and_the_form_shows_the_current_one(client, worker, subject):
    client.force_login(worker)
    client.post("/purpose/", {"purpose": "audit", "next": "/"})
    form = client.get("/purpose/", {"next": "/caseload/"}).content.decode()
    assert "Change the purpose of your access" in form
    assert 'value="audit" checked' in form
    client.post("/purpose/", {"purpose": "partnership_panel", "next": "/"})
    client.get(f"/people/{subject.pk}/")
    assert AccessLogEntry.objects.get(action=Action.CONSULTATION).purpose == "partnership_panel"


def test_an_unknown_or_foreign_purpose_is_refused(client, worker):
    client.force_login(worker)
    for purpose in ("curiosity", "administration", "record_linkage"):
        response = client.post("/purpose/", {"purpose": purpose, "next": "/"})
        assert response.status_code == 200 and b"Choose the purpose of your access" in response.content
    assert "purpose" not in client.session


def test_administrators_may_state_system_administration(client, partnership):
    admin = partnership.user("ada.admin", partnership.probation, role="administrator")
    client.force_login(admin)
    assert b'value="administration"' in client.get("/purpose/").content
    assert client.post("/purpose/", {"purpose": "administration", "next": "/admin/"}).url == "/admin/"


def test_the_way_back_stays_on_this_site(client, worker):
    client.force_login(worker)
    for target in ("https://example.org/", "//example.org/", "/purpose/"):
        assert client.post("/purpose/", {"purpose": "audit", "next": target}).url == "/"


def test_an_htmx_request_is_sent_to_the_purpose_page(client, worker):
    client.force_login(worker)
    response = client.get(
        "/search/",
        {"q": "Smith"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/search/?q=Smi",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/purpose/?next=%2Fsearch%2F%3Fq%3DSmi"
    assert not AccessLogEntry.objects.exists()


def test_a_post_without_a_purpose_goes_back_to_the_page_it_came_from(client, worker, subject):
    client.force_login(worker)
    response = client.post(
        f"/people/{subject.pk}/offences/1/category/",
        {"category": "x"},
        HTTP_REFERER=f"http://testserver/people/{subject.pk}/",
    )
    assert response.status_code == 302
    assert response.url == f"/purpose/?next=%2Fpeople%2F{subject.pk}%2F"


def test_signing_in_and_out_and_the_home_page_need_no_purpose(client, worker):
    assert client.get("/accounts/login/").status_code == 200
    client.force_login(worker)
    assert client.get("/").url == "/work/"
    assert client.post("/accounts/logout/").status_code == 302


def test_the_access_log_page_shows_the_words_for_other(client, partnership, worker, subject):
    client.force_login(worker)
    client.post("/purpose/", {"purpose": "other", "other_reason": "Preparing a court report", "next": "/"})
    client.get(f"/people/{subject.pk}/")
    admin = partnership.user("ada.admin", partnership.probation, role="administrator")
    client.force_login(admin)
    client.post("/purpose/", {"purpose": "audit", "next": "/"})
    page = client.get("/access-log/", {"username": "pat.probation"}).content.decode()
    assert "other: Preparing a court report" in page
