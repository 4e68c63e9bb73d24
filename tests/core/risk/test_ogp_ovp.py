"""OGP and OVP (RULES.md §2): the MoJ worked examples, every item table, rounding, bands, missing and bad
items, and monotonicity.

MoJ = github.com/ministryofjustice/hmpps-arns-risk-actuarial-api, src/test/kotlin/uk/gov/justice/digital/
hmpps/arnsriskactuarialapi/... (the files named next to each case)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desist.core.risk.ogp import ITEMS as OGP_ITEMS
from desist.core.risk.ogp import ogp_probabilities
from desist.core.risk.ovp import ITEMS as OVP_ITEMS
from desist.core.risk.ovp import (
    age_points,
    non_violent_sanction_points,
    ovp_probabilities,
    violent_sanction_points,
)
from desist.risk import MissingAssessmentItems, RiskInputError, ogp, ogp_band, ovp, ovp_band

# --- OGP ----------------------------------------------------------------------------------------------------

OGP_NAMES = list(OGP_ITEMS)


def ogp_inputs(*values: object) -> dict[str, object]:
    return dict(zip(OGP_NAMES, values, strict=True))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # MoJ service/OGPRiskProducerServiceCompanionTest.kt, getOGPTestCases (the items in ITEMS order:
        # OGRS3 2yr, no fixed abode, unemployed, regular activities, drug misuse, motivation, problem solving,
        # awareness, others' views, pro-criminal attitudes) → (score, 1yr %, 2yr %, band).
        ((81, False, True, 1, 0, 0, 1, 1, 0, 1), (62, 53, 68, "high")),
        ((67, False, True, 1, 0, 0, 1, 1, 0, 1), (53, 40, 55, "medium")),
        ((37, False, True, 1, 2, 0, 1, 1, 0, 1), (43, 26, 39, "medium")),
        ((17, False, True, 1, 2, 0, 1, 1, 0, 1), (31, 15, 24, "low")),
    ],
)
def test_ogp_moj_cases(values: tuple[object, ...], expected: tuple[int, int, int, str]) -> None:
    r = ogp(**ogp_inputs(*values))  # type: ignore[arg-type]
    assert (r.score, r.one_year, r.two_year, r.band) == expected
    assert sum(int(p.value or 0) for p in r.score_parts) == r.score


def test_ogp_parts_of_the_first_moj_case() -> None:
    r = ogp(**ogp_inputs(81, False, True, 1, 0, 0, 1, 1, 0, 1))  # type: ignore[arg-type]
    assert [p.value for p in r.score_parts] == [49, 0, 5, 3, 0, 2, 3]  # round(48.6), …, round(5/6 × 2)
    labels = [label for label, _ in r.explain()]
    assert labels[:7] == [p.label for p in r.score_parts] and "OGP score" in labels and "Band" in labels


@pytest.mark.parametrize(
    ("drug", "motivation", "points"),
    [(0, 0, 0), (1, 0, 4), (0, 2, 8), (2, 0, 8), (2, 1, 11), (2, 2, 15)],  # 3.75, 7.5 half up → 8, 11.25 → 11
)
def test_ogp_drug_rounding_is_half_up(drug: int, motivation: int, points: int) -> None:
    r = ogp(**ogp_inputs(0, False, False, 0, drug, motivation, 0, 0, 0, 0))  # type: ignore[arg-type]
    assert r.score_parts[4].value == points


@pytest.mark.parametrize(("total", "points"), [(0, 0), (1, 1), (2, 2), (3, 3), (4, 3), (5, 4), (6, 5)])
def test_ogp_thinking_rounding_is_half_up(total: int, points: int) -> None:
    # 5/6 × 3 = 2.5 → 3 (half up; Python's round would give 2).
    split = [min(2, total), min(2, max(0, total - 2)), max(0, total - 4)]
    r = ogp(**ogp_inputs(0, False, False, 0, 0, 0, *split, 0))  # type: ignore[arg-type]
    assert r.score_parts[5].value == points


@pytest.mark.parametrize(("answer", "points"), [(0, 0), (1, 3), (2, 5)])
def test_ogp_graded_items(answer: int, points: int) -> None:
    r = ogp(**ogp_inputs(0, True, True, answer, 0, 0, 0, 0, 0, answer))  # type: ignore[arg-type]
    assert [p.value for p in r.score_parts] == [0, 5, 5, points, 0, 0, points]


def test_ogp_all_missing_names_every_item() -> None:
    with pytest.raises(MissingAssessmentItems) as error:
        ogp()
    assert error.value.missing == tuple(OGP_NAMES)
    assert all(name in str(error.value) for name in OGP_NAMES)


def test_ogp_some_missing() -> None:
    values = dict(ogp_inputs(50, False, True, 1, 0, 0, 1, 1, 0, 1))
    values["unemployed"] = None
    values["pro_criminal_attitudes"] = None
    with pytest.raises(MissingAssessmentItems) as error:
        ogp(**values)  # type: ignore[arg-type]
    assert error.value.missing == ("unemployed", "pro_criminal_attitudes")
    assert isinstance(error.value, RiskInputError)


def test_ogp_bad_values_are_all_named() -> None:
    with pytest.raises(RiskInputError) as error:
        ogp(**ogp_inputs(101, "yes", True, 3, 0, 0, -1, 1, True, 1))  # type: ignore[arg-type]
    message = str(error.value)
    for fragment in (
        "ogrs3_two_year must be a whole number from 0 to 100 (got 101)",
        "no_fixed_abode must be True or False (got 'yes')",
        "regular_offending_activities must be 0, 1 or 2 (got 3)",
        "problem_solving must be 0, 1 or 2 (got -1)",
        "understands_others_views must be 0, 1 or 2 (got True)",
    ):
        assert fragment in message


@pytest.mark.parametrize(
    ("two_year", "band"),
    [
        (1, "low"),
        (33, "low"),
        (34, "medium"),
        (66, "medium"),
        (67, "high"),
        (84, "high"),
        (85, "very_high"),
        (99, "very_high"),
    ],
)
def test_ogp_band_edges(two_year: int, band: str) -> None:
    # RULES.md §2; MoJ OGPTransformationHelper.kt bandOGP.
    assert ogp_band(two_year) == band


@pytest.mark.parametrize("two_year", [0, 100])
def test_ogp_band_outside_1_to_99(two_year: int) -> None:
    with pytest.raises(RiskInputError):
        ogp_band(two_year)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 250))
def test_ogp_probabilities_are_monotone_in_score(score: int) -> None:
    lower, higher = ogp_probabilities(score), ogp_probabilities(score + 1)
    assert higher[0] > lower[0] and higher[1] > lower[1]
    assert lower[1] > lower[0]


@settings(max_examples=100, deadline=None)
@given(st.tuples(st.integers(0, 100), st.booleans(), st.booleans(), *[st.integers(0, 2)] * 7))
def test_ogp_percentages_follow_the_score(values: tuple[object, ...]) -> None:
    r = ogp(**ogp_inputs(*values))  # type: ignore[arg-type]
    assert 1 <= r.one_year <= r.two_year <= 99
    assert r.band == ogp_band(r.two_year)


# --- OVP ----------------------------------------------------------------------------------------------------


def ovp_inputs(**changes: object) -> dict[str, object]:
    """MoJ TestData.kt validOVPRiskScoreRequest(): a man born 15 Oct 1964, follow-up from 12 Dec 2027,
    30 sanctions of which 10 violent, recognises the impact, no fixed abode, unemployed."""
    inputs: dict[str, object] = {
        "sex": "male",
        "date_of_birth": date(1964, 10, 15),
        "follow_up_start": date(2027, 12, 12),
        "total_sanctions": 30,
        "violent_sanctions": 10,
        "recognises_impact": True,
        "no_fixed_abode": True,
        "unemployed": True,
        "alcohol_current_use": 0,
        "alcohol_binge": 0,
        "psychiatric_treatment": False,
        "temper_control": 0,
        "pro_criminal_attitudes": 0,
    }
    inputs.update(changes)
    return inputs


def test_ovp_moj_medium_case() -> None:
    # MoJ service/OVPRiskProducerServiceTest.kt "valid input MEDIUM risk": 15% / 26%, LOW.
    r = ovp(**ovp_inputs())  # type: ignore[arg-type]
    assert (r.score, r.one_year, r.two_year, r.band) == (39, 15, 26, "low")
    assert (r.static_score, r.dynamic_score, r.age_at_follow_up) == (31, 8, 63)


def test_ovp_moj_high_case() -> None:
    # MoJ service/OVPRiskProducerServiceTest.kt "valid input HIGH risk": 42% / 58%, MEDIUM.
    r = ovp(
        **ovp_inputs(
            total_sanctions=55,
            violent_sanctions=40,
            temper_control=2,  # type: ignore[arg-type]
            alcohol_current_use=1,
            alcohol_binge=1,
        )
    )
    assert (r.score, r.one_year, r.two_year, r.band) == (58, 42, 58, "medium")


def test_ovp_moj_low_case_with_the_moj_previous_sanction_rule() -> None:
    # MoJ service/OVPRiskProducerServiceTest.kt "valid input LOW risk": one sanction, none violent, does not
    # recognise impact → 5% / 9%. The MoJ code gives +5 for any sanction (total ≥ 1): the default.
    inputs = ovp_inputs(total_sanctions=1, violent_sanctions=0, recognises_impact=False)
    r = ovp(**inputs)  # type: ignore[arg-type]
    assert (r.score, r.one_year, r.two_year, r.band) == (22, 5, 9, "low")
    assert ovp(**inputs, previous_sanction_rule="any").score == 22  # type: ignore[arg-type]


def test_ovp_low_case_with_the_rules_previous_sanction_rule() -> None:
    # desist's earlier reading of RULES.md §2 ("any previous sanction +5"), kept as a setting: with only the
    # current sanction there is none.
    inputs = ovp_inputs(total_sanctions=1, violent_sanctions=0, recognises_impact=False)
    r = ovp(**inputs, previous_sanction_rule="previous")  # type: ignore[arg-type]
    assert (r.score, r.one_year, r.two_year, r.band) == (17, 4, 7, "low")
    two = ovp(**ovp_inputs(total_sanctions=2, violent_sanctions=0), previous_sanction_rule="previous")  # type: ignore[arg-type]
    assert two.score_parts[4].value == 5


def test_ovp_score_82() -> None:
    # MoJ service/transformation/OVPTransformationHelperTest.kt: score 82 → 80% one year, 89% two years.
    one, two = ovp_probabilities(82)
    assert (round(one * 100), round(two * 100)) == (80, 89)
    # reached through the calculator: 25 + 2 + 20 + 5 + 5 + 4 + 4 + 4 + 3 + 4 + 6 + 0 = 82
    r = ovp(
        **ovp_inputs(
            date_of_birth=date(2009, 1, 1),
            total_sanctions=21,
            violent_sanctions=18,  # type: ignore[arg-type]
            recognises_impact=False,
            alcohol_current_use=1,
            psychiatric_treatment=True,
            temper_control=2,
        )
    )
    assert (r.score, r.one_year, r.two_year, r.band) == (82, 80, 89, "very_high")


@pytest.mark.parametrize(
    ("count", "points"),
    [(0, 0), (1, 4), (2, 7), (3, 9), (4, 11), (5, 12), (10, 17), (16, 23), (17, 24), (18, 25), (40, 25)],
)
def test_ovp_violent_sanctions(count: int, points: int) -> None:
    # RULES.md §2; MoJ OVPTransformationHelperTest.kt (0→0, 1→4, 17→24).
    assert violent_sanction_points(count) == points


@pytest.mark.parametrize(
    ("count", "points"),
    [(0, 0), (2, 0), (3, 2), (4, 2), (5, 3), (10, 3), (11, 4), (20, 4), (21, 5), (100, 5)],
)
def test_ovp_non_violent_sanctions(count: int, points: int) -> None:
    # RULES.md §2; MoJ OVPTransformationHelperTest.kt (0→0, 3→2, 20→4).
    assert non_violent_sanction_points(count) == points


@pytest.mark.parametrize(
    ("age", "points"),
    [
        (18, 20),
        (19, 20),
        (20, 17),
        (21, 17),
        (22, 14),
        (23, 14),
        (24, 12),
        (25, 12),
        (26, 10),
        (30, 10),
        (31, 8),
        (35, 8),
        (36, 6),
        (40, 6),
        (41, 4),
        (45, 4),
        (46, 2),
        (50, 2),
        (51, 0),
        (60, 0),
    ],
)
def test_ovp_age_points(age: int, points: int) -> None:
    # RULES.md §2; MoJ OVPTransformationHelperTest.kt (18→20, 60→0).
    assert age_points(age) == points


def test_ovp_is_for_adults() -> None:
    with pytest.raises(RiskInputError, match=r"at least 18 \(got 17\)"):
        ovp(**ovp_inputs(date_of_birth=date(2009, 12, 13)))  # type: ignore[arg-type]  # 17 on 12 Dec 2027


@pytest.mark.parametrize(
    ("current", "binge", "points"), [(0, 0, 0), (1, 0, 3), (0, 1, 3), (1, 1, 5), (2, 1, 8), (2, 2, 10)]
)
def test_ovp_alcohol(current: int, binge: int, points: int) -> None:
    # MoJ OVPTransformationHelperTest.kt alcoholMisuseTestCases (ceil(2.5 × sum)); (2, 1) → 7.5 → 8 added.
    r = ovp(**ovp_inputs(alcohol_current_use=current, alcohol_binge=binge))  # type: ignore[arg-type]
    assert r.score_parts[8].value == points


def test_ovp_dynamic_flags() -> None:
    # MoJ OVPTransformationHelperTest.kt: impact not recognised → 4; psychiatric treatment → 4; female → 0.
    plain = ovp(**ovp_inputs(no_fixed_abode=False, unemployed=False))  # type: ignore[arg-type]
    assert plain.dynamic_score == 0
    assert (
        ovp(**ovp_inputs(no_fixed_abode=False, unemployed=False, recognises_impact=False)).dynamic_score == 4
    )  # type: ignore[arg-type]
    assert (
        ovp(**ovp_inputs(no_fixed_abode=False, unemployed=False, psychiatric_treatment=True)).dynamic_score
        == 4
    )  # type: ignore[arg-type]
    assert (
        ovp(
            **ovp_inputs(no_fixed_abode=False, unemployed=False, temper_control=1, pro_criminal_attitudes=2)
        ).dynamic_score
        == 9
    )  # type: ignore[arg-type]
    assert ovp(**ovp_inputs(sex="female")).score == ovp(**ovp_inputs()).score - 5  # type: ignore[arg-type]


def test_ovp_all_missing_names_every_item() -> None:
    # MoJ OVPRiskProducerServiceTest.kt: every null field is listed in one error.
    with pytest.raises(MissingAssessmentItems) as error:
        ovp()
    assert error.value.missing == tuple(OVP_ITEMS)


def test_ovp_bad_values() -> None:
    with pytest.raises(
        RiskInputError, match=r"violent sanctions \(11\) cannot be more than total sanctions \(10\)"
    ):
        ovp(**ovp_inputs(total_sanctions=10, violent_sanctions=11))  # type: ignore[arg-type]
    with pytest.raises(RiskInputError, match="follow-up start"):
        # MoJ OVPRiskProducerServiceTest.kt: follow-up before birth is refused.
        ovp(**ovp_inputs(date_of_birth=date(2002, 12, 13), follow_up_start=date(2000, 12, 13)))  # type: ignore[arg-type]
    with pytest.raises(RiskInputError) as error:
        ovp(**ovp_inputs(sex="x", total_sanctions=0, temper_control=5, psychiatric_treatment=1))  # type: ignore[arg-type]
    for fragment in (
        "sex must be 'male' or 'female'",
        "total_sanctions must be a whole number from 1",
        "temper_control must be 0, 1 or 2 (got 5)",
        "psychiatric_treatment must be True or False",
    ):
        assert fragment in str(error.value)
    with pytest.raises(RiskInputError, match="previous_sanction_rule"):
        ovp(**ovp_inputs(), previous_sanction_rule="some")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("two_year", "band"),
    [
        (1, "low"),
        (29, "low"),
        (30, "medium"),
        (59, "medium"),
        (60, "high"),
        (79, "high"),
        (80, "very_high"),
        (99, "very_high"),
    ],
)
def test_ovp_band_edges(two_year: int, band: str) -> None:
    # RULES.md §2; MoJ OVPTransformationHelperTest.kt getOVPBand (25 low, 40 medium, 70 high, 85 very high).
    assert ovp_band(two_year) == band


@pytest.mark.parametrize("two_year", [-1, 0, 100, 999])
def test_ovp_band_refuses_outside_1_to_99(two_year: int) -> None:
    # MoJ OVPTransformationHelperTest.kt: -1, 0, 100 and 999 are refused.
    with pytest.raises(RiskInputError):
        ovp_band(two_year)


def test_ovp_explains_itself() -> None:
    r = ovp(**ovp_inputs())  # type: ignore[arg-type]
    lines = dict(r.explain())
    assert lines["OVP score"].startswith("39") and "static 31 + dynamic 8" in lines["OVP score"]
    assert sum(int(p.value or 0) for p in r.score_parts) == r.score


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 250))
def test_ovp_probabilities_are_monotone_in_score(score: int) -> None:
    lower, higher = ovp_probabilities(score), ovp_probabilities(score + 1)
    assert higher[0] > lower[0] and higher[1] > lower[1]
    assert lower[1] > lower[0]
