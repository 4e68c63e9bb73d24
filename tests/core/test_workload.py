"""The workload model against HMPPS's own tests, copied as data (ministryofjustice/hmpps-workload@1e70153e,
src/test/kotlin/.../service/CapacityCalculatorTest.kt and WorkloadCalculatorTests.kt), and its seed data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from desist.core import workload as w

# CapacityCalculatorTest.kt: (available points for grade, contracted hours for grade, current hours,
# reduction hours, expected available points).
CAPACITY_CASES = [
    (2176.0, 37.0, 37.0, 1.8, 2070),  # "can calculate available points"
    (2176.0, 37.0, 30.0, 1.8, 1658),  # "can calculate available points with different current hours"
]


@pytest.mark.parametrize(("target", "grade_hours", "hours", "reduction", "expected"), CAPACITY_CASES)
def test_available_points_as_hmpps(target, grade_hours, hours, reduction, expected):
    # BigDecimal.valueOf(double) is the double's shortest decimal string, as Decimal(str(x)).
    available = Decimal(str(hours)) - Decimal(str(reduction))
    assert w.available_points(Decimal(str(target)), Decimal(str(grade_hours)), available) == expected


def test_available_points_zero_without_hours_or_grade_hours():
    assert w.available_points(Decimal(2176), Decimal(37), Decimal(0)) == 0
    assert w.available_points(Decimal(2176), Decimal(37), Decimal(-1)) == 0
    assert w.available_points(Decimal(2176), Decimal(0), Decimal(37)) == 0


def test_capacity_three_places_half_up_times_100():
    assert w.capacity(2070, 2070) == Decimal(100)
    assert w.capacity(1000, 2070) == Decimal("48.300")  # 0.48309 -> 0.483
    assert w.capacity(2500, 2176) == Decimal("114.900")  # 1.14889 -> 1.149
    assert w.capacity(0, 2070) == 0 and w.capacity(10, 0) == 0


def _mock(community: int, licence: int, custody: int, standard: int = 0, fast: int = 0) -> w.Weightings:
    """WorkloadCalculatorTests.mockWorkloadPoints: every non-S tier of a type has one value, the S tiers 1."""
    points = {}
    for case_type, value in ((w.COMMUNITY, community), (w.LICENCE, licence), (w.CUSTODY, custody)):
        for tier in w.TIERS:
            points[(case_type, tier)] = 1 if tier.endswith("S") else value
    return w.Weightings(points, standard, fast, *(Decimal(0),) * 5)


def test_sums_cases_by_tier_type_and_t2a():
    # "must sum all cases depending on their tier, category and whether they are T2A or not"
    t2a, standard = _mock(10, 1, 2), _mock(10, 1, 2)
    cases = [w.Case("B2", w.COMMUNITY, True)] * 10 + [w.Case("C1", w.CUSTODY, False)] * 5
    assert w.workload_points(cases=cases, standard=standard, t2a=t2a) == 10 * 10 + 2 * 5


def test_sums_court_reports():
    # "must sum all court reports": standard 10 x 7, fast 2 x 12
    standard = _mock(10, 1, 2, standard=10, fast=2)
    reports = [w.STANDARD_REPORT] * 7 + [w.FAST_REPORT] * 12
    assert w.workload_points(cases=[], reports=reports, standard=standard, t2a=_mock(10, 1, 2)) == 94


CONTACT_WEIGHTINGS = {"CONTACT1": 10, "CONTACT2": 2}


def test_contacts_outside_caseload_add_unknown_weigh_nothing_by_others_subtract():
    m = _mock(10, 1, 2)
    outside = ["CONTACT1"] * 5 + ["CONTACT2"] * 10
    assert (
        w.workload_points(
            cases=[],
            contacts_outside_caseload=outside,
            contact_weightings=CONTACT_WEIGHTINGS,
            standard=m,
            t2a=m,
        )
        == 70
    )
    assert (
        w.workload_points(
            cases=[],
            contacts_outside_caseload=["ANUNKNOWNCONTACTTYPE"] * 5,
            contact_weightings=CONTACT_WEIGHTINGS,
            standard=m,
            t2a=m,
        )
        == 0
    )
    assert (
        w.workload_points(
            cases=[],
            contacts_by_others=["CONTACT1", "CONTACT2"],
            contact_weightings=CONTACT_WEIGHTINGS,
            standard=m,
            t2a=m,
        )
        == -12
    )


def test_seeded_weightings():
    # V1_1__SEED_REF_DATA.sql: comm_tier_1 (A3) 206, cust_tier_1 75, lic_tier_1 219; D0 29, 0, 0.
    table, t2a = w.weightings(), w.weightings(t2a=True)
    assert w.case_points(w.Case("A3", w.COMMUNITY), table, t2a) == 206
    assert w.case_points(w.Case("A3", w.CUSTODY), table, t2a) == 75
    assert w.case_points(w.Case("A3", w.LICENCE), table, t2a) == 219
    assert w.case_points(w.Case("D0", w.COMMUNITY), table, t2a) == 29
    assert w.case_points(w.Case("B2", w.LICENCE), table, t2a) == 132
    assert w.case_points(w.Case("B2", w.LICENCE, t2a=True), table, t2a) == 48
    assert w.case_points(w.Case("B2S", w.COMMUNITY), table, t2a) == 0
    assert len(table.tier_points) == 3 * 32
    with pytest.raises(ValueError, match="tier 'E9'"):
        w.case_points(w.Case("E9", w.COMMUNITY), table, t2a)


def test_grade_defaults_as_hmpps():
    table = w.weightings()
    assert table.points_available("PSO") == table.points_available("PO") == 2176
    assert table.contracted_hours("PQiP") == 37 and table.contracted_hours("SPO") == 0
    # A full-time PO with no reductions has the whole target; part-time and reductions scale it.
    assert w.practitioner_available_points("PO", Decimal(37), []) == 2176
    assert w.practitioner_available_points("PO", None, [Decimal("1.8")]) == 2070
    assert w.practitioner_available_points("PSO", Decimal("18.5"), []) == 1088
    assert w.practitioner_available_points("SPO", Decimal(37), []) == 0


def test_grades_for_risk():
    assert w.grade_may_hold("PO", rosh="very_high", mappa=True)
    assert not w.grade_may_hold("PSO", rosh="high", mappa=False)
    assert not w.grade_may_hold("PSO", rosh="low", mappa=True)
    assert w.grade_may_hold("PSO", rosh="medium", mappa=False)
    assert not w.grade_may_hold("PQiP", rosh="Very high", mappa=False)
    assert not w.grade_may_hold("nobody", rosh="low", mappa=False)


def test_t2a_table_as_seeded():
    # V1_1__SEED_REF_DATA.sql, the is_t2a row: every case type weighs the custody points (A3 75 ... D1 13),
    # so a T2A community A0 weighs 0 where the standard table gives 110.
    table, t2a = w.weightings(), w.weightings(t2a=True)
    assert [t2a.tier_points[(w.COMMUNITY, t)] for t in ("A3", "A0", "B2", "D1", "D0")] == [75, 0, 48, 13, 0]
    assert t2a.tier_points[(w.LICENCE, "C2")] == t2a.tier_points[(w.CUSTODY, "C2")] == 24
    assert w.case_points(w.Case("A0", w.COMMUNITY, t2a=True), table, t2a) == 0
    assert w.case_points(w.Case("A0", w.COMMUNITY), table, t2a) == 110
    # WorkloadCalculatorTests' first case on the seeded tables: ten T2A community B2, five custody C1.
    cases = [w.Case("B2", w.COMMUNITY, True)] * 10 + [w.Case("C1", w.CUSTODY)] * 5
    assert w.workload_points(cases=cases, standard=table, t2a=t2a) == 10 * 48 + 5 * 23


@pytest.mark.parametrize(
    ("born", "started", "allowed"),
    [
        (date(2000, 6, 15), date(2018, 6, 15), True),  # 18 on the day
        (date(2000, 6, 15), date(2018, 6, 14), False),  # 17
        (date(2000, 6, 15), date(2025, 6, 14), True),  # 24, the day before turning 25
        (date(2000, 6, 15), date(2025, 6, 15), False),  # 25
        (date(2004, 2, 29), date(2022, 2, 28), False),  # a leap-day birthday: 18 from 1 March
        (date(2004, 2, 29), date(2022, 3, 1), True),
        (None, date(2022, 3, 1), False),  # unknown age: not marked
    ],
)
def test_t2a_ages_18_to_24_on_the_day_the_case_started(born, started, allowed):
    assert w.t2a_age_allowed(born, started) is allowed


def test_contact_weightings_as_seeded():
    # adjustment_reason: V1_1 (CMS01-CMS36 and the group supervision sessions), V1_46 (CMS40-CMS51, all 0).
    weights = w.contact_weightings()
    assert len(w.contact_types()) == 58
    assert (weights["CMS01"], weights["CMS03"], weights["CMS06"], weights["CMS22"]) == (9, 18, 26, 5)
    assert weights["NGS001"] == 0 and weights["CMS51"] == 0
    # The contact sums of WorkloadCalculator on the seeded weightings: 18 outside, less 9 by others.
    m = w.weightings()
    assert (
        w.workload_points(
            cases=[],
            contacts_outside_caseload=["CMS03"],
            contacts_by_others=["CMS01"],
            contact_weightings=weights,
            standard=m,
            t2a=m,
        )
        == 9
    )
