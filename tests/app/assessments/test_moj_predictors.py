"""desist's own ARP, SVRP, DC-SRP, IIC-SRP and CSRP at an assessment, stored with their working, and the
single-letter tier worked out from them where OASys sent none (received figures are preferred)."""

from datetime import date, timedelta

import pytest

from desist.assessments.models import RiskScore
from desist.assessments.services import assessment_record, risk_recalculate
from desist.core import risk
from desist.core.risk.arp import DYNAMIC_ITEMS
from desist.core.risk.scoring import (
    AssessmentFacts,
    RiskFacts,
    Sanction,
    SentenceFacts,
    predictors_for,
    scores_for,
)
from desist.offences.services import offence_record
from tests.app import builders
from tests.app.builders import TODAY

ON = date(2026, 6, 1)
ASSESSED = ON - timedelta(days=30)


def facts(*, codes=("02800",), sex="male", answers=None, arp=None, csrp=None, band="", score=None):
    """A man born 1990 with one conviction a year for each code, the last on 1 March 2025, on a community
    order; assessed 30 days before ON."""
    sanctions = [
        Sanction(date(2025 - i, 3, 1), "conviction", code, date(2025 - i, 1, 1), None)
        for i, code in enumerate(reversed(codes))
    ]
    return RiskFacts(
        person_id=1,
        sex=sex,
        date_of_birth=date(1990, 1, 1),
        sanctions=sanctions,
        sentences=[SentenceFacts(1, "community_order", date(2025, 3, 1), None, "community")],
        assessment=AssessmentFacts(
            assessed_on=ASSESSED,
            rosh={"public": "low"},
            rsr_percent=None,
            answers=answers or {},
            needs={},
            arp_percent=arp,
            csrp_percent=csrp,
            dcsrp_band=band,
            dcsrp_score=score,
        ),
    )


def by_kind(person_facts):
    return {r.kind: r for r in scores_for(person_facts, ON)}


def test_static_arp_svrp_and_csrp_are_worked_out_from_the_record():
    results = by_kind(facts(codes=("02800", "02800")))
    expected = dict(
        sex="male",
        date_of_birth=date(1990, 1, 1),
        conviction_date=date(2025, 3, 1),
        follow_up_start=date(2025, 3, 1),
        age_at_first_sanction=34,
        total_sanctions=2,
        offence_group="burglary_domestic",
        assessment_date=ASSESSED,
    )
    arp = risk.arp_static(**expected)
    svrp = risk.svrp_static(**expected, violent_sanctions=0)
    assert (results["arp"].value, results["arp"].band) == (f"{arp.score:.2f}", arp.band)
    assert results["svrp"].value == f"{svrp.score:.2f}"
    assert (results["dcsrp"].band, results["dcsrp"].value) == ("not_applicable", "0.00")
    assert (results["iicsrp"].band, results["iicsrp"].value) == ("not_applicable", "0.00")
    assert results["csrp"].value == f"{svrp.score:.2f}"  # no sexual offence: SVRP + 0 + 0
    assert [
        "Type",
        "static: the assessment lacks the dynamic item(s) "
        + ", ".join(name for name in DYNAMIC_ITEMS if name != "motivation_to_tackle_drug_misuse"),
    ] in results["arp"].working
    assert any(label == "Offence group" for label, _ in results["arp"].working)
    assert results["arp"].full_working()[0][0]  # the calculator's own working comes first
    letter = results["tier_letter"]
    assert not letter.missing and letter.value
    assert letter.inputs["arp_percent"] == arp.score and letter.inputs["arp_static"] is True
    assert letter.inputs["csrp_static"] is True and letter.band == "provisional"
    assert letter.inputs["dcsrp_band"] is None  # not applicable: no letter from it
    expected_letter = risk.tier_single_letter(
        arp_percent=arp.score,
        csrp_percent=risk.csrp(
            svrp_percent=svrp.score,
            dcsrp_percent=0.0,
            iicsrp_percent=0.0,
            sex="male",
            ever_committed_sexual_offence=False,
        ).score,
        arp_static=True,
        csrp_static=True,
        rosh="low",
        as_of=ON,
    )
    assert letter.value == expected_letter.tier


def test_received_oasys_figures_are_preferred_and_the_working_says_so():
    results = by_kind(facts(arp=10, csrp=0.1, band="low", score=0.5))
    letter = results["tier_letter"]
    assert (letter.inputs["arp_percent"], letter.inputs["csrp_percent"]) == (10, 0.1)
    assert letter.inputs["arp_static"] is False and letter.inputs["dcsrp_band"] == "low"
    sources = [value for label, value in letter.working if label == "Source"]
    assert all("received from OASys" in line for line in sources) and len(sources) == 3
    assert results["arp"].value  # desist's own is still stored beside it


def test_dynamic_arp_when_the_assessment_holds_its_items():
    answers = {
        "accommodation_suitability": 1,
        "unemployed": True,
        "relationship_status": "none",
        "relationship_with_partner": 0,
        "domestic_abuse": False,
        "regular_offending_activities": 1,
        "current_alcohol_use_problems": 0,
        "excessive_alcohol_use": 0,
        "impulsivity": 2,
        "pro_criminal_attitudes": 1,
        "drugs": ["cannabis"],
    }
    results = by_kind(facts(answers=answers))
    assert ["Type", "dynamic"] in results["arp"].working
    assert results["tier_letter"].inputs["arp_static"] is False


def test_violence_leaves_svrp_and_csrp_and_so_the_letter_missing():
    results = by_kind(facts(codes=("00100",)))  # a Violence code in the shipped table
    assert results["arp"].value  # ARP has one weight for every violence group
    assert results["svrp"].missing and "violence group" in results["svrp"].missing[0]
    assert results["csrp"].missing == ["the SVRP"]
    letter = results["tier_letter"]
    assert letter.missing and any("CSRP" in m for m in letter.missing)


def test_a_man_with_a_sexual_offence_needs_the_sexual_sanctions_by_kind():
    person = facts()
    person.sanctions[0] = Sanction(
        date(2025, 3, 1), "conviction", "02800", date(2025, 1, 1), None, "Sexual (against child)"
    )
    predictors = predictors_for(person)
    assert predictors.dcsrp is not None and predictors.dcsrp.missing
    assert predictors.iicsrp is not None and predictors.iicsrp.missing
    assert predictors.csrp is not None and predictors.csrp.missing == ["the DC-SRP", "the IIC-SRP"]


def test_no_conviction_gives_no_predictor():
    person = facts()
    person.sanctions = []
    predictors = predictors_for(person)
    assert predictors.arp is not None and predictors.arp.missing == ["a proven conviction"]


@pytest.mark.django_db
def test_recording_an_assessment_stores_each_predictor_and_the_record_shows_them(client, partnership):
    worker = partnership.user("pat.probation", partnership.probation)
    subject = builders.person(first_name="Sam", last_name="Reid", involved=[(partnership.probation, worker)])
    builders.community_order(subject, start=TODAY - timedelta(days=300))
    builders.offence_code("02800")
    offence_record(
        actor=builders.actor(),
        person=subject,
        offence_code="02800",
        offence_date=TODAY - timedelta(days=400),
        outcome="conviction",
        outcome_date=TODAY - timedelta(days=300),
        disposal="community",
    )
    actor = builders.actor(worker)
    assessment_record(
        actor=actor, person=subject, assessed_on=TODAY - timedelta(days=10), rosh={"public": "medium"}
    )
    risk_recalculate(actor=actor, person_ids=[subject.pk])
    stored = {s.kind: s for s in RiskScore.objects.filter(person=subject, is_current=True)}
    for kind in ("arp", "svrp", "dcsrp", "iicsrp", "csrp"):
        assert kind in stored and not stored[kind].missing, kind
        assert stored[kind].working, kind
    assert stored["arp"].display.endswith("%")
    client.force_login(worker)
    page = client.get(f"/people/{subject.pk}/risk/").content.decode()
    assert (
        "ARP (all reoffending predictor)" in page and "CSRP (combined serious reoffending predictor)" in page
    )
    assert f"{stored['arp'].value}%" in page
