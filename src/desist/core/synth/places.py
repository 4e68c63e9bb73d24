"""Districts, towns, postcodes and street addresses in Kent and Medway."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..reference import DISTRICT_POPULATION, DISTRICTS, POSTCODE_TOWNS
from ._util import Arr, choice_index, digits, join, str_col
from .names import name_pools

DISTRICT_CODES: tuple[str, ...] = tuple(d.code for d in DISTRICTS)
DISTRICT_WEIGHTS: Arr = np.array([DISTRICT_POPULATION[c] for c in DISTRICT_CODES], dtype=np.float64)
# Relative offending level by district, a judgement added to the propensity logit: higher in Medway, Swale
# and the coastal towns with the most deprivation, lower in the west Kent commuter districts.
DISTRICT_OFFENDING: dict[str, float] = {
    "ASH": 0.0,
    "CAN": 0.0,
    "DAR": 0.05,
    "DOV": 0.1,
    "FOL": 0.1,
    "GRA": 0.1,
    "MAI": 0.0,
    "MED": 0.2,
    "SEV": -0.35,
    "SWA": 0.2,
    "THA": 0.3,
    "TON": -0.25,
    "TUN": -0.3,
}

# Inward codes never use C, I, K, M, O or V in their letters.
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# Street types found in Kent addresses, with rough frequencies; Faker's en_GB suffix list is US-flavoured,
# so only its British members are used, plus Close which it lacks.
_SUFFIXES: tuple[tuple[str, float], ...] = (
    ("Road", 26),
    ("Street", 12),
    ("Close", 11),
    ("Avenue", 8),
    ("Lane", 8),
    ("Drive", 6),
    ("Way", 5),
    ("Gardens", 4),
    ("Crescent", 3),
    ("Grove", 3),
    ("Place", 2),
    ("Court", 2),
    ("Terrace", 2),
    ("Hill", 2),
    ("Green", 1.5),
    ("Mews", 1),
    ("Walk", 1),
    ("Park", 1),
    ("Square", 0.8),
    ("View", 0.8),
    ("Row", 0.6),
    ("Meadow", 0.5),
    ("Orchard", 0.5),
)
_COMMON_STREETS = (
    "High Street",
    "Station Road",
    "Church Lane",
    "London Road",
    "Church Road",
    "Victoria Road",
    "Mill Lane",
    "Park Road",
    "The Street",
    "Queens Road",
    "Kings Road",
    "Manor Road",
    "New Road",
    "School Lane",
    "Albert Road",
    "Grove Road",
    "North Street",
    "Canterbury Road",
    "Maidstone Road",
    "Dover Road",
    "Marine Parade",
    "Castle Street",
    "Green Lane",
    "Chapel Street",
    "West Street",
    "Tonbridge Road",
)


@dataclass(frozen=True)
class PostcodeTable:
    """Postcode districts flattened: for district i, rows start[i]..start[i]+count[i]."""

    outward: tuple[str, ...]
    town: tuple[str, ...]
    start: Arr
    count: Arr


@lru_cache(maxsize=1)
def postcode_table() -> PostcodeTable:
    """All postcode districts with their post towns, grouped by CSP district."""
    outward: list[str] = []
    town: list[str] = []
    start: list[int] = []
    count: list[int] = []
    for code in DISTRICT_CODES:
        start.append(len(outward))
        count.append(len(POSTCODE_TOWNS[code]))
        for out, name in POSTCODE_TOWNS[code]:
            outward.append(out)
            town.append(name)
    return PostcodeTable(tuple(outward), tuple(town), np.array(start), np.array(count))


@lru_cache(maxsize=1)
def _street_stems() -> tuple[tuple[str, ...], Arr]:
    pools = name_pools()
    stems = list(pools.last) + list(pools.male[:60]) + list(pools.female[:40])
    weights = np.concatenate([pools.last_weights * 0.75, np.full(100, 0.25 / 100)])
    return tuple(stems), weights


@dataclass
class AddressColumns:
    """Vectorised address parts: arrow string columns plus the chosen postcode-district row."""

    line1: pa.Array
    line2: pa.Array
    town: pa.Array
    postcode: pa.Array
    street: pa.Array
    outward_index: Arr


def make_addresses(rng: np.random.Generator, district_index: Arr) -> AddressColumns:
    """One synthetic street address per row, inside the given districts."""
    n = int(np.asarray(district_index).shape[0])
    table = postcode_table()
    di = np.asarray(district_index, dtype=np.int64)
    row = table.start[di] + np.floor(rng.random(n) * table.count[di]).astype(np.int64)
    sector = rng.integers(0, 10, n)
    l1 = rng.integers(0, len(_INWARD_LETTERS), n)
    l2 = rng.integers(0, len(_INWARD_LETTERS), n)
    letters = list(_INWARD_LETTERS)
    postcode = join(
        str_col(table.outward, row), " ", digits(sector, 1), str_col(letters, l1), str_col(letters, l2)
    )
    stems, stem_w = _street_stems()
    suffix_names = [s for s, _ in _SUFFIXES]
    suffix_w = np.array([w for _, w in _SUFFIXES])
    common = rng.random(n) < 0.14
    built = join(
        str_col(stems, choice_index(rng, stem_w, n)),
        " ",
        str_col(suffix_names, choice_index(rng, suffix_w, n)),
    )
    named = str_col(_COMMON_STREETS, rng.integers(0, len(_COMMON_STREETS), n))
    street = pc.if_else(pa.array(common), named, built)
    number = 1 + np.minimum(np.floor(rng.exponential(38.0, n)), 398).astype(np.int64)
    line1 = join(pa.array(number).cast(pa.string()), " ", street)
    flat = rng.random(n) < 0.16
    flat_no = 1 + np.floor(rng.exponential(6.0, n)).astype(np.int64)
    line2 = pc.if_else(
        pa.array(flat), join("Flat ", pa.array(flat_no).cast(pa.string())), pa.scalar(None, type=pa.string())
    )
    return AddressColumns(
        line1=line1,
        line2=line2,
        town=str_col(table.town, row),
        postcode=postcode,
        street=street,
        outward_index=row,
    )
