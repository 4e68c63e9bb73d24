"""VRP: the Violent Reoffending Predictor (OGRS4/V), static and dynamic, as the MoJ actuarial service has it.

Source: ministryofjustice/hmpps-arns-risk-actuarial-api (MIT) at commit
016919c5305b083e690a145856909c7b6de8c6a1, under src/main/kotlin/uk/gov/justice/digital/hmpps/
arnsriskactuarialapi/service/: coefficients/ViolentReoffendingPredictorStatic.kt (lines 8-33, groups
38-61) and ViolentReoffendingPredictorDynamic.kt (lines 8-51, groups 56-79),
ViolentReoffendingPredictorRiskProducerService.kt ("service"),
transformation/ViolentReoffendingPredictorTransformationHelper.kt and
constants/ViolentReoffendingPredictorConstant.kt (career boosts 12 and 30; bands 30, 60 and 80).
Arithmetic as in :mod:`desist.core.risk.arp`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import ClassVar

from desist.core.risk.arp import _double, checked_history, months_weight, polynomial
from desist.core.risk.errors import RiskInputError
from desist.core.risk.logistic import EXACT, LogisticResult, Weight, log_ratio

CAREER_BOOST_COPAS = 12
CAREER_BOOST_VIOLENT = 30
MONTHS_CAP = 36
BANDS: tuple[tuple[float, str], ...] = ((80.0, "very_high"), (60.0, "high"), (30.0, "medium"), (0.0, "low"))

STATIC: dict[str, Decimal] = {
    "intercept": _double(3.12324433235579),
    "female": _double(-1.84281451035478),
    "first_sanction": _double(-1.90092364059771),
    "second_sanction": _double(-1.10995084554834),
    "sanction_occasions": _double(-0.0067658067744931),
    "gap_male": _double(-0.0517946785377468),
    "gap_female": _double(-0.0524808327112117),
    "copas_male": _double(0.620598396891494),
    "copas_female": _double(0.507851479286236),
    "never_violent_male": _double(-2.19912021141319),
    "never_violent_female": _double(-2.8090905835064),
    "once_violent": _double(0.164824968220639),
    "violent_sanctions": _double(0.0185294325031695),
    "violent_rate": _double(0.522272685793084),
}
STATIC_AAI = {
    "male": (
        _double(-0.104477239763612),
        _double(0.0008606154365776),
        _double(0.000013815779629),
        _double(-0.0000001960154357),
    ),
    "female": (
        _double(-0.0151569773369266),
        _double(-0.0000517057104954),
        _double(-0.0000007587337191),
        _double(0.0000000203053155),
    ),
}
STATIC_OFM = (
    _double(-0.073627004774941),
    _double(0.0015286971037078),
    _double(0.0000095033186151),
    _double(-0.0000008860433091),
)
DYNAMIC: dict[str, Decimal] = {
    "intercept": _double(1.81687448362791),
    "female": _double(-1.47587262099647),
    "first_sanction": _double(-1.84616323808687),
    "second_sanction": _double(-1.08289822438739),
    "sanction_occasions": _double(-0.0068338285932122),
    "gap_male": _double(-0.0448978159143418),
    "gap_female": _double(-0.036873809313859),
    "copas_male": _double(0.599255596112212),
    "copas_female": _double(0.477448279367104),
    "never_violent_male": _double(-1.72067702170194),
    "never_violent_female": _double(-2.24064936845545),
    "once_violent": _double(0.158357795142317),
    "violent_sanctions": _double(0.0143780957599777),
    "violent_rate": _double(0.417038098120116),
    "accommodation": _double(0.105430245512805),
    "unemployed": _double(0.0331815664323161),
    "live_in_relationship": _double(-0.257910738309657),
    "relationship_quality": _double(0.0289758277705754),
    "live_in_relationship_quality": _double(0.117527515244771),
    "domestic_abuse": _double(0.108473730672409),
    "regular_offending_activities": _double(0.0655491304584261),
    "drug_motivation": _double(0.0566501342651779),
    "chronic_drinking": _double(0.122533179215598),
    "binge_drinking": _double(0.0981126172766304),
    "impulsivity": _double(0.0323581330157977),
    "temper": _double(0.091904896744703),
    "methadone": _double(0.0576906845544844),
    "other_opiate": _double(0.0753935224854228),
    "crack_cocaine": _double(0.0902595215602798),
    "powder_cocaine": _double(0.087313111600886),
    "misused_prescription_drugs": _double(0.139018812980245),
    "benzodiazepines": _double(0.0587469123708279),
    "cannabis": _double(0.001864706197971),
    "steroids": _double(0.342197551153158),
    "other_drugs": _double(0.150053208890266),
}
DYNAMIC_AAI = {
    "male": (_double(-0.0645236564493287), _double(0.0004644696772777)),
    "female": (
        _double(-0.0106819944976555),
        _double(-0.0000220033910434),
        _double(-0.0000003141984277),
        _double(-0.0000000174402455),
    ),
}
DYNAMIC_OFM = (_double(-0.0527396206616632), _double(0.0004145060463894))
_NAMES = [
    "burglary_domestic",
    "burglary_other",
    "drunkenness",
    "drink_driving",
    "motoring_offences",
    "vehicle_related_theft",
    "fraud_and_forgery",
    "welfare_fraud",
    "drug_import_export_or_production",
    "drug_possession_or_supply",
    "violence_against_the_person_abh_plus",
    "violence_against_the_person_sub_abh",
    "public_order_and_harrassment",
    "weapons_non_firearm",
    "firearms_most_serious",
    "firearms_other",
    "handling_stolen_goods",
    "criminal_damage",
    "acquisitive_violence",
    "other_offences",
    "absconding_or_bail",
    "sexual_against_child",
    "sexual_not_against_child",
    "theft_non_motor",
]
OFFENCE_GROUPS_STATIC: dict[str, Decimal] = dict(
    zip(
        _NAMES,
        map(
            Decimal,
            [
                "0.189290151743428",
                "0.152185842790808",
                "0.897225111715064",
                "-0.0955339743007365",
                "-0.184914428055833",
                "0.165882021264931",
                "-0.362999252067375",
                "-0.987504454326342",
                "-0.422720654391483",
                "-0.0876488981693274",
                "0.109809951520084",
                "0.109809951520084",
                "0.356342355096462",
                "0.109809951520084",
                "0.109809951520084",
                "0.109809951520084",
                "0.0120019188396128",
                "0.371503082545136",
                "-0.0032926198476618",
                "0.0998951874967628",
                "0.351192370764659",
                "-0.930849896127774",
                "-0.159028472471635",
                "0.260179775875471",
            ],
        ),
        strict=True,
    )
)
OFFENCE_GROUPS_DYNAMIC: dict[str, Decimal] = dict(
    zip(
        _NAMES,
        map(
            Decimal,
            [
                "0.235304808003462",
                "0.191809657473981",
                "0.832786589840741",
                "-0.0243380584056904",
                "-0.0219990134288181",
                "0.200392887919135",
                "-0.215055195882386",
                "-0.937073522898054",
                "-0.310067077915746",
                "-0.0226462288920859",
                "0.077028816727511",
                "0.077028816727511",
                "0.348649087179239",
                "0.077028816727511",
                "0.077028816727511",
                "0.077028816727511",
                "0.160583400555203",
                "0.302881895872264",
                "0.0442727884290873",
                "0.186300883246964",
                "0.332310036782829",
                "-0.994785930428512",
                "-0.249001167005262",
                "0.257081681109148",
            ],
        ),
        strict=True,
    )
)
GRADED_ITEMS: dict[str, str] = {  # answer name → coefficient key, in the service's order
    "accommodation_suitability": "accommodation",
    "relationship_with_partner": "relationship_quality",
    "regular_offending_activities": "regular_offending_activities",
    "motivation_to_tackle_drug_misuse": "drug_motivation",
    "current_alcohol_use_problems": "chronic_drinking",
    "excessive_alcohol_use": "binge_drinking",
    "impulsivity": "impulsivity",
    "temper_control": "temper",
}
DYNAMIC_ITEMS: tuple[str, ...] = (*GRADED_ITEMS, "unemployed", "domestic_abuse", "relationship_status")
DRUGS: tuple[str, ...] = (
    "methadone",
    "other_opiate",
    "crack_cocaine",
    "powder_cocaine",
    "misused_prescription_drugs",
    "benzodiazepines",
    "cannabis",
    "steroids",
)
OTHER_DRUGS: tuple[str, ...] = ("other_drugs", "ketamine", "spice", "hallucinogens", "solvents")


def vrp_band(percent: float) -> str:
    """helper getRiskBand: below 30 low, below 60 medium, below 80 high, below 100 very high."""
    return VrpResult.band_for(percent)


class VrpResult(LogisticResult):
    """VRP: score (a %, 2 dp), band, static or dynamic, each weight and the total."""

    __slots__ = ()
    NAME: ClassVar[str] = "VRP"
    BANDS: ClassVar[tuple[tuple[float, str], ...]] = BANDS
    BAND_RULE: ClassVar[str] = "below 30 low, below 60 medium, below 80 high, else very high"


def vrp(
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
    answers: dict[str, object] | None = None,
    drugs: Collection[str] = (),
) -> VrpResult:
    """The VRP (service lines 15-61, 110-250): static without ``answers``, dynamic with them. Static items:
    intercept, age (quartic; the dynamic male one quadratic), female, offence group, first and second
    sanction, sanctions × coefficient, never violent (by sex), once violent, violent sanctions ×
    coefficient, years from first to second sanction (by sex), offence-free months, Copas
    ln(sanctions ÷ (career + 12)) for 3+ sanctions, and ln(violent ÷ (career + 30)) for any violent sanction.
    Dynamic ``answers`` (:data:`DYNAMIC_ITEMS`; motivation may be left out, as the service takes it as full):
    graded 0–2 × coefficient, unemployed × 2, living together, its product with relationship quality,
    domestic abuse, and ``drugs`` (:data:`DRUGS`, one weight for any of :data:`OTHER_DRUGS`)."""
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
    values = None if answers is None else {"motivation_to_tackle_drug_misuse": 0, **answers}
    dynamic = values is not None
    groups = OFFENCE_GROUPS_DYNAMIC if dynamic else OFFENCE_GROUPS_STATIC
    h = checked_history(
        "VRP",
        given,
        groups,
        follow_up_start=follow_up_start,
        more_missing=[] if values is None else [name for name in DYNAMIC_ITEMS if values.get(name) is None],
    )
    sex_key, group, start, age_now, age_follow_up = h.sex, h.group, h.start, h.age_now, h.age_follow_up
    age_at_first_sanction, total_sanctions, violent_sanctions = (
        h.age_at_first_sanction,
        h.total_sanctions,
        h.violent_sanctions,
    )
    c = DYNAMIC if dynamic else STATIC
    career = age_now - age_at_first_sanction
    ofm = months_weight(DYNAMIC_OFM if dynamic else STATIC_OFM, h.assessment_date, start)
    zero = Decimal(0)
    weights: list[Weight] = [
        ("Two-year intercept", c["intercept"], "constant"),
        (
            f"Age at follow-up start ({age_follow_up}), {sex_key}",
            polynomial((DYNAMIC_AAI if dynamic else STATIC_AAI)[sex_key], age_follow_up),
            "polynomial in age, by sex",
        ),
        ("Female", c["female"] if sex_key == "female" else zero, "women only"),
        (f"Offence group: {group.replace('_', ' ')}", groups[group], "by the current offence's group"),
        ("First sanction", c["first_sanction"] if total_sanctions == 1 else zero, "exactly 1 sanction"),
        ("Second sanction", c["second_sanction"] if total_sanctions == 2 else zero, "exactly 2 sanctions"),
        (
            f"Sanctions ({total_sanctions})",
            EXACT.multiply(Decimal(total_sanctions), c["sanction_occasions"]),
            "count × coefficient",
        ),
        ("Never violent", c[f"never_violent_{sex_key}"] if violent_sanctions == 0 else zero, "by sex"),
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
            "Years from first to second sanction",
            EXACT.multiply(Decimal(career), c[f"gap_{sex_key}"]) if total_sanctions == 2 else zero,
            "exactly 2 sanctions: years × coefficient, by sex",
        ),
        ("Offence-free months", ofm, "polynomial in months since follow-up start (at most 36)"),
        (
            "Copas",
            EXACT.multiply(log_ratio(total_sanctions, career + CAREER_BOOST_COPAS), c[f"copas_{sex_key}"])
            if total_sanctions >= 3
            else zero,
            "3+ sanctions: ln(total ÷ (career + 12)) × coefficient",
        ),
        (
            "Violent Copas",
            EXACT.multiply(log_ratio(violent_sanctions, career + CAREER_BOOST_VIOLENT), c["violent_rate"])
            if violent_sanctions
            else zero,
            "ln(violent ÷ (career + 30)) × coefficient",
        ),
    ]
    if values is not None:
        unknown = sorted(set(values) - set(DYNAMIC_ITEMS))
        if unknown:
            raise RiskInputError(f"unknown VRP item(s) {', '.join(unknown)}: use {', '.join(DYNAMIC_ITEMS)}")
        for name in GRADED_ITEMS:
            if isinstance(values[name], bool) or values[name] not in (0, 1, 2):
                raise RiskInputError(f"{name} must be 0, 1 or 2 (got {values[name]!r})")
        for name in ("unemployed", "domestic_abuse"):
            if not isinstance(values[name], bool):
                raise RiskInputError(f"{name} must be True or False (got {values[name]!r})")
        status = values["relationship_status"]
        if status not in ("none", "living_together", "not_living_together"):
            raise RiskInputError(
                f"relationship_status must be none, living_together or not_living_together (got {status!r})"
            )
        if isinstance(drugs, str):
            raise RiskInputError("drugs must be a collection of drug names, not one string")
        unknown_drugs = sorted(set(drugs) - set(DRUGS) - set(OTHER_DRUGS))
        if unknown_drugs:
            raise RiskInputError(
                f"unknown drug(s) {', '.join(unknown_drugs)}: use {', '.join(DRUGS + OTHER_DRUGS)}"
            )

        def graded(name: str) -> Weight:
            answer = int(values[name])  # type: ignore[call-overload]
            return (
                f"{name.replace('_', ' ').capitalize()} ({answer})",
                EXACT.multiply(Decimal(answer), DYNAMIC[GRADED_ITEMS[name]]),
                "answer × coefficient",
            )

        together = status == "living_together"
        quality = int(values["relationship_with_partner"])  # type: ignore[call-overload]
        weights.append(graded("accommodation_suitability"))
        weights.append(
            (
                "Unemployed",
                EXACT.multiply(DYNAMIC["unemployed"], Decimal(2)) if values["unemployed"] else zero,
                "× 2",
            )
        )
        weights.append(
            ("Living with a partner", DYNAMIC["live_in_relationship"] if together else zero, "if so")
        )
        weights.append(graded("relationship_with_partner"))
        weights.append(
            (
                "Living with a partner × relationship quality",
                EXACT.multiply(Decimal(quality), DYNAMIC["live_in_relationship_quality"])
                if together and quality
                else zero,
                "living together with problems: quality × coefficient",
            )
        )
        weights.append(
            ("Domestic abuse", DYNAMIC["domestic_abuse"] if values["domestic_abuse"] else zero, "if yes")
        )
        for name in (
            "regular_offending_activities",
            "motivation_to_tackle_drug_misuse",
            "current_alcohol_use_problems",
            "excessive_alcohol_use",
            "impulsivity",
            "temper_control",
        ):
            weights.append(graded(name))
        used = set(drugs)
        for drug in DRUGS:
            weights.append(
                (f"Drug: {drug.replace('_', ' ')}", DYNAMIC[drug] if drug in used else zero, "if used")
            )
        weights.append(
            ("Other drugs", DYNAMIC["other_drugs"] if used & set(OTHER_DRUGS) else zero, "if any used")
        )
    return VrpResult.from_weights(tuple(weights), dynamic=dynamic)
