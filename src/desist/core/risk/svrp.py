"""SVRP: the Serious Violent Reoffending Predictor (OGRS4/V), static and dynamic, as the MoJ service has it.

Source: ministryofjustice/hmpps-arns-risk-actuarial-api (MIT) at commit
016919c5305b083e690a145856909c7b6de8c6a1, under src/main/kotlin/uk/gov/justice/digital/hmpps/
arnsriskactuarialapi/service/: coefficients/SeriousViolentReoffendingPredictorStatic.kt and
SeriousViolentReoffendingPredictorDynamic.kt ("coefficients", lines 8-45 and the offence groups after),
transformation/SeriousViolentReoffendingPredictorTransformationHelper.kt ("helper"),
SeriousViolentReoffendingPredictorRiskProducerService.kt ("service") and
constants/SeriousViolentReoffendingPredictorConstant.kt (career boost 12; bands 1, 3 and 6.9).
Arithmetic as in :mod:`desist.core.risk.arp` (the service's BigDecimal).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import ClassVar

from desist.core.risk.arp import _double, checked_history, months_weight, polynomial
from desist.core.risk.errors import RiskInputError
from desist.core.risk.logistic import EXACT, LogisticResult, Weight, log_ratio

CAREER_BOOST = 12  # constants
VIOLENT_CAREER_BOOST = 30  # helper getViolenceRateWeight: career + 30
MONTHS_CAP = 36
BANDS: tuple[tuple[float, str], ...] = ((6.9, "very_high"), (3.0, "high"), (1.0, "medium"), (0.0, "low"))

STATIC: dict[str, Decimal] = {  # SeriousViolentReoffendingPredictorStatic.kt lines 8-29
    "intercept": _double(-0.970734555223987),
    "female": _double(-1.55855151937225),
    "first_sanction": _double(-2.3335499201698),
    "second_sanction": _double(-1.36161428849118),
    "sanction_occasions": _double(-0.0250462590018653),
    "gap_male": _double(-0.117956562302911),
    "gap_female": _double(-0.0402256071602197),
    "copas_male": _double(0.936944231003216),
    "copas_female": _double(0.853626611755616),
    "never_violent_male": _double(-1.5382238276355),
    "never_violent_female": _double(-2.33948463970808),
    "once_violent": _double(-0.0013488533112443),
    "violent_sanctions": _double(0.0141947749755811),
    "violent_rate": _double(0.250478471909382),
}
STATIC_AAI = {
    "male": (_double(-0.035211251525685), _double(-0.0002101460036267)),
    "female": (_double(-0.0194307797540929), _double(-0.0000241385941049)),
}
STATIC_OFM = (
    _double(-0.0318548411238394),
    _double(0.0002165688028517),
    _double(0.0000046604929835),
    _double(-0.000000152324083),
)
DYNAMIC: dict[str, Decimal] = {  # SeriousViolentReoffendingPredictorDynamic.kt lines 8-45
    "intercept": _double(-1.70588696906607),
    "female": _double(-1.609748656497),
    "first_sanction": _double(-2.26703484992352),
    "second_sanction": _double(-1.17946726635964),
    "sanction_occasions": _double(-0.025992075782348),
    "gap_male": _double(-0.0967640128116584),
    "gap_female": _double(-0.1712941019545757),
    "copas_male": _double(0.858101289182386),
    "copas_female": _double(0.848200474467235),
    "never_violent_male": _double(-1.09871100777043),
    "never_violent_female": _double(-1.36716291233552),
    "once_violent": _double(0.077746849480619),
    "violent_sanctions": _double(0.006532999224634),
    "violent_rate": _double(0.165137054547059),
    "weapon": _double(0.385215247009075),  # S2Q2A
    "accommodation": _double(0.0442239531567977),  # S3Q4
    "unemployed": _double(0.0734628466183293),  # S4Q2, × 2
    "chronic_drinking": _double(0.0765545992903705),  # S9Q1
    "temper": _double(0.124207407357376),  # S11Q4
    "pro_criminal_attitudes": _double(0.0982315473681468),  # S12Q1
}
DYNAMIC_AAI = {
    "male": (_double(-0.0343861125060411), _double(-0.0002060693939063)),
    "female": (_double(-0.0215931881507551), _double(-0.0000539574087783)),
}
DYNAMIC_OFM = (
    _double(-0.029248960074744),
    _double(0.0003119515647398),
    _double(0.0000022269607594),
    _double(-0.0000002955293324),
)
PAST_OFFENCES: dict[str, Decimal] = {  # dynamic coefficients lines 37-45, in the service's order
    "homicide": _double(0.355308819798017),
    "wounding_gbh": _double(0.399845826788494),
    "kidnapping": _double(0.534510912919277),
    "firearms": _double(0.780403925884582),
    "robbery": _double(0.290562230335504),
    "aggravated_burglary": _double(0.183891831607701),
    "weapon": _double(0.231407077551008),
    "criminal_damage": _double(1.01491061134195),  # "pastcdlife": criminal damage endangering life
    "arson": _double(0.0073649024927637),
}
_VAP_STATIC = Decimal("0.0881806276607277")
_VAP_DYNAMIC = Decimal("0.110262124783647")
OFFENCE_GROUPS_STATIC: dict[str, Decimal] = {  # static coefficients lines 33-57 (BigDecimal(String), .add)
    "burglary_domestic": Decimal("0.427440297941078"),
    "burglary_other": Decimal("0.283654004619677"),
    "drunkenness": Decimal("-0.169817158710549"),
    "drink_driving": Decimal("-0.0870700781552191"),
    "motoring_offences": Decimal("0.0805237507490763"),
    "vehicle_related_theft": Decimal("0.286214108247545"),
    "fraud_and_forgery": Decimal("-0.0932918356073765"),
    "welfare_fraud": Decimal("-2.75700217295462"),
    "drug_import_export_or_production": Decimal("-0.151563625759297"),
    "drug_possession_or_supply": Decimal("0.196404663980207"),
    "violence_against_the_person_abh_plus": Decimal("0.0032426570273524") + _VAP_STATIC,
    "violence_against_the_person_sub_abh": _VAP_STATIC,
    "public_order_and_harrassment": Decimal("-0.102680989477238"),
    "weapons_non_firearm": Decimal("0.316916255872188") + _VAP_STATIC,
    "firearms_most_serious": Decimal("-0.109313634130027") + _VAP_STATIC,
    "firearms_other": Decimal("0.265777493636431") + _VAP_STATIC,
    "handling_stolen_goods": Decimal("0.20156598193072"),
    "criminal_damage": Decimal("0.254391121973677"),
    "acquisitive_violence": Decimal("0.34905826404493"),
    "other_offences": Decimal("0.175156031546492"),
    "absconding_or_bail": Decimal("0.361929924513904"),
    "sexual_against_child": Decimal("-0.269534814977957"),
    "sexual_not_against_child": Decimal("-0.481426313870417"),
    "theft_non_motor": Decimal("-0.126315026107379"),
}
OFFENCE_GROUPS_DYNAMIC: dict[str, Decimal] = {  # dynamic coefficients lines 49-73
    "burglary_domestic": Decimal("0.392304322484302"),
    "burglary_other": Decimal("0.210475686624578"),
    "drunkenness": Decimal("-0.266212126484843"),
    "drink_driving": Decimal("0.0719681498702402"),
    "motoring_offences": Decimal("0.285285632874374"),
    "vehicle_related_theft": Decimal("0.335872011000959"),
    "fraud_and_forgery": Decimal("0.128223795291931"),
    "welfare_fraud": Decimal("-2.54378150425616"),
    "drug_import_export_or_production": Decimal("0.146018219011484"),
    "drug_possession_or_supply": Decimal("0.210481894371787"),
    "violence_against_the_person_abh_plus": Decimal("-0.158615820403553") + _VAP_DYNAMIC,
    "violence_against_the_person_sub_abh": _VAP_DYNAMIC,
    "public_order_and_harrassment": Decimal("-0.165010485104843"),
    "weapons_non_firearm": Decimal("-0.0859338473048713") + _VAP_DYNAMIC,
    "firearms_most_serious": Decimal("-0.492759700145113") + _VAP_DYNAMIC,
    "firearms_other": Decimal("0.038831669251795") + _VAP_DYNAMIC,
    "handling_stolen_goods": Decimal("0.405987757430537"),
    "criminal_damage": Decimal("0.184857953812071"),
    "acquisitive_violence": Decimal("0.0719174180811535"),
    "other_offences": Decimal("0.135286411622716"),
    "absconding_or_bail": Decimal("0.414243541008181"),
    "sexual_against_child": Decimal("-0.60993507861302"),
    "sexual_not_against_child": Decimal("-0.545166046667834"),
    "theft_non_motor": Decimal("-0.047968924813678"),
}
DYNAMIC_ITEMS: tuple[str, ...] = (
    "weapon",  # did the offence involve carrying or using a weapon (2.2): True/False
    "accommodation_suitability",  # 0–2
    "unemployed",  # True/False
    "current_alcohol_use_problems",  # 0–2
    "temper_control",  # 0–2
    "pro_criminal_attitudes",  # 0–2
)


def svrp_band(percent: float) -> str:
    """helper getRiskBand: below 1 low, below 3 medium, below 6.9 high, below 100 very high."""
    return SvrpResult.band_for(percent)


class SvrpResult(LogisticResult):
    """SVRP: score (a %, 2 dp), band, static or dynamic, each weight and the total."""

    __slots__ = ()
    NAME: ClassVar[str] = "SVRP"
    BANDS: ClassVar[tuple[tuple[float, str], ...]] = BANDS
    BAND_RULE: ClassVar[str] = "below 1 low, below 3 medium, below 6.9 high, else very high"
    ZERO_ALLOWED: ClassVar[bool] = True


def _svrp(
    *,
    sex: str | None,
    date_of_birth: date | None,
    conviction_date: date | None,
    age_at_first_sanction: int | None,
    total_sanctions: int | None,
    violent_sanctions: int | None,
    offence_group: str | None,
    assessment_date: date | None,
    follow_up_start: date | None,
    answers: dict[str, object] | None,
    past_offences: Collection[str],
) -> SvrpResult:
    given = {
        "sex": sex,
        "date_of_birth": date_of_birth,
        "conviction_date": conviction_date,
        "age_at_first_sanction": age_at_first_sanction,
        "total_sanctions": total_sanctions,
        "violent_sanctions": violent_sanctions,
        "offence_group": offence_group,
        "assessment_date": assessment_date,
    }
    dynamic = answers is not None
    groups = OFFENCE_GROUPS_DYNAMIC if dynamic else OFFENCE_GROUPS_STATIC
    h = checked_history(
        "SVRP",
        given,
        groups,
        follow_up_start=follow_up_start,
        more_missing=[] if answers is None else [name for name in DYNAMIC_ITEMS if answers.get(name) is None],
    )
    sex_key, group, start, age_now, age_follow_up = h.sex, h.group, h.start, h.age_now, h.age_follow_up
    age_at_first_sanction, total_sanctions, violent_sanctions = (
        h.age_at_first_sanction,
        h.total_sanctions,
        h.violent_sanctions,
    )
    c = DYNAMIC if dynamic else STATIC
    aai = (DYNAMIC_AAI if dynamic else STATIC_AAI)[sex_key]
    ofm = months_weight(DYNAMIC_OFM if dynamic else STATIC_OFM, h.assessment_date, start)
    zero = Decimal(0)
    weights: list[Weight] = [
        ("Two-year intercept", c["intercept"], "constant"),
        (f"Age at follow-up start ({age_follow_up}), {sex_key}", polynomial(aai, age_follow_up), "quadratic"),
        ("Female", c["female"] if sex_key == "female" else zero, "women only"),
        (f"Offence group: {group.replace('_', ' ')}", groups[group], "by the current offence's group"),
        ("First sanction", c["first_sanction"] if total_sanctions == 1 else zero, "exactly 1 sanction"),
        ("Second sanction", c["second_sanction"] if total_sanctions == 2 else zero, "exactly 2 sanctions"),
        (
            f"Sanctions ({total_sanctions})",
            EXACT.multiply(Decimal(total_sanctions), c["sanction_occasions"]),
            "count × coefficient",
        ),
        (
            "Years from first to second sanction",
            EXACT.multiply(Decimal(age_now - age_at_first_sanction), c[f"gap_{sex_key}"])
            if total_sanctions == 2
            else zero,
            "exactly 2 sanctions: years × coefficient, by sex",
        ),
        ("Offence-free months", ofm, "quartic in months since follow-up start (at most 36)"),
        (
            "Copas",
            EXACT.multiply(
                log_ratio(total_sanctions, age_now - age_at_first_sanction + CAREER_BOOST),
                c[f"copas_{sex_key}"],
            )
            if total_sanctions >= 3
            else zero,
            "3+ sanctions: ln(total ÷ (career + 12)) × coefficient",
        ),
        (
            "Never violent",
            c[f"never_violent_{sex_key}"] if violent_sanctions == 0 else zero,
            "no violent sanction, by sex",
        ),
        (
            "Once violent",
            c["once_violent"] if violent_sanctions == 1 else zero,
            "exactly one violent sanction",
        ),
        (
            f"Violent sanctions ({violent_sanctions})",
            EXACT.multiply(c["violent_sanctions"], Decimal(violent_sanctions)),
            "count × coefficient",
        ),
        (
            "Violence rate",
            EXACT.multiply(
                log_ratio(violent_sanctions, age_now - age_at_first_sanction + VIOLENT_CAREER_BOOST),
                c["violent_rate"],
            )
            if violent_sanctions
            else zero,
            "ln(violent ÷ (career + 30)) × coefficient",
        ),
    ]
    if answers is not None:
        unknown = sorted(set(answers) - set(DYNAMIC_ITEMS))
        if unknown:
            raise RiskInputError(f"unknown SVRP item(s) {', '.join(unknown)}: use {', '.join(DYNAMIC_ITEMS)}")
        for name in ("weapon", "unemployed"):
            if not isinstance(answers[name], bool):
                raise RiskInputError(f"{name} must be True or False (got {answers[name]!r})")
        for name in (
            "accommodation_suitability",
            "current_alcohol_use_problems",
            "temper_control",
            "pro_criminal_attitudes",
        ):
            if isinstance(answers[name], bool) or answers[name] not in (0, 1, 2):
                raise RiskInputError(f"{name} must be 0, 1 or 2 (got {answers[name]!r})")
        if isinstance(past_offences, str):
            raise RiskInputError("past_offences must be a collection, not one string")
        unknown_past = sorted(set(past_offences) - set(PAST_OFFENCES))
        if unknown_past:
            raise RiskInputError(
                f"unknown past offence(s) {', '.join(unknown_past)}: use {', '.join(PAST_OFFENCES)}"
            )

        def graded(name: str, key: str) -> Weight:
            answer = int(answers[name])  # type: ignore[call-overload]
            return (
                f"{name.replace('_', ' ').capitalize()} ({answer})",
                EXACT.multiply(Decimal(answer), DYNAMIC[key]),
                "answer × coefficient",
            )

        weights.append(("Weapon carried or used", DYNAMIC["weapon"] if answers["weapon"] else zero, "if yes"))
        weights.append(graded("accommodation_suitability", "accommodation"))
        weights.append(
            (
                "Unemployed",
                EXACT.multiply(DYNAMIC["unemployed"], Decimal(2)) if answers["unemployed"] else zero,
                "coefficient × 2 if yes",
            )
        )
        weights.append(graded("current_alcohol_use_problems", "chronic_drinking"))
        weights.append(graded("temper_control", "temper"))
        weights.append(graded("pro_criminal_attitudes", "pro_criminal_attitudes"))
        for name, coefficient in PAST_OFFENCES.items():
            weights.append(
                (
                    f"Past offence: {name.replace('_', ' ')}",
                    coefficient if name in past_offences else zero,
                    "if ever",
                )
            )
    return SvrpResult.from_weights(tuple(weights), dynamic=dynamic)


def svrp_static(
    *,
    sex: str | None,
    date_of_birth: date | None,
    conviction_date: date | None,
    age_at_first_sanction: int | None,
    total_sanctions: int | None,
    violent_sanctions: int | None,
    offence_group: str | None,
    assessment_date: date | None,
    follow_up_start: date | None = None,
) -> SvrpResult:
    """The static SVRP (service lines 15-25, 105-190): as the static ARP's items with SVRP's coefficients
    (a quadratic in age; Copas with career + 12, no square), plus never violent (by sex), once violent,
    violent sanctions × coefficient and the violence rate ln(violent ÷ (career + 30)) × coefficient."""
    return _svrp(
        sex=sex,
        date_of_birth=date_of_birth,
        conviction_date=conviction_date,
        age_at_first_sanction=age_at_first_sanction,
        total_sanctions=total_sanctions,
        violent_sanctions=violent_sanctions,
        offence_group=offence_group,
        assessment_date=assessment_date,
        follow_up_start=follow_up_start,
        answers=None,
        past_offences=(),
    )


def svrp_dynamic(
    *,
    sex: str | None,
    date_of_birth: date | None,
    conviction_date: date | None,
    age_at_first_sanction: int | None,
    total_sanctions: int | None,
    violent_sanctions: int | None,
    offence_group: str | None,
    assessment_date: date | None,
    answers: dict[str, object],
    past_offences: Collection[str] = (),
    follow_up_start: date | None = None,
) -> SvrpResult:
    """The dynamic SVRP (service lines 34-43, 191-213): the static items with the dynamic coefficients, then
    :data:`DYNAMIC_ITEMS` from ``answers`` (unemployed: coefficient × 2) and each of ``past_offences``
    (:data:`PAST_OFFENCES`) ever committed."""
    return _svrp(
        sex=sex,
        date_of_birth=date_of_birth,
        conviction_date=conviction_date,
        age_at_first_sanction=age_at_first_sanction,
        total_sanctions=total_sanctions,
        violent_sanctions=violent_sanctions,
        offence_group=offence_group,
        assessment_date=assessment_date,
        follow_up_start=follow_up_start,
        answers=dict(answers),
        past_offences=past_offences,
    )
