"""Validating a score on outcomes (desist.core.fairness) against published, hand-worked and independently
computed values (docs/fairness.md)."""

from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desist.core.fairness import (
    NOT_RECORDED,
    ValidationInputError,
    brier_score,
    delong_auc,
    threshold_rates,
    validate_scores,
)

# Hanley & McNeil (1982), "The meaning and use of the area under a receiver operating characteristic (ROC)
# curve", Radiology 143, 29–36, Table 1: 109 CT images rated 1 ("definitely normal") to 5 ("definitely
# abnormal"); their published area is 0.893.
HM_NORMAL = [1] * 33 + [2] * 6 + [3] * 6 + [4] * 11 + [5] * 2
HM_ABNORMAL = [1] * 3 + [2] * 2 + [3] * 2 + [4] * 11 + [5] * 33
HM_SCORES = [float(s) for s in HM_NORMAL + HM_ABNORMAL]
HM_OUTCOMES = [False] * 58 + [True] * 51


def delong_by_pairs(scores: list[float], outcomes: list[bool]) -> tuple[float, float]:
    """DeLong (1988) written out over every pair, as the paper defines it: an independent oracle."""
    x = [s for s, o in zip(scores, outcomes, strict=True) if o]
    y = [s for s, o in zip(scores, outcomes, strict=True) if not o]

    def psi(a: float, b: float) -> float:
        return 1.0 if a > b else 0.5 if a == b else 0.0

    v10 = [sum(psi(a, b) for b in y) / len(y) for a in x]
    v01 = [sum(psi(a, b) for a in x) / len(x) for b in y]
    auc = sum(v10) / len(x)
    return auc, math.sqrt(statistics.variance(v10) / len(x) + statistics.variance(v01) / len(y))


def test_auc_matches_hanley_and_mcneils_published_area() -> None:
    estimate = delong_auc(HM_SCORES, HM_OUTCOMES)
    assert estimate is not None
    assert round(estimate.auc, 3) == 0.893
    assert (estimate.positives, estimate.negatives) == (51, 58)
    auc, se = delong_by_pairs(HM_SCORES, HM_OUTCOMES)
    assert estimate.auc == pytest.approx(auc, abs=1e-12)
    assert estimate.standard_error == pytest.approx(se, abs=1e-12)
    # DeLong's standard error here is 0.0307 (Hanley and McNeil's formula gives 0.032 for the same data).
    assert estimate.standard_error == pytest.approx(0.0307, abs=5e-5)
    assert estimate.low == pytest.approx(estimate.auc - 1.959963984540054 * se)
    assert estimate.high == pytest.approx(estimate.auc + 1.959963984540054 * se)


def test_auc_by_hand_on_three_and_three() -> None:
    # Reoffended: 0.9, 0.6, 0.4; did not: 0.7, 0.4, 0.1. Pairs won: 0.9 beats all 3; 0.6 beats 0.4 and 0.1;
    # 0.4 ties 0.4 (½) and beats 0.1: 3 + 2 + 1.5 = 6.5 of 9.
    # Placements V10 = (1, 2/3, 1/2), V01 = (1 - 1/3, 1 - 5/6, 1 - 1) = (2/3, 1/6, 0).
    # DeLong's variance is var(V10)/3 + var(V01)/3, the sample variances of those placements.
    scores = [0.9, 0.6, 0.4, 0.7, 0.4, 0.1]
    outcomes = [True, True, True, False, False, False]
    estimate = delong_auc(scores, outcomes)
    assert estimate is not None
    assert estimate.auc == pytest.approx(6.5 / 9)
    v10, v01 = [1, 2 / 3, 1 / 2], [2 / 3, 1 / 6, 0]
    assert estimate.standard_error == pytest.approx(
        math.sqrt(statistics.variance(v10) / 3 + statistics.variance(v01) / 3)
    )


def test_auc_agrees_with_scikit_learn() -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    scores = [0.1, 0.35, 0.4, 0.8, 0.35, 0.9, 0.2, 0.2, 0.65, 0.5, 0.5, 0.05]
    outcomes = [False, True, False, True, False, True, False, True, True, False, True, False]
    estimate = delong_auc(scores, outcomes)
    assert estimate is not None
    assert estimate.auc == pytest.approx(metrics.roc_auc_score(outcomes, scores), abs=1e-12)


def test_auc_needs_both_outcomes_and_an_interval_needs_two_of_each() -> None:
    assert delong_auc([0.1, 0.2], [True, True]) is None
    assert delong_auc([0.1, 0.2], [False, False]) is None
    assert delong_auc([], []) is None
    one = delong_auc([0.9, 0.1, 0.2], [True, False, False])
    assert one is not None and one.auc == 1.0 and one.standard_error is None and one.low is None
    with pytest.raises(ValidationInputError):
        delong_auc([0.1], [True, False])


def test_all_tied_scores_give_a_half() -> None:
    estimate = delong_auc([0.3] * 6, [True, False] * 3)
    assert estimate is not None and estimate.auc == 0.5 and estimate.standard_error == 0.0


def test_brier_by_hand() -> None:
    # (0.8 − 1)² + (0.3 − 0)² + (0.5 − 1)² + (0 − 0)² = 0.04 + 0.09 + 0.25 + 0 = 0.38; ÷ 4 = 0.095
    assert brier_score([0.8, 0.3, 0.5, 0.0], [True, False, True, False]) == pytest.approx(0.095)
    assert brier_score([0.5] * 4, [True, False, True, True]) == pytest.approx(0.25)
    assert brier_score([], []) is None
    assert brier_score([12.0, 40.0], [True, False]) is None  # a percentage is not a chance


def test_threshold_rates_by_hand() -> None:
    # Threshold 0.5: flagged 0.9, 0.6, 0.5 (at the threshold counts), 0.7. Reoffended 0.9, 0.6, 0.4, 0.2.
    scores = [0.9, 0.6, 0.4, 0.2, 0.7, 0.5, 0.3, 0.1, 0.1, 0.0]
    outcomes = [True, True, True, True, False, False, False, False, False, False]
    rates = threshold_rates(scores, outcomes, 0.5)
    assert (rates.true_positives, rates.false_negatives) == (2, 2)
    assert (rates.false_positives, rates.true_negatives) == (2, 4)
    assert rates.false_positive_rate.value == pytest.approx(2 / 6)
    assert rates.false_negative_rate.value == pytest.approx(2 / 4)
    assert rates.positive_predictive_value.value == pytest.approx(2 / 4)
    # Wilson, 2 of 4: centre (0.5 + z²/8)/(1 + z²/4) = 0.5, half-width z/(1 + z²/4)·√(1/16 + z²/64) = 0.3499
    assert rates.false_negative_rate.low == pytest.approx(0.1500, abs=5e-5)
    assert rates.false_negative_rate.high == pytest.approx(0.8500, abs=5e-5)


def test_wilson_interval_on_the_rates_matches_newcombe() -> None:
    # Newcombe (1998) Table I: 15 of 148 → 0.0624 to 0.1605: 15 flagged of 148 who did not reoffend.
    scores = [1.0] * 15 + [0.0] * 133 + [1.0]
    outcomes = [False] * 148 + [True]
    rate = threshold_rates(scores, outcomes, 0.5).false_positive_rate
    assert (rate.numerator, rate.denominator) == (15, 148)
    assert rate.low == pytest.approx(0.0624, abs=5e-5) and rate.high == pytest.approx(0.1605, abs=5e-5)


def test_a_rate_with_nobody_in_it_has_no_value() -> None:
    rates = threshold_rates([0.1, 0.2], [False, False], 0.5)
    assert rates.false_negative_rate.value is None and rates.false_negative_rate.low is None
    assert rates.positive_predictive_value.value is None  # nobody flagged
    assert rates.false_positive_rate.value == 0.0


def test_validate_scores_everyone_first_then_groups_with_missing_last() -> None:
    scores = [0.9, 0.2, 0.7, 0.4, 0.6, 0.1]
    outcomes = [1, 0, 1, 0, True, False]
    groups = {"sex": ["F", "M", "M", None, "F", ""]}
    result = validate_scores(scores, outcomes, groups, threshold=0.5)
    assert [(g.breakdown, g.value, g.n) for g in result] == [
        ("all", "all", 6),
        ("sex", "F", 2),
        ("sex", "M", 2),
        ("sex", NOT_RECORDED, 2),
    ]
    everyone = result[0].to_dict()
    assert everyone["auc"] == 1.0 and everyone["positives"] == 3 and everyone["threshold"] == 0.5
    assert everyone["false_positive_rate"] == 0.0 and everyone["false_negative_rate"] == 0.0
    assert everyone["brier"] == pytest.approx((0.01 + 0.04 + 0.09 + 0.16 + 0.16 + 0.01) / 6)
    assert len(everyone["calibration"]) == 6
    female = result[1].to_dict()
    assert female["auc"] is None  # both reoffended
    assert female["false_positive_rate"] is None and female["false_negative_rate"] == 0.0


def test_no_threshold_gives_no_rates() -> None:
    row = validate_scores([0.1, 0.9], [0, 1])[0].to_dict()
    assert row["threshold"] is None and row["false_positive_rate"] is None and row["true_positives"] is None


@pytest.mark.parametrize(
    ("scores", "outcomes", "message"),
    [
        ([], [], "no rows"),
        ([0.1, None], [0, 1], "row 2: the score is missing"),
        ([0.1, "high"], [0, 1], "row 2: the score 'high' is not a number"),
        ([0.1, float("nan")], [0, 1], "row 2: the score nan is not a finite number"),
        ([0.1, True], [0, 1], "row 2: the score is true/false"),
        ([0.1, 0.2], [0, None], "row 2: the outcome is missing"),
        ([0.1, 0.2], [0, 2], "row 2: the outcome 2 is not 0 or 1"),
        ([0.1, 0.2], [0, "yes"], "row 2: the outcome 'yes' is not 0 or 1"),
        ([0.1, 0.2], [0], "2 scores but 1 outcomes"),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_the_row(
    scores: list[object], outcomes: list[object], message: str
) -> None:
    with pytest.raises(ValidationInputError, match=message):
        validate_scores(scores, outcomes)


def test_bad_groups_and_thresholds_are_refused() -> None:
    with pytest.raises(ValidationInputError, match="has 1 rows, not 2"):
        validate_scores([0.1, 0.2], [0, 1], {"sex": ["F"]})
    with pytest.raises(ValidationInputError, match="past 3"):
        validate_scores([0.1, 0.2, 0.3, 0.4], [0, 1, 0, 1], {"id": ["a", "b", "c", "d"]}, max_groups=3)
    with pytest.raises(ValidationInputError, match="kept for everyone"):
        validate_scores([0.1, 0.2], [0, 1], {"all": ["a", "b"]})
    with pytest.raises(ValidationInputError, match="threshold"):
        validate_scores([0.1, 0.2], [0, 1], threshold=float("inf"))


def test_a_single_outcome_class_still_gives_the_other_figures() -> None:
    row = validate_scores([0.1, 0.3, 0.2], [0, 0, 0], threshold=0.25)[0].to_dict()
    assert row["auc"] is None and row["positives"] == 0
    assert row["false_positive_rate"] == pytest.approx(1 / 3) and row["false_negative_rate"] is None
    assert row["brier"] == pytest.approx((0.01 + 0.09 + 0.04) / 3)


rows = st.lists(
    st.tuples(
        st.floats(min_value=0, max_value=1, allow_nan=False),
        st.booleans(),
        st.sampled_from(["a", "b", "c", None]),
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(rows, st.floats(min_value=0, max_value=1, allow_nan=False))
def test_rates_lie_in_0_to_1_and_groups_partition_everyone(
    data: list[tuple[float, bool, str | None]], threshold: float
) -> None:
    result = validate_scores(
        [s for s, _, _ in data], [o for _, o, _ in data], {"g": [g for _, _, g in data]}, threshold=threshold
    )
    everyone, groups = result[0], result[1:]
    assert sum(g.n for g in groups) == everyone.n == len(data)
    assert sum(g.positives for g in groups) == everyone.positives
    for g in result:
        row = g.to_dict()
        for name in (
            "auc",
            "brier",
            "false_positive_rate",
            "false_negative_rate",
            "positive_predictive_value",
        ):
            for suffix in ("", "_low", "_high"):
                value = row.get(name + suffix)
                assert value is None or 0.0 <= value <= 1.0
        assert (
            row["true_positives"] + row["false_positives"] + row["false_negatives"] + row["true_negatives"]
            == g.n
        )
        assert sum(d["people"] for d in row["calibration"]) == g.n


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.booleans()), min_size=2, max_size=50))
def test_auc_equals_the_pairs_and_survives_monotone_transforms(data: list[tuple[int, bool]]) -> None:
    scores = [float(s) for s, _ in data]
    outcomes = [o for _, o in data]
    estimate = delong_auc(scores, outcomes)
    if all(outcomes) or not any(outcomes):
        assert estimate is None
        return
    assert estimate is not None
    auc, se = (
        delong_by_pairs(scores, outcomes) if 1 < sum(outcomes) < len(outcomes) - 1 else (estimate.auc, 0)
    )
    assert estimate.auc == pytest.approx(auc, abs=1e-9)
    if estimate.standard_error is not None:
        assert estimate.standard_error == pytest.approx(se, abs=1e-9)
    # A strictly increasing transform keeps every ranking, so every figure of rank.
    transformed = delong_auc([math.exp(s / 4) * 3 - 7 for s in scores], outcomes)
    assert transformed is not None
    assert transformed.auc == pytest.approx(estimate.auc, abs=1e-12)
    assert transformed.standard_error == pytest.approx(estimate.standard_error, abs=1e-12)
    # Reversing the score turns the AUC round.
    reversed_ = delong_auc([-s for s in scores], outcomes)
    assert reversed_ is not None and reversed_.auc == pytest.approx(1 - estimate.auc, abs=1e-12)


@given(st.integers(1, 30), st.integers(1, 30))
def test_a_score_that_ranks_everyone_right_has_an_auc_of_1(positives: int, negatives: int) -> None:
    scores = [0.5 + i / 100 for i in range(positives)] + [0.4 - i / 100 for i in range(negatives)]
    estimate = delong_auc(scores, [True] * positives + [False] * negatives)
    assert estimate is not None and estimate.auc == 1.0
    if positives > 1 and negatives > 1:
        assert estimate.standard_error == 0.0 and estimate.high == 1.0


# The worked example of docs/fairness.md: a score calibrated within both groups (of those scored 75%, three in
# four reoffend; of those scored 25%, one in four), group A reoffending at 50% and group B at 37.5%.
CALIBRATED = (
    [(0.75, True, "A")] * 6
    + [(0.75, False, "A")] * 2
    + [(0.25, True, "A")] * 2
    + [(0.25, False, "A")] * 6
    + [(0.75, True, "B")] * 3
    + [(0.75, False, "B")] * 1
    + [(0.25, True, "B")] * 3
    + [(0.25, False, "B")] * 9
)


def test_calibrated_within_groups_with_different_base_rates_gives_different_error_rates() -> None:
    result = validate_scores(
        [s for s, _, _ in CALIBRATED],
        [o for _, o, _ in CALIBRATED],
        {"group": [g for _, _, g in CALIBRATED]},
        threshold=0.5,
    )
    a, b = result[1].to_dict(), result[2].to_dict()
    for group in "AB":  # calibrated in each group: of those given each score, that share reoffended
        for score in (0.25, 0.75):
            outcomes = [o for s, o, g in CALIBRATED if g == group and s == score]
            assert sum(outcomes) / len(outcomes) == score
    assert (a["mean_score"], b["mean_score"]) == (0.5, 0.375)  # calibration in the large
    assert a["positive_predictive_value"] == b["positive_predictive_value"] == 0.75
    assert (a["false_positive_rate"], a["false_negative_rate"]) == (0.25, 0.25)
    assert (b["false_positive_rate"], b["false_negative_rate"]) == (0.1, 0.5)
    assert a["brier"] == b["brier"] == pytest.approx(0.1875)


def chouldechova(base_rate: float, ppv: float, fnr: float) -> float:
    """Chouldechova (2017), equation (2.6): FPR = p ÷ (1 − p) × (1 − PPV) ÷ PPV × (1 − FNR)."""
    return base_rate / (1 - base_rate) * (1 - ppv) / ppv * (1 - fnr)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.floats(min_value=0, max_value=1, allow_nan=False), st.booleans()), min_size=2),
    st.floats(min_value=0, max_value=1, allow_nan=False),
)
def test_chouldechovas_identity_holds_for_every_group(
    data: list[tuple[float, bool]], threshold: float
) -> None:
    row = validate_scores([s for s, _ in data], [o for _, o in data], threshold=threshold)[0].to_dict()
    ppv, fnr, fpr = row["positive_predictive_value"], row["false_negative_rate"], row["false_positive_rate"]
    if ppv is None or fnr is None or fpr is None or ppv == 0:
        return
    base_rate = row["positives"] / row["n"]
    assert fpr == pytest.approx(chouldechova(base_rate, ppv, fnr), abs=1e-12)


def test_known_values_for_a_calibrated_uniform_score() -> None:
    """Chances drawn evenly from 0 to 1 and outcomes drawn with those chances: the AUC is 5/6 (∫∫ over a > b
    of 2a · 2(1 − b)) and the Brier score E[p(1 − p)] = 1/6. A seeded sample lands within its interval."""
    import random

    generator = random.Random(1)
    scores = [generator.random() for _ in range(20_000)]
    outcomes = [generator.random() < p for p in scores]
    row = validate_scores(scores, outcomes, threshold=0.5)[0].to_dict()
    assert row["auc_low"] < 5 / 6 < row["auc_high"]
    assert row["brier"] == pytest.approx(1 / 6, abs=0.005)
    # At ½, a quarter of each outcome is misclassified: FPR = FNR = ∫ from ½ to 1 of 2(1 − p) = 1/4.
    assert row["false_positive_rate_low"] < 0.25 < row["false_positive_rate_high"]
    assert row["false_negative_rate_low"] < 0.25 < row["false_negative_rate_high"]


def test_an_empty_group_has_no_figures_but_no_error() -> None:
    from desist.core.fairness import validate_group

    row = validate_group("sex", "Female", [], [], threshold=0.5).to_dict()
    assert (row["n"], row["positives"], row["mean_score"], row["auc"], row["brier"]) == (
        0,
        0,
        None,
        None,
        None,
    )
    assert row["calibration"] == []
    for name in ("false_positive_rate", "false_negative_rate", "positive_predictive_value"):
        assert row[name] is None and row[f"{name}_low"] is None
