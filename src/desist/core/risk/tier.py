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
from desist.core.risk.errors import RiskInputError
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
# MAPPA levels and categories as hmpps-tier spells them (MappaLevel.kt M1–M3, MappaCategory.kt M1–M4).
MAPPA_LEVELS: tuple[str, ...] = ("M1", "M2", "M3")
MAPPA_CATEGORIES: tuple[str, ...] = ("M1", "M2", "M3", "M4")
MAPPA_LEVEL_POINTS: dict[str, int] = {"M3": 150, "M2": 150, "M1": 5}

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


def _optional_code(name: str, value: object, allowed: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value.strip().upper() not in allowed:
        raise RiskInputError(f"{name} must be one of {', '.join(allowed)} or None (got {value!r})")
    return value.strip().upper()


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
    mappa_level: str | None,
    mappa_category: str | None,
    registrations: Iterable[str],
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
            MAPPA_LEVEL_POINTS.get(mappa_level or "", 0),
            "level M2 or M3 → 150; level M1 → 5; the category does not count",
        )
    )

    distinct = sorted(set(registrations))
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
    mappa_level: str | None,
    mappa_category: str | None,
    registrations: Iterable[str],
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
    registration (:data:`COMPLEXITY_REGISTERS`; other registrations count nothing) + for women,
    (parenting + self control) × 2 + 2 for a previous breach or recall. Change level: 0 without a mandate
    for change, 2 without a current assessment, else from needs points (weight × severity)
    + floor(OGRS % / 10) + 2 for an IOM nominal. ``needs`` maps section keys
    (:data:`desist.core.risk.needs.SECTION_KEYS`) to none, standard or severe. ``mappa_level`` ("M1"–"M3")
    and ``mappa_category`` ("M1"–"M4") are spelt as hmpps-tier spells them. ``rsr_percent``, ``rosh``,
    ``mappa_level`` and ``ogrs_percent`` may be None (not available: 0 points). ``unsupervised`` adds "S".
    """
    rsr = None if rsr_percent is None else check_percent("RSR percentage", rsr_percent)
    rosh_key = None if rosh is None else rosh_level(rosh)
    level = _optional_code("MAPPA level", mappa_level, MAPPA_LEVELS)
    category = _optional_code("MAPPA category", mappa_category, MAPPA_CATEGORIES)
    if isinstance(registrations, str):
        raise RiskInputError("registrations must be a collection of registration keys, not one string")
    register_keys = list(registrations)
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
        registrations=register_keys,
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
# Source: hmpps-tier at commit affac98aa31db76f1856de066cb9a65e54c43cee,
# service/calculation/TierCalculator.kt, ReoffendingPredictorTable.kt, ProvisionalStatusCalculator.kt
# and client/arns/ogrs4/ValidPredictor.kt.

TIER_LETTERS: tuple[str, ...] = ("A", "B", "C", "D", "E", "F", "G")
CSRP_ROWS: tuple[float, ...] = (6.9, 3.0, 1.0, 0.5, 0.0)  # ReoffendingPredictorTable.kt line 8
ARP_COLUMNS: tuple[int, ...] = (90, 75, 50, 25, 15, 0)  # ReoffendingPredictorTable.kt line 9
ARP_CSRP_TABLE: tuple[str, ...] = (  # ReoffendingPredictorTable.kt lines 10-17; one letter per ARP column
    "AABBBB",
    "ABCCCC",
    "BCDEEE",
    "CDEEFF",
    "DDEFFG",
)
DCSRP_BANDS: tuple[str, ...] = ("low", "medium", "high", "very_high")
# DC-SRP medium band by score, first match wins (TierCalculator.kt lines 47-55). RULES.md gives ≥ 3.36 → C and
# ≥ 2.11 → D; hmpps-tier adds ≥ 1.12 → C and ≥ 0.60 → D for scores "with risk reduction". The default follows
# hmpps-tier so that every medium score it accepts has a letter.
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

# What a single-letter calculation gives (hmpps-tier domain/enums/Tier.kt: A–G, MISSING, NOT_SUPERVISED).
STATUS_TIER = "tier"
STATUS_MISSING = "missing"
STATUS_NOT_SUPERVISED = "not_supervised"


def _rank(letter: str) -> int:
    """A is the highest tier: a larger rank is a higher tier (hmpps-tier Tier.kt orders G < F < … < A)."""
    return len(TIER_LETTERS) - TIER_LETTERS.index(letter)


def _highest(letters: Iterable[str | None]) -> str:
    """The highest of the letters, G when there is none (TierCalculator.kt: ``maxOf { it.value ?: G }``)."""
    present = [lt for lt in letters if lt is not None]
    return min(present, key=TIER_LETTERS.index) if present else "G"


def _row(csrp: float) -> int:
    return next(i for i, floor in enumerate(CSRP_ROWS) if csrp >= floor)


def _column(arp: float) -> int:
    return next(i for i, floor in enumerate(ARP_COLUMNS) if arp >= floor)


def arp_csrp_letter(arp_percent: float, csrp_percent: float) -> str:
    """The ARP × CSRP table of RULES.md §3b: the row is the first CSRP threshold met (6.9, 3.0, 1.0, 0.5,
    0.0), the column the first ARP threshold met (90, 75, 50, 25, 15, 0)."""
    arp = check_percent("ARP percentage", arp_percent)
    csrp = check_percent("CSRP percentage", csrp_percent)
    return ARP_CSRP_TABLE[_row(csrp)][_column(arp)]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True, slots=True)
class SingleLetterTier:
    """A single-letter calculation's result, as hmpps-tier's CalculationResult: a tier A (highest) to G, or
    no tier because the person is not supervised or a predictor is missing.

    ``status``: "tier", "missing" (ARP or CSRP not given: ``missing`` names them) or "not_supervised" (no
    active event). ``tier`` is the letter, None unless the status is "tier". ``provisional``: the tier may
    change when static predictors become dynamic or the RoSH is recorded (``provisional_reasons`` says why).
    ``components``: each component's letter (None: no letter) with its rule.
    """

    tier: str | None
    components: tuple[Part, ...]
    status: str = STATUS_TIER
    provisional: bool = False
    provisional_reasons: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """ "C", "C (provisional)", "not supervised" or "missing"."""
        if self.tier is None:
            return self.status.replace("_", " ")
        return f"{self.tier} (provisional)" if self.provisional else self.tier

    @property
    def parts(self) -> tuple[Part, ...]:
        """Each component, then the tier."""
        if self.status == STATUS_NOT_SUPERVISED:
            return (Part("Tier", "not supervised", "no active event: hmpps-tier gives NOT_SUPERVISED"),)
        if self.status == STATUS_MISSING:
            return (
                Part("Missing", ", ".join(self.missing), "ARP and CSRP are both needed"),
                Part("Tier", "missing", "hmpps-tier gives MISSING without ARP or CSRP"),
            )
        tail = [Part("Tier", self.tier, "the highest (closest to A) of the component letters")]
        for reason in self.provisional_reasons:
            tail.append(Part("Provisional", "yes", reason))
        return (*self.components, *tail)

    def explain(self) -> list[tuple[str, str]]:
        """The working, one (label, value) line per component."""
        return explain_parts(
            Part(p.label, "no letter" if p.value is None else p.value, p.rule) for p in self.parts
        )


def _dcsrp_part(
    band: object, score: object, thresholds: tuple[tuple[float, str], ...]
) -> tuple[Part, float | None]:
    """The DC-SRP component. As hmpps-tier's ValidPredictor.validate(): a predictor is used only with a score
    above 0 and a band other than not applicable; otherwise it gives no letter."""
    key = None if band is None else "_".join(str(band).strip().lower().split())
    if key is not None and key not in (*DCSRP_BANDS, "not_applicable"):
        raise RiskInputError(
            f"DC-SRP band must be one of {', '.join(DCSRP_BANDS)}, not_applicable or None (got {band!r})"
        )
    value = None if score is None else check_percent("DC-SRP score", score)
    if key is None or key == "not_applicable" or value is None or value <= 0:
        why = (
            "no band"
            if key is None
            else "not applicable"
            if key == "not_applicable"
            else "no score"
            if value is None
            else "score 0"
        )
        return Part(f"DC-SRP: {why}", None, "used only with a score above 0 and a band: no letter"), None
    if key == "medium":
        letter = next((lt for floor, lt in thresholds if value >= floor), None)
        if letter is None:
            raise RiskInputError(
                f"DC-SRP score {value:g} is below every medium-band threshold "
                f"({', '.join(f'{f:g}' for f, _ in thresholds)})"
            )
        rule = "medium by score: " + ", ".join(f"≥ {f:g} → {lt}" for f, lt in thresholds)
        return Part(f"DC-SRP medium, score {value:g}", letter, rule), value
    letter = {"very_high": "A", "high": "B", "low": "E"}[key]
    return Part(f"DC-SRP {key.replace('_', ' ')}", letter, "very high → A, high → B, low → E"), value


def tier_single_letter(
    *,
    arp_percent: float | None,
    csrp_percent: float | None,
    arp_static: bool = False,
    csrp_static: bool = False,
    dcsrp_band: str | None = None,
    dcsrp_score: float | None = None,
    mappa_category: str | None = None,
    rosh: str | None = None,
    is_lifer_or_ipp: bool = False,
    latest_release_date: date | None = None,
    registrations: Iterable[str] = (),
    ever_committed_sexual_offence: bool = False,
    has_active_event: bool = True,
    as_of: date | None = None,
    dcsrp_medium_thresholds: tuple[tuple[float, str], ...] = DEFAULT_DCSRP_MEDIUM_THRESHOLDS,
) -> SingleLetterTier:
    """The single-letter tier (RULES.md §3b; hmpps-tier TierCalculator.kt), a result in every case:

    - no active event (``has_active_event`` False) → status "not_supervised";
    - ARP or CSRP missing → status "missing", naming them;
    - otherwise the highest of: the ARP × CSRP table; the direct-contact sexual reoffending predictor (used
      only with a score above 0 and a band: very high → A, high → B, low → E, medium by score with
      ``dcsrp_medium_thresholds``); MAPPA with RoSH (with a ``mappa_category`` "M1"–"M4": very high → A,
      high → C, medium → D, low/none → E; without: very high → C, high → D, else no letter); lifer/IPP
      released within 1 year of ``as_of`` → B, within 5 years → D, else E; registrations domestic abuse → E,
      stalking → F, child protection → F (other keys count nothing); any sexual offence ever → E.

    The tier is provisional (ProvisionalStatusCalculator.kt) when a static ARP or CSRP (``arp_static``,
    ``csrp_static``) could still raise it, or when the RoSH is missing and the other factors do not already
    reach A (with MAPPA) or C (without).
    """
    if not _flag("has_active_event", has_active_event):
        return SingleLetterTier(tier=None, components=(), status=STATUS_NOT_SUPERVISED)
    missing = tuple(
        name
        for name, value in (("arp_percent", arp_percent), ("csrp_percent", csrp_percent))
        if value is None
    )
    if missing:
        return SingleLetterTier(tier=None, components=(), status=STATUS_MISSING, missing=missing)
    assert arp_percent is not None and csrp_percent is not None
    arp = check_percent("ARP percentage", arp_percent)
    csrp = check_percent("CSRP percentage", csrp_percent)
    arp_is_static = _flag("arp_static", arp_static)
    csrp_is_static = _flag("csrp_static", csrp_static)
    kinds = (
        f"{'static' if arp_is_static else 'dynamic'} ARP, {'static' if csrp_is_static else 'dynamic'} CSRP"
    )
    table = Part(
        f"ARP {arp:g}% × CSRP {csrp:g}% ({kinds})",
        ARP_CSRP_TABLE[_row(csrp)][_column(arp)],
        "RULES.md §3b table: CSRP rows 6.9/3.0/1.0/0.5/0, ARP columns 90/75/50/25/15/0",
    )
    sexual_part, _ = _dcsrp_part(dcsrp_band, dcsrp_score, dcsrp_medium_thresholds)

    category = _optional_code("MAPPA category", mappa_category, MAPPA_CATEGORIES)
    rosh_key = None if rosh is None else rosh_level(rosh)
    rosh_text = "missing" if rosh_key is None else rosh_key.replace("_", " ")
    if category is not None:
        mappa_letter: str | None = {"very_high": "A", "high": "C", "medium": "D"}.get(rosh_key or "", "E")
        mappa_part = Part(
            f"MAPPA category {category}, RoSH {rosh_text}",
            mappa_letter,
            "with MAPPA: very high → A, high → C, medium → D, low or missing → E",
        )
    else:
        mappa_letter = {"very_high": "C", "high": "D"}.get(rosh_key or "")
        mappa_part = Part(
            f"No MAPPA, RoSH {rosh_text}",
            mappa_letter,
            "without MAPPA: very high → C, high → D, else no letter",
        )

    lifer = _flag("is_lifer_or_ipp", is_lifer_or_ipp)
    if not lifer:
        lifer_part = Part("Not a lifer or IPP", None, "lifer/IPP only")
    elif latest_release_date is None:
        lifer_part = Part("Lifer/IPP, no release date", None, "no release date: no letter")
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
        lifer_part = Part(
            f"Lifer/IPP released {latest_release_date}",
            letter,
            "released within 1 year → B, within 5 years → D, else E",
        )

    if isinstance(registrations, str):
        raise RiskInputError("registrations must be a collection of keys, not one string")
    keys = {REGISTRATION_ALIASES.get(r, r) for r in registrations}
    registration_parts = []
    for key, letter in REGISTRATION_LETTERS.items():
        present = key in keys
        registration_parts.append(
            Part(
                f"{key.replace('_', ' ').capitalize()} registration" + ("" if present else ": none"),
                letter if present else None,
                f"{key.replace('_', ' ')} → {letter}",
            )
        )
    sexual = _flag("ever_committed_sexual_offence", ever_committed_sexual_offence)
    offence_part = Part(
        "Sexual offence ever" if sexual else "No sexual offence recorded",
        SEXUAL_OFFENCE_LETTER if sexual else None,
        f"any sexual offence ever → {SEXUAL_OFFENCE_LETTER}",
    )
    components = (table, sexual_part, mappa_part, lifer_part, *registration_parts, offence_part)
    others = [p.value for p in components if p is not table]  # every step but the ARP × CSRP table

    # ProvisionalStatusCalculator.kt: static predictors.
    reasons: list[str] = []
    without_table = _highest(str(v) if v is not None else None for v in others)
    if arp_is_static and csrp_is_static:
        if _rank(without_table) < _rank("A"):
            reasons.append("ARP and CSRP are static, and nothing else gives A")
    elif arp_is_static:
        best = ARP_CSRP_TABLE[_row(csrp)][0]
        if _rank(without_table) < _rank(best):
            reasons.append(f"ARP is static: a dynamic ARP could give {best}, and nothing else reaches it")
    elif csrp_is_static:
        best = ARP_CSRP_TABLE[0][_column(arp)]
        if _rank(without_table) < _rank(best):
            reasons.append(f"CSRP is static: a dynamic CSRP could give {best}, and nothing else reaches it")
    # ProvisionalStatusCalculator.kt: missing RoSH. The table counts only when both predictors are dynamic.
    if rosh_key is None:
        counted = [p.value for p in components if p is not mappa_part]
        if arp_is_static or csrp_is_static:
            counted = [p.value for p in components if p is not mappa_part and p is not table]
        without_mappa = _highest(str(v) if v is not None else None for v in counted)
        if category is not None and _rank(without_mappa) < _rank("A"):
            reasons.append("RoSH is missing with MAPPA, and nothing else gives A")
        elif category is None and _rank(without_mappa) < _rank("C"):
            reasons.append("RoSH is missing, and nothing else gives C or higher")

    return SingleLetterTier(
        tier=_highest(str(p.value) if p.value is not None else None for p in components),
        components=components,
        provisional=bool(reasons),
        provisional_reasons=tuple(reasons),
    )
