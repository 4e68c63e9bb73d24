"""Each proven-reoffending rule (RULES.md §4) and its edges, on DuckDB."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from desist.core.measures import (
    ProvenReoffendingResult,
    ProvenReoffendingSettings,
    add_months,
    age_on,
    proven_reoffending,
)

from .builders import caution, events_table, offence

Q1 = (date(2024, 1, 1), date(2024, 3, 31))


def measure(
    rows: list[dict[str, Any]], period: tuple[date, date] = Q1, **kwargs: Any
) -> ProvenReoffendingResult:
    kwargs.setdefault("as_of", date(2026, 1, 1))
    return proven_reoffending(events_table(rows), period_start=period[0], period_end=period[1], **kwargs)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year: the last day of February
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # 29 February has no day a year on
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 8, 31), 18, date(2026, 2, 28)),
        (date(2024, 3, 31), 18, date(2025, 9, 30)),
        (date(2024, 1, 15), 12, date(2025, 1, 15)),
        (date(2024, 12, 31), 1, date(2025, 1, 31)),
    ],
)
def test_calendar_months_keep_the_day_or_take_the_month_end(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_age_is_whole_years_and_a_leap_day_birthday_comes_on_1_march() -> None:
    assert age_on(date(2006, 2, 28), date(2024, 2, 28)) == 18
    assert age_on(date(2006, 3, 1), date(2024, 2, 29)) == 17
    assert age_on(date(2004, 2, 29), date(2022, 2, 28)) == 17
    assert age_on(date(2004, 2, 29), date(2022, 3, 1)) == 18


def test_period_ends_are_both_inclusive() -> None:
    rows = [
        caution("before", on=date(2023, 12, 31)),
        caution("first", on=date(2024, 1, 1)),
        caution("last", on=date(2024, 3, 31)),
        caution("after", on=date(2024, 4, 1)),
    ]
    assert measure(rows).headline.cohort_size == 2


def test_the_index_event_is_the_earliest_eligible_event_in_the_period() -> None:
    rows = [
        offence(offence_on=date(2024, 1, 10), disposal="fine", code="10500"),  # index: common assault
        caution(on=date(2024, 2, 1), code="04600"),  # a reoffence, and eligible too
    ]
    result = measure(rows, by=("offence_group", "disposal"))
    assert result.headline.cohort_size == 1
    assert result.headline.reoffences == 1
    assert result.headline.average_days_to_first_reoffence == 22
    assert [r.value for r in result.breakdowns["offence_group"]] == ["Violence"]
    assert [r.value for r in result.breakdowns["disposal"]] == ["fine"]


def test_latest_index_event_is_a_documented_alternative() -> None:
    rows = [
        offence(offence_on=date(2024, 1, 10), disposal="fine"),
        caution(on=date(2024, 2, 1)),
        offence(offence_on=date(2024, 5, 1)),
    ]
    earliest = measure(rows)
    latest = measure(rows, settings=ProvenReoffendingSettings(index_event="latest"), by=("disposal",))
    assert earliest.headline.reoffences == 2
    assert latest.headline.reoffences == 1
    assert [r.value for r in latest.breakdowns["disposal"]] == ["caution"]


def test_a_custodial_conviction_is_not_an_index_event_but_its_release_is() -> None:
    rows = [
        # Convicted in the period, released after it: not in this cohort.
        offence(
            "held",
            offence_on=date(2023, 11, 1),
            proven_on=date(2024, 1, 20),
            disposal="custody",
            released_on=date(2024, 6, 1),
        ),
        # Still in custody: no release date, no event.
        offence("inside", offence_on=date(2023, 11, 1), proven_on=date(2024, 1, 20), disposal="custody"),
        # Convicted before the period, released in it: the release is the index event.
        offence(
            "released",
            offence_on=date(2023, 1, 1),
            proven_on=date(2023, 3, 1),
            disposal="custody",
            released_on=date(2024, 2, 15),
        ),
        offence("released", offence_on=date(2024, 3, 1), proven_on=date(2024, 4, 1), disposal="fine"),
    ]
    result = measure(rows, by=("disposal", "previous_offences"))
    assert result.headline.cohort_size == 1
    assert result.headline.reoffences == 1
    assert result.headline.average_days_to_first_reoffence == 15  # 15 Feb to 1 Mar 2024
    assert [r.value for r in result.breakdowns["disposal"]] == ["custody"]
    # The offence they were imprisoned for was proven before the index date: one previous offence.
    assert [r.value for r in result.breakdowns["previous_offences"]] == ["1-2"]
    later = measure(rows, period=(date(2024, 4, 1), date(2024, 6, 30)))
    assert later.headline.cohort_size == 2  # "held" released 1 June; "released" fined 1 April


def test_a_hospital_order_is_not_custody_its_court_date_is_the_index_date() -> None:
    rows = [
        offence(
            "detained", offence_on=date(2023, 12, 1), proven_on=date(2024, 1, 10), disposal="hospital_order"
        ),
        offence("detained", offence_on=date(2024, 2, 1), proven_on=date(2024, 3, 1), disposal="fine"),
        # The same day as a community order: the hospital order is the more serious disposal.
        offence("both", offence_on=date(2023, 12, 1), proven_on=date(2024, 1, 15), disposal="hospital_order"),
        offence("both", offence_on=date(2023, 12, 2), proven_on=date(2024, 1, 15), disposal="community"),
    ]
    result = measure(rows, by=("disposal",))
    assert result.headline.cohort_size == 2 and result.headline.reoffences == 1
    assert result.headline.average_days_to_first_reoffence == 22  # 10 Jan to 1 Feb 2024
    assert [r.value for r in result.breakdowns["disposal"]] == ["hospital_order"]


def test_an_offence_on_the_index_date_is_not_a_reoffence() -> None:
    rows = [caution(on=date(2024, 2, 1)), offence(offence_on=date(2024, 2, 1), proven_on=date(2024, 3, 1))]
    assert measure(rows).headline.reoffences == 0


def test_an_offence_exactly_twelve_months_on_counts_and_a_day_later_does_not() -> None:
    index = caution(on=date(2024, 2, 29))
    on_the_day = offence(offence_on=date(2025, 2, 28), proven_on=date(2025, 3, 1))
    day_after = offence(offence_on=date(2025, 3, 1), proven_on=date(2025, 3, 2))
    assert measure([index, on_the_day]).headline.reoffences == 1
    assert measure([index, day_after]).headline.reoffences == 0


def test_proven_at_exactly_eighteen_months_counts_and_a_day_later_does_not() -> None:
    index = caution(on=date(2024, 1, 31))
    # 31 January 2024 + 18 months = 31 July 2025; + 12 months = 31 January 2025.
    assert (
        measure(
            [index, offence(offence_on=date(2025, 1, 31), proven_on=date(2025, 7, 31))]
        ).headline.reoffences
        == 1
    )
    assert (
        measure(
            [index, offence(offence_on=date(2025, 1, 31), proven_on=date(2025, 8, 1))]
        ).headline.reoffences
        == 0
    )


def test_month_end_index_dates_use_the_shorter_month() -> None:
    index = caution(on=date(2024, 3, 31), born=date(1990, 1, 1))
    # 31 March 2024 + 18 months = 30 September 2025 (no 31 September).
    assert (
        measure(
            [index, offence(offence_on=date(2024, 4, 2), proven_on=date(2025, 9, 30))]
        ).headline.reoffences
        == 1
    )
    assert (
        measure(
            [index, offence(offence_on=date(2024, 4, 2), proven_on=date(2025, 10, 1))]
        ).headline.reoffences
        == 0
    )


def test_each_reoffence_counts_once_and_measures_follow() -> None:
    rows = [
        caution("a", on=date(2024, 1, 10)),
        offence("a", offence_on=date(2024, 2, 1), proven_on=date(2024, 3, 1)),
        offence("a", offence_on=date(2024, 2, 1), proven_on=date(2024, 3, 1), code="10500"),
        offence("a", offence_on=date(2024, 6, 1), proven_on=date(2024, 7, 1)),
        caution("b", on=date(2024, 1, 20)),
        offence("b", offence_on=date(2024, 1, 30), proven_on=date(2024, 2, 1)),
        caution("c", on=date(2024, 3, 1)),
    ]
    m = measure(rows).headline
    assert (m.cohort_size, m.reoffenders, m.reoffences) == (3, 2, 4)
    assert m.binary_rate == pytest.approx(2 / 3)
    assert m.reoffences_per_reoffender == 2
    assert m.reoffences_per_offender == pytest.approx(4 / 3)
    assert m.average_days_to_first_reoffence == (22 + 10) / 2


def test_juveniles_are_10_to_17_adults_18_and_under_10s_are_left_out() -> None:
    rows = [
        caution("nine", on=date(2024, 1, 5), born=date(2014, 1, 6)),  # 9 on the day
        caution("ten", on=date(2024, 1, 6), born=date(2014, 1, 6)),  # 10 on their birthday
        caution("seventeen", on=date(2024, 1, 5), born=date(2006, 1, 6)),
        caution("eighteen", on=date(2024, 1, 6), born=date(2006, 1, 6)),
    ]
    result = measure(rows, by=("age_band",))
    assert result.headline.cohort_size == 3
    assert result.juvenile.cohort_size == 2
    assert result.adult.cohort_size == 1
    assert [(r.value, r.measures.cohort_size) for r in result.breakdowns["age_band"]] == [
        ("10-14", 1),
        ("15-17", 1),
        ("18-20", 1),
    ]


def test_an_under_10_event_is_passed_over_for_a_later_one() -> None:
    rows = [
        caution(on=date(2024, 1, 5), born=date(2014, 1, 6)),
        caution(on=date(2024, 2, 5), born=date(2014, 1, 6)),
    ]
    result = measure(rows)
    assert (result.headline.cohort_size, result.juvenile.cohort_size, result.headline.reoffences) == (1, 1, 0)


def test_previous_offences_are_those_proven_before_the_index_date() -> None:
    rows = [
        offence(offence_on=date(2020, 1, 1), proven_on=date(2020, 2, 1)),
        offence(offence_on=date(2023, 12, 1), proven_on=date(2024, 1, 9)),
        # Proven on the index date: not previous.
        offence(offence_on=date(2023, 12, 20), proven_on=date(2024, 1, 10), disposal="fine"),
    ]
    result = measure(rows, by=("previous_offences",))
    assert [(r.value, r.measures.cohort_size) for r in result.breakdowns["previous_offences"]] == [("1-2", 1)]


def test_previous_offence_bands() -> None:
    history = [
        offence(offence_on=date(2010, 1, 1).replace(year=2010 + n % 10, month=1 + n // 10)) for n in range(11)
    ]
    result = measure([*history, caution(on=date(2024, 2, 1))], by=("previous_offences",))
    assert [r.value for r in result.breakdowns["previous_offences"]] == ["11+"]
    result = measure([*history[:7], caution(on=date(2024, 2, 1))], by=("previous_offences",))
    assert [r.value for r in result.breakdowns["previous_offences"]] == ["7-10"]


def test_provisional_until_the_waiting_period_of_the_last_index_date_ends() -> None:
    rows = [caution(on=date(2024, 2, 1))]
    # 31 March 2024 + 18 months = 30 September 2025.
    assert measure(rows, as_of=date(2025, 9, 29)).provisional
    final = measure(rows, as_of=date(2025, 9, 30))
    assert not final.provisional
    assert final.waiting_period_ends == date(2025, 9, 30)
    assert final.to_dict()["provisional"] is False


def test_breakdowns_by_optional_columns_group_empty_values_as_not_recorded() -> None:
    rows = [
        caution("a", on=date(2024, 1, 5), district="Dover", sex="female", priority_group="women"),
        caution("b", on=date(2024, 1, 6), district=None, iom_strand="fixed", ethnicity="W1"),
        caution("c", on=date(2024, 1, 7), district="Ashford", born=date(2008, 1, 1)),
    ]
    result = measure(rows, by=("district", "sex", "priority_group", "iom_strand", "ethnicity"))
    districts = result.breakdowns["district"]
    assert [r.value for r in districts] == ["Ashford", "Dover", "not recorded"]
    assert districts[0].juvenile.cohort_size == 1 and districts[0].adult.cohort_size == 0
    assert districts[0].adult.binary_rate is None
    assert [r.value for r in result.breakdowns["sex"]] == ["female", "male"]
    assert [r.value for r in result.breakdowns["iom_strand"]] == ["fixed", "not recorded"]


def test_a_breakdown_needs_its_column() -> None:
    with pytest.raises(ValueError, match="no such column"):
        measure([caution(on=date(2024, 1, 5))], by=("district",))
    with pytest.raises(ValueError, match="unknown breakdown"):
        measure([caution(on=date(2024, 1, 5))], by=("shoe_size",))


def test_an_unknown_offence_code_keeps_its_person_in_its_own_group() -> None:
    result = measure([caution(on=date(2024, 1, 5), code="99999")], by=("offence_group",))
    assert [r.value for r in result.breakdowns["offence_group"]] == ["Not in the offence code list"]


def test_an_empty_cohort_has_no_rates() -> None:
    m = measure([caution(on=date(2020, 1, 5))]).headline
    assert (m.cohort_size, m.binary_rate, m.reoffences_per_offender) == (0, None, None)


def test_same_day_ties_go_to_the_more_serious_disposal() -> None:
    rows = [
        caution(on=date(2024, 1, 5), code="04600"),
        offence(offence_on=date(2023, 12, 1), proven_on=date(2024, 1, 5), disposal="suspended", code="10500"),
    ]
    result = measure(rows, by=("disposal", "offence_group"))
    assert [r.value for r in result.breakdowns["disposal"]] == ["suspended"]
    assert [r.value for r in result.breakdowns["offence_group"]] == ["Violence"]
