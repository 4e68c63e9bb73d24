"""Offence groups, Home Office code sampling, disposals and sentence lengths: the parameters of offending."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..reference import load_offence_codes
from ._util import Arr

# (key, OGRS3 category in the offence code file, share of proven offences outside sexual specialists).
# Shares follow the shape of MoJ criminal-history data for adults: theft and violence lead, then drugs,
# public order, motoring and criminal damage; sexual offences come only from a rare "specialism".
GROUPS: tuple[tuple[str, str, float], ...] = (
    ("violence", "Violence", 0.20),
    ("robbery", "Robbery", 0.015),
    ("public_order", "Public order", 0.08),
    ("sexual_child", "Sexual (against child)", 0.0),
    ("sexual_adult", "Sexual (not against child)", 0.0),
    ("soliciting", "Soliciting or prostitution", 0.002),
    ("burglary_domestic", "Burglary (domestic)", 0.035),
    ("burglary_other", "Burglary (other)", 0.02),
    ("theft", "Theft (non-motor)", 0.20),
    ("handling", "Handling stolen goods", 0.015),
    ("fraud", "Fraud and forgery", 0.03),
    ("bail", "Absconding or bail offences", 0.035),
    ("tda", "Taking & driving away and related offences", 0.015),
    ("theft_vehicle", "Theft from vehicles", 0.012),
    ("motoring", "Other motoring", 0.08),
    ("drink_driving", "Drink driving and related offences", 0.04),
    ("criminal_damage", "Criminal damage", 0.06),
    ("drug_supply", "Drug import/export/production", 0.005),
    ("drugs", "Drug possession/supply", 0.09),
    ("other", "Other offence", 0.05),
)
GROUP_KEYS: tuple[str, ...] = tuple(k for k, _, _ in GROUPS)
G = {k: i for i, k in enumerate(GROUP_KEYS)}
BASE_P: Arr = np.array([p for _, _, p in GROUPS])
# A person's "main" offence type: as BASE_P but with the sexual specialisms.
MAIN_P: Arr = BASE_P.copy()
MAIN_P[G["sexual_child"]] = 0.004
MAIN_P[G["sexual_adult"]] = 0.005
SEXUAL = (G["sexual_child"], G["sexual_adult"])
ACQUISITIVE = tuple(
    G[k]
    for k in ("robbery", "burglary_domestic", "burglary_other", "theft", "handling", "tda", "theft_vehicle")
)
DA_GROUPS = (G["violence"], G["criminal_damage"], G["public_order"])

# Disposal columns follow vocab.DISPOSALS: custody, community, suspended, fine, discharge, other.
CUSTODY, COMMUNITY, SUSPENDED, FINE, DISCHARGE, OTHER = 0, 1, 2, 3, 4, 5
_DISPOSAL_BY_GROUP: dict[str, tuple[float, float, float, float, float, float]] = {
    "violence": (25, 30, 22, 15, 5, 3),
    "robbery": (75, 10, 12, 0, 0, 3),
    "public_order": (12, 25, 12, 35, 12, 4),
    "sexual_child": (60, 15, 20, 0, 0, 5),
    "sexual_adult": (50, 20, 20, 3, 2, 5),
    "soliciting": (2, 20, 3, 45, 20, 10),
    "burglary_domestic": (55, 20, 20, 2, 1, 2),
    "burglary_other": (40, 25, 20, 8, 4, 3),
    "theft": (22, 25, 8, 25, 15, 5),
    "handling": (20, 25, 15, 25, 10, 5),
    "fraud": (25, 25, 25, 15, 5, 5),
    "bail": (30, 5, 5, 45, 10, 5),
    "tda": (30, 30, 20, 12, 3, 5),
    "theft_vehicle": (25, 30, 15, 20, 5, 5),
    "motoring": (4, 12, 6, 68, 5, 5),
    "drink_driving": (3, 15, 6, 70, 2, 4),
    "criminal_damage": (12, 25, 10, 30, 15, 8),
    "drug_supply": (60, 10, 25, 5, 0, 0),
    "drugs": (15, 20, 12, 40, 10, 3),
    "other": (10, 15, 8, 45, 15, 7),
}
DISPOSAL_P: Arr = np.array([_DISPOSAL_BY_GROUP[k] for k in GROUP_KEYS], dtype=np.float64)
CAUTION_P: Arr = np.array(
    [
        {
            "theft": 0.2,
            "drugs": 0.25,
            "public_order": 0.15,
            "criminal_damage": 0.15,
            "violence": 0.08,
            "handling": 0.1,
            "soliciting": 0.3,
            "other": 0.1,
            "fraud": 0.05,
        }.get(k, 0.01)
        for k in GROUP_KEYS
    ]
)
# Seriousness tilt of custodial lengths: positive favours long sentences.
LENGTH_TILT: Arr = np.array(
    [
        {
            "robbery": 0.8,
            "sexual_child": 0.9,
            "sexual_adult": 0.9,
            "drug_supply": 0.8,
            "burglary_domestic": 0.5,
            "violence": 0.3,
            "burglary_other": 0.2,
            "fraud": 0.2,
        }.get(k, -0.3)
        for k in GROUP_KEYS
    ]
)

# Custodial sentence lengths: (months, weeks, weight among sentences passed, weight among the prison stock).
# Most sentences passed are short (under 12 months); people in prison on any day skew to long sentences.
CUSTODY_LENGTHS: tuple[tuple[int, int, float, float], ...] = (
    (0, 2, 3, 0.05),
    (0, 4, 6, 0.2),
    (0, 6, 6, 0.3),
    (0, 8, 5, 0.4),
    (0, 12, 6, 0.6),
    (0, 16, 6, 0.8),
    (0, 18, 4, 0.7),
    (0, 20, 3, 0.7),
    (0, 24, 2, 0.7),
    (6, 0, 8, 2),
    (8, 0, 4, 1.5),
    (9, 0, 3, 1.5),
    (10, 0, 3, 1.5),
    (12, 0, 6, 3),
    (15, 0, 2, 2),
    (16, 0, 3, 2.5),
    (18, 0, 4, 4),
    (20, 0, 2, 2.5),
    (24, 0, 4, 5),
    (27, 0, 1.5, 3),
    (30, 0, 2, 4),
    (36, 0, 3, 6),
    (42, 0, 1.5, 4),
    (48, 0, 2, 5),
    (54, 0, 1, 3),
    (60, 0, 1.5, 4),
    (72, 0, 1, 3.5),
    (84, 0, 0.7, 3),
    (96, 0, 0.5, 2),
    (120, 0, 0.3, 2),
    (144, 0, 0.2, 1.2),
    (180, 0, 0.1, 0.6),
)
LEN_MONTHS: Arr = np.array([m for m, _, _, _ in CUSTODY_LENGTHS], dtype=np.int64)
LEN_WEEKS: Arr = np.array([w for _, w, _, _ in CUSTODY_LENGTHS], dtype=np.int64)
LEN_FLOW: Arr = np.array([f for _, _, f, _ in CUSTODY_LENGTHS])
LEN_STOCK: Arr = np.array([s for _, _, _, s in CUSTODY_LENGTHS])
LEN_APPROX_DAYS: Arr = LEN_MONTHS * 30.44 + LEN_WEEKS * 7
# Suspended sentence orders: custodial term (14 days to 2 years) and operational period (6 to 24 months).
SSO_TERMS: tuple[tuple[int, int, float], ...] = (
    (0, 4, 4),
    (0, 8, 6),
    (0, 12, 8),
    (0, 16, 10),
    (0, 18, 6),
    (0, 20, 5),
    (0, 26, 8),
    (6, 0, 10),
    (8, 0, 6),
    (9, 0, 4),
    (12, 0, 10),
    (16, 0, 5),
    (18, 0, 6),
    (20, 0, 3),
    (24, 0, 5),
)
SSO_OPERATIONAL: tuple[tuple[int, float], ...] = ((6, 5), (12, 35), (18, 25), (24, 35))
CO_MONTHS_CURRENT: tuple[tuple[int, float], ...] = ((12, 55), (18, 20), (24, 25))
CO_MONTHS_PAST: tuple[tuple[int, float], ...] = ((12, 60), (18, 18), (24, 22))


def length_weights(group: Arr, base: Arr) -> Arr:
    """A (rows, lengths) weight matrix: base length weights tilted by each row's offence seriousness."""
    scale = np.log(LEN_APPROX_DAYS / 180.0)
    tilt = LENGTH_TILT[np.asarray(group, dtype=np.int64)]
    out: Arr = base[None, :] * np.exp(tilt[:, None] * scale[None, :])
    return out


@dataclass(frozen=True)
class CodePool:
    """Home Office codes of one offence group with sampling weights."""

    codes: tuple[str, ...]
    weights: Arr


# Codes that dominate their group in practice; the rest of a group shares ``_TAIL`` of its weight.
_COMMON: dict[str, tuple[tuple[str, float], ...]] = {
    "theft": (("04600", 55), ("04900", 15), ("03900", 6), ("04400", 5), ("04000", 3), ("04100", 3)),
    "violence": (("10500", 30), ("00800", 24), ("10400", 8), ("00500", 3), ("00300", 2)),
    "burglary_domestic": (("02800", 80),),
    "burglary_other": (("03000", 80),),
    "robbery": (("03400", 80),),
    "handling": (("05400", 80),),
    "criminal_damage": (("05800", 70), ("05600", 6)),
    "drug_supply": (("09200", 40),),
    "drink_driving": (("80300", 60),),
    "tda": (("04800", 60), ("03700", 12)),
    "theft_vehicle": (("04500", 80),),
    "bail": (("08000", 15),),
}
_TAIL = 0.25
# Homicide and causing death are left out: the generator's sentence lengths do not model life sentences.
_EXCLUDED_CATEGORIES = frozenset({1, 2, 4})


@lru_cache(maxsize=1)
def code_pools() -> tuple[CodePool, ...]:
    """Per offence group, the HO codes from the reference file that the generator may use."""
    by_category: dict[str, list[str]] = {}
    for row in load_offence_codes():
        if row.needs_details or row.ogrs3_weight is None or row.category in _EXCLUDED_CATEGORIES:
            continue
        by_category.setdefault(row.ogrs3_category, []).append(row.ho_code)
    pools: list[CodePool] = []
    for key, category, _ in GROUPS:
        codes = by_category.get(category, [])
        if not codes:
            raise ValueError(f"the offence code file has no usable codes for {category!r}")
        common = {c: w for c, w in _COMMON.get(key, ()) if c in codes}
        tail = [c for c in codes if c not in common]
        if common and tail:
            total = sum(common.values())
            w = [common.get(c, total * _TAIL / (1 - _TAIL) / len(tail)) for c in codes]
        else:
            w = [common.get(c, 1.0) for c in codes]
        arr = np.array(w, dtype=np.float64)
        pools.append(CodePool(tuple(codes), arr / arr.sum()))
    return tuple(pools)


# --- Reoffending (docs/calibration.md) ---------------------------------------------------------------
# Whether a sanction is followed within a year by an offence (that a court or caution later proves) is
# drawn from a logistic model of the person and the sanction, the shape of the Ministry of Justice's proven
# reoffending statistics: higher with propensity, youth, men, theft and short custody; lower for women,
# older people, fraud, sexual and motoring offences and cautions. The intercept is calibrated so that the
# partnership's measured proven reoffending rate is near Kent's 19.7% (2019-20).
REOFFEND_INTERCEPT = -6.05
REOFFEND_PROPENSITY = 6.5  # log-odds per unit of propensity
REOFFEND_FEMALE = -0.1
# (youngest age of the band, log-odds): reoffending falls with age, steeply after the forties.
REOFFEND_AGE: tuple[tuple[int, float], ...] = (
    (10, 1.4),
    (15, 1.5),
    (18, 0.7),
    (21, 0.4),
    (25, 0.15),
    (30, 0.0),
    (35, -0.25),
    (40, -0.45),
    (45, -0.7),
    (50, -1.1),
    (60, -1.7),
)
_REOFFEND_BY_GROUP: dict[str, float] = {
    "theft": 1.3,
    "handling": 0.3,
    "burglary_domestic": 0.2,
    "burglary_other": 0.2,
    "robbery": 0.2,
    "tda": 0.3,
    "theft_vehicle": 0.5,
    "bail": 0.3,
    "public_order": 0.2,
    "criminal_damage": 0.2,
    "soliciting": 0.2,
    "violence": 0.0,
    "drugs": -0.1,
    "drug_supply": -0.4,
    "other": -0.1,
    "motoring": -0.5,
    "drink_driving": -0.9,
    "fraud": -1.5,
    "sexual_child": -1.3,
    "sexual_adult": -1.2,
}
REOFFEND_BY_GROUP: Arr = np.array([_REOFFEND_BY_GROUP[k] for k in GROUP_KEYS])
# By disposal (vocab.DISPOSALS order, then a caution): custody of under 12 months the highest.
REOFFEND_BY_DISPOSAL: Arr = np.array([0.4, 0.1, 0.5, -0.1, -0.4, 0.1])
REOFFEND_SHORT_CUSTODY = 1.5  # added for custodial sentences of under 12 months
REOFFEND_CAUTION = -2.2
REOFFEND_YOUTH_CAUTION = -1.3  # a youth caution is given to children the courts would otherwise see
OFFENCES_PER_OCCASION_PROPENSITY = 2.0


def reoffend_within_year(
    propensity: Arr, age: Arr, female: Arr, group: Arr, disposal: Arr, custody_months: Arr
) -> Arr:
    """The chance that a sanction is followed within a year (from the release, for custody) by another
    offence, for sanctions described by the arrays given (``disposal`` -1 for a caution)."""
    bounds = np.array([lo for lo, _ in REOFFEND_AGE])
    age_effect = np.array([v for _, v in REOFFEND_AGE])[
        np.clip(np.searchsorted(bounds, age, side="right") - 1, 0, len(REOFFEND_AGE) - 1)
    ]
    caution = disposal < 0
    caution_effect = np.where(age < 18, REOFFEND_YOUTH_CAUTION, REOFFEND_CAUTION)
    disposal_effect = np.where(caution, caution_effect, REOFFEND_BY_DISPOSAL[np.clip(disposal, 0, 5)])
    short = (disposal == CUSTODY) & (custody_months < 12)
    logit = (
        REOFFEND_INTERCEPT
        + REOFFEND_PROPENSITY * propensity
        + age_effect
        + np.where(female, REOFFEND_FEMALE, 0.0)
        + REOFFEND_BY_GROUP[group]
        + disposal_effect
        + np.where(short, REOFFEND_SHORT_CUSTODY, 0.0)
    )
    out: Arr = 1.0 / (1.0 + np.exp(-logit))
    return out


def offences_per_occasion(propensity: Arr) -> Arr:
    """The mean number of offences dealt with on one occasion (court appearance or caution)."""
    out: Arr = 1.15 + OFFENCES_PER_OCCASION_PROPENSITY * propensity**2
    return out


def days_to_next_offence(rng: np.random.Generator, propensity: Arr, soon: Arr, slow: Arr) -> Arr:
    """Days from a sanction (its release, for custody) to the next offence: within the year where ``soon``,
    with a hazard that falls over the year and is higher for prolific people; otherwise after the year,
    by a wait that grows as propensity falls and is stretched by ``slow`` (older people, people no longer
    under supervision)."""
    n = int(propensity.shape[0])
    mean_soon = 40.0 + 200.0 * (1.0 - propensity)
    u = rng.random(n)
    within = -mean_soon * np.log(1.0 - u * (1.0 - np.exp(-355.0 / mean_soon)))
    after = 366.0 + rng.exponential((200.0 + 3000.0 * (1.0 - propensity) ** 2) * slow)
    out: Arr = np.round(np.where(soon, 3.0 + within, after)).astype(np.int64)
    return out
