"""Release dates to the day in the app (issue 12): sentences as the prison records them, adjustments and
recalls, worked out by desist.core.release_dates with the working on the release page, "this needs a manual
calculation" instead of a date, and the dates that drive readiness and victim notifications worked out again
on each change. Expected dates are the MoJ calculator's own (tests/core/data/crd/, cases named in each
test)."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from desist.audit.models import AccessLogEntry
from desist.offences import services as offences
from desist.partnership.models import Role
from desist.release import selectors, services
from desist.release.models import Adjustment, Recall, ReleasePlan
from desist.sentences.models import KeyDate, Sentence
from desist.victims import services as victims
from desist.victims.models import VictimNotification
from tests.app import builders
from tests.app.builders import NAVIGATION_QUERIES, TODAY

pytestmark = pytest.mark.django_db

D = date.fromisoformat


@pytest.fixture
def officer(partnership):
    return partnership.user("olive.omu", partnership.prison)


@pytest.fixture
def subject(partnership, officer):
    return builders.person(
        last_name="Calc",
        date_of_birth=D("1990-01-01"),
        district=partnership.medway,
        involved=[(partnership.prison, officer), (partnership.probation, None)],
    )


def record(officer, subject, **values):
    return services.custodial_sentence_record(actor=builders.actor(officer), person=subject, **values)


def dates(subject):
    booking = selectors.booking_dates(subject.pk, on=TODAY)
    assert booking.calculation is not None, booking.manual
    return {k.value: v.isoformat() for k, v in booking.calculation.dates.items()}


# --- the calculator's dates --------------------------------------------------------------------------


def test_a_sentence_in_months_gives_the_calculators_dates(officer, subject):
    # tused-repeal/crs-2579-ac2-1: 20 months from 5 January 2025, SDS40.
    sentence = record(
        officer, subject, sentence_date=D("2025-01-05"), months=20, offence_date=D("2025-01-05")
    )
    worked = dates(subject)
    assert (worked["CRD"], worked["SLED"], worked["HDCED"]) == ("2025-09-05", "2026-09-04", "2025-05-07")
    sentence.refresh_from_db()
    # 20 months from 5 January 2025 is 608 days (the sentence day counted); the old rules counted it as day 0.
    assert (sentence.term_months, sentence.length_days) == (20, 608)
    assert sentence.conditional_release_date == D("2025-09-05") and sentence.licence_expiry_date == D(
        "2026-09-04"
    )
    assert sentence.release_date == D("2025-09-05") and "release_date" in sentence.calculated_fields
    assert KeyDate.objects.filter(sentence=sentence, kind="licence_expiry", date=D("2026-09-04")).exists()


def test_a_remand_adjustment_moves_release_not_expiry_beyond_the_calculators(officer, subject):
    # tranches/crs-2192-ac1-1: 2 years from 29 April 2024 with 100 days' remand.
    sentence = record(officer, subject, sentence_date=D("2024-04-29"), years=2, offence_date=D("2024-01-19"))
    assert dates(subject)["CRD"] == "2025-02-14"
    adjustment = services.adjustment_record(
        actor=builders.actor(officer), sentence=sentence, kind="remand", days=100
    )
    worked = dates(subject)
    assert (worked["CRD"], worked["SLED"], worked["HDCED"], worked["ESED"]) == (
        "2024-11-06",
        "2026-01-18",
        "2024-07-23",
        "2026-04-28",
    )
    sentence.refresh_from_db()
    assert sentence.conditional_release_date == D("2024-11-06")
    assert AccessLogEntry.objects.filter(object_type="release.adjustment", action="collection").exists()
    services.adjustment_remove(actor=builders.actor(officer), adjustment=adjustment)
    sentence.refresh_from_db()
    assert sentence.conditional_release_date == D("2025-02-14") and not Adjustment.objects.exists()


def test_consecutive_sentences_are_worked_out_together(officer, subject):
    # tranches/crs-2045-ac1-3: 3 years, then 4 years consecutive (a domestic abuse offence), from
    # 22 March 2024.
    first = record(officer, subject, sentence_date=D("2024-03-22"), years=3, offence_date=D("2024-03-22"))
    second = record(officer, subject, sentence_date=D("2024-03-22"), years=4, consecutive_to=first)
    builders.offence_code("00800", "Violence", 0.1)
    offences.offence_record(
        actor=builders.actor(),
        person=subject,
        offence_code="00800",
        offence_date=D("2024-03-22"),
        outcome="conviction",
        outcome_date=D("2024-03-22"),
        disposal="custody",
        domestic_abuse=True,
        sentence_id=second.pk,
    )
    services.release_dates_recompute(actor=builders.actor(officer), person_id=subject.pk)
    worked = dates(subject)
    assert (worked["CRD"], worked["SLED"], worked["HDCED"]) == ("2027-06-03", "2031-03-21", "2026-06-04")
    for sentence in (first, second):
        sentence.refresh_from_db()
        assert sentence.conditional_release_date == D("2027-06-03")
    assert second.consecutive_to == first


def test_a_standard_recall_serves_to_the_expiry(officer, subject):
    # tranches/crs-2202-ac2-1: 3 years from 16 December 2024, recalled (standard): PRRD at the expiry.
    sentence = record(officer, subject, sentence_date=D("2024-12-16"), years=3, offence_date=D("2024-04-03"))
    with pytest.raises(services.ReleaseError, match="record the release first"):
        services.recall_record(
            actor=builders.actor(officer), sentence=sentence, kind="STANDARD", recalled_on=D("2026-06-01")
        )
    sentence.release_is_actual = True
    sentence.save(update_fields=["release_is_actual"])
    recall = services.recall_record(
        actor=builders.actor(officer),
        sentence=sentence,
        kind="STANDARD",
        recalled_on=D("2026-06-01"),
        returned_to_custody=D("2026-06-03"),
    )
    worked = dates(subject)
    assert (worked["PRRD"], worked["SLED"], worked["ESED"]) == ("2027-12-15", "2027-12-15", "2027-12-15")
    assert Recall.objects.get() == recall
    with pytest.raises(services.ReleaseError, match="return to custody"):
        services.recall_record(
            actor=builders.actor(officer), sentence=sentence, kind="FTR_28", recalled_on=D("2026-06-01")
        )


# --- manual calculation, not a wrong date --------------------------------------------------------------


def test_a_manual_calculation_is_said_and_no_date_is_kept(client, officer, subject):
    sentence = record(officer, subject, sentence_date=TODAY - timedelta(days=30), months=8)
    assert sentence.conditional_release_date is not None
    # A life sentence served with a determinate one: desist says a person must work it out, and keeps no date.
    record(
        officer,
        subject,
        sentence_date=TODAY - timedelta(days=10),
        years=15,
        sentence_type="indeterminate",
        tariff_expiry_date=TODAY + timedelta(days=365 * 15),
    )
    sentence.refresh_from_db()
    assert sentence.conditional_release_date is None and sentence.release_date is None
    client.force_login(officer)
    page = client.get(f"/people/{subject.pk}/release/").content.decode()
    assert (
        "This needs a manual calculation, because a life or IPP sentence is served with determinate" in page
    )
    assert "the Parole Board may direct release once the minimum term ends" in page
    assert "Minimum term not recorded" not in page


def test_the_engines_own_manual_calculation_is_shown(client, officer, subject):
    # Remand longer than the custodial term: the engine will not put release before the sentence date.
    sentence = record(officer, subject, sentence_date=TODAY - timedelta(days=5), months=2)
    services.adjustment_record(actor=builders.actor(officer), sentence=sentence, kind="remand", days=200)
    booking = selectors.booking_dates(subject.pk, on=TODAY)
    assert booking.calculation is None and booking.manual
    sentence.refresh_from_db()
    assert sentence.conditional_release_date is None and sentence.licence_expiry_date is None
    client.force_login(officer)
    page = client.get(f"/people/{subject.pk}/release/").content.decode()
    assert f"This needs a manual calculation, because {booking.manual}" in page.replace("&#x27;", "'")


def test_a_date_the_prison_recorded_wins_and_the_difference_is_shown(client, partnership, officer, subject):
    sentence = builders.custody(
        subject, sentence_date=D("2025-01-05"), length_days=608, release=TODAY + timedelta(days=30)
    )
    services.adjustment_record(actor=builders.actor(officer), sentence=sentence, kind="remand", days=10)
    sentence.refresh_from_db()
    assert sentence.release_date == TODAY + timedelta(days=30) and not sentence.calculated_fields
    client.force_login(officer)
    page = client.get(f"/people/{subject.pk}/release/").content.decode()
    assert "Release dates worked out" in page and "differs from desist&#x27;s working" in page
    assert "Remand in custody: 10 days" in page


# --- recompute: readiness and victims follow ---------------------------------------------------------


def test_recompute_moves_the_plan_and_tells_the_victim(partnership, officer, subject):
    sentence = record(
        officer,
        subject,
        sentence_date=TODAY - timedelta(days=100),
        months=12,
        offence_date=TODAY - timedelta(days=130),
    )
    sentence.refresh_from_db()
    first = sentence.release_date
    assert first is not None and first > TODAY
    plan = ReleasePlan.objects.get(sentence=sentence)  # due within 12 weeks: the plan starts
    assert plan.release_date == first
    builders.offence_code("00800", "Violence", 0.1)
    offence = offences.offence_record(
        actor=builders.actor(),
        person=subject,
        offence_code="00800",
        offence_date=TODAY - timedelta(days=130),
        outcome="conviction",
        outcome_date=TODAY - timedelta(days=100),
        disposal="custody",
        sentence_id=sentence.pk,
    )
    vlo = builders.actor(partnership.user("val.liaison", partnership.probation, role=Role.VICTIM_LIAISON))
    victim = victims.victim_record(actor=vlo, reference="VLU-9", opted_in=True, wants_to_know=("release",))
    victims.victim_link(actor=vlo, victim=victim, offence=offence)
    services.adjustment_record(actor=builders.actor(officer), sentence=sentence, kind="tagged_bail", days=6)
    sentence.refresh_from_db()
    plan.refresh_from_db()
    assert sentence.release_date == first - timedelta(days=6) == plan.release_date
    assert VictimNotification.objects.filter(event_date=first - timedelta(days=6)).exists()
    assert sentence.release_date_changes.filter(change="brought_forward").exists()


# --- the page, the forms, the command line and the API -----------------------------------------------


def test_the_release_page_shows_every_date_with_its_working_in_bounded_queries(
    client, officer, subject, django_assert_max_num_queries
):
    first = record(officer, subject, sentence_date=D("2024-03-22"), years=3)
    second = record(officer, subject, sentence_date=D("2024-03-22"), years=4, consecutive_to=first)
    for sentence in (first, second):
        services.adjustment_record(actor=builders.actor(officer), sentence=sentence, kind="remand", days=3)
    client.force_login(officer)
    # 16: with the sharing decision (issue 16: sentence and licence shared with the agency?).
    with django_assert_max_num_queries(16 + NAVIGATION_QUERIES):
        page = client.get(f"/people/{subject.pk}/release/").content.decode()
    assert "Conditional release date (CRD)" in page and "Sentence and licence expiry (SLED)" in page
    assert "deducted" in page and "Remand in custody: 3 days" in page
    assert "consecutive to the sentence of 22 Mar 2024" in page
    assert "Not a parole case: automatic release" in page  # the engine gives no PED for SDS


def test_the_page_records_a_sentence_an_adjustment_and_a_recall(client, officer, subject):
    client.force_login(officer)
    response = client.post(
        f"/people/{subject.pk}/release/sentences/",
        {
            "sentence_date": "2025-01-05",
            "years": "",
            "months": "20",
            "weeks": "",
            "days": "",
            "sentence_type": "standard",
            "offence_date": "2025-01-05",
        },
        follow=True,
    )
    assert "Sentence recorded" in response.content.decode()
    sentence = Sentence.objects.get(person=subject)
    assert sentence.conditional_release_date == D("2025-09-05")
    page = client.post(
        f"/people/{subject.pk}/release/sentences/", {"sentence_date": "2025-01-05"}
    ).content.decode()
    assert "govuk-error-summary" in page and "Enter the term as passed" in page
    response = client.post(
        f"/releases/sentences/{sentence.pk}/adjustments/",
        {f"adjust{sentence.pk}-kind": "ual", f"adjust{sentence.pk}-days": "5"},
    )
    assert "Enter the first day unlawfully at large." in response.content.decode()
    response = client.post(
        f"/releases/sentences/{sentence.pk}/adjustments/",
        {f"adjust{sentence.pk}-kind": "remand", f"adjust{sentence.pk}-days": "10"},
        follow=True,
    )
    assert "Adjustment recorded" in response.content.decode()
    sentence.refresh_from_db()
    assert sentence.conditional_release_date == D("2025-08-26")


def test_the_command_line_records_a_sentence_and_an_adjustment(officer, subject):
    out = StringIO()
    call_command(
        "release",
        "sentence",
        "--person",
        str(subject.pk),
        "--sentence-date",
        "2025-01-05",
        "--months",
        "20",
        "--user",
        officer.username,
        stdout=out,
    )
    sentence = Sentence.objects.get(person=subject)
    assert "2025-09-05" in out.getvalue() and sentence.conditional_release_date == D("2025-09-05")
    out = StringIO()
    call_command(
        "release",
        "adjust",
        "--sentence",
        str(sentence.pk),
        "--kind",
        "remand",
        "--days",
        "10",
        "--user",
        officer.username,
        stdout=out,
    )
    assert "2025-08-26" in out.getvalue()


def test_the_api_records_an_adjustment(client, officer, subject):
    sentence = record(officer, subject, sentence_date=D("2025-01-05"), months=20)
    client.force_login(officer)
    response = client.post(
        f"/api/releases/sentences/{sentence.pk}/adjustments",
        {"kind": "remand", "days": 10},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["dates"]["CRD"] == "2025-08-26"


def test_only_prison_or_probation_staff_record_and_a_refusal_is_logged(client, partnership, officer):
    police = partnership.user("pat.police", partnership.police)
    subject = builders.person(
        last_name="Calc",
        date_of_birth=D("1990-01-01"),
        district=partnership.medway,
        involved=[(partnership.prison, officer), (partnership.police, police)],
    )
    sentence = record(officer, subject, sentence_date=D("2025-01-05"), months=20)
    client.force_login(police)
    page = client.get(f"/people/{subject.pk}/release/").content.decode()
    assert "Release dates worked out" in page and "Record the adjustment" not in page  # the police may read
    response = client.post(
        f"/releases/sentences/{sentence.pk}/adjustments/",
        {f"adjust{sentence.pk}-kind": "remand", f"adjust{sentence.pk}-days": "10"},
    )
    assert response.status_code == 403 and not Adjustment.objects.exists()
    response = client.post(
        f"/api/releases/sentences/{sentence.pk}/recalls",
        {"kind": "STANDARD", "recalled_on": TODAY.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 403 and not Recall.objects.exists()
    denied = AccessLogEntry.objects.filter(action="denied", person_id=subject.pk, user=police)
    assert denied.count() == 2
    assert denied.filter(summary="Refused to record an adjustment: not prison or probation staff").exists()


def test_an_adjustment_recorded_in_error_is_removed_on_the_page_and_through_the_api(client, officer, subject):
    sentence = record(officer, subject, sentence_date=D("2025-01-05"), months=20)
    first = services.adjustment_record(
        actor=builders.actor(officer), sentence=sentence, kind="remand", days=10
    )
    client.force_login(officer)
    page = client.get(f"/people/{subject.pk}/release/").content.decode()
    assert f'action="/releases/adjustments/{first.pk}/remove/"' in page
    response = client.post(f"/releases/adjustments/{first.pk}/remove/", follow=True)
    assert "Adjustment removed: remand in custody, 10 days" in response.content.decode()
    sentence.refresh_from_db()
    assert sentence.conditional_release_date == D("2025-09-05")
    second = services.adjustment_record(
        actor=builders.actor(officer), sentence=sentence, kind="remand", days=10
    )
    response = client.post(f"/api/releases/adjustments/{second.pk}/remove", content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["dates"]["CRD"] == "2025-09-05" and not Adjustment.objects.exists()
    assert (
        AccessLogEntry.objects.filter(
            object_type="release.adjustment", action="alteration", summary__startswith="Removed remand"
        ).count()
        == 2
    )


def test_the_api_records_a_sentence_and_reads_the_dates_with_their_working(client, officer, subject):
    client.force_login(officer)
    response = client.post(
        f"/api/releases/people/{subject.pk}/sentences",
        {"sentence_date": "2025-01-05", "months": 20, "offence_date": "2025-01-05"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (
        body["dates"]["CRD"] == "2025-09-05" and body["record_id"] == Sentence.objects.get(person=subject).pk
    )
    assert any(step["date_type"] == "CRD" for step in body["working"]) and body["manual_calculation"] == ""
    response = client.get(f"/api/releases/people/{subject.pk}/dates")
    assert response.status_code == 200 and response.json()["dates"]["SLED"] == "2026-09-04"
    assert AccessLogEntry.objects.filter(
        action="consultation", summary=f"Viewed release dates of person {subject.pk}"
    ).exists()
    response = client.post(
        f"/api/releases/people/{subject.pk}/sentences",
        {"sentence_date": "2025-01-05"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "Enter the term as passed" in response.content.decode()


def test_an_extended_sentence_is_recorded_in_one_go_with_its_parole_eligibility(client, officer, subject):
    # custom-examples/crs-1059-single-ersed-ac4: EDS, 2 years' custody and 4 years' extended licence from
    # 19 July 2022 (no early removal asked for here, so no ERSED).
    client.force_login(officer)
    response = client.post(
        f"/people/{subject.pk}/release/sentences/",
        {
            "sentence_date": "2022-07-19",
            "years": "2",
            "sentence_type": "extended",
            "offence_date": "2022-07-18",
            "extension_years": "4",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Sentence recorded" in page, page
    worked = dates(subject)
    assert (worked["CRD"], worked["PED"], worked["SLED"]) == ("2024-07-18", "2023-11-18", "2028-07-18")
    sentence = Sentence.objects.get(person=subject)
    assert sentence.release_facts.extension_years == 4 and sentence.licence_expiry_date == D("2028-07-18")
    assert "Parole eligibility date (PED)" in page


# --- recall remand and recall tagged bail --------------------------------------------------------------


def recalled(officer, subject):
    """custom-examples/crs-816-ac1 and ac2: 30 months from 15 April 2021, released and recalled (standard)."""
    sentence = record(
        officer, subject, sentence_date=D("2021-04-15"), months=30, offence_date=D("2019-06-30")
    )
    sentence.release_date, sentence.release_is_actual = D("2021-06-01"), True
    sentence.save(update_fields=["release_date", "release_is_actual"])
    services.recall_record(
        actor=builders.actor(officer),
        sentence=sentence,
        kind="STANDARD",
        recalled_on=D("2021-08-09"),
        returned_to_custody=D("2021-08-10"),
    )
    return sentence


def test_recall_remand_moves_the_post_recall_release_and_plain_remand_does_not(officer, subject):
    sentence = recalled(officer, subject)
    assert dates(subject)["PRRD"] == "2023-10-14"  # served to the expiry
    # crs-816-ac1: 372 and 142 days' recall remand.
    for days in (372, 142):
        services.adjustment_record(
            actor=builders.actor(officer), sentence=sentence, kind="recall_remand", days=days
        )
    worked = dates(subject)
    assert (worked["PRRD"], worked["SLED"], worked["ESED"]) == ("2022-05-18", "2022-05-18", "2023-10-14")
    # Plain remand on the recalled term came off its first release: it does not count again after the recall.
    services.adjustment_record(actor=builders.actor(officer), sentence=sentence, kind="remand", days=30)
    assert dates(subject)["PRRD"] == "2022-05-18"
    assert any(
        "recall remand" in step.detail
        for step in selectors.booking_dates(subject.pk, on=TODAY).calculation.explain(
            selectors.engine.DateType.SLED
        )
    )


def test_recall_tagged_bail_through_the_command_line_the_api_and_the_page(client, officer, subject):
    sentence = recalled(officer, subject)
    out = StringIO()
    # crs-816-ac2: 500 days' recall tagged bail.
    call_command(
        "release",
        "adjust",
        "--sentence",
        str(sentence.pk),
        "--kind",
        "recall_tagged_bail",
        "--days",
        "500",
        "--user",
        officer.username,
        stdout=out,
    )
    assert "2022-06-01" in out.getvalue() and dates(subject)["PRRD"] == "2022-06-01"
    Adjustment.objects.all().delete()
    client.force_login(officer)
    response = client.post(
        f"/api/releases/sentences/{sentence.pk}/adjustments",
        {"kind": "recall_tagged_bail", "days": 500},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["dates"]["PRRD"] == "2022-06-01"
    page = client.get(f"/people/{subject.pk}/release/").content.decode()
    assert f'id="adjust-{sentence.pk}"' in page and 'value="recall_remand"' in page
    assert "Recall tagged bail: 500 days" in page
    response = client.post(
        f"/releases/sentences/{sentence.pk}/adjustments/",
        {f"adjust{sentence.pk}-kind": "recall_remand", f"adjust{sentence.pk}-days": "14"},
        follow=True,
    )
    assert "Adjustment recorded" in response.content.decode()
    assert dates(subject)["PRRD"] == "2022-05-18"  # 514 days before the recall in all, as crs-816-ac1


# --- a plan whose date needs a manual calculation ------------------------------------------------------


def test_a_plan_whose_date_needs_a_manual_calculation_says_so_and_nothing_fires_from_its_last_date(
    client, partnership, officer, subject
):
    sentence = record(
        officer,
        subject,
        sentence_date=TODAY - timedelta(days=5),
        months=2,
        offence_date=TODAY - timedelta(days=30),
    )
    sentence.refresh_from_db()
    last = sentence.release_date
    plan = ReleasePlan.objects.get(sentence=sentence)
    builders.offence_code("00800", "Violence", 0.1)
    offence = offences.offence_record(
        actor=builders.actor(),
        person=subject,
        offence_code="00800",
        offence_date=TODAY - timedelta(days=30),
        outcome="conviction",
        outcome_date=TODAY - timedelta(days=5),
        disposal="custody",
        sentence_id=sentence.pk,
    )
    vlo = builders.actor(partnership.user("val.liaison", partnership.probation, role=Role.VICTIM_LIAISON))
    victim = victims.victim_record(actor=vlo, reference="VLU-10", opted_in=True, wants_to_know=("release",))
    victims.victim_link(actor=vlo, victim=victim, offence=offence)
    notified = VictimNotification.objects.count()
    # Remand longer than the term: the engine will not give a date.
    remand = services.adjustment_record(
        actor=builders.actor(officer), sentence=sentence, kind="remand", days=200
    )
    reason = selectors.booking_dates(subject.pk, on=TODAY).manual
    plan.refresh_from_db()
    sentence.refresh_from_db()
    assert reason and plan.manual_calculation == reason and sentence.release_date is None
    assert plan.release_date == last  # the last date worked out, which nothing counts down to
    assert services.escalations_raise(actor=builders.actor(), plan_ids=[plan.pk]) == 0
    assert victims.notifications_raise(actor=builders.actor()) == 0
    assert VictimNotification.objects.count() == notified
    client.force_login(officer)
    page = client.get("/releases/").content.decode().replace("&#x27;", "'")
    assert "Needs a manual calculation" in page and f"because {reason}" in page
    assert f"{last:%-d %b %Y}" not in page and "1 whose release date needs a manual calculation" in page
    page = client.get(f"/releases/plans/{plan.pk}/").content.decode().replace("&#x27;", "'")
    assert f"The release date needs a manual calculation, because {reason}" in page
    page = client.get("/work/").content.decode()
    assert "Release date needs a manual calculation" in page and f"{last:%-d %b %Y}" not in page
    body = client.get("/api/releases").json()
    assert [(r["release_date"], r["manual_calculation"]) for r in body["results"]] == [(None, reason)]
    assert AccessLogEntry.objects.filter(
        object_type="release.releaseplan", summary__startswith="Release plan: the release date needs a manual"
    ).exists()
    # Worked out again: the plan has its date back and escalates from it.
    services.adjustment_remove(actor=builders.actor(officer), adjustment=remand)
    plan.refresh_from_db()
    assert plan.manual_calculation == "" and plan.release_date == last
    assert services.escalations_raise(actor=builders.actor(), plan_ids=[plan.pk]) > 0


def test_a_release_date_recorded_by_hand_ends_the_manual_calculation(officer, subject):
    sentence = record(officer, subject, sentence_date=TODAY - timedelta(days=5), months=2)
    services.adjustment_record(actor=builders.actor(officer), sentence=sentence, kind="remand", days=200)
    plan = ReleasePlan.objects.get(sentence=sentence)
    assert plan.manual_calculation
    sentence.refresh_from_db()
    services.release_date_record(
        actor=builders.actor(officer),
        sentence=sentence,
        release_date=TODAY + timedelta(days=40),
        reason="Calculated by the OMU",
    )
    plan.refresh_from_db()
    assert plan.manual_calculation == "" and plan.release_date == TODAY + timedelta(days=40)
