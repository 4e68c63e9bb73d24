"""ARP: the All Reoffending Predictor (OGRS4/G), static version, as the MoJ actuarial service computes it.

Source: ministryofjustice/hmpps-arns-risk-actuarial-api (MIT) at commit
016919c5305b083e690a145856909c7b6de8c6a1, under src/main/kotlin/uk/gov/justice/digital/hmpps/
arnsriskactuarialapi/: service/coefficients/AllReoffendingPredictorStatic.kt ("coefficients"),
service/transformation/AllReoffendingPredictorTransformationHelper.kt ("helper"),
service/AllReoffendingPredictorRiskProducerService.kt ("service"),
service/constants/AllReoffendingPredictorConstant.kt ("constants") and utils/NumbersUtils.kt.

The service works in Java BigDecimal: coefficients are ``BigDecimal(double)`` (the exact binary value of the
double), sums and products are exact, division, logarithm and exponential use big-math's default
MathContext (34 significant digits, DECIMAL128). The same is done here with ``decimal``
(:mod:`desist.core.risk.logistic`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import ClassVar

from desist.core.risk.bands import Part
from desist.core.risk.errors import MissingAssessmentItems, RiskInputError
from desist.core.risk.logistic import EXACT as EXACT
from desist.core.risk.logistic import LogisticResult, Weight, log_ratio
from desist.core.risk.logistic import percentage as percentage
from desist.core.risk.logistic import probability as probability


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


# Dynamic coefficients: coefficients/AllReoffendingPredictorDynamic.kt lines 8-50, as BigDecimal(double).
DYNAMIC: dict[str, Decimal] = {
    "intercept": _double(3.83654148692014),
    "female": _double(-2.68801056322021),
    "first_sanction": _double(-3.39824378336932),
    "second_sanction": _double(-2.60344581288004),
    "sanction_occasions": _double(-0.0030262875646805),
    "gap_male": _double(-0.0319725028712099),
    "gap_female": _double(-0.0311412361734414),
    "copas_male": _double(1.24540523044696),
    "copas_squared_male": _double(0.0801894262854395),
    "copas_female": _double(0.829951359317464),
    "copas_squared_female": _double(-0.0430018109602918),
    "accommodation": _double(0.0848049158355753),  # S3Q4
    "unemployed": _double(0.0317783733809377),  # S4Q2, × 2 (helper: coefficient × BigDecimal.TWO)
    "live_in_relationship": _double(-0.266331545877519),  # S3Q2_PARTNER
    "relationship_quality": _double(0.0364051885005138),  # S6Q4
    "live_in_relationship_quality": _double(0.141655261924428),  # S3Q2_PARTNERS6Q4
    "domestic_abuse": _double(0.0635669196833949),  # S6Q7_PERP
    "regular_offending_activities": _double(0.126491602592029),  # S7Q2
    "drug_motivation": _double(0.08615424993393),  # S8Q8
    "chronic_drinking": _double(0.0745006703601772),  # S9Q1
    "binge_drinking": _double(0.0338427436465108),  # S9Q2
    "impulsivity": _double(0.0421988370095297),  # S11Q2
    "pro_criminal_attitudes": _double(0.0439083095441417),  # S12Q1
    "heroin": _double(0.182096496867273),
    "other_opiate": _double(0.17892958261215),
    "crack_cocaine": _double(0.109095964190426),
    "powder_cocaine": _double(0.0605135470691152),
    "misused_prescription_drugs": _double(0.0252240614607483),
    "benzodiazepines": _double(0.0764353348164513),
    "cannabis": _double(0.049300440360878),
    "steroids": _double(0.202231737251706),
    "other_drugs": _double(0.0267794308651123),  # other drugs, ketamine, spice, hallucinogens or solvents
}
AAI_MALE_DYNAMIC = (
    _double(-0.110202179628585),
    _double(0.0006726723443858),
    _double(0.0000138719445957),
    _double(-0.0000001610775422),
)
AAI_FEMALE_DYNAMIC = (
    _double(-0.0097677485919972),
    _double(0.000126702732348),
    _double(-0.0000006094926795),
    _double(-0.0000000713415862),
)
OFFENCE_FREE_MONTHS_DYNAMIC = (_double(-0.0531180383905312), _double(0.0004075218530422))
# coefficients lines 53-79: the dynamic offence groups, as BigDecimal(String).
OFFENCE_GROUPS_DYNAMIC: dict[str, Decimal] = {
    "burglary_domestic": Decimal("0.153587984043406"),
    "burglary_other": Decimal("0.222442735978286"),
    "drunkenness": Decimal("0.523303164370094"),
    "drink_driving": Decimal("-0.196918572042409"),
    "motoring_offences": Decimal("0.0730361702901059"),
    "vehicle_related_theft": Decimal("0.164192212478264"),
    "fraud_and_forgery": Decimal("-0.322533218006326"),
    "welfare_fraud": Decimal("-0.841992532871743"),
    "drug_import_export_or_production": Decimal("-0.437670727296335"),
    "drug_possession_or_supply": Decimal("0.0049716912817919"),
    "violence_against_the_person_abh_plus": Decimal("-0.171350876457525"),
    "violence_against_the_person_sub_abh": Decimal("-0.171350876457525"),
    "public_order_and_harrassment": Decimal("0.0629726265569029"),
    "weapons_non_firearm": Decimal("-0.171350876457525"),
    "firearms_most_serious": Decimal("-0.171350876457525"),
    "firearms_other": Decimal("-0.171350876457525"),
    "handling_stolen_goods": Decimal("0.155377725974202"),
    "criminal_damage": Decimal("0.0250113803601321"),
    "acquisitive_violence": Decimal("-0.177705019766066"),
    "other_offences": Decimal("0.0971157179525287"),
    "absconding_or_bail": Decimal("0.236777685679456"),
    "sexual_against_child": Decimal("0.0175628084853824"),
    "sexual_not_against_child": Decimal("0.0919115743401314"),
    "theft_non_motor": Decimal("0.428689161915978"),
}
# The dynamic items: each 0, 1 or 2 (no / some / significant problems; drug motivation full / partial / none),
# or True/False. Name → (coefficient key, graded). Order as service lines 192-225.
DYNAMIC_ITEMS: dict[str, tuple[str, bool]] = {
    "accommodation_suitability": ("accommodation", True),
    "unemployed": ("unemployed", False),
    "relationship_status": ("", False),  # "none", "living_together", "not_living_together"
    "relationship_with_partner": ("relationship_quality", True),
    "domestic_abuse": ("domestic_abuse", False),
    "regular_offending_activities": ("regular_offending_activities", True),
    "motivation_to_tackle_drug_misuse": ("drug_motivation", True),
    "current_alcohol_use_problems": ("chronic_drinking", True),
    "excessive_alcohol_use": ("binge_drinking", True),
    "impulsivity": ("impulsivity", True),
    "pro_criminal_attitudes": ("pro_criminal_attitudes", True),
}
DRUGS: tuple[str, ...] = (
    "heroin",
    "other_opiate",
    "crack_cocaine",
    "powder_cocaine",
    "misused_prescription_drugs",
    "benzodiazepines",
    "cannabis",
    "steroids",
)
OTHER_DRUGS: tuple[str, ...] = ("other_drugs", "ketamine", "spice", "hallucinogens", "solvents")
RELATIONSHIP_STATUSES: tuple[str, ...] = ("none", "living_together", "not_living_together")


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


def months_weight(coefficients: tuple[Decimal, ...], assessment_date: date, follow_up_start: date) -> Decimal:
    """The helpers' offence-free months: 0 before the follow-up starts; else a polynomial in the whole months
    since it started, at most 36."""
    if assessment_date < follow_up_start:
        return Decimal(0)
    return polynomial(coefficients, min(whole_months(follow_up_start, assessment_date), MONTHS_CAP))


@dataclass(frozen=True, slots=True)
class History:
    """The checked criminal history each OGRS4 predictor (ARP, SVRP, VRP) starts from."""

    sex: str  # "male" or "female"
    group: str  # the offence group's key
    start: date  # of the follow-up
    age_now: int  # at the current conviction
    age_follow_up: int
    age_at_first_sanction: int
    total_sanctions: int
    violent_sanctions: int  # 0 where the predictor does not ask
    assessment_date: date


def checked_history(
    predictor: str,
    given: Mapping[str, object],
    groups: Collection[str],
    *,
    follow_up_start: date | None,
    more_missing: Collection[str] = (),
) -> History:
    """Every item of ``given`` present (and ``more_missing`` empty), sex male or female, whole counts (at
    least 1 sanction; violent ones, when given, no more than all), a known offence group, and the ages at
    conviction and at follow-up start (which defaults to the conviction date)."""
    missing = [name for name, value in given.items() if value is None]
    missing += more_missing
    if missing:
        raise MissingAssessmentItems(predictor, missing)
    sex, offence_group = given["sex"], given["offence_group"]
    if not isinstance(sex, str) or sex.strip().lower() not in ("male", "female"):
        raise RiskInputError(f"sex must be 'male' or 'female' (got {sex!r})")
    counts = [("age_at_first_sanction", 0), ("total_sanctions", 1)]
    if "violent_sanctions" in given:
        counts.append(("violent_sanctions", 0))
    for name, least in counts:
        value = given[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise RiskInputError(f"{name} must be a whole number, {least} or more (got {value!r})")
    first, total, violent = (
        given.get(name, 0) for name in ("age_at_first_sanction", "total_sanctions", "violent_sanctions")
    )
    assert isinstance(first, int) and isinstance(total, int) and isinstance(violent, int)
    if violent > total:
        raise RiskInputError(f"violent sanctions ({violent}) are more than all ({total})")
    group = str(offence_group).strip().lower()
    if group not in groups:
        raise RiskInputError(f"unknown offence group {offence_group!r}: use one of {', '.join(groups)}")
    born, convicted, assessed = given["date_of_birth"], given["conviction_date"], given["assessment_date"]
    assert isinstance(born, date) and isinstance(convicted, date) and isinstance(assessed, date)
    start = follow_up_start or convicted
    age_now = _age(born, convicted, "dateOfCurrentConviction")
    age_follow_up = _age(born, start, "date at start of follow-up")
    return History(sex.strip().lower(), group, start, age_now, age_follow_up, first, total, violent, assessed)


def age_sex_weight(sex: str, age: int, *, dynamic: bool = False) -> Decimal:
    """helper lines 11-51: a quartic in the age at follow-up start, by sex."""
    if dynamic:
        return polynomial(AAI_FEMALE_DYNAMIC if sex == "female" else AAI_MALE_DYNAMIC, age)
    return polynomial(AAI_FEMALE if sex == "female" else AAI_MALE, age)


def offence_free_months_weight(
    assessment_date: date, follow_up_start: date, *, dynamic: bool = False
) -> Decimal:
    """helper lines 134-164: 0 before the follow-up starts; else a quartic in the whole months since it
    started, at most 36."""
    return months_weight(
        OFFENCE_FREE_MONTHS_DYNAMIC if dynamic else OFFENCE_FREE_MONTHS, assessment_date, follow_up_start
    )


def _by_sex(sex: str, key: str, female: Decimal, male: Decimal, *, dynamic: bool) -> Decimal:
    """The static coefficient for women or men, or the dynamic one named ``key``_female / ``key``_male."""
    if dynamic:
        return DYNAMIC[f"{key}_female" if sex == "female" else f"{key}_male"]
    return female if sex == "female" else male


def copas_log(total_sanctions: int, age_at_first: int, age_at_current: int) -> Decimal:
    """helper lines 177-193: ln(total ÷ (career + 26)), both to 34 digits."""
    return log_ratio(total_sanctions, age_at_current - age_at_first + CAREER_BOOST, boost=str(CAREER_BOOST))


def copas_weight(
    sex: str, total_sanctions: int, age_at_first: int, age_at_current: int, *, dynamic: bool = False
) -> Decimal:
    """helper lines 166-196: 3 or more sanctions only: ln(ratio) × coefficient."""
    if total_sanctions < 3:
        return Decimal(0)
    coefficient = _by_sex(sex, "copas", COPAS_FEMALE, COPAS_MALE, dynamic=dynamic)
    return EXACT.multiply(copas_log(total_sanctions, age_at_first, age_at_current), coefficient)


def copas_squared_weight(
    sex: str, total_sanctions: int, age_at_first: int, age_at_current: int, *, dynamic: bool = False
) -> Decimal:
    """helper lines 198-228: 3 or more sanctions only: ln(ratio)² × coefficient."""
    if total_sanctions < 3:
        return Decimal(0)
    coefficient = _by_sex(sex, "copas_squared", COPAS_SQUARED_FEMALE, COPAS_SQUARED_MALE, dynamic=dynamic)
    log = copas_log(total_sanctions, age_at_first, age_at_current)
    return EXACT.multiply(EXACT.multiply(log, log), coefficient)


def gap_weight(
    sex: str, total_sanctions: int, age_at_first: int, age_at_current: int, *, dynamic: bool = False
) -> Decimal:
    """helper lines 106-132: exactly 2 sanctions only: (age at current − age at first) × coefficient."""
    if total_sanctions != 2:
        return Decimal(0)
    coefficient = _by_sex(sex, "gap", YRS_FIRST_TO_SECOND_FEMALE, YRS_FIRST_TO_SECOND_MALE, dynamic=dynamic)
    return EXACT.multiply(Decimal(age_at_current - age_at_first), coefficient)


def arp_band(percent: float) -> str:
    """helper lines 304-313: below 50 low, below 75 medium, below 90 high, below 100 very high; 0 or
    less and 100 or more are errors."""
    return ArpResult.band_for(percent)


class ArpResult(LogisticResult):
    """The ARP: the score (a %, 2 dp), band, static or dynamic, and each feature's weight."""

    __slots__ = ()
    NAME: ClassVar[str] = "ARP"
    BANDS: ClassVar[tuple[tuple[float, str], ...]] = BANDS
    BAND_RULE: ClassVar[str] = "below 50 low, below 75 medium, below 90 high, else very high"

    def score_parts(self) -> tuple[Part, ...]:
        return (
            Part("Probability", str(self.probability), "e^total ÷ (1 + e^total)"),
            Part("ARP %", self.score, "× 100, 2 dp half up"),
        )


def _static_part(
    *,
    sex: str | None,
    date_of_birth: date | None,
    conviction_date: date | None,
    age_at_first_sanction: int | None,
    total_sanctions: int | None,
    offence_group: str | None,
    assessment_date: date | None,
    follow_up_start: date | None = None,
    dynamic: bool = False,
) -> tuple[Weight, ...]:
    """The static items of :func:`arp_static` (service lines 108-190) as (label, weight, rule), with the
    dynamic coefficients when ``dynamic``."""
    given = {
        "sex": sex,
        "date_of_birth": date_of_birth,
        "conviction_date": conviction_date,
        "age_at_first_sanction": age_at_first_sanction,
        "total_sanctions": total_sanctions,
        "offence_group": offence_group,
        "assessment_date": assessment_date,
    }
    h = checked_history("ARP", given, OFFENCE_GROUPS, follow_up_start=follow_up_start)
    sex_key, group, start, age_now, age_follow_up = h.sex, h.group, h.start, h.age_now, h.age_follow_up
    age_at_first_sanction, total_sanctions = h.age_at_first_sanction, h.total_sanctions
    if age_at_first_sanction > age_now:
        raise RiskInputError(
            f"age at first sanction ({age_at_first_sanction}) is above age at conviction ({age_now})"
        )

    weights: tuple[Weight, ...] = (
        ("Two-year intercept", DYNAMIC["intercept"] if dynamic else TWO_YEAR_CONSTANT, "constant"),
        (
            f"Age at follow-up start ({age_follow_up}), {sex_key}",
            age_sex_weight(sex_key, age_follow_up, dynamic=dynamic),
            "quartic in age, by sex",
        ),
        (
            "Female",
            (DYNAMIC["female"] if dynamic else FEMALE) if sex_key == "female" else Decimal(0),
            "women only",
        ),
        (
            f"Offence group: {group.replace('_', ' ')}",
            (OFFENCE_GROUPS_DYNAMIC if dynamic else OFFENCE_GROUPS)[group],
            "by the current offence's group",
        ),
        (
            "First sanction",
            (DYNAMIC["first_sanction"] if dynamic else FIRST_SANCTION)
            if total_sanctions == 1
            else Decimal(0),
            "exactly 1 sanction",
        ),
        (
            "Second sanction",
            (DYNAMIC["second_sanction"] if dynamic else SECOND_SANCTION)
            if total_sanctions == 2
            else Decimal(0),
            "exactly 2 sanctions",
        ),
        (
            f"Sanctions ({total_sanctions})",
            EXACT.multiply(
                Decimal(total_sanctions), DYNAMIC["sanction_occasions"] if dynamic else SANCTION_OCCASIONS
            ),
            "count × coefficient",
        ),
        (
            "Years from first to second sanction",
            gap_weight(sex_key, total_sanctions, age_at_first_sanction, age_now, dynamic=dynamic),
            "exactly 2 sanctions: years × coefficient, by sex",
        ),
        (
            "Offence-free months",
            offence_free_months_weight(h.assessment_date, start, dynamic=dynamic),
            "quartic in months since follow-up start (at most 36)",
        ),
        (
            "Copas",
            copas_weight(sex_key, total_sanctions, age_at_first_sanction, age_now, dynamic=dynamic),
            "3+ sanctions: ln(total ÷ (career + 26)) × coefficient",
        ),
        (
            "Copas squared",
            copas_squared_weight(sex_key, total_sanctions, age_at_first_sanction, age_now, dynamic=dynamic),
            "3+ sanctions: ln(…)² × coefficient",
        ),
    )
    return weights


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
    weights = _static_part(
        sex=sex,
        date_of_birth=date_of_birth,
        conviction_date=conviction_date,
        age_at_first_sanction=age_at_first_sanction,
        total_sanctions=total_sanctions,
        offence_group=offence_group,
        assessment_date=assessment_date,
        follow_up_start=follow_up_start,
    )
    return ArpResult.from_weights(weights, dynamic=False)


def _graded(name: str, value: object) -> int:
    if isinstance(value, bool) or value not in (0, 1, 2):
        raise RiskInputError(f"{name} must be 0, 1 or 2 (got {value!r})")
    return int(value)


def _yes_no(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise RiskInputError(f"{name} must be True or False (got {value!r})")
    return value


def arp_dynamic(
    *,
    sex: str | None,
    date_of_birth: date | None,
    conviction_date: date | None,
    age_at_first_sanction: int | None,
    total_sanctions: int | None,
    offence_group: str | None,
    assessment_date: date | None,
    answers: dict[str, object],
    drugs: Collection[str] = (),
    follow_up_start: date | None = None,
) -> ArpResult:
    """The dynamic ARP (service lines 33-61 and 191-226): the static items with the dynamic coefficients,
    and the OASys items in ``answers`` (:data:`DYNAMIC_ITEMS`, each required but the drug motivation, which
    the service takes as full motivation when not answered): graded items 0–2 × coefficient; unemployed
    coefficient × 2; living together with a partner; relationship quality, and its product with living
    together when there are problems; domestic abuse; and each drug used in ``drugs`` (:data:`DRUGS`, and
    one weight for any of :data:`OTHER_DRUGS`)."""
    values = dict(answers)
    values.setdefault("motivation_to_tackle_drug_misuse", 0)  # service line 43: FULL_MOTIVATION if absent
    unknown = sorted(set(values) - set(DYNAMIC_ITEMS))
    if unknown:
        raise RiskInputError(f"unknown ARP item(s) {', '.join(unknown)}: use {', '.join(DYNAMIC_ITEMS)}")
    missing = [name for name in DYNAMIC_ITEMS if values.get(name) is None]
    if missing:
        raise MissingAssessmentItems("the dynamic ARP", missing)
    if isinstance(drugs, str):
        raise RiskInputError("drugs must be a collection of drug names, not one string")
    unknown_drugs = sorted(set(drugs) - set(DRUGS) - set(OTHER_DRUGS))
    if unknown_drugs:
        raise RiskInputError(
            f"unknown drug(s) {', '.join(unknown_drugs)}: use {', '.join(DRUGS + OTHER_DRUGS)}"
        )
    status = values["relationship_status"]
    if status not in RELATIONSHIP_STATUSES:
        raise RiskInputError(
            f"relationship_status must be one of {', '.join(RELATIONSHIP_STATUSES)} (got {status!r})"
        )
    weights = list(
        _static_part(
            sex=sex,
            date_of_birth=date_of_birth,
            conviction_date=conviction_date,
            age_at_first_sanction=age_at_first_sanction,
            total_sanctions=total_sanctions,
            offence_group=offence_group,
            assessment_date=assessment_date,
            follow_up_start=follow_up_start,
            dynamic=True,
        )
    )
    together = status == "living_together"
    quality = _graded("relationship_with_partner", values["relationship_with_partner"])

    def graded(name: str) -> tuple[str, Decimal, str]:
        key = DYNAMIC_ITEMS[name][0]
        answer = _graded(name, values[name])
        return (
            f"{name.replace('_', ' ').capitalize()} ({answer})",
            EXACT.multiply(Decimal(answer), DYNAMIC[key]),
            "answer × coefficient",
        )

    weights.append(graded("accommodation_suitability"))
    jobless = _yes_no("unemployed", values["unemployed"])
    weights.append(
        (
            "Unemployed",
            EXACT.multiply(DYNAMIC["unemployed"], Decimal(2)) if jobless else Decimal(0),
            "coefficient × 2 if yes",
        )
    )
    weights.append(
        (
            "Living with a partner",
            DYNAMIC["live_in_relationship"] if together else Decimal(0),
            "if living together",
        )
    )
    weights.append(graded("relationship_with_partner"))
    weights.append(
        (
            "Living with a partner × relationship quality",
            EXACT.multiply(Decimal(quality), DYNAMIC["live_in_relationship_quality"])
            if together and quality
            else Decimal(0),
            "living together with problems: quality × coefficient",
        )
    )
    abuse = _yes_no("domestic_abuse", values["domestic_abuse"])
    weights.append(("Domestic abuse", DYNAMIC["domestic_abuse"] if abuse else Decimal(0), "if yes"))
    for name in (
        "regular_offending_activities",
        "motivation_to_tackle_drug_misuse",
        "current_alcohol_use_problems",
        "excessive_alcohol_use",
        "impulsivity",
        "pro_criminal_attitudes",
    ):
        weights.append(graded(name))
    used = set(drugs)
    for drug in DRUGS:
        weights.append(
            (f"Drug: {drug.replace('_', ' ')}", DYNAMIC[drug] if drug in used else Decimal(0), "if used")
        )
    weights.append(
        ("Other drugs", DYNAMIC["other_drugs"] if used & set(OTHER_DRUGS) else Decimal(0), "if any used")
    )
    return ArpResult.from_weights(tuple(weights), dynamic=True)
