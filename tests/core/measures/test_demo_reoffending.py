"""The demo partnership's reoffending depends on risk: higher OGRS3 bands reoffend more."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pyarrow as pa

from desist.core.measures import proven_reoffending
from desist.core.measures.synth_events import events_from_synth
from desist.core.risk import ogrs3
from desist.core.synth import Partnership

AS_OF = date(2026, 11, 23)  # the as-of date of the "world" fixture (tests/core/conftest.py)


def ogrs3_bands(events: pa.Table) -> list[str]:
    """The OGRS3 band of each row, as if that row's sanction were the current one."""
    rows = events.to_pylist()
    sanction_days: dict[object, list[date]] = defaultdict(list)
    for row in rows:
        sanction_days[row["person_id"]].append(row["proven_date"])
    bands = []
    for row in rows:
        days = sorted(set(sanction_days[row["person_id"]]))
        first, born = days[0], row["date_of_birth"]
        result = ogrs3(
            sex=row["sex"],
            date_of_birth=born,
            conviction_date=row["proven_date"],
            follow_up_start=row["release_date"] or row["proven_date"],
            total_sanctions=sum(1 for d in days if d <= row["proven_date"]),
            age_at_first_sanction=first.year
            - born.year
            - ((first.month, first.day) < (born.month, born.day)),
            offence_code=row["offence_code"],
        )
        # The calibrated generator (docs/calibration.md) puts very few of a half-year cohort in the very high
        # band (about 1 in 600, as OGRS3's 90%+ two-year band should be rare): they count with high here.
        bands.append("high" if result.band == "very_high" else result.band)
    return bands


def test_higher_ogrs3_bands_reoffend_more(world: Partnership) -> None:
    events = events_from_synth(world.offences, world.sentences, world.people, as_of=AS_OF)
    # The engine breaks down by a column of the index event's row; the band rides in priority_group here.
    events = events.append_column("priority_group", pa.array(ogrs3_bands(events), pa.string()))
    result = proven_reoffending(
        events,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 6, 30),
        as_of=AS_OF,
        by=("priority_group",),
    )
    assert not result.provisional
    rates = {row.value: row.measures.binary_rate for row in result.breakdowns["priority_group"]}
    sizes = {row.value: row.measures.cohort_size for row in result.breakdowns["priority_group"]}
    print("binary rate by OGRS3 band:", {band: (sizes[band], round(rates[band] or 0, 3)) for band in rates})
    assert min(sizes.values()) >= 20
    # Measured on this fixture: low 0.12, medium 0.40, high (with very high) 0.61.
    assert rates["low"] < rates["medium"] < rates["high"]
    assert rates["high"] - rates["low"] > 0.25
