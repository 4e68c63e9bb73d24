"""Tiering (RULES.md §3): the two-axis model (3a) and the single-letter model (3b).

hmpps-tier = github.com/ministryofjustice/hmpps-tier. Feature files are under src/test/resources/uk/gov/
justice/digital/hmpps/hmppstier/integration/bdd/; Kotlin tests under src/test/kotlin/uk/gov/justice/
digital/hmpps/hmppstier/. Older feature files score RoSH very high and MAPPA 2/3 at 30; the current code
(and RULES.md) at 150, which these tests use."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desist.core.risk.tier import (
    ARP_COLUMNS,
    CSRP_ROWS,
    arp_csrp_letter,
    rsr_points,
)
from desist.risk import (
    COMPLEXITY_REGISTERS,
    REQUIREMENT_KINDS,
    SECTION_KEYS,
    RiskInputError,
    WomenFactors,
    change_level,
    has_mandate_for_change,
    is_assessment_current,
    protect_level,
    tier_single_letter,
    tier_two_axis,
)
from desist.risk import TwoAxisTier as TwoAxisTierResult

AS_OF = date(2026, 6, 9)


def two_axis(**changes: object) -> TwoAxisTierResult:
    """A man with nothing on either axis: D1 (a mandate and a current assessment, no needs, no OGRS)."""
    inputs: dict[str, object] = {
        "rsr_percent": None,
        "rosh": None,
        "mappa_level": None,
        "mappa_category": None,
        "registrations": [],
        "sex": "male",
        "women_factors": None,
        "has_mandate_for_change": True,
        "has_current_assessment": True,
        "needs": {},
        "ogrs_percent": None,
        "is_iom_nominal": False,
    }
    inputs.update(changes)
    return tier_two_axis(**inputs)  # type: ignore[arg-type]


# --- protect axis -------------------------------------------------------------------------------------------


def test_nothing_scores_d1() -> None:
    t = two_axis()
    assert (t.tier, t.protect_points, t.change_points) == ("D1", 0, 0)


@pytest.mark.parametrize(
    ("points", "level"),
    [
        (0, "D"),
        (9, "D"),
        (10, "C"),
        (11, "C"),
        (19, "C"),
        (20, "B"),
        (21, "B"),
        (29, "B"),
        (149, "B"),
        (150, "A"),
        (400, "A"),
    ],
)
def test_protect_level_edges(points: int, level: str) -> None:
    # RULES.md §3a; hmpps-tier assessAndProtectAxis.7.1.feature (0, 9, 10, 11, 19, 20, 21, 29 points).
    assert protect_level(points) == level


@pytest.mark.parametrize(
    ("changes", "points", "level"),
    [
        ({"mappa_level": "M1", "registrations": ["mental_health", "self_harm"]}, 9, "D"),
        ({"rosh": "medium"}, 10, "C"),
        ({"rosh": "medium", "mappa_level": "M1", "registrations": ["mental_health", "self_harm"]}, 19, "C"),
        ({"rosh": "high"}, 20, "B"),
        ({"mappa_level": "M2"}, 150, "A"),
        ({"rosh": "very_high"}, 150, "A"),
    ],
)
def test_protect_edges_through_the_calculator(changes: dict[str, object], points: int, level: str) -> None:
    t = two_axis(**changes)
    assert (t.protect_points, t.protect_level) == (points, level)


@pytest.mark.parametrize(
    ("rsr", "points"),
    [
        (7.1, 20),
        (7.0, 20),
        (6.99, 10),
        (6.9, 10),
        (3.1, 10),
        (3.0, 10),
        (2.99, 0),
        (2.9, 0),
        (0.0, 0),
        (100.0, 20),
    ],
)
def test_rsr_points(rsr: float, points: int) -> None:
    # hmpps-tier calculateRSRScore.6.2.feature (7.1, 7.0, 6.9, 3.1, 3.0, 2.9); RULES.md §3a for the rest.
    assert two_axis(rsr_percent=rsr).protect_points == points
    assert rsr_points(rsr) == points


def test_rsr_between_6_99_and_7_scores_10() -> None:
    # hmpps-tier matches 3.00..6.99 and 7.00..99.99 as closed ranges, leaving 6.995 with 0 points; we count
    # every value from 3.00 up to (not including) 7.00 as 10 (RULES.md §3a, docs/risk.md).
    assert two_axis(rsr_percent=6.995).protect_points == 10


def test_rsr_above_100_is_refused() -> None:
    # hmpps-tier calculateRSRScore.6.2.feature gives 999.99 zero points; a percentage above 100 is bad input
    # here.
    with pytest.raises(RiskInputError, match="RSR percentage must be from 0 to 100"):
        two_axis(rsr_percent=999.99)


@pytest.mark.parametrize(
    ("rosh", "points"),
    [("very_high", 150), ("high", 20), ("medium", 10), ("low", 0), (None, 0), ("Very High", 150)],
)
def test_rosh_points(rosh: str | None, points: int) -> None:
    # RULES.md §3a; hmpps-tier ProtectLevelCalculator.kt (very high 150, high 20, medium 10, else 0).
    assert two_axis(rosh=rosh).protect_points == points


@pytest.mark.parametrize(
    ("rsr", "rosh", "points"),
    [
        (7.0, "very_high", 150),  # hmpps-tier ROSHandRSRRule.6.5.feature: RoSH 150 beats RSR 20
        (7.0, "medium", 20),  # same file: RSR 20 beats RoSH 10
        (5.0, "medium", 10),  # ProtectLevelCalculatorTest.kt "should use either when RSR is same as ROSH"
        (3.2, "high", 20),
    ],
)
def test_only_the_larger_of_rsr_and_rosh_counts(rsr: float, rosh: str, points: int) -> None:
    t = two_axis(rsr_percent=rsr, rosh=rosh)
    assert t.protect_points == points
    counted = [p for p in t.protect_parts[:2] if p.value]
    assert len(counted) == 1 and "only the larger" in "".join(p.rule for p in t.protect_parts[:2])


@pytest.mark.parametrize(("level", "points"), [("M3", 150), ("M2", 150), ("M1", 5), (None, 0)])
def test_mappa_points(level: str | None, points: int) -> None:
    # RULES.md §3a; hmpps-tier MAPPA.6.7.feature (levels 3, 2, 1, none) with the current 150.
    assert two_axis(mappa_level=level, mappa_category="M2" if level else None).protect_points == points


def test_mappa_category_alone_scores_nothing() -> None:
    assert two_axis(mappa_category="M1").protect_points == 0


@pytest.mark.parametrize("register", list(COMPLEXITY_REGISTERS))
def test_each_complexity_register_scores_2(register: str) -> None:
    # hmpps-tier additionalFactorsMaleAndFemale.6.9.feature: each register scores 2.
    assert two_axis(registrations=[register]).protect_points == 2


def test_all_complexity_registers_score_20() -> None:
    # hmpps-tier additionalFactorsMaleAndFemale.6.9.feature: "All additional factors score 20 points".
    assert two_axis(registrations=list(COMPLEXITY_REGISTERS)).protect_points == 20


def test_complexity_registers_count_once_and_others_not_at_all() -> None:
    # hmpps-tier ProtectLevelCalculatorTest.kt: duplicates count once; vulnerability + adult at risk = 4.
    assert two_axis(registrations=["vulnerability"] * 6).protect_points == 2
    assert two_axis(registrations=["vulnerability", "adult_at_risk"]).protect_points == 4
    t = two_axis(registrations=["mappa", "iom", "stalking", "mental_health"])
    assert t.protect_points == 2
    assert "not counted: iom, mappa, stalking" in t.protect_parts[3].rule


@pytest.mark.parametrize(
    ("factors", "points"),
    [
        # hmpps-tier additionalFactorsFemaleComplexity.6.11.2.feature and
        # service/calculation/AdditionalFactorsForWomenTest.kt.
        (WomenFactors(parenting_responsibilities=True), 2),
        (WomenFactors(impulsivity=1, temper_control=1), 2),
        (WomenFactors(temper_control=1), 2),
        (WomenFactors(impulsivity=1), 2),
        (WomenFactors(temper_control=2), 2),
        (WomenFactors(impulsivity=2), 2),
        (WomenFactors(impulsivity=1, parenting_responsibilities=True), 4),
        (WomenFactors(temper_control=1, parenting_responsibilities=True), 4),
        (WomenFactors(impulsivity=1, temper_control=1, parenting_responsibilities=True), 4),
        (WomenFactors(), 0),
        (WomenFactors(breach_or_recall=True), 2),  # additionalFactorsFemaleBreachRecall.6.11.1.feature
        (WomenFactors(True, 2, 2, True), 6),
        (None, 0),  # AdditionalFactorsForWomenTest.kt: no valid assessment → 0
    ],
)
def test_additional_factors_for_women(factors: WomenFactors | None, points: int) -> None:
    assert two_axis(sex="female", women_factors=factors).protect_points == points


def test_additional_factors_do_not_count_for_men() -> None:
    # hmpps-tier additionalFactorsFemaleComplexity.6.11.2.feature "Male offender scores 0 points" and
    # additionalFactorsFemaleBreachRecall.6.11.1.feature.
    assert two_axis(sex="male", women_factors=WomenFactors(True, 1, 1, True)).protect_points == 0


def test_breach_lifts_a_woman_from_d_to_c() -> None:
    # hmpps-tier additionalFactorsFemaleBreachRecall.6.11.1.feature: 9 protect points + breach → C.
    nine = {"mappa_level": "M1", "registrations": ["mental_health", "vulnerability"], "sex": "female"}
    assert two_axis(**nine).protect_level == "D"
    assert two_axis(**nine, women_factors=WomenFactors(breach_or_recall=True)).protect_level == "C"


def test_women_factors_are_validated() -> None:
    with pytest.raises(RiskInputError, match="impulsivity must be 0, 1 or 2"):
        WomenFactors(impulsivity=3)
    with pytest.raises(RiskInputError, match="parenting_responsibilities must be True or False"):
        WomenFactors(parenting_responsibilities="Y")  # type: ignore[arg-type]


# --- change axis --------------------------------------------------------------------------------------------


def test_no_mandate_is_change_level_0() -> None:
    # RULES.md §3a; hmpps-tier ChangeLevelCalculator.kt TIER_NO_MANDATE.
    t = two_axis(
        has_mandate_for_change=False, needs={"attitudes": "severe"}, ogrs_percent=90, is_iom_nominal=True
    )
    assert (t.change_level, t.change_points, t.tier) == (0, 0, "D0")


def test_no_current_assessment_is_change_level_2() -> None:
    # hmpps-tier mandateForChange.9.5.feature "Sentence with no assessment has change level 2", 0 points.
    t = two_axis(has_current_assessment=False, ogrs_percent=90)
    assert (t.change_level, t.change_points) == (2, 0)


@pytest.mark.parametrize(
    ("ogrs", "points"),
    [
        (59, 5),
        (51, 5),
        (50, 5),
        (100, 10),
        (90, 9),
        (80, 8),
        (70, 7),
        (60, 6),
        (40, 4),
        (30, 3),
        (20, 2),
        (10, 1),
        (9, 0),
        (None, 0),
    ],
)
def test_ogrs_points(ogrs: int | None, points: int) -> None:
    # hmpps-tier OGRS.8.2.feature; ChangeLevelCalculatorTest.kt ("Ogrs null" → 0).
    assert two_axis(ogrs_percent=ogrs).change_points == points


def test_iom_scores_2() -> None:
    # hmpps-tier IOM.8.6.feature.
    assert two_axis(is_iom_nominal=True).change_points == 2


@pytest.mark.parametrize(
    ("section", "standard", "severe"),
    [
        ("accommodation", 1, 2),
        ("ete", 1, 2),
        ("relationships", 1, 2),
        ("lifestyle", 1, 2),
        ("drugs", 1, 2),
        ("alcohol", 1, 2),
        ("thinking_behaviour", 2, 4),
        ("attitudes", 2, 4),
        ("finance", 0, 0),
        ("emotional_wellbeing", 0, 0),
    ],
)
def test_needs_points(section: str, standard: int, severe: int) -> None:
    # hmpps-tier criminogenicNeeds.8.4.feature: every section at no need, standard and severe.
    assert two_axis(needs={section: "none"}).change_points == 0
    assert two_axis(needs={section: "standard"}).change_points == standard
    assert two_axis(needs={section: "severe"}).change_points == severe


def test_needs_combine() -> None:
    # hmpps-tier criminogenicNeeds.8.4.feature: different needs combine; ChangeLevelCalculatorTest.kt: five
    # severe needs of weight 1 → 10 points.
    assert two_axis(needs={"accommodation": "standard", "alcohol": "none"}).change_points == 1
    assert two_axis(needs={"accommodation": "standard", "alcohol": "standard"}).change_points == 2
    five = dict.fromkeys(["accommodation", "ete", "relationships", "lifestyle", "drugs"], "severe")
    assert two_axis(needs=five).change_points == 10
    assert two_axis(needs={"drugs": None}).change_points == 0


@pytest.mark.parametrize(("points", "level"), [(0, 1), (9, 1), (10, 2), (11, 2), (19, 2), (20, 3), (21, 3)])
def test_change_level_edges(points: int, level: int) -> None:
    # RULES.md §3a; hmpps-tier changeTierThresholds.10.1.feature (9, 10, 11, 19, 20, 21 points).
    assert change_level(points) == level


@pytest.mark.parametrize(
    ("changes", "points", "level"),
    [
        ({"ogrs_percent": 99}, 9, 1),
        ({"ogrs_percent": 100}, 10, 2),
        (
            {
                "ogrs_percent": 99,
                "is_iom_nominal": True,
                "needs": {"thinking_behaviour": "severe", "attitudes": "severe"},
            },
            19,
            2,
        ),
        (
            {
                "ogrs_percent": 99,
                "is_iom_nominal": True,
                "needs": {"thinking_behaviour": "severe", "attitudes": "severe", "accommodation": "standard"},
            },
            20,
            3,
        ),
    ],
)
def test_change_edges_through_the_calculator(changes: dict[str, object], points: int, level: int) -> None:
    t = two_axis(**changes)
    assert (t.change_points, t.change_level) == (points, level)


def test_unsupervised_suffix() -> None:
    assert two_axis(rosh="high", ogrs_percent=55, unsupervised=True).tier == "B1S"


def test_a_full_case_explains_itself() -> None:
    t = two_axis(
        rsr_percent=3.2,
        rosh="high",
        mappa_level="M1",
        mappa_category="M2",
        registrations=["mental_health", "mappa"],
        sex="female",
        women_factors=WomenFactors(parenting_responsibilities=True, temper_control=1),
        needs={"accommodation": "severe", "thinking_behaviour": "standard"},
        ogrs_percent=55,
        is_iom_nominal=True,
    )
    # Protect: RoSH high 20 (RSR 10 not counted) + MAPPA 1 5 + mental health 2 + women (1 + 1) × 2 = 31 → B.
    # Change: accommodation severe 2 + thinking standard 2 + floor(55 / 10) 5 + IOM 2 = 11 → 2.
    assert (t.tier, t.protect_points, t.change_points) == ("B2", 31, 11)
    assert sum(int(p.value or 0) for p in t.protect_parts) == t.protect_points
    assert sum(int(p.value or 0) for p in t.change_parts) == t.change_points
    lines = dict(t.explain())
    assert lines["Tier"].startswith("B2") and lines["Protect points"].startswith("31")
    assert all(p.rule for p in t.parts)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rosh": "severe"}, "RoSH level must be one of"),
        ({"mappa_level": 4}, "MAPPA level must be one of M1, M2, M3"),
        ({"mappa_category": "M5"}, "MAPPA category must be one of M1, M2, M3, M4"),
        ({"sex": "x"}, "sex must be 'male' or 'female'"),
        ({"needs": {"housing": "severe"}}, "unknown need section"),
        ({"needs": {"drugs": "high"}}, "need for drugs must be one of none, standard, severe"),
        ({"rsr_percent": -1}, "RSR percentage must be from 0 to 100"),
        ({"rsr_percent": "5"}, "RSR percentage must be a number"),
        ({"ogrs_percent": 101}, "OGRS percentage must be from 0 to 100"),
        ({"registrations": "mental_health"}, "registrations must be a collection"),
        ({"has_mandate_for_change": "yes"}, "has_mandate_for_change must be True or False"),
        ({"women_factors": {"impulsivity": 1}}, "women_factors must be a WomenFactors"),
    ],
)
def test_two_axis_validation(changes: dict[str, object], message: str) -> None:
    with pytest.raises(RiskInputError, match=message):
        two_axis(**changes)


# --- mandate for change and current assessment --------------------------------------------------------------


@pytest.mark.parametrize(
    ("custodial", "requirements", "mandate"),
    [
        # hmpps-tier mandateForChange.9.5.feature and MandateForChange.kt.
        (True, set(), True),  # custodial sentences (SC, NC) have a mandate
        (True, {"unpaid_work"}, True),
        (False, {"unpaid_work"}, False),  # only unpaid work
        (False, {"rar"}, True),  # a non-restrictive requirement
        (False, {"rar", "unpaid_work"}, True),
        (
            False,
            {"curfew"},
            False,
        ),  # restrictive only (MandateForChangeTest: "only restrictive requirements")
        (False, {"curfew", "electronic_monitoring", "exclusion"}, False),
        (False, {"curfew", "unpaid_work"}, False),
        (False, {"curfew", "programme"}, True),  # restrictive and non-restrictive
        (False, set(), False),
        (False, {"drr"}, True),
        (False, {"prohibited_activity", "foreign_travel_prohibition"}, False),
    ],
)
def test_mandate_for_change(custodial: bool, requirements: set[str], mandate: bool) -> None:
    assert has_mandate_for_change(custodial_sentence_current=custodial, requirements=requirements) is mandate


def test_every_requirement_kind_is_known_and_a_deployment_may_choose_what_restricts() -> None:
    for kind in REQUIREMENT_KINDS:
        has_mandate_for_change(custodial_sentence_current=False, requirements={kind})
    assert has_mandate_for_change(custodial_sentence_current=False, requirements={"residence"})
    assert not has_mandate_for_change(
        custodial_sentence_current=False, requirements={"residence"}, restrictive={"residence"}
    )
    with pytest.raises(RiskInputError, match="unknown requirement kind"):
        has_mandate_for_change(custodial_sentence_current=False, requirements={"tagging"})


def test_current_assessment_window() -> None:
    # hmpps-tier mandateForChange.9.5.feature: an assessment 55 weeks and one day old is out of date.
    assert is_assessment_current(AS_OF - timedelta(weeks=55), as_of=AS_OF)
    assert not is_assessment_current(AS_OF - timedelta(weeks=55, days=1), as_of=AS_OF)
    assert not is_assessment_current(AS_OF + timedelta(days=1), as_of=AS_OF)


# --- properties ---------------------------------------------------------------------------------------------

LEVELS = "ABCD"
protect_inputs = st.fixed_dictionaries(
    {
        "rsr_percent": st.one_of(st.none(), st.floats(0, 100)),
        "rosh": st.sampled_from([None, "low", "medium", "high", "very_high"]),
        "mappa_level": st.sampled_from([None, "M1", "M2", "M3"]),
        "registrations": st.lists(st.sampled_from(list(COMPLEXITY_REGISTERS)), max_size=5),
        "sex": st.sampled_from(["male", "female"]),
        "women_factors": st.one_of(
            st.none(),
            st.builds(WomenFactors, st.booleans(), st.integers(0, 2), st.integers(0, 2), st.booleans()),
        ),
    }
)


@settings(max_examples=150, deadline=None)
@given(
    protect_inputs,
    st.sampled_from(list(COMPLEXITY_REGISTERS)),
    st.sampled_from(["medium", "high", "very_high"]),
)
def test_protect_level_never_falls_when_points_are_added(
    inputs: dict[str, object], register: str, rosh: str
) -> None:
    before = two_axis(**inputs)
    registers = list(inputs["registrations"])  # type: ignore[call-overload]
    more_registers = two_axis(**{**inputs, "registrations": [*registers, register]})
    assert more_registers.protect_points >= before.protect_points
    assert LEVELS.index(more_registers.protect_level) <= LEVELS.index(before.protect_level)
    if inputs["rosh"] is None or ["low", "medium", "high", "very_high"].index(str(inputs["rosh"])) < [
        "low",
        "medium",
        "high",
        "very_high",
    ].index(rosh):
        higher_rosh = two_axis(**{**inputs, "rosh": rosh})
        assert LEVELS.index(higher_rosh.protect_level) <= LEVELS.index(before.protect_level)
    assert sum(int(p.value or 0) for p in before.protect_parts) == before.protect_points


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 400), st.integers(0, 50))
def test_protect_and_change_levels_are_monotone_in_points(points: int, extra: int) -> None:
    assert LEVELS.index(protect_level(points + extra)) <= LEVELS.index(protect_level(points))
    assert change_level(points + extra) >= change_level(points)


SEVERITIES = ["none", "standard", "severe"]


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(st.sampled_from(SECTION_KEYS), st.sampled_from(SEVERITIES)),
    st.sampled_from(SECTION_KEYS),
    st.one_of(st.none(), st.integers(0, 100)),
    st.booleans(),
)
def test_change_level_never_falls_when_a_need_gets_worse(
    needs: dict[str, str], section: str, ogrs: int | None, iom: bool
) -> None:
    before = two_axis(needs=needs, ogrs_percent=ogrs, is_iom_nominal=iom)
    current = needs.get(section, "none")
    for worse in SEVERITIES[SEVERITIES.index(current) :]:
        after = two_axis(needs={**needs, section: worse}, ogrs_percent=ogrs, is_iom_nominal=iom)
        assert after.change_points >= before.change_points
        assert after.change_level >= before.change_level


# --- the single-letter model (RULES.md §3b) -----------------------------------------------------------------


def single(**changes: object) -> str:
    inputs: dict[str, object] = {"arp_percent": 0.0, "csrp_percent": 0.0, "as_of": AS_OF}
    inputs.update(changes)
    return tier_single_letter(**inputs).tier  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("arp", "csrp", "letter"),
    [
        # hmpps-tier service/calculation/TierCalculatorTest.kt arpAndCsrpMatrixCases: every cell.
        (90.0, 6.9, "A"),
        (75.0, 6.9, "A"),
        (50.0, 6.9, "B"),
        (25.0, 6.9, "B"),
        (15.0, 6.9, "B"),
        (0.0, 6.9, "B"),
        (90.0, 3.0, "A"),
        (75.0, 3.0, "B"),
        (50.0, 3.0, "C"),
        (25.0, 3.0, "C"),
        (15.0, 3.0, "C"),
        (0.0, 3.0, "C"),
        (90.0, 1.0, "B"),
        (75.0, 1.0, "C"),
        (50.0, 1.0, "D"),
        (25.0, 1.0, "E"),
        (15.0, 1.0, "E"),
        (0.0, 1.0, "E"),
        (90.0, 0.5, "C"),
        (75.0, 0.5, "D"),
        (50.0, 0.5, "E"),
        (25.0, 0.5, "E"),
        (15.0, 0.5, "F"),
        (0.0, 0.5, "F"),
        (90.0, 0.0, "D"),
        (75.0, 0.0, "D"),
        (50.0, 0.0, "E"),
        (25.0, 0.0, "F"),
        (15.0, 0.0, "F"),
        (0.0, 0.0, "G"),
        # hmpps-tier docs/tier-calculation.md examples. Its second example says ARP 30 and CSRP 0.3 give E,
        # but its own table (row 0–0.49, column 25–49), the code and RULES.md §3b give F.
        (80.0, 4.0, "B"),
        (30.0, 0.3, "F"),
        # just below each edge
        (89.99, 6.89, "B"),
        (74.99, 2.99, "D"),
        (49.99, 0.99, "E"),
        (24.99, 0.49, "F"),
        (14.99, 0.49, "G"),
    ],
)
def test_arp_csrp_table(arp: float, csrp: float, letter: str) -> None:
    assert arp_csrp_letter(arp, csrp) == letter
    assert single(arp_percent=arp, csrp_percent=csrp) == letter


def test_table_axes_match_rules() -> None:
    assert CSRP_ROWS == (6.9, 3.0, 1.0, 0.5, 0.0) and ARP_COLUMNS == (90, 75, 50, 25, 15, 0)


@pytest.mark.parametrize(
    ("score", "band", "letter"),
    [
        # hmpps-tier service/calculation/TierCalculatorTest.kt directSexualReoffendingCases.
        (5.31, "very_high", "A"),
        (0.01, "very_high", "A"),
        (2.11, "high", "B"),
        (1.50, "high", "B"),
        (5.31, "high", "B"),
        (1.12, "medium", "C"),
        (3.36, "medium", "C"),
        (2.11, "medium", "D"),
        (0.60, "medium", "D"),
        (0.02, "low", "E"),
        (3.35, "medium", "D"),
        (2.10, "medium", "C"),
        (1.11, "medium", "D"),  # docs/tier-calculation.md ranges
    ],
)
def test_direct_contact_sexual_band(score: float, band: str, letter: str) -> None:
    assert single(dcsrp_band=band, dcsrp_score=score) == letter


def test_direct_contact_medium_below_every_threshold_is_refused() -> None:
    # hmpps-tier TierCalculatorTest.kt: a medium band with score 0.59 throws.
    with pytest.raises(RiskInputError, match="below every medium-band threshold"):
        single(dcsrp_band="medium", dcsrp_score=0.59)


def test_direct_contact_without_a_usable_band_is_ignored() -> None:
    # hmpps-tier TierCalculatorTest.kt ignoredSexualPredictorCases: ARP 75, CSRP 1.0 → C.
    assert single(arp_percent=75.0, csrp_percent=1.0, dcsrp_score=2.11) == "C"
    assert single(arp_percent=75.0, csrp_percent=1.0, dcsrp_band="NOT_APPLICABLE", dcsrp_score=2.11) == "C"


@pytest.mark.parametrize("band", ["low", "medium", "high", "very_high"])
def test_direct_contact_score_0_or_none_is_not_usable(band: str) -> None:
    # hmpps-tier ValidPredictor.kt: a predictor is used only with a score above 0. ARP 0, CSRP 0, DC-SRP low
    # with score 0 is tier G there; a medium band with no score is passed over too.
    assert single(dcsrp_band=band, dcsrp_score=0.0) == "G"
    assert single(dcsrp_band=band, dcsrp_score=None) == "G"


def test_rules_only_medium_thresholds_can_be_chosen() -> None:
    rules_only = ((3.36, "C"), (2.11, "D"))
    assert single(dcsrp_band="medium", dcsrp_score=2.5, dcsrp_medium_thresholds=rules_only) == "D"
    with pytest.raises(RiskInputError):
        single(dcsrp_band="medium", dcsrp_score=1.5, dcsrp_medium_thresholds=rules_only)


@pytest.mark.parametrize(
    ("category", "rosh", "letter"),
    [
        # hmpps-tier service/calculation/TierCalculatorTest.kt mappaAndRoshCases (base ARP 0, CSRP 0 → G).
        ("M1", "very_high", "A"),
        ("M1", "high", "C"),
        ("M1", "medium", "D"),
        ("M1", "low", "E"),
        ("M1", None, "E"),
        (None, "very_high", "C"),
        (None, "high", "D"),
        (None, "medium", "G"),
        (None, "low", "G"),
        (None, None, "G"),
        ("M4", "high", "C"),
    ],
)
def test_mappa_with_rosh(category: str | None, rosh: str | None, letter: str) -> None:
    assert single(mappa_category=category, rosh=rosh) == letter


def test_medium_rosh_without_mappa_keeps_the_table_letter() -> None:
    # hmpps-tier TierCalculatorTest.kt "keeps existing tier when ROSH is medium and MAPPA is absent".
    assert single(arp_percent=90.0, csrp_percent=1.0, rosh="medium") == "B"


@pytest.mark.parametrize(
    ("lifer", "released", "letter"),
    [
        # hmpps-tier service/calculation/TierCalculatorTest.kt liferAndReleaseDateCases (as of AS_OF).
        (True, AS_OF - timedelta(days=1), "B"),
        (True, date(2025, 6, 10), "B"),
        (True, date(2025, 6, 9), "B"),  # exactly a year ago: still within the first year
        (True, date(2025, 6, 8), "D"),
        (True, date(2024, 6, 9), "D"),
        (True, date(2021, 6, 10), "D"),
        (True, date(2021, 6, 9), "D"),  # exactly five years ago
        (True, date(2021, 6, 8), "E"),
        (True, date(2020, 6, 9), "E"),
        (True, None, "G"),
        (False, None, "G"),
        (False, AS_OF - timedelta(days=1), "G"),
    ],
)
def test_lifer_and_ipp_release(lifer: bool, released: date | None, letter: str) -> None:
    assert single(is_lifer_or_ipp=lifer, latest_release_date=released) == letter


def test_release_after_as_of_is_refused() -> None:
    with pytest.raises(RiskInputError, match="after"):
        single(is_lifer_or_ipp=True, latest_release_date=AS_OF + timedelta(days=1))


@pytest.mark.parametrize(
    ("registrations", "letter"),
    [
        # hmpps-tier service/calculation/TierCalculatorTest.kt registrationFlagCases.
        ((), "G"),
        (("domestic_abuse",), "E"),
        (("stalking",), "F"),
        (("child_protection",), "F"),
        (("domestic_abuse", "stalking"), "E"),
        (("domestic_abuse", "child_protection"), "E"),
        (("stalking", "child_protection"), "F"),
        (("domestic_abuse", "stalking", "child_protection"), "E"),
        (("domestic_abuse_perpetrator",), "E"),
        (("mappa", "iom"), "G"),
    ],
)
def test_registrations(registrations: tuple[str, ...], letter: str) -> None:
    assert single(registrations=registrations) == letter


def test_sexual_offence_ever_is_e() -> None:
    # hmpps-tier TierCalculatorTest.kt "applies people convicted of sexual offences rule" (RoSH medium, no
    # MAPPA).
    assert single(rosh="medium", ever_committed_sexual_offence=True) == "E"


def test_the_highest_letter_wins() -> None:
    # hmpps-tier TierCalculatorTest.kt "higher tier from earlier rules is not downgraded by later registration
    # logic".
    result = tier_single_letter(
        arp_percent=95.0,
        csrp_percent=6.9,
        dcsrp_band="very_high",
        dcsrp_score=5.31,
        mappa_category="M1",
        rosh="high",
        is_lifer_or_ipp=True,
        latest_release_date=date(2024, 6, 9),
        registrations=["domestic_abuse", "stalking", "child_protection"],
        as_of=AS_OF,
    )
    assert result.tier == "A"
    letters = [p.value for p in result.components]
    assert letters == ["A", "A", "C", "D", "E", "F", "F", None]
    assert dict(result.explain())["Tier"].startswith("A")


def test_missing_predictors_are_a_result_naming_them() -> None:
    # hmpps-tier TierCalculatorTest.kt: a missing ARP or CSRP gives the tier MISSING, a result, not an error.
    result = tier_single_letter(arp_percent=None, csrp_percent=None)
    assert (result.status, result.tier, result.missing) == ("missing", None, ("arp_percent", "csrp_percent"))
    assert result.label == "missing" and dict(result.explain())["Tier"].startswith("missing")
    assert tier_single_letter(arp_percent=90.0, csrp_percent=None).missing == ("csrp_percent",)
    assert tier_single_letter(arp_percent=None, csrp_percent=3.2).missing == ("arp_percent",)


def test_not_supervised_is_a_result() -> None:
    # hmpps-tier TierCalculatorTest.kt "cases without an active event have a tier of NOT_SUPERVISED".
    result = tier_single_letter(arp_percent=None, csrp_percent=None, has_active_event=False)
    assert (result.status, result.tier, result.label) == ("not_supervised", None, "not supervised")


def test_provisional_is_shown_with_its_reason() -> None:
    result = tier_single_letter(arp_percent=75.0, csrp_percent=0.0, as_of=AS_OF)
    assert (result.tier, result.provisional, result.label) == ("D", True, "D (provisional)")
    assert "RoSH is missing" in dict(result.explain())["Provisional"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"arp_percent": 101.0}, "ARP percentage must be from 0 to 100"),
        ({"csrp_percent": -0.1}, "CSRP percentage must be from 0 to 100"),
        ({"dcsrp_band": "extreme", "dcsrp_score": 1.0}, "DC-SRP band must be one of"),
        ({"mappa_category": 0}, "MAPPA category must be one of"),
        ({"mappa_category": 1}, "MAPPA category must be one of M1"),
        ({"rosh": "serious"}, "RoSH level must be one of"),
        ({"registrations": "stalking"}, "registrations must be a collection"),
    ],
)
def test_single_letter_validation(changes: dict[str, object], message: str) -> None:
    with pytest.raises(RiskInputError, match=message):
        single(**changes)
