"""The probation workload model: points for a practitioner's cases and reports, the points their hours make
available, and their capacity as a percentage, exactly as HMPPS computes it.

Source: `ministryofjustice/hmpps-workload` (MIT), commit 1e70153e:

- ``service/WorkloadCalculator.kt``: the points of a caseload are the sum over cases of the weighting for
  the case's tier in its case type (community, licence, custody), read from the T2A (transition to
  adulthood) table when the case is T2A; plus each standard court report (``sdr``) and fast report
  (``sdr_conversion``); plus the weighting of each contact done outside the practitioner's caseload, minus
  the weighting of each contact done by others in it (an unknown contact type weighs 0).
- ``service/CapacityCalculator.kt``: available points = points for the grade x (available hours / the
  grade's contracted hours), the ratio to 15 decimal places rounded half up, the product truncated to a whole
  number; available hours are the practitioner's contracted hours less their current reductions
  (``RequestStaffCalculationService.kt``). Capacity = points / available points to 3 decimal places, half
  up, x 100; 0 when either is 0.
- ``db/migration/V1_1__SEED_REF_DATA.sql``: the weightings (``data/hmpps_workload_points.csv``; the
  ``S`` tiers added by V1_62 default to 0 and are 0 here), the report weightings, the nominal targets
  (2,176 points for a PO and an SPO; any other grade takes the PO's,
  ``WorkloadPointsEntity.getDefaultPointsAvailable``) and the grades' contracted hours (37 for PO, PQiP
  and PSO; the seed gives SPOs 0, and ``calculateAvailablePoints`` gives 0 points when the grade's hours
  are 0, so an SPO has no available points and a capacity of 0 whatever hours they work: the model
  measures no SPO caseload), and the reduction reasons.
- ``V1_1__SEED_REF_DATA.sql`` and ``V1_46__ADD_CMS_CONTACT_DEFINITIONS.sql``, ``adjustment_reason``: the
  contact types whose weighting ``GetContactTypeWeightings`` reads (case management support and group
  supervision, ``data/hmpps_workload_contact_weightings.csv``).

T2A (transition to adulthood): the model reads a T2A case from the ``is_t2a`` row of ``workload_points``
(``WorkloadCalculator.calculateCaseTierPointsTotal``); whether a case is T2A is an input (``Case.isT2A``), not
something the model works out. The old WMT extract took it from the nDelius T2A intervention (``staging.t2a``,
``t2a_detail``: an NSI with the person's birth date and age), and at the pinned commit
``GetCombinedCaseload`` builds every case with ``isT2A = false``. desist follows ``WorkloadCalculator``: a
case is T2A when a manager has marked it so (the record of the T2A intervention), and only a person aged 18
to 24 on the day the case started may be marked (``t2a_age_allowed``: the T2A cohort's ages).

Grades are data too (``GRADES``): which may hold a case of high or very high risk of serious harm, or a MAPPA
case (a probation officer, not a PSO: RULES.md and the Probation Service's allocation policy).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

SOURCE = "ministryofjustice/hmpps-workload@1e70153e (MIT)"
POINTS_CSV = Path(__file__).resolve().parent / "data" / "hmpps_workload_points.csv"
CONTACTS_CSV = Path(__file__).resolve().parent / "data" / "hmpps_workload_contact_weightings.csv"

COMMUNITY = "community"
LICENCE = "licence"
CUSTODY = "custody"
CASE_TYPES = (COMMUNITY, LICENCE, CUSTODY)

TIERS: tuple[str, ...] = tuple(
    f"{letter}{digit}{suffix}" for suffix in ("", "S") for letter in "ABCD" for digit in "3210"
)

STANDARD_REPORT = "standard"
FAST_REPORT = "fast"


@dataclass(frozen=True)
class Weightings:
    """One row of HMPPS's ``workload_points``: tier points by case type, report points, targets and hours."""

    tier_points: Mapping[tuple[str, str], int]  # (case type, tier) -> points
    standard_report: int
    fast_report: int
    nominal_target_po: Decimal
    nominal_target_spo: Decimal
    contracted_hours_po: Decimal
    contracted_hours_pso: Decimal
    contracted_hours_spo: Decimal

    def points_available(self, grade: str) -> Decimal:
        """``getDefaultPointsAvailable``: the SPO's target for an SPO, the PO's for every other grade."""
        return self.nominal_target_spo if grade == "SPO" else self.nominal_target_po

    def contracted_hours(self, grade: str) -> Decimal:
        """``getDefaultContractedHours``: PO and PQiP, PSO, anything else the SPO's."""
        if grade in ("PO", "PQiP"):
            return self.contracted_hours_po
        if grade == "PSO":
            return self.contracted_hours_pso
        return self.contracted_hours_spo


@dataclass(frozen=True)
class Grade:
    code: str
    name: str
    may_hold_high_risk: bool  # RoSH high or very high, or MAPPA


GRADES: dict[str, Grade] = {
    g.code: g
    for g in (
        Grade("PSO", "Probation services officer", False),
        Grade("PQiP", "Trainee probation officer (PQiP)", False),
        Grade("PO", "Probation officer", True),
        Grade("SPO", "Senior probation officer", True),
    )
}

HIGH_ROSH = ("high", "very_high")


def grade_may_hold(grade: str, *, rosh: str, mappa: bool) -> bool:
    """Whether a practitioner of this grade may be allocated a case of this RoSH level (or MAPPA)."""
    known = GRADES.get(grade)
    if known is None:
        return False
    return known.may_hold_high_risk or not (mappa or rosh.lower().replace(" ", "_") in HIGH_ROSH)


@cache
def _tier_points(t2a: bool) -> dict[tuple[str, str], int]:
    wanted = "yes" if t2a else "no"
    with POINTS_CSV.open(newline="") as f:
        return {
            (row["case_type"], row["tier"]): int(row["points"])
            for row in csv.DictReader(f)
            if row["t2a"] == wanted
        }


def weightings(*, t2a: bool = False) -> Weightings:
    """The published weightings (V1_1__SEED_REF_DATA.sql): the standard row, or the T2A row."""
    if t2a:
        return Weightings(_tier_points(True), 0, 0, *(Decimal(0),) * 5)
    return Weightings(
        _tier_points(False),
        standard_report=138,
        fast_report=65,
        nominal_target_po=Decimal(2176),
        nominal_target_spo=Decimal(2176),
        contracted_hours_po=Decimal(37),
        contracted_hours_pso=Decimal(37),
        contracted_hours_spo=Decimal(0),
    )


@dataclass(frozen=True)
class Case:
    tier: str
    case_type: str
    t2a: bool = False


def case_points(case: Case, standard: Weightings, t2a: Weightings) -> int:
    """``JpaBasedCaseCalculator.getPointsForCase``: the tier's points in the case type's table."""
    table = t2a if case.t2a else standard
    try:
        return table.tier_points[(case.case_type, case.tier)]
    except KeyError:
        raise ValueError(f"no weighting for a {case.case_type} case in tier {case.tier!r}") from None


def workload_points(
    *,
    cases: Iterable[Case],
    reports: Iterable[str] = (),
    contacts_outside_caseload: Iterable[str] = (),
    contacts_by_others: Iterable[str] = (),
    contact_weightings: Mapping[str, int] | None = None,
    standard: Weightings,
    t2a: Weightings,
) -> int:
    """``WorkloadCalculator.getWorkloadPoints``."""
    weights = contact_weightings or {}
    total = sum(case_points(c, standard, t2a) for c in cases)
    total += sum(standard.standard_report if r == STANDARD_REPORT else standard.fast_report for r in reports)
    total += sum(weights.get(code, 0) for code in contacts_outside_caseload)
    total -= sum(weights.get(code, 0) for code in contacts_by_others)
    return total


def available_points(
    points_for_grade: Decimal, contracted_hours_for_grade: Decimal, available_hours: Decimal
) -> int:
    """``calculateAvailablePoints``."""
    if available_hours > 0 and contracted_hours_for_grade != 0:
        ratio = (available_hours / contracted_hours_for_grade).quantize(
            Decimal("1e-15"), rounding=ROUND_HALF_UP
        )
        return int((points_for_grade * ratio).to_integral_value(rounding=ROUND_DOWN))
    return 0


def capacity(total_points: int, available: int) -> Decimal:
    """``calculateCapacity``: a percentage (100.0 is full), 0 when either figure is 0."""
    if total_points != 0 and available != 0:
        return (Decimal(total_points) / Decimal(available)).quantize(Decimal("0.001"), ROUND_HALF_UP) * 100
    return Decimal(0)


def available_hours(contracted: Decimal, reductions: Iterable[Decimal]) -> Decimal:
    """Contracted hours less the hours of the reductions in force (``RequestStaffCalculationService``)."""
    return contracted - sum(reductions, Decimal(0))


def practitioner_available_points(
    grade: str, contracted: Decimal | None, reductions: Iterable[Decimal]
) -> int:
    """The points a practitioner of `grade` has to give: their contracted hours (the grade's default when
    unknown, ``GetWeeklyHours``) less reductions, scaled from the grade's target."""
    table = weightings()
    hours = table.contracted_hours(grade) if contracted is None else contracted
    return available_points(
        table.points_available(grade), table.contracted_hours(grade), available_hours(hours, reductions)
    )


# Weighted contacts count for this many days after they were done. The window of HMPPS's contact extract
# (``staging.cms``) is set by the nDelius extract, not in hmpps-workload; this is desist's choice.
CONTACT_WINDOW_DAYS = 28

T2A_AGES = (18, 24)  # the transition to adulthood cohort: 18 to 24 inclusive


def age_on(date_of_birth: date, on: date) -> int:
    """Whole years of age on a day (a 29 February birthday counts from 1 March in other years)."""
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


def t2a_age_allowed(date_of_birth: date | None, case_start: date) -> bool:
    """Whether a case may be marked T2A: the person was 18 to 24 on the day it started (unknown: no)."""
    if date_of_birth is None:
        return False
    low, high = T2A_AGES
    return low <= age_on(date_of_birth, case_start) <= high


@dataclass(frozen=True)
class ContactType:
    code: str
    description: str
    category: str
    points: int


@cache
def contact_types() -> tuple[ContactType, ...]:
    """The weighted contact types (``adjustment_reason``), in the seed's order."""
    with CONTACTS_CSV.open(newline="") as f:
        return tuple(
            ContactType(row["code"], row["description"], row["category"], int(row["points"]))
            for row in csv.DictReader(f)
        )


def contact_weightings() -> dict[str, int]:
    """``GetContactTypeWeightings.findAll``: contact type code -> points."""
    return {c.code: c.points for c in contact_types()}


# Reduction reasons (V1_1__SEED_REF_DATA.sql, reduction_reason): reason, category, allowance % or None.
REDUCTION_REASONS: tuple[tuple[str, str, int | None], ...] = (
    ("Disability", "Personal Circumstances", None),
    ("Long Term Sickness Absence", "Personal Circumstances", 100),
    ("Phased Return to Work", "Personal Circumstances", None),
    ("Pregnancy", "Personal Circumstances", None),
    ("Maternity Leave", "Personal Circumstances", 100),
    ("Adoption Leave", "Personal Circumstances", 100),
    ("Special Leave", "Personal Circumstances", 100),
    ("Trade Union Facility Time", "Personal Circumstances", None),
    ("Other Paid Leave (e.g. Jury Service)", "Personal Circumstances", 100),
    ("Other Unpaid Leave", "Personal Circumstances", 100),
    ("Other", "Personal Circumstances", None),
    ("PQiP - 1st 6 months", "Community Justice Learning", 80),
    ("PQiP - 6 to 12 months", "Community Justice Learning", 60),
    ("PQiP - 12 to 18 months", "Community Justice Learning", 40),
    ("NQO", "Community Justice Learning", 20),
    ("PSO Learning & Development", "Community Justice Learning", 20),
    ("VQ3", "Community Justice Learning", 5),
    ("Level 4 and Level 5 Access", "Community Justice Learning", 10),
    ("Co-Worked Cases", "Work Circumstances", None),
    ("Groups (Group Supervision)", "Work Circumstances", None),
    ("Groups (Induction)", "Work Circumstances", None),
    ("Court Duty", "Work Circumstances", None),
    ("Pre Sentence Reports – Court Duty / Sessional", "Work Circumstances", None),
    ("Split Role", "Work Circumstances", None),
    ("OM Custody", "Work Circumstances", None),
    ("SPOC lead", "Work Circumstances", None),
)
