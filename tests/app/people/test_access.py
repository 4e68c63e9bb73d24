"""A user sees only the people their agency works with; every other record answers 404 and the
attempt is logged (issue 2, point 6)."""

from datetime import timedelta

import pytest
from django.test import Client

from desist.audit.models import AccessLogEntry, Action
from desist.people.selectors import visible_people
from tests.app import builders
from tests.app.builders import PASSWORD, TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def staff(partnership):
    return {
        "probation": partnership.user("pat.probation", partnership.probation),
        "police": partnership.user("ian.iom", partnership.police),
        "housing": partnership.user("hana.housing", partnership.housing),
        "treatment": partnership.user("tom.treatment", partnership.treatment),
    }


@pytest.fixture
def people(partnership, staff):
    return {
        "supervised": builders.person(
            first_name="Sam", last_name="Supervised", involved=[(partnership.probation, staff["probation"])]
        ),
        "iom": builders.person(
            first_name="Ian",
            last_name="Nominal",
            involved=[(partnership.probation, None), (partnership.police, staff["police"])],
        ),
        "tenant": builders.person(
            first_name="Tess", last_name="Tenant", involved=[(partnership.housing, None)]
        ),
        "client": builders.person(
            first_name="Cal", last_name="Client", involved=[(partnership.treatment, None)]
        ),
    }


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("probation", {"supervised", "iom"}),
        ("police", {"iom"}),
        ("housing", {"tenant"}),
        ("treatment", {"client"}),
    ],
)
def test_each_agency_sees_only_the_people_it_works_with(staff, people, who, sees):
    visible = set(visible_people(builders.actor(staff[who])).values_list("pk", flat=True))
    assert visible == {people[name].pk for name in sees}


@pytest.mark.parametrize("who", ["police", "housing", "treatment"])
def test_someone_elses_record_is_not_found_and_the_attempt_is_logged(client: Client, staff, people, who):
    client.force_login(staff[who])
    target = people["supervised"]
    response = client.get(f"/people/{target.pk}/")
    assert response.status_code == 404
    refused = AccessLogEntry.objects.filter(action=Action.DENIED, person_id=target.pk)
    assert refused.count() == 1
    assert refused.get().username == staff[who].username


def test_a_record_that_does_not_exist_looks_the_same_as_one_that_is_not_yours(client, staff, people):
    client.force_login(staff["housing"])
    missing = client.get("/people/999999/")
    hidden = client.get(f"/people/{people['supervised'].pk}/")
    assert missing.status_code == hidden.status_code == 404
    # The same refusal page (desist.sharing: whom to ask, and emergency access), differing only in the number.
    assert missing.templates[0].name == hidden.templates[0].name == "sharing/refused.html"

    def main(response):
        body = response.content.decode()
        return body[body.index("<main") : body.index("</main>")]

    assert main(missing).replace("999999", str(people["supervised"].pk)) == main(hidden)
    assert b"Supervised" not in hidden.content


def test_access_lasts_the_grace_period_after_involvement_ends(partnership, staff, settings):
    settings.DESIST_ACCESS_GRACE_DAYS = 90
    recent = builders.person(
        last_name="Recent", involved=[(partnership.housing, None)], ended=TODAY - timedelta(days=30)
    )
    old = builders.person(
        last_name="Old", involved=[(partnership.housing, None)], ended=TODAY - timedelta(days=120)
    )
    visible = set(visible_people(builders.actor(staff["housing"])).values_list("pk", flat=True))
    assert recent.pk in visible
    assert old.pk not in visible


def test_a_user_with_no_agency_sees_no_one(partnership, people):
    from django.contrib.auth.models import User

    loner = User.objects.create_user(username="loner", password=PASSWORD)
    assert not visible_people(builders.actor(loner)).exists()


def test_pages_need_a_signed_in_user(client, people):
    for url in ["/caseload/", "/search/?q=Smith", f"/people/{people['tenant'].pk}/", "/access-log/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


def test_search_finds_only_visible_people(client, staff, people):
    client.force_login(staff["housing"])
    response = client.get("/search/", {"q": "Supervised"})
    assert b"Supervised" not in response.content.split(b'id="search-results"')[1]
    response = client.get("/search/", {"q": "Tenant"})
    assert b"TENANT, Tess" in response.content
