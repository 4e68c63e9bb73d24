"""The statistics the basket of measures shows: Wilson and Byar intervals, small-number suppression, the
relative rate index, and the area under the ROC curve and calibration by decile for predictor validation.

Plain Python, exact where it can be: AUC is worked out from mid-ranks in whole numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

Z95 = 1.959963984540054  # the standard normal quantile for a two-sided 95% interval


def wilson_interval(successes: int, trials: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval for a proportion (Wilson 1927; Newcombe 1998, method 3).

    None when there are no trials. Unlike the simple (Wald) interval it stays within 0–1 and behaves
    for small counts and for 0 or 100%, which is why official statistics use it for rates.
    """
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError(f"{successes} successes out of {trials} trials")
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half = (z / denominator) * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    return max(0.0, centre - half), min(1.0, centre + half)


def byar_interval(count: float, z: float = Z95) -> tuple[float, float]:
    """Byar's approximation to the exact Poisson interval for an observed count (as Public Health England
    uses for rates per head). Divide by the population to get an interval for the rate."""
    if count < 0:
        raise ValueError(f"a count cannot be negative: {count}")
    low = 0.0 if count == 0 else count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    upper_count = count + 1
    high = upper_count * (1 - 1 / (9 * upper_count) + z / (3 * math.sqrt(upper_count))) ** 3
    return max(0.0, low), high


def is_small(count: float | None, threshold: int) -> bool:
    """Whether a count must be hidden outside the analyst role: 1 up to ``threshold`` − 1.

    Zero is shown: "none" discloses nothing about a particular person that a count of 1 to 4 would.
    """
    return count is not None and 0 < count < threshold


def should_suppress(
    numerator: float | None, denominator: float | None, threshold: int, *, complement: bool
) -> bool:
    """Whether a figure is hidden: its numerator or denominator is a small count, or (for a proportion,
    ``complement``) so is the number of people *not* counted, which would give the others away."""
    if threshold <= 1:
        return False
    if is_small(numerator, threshold) or is_small(denominator, threshold):
        return True
    if complement and numerator is not None and denominator is not None:
        return is_small(denominator - numerator, threshold)
    return False


@dataclass(frozen=True)
class RateRatio:
    """A group's rate divided by the reference group's, with a 95% interval on the log scale."""

    ratio: float
    low: float | None
    high: float | None


def relative_rate_index(
    numerator: float,
    denominator: float,
    reference_numerator: float,
    reference_denominator: float,
    *,
    proportion: bool,
    z: float = Z95,
) -> RateRatio | None:
    """The relative rate index: (numerator ÷ denominator) ÷ (reference numerator ÷ reference denominator).

    None when either rate is undefined or the reference rate is 0. The interval is Katz's log method for a
    ratio of proportions, or the Poisson log method for a ratio of rates per head (``proportion=False``);
    it is left out when either numerator is 0.
    """
    if denominator <= 0 or reference_denominator <= 0 or reference_numerator <= 0:
        return None
    ratio = (numerator / denominator) / (reference_numerator / reference_denominator)
    if numerator <= 0:
        return RateRatio(ratio, None, None)
    if proportion:
        variance = 1 / numerator - 1 / denominator + 1 / reference_numerator - 1 / reference_denominator
    else:
        variance = 1 / numerator + 1 / reference_numerator
    spread = z * math.sqrt(max(variance, 0.0))
    return RateRatio(ratio, ratio * math.exp(-spread), ratio * math.exp(spread))


def reference_value(denominators: dict[str, float], chosen: str | None) -> str | None:
    """The reference group of a breakdown: the chosen value when it is present, else the largest group
    (ties to the first alphabetically). None when there are no groups."""
    if chosen is not None and denominators.get(chosen, 0) > 0:
        return chosen
    present = [(value, size) for value, size in denominators.items() if size > 0]
    if not present:
        return None
    return min(present, key=lambda item: (-item[1], item[0]))[0]


@dataclass(frozen=True)
class Auc:
    """The area under the ROC curve with Hanley and McNeil's (1982) standard error and a 95% interval."""

    auc: float
    positives: int
    negatives: int
    low: float
    high: float


def area_under_curve(scores: Sequence[float], outcomes: Sequence[bool], z: float = Z95) -> Auc | None:
    """The exact area under the ROC curve: the chance that a random person who reoffended scored higher than
    a random person who did not, ties counting a half (the Mann–Whitney statistic, from mid-ranks).

    None unless there is at least one outcome of each kind.
    """
    if len(scores) != len(outcomes):
        raise ValueError("scores and outcomes differ in length")
    positives = sum(1 for o in outcomes if o)
    negatives = len(outcomes) - positives
    if positives == 0 or negatives == 0:
        return None
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    twice_rank_sum = 0  # twice the positives' rank sum, so mid-ranks stay whole numbers
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        twice_midrank = (i + 1) + (j + 1)
        twice_rank_sum += twice_midrank * sum(1 for k in range(i, j + 1) if outcomes[order[k]])
        i = j + 1
    u = Fraction(twice_rank_sum - positives * (positives + 1), 2)
    auc = float(u / (positives * negatives))
    q1 = auc / (2 - auc)
    q2 = 2 * auc * auc / (1 + auc)
    variance = (auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (negatives - 1) * (q2 - auc * auc)) / (
        positives * negatives
    )
    spread = z * math.sqrt(max(variance, 0.0))
    return Auc(auc, positives, negatives, max(0.0, auc - spread), min(1.0, auc + spread))


@dataclass(frozen=True)
class CalibrationGroup:
    """One tenth of the scored people, by predicted chance: how many, the mean prediction, what happened."""

    decile: int
    people: int
    mean_predicted: float
    observed: int
    observed_rate: float
    low: float
    high: float


def calibration_by_decile(
    predicted: Sequence[float],
    outcomes: Sequence[bool],
    groups: int = 10,
) -> list[CalibrationGroup]:
    """People sorted by predicted chance (0–1) and cut into ``groups`` groups as equal in size as possible
    (the first groups take one more when the sizes do not divide, as SQL's NTILE does); for each, the mean
    prediction against the observed rate with its Wilson interval. Fewer groups when fewer people."""
    if len(predicted) != len(outcomes):
        raise ValueError("predictions and outcomes differ in length")
    order = sorted(range(len(predicted)), key=lambda i: (predicted[i], i))
    count = len(order)
    groups = min(groups, count)
    result: list[CalibrationGroup] = []
    start = 0
    for g in range(groups):
        size = count // groups + (1 if g < count % groups else 0)
        members = order[start : start + size]
        start += size
        observed = sum(1 for i in members if outcomes[i])
        interval = wilson_interval(observed, size) or (0.0, 0.0)
        result.append(
            CalibrationGroup(
                g + 1,
                size,
                sum(predicted[i] for i in members) / size,
                observed,
                observed / size,
                interval[0],
                interval[1],
            )
        )
    return result
