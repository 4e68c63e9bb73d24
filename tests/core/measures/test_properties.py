"""Properties of the measures on random small histories, against a brute-force reading of the rules."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desist.core.measures import DISPOSALS, add_months, proven_reoffending

from .builders import brute_force, events_table, months_later

START, END = date(2024, 1, 1), date(2024, 3, 31)
# Dates around the period, its month ends and the edges of the follow-up and waiting period.
days = st.dates(min_value=date(2022, 11, 1), max_value=date(2025, 12, 31))


@st.composite
def histories(draw: st.DrawFn) -> list[dict[str, Any]]:
    people = draw(st.integers(min_value=1, max_value=6))
    births = {
        f"p{n}": draw(st.dates(min_value=date(2008, 1, 1), max_value=date(2015, 12, 31)))
        for n in range(people)
    }
    rows = []
    for _ in range(draw(st.integers(min_value=0, max_value=18))):
        person = draw(st.sampled_from(sorted(births)))
        offence_on = draw(days)
        proven_on = offence_on + timedelta(days=draw(st.integers(min_value=0, max_value=400)))
        outcome = draw(st.sampled_from(["caution", "conviction"]))
        disposal = None if outcome == "caution" else draw(st.sampled_from(DISPOSALS))
        released = None
        if disposal == "custody" and draw(st.booleans()):
            released = proven_on + timedelta(days=draw(st.integers(min_value=0, max_value=300)))
        rows.append(
            {
                "person_id": person,
                "date_of_birth": births[person],
                "sex": "female" if int(person[1:]) % 2 else "male",
                "offence_date": max(offence_on, births[person]),
                "proven_date": max(proven_on, births[person]),
                "outcome": outcome,
                "disposal": disposal,
                "release_date": released,
                "offence_code": draw(st.sampled_from(["04600", "10500", "99999"])),
            }
        )
    return rows


def measure(rows: list[dict[str, Any]]) -> Any:
    return proven_reoffending(
        events_table(rows),
        period_start=START,
        period_end=END,
        as_of=date(2026, 1, 1),
        by=("sex", "age_band", "disposal", "previous_offences", "offence_group"),
    )


FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(histories())
def test_counts_equal_a_brute_force_reading_of_the_rules(rows: list[dict[str, Any]]) -> None:
    result = measure(rows)
    expected = brute_force(rows, START, END)
    for group, measures in (("all", result.headline), ("adult", result.adult), ("juvenile", result.juvenile)):
        want = expected[group]
        assert (measures.cohort_size, measures.reoffenders, measures.reoffences) == (
            want.cohort_size,
            want.reoffenders,
            want.reoffences,
        )
        if want.reoffenders:
            assert measures.average_days_to_first_reoffence == want.days / want.reoffenders


@FAST
@given(histories())
def test_rates_are_sane_and_breakdowns_add_up(rows: list[dict[str, Any]]) -> None:
    result = measure(rows)
    head = result.headline
    if head.cohort_size:
        assert head.binary_rate is not None and 0 <= head.binary_rate <= 1
        assert head.reoffenders <= head.cohort_size
        assert head.reoffences >= head.reoffenders
    assert head.cohort_size == result.adult.cohort_size + result.juvenile.cohort_size
    for rows_of_breakdown in result.breakdowns.values():
        assert sum(r.measures.cohort_size for r in rows_of_breakdown) == head.cohort_size
        assert sum(r.measures.reoffences for r in rows_of_breakdown) == head.reoffences


@FAST
@given(histories(), days, st.sampled_from(DISPOSALS))
def test_an_offence_outside_every_window_changes_nothing(
    rows: list[dict[str, Any]], day: date, disposal: str
) -> None:
    if not rows:
        return
    before = measure(rows)
    # Committed and proven after the last possible proven-by date, and a custody one never released:
    # it is neither an index event, a reoffence nor a previous offence.
    late = add_months(END, 18) + timedelta(days=1 + (day - date(2022, 11, 1)).days)
    person = rows[0]
    extra = {
        **person,
        "offence_date": late,
        "proven_date": late,
        "outcome": "conviction",
        "disposal": disposal if disposal != "custody" else "custody",
        "release_date": None,
    }
    after = measure([*rows, extra])
    assert after.to_dict() == before.to_dict()


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.integers(min_value=0, max_value=30)
)
def test_add_months_agrees_with_stepping_month_by_month(day: date, months: int) -> None:
    assert add_months(day, months) == months_later(day, months)
