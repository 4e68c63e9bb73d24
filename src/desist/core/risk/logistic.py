"""The weighted logistic the MoJ's OGRS4 predictors share (ARP, SVRP, VRP): the sum of the weights, its
logistic as a percentage, the band by floors, and the working shown for it.

Source: ministryofjustice/hmpps-arns-risk-actuarial-api (MIT) at commit
016919c5305b083e690a145856909c7b6de8c6a1, src/main/kotlin/uk/gov/justice/digital/hmpps/
arnsriskactuarialapi/utils/NumbersUtils.kt (``sigmoid``, the percentage) and each predictor's
transformation helper (``getRiskBand``, the Copas log ratio).

The service works in Java BigDecimal: sums and products are exact, division, logarithm and exponential use
big-math's default MathContext (34 significant digits, DECIMAL128). The same is done here with ``decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from typing import ClassVar, Self

from desist.core.risk.bands import Part, explain_parts
from desist.core.risk.errors import RiskInputError

EXACT = Context(prec=400)  # BigDecimal add/multiply: exact
DECIMAL128 = Context(prec=34, rounding=ROUND_HALF_EVEN)  # big-math's default MathContext

Weight = tuple[str, Decimal, str]  # (label, weight, rule)


def probability(total: Decimal) -> Decimal:
    """NumbersUtils.kt line 34 ``sigmoid``: e^x ÷ (1 + e^x), to 34 digits."""
    e = DECIMAL128.exp(total)
    return DECIMAL128.divide(e, DECIMAL128.add(Decimal(1), e))


def percentage(p: Decimal) -> float:
    """NumbersUtils.kt lines 12 and 27-31: × 100 to 2 dp half up; ≤ 0 → 0.0, ≥ 100 → 99.99."""
    value = float((p * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    if value <= 0.0:
        return 0.0
    return 99.99 if value >= 100.0 else value


def log_ratio(count: int, career: int, *, boost: str = "its boost") -> Decimal:
    """The helpers' Copas terms: ln(count ÷ (career + boost)), both to 34 digits; ``career`` is already
    boosted and must be positive."""
    if career <= 0:
        raise RiskInputError(f"the career length plus {boost} must be positive (got {career})")
    return DECIMAL128.ln(DECIMAL128.divide(Decimal(count), Decimal(career)))


def band_by_floors(
    percent: float, bands: tuple[tuple[float, str], ...], *, name: str, zero_allowed: bool = False
) -> str:
    """helper getRiskBand: the first band, highest floor first, whose floor the percentage reaches; below 0
    (or 0 itself, unless ``zero_allowed``) and 100 or more are errors."""
    if (percent < 0.0 if zero_allowed else percent <= 0.0) or percent >= 100.0:
        allowed = "from 0 to below 100" if zero_allowed else "above 0 and below 100"
        raise RiskInputError(f"{name} percentage must be {allowed} (got {percent})")
    return next(band for floor, band in bands if percent >= floor)


@dataclass(frozen=True, slots=True)
class LogisticResult:
    """A weighted logistic predictor: score (a %, 2 dp), band, static or dynamic, each weight and the total.
    Each predictor names itself, its bands and their wording in a subclass."""

    NAME: ClassVar[str]
    BANDS: ClassVar[tuple[tuple[float, str], ...]]
    BAND_RULE: ClassVar[str]
    ZERO_ALLOWED: ClassVar[bool] = False  # whether a score of 0.0 has a band

    score: float
    band: str
    static: bool
    weights: tuple[Weight, ...]  # the weights sum to total_weight
    total_weight: Decimal
    probability: Decimal

    @classmethod
    def band_for(cls, percent: float) -> str:
        return band_by_floors(percent, cls.BANDS, name=cls.NAME, zero_allowed=cls.ZERO_ALLOWED)

    @classmethod
    def from_weights(cls, weights: tuple[Weight, ...], *, dynamic: bool) -> Self:
        total = Decimal(0)
        for _, weight, _ in weights:
            total = EXACT.add(total, weight)
        p = probability(total)
        score = percentage(p)
        return cls(score, cls.band_for(score), not dynamic, weights, total, p)

    def score_parts(self) -> tuple[Part, ...]:
        return (Part(f"{self.NAME} %", self.score, "e^total ÷ (1 + e^total) × 100, 2 dp half up"),)

    @property
    def parts(self) -> tuple[Part, ...]:
        return (
            *(Part(label, str(weight), rule) for label, weight, rule in self.weights),
            Part("Total weight", str(self.total_weight), "sum of the weights"),
            *self.score_parts(),
            Part("Band", self.band, self.BAND_RULE),
        )

    def explain(self) -> list[tuple[str, str]]:
        return explain_parts(self.parts)
