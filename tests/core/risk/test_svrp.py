"""SVRP against the MoJ service's own cases, copied as data (tests/core/risk/data/README.md), weight for
weight to the last digit."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from desist.core.risk.svrp import OFFENCE_GROUPS_DYNAMIC, OFFENCE_GROUPS_STATIC, svrp_band
from desist.risk import MissingAssessmentItems, RiskInputError, csrp, svrp_dynamic, svrp_static

DATA = json.loads((Path(__file__).parent / "data" / "arns_svrp_cases.json").read_text())


def _inputs(raw: dict[str, Any]) -> dict[str, Any]:
    dated = ("_date", "_birth", "_start")
    return {k: date.fromisoformat(v) if k.endswith(dated) else v for k, v in raw.items()}


def test_every_case_is_here() -> None:
    assert sum(len(DATA[k]) for k in ("offence_groups", "band", "band_out_of_bounds", "producer")) == 60


@pytest.mark.parametrize(("kind", "group", "value"), DATA["offence_groups"])
def test_offence_groups(kind: str, group: str, value: str) -> None:
    table = OFFENCE_GROUPS_STATIC if kind == "STATIC" else OFFENCE_GROUPS_DYNAMIC
    assert table[group] == Decimal(value)


@pytest.mark.parametrize(("percent", "band"), DATA["band"])
def test_band(percent: float, band: str) -> None:
    assert svrp_band(percent) == band


@pytest.mark.parametrize("percent", DATA["band_out_of_bounds"])
def test_band_out_of_bounds(percent: float) -> None:
    with pytest.raises(RiskInputError):
        svrp_band(percent)


@pytest.mark.parametrize("case", DATA["producer"], ids=[c["name"] for c in DATA["producer"]])
def test_producer_case(case: dict[str, Any]) -> None:
    inputs = _inputs(case["inputs"])
    if "answers" in case:
        result = svrp_dynamic(**inputs, answers=case["answers"], past_offences=case["past_offences"])
    else:
        result = svrp_static(**inputs)
    expected = case["expected"]
    assert (result.score, result.band) == (expected["score"], expected["band"])
    assert [weight for _, weight, _ in result.weights] == [Decimal(v) for v in expected["weights"]]
    assert result.total_weight == Decimal(expected["total_weight"])


def test_checks_and_the_csrp_it_feeds() -> None:
    inputs = _inputs(DATA["producer"][0]["inputs"])
    with pytest.raises(MissingAssessmentItems, match="violent_sanctions"):
        svrp_static(**{**inputs, "violent_sanctions": None})
    with pytest.raises(RiskInputError, match="more than all"):
        svrp_static(**{**inputs, "violent_sanctions": 3})
    with pytest.raises(MissingAssessmentItems, match="temper_control"):
        svrp_dynamic(**inputs, answers={**DATA["producer"][1]["answers"], "temper_control": None})
    static = svrp_static(**inputs)
    combined = csrp(
        svrp_percent=static.score,
        dcsrp_percent=0.0,
        iicsrp_percent=0.0,
        sex="male",
        ever_committed_sexual_offence=False,
    )
    assert combined is not None and (combined.score, combined.band) == (0.15, "low")
