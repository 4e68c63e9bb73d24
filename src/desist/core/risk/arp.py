"""ARP: the All Reoffending Predictor (OGRS4/G), static version, as the MoJ actuarial service computes it.

Source: ministryofjustice/hmpps-arns-risk-actuarial-api (MIT) at commit
016919c5305b083e690a145856909c7b6de8c6a1, under src/main/kotlin/uk/gov/justice/digital/hmpps/
arnsriskactuarialapi/: service/coefficients/AllReoffendingPredictorStatic.kt ("coefficients"),
service/transformation/AllReoffendingPredictorTransformationHelper.kt ("helper"),
service/AllReoffendingPredictorRiskProducerService.kt ("service"),
service/constants/AllReoffendingPredictorConstant.kt ("constants") and utils/NumbersUtils.kt.

The service works in Java BigDecimal: coefficients are ``BigDecimal(double)`` (the exact binary value of the
double), sums and products are exact, division, logarithm and exponential use big-math's default
MathContext (34 significant digits, DECIMAL128). The same is done here with ``decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal

from desist.core.risk.bands import Part, explain_parts
from desist.core.risk.errors import MissingAssessmentItems, RiskInputError

EXACT = Context(prec=400)  # BigDecimal add/multiply: exact
DECIMAL128 = Context(prec=34, rounding=ROUND_HALF_EVEN)  # big-math's default MathContext


def _double(value: float) -> Decimal:
    """Java's ``new BigDecimal(double)``: the exact binary value of the double."""
    return Decimal(value)


# coefficients lines 8-30 (STATIC), as BigDecimal(double): Decimal(float) is the same exact value.
TWO_YEAR_CONSTANT = _double(5.01702292499072)
AAI_MALE = (
    _double(-0.142428460338541),
    _double(0.0011000413899151),
    _double(0.0000198538471606),
    _double(-0.0000002648918335),
)
AAI_FEMALE = (
    _double(-0.0175014516689226),
    _double(0.0001625346907234),
    _double(0.0000003645241305),
    _double(-0.0000000746220588),
)
FEMALE = _double(-2.95224200717183)
FIRST_SANCTION = _double(-3.94357049933093)
SECOND_SANCTION = _double(-3.06189212045904)
SANCTION_OCCASIONS = _double(-0.0042757301284995)
YRS_FIRST_TO_SECOND_MALE = _double(-0.0432051839161834)
YRS_FIRST_TO_SECOND_FEMALE = _double(-0.0427998315841607)
OFFENCE_FREE_MONTHS = (
    _double(-0.0762086223169624),
    _double(0.0016230134182902),
    _double(0.0000224473135387),
    _double(-0.0000012808638685),
)
COPAS_MALE = _double(1.55298303083717)
COPAS_SQUARED_MALE = _double(0.129334968245905)
COPAS_FEMALE = _double(1.01980307124196)
COPAS_SQUARED_FEMALE = _double(-0.039439197041062)
CAREER_BOOST = 26  # constants line 5
MONTHS_CAP = 36  # helper: coerceAtMost(36)
# constants lines 6-10: the bands on the percentage.
BANDS: tuple[tuple[float, str], ...] = ((90.0, "very_high"), (75.0, "high"), (50.0, "medium"), (0.0, "low"))

# coefficients lines 33-59: the offence group (the service's ActuarialCategory, given by the Manage Offences
# service for the current offence code), as BigDecimal(String).
OFFENCE_GROUPS: dict[str, Decimal] = {
    "burglary_domestic": Decimal("0.155944202809011"),
    "burglary_other": Decimal("0.2060248043228"),
    "drunkenness": Decimal("0.587490417262633"),
    "drink_driving": Decimal("-0.264724530382273"),
    "motoring_offences": Decimal("-0.0439980822830184"),
    "vehicle_related_theft": Decimal("0.173405416410866"),
    "fraud_and_forgery": Decimal("-0.434791453303048"),
    "welfare_fraud": Decimal("-1.15395495579948"),
    "drug_import_export_or_production": Decimal("-0.468252524851408"),
    "drug_possession_or_supply": Decimal("0.0204101986121863"),
    "violence_against_the_person_abh_plus": Decimal("-0.110075583936778"),
    "violence_against_the_person_sub_abh": Decimal("-0.110075583936778"),
    "public_order_and_harrassment": Decimal("0.0854410288820027"),
    "weapons_non_firearm": Decimal("-0.110075583936778"),
    "firearms_most_serious": Decimal("-0.110075583936778"),
    "firearms_other": Decimal("-0.110075583936778"),
    "handling_stolen_goods": Decimal("0.088414958679896"),
    "criminal_damage": Decimal("0.12167599899735"),
    "acquisitive_violence": Decimal("-0.119211282701221"),
    "other_offences": Decimal("0.0384434393037725"),
    "absconding_or_bail": Decimal("0.325485504296161"),
    "sexual_against_child": Decimal("0.111620464721896"),
    "sexual_not_against_child": Decimal("0.169969798103235"),
    "theft_non_motor": Decimal("0.462548123919817"),
}


def polynomial(coefficients: tuple[Decimal, ...], x: int) -> Decimal:
    """NumbersUtils.kt line 36 ``calculatePolynomial``: Σ coefficient[i] × x^(i+1), exactly."""
    total = Decimal(0)
    for i, coefficient in enumerate(coefficients):
        total = EXACT.add(total, EXACT.multiply(coefficient, EXACT.power(Decimal(x), i + 1)))
    return total


def _whole_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _age(born: date, on: date, name: str) -> int:
    """NumbersUtils.kt getAgeAtDate: whole years; a date on or before the birth is an error."""
    if on <= born:
        raise RiskInputError(f"{name} cannot be on or before date of birth")
    return _whole_years(born, on)


def whole_months(start: date, end: date) -> int:
    """ChronoUnit.MONTHS.between(start, end) for end ≥ start: whole months, by day of month."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if months > 0 and end.day < start.day else months


def age_sex_weight(sex: str, age: int) -> Decimal:
    """helper lines 11-51: a quartic in the age at follow-up start, by sex."""
    return polynomial(AAI_FEMALE if sex == "female" else AAI_MALE, age)


def offence_free_months_weight(assessment_date: date, follow_up_start: date) -> Decimal:
    """helper lines 134-164: 0 before the follow-up starts; else a quartic in the whole months since it
    started, at most 36."""
    if assessment_date < follow_up_start:
        return Decimal(0)
    return polynomial(OFFENCE_FREE_MONTHS, min(whole_months(follow_up_start, assessment_date), MONTHS_CAP))


def copas_log(total_sanctions: int, age_at_first: int, age_at_current: int) -> Decimal:
    """helper lines 177-193: ln(total ÷ (career + 26)), both to 34 digits."""
    career = age_at_current - age_at_first + CAREER_BOOST
    if career <= 0:
        raise RiskInputError(f"the career length plus {CAREER_BOOST} must be positive (got {career})")
    return DECIMAL128.ln(DECIMAL128.divide(Decimal(total_sanctions), Decimal(career)))


def copas_weight(sex: str, total_sanctions: int, age_at_first: int, age_at_current: int) -> Decimal:
    """helper lines 166-196: 3 or more sanctions only: ln(ratio) × coefficient."""
    if total_sanctions < 3:
        return Decimal(0)
    coefficient = COPAS_FEMALE if sex == "female" else COPAS_MALE
    return EXACT.multiply(copas_log(total_sanctions, age_at_first, age_at_current), coefficient)


def copas_squared_weight(sex: str, total_sanctions: int, age_at_first: int, age_at_current: int) -> Decimal:
    """helper lines 198-228: 3 or more sanctions only: ln(ratio)² × coefficient."""
    if total_sanctions < 3:
        return Decimal(0)
    coefficient = COPAS_SQUARED_FEMALE if sex == "female" else COPAS_SQUARED_MALE
    log = copas_log(total_sanctions, age_at_first, age_at_current)
    return EXACT.multiply(EXACT.multiply(log, log), coefficient)


def gap_weight(sex: str, total_sanctions: int, age_at_first: int, age_at_current: int) -> Decimal:
    """helper lines 106-132: exactly 2 sanctions only: (age at current − age at first) × coefficient."""
    if total_sanctions != 2:
        return Decimal(0)
    coefficient = YRS_FIRST_TO_SECOND_FEMALE if sex == "female" else YRS_FIRST_TO_SECOND_MALE
    return EXACT.multiply(Decimal(age_at_current - age_at_first), coefficient)


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


def arp_band(percent: float) -> str:
    """helper lines 304-313: below 50 low, below 75 medium, below 90 high, below 100 very high; 0 or
    less and 100 or more are errors."""
    if percent <= 0.0 or percent >= 100.0:
        raise RiskInputError(f"ARP percentage must be above 0 and below 100 (got {percent})")
    return next(band for floor, band in BANDS if percent >= floor)


@dataclass(frozen=True, slots=True)
class ArpResult:
    """The ARP: the score (a %, 2 dp), band, static or dynamic, and each feature's weight."""

    score: float
    band: str
    static: bool
    weights: tuple[tuple[str, Decimal, str], ...]  # (label, weight, rule); the weights sum to total_weight
    total_weight: Decimal
    probability: Decimal

    @property
    def parts(self) -> tuple[Part, ...]:
        return (
            *(Part(label, str(weight), rule) for label, weight, rule in self.weights),
            Part("Total weight", str(self.total_weight), "sum of the weights"),
            Part("Probability", str(self.probability), "e^total ÷ (1 + e^total)"),
            Part("ARP %", self.score, "× 100, 2 dp half up"),
            Part("Band", self.band, "below 50 low, below 75 medium, below 90 high, else very high"),
        )

    def explain(self) -> list[tuple[str, str]]:
        return explain_parts(self.parts)


def arp_static(
    *,
    sex: str | None,
    date_of_birth: date | None,
    conviction_date: date | None,
    age_at_first_sanction: int | None,
    total_sanctions: int | None,
    offence_group: str | None,
    assessment_date: date | None,
    follow_up_start: date | None = None,
) -> ArpResult:
    """The static ARP (service lines 15-24 and 108-190): intercept, age and sex, sex, offence group, first
    or second sanction, sanction occasions, years between first and second sanction, offence-free months,
    and the Copas terms for three or more sanctions; score = logistic(total) as a % to 2 dp.

    ``follow_up_start`` defaults to ``conviction_date`` (service line 23). ``offence_group`` is the
    service's actuarial category of the current offence in snake case (:data:`OFFENCE_GROUPS`).
    """
    given = {
        "sex": sex,
        "date_of_birth": date_of_birth,
        "conviction_date": conviction_date,
        "age_at_first_sanction": age_at_first_sanction,
        "total_sanctions": total_sanctions,
        "offence_group": offence_group,
        "assessment_date": assessment_date,
    }
    missing = [name for name, value in given.items() if value is None]
    if missing:
        raise MissingAssessmentItems("ARP", missing)
    assert date_of_birth is not None and conviction_date is not None and assessment_date is not None
    if not isinstance(sex, str) or sex.strip().lower() not in ("male", "female"):
        raise RiskInputError(f"sex must be 'male' or 'female' (got {sex!r})")
    sex_key = sex.strip().lower()
    for name, least in (("age_at_first_sanction", 0), ("total_sanctions", 1)):
        value = given[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise RiskInputError(f"{name} must be a whole number, {least} or more (got {value!r})")
    assert isinstance(age_at_first_sanction, int) and isinstance(total_sanctions, int)
    group = str(offence_group).strip().lower()
    if group not in OFFENCE_GROUPS:
        raise RiskInputError(
            f"unknown offence group {offence_group!r}: use one of {', '.join(OFFENCE_GROUPS)}"
        )
    start = follow_up_start or conviction_date
    age_now = _age(date_of_birth, conviction_date, "dateOfCurrentConviction")
    age_follow_up = _age(date_of_birth, start, "date at start of follow-up")
    if age_at_first_sanction > age_now:
        raise RiskInputError(
            f"age at first sanction ({age_at_first_sanction}) is above age at conviction ({age_now})"
        )

    weights: tuple[tuple[str, Decimal, str], ...] = (
        ("Two-year intercept", TWO_YEAR_CONSTANT, "static constant"),
        (
            f"Age at follow-up start ({age_follow_up}), {sex_key}",
            age_sex_weight(sex_key, age_follow_up),
            "quartic in age, by sex",
        ),
        ("Female", FEMALE if sex_key == "female" else Decimal(0), "women only"),
        (
            f"Offence group: {group.replace('_', ' ')}",
            OFFENCE_GROUPS[group],
            "by the current offence's group",
        ),
        ("First sanction", FIRST_SANCTION if total_sanctions == 1 else Decimal(0), "exactly 1 sanction"),
        ("Second sanction", SECOND_SANCTION if total_sanctions == 2 else Decimal(0), "exactly 2 sanctions"),
        (
            f"Sanctions ({total_sanctions})",
            EXACT.multiply(Decimal(total_sanctions), SANCTION_OCCASIONS),
            "count × coefficient",
        ),
        (
            "Years from first to second sanction",
            gap_weight(sex_key, total_sanctions, age_at_first_sanction, age_now),
            "exactly 2 sanctions: years × coefficient, by sex",
        ),
        (
            "Offence-free months",
            offence_free_months_weight(assessment_date, start),
            "quartic in months since follow-up start (at most 36)",
        ),
        (
            "Copas",
            copas_weight(sex_key, total_sanctions, age_at_first_sanction, age_now),
            "3+ sanctions: ln(total ÷ (career + 26)) × coefficient",
        ),
        (
            "Copas squared",
            copas_squared_weight(sex_key, total_sanctions, age_at_first_sanction, age_now),
            "3+ sanctions: ln(…)² × coefficient",
        ),
    )
    total = Decimal(0)
    for _, weight, _ in weights:
        total = EXACT.add(total, weight)
    p = probability(total)
    score = percentage(p)
    return ArpResult(score, arp_band(score), True, weights, total, p)
