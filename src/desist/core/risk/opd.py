"""OPD: the offender personality disorder pathway screening, as the MoJ actuarial service has it.

Source: ministryofjustice/hmpps-arns-risk-actuarial-api (MIT) at commit
016919c5305b083e690a145856909c7b6de8c6a1, under src/main/kotlin/uk/gov/justice/digital/hmpps/
arnsriskactuarialapi/service/: OPDRiskProducerService.kt ("service": thresholds lines 3-5, applicability,
the male and female lists, the all-unanswered checks) and transformation/OPDTransformationHelper.kt
("helper": each item's points). Answers are the service's request fields in snake case: True/False, or
0/1/2 for its problem levels (no, some, significant problems); an answer not given is None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desist.core.risk.bands import Part, explain_parts, rosh_level
from desist.core.risk.errors import MissingAssessmentItems, RiskInputError

MALE_PERSONALITY_MIN = 7  # service line 3
MALE_INDICATOR_MIN = 2  # service line 4
FEMALE_MIN = 10  # service line 5

# The all-unanswered lists (service hasAllMaleQuestionsUnanswered / hasAllFemaleQuestionsUnanswered).
MALE_QUESTIONS: tuple[str, ...] = (
    "age_at_first_sanction",
    "did_offence_involve_violence_or_threat_of_violence",
    "did_offence_involve_excessive_use_of_violence",
    "does_recognise_impact_of_offending_on_others",
    "over_reliance_on_others_for_financial_support",
    "manipulative_or_predatory_behaviour",
    "recklessness_and_risk_taking_behaviour",
    "is_evidence_of_childhood_behavioural_problems",
    "impulsivity_problems",
    "controlling_or_aggressive_behaviour",
    "experience_of_childhood",
    "current_psychological_problems",
    "current_psychiatric_problems",
    "has_history_of_psychiatric_treatment",
    "has_been_on_medication_for_mental_health_problems",
    "has_ever_been_in_special_hospital_or_regional_secure_unit",
    "has_current_psychiatric_treatment",
    "has_displayed_obsessive_behaviour_linked_to_offending",
    "has_self_harm_or_attempted_suicide",
    "attitude_towards_supervision_or_licence",
    "has_assaulted_or_threatened_staff",
    "has_escaped_or_absconded",
    "has_control_issues",
)
FEMALE_QUESTIONS: tuple[str, ...] = (
    "did_offence_involve_carrying_or_using_weapon",
    "did_offence_involve_violence_or_threat_of_violence",
    "did_offence_involve_excessive_use_of_violence",
    "did_offence_involve_arson",
    "offence_motivation_emotional_state",
    "is_analysis_of_offence_issues_linked_to_risk",
    "has_accommodation_issues_linked_to_risk",
    "experience_of_childhood",
    "evidence_of_domestic_abuse",
    "relationship_issues_linked_to_risk",
)
GRADED: frozenset[str] = frozenset(
    {
        "experience_of_childhood",
        "difficulties_coping",
        "current_psychological_problems",
        "over_reliance_on_others_for_financial_support",
        "manipulative_or_predatory_behaviour",
        "current_psychiatric_problems",
        "attitude_towards_supervision_or_licence",
        "controlling_or_aggressive_behaviour",
        "recklessness_and_risk_taking_behaviour",
        "impulsivity_problems",
    }
)
OTHER_ANSWERS: tuple[str, ...] = (
    "difficulties_coping",
    "domestic_abuse_against_partner",
    "domestic_abuse_against_family",
    "are_emotional_issues_linked_to_risk",
    "are_thinking_and_behaviour_issues_linked_to_risk",
)
ANSWERS: frozenset[str] = frozenset(MALE_QUESTIONS) | frozenset(FEMALE_QUESTIONS) | frozenset(OTHER_ANSWERS)


def snake(name: str) -> str:
    """The service's camelCase field name in snake case: ``hasControlIssues`` → ``has_control_issues``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass(frozen=True, slots=True)
class OpdResult:
    """``checked`` False when every question is unanswered (no result); else ``result`` "screen_in" or
    "screen_out", ``override`` the override asked for on a screen-out (None on a screen-in or when not
    applicable), and the scores."""

    checked: bool
    result: str | None
    override: bool | None
    applicable: bool
    scores: tuple[Part, ...] = ()

    @property
    def parts(self) -> tuple[Part, ...]:
        if not self.checked:
            return (Part("OPD", "not screened", "every question unanswered"),)
        if not self.applicable:
            return (Part("OPD", "screen out", "not applicable: see the applicability rule"),)
        return (*self.scores, Part("OPD", (self.result or "").replace("_", " "), "threshold met → screen in"))

    def explain(self) -> list[tuple[str, str]]:
        return explain_parts(self.parts)


def opd(
    *,
    sex: str | None,
    overall_rosh: str | None,
    violent_or_sexual_offence: bool | None,
    custodial_sentence: bool | None,
    eligible_for_mappa: bool = False,
    answers: dict[str, object],
    apply_override: bool = False,
) -> OpdResult:
    """The OPD screening (service getRiskScore): every male (or female) question unanswered → not screened;
    men are screened only with an overall RoSH high or very high, a violent or sexual current offence and
    a custodial sentence, women with an overall RoSH high or very high or MAPPA eligibility — otherwise
    screen out. Men screen in at a personality score of 7 or an indicator score of 2, women at 10."""
    missing = [
        name
        for name, value in (
            ("sex", sex),
            ("overall_rosh", overall_rosh),
            ("custodial_sentence", custodial_sentence),
        )
        if value is None
    ]
    if missing:
        raise MissingAssessmentItems("OPD", missing)
    if not isinstance(sex, str) or sex.strip().lower() not in ("male", "female"):
        raise RiskInputError(f"sex must be 'male' or 'female' (got {sex!r})")
    male = sex.strip().lower() == "male"
    unknown = sorted(set(answers) - ANSWERS)
    if unknown:
        raise RiskInputError(f"unknown OPD answer(s) {', '.join(unknown)}")
    for name, value in answers.items():
        if value is None:
            continue
        if name == "age_at_first_sanction":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise RiskInputError(f"age_at_first_sanction must be a whole number (got {value!r})")
        elif name in GRADED:
            if isinstance(value, bool) or value not in (0, 1, 2):
                raise RiskInputError(f"{name} must be 0, 1 or 2 (got {value!r})")
        elif not isinstance(value, bool):
            raise RiskInputError(f"{name} must be True or False (got {value!r})")
    if all(answers.get(name) is None for name in (MALE_QUESTIONS if male else FEMALE_QUESTIONS)):
        return OpdResult(False, None, None, False)
    rosh = rosh_level(overall_rosh)

    def flag(name: str) -> bool:  # the service's `?: false`
        return answers.get(name) is True

    def problem(name: str) -> int:  # scoreFromProblemLevel: some or significant → 1
        return 1 if answers.get(name) in (1, 2) else 0

    high = rosh in ("high", "very_high")
    if male:
        if violent_or_sexual_offence is None:
            raise MissingAssessmentItems("OPD", ["violent_or_sexual_offence"])
        applicable = high and bool(violent_or_sexual_offence) and bool(custodial_sentence)
    else:
        applicable = high or bool(eligible_for_mappa)
    if not applicable:
        return OpdResult(True, "screen_out", None, False)

    violence = flag("did_offence_involve_violence_or_threat_of_violence")
    excessive = (1 if violence else 2) if flag("did_offence_involve_excessive_use_of_violence") else 0
    if male:
        age = answers.get("age_at_first_sanction")
        personality = (
            (1 if isinstance(age, int) and 0 <= age <= 17 else 0)
            + int(violence)
            + excessive
            + (0 if flag("does_recognise_impact_of_offending_on_others") else 1)
            + problem("over_reliance_on_others_for_financial_support")
            + problem("manipulative_or_predatory_behaviour")
            + problem("recklessness_and_risk_taking_behaviour")
            + int(flag("is_evidence_of_childhood_behavioural_problems"))
            + problem("impulsivity_problems")
            + problem("controlling_or_aggressive_behaviour")
        )
        mental_health = (
            problem("current_psychological_problems")
            or problem("current_psychiatric_problems")
            or flag("has_history_of_psychiatric_treatment")
            or flag("has_been_on_medication_for_mental_health_problems")
            or flag("has_ever_been_in_special_hospital_or_regional_secure_unit")
            or flag("has_current_psychiatric_treatment")
            or flag("has_displayed_obsessive_behaviour_linked_to_offending")
        )
        challenging = (
            problem("attitude_towards_supervision_or_licence")
            or flag("has_assaulted_or_threatened_staff")
            or flag("has_escaped_or_absconded")
            or flag("has_control_issues")
        )
        childhood = problem("experience_of_childhood") or flag(
            "is_evidence_of_childhood_behavioural_problems"
        )
        indicator = (
            int(bool(childhood))
            + int(bool(mental_health))
            + int(flag("has_self_harm_or_attempted_suicide"))
            + int(bool(challenging))
        )
        screened_in = personality >= MALE_PERSONALITY_MIN or indicator >= MALE_INDICATOR_MIN
        scores: tuple[Part, ...] = (
            Part("Personality score", personality, f"{MALE_PERSONALITY_MIN} or more screens in"),
            Part("Indicator score", indicator, f"{MALE_INDICATOR_MIN} or more screens in"),
        )
    else:
        domestic = flag("evidence_of_domestic_abuse") and (
            flag("domestic_abuse_against_partner") or flag("domestic_abuse_against_family")
        )
        score = (
            int(flag("did_offence_involve_carrying_or_using_weapon"))
            + int(violence)
            + excessive
            + int(flag("did_offence_involve_arson"))
            + int(flag("offence_motivation_emotional_state"))
            + int(flag("is_analysis_of_offence_issues_linked_to_risk"))
            + int(flag("has_accommodation_issues_linked_to_risk"))
            + problem("experience_of_childhood")
            + int(domestic)
            + int(flag("relationship_issues_linked_to_risk"))
            + problem("difficulties_coping")
            + problem("current_psychological_problems")
            + int(flag("has_self_harm_or_attempted_suicide"))
            + int(flag("are_emotional_issues_linked_to_risk"))
            + int(flag("are_thinking_and_behaviour_issues_linked_to_risk"))
        )
        screened_in = score >= FEMALE_MIN
        scores = (Part("Score", score, f"{FEMALE_MIN} or more screens in"),)
    if screened_in:
        return OpdResult(True, "screen_in", None, True, scores)
    return OpdResult(True, "screen_out", bool(apply_override), True, scores)
