"""Every case of hmpps-tier's TierCalculatorTest.kt, copied as data (tests/core/risk/data/README.md), run
through desist's single-letter tier: the tier, and whether it is provisional where the case says."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from desist.risk import RiskInputError, tier_single_letter

DATA = json.loads((Path(__file__).parent / "data" / "hmpps_tier_calculator_cases.json").read_text())
AS_OF = date(2026, 6, 9)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _release(offset: dict[str, int] | None) -> date | None:
    if offset is None:
        return None
    return _years_before(AS_OF, -offset.get("years", 0)) + timedelta(days=offset.get("days", 0))


def _run(case: dict[str, Any]) -> Any:
    return tier_single_letter(
        arp_percent=case.get("arp", 0.0),
        csrp_percent=case.get("csrp", 0.0),
        arp_static=case.get("arp_type", "DYNAMIC") == "STATIC",
        csrp_static=case.get("csrp_type", "DYNAMIC") == "STATIC",
        dcsrp_band=case.get("dcsrp_band"),
        dcsrp_score=case.get("dcsrp_score"),
        mappa_category="M1" if case.get("has_mappa") else None,
        rosh=case.get("rosh"),
        is_lifer_or_ipp=case.get("has_lifer_ipp", False),
        latest_release_date=_release(case.get("latest_release")),
        registrations=[
            key for key in ("domestic_abuse", "stalking", "child_protection") if case.get(f"has_{key}", False)
        ],
        ever_committed_sexual_offence=case.get("ever_committed_sexual_offence", False),
        has_active_event=case.get("has_active_event", True),
        as_of=AS_OF,
    )


def test_every_case_is_here() -> None:
    assert len(DATA["cases"]) == 97


@pytest.mark.parametrize("case", DATA["cases"], ids=[c["name"] for c in DATA["cases"]])
def test_hmpps_tier_case(case: dict[str, Any]) -> None:
    expected = case["expected_tier"]
    if expected == "ERROR":
        with pytest.raises(RiskInputError):
            _run(case)
        return
    result = _run(case)
    if expected == "NOT_SUPERVISED":
        assert (result.status, result.tier) == ("not_supervised", None)
    elif expected == "MISSING":
        assert (result.status, result.tier) == ("missing", None)
    else:
        assert (result.status, result.tier) == ("tier", expected)
    if "expected_provisional" in case:
        assert result.provisional is case["expected_provisional"], result.provisional_reasons
