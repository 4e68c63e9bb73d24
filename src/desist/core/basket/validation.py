"""Predictor validation on local outcomes: does a stored score (OGRS3, or any score with a predicted chance
and a horizon) rank and predict who is proven to reoffend here?

For each person, the earliest score of the kind whose follow-up has ended by the data's date: the outcome is
an offence committed in the score's horizon (24 months for OGRS3's two-year figure) after the day it was
worked out, proven within a further 6 months. The area under the ROC curve (with DeLong's interval) says how
well the score ranks; calibration by decile and the Brier score compare the prediction with what happened; the
false positive and false negative rates and the positive predictive value at a threshold say whom a cut-off
would wrongly flag or miss. Everything also by sex and ethnic group, from ``desist.core.fairness`` (the same
figures ``desist validate`` prints; docs/fairness.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import duckdb

from .labels import ETHNIC_GROUPS
from .stats import CalibrationGroup

if TYPE_CHECKING:  # desist.core.fairness imports this package's stats: imported where used, not at the top
    from desist.core.fairness import AucEstimate, ThresholdRates

WAITING_MONTHS = 6  # as proven reoffending: an offence in the horizon may be proven up to 6 months after it

# What each kind of score validated is, in the page's words; the retrospective OGRS3 first, the default.
SOURCES = {
    "ogrs3_at_index": "OGRS3 as at the index date, worked out retrospectively",
    "ogrs3": "Stored OGRS3 scores",
}

_OUTCOMES_SQL = """
WITH ranked AS (
    SELECT s.*, ROW_NUMBER() OVER (PARTITION BY s.person_id ORDER BY s.scored_on, s.predicted) AS pick
    FROM scores s
    WHERE s.kind = ? AND s.predicted IS NOT NULL
      AND CAST(s.scored_on + TO_MONTHS(s.horizon_months + {waiting}) AS DATE) <= ?
)
SELECT r.person_id, r.predicted, r.scored_on,
       CASE p.sex WHEN 'male' THEN 'Male' WHEN 'female' THEN 'Female' ELSE 'Not recorded' END AS sex,
       CASE left(p.ethnicity, 1) {ethnic} ELSE 'Not recorded' END AS ethnicity,
       EXISTS (SELECT 1 FROM offences o WHERE o.person_id = r.person_id
                 AND o.offence_date > r.scored_on
                 AND o.offence_date <= CAST(r.scored_on + TO_MONTHS(r.horizon_months) AS DATE)
                 AND o.proven_date <= CAST(r.scored_on + TO_MONTHS(r.horizon_months + {waiting}) AS DATE))
         AS reoffended
FROM ranked r LEFT JOIN people p ON p.person_id = r.person_id
WHERE r.pick = 1
ORDER BY r.person_id
"""


@dataclass(frozen=True)
class ValidationGroup:
    """How a score did for one group of people (everyone, or one sex or ethnic group)."""

    breakdown: str  # "all", "sex" or "ethnicity"
    value: str
    people: int
    reoffended: int
    mean_predicted: float
    auc: AucEstimate | None
    calibration: tuple[CalibrationGroup, ...]
    brier: float | None = None
    at_threshold: ThresholdRates | None = None

    def to_dict(self) -> dict[str, Any]:
        rates = self.at_threshold
        return {
            "breakdown": self.breakdown,
            "value": self.value,
            "people": self.people,
            "reoffended": self.reoffended,
            "mean_predicted": self.mean_predicted,
            "auc": None if self.auc is None else vars(self.auc),
            "brier": self.brier,
            "calibration": [vars(g) for g in self.calibration],
            "at_threshold": None
            if rates is None
            else {
                "threshold": rates.threshold,
                "true_positives": rates.true_positives,
                "false_positives": rates.false_positives,
                "false_negatives": rates.false_negatives,
                "true_negatives": rates.true_negatives,
                "false_positive_rate": vars(rates.false_positive_rate),
                "false_negative_rate": vars(rates.false_negative_rate),
                "positive_predictive_value": vars(rates.positive_predictive_value),
            },
        }


@dataclass(frozen=True)
class Validation:
    """A score's validation: every scored person with a complete follow-up, then by sex and ethnic group."""

    kind: str
    as_of: date
    scored_people: int  # people with a score of this kind
    without_follow_up: int  # of them, whose follow-up had not ended by as_of
    groups: tuple[ValidationGroup, ...] = field(default_factory=tuple)
    unscored: int = 0  # people with a row of this kind but no prediction (OGRS3 could not be worked out)
    scored_from: date | None = None  # the earliest and latest day a validated score is dated
    scored_to: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": SOURCES.get(self.kind, self.kind.upper()),
            "as_of": self.as_of.isoformat(),
            "scored_people": self.scored_people,
            "without_follow_up": self.without_follow_up,
            "unscored": self.unscored,
            "scored_from": self.scored_from.isoformat() if self.scored_from else None,
            "scored_to": self.scored_to.isoformat() if self.scored_to else None,
            "groups": [g.to_dict() for g in self.groups],
        }


def _group(breakdown: str, value: str, rows: list[tuple[float, bool]], threshold: float) -> ValidationGroup:
    from desist.core.fairness import validate_group

    figures = validate_group(breakdown, value, [p for p, _ in rows], [o for _, o in rows], threshold)
    return ValidationGroup(
        breakdown=breakdown,
        value=value,
        people=figures.n,
        reoffended=figures.positives,
        mean_predicted=figures.mean_score or 0.0,
        auc=figures.auc,
        calibration=figures.calibration,
        brier=figures.brier,
        at_threshold=figures.at_threshold,
    )


def validate_predictor(
    con: duckdb.DuckDBPyConnection, *, kind: str, as_of: date, threshold: float = 0.5
) -> Validation:
    """Validate the stored scores of ``kind`` (table ``scores``) against ``offences`` and ``people``; a
    predicted chance at or above ``threshold`` counts as "higher risk"."""
    ethnic = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in ETHNIC_GROUPS.items())
    sql = _OUTCOMES_SQL.format(waiting=WAITING_MONTHS, ethnic=ethnic)
    rows = con.execute(sql, [kind, as_of]).fetchall()
    scored = con.execute(
        "SELECT COUNT(DISTINCT person_id) FROM scores WHERE kind = ? AND predicted IS NOT NULL", [kind]
    ).fetchone()
    scored_people = int(scored[0]) if scored else 0
    unscored_row = con.execute(
        "SELECT COUNT(DISTINCT person_id) FROM scores WHERE kind = ? AND predicted IS NULL AND person_id "
        "NOT IN (SELECT person_id FROM scores WHERE kind = ? AND predicted IS NOT NULL)",
        [kind, kind],
    ).fetchone()
    everyone = [(float(r[1]), bool(r[5])) for r in rows]
    groups = [_group("all", "all", everyone, threshold)] if everyone else []
    for index, breakdown in ((3, "sex"), (4, "ethnicity")):
        for value in sorted({r[index] for r in rows}, key=lambda v: (v == "Not recorded", v)):
            groups.append(
                _group(
                    breakdown,
                    value,
                    [(float(r[1]), bool(r[5])) for r in rows if r[index] == value],
                    threshold,
                )
            )
    days = [r[2] for r in rows]
    return Validation(
        kind=kind,
        as_of=as_of,
        scored_people=scored_people,
        without_follow_up=scored_people - len(rows),
        groups=tuple(groups),
        unscored=int(unscored_row[0]) if unscored_row else 0,
        scored_from=min(days, default=None),
        scored_to=max(days, default=None),
    )
