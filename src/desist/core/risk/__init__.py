"""The risk calculators of the analytics core (no Django): OGRS3, OGP, OVP, RSR and RoSH bands, OASys needs
and pathways, and probation tiering. Each follows docs/risk.md and ../shared/domain/RULES.md §1–3 and §8,
and every result shows its working (``parts`` and ``explain()``).

    >>> from datetime import date
    >>> from desist.core.risk import ogrs3
    >>> r = ogrs3(sex="male", date_of_birth=date(1990, 5, 1), conviction_date=date(2024, 3, 1),
    ...           follow_up_start=date(2024, 9, 1), total_sanctions=5, age_at_first_sanction=15,
    ...           offence_code="02800")
    >>> (r.one_year, r.two_year, r.band)
    (15, 26, 'low')
"""

from desist.core.risk.arp import ArpResult, arp_dynamic, arp_static
from desist.core.risk.bands import (
    ROSH_AUDIENCES,
    ROSH_LEVELS,
    Part,
    ogp_band,
    ogrs3_band,
    overall_rosh,
    ovp_band,
    rsr_band,
)
from desist.core.risk.csrp import CsrpResult, csrp
from desist.core.risk.delius import (
    DeliusConviction,
    DeliusRegistration,
    DeliusRequirement,
    Registrations,
    has_no_mandate,
    registrations_from_delius,
    tier_from_calculated,
    tier_from_delius,
)
from desist.core.risk.errors import MissingAssessmentItems, OffenceCategoryRequired, RiskInputError
from desist.core.risk.needs import (
    NEED_LEVELS,
    OASYS_SECTIONS,
    PATHWAYS,
    SECTION_KEYS,
    SECTION_NAMES,
    SECTION_PATHWAY,
    SECTION_PATHWAYS,
    THRESHOLDS,
    needs_from_scores,
    section_need,
    section_score,
)
from desist.core.risk.ogp import OgpResult, ogp
from desist.core.risk.ogrs3 import (
    OFFENCE_CATEGORIES,
    Ogrs3Result,
    Ogrs3Terms,
    clear_offence_cache,
    ogrs3,
    resolve_offence_category,
)
from desist.core.risk.opd import OpdResult, opd
from desist.core.risk.ovp import OvpResult, ovp
from desist.core.risk.screenings import LdsResult, MstResult, lds, mst
from desist.core.risk.sexual import DcsrpResult, IicsrpResult, dcsrp, iicsrp
from desist.core.risk.svrp import SvrpResult, svrp_dynamic, svrp_static
from desist.core.risk.tier import (
    COMPLEXITY_REGISTERS,
    DEFAULT_RESTRICTIVE_REQUIREMENTS,
    MAPPA_CATEGORIES,
    MAPPA_LEVELS,
    NEED_WEIGHTS,
    REQUIREMENT_KINDS,
    SingleLetterTier,
    TwoAxisTier,
    WomenFactors,
    change_level,
    has_mandate_for_change,
    is_assessment_current,
    protect_level,
    tier_single_letter,
    tier_two_axis,
)
from desist.core.risk.vrp import VrpResult, vrp

__all__ = [
    "COMPLEXITY_REGISTERS",
    "DEFAULT_RESTRICTIVE_REQUIREMENTS",
    "MAPPA_CATEGORIES",
    "MAPPA_LEVELS",
    "NEED_LEVELS",
    "NEED_WEIGHTS",
    "OASYS_SECTIONS",
    "OFFENCE_CATEGORIES",
    "PATHWAYS",
    "REQUIREMENT_KINDS",
    "ROSH_AUDIENCES",
    "ROSH_LEVELS",
    "SECTION_KEYS",
    "SECTION_NAMES",
    "SECTION_PATHWAY",
    "SECTION_PATHWAYS",
    "THRESHOLDS",
    "ArpResult",
    "CsrpResult",
    "DcsrpResult",
    "DeliusConviction",
    "DeliusRegistration",
    "DeliusRequirement",
    "IicsrpResult",
    "LdsResult",
    "MissingAssessmentItems",
    "MstResult",
    "OffenceCategoryRequired",
    "OgpResult",
    "Ogrs3Result",
    "Ogrs3Terms",
    "OpdResult",
    "OvpResult",
    "Part",
    "Registrations",
    "RiskInputError",
    "SingleLetterTier",
    "SvrpResult",
    "TwoAxisTier",
    "VrpResult",
    "WomenFactors",
    "arp_dynamic",
    "arp_static",
    "change_level",
    "clear_offence_cache",
    "csrp",
    "dcsrp",
    "has_mandate_for_change",
    "has_no_mandate",
    "iicsrp",
    "is_assessment_current",
    "lds",
    "mst",
    "needs_from_scores",
    "ogp",
    "ogp_band",
    "ogrs3",
    "ogrs3_band",
    "opd",
    "overall_rosh",
    "ovp",
    "ovp_band",
    "protect_level",
    "registrations_from_delius",
    "resolve_offence_category",
    "rsr_band",
    "section_need",
    "section_score",
    "svrp_dynamic",
    "svrp_static",
    "tier_from_calculated",
    "tier_from_delius",
    "tier_single_letter",
    "tier_two_axis",
    "vrp",
]
