"""DC-SRP (OSP-DC) and IIC-SRP (OSP-IIC) against every case of the MoJ service's own tests, copied as data
(tests/core/risk/data/README.md), and the checks it makes of the sexual sanction counts."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from desist.core.risk import sexual
from desist.risk import MissingAssessmentItems, RiskInputError, dcsrp, iicsrp

DATA = json.loads((Path(__file__).parent / "data" / "arns_sexual_predictor_cases.json").read_text())
HELPER = DATA["dc_helper"]
COEFFICIENTS = {
    "TWO_OR_MORE_IMAGE_AND_INDIRECT_CONTACT_SANCTIONS": sexual.IIC_TWO_OR_MORE_IMAGES,
    "ONE_IMAGE_AND_INDIRECT_CONTACT_SANCTION": sexual.IIC_ONE_IMAGE,
    "TWO_OR_MORE_CONTACT_CHILD_SEXUAL_SANCTIONS": sexual.IIC_TWO_OR_MORE_CHILD_CONTACT,
    "ONE_CONTACT_CHILD_SEXUAL_SANCTION": sexual.IIC_ONE_CHILD_CONTACT,
    "NO_IMAGE_AND_INDIRECT_CONTACT_SANCTIONS": sexual.IIC_OTHER,
    "0": Decimal(0),
}


def _dates(inputs: dict[str, Any]) -> dict[str, Any]:
    return {
        k: date.fromisoformat(v) if isinstance(v, str) and v[:2] in ("19", "20") else v
        for k, v in inputs.items()
    }


def test_every_case_is_here() -> None:
    counted = len(DATA["dc_producer"]) + sum(len(v) for v in HELPER.values())
    counted += sum(len(DATA["iic"][k]) for k in ("hierarchy", "band", "producer"))
    assert counted == 101


@pytest.mark.parametrize("case", DATA["dc_producer"], ids=[c["name"] for c in DATA["dc_producer"]])
def test_dc_producer_case(case: dict[str, Any]) -> None:
    result = dcsrp(**_dates(case["inputs"]), validate=False)
    assert result.band == case["expected"]["band"]
    if "score" in case["expected"]:
        assert result.score == case["expected"]["score"]


@pytest.mark.parametrize(
    ("table", "function"),
    [
        ("adult", sexual.dc_adult_points),
        ("child", sexual.dc_child_points),
        ("non_contact", sexual.dc_non_contact_points),
        ("follow_up_age", sexual.dc_follow_up_age_points),
        ("last_sexual_sanction_age", sexual.dc_last_sexual_sanction_age_points),
        ("all_sanctions", sexual.dc_all_sanctions_points),
        ("band", sexual.dc_band),
        ("probability", sexual.dc_probability),
    ],
)
def test_dc_helper_tables(table: str, function: Any) -> None:
    for given, expected in HELPER[table]:
        assert function(given) == expected, (table, given)


def test_dc_stranger_and_band_reduction() -> None:
    for given, expected in HELPER["stranger"]:
        result = dcsrp(**_dates(DATA["dc_producer"][0]["inputs"]), victim_stranger=given, validate=False)
        assert result.point_parts[-1].value == expected
    for reduction, band, expected in HELPER["band_reduction"]:
        assert (sexual.DC_BAND_DOWN.get(band, band) if reduction else band) == expected


@pytest.mark.parametrize("case", HELPER["risk_reduction"])
def test_dc_risk_reduction(case: dict[str, Any]) -> None:
    inputs = _dates({k: v for k, v in case.items() if k != "expected"})
    assert sexual.dc_risk_reduction(**inputs) is case["expected"]


def test_dc_scores_as_the_service_reports_them() -> None:
    # RiskScoreResponseConverter.kt: score?.asDoublePercentage(); 64 points → 83.12%, 32 → 2.88%.
    assert sexual.percentage_2dp(sexual.dc_probability(64)) == 83.12
    assert sexual.percentage_2dp(sexual.dc_probability(32)) == 2.88
    medium = dcsrp(**_dates(DATA["dc_producer"][1]["inputs"]), validate=False)
    assert (medium.point_score, medium.band) == (25, "medium")
    assert dict(medium.explain())["Band"].startswith("medium")


@pytest.mark.parametrize("row", DATA["iic"]["hierarchy"])
def test_iic_hierarchy(row: list[Any]) -> None:
    sex, images, adult, child, non_contact, expected = row
    weight, _ = sexual.iic_weight(
        sex=sex,
        indecent_image_sanctions=images,
        contact_adult_sanctions=adult,
        contact_child_sanctions=child,
        non_contact_offences=non_contact,
    )
    assert weight == COEFFICIENTS[expected]


@pytest.mark.parametrize("row", DATA["iic"]["band"])
def test_iic_band(row: list[str]) -> None:
    assert sexual.iic_band(COEFFICIENTS[row[0]]) == row[1]


@pytest.mark.parametrize("case", DATA["iic"]["producer"], ids=[c["name"] for c in DATA["iic"]["producer"]])
def test_iic_producer_case(case: dict[str, Any]) -> None:
    if "error" in case["expected"]:
        with pytest.raises(RiskInputError, match=case["expected"]["error"]):
            iicsrp(**case["inputs"])
        return
    result = iicsrp(**case["inputs"])
    assert (result.band, result.score) == (case["expected"]["band"], case["expected"]["score"])


def test_the_service_checks_of_the_counts() -> None:
    inputs = _dates(DATA["dc_producer"][1]["inputs"])
    with pytest.raises(RiskInputError, match="more than all sanctions"):
        dcsrp(**inputs)  # 3 sexual sanctions, 1 in all
    with pytest.raises(RiskInputError, match="every sexual sanction count is 0"):
        dcsrp(
            **{
                **inputs,
                "contact_adult_sanctions": 0,
                "contact_child_sanctions": 0,
                "non_contact_offences": 0,
            }
        )
    with pytest.raises(MissingAssessmentItems, match="indecent_image_sanctions"):
        dcsrp(**{**inputs, "indecent_image_sanctions": None})
    with pytest.raises(MissingAssessmentItems, match="supervision_status"):
        dcsrp(**{**inputs, "supervision_status": None})
    assert dcsrp(**{**inputs, "total_sanctions": 4}).band == "high"  # 25 + 6 for 2 or more sanctions
