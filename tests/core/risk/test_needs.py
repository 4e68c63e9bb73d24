"""OASys sections, section scores, need levels and pathways (RULES.md §3a, §8).

hmpps-tier = github.com/ministryofjustice/hmpps-tier, src/main/kotlin/uk/gov/justice/digital/hmpps/
hmppstier/client/arns/NeedSection.kt (thresholds, SAN overrides, question lists) and SectionAnswer.kt."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desist.core.risk.needs import SAN_THRESHOLDS, SECTION_NUMBERS, SECTION_QUESTIONS, need_level
from desist.risk import (
    NEED_LEVELS,
    OASYS_SECTIONS,
    PATHWAYS,
    SECTION_KEYS,
    SECTION_PATHWAY,
    SECTION_PATHWAYS,
    THRESHOLDS,
    RiskInputError,
    needs_from_scores,
    section_need,
    section_score,
)

RULES_THRESHOLDS = {
    "accommodation": (2, 7),
    "ete": (3, 7),
    "relationships": (2, 5),
    "lifestyle": (2, 5),
    "drugs": (2, 8),
    "alcohol": (4, 7),
    "thinking_behaviour": (4, 7),
    "attitudes": (2, 7),
}


def test_thresholds_are_those_of_rules() -> None:
    assert THRESHOLDS == RULES_THRESHOLDS


@pytest.mark.parametrize(("section", "standard", "severe"), [(k, *v) for k, v in RULES_THRESHOLDS.items()])
def test_every_threshold_edge(section: str, standard: int, severe: int) -> None:
    assert section_need(section, 0) == "none"
    assert section_need(section, standard - 1) == "none"
    assert section_need(section, standard) == "standard"
    assert section_need(section, severe - 1) == "standard"
    assert section_need(section, severe) == "severe"
    assert section_need(section, severe + 5) == "severe"


@pytest.mark.parametrize(("section", "standard", "severe"), [(k, *v) for k, v in SAN_THRESHOLDS.items()])
def test_san_thresholds_only_when_asked(section: str, standard: int, severe: int) -> None:
    # hmpps-tier NeedSection.kt sanThresholdOverride (not in RULES.md).
    assert section_need(section, standard - 1, san=True) == "none"
    assert section_need(section, standard, san=True) == "standard"
    assert section_need(section, severe, san=True) == "severe"
    assert section_need("ete", 3, san=True) == "standard"  # no SAN override: the usual thresholds


def test_section_score_sums_question_scores() -> None:
    assert section_score([2, 2, 1, 2]) == 7
    assert section_score([0, 0]) == 0
    assert section_score({"current use": 2, "binge": 1, "frequency": None}) == 3
    assert section_score([None, 1]) == 1


def test_a_section_with_nothing_answered_has_no_score_and_no_need() -> None:
    # hmpps-tier NeedSection.kt getScore: all answers missing → null, and no severity.
    assert section_score([]) is None
    assert section_score([None, None]) is None
    assert section_need("drugs", None) is None


@pytest.mark.parametrize("bad", [3, -1, 1.0, "2", True])
def test_question_scores_must_be_0_1_or_2(bad: object) -> None:
    with pytest.raises(RiskInputError, match="question scores must be 0, 1 or 2"):
        section_score([1, bad])  # type: ignore[list-item]


def test_the_examples_the_assessment_records_use() -> None:
    # Accommodation 7 severe, drugs 9 severe, thinking 3 none, attitudes 0 none.
    got = {
        s: section_need(s, section_score(q))
        for s, q in {
            "accommodation": [2, 2, 1, 2],
            "drugs": [2, 2, 2, 2, 1],
            "thinking_behaviour": [1, 1, 1],
            "attitudes": [0, 0],
        }.items()
    }
    assert got == {
        "accommodation": "severe",
        "drugs": "severe",
        "thinking_behaviour": "none",
        "attitudes": "none",
    }


@pytest.mark.parametrize("section", ["finance", "emotional_wellbeing"])
def test_unscored_sections_have_no_published_thresholds(section: str) -> None:
    with pytest.raises(RiskInputError, match="no published need thresholds"):
        section_need(section, 4)


def test_unknown_section_and_bad_scores() -> None:
    with pytest.raises(RiskInputError, match="unknown OASys section 'housing'"):
        section_need("housing", 2)
    with pytest.raises(RiskInputError, match="a section score must be a whole number of 0 or more"):
        section_need("drugs", -1)
    with pytest.raises(RiskInputError, match="a section score must be a whole number"):
        section_need("drugs", 2.5)  # type: ignore[call-overload]


def test_needs_from_scores() -> None:
    assert needs_from_scores({"ete": 3, "alcohol": 3, "attitudes": None}) == {
        "ete": "standard",
        "alcohol": "none",
    }


def test_need_level() -> None:
    assert need_level(None, section="drugs") == "none"
    assert [need_level(v, section="drugs") for v in NEED_LEVELS] == list(NEED_LEVELS)
    with pytest.raises(RiskInputError):
        need_level("moderate", section="drugs")


def test_oasys_sections_of_rules_8() -> None:
    assert [s.number for s in OASYS_SECTIONS] == list(range(1, 14))
    assert [s.name for s in OASYS_SECTIONS] == [
        "Offending information",
        "Analysis of offences",
        "Accommodation",
        "Education, training and employability",
        "Financial management and income",
        "Relationships",
        "Lifestyle and associates",
        "Drug misuse",
        "Alcohol misuse",
        "Emotional well-being",
        "Thinking and behaviour",
        "Attitudes",
        "Health and other considerations",
    ]
    assert {s.number for s in OASYS_SECTIONS if s.scored} == {3, 4, 6, 7, 8, 9, 11, 12}
    assert {s.key for s in OASYS_SECTIONS if s.scored} == set(THRESHOLDS)


def test_the_ten_section_keys() -> None:
    assert SECTION_KEYS == (
        "accommodation",
        "ete",
        "finance",
        "relationships",
        "lifestyle",
        "drugs",
        "alcohol",
        "emotional_wellbeing",
        "thinking_behaviour",
        "attitudes",
    )
    assert [SECTION_NUMBERS[k] for k in SECTION_KEYS] == list(range(3, 13))


def test_pathways() -> None:
    assert len(PATHWAYS) == 7
    assert set(SECTION_PATHWAY.values()) == set(PATHWAYS)  # every pathway is informed by some section
    assert set(SECTION_PATHWAY) == set(SECTION_KEYS) | {"health"}  # sections 3–13; 1 and 2 inform none
    assert SECTION_PATHWAY["drugs"] == SECTION_PATHWAY["alcohol"] == "drugs_alcohol"
    assert (
        SECTION_PATHWAY["thinking_behaviour"]
        == SECTION_PATHWAY["attitudes"]
        == "attitudes_thinking_behaviour"
    )
    assert SECTION_PATHWAY["relationships"] == "children_families_community"
    assert SECTION_PATHWAYS["ete"] == "Education, skills and work"
    assert SECTION_PATHWAYS["finance"] == "Finance, benefit, debt and ID"


def test_question_lists_fit_the_thresholds() -> None:
    # A severe need must be reachable: at most 2 points a question.
    assert set(SECTION_QUESTIONS) == set(THRESHOLDS)
    for section, questions in SECTION_QUESTIONS.items():
        assert 2 * len(questions) >= THRESHOLDS[section][1]


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(list(THRESHOLDS)), st.integers(0, 40))
def test_need_never_falls_as_the_score_rises(section: str, score: int) -> None:
    order = ["none", "standard", "severe"]
    assert order.index(section_need(section, score + 1)) >= order.index(section_need(section, score))
