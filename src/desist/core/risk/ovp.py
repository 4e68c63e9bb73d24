"""OVP: the OASys Violence Predictor (RULES.md §2).

Items and weights as in the MoJ service ``hmpps-arns-risk-actuarial-api`` (OVPTransformationHelper.kt and
OVPRiskProducerService.kt): static items (sanctions, age, sex) and dynamic items (recognising the impact
of offending, accommodation, employment, alcohol, psychiatric treatment, temper control, attitudes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Literal

from desist.core.risk.bands import Part, explain_parts, logistic, ovp_band, report_probability
from desist.core.risk.errors import RiskInputError
from desist.core.risk.ogp import Checker, require_all
from desist.core.risk.ogrs3 import SEXES, whole_years

SCALE = 0.0722
ONE_YEAR_SHIFT = 4.5215
TWO_YEAR_SHIFT = 3.8773
MIN_AGE = 18  # the age table starts at 18: OVP is for adults

ITEMS: dict[str, str] = {
    "sex": "'male' or 'female'",
    "date_of_birth": "date",
    "follow_up_start": "date the follow-up starts (release, or sentence date for a community sentence)",
    "total_sanctions": "every sanction, including the current one (whole number, 1 or more)",
    "violent_sanctions": "the violent ones among them (0 to total_sanctions)",
    "recognises_impact": "recognises the impact of their offending on others: True/False",
    "no_fixed_abode": "currently of no fixed abode or in transient accommodation: True/False",
    "unemployed": "currently unemployed: True/False",
    "alcohol_current_use": "current use of alcohol a problem: 0 none, 1 some, 2 significant",
    "alcohol_binge": "binge drinking or excessive use in the last 6 months: 0 none, 1 some, 2 significant",
    "psychiatric_treatment": "current psychiatric treatment, or treatment pending: True/False",
    "temper_control": "temper control: 0 no problems, 1 some, 2 significant",
    "pro_criminal_attitudes": "pro-criminal attitudes: 0 none, 1 some, 2 significant",
}

# Age at follow-up start → points (RULES.md §2): (first age, last age or None, points).
AGE_POINTS: tuple[tuple[int, int | None, int], ...] = (
    (18, 19, 20),
    (20, 21, 17),
    (22, 23, 14),
    (24, 25, 12),
    (26, 30, 10),
    (31, 35, 8),
    (36, 40, 6),
    (41, 45, 4),
    (46, 50, 2),
    (51, None, 0),
)
# Non-violent sanctions → points (RULES.md §2): (first count, last count or None, points).
NON_VIOLENT_POINTS: tuple[tuple[int, int | None, int], ...] = (
    (0, 2, 0),
    (3, 4, 2),
    (5, 10, 3),
    (11, 20, 4),
    (21, None, 5),
)

PreviousSanctionRule = Literal["previous", "any"]


def violent_sanction_points(count: int) -> int:
    """0→0, 1→4, 2→7, 3→9, 4→11, then +1 for each to 17→24, and 18 or more → 25 (RULES.md §2)."""
    if count < 0:
        raise RiskInputError(f"violent sanctions cannot be negative (got {count})")
    fixed = {0: 0, 1: 4, 2: 7, 3: 9, 4: 11}
    if count in fixed:
        return fixed[count]
    return min(count + 7, 25)


def _lookup(table: tuple[tuple[int, int | None, int], ...], value: int) -> int:
    for first, last, points in table:
        if value >= first and (last is None or value <= last):
            return points
    raise RiskInputError(f"no points for {value}")  # pragma: no cover - callers check the range


def non_violent_sanction_points(count: int) -> int:
    """0–2 → 0, 3–4 → 2, 5–10 → 3, 11–20 → 4, 21+ → 5 (RULES.md §2)."""
    if count < 0:
        raise RiskInputError(f"non-violent sanctions cannot be negative (got {count})")
    return _lookup(NON_VIOLENT_POINTS, count)


def age_points(age: int) -> int:
    """18–19 → 20, 20–21 → 17, 22–23 → 14, 24–25 → 12, 26–30 → 10, 31–35 → 8, 36–40 → 6, 41–45 → 4,
    46–50 → 2, 51+ → 0 (RULES.md §2). RiskInputError under 18."""
    if age < MIN_AGE:
        raise RiskInputError(
            f"OVP is for adults: age at follow-up start must be at least {MIN_AGE} (got {age})"
        )
    return _lookup(AGE_POINTS, age)


def ovp_probabilities(score: int) -> tuple[float, float]:
    """(one-year, two-year) probabilities: logistic(0.0722 × score − 4.5215 / − 3.8773)."""
    return logistic(SCALE * score - ONE_YEAR_SHIFT), logistic(SCALE * score - TWO_YEAR_SHIFT)


@dataclass(frozen=True, slots=True)
class OvpResult:
    """OVP percentages (whole), band, total score and its parts."""

    one_year: int
    two_year: int
    band: str
    score: int
    score_parts: tuple[Part, ...]  # one per scored item; their values sum to ``score``
    age_at_follow_up: int
    p_one_year: float
    p_two_year: float

    @property
    def static_score(self) -> int:
        """The points from sanctions, age and sex."""
        return sum(int(p.value or 0) for p in self.score_parts[:5])

    @property
    def dynamic_score(self) -> int:
        """The points from the assessment items."""
        return self.score - self.static_score

    @property
    def parts(self) -> tuple[Part, ...]:
        """The whole working: the score parts, then the score, probabilities, percentages and band."""
        return (
            *self.score_parts,
            Part("OVP score", self.score, f"static {self.static_score} + dynamic {self.dynamic_score}"),
            Part("One-year probability", self.p_one_year, "logistic(0.0722 × score − 4.5215)"),
            Part("Two-year probability", self.p_two_year, "logistic(0.0722 × score − 3.8773)"),
            Part("One-year %", self.one_year, "whole % half up; ≤0 → 1, >99 → 99"),
            Part("Two-year %", self.two_year, "whole % half up; ≤0 → 1, >99 → 99"),
            Part("Band", self.band, "on the two-year %: low 1–29, medium 30–59, high 60–79, very high 80–99"),
        )

    def explain(self) -> list[tuple[str, str]]:
        """The working, one (label, value) line per step."""
        return explain_parts(self.parts)


def ovp(
    *,
    sex: str | None = None,
    date_of_birth: date | None = None,
    follow_up_start: date | None = None,
    total_sanctions: int | None = None,
    violent_sanctions: int | None = None,
    recognises_impact: bool | None = None,
    no_fixed_abode: bool | None = None,
    unemployed: bool | None = None,
    alcohol_current_use: int | None = None,
    alcohol_binge: int | None = None,
    psychiatric_treatment: bool | None = None,
    temper_control: int | None = None,
    pro_criminal_attitudes: int | None = None,
    previous_sanction_rule: PreviousSanctionRule = "any",
) -> OvpResult:
    """OVP one- and two-year violent reoffending (RULES.md §2). Every item is required (see :data:`ITEMS`).

    Static: violent sanctions (table), non-violent sanctions (total − violent, table), age at follow-up
    start (table; 18 or over), male +5, and +5 for a previous sanction. Dynamic: does not recognise the
    impact of offending +4, no fixed abode +4, unemployed +4, alcohol ceil(2.5 × (current use + binge)),
    psychiatric treatment current or pending +4, temper control × 3, pro-criminal attitudes × 3.

    ``previous_sanction_rule``: "any" (default, as the MoJ service: +5 when total_sanctions ≥ 1) or
    "previous" (desist's earlier reading of RULES.md: +5 only for a sanction before the current one, i.e.
    total_sanctions ≥ 2).

    Raises MissingAssessmentItems naming every missing item, RiskInputError naming every value not allowed.
    """
    require_all(
        "OVP",
        {
            "sex": sex,
            "date_of_birth": date_of_birth,
            "follow_up_start": follow_up_start,
            "total_sanctions": total_sanctions,
            "violent_sanctions": violent_sanctions,
            "recognises_impact": recognises_impact,
            "no_fixed_abode": no_fixed_abode,
            "unemployed": unemployed,
            "alcohol_current_use": alcohol_current_use,
            "alcohol_binge": alcohol_binge,
            "psychiatric_treatment": psychiatric_treatment,
            "temper_control": temper_control,
            "pro_criminal_attitudes": pro_criminal_attitudes,
        },
    )
    if previous_sanction_rule not in ("previous", "any"):
        raise RiskInputError(
            f"previous_sanction_rule must be 'previous' or 'any' (got {previous_sanction_rule!r})"
        )
    check = Checker()
    if not isinstance(sex, str) or sex.strip().lower() not in SEXES:
        check.problems.append(f"sex must be 'male' or 'female' (got {sex!r})")
    for name, value in (("date_of_birth", date_of_birth), ("follow_up_start", follow_up_start)):
        if not isinstance(value, date):
            check.problems.append(f"{name} must be a date (got {value!r})")
    total = check.whole("total_sanctions", total_sanctions, 1, 10_000)
    violent = check.whole("violent_sanctions", violent_sanctions, 0, 10_000)
    impact = check.flag("recognises_impact", recognises_impact)
    nfa = check.flag("no_fixed_abode", no_fixed_abode)
    jobless = check.flag("unemployed", unemployed)
    alcohol_use = check.graded("alcohol_current_use", alcohol_current_use)
    binge = check.graded("alcohol_binge", alcohol_binge)
    psychiatric = check.flag("psychiatric_treatment", psychiatric_treatment)
    temper = check.graded("temper_control", temper_control)
    attitudes = check.graded("pro_criminal_attitudes", pro_criminal_attitudes)
    check.done()
    assert isinstance(sex, str) and isinstance(date_of_birth, date) and isinstance(follow_up_start, date)
    if violent > total:
        raise RiskInputError(f"violent sanctions ({violent}) cannot be more than total sanctions ({total})")
    if follow_up_start < date_of_birth:
        raise RiskInputError(f"follow-up start ({follow_up_start}) is before date of birth ({date_of_birth})")
    male = sex.strip().lower() == "male"
    age = whole_years(date_of_birth, follow_up_start)
    has_sanction = total >= 2 if previous_sanction_rule == "previous" else total >= 1
    non_violent = total - violent

    parts = (
        Part(
            "Violent sanctions",
            violent_sanction_points(violent),
            f"{violent}: 0→0, 1→4, 2→7, 3→9, 4→11, then +1 each to 17→24, 18+→25",
        ),
        Part(
            "Non-violent sanctions",
            non_violent_sanction_points(non_violent),
            f"{total} − {violent} = {non_violent}: 0–2→0, 3–4→2, 5–10→3, 11–20→4, 21+→5",
        ),
        Part(
            f"Age at follow-up start ({age})",
            age_points(age),
            "18–19→20, 20–21→17, 22–23→14, 24–25→12, 26–30→10, 31–35→8, 36–40→6, 41–45→4, 46–50→2, 51+→0",
        ),
        Part("Male", 5 if male else 0, "5 if male"),
        Part(
            "Previous sanction",
            5 if has_sanction else 0,
            "5 if a sanction before the current one (total ≥ 2)"
            if previous_sanction_rule == "previous"
            else "5 if any sanction (total ≥ 1; the MoJ code's rule)",
        ),
        Part("Does not recognise impact of offending", 0 if impact else 4, "4 if not recognised"),
        Part("No fixed abode", 4 if nfa else 0, "4 if no fixed abode or transient accommodation"),
        Part("Unemployed", 4 if jobless else 0, "4 if unemployed"),
        Part(
            "Alcohol misuse",
            math.ceil((alcohol_use + binge) * 2.5),
            f"ceil(2.5 × (current use {alcohol_use} + binge {binge}))",
        ),
        Part("Psychiatric treatment", 4 if psychiatric else 0, "4 if current or pending"),
        Part("Temper control", temper * 3, f"3 × {temper}"),
        Part("Pro-criminal attitudes", attitudes * 3, f"3 × {attitudes}"),
    )
    score = sum(int(p.value or 0) for p in parts)
    p_one, p_two = ovp_probabilities(score)
    one_year = report_probability(p_one, five_dp_first=False)
    two_year = report_probability(p_two, five_dp_first=False)
    return OvpResult(
        one_year=one_year,
        two_year=two_year,
        band=ovp_band(two_year),
        score=score,
        score_parts=parts,
        age_at_follow_up=age,
        p_one_year=p_one,
        p_two_year=p_two,
    )
