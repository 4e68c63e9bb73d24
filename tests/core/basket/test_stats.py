"""The basket's statistics against published and hand-worked values."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desist.core.basket.stats import (
    area_under_curve,
    byar_interval,
    calibration_by_decile,
    reference_value,
    relative_rate_index,
    should_suppress,
    wilson_interval,
)


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        # Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I, method 3
        # (Wilson)
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombes_published_intervals(
    successes: int, trials: int, low: float, high: float
) -> None:
    interval = wilson_interval(successes, trials)
    assert interval is not None
    assert interval[0] == pytest.approx(low, abs=5e-5)
    assert interval[1] == pytest.approx(high, abs=5e-5)


def test_wilson_has_no_interval_without_trials_and_refuses_impossible_counts() -> None:
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError, match="6 successes out of 5"):
        wilson_interval(6, 5)


@given(
    st.integers(min_value=1, max_value=5000).flatmap(
        lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
    )
)
def test_wilson_interval_contains_the_rate_and_stays_within_0_and_1(case: tuple[int, int]) -> None:
    successes, trials = case
    interval = wilson_interval(successes, trials)
    assert interval is not None
    assert 0.0 <= interval[0] <= successes / trials + 1e-12
    assert successes / trials - 1e-12 <= interval[1] <= 1.0


def test_byar_is_close_to_the_exact_poisson_interval() -> None:
    # exact Poisson 95% limits for 10 events: 4.7954 to 18.3904; for 0: 0 to 3.6889
    low, high = byar_interval(10)
    assert low == pytest.approx(4.7954, abs=0.01)
    assert high == pytest.approx(18.3904, abs=0.02)
    assert byar_interval(0) == (0.0, pytest.approx(3.6889, abs=0.03))


@pytest.mark.parametrize(
    ("numerator", "denominator", "complement", "hidden"),
    [
        (0, 0, True, False),  # nothing to show: no figure, nothing disclosed
        (0, 20, True, False),  # none of 20: shown
        (1, 20, True, True),  # 1 to 4 hidden
        (4, 20, True, True),
        (5, 20, True, False),  # 5 shown
        (5, 9, True, True),  # 4 not counted would give the others away
        (5, 9, False, False),  # ... but only for a proportion
        (20, 4, False, True),  # a denominator of 4 people
        (20, 5, False, False),
    ],
)
def test_suppression_edges(numerator: int, denominator: int, complement: bool, hidden: bool) -> None:
    assert should_suppress(numerator, denominator, 5, complement=complement) is hidden


def test_no_suppression_for_a_threshold_of_0_or_1() -> None:
    assert not should_suppress(1, 2, 0, complement=True)
    assert not should_suppress(1, 2, 1, complement=True)


def test_relative_rate_index_by_hand() -> None:
    # 30 of 100 against 20 of 200: 0.30 / 0.10 = 3.0; Katz: se = sqrt(1/30 - 1/100 + 1/20 - 1/200)
    ratio = relative_rate_index(30, 100, 20, 200, proportion=True)
    assert ratio is not None
    assert ratio.ratio == pytest.approx(3.0)
    se = math.sqrt(1 / 30 - 1 / 100 + 1 / 20 - 1 / 200)
    assert ratio.low == pytest.approx(3.0 * math.exp(-1.959964 * se), rel=1e-6)
    assert ratio.high == pytest.approx(3.0 * math.exp(1.959964 * se), rel=1e-6)
    per_head = relative_rate_index(10, 100, 10, 200, proportion=False)
    assert per_head is not None and per_head.ratio == pytest.approx(2.0)
    assert per_head.low == pytest.approx(2.0 * math.exp(-1.959964 * math.sqrt(0.2)), rel=1e-6)


def test_relative_rate_index_is_undefined_against_a_zero_rate_and_has_no_interval_for_zero() -> None:
    assert relative_rate_index(3, 10, 0, 10, proportion=True) is None
    zero = relative_rate_index(0, 10, 3, 10, proportion=True)
    assert zero is not None and zero.ratio == 0 and zero.low is None


def test_reference_group_is_the_setting_when_present_else_the_largest() -> None:
    sizes = {"White": 500.0, "Black": 80.0, "Asian": 80.0}
    assert reference_value(sizes, None) == "White"
    assert reference_value(sizes, "Black") == "Black"
    assert reference_value(sizes, "Roma") == "White"  # not present: the largest
    assert reference_value({"b": 5.0, "a": 5.0}, None) == "a"  # ties alphabetically
    assert reference_value({}, None) is None


def test_auc_on_tiny_cases() -> None:
    assert area_under_curve([0.1, 0.2, 0.3, 0.4], [False, False, True, True]).auc == 1.0  # type: ignore[union-attr]
    assert area_under_curve([0.4, 0.3, 0.2, 0.1], [False, False, True, True]).auc == 0.0  # type: ignore[union-attr]
    # pairs (positive, negative): (0.3, 0.1) win, (0.3, 0.3) tie, (0.5, 0.1) win, (0.5, 0.3) win -> 3.5 / 4
    auc = area_under_curve([0.1, 0.3, 0.3, 0.5], [False, False, True, True])
    assert auc is not None and auc.auc == 0.875 and (auc.positives, auc.negatives) == (2, 2)
    assert area_under_curve([0.5, 0.5, 0.5], [True, False, False]).auc == 0.5  # type: ignore[union-attr]
    assert area_under_curve([0.1, 0.2], [True, True]) is None


@given(st.lists(st.tuples(st.integers(0, 20), st.booleans()), min_size=2, max_size=60))
def test_auc_equals_the_share_of_pairs_ranked_right(rows: list[tuple[int, bool]]) -> None:
    scores = [float(s) for s, _ in rows]
    outcomes = [o for _, o in rows]
    auc = area_under_curve(scores, outcomes)
    positives = [s for s, o in rows if o]
    negatives = [s for s, o in rows if not o]
    if not positives or not negatives:
        assert auc is None
        return
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in positives for n in negatives)
    assert auc is not None and auc.auc == pytest.approx(wins / (len(positives) * len(negatives)), abs=1e-12)


def test_calibration_by_decile_splits_evenly_and_compares_mean_prediction_with_outcome() -> None:
    predicted = [i / 100 for i in range(23)]
    outcomes = [i % 3 == 0 for i in range(23)]
    groups = calibration_by_decile(predicted, outcomes)
    assert [g.people for g in groups] == [3, 3, 3, 2, 2, 2, 2, 2, 2, 2]
    assert groups[0].mean_predicted == pytest.approx(0.01)
    assert groups[0].observed == 1  # people 0, 1, 2: only 0 reoffended
    assert sum(g.observed for g in groups) == sum(outcomes)
    assert len(calibration_by_decile([0.5, 0.2], [True, False])) == 2
