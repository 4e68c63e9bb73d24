"""School records for children of school age: unauthorised absence and exclusions over the last three terms.

Schools share these through the local authority for most children, not all (``RECORD_SHARE``), so the
Troubled Families school criterion can be met, not met or have no data recorded. Absence and exclusions rise
with the family's propensity, so they cluster in the families where offending runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from ._util import Arr, to_days
from .population import Population

RECORD_SHARE = 0.85
SCHOOL_AGES = (5, 15)


@dataclass
class SchoolRecords:
    person: Arr
    period_start: Arr  # days since the epoch
    period_end: Arr
    absence_percent: Arr  # one decimal place
    fixed_term_exclusions: Arr
    permanently_excluded: Arr


def last_three_terms(as_of: date) -> tuple[int, int]:
    """The last school year that ended on or before the as-of date: 1 September to 20 July."""
    year = as_of.year if as_of >= date(as_of.year, 7, 20) else as_of.year - 1
    return to_days(date(year - 1, 9, 1)), to_days(date(year, 7, 20))


def build_school_records(rng: np.random.Generator, pop: Population, as_of: date) -> SchoolRecords:
    low, high = SCHOOL_AGES
    children = np.flatnonzero((pop.age >= low) & (pop.age <= high))
    children = children[rng.random(children.shape[0]) < RECORD_SHARE]
    k = int(children.shape[0])
    risk = pop.propensity[children]
    absence = np.minimum(rng.exponential(1.5 + 14.0 * risk**2, k), 100.0)
    fixed = rng.poisson(0.05 + 3.0 * risk**3, k)
    permanent = rng.random(k) < 0.002 + 0.03 * risk**3
    start, end = last_three_terms(as_of)
    return SchoolRecords(
        person=children.astype(np.int64),
        period_start=np.full(k, start, dtype=np.int64),
        period_end=np.full(k, end, dtype=np.int64),
        absence_percent=np.round(absence, 1),
        fixed_term_exclusions=fixed.astype(np.int64),
        permanently_excluded=permanent,
    )
