"""The screenings the MoJ actuarial service holds: maturity (MST) and learning disability (LDS).

Source: ministryofjustice/hmpps-arns-risk-actuarial-api (MIT) at commit
016919c5305b083e690a145856909c7b6de8c6a1, under src/main/kotlin/uk/gov/justice/digital/hmpps/
arnsriskactuarialapi/: service/MSTRiskProducerService.kt, service/transformation/MSTTransformationHelper.kt,
service/validation/MSTValidator.kt, service/LDSRiskProducerService.kt,
service/transformation/LDSTransformationHelper.kt, service/validation/LDSValidator.kt, and the answer
scales dto/ProblemLevel.kt (no problems 0, some 1, significant 2), dto/YesSometimesNo.kt (yes 0,
sometimes 1, no 2) and dto/lds/HasQualifications.kt (any 0, none 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from desist.core.risk.bands import Part, explain_parts
from desist.core.risk.errors import MissingAssessmentItems, RiskInputError

GRADED = (0, 1, 2)

# --- MST: the maturity screening ----------------------------------------------------------------------------

MST_AGES = range(18, 26)  # MSTValidator.kt isValidMstAge: 18..25
MST_FLAG_FROM = 10  # MSTTransformationHelper.kt getMaturityFlag: score ≥ 10
MST_MINIMUM_ANSWERS = 9  # MSTValidator.kt minMstAnswersSize
MST_ITEMS: tuple[str, ...] = (  # MSTRiskProducerService.kt lines 63-74, in order
    "peer_group_influences",  # True → 1
    "influence_from_criminal_associates",
    "recklessness_and_risk_taking",
    "difficulties_coping",
    "attitudes_towards_self",
    "impulsivity",
    "temper_control",
    "problem_solving",
    "awareness_of_consequences",  # yes 0, sometimes 1, no 2
    "understands_others_views",
)


def _whole_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass(frozen=True, slots=True)
class MstResult:
    """Whether MST applies (men aged 18–25), the maturity score and the flag (score ≥ 10)."""

    applicable: bool
    score: int | None
    flag: bool
    item_parts: tuple[Part, ...] = ()

    @property
    def parts(self) -> tuple[Part, ...]:
        if not self.applicable:
            return (Part("MST", "not applicable", "men aged 18 to 25 only"),)
        return (
            *self.item_parts,
            Part("Maturity score", self.score, "sum of the answers"),
            Part("Maturity flag", "yes" if self.flag else "no", f"score {MST_FLAG_FROM} or more"),
        )

    def explain(self) -> list[tuple[str, str]]:
        return explain_parts(self.parts)


def mst(
    *,
    sex: str | None,
    date_of_birth: date | None,
    assessment_date: date,
    answers: dict[str, object],
) -> MstResult:
    """The Maturity Screening Tool (MSTRiskProducerService.kt): out of the ages 18–25 → not applicable
    (checked first, before anything is required); then sex, date of birth and at least 9 of the 10 answers
    are required; women → not applicable; else the sum of the answers (``peer_group_influences`` True/False,
    the others 0, 1 or 2; an answer not given counts 0), flagged at 10 or more."""
    unknown = sorted(set(answers) - set(MST_ITEMS))
    if unknown:
        raise RiskInputError(f"unknown MST answer(s) {', '.join(unknown)}: use {', '.join(MST_ITEMS)}")
    if date_of_birth is not None and _whole_years(date_of_birth, assessment_date) not in MST_AGES:
        return MstResult(False, None, False)
    missing = [name for name, value in (("sex", sex), ("date_of_birth", date_of_birth)) if value is None]
    given = [name for name in MST_ITEMS if answers.get(name) is not None]
    if len(given) < MST_MINIMUM_ANSWERS:
        missing += [name for name in MST_ITEMS if answers.get(name) is None]
    if missing:
        raise MissingAssessmentItems("MST", missing)
    if not isinstance(sex, str) or sex.strip().lower() not in ("male", "female"):
        raise RiskInputError(f"sex must be 'male' or 'female' (got {sex!r})")
    if sex.strip().lower() != "male":
        return MstResult(False, None, False)
    parts = []
    for name in MST_ITEMS:
        value = answers.get(name)
        if name == "peer_group_influences":
            if value is not None and not isinstance(value, bool):
                raise RiskInputError(f"peer_group_influences must be True or False (got {value!r})")
            points = 1 if value is True else 0
        else:
            if value is not None and (isinstance(value, bool) or value not in GRADED):
                raise RiskInputError(f"{name} must be 0, 1 or 2 (got {value!r})")
            points = int(value or 0)
        parts.append(Part(name.replace("_", " ").capitalize(), points, "not answered: 0"))
    score = sum(int(p.value or 0) for p in parts)
    return MstResult(True, score, score >= MST_FLAG_FROM, tuple(parts))


# --- LDS: the learning disability screening -----------------------------------------------------------------

LDS_AT_LEAST_THREE_OF: tuple[str, ...] = (  # LDSValidator.kt ldsFieldsAtLeast3Of
    "work_related_skills",
    "problems_with_reading_writing_numeracy",
    "learning_difficulties",
    "no_qualifications",
)


@dataclass(frozen=True, slots=True)
class LdsResult:
    """The LDS score (0, 1 or 2) from its subtotal."""

    score: int
    subtotal: int
    item_parts: tuple[Part, ...]

    @property
    def parts(self) -> tuple[Part, ...]:
        return (
            *self.item_parts,
            Part("Subtotal", self.subtotal, "sum of the answers"),
            Part("LDS score", self.score, "subtotal 0–2 → 0, 3–4 → 1, 5 or more → 2"),
        )

    def explain(self) -> list[tuple[str, str]]:
        return explain_parts(self.parts)


def lds(
    *,
    no_fixed_abode: bool | None = None,
    work_related_skills: int | None = None,
    problems_with_reading_writing_numeracy: int | None = None,
    problems_with_reading: bool | None = None,
    problems_with_numeracy: bool | None = None,
    learning_difficulties: int | None = None,
    no_qualifications: bool | None = None,
) -> LdsResult:
    """The Learning Disability Screening (LDSRiskProducerService.kt, LDSTransformationHelper.kt): no fixed
    abode 1; work-related skills, problems with reading/writing/numeracy and learning difficulties 0–2 each;
    problems with reading 1, with numeracy 1; no professional or vocational qualifications 2. Anything not
    given counts 0. Subtotal 0–2 → 0, 3–4 → 1, 5+ → 2. At least three of work-related skills, reading/
    writing/numeracy, learning difficulties and qualifications are required, and reading or numeracy
    given without reading/writing/numeracy is an error (LDSValidator.kt)."""
    given = {
        "work_related_skills": work_related_skills,
        "problems_with_reading_writing_numeracy": problems_with_reading_writing_numeracy,
        "learning_difficulties": learning_difficulties,
        "no_qualifications": no_qualifications,
    }
    absent = [name for name in LDS_AT_LEAST_THREE_OF if given[name] is None]
    if len(absent) > 1:
        raise MissingAssessmentItems("LDS (at least three of four)", absent)
    if problems_with_reading_writing_numeracy is None:
        stray = [
            name
            for name, value in (
                ("problems_with_reading", problems_with_reading),
                ("problems_with_numeracy", problems_with_numeracy),
            )
            if value is not None
        ]
        if stray:
            raise RiskInputError(f"{', '.join(stray)} given without problems_with_reading_writing_numeracy")
    for name in ("work_related_skills", "problems_with_reading_writing_numeracy", "learning_difficulties"):
        value = given[name]
        if value is not None and (isinstance(value, bool) or value not in GRADED):
            raise RiskInputError(f"{name} must be 0, 1 or 2 (got {value!r})")
    for name, value in (
        ("no_fixed_abode", no_fixed_abode),
        ("problems_with_reading", problems_with_reading),
        ("problems_with_numeracy", problems_with_numeracy),
        ("no_qualifications", no_qualifications),
    ):
        if value is not None and not isinstance(value, bool):
            raise RiskInputError(f"{name} must be True, False or None (got {value!r})")
    parts = (
        Part("No fixed abode", 1 if no_fixed_abode else 0, "1 if yes"),
        Part("Work-related skills", int(work_related_skills or 0), "0, 1 or 2"),
        Part("Reading, writing and numeracy", int(problems_with_reading_writing_numeracy or 0), "0, 1 or 2"),
        Part("Problems with reading", 1 if problems_with_reading else 0, "1 if yes"),
        Part("Problems with numeracy", 1 if problems_with_numeracy else 0, "1 if yes"),
        Part("Learning difficulties", int(learning_difficulties or 0), "0, 1 or 2"),
        Part("No qualifications", 2 if no_qualifications else 0, "2 if none"),
    )
    subtotal = sum(int(p.value or 0) for p in parts)
    score = 0 if subtotal <= 2 else 1 if subtotal <= 4 else 2
    return LdsResult(score, subtotal, parts)
