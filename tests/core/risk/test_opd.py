"""The OPD screening against the MoJ service's own producer cases, copied as data
(tests/core/risk/data/README.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desist.core.risk.opd import ANSWERS
from desist.risk import MissingAssessmentItems, RiskInputError, opd

DATA = json.loads((Path(__file__).parent / "data" / "arns_opd_cases.json").read_text())
NOT_ANSWERS = {
    "overall_risk_for_assessment",
    "gender",
    "has_custodial_sentence",
    "is_eligible_for_mappa",
    "apply_o_p_d_override",
}


def _run(case: dict[str, Any]) -> Any:
    request = {**DATA["default"], **case["changes"]}
    answers = {k: v for k, v in request.items() if k in ANSWERS}
    assert set(request) - set(answers) <= NOT_ANSWERS, set(request) - set(answers) - NOT_ANSWERS
    return opd(
        sex=request["gender"],
        overall_rosh=request["overall_risk_for_assessment"],
        violent_or_sexual_offence=case["violent_or_sexual_offence"],
        custodial_sentence=request["has_custodial_sentence"],
        eligible_for_mappa=request["is_eligible_for_mappa"],
        answers=answers,
        apply_override=request["apply_o_p_d_override"],
    )


def test_every_case_is_here() -> None:
    assert len(DATA["cases"]) == 15


@pytest.mark.parametrize("case", DATA["cases"], ids=[c["name"] for c in DATA["cases"]])
def test_producer_case(case: dict[str, Any]) -> None:
    result = _run(case)
    expected = case["expected"]
    if expected.get("checked") is False:
        assert (result.checked, result.result, result.override) == (False, None, None)
        return
    assert result.checked and result.result == expected["result"]
    if "override" in expected:
        assert result.override is expected["override"]
    assert dict(result.explain())["OPD"]


def test_checks() -> None:
    with pytest.raises(MissingAssessmentItems, match="overall_rosh"):
        opd(
            sex="male", overall_rosh=None, violent_or_sexual_offence=True, custodial_sentence=True, answers={}
        )
    with pytest.raises(RiskInputError, match="unknown OPD answer"):
        opd(
            sex="male",
            overall_rosh="high",
            violent_or_sexual_offence=True,
            custodial_sentence=True,
            answers={"x": 1},
        )
