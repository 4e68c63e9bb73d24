"""A synthetic national history of proven offences, for the measures benchmark and the Spark test.

Vectorised numpy: each person has an offending rate (a lognormal "propensity"); their offences follow one
another with exponential gaps at that rate, so people who offend often also reoffend more and sooner.
Only synthetic people, ever. The columns are exactly the measures' input (docs/measures.md).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..reference import DISTRICTS
from .events import DISPOSALS

EPOCH = date(1970, 1, 1)
DEFAULT_AS_OF = date(2026, 6, 30)
# Common Home Office codes (theft from shops, common assault, criminal damage, drugs, burglary, ...).
CODES = (
    "04600",
    "10500",
    "05800",
    "09200",
    "02800",
    "00800",
    "03000",
    "04900",
    "80300",
    "06600",
    "03400",
    "05400",
)
CODE_WEIGHTS = (0.22, 0.16, 0.1, 0.1, 0.05, 0.08, 0.04, 0.08, 0.06, 0.06, 0.02, 0.03)
# custody, community, suspended, fine, discharge, other: the first six DISPOSALS (no hospital orders here).
DISPOSAL_WEIGHTS = (0.2, 0.25, 0.12, 0.28, 0.1, 0.05)
ETHNICITIES = ("White", "Mixed", "Asian", "Black", "Other")
ETHNICITY_WEIGHTS = (0.78, 0.05, 0.07, 0.05, 0.02)  # the rest: not recorded
IOM_STRANDS = ("fixed", "flex", "free")
PRIORITY_GROUPS = ("IOM", "young people", "women", "domestic abuse")


def _days(day: date) -> int:
    return (day - EPOCH).days


def _dictionary(values: tuple[str, ...], index: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    indices = pa.array(index.astype(np.int32), mask=missing)
    return pa.DictionaryArray.from_arrays(indices, pa.array(values, pa.string()))


def national_history(
    *, people: int = 1_000_000, seed: int = 1, as_of: date = DEFAULT_AS_OF, mean_offences: float = 14.5
) -> pa.Table:
    """One row per proven offence for ``people`` synthetic people (about ``mean_offences`` each, fewer
    for people whose career runs past ``as_of``), with every optional column."""
    rng = np.random.default_rng(seed)
    end = _days(as_of)
    born = rng.integers(_days(date(1945, 1, 1)), _days(date(2013, 12, 31)), size=people)
    onset = born + (365.25 * (10 + rng.gamma(2.0, 4.0, size=people))).astype(np.int64)
    # Offences a year while active; the count grows with it, so a prolific offender's gaps are short.
    propensity = rng.lognormal(mean=-0.9, sigma=0.9, size=people)
    counts = 1 + rng.poisson(np.clip((mean_offences - 1) * propensity / np.exp(-0.9 + 0.9**2 / 2), 0, 200))
    person = np.repeat(np.arange(people, dtype=np.int64), counts)
    gaps = rng.exponential(365.25 / propensity[person]).astype(np.int64)
    starts = np.cumsum(counts) - counts
    cumulative = np.cumsum(gaps)
    before_first = cumulative[starts] - gaps[starts]  # each person's gaps summed from their own first
    offence_day = onset[person] + cumulative - before_first[person]
    proven_day = offence_day + rng.gamma(1.5, 40.0, size=person.size).astype(np.int64)
    keep = proven_day <= end
    person, offence_day, proven_day = person[keep], offence_day[keep], proven_day[keep]
    rows = person.size

    caution = rng.random(rows) < np.where(propensity[person] < 0.5, 0.2, 0.08)
    disposal = rng.choice(len(DISPOSAL_WEIGHTS), size=rows, p=DISPOSAL_WEIGHTS)
    custody = ~caution & (disposal == 0)
    release_day = proven_day + rng.gamma(1.2, 150.0, size=rows).astype(np.int64)
    released = custody & (release_day <= end)

    sex = (rng.random(people) < 0.15).astype(np.int32)  # 0 male, 1 female
    district = rng.integers(0, len(DISTRICTS), size=people)
    ethnicity_p = np.array((*ETHNICITY_WEIGHTS, 1 - sum(ETHNICITY_WEIGHTS)))
    ethnicity = rng.choice(len(ETHNICITIES) + 1, size=people, p=ethnicity_p)
    strand = rng.integers(0, len(IOM_STRANDS), size=people)
    on_iom = rng.random(people) < np.clip(0.02 * propensity, 0, 0.5)
    priority = rng.integers(0, len(PRIORITY_GROUPS), size=people)
    in_priority = rng.random(people) < 0.12
    code = rng.choice(len(CODES), size=rows, p=np.array(CODE_WEIGHTS) / sum(CODE_WEIGHTS))

    def dates(days: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
        return pa.array(days.astype(np.int32), type=pa.int32(), mask=mask).cast(pa.date32())

    return pa.table(
        {
            "person_id": pa.array(person),
            "date_of_birth": dates(born[person]),
            "sex": _dictionary(("male", "female"), sex[person]),
            "offence_date": dates(offence_day),
            "proven_date": dates(proven_day),
            "outcome": _dictionary(("conviction", "caution"), caution.astype(np.int32)),
            "disposal": _dictionary(DISPOSALS[: len(DISPOSAL_WEIGHTS)], disposal, missing=caution),
            "release_date": dates(release_day, mask=~released),
            "offence_code": _dictionary(CODES, code),
            "district": _dictionary(tuple(d.name for d in DISTRICTS), district[person]),
            "ethnicity": _dictionary(
                ETHNICITIES,
                np.minimum(ethnicity, len(ETHNICITIES) - 1)[person],
                missing=(ethnicity == len(ETHNICITIES))[person],
            ),
            "priority_group": _dictionary(PRIORITY_GROUPS, priority[person], missing=~in_priority[person]),
            "iom_strand": _dictionary(IOM_STRANDS, strand[person], missing=~on_iom[person]),
        }
    )


def write_national_history(path: str | Path, **kwargs: Any) -> pa.Table:
    """Generate the history (``national_history`` arguments) and write it to one Parquet file."""
    table = national_history(**kwargs)
    pq.write_table(table, path, row_group_size=1_000_000)
    return table
