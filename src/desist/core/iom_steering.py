"""The IOM steering group's figures that are formulas (issue 15, item 3): a list of waits in days summed up as
a count, a median and a distribution in bands. Plain Python: no Django."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

# (upper bound in days, inclusive, or None for no bound; label). The bands the steering group reads waits in.
DAY_BANDS: tuple[tuple[int | None, str], ...] = (
    (7, "0 to 7 days"),
    (28, "8 to 28 days"),
    (91, "29 to 91 days"),
    (None, "More than 91 days"),
)


@dataclass(frozen=True)
class DaysSummary:
    """How many waits, their median (None without any) and how many fall in each band, in order."""

    count: int
    median: float | None
    bands: tuple[tuple[str, int], ...]


def days_summary(days: Sequence[int], bands: Sequence[tuple[int | None, str]] = DAY_BANDS) -> DaysSummary:
    """Sum up waits in whole days: the count, the median (the middle wait, or the mean of the two middle ones)
    and the count in each band (a wait is in the first band whose upper bound it does not exceed). A wait
    below 0 is an error: a start before the day it is measured from is not a wait."""
    if any(d < 0 for d in days):
        raise ValueError("A wait cannot be negative.")
    if not bands or bands[-1][0] is not None:
        raise ValueError("The last band must have no upper bound.")
    counts = [0] * len(bands)
    for d in days:
        for index, (upper, _label) in enumerate(bands):
            if upper is None or d <= upper:
                counts[index] += 1
                break
    median = float(statistics.median(days)) if days else None
    return DaysSummary(
        count=len(days),
        median=median,
        bands=tuple((label, n) for (_u, label), n in zip(bands, counts, strict=True)),
    )
