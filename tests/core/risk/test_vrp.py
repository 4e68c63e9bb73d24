"""VRP against the MoJ service's own cases, copied as data (tests/core/risk/data/README.md), weight for
weight to the last digit."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from desist.core.risk.vrp import vrp_band
from desist.risk import MissingAssessmentItems, RiskInputError, vrp

DATA = json.loads((Path(__file__).parent / "data" / "arns_vrp_cases.json").read_text())


def _inputs(raw: dict[str, Any]) -> dict[str, Any]:
    dated = ("_date", "_birth", "_start")
    return {k: date.fromisoformat(v) if k.endswith(dated) else v for k, v in raw.items()}


@pytest.mark.parametrize("case", DATA["producer"], ids=[c["name"] for c in DATA["producer"]])
def test_producer_case(case: dict[str, Any]) -> None:
    result = vrp(**_inputs(case["inputs"]), answers=case.get("answers"), drugs=case.get("drugs", ()))
    expected = case["expected"]
    if "score" in expected:
        assert (result.score, result.band) == (expected["score"], expected["band"])
    # The service's test lists its feature map in its own order (a map: the order does not count).
    assert sorted(weight for _, weight, _ in result.weights) == sorted(
        Decimal(v) for v in expected["weights"]
    )
    assert result.total_weight == Decimal(expected["total_weight"])


def test_bands_and_checks() -> None:
    assert [vrp_band(p) for p in (0.01, 29.99, 30.0, 59.99, 60.0, 79.99, 80.0, 99.99)] == [
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
        "very_high",
        "very_high",
    ]
    with pytest.raises(RiskInputError):
        vrp_band(0.0)
    inputs = _inputs(DATA["producer"][0]["inputs"])
    with pytest.raises(MissingAssessmentItems, match="temper_control"):
        vrp(**inputs, answers={**DATA["producer"][1]["answers"], "temper_control": None})
    with pytest.raises(RiskInputError, match="unknown drug"):
        vrp(**inputs, answers=DATA["producer"][1]["answers"], drugs=("tea",))
    assert dict(vrp(**inputs).explain())["Band"].startswith("low")
