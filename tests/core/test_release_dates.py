"""desist.core.release_dates: counting a sentence in days and the release points (issue 12)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from desist.core.release_dates import (
    CURRENT,
    WITH_PROGRESSION_MODEL,
    WITHOUT_SDS40,
    Adjustments,
    Booking,
    Calculation,
    DateType,
    Duration,
    ManualCalculation,
    Movement,
    Sentence,
    SentenceKind,
    calculate,
    sds_plus,
)

BORN = date(1990, 1, 1)
NO_ADJUSTMENTS = Adjustments()


def _dates(*sentences: Sentence, adjustments: Adjustments = NO_ADJUSTMENTS, law=CURRENT):  # type: ignore[no-untyped-def]
    result = calculate(Booking(BORN, sentences, (adjustments,)), law)
    assert isinstance(result, Calculation), result
    return result.dates


def test_the_sentence_day_is_served() -> None:
    # PSI 5.5: 12 months from 5 March 2022 ends on 4 March 2023: 365 days, both ends counted.
    assert Duration(months=12).end_date(date(2022, 3, 5)) == date(2023, 3, 4)
    assert Duration(months=12).length_in_days(date(2022, 3, 5)) == 365
    assert Duration(days=1).length_in_days(date(2022, 3, 5)) == 1


def test_months_are_calendar_months() -> None:
    # 17 months from 31 January: the month is shorter, so the anniversary is its last day.
    assert Duration(months=1).end_date(date(2021, 1, 31)) == date(2021, 2, 28)
    assert Duration(months=17).end_date(date(2022, 3, 14)) == date(2023, 8, 13)


def test_a_sentence_from_the_first_of_a_month_ends_at_a_month_end() -> None:
    assert Duration(months=3).end_date(date(2021, 2, 1)) == date(2021, 4, 30)
    assert Duration(years=1, months=1).end_date(date(2020, 2, 1)) == date(2021, 2, 28)


def test_weeks_and_days_follow_the_months() -> None:
    assert Duration(months=1, weeks=1, days=2).end_date(date(2021, 3, 10)) == date(2021, 4, 18)


def test_standard_sentence_released_at_half_before_sds40() -> None:
    sentence = Sentence(
        SentenceKind.STANDARD, date(2022, 3, 14), Duration(months=18), offence_on=date(2021, 1, 1)
    )
    dates = _dates(sentence, law=WITHOUT_SDS40)
    # 18 months = 549 days; half rounded up is 275 days, the sentence day being the first.
    assert dates[DateType.CRD] == date(2022, 12, 13)
    assert dates[DateType.SLED] == date(2023, 9, 13)
    assert dates[DateType.ESED] == date(2023, 9, 13)


def test_remand_and_ual_move_release_and_expiry_but_awarded_days_only_release() -> None:
    sentence = Sentence(
        SentenceKind.STANDARD, date(2022, 3, 14), Duration(months=18), offence_on=date(2021, 1, 1)
    )
    dates = _dates(
        sentence,
        adjustments=Adjustments(remand=10, unlawfully_at_large=3, additional_days_awarded=5),
        law=WITHOUT_SDS40,
    )
    assert dates[DateType.CRD] == date(2022, 12, 11)  # −10 + 3 + 5
    assert dates[DateType.SLED] == date(2023, 9, 6)  # −10 + 3
    assert dates[DateType.ESED] == date(2023, 9, 13)


def test_one_day_sentence_has_no_licence() -> None:
    dates = _dates(
        Sentence(SentenceKind.STANDARD, date(2023, 5, 2), Duration(days=1), offence_on=date(2023, 5, 1))
    )
    assert DateType.SLED not in dates and DateType.CRD not in dates
    assert dates[DateType.ARD] == date(2023, 5, 2)
    assert dates[DateType.SED] == date(2023, 5, 2)


def test_sds40_reaches_people_serving_from_their_tranche_date() -> None:
    # 3 years from 1 June 2023: at 40% the release would be before tranche 1 (10 Sep 2024), at half after it.
    sentence = Sentence(
        SentenceKind.STANDARD, date(2023, 6, 2), Duration(years=3), offence_on=date(2023, 1, 1)
    )
    # 1,096 days: 40% is 439 days (13 Aug 2024), half is 548 days (30 Nov 2024).
    assert _dates(sentence, law=WITHOUT_SDS40)[DateType.CRD] == date(2024, 11, 30)
    assert _dates(sentence)[DateType.CRD] == date(2024, 9, 10)
    # Sentenced after tranche 1 began, 40% applies from the start.
    later = Sentence(SentenceKind.STANDARD, date(2024, 10, 1), Duration(years=3), offence_on=date(2024, 1, 1))
    assert _dates(later)[DateType.CRD] == date(2025, 12, 12)  # 1,095 days × 40% = 438


def test_sds40_exclusion_keeps_half() -> None:
    sentence = Sentence(
        SentenceKind.STANDARD,
        date(2024, 11, 1),
        Duration(years=2),
        offence_on=date(2024, 1, 1),
        exclusions=frozenset({"VIOLENT"}),
    )
    calc = calculate(Booking(BORN, (sentence,)), CURRENT)
    assert isinstance(calc, Calculation)
    # 730 days; half is 365 days, the sentence day the first of them.
    assert calc.dates[DateType.CRD] == date(2025, 10, 31)
    assert any(step.rule == "not under SDS40" and "VIOLENT" in step.detail for step in calc.working)


def test_sopc_parole_at_two_thirds_from_28_june_2022() -> None:
    before = Sentence(
        SentenceKind.SOPC,
        date(2020, 12, 1),
        Duration(years=6),
        offence_on=date(2020, 11, 30),
        extension=Duration(years=1),
    )
    dates = _dates(before)
    assert dates[DateType.CRD] == date(2026, 11, 30)
    assert dates[DateType.PED] == date(2023, 12, 1)
    assert dates[DateType.SLED] == date(2027, 11, 30)
    after = Sentence(
        SentenceKind.SOPC,
        date(2022, 7, 1),
        Duration(years=6),
        offence_on=date(2022, 1, 1),
        extension=Duration(years=1),
    )
    # 2,193 days of custody (two leap days); two-thirds is 1,462 days.
    assert _dates(after)[DateType.PED] == date(2026, 7, 1)


def test_offences_before_april_2005_sentenced_before_laspo_have_licence_to_three_quarters() -> None:
    # PSI 03/2015 example 28: 2 years from 9 October 2009, 20 days' remand and 10 of tagged bail.
    old = Sentence(SentenceKind.STANDARD, date(2009, 10, 9), Duration(years=2), offence_on=date(2005, 1, 1))
    dates = _dates(old, adjustments=Adjustments(remand=20, tagged_bail=10), law=WITHOUT_SDS40)
    assert dates[DateType.CRD] == date(2010, 9, 8)
    assert dates[DateType.LED] == date(2011, 3, 10)
    assert dates[DateType.SED] == date(2011, 9, 8)
    # Four years or more: licence to the end.
    long = Sentence(SentenceKind.STANDARD, date(2009, 9, 17), Duration(years=6), offence_on=date(2005, 1, 1))
    assert _dates(long, law=WITHOUT_SDS40)[DateType.SLED] == date(2015, 9, 16)


def test_remand_longer_than_the_term_needs_a_manual_calculation() -> None:
    short = Sentence(
        SentenceKind.STANDARD, date(2020, 10, 1), Duration(months=2), offence_on=date(2020, 5, 1)
    )
    result = calculate(Booking(BORN, (short,), (Adjustments(remand=60, applies_from=date(2020, 10, 1)),)))
    assert isinstance(result, ManualCalculation)
    assert "before the sentence date" in result.reason


def test_remand_recorded_before_any_sentence_needs_a_manual_calculation() -> None:
    # The calculator shares remand out on sentence dates only: recorded against a day before the first
    # sentence, which sentence it reaches is for a person to decide.
    term = Sentence(SentenceKind.STANDARD, date(2026, 7, 30), Duration(years=2), offence_on=date(2025, 5, 1))
    early = Adjustments(remand=73, applies_from=date(2025, 10, 20))
    result = calculate(Booking(BORN, (term,), (early,)), WITH_PROGRESSION_MODEL)
    assert isinstance(result, ManualCalculation)
    assert "before any sentence was passed" in result.reason
    on_the_day = Adjustments(remand=73, applies_from=date(2026, 7, 30))
    assert isinstance(calculate(Booking(BORN, (term,), (on_the_day,)), WITH_PROGRESSION_MODEL), Calculation)


def test_early_removal_for_concurrent_terms_either_side_of_the_progression_model() -> None:
    before = Sentence(
        SentenceKind.STANDARD, date(2026, 8, 3), Duration(months=14), offence_on=date(2026, 1, 1)
    )
    after = Sentence(
        SentenceKind.STANDARD, date(2026, 10, 1), Duration(months=5), offence_on=date(2026, 1, 1)
    )
    both = Booking(BORN, (before, after), early_removal=True)
    result = calculate(both, WITH_PROGRESSION_MODEL)
    assert isinstance(result, ManualCalculation)
    assert "early removal" in result.reason
    # Without the early removal date asked for, or without the progression model, the dates are given.
    assert isinstance(calculate(Booking(BORN, (before, after)), WITH_PROGRESSION_MODEL), Calculation)
    assert isinstance(calculate(both, CURRENT), Calculation)


def test_hdc_held_to_the_release_of_a_later_fine_default_needs_a_manual_calculation() -> None:
    term = Sentence(SentenceKind.STANDARD, date(2022, 3, 20), Duration(years=2), offence_on=date(2021, 1, 1))
    fine = Sentence(
        SentenceKind.FINE_DEFAULT,
        date(2022, 10, 1),
        Duration(days=90),
        offence_on=date(2021, 1, 1),
        fine_amount=3000,
    )
    remand = Adjustments(remand=30, applies_from=date(2022, 3, 20))
    awarded = Adjustments(additional_days_awarded=5, applies_from=date(2022, 5, 18))
    result = calculate(Booking(BORN, (term, fine), (remand, awarded)), WITHOUT_SDS40)
    assert isinstance(result, ManualCalculation)
    assert "fine" in result.reason
    # Passed the same day as the other sentence, the fine's release holds HDC back as usual.
    same_day = Sentence(
        SentenceKind.FINE_DEFAULT,
        date(2022, 3, 20),
        Duration(days=90),
        offence_on=date(2021, 1, 1),
        fine_amount=3000,
    )
    assert isinstance(calculate(Booking(BORN, (term, same_day), (remand,)), WITHOUT_SDS40), Calculation)


def test_a_sentence_joining_a_parole_run_after_eligibility_under_the_progression_model() -> None:
    sopc = Sentence(
        SentenceKind.SOPC,
        date(2023, 3, 26),
        Duration(years=3),
        offence_on=date(2022, 1, 1),
        extension=Duration(years=1),
        identifier="a",
    )
    then = Sentence(
        SentenceKind.STANDARD,
        date(2023, 3, 26),
        Duration(months=30),
        offence_on=date(2022, 1, 1),
        identifier="b",
        consecutive_to="a",
    )
    late = Sentence(
        SentenceKind.STANDARD,
        date(2026, 12, 8),
        Duration(months=20),
        offence_on=date(2026, 1, 1),
        consecutive_to="b",
    )
    result = calculate(Booking(BORN, (sopc, then, late)), WITH_PROGRESSION_MODEL)
    assert isinstance(result, ManualCalculation)
    assert "eligibility date had passed" in result.reason
    assert isinstance(calculate(Booking(BORN, (sopc, then)), WITH_PROGRESSION_MODEL), Calculation)


def test_a_detention_and_training_order_with_another_sentence() -> None:
    # The other sentence gives the release; the order its mid-term and transfer dates (crs-1145-ac2 shape).
    order = Sentence(SentenceKind.DTO, date(2022, 10, 27), Duration(months=12), offence_on=date(2022, 6, 27))
    other = Sentence(
        SentenceKind.STANDARD, date(2022, 10, 27), Duration(months=8), offence_on=date(2022, 6, 27)
    )
    booking = Booking(
        date(2005, 1, 1), (order, other), (Adjustments(remand=62, applies_from=date(2022, 10, 27)),)
    )
    result = calculate(booking, WITHOUT_SDS40)
    assert isinstance(result, Calculation), result
    assert result.dates[DateType.ARD] == date(2022, 12, 25)
    assert result.dates[DateType.MTD] == date(2023, 2, 24)
    assert result.dates[DateType.ETD] == date(2023, 1, 24)
    assert result.dates[DateType.SED] == date(2023, 8, 25)


def test_a_release_recorded_between_sentences_starts_a_new_period_in_custody() -> None:
    # Released on HDC before the second sentence: remand recorded for the second does not reach the first.
    first = Sentence(
        SentenceKind.STANDARD, date(2024, 1, 5), Duration(months=24), offence_on=date(2023, 6, 1)
    )
    second = Sentence(
        SentenceKind.STANDARD, date(2024, 9, 1), Duration(months=6), offence_on=date(2024, 3, 1)
    )
    remand = Adjustments(remand=10, applies_from=date(2024, 9, 1))
    alone = calculate(Booking(BORN, (first, second), (remand,)), WITHOUT_SDS40)
    released = calculate(
        Booking(BORN, (first, second), (remand,), movements=(Movement(date(2024, 8, 1), "OUT", "HDC"),)),
        WITHOUT_SDS40,
    )
    assert isinstance(alone, Calculation) and isinstance(released, Calculation)
    assert alone.dates[DateType.CRD] == date(2024, 12, 25)  # the remand counted towards both
    assert released.dates[DateType.CRD] == date(2025, 1, 4)  # 731 days, half is 366


def test_consecutive_months_are_added_before_counting() -> None:
    first = Sentence(
        SentenceKind.STANDARD,
        date(2022, 1, 31),
        Duration(months=3),
        offence_on=date(2021, 6, 1),
        identifier="a",
    )
    second = Sentence(
        SentenceKind.STANDARD,
        date(2022, 1, 31),
        Duration(months=5),
        offence_on=date(2021, 6, 1),
        identifier="b",
        consecutive_to="a",
    )
    dates = _dates(first, second, law=WITHOUT_SDS40)
    # 8 months from 31 January 2022 ends on 30 September 2022: 243 days, half 122.
    assert dates[DateType.SLED] == date(2022, 9, 30)
    assert dates[DateType.CRD] == date(2022, 6, 1)


def test_consecutive_release_groups_by_fraction_in_turn() -> None:
    sds_plus = Sentence(
        SentenceKind.STANDARD,
        date(2022, 1, 1),
        Duration(years=1),
        offence_on=date(2021, 6, 1),
        sds_plus=True,
        identifier="a",
    )
    standard = Sentence(
        SentenceKind.STANDARD,
        date(2022, 1, 1),
        Duration(years=1),
        offence_on=date(2021, 6, 1),
        identifier="b",
        consecutive_to="a",
    )
    dates = _dates(sds_plus, standard, law=WITHOUT_SDS40)
    # 365 days × 2/3 = 244 days (to 1 September 2022); then 365 days from 2 September × 1/2 = 183 days.
    assert dates[DateType.CRD] == date(2023, 3, 3)


def test_hdc_eligibility_reached_before_sds40_stands() -> None:
    # 2 years from 10 December 2023 (731 days): at 40% release is 27 Sep 2024 (after tranche 1), but HDC at
    # half (366 days − 180) fell on 13 June 2024, before SDS40 reached the person, so it stands.
    sentence = Sentence(
        SentenceKind.STANDARD, date(2023, 12, 10), Duration(years=2), offence_on=date(2023, 12, 10)
    )
    dates = _dates(sentence)
    assert dates[DateType.CRD] == date(2024, 9, 27)
    assert dates[DateType.HDCED] == date(2024, 6, 13)


def test_progression_model_reaches_sds_plus_on_its_tranche_date() -> None:
    # SDS+ of 5 years from 1 January 2024 (1,827 days): two-thirds (1,218 days) is 2 May 2027, half would be
    # 2 July 2026, so the progression model releases on its tranche 5 date (terms of at most 2,121 days),
    # 12 January 2027.
    sentence = Sentence(
        SentenceKind.STANDARD, date(2024, 1, 1), Duration(years=5), offence_on=date(2023, 6, 1), sds_plus=True
    )
    assert _dates(sentence)[DateType.CRD] == date(2027, 5, 2)
    assert _dates(sentence, law=WITH_PROGRESSION_MODEL)[DateType.CRD] == date(2027, 1, 12)


def test_a_term_in_default_of_a_fine_is_released_at_half_without_licence() -> None:
    fine = Sentence(SentenceKind.FINE_DEFAULT, date(2021, 4, 29), Duration(days=28), fine_amount=950)
    dates = _dates(fine)
    assert dates[DateType.ARD] == date(2021, 5, 12)  # 14 days, the sentence day the first
    assert dates[DateType.SED] == date(2021, 5, 26)
    assert DateType.SLED not in dates and DateType.HDCED not in dates
    # A fine of £10 million or more, in default from 1 June 2015, is served in full.
    large = Sentence(SentenceKind.FINE_DEFAULT, date(2022, 6, 5), Duration(years=7), fine_amount=11_000_000)
    assert _dates(large)[DateType.ARD] == date(2029, 6, 4)


def test_recall_serves_to_expiry_or_a_fixed_term() -> None:
    recalled = Sentence(
        SentenceKind.STANDARD,
        date(2021, 2, 9),
        Duration(months=20),
        offence_on=date(2021, 2, 8),
        recall="STANDARD",
    )
    dates = _dates(recalled, adjustments=Adjustments(recall_remand=89), law=WITHOUT_SDS40)
    # 20 months end on 8 October 2022; 89 days of remand before the recall come off.
    assert dates[DateType.SLED] == dates[DateType.PRRD] == date(2022, 7, 11)
    assert DateType.CRD not in dates and DateType.HDCED not in dates
    fixed = Sentence(
        SentenceKind.STANDARD,
        date(2021, 2, 9),
        Duration(months=20),
        offence_on=date(2021, 2, 8),
        recall="FTR_14",
        returned_to_custody=date(2022, 3, 1),
    )
    assert _dates(fixed, law=WITHOUT_SDS40)[DateType.PRRD] == date(
        2022, 3, 14
    )  # 14 days, the return the first


def test_a_56_day_recall_returned_after_the_terms_expiry_finds_its_tranche() -> None:
    # Found building the demo on 8 December 2026: a 56-day recall whose return to custody came after the
    # recalled term's own end left no term to measure the tranche by but the booking's, and the engine
    # raised instead of answering.
    late = Sentence(
        SentenceKind.STANDARD,
        date(2025, 2, 9),
        Duration(months=10),
        offence_on=date(2025, 2, 8),
        recall="FTR_56",
        returned_to_custody=date(2026, 1, 20),
    )
    calc = calculate(Booking(BORN, (late,)), CURRENT)
    assert isinstance(calc, (Calculation, ManualCalculation))


def test_every_date_carries_its_working() -> None:
    sentence = Sentence(
        SentenceKind.STANDARD, date(2022, 3, 14), Duration(months=18), offence_on=date(2021, 1, 1)
    )
    calc = calculate(Booking(BORN, (sentence,), early_removal=True), WITHOUT_SDS40)
    assert isinstance(calc, Calculation)
    for date_type in calc.dates:
        if date_type is not DateType.ESED:
            assert calc.explain(date_type), f"{date_type} has no working"
    assert "549 days × 1/2 = 275 days" in calc.explain(DateType.CRD)[0].detail


def test_detention_and_training_order_mid_term_and_transfer_dates() -> None:
    order = Sentence(SentenceKind.DTO, date(2022, 8, 14), Duration(months=23), offence_on=date(2022, 8, 1))
    dates = _dates(order, adjustments=Adjustments(remand=4))
    # 23 months are 700 days; half is 350 days, less 4 days of remand.
    assert dates[DateType.MTD] == date(2023, 7, 25)
    assert dates[DateType.ETD] == date(2023, 5, 25) and dates[DateType.LTD] == date(2023, 9, 25)
    assert dates[DateType.SED] == date(2024, 7, 9)
    assert dates[DateType.TUSED] == date(2024, 7, 25)  # 18 or over at the mid-term


def test_sds_plus_by_list_length_and_date() -> None:
    # List A, 7 years: SDS+ from 1 April 2020, not before.
    assert sds_plus(date(2020, 4, 1), Duration(years=7), frozenset({"A"})).applies
    before = sds_plus(date(2020, 3, 31), Duration(years=7), frozenset({"A"}))
    assert not before.applies and before.eligible  # no HDC all the same
    # List B, 4 to under 7 years: only from 28 June 2022.
    assert not sds_plus(date(2022, 6, 27), Duration(years=5), frozenset({"B"})).applies
    assert sds_plus(date(2022, 6, 28), Duration(years=5), frozenset({"B"})).applies
    assert not sds_plus(date(2022, 6, 28), Duration(years=3, months=11), frozenset({"B"})).eligible
    # List D only from 28 June 2022; s.250 detention needs list C.
    assert not sds_plus(date(2021, 1, 1), Duration(years=8), frozenset({"D"})).applies
    assert sds_plus(date(2023, 1, 1), Duration(years=7), frozenset({"C"}), section_250=True).applies
    assert not sds_plus(date(2023, 1, 1), Duration(years=7), frozenset({"A"}), section_250=True).applies


@settings(max_examples=300, deadline=None)
@given(
    sentenced_on=st.dates(min_value=date(2015, 1, 1), max_value=date(2026, 12, 31)),
    months=st.integers(min_value=1, max_value=120),
    recall=st.sampled_from([None, "STANDARD", "FTR_14", "FTR_28", "FTR_56"]),
    back_after_days=st.one_of(st.none(), st.integers(min_value=0, max_value=5_000)),
    second_months=st.one_of(st.none(), st.integers(min_value=1, max_value=60)),
)
def test_any_recalled_booking_is_answered_never_raised(
    sentenced_on: date,
    months: int,
    recall: str | None,
    back_after_days: int | None,
    second_months: int | None,
) -> None:
    """Property: whatever the recall, its return to custody (before, during or long after the term) and a
    second term beside it, the engine answers with dates or a manual calculation; it never raises."""
    back = None
    if back_after_days is not None and recall is not None:
        back = sentenced_on + timedelta(days=back_after_days)
    first = Sentence(
        SentenceKind.STANDARD,
        sentenced_on,
        Duration(months=months),
        offence_on=sentenced_on - timedelta(days=1),
        recall=recall,
        returned_to_custody=back,
    )
    sentences = (first,)
    if second_months is not None:
        sentences += (
            Sentence(
                SentenceKind.STANDARD,
                sentenced_on + timedelta(days=30),
                Duration(months=second_months),
                offence_on=sentenced_on,
                recall=recall,
                returned_to_custody=back,
            ),
        )
    result = calculate(Booking(BORN, sentences), CURRENT)
    assert isinstance(result, (Calculation, ManualCalculation))
