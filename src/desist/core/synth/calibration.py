"""The generator measured against the published figures it is calibrated to (docs/calibration.md).

Every reoffending figure is measured by the product's own measure,
``desist.core.measures.proven_reoffending``, on the generated partnership's offences (``events_from_synth``):
nothing here counts reoffending itself. ``benchmarks/calibration.py`` prints the table;
``tests/core/test_synth_calibration.py`` asserts it.
"""

# SQL here is built from fixed labels and a date, never from user text: S608 is off.
# ruff: noqa: S608

from __future__ import annotations

import math
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
THEFT = "Theft (non-motor)"
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


# A step of a published gradient counts as reversed only when the reversal is beyond sampling error: a
# two-proportion z statistic above this (95%, two-sided). A cohort of a few thousand cannot order groups of
# a hundred people more finely than that; the figures themselves are printed as measured.
Z_95 = 1.96


@dataclass(frozen=True)
class Share:
    """Reoffenders out of a cohort."""

    reoffenders: int
    cohort: int

    @property
    def rate(self) -> float:
        return self.reoffenders / self.cohort if self.cohort else float("nan")


def _z(a: Share, b: Share) -> float:
    """How far ``a``'s rate is above ``b``'s, in standard errors (pooled two-proportion z statistic)."""
    if not a.cohort or not b.cohort:
        return 0.0
    pooled = (a.reoffenders + b.reoffenders) / (a.cohort + b.cohort)
    se = math.sqrt(pooled * (1 - pooled) * (1 / a.cohort + 1 / b.cohort))
    return (a.rate - b.rate) / se if se else 0.0


def _shares(result: ProvenReoffendingResult, breakdown: str, minimum: int) -> dict[str, Share]:
    return {
        row.value: Share(row.measures.reoffenders, row.measures.cohort_size)
        for row in result.breakdowns[breakdown]
        if row.measures.cohort_size >= minimum
    }


def _pooled(result: ProvenReoffendingResult, breakdown: str, values: Iterable[str]) -> Share:
    rows = [row for row in result.breakdowns[breakdown] if row.value in set(values)]
    return Share(sum(row.measures.reoffenders for row in rows), sum(row.measures.cohort_size for row in rows))


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def _falls(shares: Sequence[Share]) -> tuple[bool, bool]:
    """Whether rates published as falling fall here: (in strict order, within sampling error). Within sampling
    error means the first is above the last and no step rises beyond sampling error."""
    strict = all(a.rate > b.rate for a, b in pairwise(shares))
    within = shares[0].rate > shares[-1].rate and all(_z(b, a) <= Z_95 for a, b in pairwise(shares))
    return strict, within


def _order(strict: bool) -> str:
    return "in strict order" if strict else "not in strict order, within sampling error"


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


def calibration_checks(
    world: Partnership, *, minimum: int = 100
) -> tuple[ProvenReoffendingResult, list[Check]]:
    """Each calibration target beside the figure measured on ``world``. Breakdown values with fewer than
    ``minimum`` cohort members are left out of the offence and disposal gradients; a gradient is met when its
    ends are in the published order and no step is reversed beyond sampling error (``Z_95``)."""
    start, end = cohort_year(world.config.as_of)
    events = calibration_events(world)
    result = proven_reoffending(
        events,
        period_start=start,
        period_end=end,
        as_of=world.config.as_of,
        by=("sex", "age_band", "offence_group", "previous_offences", "priority_group"),
    )
    head = result.headline
    rate = head.binary_rate or 0.0
    frequency = head.reoffences_per_reoffender or 0.0
    overall = Share(head.reoffenders, head.cohort_size)
    checks = [
        Check("proven reoffending rate", _pct(rate), "19.7% ± 2 points", abs(rate - 0.197) <= 0.02, KENT),
        Check(
            "reoffences per reoffender",
            f"{frequency:.2f}",
            "2.9 ± 0.5",
            abs(frequency - 2.9) <= 0.5,
            MOJ_2012,
        ),
    ]
    adult, juvenile = result.adult.binary_rate or 0.0, result.juvenile.binary_rate or 0.0
    checks.append(
        Check(
            "juvenile above adult",
            f"{_pct(juvenile)} vs {_pct(adult)}",
            "juvenile > adult (33.0% vs 25.6%)",
            juvenile > adult,
            MOJ_2019,
        )
    )
    sex = _shares(result, "sex", 1)
    male, female = sex.get("male", Share(0, 0)), sex.get("female", Share(0, 0))
    checks.append(
        Check(
            "male above female",
            f"{_pct(male.rate)} vs {_pct(female.rate)}",
            "male > female",
            male.rate > female.rate,
            SETTING,
        )
    )
    ages = [_pooled(result, "age_band", bands) for _, bands in AGE_GROUPS]
    strict, within = _falls(ages)
    steps = " > ".join(f"{label} {_pct(a.rate)}" for (label, _), a in zip(AGE_GROUPS, ages, strict=True))
    checks.append(
        Check(
            "falls with age",
            f"{steps} ({_order(strict)})",
            "each broad band below the one before",
            within,
            SETTING,
        )
    )
    groups = _shares(result, "offence_group", minimum)
    theft = groups.get(THEFT, Share(0, 0))
    others = {g: s for g, s in groups.items() if g != THEFT}
    runner_up = max(others, key=lambda g: others[g].rate) if others else ""
    strict = bool(others) and theft.rate > max(s.rate for s in others.values())
    within = theft.rate > overall.rate and all(_z(s, theft) <= Z_95 for s in others.values())
    checks.append(
        Check(
            "theft highest offence group",
            f"theft {_pct(theft.rate)}, next {runner_up} "
            f"{_pct(others[runner_up].rate if others else 0.0)} ({_order(strict)})",
            "theft above every other group",
            within,
            SETTING,
        )
    )
    fraud = _pooled(result, "offence_group", ("Fraud and forgery",))
    sexual = _pooled(result, "offence_group", SEXUAL_GROUPS)
    low = _pooled(result, "offence_group", ("Fraud and forgery", *SEXUAL_GROUPS))
    checks.append(
        Check(
            "fraud and sexual low",
            f"{_pct(low.rate)} (fraud {_pct(fraud.rate)}, sexual {_pct(sexual.rate)})",
            "together below the overall rate",
            low.rate < rate,
            SETTING,
        )
    )
    disposals = _shares(result, "priority_group", minimum)
    short = disposals.get(SHORT_CUSTODY, _pooled(result, "priority_group", (SHORT_CUSTODY,)))
    rest = {d: s for d, s in disposals.items() if d != SHORT_CUSTODY}
    strict = bool(rest) and short.rate > max(s.rate for s in rest.values())
    within = short.rate > overall.rate and all(_z(s, short) <= Z_95 for s in rest.values())
    checks.append(
        Check(
            "custody under 12 months highest",
            f"{_pct(short.rate)} ({_order(strict)})",
            "highest disposal; 59.7% published",
            within,
            MOJ_2019,
        )
    )
    caution = disposals.get("caution", _pooled(result, "priority_group", ("caution",)))
    rest = {d: s for d, s in disposals.items() if d != "caution"}
    strict = bool(rest) and caution.rate < min(s.rate for s in rest.values())
    within = caution.rate < overall.rate and all(_z(caution, s) <= Z_95 for s in rest.values())
    checks.append(
        Check(
            "caution lowest",
            f"caution {_pct(caution.rate)} ({_order(strict)})",
            "lowest disposal",
            within,
            SETTING,
        )
    )
    previous = [
        _pooled(result, "previous_offences", (band,)).rate for band in ("0", "1-2", "3-6", "7-10", "11+")
    ]
    checks.append(
        Check(
            "rises with previous offences",
            f"0: {_pct(previous[0])}, 11+: {_pct(previous[-1])}",
            "11+ above 0 (47% vs 10.5% published)",
            previous[-1] > previous[0] + 0.15,
            MOJ_2012,
        )
    )
    custody = caseload_split(world)
    checks.append(
        Check(
            "caseload in custody", _pct(custody), "25% ± 2 points", abs(custody - 0.25) <= 0.02, KENT_CASELOAD
        )
    )
    return result, checks
