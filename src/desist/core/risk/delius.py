"""Tier inputs as nDelius holds them: registrations by code, convictions with requirements by main category.

Source: hmpps-tier at commit affac98aa31db76f1856de066cb9a65e54c43cee (MIT),
src/main/kotlin/uk/gov/justice/digital/hmpps/hmppstier/: client/delius/DeliusRegistration.kt (the codes),
service/api/DeliusApiService.kt (the derivations), service/calculation/MandateForChange.kt, and
domain/enums/Rosh.kt, MappaLevel.kt, MappaCategory.kt, ComplexityFactor.kt, IomNominal.kt.

hmpps-tier reads the codes it knows and passes over every other code. Here every code must be known: a
code the tier does not read is accepted only when the caller names it in ``other_codes`` (a deployment's
list of the registers it holds), and any other code is an error that names it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from desist.core.risk.arp import ArpResult
from desist.core.risk.csrp import CsrpResult
from desist.core.risk.errors import RiskInputError
from desist.core.risk.sexual import DcsrpResult
from desist.core.risk.svrp import SvrpResult
from desist.core.risk.tier import (
    MAPPA_CATEGORIES,
    MAPPA_LEVELS,
    SingleLetterTier,
    tier_single_letter,
)

# DeliusRegistration.kt lines 12-18.
MAPPA = "MAPP"
LIFER = "INLL"
DOMESTIC_ABUSE = "ADVP"
DOMESTIC_ABUSE_HISTORY = "REG30"
STALKING = "SPO"
CHILD_PROTECTION = "RCPR"
TWO_THIRDS = "PRC"  # TWO_THIRDS_CODE: the person is unsupervised
HISTORIC = "HREG"  # DeliusApiService.kt line 31: left out before anything is read
IOM_NOMINAL = "IIOM"  # IomNominal.kt
# Rosh.kt: the RoSH registers, by level.
ROSH_CODES: dict[str, str] = {"RVHR": "very_high", "RHRH": "high", "RMRH": "medium", "RLRH": "low"}
# ComplexityFactor.kt, with desist's keys (tier.COMPLEXITY_REGISTERS).
COMPLEXITY_CODES: dict[str, str] = {
    "RMDO": "mental_health",
    "ALSH": "self_harm",
    "RVLN": "vulnerability",
    "RCCO": "child_concerns",
    "RCPR": "child_protection",
    "RCHD": "risk_to_children",
    "RPIR": "public_interest",
    "RVAD": "adult_at_risk",
    "STRG": "street_gangs",
    "RTAO": "terrorism",
}
KNOWN_CODES: frozenset[str] = frozenset(
    {MAPPA, LIFER, DOMESTIC_ABUSE, DOMESTIC_ABUSE_HISTORY, STALKING, CHILD_PROTECTION, TWO_THIRDS, HISTORIC}
    | {IOM_NOMINAL}
    | set(ROSH_CODES)
    | set(COMPLEXITY_CODES)
)
# MandateForChange.kt lines 7-8.
UNPAID_WORK_CATEGORIES: frozenset[str] = frozenset({"W", "W1"})
CUSTODIAL_SENTENCE_TYPES: frozenset[str] = frozenset({"NC", "SC"})


@dataclass(frozen=True, slots=True)
class DeliusRegistration:
    """One nDelius registration (DeliusRegistration.kt): its register type code, level and category codes
    (MAPPA: level "M1"–"M3", category "M1"–"M4") and its registration date."""

    code: str
    date: date
    level: str | None = None
    category: str | None = None


@dataclass(frozen=True, slots=True)
class DeliusRequirement:
    """A requirement by its main category code (W and W1: unpaid work) and nDelius's restrictive flag."""

    main_category: str
    restrictive: bool


@dataclass(frozen=True, slots=True)
class DeliusConviction:
    """A conviction (DeliusConviction.kt): sentence type code (NC, SC: custodial), requirements, and the
    termination date (None: current)."""

    sentence_type: str
    requirements: tuple[DeliusRequirement, ...] = ()
    termination_date: date | None = None


@dataclass(frozen=True, slots=True)
class Registrations:
    """What hmpps-tier derives from the registrations (domain/Registrations.kt)."""

    has_iom_nominal: bool = False
    has_lifer_ipp: bool = False
    has_domestic_abuse: bool = False
    has_stalking: bool = False
    has_child_protection: bool = False
    complexity_factors: tuple[str, ...] = ()  # desist's keys, newest registration first, each once
    rosh: str | None = None
    mappa_level: str | None = None
    mappa_category: str | None = None
    unsupervised: bool = False

    def registration_keys(self) -> tuple[str, ...]:
        """The registration keys both tier functions read: complexity factors, then domestic abuse,
        stalking, child protection, IOM and lifer/IPP where present."""
        flags = (
            ("domestic_abuse", self.has_domestic_abuse),
            ("stalking", self.has_stalking),
            ("child_protection", self.has_child_protection),
            ("iom", self.has_iom_nominal),
            ("lifer_ipp", self.has_lifer_ipp),
        )
        out = list(self.complexity_factors)
        out.extend(key for key, present in flags if present and key not in out)
        return tuple(out)


def _code(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RiskInputError(f"{name} must be a code (got {value!r})")
    return value.strip()


def registrations_from_delius(
    registrations: Iterable[DeliusRegistration], *, other_codes: Collection[str] = ()
) -> Registrations:
    """hmpps-tier's derivations (DeliusApiService.getRegistrations): leave out HREG, sort newest first, then

    - RoSH: the newest RoSH registration's level;
    - MAPPA level: the newest MAPP registration whose level is M1–M3 (others are skipped);
    - MAPPA category: the newest MAPP registration's category if it is M1–M4 (else none: not skipped);
    - complexity factors, IOM, lifer/IPP (INLL), domestic abuse (ADVP or REG30), stalking (SPO), child
      protection (RCPR), unsupervised (PRC): present if any registration has the code.

    A code not in :data:`KNOWN_CODES` nor in ``other_codes`` is a RiskInputError naming it.
    """
    if isinstance(registrations, DeliusRegistration):
        raise RiskInputError("registrations must be a collection of DeliusRegistration, not one")
    rows = list(registrations)
    for row in rows:
        if not isinstance(row, DeliusRegistration):
            raise RiskInputError(f"registrations must be DeliusRegistration (got {row!r})")
        if not isinstance(row.date, date):
            raise RiskInputError(f"registration {row.code!r} date must be a date (got {row.date!r})")
    allowed = KNOWN_CODES | {c.strip() for c in other_codes}
    unknown = sorted({_code("registration code", r.code) for r in rows} - allowed)
    if unknown:
        raise RiskInputError(
            f"unknown registration code(s) {', '.join(unknown)}: the tier reads "
            f"{', '.join(sorted(KNOWN_CODES))}; name any other register you hold in other_codes"
        )
    # Kotlin's sortedByDescending is stable: registrations on the same date keep their given order.
    newest = sorted((r for r in rows if r.code.strip() != HISTORIC), key=lambda r: r.date, reverse=True)
    codes = [r.code.strip() for r in newest]

    rosh = next((ROSH_CODES[c] for c in codes if c in ROSH_CODES), None)
    mappa = [r for r in newest if r.code.strip() == MAPPA]
    level = next(
        (r.level.strip().upper() for r in mappa if r.level and r.level.strip().upper() in MAPPA_LEVELS), None
    )
    category = None
    if mappa and mappa[0].category is not None and mappa[0].category in MAPPA_CATEGORIES:
        category = mappa[0].category
    factors: list[str] = []
    for c in codes:
        if c in COMPLEXITY_CODES and COMPLEXITY_CODES[c] not in factors:
            factors.append(COMPLEXITY_CODES[c])
    return Registrations(
        has_iom_nominal=IOM_NOMINAL in codes,
        has_lifer_ipp=LIFER in codes,
        has_domestic_abuse=DOMESTIC_ABUSE in codes or DOMESTIC_ABUSE_HISTORY in codes,
        has_stalking=STALKING in codes,
        has_child_protection=CHILD_PROTECTION in codes,
        complexity_factors=tuple(factors),
        rosh=rosh,
        mappa_level=level,
        mappa_category=category,
        unsupervised=TWO_THIRDS in codes,
    )


def has_no_mandate(convictions: Iterable[DeliusConviction]) -> bool:
    """MandateForChange.hasNoMandate: no current conviction (no termination date) is custodial (NC, SC) or
    has a requirement that is neither unpaid work (main category W, W1) nor flagged restrictive."""
    for conviction in convictions:
        if not isinstance(conviction, DeliusConviction):
            raise RiskInputError(f"convictions must be DeliusConviction (got {conviction!r})")
        _code("sentence type", conviction.sentence_type)
        for requirement in conviction.requirements:
            _code("requirement main category", requirement.main_category)
            if not isinstance(requirement.restrictive, bool):
                raise RiskInputError(
                    f"requirement {requirement.main_category!r} restrictive must be True or False "
                    f"(got {requirement.restrictive!r})"
                )
        if conviction.termination_date is not None:
            continue
        if conviction.sentence_type.strip() in CUSTODIAL_SENTENCE_TYPES:
            return False
        if any(
            r.main_category.strip() not in UNPAID_WORK_CATEGORIES and not r.restrictive
            for r in conviction.requirements
        ):
            return False
    return True


def tier_from_delius(
    *,
    registrations: Iterable[DeliusRegistration],
    has_active_event: bool,
    latest_release_date: date | None,
    arp_percent: float | None,
    csrp_percent: float | None,
    arp_static: bool = False,
    csrp_static: bool = False,
    dcsrp_band: str | None = None,
    dcsrp_score: float | None = None,
    ever_committed_sexual_offence: bool = False,
    as_of: date | None = None,
    other_codes: Collection[str] = (),
) -> SingleLetterTier:
    """The single-letter tier from nDelius-shaped registrations and the OASys predictors, as
    hmpps-tier's TierCalculator.calculate(deliusInputs, oasysInputs)."""
    derived = registrations_from_delius(registrations, other_codes=other_codes)
    return tier_single_letter(
        arp_percent=arp_percent,
        csrp_percent=csrp_percent,
        arp_static=arp_static,
        csrp_static=csrp_static,
        dcsrp_band=dcsrp_band,
        dcsrp_score=dcsrp_score,
        mappa_category=derived.mappa_category,
        rosh=derived.rosh,
        is_lifer_or_ipp=derived.has_lifer_ipp,
        latest_release_date=latest_release_date,
        registrations=derived.registration_keys(),
        ever_committed_sexual_offence=ever_committed_sexual_offence,
        has_active_event=has_active_event,
        as_of=as_of,
    )


def tier_from_calculated(
    *,
    registrations: Iterable[DeliusRegistration],
    has_active_event: bool,
    latest_release_date: date | None,
    arp: ArpResult | None,
    svrp: SvrpResult | None,
    csrp: CsrpResult | None,
    dcsrp: DcsrpResult | None,
    ever_committed_sexual_offence: bool = False,
    as_of: date | None = None,
    other_codes: Collection[str] = (),
) -> SingleLetterTier:
    """The single-letter tier from predictors desist has worked out itself (:func:`arp_static` or
    :func:`arp_dynamic`, :func:`svrp_static` or :func:`svrp_dynamic`, :func:`csrp`, :func:`dcsrp`) and
    nDelius-shaped registrations. As the MoJ service reports them: ARP static or dynamic as computed; CSRP
    takes the type of its SVRP (CombinedSeriousReoffendingPredictorRiskProducerService.kt, scoreType); the
    DC-SRP band and score (a %) go to the tier as they are: a not-applicable or 0 DC-SRP gives no letter."""
    band = None if dcsrp is None or dcsrp.band == "not_applicable" else dcsrp.band
    return tier_from_delius(
        registrations=registrations,
        has_active_event=has_active_event,
        latest_release_date=latest_release_date,
        arp_percent=None if arp is None else arp.score,
        csrp_percent=None if csrp is None else csrp.score,
        arp_static=False if arp is None else arp.static,
        csrp_static=False if svrp is None else svrp.static,
        dcsrp_band=band,
        dcsrp_score=None if dcsrp is None else dcsrp.score,
        ever_committed_sexual_offence=ever_committed_sexual_offence,
        as_of=as_of,
        other_codes=other_codes,
    )
