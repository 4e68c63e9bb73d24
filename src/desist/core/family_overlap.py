"""Where agencies overlap: every family of a partnership worked out in one pass (no Django).

``derive_families`` takes plain rows (people, address spells, relationships, involvements, register
entries, offences, school records), builds households and families (``desist.core.families``), places
each member in a generation, and returns each family's agencies, flags and Troubled Families criteria
with their evidence. The families app stores the result; ``findings_json`` gives the stored form.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from desist.core.families import (
    AddressSpell,
    Evidence,
    FamilySettings,
    Flag,
    Generation,
    Household,
    InvolvementFact,
    Link,
    MemberFacts,
    NeedDomains,
    OffenceFact,
    RegisterFact,
    SchoolFact,
    agencies_involved,
    duplication,
    families,
    generations,
    households,
    intergenerational,
    load_need_domains,
    with_domains,
)
from desist.core.troubled_families import (
    Criterion,
    Programme,
    TroubledFamiliesSettings,
    troubled_families_2012,
    troubled_families_2015,
)


@dataclass(frozen=True)
class MemberFinding:
    person_id: int
    generation: Generation
    agency_ids: frozenset[int]


@dataclass(frozen=True)
class FamilyFindings:
    key: int  # the smallest person id among the members: stable while the family keeps that member
    members: tuple[MemberFinding, ...]
    households: tuple[Household, ...]
    agency_ids: frozenset[int]
    duplication: Flag
    intergenerational: Flag
    tf2012: Programme
    tf2015: Programme

    @property
    def generation_count(self) -> int:
        return len({m.generation.number for m in self.members if m.generation.number is not None})


def derive_families(
    *,
    people: Iterable[tuple[int, date | None]],
    spells: Iterable[AddressSpell],
    links: Iterable[Link],
    involvements: Iterable[tuple[int, InvolvementFact]],
    registers: Iterable[tuple[int, RegisterFact]] = (),
    offences: Iterable[tuple[int, OffenceFact]] = (),
    school: Iterable[tuple[int, SchoolFact]] = (),
    as_of: date,
    max_household_size: int = 10,
    generation_gap_years: int = 16,
    family_settings: FamilySettings | None = None,
    tf_settings: TroubledFamiliesSettings | None = None,
    need_domains: NeedDomains | None = None,
) -> list[FamilyFindings]:
    """Every family (people alone included) with its members, agencies, flags and criteria."""
    family_settings = family_settings or FamilySettings()
    tf_settings = tf_settings or TroubledFamiliesSettings()
    domains = need_domains or load_need_domains()
    born = dict(people)
    link_list = [link for link in links if link.person_id in born and link.related_id in born]
    homes = households(s for s in spells if s.person_id in born)
    groups = families(born, link_list, homes, max_household_size=max_household_size)

    facts = {pk: MemberFacts(pk, dob) for pk, dob in born.items()}
    for pk, inv in involvements:
        if pk in facts:
            facts[pk].involvements.append(inv)
    for pk, reg in registers:
        if pk in facts:
            facts[pk].registers.append(reg)
    for pk, offence in offences:
        if pk in facts:
            facts[pk].offences.append(offence)
    for pk, record in school:
        if pk in facts:
            facts[pk].school.append(record)

    family_of: dict[int, int] = {pk: group[0] for group in groups for pk in group}
    links_by_family: dict[int, list[Link]] = defaultdict(list)
    for link in link_list:
        links_by_family[family_of[link.person_id]].append(link)
    homes_by_family: dict[int, list[Household]] = defaultdict(list)
    for home in homes:
        if len(home.members) > 1:
            homes_by_family[family_of[home.members[0]]].append(home)

    out: list[FamilyFindings] = []
    for group in groups:
        key = group[0]
        placed = generations(group, links_by_family.get(key, ()), born, gap_years=generation_gap_years)
        members = []
        for pk in group:
            member = with_domains(facts[pk], domains)
            member.generation = placed[pk]
            members.append(member)
        findings = [
            MemberFinding(
                m.person_id,
                m.generation,
                frozenset(agencies_involved(m, as_of=as_of, lookback_days=family_settings.lookback_days)),
            )
            for m in members
        ]
        out.append(
            FamilyFindings(
                key=key,
                members=tuple(findings),
                households=tuple(homes_by_family.get(key, ())),
                agency_ids=frozenset().union(*(f.agency_ids for f in findings)),
                duplication=duplication(members, as_of=as_of, settings=family_settings),
                intergenerational=intergenerational(members, as_of=as_of, settings=family_settings),
                tf2012=troubled_families_2012(members, as_of=as_of, settings=tf_settings),
                tf2015=troubled_families_2015(members, as_of=as_of, settings=tf_settings),
            )
        )
    return out


def _evidence(items: Iterable[Evidence]) -> list[dict[str, Any]]:
    return [
        {
            "person_id": e.person_id,
            "record": e.record,
            "record_id": e.record_id,
            "description": e.description,
            "start": e.start.isoformat() if e.start else None,
            "end": e.end.isoformat() if e.end else None,
        }
        for e in items
    ]


def _flag(flag: Flag) -> dict[str, Any]:
    return {"raised": flag.raised, "note": flag.note, "evidence": _evidence(flag.evidence)}


def _criterion(criterion: Criterion) -> dict[str, Any]:
    return {
        "code": criterion.code,
        "label": criterion.label,
        "status": criterion.status,
        "note": criterion.note,
        "evidence": _evidence(criterion.evidence),
    }


def _programme(programme: Programme) -> dict[str, Any]:
    return {
        "qualifies": programme.qualifies,
        "reason": programme.reason,
        "met": programme.met_count,
        "criteria": [_criterion(c) for c in programme.criteria],
    }


def findings_json(family: FamilyFindings) -> dict[str, Any]:
    """The findings as JSON-ready values, for storing beside the family."""
    return {
        "households": [
            {
                "members": list(h.members),
                "start": h.start.isoformat(),
                "end": h.end.isoformat() if h.end else None,
            }
            for h in family.households
        ],
        "duplication": _flag(family.duplication),
        "intergenerational": _flag(family.intergenerational),
        "tf2012": _programme(family.tf2012),
        "tf2015": _programme(family.tf2015),
    }
