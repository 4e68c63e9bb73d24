"""OGP: the OASys General reoffending Predictor, static + dynamic (RULES.md §2).

Items and weights as in the MoJ service ``hmpps-arns-risk-actuarial-api`` (OGPTransformationHelper.kt):
the OGRS3 two-year %, accommodation, employment, lifestyle, drug misuse, thinking and behaviour, attitudes.
"""

from __future__ import annotations

from dataclasses import dataclass

from desist.core.risk.bands import Part, explain_parts, half_up, logistic, ogp_band, report_probability
from desist.core.risk.errors import MissingAssessmentItems, RiskInputError

SCALE = 0.0616
ONE_YEAR_SHIFT = 3.6832
TWO_YEAR_SHIFT = 3.0795

# Item name → what it is and the values it takes (for messages and docs/risk.md).
ITEMS: dict[str, str] = {
    "ogrs3_two_year": "OGRS3 two-year % (whole number, 0–100)",
    "no_fixed_abode": "currently of no fixed abode or in transient accommodation (OASys 3.3): True/False",
    "unemployed": "currently unemployed (OASys 4.2): True/False",
    "regular_offending_activities": "regular activities encourage offending: 0 none, 1 some, 2 significant",
    "current_drug_misuse": "current drug misuse: 0 none, 1 some, 2 significant",
    "motivation_to_tackle_drug_misuse": "motivation to tackle drug misuse: 0 full, 1 partial, 2 none",
    "problem_solving": "problem-solving skills: 0 no problems, 1 some, 2 significant",
    "awareness_of_consequences": "awareness of consequences: 0 no problems, 1 some, 2 significant",
    "understands_others_views": "understands other people's views: 0 no problems, 1 some, 2 significant",
    "pro_criminal_attitudes": "pro-criminal attitudes: 0 none, 1 some, 2 significant",
}
GRADED: tuple[int, ...] = (0, 1, 2)
# A graded answer of 1 or 2 becomes 3 or 5 points (regular offending activities, pro-criminal attitudes).
GRADE_POINTS: dict[int, int] = {0: 0, 1: 3, 2: 5}


@dataclass(frozen=True, slots=True)
class OgpResult:
    """OGP percentages (whole), band, total score and its parts."""

    one_year: int
    two_year: int
    band: str
    score: int
    score_parts: tuple[Part, ...]  # one per scored item; their values sum to ``score``
    p_one_year: float
    p_two_year: float

    @property
    def parts(self) -> tuple[Part, ...]:
        """The whole working: the score parts, then the score, probabilities, percentages and band."""
        return (
            *self.score_parts,
            Part("OGP score", self.score, "sum of the parts"),
            Part("One-year probability", self.p_one_year, "logistic(0.0616 × score − 3.6832)"),
            Part("Two-year probability", self.p_two_year, "logistic(0.0616 × score − 3.0795)"),
            Part("One-year %", self.one_year, "whole % half up; ≤0 → 1, >99 → 99"),
            Part("Two-year %", self.two_year, "whole % half up; ≤0 → 1, >99 → 99"),
            Part("Band", self.band, "on the two-year %: low 1–33, medium 34–66, high 67–84, very high 85–99"),
        )

    def explain(self) -> list[tuple[str, str]]:
        """The working, one (label, value) line per step."""
        return explain_parts(self.parts)


class Checker:
    """Collects every bad value, so that one error can name them all."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def flag(self, name: str, value: object) -> bool:
        """``value`` if it is True or False, else noted as a problem."""
        if not isinstance(value, bool):
            self.problems.append(f"{name} must be True or False (got {value!r})")
            return False
        return value

    def graded(self, name: str, value: object) -> int:
        """``value`` if it is 0, 1 or 2, else noted as a problem."""
        if isinstance(value, bool) or not isinstance(value, int) or value not in GRADED:
            self.problems.append(f"{name} must be 0, 1 or 2 (got {value!r})")
            return 0
        return value

    def whole(self, name: str, value: object, low: int, high: int) -> int:
        """``value`` if it is a whole number from ``low`` to ``high``, else noted as a problem."""
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problems.append(f"{name} must be a whole number from {low} to {high} (got {value!r})")
            return low
        return value

    def done(self) -> None:
        """RiskInputError naming every problem, if there were any."""
        if self.problems:
            raise RiskInputError("; ".join(self.problems))


def require_all(calculator: str, given: dict[str, object]) -> None:
    """MissingAssessmentItems naming every item that is None."""
    missing = [name for name, value in given.items() if value is None]
    if missing:
        raise MissingAssessmentItems(calculator, missing)


def ogp_probabilities(score: int) -> tuple[float, float]:
    """(one-year, two-year) probabilities for an OGP score: logistic(0.0616 × score − 3.6832 / − 3.0795)."""
    return logistic(SCALE * score - ONE_YEAR_SHIFT), logistic(SCALE * score - TWO_YEAR_SHIFT)


def ogp(
    *,
    ogrs3_two_year: int | None = None,
    no_fixed_abode: bool | None = None,
    unemployed: bool | None = None,
    regular_offending_activities: int | None = None,
    current_drug_misuse: int | None = None,
    motivation_to_tackle_drug_misuse: int | None = None,
    problem_solving: int | None = None,
    awareness_of_consequences: int | None = None,
    understands_others_views: int | None = None,
    pro_criminal_attitudes: int | None = None,
) -> OgpResult:
    """OGP one- and two-year general reoffending (RULES.md §2). Every item is required (see :data:`ITEMS`).

    score = round(0.6 × OGRS3 two-year %) + 5 if no fixed abode + 5 if unemployed + regular offending
    activities (1→3, 2→5) + round(3.75 × (drug misuse + motivation)) + round(5/6 × (problem solving +
    awareness of consequences + understands others' views)) + pro-criminal attitudes (1→3, 2→5); every
    rounding half up. Percentages: the probability as a whole % half up, ≤0 → 1, >99 → 99.

    Raises MissingAssessmentItems naming every missing item, RiskInputError naming every value not allowed.
    """
    require_all(
        "OGP",
        {
            "ogrs3_two_year": ogrs3_two_year,
            "no_fixed_abode": no_fixed_abode,
            "unemployed": unemployed,
            "regular_offending_activities": regular_offending_activities,
            "current_drug_misuse": current_drug_misuse,
            "motivation_to_tackle_drug_misuse": motivation_to_tackle_drug_misuse,
            "problem_solving": problem_solving,
            "awareness_of_consequences": awareness_of_consequences,
            "understands_others_views": understands_others_views,
            "pro_criminal_attitudes": pro_criminal_attitudes,
        },
    )
    check = Checker()
    ogrs = check.whole("ogrs3_two_year", ogrs3_two_year, 0, 100)
    nfa = check.flag("no_fixed_abode", no_fixed_abode)
    jobless = check.flag("unemployed", unemployed)
    activities = check.graded("regular_offending_activities", regular_offending_activities)
    drugs = check.graded("current_drug_misuse", current_drug_misuse)
    motivation = check.graded("motivation_to_tackle_drug_misuse", motivation_to_tackle_drug_misuse)
    solving = check.graded("problem_solving", problem_solving)
    awareness = check.graded("awareness_of_consequences", awareness_of_consequences)
    views = check.graded("understands_others_views", understands_others_views)
    attitudes = check.graded("pro_criminal_attitudes", pro_criminal_attitudes)
    check.done()

    parts = (
        Part("OGRS3 two-year", int(half_up(0.6 * ogrs)), f"round(0.6 × {ogrs}) half up"),
        Part("No fixed abode", 5 if nfa else 0, "5 if no fixed abode or transient accommodation"),
        Part("Unemployed", 5 if jobless else 0, "5 if unemployed"),
        Part("Regular offending activities", GRADE_POINTS[activities], f"answer {activities}: 0→0, 1→3, 2→5"),
        Part(
            "Drug misuse",
            int(half_up(3.75 * (drugs + motivation))),
            f"round(3.75 × (current misuse {drugs} + motivation {motivation})) half up",
        ),
        Part(
            "Thinking and behaviour",
            int(half_up((solving + awareness + views) * 5.0 / 6.0)),
            f"round(5/6 × (problem solving {solving} + awareness {awareness} "
            f"+ others' views {views})) half up",
        ),
        Part("Pro-criminal attitudes", GRADE_POINTS[attitudes], f"answer {attitudes}: 0→0, 1→3, 2→5"),
    )
    score = sum(int(p.value or 0) for p in parts)
    p_one, p_two = ogp_probabilities(score)
    one_year = report_probability(p_one, five_dp_first=False)
    two_year = report_probability(p_two, five_dp_first=False)
    return OgpResult(
        one_year=one_year,
        two_year=two_year,
        band=ogp_band(two_year),
        score=score,
        score_parts=parts,
        p_one_year=p_one,
        p_two_year=p_two,
    )
