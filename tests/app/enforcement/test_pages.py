"""Enforcement pages and API (issue 14, items 3 and 4): the person's page and a failure's with bounded
queries, judging, warning (the refused second warning says why), referring and the court's outcome through
the forms, the warning letter as a PDF with the 12-month sentence, progress, recall, access, and the API."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from desist.audit.models import AccessLogEntry, Action
from desist.enforcement import services
from desist.enforcement.models import EnforcementReferral, EnforcementWarning, Failure
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db


def unacceptable(case, days_ago: int) -> Failure:
    made = services.record_failure(
        actor=case.officer,
        person=case.person,
        sentence=case.order,
        requirement=case.unpaid_work,
        occurred_on=TODAY - timedelta(days=days_ago),
        description="Did not attend unpaid work",
    )
    return services.judge_failure(
        actor=case.officer, failure=made, judgement="unacceptable", reason="No excuse"
    )


def test_the_person_page_shows_failures_progress_and_recalls_in_bounded_queries(
    client, case, django_assert_max_num_queries
):
    for n in (30, 20, 10):
        unacceptable(case, n)
    first = Failure.objects.order_by("occurred_on").first()
    services.issue_warning(actor=case.officer, failure=first, on=TODAY - timedelta(days=29))
    services.log_unpaid_work(
        actor=case.officer,
        requirement=case.unpaid_work,
        worked_on=TODAY - timedelta(days=3),
        hours=Decimal(6),
    )
    client.force_login(case.officer_user)
    with django_assert_max_num_queries(30) as counted:
        page = client.get(f"/people/{case.person.pk}/enforcement/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Compliance and enforcement" in html and "Warning letter (PDF)" in html
    assert "6 of 100 hours (6%), 94 left" in html and "Must be referred" in html
    # More failures cost no more queries.
    for n in (9, 8, 7, 6):
        unacceptable(case, n)
    with django_assert_max_num_queries(len(counted.captured_queries)):
        assert client.get(f"/people/{case.person.pk}/enforcement/").status_code == 200


def test_a_requirement_outside_the_law_s_limits_is_flagged_with_its_source(client, case):
    case.unpaid_work.amount = 320
    case.unpaid_work.save(update_fields=["amount"])
    client.force_login(case.officer_user)
    html = client.get(f"/people/{case.person.pk}/enforcement/").content.decode()
    assert "Outside the law" in html and "At most 300 hours (Sentencing Act 2020 Sch 9 Part 1)" in html


def test_a_missed_appointment_and_a_licence_condition_can_be_the_failure(client, case, partnership):
    from desist.sentences import services as sentences
    from desist.supervision.models import Appointment

    sentence = builders.custody(
        case.person,
        sentence_date=TODAY - timedelta(days=400),
        length_days=730,
        release=TODAY - timedelta(days=30),
        actual=True,
    )
    condition = sentences.licence_condition_add(
        actor=case.officer,
        sentence=sentence,
        kind="standard",
        code="STD_KEEP_IN_TOUCH",
        description="Keep in touch",
    )
    starts = timezone.now() - timedelta(days=2)
    missed = Appointment.objects.create(
        person=case.person,
        practitioner=case.officer_user,
        agency=partnership.probation,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        outcome="failed_to_attend",
        outcome_recorded_at=starts,
    )
    client.force_login(case.officer_user)
    page = client.get(f"/people/{case.person.pk}/enforcement/").content.decode()
    assert "Failed to attend" in page
    client.post(
        f"/people/{case.person.pk}/enforcement/failure/",
        {
            "failure-sentence": sentence.pk,
            "failure-licence_condition": condition.pk,
            "failure-appointment": missed.pk,
            "failure-occurred_on": (TODAY - timedelta(days=2)).isoformat(),
            "failure-description": "Did not report",
        },
    )
    failure = Failure.objects.get()
    assert (failure.licence_condition, failure.appointment) == (condition, missed)
    wrong = client.post(
        f"/people/{case.person.pk}/enforcement/failure/",
        {
            "failure-sentence": case.order.pk,
            "failure-licence_condition": condition.pk,
            "failure-occurred_on": TODAY.isoformat(),
            "failure-description": "Wrong licence",
        },
    )
    assert wrong.status_code == 400 and "Choose a requirement, licence condition" in wrong.content.decode()


def test_the_person_page_links_here(client, case):
    client.force_login(case.officer_user)
    assert (
        f"/people/{case.person.pk}/enforcement/" in client.get(f"/people/{case.person.pk}/").content.decode()
    )


def test_record_judge_warn_then_the_second_warning_is_refused_on_the_page(client, case):
    client.force_login(case.officer_user)
    base = f"/people/{case.person.pk}/enforcement/"
    made = client.post(
        f"{base}failure/",
        {
            "failure-sentence": case.order.pk,
            "failure-requirement": case.unpaid_work.pk,
            "failure-occurred_on": (TODAY - timedelta(days=5)).isoformat(),
            "failure-description": "Missed the Saturday session",
        },
    )
    failure = Failure.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/enforcement/failures/{failure.pk}/"
    judged = client.post(
        f"/enforcement/failures/{failure.pk}/judge/",
        {"judge-judgement": "unacceptable", "judge-reason": "No excuse given"},
        follow=True,
    )
    assert "Give a warning" in judged.content.decode()
    warned = client.post(f"/enforcement/failures/{failure.pk}/warn/", follow=True)
    assert "Warning given" in warned.content.decode()
    second = unacceptable(case, 0)  # since the warning: "has since failed" (Sch 10 para 6)
    page = client.get(f"/enforcement/failures/{second.pk}/").content.decode()
    assert "Give a warning" not in page and "within 12 months" in page
    refused = client.post(f"/enforcement/failures/{second.pk}/warn/")
    html = refused.content.decode()
    assert refused.status_code == 400 and "There is a problem" in html
    assert "A second warning cannot be given" in html and "within 12 months" in html
    assert not EnforcementWarning.objects.filter(failure=second).exists()
    referred = client.post(f"/enforcement/failures/{second.pk}/refer/", {"refer-note": "Breach"}, follow=True)
    assert "Referred for enforcement" in referred.content.decode()
    outcome = client.post(
        f"/enforcement/failures/{second.pk}/outcome/",
        {"outcome-outcome": "fine", "outcome-outcome_on": TODAY.isoformat()},
        follow=True,
    )
    assert "Court outcome recorded" in outcome.content.decode()
    assert EnforcementReferral.objects.get().outcome == "fine"


def test_an_invalid_judgement_shows_the_error_summary(client, case):
    failure = services.record_failure(
        actor=case.officer, person=case.person, sentence=case.order, occurred_on=TODAY, description="Late"
    )
    client.force_login(case.officer_user)
    bad = client.post(f"/enforcement/failures/{failure.pk}/judge/", {"judge-judgement": "acceptable"})
    assert "There is a problem" in bad.content.decode() and "Enter the reason" in bad.content.decode()


def test_the_warning_letter_is_a_pdf_that_says_another_failure_can_bring_them_back_to_court(client, case):
    warning = services.issue_warning(actor=case.officer, failure=unacceptable(case, 2))
    client.force_login(case.officer_user)
    response = client.get(f"/enforcement/warnings/{warning.pk}/letter.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "If you fail again to comply within 12 months of this warning" in text
    assert "you can be brought back before the court" in text
    assert AccessLogEntry.objects.filter(action=Action.DISCLOSURE, object_id=str(warning.pk)).exists()


def test_progress_and_ending_through_the_page(client, case):
    client.force_login(case.officer_user)
    base = f"/people/{case.person.pk}/enforcement/"
    client.post(
        f"{base}progress/",
        {
            "progress-requirement": case.rar.pk,
            "progress-kind": "rar_day",
            "progress-on": (TODAY - timedelta(days=1)).isoformat(),
        },
    )
    wrong = client.post(
        f"{base}progress/",
        {
            "progress-requirement": case.rar.pk,
            "progress-kind": "unpaid_work",
            "progress-on": TODAY.isoformat(),
            "progress-hours": "3",
        },
    )
    assert wrong.status_code == 400 and "does not count" in wrong.content.decode()
    ended = client.post(
        f"{base}end/",
        {
            "end-requirement": case.rar.pk,
            "end-kind": "terminated",
            "end-on": TODAY.isoformat(),
            "end-reason": "Revoked",
        },
        follow=True,
    )
    html = ended.content.decode()
    assert "1 of 20 days" in html and "Terminated" in html and "Revoked" in html


def test_a_recall_is_recommended_and_decided_on_the_page(client, case):
    sentence = builders.custody(
        case.person,
        sentence_date=TODAY - timedelta(days=400),
        length_days=730,
        release=TODAY - timedelta(days=30),
        actual=True,
    )
    client.force_login(case.officer_user)
    base = f"/people/{case.person.pk}/enforcement/"
    client.post(
        f"{base}recall/", {"recall-sentence": sentence.pk, "recall-kind": "standard", "recall-reason": "Risk"}
    )
    recommendation = sentence.recall_recommendations.get()
    assert "CJA 2003 s.254: to the sentence" in client.get(base).content.decode()
    decided = client.post(
        f"/enforcement/recalls/{recommendation.pk}/decide/",
        {
            f"decide-{recommendation.pk}-decision": "recalled",
            f"decide-{recommendation.pk}-decided_on": TODAY.isoformat(),
        },
        follow=True,
    )
    assert "Recall decision recorded" in decided.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.recall is not None and recommendation.recall.kind == "STANDARD"


def test_someone_who_may_not_see_the_person_gets_404_logged_and_police_cannot_enforce(
    client, case, partnership
):
    failure = unacceptable(case, 3)
    stranger = partnership.user("hana.housing", partnership.housing)
    client.force_login(stranger)
    for url in (f"/people/{case.person.pk}/enforcement/", f"/enforcement/failures/{failure.pk}/"):
        assert client.get(url).status_code == 404
    assert AccessLogEntry.objects.filter(action=Action.DENIED, user=stranger).count() == 2


# --- API ------------------------------------------------------------------------------------------------


def test_the_api_lists_judges_warns_and_refuses_the_second_warning(
    client, case, django_assert_max_num_queries
):
    first, second = unacceptable(case, 40), unacceptable(case, 0)
    pending = services.record_failure(
        actor=case.officer, person=case.person, sentence=case.order, occurred_on=TODAY, description="Late"
    )
    client.force_login(case.officer_user)
    warned = client.post(f"/api/enforcement/failures/{first.pk}/warning", content_type="application/json")
    assert warned.status_code == 201 and warned.json()["issued_on"] == TODAY.isoformat()
    refused = client.post(f"/api/enforcement/failures/{second.pk}/warning", content_type="application/json")
    assert refused.status_code == 422
    assert "within 12 months" in refused.json()["detail"][0]["msg"]
    judged = client.post(
        f"/api/enforcement/failures/{pending.pk}/judgement",
        {"judgement": "acceptable", "reason": "Ill", "evidence": "GP letter"},
        content_type="application/json",
    )
    assert judged.status_code == 200 and judged.json()["next_action"] == "none"
    referred = client.post(
        f"/api/enforcement/failures/{second.pk}/referral", {}, content_type="application/json"
    )
    assert referred.status_code == 201 and referred.json()["clock_status"] == "met"
    with django_assert_max_num_queries(16):
        body = client.get(f"/api/enforcement/people/{case.person.pk}").json()
    assert {f["id"] for f in body["failures"]} == {first.pk, second.pk, pending.pk}
    assert {r["kind"] for r in body["requirements"]} >= {"unpaid_work", "rar"}
    with django_assert_max_num_queries(16):
        awaiting = client.get("/api/enforcement/awaiting").json()
    assert awaiting == []
    client.force_login(case.police_user)
    police = client.post(f"/api/enforcement/failures/{pending.pk}/warning", content_type="application/json")
    assert police.status_code in (404, 422)
