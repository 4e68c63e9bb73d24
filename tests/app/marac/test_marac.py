"""MARAC (issue 15, item 2): victims as restricted records, the DASH checklist (14 or more "yes" refers by the
DASH route), professional judgement and escalation, repeats within 12 months, the perpetrator linked to a
person in the caseload and flagged on their record, each agency's actions, the VAWG figures; only the roles
that support victims see a victim, everyone else is refused through the one refusal helper and logged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.http import Http404

from desist.audit.models import AccessLogEntry, Action
from desist.marac import selectors, services
from desist.marac.models import MaracReferral
from desist.partnership.models import Role
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db

YES14 = ["yes"] * 14 + ["no"] * 9 + ["not_known"]


@pytest.fixture
def staff(partnership):
    p = partnership
    return {
        "coordinator": p.user("mara.coordinator", p.police, role=Role.MARAC_COORDINATOR),
        "idva": p.user("ida.idva", p.housing, role=Role.IDVA),
        "officer": p.user("pat.probation", p.probation),
        "outsider": p.user("hana.housing", p.housing),
        "police": p.user("pc.police", p.police),
    }


@pytest.fixture
def perpetrator(partnership, staff):
    return builders.person(
        first_name="Dale", last_name="Harmer", involved=[(partnership.probation, staff["officer"])]
    )


def victim(staff, reference="MARAC-1"):
    return services.victim_record(
        actor=builders.actor(staff["coordinator"]), reference=reference, name="Vicky Synthetic"
    )


def test_a_dash_score_of_14_refers_by_the_dash_route(staff):
    v = victim(staff)
    actor = builders.actor(staff["coordinator"])
    assessment, referral = services.dash_record(actor=actor, victim=v, answers=YES14, incident_on=TODAY)
    assert assessment.score == 14
    assert referral is not None and referral.route == "dash_score" and referral.dash_score == 14
    assert referral.referred_by == staff["coordinator"]
    assert not referral.is_repeat
    assert AccessLogEntry.objects.filter(object_type="marac.maracreferral", action=Action.COLLECTION).exists()


def test_a_dash_score_of_13_refers_no_one(staff):
    v = victim(staff)
    answers = ["yes"] * 13 + ["no"] * 11
    _, referral = services.dash_record(
        actor=builders.actor(staff["idva"]), victim=v, answers=answers, incident_on=TODAY
    )
    assert referral is None
    assert not MaracReferral.objects.exists()


def test_professional_judgement_needs_a_reason_and_escalation_the_call_outs(staff):
    v = victim(staff)
    actor = builders.actor(staff["coordinator"])
    with pytest.raises(services.MaracError):
        services.referral_make(actor=actor, victim=v, route="professional_judgement", incident_on=TODAY)
    with pytest.raises(services.MaracError):
        services.referral_make(
            actor=actor, victim=v, route="escalation", incident_on=TODAY, police_call_outs=2
        )
    made = services.referral_make(
        actor=actor, victim=v, route="escalation", incident_on=TODAY, police_call_outs=3
    )
    assert made.route == "escalation"


def test_a_new_incident_within_12_months_of_the_last_referral_is_a_repeat(staff):
    v = victim(staff)
    actor = builders.actor(staff["coordinator"])
    first = services.referral_make(
        actor=actor,
        victim=v,
        route="professional_judgement",
        judgement_reason="Threats to kill",
        incident_on=TODAY - timedelta(days=300),
        on=TODAY - timedelta(days=299),
    )
    second = services.referral_make(
        actor=actor, victim=v, route="escalation", police_call_outs=4, incident_on=TODAY
    )
    assert second.is_repeat and second.previous == first
    other = victim(staff, "MARAC-2")
    services.referral_make(
        actor=actor,
        victim=other,
        route="professional_judgement",
        judgement_reason="Stalking",
        incident_on=TODAY - timedelta(days=500),
        on=TODAY - timedelta(days=500),
    )
    late = services.referral_make(
        actor=actor, victim=other, route="escalation", police_call_outs=3, incident_on=TODAY
    )
    assert not late.is_repeat
    report = selectors.vawg_report(start=TODAY - timedelta(days=364), end=TODAY)
    assert (report.repeat_rate.referrals, report.repeat_rate.repeats) == (3, 1)


def test_the_database_refuses_a_dash_referral_under_14(staff):
    v = victim(staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        MaracReferral.objects.create(
            victim=v,
            route="dash_score",
            dash_score=13,
            incident_on=TODAY,
            referred_on=TODAY,
            referring_agency_id=staff["coordinator"].memberships.first().agency_id,
            referred_by=staff["coordinator"],
        )


def test_a_decision_needs_a_deciding_user(staff):
    v = victim(staff)
    with pytest.raises(Exception):  # noqa: B017 (the system actor has no role: refused, or no user)
        services.referral_make(
            actor=builders.actor(), victim=v, route="escalation", police_call_outs=5, incident_on=TODAY
        )


def test_only_the_roles_that_support_victims_see_a_victim(staff):
    v = victim(staff)
    outsider = builders.actor(staff["outsider"])
    with pytest.raises(Http404):
        selectors.victim_for_actor(outsider, v.pk)
    assert AccessLogEntry.objects.filter(action=Action.DENIED, username="hana.housing").exists()
    with pytest.raises(Http404):
        services.victim_record(actor=outsider, reference="X-1", name="Nobody")
    assert selectors.victim_for_actor(builders.actor(staff["idva"]), v.pk) == v


def test_the_perpetrator_is_linked_and_flagged_for_those_who_may_see_it(client, staff, perpetrator):
    v = victim(staff)
    actor = builders.actor(staff["coordinator"])
    _, referral = services.dash_record(actor=actor, victim=v, answers=YES14, incident_on=TODAY)
    # The coordinator's agency (police) does not work with Dale: the one access rule refuses.
    with pytest.raises(Http404):
        services.perpetrator_link(actor=actor, referral=referral, person_id=perpetrator.pk)
    services.perpetrator_link(actor=builders.actor(staff["idva"]), referral=referral, person_id=None)
    referral.perpetrator = perpetrator
    referral.save(update_fields=["perpetrator"])
    # The probation officer sees Dale but no referral: no flag. An action for probation shows it.
    client.force_login(staff["officer"])
    assert "MARAC perpetrator" not in client.get(f"/people/{perpetrator.pk}/").content.decode()
    services.action_add(
        actor=actor,
        referral=referral,
        agency=staff["officer"].memberships.first().agency,
        text="Home visit",
        due_on=TODAY + timedelta(days=7),
    )
    page = client.get(f"/people/{perpetrator.pk}/").content.decode()
    assert "MARAC perpetrator" in page
    referral_page = client.get(f"/marac/referrals/{referral.pk}/").content.decode()
    assert "Vicky" not in referral_page and "Restricted" in referral_page and "Dale" in referral_page


def test_perpetrator_link_through_the_page(client, staff, perpetrator, partnership):
    idva = partnership.user("ivy.idva", partnership.probation, role=Role.IDVA)
    v = victim(staff)
    _, referral = services.dash_record(actor=builders.actor(idva), victim=v, answers=YES14, incident_on=TODAY)
    client.force_login(idva)
    found = client.get(f"/marac/referrals/{referral.pk}/perpetrator/", {"q": "Harmer"})
    assert "Link Dale Harmer" in found.content.decode()
    done = client.post(f"/marac/referrals/{referral.pk}/perpetrator/", {"person": perpetrator.pk})
    assert done.status_code == 302
    referral.refresh_from_db()
    assert referral.perpetrator == perpetrator and referral.perpetrator_linked_by == idva
    assert "MARAC perpetrator" in client.get(f"/people/{perpetrator.pk}/").content.decode()
    vawg = client.get("/marac/vawg/").content.decode()
    assert "Dale Harmer" in vawg


def test_the_dash_page_refers_on_14_yes(client, staff):
    v = victim(staff)
    client.force_login(staff["coordinator"])
    data = {"incident_on": TODAY.isoformat()} | {f"q{i + 1}": a for i, a in enumerate(YES14)}
    response = client.post(f"/marac/victims/{v.pk}/dash/", data)
    referral = MaracReferral.objects.get()
    assert response.status_code == 302 and response.url == f"/marac/referrals/{referral.pk}/"
    assert referral.get_route_display() == "DASH score"


def test_the_refer_page_by_professional_judgement(client, staff):
    v = victim(staff)
    client.force_login(staff["idva"])
    empty = client.post(f"/marac/victims/{v.pk}/refer/", {"route": "professional_judgement"})
    assert empty.status_code == 200 and "Say why" in empty.content.decode()
    agency = staff["idva"].memberships.first().agency_id
    response = client.post(
        f"/marac/victims/{v.pk}/refer/",
        {
            "route": "professional_judgement",
            "judgement_reason": "Strangulation reported",
            "incident_on": TODAY.isoformat(),
            "referring_agency": agency,
        },
    )
    assert response.status_code == 302
    assert MaracReferral.objects.get().judgement_reason == "Strangulation reported"


def test_actions_are_closed_by_their_agency(client, staff):
    v = victim(staff)
    actor = builders.actor(staff["coordinator"])
    _, referral = services.dash_record(actor=actor, victim=v, answers=YES14, incident_on=TODAY)
    housing = staff["outsider"].memberships.first().agency
    action = services.action_add(
        actor=actor, referral=referral, agency=housing, text="Sanctuary scheme", due_on=TODAY
    )
    client.force_login(staff["police"])
    assert client.post(f"/marac/actions/{action.pk}/", {"status": "done"}).status_code == 404
    client.force_login(staff["outsider"])
    assert client.post(f"/marac/actions/{action.pk}/", {"status": "done"}).status_code == 302
    action.refresh_from_db()
    assert action.status == "done" and action.closed_by == staff["outsider"]


def test_cases_for_the_agenda_are_the_referrals_awaiting_a_meeting(staff):
    v = victim(staff)
    actor = builders.actor(staff["coordinator"])
    _, waiting = services.dash_record(actor=actor, victim=v, answers=YES14, incident_on=TODAY)
    other = victim(staff, "MARAC-2")
    _, heard = services.dash_record(actor=actor, victim=other, answers=YES14, incident_on=TODAY)
    services.referral_heard(actor=actor, referral=heard, heard_on=TODAY)
    assert list(selectors.marac_cases_for_agenda(TODAY)) == [waiting]
    assert list(selectors.marac_cases_for_agenda(TODAY - timedelta(days=1))) == []


def _referrals(staff, perpetrator, n):
    actor = builders.actor(staff["coordinator"])
    for i in range(n):
        v = victim(staff, f"MARAC-{i}")
        _, r = services.dash_record(actor=actor, victim=v, answers=YES14, incident_on=TODAY)
        r.perpetrator = perpetrator
        r.save(update_fields=["perpetrator"])
        services.action_add(
            actor=actor, referral=r, agency=r.referring_agency, text="Safety plan", due_on=TODAY
        )


@pytest.mark.parametrize("n", [2, 12])
def test_pages_take_a_bounded_number_of_queries(client, staff, perpetrator, n, django_assert_max_num_queries):
    _referrals(staff, perpetrator, n)
    referral = MaracReferral.objects.first()
    client.force_login(staff["coordinator"])
    client.get("/marac/")  # the session and purpose settle
    for url in (
        "/marac/",
        "/marac/vawg/",
        "/marac/victims/",
        f"/marac/referrals/{referral.pk}/",
        f"/marac/victims/{referral.victim_id}/",
        f"/marac/victims/{referral.victim_id}/dash/",
    ):
        with django_assert_max_num_queries(22):
            assert client.get(url).status_code == 200, url


def test_pages_are_refused_and_logged_for_others(client, staff):
    v = victim(staff)
    actor = builders.actor(staff["coordinator"])
    _, referral = services.dash_record(actor=actor, victim=v, answers=YES14, incident_on=TODAY)
    client.force_login(staff["outsider"])
    for url in (
        f"/marac/victims/{v.pk}/",
        f"/marac/victims/{v.pk}/dash/",
        f"/marac/victims/{v.pk}/refer/",
        "/marac/victims/",
        "/marac/victims/new/",
        f"/marac/referrals/{referral.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert AccessLogEntry.objects.filter(action=Action.DENIED, username="hana.housing").count() == 6
    listing = client.get("/marac/").content.decode()
    assert "Vicky" not in listing
    assert client.get("/marac/vawg/").status_code == 200
