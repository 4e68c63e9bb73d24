"""OASys sections, section scores and need levels, and the resettlement pathways (RULES.md §3a, §8).

A section's score is the sum of its question scores (each 0, 1 or 2: yes 2 / no 0; none 0 / some 1 /
significant 2). It is a *standard* need at or above the section's first threshold and a *severe* need at
or above the second (RULES.md §3a). Only the eight scored criminogenic sections have published thresholds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import overload

from desist.core.risk.errors import RiskInputError

NEED_LEVELS: tuple[str, ...] = ("none", "standard", "severe")
NEED_SEVERITY: dict[str, int] = {"none": 0, "standard": 1, "severe": 2}


@dataclass(frozen=True, slots=True)
class OasysSection:
    """One OASys section: its number, stable key (None for the offence sections), name and pathway."""

    number: int
    key: str
    name: str
    scored: bool  # one of the scored criminogenic needs (RULES.md §8: 3, 4, 6, 7, 8, 9, 11, 12)
    pathway: str | None  # key of the resettlement pathway it informs; None for the offence sections


# The seven resettlement pathways (RULES.md §8), key → name.
PATHWAYS: dict[str, str] = {
    "accommodation": "Accommodation",
    "education_skills_work": "Education, skills and work",
    "health": "Health (including mental health)",
    "drugs_alcohol": "Drugs and alcohol",
    "finance_benefit_debt": "Finance, benefit, debt and ID",
    "children_families_community": "Children, families and community",
    "attitudes_thinking_behaviour": "Attitudes, thinking and behaviour",
}

# OASys sections 1–13 (RULES.md §8) and the pathway each informs. The mapping is ours (RULES.md names the
# sections and the pathways but does not pair them): every section goes to the pathway of the same
# subject; lifestyle and associates goes to attitudes, thinking and behaviour (its questions are about
# activities that encourage offending, being easily influenced and recklessness); relationships goes to
# children, families and community; emotional well-being and health go to health. Sections 1 and 2 (the
# offence) inform no pathway.
OASYS_SECTIONS: tuple[OasysSection, ...] = (
    OasysSection(1, "offending_information", "Offending information", False, None),
    OasysSection(2, "analysis_of_offences", "Analysis of offences", False, None),
    OasysSection(3, "accommodation", "Accommodation", True, "accommodation"),
    OasysSection(4, "ete", "Education, training and employability", True, "education_skills_work"),
    OasysSection(5, "finance", "Financial management and income", False, "finance_benefit_debt"),
    OasysSection(6, "relationships", "Relationships", True, "children_families_community"),
    OasysSection(7, "lifestyle", "Lifestyle and associates", True, "attitudes_thinking_behaviour"),
    OasysSection(8, "drugs", "Drug misuse", True, "drugs_alcohol"),
    OasysSection(9, "alcohol", "Alcohol misuse", True, "drugs_alcohol"),
    OasysSection(10, "emotional_wellbeing", "Emotional well-being", False, "health"),
    OasysSection(11, "thinking_behaviour", "Thinking and behaviour", True, "attitudes_thinking_behaviour"),
    OasysSection(12, "attitudes", "Attitudes", True, "attitudes_thinking_behaviour"),
    OasysSection(13, "health", "Health and other considerations", False, "health"),
)

# The ten need sections (3–12), in OASys order: the keys the tier and the assessment records use.
SECTION_KEYS: tuple[str, ...] = tuple(s.key for s in OASYS_SECTIONS if 3 <= s.number <= 12)
SECTION_NAMES: dict[str, str] = {s.key: s.name for s in OASYS_SECTIONS}
SECTION_NUMBERS: dict[str, int] = {s.key: s.number for s in OASYS_SECTIONS}
# Section key → pathway key, and section key → pathway name (for display).
SECTION_PATHWAY: dict[str, str] = {s.key: s.pathway for s in OASYS_SECTIONS if s.pathway is not None}
SECTION_PATHWAYS: dict[str, str] = {key: PATHWAYS[pathway] for key, pathway in SECTION_PATHWAY.items()}

# RULES.md §3a: (standard at or above, severe at or above). hmpps-tier NeedSection.kt has the same numbers.
THRESHOLDS: dict[str, tuple[int, int]] = {
    "accommodation": (2, 7),
    "ete": (3, 7),
    "relationships": (2, 5),
    "lifestyle": (2, 5),
    "drugs": (2, 8),
    "alcohol": (4, 7),
    "thinking_behaviour": (4, 7),
    "attitudes": (2, 7),
}
# hmpps-tier also carries lower thresholds for assessments made with the Strengths and Needs (SAN) tool
# (NeedSection.kt, sanThresholdOverride). Not in RULES.md: used only when ``san=True`` is asked for.
SAN_THRESHOLDS: dict[str, tuple[int, int]] = {
    "accommodation": (3, 5),
    "drugs": (2, 6),
    "alcohol": (2, 4),
    "thinking_behaviour": (3, 5),
    "attitudes": (1, 5),
}

# The questions hmpps-tier sums for each scored section (NeedSection.kt), for reference and display.
SECTION_QUESTIONS: dict[str, tuple[str, ...]] = {
    "accommodation": ("no fixed abode or transient", "suitability", "permanence", "location"),
    "ete": ("unemployed", "employment history", "work-related skills", "attitude to employment"),
    "relationships": (
        "relationship with close family",
        "experience of childhood",
        "previous close relationships",
    ),
    "lifestyle": ("regular activities encourage offending", "easily influenced", "recklessness"),
    "drugs": (
        "current drug misuse",
        "ever injected",
        "motivation to tackle drug misuse",
        "drugs a major activity",
    ),
    "alcohol": (
        "current use a problem",
        "binge drinking",
        "frequency and level",
        "motivation to tackle alcohol misuse",
    ),
    "thinking_behaviour": (
        "recognises problems",
        "problem solving",
        "awareness of consequences",
        "understands others' views",
    ),
    "attitudes": (
        "pro-criminal attitudes",
        "attitude to supervision",
        "attitude to community and society",
        "motivation to address offending",
    ),
}

QUESTION_SCORES: tuple[int, ...] = (0, 1, 2)


def section_key(section: str) -> str:
    """``section`` checked against :data:`SECTION_KEYS`; RiskInputError naming the allowed keys."""
    if section not in SECTION_KEYS:
        raise RiskInputError(f"unknown OASys section {section!r}: use one of {', '.join(SECTION_KEYS)}")
    return section


def section_score(question_scores: Iterable[int | None] | Mapping[str, int | None]) -> int | None:
    """The section score: the sum of its question scores (each 0, 1 or 2).

    ``question_scores`` is a sequence of scores, or a mapping of question → score. None marks a question
    not answered and counts 0; if no question is answered at all the section has no score (None), as in
    hmpps-tier. RiskInputError for any other value.
    """
    values = list(question_scores.values()) if isinstance(question_scores, Mapping) else list(question_scores)
    answered: list[int] = []
    for value in values:
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value not in QUESTION_SCORES:
            raise RiskInputError(f"question scores must be 0, 1 or 2 (got {value!r})")
        answered.append(value)
    return sum(answered) if answered else None


@overload
def section_need(section: str, score: int, *, san: bool = False) -> str: ...
@overload
def section_need(section: str, score: None, *, san: bool = False) -> None: ...
def section_need(section: str, score: int | None, *, san: bool = False) -> str | None:
    """The need level of a section score: "none", "standard" or "severe" (RULES.md §3a).

    Standard at or above the first threshold, severe at or above the second: accommodation 2/7; ETE 3/7;
    relationships 2/5; lifestyle 2/5; drugs 2/8; alcohol 4/7; thinking & behaviour 4/7; attitudes 2/7.
    A section with no score (None: nothing answered) has no need level (None). ``san=True`` uses the
    lower thresholds hmpps-tier applies to SAN assessments where it has them (not in RULES.md).
    RiskInputError for an unknown section, for finance and emotional well-being (no published
    thresholds) and for a negative score.
    """
    key = section_key(section)
    if key not in THRESHOLDS:
        raise RiskInputError(
            f"section {key!r} has no published need thresholds (RULES.md §3a gives them for "
            f"{', '.join(THRESHOLDS)})"
        )
    if score is None:
        return None
    if isinstance(score, bool) or not isinstance(score, int) or score < 0:
        raise RiskInputError(f"a section score must be a whole number of 0 or more (got {score!r})")
    standard, severe = (SAN_THRESHOLDS.get(key) if san else None) or THRESHOLDS[key]
    if score >= severe:
        return "severe"
    if score >= standard:
        return "standard"
    return "none"


def needs_from_scores(scores: Mapping[str, int | None], *, san: bool = False) -> dict[str, str]:
    """Need levels for several sections at once ({section: score} → {section: level}); unscored left out."""
    levels: dict[str, str] = {}
    for section, score in scores.items():
        if score is not None:
            levels[section] = section_need(section, score, san=san)
    return levels


def need_level(value: object, *, section: str) -> str:
    """``value`` checked as a need level (none, standard, severe); None counts as "none"."""
    if value is None:
        return "none"
    if not isinstance(value, str) or value not in NEED_LEVELS:
        raise RiskInputError(f"need for {section} must be one of {', '.join(NEED_LEVELS)} (got {value!r})")
    return value
