"""The static All Reoffending Predictor against the STATIC cases of the MoJ service's own tests, copied as
data (tests/core/risk/data/README.md). Weights are compared exactly, digit for digit."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from desist.core.risk import arp
from desist.risk import MissingAssessmentItems, RiskInputError, arp_dynamic, arp_static

DATA = json.loads((Path(__file__).parent / "data" / "arns_arp_cases.json").read_text())
POLYNOMIALS = {
    "AAI_MALE_DYNAMIC": arp.AAI_MALE_DYNAMIC,
    "AAI_FEMALE_DYNAMIC": arp.AAI_FEMALE_DYNAMIC,
    "OFFENCE_FREE_MONTHS_DYNAMIC": arp.OFFENCE_FREE_MONTHS_DYNAMIC,
    "AAI_MALE": arp.AAI_MALE,
    "AAI_FEMALE": arp.AAI_FEMALE,
    "OFFENCE_FREE_MONTHS": arp.OFFENCE_FREE_MONTHS,
}


def expected(value: str, x: int | None = None) -> Decimal:
    if value.startswith("double:"):
        return Decimal(float(value.removeprefix("double:")))
    if value.startswith("poly:"):
        _, name, *power = value.split(":")
        return arp.polynomial(POLYNOMIALS[name], x if x is not None else int(power[0]))
    return Decimal(value)


def test_every_case_is_here() -> None:
    singles = 2  # the intercept and the unknown offence group
    lists = ("age_sex", "female", "offence_groups", "first_sanction", "second_sanction", "sanctions", "gap")
    lists += ("offence_free_months", "copas", "copas_squared", "band", "band_out_of_bounds", "producer")
    assert singles + sum(len(DATA[k]) for k in lists) == 57


def test_weights() -> None:
    assert expected(DATA["intercept"]) == arp.TWO_YEAR_CONSTANT
    for sex, age, value in DATA["age_sex"]:
        assert arp.age_sex_weight(sex, age) == expected(value, age)
    for sex, value in DATA["female"]:
        assert (arp.FEMALE if sex == "female" else Decimal(0)) == expected(value)
    for total, value in DATA["first_sanction"]:
        assert (arp.FIRST_SANCTION if total == 1 else Decimal(0)) == expected(value)
    for total, value in DATA["second_sanction"]:
        assert (arp.SECOND_SANCTION if total == 2 else Decimal(0)) == expected(value)
    for total, value in DATA["sanctions"]:
        assert arp.EXACT.multiply(Decimal(total), arp.SANCTION_OCCASIONS) == expected(value)


@pytest.mark.parametrize(("group", "value"), DATA["offence_groups"])
def test_offence_groups(group: str, value: str) -> None:
    assert arp.OFFENCE_GROUPS[group] == Decimal(value)


def test_an_unknown_offence_group_is_refused() -> None:
    inputs = {**DATA["producer"][0]["inputs"], "offence_group": DATA["offence_group_unknown"]}
    with pytest.raises(RiskInputError, match="unknown offence group"):
        arp_static(**_dates(inputs))


@pytest.mark.parametrize("row", DATA["gap"])
def test_gap_between_first_and_second_sanction(row: list[Any]) -> None:
    sex, total, first, current, value = row
    # The service's test compares with compareTo: equal in value, whatever the scale.
    assert arp.gap_weight(sex, total, first, current) == pytest.approx(expected(value), abs=Decimal("1e-30"))


@pytest.mark.parametrize("row", DATA["offence_free_months"])
def test_offence_free_months(row: list[str]) -> None:
    assessed, start, value = row
    assert arp.offence_free_months_weight(
        date.fromisoformat(assessed), date.fromisoformat(start)
    ) == expected(value)


@pytest.mark.parametrize(
    ("table", "function"), [("copas", arp.copas_weight), ("copas_squared", arp.copas_squared_weight)]
)
def test_copas(table: str, function: Any) -> None:
    for sex, total, first, current, value in DATA[table]:
        assert function(sex, total, first, current) == Decimal(value), (table, total)


@pytest.mark.parametrize(("percent", "band"), DATA["band"])
def test_band(percent: float, band: str) -> None:
    assert arp.arp_band(percent) == band


@pytest.mark.parametrize("percent", DATA["band_out_of_bounds"])
def test_band_out_of_bounds(percent: float) -> None:
    with pytest.raises(RiskInputError):
        arp.arp_band(percent)


def _dates(inputs: dict[str, Any]) -> dict[str, Any]:
    return {
        k: date.fromisoformat(v) if k.endswith(("_date", "_birth", "_start")) else v
        for k, v in inputs.items()
    }


@pytest.mark.parametrize("case", DATA["producer"], ids=[c["name"] for c in DATA["producer"]])
def test_producer_case(case: dict[str, Any]) -> None:
    result = arp_static(**_dates(case["inputs"]))
    assert (result.score, result.band) == (case["expected"]["score"], case["expected"]["band"])
    weights = case["expected"]["weights"]
    ours = [weight for _, weight, _ in result.weights]
    theirs = [Decimal(v) for k, v in weights.items() if k != "totalWeight"]
    assert ours == theirs
    assert result.total_weight == Decimal(weights["totalWeight"])
    assert dict(result.explain())["Band"].startswith("low")


def test_missing_items_are_named() -> None:
    with pytest.raises(MissingAssessmentItems, match="offence_group"):
        arp_static(**{**_dates(DATA["producer"][0]["inputs"]), "offence_group": None})


# --- the dynamic ARP -------------------------------------------------------------------------------------

DYN = DATA["dynamic"]
PRODUCER = DYN["producer"]["inputs"]
ZERO_ANSWERS = {
    **{name: 0 for name, (_, graded) in arp.DYNAMIC_ITEMS.items() if graded},
    "unemployed": False,
    "domestic_abuse": False,
    "relationship_status": "none",
}


def test_every_dynamic_case_is_here() -> None:
    assert sum(len(v) for v in DYN.values() if isinstance(v, list)) + 2 == 56


def _dynamic(answers: dict[str, Any] | None = None, drugs: tuple[str, ...] = ()) -> Any:
    inputs = _dates({k: v for k, v in PRODUCER.items() if k not in ("answers", "drugs")})
    return arp_dynamic(**inputs, answers={**ZERO_ANSWERS, **(answers or {})}, drugs=drugs)


def _weight(result: Any, starts: str) -> Decimal:
    return next(weight for label, weight, _ in result.weights if label.startswith(starts))


def test_dynamic_weights() -> None:
    assert arp.DYNAMIC["intercept"] == expected(DYN["intercept"])
    for sex, age, value in DYN["age_sex"]:
        assert arp.age_sex_weight(sex, age, dynamic=True) == expected(value, age)
    assert arp.DYNAMIC["female"] == expected(DYN["female"][0][1])
    assert arp.DYNAMIC["first_sanction"] == expected(DYN["first_sanction"][0][1])
    assert arp.DYNAMIC["second_sanction"] == expected(DYN["second_sanction"][0][1])
    assert arp.DYNAMIC["sanction_occasions"] == expected(DYN["sanctions"][0][1])
    for sex, total, first, current, value in DYN["gap"]:
        assert arp.gap_weight(sex, total, first, current, dynamic=True) == expected(value)
    for assessed, start, value in DYN["offence_free_months"]:
        weight = arp.offence_free_months_weight(
            date.fromisoformat(assessed), date.fromisoformat(start), dynamic=True
        )
        assert weight == expected(value)
    for sex, total, first, current, value in DYN["copas"]:
        assert arp.copas_weight(sex, total, first, current, dynamic=True) == Decimal(value)
    for sex, total, first, current, value in DYN["copas_squared"]:
        assert arp.copas_squared_weight(sex, total, first, current, dynamic=True) == Decimal(value)


@pytest.mark.parametrize(("group", "value"), DYN["offence_groups"])
def test_dynamic_offence_groups(group: str, value: str) -> None:
    assert arp.OFFENCE_GROUPS_DYNAMIC[group] == Decimal(value)


@pytest.mark.parametrize("row", DYN["items"])
def test_dynamic_items(row: list[Any]) -> None:
    name, answer, value = row
    labels = {"unemployed": "Unemployed", "domestic_abuse": "Domestic abuse"}
    label = labels.get(name, name.replace("_", " ").capitalize())
    assert _weight(_dynamic({name: answer}), label) == expected(value)


def test_dynamic_relationships() -> None:
    for status, value in DYN["live_in"]:
        assert _weight(_dynamic({"relationship_status": status}), "Living with a partner") == expected(value)
    for status, quality, value in DYN["live_in_quality"]:
        result = _dynamic({"relationship_status": status, "relationship_with_partner": quality})
        assert _weight(result, "Living with a partner ×") == expected(value)


def test_dynamic_producer_case() -> None:
    case = DYN["producer"]
    inputs = _dates({k: v for k, v in case["inputs"].items() if k not in ("answers", "drugs")})
    result = arp_dynamic(**inputs, answers=case["inputs"]["answers"], drugs=tuple(case["inputs"]["drugs"]))
    assert (result.score, result.band, result.static) == (case["expected"]["score"], "low", False)
    assert [weight for _, weight, _ in result.weights] == [Decimal(v) for v in case["expected"]["weights"]]
    assert result.total_weight == Decimal(case["expected"]["total_weight"])


def test_dynamic_checks() -> None:
    answers = dict(PRODUCER["answers"])
    answers.pop("motivation_to_tackle_drug_misuse")  # the service takes full motivation when not answered
    assert _weight(_dynamic(answers), "Motivation") == 0
    with pytest.raises(MissingAssessmentItems, match="impulsivity"):
        _dynamic({"impulsivity": None})
    with pytest.raises(RiskInputError, match="unknown drug"):
        _dynamic(drugs=("coffee",))
    assert _weight(_dynamic(drugs=("ketamine", "spice")), "Other drugs") == arp.DYNAMIC["other_drugs"]
