"""Probation tiering (RULES.md §3): the two-axis model ("B2") and the single-letter model (A–G, 2026).

Sources: the MoJ service ``hmpps-tier`` (ProtectLevelCalculator.kt, ChangeLevelCalculator.kt,
MandateForChange.kt, AdditionalFactorsForWomen.kt, TierCalculator.kt, docs/tier-calculation.md).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from desist.core.risk.bands import Part, check_percent, explain_parts, rosh_level
from desist.core.risk.errors import MissingAssessmentItems, RiskInputError
from desist.core.risk.needs import NEED_SEVERITY, SECTION_KEYS, SECTION_NAMES, need_level

# --- the two-axis model (RULES.md §3a) ------------------------------------------------------------------

PROTECT_A_FROM = 150
PROTECT_B_FROM = 20
PROTECT_C_FROM = 10
CHANGE_3_FROM = 20
CHANGE_2_FROM = 10

RSR_20_FROM = 7.0  # RSR 7.00 or more → 20 points
RSR_10_FROM = 3.0  # RSR 3.00 to 6.99 → 10 points (we count everything from 3.00 up to 7.00)
ROSH_POINTS: dict[str, int] = {"very_high": 150, "high": 20, "medium": 10, "low": 0}
MAPPA_LEVEL_POINTS: dict[int, int] = {3: 150, 2: 150, 1: 5}
MAPPA_CATEGORIES: tuple[int, ...] = (1, 2, 3, 4)

# The registers that count 2 protect points each (once per distinct register), with hmpps-tier's Delius
# register codes (ComplexityFactor.kt). Any other register (MAPPA, IOM, stalking, ...) counts nothing here.
COMPLEXITY_REGISTERS: dict[str, str] = {
    "mental_health": "Mental health issues (RMDO)",
    "self_harm": "Attempted suicide or self-harm (ALSH)",
    "vulnerability": "Vulnerability (RVLN)",
    "child_concerns": "Child concerns (RCCO)",
    "child_protection": "Child protection (RCPR)",
    "risk_to_children": "Risk to children (RCHD)",
    "public_interest": "Public interest (RPIR)",
    "adult_at_risk": "Adult at risk (RVAD)",
    "street_gangs": "Street gangs (STRG)",
    "terrorism": "Terrorism (TACT/RTAO)",
}
COMPLEXITY_POINTS = 2

# RULES.md §3a needs weights (hmpps-tier Need.kt); finance and emotional well-being weigh 0.
NEED_WEIGHTS: dict[str, int] = {
    "accommodation": 1,
    "ete": 1,
    "relationships": 1,
    "lifestyle": 1,
    "drugs": 1,
    "alcohol": 1,
    "thinking_behaviour": 2,
    "attitudes": 2,
    "finance": 0,
    "emotional_wellbeing": 0,
}
IOM_POINTS = 2

# Requirement kinds in the product's vocabulary (RULES.md §9).
REQUIREMENT_KINDS: tuple[str, ...] = (
    "unpaid_work",
    "rar",
    "programme",
    "prohibited_activity",
    "curfew",
    "exclusion",
    "residence",
    "foreign_travel_prohibition",
    "mhtr",
    "drr",
    "atr",
    "aamr",
    "attendance_centre",
    "electronic_monitoring",
)
# Requirements that restrict rather than work on change. hmpps-tier has no list of its own: it reads each
# requirement's "restrictive" flag from nDelius and leaves out unpaid work (main categories W and W1). This
# default is our reading of which requirements only restrict; a deployment may pass its own set.
DEFAULT_RESTRICTIVE_REQUIREMENTS: frozenset[str] = frozenset(
    {"curfew", "exclusion", "electronic_monitoring", "prohibited_activity", "foreign_travel_prohibition"}
)
NO_MANDATE_REQUIREMENTS: frozenset[str] = frozenset({"unpaid_work"})
# hmpps-tier counts a Layer 3 assessment completed in the last 55 weeks as current (mandateForChange.feature).
CURRENT_ASSESSMENT_WEEKS = 55


@dataclass(frozen=True, slots=True)
class WomenFactors:
    """The additional protect factors for women (RULES.md §3a; hmpps-tier AdditionalFactorsForWomen.kt).

    parenting_responsibilities: OASys 6.9 answered yes. impulsivity (11.2) and temper_control (11.4): the
    question scores, 0–2. breach_or_recall: a previous breach or recall (previous enforcement activity).
    """

    parenting_responsibilities: bool = False
    impulsivity: int = 0
    temper_control: int = 0
    breach_or_recall: bool = False

    def __post_init__(self) -> None:
        for name in ("parenting_responsibilities", "breach_or_recall"):
            if not isinstance(getattr(self, name), bool):
                raise RiskInputError(f"{name} must be True or False (got {getattr(self, name)!r})")
        for name in ("impulsivity", "temper_control"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value not in (0, 1, 2):
                raise RiskInputError(f"{name} must be 0, 1 or 2 (got {value!r})")


def has_mandate_for_change(
    *,
    custodial_sentence_current: bool,
    requirements: Iterable[str],
    restrictive: Collection[str] = DEFAULT_RESTRICTIVE_REQUIREMENTS,
) -> bool:
    """Whether there is a mandate for change (RULES.md §3a; hmpps-tier MandateForChange.kt).

    True while a custodial sentence is current, or while the current orders carry a requirement that is
    neither unpaid work nor restrictive (``restrictive``: by default curfew, exclusion, electronic
    monitoring, prohibited activity and foreign travel prohibition). Unpaid work alone, restrictive
    requirements alone, or both together give no mandate. RiskInputError for an unknown requirement kind.
    """
    if not isinstance(custodial_sentence_current, bool):
        raise RiskInputError(
            f"custodial_sentence_current must be True or False (got {custodial_sentence_current!r})"
        )
    kinds = set(requirements)
    unknown = sorted(kinds - set(REQUIREMENT_KINDS))
    if unknown:
        raise RiskInputError(
            f"unknown requirement kind(s) {', '.join(unknown)}: use {', '.join(REQUIREMENT_KINDS)}"
        )
    if custodial_sentence_current:
        return True
    return any(kind not in NO_MANDATE_REQUIREMENTS and kind not in restrictive for kind in kinds)


def is_assessment_current(completed_on: date, *, as_of: date, weeks: int = CURRENT_ASSESSMENT_WEEKS) -> bool:
    """Whether an assessment completed on ``completed_on`` is current on ``as_of``: completed within
    ``weeks`` weeks (hmpps-tier: 55 weeks; an assessment 55 weeks and one day old is out of date)."""
    return as_of - timedelta(weeks=weeks) <= completed_on <= as_of


def protect_level(points: int) -> str:
    """A ≥ 150; B 20–149; C 10–19; D < 10 (RULES.md §3a)."""
    if points >= PROTECT_A_FROM:
        return "A"
    if points >= PROTECT_B_FROM:
        return "B"
    if points >= PROTECT_C_FROM:
        return "C"
    return "D"


def change_level(points: int) -> int:
    """3 at 20 or more, 2 at 10–19, 1 below 10 (RULES.md §3a), where there is a mandate and an assessment."""
    if points >= CHANGE_3_FROM:
        return 3
    if points >= CHANGE_2_FROM:
        return 2
    return 1


def rsr_points(percent: float | None) -> int:
    """RSR 7.00 or more → 20; 3.00 to below 7.00 → 10; else 0 (RULES.md §3a)."""
    if percent is None:
        return 0
    if percent >= RSR_20_FROM:
        return 20
    if percent >= RSR_10_FROM:
        return 10
    return 0


@dataclass(frozen=True, slots=True)
class TwoAxisTier:
    """A two-axis tier ("B2", or "B2S" unsupervised) with both axes' points and their parts."""

    tier: str
    protect_level: str
    protect_points: int
    protect_parts: tuple[Part, ...]  # their values sum to protect_points
    change_level: int
    change_points: int
    change_parts: tuple[Part, ...]  # their values sum to change_points
    unsupervised: bool

    @property
    def parts(self) -> tuple[Part, ...]:
        """The whole working: protect parts, the protect level, change parts, the change level, the tier."""
        return (
            *self.protect_parts,
            Part("Protect points", self.protect_points, "sum of the protect parts"),
            Part("Protect level", self.protect_level, "A ≥ 150; B 20–149; C 10–19; D < 10"),
            *self.change_parts,
            Part("Change points", self.change_points, "sum of the change parts"),
            Part(
                "Change level",
                self.change_level,
                "0 no mandate; 2 no current assessment; else 3 at ≥ 20, 2 at 10–19, 1 below 10",
            ),
            Part(
                "Tier",
                self.tier,
                "protect level, change level" + (", S: unsupervised" if self.unsupervised else ""),
            ),
        )

    def explain(self) -> list[tuple[str, str]]:
        """The working, one (label, value) line per step."""
        return explain_parts(self.parts)


def _optional_int(name: str, value: object, allowed: tuple[int, ...]) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        raise RiskInputError(f"{name} must be one of {', '.join(map(str, allowed))} or None (got {value!r})")
    return value


def _sex(value: object) -> str:
    if not isinstance(value, str) or value.strip().lower() not in ("male", "female"):
        raise RiskInputError(f"sex must be 'male' or 'female' (got {value!r})")
    return value.strip().lower()


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise RiskInputError(f"{name} must be True or False (got {value!r})")
    return value


def _protect_parts(
    *,
    rsr: float | None,
    rosh: str | None,
    mappa_level: int | None,
    mappa_category: int | None,
    registers: Iterable[str],
    sex: str,
    women: WomenFactors | None,
) -> list[Part]:
    parts: list[Part] = []
    from_rsr = rsr_points(rsr)
    from_rosh = ROSH_POINTS[rosh] if rosh else 0
    rsr_label = "RSR not received" if rsr is None else f"RSR {rsr:.2f}%"
    rosh_label = "RoSH not recorded" if rosh is None else f"RoSH {rosh.replace('_', ' ')}"
    rsr_rule = "7.00 or more → 20; 3.00–6.99 → 10; else 0"
    rosh_rule = "very high → 150; high → 20; medium → 10; low or none → 0"
    if from_rsr >= from_rosh:
        parts.append(Part(rsr_label, from_rsr, f"{rsr_rule}; the larger of RSR and RoSH: counted"))
        parts.append(
            Part(rosh_label, 0, f"{rosh_rule} (= {from_rosh}); only the larger of RSR and RoSH counts")
        )
    else:
        parts.append(Part(rsr_label, 0, f"{rsr_rule} (= {from_rsr}); only the larger of RSR and RoSH counts"))
        parts.append(Part(rosh_label, from_rosh, f"{rosh_rule}; the larger of RSR and RoSH: counted"))

    mappa = "none" if mappa_level is None else f"level {mappa_level}"
    if mappa_category is not None:
        mappa += f", category {mappa_category}"
    parts.append(
        Part(
            f"MAPPA {mappa}",
            MAPPA_LEVEL_POINTS.get(mappa_level or 0, 0),
            "level 2 or 3 → 150; level 1 → 5; the category does not count",
        )
    )

    distinct = sorted(set(registers))
    counted = [r for r in distinct if r in COMPLEXITY_REGISTERS]
    ignored = [r for r in distinct if r not in COMPLEXITY_REGISTERS]
    label = "Complexity registers: " + (", ".join(counted) if counted else "none")
    rule = f"{COMPLEXITY_POINTS} for each distinct register of: {', '.join(COMPLEXITY_REGISTERS)}"
    if ignored:
        rule += f" (not counted: {', '.join(ignored)})"
    parts.append(Part(label, COMPLEXITY_POINTS * len(counted), rule))

    if sex != "female":
        parts.append(Part("Additional factors for women", 0, "women only"))
    else:
        factors = women or WomenFactors()
        parenting = 1 if factors.parenting_responsibilities else 0
        self_control = 1 if (factors.impulsivity > 0 or factors.temper_control > 0) else 0
        parts.append(
            Part(
                "Additional factors for women",
                (parenting + self_control) * 2,
                f"(parenting responsibilities (6.9) {parenting} "
                f"+ impulsivity (11.2) {factors.impulsivity} or temper "
                f"control (11.4) {factors.temper_control} above 0 → {self_control}) × 2"
                + (" (no answers given: 0)" if women is None else ""),
            )
        )
        parts.append(
            Part("Previous breach or recall", 2 if factors.breach_or_recall else 0, "women only: 2 if yes")
        )
    return parts


def _change_parts(
    *,
    mandate: bool,
    current_assessment: bool,
    needs: Mapping[str, str | None],
    ogrs: float | None,
    iom: bool,
) -> tuple[int, list[Part]]:
    if not mandate:
        return 0, [
            Part(
                "No mandate for change",
                0,
                "no custodial sentence and no requirement beyond unpaid work or restriction → change level 0",
            )
        ]
    if not current_assessment:
        return 2, [Part("No current assessment", 0, "no current assessment → change level 2")]
    parts: list[Part] = []
    for section in SECTION_KEYS:
        if section not in needs:
            continue
        level = need_level(needs[section], section=section)
        weight = NEED_WEIGHTS[section]
        parts.append(
            Part(
                f"Need: {SECTION_NAMES[section]} {level}",
                weight * NEED_SEVERITY[level],
                f"weight {weight} × severity {NEED_SEVERITY[level]} (standard 1, severe 2)",
            )
        )
    if ogrs is None:
        parts.append(Part("OGRS3 not available", 0, "floor(OGRS % / 10); none → 0"))
    else:
        parts.append(Part(f"OGRS3 {ogrs:g}%", math.floor(ogrs / 10), "floor(OGRS % / 10)"))
    parts.append(
        Part("IOM nominal" if iom else "Not an IOM nominal", IOM_POINTS if iom else 0, "2 if an IOM nominal")
    )
    points = sum(int(p.value or 0) for p in parts)
    return change_level(points), parts


def tier_two_axis(
    *,
    rsr_percent: float | Decimal | None,
    rosh: str | None,
    mappa_level: int | None,
    mappa_category: int | None,
    registers: Iterable[str],
    sex: str,
    women_factors: WomenFactors | None,
    has_mandate_for_change: bool,
    has_current_assessment: bool,
    needs: Mapping[str, str | None],
    ogrs_percent: float | None,
    is_iom_nominal: bool,
    unsupervised: bool = False,
) -> TwoAxisTier:
    """The two-axis tier (RULES.md §3a): protect level A–D and change level 0–3, e.g. "B2".

    Protect points = the larger of RSR points and RoSH points + MAPPA points + 2 per distinct complexity
    register (:data:`COMPLEXITY_REGISTERS`; other registers are ignored) + for women, (parenting + self
    control) × 2 + 2 for a previous breach or recall. Change level: 0 without a mandate for change, 2
    without a current assessment, else from needs points (weight × severity) + floor(OGRS % / 10) + 2 for an
    IOM nominal. ``needs`` maps section keys (:data:`desist.core.risk.needs.SECTION_KEYS`) to none,
    standard or severe. ``rsr_percent``, ``rosh``, ``mappa_level`` and ``ogrs_percent`` may be None (not
    available: 0 points). ``unsupervised`` adds the suffix "S".
    """
    rsr = None if rsr_percent is None else check_percent("RSR percentage", rsr_percent)
    rosh_key = None if rosh is None else rosh_level(rosh)
    level = _optional_int("MAPPA level", mappa_level, (1, 2, 3))
    category = _optional_int("MAPPA category", mappa_category, MAPPA_CATEGORIES)
    if isinstance(registers, str):
        raise RiskInputError("registers must be a collection of register keys, not one string")
    register_keys = list(registers)
    sex_key = _sex(sex)
    if women_factors is not None and not isinstance(women_factors, WomenFactors):
        raise RiskInputError(f"women_factors must be a WomenFactors or None (got {women_factors!r})")
    mandate = _flag("has_mandate_for_change", has_mandate_for_change)
    current = _flag("has_current_assessment", has_current_assessment)
    iom = _flag("is_iom_nominal", is_iom_nominal)
    unsup = _flag("unsupervised", unsupervised)
    unknown = sorted(set(needs) - set(SECTION_KEYS))
    if unknown:
        raise RiskInputError(f"unknown need section(s) {', '.join(unknown)}: use {', '.join(SECTION_KEYS)}")
    ogrs = None if ogrs_percent is None else check_percent("OGRS percentage", ogrs_percent)

    protect = _protect_parts(
        rsr=rsr,
        rosh=rosh_key,
        mappa_level=level,
        mappa_category=category,
        registers=register_keys,
        sex=sex_key,
        women=women_factors,
    )
    protect_points = sum(int(p.value or 0) for p in protect)
    change, change_parts = _change_parts(
        mandate=mandate, current_assessment=current, needs=needs, ogrs=ogrs, iom=iom
    )
    change_points = sum(int(p.value or 0) for p in change_parts)
    letter = protect_level(protect_points)
    return TwoAxisTier(
        tier=f"{letter}{change}{'S' if unsup else ''}",
        protect_level=letter,
        protect_points=protect_points,
        protect_parts=tuple(protect),
        change_level=change,
        change_points=change_points,
        change_parts=tuple(change_parts),
        unsupervised=unsup,
    )


# --- the single-letter model (RULES.md §3b) ---------------------------------------------------------------

TIER_LETTERS: tuple[str, ...] = ("A", "B", "C", "D", "E", "F", "G")
CSRP_ROWS: tuple[float, ...] = (6.9, 3.0, 1.0, 0.5, 0.0)
ARP_COLUMNS: tuple[int, ...] = (90, 75, 50, 25, 15, 0)
ARP_CSRP_TABLE: tuple[str, ...] = (  # one string per CSRP row, one letter per ARP column
    "AABBBB",
    "ABCCCC",
    "BCDEEE",
    "CDEEFF",
    "DDEFFG",
)
DCSRP_BANDS: tuple[str, ...] = ("low", "medium", "high", "very_high")
# DC-SRP medium band by score, first match wins. RULES.md gives ≥ 3.36 → C and ≥ 2.11 → D; hmpps-tier
# (TierCalculator.kt, docs/tier-calculation.md) adds ≥ 1.12 → C and ≥ 0.60 → D for scores "with risk
# reduction". The default follows hmpps-tier so that every medium score it accepts has a letter.
DEFAULT_DCSRP_MEDIUM_THRESHOLDS: tuple[tuple[float, str], ...] = (
    (3.36, "C"),
    (2.11, "D"),
    (1.12, "C"),
    (0.60, "D"),
)
REGISTRATION_LETTERS: dict[str, str] = {"domestic_abuse": "E", "stalking": "F", "child_protection": "F"}
# The product's register kinds that stand for those registrations.
REGISTRATION_ALIASES: dict[str, str] = {"domestic_abuse_perpetrator": "domestic_abuse"}
SEXUAL_OFFENCE_LETTER = "E"


def arp_csrp_letter(arp_percent: float, csrp_percent: float) -> str:
    """The ARP × CSRP table of RULES.md §3b: the row is the first CSRP threshold met (6.9, 3.0, 1.0, 0.5,
    0.0), the column the first ARP threshold met (90, 75, 50, 25, 15, 0)."""
    arp = check_percent("ARP percentage", arp_percent)
    csrp = check_percent("CSRP percentage", csrp_percent)
    row = next(i for i, floor in enumerate(CSRP_ROWS) if csrp >= floor)
    column = next(i for i, floor in enumerate(ARP_COLUMNS) if arp >= floor)
    return ARP_CSRP_TABLE[row][column]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True, slots=True)
class SingleLetterTier:
    """A single-letter tier (A highest to G) and each component's letter (None: no letter) with its rule."""

    tier: str
    components: tuple[Part, ...]

    @property
    def parts(self) -> tuple[Part, ...]:
        """Each component, then the tier."""
        return (
            *self.components,
            Part("Tier", self.tier, "the highest (closest to A) of the component letters"),
        )

    def explain(self) -> list[tuple[str, str]]:
        """The working, one (label, value) line per component."""
        return explain_parts(
            Part(p.label, "no letter" if p.value is None else p.value, p.rule) for p in self.parts
        )


def tier_single_letter(
    *,
    arp_percent: float | None,
    csrp_percent: float | None,
    dcsrp_band: str | None = None,
    dcsrp_score: float | None = None,
    mappa_category: int | None = None,
    rosh: str | None = None,
    is_lifer_or_ipp: bool = False,
    latest_release_date: date | None = None,
    registrations: Iterable[str] = (),
    ever_committed_sexual_offence: bool = False,
    as_of: date | None = None,
    dcsrp_medium_thresholds: tuple[tuple[float, str], ...] = DEFAULT_DCSRP_MEDIUM_THRESHOLDS,
) -> SingleLetterTier:
    """The single-letter tier (RULES.md §3b; hmpps-tier TierCalculator.kt): the highest of

    - the ARP × CSRP table (both required: MissingAssessmentItems names what is missing);
    - the direct-contact sexual reoffending band: very high → A, high → B, low → E, medium by score
      (``dcsrp_medium_thresholds``); no band (None or "not_applicable") → no letter;
    - MAPPA with RoSH: with any MAPPA category very high → A, high → C, medium → D, low/none → E; without
      MAPPA very high → C, high → D, else no letter;
    - lifer/IPP released within 1 year of ``as_of`` → B, within 5 years → D, else E (no release date: no
      letter); ``as_of`` defaults to today;
    - registrations: domestic abuse → E, stalking → F, child protection → F (other keys are ignored);
      any sexual offence ever → E.
    """
    require: dict[str, object] = {"arp_percent": arp_percent, "csrp_percent": csrp_percent}
    dcsrp = None if dcsrp_band is None else "_".join(str(dcsrp_band).strip().lower().split())
    if dcsrp == "not_applicable":
        dcsrp = None
    if dcsrp == "medium":
        require["dcsrp_score"] = dcsrp_score
    missing = [name for name, value in require.items() if value is None]
    if missing:
        raise MissingAssessmentItems("the single-letter tier", missing)
    assert arp_percent is not None and csrp_percent is not None
    components: list[Part] = [
        Part(
            f"ARP {arp_percent:g}% × CSRP {csrp_percent:g}%",
            arp_csrp_letter(arp_percent, csrp_percent),
            "RULES.md §3b table: CSRP rows 6.9/3.0/1.0/0.5/0, ARP columns 90/75/50/25/15/0",
        )
    ]

    if dcsrp is not None and dcsrp not in DCSRP_BANDS:
        raise RiskInputError(
            f"DC-SRP band must be one of {', '.join(DCSRP_BANDS)}, not_applicable or None "
            f"(got {dcsrp_band!r})"
        )
    if dcsrp is None:
        components.append(Part("DC-SRP: no band", None, "no validated band: no letter"))
    elif dcsrp == "medium":
        score = check_percent("DC-SRP score", dcsrp_score)
        letter = next((lt for floor, lt in dcsrp_medium_thresholds if score >= floor), None)
        if letter is None:
            raise RiskInputError(
                f"DC-SRP score {score:g} is below every medium-band threshold "
                f"({', '.join(f'{f:g}' for f, _ in dcsrp_medium_thresholds)})"
            )
        components.append(
            Part(
                f"DC-SRP medium, score {score:g}",
                letter,
                "medium by score: " + ", ".join(f"≥ {f:g} → {lt}" for f, lt in dcsrp_medium_thresholds),
            )
        )
    else:
        letter = {"very_high": "A", "high": "B", "low": "E"}[dcsrp]
        components.append(
            Part(f"DC-SRP {dcsrp.replace('_', ' ')}", letter, "very high → A, high → B, low → E")
        )

    category = _optional_int("MAPPA category", mappa_category, MAPPA_CATEGORIES)
    rosh_key = None if rosh is None else rosh_level(rosh)
    rosh_text = "none" if rosh_key is None else rosh_key.replace("_", " ")
    if category is not None:
        letter_or_none: str | None = {"very_high": "A", "high": "C", "medium": "D"}.get(rosh_key or "", "E")
        components.append(
            Part(
                f"MAPPA category {category}, RoSH {rosh_text}",
                letter_or_none,
                "with MAPPA: very high → A, high → C, medium → D, low or none → E",
            )
        )
    else:
        letter_or_none = {"very_high": "C", "high": "D"}.get(rosh_key or "")
        components.append(
            Part(
                f"No MAPPA, RoSH {rosh_text}",
                letter_or_none,
                "without MAPPA: very high → C, high → D, else no letter",
            )
        )

    lifer = _flag("is_lifer_or_ipp", is_lifer_or_ipp)
    if not lifer:
        components.append(Part("Not a lifer or IPP", None, "lifer/IPP only"))
    elif latest_release_date is None:
        components.append(Part("Lifer/IPP, no release date", None, "no release date: no letter"))
    else:
        today = as_of or date.today()
        if latest_release_date > today:
            raise RiskInputError(f"latest release date ({latest_release_date}) is after {today}")
        if latest_release_date >= _years_before(today, 1):
            letter = "B"
        elif latest_release_date >= _years_before(today, 5):
            letter = "D"
        else:
            letter = "E"
        components.append(
            Part(
                f"Lifer/IPP released {latest_release_date}",
                letter,
                "released within 1 year → B, within 5 years → D, else E",
            )
        )

    if isinstance(registrations, str):
        raise RiskInputError("registrations must be a collection of keys, not one string")
    keys = {REGISTRATION_ALIASES.get(r, r) for r in registrations}
    for key, letter in REGISTRATION_LETTERS.items():
        present = key in keys
        components.append(
            Part(
                f"{key.replace('_', ' ').capitalize()} registration" + ("" if present else ": none"),
                letter if present else None,
                f"{key.replace('_', ' ')} → {letter}",
            )
        )
    sexual = _flag("ever_committed_sexual_offence", ever_committed_sexual_offence)
    components.append(
        Part(
            "Sexual offence ever" if sexual else "No sexual offence recorded",
            SEXUAL_OFFENCE_LETTER if sexual else None,
            f"any sexual offence ever → {SEXUAL_OFFENCE_LETTER}",
        )
    )

    letters = [str(p.value) for p in components if p.value is not None]
    return SingleLetterTier(tier=min(letters, key=TIER_LETTERS.index), components=tuple(components))
