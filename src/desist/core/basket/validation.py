"""Predictor validation on local outcomes: does a stored score (OGRS3, or any score with a predicted chance
and a horizon) rank and predict who is proven to reoffend here?

For each person, the earliest score of the kind whose follow-up has ended by the data's date: the outcome is
an offence committed in the score's horizon (24 months for OGRS3's two-year figure) after the day it was
worked out, proven within a further 6 months. The area under the ROC curve says how well the score ranks;
calibration by decile compares the mean prediction with what happened; both also by sex and ethnic group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb

from .labels import ETHNIC_GROUPS
from .stats import Auc, CalibrationGroup, area_under_curve, calibration_by_decile

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
    auc: Auc | None
    calibration: tuple[CalibrationGroup, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "breakdown": self.breakdown,
            "value": self.value,
            "people": self.people,
            "reoffended": self.reoffended,
            "mean_predicted": self.mean_predicted,
            "auc": None if self.auc is None else vars(self.auc),
            "calibration": [vars(g) for g in self.calibration],
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


def _group(breakdown: str, value: str, rows: list[tuple[float, bool]]) -> ValidationGroup:
    predicted = [p for p, _ in rows]
    outcomes = [o for _, o in rows]
    return ValidationGroup(
        breakdown=breakdown,
        value=value,
        people=len(rows),
        reoffended=sum(outcomes),
        mean_predicted=sum(predicted) / len(rows) if rows else 0.0,
        auc=area_under_curve(predicted, outcomes),
        calibration=tuple(calibration_by_decile(predicted, outcomes)),
    )


def validate_predictor(con: duckdb.DuckDBPyConnection, *, kind: str, as_of: date) -> Validation:
    """Validate the stored scores of ``kind`` (table ``scores``) against ``offences`` and ``people``."""
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
    groups = [_group("all", "all", everyone)] if everyone else []
    for index, breakdown in ((3, "sex"), (4, "ethnicity")):
        for value in sorted({r[index] for r in rows}, key=lambda v: (v == "Not recorded", v)):
            groups.append(
                _group(breakdown, value, [(float(r[1]), bool(r[5])) for r in rows if r[index] == value])
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
