"""From a person's record to the inputs of each published calculator (desist.risk), and back.

This module holds the rules that are desist's own reading of the record, each stated once:
- a *sanction* is an occasion on which offences were proven (one outcome date), conviction or caution;
- the *current conviction* is the most recent conviction; its principal offence is the one dealt with by
  a sentence, else the latest committed, else the lowest code (so the choice is stable);
- the *follow-up* starts on release for a custodial sentence (expected release while still inside), else
  on the conviction date;
- an assessment is *current* for DESIST_ASSESSMENT_CURRENT_DAYS (default 385: 55 weeks, as hmpps-tier).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from desist.core import risk
from desist.core.reference import load_offence_codes
from desist.core.risk import arp as risk_arp
from desist.core.risk.ogp import ITEMS as OGP_ITEMS

CUSTODY = "custody"
IOM_REGISTER = "iom"


@dataclass(frozen=True)
class Sanction:
    outcome_date: date
    outcome: str
    ho_code: str
    offence_date: date
    sentence_id: int | None
    ogrs3_category: str = ""  # chosen by a user where the code does not decide
    offence_id: int | None = None


@dataclass(frozen=True)
class SentenceFacts:
    id: int
    kind: str
    sentence_date: date
    release_date: date | None
    status: str  # supervision status this sentence gives today (custody, licence, community or none)
    requirement_kinds: frozenset[str] = frozenset()
    indeterminate: bool = False  # life or IPP


@dataclass(frozen=True)
class AssessmentFacts:
    assessed_on: date
    rosh: dict[str, str]
    rsr_percent: float | None
    answers: dict[str, Any]
    needs: dict[str, str]
    # Predictors received from elsewhere, for the single-letter tier (RULES.md §3b).
    arp_percent: float | None = None
    csrp_percent: float | None = None
    dcsrp_band: str = ""
    dcsrp_score: float | None = None


@dataclass
class RiskFacts:
    """Everything the calculators need about one person, read in bulk by selectors.risk_facts."""

    person_id: int
    sex: str
    date_of_birth: date | None
    sanctions: list[Sanction] = field(default_factory=list)
    sentences: list[SentenceFacts] = field(default_factory=list)
    registers: set[str] = field(default_factory=set)
    mappa_category: int | None = None
    mappa_level: int | None = None
    assessment: AssessmentFacts | None = None


@dataclass
class ScoreResult:
    kind: str
    one_year: int | None = None
    two_year: int | None = None
    band: str = ""
    value: str = ""
    inputs: dict[str, Any] = field(default_factory=dict)
    working: list[list[str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    # The calculator's explain(), kept uncalled: the working is formatted only for rows that are written.
    explain: Callable[[], Any] | None = None

    def full_working(self) -> list[list[str]]:
        """The calculator's working, then any notes desist adds."""
        return (_lines(self.explain()) if self.explain else []) + self.working

    def same_as(self, inputs: dict[str, Any], missing: list[str]) -> bool:
        return self.inputs == inputs and self.missing == missing


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _lines(explained: Any) -> list[list[str]]:
    return [[str(label), str(value)] for label, value, *_ in explained]


def _whole_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def principal_offence(sanctions: list[Sanction]) -> Sanction:
    """Of the offences proven on one occasion, the one the OGRS3 'current offence' is taken from."""
    return sorted(sanctions, key=lambda s: (s.sentence_id is None, -s.offence_date.toordinal(), s.ho_code))[0]


def ogrs3_for(facts: RiskFacts, on: date) -> ScoreResult:
    """OGRS3 from the offence history (RULES.md §1), or what is missing."""
    return _ogrs3(facts, on, follow_up_start=None)


def ogrs3_at_index(facts: RiskFacts, index_date: date) -> ScoreResult:
    """OGRS3 as it would have been worked out on a proven-reoffending index date, from sanctions proven on or
    before it, with the follow-up starting on that date (the day the measure's follow-up starts), so an
    offence proven later cannot change it. For validating the score on local outcomes."""
    return _ogrs3(facts, index_date, follow_up_start=index_date)


def _ogrs3(facts: RiskFacts, on: date, *, follow_up_start: date | None) -> ScoreResult:
    result = ScoreResult(kind="ogrs3")
    proven = [s for s in facts.sanctions if s.outcome_date <= on]
    convictions = [s for s in proven if s.outcome == "conviction"]
    if facts.date_of_birth is None:
        result.missing.append("date of birth")
    if facts.sex not in ("male", "female"):
        result.missing.append("sex (male or female)")
    if not convictions:
        result.missing.append("a proven conviction")
    if result.missing:
        return result
    assert facts.date_of_birth is not None
    conviction_date = max(s.outcome_date for s in convictions)
    current = principal_offence([s for s in convictions if s.outcome_date == conviction_date])
    occasions = sorted({s.outcome_date for s in proven if s.outcome_date <= conviction_date})
    sentence = next((s for s in facts.sentences if s.id == current.sentence_id), None)
    follow_up = conviction_date
    if follow_up_start is not None:
        follow_up = follow_up_start  # never before the conviction: both are on or before ``on``
    elif sentence is not None and sentence.kind == CUSTODY and sentence.release_date is not None:
        follow_up = sentence.release_date
    inputs: dict[str, Any] = {
        "sex": facts.sex,
        "date_of_birth": facts.date_of_birth,
        "conviction_date": conviction_date,
        "follow_up_start": follow_up,
        "total_sanctions": len(occasions),
        "age_at_first_sanction": _whole_years(facts.date_of_birth, occasions[0]),
        "offence_code": current.ho_code,
        "offence_category": current.ogrs3_category or None,
    }
    result.inputs = {k: _iso(v) for k, v in inputs.items()}
    try:
        calculated = risk.ogrs3(**inputs)
    except risk.OffenceCategoryRequired:
        result.missing.append(f"the OGRS3 category of offence {current.ho_code} (choose it below)")
        result.inputs["choose_category_for_offence"] = current.offence_id
        return result
    except risk.RiskInputError as error:
        result.missing.append(str(error))
        return result
    result.one_year, result.two_year, result.band = calculated.one_year, calculated.two_year, calculated.band
    result.explain = calculated.explain
    return result


def rosh_for(facts: RiskFacts) -> ScoreResult:
    """The overall risk of serious harm: the highest level across audiences (RULES.md §2)."""
    result = ScoreResult(kind="rosh")
    if facts.assessment is None or not facts.assessment.rosh:
        result.missing.append("a RoSH assessment")
        return result
    result.inputs = dict(facts.assessment.rosh)
    result.value = risk.overall_rosh(facts.assessment.rosh)
    result.band = result.value
    result.working = [
        [f"RoSH to {audience.replace('_', ' ')}", level] for audience, level in facts.assessment.rosh.items()
    ]
    result.working.append(["Overall (the highest)", result.value])
    return result


def rsr_for(facts: RiskFacts) -> ScoreResult:
    """RSR as received from OASys, with its band (RULES.md §2)."""
    result = ScoreResult(kind="rsr")
    if facts.assessment is None or facts.assessment.rsr_percent is None:
        result.missing.append("an RSR score from OASys")
        return result
    percent = facts.assessment.rsr_percent
    result.inputs = {"rsr_percent": percent}
    result.value = f"{percent:.2f}"
    result.band = risk.rsr_band(percent)
    result.working = [["RSR received", f"{percent:.2f}%"], ["Band", result.band]]
    return result


def current_sentences(facts: RiskFacts) -> list[SentenceFacts]:
    return [s for s in facts.sentences if s.status != "none"]


def mandate_for_change(facts: RiskFacts) -> bool:
    """A custodial sentence in force, or an order with a requirement that is more than restriction."""
    running = current_sentences(facts)
    custodial = any(s.kind == CUSTODY for s in running)
    requirements: set[str] = set().union(*(s.requirement_kinds for s in running)) if running else set()
    return bool(risk.has_mandate_for_change(custodial_sentence_current=custodial, requirements=requirements))


def _mappa_code(number: int | None) -> str | None:
    """A MAPPA level or category as hmpps-tier spells it: 1 → "M1"."""
    return None if number is None else f"M{number}"


def tier_for(facts: RiskFacts, ogrs: ScoreResult, on: date, *, assessment_current_days: int) -> ScoreResult:
    """The two-axis tier (RULES.md §3a), with what was assumed where the record is silent."""
    result = ScoreResult(kind="tier")
    running = current_sentences(facts)
    assessment = facts.assessment
    has_current = assessment is not None and (on - assessment.assessed_on).days <= assessment_current_days
    answers = assessment.answers if assessment else {}
    women = None
    if facts.sex == "female":
        women = risk.WomenFactors(
            parenting_responsibilities=bool(answers.get("parenting_responsibilities", False)),
            impulsivity=int(answers.get("impulsivity", 0) or 0),
            temper_control=int(answers.get("temper_control", 0) or 0),
            breach_or_recall=bool(answers.get("breach_or_recall", False)),
        )
    inputs: dict[str, Any] = {
        "rsr_percent": assessment.rsr_percent if assessment else None,
        "rosh": risk.overall_rosh(assessment.rosh) if assessment and assessment.rosh else None,
        "mappa_level": _mappa_code(facts.mappa_level),
        "mappa_category": _mappa_code(facts.mappa_category),
        "registrations": sorted(facts.registers),
        "sex": facts.sex,
        "has_mandate_for_change": mandate_for_change(facts),
        "has_current_assessment": has_current,
        "needs": dict(assessment.needs) if assessment and has_current else {},
        "ogrs_percent": ogrs.two_year,
        "is_iom_nominal": IOM_REGISTER in facts.registers,
        "unsupervised": not running,
    }
    result.inputs = {
        **inputs,
        "women_factors": None
        if women is None
        else {
            "parenting_responsibilities": women.parenting_responsibilities,
            "impulsivity": women.impulsivity,
            "temper_control": women.temper_control,
            "breach_or_recall": women.breach_or_recall,
        },
    }
    calculated = risk.tier_two_axis(women_factors=women, **inputs)
    result.value = calculated.tier
    result.band = calculated.protect_level
    result.explain = calculated.explain
    notes = []
    if assessment is None or not assessment.rosh:
        notes.append(["Note", "No RoSH recorded: counted as none"])
    if assessment is None or assessment.rsr_percent is None:
        notes.append(["Note", "No RSR received: counted as 0"])
    if ogrs.two_year is None and has_current and inputs["has_mandate_for_change"]:
        notes.append(["Note", "No OGRS3 score: counted as 0 in the change points"])
    result.working.extend(notes)
    return result


# The OGRS3 categories of sexual offences: "any sexual offence ever" gives E in the single-letter tier.
SEXUAL_CATEGORIES = frozenset({"Sexual (against child)", "Sexual (not against child)"})
# What the single-letter tier needs, in the words the page shows.
LETTER_TIER_NEEDS = {
    "arp_percent": "the ARP (all reoffending predictor) %: received from OASys, or worked out by desist at "
    "an assessment from the offence history",
    "csrp_percent": "the CSRP (combined serious reoffending predictor) %: received from OASys, or worked out "
    "by desist at an assessment (see the CSRP's own entry for what it needs)",
}


def ever_sexual_offence(facts: RiskFacts, on: date) -> bool:
    """Any proven sexual offence up to ``on``, by the category chosen for it or its code's category."""
    categories = _categories()
    return any(
        (s.ogrs3_category or categories.get(s.ho_code, "")) in SEXUAL_CATEGORIES
        for s in facts.sanctions
        if s.outcome_date <= on
    )


def latest_indeterminate_release(facts: RiskFacts, on: date) -> tuple[bool, date | None]:
    """Whether the person has a life or IPP sentence, and its latest release on or before ``on``."""
    lifer = [s for s in facts.sentences if s.indeterminate]
    released = [s.release_date for s in lifer if s.release_date is not None and s.release_date <= on]
    return bool(lifer), max(released, default=None)


def tier_letter_for(facts: RiskFacts, on: date, predictors: Predictors | None = None) -> ScoreResult:
    """The single-letter tier (RULES.md §3b) from the predictors and the record, or what is missing.

    ARP, CSRP and DC-SRP received from OASys are used where given; otherwise desist's own (``predictors``,
    worked out at the latest assessment), as hmpps-tier reads the MoJ service's (desist.risk's
    tier_from_calculated): ARP static or dynamic as worked out, CSRP taking the type of its SVRP, the DC-SRP
    band and % as they are. Without ARP and CSRP no letter is given, whatever else the record says, because
    the table is the component every case has.
    """
    result = ScoreResult(kind="tier_letter")
    assessment = facts.assessment
    lifer, released = latest_indeterminate_release(facts, on)
    chosen = _choose_predictors(assessment, predictors or Predictors())
    inputs: dict[str, Any] = {
        "arp_percent": chosen.arp_percent,
        "csrp_percent": chosen.csrp_percent,
        "arp_static": chosen.arp_static,
        "csrp_static": chosen.csrp_static,
        "dcsrp_band": chosen.dcsrp_band,
        "dcsrp_score": chosen.dcsrp_score,
        "mappa_category": _mappa_code(facts.mappa_category),
        "rosh": risk.overall_rosh(assessment.rosh) if assessment and assessment.rosh else None,
        "is_lifer_or_ipp": lifer,
        "latest_release_date": released,
        "registrations": sorted(facts.registers),
        "ever_committed_sexual_offence": ever_sexual_offence(facts, on),
        # An active event as nDelius has it: a sentence in force; a life or IPP licence never ends by date.
        "has_active_event": bool(current_sentences(facts)) or lifer,
    }
    result.inputs = {k: _iso(v) for k, v in inputs.items()}
    try:
        calculated = risk.tier_single_letter(as_of=on, **inputs)
    except risk.RiskInputError as error:
        result.missing = [str(error)]
        return result
    if calculated.status == "missing":
        result.missing = [LETTER_TIER_NEEDS.get(item, item) for item in calculated.missing]
        return result
    result.explain = calculated.explain
    if calculated.tier is None:  # not supervised: no active sentence
        result.value = "Not supervised"
        return result
    result.value = calculated.tier
    if calculated.provisional:
        result.band = "provisional"
    if inputs["dcsrp_band"] and inputs["dcsrp_band"] != "not_applicable" and not inputs["dcsrp_score"]:
        result.working.append(
            ["Note", "DC-SRP band recorded without a score above 0: not used (as hmpps-tier)"]
        )
    assert assessment is not None  # ARP and CSRP came from it or were worked out at it
    result.working.extend(["Source", line] for line in chosen.sources)
    result.working.append(
        [
            "Note",
            f"Predictors from the assessment of {assessment.assessed_on.day} {assessment.assessed_on:%b %Y}",
        ]
    )
    return result


# OVP counts a sanction as violent when its principal offence falls in one of these OGRS3 categories.
VIOLENT_CATEGORIES = frozenset({"Violence", "Robbery"})


@lru_cache(maxsize=1)
def _categories() -> dict[str, str]:
    return {row.ho_code: row.ogrs3_category for row in load_offence_codes()}


def _items(answers: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    return {name: answers[name] for name in names if name in answers}


def _predictor(kind: str, calculate: Any, inputs: dict[str, Any]) -> ScoreResult:
    """Run OGP or OVP; a missing or invalid item gives no figure and says what is needed."""
    result = ScoreResult(kind=kind, inputs={k: _iso(v) for k, v in inputs.items()})
    try:
        calculated = calculate(**inputs)
    except risk.MissingAssessmentItems as error:
        result.missing = [f"assessment item: {item}" for item in error.missing]
        return result
    except risk.RiskInputError as error:
        result.missing = [str(error)]
        return result
    result.one_year, result.two_year, result.band = calculated.one_year, calculated.two_year, calculated.band
    result.explain = calculated.explain
    return result


def ogp_for(facts: RiskFacts, ogrs: ScoreResult) -> ScoreResult:
    """OGP from the assessment's answers and desist's own OGRS3 (RULES.md §2)."""
    assert facts.assessment is not None
    inputs = _items(facts.assessment.answers, (name for name in OGP_ITEMS if name != "ogrs3_two_year"))
    inputs["ogrs3_two_year"] = ogrs.two_year
    return _predictor("ogp", risk.ogp, inputs)


def ovp_for(facts: RiskFacts, ogrs: ScoreResult) -> ScoreResult:
    """OVP from the assessment's answers and the offence history (RULES.md §2)."""
    assert facts.assessment is not None
    inputs = _items(
        facts.assessment.answers,
        (
            "recognises_impact",
            "no_fixed_abode",
            "unemployed",
            "alcohol_current_use",
            "alcohol_binge",
            "psychiatric_treatment",
            "temper_control",
            "pro_criminal_attitudes",
        ),
    )
    if ogrs.inputs:
        categories = _categories()
        convictions = [
            s for s in facts.sanctions if s.outcome_date <= date.fromisoformat(ogrs.inputs["conviction_date"])
        ]
        occasions: dict[date, list[Sanction]] = {}
        for sanction in convictions:
            occasions.setdefault(sanction.outcome_date, []).append(sanction)
        violent = sum(
            1
            for group in occasions.values()
            if categories.get(principal_offence(group).ho_code) in VIOLENT_CATEGORIES
        )
        inputs.update(
            sex=facts.sex,
            date_of_birth=facts.date_of_birth,
            follow_up_start=date.fromisoformat(ogrs.inputs["follow_up_start"]),
            total_sanctions=ogrs.inputs["total_sanctions"],
            violent_sanctions=violent,
        )
    return _predictor("ovp", risk.ovp, inputs)


# desist's reading of an OGRS3 category as the MoJ service's actuarial offence group (ARP, SVRP). The service
# has the group from the Manage Offences service; desist holds the OGRS3 category, which does not separate
# the violence groups (ABH and above, below ABH, weapons, firearms), welfare fraud or drunkenness.
ACTUARIAL_GROUPS: dict[str, str] = {
    "Violence": "violence_against_the_person_sub_abh",  # ARP has one weight for every violence group
    "Robbery": "acquisitive_violence",
    "Public order": "public_order_and_harrassment",
    "Sexual (against child)": "sexual_against_child",
    "Sexual (not against child)": "sexual_not_against_child",
    "Soliciting or prostitution": "other_offences",
    "Burglary (domestic)": "burglary_domestic",
    "Burglary (other)": "burglary_other",
    "Theft (non-motor)": "theft_non_motor",
    "Handling stolen goods": "handling_stolen_goods",
    "Fraud and forgery": "fraud_and_forgery",
    "Absconding or bail offences": "absconding_or_bail",
    "Taking & driving away and related offences": "vehicle_related_theft",
    "Theft from vehicles": "vehicle_related_theft",
    "Other motoring": "motoring_offences",
    "Drink driving and related offences": "drink_driving",
    "Criminal damage": "criminal_damage",
    "Drug import/export/production": "drug_import_export_or_production",
    "Drug possession/supply": "drug_possession_or_supply",
    "Other offence": "other_offences",
}
# SVRP weighs the violence groups differently, so "Violence" alone does not give its group.
SVRP_UNRESOLVED = frozenset({"Violence"})
SEXUAL_COUNTS_NEEDED = (
    "the sexual sanctions by kind (contact adult, contact child, non-contact, indecent images), which desist "
    "does not record"
)


@dataclass
class Predictors:
    """desist's own ARP, SVRP, DC-SRP, IIC-SRP and CSRP at the latest assessment, each with its calculator's
    result (None where the record lacks an input)."""

    arp: ScoreResult | None = None
    svrp: ScoreResult | None = None
    dcsrp: ScoreResult | None = None
    iicsrp: ScoreResult | None = None
    csrp: ScoreResult | None = None
    calculated: dict[str, Any] = field(default_factory=dict)

    def results(self) -> list[ScoreResult]:
        return [r for r in (self.arp, self.svrp, self.dcsrp, self.iicsrp, self.csrp) if r is not None]


def _run(kind: str, calculate: Any, inputs: dict[str, Any], predictors: Predictors) -> ScoreResult:
    """One MoJ predictor: the score (a %, 2 dp) and band, or what is missing."""
    result = ScoreResult(kind=kind, inputs={k: _iso(v) for k, v in inputs.items()})
    try:
        calculated = calculate(**inputs)
    except risk.MissingAssessmentItems as error:
        result.missing = [f"assessment item: {item}" for item in error.missing]
        return result
    except risk.RiskInputError as error:
        result.missing = [str(error)]
        return result
    predictors.calculated[kind] = calculated
    result.value, result.band = f"{calculated.score:.2f}", calculated.band
    result.explain = calculated.explain
    return result


def _missing(kind: str, missing: list[str]) -> ScoreResult:
    return ScoreResult(kind=kind, missing=list(missing))


def predictors_for(facts: RiskFacts) -> Predictors:
    """The MoJ actuarial predictors desist can work out from the record at its latest assessment: the offence
    history as at that day (as OGRS3 reads it), the assessment's answers, and the assessment date.

    ARP is dynamic when the answers hold every dynamic item (desist.risk.arp.DYNAMIC_ITEMS, drugs used as a
    list under ``drugs``), else static; SVRP is static. DC-SRP and IIC-SRP need the sexual sanctions by kind,
    which desist does not record, so they are worked out only where they do not apply (a woman for DC-SRP, no
    sexual offence), score 0; CSRP is their sum with SVRP.
    """
    assessment = facts.assessment
    assert assessment is not None
    predictors = Predictors()
    history = _ogrs3(facts, assessment.assessed_on, follow_up_start=None)
    ever_sexual = ever_sexual_offence(facts, assessment.assessed_on)
    if not history.inputs or (history.missing and "choose_category_for_offence" not in history.inputs):
        needed = history.missing or ["a proven conviction"]
        predictors.arp = _missing("arp", needed)
        predictors.svrp = _missing("svrp", needed)
        predictors.csrp = _missing("csrp", ["the SVRP"])
        return predictors
    category = history.inputs["offence_category"] or _categories().get(history.inputs["offence_code"], "")
    group = ACTUARIAL_GROUPS.get(category) if category else None
    static: dict[str, Any] = {
        "sex": facts.sex,
        "date_of_birth": facts.date_of_birth,
        "conviction_date": date.fromisoformat(history.inputs["conviction_date"]),
        "follow_up_start": date.fromisoformat(history.inputs["follow_up_start"]),
        "age_at_first_sanction": history.inputs["age_at_first_sanction"],
        "total_sanctions": history.inputs["total_sanctions"],
        "offence_group": group,
        "assessment_date": assessment.assessed_on,
    }
    group_note = ["Offence group", f"{group} (desist's reading of the OGRS3 category {category})"]
    if group is None:
        needed = history.missing or [
            f"the actuarial offence group of offence {history.inputs['offence_code']}"
        ]
        predictors.arp = _missing("arp", needed)
        predictors.svrp = _missing("svrp", needed)
    else:
        answers = dict(assessment.answers)
        dynamic_items = {name: answers.get(name) for name in risk_arp.DYNAMIC_ITEMS}
        absent = [
            name
            for name, value in dynamic_items.items()
            if value is None and name != "motivation_to_tackle_drug_misuse"
        ]
        if absent:
            predictors.arp = _run("arp", risk.arp_static, static, predictors)
            predictors.arp.working.append(
                ["Type", f"static: the assessment lacks the dynamic item(s) {', '.join(absent)}"]
            )
        else:
            dynamic_answers = {k: v for k, v in dynamic_items.items() if v is not None}
            predictors.arp = _run(
                "arp",
                risk.arp_dynamic,
                {**static, "answers": dynamic_answers, "drugs": tuple(answers.get("drugs") or ())},
                predictors,
            )
            predictors.arp.working.append(["Type", "dynamic"])
        predictors.arp.working.append(group_note)
        if category in SVRP_UNRESOLVED:
            predictors.svrp = _missing(
                "svrp",
                [
                    f"the violence group of offence {history.inputs['offence_code']} (ABH and above, below "
                    "ABH, weapons or firearms), which the OGRS3 category Violence does not give"
                ],
            )
        else:
            violent = _violent_sanctions(facts, date.fromisoformat(history.inputs["conviction_date"]))
            predictors.svrp = _run(
                "svrp", risk.svrp_static, {**static, "violent_sanctions": violent}, predictors
            )
            predictors.svrp.working.extend(
                [["Type", "static"], group_note, ["Violent sanctions", f"{violent} (Violence or Robbery)"]]
            )
    custody = any(s.kind == CUSTODY and s.status == "custody" for s in facts.sentences)
    if facts.sex == "female" or not ever_sexual:
        predictors.dcsrp = _run(
            "dcsrp",
            risk.dcsrp,
            {
                "sex": facts.sex,
                "date_of_birth": facts.date_of_birth,
                "ever_committed_sexual_offence": ever_sexual,
                "follow_up_start": static["follow_up_start"],
                "total_sanctions": static["total_sanctions"],
                "supervision_status": "custody" if custody else "community",
                "assessment_date": assessment.assessed_on,
            },
            predictors,
        )
    else:
        predictors.dcsrp = _missing("dcsrp", [SEXUAL_COUNTS_NEEDED])
    if not ever_sexual:
        predictors.iicsrp = _run(
            "iicsrp", risk.iicsrp, {"sex": facts.sex, "ever_committed_sexual_offence": False}, predictors
        )
    else:
        predictors.iicsrp = _missing("iicsrp", [SEXUAL_COUNTS_NEEDED])
    parts: dict[str, Any] = {kind: predictors.calculated.get(kind) for kind in ("svrp", "dcsrp", "iicsrp")}
    absent = [
        kind.upper().replace("DCSRP", "DC-SRP").replace("IICSRP", "IIC-SRP")
        for kind, v in parts.items()
        if v is None
    ]
    if absent:
        predictors.csrp = _missing("csrp", [f"the {name}" for name in absent])
    else:
        predictors.csrp = _run(
            "csrp",
            _csrp,
            {
                "svrp_percent": parts["svrp"].score,
                "dcsrp_percent": parts["dcsrp"].score,
                "iicsrp_percent": parts["iicsrp"].score,
                "sex": facts.sex,
                "ever_committed_sexual_offence": ever_sexual,
            },
            predictors,
        )
        predictors.csrp.working.append(["Type", "static (its SVRP's)"])
    return predictors


def _csrp(**inputs: Any) -> Any:
    calculated = risk.csrp(**inputs)
    if calculated is None:  # unreachable: every component is given
        raise risk.RiskInputError("CSRP needs its components")
    return calculated


def _violent_sanctions(facts: RiskFacts, conviction_date: date) -> int:
    """Occasions up to the conviction whose principal offence is Violence or Robbery (as OVP counts them)."""
    categories = _categories()
    occasions: dict[date, list[Sanction]] = {}
    for sanction in facts.sanctions:
        if sanction.outcome == "conviction" and sanction.outcome_date <= conviction_date:
            occasions.setdefault(sanction.outcome_date, []).append(sanction)
    return sum(
        1
        for group in occasions.values()
        if categories.get(principal_offence(group).ho_code) in VIOLENT_CATEGORIES
    )


@dataclass(frozen=True)
class ChosenPredictors:
    arp_percent: float | None
    csrp_percent: float | None
    arp_static: bool
    csrp_static: bool
    dcsrp_band: str | None
    dcsrp_score: float | None
    sources: tuple[str, ...]


def _choose_predictors(assessment: AssessmentFacts | None, predictors: Predictors) -> ChosenPredictors:
    """For the letter tier: each predictor received from OASys where given (preferred), else desist's own."""
    own = predictors.calculated
    sources: list[str] = []
    arp_percent: float | None = None
    arp_static = False
    if assessment is not None and assessment.arp_percent is not None:
        arp_percent = assessment.arp_percent
        sources.append(f"ARP {arp_percent:.2f}% received from OASys (preferred to desist's own)")
    elif "arp" in own:
        arp_percent, arp_static = own["arp"].score, own["arp"].static
        sources.append(
            f"ARP {arp_percent:.2f}% worked out by desist ({'static' if arp_static else 'dynamic'})"
        )
    csrp_percent: float | None = None
    csrp_static = False
    if assessment is not None and assessment.csrp_percent is not None:
        csrp_percent = assessment.csrp_percent
        sources.append(f"CSRP {csrp_percent:.2f}% received from OASys (preferred to desist's own)")
    elif "csrp" in own:
        csrp_percent, csrp_static = own["csrp"].score, own["svrp"].static
        sources.append(
            f"CSRP {csrp_percent:.2f}% worked out by desist "
            f"({'static' if csrp_static else 'dynamic'}, the type of its SVRP)"
        )
    band: str | None = None
    score: float | None = None
    if assessment is not None and assessment.dcsrp_band:
        band, score = assessment.dcsrp_band, assessment.dcsrp_score
        sources.append(f"DC-SRP {band.replace('_', ' ')} received from OASys (preferred to desist's own)")
    elif "dcsrp" in own:
        band = None if own["dcsrp"].band == "not_applicable" else own["dcsrp"].band
        score = own["dcsrp"].score
        sources.append(f"DC-SRP {own['dcsrp'].band.replace('_', ' ')} worked out by desist")
    return ChosenPredictors(arp_percent, csrp_percent, arp_static, csrp_static, band, score, tuple(sources))


def scores_for(facts: RiskFacts, on: date, *, assessment_current_days: int = 385) -> list[ScoreResult]:
    """Every score for one person. The tiers only for people with a sentence (probation's cases)."""
    results = []
    ogrs = ogrs3_for(facts, on)
    if facts.sanctions:
        results.append(ogrs)
    predictors = Predictors()
    if facts.assessment is not None:
        results.extend([rosh_for(facts), rsr_for(facts), ogp_for(facts, ogrs), ovp_for(facts, ogrs)])
        predictors = predictors_for(facts)
        results.extend(predictors.results())
    if facts.sentences:
        results.append(tier_for(facts, ogrs, on, assessment_current_days=assessment_current_days))
        results.append(tier_letter_for(facts, on, predictors))
    return results
