"""The generator measured against the published figures it is calibrated to (docs/calibration.md).

Every reoffending figure is measured by the product's own measure, ``desist.core.measures.proven_reoffending``,
on the generated partnership's offences (``events_from_synth``): nothing here counts reoffending itself.
``benchmarks/calibration.py`` prints the table; ``tests/core/test_synth_calibration.py`` asserts it.
"""

# SQL here is built from fixed labels and a date, never from user text: S608 is off.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

import duckdb
import pyarrow as pa

from ..measures import ProvenReoffendingResult, add_months, proven_reoffending
from ..measures.synth_events import events_from_synth
from .generate import Partnership

KENT = "Kent proven reoffending rate, 2019-20 data (seeds, RULES.md §4)"
MOJ_2019 = "MoJ, Proven reoffending statistics: July to September 2019 (published 29 July 2021)"
MOJ_2012 = "MoJ, Proven reoffending statistics quarterly: July 2011 to June 2012"
KENT_CASELOAD = "Kent Probation workload, 4,500 (75%) in the community and 1,500 (25%) in custody (seeds)"
SETTING = "direction as published; size not verified here: a setting"

# The index-disposal values of the detailed breakdown (custody split at 12 months, as the MoJ publishes).
SHORT_CUSTODY = "custody under 12 months"
LONG_CUSTODY = "custody 12 months or more"
SEXUAL_GROUPS = ("Sexual (against child)", "Sexual (not against child)")
# Broad age bands of the age gradient: (label, bands of the measure's settings).
AGE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("10-17", ("10-14", "15-17")),
    ("18-24", ("18-20", "21-24")),
    ("25-34", ("25-29", "30-34")),
    ("35-49", ("35-39", "40-44", "45-49")),
    ("50+", ("50+",)),
)


@dataclass(frozen=True)
class Check:
    """One figure: what was measured, the target and whether the measurement is within it."""

    name: str
    measured: str
    target: str
    ok: bool
    source: str


def cohort_year(as_of: date) -> tuple[date, date]:
    """The latest April-to-March year whose six-month waiting period had ended by ``as_of``."""
    end = date(as_of.year, 3, 31)
    while add_months(end, 18) > as_of:
        end = date(end.year - 1, 3, 31)
    return date(end.year - 1, 4, 1), end


def calibration_events(world: Partnership) -> pa.Table:
    """The measure's input for ``world``, with the index disposal in detail (custody split at 12 months)
    carried in the optional ``priority_group`` column so that the measure can break down by it."""
    as_of = world.config.as_of
    events = events_from_synth(world.offences, world.sentences, world.people, as_of=as_of)
    con = duckdb.connect()
    con.register("offences", world.offences)
    con.register("sentences", world.sentences)
    # The same rows in the same order as events_from_synth.
    detail: pa.Table = con.sql(f"""
        SELECT CASE WHEN o.outcome = 'caution' THEN 'caution'
                    WHEN o.disposal = 'custody' AND s.length_days < 365 THEN '{SHORT_CUSTODY}'
                    WHEN o.disposal = 'custody' THEN '{LONG_CUSTODY}'
                    ELSE o.disposal END AS detail
        FROM offences o LEFT JOIN sentences s ON s.sentence_id = o.sentence_id
        ORDER BY o.person_id, o.outcome_date, o.offence_id
    """).to_arrow_table()
    con.close()
    return events.append_column("priority_group", detail.column("detail").cast(pa.string()))


def _rates(result: ProvenReoffendingResult, breakdown: str, minimum: int) -> dict[str, float]:
    return {
        row.value: row.measures.binary_rate
        for row in result.breakdowns[breakdown]
        if row.measures.binary_rate is not None and row.measures.cohort_size >= minimum
    }


def _pooled(result: ProvenReoffendingResult, breakdown: str, values: Iterable[str]) -> float:
    rows = [row for row in result.breakdowns[breakdown] if row.value in set(values)]
    cohort = sum(row.measures.cohort_size for row in rows)
    return sum(row.measures.reoffenders for row in rows) / cohort if cohort else float("nan")


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def _ordered(values: Sequence[float]) -> bool:
    return all(a > b for a, b in pairwise(values))


def caseload_split(world: Partnership) -> float:
    """The share of the supervised caseload in custody on the as-of date."""
    con = duckdb.connect()
    con.register("people", world.people)
    con.register("sentences", world.sentences)
    as_of = world.config.as_of.isoformat()
    rows = con.sql(f"""
        SELECT count(*) FILTER (WHERE in_custody), count(*)
        FROM (SELECT p.person_id, bool_or(s.kind = 'custody' AND s.sentence_date <= DATE '{as_of}'
                                          AND s.release_date > DATE '{as_of}') AS in_custody
              FROM people p LEFT JOIN sentences s ON s.person_id = p.person_id
              WHERE p.supervised GROUP BY p.person_id)
    """).fetchall()
    con.close()
    in_custody, supervised = rows[0]
    return int(in_custody) / int(supervised) if supervised else float("nan")


def calibration_checks(world: Partnership, *, minimum: int = 100) -> tuple[ProvenReoffendingResult, list[Check]]:
    """Each calibration target beside the figure measured on ``world`` (breakdown values with fewer than
    ``minimum`` cohort members are left out of the gradients)."""
    start, end = cohort_year(world.config.as_of)
    events = calibration_events(world)
    result = proven_reoffending(
        events, period_start=start, period_end=end, as_of=world.config.as_of,
        by=("sex", "age_band", "offence_group", "previous_offences", "priority_group"),
    )
    head = result.headline
    rate = head.binary_rate or 0.0
    frequency = head.reoffences_per_reoffender or 0.0
    checks = [
        Check("proven reoffending rate", _pct(rate), "19.7% ± 2 points", abs(rate - 0.197) <= 0.02, KENT),
        Check("reoffences per reoffender", f"{frequency:.2f}", "2.9 ± 0.5", abs(frequency - 2.9) <= 0.5, MOJ_2012),
    ]
    adult, juvenile = result.adult.binary_rate or 0.0, result.juvenile.binary_rate or 0.0
    checks.append(Check("juvenile above adult", f"{_pct(juvenile)} vs {_pct(adult)}",
                        "juvenile > adult (33.0% vs 25.6%)", juvenile > adult, MOJ_2019))
    sex = _rates(result, "sex", 1)
    male, female = sex.get("male", 0.0), sex.get("female", 0.0)
    checks.append(Check("male above female", f"{_pct(male)} vs {_pct(female)}", "male > female", male > female,
                        SETTING))
    ages = [_pooled(result, "age_band", bands) for _, bands in AGE_GROUPS]
    checks.append(Check("falls with age", " > ".join(f"{label} {_pct(r)}" for (label, _), r in zip(AGE_GROUPS, ages,
                                                                                                    strict=True)),
                        "each broad band below the one before", _ordered(ages), SETTING))
    groups = _rates(result, "offence_group", minimum)
    theft = groups.get("Theft (non-motor)", 0.0)
    others = {g: r for g, r in groups.items() if g != "Theft (non-motor)"}
    runner_up = max(others, key=lambda g: others[g]) if others else ""
    checks.append(Check("theft highest offence group", f"theft {_pct(theft)}, next {runner_up} "
                        f"{_pct(others.get(runner_up, 0.0))}", "theft above every other group",
                        bool(others) and theft > max(others.values()), SETTING))
    fraud = _pooled(result, "offence_group", ("Fraud and forgery",))
    sexual = _pooled(result, "offence_group", SEXUAL_GROUPS)
    low = _pooled(result, "offence_group", ("Fraud and forgery", *SEXUAL_GROUPS))
    checks.append(Check("fraud and sexual low", f"{_pct(low)} (fraud {_pct(fraud)}, sexual {_pct(sexual)})",
                        "together below the overall rate", low < rate, SETTING))
    disposals = _rates(result, "priority_group", minimum)
    short = disposals.get(SHORT_CUSTODY, 0.0)
    highest = max(disposals, key=lambda d: disposals[d]) if disposals else ""
    lowest = min(disposals, key=lambda d: disposals[d]) if disposals else ""
    checks.append(Check("custody under 12 months highest", _pct(short), "highest disposal; 59.7% published",
                        highest == SHORT_CUSTODY, MOJ_2019))
    checks.append(Check("caution lowest", f"caution {_pct(disposals.get('caution', 0.0))}",
                        "lowest disposal", lowest == "caution", SETTING))
    previous = [_pooled(result, "previous_offences", (band,)) for band in ("0", "1-2", "3-6", "7-10", "11+")]
    checks.append(Check("rises with previous offences", f"0: {_pct(previous[0])}, 11+: {_pct(previous[-1])}",
                        "11+ above 0 (47% vs 10.5% published)", previous[-1] > previous[0] + 0.15, MOJ_2012))
    custody = caseload_split(world)
    checks.append(Check("caseload in custody", _pct(custody), "25% ± 2 points", abs(custody - 0.25) <= 0.02,
                        KENT_CASELOAD))
    return result, checks
