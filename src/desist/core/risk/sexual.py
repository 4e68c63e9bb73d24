"""The sexual reoffending predictors OASys now uses: DC-SRP (OSP-DC, direct contact) and IIC-SRP (OSP-IIC,
images and indirect contact).

Source: ministryofjustice/hmpps-arns-risk-actuarial-api (MIT) at commit
016919c5305b083e690a145856909c7b6de8c6a1, under src/main/kotlin/uk/gov/justice/digital/hmpps/
arnsriskactuarialapi/: service/DirectContactSexualReoffendingPredictorProducerService.kt ("DC service"),
service/transformation/DirectContactSexualReoffendingPredictorTransformationHelper.kt ("DC helper"),
service/ImagesAndIndirectContactSexualReoffendingPredictorProducerService.kt ("IIC service"),
service/transformation/ImagesAndIndirectContactSexualReoffendingPredictorTransformationHelper.kt ("IIC
helper"), service/coefficients/ImagesAndIndirectContactSexualReoffendingPredictorStatic.kt ("IIC
coefficients"), service/validation/CommonValidator.kt, service/RiskScoreResponseConverter.kt and
utils/NumbersUtils.kt. Line numbers are of those files at that commit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from desist.core.risk.bands import Part, explain_parts
from desist.core.risk.errors import MissingAssessmentItems, RiskInputError

NOT_APPLICABLE = "not_applicable"
SUPERVISION_STATUSES: tuple[str, ...] = ("custody", "community")


def percentage_2dp(fraction: float | Decimal) -> float:
    """NumbersUtils.kt lines 11-12 ``asDoublePercentage``: × 100, 2 dp half up, from the exact binary
    value of a double."""
    value = fraction if isinstance(fraction, Decimal) else Decimal(fraction)
    return float((value * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _sanitise(percent: float) -> float:
    """NumbersUtils.kt lines 27-31: ≤ 0 → 0.0, ≥ 100 → 99.99."""
    if percent <= 0.0:
        return 0.0
    return 99.99 if percent >= 100.0 else percent


def _whole_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RiskInputError(f"{name} must be a whole number, 0 or more (got {value!r})")
    return value


def _sex(value: object) -> str:
    if not isinstance(value, str) or value.strip().lower() not in ("male", "female"):
        raise RiskInputError(f"sex must be 'male' or 'female' (got {value!r})")
    return value.strip().lower()


def _check_sexual_counts(*, ever: bool, counts: dict[str, int | None], total_sanctions: int | None) -> None:
    """CommonValidator.kt validateSecondarySexualFields, validateSexualSanctionsCount and
    checkForExistingSexualFields (lines 220-265), for men."""
    if ever:
        missing = [name for name, value in counts.items() if value is None]
        if missing:
            raise MissingAssessmentItems("the sexual reoffending predictors", missing)
        values = {name: _count(name, value) for name, value in counts.items()}
        if not any(values.values()):
            raise RiskInputError("a sexual offence is recorded but every sexual sanction count is 0")
        if total_sanctions is not None and sum(values.values()) > total_sanctions:
            raise RiskInputError(
                f"the sexual sanction counts ({sum(values.values())}) are more than all sanctions "
                f"({total_sanctions})"
            )
    else:
        given = [name for name, value in counts.items() if value not in (None, 0)]
        if given:
            raise RiskInputError(f"no sexual offence is recorded, yet {', '.join(given)} is above 0")


# --- DC-SRP (OSP-DC) ---------------------------------------------------------------------------------------

DC_INTERCEPT = -8.633  # DC helper line 65
DC_SLOPE = 0.1598  # DC helper line 65
DC_BANDS: tuple[tuple[int, int, str], ...] = (  # DC helper lines 53-59: the 64-point score → band
    (0, 21, "low"),
    (22, 29, "medium"),
    (30, 35, "high"),
    (36, 64, "very_high"),
)
DC_BAND_DOWN = {"very_high": "high", "high": "medium", "medium": "low"}  # DC helper lines 92-100


def dc_adult_points(sanctions: int) -> int:
    """DC helper lines 11-16: contact adult sexual sanctions 1 → 5, 2 → 10, 3+ → 15, else 0."""
    return 5 if sanctions == 1 else 10 if sanctions == 2 else 15 if sanctions >= 3 else 0


def dc_child_points(sanctions: int) -> int:
    """DC helper lines 18-23: contact child sexual sanctions 1 → 3, 2 → 6, 3+ → 9, else 0."""
    return 3 if sanctions == 1 else 6 if sanctions == 2 else 9 if sanctions >= 3 else 0


def dc_non_contact_points(offences: int) -> int:
    """DC helper lines 25-30: non-contact sexual offences 1 → 2, 2 → 4, 3+ → 6, else 0."""
    return 2 if offences == 1 else 4 if offences == 2 else 6 if offences >= 3 else 0


def dc_follow_up_age_points(age: int) -> int:
    """DC helper lines 32-35: 60 or over → 0, else 14 − max(0, (age − 18) div 3) (Kotlin integer division
    truncates toward 0, so ages below 18 give 14)."""
    if age >= 60:
        return 0
    return 14 - max(0, int((age - 18) / 3))


def dc_last_sexual_sanction_age_points(age: int) -> int:
    """DC helper lines 37-41: 16–17 → 5, 18+ → 10, else 0 (no sexual offence date counts as age 0)."""
    return 5 if 16 <= age <= 17 else 10 if age >= 18 else 0


def dc_all_sanctions_points(total: int) -> int:
    """DC helper lines 43-46: 2 or more sanctions for any offence → 6."""
    return 6 if total >= 2 else 0


def dc_band(points: int) -> str:
    """DC helper lines 53-59; outside 0–64 is an error."""
    for low, high, band in DC_BANDS:
        if low <= points <= high:
            return band
    raise RiskInputError(f"invalid OSP/DC 64 point score value: {points}")


def dc_probability(points: int) -> float:
    """DC helper lines 61-67: 0 → 0.0, else logistic(−8.633 + 0.1598 × points)."""
    if points == 0:
        return 0.0
    z = DC_INTERCEPT + DC_SLOPE * points
    return math.exp(z) / (1.0 + math.exp(z))


def _years_between(earlier: date, later: date) -> int:
    """ChronoUnit.YEARS.between(earlier, later): whole years, toward 0."""
    if later >= earlier:
        return _whole_years(earlier, later)
    return -_whole_years(later, earlier)


def dc_risk_reduction(
    *,
    sex: str,
    supervision_status: str,
    most_recent_offence_date: date | None,
    most_recent_sexual_offence_date: date | None,
    follow_up_start: date,
    assessment_date: date,
    band: str | None,
) -> bool:
    """DC helper lines 69-87: a man in the community with a medium band or above, and 5 years or more since
    the most recent offence, the most recent sexual offence and the start of follow-up."""
    if sex == "female" or supervision_status == "custody":
        return False
    if band is None or band in ("low", NOT_APPLICABLE):
        return False
    for earlier in (most_recent_offence_date, most_recent_sexual_offence_date, follow_up_start):
        if earlier is not None and _years_between(earlier, assessment_date) < 5:
            return False
    return True


@dataclass(frozen=True, slots=True)
class DcsrpResult:
    """DC-SRP: the band (after any risk reduction), the score (a %, 2 dp), the 64-point score, its parts."""

    band: str
    score: float
    point_score: int | None
    risk_reduction: bool | None
    female_version: bool
    point_parts: tuple[Part, ...]
    probability: float

    @property
    def parts(self) -> tuple[Part, ...]:
        if self.point_score is None:
            why = "women" if self.female_version else "no sexual offence"
            return (Part("DC-SRP", "not applicable", f"not applicable: {why}; score 0.0"),)
        tail = [
            Part("64-point score", self.point_score, "sum of the parts"),
            Part("Probability", self.probability, "0 → 0; else logistic(−8.633 + 0.1598 × points)"),
            Part("DC-SRP %", self.score, "× 100, 2 dp half up"),
        ]
        if self.risk_reduction is not None:
            tail.append(
                Part(
                    "Risk reduction",
                    "yes" if self.risk_reduction else "no",
                    "community, medium or above, 5 years since the latest offence, sexual offence and "
                    "follow-up start: one band lower",
                )
            )
        tail.append(Part("Band", self.band, "0–21 low, 22–29 medium, 30–35 high, 36–64 very high"))
        return (*self.point_parts, *tail)

    def explain(self) -> list[tuple[str, str]]:
        return explain_parts(self.parts)


def dcsrp(
    *,
    sex: str | None,
    date_of_birth: date | None,
    ever_committed_sexual_offence: bool | None,
    follow_up_start: date | None,
    total_sanctions: int | None,
    supervision_status: str | None,
    assessment_date: date | None,
    contact_adult_sanctions: int | None = None,
    contact_child_sanctions: int | None = None,
    non_contact_offences: int | None = None,
    indecent_image_sanctions: int | None = None,
    most_recent_sexual_offence_date: date | None = None,
    most_recent_offence_date: date | None = None,
    victim_stranger: bool | None = None,
    validate: bool = True,
) -> DcsrpResult:
    """The Direct Contact Sexual Reoffending Predictor (DC service lines 31-156).

    Women, and men with no sexual offence: not applicable, score 0.0. Otherwise the 64-point score is the
    sum of: contact adult sanctions, contact child sanctions, non-contact offences, age at follow-up start,
    age at the most recent sexual offence, 2+ sanctions for any offence, and 4 if the current offence was
    against a stranger. 0 points → low, score 0.0. Else the band by points, lowered one step where the risk
    reduction applies; the score is logistic(−8.633 + 0.1598 × points) as a % to 2 dp.
    ``follow_up_start`` is the start of follow-up, or the current conviction date if there is none.
    ``validate=False`` leaves out the service's checks of the sexual sanction counts (CommonValidator.kt), as
    its own producer tests do by mocking the validator.
    """
    required = {
        "sex": sex,
        "supervision_status": supervision_status,
        "ever_committed_sexual_offence": ever_committed_sexual_offence,
        "date_of_birth": date_of_birth,
        "follow_up_start": follow_up_start,
        "total_sanctions": total_sanctions,
        "assessment_date": assessment_date,
    }
    missing = [name for name, value in required.items() if value is None]
    if missing:
        raise MissingAssessmentItems("DC-SRP", missing)
    assert date_of_birth is not None and follow_up_start is not None and assessment_date is not None
    sex_key = _sex(sex)
    status = str(supervision_status).strip().lower()
    if status not in SUPERVISION_STATUSES:
        raise RiskInputError(f"supervision status must be custody or community (got {supervision_status!r})")
    if not isinstance(ever_committed_sexual_offence, bool):
        raise RiskInputError(
            f"ever_committed_sexual_offence must be True or False (got {ever_committed_sexual_offence!r})"
        )
    total = _count("total_sanctions", total_sanctions)
    counts = {
        "contact_adult_sanctions": contact_adult_sanctions,
        "contact_child_sanctions": contact_child_sanctions,
        "non_contact_offences": non_contact_offences,
        "indecent_image_sanctions": indecent_image_sanctions,
    }
    if sex_key == "male" and validate:
        _check_sexual_counts(ever=ever_committed_sexual_offence, counts=counts, total_sanctions=total)
    if sex_key == "female" or not ever_committed_sexual_offence:
        return DcsrpResult(NOT_APPLICABLE, 0.0, None, None, sex_key == "female", (), 0.0)
    if follow_up_start <= date_of_birth:
        raise RiskInputError("follow-up start cannot be on or before date of birth")
    follow_up_age = _whole_years(date_of_birth, follow_up_start)
    if most_recent_sexual_offence_date is not None:
        if most_recent_sexual_offence_date <= date_of_birth:
            raise RiskInputError("the most recent sexual offence cannot be on or before date of birth")
        sexual_age = _whole_years(date_of_birth, most_recent_sexual_offence_date)
    else:
        sexual_age = 0
    adult, child = int(contact_adult_sanctions or 0), int(contact_child_sanctions or 0)
    non_contact = int(non_contact_offences or 0)
    if victim_stranger is not None and not isinstance(victim_stranger, bool):
        raise RiskInputError(f"victim_stranger must be True, False or None (got {victim_stranger!r})")
    point_parts = (
        Part(f"Contact adult sexual sanctions ({adult})", dc_adult_points(adult), "1 → 5, 2 → 10, 3+ → 15"),
        Part(f"Contact child sexual sanctions ({child})", dc_child_points(child), "1 → 3, 2 → 6, 3+ → 9"),
        Part(
            f"Non-contact sexual offences ({non_contact})",
            dc_non_contact_points(non_contact),
            "1 → 2, 2 → 4, 3+ → 6",
        ),
        Part(
            f"Age at follow-up start ({follow_up_age})",
            dc_follow_up_age_points(follow_up_age),
            "60+ → 0, else 14 − (age − 18) div 3",
        ),
        Part(
            f"Age at the most recent sexual offence ({sexual_age})",
            dc_last_sexual_sanction_age_points(sexual_age),
            "16–17 → 5, 18+ → 10, else 0 (no date: 0)",
        ),
        Part(f"Sanctions for all offences ({total})", dc_all_sanctions_points(total), "2 or more → 6"),
        Part("Current offence against a stranger", 4 if victim_stranger else 0, "4 if yes"),
    )
    points = sum(int(p.value or 0) for p in point_parts)
    probability = dc_probability(points)
    score = percentage_2dp(probability)
    if points == 0:  # DC service lines 67-77
        return DcsrpResult("low", score, 0, None, False, point_parts, probability)
    band = dc_band(points)
    reduction = dc_risk_reduction(
        sex=sex_key,
        supervision_status=status,
        most_recent_offence_date=most_recent_offence_date,
        most_recent_sexual_offence_date=most_recent_sexual_offence_date,
        follow_up_start=follow_up_start,
        assessment_date=assessment_date,
        band=band,
    )
    final = DC_BAND_DOWN.get(band, band) if reduction else band
    return DcsrpResult(final, score, points, reduction, False, point_parts, probability)


# --- IIC-SRP (OSP-IIC) -------------------------------------------------------------------------------------

# IIC coefficients lines 7-11, as Kotlin's BigDecimal(Double) holds them (the exact binary value).
IIC_TWO_OR_MORE_IMAGES = Decimal(0.10310)  # noqa: RUF032
IIC_ONE_IMAGE = Decimal(0.03328)  # noqa: RUF032
IIC_TWO_OR_MORE_CHILD_CONTACT = Decimal(0.00926)  # noqa: RUF032
IIC_ONE_CHILD_CONTACT = Decimal(0.00634)  # noqa: RUF032
IIC_OTHER = Decimal(0.00281)  # noqa: RUF032  (NO_IMAGE_AND_INDIRECT_CONTACT_SANCTIONS)


def iic_weight(
    *,
    sex: str,
    indecent_image_sanctions: int,
    contact_adult_sanctions: int,
    contact_child_sanctions: int,
    non_contact_offences: int,
) -> tuple[Decimal, str]:
    """IIC helper lines 15-32: the first that applies, with its reason."""
    if sex == "female":
        return Decimal(0), "women: 0"
    if indecent_image_sanctions >= 2:
        return IIC_TWO_OR_MORE_IMAGES, "2 or more indecent image sanctions: 0.10310"
    if indecent_image_sanctions == 1:
        return IIC_ONE_IMAGE, "1 indecent image sanction: 0.03328"
    if contact_child_sanctions >= 2:
        return IIC_TWO_OR_MORE_CHILD_CONTACT, "2 or more contact child sexual sanctions: 0.00926"
    if contact_child_sanctions == 1:
        return IIC_ONE_CHILD_CONTACT, "1 contact child sexual sanction: 0.00634"
    if non_contact_offences != 0 and contact_adult_sanctions != 0:
        return IIC_OTHER, "non-contact offences and contact adult sanctions: 0.00281"
    return Decimal(0), "none of the above: 0"


def iic_band(weight: Decimal) -> str:
    """IIC helper lines 36-40: 0.10310 → high, 0.03328 → medium, anything else low."""
    if weight == IIC_TWO_OR_MORE_IMAGES:
        return "high"
    return "medium" if weight == IIC_ONE_IMAGE else "low"


@dataclass(frozen=True, slots=True)
class IicsrpResult:
    """IIC-SRP: band, score (a %, 2 dp), the weight and why; static only."""

    band: str
    score: float
    weight: Decimal | None
    reason: str
    female_version: bool

    @property
    def parts(self) -> tuple[Part, ...]:
        if self.weight is None:
            return (Part("IIC-SRP", "not applicable", self.reason),)
        return (
            Part("Weight", float(self.weight), self.reason),
            Part("IIC-SRP %", self.score, "weight × 100, 2 dp half up"),
            Part("Band", self.band, "0.10310 → high, 0.03328 → medium, else low"),
        )

    def explain(self) -> list[tuple[str, str]]:
        return explain_parts(self.parts)


def iicsrp(
    *,
    sex: str | None,
    ever_committed_sexual_offence: bool | None,
    contact_adult_sanctions: int | None = None,
    contact_child_sanctions: int | None = None,
    non_contact_offences: int | None = None,
    indecent_image_sanctions: int | None = None,
    total_sanctions: int | None = None,
) -> IicsrpResult:
    """The Images and Indirect Contact Sexual Reoffending Predictor (IIC service lines 21-108): no sexual
    offence → not applicable, score 0.0; otherwise the weight of the first rule that applies (women 0), as a
    % to 2 dp (≤ 0 → 0.0), banded high, medium or low."""
    missing = [
        name
        for name, value in (("sex", sex), ("ever_committed_sexual_offence", ever_committed_sexual_offence))
        if value is None
    ]
    if missing:
        raise MissingAssessmentItems("IIC-SRP", missing)
    sex_key = _sex(sex)
    if not isinstance(ever_committed_sexual_offence, bool):
        raise RiskInputError(
            f"ever_committed_sexual_offence must be True or False (got {ever_committed_sexual_offence!r})"
        )
    counts = {
        "contact_adult_sanctions": contact_adult_sanctions,
        "contact_child_sanctions": contact_child_sanctions,
        "non_contact_offences": non_contact_offences,
        "indecent_image_sanctions": indecent_image_sanctions,
    }
    if sex_key == "male":
        total = None if total_sanctions is None else _count("total_sanctions", total_sanctions)
        _check_sexual_counts(ever=ever_committed_sexual_offence, counts=counts, total_sanctions=total)
    if not ever_committed_sexual_offence:
        return IicsrpResult(
            NOT_APPLICABLE, 0.0, None, "not applicable: no sexual offence; score 0.0", sex_key == "female"
        )
    if sex_key == "female" and any(v is None for v in counts.values()):
        raise MissingAssessmentItems("IIC-SRP", [name for name, value in counts.items() if value is None])
    values = {name: _count(name, value) for name, value in counts.items()}
    weight, reason = iic_weight(sex=sex_key, **values)
    return IicsrpResult(
        iic_band(weight), _sanitise(percentage_2dp(weight)), weight, reason, sex_key == "female"
    )
