"""People, families and households: who lives with whom, their names, ages and latent propensity.

Families are built from templates (a single adult, a couple, a parent or couple with children, three
generations, older parents with adult children). Everyone belongs to one family and one household; a
family can span several households. A family-level random effect in ``propensity`` makes offending run
in families, which gives the intergenerational cases the partnership looks for ("Place 2").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ._util import Arr, categorical_rows, choice_index, ragged_arange, top_k, whole_years
from .names import name_pools
from .places import DISTRICT_CODES, DISTRICT_OFFENDING, DISTRICT_WEIGHTS

# Family roles. C1 is the family's core adult, C2 their partner, KID their children, G1 the core adult's
# parents and SIB the core adult's siblings.
C1, C2, KID, G1, SIB = 0, 1, 2, 3, 4
SINGLE, COUPLE, SINGLE_PARENT, COUPLE_KIDS, THREE_GEN, OLDER = 0, 1, 2, 3, 4, 5
FAMILY_TYPE_P = np.array([0.30, 0.10, 0.16, 0.19, 0.15, 0.10])

# Supervision status of a person (what the current sentence is).
NONE, IN_CUSTODY, ON_LICENCE, COMMUNITY_ORDER, SUSPENDED_ORDER = 0, 1, 2, 3, 4

ETHNICITY_MIX: tuple[tuple[str, float], ...] = (
    # About the Kent and Medway Census 2021 mix (per cent), in ONS code order (vocab.ETHNICITY_LABELS).
    ("A1", 0.3),
    ("A2", 0.5),
    ("A3", 1.6),
    ("A4", 0.3),
    ("A5", 1.7),
    ("B1", 1.4),
    ("B2", 0.3),
    ("B3", 0.2),
    ("M1", 0.7),
    ("M2", 0.4),
    ("M3", 0.7),
    ("M4", 0.6),
    ("W1", 85.0),
    ("W2", 0.6),
    ("W3", 0.4),
    ("W4", 0.2),
    ("W5", 5.0),
    ("O1", 0.2),
    ("O2", 0.6),
)
ETHNICITY_CODES: tuple[str, ...] = (*(code for code, _ in ETHNICITY_MIX), "NS")
GENDER_CODES = ("man", "woman", "non_binary", "not_stated")
YEAR = 365.2425


@dataclass
class Population:
    """Everyone in the partnership's records, as parallel arrays indexed by person (person_id - 1)."""

    n: int
    family: Arr  # 0-based family index
    household: Arr  # 0-based household index
    role: Arr
    generation: Arr
    sex: Arr  # 0 male, 1 female
    dob: Arr  # day numbers
    age: Arr  # whole years on the as-of date
    district: Arr  # index into DISTRICT_CODES (of the current household)
    household_district: Arr  # per household
    household_size: Arr  # per household
    propensity: Arr
    da_prone: Arr  # latent: would this person's violence be domestic abuse?
    first: Arr  # index into the sex's first-name pool
    middle1: Arr  # -1 none
    middle2: Arr  # -1 none
    last: Arr  # current surname (index into last-name pool)
    birth_last: Arr  # surname at birth (differs after marriage)
    ethnicity: Arr  # index into ETHNICITY_CODES
    gender: Arr  # index into GENDER_CODES
    has_partner: Arr
    has_child_in_family: Arr  # a child under 18 in the person's family
    supervised: Arr
    status: Arr
    rel_person: Arr  # relationships (0-based person indices)
    rel_related: Arr
    rel_kind: Arr  # index into vocab.RELATIONSHIP_KINDS

    def first_names(self) -> pa.Array:
        """Current first names as an arrow column."""
        return pick_first_names(self.first, self.sex)

    def last_names(self) -> pa.Array:
        """Current surnames as an arrow column."""
        pools = name_pools()
        return pa.array(list(pools.last), type=pa.string()).take(pa.array(self.last))

    def birth_last_names(self) -> pa.Array:
        """Surnames at birth as an arrow column."""
        pools = name_pools()
        return pa.array(list(pools.last), type=pa.string()).take(pa.array(self.birth_last))


def pick_first_names(index: Arr, sex: Arr) -> pa.Array:
    """First names from pool indices, each from the pool of the person's sex."""
    pools = name_pools()
    combined = pa.array(list(pools.male) + list(pools.female), type=pa.string())
    offset = np.where(np.asarray(sex) == 1, len(pools.male), 0)
    return combined.take(pa.array(np.asarray(index, dtype=np.int64) + offset))


def _sigmoid(x: Arr) -> Arr:
    out: Arr = 1.0 / (1.0 + np.exp(-x))
    return out


def _family_counts(rng: np.random.Generator, n_people: int) -> tuple[Arr, Arr, Arr, Arr, Arr]:
    """Family type and member counts, drawn until the families hold at least ``n_people`` people."""
    types: list[Arr] = []
    c2s: list[Arr] = []
    kids: list[Arr] = []
    g1s: list[Arr] = []
    sibs: list[Arr] = []
    total = 0
    while total < n_people:
        f = max(64, int((n_people - total) / 2.6) + 16)
        t = choice_index(rng, FAMILY_TYPE_P, f)
        p_c2 = np.select(
            [t == COUPLE, t == COUPLE_KIDS, t == THREE_GEN, t == OLDER], [1.0, 1.0, 0.55, 0.7], 0.0
        )
        c2 = (rng.random(f) < p_c2).astype(np.int64)
        k = np.select(
            [t == SINGLE_PARENT, t == COUPLE_KIDS, t == THREE_GEN, t == OLDER],
            [1 + rng.poisson(0.8, f), 1 + rng.poisson(1.0, f), rng.poisson(1.3, f), 1 + rng.poisson(0.7, f)],
            0,
        )
        k = np.minimum(k, 6)
        g = np.where(t == THREE_GEN, 1 + (rng.random(f) < 0.55), 0).astype(np.int64)
        s = np.where(t == THREE_GEN, np.minimum(rng.poisson(0.6, f), 3), 0).astype(np.int64)
        types.append(t)
        c2s.append(c2)
        kids.append(k)
        g1s.append(g)
        sibs.append(s)
        total += int((1 + c2 + k + g + s).sum())
    return (
        np.concatenate(types),
        np.concatenate(c2s),
        np.concatenate(kids),
        np.concatenate(g1s),
        np.concatenate(sibs),
    )


def build_population(rng: np.random.Generator, n_people: int, as_of: int) -> Population:
    """Families, households, names, ages, ethnicity and propensity for ``n_people`` people."""
    ftype, c2, nkid, ng1, nsib = _family_counts(rng, n_people)
    size = 1 + c2 + nkid + ng1 + nsib
    ends = np.cumsum(size)
    n_fam = int(np.searchsorted(ends, n_people) + 1)
    ftype, c2, nkid, ng1, nsib, size = (a[:n_fam] for a in (ftype, c2, nkid, ng1, nsib, size))
    fam = np.repeat(np.arange(n_fam, dtype=np.int64), size)[:n_people]
    pos = ragged_arange(size)[:n_people]
    b1 = (1 + c2)[fam]
    b2 = b1 + nkid[fam]
    b3 = b2 + ng1[fam]
    role = np.select([pos == 0, pos < b1, pos < b2, pos < b3], [C1, C2, KID, G1], SIB).astype(np.int64)
    # The last family may have been cut short: recount what each family really holds.
    present_g1 = np.bincount(fam[role == G1], minlength=n_fam) > 0
    present_c2 = np.bincount(fam[role == C2], minlength=n_fam) > 0
    n = n_people
    t = ftype[fam]

    # --- ages (years, continuous) ---
    c1_age_f = np.select(
        [ftype == SINGLE, ftype == COUPLE, ftype == SINGLE_PARENT, ftype == COUPLE_KIDS, ftype == THREE_GEN],
        [
            18 + rng.gamma(2.0, 10.0, n_fam),
            20 + rng.gamma(2.5, 10.0, n_fam),
            19 + rng.gamma(3.0, 4.5, n_fam),
            22 + rng.gamma(3.0, 5.0, n_fam),
            19 + rng.gamma(2.5, 6.0, n_fam),
        ],
        45 + rng.gamma(2.0, 9.0, n_fam),
    )
    # Three generations need room above the core adult: their parents are at most about 100.
    c1_age_f = np.minimum(c1_age_f, np.select([ftype == OLDER, ftype == THREE_GEN], [96.0, 62.0], 90.0))
    c1_age = c1_age_f[fam]
    age = c1_age.copy()
    kid = role == KID
    gap = 17 + rng.gamma(3.0, 3.5, n)
    kid_age = c1_age - gap
    young_fallback = rng.random(n) * np.minimum(c1_age - 17.0, 17.0)
    kid_age = np.where(kid_age < 0, young_fallback, kid_age)
    older = t == OLDER
    adult_kid_age = c1_age - (20 + rng.gamma(2.5, 3.5, n))
    adult_kid_age = np.where(adult_kid_age < 18, 18 + rng.random(n) * 5, adult_kid_age)
    kid_age = np.where(older, adult_kid_age, kid_age)
    age = np.where(kid, kid_age, age)
    max_kid = np.zeros(n_fam)
    np.maximum.at(max_kid, fam[kid], age[kid])
    c2_age = c1_age + rng.normal(0.0, 4.0, n)
    c2_age = np.maximum(c2_age, np.maximum(18.0, max_kid[fam] + 16.5))
    age = np.where(role == C2, c2_age, age)
    g1_age_f = c1_age_f + 20 + rng.gamma(2.5, 3.0, n_fam)
    g1_age_f = np.minimum(g1_age_f, 101.0)
    g1_first = (role == G1) & (pos == b2)
    g1_age = np.where(
        g1_first, g1_age_f[fam], np.maximum(g1_age_f[fam] + rng.normal(0, 3.0, n), c1_age + 16.5)
    )
    g1_age = np.minimum(g1_age, 102.0)
    age = np.where(role == G1, g1_age, age)
    youngest_g1 = np.full(n_fam, 200.0)
    np.minimum.at(youngest_g1, fam[role == G1], age[role == G1])
    youngest_g1 = np.where(youngest_g1 > 150, g1_age_f, youngest_g1)
    sib_age = c1_age + rng.normal(0.0, 5.0, n)
    sib_age = np.clip(sib_age, 0.2, np.maximum(youngest_g1[fam] - 16.5, 0.2))
    age = np.where(role == SIB, sib_age, age)
    dob = (as_of - np.round(age * YEAR)).astype(np.int64) - rng.integers(0, 3, n)
    whole = whole_years(dob, as_of)

    # --- sex ---
    c1_male_p = np.select([ftype == SINGLE, ftype == SINGLE_PARENT], [0.6, 0.12], 0.5)
    c1_sex_f = (rng.random(n_fam) >= c1_male_p).astype(np.int64)  # 1 = female
    g1_sex_f = (rng.random(n_fam) < 0.55).astype(np.int64)
    sex = (rng.random(n) >= 0.51).astype(np.int64)
    sex = np.where(role == C1, c1_sex_f[fam], sex)
    opposite = rng.random(n) < 0.96
    sex = np.where(role == C2, np.where(opposite, 1 - c1_sex_f[fam], c1_sex_f[fam]), sex)
    sex = np.where(g1_first, g1_sex_f[fam], sex)
    sex = np.where((role == G1) & ~g1_first, 1 - g1_sex_f[fam], sex)

    # --- surnames ---
    pools = name_pools()
    fam_surname = choice_index(rng, pools.last_weights, n_fam)
    partner_surname = choice_index(rng, pools.last_weights, n)
    other_surname = choice_index(rng, pools.last_weights, n)
    birth = fam_surname[fam].copy()
    birth = np.where(role == C2, partner_surname, birth)
    married_f = rng.random(n_fam) < 0.55
    # Surname of the couple's man, if the couple is a man and a woman, for wives and children.
    c2_birth_f = np.zeros(n_fam, dtype=np.int64)
    c2_birth_f[fam[role == C2]] = birth[role == C2]
    c2_sex_f = np.full(n_fam, -1, dtype=np.int64)
    c2_sex_f[fam[role == C2]] = sex[role == C2]
    mixed_couple = present_c2 & (c2_sex_f != c1_sex_f)
    husband_surname_f = np.where(c1_sex_f == 0, fam_surname, c2_birth_f)
    takes_name = rng.random(n) < 0.9
    current = birth.copy()
    wife = np.isin(role, (C1, C2)) & (sex == 1) & mixed_couple[fam] & married_f[fam] & takes_name
    current = np.where(wife, husband_surname_f[fam], current)
    # Children: the father's surname where he is in the family, else mostly their mother's.
    kid_surname = np.where(
        mixed_couple[fam] & (married_f[fam] | (rng.random(n) < 0.55)),
        husband_surname_f[fam],
        np.where(rng.random(n) < 0.7, current_of_c1(fam, role, current, n_fam), other_surname),
    )
    current = np.where(kid, kid_surname, current)
    birth = np.where(kid, kid_surname, birth)
    # Grandparents: the grandfather carries the family name; a grandmother usually married into it.
    g1_wife = (role == G1) & (sex == 1)
    birth = np.where(g1_wife & (rng.random(n) < 0.8), other_surname, birth)
    # Adult sisters who married elsewhere.
    sister_married = (role == SIB) & (sex == 1) & (whole >= 22) & (rng.random(n) < 0.4)
    current = np.where(sister_married, partner_surname, current)
    # Divorced women who kept a former husband's name.
    kept = (role == C1) & (sex == 1) & ~present_c2[fam] & (whole >= 25) & (rng.random(n) < 0.12)
    current = np.where(kept, partner_surname, current)

    # --- first and middle names ---
    male_w, female_w = pools.male_weights, pools.female_weights
    first = np.where(sex == 0, choice_index(rng, male_w, n), choice_index(rng, female_w, n))
    m_draw = rng.random(n)
    middle1 = np.where(
        m_draw < 0.47, np.where(sex == 0, choice_index(rng, male_w, n), choice_index(rng, female_w, n)), -1
    )
    middle2 = np.where(
        m_draw < 0.07, np.where(sex == 0, choice_index(rng, male_w, n), choice_index(rng, female_w, n)), -1
    )
    middle1 = np.where(
        middle1 == first, (middle1 + 1) % np.where(sex == 0, len(pools.male), len(pools.female)), middle1
    )

    # --- households ---
    kid_rank = np.where(kid, pos - b1, 0)
    sib_rank = np.where(role == SIB, pos - b3, 0)
    adult_kid_home = rng.random(n) < np.where(older, 0.45, 0.55)
    g1_with_main_f = rng.random(n_fam) < 0.35
    g1_slot = np.where(g1_with_main_f, 0, 1)[fam]
    sib_with_parents = rng.random(n) < 0.35
    slot = np.zeros(n, dtype=np.int64)
    slot = np.where(kid & (whole >= 18) & ~adult_kid_home, 8 + kid_rank, slot)
    slot = np.where(role == G1, g1_slot, slot)
    slot = np.where((role == SIB) & ((whole < 18) | sib_with_parents), g1_slot, slot)
    slot = np.where((role == SIB) & (whole >= 18) & ~sib_with_parents, 16 + sib_rank, slot)
    # A sibling under 18 whose parents were cut off with the last family lives with the core adult.
    slot = np.where((role == SIB) & ~present_g1[fam] & (slot < 8), 0, slot)
    key = fam * 32 + slot
    uniq, household = np.unique(key, return_inverse=True)
    household = household.astype(np.int64)
    n_hh = uniq.shape[0]
    hh_family = uniq // 32
    hh_slot = uniq % 32
    fam_district = choice_index(rng, DISTRICT_WEIGHTS, n_fam)
    moved = (hh_slot != 0) & (rng.random(n_hh) < 0.2)
    hh_district = np.where(moved, choice_index(rng, DISTRICT_WEIGHTS, n_hh), fam_district[hh_family])
    district = hh_district[household]
    hh_size = np.bincount(household, minlength=n_hh)

    # --- generation ---
    generation = np.where(
        present_g1[fam],
        np.select([role == G1, role == KID], [1, 3], 2),
        np.where(role == KID, 2, 1),
    ).astype(np.int64)

    # --- ethnicity and gender ---
    mix = np.array([w for _, w in ETHNICITY_MIX])
    fam_eth = choice_index(rng, mix, n_fam)
    ethnicity = fam_eth[fam]
    redraw = rng.random(n) < 0.05
    ethnicity = np.where(redraw, choice_index(rng, mix, n), ethnicity)
    ethnicity = np.where(rng.random(n) < 0.03, len(ETHNICITY_MIX), ethnicity)
    gender_p = np.where(
        (sex == 0)[:, None],
        np.array([[0.963, 0.002, 0.003, 0.032]]),
        np.array([[0.002, 0.962, 0.004, 0.032]]),
    )
    gender = categorical_rows(rng, gender_p)

    # --- propensity: a stable latent trait; offending runs in families and places ---
    fam_z = rng.normal(0.0, 1.0, n_fam)
    dist_eff = np.array([DISTRICT_OFFENDING[c] for c in DISTRICT_CODES])
    logit = -1.7 + 1.0 * fam_z[fam] + 0.85 * rng.normal(0.0, 1.0, n) + 0.8 * (sex == 0) + dist_eff[district]
    propensity = _sigmoid(logit)
    has_partner = np.isin(role, (C1, C2)) & present_c2[fam] | ((role == G1) & (ng1[fam] == 2))
    minor_in_family = np.bincount(fam[whole < 18], minlength=n_fam) > 0
    da_p = np.where(sex == 0, np.where(has_partner, 0.30, 0.18), 0.06)
    da_prone = rng.random(n) < da_p

    rel_person, rel_related, rel_kind = _relationships(fam, role, pos, household, size, n)
    empty = np.zeros(n, dtype=bool)
    return Population(
        n=n,
        family=fam,
        household=household,
        role=role,
        generation=generation,
        sex=sex,
        dob=dob,
        age=whole,
        district=district,
        household_district=hh_district,
        household_size=hh_size,
        propensity=propensity,
        da_prone=da_prone,
        first=first,
        middle1=middle1,
        middle2=middle2,
        last=current,
        birth_last=birth,
        ethnicity=ethnicity,
        gender=gender,
        has_partner=has_partner,
        has_child_in_family=minor_in_family[fam],
        supervised=empty,
        status=np.zeros(n, dtype=np.int64),
        rel_person=rel_person,
        rel_related=rel_related,
        rel_kind=rel_kind,
    )


def current_of_c1(fam: Arr, role: Arr, current: Arr, n_fam: int) -> Arr:
    """For each person, the current surname of their family's core adult."""
    c1_current = np.zeros(n_fam, dtype=np.int64)
    c1_current[fam[role == C1]] = current[role == C1]
    return np.asarray(c1_current[fam])


def _relationships(fam: Arr, role: Arr, pos: Arr, household: Arr, size: Arr, n: int) -> tuple[Arr, Arr, Arr]:
    """Every ordered pair of relatives in a family, with the kind of relation (both directions)."""
    start = np.zeros(fam.max() + 1 if n else 0, dtype=np.int64)
    first_idx = np.flatnonzero(np.r_[True, fam[1:] != fam[:-1]]) if n else np.zeros(0, dtype=np.int64)
    start[fam[first_idx]] = first_idx
    counts = np.bincount(fam, minlength=start.shape[0])
    per_person = counts[fam]
    a = np.repeat(np.arange(n, dtype=np.int64), per_person)
    b = start[fam[a]] + ragged_arange(per_person)
    keep = a != b
    a, b = a[keep], b[keep]
    ra, rb = role[a], role[b]
    core = (ra == C1) | (ra == C2)
    core_b = (rb == C1) | (rb == C2)
    a_parent_of_b = (core & (rb == KID)) | ((ra == G1) & ((rb == C1) | (rb == SIB)))
    b_parent_of_a = (core_b & (ra == KID)) | ((rb == G1) & ((ra == C1) | (ra == SIB)))
    siblings = (((ra == C1) | (ra == SIB)) & ((rb == C1) | (rb == SIB))) | ((ra == KID) & (rb == KID))
    partners = (core & core_b) | ((ra == G1) & (rb == G1))
    same_home = household[a] == household[b]
    # Kind codes follow vocab.RELATIONSHIP_KINDS: "related person is the person's <kind>".
    kind = np.select(
        [b_parent_of_a, a_parent_of_b, siblings, partners, same_home], [0, 1, 2, 3, 4], -1
    ).astype(np.int64)
    keep = kind >= 0
    return a[keep], b[keep], kind[keep]


SUPERVISED_AGE_WEIGHTS = (
    (18, 0.9),
    (21, 1.2),
    (25, 1.3),
    (30, 1.2),
    (35, 1.0),
    (40, 0.8),
    (45, 0.6),
    (50, 0.35),
    (55, 0.2),
    (60, 0.08),
    (70, 0.02),
    (81, 0.0),
)


def _age_weight(age: Arr) -> Arr:
    bounds = np.array([lo for lo, _ in SUPERVISED_AGE_WEIGHTS])
    weights = np.array([w for _, w in SUPERVISED_AGE_WEIGHTS])
    idx = np.searchsorted(bounds, age, side="right") - 1
    return np.where(idx < 0, 0.0, weights[np.clip(idx, 0, len(weights) - 1)])


def select_supervised(
    rng: np.random.Generator,
    pop: Population,
    supervised_share: float,
    custody_share: float,
    male_share: float,
    community_mix: tuple[float, float, float],
) -> None:
    """Choose exactly who is under probation supervision now, and how (in place).

    Exact counts (not Bernoulli draws) keep the demo's headline numbers stable: 12% of 50,000 is 6,000.
    Selection is weighted by propensity and an age curve, so supervised people are mostly men of 18-50.
    """
    n_sup = round(supervised_share * pop.n)
    n_male = round(male_share * n_sup)
    base = pop.propensity**3 * _age_weight(pop.age)
    male_idx = np.flatnonzero(pop.sex == 0)
    female_idx = np.flatnonzero(pop.sex == 1)
    chosen_m = male_idx[top_k(rng, base[male_idx], n_male)]
    chosen_f = female_idx[top_k(rng, base[female_idx], n_sup - chosen_m.shape[0])]
    chosen = np.sort(np.concatenate([chosen_m, chosen_f]))
    supervised = np.zeros(pop.n, dtype=bool)
    supervised[chosen] = True
    status = np.zeros(pop.n, dtype=np.int64)
    n_custody = round(custody_share * chosen.shape[0])
    w = pop.propensity[chosen] ** 2 * np.where(pop.sex[chosen] == 0, 1.0, 0.35)
    in_custody = chosen[top_k(rng, w, n_custody)]
    status[chosen] = choice_index(rng, np.array(community_mix), chosen.shape[0]) + np.int64(ON_LICENCE)
    # community_mix is (licence, community order, suspended order): statuses 2, 3, 4.
    status[in_custody] = IN_CUSTODY
    pop.supervised = supervised
    pop.status = status
