"""The CSRP sum against the MoJ service's own tests, copied as data (tests/core/risk/data/README.md)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from desist.core.risk.csrp import FEMALE_SEXUAL_OFFENDER, csrp_band
from desist.core.risk.sexual import percentage_2dp
from desist.risk import MissingAssessmentItems, csrp

DATA = json.loads((Path(__file__).parent / "data" / "arns_csrp_cases.json").read_text())


def test_every_case_is_here() -> None:
    assert sum(len(DATA[k]) for k in ("female_weight", "band", "score", "producer")) == 20


def test_female_weight() -> None:
    for sex, sexual, value in DATA["female_weight"]:
        result = csrp(
            svrp_percent=0.0,
            dcsrp_percent=0.0,
            iicsrp_percent=0.0,
            sex=sex,
            ever_committed_sexual_offence=sexual,
        )
        assert result is not None
        female = result.component_parts[-1].value
        assert female == (percentage_2dp(Decimal(float(value))) if value else 0.0)
    assert Decimal(0.0038314176245211) == FEMALE_SEXUAL_OFFENDER  # noqa: RUF032


@pytest.mark.parametrize(("score", "band"), DATA["band"])
def test_band(score: float | None, band: str | None) -> None:
    if score is None:
        assert (
            csrp(
                svrp_percent=None,
                dcsrp_percent=None,
                iicsrp_percent=None,
                sex="male",
                ever_committed_sexual_offence=False,
            )
            is None
        )
    else:
        assert csrp_band(score) == band


@pytest.mark.parametrize("row", DATA["score"])
def test_score(row: list[Any]) -> None:
    svrp, dcsrp, iicsrp, _female, expected = row
    # a female contribution of 0.0 or none is a man's case (the helper test passes the contribution itself)
    result = csrp(
        svrp_percent=svrp,
        dcsrp_percent=dcsrp,
        iicsrp_percent=iicsrp,
        sex="male",
        ever_committed_sexual_offence=False,
    )
    assert (None if result is None else result.score) == expected


@pytest.mark.parametrize("case", DATA["producer"], ids=[c["name"] for c in DATA["producer"]])
def test_producer_case(case: dict[str, Any]) -> None:
    dcsrp_percent = percentage_2dp(case["dcsrp_probability"])
    if "dcsrp_percent" in case["expected"]:
        assert dcsrp_percent == case["expected"]["dcsrp_percent"]
    result = csrp(
        svrp_percent=case["svrp"],
        dcsrp_percent=dcsrp_percent,
        iicsrp_percent=case["iicsrp"],
        sex=case["sex"],
        ever_committed_sexual_offence=case["sexual"],
    )
    assert result is not None and result.score == case["expected"]["score"]
    assert dict(result.explain())["Band"]


def test_some_components_missing_is_an_error() -> None:
    with pytest.raises(MissingAssessmentItems, match="iicsrp_percent"):
        csrp(
            svrp_percent=1.0,
            dcsrp_percent=1.0,
            iicsrp_percent=None,
            sex="male",
            ever_committed_sexual_offence=True,
        )
