"""What sentences ask of people, and the registers agencies keep: requirements, licence conditions, flags."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._util import Arr, add_months, add_years, choice_index, take_or, top_k
from .justice import K_COMMUNITY, K_CUSTODY, K_SUSPENDED, Occasions, Offences, Sentences
from .offending import ACQUISITIVE, SEXUAL, G
from .population import Population
from .vocab import REGISTER_KINDS, REQUIREMENT_KINDS

R = {k: i for i, k in enumerate(REQUIREMENT_KINDS)}
_REQ_BASE = np.array([30, 40, 10, 3, 12, 4, 2, 0.5, 3, 6, 5, 3, 0.7, 0], dtype=np.float64)
# Unit of each requirement's amount, as an index into vocab.REQUIREMENT_UNITS (hours, days, sessions, months).
_UNIT_OF = {
    "unpaid_work": 0,
    "rar": 1,
    "programme": 2,
    "curfew": 0,
    "exclusion": 3,
    "foreign_travel_prohibition": 3,
    "mhtr": 3,
    "drr": 3,
    "atr": 3,
    "aamr": 1,
    "attendance_centre": 0,
}
ACTIVE, COMPLETED, TERMINATED = 0, 1, 2  # vocab.REQUIREMENT_STATUSES


@dataclass
class Requirements:
    """Requirement rows of community and suspended sentence orders."""

    sentence: Arr  # index into Sentences
    kind: Arr
    amount: Arr  # -1 for none
    unit: Arr  # index into vocab.REQUIREMENT_UNITS, -1 for none
    start: Arr
    end: Arr
    status: Arr


def _values(rng: np.random.Generator, table: tuple[tuple[int, float], ...], n: int) -> Arr:
    vals = np.array([v for v, _ in table], dtype=np.int64)
    return vals[choice_index(rng, np.array([w for _, w in table]), n)]


def build_requirements(rng: np.random.Generator, s: Sentences, pop: Population, as_of: int) -> Requirements:
    """One to four requirements per order (plus electronic monitoring of most curfews and exclusions)."""
    orders = np.flatnonzero((s.kind == K_COMMUNITY) | (s.kind == K_SUSPENDED))
    m = int(orders.shape[0])
    group = s.group[orders]
    person = s.person[orders]
    w = np.tile(_REQ_BASE, (m, 1))
    drugs = np.isin(group, (G["drugs"], G["drug_supply"]))
    w[:, R["drr"]] *= np.where(drugs, 6.0, np.where(np.isin(group, ACQUISITIVE), 2.0, 1.0))
    drink = np.isin(group, (G["drink_driving"], G["violence"], G["public_order"]))
    w[:, R["atr"]] *= np.where(drink, 2.5, 1.0)
    w[:, R["aamr"]] *= np.where(drink, 2.5, 1.0)
    w[:, R["programme"]] *= np.where(s.da[orders], 4.0, np.where(np.isin(group, SEXUAL), 5.0, 1.0))
    w[:, R["prohibited_activity"]] *= np.where(np.isin(group, SEXUAL), 4.0, 1.0)
    w[:, R["mhtr"]] *= np.where(pop.sex[person] == 1, 2.5, 1.0)
    age_then = (s.sentence_date[orders] - pop.dob[person]) / 365.25
    w[:, R["attendance_centre"]] *= age_then < 25
    k = 1 + choice_index(rng, np.array([0.40, 0.35, 0.18, 0.07]), m)
    with np.errstate(divide="ignore"):
        keys = np.log(w) + rng.gumbel(size=w.shape)
    ranked = np.argsort(-keys, axis=1, kind="stable")[:, :4]
    take = np.arange(4)[None, :] < k[:, None]
    take &= np.take_along_axis(w, ranked, axis=1) > 0
    row_order = np.repeat(np.arange(m), 4).reshape(m, 4)
    r_order = row_order[take]
    r_kind = ranked[take]
    # Electronic monitoring accompanies most curfews and exclusions, over the same period.
    tagged = np.isin(r_kind, (R["curfew"], R["exclusion"])) & (rng.random(r_kind.shape[0]) < 0.9)
    n_main = r_kind.shape[0]
    r_order = np.concatenate([r_order, r_order[tagged]])
    r_kind = np.concatenate([r_kind, np.full(int(tagged.sum()), R["electronic_monitoring"])])
    source = np.concatenate([np.arange(n_main), np.flatnonzero(tagged)])
    n = int(r_kind.shape[0])

    sent = orders[r_order]
    start = s.sentence_date[sent]
    order_end = s.end_date[sent]
    months_to_end = np.maximum(((order_end - start) / 30.44).astype(np.int64), 1)
    amount = np.full(n, -1, dtype=np.int64)
    duration = np.full(n, -1, dtype=np.int64)  # months, -1 = to the end of the order
    days = np.full(n, -1, dtype=np.int64)
    kind = r_kind

    def put(name: str, values: Arr, target: Arr) -> None:
        rows = kind == R[name]
        target[rows] = values[rows]

    put(
        "unpaid_work",
        _values(
            rng,
            (
                (40, 6),
                (50, 5),
                (60, 10),
                (80, 12),
                (100, 14),
                (120, 12),
                (150, 10),
                (180, 6),
                (200, 8),
                (240, 4),
                (300, 3),
            ),
            n,
        ),
        amount,
    )
    duration[kind == R["unpaid_work"]] = 12
    put(
        "rar",
        _values(
            rng, ((5, 6), (10, 12), (15, 12), (20, 14), (25, 10), (30, 12), (40, 8), (50, 4), (60, 4)), n
        ),
        amount,
    )
    put("programme", _values(rng, ((19, 30), (22, 15), (27, 15), (29, 25), (31, 15)), n), amount)
    put(
        "curfew",
        _values(
            rng,
            (
                (2, 1),
                (4, 3),
                (6, 8),
                (7, 12),
                (8, 22),
                (9, 14),
                (10, 16),
                (12, 14),
                (14, 5),
                (16, 3),
                (20, 2),
            ),
            n,
        ),
        amount,
    )
    put("curfew", _values(rng, ((1, 10), (2, 20), (3, 25), (4, 15), (6, 20), (9, 5), (12, 5)), n), duration)
    put("exclusion", _values(rng, ((3, 15), (6, 30), (9, 10), (12, 30), (18, 8), (24, 7)), n), duration)
    put("foreign_travel_prohibition", _values(rng, ((3, 20), (6, 40), (12, 40)), n), duration)
    for name in ("mhtr", "drr", "atr"):
        put(name, _values(rng, ((6, 40), (9, 20), (12, 40)), n), duration)
    put("aamr", _values(rng, ((30, 10), (60, 25), (90, 30), (120, 35)), n), days)
    put("attendance_centre", _values(rng, ((12, 30), (18, 25), (24, 30), (36, 15)), n), amount)
    duration = np.where(duration > 0, np.minimum(duration, months_to_end), duration)
    for name in ("exclusion", "foreign_travel_prohibition", "mhtr", "drr", "atr"):
        rows = kind == R[name]
        amount[rows] = duration[rows]
    amount[kind == R["aamr"]] = days[kind == R["aamr"]]
    end = np.where(duration > 0, add_months(start, np.maximum(duration, 0)), order_end)
    end = np.where(days > 0, start + days, end)
    # Electronic monitoring runs exactly as long as the curfew or exclusion it monitors.
    em = np.flatnonzero(kind == R["electronic_monitoring"])
    end[em] = end[source[em]]
    end = np.minimum(end, order_end)
    unit_table = np.full(len(REQUIREMENT_KINDS), -1, dtype=np.int64)
    for name, u in _UNIT_OF.items():
        unit_table[R[name]] = u
    unit = unit_table[kind]
    amount = np.where(unit < 0, -1, amount)

    term = s.terminated[sent]
    stopped = (term >= 0) & (end > term)
    end = np.where(stopped, term, end)
    status = np.where(stopped, TERMINATED, np.where(end < as_of, COMPLETED, ACTIVE))
    order = np.lexsort((kind, sent))
    return Requirements(
        sentence=sent[order],
        kind=kind[order],
        amount=amount[order],
        unit=unit[order],
        start=start[order],
        end=end[order],
        status=status[order],
    )


# The standard licence conditions (Criminal Justice (Sentencing) (Licence Conditions) Order 2015, as amended
# in 2021 to add the last two).
STANDARD_CONDITIONS: tuple[tuple[str, str], ...] = (
    (
        "STD1",
        "Be of good behaviour and not behave in a way which undermines the purpose of the licence period.",
    ),
    ("STD2", "Not commit any offence."),
    (
        "STD3",
        "Keep in touch with the supervising officer in accordance with instructions given by the "
        "supervising officer.",
    ),
    (
        "STD4",
        "Receive visits from the supervising officer in accordance with instructions given by the "
        "supervising officer.",
    ),
    (
        "STD5",
        "Reside permanently at an address approved by the supervising officer and obtain the prior "
        "permission of the supervising officer for any stay of one or more nights at a different address.",
    ),
    (
        "STD6",
        "Not undertake work, or a particular type of work, unless it is approved by the supervising officer "
        "and notify the supervising officer in advance of any proposal to undertake work or a particular "
        "type of work.",
    ),
    (
        "STD7",
        "Not travel outside the United Kingdom, the Channel Islands or the Isle of Man except with the prior "
        "permission of the supervising officer or for the purposes of immigration deportation or removal.",
    ),
    (
        "STD8",
        "Tell the supervising officer if you use a name which is different to the name or names which "
        "appear on your licence.",
    ),
    (
        "STD9",
        "Tell the supervising officer if you change or add any contact details, including phone number or "
        "email.",
    ),
)
ADDITIONAL_CONDITIONS: tuple[tuple[str, str, float], ...] = (
    (
        "ADD_RESIDENCE",
        "Reside at an address approved by the supervising officer and not move without their prior approval.",
        30,
    ),
    (
        "ADD_NO_CONTACT",
        "Not to seek to approach or communicate with the victim of your offence without the "
        "prior approval of your supervising officer.",
        20,
    ),
    (
        "ADD_EXCLUSION_ZONE",
        "Not to enter the area defined on the attached map without the prior approval of "
        "your supervising officer.",
        12,
    ),
    (
        "ADD_CURFEW",
        "Confine yourself to an address approved by your supervising officer between the hours set "
        "by your supervising officer each day.",
        10,
    ),
    (
        "ADD_DRUG_TESTING",
        "Attend a location, as required by your supervising officer, to give a sample of oral "
        "fluid or urine to test for specified Class A and Class B drugs.",
        12,
    ),
    ("ADD_EM_TAG", "Allow your whereabouts to be electronically monitored by wearing an electronic tag.", 8),
    (
        "ADD_NON_ASSOCIATION",
        "Not to contact or associate with the people named by your supervising officer "
        "without their prior approval.",
        8,
    ),
    (
        "ADD_PROGRAMME",
        "Attend and take part in the accredited programme your supervising officer directs, to "
        "address your offending behaviour.",
        10,
    ),
)


@dataclass
class LicenceConditions:
    """Licence condition rows: ``code`` indexes STANDARD_CONDITIONS then ADDITIONAL_CONDITIONS."""

    sentence: Arr
    additional: Arr
    code: Arr


def build_licence_conditions(rng: np.random.Generator, s: Sentences) -> LicenceConditions:
    """Standard conditions plus 0-4 additional ones on every current custodial sentence."""
    cur = np.flatnonzero((s.kind == K_CUSTODY) & s.current)
    m = int(cur.shape[0])
    n_std = len(STANDARD_CONDITIONS)
    std_sent = np.repeat(cur, n_std)
    std_code = np.tile(np.arange(n_std), m)
    w = np.tile(np.array([c[2] for c in ADDITIONAL_CONDITIONS], dtype=np.float64), (m, 1))
    da = s.da[cur]
    w[:, 1] *= np.where(da, 4.0, 1.0)
    w[:, 4] *= np.where(np.isin(s.group[cur], (G["drugs"], G["drug_supply"])), 4.0, 1.0)
    k = choice_index(rng, np.array([0.2, 0.3, 0.25, 0.15, 0.1]), m)
    keys = np.log(w) + rng.gumbel(size=w.shape)
    ranked = np.argsort(-keys, axis=1, kind="stable")[:, :4]
    take = np.arange(4)[None, :] < k[:, None]
    add_sent = np.repeat(cur, 4).reshape(m, 4)[take]
    # Keep the published order of the additional conditions on each licence.
    add_code = np.sort(np.where(take, ranked, 99), axis=1)[take]
    sent = np.concatenate([std_sent, add_sent])
    code = np.concatenate([std_code, n_std + add_code])
    additional = np.concatenate([np.zeros(std_sent.shape[0], bool), np.ones(add_sent.shape[0], bool)])
    order = np.lexsort((code, sent))
    return LicenceConditions(sentence=sent[order], additional=additional[order], code=code[order])


K = {k: i for i, k in enumerate(REGISTER_KINDS)}


@dataclass
class Registers:
    """Register rows (flags)."""

    person: Arr
    kind: Arr
    category: Arr  # MAPPA category, -1 otherwise
    level: Arr  # MAPPA level, -1 otherwise
    start: Arr
    end: Arr  # -1 for open


@dataclass
class PersonJustice:
    """Per-person summaries of criminal history that later stages need."""

    has_record: Arr
    first_offence: Arr  # day number, -1 none
    last_outcome: Arr
    last_offence: Arr
    any_custody: Arr
    any_sentence: Arr
    current_sentence: Arr  # index into Sentences, -1 none
    acquisitive: Arr  # share of offences
    sexual_child: Arr
    da_first: Arr  # first domestic abuse outcome date, -1 none
    da_last: Arr
    youth_first: Arr  # first youth sanction date, -1 none
    youth_last: Arr
    youth_last_caution: Arr
    drugs: Arr  # any drug offence


def summarise(pop: Population, occ: Occasions, off: Offences, s: Sentences) -> PersonJustice:
    """Per-person facts drawn from the history tables."""
    n = pop.n
    has = np.zeros(n, bool)
    has[occ.person] = True
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, off.person, off.offence_date)
    first = np.where(has, first, -1)
    last_out = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last_out, occ.person, occ.outcome_date)
    last_off = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last_off, off.person, off.offence_date)
    any_custody = np.zeros(n, bool)
    any_custody[s.person[s.kind == K_CUSTODY]] = True
    any_sentence = np.zeros(n, bool)
    any_sentence[s.person] = True
    current = np.full(n, -1, dtype=np.int64)
    ci = np.flatnonzero(s.current)
    current[s.person[ci]] = ci
    total = np.bincount(off.person, minlength=n)
    acq = np.bincount(off.person[np.isin(off.group, ACQUISITIVE)], minlength=n)
    sexual_child = np.zeros(n, bool)
    sexual_child[off.person[off.group == G["sexual_child"]]] = True
    da_rows = np.flatnonzero(off.da)
    da_out = occ.outcome_date[off.occasion[da_rows]]
    da_first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(da_first, off.person[da_rows], da_out)
    da_any = np.zeros(n, bool)
    da_any[off.person[da_rows]] = True
    da_first = np.where(da_any, da_first, -1)
    da_last = np.full(n, -1, dtype=np.int64)
    np.maximum.at(da_last, off.person[da_rows], da_out)
    yi = np.flatnonzero(occ.youth)
    y_first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(y_first, occ.person[yi], occ.outcome_date[yi])
    y_any = np.zeros(n, bool)
    y_any[occ.person[yi]] = True
    y_first = np.where(y_any, y_first, -1)
    y_last = np.full(n, -1, dtype=np.int64)
    np.maximum.at(y_last, occ.person[yi], occ.outcome_date[yi])
    # occasions are sorted by person then date, so the last youth row of each person is their latest.
    y_last_caution = np.zeros(n, bool)
    y_last_caution[occ.person[yi]] = occ.caution[yi]
    drugs = np.zeros(n, bool)
    drugs[off.person[np.isin(off.group, (G["drugs"], G["drug_supply"]))]] = True
    return PersonJustice(
        has_record=has,
        first_offence=first,
        last_outcome=last_out,
        last_offence=last_off,
        any_custody=any_custody,
        any_sentence=any_sentence,
        current_sentence=current,
        acquisitive=np.where(total > 0, acq / np.maximum(total, 1), 0.0),
        sexual_child=sexual_child,
        da_first=da_first,
        da_last=da_last,
        youth_first=y_first,
        youth_last=y_last,
        youth_last_caution=y_last_caution,
        drugs=drugs,
    )


def _notification_years(custody_months: Arr, caution: Arr, custody: Arr, youth: Arr) -> Arr:
    """Sex offender notification period in years (0 = indefinite), Sexual Offences Act 2003 s.82."""
    years = np.select(
        [custody & (custody_months >= 30), custody & (custody_months > 6), custody, caution],
        [0.0, 10.0, 7.0, 2.0],
        5.0,
    )
    out: Arr = np.where(youth, years / 2, years)
    return out


def build_registers(
    rng: np.random.Generator,
    pop: Population,
    occ: Occasions,
    off: Offences,
    s: Sentences,
    pj: PersonJustice,
    as_of: int,
    mappa_share: float,
    iom_share: float,
) -> Registers:
    """Register flags for supervised people and, where agencies would hold them, for others."""
    n = pop.n
    rows: list[tuple[Arr, int, Arr, Arr, Arr, Arr]] = []
    sup = pop.supervised
    sup_idx = np.flatnonzero(sup)
    n_sup = sup_idx.shape[0]
    none = np.int64(-1)

    def add(
        person: Arr,
        kind: str,
        start: Arr,
        end: Arr | None = None,
        cat: Arr | None = None,
        level: Arr | None = None,
    ) -> None:
        k = int(person.shape[0])
        rows.append(
            (
                person.astype(np.int64),
                K[kind],
                np.full(k, none) if cat is None else cat.astype(np.int64),
                np.full(k, none) if level is None else level.astype(np.int64),
                start.astype(np.int64),
                np.full(k, none) if end is None else end.astype(np.int64),
            )
        )

    def recent_start(person: Arr, years: float) -> Arr:
        earliest = np.maximum(add_years(pop.dob[person], 10), as_of - int(years * 365))
        out: Arr = earliest + np.floor(rng.random(person.shape[0]) * np.maximum(as_of - earliest, 1))
        return out.astype(np.int64)

    def sup_start(person: Arr) -> Arr:
        cs = pj.current_sentence[person]
        base = take_or(s.sentence_date, cs, as_of - 365)
        out: Arr = np.minimum(base + np.floor(rng.random(person.shape[0]) * 60).astype(np.int64), as_of - 1)
        return out

    def mappa_level(k: int) -> Arr:
        return np.array([1, 2, 3])[choice_index(rng, np.array([0.85, 0.13, 0.02]), k)]

    # --- terrorism (very rare) and MAPPA category 4 ---
    n_terror = round(0.0005 * n_sup) if n_sup >= 1000 else 0
    terror = sup_idx[top_k(rng, pop.propensity[sup_idx] * (pop.sex[sup_idx] == 0), n_terror)]
    add(terror, "terrorism", sup_start(terror))

    # --- MAPPA category 1: everyone with a sexual sanction, for their notification period ---
    sex_rows = np.flatnonzero(np.isin(off.group, (G["sexual_child"], G["sexual_adult"])))
    sex_occ = np.unique(off.occasion[sex_rows])
    sex_person = occ.person[sex_occ]
    # the latest sexual sanction of each person (occasions are sorted by person and date)
    last_of_person = np.r_[sex_person[1:] != sex_person[:-1], True] if sex_occ.shape[0] else np.zeros(0, bool)
    so = sex_occ[last_of_person]
    sp = occ.person[so]
    so_custody = occ.sent_kind[so] == K_CUSTODY
    years = _notification_years(occ.months[so], occ.caution[so], so_custody, occ.youth[so])
    start = occ.outcome_date[so]
    end_date = add_months(start, np.round(years * 12).astype(np.int64))
    open_ended = (years == 0) | (end_date > as_of) | sup[sp]
    cat1_level = mappa_level(sp.shape[0])
    add(sp, "mappa", start, np.where(open_ended, none, end_date), np.full(sp.shape[0], 1), cat1_level)
    mappa_now = np.zeros(n, bool)
    mappa_now[sp[open_ended]] = True
    mappa_now[terror] = True
    add(terror, "mappa", sup_start(terror), None, np.full(terror.shape[0], 4), mappa_level(terror.shape[0]))

    # --- MAPPA categories 2 and 3 among supervised people, up to the target share ---
    target = round(mappa_share * n_sup)
    have = int(mappa_now[sup_idx].sum())
    cs = pj.current_sentence
    violent = np.isin(take_or(s.group, cs, -1), (G["violence"], G["robbery"])) & (
        take_or(s.kind, cs, -1) == K_CUSTODY
    )
    cat2_ok = sup & violent & (take_or(s.length_days, cs, 0) >= 365) & ~mappa_now
    cat2_idx = np.flatnonzero(cat2_ok)
    n_cat2 = min(cat2_idx.shape[0], max(0, round((target - have) * 0.85)))
    cat2 = cat2_idx[top_k(rng, pop.propensity[cat2_idx], n_cat2)]
    add(cat2, "mappa", sup_start(cat2), None, np.full(cat2.shape[0], 2), mappa_level(cat2.shape[0]))
    mappa_now[cat2] = True
    cat3_ok = sup & ~mappa_now & ((pj.da_last >= 0) | violent)
    cat3_idx = np.flatnonzero(cat3_ok)
    n_cat3 = max(0, target - have - cat2.shape[0])
    cat3 = cat3_idx[top_k(rng, pop.propensity[cat3_idx], min(n_cat3, cat3_idx.shape[0]))]
    add(cat3, "mappa", sup_start(cat3), None, np.full(cat3.shape[0], 3), mappa_level(cat3.shape[0]))

    # --- domestic abuse perpetrators: anyone with a domestic abuse offence ---
    da = np.flatnonzero(pj.da_first >= 0)
    da_end = add_years(pj.da_last[da], 3)
    add(da, "domestic_abuse_perpetrator", pj.da_first[da], np.where(sup[da] | (da_end > as_of), none, da_end))
    stalk_pool = np.flatnonzero(sup & (pj.da_first >= 0))
    stalk = stalk_pool[rng.random(stalk_pool.shape[0]) < 0.08]
    add(stalk, "stalking", sup_start(stalk))

    # --- IOM: the most prolific neighbourhood (acquisitive) offenders under supervision ---
    iom_w = np.where(
        pj.acquisitive[sup_idx] >= 0.3, pj.acquisitive[sup_idx] * pop.propensity[sup_idx] ** 2, 0
    )
    iom = sup_idx[top_k(rng, iom_w, round(iom_share * n_sup))]
    add(iom, "iom", sup_start(iom))

    # --- safeguarding and vulnerability flags ---
    with_kids = sup_idx[pop.has_child_in_family[sup_idx]]
    cc = with_kids[rng.random(with_kids.shape[0]) < 0.15]
    add(cc, "child_concerns", sup_start(cc))
    cp = with_kids[rng.random(with_kids.shape[0]) < 0.06]
    add(cp, "child_protection", sup_start(cp))
    rtc = np.flatnonzero(pj.sexual_child & sup)
    rtc = np.union1d(rtc, with_kids[(pj.da_first[with_kids] >= 0) & (rng.random(with_kids.shape[0]) < 0.1)])
    add(rtc, "risk_to_children", sup_start(rtc))
    female = pop.sex[sup_idx] == 1
    u = rng.random((n_sup, 6))
    mh = sup_idx[u[:, 0] < np.where(female, 0.28, 0.14)]
    add(mh, "mental_health", sup_start(mh))
    sh = sup_idx[u[:, 1] < np.where(female, 0.14, 0.07)]
    add(sh, "self_harm", sup_start(sh))
    vul = sup_idx[u[:, 2] < np.where(female | (pop.age[sup_idx] < 21), 0.12, 0.05)]
    add(vul, "vulnerability", sup_start(vul))
    pi = sup_idx[u[:, 3] < 0.004]
    add(pi, "public_interest", sup_start(pi))
    aar = sup_idx[u[:, 4] < 0.01]
    add(aar, "adult_at_risk", sup_start(aar))
    young_men = (pop.sex[sup_idx] == 0) & (pop.age[sup_idx] <= 25)
    gang_risk = young_men & (pj.drugs[sup_idx] | (pop.propensity[sup_idx] > 0.6))
    gangs = sup_idx[gang_risk & (u[:, 5] < 0.12)]
    add(gangs, "street_gangs", sup_start(gangs))

    # --- flags held on people outside supervision ---
    others = np.flatnonzero(~sup & (pop.age >= 10))
    v = rng.random((others.shape[0], 2))
    asb_p = np.where(pj.has_record[others], 0.03, 0.004) * (0.5 + pop.propensity[others])
    asb_o = others[v[:, 0] < asb_p]
    asb_s = sup_idx[rng.random(n_sup) < 0.03]
    asb = np.concatenate([asb_s, asb_o])
    asb_start = recent_start(asb, 4)
    asb_end = asb_start + 180 + np.floor(rng.random(asb.shape[0]) * 900).astype(np.int64)
    add(asb, "asb", asb_start, np.where(sup[asb] | (asb_end >= as_of), none, asb_end))
    mh_o = others[(v[:, 1] < np.where(pj.has_record[others], 0.05, 0.015)) & (pop.age[others] >= 16)]
    mh_start = recent_start(mh_o, 8)
    mh_end = mh_start + 365 + np.floor(rng.random(mh_o.shape[0]) * 1500).astype(np.int64)
    add(mh_o, "mental_health", mh_start, np.where(mh_end >= as_of, none, mh_end))

    person = np.concatenate([r[0] for r in rows])
    kind = np.concatenate([np.full(r[0].shape[0], r[1], dtype=np.int64) for r in rows])
    cat = np.concatenate([r[2] for r in rows])
    level = np.concatenate([r[3] for r in rows])
    start_all = np.concatenate([r[4] for r in rows])
    end_all = np.concatenate([r[5] for r in rows])
    start_all = np.minimum(start_all, as_of - 1)
    end_all = np.where((end_all >= 0) & (end_all < start_all), start_all, end_all)
    order = np.lexsort((start_all, kind, person))
    return Registers(
        person=person[order],
        kind=kind[order],
        category=cat[order],
        level=level[order],
        start=start_all[order],
        end=end_all[order],
    )
