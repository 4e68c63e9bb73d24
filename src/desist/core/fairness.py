"""Validating a risk score on known outcomes, overall and group by group (docs/fairness.md).

Given each person's score, whether the outcome happened (reoffended: 1, not: 0) and optional group columns
(sex, ethnic group...), and optionally a threshold (a score at or above it counts as "higher risk"), for
everyone and then for each value of each group column:

- the **area under the ROC curve** (the Mann–Whitney statistic, ties counting a half) with **DeLong's**
  standard error and 95% interval: DeLong, DeLong & Clarke-Pearson (1988), "Comparing the areas under two or
  more correlated receiver operating characteristic curves: a nonparametric approach", Biometrics 44(3),
  837–845, worked out from mid-ranks as in Sun & Xu (2014), "Fast implementation of DeLong's algorithm",
  IEEE Signal Processing Letters 21(11), 1389–1393. The interval is AUC ± 1.96 × SE, kept within 0–1, as
  R's pROC (``ci.auc(method = "delong")``) gives it;
- **calibration by decile** (``desist.core.basket.stats.calibration_by_decile``) and the **Brier score**
  (Brier 1950, the mean squared difference between predicted chance and outcome; only for scores that are
  chances, 0 to 1);
- at the threshold, the **false positive rate** (of those who did not reoffend, the share flagged), the
  **false negative rate** (of those who did, the share not flagged) and the **positive predictive value**
  (of those flagged, the share who did), each with its **Wilson score interval** (Wilson 1927, "Probable
  inference, the law of succession, and statistical inference", JASA 22, 209–212; Newcombe 1998, method 3).

Plain Python, no Django. Bad input is refused with a ``ValidationInputError`` that says which row and why.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from desist.core.basket.stats import Z95, CalibrationGroup, calibration_by_decile, wilson_interval

EVERYONE = ("all", "all")
NOT_RECORDED = "Not recorded"  # the group of a person whose group value is missing


class ValidationInputError(ValueError):
    """Scores, outcomes or groups that cannot be validated, with a message a user can act on."""


@dataclass(frozen=True)
class AucEstimate:
    """The area under the ROC curve, DeLong's standard error and the 95% interval (None with fewer than two
    people of either outcome: the variance cannot be estimated)."""

    auc: float
    positives: int
    negatives: int
    standard_error: float | None
    low: float | None
    high: float | None
    method: str = "DeLong"


@dataclass(frozen=True)
class Rate:
    """A proportion with its Wilson interval (None when nobody is in the denominator)."""

    numerator: int
    denominator: int
    value: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class ThresholdRates:
    """The two-by-two table at a threshold and the three error rates a board compares between groups."""

    threshold: float
    true_positives: int
    false_positives: int
    false_negatives: int
    true_negatives: int
    false_positive_rate: Rate
    false_negative_rate: Rate
    positive_predictive_value: Rate


@dataclass(frozen=True)
class GroupValidation:
    """How the score did for one group: everyone (breakdown "all"), or one value of one group column."""

    breakdown: str
    value: str
    n: int
    positives: int
    mean_score: float | None
    auc: AucEstimate | None
    brier: float | None
    calibration: tuple[CalibrationGroup, ...]
    at_threshold: ThresholdRates | None = None

    def to_dict(self) -> dict[str, Any]:
        """Flat JSON-ready figures: the names `desist validate --format json` prints."""
        auc = self.auc
        out: dict[str, Any] = {
            "breakdown": self.breakdown,
            "value": self.value,
            "n": self.n,
            "positives": self.positives,
            "negatives": self.n - self.positives,
            "mean_score": self.mean_score,
            "auc": None if auc is None else auc.auc,
            "auc_low": None if auc is None else auc.low,
            "auc_high": None if auc is None else auc.high,
            "auc_standard_error": None if auc is None else auc.standard_error,
            "auc_method": "DeLong",
            "brier": self.brier,
            "threshold": None,
        }
        rates = self.at_threshold
        names = ("false_positive_rate", "false_negative_rate", "positive_predictive_value")
        if rates is None:
            for name in names:
                out.update({name: None, f"{name}_low": None, f"{name}_high": None})
            out.update(true_positives=None, false_positives=None, false_negatives=None, true_negatives=None)
        else:
            out.update(
                threshold=rates.threshold,
                true_positives=rates.true_positives,
                false_positives=rates.false_positives,
                false_negatives=rates.false_negatives,
                true_negatives=rates.true_negatives,
            )
            for name in names:
                rate: Rate = getattr(rates, name)
                out.update({name: rate.value, f"{name}_low": rate.low, f"{name}_high": rate.high})
        out["calibration"] = [vars(d) for d in self.calibration]
        return out


def _midranks(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Each value's rank (1 = smallest), ties sharing the mean of their ranks."""
    count = len(values)
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.ones(count, dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    first = np.flatnonzero(starts)
    last = np.append(first[1:] - 1, count - 1)
    ranks = np.empty(count, dtype=np.float64)
    ranks[order] = ((first + last) / 2 + 1)[np.cumsum(starts) - 1]
    return ranks


def delong_auc(scores: Sequence[float], outcomes: Sequence[bool], z: float = Z95) -> AucEstimate | None:
    """The AUC with DeLong's standard error and interval; None unless both outcomes occur.

    With m people who reoffended (X) and n who did not (Y), each person's placement is the share of the other
    outcome they outrank (ties a half): V10(Xᵢ) = (rank of Xᵢ among everyone − rank among X) ÷ n, and
    V01(Yⱼ) = 1 − (rank of Yⱼ among everyone − rank among Y) ÷ m. The AUC is the mean of V10, and its
    variance S10 ÷ m + S01 ÷ n, S10 and S01 the sample variances of the placements.
    """
    if len(scores) != len(outcomes):
        raise ValidationInputError("scores and outcomes differ in length")
    values = np.asarray(scores, dtype=np.float64)
    positive = np.asarray(outcomes, dtype=bool)
    x, y = values[positive], values[~positive]
    m, n = len(x), len(y)
    if m == 0 or n == 0:
        return None
    everyone = _midranks(np.concatenate([x, y]))
    v10 = (everyone[:m] - _midranks(x)) / n
    v01 = 1 - (everyone[m:] - _midranks(y)) / m
    auc = float(v10.mean())
    if m < 2 or n < 2:
        return AucEstimate(auc, m, n, None, None, None)
    se = math.sqrt(max(float(v10.var(ddof=1)) / m + float(v01.var(ddof=1)) / n, 0.0))
    return AucEstimate(auc, m, n, se, max(0.0, auc - z * se), min(1.0, auc + z * se))


def brier_score(predicted: Sequence[float], outcomes: Sequence[bool]) -> float | None:
    """The mean of (predicted chance − outcome)²: 0 is perfect, 0.25 what a constant ½ scores. None for no
    people or when a score is not a chance between 0 and 1 (a points score or a percentage)."""
    if len(predicted) != len(outcomes):
        raise ValidationInputError("scores and outcomes differ in length")
    if not predicted or any(not 0.0 <= p <= 1.0 for p in predicted):
        return None
    return sum((p - (1.0 if o else 0.0)) ** 2 for p, o in zip(predicted, outcomes, strict=True)) / len(
        predicted
    )


def _rate(numerator: int, denominator: int, z: float) -> Rate:
    interval = wilson_interval(numerator, denominator, z)
    if interval is None:
        return Rate(numerator, denominator, None, None, None)
    return Rate(numerator, denominator, numerator / denominator, interval[0], interval[1])


def threshold_rates(
    scores: Sequence[float], outcomes: Sequence[bool], threshold: float, z: float = Z95
) -> ThresholdRates:
    """The false positive rate, false negative rate and positive predictive value when a score at or above
    ``threshold`` counts as "higher risk", each with its Wilson interval."""
    if len(scores) != len(outcomes):
        raise ValidationInputError("scores and outcomes differ in length")
    tp = fp = fn = tn = 0
    for s, o in zip(scores, outcomes, strict=True):
        flagged = s >= threshold
        if o:
            tp, fn = (tp + 1, fn) if flagged else (tp, fn + 1)
        else:
            fp, tn = (fp + 1, tn) if flagged else (fp, tn + 1)
    return ThresholdRates(
        threshold=threshold,
        true_positives=tp,
        false_positives=fp,
        false_negatives=fn,
        true_negatives=tn,
        false_positive_rate=_rate(fp, fp + tn, z),
        false_negative_rate=_rate(fn, tp + fn, z),
        positive_predictive_value=_rate(tp, tp + fp, z),
    )


def validate_group(
    breakdown: str,
    value: str,
    scores: Sequence[float],
    outcomes: Sequence[bool],
    threshold: float | None = None,
) -> GroupValidation:
    """Every figure for one group of people (checked already: see ``validate_scores``)."""
    return GroupValidation(
        breakdown=breakdown,
        value=value,
        n=len(scores),
        positives=sum(1 for o in outcomes if o),
        mean_score=sum(scores) / len(scores) if scores else None,
        auc=delong_auc(scores, outcomes),
        brier=brier_score(scores, outcomes),
        calibration=tuple(calibration_by_decile(scores, outcomes)),
        at_threshold=None if threshold is None else threshold_rates(scores, outcomes, threshold),
    )


def _checked_scores(scores: Sequence[Any]) -> list[float]:
    out = []
    for row, score in enumerate(scores, start=1):
        if score is None:
            raise ValidationInputError(f"row {row}: the score is missing")
        if isinstance(score, bool):
            raise ValidationInputError(f"row {row}: the score is true/false, not a number")
        try:
            number = float(score)
        except (TypeError, ValueError):
            raise ValidationInputError(f"row {row}: the score {score!r} is not a number") from None
        if not math.isfinite(number):
            raise ValidationInputError(f"row {row}: the score {score!r} is not a finite number")
        out.append(number)
    return out


def _checked_outcomes(outcomes: Sequence[Any]) -> list[bool]:
    out = []
    for row, outcome in enumerate(outcomes, start=1):
        if outcome is None:
            raise ValidationInputError(f"row {row}: the outcome is missing")
        if isinstance(outcome, bool):
            out.append(outcome)
        elif isinstance(outcome, int | float) and outcome in (0, 1):
            out.append(outcome == 1)
        else:
            raise ValidationInputError(
                f"row {row}: the outcome {outcome!r} is not 0 or 1: the outcome must be binary "
                "(1 or true for reoffended, 0 or false for not)"
            )
    return out


def validate_scores(
    scores: Sequence[Any],
    outcomes: Sequence[Any],
    groups: Mapping[str, Sequence[Any]] | None = None,
    *,
    threshold: float | None = None,
    max_groups: int = 1000,
) -> list[GroupValidation]:
    """Everyone first, then each group column in the order given, its values sorted ("Not recorded", for a
    missing value, last). Groups of one column partition the people. Refuses missing or non-numeric scores,
    outcomes other than 0/1 or true/false, columns of different lengths, no people, and more than
    ``max_groups`` groups in all."""
    if len(scores) != len(outcomes):
        raise ValidationInputError(f"{len(scores)} scores but {len(outcomes)} outcomes")
    if not scores:
        raise ValidationInputError("there are no rows to validate")
    if threshold is not None and not math.isfinite(threshold):
        raise ValidationInputError(f"the threshold {threshold!r} is not a finite number")
    checked_scores = _checked_scores(scores)
    checked_outcomes = _checked_outcomes(outcomes)
    result = [validate_group(*EVERYONE, checked_scores, checked_outcomes, threshold)]
    columns: dict[str, list[str]] = {}
    total = 0
    for name, values in (groups or {}).items():
        if name == "all":
            raise ValidationInputError('"all" is kept for everyone: name the group column something else')
        if len(values) != len(scores):
            raise ValidationInputError(f"the group column {name!r} has {len(values)} rows, not {len(scores)}")
        columns[name] = [NOT_RECORDED if v is None or str(v).strip() == "" else str(v) for v in values]
        total += len(set(columns[name]))
        if total > max_groups:
            raise ValidationInputError(
                f"the group column {name!r} takes the groups past {max_groups:,}: "
                "choose a column with fewer distinct values"
            )
    for name, labels in columns.items():
        members: dict[str, list[int]] = {}
        for i, label in enumerate(labels):
            members.setdefault(label, []).append(i)
        for label in sorted(members, key=lambda v: (v == NOT_RECORDED, v)):
            rows = members[label]
            result.append(
                validate_group(
                    name,
                    label,
                    [checked_scores[i] for i in rows],
                    [checked_outcomes[i] for i in rows],
                    threshold,
                )
            )
    return result
