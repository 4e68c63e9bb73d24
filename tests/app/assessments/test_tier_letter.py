"""The single-letter tier (RULES.md §3b) on a person's facts: the published table's corners, MAPPA with
RoSH, lifer/IPP release recency, registrations, sexual offences, and what is missing without ARP and CSRP."""

from datetime import date, timedelta

import pytest

from desist.assessments.models import RiskScore
from desist.assessments.services import assessment_record, risk_recalculate
from desist.core.risk.scoring import (
    AssessmentFacts,
    RiskFacts,
    Sanction,
    SentenceFacts,
    scores_for,
    tier_letter_for,
)
from desist.offences.services import offence_record
from tests.app import builders
from tests.app.builders import TODAY

ON = date(2026, 6, 1)


def facts(
    *,
    arp=None,
    csrp=None,
    band="",
    score=None,
    rosh=None,
    mappa_category=None,
    registers=(),
    sentences=(),
    sanctions=(),
    assessed=True,
):
    assessment = AssessmentFacts(
        assessed_on=ON - timedelta(days=30),
        rosh=rosh or {},
        rsr_percent=None,
        answers={},
        needs={},
        arp_percent=arp,
        csrp_percent=csrp,
        dcsrp_band=band,
        dcsrp_score=score,
    )
    return RiskFacts(
        person_id=1,
        sex="male",
        date_of_birth=date(1990, 1, 1),
        sanctions=list(sanctions),
        sentences=list(sentences)
        or [SentenceFacts(1, "community_order", ON - timedelta(days=60), None, "community")],
        registers=set(registers),
        mappa_category=mappa_category,
        mappa_level=None if mappa_category is None else 1,
        assessment=assessment if assessed else None,
    )


def letter(person_facts):
    result = tier_letter_for(person_facts, ON)
    assert not result.missing, result.missing
    return result.value


@pytest.mark.parametrize(
    ("arp", "csrp", "expected"),
    [
        (90, 6.9, "A"),
        (0, 6.9, "B"),
        (90, 0, "D"),
        (0, 0, "G"),  # the table's four corners
        (89.99, 6.89, "B"),
        (75, 3.0, "B"),
        (50, 1.0, "D"),
        (14.99, 0.49, "G"),
        (100, 100, "A"),
    ],
)
def test_the_arp_csrp_table(arp, csrp, expected):
    assert letter(facts(arp=arp, csrp=csrp)) == expected


@pytest.mark.parametrize(
    ("category", "rosh", "expected"),
    [
        (2, "very_high", "A"),
        (1, "high", "C"),
        (3, "medium", "D"),
        (1, "low", "E"),
        (1, None, "E"),
        (None, "very_high", "C"),
        (None, "high", "D"),
        (None, "medium", "G"),
    ],
)
def test_mappa_with_rosh(category, rosh, expected):
    person = facts(
        arp=0,
        csrp=0,
        mappa_category=category,
        rosh={"public": rosh} if rosh else None,
        registers={"mappa"} if category else (),
    )
    assert letter(person) == expected


def lifer(release):
    return SentenceFacts(2, "custody", date(2001, 1, 1), release, "licence", indeterminate=True)


@pytest.mark.parametrize(
    ("release", "expected"),
    [
        (ON - timedelta(days=100), "B"),
        (date(2025, 6, 1), "B"),  # exactly one year: still within
        (date(2025, 5, 31), "D"),
        (date(2021, 6, 1), "D"),
        (date(2021, 5, 31), "E"),
        (None, "G"),  # a lifer not yet released: no letter from this component
        (ON + timedelta(days=10), "G"),  # an expected release still to come
    ],
)
def test_lifer_and_ipp_release_recency(release, expected):
    result = tier_letter_for(facts(arp=0, csrp=0, sentences=[lifer(release)]), ON)
    assert result.value == expected
    assert result.inputs["is_lifer_or_ipp"] is True


def test_a_determinate_sentence_is_not_a_lifer():
    released = SentenceFacts(2, "custody", date(2020, 1, 1), ON - timedelta(days=10), "licence")
    result = tier_letter_for(facts(arp=0, csrp=0, sentences=[released]), ON)
    assert (result.value, result.inputs["is_lifer_or_ipp"]) == ("G", False)


@pytest.mark.parametrize(
    ("registers", "expected"),
    [
        ({"domestic_abuse_perpetrator"}, "E"),
        ({"stalking"}, "F"),
        ({"child_protection"}, "F"),
        ({"stalking", "domestic_abuse_perpetrator"}, "E"),
        ({"iom", "mental_health"}, "G"),
    ],
)
def test_registrations(registers, expected):
    assert letter(facts(arp=0, csrp=0, registers=registers)) == expected


def test_any_sexual_offence_ever_gives_e():
    sexual = Sanction(
        date(2005, 1, 1),
        "conviction",
        "01900",
        date(2004, 12, 1),
        None,
        ogrs3_category="Sexual (not against child)",
    )
    assert letter(facts(arp=0, csrp=0, sanctions=[sexual])) == "E"
    burglary = Sanction(
        date(2005, 1, 1), "conviction", "02800", date(2004, 12, 1), None, ogrs3_category="Burglary (domestic)"
    )
    assert letter(facts(arp=0, csrp=0, sanctions=[burglary])) == "G"


@pytest.mark.parametrize(
    ("band", "score", "expected"),
    [
        ("very_high", 5.31, "A"),
        ("high", 2.11, "B"),
        ("low", 0.02, "E"),
        ("medium", 3.36, "C"),
        ("medium", 2.11, "D"),
    ],
)
def test_direct_contact_sexual_band(band, score, expected):
    assert letter(facts(arp=0, csrp=0, band=band, score=score)) == expected


@pytest.mark.parametrize(("band", "score"), [("very_high", None), ("low", 0), ("medium", None)])
def test_a_direct_contact_band_without_a_score_is_not_used_and_the_working_says_so(band, score):
    # hmpps-tier ValidPredictor.kt: a DC-SRP is used only with a score above 0 (ARP 0, CSRP 0, low 0 → G).
    result = tier_letter_for(facts(arp=0, csrp=0, band=band, score=score), ON)
    assert (result.value, result.missing) == ("G", [])
    assert any("without a score" in value for _, value in result.working)


def test_the_highest_letter_wins_and_the_working_says_why():
    result = tier_letter_for(
        facts(arp=30, csrp=1.2, mappa_category=1, rosh={"public": "high"}, registers={"mappa", "stalking"}),
        ON,
    )
    assert result.value == "C"  # table E, MAPPA with high RoSH C, stalking F
    working = dict(result.full_working())
    assert working["ARP 30% × CSRP 1.2% (dynamic ARP, dynamic CSRP)"].startswith("E")
    assert working["MAPPA category M1, RoSH high"].startswith("C")
    assert working["Tier"].startswith("C")


@pytest.mark.parametrize(
    ("kwargs", "missing"),
    [
        ({}, ["ARP", "CSRP"]),
        ({"arp": 40}, ["CSRP"]),
        ({"csrp": 2}, ["ARP"]),
    ],
)
def test_no_letter_without_arp_and_csrp_and_it_says_what_is_missing(kwargs, missing):
    result = tier_letter_for(facts(mappa_category=2, rosh={"public": "very_high"}, **kwargs), ON)
    assert result.value == ""
    assert len(result.missing) == len(missing)
    for needed, said in zip(missing, result.missing, strict=True):
        assert needed in said


def test_no_assessment_at_all_says_what_is_missing():
    result = tier_letter_for(facts(assessed=False), ON)
    assert result.value == "" and len(result.missing) == 2


def test_no_sentence_in_force_is_not_supervised_unless_a_lifer():
    # hmpps-tier TierCalculatorTest.kt: no active event → NOT_SUPERVISED, a result rather than an error.
    ended = SentenceFacts(1, "community_order", ON - timedelta(days=900), None, "none")
    result = tier_letter_for(facts(arp=10, csrp=0.1, sentences=[ended]), ON)
    assert (result.value, result.missing) == ("Not supervised", [])
    on_licence_for_life = SentenceFacts(
        2, "custody", date(2001, 1, 1), date(2010, 1, 1), "none", indeterminate=True
    )
    assert tier_letter_for(facts(arp=10, csrp=0.1, sentences=[on_licence_for_life]), ON).value == "E"


def test_a_provisional_letter_is_marked():
    # hmpps-tier ProvisionalStatusCalculator.kt: RoSH missing without MAPPA, nothing reaching C → provisional.
    result = tier_letter_for(facts(arp=75, csrp=0), ON)
    assert (result.value, result.band) == ("D", "provisional")
    shown = RiskScore(kind="tier_letter", value=result.value, band=result.band)
    assert shown.display == "D (provisional)"
    assert tier_letter_for(facts(arp=75, csrp=0, rosh={"public": "low"}), ON).band == ""


def test_only_people_with_a_sentence_get_the_letter_tier():
    kinds = [r.kind for r in scores_for(facts(arp=10, csrp=0.1), ON)]
    assert "tier" in kinds and "tier_letter" in kinds
    no_sentence = facts(arp=10, csrp=0.1)
    no_sentence.sentences = []
    assert "tier_letter" not in [r.kind for r in scores_for(no_sentence, ON)]


@pytest.mark.django_db
def test_the_letter_tier_is_worked_out_from_the_record(client, partnership):
    """ARP/CSRP from the assessment, a lifer's release from sentences, MAPPA from the registers."""
    worker = partnership.user("pat.probation", partnership.probation)
    subject = builders.person(
        first_name="Lee", last_name="Harper", involved=[(partnership.probation, worker)]
    )
    sentence = builders.custody(
        subject,
        sentence_date=date(2005, 3, 1),
        length_days=365 * 15,
        release=TODAY - timedelta(days=200),
        actual=True,
    )
    sentence.indeterminate = True
    sentence.save(update_fields=["indeterminate"])
    builders.offence_code("02800")
    offence_record(
        actor=builders.actor(),
        person=subject,
        offence_code="02800",
        offence_date=date(2004, 6, 1),
        outcome="conviction",
        outcome_date=date(2005, 3, 1),
        disposal="custody",
        sentence_id=sentence.pk,
    )
    builders.flag(subject, "stalking")
    actor = builders.actor(worker)
    assessment_record(
        actor=actor, person=subject, assessed_on=TODAY - timedelta(days=10), rosh={"public": "medium"}
    )
    risk_recalculate(actor=actor, person_ids=[subject.pk])
    score = RiskScore.objects.get(person=subject, kind="tier_letter", is_current=True)
    # Nothing received: desist's own static ARP and CSRP, so the letter is provisional (hmpps-tier).
    assert score.display == "B (provisional)"
    assert any(
        label == "Source" and "worked out by desist (static" in value for label, value in score.working
    )

    assessment_record(
        actor=actor,
        person=subject,
        assessed_on=TODAY - timedelta(days=5),
        rosh={"public": "medium"},
        arp_percent=20,
        csrp_percent=0.7,
    )
    risk_recalculate(actor=actor, person_ids=[subject.pk])
    score = RiskScore.objects.get(person=subject, kind="tier_letter", is_current=True)
    assert (score.value, score.missing) == ("B", [])  # released from a life sentence within a year
    assert score.display == "B"  # RoSH medium is recorded and B is not below what the lifer rule gives
    assert ["Source", "ARP 20.00% received from OASys (preferred to desist's own)"] in score.working
    assert score.inputs["latest_release_date"] == (TODAY - timedelta(days=200)).isoformat()
    assert score.inputs["registrations"] == ["stalking"]
    assert any(label == "Tier" and value.startswith("B") for label, value in score.working)
    assert RiskScore.objects.filter(person=subject, kind="tier_letter").count() == 2  # the history is kept
    client.force_login(worker)
    page = "".join(
        client.get(f"/people/{subject.pk}/{part}").content.decode() for part in ("risk/", "sentences/")
    )
    assert "Custodial sentence (life or IPP)" in page and "Lifer/IPP released" in page
