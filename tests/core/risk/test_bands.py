"""RSR and RoSH bands, the overall RoSH, and the reporting rules (RULES.md §1 reporting, §2)."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desist.core.risk.bands import clamp_percent, half_up, logistic, report_probability
from desist.risk import ROSH_LEVELS, RiskInputError, overall_rosh, rsr_band


@pytest.mark.parametrize(
    ("percent", "band"),
    [
        (0, "low"),
        (2.99, "low"),
        (3.0, "medium"),
        (3, "medium"),
        (6.89, "medium"),
        (6.9, "high"),
        (7.0, "high"),
        (100, "high"),
        (Decimal("2.99"), "low"),
        (Decimal("3.00"), "medium"),
        (Decimal("6.90"), "high"),
    ],
)
def test_rsr_band_edges(percent: float, band: str) -> None:
    assert rsr_band(percent) == band


@pytest.mark.parametrize("bad", [-0.01, 100.01, float("nan"), float("inf"), "5", None, True])
def test_rsr_band_refuses_bad_input(bad: object) -> None:
    with pytest.raises(RiskInputError, match="RSR percentage"):
        rsr_band(bad)  # type: ignore[arg-type]


def test_overall_rosh_is_the_highest() -> None:
    assert (
        overall_rosh({"public": "high", "known_adult": "medium", "children": "low", "staff": "low"}) == "high"
    )
    assert overall_rosh({"public": "low", "children": "very_high"}) == "very_high"
    assert overall_rosh({"staff": "medium"}) == "medium"
    assert overall_rosh({"public": "Very High", "known_adult": "MEDIUM"}) == "very_high"
    assert (
        overall_rosh({"public": "low", "known_adult": None, "children": "", "prisoners": "medium"})
        == "medium"
    )


def test_overall_rosh_refuses_bad_input() -> None:
    with pytest.raises(RiskInputError, match="unknown RoSH audience 'victims'"):
        overall_rosh({"victims": "high"})
    with pytest.raises(RiskInputError, match="RoSH to public must be one of low, medium, high, very_high"):
        overall_rosh({"public": "severe"})
    with pytest.raises(RiskInputError, match="no RoSH level"):
        overall_rosh({})
    with pytest.raises(RiskInputError, match="no RoSH level"):
        overall_rosh({"public": None})


@given(
    st.dictionaries(
        st.sampled_from(["public", "known_adult", "children", "staff"]),
        st.sampled_from(ROSH_LEVELS),
        min_size=1,
    )
)
def test_overall_rosh_is_never_below_any_audience(levels: dict[str, str]) -> None:
    overall = overall_rosh(levels)
    assert all(ROSH_LEVELS.index(overall) >= ROSH_LEVELS.index(level) for level in levels.values())
    assert overall in levels.values()


@pytest.mark.parametrize(
    ("probability", "percent"),
    [
        (0.0, 1),  # 0 → 1
        (0.004999, 1),  # 0.5% → half up 1
        (0.0049949, 1),  # 5 dp 0.00499 → 0.499% → 0 → 1
        (0.125, 13),  # half up, not half to even
        (0.135, 14),
        (0.12345, 12),
        (0.124996, 13),  # 5 dp first: 0.12500 → 12.5 → 13 (straight to % would give 12)
        (0.99, 99),
        (0.994999, 99),  # 5 dp 0.99500 → 99.5 → 100 → 99
        (0.996, 99),  # > 99 → 99
        (1.0, 99),
    ],
)
def test_reporting_rules(probability: float, percent: int) -> None:
    assert report_probability(probability) == percent


def test_five_places_first_matters() -> None:
    assert report_probability(0.124996) == 13
    assert report_probability(0.124996, five_dp_first=False) == 12


def test_half_up_and_clamp() -> None:
    assert half_up(2.5) == 3 and half_up(3.5) == 4 and half_up(0.125, 2) == Decimal("0.13")
    assert [clamp_percent(p) for p in (-3, 0, 1, 50, 99, 100, 140)] == [1, 1, 1, 50, 99, 99, 99]


def test_logistic_is_stable() -> None:
    assert logistic(0.0) == 0.5
    assert logistic(1000.0) == 1.0 and logistic(-1000.0) == 0.0
    assert logistic(2.0) + logistic(-2.0) == pytest.approx(1.0)


def test_the_public_facade_imports_no_django() -> None:
    code = (
        "import sys, desist.risk; from desist.risk import ogrs3, ogp, ovp, tier_two_axis; "
        "assert callable(ogrs3); "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603
