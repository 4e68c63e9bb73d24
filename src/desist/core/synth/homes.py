"""Addresses over time: everyone in a household shares its current address; earlier ones are personal."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._util import Arr, add_years, choice_index, ragged_arange
from .places import DISTRICT_WEIGHTS, make_addresses
from .population import Population


@dataclass
class Addresses:
    """Address rows sorted by person and date, plus where each person's current and last-but-one are."""

    person: Arr
    household: Arr
    line1: pa.Array
    line2: pa.Array
    town: pa.Array
    postcode: pa.Array
    district: Arr
    from_date: Arr
    to_date: Arr  # -1 for the current address
    current_row: Arr  # per person
    previous_row: Arr  # per person, -1 if none


def build_addresses(rng: np.random.Generator, pop: Population, as_of: int) -> Addresses:
    """One to four addresses per person; the current one shared by the household."""
    n = pop.n
    n_hh = pop.household_district.shape[0]
    hh_addr = make_addresses(rng, pop.household_district)
    oldest = np.zeros(n_hh)
    np.maximum.at(oldest, pop.household, pop.age.astype(np.float64))
    tenure_cap = np.clip((oldest - 18) * 365, 30, 20 * 365)
    move_in = (as_of - np.floor(rng.random(n_hh) ** 1.4 * tenure_cap)).astype(np.int64)
    cur_from = np.maximum(move_in[pop.household], pop.dob)

    # Earlier addresses: more moves for adults and for people whose lives are less settled.
    adult = pop.age >= 18
    shift = np.where(pop.propensity > 0.5, 1, 0)
    k_prev = np.minimum(
        choice_index(rng, np.array([0.32, 0.35, 0.21, 0.12]), n) + shift * (rng.random(n) < 0.3), 3
    )
    window_start = np.where(
        adult,
        np.maximum(add_years(pop.dob, 16), cur_from - 15 * 365),
        np.maximum(pop.dob, cur_from - 12 * 365),
    )
    room = cur_from - 30 - window_start
    k_prev = np.where(room >= 60 * np.maximum(k_prev, 1), k_prev, 0)
    k_prev = np.where(~adult & (cur_from <= pop.dob + 30), 0, k_prev)
    draws = np.sort(rng.random((n, 3)), axis=1)
    # Keep the k largest breakpoints of each row, so the addresses run up to the current one.
    cols = np.arange(3)[None, :] >= (3 - k_prev)[:, None]
    breaks = (window_start[:, None] + np.floor(draws * np.maximum(room, 1)[:, None])).astype(np.int64)
    p_person = np.repeat(np.arange(n, dtype=np.int64), 3).reshape(n, 3)[cols]
    p_from = breaks[cols]
    rank = ragged_arange(k_prev)
    # next breakpoint, or the current address's start for the last one
    nxt = np.where(rank + 1 < k_prev[p_person], np.r_[p_from[1:], 0], cur_from[p_person])
    p_to = np.maximum(nxt - 1, p_from)
    m = int(p_person.shape[0])
    same = rng.random(m) < 0.75
    p_district = np.where(same, pop.district[p_person], choice_index(rng, DISTRICT_WEIGHTS, m))
    prev_addr = make_addresses(rng, p_district)

    person = np.concatenate([np.arange(n, dtype=np.int64), p_person])
    from_date = np.concatenate([cur_from, p_from])
    to_date = np.concatenate([np.full(n, -1, dtype=np.int64), p_to])
    district = np.concatenate([pop.district, p_district])
    hh_idx = pa.array(pop.household)
    line1 = pa.chunked_array([hh_addr.line1.take(hh_idx), prev_addr.line1]).combine_chunks()
    line2 = pa.chunked_array([hh_addr.line2.take(hh_idx), prev_addr.line2]).combine_chunks()
    town = pa.chunked_array([hh_addr.town.take(hh_idx), prev_addr.town]).combine_chunks()
    postcode = pa.chunked_array([hh_addr.postcode.take(hh_idx), prev_addr.postcode]).combine_chunks()
    order = np.lexsort((from_date, person))
    take = pa.array(order)
    person, from_date, to_date, district = person[order], from_date[order], to_date[order], district[order]
    current_row = np.empty(n, dtype=np.int64)
    is_current = to_date < 0
    current_row[person[is_current]] = np.flatnonzero(is_current)
    previous_row = np.where(current_row > 0, current_row - 1, -1)
    previous_row = np.where(
        (previous_row >= 0) & (person[np.maximum(previous_row, 0)] == np.arange(n)), previous_row, -1
    )
    return Addresses(
        person=person,
        household=pop.household[person],
        line1=line1.take(take),
        line2=line2.take(take),
        town=town.take(take),
        postcode=postcode.take(take),
        district=district,
        from_date=from_date,
        to_date=to_date,
        current_row=current_row,
        previous_row=previous_row,
    )


def street_of(addr: Addresses, rows: Arr) -> pa.Array:
    """ "Flat 3, 12 High Street" style street lines for address rows."""
    idx = pa.array(rows)
    l1 = addr.line1.take(idx)
    l2 = addr.line2.take(idx)
    joined = pc.binary_join_element_wise(l2, l1, ", ")
    return pc.coalesce(joined, l1)
