"""Recording an assessment on the page and through the API: who may, what is saved (sections, needs,
received predictors, answers), the messages for bad input (nothing saved), the access log and query bounds."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from desist.api.services import api_token_issue
from desist.assessments.models import Assessment, AssessmentSection, RiskScore
from desist.audit.models import AccessLogEntry, Action
from desist.partnership.models import Agency, AgencyKind, Role
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def worker(partnership):
    return partnership.user("pat.probation", partnership.probation)


@pytest.fixture
def officer(partnership):
    return partnership.user("paul.police", partnership.police)


@pytest.fixture
def subject(partnership, worker, officer):
    person = builders.person(
        first_name="Dean",
        last_name="Carter",
        involved=[(partnership.probation, worker), (partnership.police, officer)],
    )
    builders.community_order(person, start=TODAY - timedelta(days=30))
    return person


def form_data(**changes):
    """A partial assessment as the page posts it: RoSH to two audiences, predictors, two sections, items."""
    when = TODAY - timedelta(days=3)
    data = {
        "assessed_on_day": str(when.day),
        "assessed_on_month": str(when.month),
        "assessed_on_year": str(when.year),
        "rosh_public": "high",
        "rosh_known_adult": "medium",
        "rosh_children": "",
        "rosh_staff": "",
        "rsr_percent": "4.25",
        "arp_percent": "62",
        "csrp_percent": "3.1",
        "dcsrp_band": "",
        "dcsrp_score": "",
        # accommodation 2+2+1+0 = 5: standard need (2–6); drugs 2+2+2+2 = 8: severe (8+)
        "accommodation_1": "2",
        "accommodation_2": "2",
        "accommodation_3": "1",
        "accommodation_4": "0",
        "drugs_1": "2",
        "drugs_2": "2",
        "drugs_3": "2",
        "drugs_4": "2",
        "finance_1": "1",
        "item_unemployed": "yes",
        "item_no_fixed_abode": "no",
        "item_temper_control": "1",
    }
    data.update(changes)
    return data


def url(person):
    return f"/people/{person.pk}/assessments/new/"


def test_assessors_see_the_link_and_others_do_not(client, subject, worker, officer):
    client.force_login(worker)
    assert url(subject) in client.get(f"/people/{subject.pk}/risk/").content.decode()
    client.force_login(officer)
    assert url(subject) not in client.get(f"/people/{subject.pk}/risk/").content.decode()


def test_the_form_asks_every_part(client, subject, worker, django_assert_max_num_queries):
    client.force_login(worker)
    with django_assert_max_num_queries(12):
        response = client.get(url(subject))
    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Record an assessment",
        "Risk of serious harm to the public",
        "Risk of serious harm to staff",
        "ARP",
        "CSRP",
        "Direct-contact sexual reoffending band",
        "3. Accommodation",
        "12. Attitudes",
        "5. Financial management and income",
        "3.1 No fixed abode or transient",
        "Currently unemployed (OASys 4.2)",
        "Parenting responsibilities (OASys 6.9)",
        "A previous breach or recall",
        'name="assessed_on_day"',
    ]:
        assert text in html, text


def test_recording_saves_the_assessment_its_sections_and_needs(
    client, subject, worker, django_assert_max_num_queries
):
    client.force_login(worker)
    with django_assert_max_num_queries(28):  # full_clean checks each constraint: constant
        response = client.post(url(subject), form_data())
    assert response.status_code == 302 and response["Location"] == f"/people/{subject.pk}/risk/"
    assessment = Assessment.objects.get(person=subject)
    assert (assessment.version, assessment.source, assessment.recorded_by) == (1, "desist", worker)
    assert assessment.rosh_by_audience == {"public": "high", "known_adult": "medium"}
    assert (assessment.rsr_percent, assessment.arp_percent, assessment.csrp_percent) == (
        Decimal("4.25"),
        Decimal("62.00"),
        Decimal("3.10"),
    )
    assert (assessment.dcsrp_band, assessment.dcsrp_score) == ("", None)
    assert assessment.answers == {"unemployed": True, "no_fixed_abode": False, "temper_control": 1}
    sections = {s.section: s for s in AssessmentSection.objects.filter(assessment=assessment)}
    assert set(sections) == {"accommodation", "drugs", "finance"}  # blank sections are not recorded
    assert (
        sections["accommodation"].question_scores,
        sections["accommodation"].score,
        sections["accommodation"].need,
    ) == ([2, 2, 1, 0], 5, "standard")
    assert (sections["drugs"].score, sections["drugs"].need) == (8, "severe")
    assert (sections["finance"].question_scores, sections["finance"].need) == ([1, None, None, None], "")
    entry = AccessLogEntry.objects.get(
        action=Action.COLLECTION, person_id=subject.pk, summary__startswith="Recorded assessment"
    )
    assert entry.username == "pat.probation"
    assert entry.detail["after"]["arp_percent"] == 62.0

    page = client.get(response["Location"]).content.decode()
    assert "govuk-notification-banner--success" in page and "Assessment 1 is recorded" in page


@pytest.mark.parametrize(
    ("changes", "messages"),
    [
        (
            {"assessed_on_day": "", "assessed_on_month": "", "assessed_on_year": ""},
            ["Enter the date of the assessment"],
        ),
        ({"assessed_on_day": "31", "assessed_on_month": "2"}, ["Date of the assessment must be a real date"]),
        ({"assessed_on_year": ""}, ["Date of the assessment must include a year"]),
        ({"assessed_on_year": str(TODAY.year + 1)}, ["Date of the assessment must be today or in the past"]),
        ({"rsr_percent": "lots"}, ["RSR must be a number, like 3.45"]),
        (
            {"arp_percent": "101", "csrp_percent": "-1"},
            ["ARP must be between 0 and 100", "CSRP must be between 0 and 100"],
        ),
        ({"csrp_percent": "1.234"}, ["CSRP must have no more than 2 decimal places"]),
        ({"dcsrp_band": "medium"}, ["Enter the direct-contact sexual reoffending score: the band is medium"]),
        (
            {"dcsrp_score": "2.5"},
            ["Select the direct-contact sexual reoffending band that goes with the score"],
        ),
        ({"rosh_public": "extreme"}, ["Choose the risk of serious harm to the public"]),
        ({"drugs_2": "3"}, ["8.2 Ever injected: select 0, 1 or 2"]),
        ({"item_unemployed": "maybe"}, ["Currently unemployed (OASys 4.2): select yes or no"]),
    ],
)
def test_bad_input_gets_a_clear_message_and_nothing_is_saved(client, subject, worker, changes, messages):
    client.force_login(worker)
    response = client.post(url(subject), form_data(**changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and "govuk-error-summary" in html
    for message in messages:
        assert html.count(message) == 2, message  # in the summary and beside the field
    assert not Assessment.objects.exists()
    assert 'name="accommodation_1" type="radio" value="2" checked' in html  # what was entered is kept


def test_an_assessment_needs_at_least_one_finding(client, subject, worker):
    client.force_login(worker)
    when = TODAY - timedelta(days=1)
    response = client.post(
        url(subject),
        {"assessed_on_day": when.day, "assessed_on_month": when.month, "assessed_on_year": when.year},
    )
    assert "Enter at least one finding" in response.content.decode()
    assert not Assessment.objects.exists()


def test_only_assessors_may_record(client, subject, officer):
    client.force_login(officer)
    assert client.get(url(subject)).status_code == 403
    assert client.post(url(subject), form_data()).status_code == 403
    assert not Assessment.objects.exists()
    assert (
        AccessLogEntry.objects.filter(
            action=Action.DENIED, person_id=subject.pk, username="paul.police"
        ).count()
        == 2
    )


def test_which_agencies_assess_is_a_setting(client, subject, officer, settings):
    settings.DESIST_ASSESSOR_AGENCY_KINDS = ["police"]
    client.force_login(officer)
    assert client.post(url(subject), form_data()).status_code == 302


def test_youth_justice_managers_assess_and_coordinators_do_not(client, partnership):
    yjs = Agency.objects.create(code="yjs", name="Medway Youth Justice", kind=AgencyKind.YOUTH_JUSTICE)
    manager = partnership.user("mo.manager", yjs, role=Role.MANAGER)
    young = builders.person(first_name="Kai", last_name="Young", involved=[(yjs, manager)])
    client.force_login(manager)
    assert client.post(url(young), form_data()).status_code == 302
    coordinator = partnership.user("cat.coordinator", partnership.probation, role=Role.COORDINATOR)
    client.force_login(coordinator)
    assert client.get(url(young)).status_code == 404  # probation is not involved with Kai


def test_someone_elses_record_answers_404_and_is_logged(client, partnership, worker):
    theirs = builders.person(first_name="Amy", last_name="Other", involved=[(partnership.housing, None)])
    client.force_login(worker)
    assert client.get(url(theirs)).status_code == 404
    assert client.post(url(theirs), form_data()).status_code == 404
    assert not Assessment.objects.exists()
    assert AccessLogEntry.objects.filter(action=Action.DENIED, person_id=theirs.pk).count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_scores_follow_in_the_background(client, subject, worker):
    client.force_login(worker)
    client.post(url(subject), form_data(arp_percent="", csrp_percent=""))
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    letter = RiskScore.objects.get(person=subject, kind="tier_letter", is_current=True)
    assert letter.display == "Not enough information" and len(letter.missing) == 2
    page = client.get(f"/people/{subject.pk}/risk/").content.decode()
    assert "Tier (single-letter model)" in page and "ARP (all reoffending predictor)" in page

    client.post(url(subject), form_data(arp_percent="62", csrp_percent="3.1"))
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    letter = RiskScore.objects.get(person=subject, kind="tier_letter", is_current=True)
    assert (letter.value, letter.missing) == ("C", [])  # ARP 62 × CSRP 3.1: C; high RoSH without MAPPA: D
    assert RiskScore.objects.get(person=subject, kind="rosh", is_current=True).value == "high"


# --- the API ---------------------------------------------------------------------------------------------


def bearer(user):
    _, token = api_token_issue(user=user, name="test", scopes=("read", "write"))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_X_DESIST_PURPOSE": "case_management"}


def api_url(person):
    return f"/api/people/{person.pk}/assessments"


def body(**changes):
    data = {
        "assessed_on": (TODAY - timedelta(days=3)).isoformat(),
        "rosh": {"public": "high", "known_adult": "medium"},
        "rsr_percent": 4.25,
        "arp_percent": 62,
        "csrp_percent": 3.1,
        "sections": {"accommodation": [2, 2, 1, 0], "drugs": [2, 2, 2, 2], "ete": [None, None]},
        "answers": {"unemployed": True, "no_fixed_abode": False, "temper_control": 1},
    }
    data.update(changes)
    return data


def test_the_api_records_an_assessment(client, subject, worker, django_assert_max_num_queries):
    headers = bearer(worker)
    with django_assert_max_num_queries(29):  # full_clean checks each constraint; one query chains the log
        response = client.post(api_url(subject), body(), content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    out = response.json()
    assert (out["version"], out["rosh"], out["arp_percent"], out["csrp_percent"]) == (
        1,
        {"public": "high", "known_adult": "medium"},
        62.0,
        3.1,
    )
    assert {s["section"]: s["need"] for s in out["sections"]} == {
        "accommodation": "standard",
        "drugs": "severe",
    }
    assert out["answers"] == {"unemployed": True, "no_fixed_abode": False, "temper_control": 1}
    assert out["recorded_by"] == "pat.probation"
    assert AccessLogEntry.objects.filter(
        action=Action.COLLECTION, person_id=subject.pk, channel="api"
    ).exists()


def test_the_api_gives_the_pages_messages_at_their_place_in_the_json(client, subject, worker):
    response = client.post(
        api_url(subject),
        body(
            arp_percent=101,
            rosh={"public": "extreme", "pets": "high"},
            sections={"drugs": [2, 3], "shoes": [1]},
            answers={"unemployed": "maybe", "temper_control": True, "favourite_colour": 1},
            dcsrp_band="medium",
        ),
        content_type="application/json",
        **bearer(worker),
    )
    assert response.status_code == 422
    errors = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    assert errors[("body", "arp_percent")] == "ARP must be between 0 and 100"
    assert errors[("body", "rosh", "public")].startswith("Choose the risk of serious harm to the public")
    assert errors[("body", "rosh", "pets")].startswith("Unknown audience")
    assert errors[("body", "sections", "drugs", 1)] == "8.2 Ever injected: select 0, 1 or 2"
    assert errors[("body", "sections", "shoes")].startswith("Unknown OASys section")
    assert errors[("body", "answers", "unemployed")] == "Currently unemployed (OASys 4.2): select yes or no"
    assert errors[("body", "answers", "temper_control")].endswith("select 0, 1 or 2")
    assert errors[("body", "answers", "favourite_colour")].startswith("Unknown item")
    assert (
        errors[("body", "dcsrp_score")]
        == "Enter the direct-contact sexual reoffending score: the band is medium"
    )
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("payload", "loc", "message"),
    [
        (b"{not json", ["body"], "The body must be JSON"),
        (b'{"rsr_percent": 3}', ["body", "assessed_on"], "Enter the date of the assessment"),
        (b'{"assessed_on": "31/02/2025", "rsr_percent": 3}', ["body", "assessed_on"], "must be a real date"),
        (b'{"assessed_on": "2025-01-01"}', ["body"], "Enter at least one finding"),
    ],
)
def test_the_api_says_what_is_wrong_with_the_body(client, subject, worker, payload, loc, message):
    response = client.post(api_url(subject), payload, content_type="application/json", **bearer(worker))
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == loc and message in error["msg"]


def test_the_api_refuses_non_assessors_and_other_records(client, partnership, subject, officer, worker):
    response = client.post(api_url(subject), body(), content_type="application/json", **bearer(officer))
    assert response.status_code == 403
    theirs = builders.person(first_name="Amy", last_name="Other", involved=[(partnership.housing, None)])
    response = client.post(api_url(theirs), body(), content_type="application/json", **bearer(worker))
    assert response.status_code == 404
    assert client.get(api_url(theirs), **bearer(worker)).status_code == 404
    assert not Assessment.objects.exists()
    assert AccessLogEntry.objects.filter(action=Action.DENIED).count() == 3


def test_the_api_lists_every_version_in_bounded_queries(
    client, subject, worker, officer, django_assert_max_num_queries
):
    headers = bearer(worker)
    for days in (300, 200, 100):
        client.post(
            api_url(subject),
            body(assessed_on=(TODAY - timedelta(days=days)).isoformat()),
            content_type="application/json",
            **headers,
        )
    reader = bearer(officer)  # police can read what probation recorded
    with django_assert_max_num_queries(10):
        response = client.get(api_url(subject), **reader)
    assert response.status_code == 200
    versions = response.json()
    assert [v["version"] for v in versions] == [3, 2, 1]
    assert all(len(v["sections"]) == 2 for v in versions)
    with django_assert_max_num_queries(10):
        client.get(api_url(subject), **reader)  # the same count however many versions
