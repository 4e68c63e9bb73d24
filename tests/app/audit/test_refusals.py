"""One way to refuse, every refusal logged, relatives hidden (issue 10, items 4 and 6; issue 13, item 1)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.http import Http404
from ninja.errors import HttpError

from desist.audit.models import AccessLogEntry, Action, Channel
from desist.audit.refusals import refuse
from desist.iom import services as iom
from desist.offences.services import offence_record
from desist.people.models import RelationshipKind
from desist.people.services import relationship_record
from tests.app import builders
from tests.app.builders import PASSWORD, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(partnership):
    return {
        "probation": partnership.user("pat.probation", partnership.probation),
        "coordinator": partnership.user("cora.coordinator", partnership.probation, role="coordinator"),
        "housing": partnership.user("hana.housing", partnership.housing),
        "police": partnership.user("ian.iom", partnership.police),
    }


@pytest.fixture
def family(partnership, staff):
    """A tenant housing works with, her brother (probation only) and her mother (housing too)."""
    tenant = builders.person(
        first_name="Tess", last_name="Tenant", involved=[(partnership.housing, staff["housing"])]
    )
    brother = builders.person(
        first_name="Bram",
        last_name="Brother",
        date_of_birth=TODAY.replace(year=1988),
        involved=[(partnership.probation, staff["probation"])],
    )
    mother = builders.person(first_name="Mona", last_name="Mother", involved=[(partnership.housing, None)])
    system = builders.actor()
    relationship_record(actor=system, person=tenant, related_person=brother, kind=RelationshipKind.SIBLING)
    relationship_record(actor=system, person=tenant, related_person=mother, kind=RelationshipKind.PARENT)
    return {"tenant": tenant, "brother": brother, "mother": mother}


def denied(**filters):
    return AccessLogEntry.objects.filter(action=Action.DENIED, **filters)


# --- Item 4: relatives the user's agency does not work with are hidden, on every channel --------------------


def test_the_record_page_hides_a_relative_the_agency_does_not_work_with(client, staff, family):
    client.force_login(staff["housing"])
    page = client.get(f"/people/{family['tenant'].pk}/household/").content.decode()
    assert "Mona Mother" in page and f"/people/{family['mother'].pk}/" in page
    assert "Brother" not in page and "Bram" not in page
    assert f"/people/{family['brother'].pk}/" not in page
    assert "A person not in your caseload" in page and "Sibling" in page
    born = family["brother"].date_of_birth  # in no form a page might write it
    assert not [
        w
        for w in (born.isoformat(), f"{born:%-d %B %Y}", f"{born:%-d %b %Y}", f"{born:%d/%m/%Y}")
        if w in page
    ]


def test_the_api_record_hides_a_relative_the_agency_does_not_work_with(client, staff, family):
    client.force_login(staff["housing"])
    body = client.get(f"/api/people/{family['tenant'].pk}").json()
    by_kind = {r["kind"]: r for r in body["relationships"]}
    assert by_kind["parent"] == {
        "kind": "parent",
        "related_person_id": family["mother"].pk,
        "related_person_name": "Mona Mother",
        "visible": True,
    }
    assert by_kind["sibling"] == {
        "kind": "sibling",
        "related_person_id": None,
        "related_person_name": None,
        "visible": False,
    }
    assert "Bram" not in str(body) and family["brother"].date_of_birth.isoformat() not in str(body)


def test_the_hiding_runs_both_ways(client, staff, family):
    client.force_login(staff["probation"])
    brother = client.get(f"/api/people/{family['brother'].pk}").json()
    assert brother["relationships"] == [
        {"kind": "sibling", "related_person_id": None, "related_person_name": None, "visible": False}
    ]


# --- Item 6: the refusals that were not logged --------------------------------------------------------------


@pytest.fixture
def proposed(partnership, staff):
    person = builders.person(
        last_name="Prolific",
        involved=[(partnership.probation, staff["probation"]), (partnership.police, staff["police"])],
    )
    return iom.cohort_propose(actor=builders.actor(staff["coordinator"]), person=person)


def test_a_panel_decision_about_someone_else_is_refused_and_logged(client, staff, proposed):
    client.force_login(staff["housing"])
    assert client.get(f"/iom/decisions/{proposed.pk}/").status_code == 404
    entry = denied(username="hana.housing").get()
    assert entry.person_id == proposed.person_id and "panel decision" in entry.summary


def test_proposing_without_the_role_is_refused_and_logged(client, staff, proposed):
    client.force_login(staff["probation"])
    assert client.post(f"/iom/candidates/{proposed.person_id}/propose/").status_code == 403
    assert denied(username="pat.probation", person_id=proposed.person_id).count() == 1
    client.force_login(staff["coordinator"])
    stranger = builders.person(last_name="Stranger")
    assert client.post(f"/iom/candidates/{stranger.pk}/propose/").status_code == 404
    assert denied(username="cora.coordinator", person_id=stranger.pk).count() == 1


def test_a_decision_without_the_role_is_refused_and_logged(client, staff, proposed):
    client.force_login(staff["probation"])
    response = client.post(f"/iom/decisions/{proposed.pk}/", {"decision": "decline", "reason": "No"})
    assert response.status_code == 403
    assert denied(username="pat.probation", person_id=proposed.person_id).count() == 1


def test_choosing_the_category_of_someone_elses_offence_is_refused_and_logged(client, staff, partnership):
    person = builders.person(involved=[(partnership.probation, None)])
    builders.offence_code("02800")
    offence = offence_record(
        actor=builders.actor(),
        person=person,
        offence_code="02800",
        offence_date=TODAY - timedelta(days=60),
        outcome="conviction",
        outcome_date=TODAY - timedelta(days=30),
        disposal="community",
    )
    client.force_login(staff["housing"])
    response = client.post(
        f"/people/{person.pk}/offences/{offence.pk}/category/", {"category": "Burglary (domestic)"}
    )
    assert response.status_code == 404
    assert denied(username="hana.housing", person_id=person.pk).count() == 1


@pytest.mark.parametrize("url", ["/access-log/", "/imports/"])
def test_pages_for_other_roles_are_refused_and_logged(client, staff, url):
    client.force_login(staff["probation"])
    assert client.get(url).status_code == 403
    entry = denied(username="pat.probation").get()
    assert "view" not in entry.detail, "logged by the view's own refusal, not only by the middleware's net"


def test_a_failed_sign_in_is_logged_without_the_password(client, staff):
    response = client.post("/accounts/login/", {"username": "pat.probation", "password": "Hunter2-wrong"})
    assert response.status_code == 200  # the page itself is unchanged: the form again, with its message
    entry = denied(username="pat.probation").get()
    assert entry.channel == Channel.WEB and "Sign-in refused" in entry.summary
    assert entry.detail["reason"] == "wrong user name or password"
    assert "Hunter2" not in str(entry.detail) + entry.summary + entry.path


def test_a_lockout_is_logged(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "pat.probation", "password": "wrong"})
    assert (
        client.post("/accounts/login/", {"username": "pat.probation", "password": PASSWORD}).status_code
        == 429
    )
    assert denied(username="pat.probation", summary__startswith="Sign-in locked").exists()
    assert denied(username="pat.probation", detail__reason="locked out after repeated failures").exists()


def test_an_unlogged_refusal_is_caught_by_the_net(client, staff):
    client.force_login(staff["probation"])
    assert client.get("/board/published/1999Q9/pack.pdf").status_code == 404
    entry = denied(username="pat.probation").get()
    assert entry.detail["status"] == 404 and entry.path == "/board/published/1999Q9/pack.pdf"


# --- Issue 13, item 1: one refusal, the error each channel understands --------------------------------------


@pytest.mark.parametrize(
    ("channel", "status", "error"),
    [
        (Channel.WEB, 404, Http404),
        (Channel.WEB, 403, PermissionDenied),
        (Channel.API, 404, HttpError),
        (Channel.API, 403, HttpError),
        (Channel.CLI, 404, CommandError),
    ],
)
def test_refuse_logs_and_raises_what_the_channel_understands(staff, channel, status, error):
    actor = builders.actor(staff["housing"], channel=channel)
    with pytest.raises(error) as raised:
        refuse(actor, summary="Refused access to person 7", person_id=7, status=status)
    if error is HttpError:
        assert raised.value.status_code == status
    entry = denied().get()
    assert (entry.channel, entry.person_id, entry.username) == (channel, 7, "hana.housing")


def test_an_api_call_with_a_token_that_is_not_valid_is_logged(client, db):
    response = client.get("/api/people", HTTP_AUTHORIZATION="Bearer dst_not-a-token")
    assert response.status_code == 401
    entry = denied().get()
    assert (entry.username, entry.channel, entry.detail["reason"]) == (
        "anonymous",
        Channel.API,
        "API token not valid",
    )
    assert "dst_not-a-token" not in str(entry.detail) + entry.summary
