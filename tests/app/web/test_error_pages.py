"""Crashes, odd data and the service's own error pages (issue 10, items 1 and 2)."""

import pytest
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from desist.audit.models import AccessLogEntry, Action
from desist.iom import services as iom
from desist.web.converters import MAX_ID, IdConverter
from desist.web.errors import server_error
from tests.app import builders

pytestmark = pytest.mark.django_db

HUGE = "9999999999999999999999"

# A template that fails while rendering, as a page with a fault in it would.
BROKEN = {"people/person.html": "{% url 'no-such-page' %}", "iom/membership.html": "{% url 'no-such-page' %}"}


# The staff the shared `team` fixture (tests/app/conftest.py) makes for these tests.
TEAM = ("coordinator", "practitioner")


@pytest.fixture
def member(partnership, team):
    """A cohort member whose panel decision was recorded with no deciding user (by the system, as imports and
    the demo build record them)."""
    person = builders.person(last_name="Adopted", involved=[(partnership.probation, team["practitioner"])])
    membership = iom.cohort_propose(actor=builders.actor(), person=person, notes="From the IOM register")
    assert membership.decisions.get().decided_by is None
    return membership


def _signed_in(user, **kwargs):
    client = Client(raise_request_exception=False, **kwargs)
    client.force_login(user)
    return client


def _viewed(person_id):
    return AccessLogEntry.objects.filter(action=Action.CONSULTATION, person_id=person_id)


def test_a_decision_with_no_deciding_user_shows_on_the_record_and_the_decision_page(team, member):
    client = _signed_in(team["coordinator"])
    for url in (f"/people/{member.person_id}/risk/", f"/iom/decisions/{member.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Recorded by the system" in response.content.decode(), url


@pytest.mark.parametrize("url", ["/people/{person}/", "/iom/decisions/{membership}/"])
def test_a_page_that_fails_is_not_logged_as_seen(team, member, settings, url):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "APP_DIRS": False,
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "loaders": [
                    ("django.template.loaders.locmem.Loader", BROKEN),
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]
    before = _viewed(member.person_id).count()
    response = _signed_in(team["coordinator"]).get(url.format(person=member.person_id, membership=member.pk))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "NoReverseMatch" not in page and "Traceback" not in page
    assert _viewed(member.person_id).count() == before


def test_the_record_page_is_logged_once_it_has_rendered(team, member):
    before = _viewed(member.person_id).count()
    assert _signed_in(team["coordinator"]).get(f"/people/{member.person_id}/").status_code == 200
    assert _viewed(member.person_id).filter(summary__startswith="Viewed record").count() == 1
    assert _viewed(member.person_id).count() == before + 1


def _patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.pattern


def test_every_id_in_a_path_is_bounded_to_the_databases_integers():
    # The admin's routes come from Django and django-otp (their huge ids are tried below).
    unbounded = [
        route
        for route, pattern in _patterns()
        if any(isinstance(c, IntConverter) for c in getattr(pattern, "converters", {}).values())
        and not route.startswith("admin/")
    ]
    assert unbounded == [], "use <id:...> (or {id:...} in the API), not <int:...>"
    converter = IdConverter()
    assert converter.to_python(str(MAX_ID)) == MAX_ID
    with pytest.raises(ValueError):
        converter.to_python(str(MAX_ID + 1))


def test_a_number_too_big_for_the_database_is_not_found_on_every_page_and_api_path(team, member):
    client = _signed_in(team["coordinator"])
    routes = [route for route, pattern in _patterns() if "<id:" in route]
    assert len(routes) > 40
    for route in routes:
        url = "/" + route.replace("^", "").replace("$", "")
        while "<id:" in url:
            start = url.index("<id:")
            url = url[:start] + HUGE + url[url.index(">", start) + 1 :]
        if "<" in url:  # another parameter (an action, a format): any plausible value will do
            url = (
                url.replace("<slug:action>", "view")
                .replace("<action>", "view")
                .replace("<pathway>", "accommodation")
            )
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 404, f"{method.__name__.upper()} {url}: {response.status_code}"
    assert client.get(f"/people/{MAX_ID}/").status_code == 404
    admin = _signed_in(
        builders.Partnership.user(
            member.person,
            "ada.admin",
            member.person.involvements.first().agency,
            role="administrator",
            is_staff=True,
            is_superuser=True,
        )
    )
    for route in [
        r for r, _ in _patterns() if r.startswith("admin/") and ("<int:" in r or "<path:object_id>" in r)
    ]:
        url = "/" + route.replace("<path:object_id>", HUGE).replace("<int:pk>", HUGE).replace("<int:", "<")
        if "<" not in url:
            assert admin.get(url).status_code in (302, 403, 404), url
    api = client.get(f"/api/people/{HUGE}")
    assert api.status_code == 404 and api.json() == {"detail": "Not Found"}


def test_the_500_page_is_the_services_own_and_needs_no_request_context():
    response = server_error(RequestFactory().get("/people/1/"))  # no session, no user, no actor
    page = response.content.decode()
    assert response.status_code == 500
    assert "<title>Sorry, there is a problem with the service – " in page
    assert 'class="desist-header"' in page and '<main class="govuk-main-wrapper" id="main-content">' in page
    assert "Kent and Medway" in page or "Partnership" in page
    api = server_error(RequestFactory().get("/api/people/1"))
    assert api.status_code == 500 and api["Content-Type"] == "application/json"


def test_the_404_page_is_the_services_own(team):
    for client in (Client(), _signed_in(team["practitioner"])):
        response = client.get("/no-such-page/")
        page = response.content.decode()
        assert response.status_code == 404
        assert "<title>Page not found – " in page and 'id="main-content"' in page
        assert 'class="desist-header"' in page
    api = Client().get("/api/no-such-endpoint")
    assert api.status_code == 404 and api.json() == {"detail": "Not Found"}


def test_the_403_page_is_the_services_own(team):
    response = _signed_in(team["practitioner"]).get("/access-log/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "<title>You are not allowed to see this page – " in page and 'id="main-content"' in page


def test_a_form_sent_without_its_csrf_token_gets_the_services_own_page(team):
    signed_in = _signed_in(team["practitioner"], enforce_csrf_checks=True)
    anonymous = Client(enforce_csrf_checks=True)
    for client, url, data in (
        (signed_in, "/purpose/", {"purpose": "case_management"}),
        (anonymous, "/accounts/login/", {"username": "pat.probation", "password": "x"}),
    ):
        response = client.post(url, data)
        page = response.content.decode()
        assert response.status_code == 403, url
        assert "<title>Your form could not be sent – " in page and 'id="main-content"' in page, url
        assert "CSRF verification failed" not in page and "Referer" not in page, url


def test_a_record_is_logged_as_seen_only_once_it_has_been_presented(team, member):
    """The service behind the record page and GET /api/people/<id>: what fails while presenting is not
    logged."""
    from desist.people.services import PersonNotFound, person_record_show

    actor = builders.actor(team["coordinator"])
    before = _viewed(member.person_id).count()

    def fails(record):
        raise RuntimeError("the answer could not be built")

    with pytest.raises(RuntimeError):
        person_record_show(actor=actor, person_id=member.person_id, present=fails)
    assert _viewed(member.person_id).count() == before
    assert (
        person_record_show(actor=actor, person_id=member.person_id, present=lambda r: r.person.pk)
        == member.person_id
    )
    assert _viewed(member.person_id).count() == before + 1
    with pytest.raises(PersonNotFound):
        person_record_show(
            actor=builders.actor(team["practitioner"]), person_id=member.person_id + 1000, present=lambda r: r
        )
    assert AccessLogEntry.objects.filter(action=Action.DENIED, person_id=member.person_id + 1000).exists()
