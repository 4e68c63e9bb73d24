"""The Django admin follows the agency rule and the log (issue 10, item 7): person data there is read-only,
scoped to the people the administrator's own agencies may see, and every list and record shown is logged;
granting a membership is logged as a disclosure and shown to the other administrators; an administrator sees
no names on another service's waiting list."""

from datetime import timedelta

import pytest
from django.contrib import admin

from desist.assessments.models import RiskScore
from desist.audit.models import AccessLogEntry, Action
from desist.outcomes.services import enforcement_action_record
from desist.partnership.models import Membership, Role
from desist.people.admin import PersonDataAdmin
from desist.people.models import Person
from desist.referrals import services as referrals
from desist.referrals.models import Service
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(partnership):
    """An administrator at the housing agency; one tenant it works with, one probation case it does not."""
    ada = partnership.user(
        "ada.admin", partnership.housing, role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True
    )
    tenant = builders.person(first_name="Tess", last_name="Tenant", involved=[(partnership.housing, None)])
    supervised = builders.person(
        first_name="Sam", last_name="Supervised", involved=[(partnership.probation, None)]
    )
    actions = {}
    for subject in (tenant, supervised):
        order = builders.community_order(subject, start=TODAY - timedelta(days=60))
        actions[subject.pk] = enforcement_action_record(
            actor=builders.actor(), sentence=order, kind="warning", action_date=TODAY - timedelta(days=5)
        )
        RiskScore.objects.create(
            person=subject, kind="ogrs3", as_of=TODAY, one_year=20, two_year=35, band="low"
        )
    return {"ada": ada, "tenant": tenant, "supervised": supervised, "actions": actions}


def admin_entries():
    return AccessLogEntry.objects.filter(channel="admin").order_by("id")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/outcomes/enforcementaction/",
        "/admin/assessments/riskscore/",
        "/admin/outcomes/accommodationstatus/",
    ],
)
def test_a_list_of_person_data_is_scoped_and_logged(client, people, url, django_assert_max_num_queries):
    client.force_login(people["ada"])
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    shown = [obj for obj in response.context["cl"].result_list]
    assert all(obj.person_id == people["tenant"].pk for obj in shown)
    assert "Supervised" not in response.content.decode()
    entry = admin_entries().get(action=Action.CONSULTATION)
    assert entry.username == "ada.admin" and entry.summary.startswith("Listed ")
    assert entry.detail["person_ids"] == ([people["tenant"].pk] if shown else [])
    assert entry.detail["object_ids"] == [str(obj.pk) for obj in shown]


def test_a_record_in_the_admin_is_logged_and_one_out_of_scope_is_refused(client, people):
    client.force_login(people["ada"])
    mine = people["actions"][people["tenant"].pk]
    theirs = people["actions"][people["supervised"].pk]
    assert client.get(f"/admin/outcomes/enforcementaction/{mine.pk}/change/").status_code == 200
    viewed = admin_entries().get(action=Action.CONSULTATION)
    assert (viewed.person_id, viewed.object_id) == (people["tenant"].pk, str(mine.pk))
    response = client.get(f"/admin/outcomes/enforcementaction/{theirs.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist", the same as for no such row
    refused = admin_entries().get(action=Action.DENIED)
    assert refused.detail["object_id"] == str(theirs.pk)
    assert admin_entries().filter(action=Action.CONSULTATION).count() == 1


def test_deleting_changing_or_adding_person_data_is_refused_and_logged(client, people):
    client.force_login(people["ada"])
    score = RiskScore.objects.get(person=people["tenant"])
    action = people["actions"][people["tenant"].pk]
    assert client.post(f"/admin/assessments/riskscore/{score.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"/admin/assessments/riskscore/{score.pk}/delete/").status_code == 403
    assert client.post(
        "/admin/assessments/riskscore/",
        {"action": "delete_selected", "_selected_action": [score.pk], "post": "yes"},
    ).status_code in (200, 302)
    assert (
        client.post(
            f"/admin/outcomes/enforcementaction/{action.pk}/change/",
            {"kind": "breach", "action_date": TODAY.isoformat()},
        ).status_code
        == 403
    )
    assert client.get("/admin/outcomes/enforcementaction/add/").status_code == 403
    assert RiskScore.objects.filter(pk=score.pk).exists()
    action.refresh_from_db()
    assert action.kind == "warning"
    refusals = list(admin_entries().filter(action=Action.DENIED).values_list("summary", flat=True))
    assert len(refusals) == 4, refusals
    assert any("delete risk score" in s for s in refusals) and any(
        "change enforcement action" in s for s in refusals
    )


def test_the_access_log_in_the_admin_is_logged_too(client, people):
    client.force_login(people["ada"])
    assert client.get("/admin/audit/accesslogentry/").status_code == 200
    assert admin_entries().get(action=Action.CONSULTATION).summary.startswith("Listed access log entries")


def test_source_records_show_only_the_agencys_own_or_visible_people(client, people, partnership):
    from desist.imports.models import SourceRecord

    client.force_login(people["ada"])
    response = client.get("/admin/imports/sourcerecord/")
    assert response.status_code == 200
    queryset = admin.site._registry[SourceRecord].get_queryset(response.wsgi_request)
    assert "agency_id" in str(queryset.query) and "people_involvement" in str(queryset.query)


def test_every_admin_of_person_data_is_scoped_read_only_and_logged():
    """A model that holds or points at a person, registered in the admin, must use PersonDataAdmin; a new one
    cannot slip in unscoped."""

    def about_people(model, depth=0):
        if model is Person:
            return True
        if depth > 2:
            return False
        return any(
            f.is_relation
            and f.many_to_one
            and f.related_model is not None
            and f.related_model is not model
            and about_people(f.related_model, depth + 1)
            for f in model._meta.get_fields()
        )

    # Reached a person only through ids kept for provenance, with no names; each justified in
    # docs/security.md.
    ids_only = {"linking.ReviewDecision"}
    for model, model_admin in admin.site._registry.items():
        if model._meta.label in ids_only:
            continue
        if about_people(model):
            assert isinstance(model_admin, PersonDataAdmin), model._meta.label
            for permission in ("has_add_permission", "has_change_permission", "has_delete_permission"):
                assert getattr(model_admin, permission)(None) is False, (model._meta.label, permission)


# --- memberships: grants of access --------------------------------------------------------------------------


def test_a_membership_grant_is_a_disclosure_shown_to_the_other_administrators(client, people, partnership):
    ada = people["ada"]
    bob = partnership.user(
        "bob.admin", partnership.police, role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True
    )
    client.force_login(ada)
    response = client.post(
        "/admin/partnership/membership/add/",
        {
            "user": ada.pk,
            "agency": partnership.probation.pk,
            "team": "",
            "role": Role.PRACTITIONER,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    grant = AccessLogEntry.objects.get(action=Action.DISCLOSURE)
    assert grant.channel == "admin" and grant.username == "ada.admin" and grant.recipient == "ada.admin"
    assert grant.object_type == "partnership.membership"
    assert grant.detail["after"] == {
        "agency": "probation",
        "role": "practitioner",
        "team": "",
        "is_active": True,
    }
    assert grant.detail["self_grant"] is True
    assert "granted themselves the practitioner role at probation" in grant.summary

    client.force_login(bob)
    index = client.get("/admin/").content.decode()
    assert "Recent access grants" in index
    assert "Purpose of your access: <strong>Case management</strong>" in index  # the admin shows it too
    assert "granted themselves the practitioner role at probation" in index and "(to themselves)" in index


def test_a_grant_on_the_users_page_and_a_withdrawal_are_logged(client, people, partnership):
    ada = people["ada"]
    pat = partnership.user("pat.worker", partnership.housing)
    client.force_login(ada)
    existing = Membership.objects.get(user=pat)
    page = client.get(f"/admin/auth/user/{pat.pk}/change/")
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(
        {
            "username": pat.username,
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": TODAY.isoformat(),
            "date_joined_1": "09:00:00",
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "1",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-id": existing.pk,
            "memberships-0-user": pat.pk,
            "memberships-0-agency": partnership.housing.pk,
            "memberships-0-role": "practitioner",
            "memberships-0-is_active": "on",
            "memberships-0-DELETE": "on",
            "memberships-1-user": pat.pk,
            "memberships-1-agency": partnership.probation.pk,
            "memberships-1-role": "manager",
            "memberships-1-is_active": "on",
        }
    )
    for key in ("is_active",):
        data[key] = "on"
    data.pop("groups", None)
    data.pop("user_permissions", None)
    response = client.post(f"/admin/auth/user/{pat.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert list(Membership.objects.filter(user=pat).values_list("agency__code", "role")) == [
        ("probation", "manager")
    ]
    grant = AccessLogEntry.objects.get(action=Action.DISCLOSURE)
    assert (
        grant.recipient == "pat.worker"
        and "granted pat.worker the manager role at probation" in grant.summary
    )
    withdrawn = AccessLogEntry.objects.get(action=Action.ALTERATION, object_type="partnership.membership")
    assert withdrawn.summary == "ada.admin withdrew pat.worker's membership of housing"


def test_making_someone_a_superuser_is_a_grant(client, people, partnership):
    from desist.partnership.services import administrator_rights_log

    pat = partnership.user("pat.worker", partnership.housing)
    administrator_rights_log(
        actor=builders.actor(people["ada"]),
        user=pat,
        before={"is_staff": False, "is_superuser": False},
        after={"is_staff": True, "is_superuser": True},
    )
    grant = AccessLogEntry.objects.get(action=Action.DISCLOSURE)
    assert grant.recipient == "pat.worker" and "administration rights" in grant.summary


# --- waiting lists ------------------------------------------------------------------------------------------


def test_an_administrator_sees_no_names_on_another_services_waiting_list(client, people, partnership):
    service = Service.objects.create(
        name="Mental health treatment requirement",
        provider=partnership.treatment,
        pathway="health",
        capacity=2,
        response_days=5,
    )
    worker = partnership.user("pat.probation", partnership.probation)
    provider = partnership.user("tia.treatment", partnership.treatment)
    referral = referrals.referral_make(
        actor=builders.actor(worker), person=people["supervised"], service=service
    )
    referrals.referral_acknowledge(actor=builders.actor(provider), referral=referral)
    referrals.referral_accept(actor=builders.actor(provider), referral=referral)
    client.force_login(people["ada"])
    page = client.get(f"/services/{service.pk}/waiting/").content.decode()
    assert "SUPERVISED" not in page and "Not shown" in page
    entry = AccessLogEntry.objects.filter(summary__startswith="Viewed the waiting list").get()
    assert entry.detail["person_ids"] == []
    client.force_login(provider)
    assert "SUPERVISED, Sam" in client.get(f"/services/{service.pk}/waiting/").content.decode()
