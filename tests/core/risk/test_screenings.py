"""MST and LDS against the MoJ service's own tests, copied as data (tests/core/risk/data/README.md)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desist.core.risk import screenings
from desist.risk import MissingAssessmentItems, RiskInputError, lds, mst

DATA = json.loads((Path(__file__).parent / "data" / "arns_screening_cases.json").read_text())
ASSESSED = date(2025, 1, 1)  # TestData.kt FIXED_TEST_DATE


def _born(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


@pytest.mark.parametrize("case", DATA["mst_producer"], ids=[c["name"] for c in DATA["mst_producer"]])
def test_mst_producer_case(case: dict[str, Any]) -> None:
    inputs = {
        "sex": case["sex"],
        "date_of_birth": _born(case["date_of_birth"]),
        "assessment_date": ASSESSED,
        "answers": case["answers"],
    }
    if "missing" in case["expected"]:
        with pytest.raises(MissingAssessmentItems) as error:
            mst(**inputs)
        assert list(error.value.missing) == case["expected"]["missing"]
        return
    result = mst(**inputs)
    expected = case["expected"]
    assert (result.applicable, result.score, result.flag) == (
        expected["applicable"],
        expected["score"],
        expected["flag"],
    )


def test_mst_ages_flags_and_applicability() -> None:
    for born, on, age in DATA["mst_ages"]:
        assert screenings._whole_years(date.fromisoformat(born), date.fromisoformat(on)) == age
    for score, flag in DATA["mst_flag"]:
        assert (score >= screenings.MST_FLAG_FROM) is flag
    for sex, age, applicable in DATA["mst_applicable"]:
        born = date(ASSESSED.year - age, 1, 1)
        answers = DATA["mst_producer"][0]["answers"]
        assert (
            mst(sex=sex, date_of_birth=born, assessment_date=ASSESSED, answers=answers).applicable
            is applicable
        )


@pytest.mark.parametrize(
    "case", DATA["mst_minimum_answers"], ids=[c["name"] for c in DATA["mst_minimum_answers"]]
)
def test_mst_needs_nine_of_ten_answers(case: dict[str, Any]) -> None:
    answers = dict(DATA["mst_producer"][0]["answers"])
    for name in list(answers)[: case["null"]]:
        answers[name] = None
    call = {"sex": "male", "date_of_birth": date(2007, 1, 1), "assessment_date": ASSESSED, "answers": answers}
    if case["error"]:
        with pytest.raises(MissingAssessmentItems):
            mst(**call)
    else:
        assert mst(**call).applicable


@pytest.mark.parametrize("case", DATA["lds"], ids=[c["name"] for c in DATA["lds"]])
def test_lds_case(case: dict[str, Any]) -> None:
    assert lds(**case["inputs"]).score == case["expected"]


def test_lds_checks_and_bands() -> None:
    with pytest.raises(MissingAssessmentItems, match="learning_difficulties"):
        lds(work_related_skills=1, problems_with_reading_writing_numeracy=1)
    with pytest.raises(RiskInputError, match="without problems_with_reading_writing_numeracy"):
        lds(
            work_related_skills=1,
            learning_difficulties=1,
            no_qualifications=False,
            problems_with_reading=True,
        )
    assert lds(work_related_skills=2, learning_difficulties=0, no_qualifications=False).score == 0  # 2
    assert lds(work_related_skills=2, learning_difficulties=1, no_qualifications=False).score == 1  # 3
    assert lds(work_related_skills=2, learning_difficulties=2, no_qualifications=True).score == 2  # 6
    with pytest.raises(RiskInputError, match="unknown MST answer"):
        mst(sex="male", date_of_birth=date(2007, 1, 1), assessment_date=ASSESSED, answers={"mood": 1})
