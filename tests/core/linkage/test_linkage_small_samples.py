"""Training on a handful of records: u without the true pairs, and a prior that predictions can use."""

from __future__ import annotations

import pytest

from desist.core.linkage.model import u_without_matches


def _settings(prior: float, levels: list[tuple[float, float]]) -> dict:
    return {
        "probability_two_random_records_match": prior,
        "comparisons": [
            {
                "output_column_name": "first_name",
                "comparison_levels": [{"is_null_level": True}]
                + [
                    {"label_for_charts": f"level {i}", "m_probability": m, "u_probability": u}
                    for i, (m, u) in enumerate(levels)
                ],
            }
        ],
    }


def test_u_is_the_random_pairs_agreement_with_the_true_pairs_taken_out():
    # 6 records, 15 pairs, 2 true pairs (prior 2/15): both true pairs and no other pair agree exactly.
    # Observed agreement 2/15 = prior * m + (1 - prior) * u, so with m = 0.8,
    # u = (2/15 - 0.8 * 2/15) / (13/15).
    prior = 2 / 15
    fixed = u_without_matches(
        _settings(prior, [(0.8, 2 / 15), (0.2, 13 / 15)]), u_pairs=1e6
    )  # floor negligible
    exact, other = fixed["comparisons"][0]["comparison_levels"][1:]
    assert exact["u_probability"] == pytest.approx((2 / 15 - 0.8 * prior) / (1 - prior))
    assert other["u_probability"] == pytest.approx((13 / 15 - 0.2 * prior) / (1 - prior))
    assert exact["u_probability"] + other["u_probability"] == pytest.approx(1.0)


def test_nothing_left_is_laplaces_rule_and_the_levels_stay_a_distribution():
    fixed = u_without_matches(_settings(0.5, [(0.9, 0.05), (0.1, 0.95)]), u_pairs=10)
    levels = fixed["comparisons"][0]["comparison_levels"][1:]
    assert levels[0]["u_probability"] > 0
    assert sum(level["u_probability"] for level in levels) <= 1 + 1e-9


def test_without_a_usable_prior_u_is_left_alone():
    settings = _settings(0.0, [(0.8, 0.1), (0.2, 0.9)])
    assert u_without_matches(settings, u_pairs=15) == settings
