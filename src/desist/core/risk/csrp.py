"""CSRP: the Combined Serious Reoffending Predictor, from its component scores, as the MoJ service adds them.

Source: ministryofjustice/hmpps-arns-risk-actuarial-api (MIT) at commit
016919c5305b083e690a145856909c7b6de8c6a1, under src/main/kotlin/uk/gov/justice/digital/hmpps/
arnsriskactuarialapi/service/: CombinedSeriousReoffendingPredictorRiskProducerService.kt ("service"),
transformation/CombinedSeriousReoffendingPredictorTransformationHelper.kt ("helper") and
coefficients/CombinedSeriousReoffendingPredictor.kt ("coefficient", line 7).

The serious violent component (SVRP) is not computed in desist yet: its percentage is an input.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from desist.core.risk.bands import Part, explain_parts
from desist.core.risk.errors import MissingAssessmentItems, RiskInputError
from desist.core.risk.sexual import percentage_2dp

FEMALE_SEXUAL_OFFENDER = Decimal(0.0038314176245211)  # noqa: RUF032  coefficient line 7, BigDecimal(double)
# helper getBand: below 0 not applicable, below 1 low, below 3 medium, below 6.9 high, else very high.
BANDS: tuple[tuple[float, str], ...] = ((6.9, "very_high"), (3.0, "high"), (1.0, "medium"), (0.0, "low"))


def csrp_band(score: float) -> str:
    """helper getBand."""
    return next((band for floor, band in BANDS if score >= floor), "not_applicable")


@dataclass(frozen=True, slots=True)
class CsrpResult:
    """The CSRP score (a %, 2 dp) and band, with the components added."""

    score: float
    band: str
    component_parts: tuple[Part, ...]

    @property
    def parts(self) -> tuple[Part, ...]:
        return (
            *self.component_parts,
            Part("CSRP %", self.score, "sum, 2 dp half up; ≤ 0 → 0.0, ≥ 100 → 99.99"),
            Part("Band", self.band, "below 1 low, below 3 medium, below 6.9 high, else very high"),
        )

    def explain(self) -> list[tuple[str, str]]:
        return explain_parts(self.parts)


def csrp(
    *,
    svrp_percent: float | None,
    dcsrp_percent: float | None,
    iicsrp_percent: float | None,
    sex: str,
    ever_committed_sexual_offence: bool,
) -> CsrpResult | None:
    """helper getScore: SVRP % + DC-SRP % + IIC-SRP % (+ 0.38 for a woman with a sexual offence: the
    coefficient 0.0038314… as a % to 2 dp), summed as doubles, to 2 dp half up, then ≤ 0 → 0.0 and ≥ 100 →
    99.99. None when no component is given (the service returns no score); some but not all components is
    an error (the service fails on it). Pass the not-applicable sexual predictors as 0.0."""
    if not isinstance(sex, str) or sex.strip().lower() not in ("male", "female"):
        raise RiskInputError(f"sex must be 'male' or 'female' (got {sex!r})")
    if not isinstance(ever_committed_sexual_offence, bool):
        raise RiskInputError("ever_committed_sexual_offence must be True or False")
    female = sex.strip().lower() == "female" and ever_committed_sexual_offence
    given = {"svrp_percent": svrp_percent, "dcsrp_percent": dcsrp_percent, "iicsrp_percent": iicsrp_percent}
    missing = [name for name, value in given.items() if value is None]
    if len(missing) == len(given) and not female:
        return None
    if missing:
        raise MissingAssessmentItems("CSRP", missing)
    female_part = percentage_2dp(FEMALE_SEXUAL_OFFENDER) if female else 0.0
    total = 0.0
    for value in (svrp_percent, dcsrp_percent, iicsrp_percent, female_part):
        total += float(value or 0.0)
    score = float(Decimal(total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    score = 0.0 if score <= 0.0 else 99.99 if score >= 100.0 else score
    parts = (
        Part("SVRP %", svrp_percent, "serious violent reoffending"),
        Part("DC-SRP %", dcsrp_percent, "direct contact sexual reoffending"),
        Part("IIC-SRP %", iicsrp_percent, "images and indirect contact sexual reoffending"),
        Part("Woman with a sexual offence", female_part, "0.0038314… as a %, 2 dp"),
    )
    return CsrpResult(score, csrp_band(score), parts)
