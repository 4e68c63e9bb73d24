"""Households, families, generations, need domains and the overlap flags (desist.core.families)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desist.core.families import (
    AddressSpell,
    FamilySettings,
    InvolvementFact,
    Link,
    MemberFacts,
    NeedDomainsError,
    OffenceFact,
    UnionFind,
    duplication,
    families,
    generations,
    households,
    intergenerational,
    load_need_domains,
    with_domains,
)

AS_OF = date(2026, 11, 23)


def both(a: int, b: int, kind: str) -> list[Link]:
    inverse = {"parent": "child", "child": "parent"}.get(kind, kind)
    return [Link(a, b, kind), Link(b, a, inverse)]


# --- union-find -------------------------------------------------------------------------------------------


def test_union_find_groups_connected_items():
    sets = UnionFind([1, 2, 3, 4, 5])
    sets.union(1, 2)
    sets.union(4, 5)
    sets.union(2, 1)
    assert sets.groups() == [[1, 2], [3], [4, 5]]


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=60))
def test_union_find_agrees_with_a_naive_closure(pairs):
    sets = UnionFind(range(31))
    for a, b in pairs:
        sets.union(a, b)
    # Naive: repeatedly merge any two groups joined by a pair.
    groups = [{i} for i in range(31)]
    for a, b in pairs:
        ga = next(g for g in groups if a in g)
        gb = next(g for g in groups if b in g)
        if ga is not gb:
            groups.remove(gb)
            ga |= gb
    assert sets.groups() == sorted((sorted(g) for g in groups), key=lambda g: g[0])


# --- households ---------------------------------------------------------------------------------------------


def test_household_is_people_at_one_address_over_overlapping_periods():
    spells = [
        AddressSpell(1, "1 high st|ME11AA", date(2015, 1, 1), None),
        AddressSpell(2, "1 high st|ME11AA", date(2018, 5, 1), date(2020, 1, 1)),
        AddressSpell(3, "1 high st|ME11AA", date(2010, 1, 1), date(2012, 1, 1)),  # left before 1 arrived
        AddressSpell(4, "9 low rd|CT11AA", date(2019, 1, 1), None),
    ]
    homes = households(spells)
    assert [(h.members, h.start, h.end) for h in homes] == [
        ((1, 2), date(2015, 1, 1), None),
        ((3,), date(2010, 1, 1), date(2012, 1, 1)),
        ((4,), date(2019, 1, 1), None),
    ]


def test_a_gap_of_one_day_starts_a_new_household_and_touching_periods_do_not():
    key = "flat 2|ME44AA"
    homes = households(
        [
            AddressSpell(1, key, date(2020, 1, 1), date(2020, 6, 30)),
            AddressSpell(2, key, date(2020, 6, 30), date(2021, 1, 1)),
            AddressSpell(3, key, date(2021, 1, 2), None),
        ]
    )
    assert [h.members for h in homes] == [(1, 2), (3,)]


def test_blank_household_keys_are_ignored():
    assert households([AddressSpell(1, "", date(2020, 1, 1), None)]) == []


# --- families -----------------------------------------------------------------------------------------------


def test_families_join_declared_relationships_and_shared_households():
    homes = households(
        [AddressSpell(5, "k", date(2020, 1, 1), None), AddressSpell(6, "k", date(2021, 1, 1), None)]
    )
    groups = families(
        [1, 2, 3, 4, 5, 6, 7], [*both(1, 2, "parent"), *both(2, 3, "sibling"), *both(4, 5, "partner")], homes
    )
    assert groups == [[1, 2, 3], [4, 5, 6], [7]]


def test_large_households_do_not_make_people_family():
    hostel = households([AddressSpell(pk, "hostel|ME11AA", date(2024, 1, 1), None) for pk in range(1, 13)])
    assert len(families(range(1, 13), [], hostel, max_household_size=10)) == 12
    assert len(families(range(1, 13), [], hostel, max_household_size=12)) == 1


# --- generations --------------------------------------------------------------------------------------------


def test_generations_follow_parent_and_child_links():
    # 1 and 2 are partners, parents of 3; 3 is parent of 4; 5 is 3's sibling.
    links = [
        *both(1, 2, "partner"),
        *both(3, 1, "parent"),
        *both(3, 2, "parent"),
        *both(4, 3, "parent"),
        *both(3, 5, "sibling"),
    ]
    born = {
        1: date(1960, 1, 1),
        2: date(1962, 1, 1),
        3: date(1985, 1, 1),
        4: date(2010, 1, 1),
        5: date(1987, 1, 1),
    }
    result = generations([1, 2, 3, 4, 5], links, born)
    assert {pk: g.number for pk, g in result.items()} == {1: 1, 2: 1, 3: 2, 4: 3, 5: 2}
    assert {g.basis for g in result.values()} == {"relationships"}


def test_members_without_links_are_placed_by_age_and_say_so():
    links = both(2, 1, "parent")  # 1 is 2's parent
    born = {1: date(1970, 1, 1), 2: date(1995, 1, 1), 3: date(1994, 6, 1), 4: None}
    result = generations([1, 2, 3, 4], links, born)
    assert result[3].number == 2 and result[3].basis == "age"
    assert result[4].number is None and result[4].basis == "unknown"


def test_a_family_with_no_links_is_banded_by_age():
    born = {1: date(1950, 1, 1), 2: date(1960, 1, 1), 3: date(1975, 1, 1), 4: date(2000, 1, 1)}
    result = generations([1, 2, 3, 4], [], born, gap_years=16)
    assert {pk: g.number for pk, g in result.items()} == {1: 1, 2: 1, 3: 2, 4: 3}
    assert {g.basis for g in result.values()} == {"age"}


def test_separate_linked_groups_are_aligned_by_age():
    # Grandmother 1 and her son 2; separately, 3 is the parent of 4. 3 is about 2's age.
    links = [*both(2, 1, "parent"), *both(4, 3, "parent")]
    born = {1: date(1955, 1, 1), 2: date(1980, 1, 1), 3: date(1981, 1, 1), 4: date(2005, 1, 1)}
    result = generations([1, 2, 3, 4], links, born)
    assert {pk: g.number for pk, g in result.items()} == {1: 1, 2: 2, 3: 2, 4: 3}


# --- need domains -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "domain"),
    [
        ("Tenancy support", "accommodation"),
        ("Accommodation on release (duty to refer)", "accommodation"),
        ("Prison work coach — release claim", "employment_benefits"),
        ("Universal Credit — intensive work search", "employment_benefits"),
        ("Child protection plan", "childrens_social_care"),
        ("Child and adolescent mental health services", "mental_health"),
        ("Drug rehabilitation requirement (DRR) treatment", "substance_misuse"),
        ("ASB case management", "asb"),
        ("Domestic abuse perpetrator — MARAC", "domestic_abuse"),
        ("Licence supervision", "offending"),
        ("Health visiting", ""),
        ("Something nobody mapped", ""),
    ],
)
def test_shipped_mapping_reads_involvement_reasons(reason, domain):
    assert load_need_domains().for_reason(reason) == domain


def test_every_demo_reason_is_mapped_on_purpose():
    from desist.core.synth.agencies import REASONS

    domains = load_need_domains()
    unmapped = [r for r in REASONS if not domains.for_reason(r)]
    assert unmapped == ["Health visiting", "Safe and well visit", "Women's centre support"]


def test_registers_map_exactly():
    domains = load_need_domains()
    assert domains.for_register("child_protection") == "childrens_social_care"
    assert domains.for_register("troubled_family") == ""


def test_a_bad_mapping_file_names_the_line(tmp_path: Path):
    bad = tmp_path / "domains.csv"
    bad.write_text("source,pattern,domain\nreason,tenancy,housing_need\n", encoding="utf-8")
    with pytest.raises(NeedDomainsError, match="line 2: 'housing_need' is not a need domain"):
        load_need_domains(str(bad))


# --- duplication and intergenerational flags ----------------------------------------------------------------


def member(pk: int, born: date | None = date(1980, 1, 1), generation: int | None = 1, **facts) -> MemberFacts:
    from desist.core.families import Generation

    return with_domains(
        MemberFacts(pk, born, Generation(generation, "relationships"), **facts), load_need_domains()
    )


def inv(record_id: int, agency_id: int, reason: str, start: date, end: date | None = None) -> InvolvementFact:
    return InvolvementFact(record_id, agency_id, f"Agency {agency_id}", reason, start, end)


def test_duplication_needs_two_agencies_on_one_need_at_the_same_time():
    mother = member(1, involvements=[inv(10, 1, "Tenancy support", date(2026, 1, 1))])
    son = member(2, involvements=[inv(11, 2, "Homelessness prevention", date(2026, 6, 1), date(2026, 9, 1))])
    flag = duplication([mother, son], as_of=AS_OF, settings=FamilySettings())
    assert flag.raised
    assert {(e.person_id, e.record_id) for e in flag.evidence} == {(1, 10), (2, 11)}
    assert "Accommodation" in flag.evidence[0].description


@pytest.mark.parametrize(
    "second",
    [
        inv(11, 1, "Homelessness prevention", date(2026, 6, 1)),  # the same agency twice
        inv(
            11, 2, "Homelessness prevention", date(2024, 1, 1), date(2025, 12, 31)
        ),  # over before the first began
        inv(11, 2, "Licence supervision", date(2026, 6, 1)),  # a different need
    ],
)
def test_no_duplication(second):
    first = member(1, involvements=[inv(10, 1, "Tenancy support", date(2026, 1, 1))])
    other = member(2, involvements=[second])
    assert not duplication([first, other], as_of=AS_OF, settings=FamilySettings()).raised


def test_offending_is_not_duplication_unless_the_partnership_says_so():
    both_agencies = member(
        1,
        involvements=[
            inv(10, 1, "Licence supervision", date(2026, 1, 1)),
            inv(11, 2, "Offender — criminal investigation", date(2026, 2, 1)),
        ],
    )
    assert not duplication([both_agencies], as_of=AS_OF, settings=FamilySettings()).raised
    assert duplication(
        [both_agencies], as_of=AS_OF, settings=FamilySettings(duplication_domains=("offending",))
    ).raised


def test_intergenerational_offending():
    father = member(1, generation=1, offences=[OffenceFact(5, date(2001, 1, 1), date(2001, 3, 1))])
    son = member(
        2, date(2005, 1, 1), generation=2, offences=[OffenceFact(6, date(2024, 1, 1), date(2024, 2, 1))]
    )
    flag = intergenerational([father, son], as_of=AS_OF, settings=FamilySettings())
    assert flag.raised and [e.person_id for e in flag.evidence] == [1, 2]


def test_intergenerational_by_involvement_is_a_setting():
    father = member(1, generation=1, offences=[OffenceFact(5, date(2001, 1, 1), date(2001, 3, 1))])
    daughter = member(2, generation=2, involvements=[inv(10, 3, "Child in need plan", date(2026, 1, 1))])
    assert intergenerational([father, daughter], as_of=AS_OF, settings=FamilySettings()).raised
    offending_only = FamilySettings(intergenerational_basis="offending")
    assert not intergenerational([father, daughter], as_of=AS_OF, settings=offending_only).raised


def test_members_of_unknown_generation_do_not_count_but_are_noted():
    one = member(1, generation=1, offences=[OffenceFact(5, date(2001, 1, 1), date(2001, 3, 1))])
    unknown = member(2, None, generation=None, offences=[OffenceFact(6, date(2024, 1, 1), date(2024, 2, 1))])
    flag = intergenerational([one, unknown], as_of=AS_OF, settings=FamilySettings())
    assert not flag.raised and "1 member with no known generation" in flag.note
