"""Criminal histories: offences, cautions and convictions, sentences and their dates, requirements.

Histories are simulated backwards from an anchor. For a supervised person the anchor is the current
sentence, placed so that it is running on the as-of date (in custody with a future release, on licence,
or serving a community or suspended order). For anyone else with a record, the anchor is their latest
sanction, placed so that any sentence it brought has finished. Earlier sanctions follow one another back
in time, separated by a gap that shrinks as propensity grows and by the time served in custody, until
the person's criminal career began (at 10 at the earliest). Supervised people also reoffend during their
current sentence, at the rate their history predicts: those offences are dealt with by a fine, a discharge
or a caution, which leave the sentence running (docs/calibration.md).

Release dates use the standard determinate rules: conditional release at half the sentence (at 40% for
sentences passed from 10 September 2024, except sexual, domestic abuse and violent offences of four
years or more: the SDS40 change), licence to the end of the sentence and, for sentences under two years,
post-sentence supervision until 12 months after the conditional release date (the "top-up" period of
the Offender Rehabilitation Act 2014). A share of eligible prisoners is released early on Home Detention
Curfew. Current rules are applied to past sentences too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from ._util import Arr, add_months, add_years, categorical_rows, choice_index, ragged_arange, to_days
from .offending import (
    BASE_P,
    CAUTION_P,
    CO_MONTHS_CURRENT,
    CO_MONTHS_PAST,
    COMMUNITY,
    CUSTODY,
    DA_GROUPS,
    DISCHARGE,
    DISPOSAL_P,
    FINE,
    LEN_APPROX_DAYS,
    LEN_FLOW,
    LEN_MONTHS,
    LEN_STOCK,
    LEN_WEEKS,
    MAIN_P,
    SEXUAL,
    SSO_OPERATIONAL,
    SSO_TERMS,
    SUSPENDED,
    G,
    code_pools,
    days_to_next_offence,
    length_weights,
    offences_per_occasion,
    reoffend_within_year,
)
from .population import COMMUNITY_ORDER, IN_CUSTODY, ON_LICENCE, SUSPENDED_ORDER, YEAR, Population

SDS40_START = to_days(date(2024, 9, 10))
K_CUSTODY, K_COMMUNITY, K_SUSPENDED = 0, 1, 2  # vocab.SENTENCE_KINDS
MAX_OCCASIONS = 80


@dataclass
class Occasions:
    """Sanction occasions (one court outcome or caution, with one or more offences) in arrays."""

    person: Arr
    outcome_date: Arr
    offence_date: Arr  # earliest offence dealt with on the occasion
    caution: Arr
    disposal: Arr  # -1 for a caution
    group: Arr
    n_offences: Arr
    da: Arr  # the main offence is domestic abuse
    youth: Arr
    current: Arr  # the supervised person's current sentence
    sent_kind: Arr  # -1 none
    months: Arr
    weeks: Arr
    op_months: Arr
    hdc_draw: Arr


@dataclass
class Sentences:
    """Sentence rows, all dates as day numbers (-1 where not applicable)."""

    occasion: Arr
    person: Arr
    kind: Arr
    sentence_date: Arr
    length_days: Arr
    end_date: Arr
    crd: Arr
    release: Arr
    release_actual: Arr
    led: Arr
    sed: Arr
    terminated: Arr
    group: Arr
    da: Arr
    current: Arr


def _supervision_end(s: Sentences) -> Arr:
    out: Arr = np.where(s.kind == K_CUSTODY, s.sed, s.end_date)
    return out


def compute_sentence_dates(
    kind: Arr, sd: Arr, months: Arr, weeks: Arr, op_months: Arr, sds40_ok: Arr, hdc_draw: Arr
) -> dict[str, Arr]:
    """Exact dates of sentences passed on ``sd`` (day numbers; -1 where a date does not apply)."""
    custody = kind == K_CUSTODY
    term_end = add_months(sd, months) + 7 * weeks
    length = term_end - sd
    frac = np.where(sds40_ok & (sd >= SDS40_START), 0.4, 0.5)
    crd = sd + np.ceil(frac * length).astype(np.int64)
    led = sd + length
    under_two = term_end < add_months(sd, 24)
    sed = np.where(under_two, np.maximum(led, add_months(crd, 12)), led)
    # Home Detention Curfew: the eligibility date of RULES.md §7; hdc_draw < 0.3 takes it up, at a
    # point between eligibility and the conditional release date.
    custodial = crd - sd
    hed = np.maximum(
        sd + 14,
        np.where(custodial < 730, sd + np.maximum(28, np.ceil(custodial / 2).astype(np.int64)), crd - 364),
    )
    eligible = (length >= 84) & (months < 48) & (custodial >= 42) & sds40_ok & (hed < crd)
    early = eligible & (hdc_draw < 0.3)
    release = np.where(early, hed + np.floor((hdc_draw / 0.3) * (crd - hed)).astype(np.int64), crd)
    end = np.where(kind == K_COMMUNITY, add_months(sd, months), add_months(sd, op_months))
    co_length = add_months(sd, months) - sd
    na = np.int64(-1)
    return {
        "length": np.where(kind == K_COMMUNITY, co_length, length),
        "end": np.where(custody, na, end),
        "crd": np.where(custody, crd, na),
        "release": np.where(custody, release, na),
        "led": np.where(custody, led, na),
        "sed": np.where(custody, sed, na),
    }


def _sds40_ok(group: Arr, months: Arr, da: Arr) -> Arr:
    sexual = np.isin(group, SEXUAL)
    long_violent = (group == G["violence"]) & (months >= 48)
    out: Arr = ~sexual & ~long_violent & ~da
    return out


def _draw_groups(rng: np.random.Generator, main: Arr) -> Arr:
    n = int(main.shape[0])
    sexual_main = np.isin(main, SEXUAL)
    use_main = rng.random(n) < np.where(sexual_main, 0.6, 0.45)
    return np.where(use_main, main, choice_index(rng, BASE_P, n))


def _draw_lengths(rng: np.random.Generator, group: Arr, base: Arr, allowed: Arr | None = None) -> Arr:
    w = length_weights(group, base)
    if allowed is not None:
        w = w * allowed
        empty = w.sum(axis=1) == 0
        w[empty, 0] = 1.0
    return categorical_rows(rng, w)


def _pick(rng: np.random.Generator, table: tuple[tuple[int, float], ...], n: int) -> Arr:
    values = np.array([v for v, _ in table], dtype=np.int64)
    return values[choice_index(rng, np.array([w for _, w in table]), n)]


def _conviction_delay(rng: np.random.Generator, n: int) -> Arr:
    # Offence to conviction: a median of about ten weeks, a long tail for Crown Court cases.
    out: Arr = np.minimum(7 + np.round(rng.lognormal(np.log(65.0), 0.8, n)), 720).astype(np.int64)
    return out


def _caution_delay(rng: np.random.Generator, n: int) -> Arr:
    out: Arr = np.minimum(1 + np.round(rng.exponential(18.0, n)), 180).astype(np.int64)
    return out


@dataclass
class _Draw:
    caution: Arr
    disposal: Arr
    kind: Arr
    months: Arr
    weeks: Arr
    op_months: Arr
    span_upper: Arr  # days from the outcome to the end of any supervision, at most
    served_upper: Arr  # days in custody, at most


def _draw_outcomes(rng: np.random.Generator, group: Arr, youth: Arr, prop: Arr, female: Arr) -> _Draw:
    """Caution or conviction, the disposal and any sentence, for occasions on which nothing is forced."""
    n = int(group.shape[0])
    caution_p = np.where(youth, 0.45, CAUTION_P[group] * (1.3 - prop))
    caution = rng.random(n) < caution_p
    w = DISPOSAL_P[group].copy()
    # Prolific offenders are imprisoned more often; courts imprison women less often than men.
    w[:, CUSTODY] *= (0.3 + 1.2 * prop) * np.where(female, 0.5, 1.0)
    adult = categorical_rows(rng, w)
    # Youth courts: referral orders and youth rehabilitation orders ("other"), discharges, fines.
    youth_disposal = np.array([5, 4, 3])[choice_index(rng, np.array([73.0, 15.0, 12.0]), n)]
    disposal = np.where(youth, youth_disposal, adult)
    disposal = np.where(caution, -1, disposal)
    return _sentence_spec(rng, group, disposal, current=False)


def _sentence_spec(rng: np.random.Generator, group: Arr, disposal: Arr, current: bool) -> _Draw:
    n = int(group.shape[0])
    kind = np.select(
        [disposal == CUSTODY, disposal == COMMUNITY, disposal == SUSPENDED],
        [K_CUSTODY, K_COMMUNITY, K_SUSPENDED],
        -1,
    ).astype(np.int64)
    li = _draw_lengths(rng, group, LEN_FLOW)
    months = np.zeros(n, dtype=np.int64)
    weeks = np.zeros(n, dtype=np.int64)
    op = np.zeros(n, dtype=np.int64)
    cm = _pick(rng, CO_MONTHS_CURRENT if current else CO_MONTHS_PAST, n)
    term_i = choice_index(rng, np.array([w for _, _, w in SSO_TERMS]), n)
    term_m = np.array([m for m, _, _ in SSO_TERMS])[term_i]
    term_w = np.array([w for _, w, _ in SSO_TERMS])[term_i]
    opm = _pick(rng, SSO_OPERATIONAL, n)
    months = np.select(
        [kind == K_CUSTODY, kind == K_COMMUNITY, kind == K_SUSPENDED], [LEN_MONTHS[li], cm, term_m], 0
    )
    weeks = np.select([kind == K_CUSTODY, kind == K_SUSPENDED], [LEN_WEEKS[li], term_w], 0)
    op = np.where(kind == K_SUSPENDED, np.maximum(opm, 0), op)
    length_upper = months * 31 + weeks * 7
    served = np.where(kind == K_CUSTODY, (length_upper + 1) // 2, 0)
    span = np.select(
        [kind == K_CUSTODY, kind == K_COMMUNITY, kind == K_SUSPENDED],
        [np.maximum(length_upper, served + 367), months * 31, op * 31],
        0,
    )
    return _Draw(
        disposal < 0,
        disposal,
        kind,
        months.astype(np.int64),
        weeks.astype(np.int64),
        op.astype(np.int64),
        span.astype(np.int64),
        served.astype(np.int64),
    )


def _place_current(
    rng: np.random.Generator, status: Arr, group: Arr, da: Arr, dob18: Arr, as_of: int
) -> tuple[Arr, Arr, Arr, Arr, Arr, Arr, Arr]:
    """Sentence date and terms of each supervised person's current sentence.

    Returns (status, kind, sentence_date, months, weeks, op_months, hdc_draw). A person too young to have
    served any custodial sentence since turning 18 is moved from licence to a community order.
    """
    n = int(status.shape[0])
    since18 = as_of - dob18
    status = np.where((status == ON_LICENCE) & (since18 < 60), COMMUNITY_ORDER, status)
    kind = np.select(
        [status == IN_CUSTODY, status == ON_LICENCE, status == SUSPENDED_ORDER],
        [K_CUSTODY, K_CUSTODY, K_SUSPENDED],
        K_COMMUNITY,
    ).astype(np.int64)
    hdc = rng.random(n)
    # Custody now: the prison stock, released within two years at most (so the part of the custodial
    # period already served must fit since the person's 18th birthday).
    stock_ok = (np.ceil(LEN_APPROX_DAYS / 2)[None, :] - 730) < since18[:, None]
    stock_i = _draw_lengths(rng, group, LEN_STOCK, stock_ok)
    # On licence: sentences passed, weighted by how long their licence lasts (about half the sentence).
    # Everyone placed on licence is inside the licence period itself, not the post-sentence supervision
    # that follows short sentences.
    allowed = (np.ceil(LEN_APPROX_DAYS / 2)[None, :] + 40) < since18[:, None]
    lic_i = _draw_lengths(rng, group, LEN_FLOW * LEN_APPROX_DAYS / 2, allowed)
    li = np.where(status == IN_CUSTODY, stock_i, lic_i)
    months = np.where(kind == K_CUSTODY, LEN_MONTHS[li], 0)
    weeks = np.where(kind == K_CUSTODY, LEN_WEEKS[li], 0)
    co_m = _pick(rng, CO_MONTHS_CURRENT, n)
    term_i = choice_index(rng, np.array([w for _, _, w in SSO_TERMS]), n)
    months = np.where(kind == K_COMMUNITY, co_m, months)
    months = np.where(kind == K_SUSPENDED, np.array([m for m, _, _ in SSO_TERMS])[term_i], months)
    weeks = np.where(kind == K_SUSPENDED, np.array([w for _, w, _ in SSO_TERMS])[term_i], weeks)
    op = np.where(kind == K_SUSPENDED, _pick(rng, SSO_OPERATIONAL, n), 0)
    ok40 = _sds40_ok(group, months, da)
    u = rng.random(n)

    # Provisional placement from approximate lengths, then exact dates and small corrections.
    approx = months * 30.44 + weeks * 7
    custodial = np.ceil(approx / 2)
    lo = np.maximum(0.0, custodial - 730)
    elapsed_custody = lo + np.floor(u * np.maximum(custodial - 1 - lo, 1))
    elapsed_custody = np.maximum(np.minimum(elapsed_custody, since18 - 1), 1)
    order_len = np.where(kind == K_SUSPENDED, op * 30.44, months * 30.44)
    elapsed_order = np.minimum(np.floor(u * (order_len - 2)), since18)
    sd = np.where(status == IN_CUSTODY, as_of - elapsed_custody, as_of - elapsed_order).astype(np.int64)
    # Re-place people in custody on their exact custodial period (40% or 50%, by sentence date), so
    # that time still to serve stays spread out rather than bunched by the correction below.
    cust = status == IN_CUSTODY
    for _ in range(3):
        c_exact = compute_sentence_dates(kind, sd, months, weeks, op, ok40, hdc)["crd"] - sd
        lo = np.maximum(0, c_exact - 730)
        el = lo + np.floor(u * np.maximum(c_exact - 1 - lo, 1)).astype(np.int64)
        el = np.maximum(np.minimum(el, since18 - 1), 1)
        sd = np.where(cust, as_of - el, sd)

    licence = status == ON_LICENCE
    if licence.any():
        base = np.full(n, as_of - 4000, dtype=np.int64)
        d0 = compute_sentence_dates(kind, base, months, weeks, op, ok40, hdc)
        span = np.maximum(d0["led"] - d0["release"], 2)
        since_release = 1 + np.floor(u * (span - 1)).astype(np.int64)
        offset = d0["release"] - base
        sd = np.where(licence, as_of - since_release - offset, sd)
        sd = np.where(licence, np.maximum(sd, dob18), sd)

    for _ in range(6):
        d = compute_sentence_dates(kind, sd, months, weeks, op, ok40, hdc)
        shift = np.zeros(n, dtype=np.int64)
        cust = status == IN_CUSTODY
        shift = np.where(cust & (d["crd"] <= as_of), as_of - d["crd"] + 1, shift)
        shift = np.where(licence & (d["release"] >= as_of), -(d["release"] - as_of + 1), shift)
        shift = np.where(licence & (d["led"] <= as_of), as_of - d["led"] + 1, shift)
        orders = (kind == K_COMMUNITY) | (kind == K_SUSPENDED)
        shift = np.where(orders & (d["end"] <= as_of), as_of - d["end"] + 1, shift)
        if not shift.any():
            break
        sd = sd + shift
    sd = np.minimum(sd, as_of)
    return status, kind, sd, months.astype(np.int64), weeks.astype(np.int64), op.astype(np.int64), hdc


# Reoffending while supervised (docs/calibration.md, "Settings"). An offence proven while a sentence runs
# is dealt with here without ending it: a fine, a discharge or a caution (-1), in these proportions (a
# setting: fines are the commonest sentence at court in the MoJ's Criminal Justice Statistics; a breach
# or a new custodial sentence is not modelled). At most this many such offences per person.
_UNDER_SUPERVISION_DISPOSALS: tuple[tuple[int, float], ...] = ((FINE, 55.0), (DISCHARGE, 25.0), (-1, 20.0))
_UNDER_SUPERVISION_STEPS = 4
# The latest sanction of someone not supervised that falls too late for a sentence to have ended by the
# as-of date is one that ends at once: a fine with this chance, otherwise a discharge (a setting).
_ENDS_AT_ONCE_FINE = 0.7
# How much longer the wait to an offence after the first year is, by age (youngest age of the band, factor):
# offending slows with age (a setting, in the direction of the MoJ's age gradient).
_PACE_BY_AGE: tuple[tuple[int, float], ...] = ((0, 0.7), (25, 1.0), (35, 1.5), (50, 2.5))


def _pace(age: Arr) -> Arr:
    bounds = np.array([lo for lo, _ in _PACE_BY_AGE])
    out: Arr = np.array([v for _, v in _PACE_BY_AGE])[np.searchsorted(bounds, age, side="right") - 1]
    return out


def _reoffending_under_supervision(
    rng: np.random.Generator,
    idx: Arr,
    prop: Arr,
    dob: Arr,
    female: Arr,
    main: Arr,
    group: Arr,
    kind: Arr,
    sd: Arr,
    months: Arr,
    weeks: Arr,
    op: Arr,
    da: Arr,
    hdc: Arr,
    as_of: int,
) -> list[dict[str, Arr]]:
    """Offences after the current sentence began (in the community: from the order, or from the release on
    licence), proven by the as-of date and dealt with without ending the sentence (a fine, a discharge or a
    caution). The current sentence is the person's latest sentence, but not always their latest offence:
    people reoffend while supervised, at the rate their own history predicts."""
    released = compute_sentence_dates(kind, sd, months, weeks, op, _sds40_ok(group, months, da), hdc)[
        "release"
    ]
    start = np.where(kind == K_CUSTODY, released, sd)
    live = (kind != K_CUSTODY) | (released < as_of)
    disposal = np.where(kind == K_CUSTODY, CUSTODY, np.where(kind == K_COMMUNITY, COMMUNITY, SUSPENDED))
    last_group, last_disposal, last_months = group, disposal, months
    t = start
    out: list[dict[str, Arr]] = []
    for _ in range(_UNDER_SUPERVISION_STEPS):
        age = (t - dob) / YEAR
        p_soon = reoffend_within_year(prop, age, female, last_group, last_disposal, last_months)
        soon = rng.random(idx.shape[0]) < p_soon
        pace = _pace(age)
        offence = t + days_to_next_offence(rng, prop, soon, pace)
        new_disposal = np.array([d for d, _ in _UNDER_SUPERVISION_DISPOSALS])[
            choice_index(rng, np.array([w for _, w in _UNDER_SUPERVISION_DISPOSALS]), idx.shape[0])
        ]
        caution = new_disposal < 0
        outcome = offence + np.where(
            caution, _caution_delay(rng, idx.shape[0]), _conviction_delay(rng, idx.shape[0])
        )
        new_group = _draw_groups(rng, main)
        live = live & (outcome < as_of)
        if not live.any():
            break
        keep = np.flatnonzero(live)
        out.append(
            {
                "idx": idx[keep],
                "outcome_date": outcome[keep],
                "offence_date": offence[keep],
                "caution": caution[keep],
                "disposal": new_disposal[keep],
                "group": new_group[keep],
                "da": np.zeros(keep.shape[0], bool),
                "current": np.zeros(keep.shape[0], bool),
                "sent_kind": np.full(keep.shape[0], -1, dtype=np.int64),
                "months": np.zeros(keep.shape[0], dtype=np.int64),
                "weeks": np.zeros(keep.shape[0], dtype=np.int64),
                "op_months": np.zeros(keep.shape[0], dtype=np.int64),
                "hdc_draw": rng.random(keep.shape[0]),
            }
        )
        t, last_group, last_disposal = outcome, new_group, new_disposal
        last_months = np.zeros(idx.shape[0], dtype=np.int64)
    return out


def simulate_histories(rng: np.random.Generator, pop: Population, as_of: int) -> Occasions:
    """Every sanction occasion of everyone with a record, oldest first within each person."""
    n = pop.n
    prop = pop.propensity
    age = pop.age
    youth_rate = 0.9 * prop**1.5 * np.clip((age - 9) / 8.0, 0, 1)
    p_off = np.where(
        age >= 18, np.clip(0.12 + 1.5 * prop**1.3, 0, 0.95), np.where(age >= 10, youth_rate, 0.0)
    )
    # Women are far fewer among people with a record (about one in six proven offenders).
    p_off = p_off * np.where(pop.sex == 1, 0.5, 1.0)
    offender = pop.supervised | (rng.random(n) < p_off)
    person = np.flatnonzero(offender)
    m = int(person.shape[0])
    p_prop = prop[person]
    dob = pop.dob[person]
    dob10 = add_years(dob, 10)
    dob18 = add_years(dob, 18)
    age_first = 10 + rng.gamma(2.0, 1.5 + 7.0 * (1 - p_prop))
    min_date = np.maximum(dob + np.round(age_first * YEAR).astype(np.int64), dob10)
    late = min_date >= as_of - 30
    min_date = np.where(late, dob10 + np.floor(rng.random(m) * np.maximum(as_of - 30 - dob10, 1)), min_date)
    min_date = min_date.astype(np.int64)
    main = choice_index(rng, MAIN_P, m)
    da_prone = pop.da_prone[person]
    female = pop.sex[person] == 1

    rows: list[dict[str, Arr]] = []

    # --- anchors: the current sentence of supervised people ---
    sup = pop.supervised[person]
    si = np.flatnonzero(sup)
    s_group = _draw_groups(rng, main[si])
    s_da = np.isin(s_group, DA_GROUPS) & da_prone[si] & (rng.random(si.shape[0]) < 0.65)
    status, kind, sd, months, weeks, op, hdc = _place_current(
        rng, pop.status[person[si]], s_group, s_da, dob18[si], as_of
    )
    pop.status[person[si]] = status
    disposal = np.select([kind == K_CUSTODY, kind == K_COMMUNITY], [CUSTODY, COMMUNITY], SUSPENDED)
    s_off = sd - _conviction_delay(rng, si.shape[0])
    s_off = np.maximum(s_off, dob10[si])
    min_date[si] = np.minimum(min_date[si], s_off)
    rows.append(
        {
            "idx": si,
            "outcome_date": sd,
            "offence_date": s_off,
            "caution": np.zeros(si.shape[0], bool),
            "disposal": disposal,
            "group": s_group,
            "da": s_da,
            "current": np.ones(si.shape[0], bool),
            "sent_kind": kind,
            "months": months,
            "weeks": weeks,
            "op_months": op,
            "hdc_draw": hdc,
        }
    )

    rows.extend(
        _reoffending_under_supervision(
            rng,
            si,
            p_prop[si],
            dob[si],
            female[si],
            main[si],
            s_group,
            kind,
            sd,
            months,
            weeks,
            op,
            s_da,
            hdc,
            as_of,
        )
    )

    # --- anchors: the latest sanction of everyone else with a record ---
    ni = np.flatnonzero(~sup)
    n_group = _draw_groups(rng, main[ni])
    since_last = 30 + np.round(rng.exponential(300 + 1500 * (1 - p_prop[ni]))).astype(np.int64)
    tentative = as_of - since_last
    youth = tentative < dob18[ni]
    draw = _draw_outcomes(rng, n_group, youth, p_prop[ni], female[ni])
    delay = np.where(draw.caution, _caution_delay(rng, ni.shape[0]), _conviction_delay(rng, ni.shape[0]))
    latest = as_of - draw.span_upper - 1
    # A sentence still running on the as-of date would make the person supervised now: a recent sanction of
    # someone not supervised is one that ends at once (a fine or a discharge), rather than a sentence moved
    # back to end just before the as-of date (which piled sentences up on one date).
    recent = tentative > latest
    latest = np.where(recent, as_of - 1, latest)
    ends_at_once = np.where(rng.random(ni.shape[0]) < _ENDS_AT_ONCE_FINE, FINE, DISCHARGE)
    earliest = min_date[ni] + delay
    outcome = np.minimum(tentative, latest)
    squeezed = outcome < earliest
    room = latest - earliest
    outcome = np.where(
        squeezed & (room >= 0), earliest + np.floor(rng.random(ni.shape[0]) * (room + 1)), outcome
    )
    # No room for a sentence to run its course: make it a fine (or a caution for a child).
    no_room = squeezed & (room < 0)
    outcome = np.where(
        no_room, earliest + np.floor(rng.random(ni.shape[0]) * np.maximum(as_of - 1 - earliest, 0)), outcome
    ).astype(np.int64)
    keep = outcome < as_of
    youth = outcome < dob18[ni]
    disposal = np.where(no_room, 3, np.where(recent, ends_at_once, draw.disposal))
    disposal = np.where(youth & np.isin(disposal, (CUSTODY, COMMUNITY, SUSPENDED)), 5, disposal)
    caution = draw.caution & ~no_room
    disposal = np.where(caution, -1, disposal)
    n_da = np.isin(n_group, DA_GROUPS) & da_prone[ni] & (rng.random(ni.shape[0]) < 0.65) & ~youth
    kind = np.select(
        [disposal == CUSTODY, disposal == COMMUNITY, disposal == SUSPENDED],
        [K_CUSTODY, K_COMMUNITY, K_SUSPENDED],
        -1,
    )
    rows.append(
        {
            "idx": ni[keep],
            "outcome_date": outcome[keep],
            "offence_date": (outcome - delay)[keep],
            "caution": caution[keep],
            "disposal": disposal[keep],
            "group": n_group[keep],
            "da": n_da[keep],
            "current": np.zeros(int(keep.sum()), bool),
            "sent_kind": kind[keep],
            "months": draw.months[keep],
            "weeks": draw.weeks[keep],
            "op_months": draw.op_months[keep],
            "hdc_draw": rng.random(int(keep.sum())),
        }
    )

    # --- earlier sanctions, stepping back in time ---
    active = np.concatenate([si, ni[keep]])
    # People outside supervision now offended less often, on the whole, than those under it.
    settled = np.where(sup, 1.0, 1.6)
    next_offence = np.concatenate([s_off, (outcome - delay)[keep]])
    for _ in range(MAX_OCCASIONS - 1):
        if active.shape[0] == 0:
            break
        k = int(active.shape[0])
        a_prop = p_prop[active]
        age_then = (next_offence - dob[active]) / YEAR
        pace = _pace(age_then) * settled[active]
        group = _draw_groups(rng, main[active])
        # The earlier sanction is drawn before the wait that followed it, so that the wait can depend on
        # it (docs/calibration.md); whether it was a youth's is judged from a typical gap.
        youth = next_offence - 180 < dob18[active]
        draw = _draw_outcomes(rng, group, youth, a_prop, female[active])
        p_soon = reoffend_within_year(
            a_prop, age_then - 0.5, female[active], group, draw.disposal, draw.months
        )
        gap = days_to_next_offence(rng, a_prop, rng.random(k) < p_soon, pace)
        tentative = next_offence - gap
        outcome = tentative - draw.served_upper - 3
        youth = outcome < dob18[active]
        disposal = np.where(youth & np.isin(draw.disposal, (CUSTODY, COMMUNITY, SUSPENDED)), 5, draw.disposal)
        kind = np.where(youth, -1, draw.kind)
        delay = np.where(draw.caution, _caution_delay(rng, k), _conviction_delay(rng, k))
        offence = outcome - delay
        ok = offence >= min_date[active]
        da = np.isin(group, DA_GROUPS) & da_prone[active] & (rng.random(k) < 0.65) & ~youth
        rows.append(
            {
                "idx": active[ok],
                "outcome_date": outcome[ok],
                "offence_date": offence[ok],
                "caution": draw.caution[ok],
                "disposal": disposal[ok],
                "group": group[ok],
                "da": da[ok],
                "current": np.zeros(int(ok.sum()), bool),
                "sent_kind": kind[ok],
                "months": draw.months[ok],
                "weeks": draw.weeks[ok],
                "op_months": draw.op_months[ok],
                "hdc_draw": rng.random(int(ok.sum())),
            }
        )
        active = active[ok]
        next_offence = offence[ok]

    cat = {key: np.concatenate([r[key] for r in rows]) for key in rows[0]}
    o_person = person[cat["idx"]]
    order = np.lexsort((cat["outcome_date"], o_person))
    o_person = o_person[order]
    cat = {key: value[order] for key, value in cat.items()}
    youth = cat["outcome_date"] < add_years(pop.dob[o_person], 18)
    # A first sanction is often a caution where the court would not have imposed a sentence.
    first = np.r_[True, o_person[1:] != o_person[:-1]] if o_person.shape[0] else np.zeros(0, bool)
    soften = (
        first
        & ~cat["caution"]
        & (cat["sent_kind"] < 0)
        & ~cat["current"]
        & (rng.random(o_person.shape[0]) < 0.4)
    )
    caution = cat["caution"] | soften
    disposal = np.where(caution, -1, cat["disposal"])
    # Prolific people are dealt with for several offences at once more often (shoplifting sprees): this,
    # with their short waits, gives the published number of reoffences per reoffender.
    n_offences = 1 + np.minimum(rng.poisson(offences_per_occasion(pop.propensity[o_person]) - 1.0), 7)
    return Occasions(
        person=o_person,
        outcome_date=cat["outcome_date"].astype(np.int64),
        offence_date=cat["offence_date"].astype(np.int64),
        caution=caution,
        disposal=disposal.astype(np.int64),
        group=cat["group"].astype(np.int64),
        n_offences=n_offences.astype(np.int64),
        da=cat["da"].astype(bool),
        youth=youth,
        current=cat["current"].astype(bool),
        sent_kind=np.where(caution, -1, cat["sent_kind"]).astype(np.int64),
        months=cat["months"].astype(np.int64),
        weeks=cat["weeks"].astype(np.int64),
        op_months=cat["op_months"].astype(np.int64),
        hdc_draw=cat["hdc_draw"],
    )


def build_sentences(rng: np.random.Generator, occ: Occasions, as_of: int) -> Sentences:
    """Sentence rows for occasions that passed custody, a community order or a suspended sentence."""
    si = np.flatnonzero(occ.sent_kind >= 0)
    kind = occ.sent_kind[si]
    sd = occ.outcome_date[si]
    months, weeks, op = occ.months[si], occ.weeks[si], occ.op_months[si]
    ok40 = _sds40_ok(occ.group[si], months, occ.da[si])
    d = compute_sentence_dates(kind, sd, months, weeks, op, ok40, occ.hdc_draw[si])
    current = occ.current[si]
    person = occ.person[si]
    release = d["release"]
    custody = kind == K_CUSTODY
    release_actual = custody & (release <= as_of)
    # The expected release of someone in prison is the conditional release date.
    release = np.where(custody & current & (d["crd"] > as_of), d["crd"], release)
    release_actual = np.where(custody & current & (d["crd"] > as_of), False, release_actual)
    s = Sentences(
        occasion=si,
        person=person,
        kind=kind,
        sentence_date=sd,
        length_days=d["length"],
        end_date=d["end"],
        crd=d["crd"],
        release=release,
        release_actual=release_actual,
        led=d["led"],
        sed=d["sed"],
        terminated=np.full(si.shape[0], -1, dtype=np.int64),
        group=occ.group[si],
        da=occ.da[si],
        current=current,
    )
    # A later sentence ends one still running (an order revoked and resentenced, a licence superseded by
    # the new sentence). Sentences are in person and date order, so the next row is the next sentence.
    n_s = int(si.shape[0])
    same_next = np.zeros(n_s, dtype=bool)
    next_date = np.full(n_s, -1, dtype=np.int64)
    if n_s > 1:
        same_next[:-1] = person[1:] == person[:-1]
        next_date[:-1] = sd[1:]
    end = _supervision_end(s)
    cut = same_next & (end >= next_date) & (next_date > sd)
    terminated = np.where(cut, next_date, -1)
    # Some orders are revoked early (breach or good progress).
    orders = kind != K_CUSTODY
    early = orders & ~current & (terminated < 0) & (rng.random(si.shape[0]) < 0.08)
    early_date = sd + 30 + np.floor(rng.random(si.shape[0]) * np.maximum(end - sd - 30, 1)).astype(np.int64)
    terminated = np.where(early & (early_date < np.minimum(end, as_of)), early_date, terminated)
    # Only the current sentence may still be running: anything else still open ended early (an order
    # revoked for good progress shortly before the as-of date).
    stop = (terminated < 0) & (end >= as_of) & ~current
    stop_date = np.maximum(sd + 1, as_of - 1 - np.floor(rng.random(si.shape[0]) * 90).astype(np.int64))
    stop_date = np.minimum(stop_date, np.maximum(end, sd + 1))
    terminated = np.where(stop, np.minimum(stop_date, as_of - 1), terminated)
    s.terminated = terminated.astype(np.int64)
    return s


@dataclass
class Offences:
    """Offence rows."""

    person: Arr
    occasion: Arr
    ho_code: pa.Array
    offence_date: Arr
    group: Arr
    da: Arr


def build_offences(rng: np.random.Generator, occ: Occasions, da_prone: Arr, dob: Arr) -> Offences:
    """One row per offence: the occasion's main offence and any others dealt with at the same time."""
    counts = occ.n_offences
    o_idx = np.repeat(np.arange(counts.shape[0], dtype=np.int64), counts)
    rank = ragged_arange(counts)
    n = int(o_idx.shape[0])
    main_group = occ.group[o_idx]
    extra_group = np.where(rng.random(n) < 0.5, main_group, choice_index(rng, BASE_P, n))
    # Sexual offences are not added as companions of an unrelated main offence.
    extra_group = np.where(
        np.isin(extra_group, SEXUAL) & ~np.isin(main_group, SEXUAL), G["bail"], extra_group
    )
    group = np.where(rank == 0, main_group, extra_group)
    delay_main = occ.outcome_date[o_idx] - occ.offence_date[o_idx]
    delay = np.where(
        rank == 0, delay_main, np.floor(delay_main * (0.3 + 0.7 * rng.random(n))).astype(np.int64)
    )
    offence_date = occ.outcome_date[o_idx] - delay
    person = occ.person[o_idx]
    adult_at_offence = offence_date >= add_years(dob[person], 16)
    da = np.where(
        rank == 0,
        occ.da[o_idx],
        np.isin(group, DA_GROUPS) & da_prone[person] & (rng.random(n) < 0.5) & adult_at_offence,
    )
    pools = code_pools()
    all_codes: list[str] = []
    code_idx = np.zeros(n, dtype=np.int64)
    for g, pool in enumerate(pools):
        rows = np.flatnonzero(group == g)
        if rows.shape[0]:
            code_idx[rows] = len(all_codes) + choice_index(rng, pool.weights, rows.shape[0])
        all_codes.extend(pool.codes)
    return Offences(
        person=person,
        occasion=o_idx,
        ho_code=pa.array(all_codes, type=pa.string()).take(pa.array(code_idx)),
        offence_date=offence_date.astype(np.int64),
        group=group.astype(np.int64),
        da=da.astype(bool),
    )
