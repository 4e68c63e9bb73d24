"""Troubled Families criteria, 2012 and 2015 (RULES.md §10), with evidence and "no data recorded"."""

from __future__ import annotations

from datetime import date

import pytest

from desist.core.families import (
    Generation,
    InvolvementFact,
    MemberFacts,
    OffenceFact,
    RegisterFact,
    SchoolFact,
    load_need_domains,
    with_domains,
)
from desist.core.troubled_families import (
    MET,
    NO_DATA,
    NOT_MET,
    TroubledFamiliesSettings,
    crime_or_asb,
    school,
    troubled_families_2012,
    troubled_families_2015,
)

AS_OF = date(2026, 11, 23)
SETTINGS = TroubledFamiliesSettings()
THREE_TERMS = (date(2025, 9, 1), date(2026, 7, 20))


def member(pk: int, born: date | None, **facts) -> MemberFacts:
    return with_domains(MemberFacts(pk, born, Generation(None, "unknown"), **facts), load_need_domains())


def inv(
    record_id: int, reason: str, start: date = date(2026, 1, 1), end: date | None = None
) -> InvolvementFact:
    return InvolvementFact(record_id, record_id, "An agency", reason, start, end)


def school_record(
    record_id: int, absence: float | None = 2.0, fixed: int = 0, permanent: bool = False
) -> SchoolFact:
    return SchoolFact(record_id, *THREE_TERMS, absence, fixed, permanent)


MOTHER = date(1988, 4, 1)
CHILD = date(2013, 2, 1)  # 13 on AS_OF
TEEN = date(2010, 5, 1)  # 16 on AS_OF


def family_meeting_all_three() -> list[MemberFacts]:
    return [
        member(1, MOTHER, involvements=[inv(10, "Universal Credit — intensive work search")]),
        member(2, TEEN, offences=[OffenceFact(20, date(2026, 3, 1), date(2026, 4, 1))]),
        member(3, CHILD, school=[school_record(30, absence=18.5)]),
    ]


def test_2012_all_three_criteria_with_evidence():
    programme = troubled_families_2012(family_meeting_all_three(), as_of=AS_OF)
    assert programme.qualifies and programme.reason == "All three criteria are met"
    crime, attendance, benefits, _discretion = programme.criteria
    assert [c.status for c in programme.criteria[:3]] == [MET, MET, MET]
    assert (crime.evidence[0].person_id, crime.evidence[0].record, crime.evidence[0].record_id) == (
        2,
        "offence",
        20,
    )
    assert "aged 15 at the offence" in crime.evidence[0].description
    assert attendance.evidence[0].description == "Over three terms: 18.5% unauthorised absence"
    assert attendance.evidence[0].start == THREE_TERMS[0]
    assert benefits.evidence[0].person_id == 1


def test_2012_two_criteria_need_a_local_discretion_criterion():
    family = family_meeting_all_three()
    family[0] = member(1, MOTHER)  # no benefits recorded
    assert not troubled_families_2012(family, as_of=AS_OF).qualifies
    family[0] = member(
        1, MOTHER, registers=[RegisterFact(40, "mental_health", "Mental health", date(2025, 1, 1), None)]
    )
    programme = troubled_families_2012(family, as_of=AS_OF)
    assert (
        programme.qualifies and programme.reason == "Two criteria are met, with a local-discretion criterion"
    )
    assert programme.criteria[3].evidence[0].record == "register"


def test_local_discretion_is_a_setting():
    family = family_meeting_all_three()
    family[0] = member(
        1, MOTHER, registers=[RegisterFact(40, "mental_health", "Mental health", date(2025, 1, 1), None)]
    )
    narrow = TroubledFamiliesSettings(local_discretion=("domestic_abuse",))
    assert not troubled_families_2012(family, as_of=AS_OF, settings=narrow).qualifies


def test_an_adult_offence_is_not_crime_in_2012_but_is_in_2015():
    adult = [member(1, MOTHER, offences=[OffenceFact(20, date(2026, 3, 1), date(2026, 4, 1))])]
    assert crime_or_asb(adult, as_of=AS_OF, settings=SETTINGS).status == NOT_MET
    assert crime_or_asb(adult, as_of=AS_OF, settings=SETTINGS, children_only=False).status == MET


def test_child_is_judged_by_age_at_the_offence():
    # Born 1 Apr 2008: 17 at an offence on 31 Mar 2026, 18 on 1 Apr 2026.
    born = date(2008, 4, 1)
    at_17 = [member(1, born, offences=[OffenceFact(20, date(2026, 3, 31), date(2026, 5, 1))])]
    at_18 = [member(1, born, offences=[OffenceFact(20, date(2026, 4, 1), date(2026, 5, 1))])]
    assert crime_or_asb(at_17, as_of=AS_OF, settings=SETTINGS).status == MET
    assert crime_or_asb(at_18, as_of=AS_OF, settings=SETTINGS).status == NOT_MET


def test_crime_counts_only_offences_proven_in_the_last_12_months():
    old = [member(1, TEEN, offences=[OffenceFact(20, date(2025, 9, 1), date(2025, 11, 22))])]
    edge = [member(1, TEEN, offences=[OffenceFact(20, date(2025, 9, 1), date(2025, 11, 23))])]
    assert crime_or_asb(old, as_of=AS_OF, settings=SETTINGS).status == NOT_MET
    assert crime_or_asb(edge, as_of=AS_OF, settings=SETTINGS).status == MET


def test_asb_of_any_member_counts():
    family = [member(1, MOTHER, registers=[RegisterFact(40, "asb", "ASB", date(2026, 2, 1), None)])]
    criterion = crime_or_asb(family, as_of=AS_OF, settings=SETTINGS)
    assert criterion.status == MET and criterion.evidence[0].description.startswith("Anti-social behaviour")


@pytest.mark.parametrize(
    ("record", "status"),
    [
        (school_record(30, absence=15.0), MET),  # 15% or more
        (school_record(30, absence=14.9), NOT_MET),
        (school_record(30, fixed=3), MET),  # three or more fixed-term exclusions
        (school_record(30, fixed=2), NOT_MET),
        (school_record(30, permanent=True), MET),
        (school_record(30, absence=None), NOT_MET),  # absence not recorded, nothing else
    ],
)
def test_school_thresholds(record, status):
    assert school([member(3, CHILD, school=[record])], as_of=AS_OF, settings=SETTINGS).status == status


def test_school_says_no_data_when_a_child_has_no_record():
    criterion = school(
        [member(3, CHILD), member(4, date(2015, 1, 1), school=[school_record(31)])],
        as_of=AS_OF,
        settings=SETTINGS,
    )
    assert criterion.status == NO_DATA and criterion.note == "No school record for 1 child of school age"


def test_school_is_not_met_without_a_child_of_school_age():
    criterion = school([member(1, MOTHER), member(2, TEEN), member(5, None)], as_of=AS_OF, settings=SETTINGS)
    assert criterion.status == NOT_MET and criterion.note == "No child of school age in the family"


def test_a_record_older_than_the_window_does_not_count():
    stale = SchoolFact(30, date(2023, 9, 1), date(2024, 7, 20), 40.0, 0, False)
    assert school([member(3, CHILD, school=[stale])], as_of=AS_OF, settings=SETTINGS).status == NO_DATA


def test_benefits_say_no_data_rather_than_not_met():
    programme = troubled_families_2012([member(1, MOTHER)], as_of=AS_OF)
    assert programme.criteria[2].status == NO_DATA
    assert programme.reason == "0 of 3 criteria met; 1 with no data recorded"


def test_a_child_with_a_job_centre_involvement_is_not_an_adult_on_benefits():
    family = [member(2, TEEN, involvements=[inv(10, "Universal Credit — intensive work search")])]
    assert troubled_families_2012(family, as_of=AS_OF).criteria[2].status == NO_DATA


def test_2015_two_of_six_problems():
    family = [
        member(1, MOTHER, involvements=[inv(10, "Domestic abuse perpetrator — MARAC")]),
        member(3, CHILD, involvements=[inv(11, "Child protection plan")]),
    ]
    programme = troubled_families_2015(family, as_of=AS_OF)
    assert programme.qualifies and programme.reason == "2 of 6 problems"
    statuses = {c.code: c.status for c in programme.criteria}
    assert statuses == {
        "crime_asb": NOT_MET,
        "school": NO_DATA,
        "children_need_help": MET,
        "out_of_work": NO_DATA,
        "domestic_abuse": MET,
        "health": NOT_MET,
    }


def test_2015_one_problem_is_not_enough_and_da_offences_count():
    family = [
        member(1, MOTHER, offences=[OffenceFact(20, date(2026, 3, 1), date(2026, 4, 1), domestic_abuse=True)])
    ]
    programme = troubled_families_2015(family, as_of=AS_OF)
    # A domestic abuse offence is both crime and domestic abuse: two problems.
    assert programme.qualifies and programme.met_count == 2
    single = [member(1, MOTHER, involvements=[inv(10, "Community mental health team")])]
    assert not troubled_families_2015(single, as_of=AS_OF).qualifies


def test_ended_involvements_count_while_they_overlap_the_window():
    ended = [
        member(3, CHILD, involvements=[inv(11, "Child in need plan", date(2024, 1, 1), date(2025, 11, 23))])
    ]
    long_ended = [
        member(3, CHILD, involvements=[inv(11, "Child in need plan", date(2024, 1, 1), date(2025, 11, 22))])
    ]
    assert troubled_families_2015(ended, as_of=AS_OF).criteria[2].status == MET
    assert troubled_families_2015(long_ended, as_of=AS_OF).criteria[2].status == NOT_MET
