"""Households, families, generations, need domains and where agencies overlap (issue 4, parts 4 and 5).

Plain Python, no Django: the families app feeds it rows and stores what it returns.

- A **household** is the people recorded at one normalised address (``household_key``) over periods
  that overlap: one address can hold several households over the years.
- A **family** is a connected group: people joined by a declared parent, child, partner, sibling or
  household-member relationship, or by living in the same household. Households larger than
  ``max_household_size`` (hostels, approved premises, houses in multiple occupation) do not join
  families: sharing a hostel does not make people family.
- A **generation** comes from parent and child links (generation 1 is the oldest). Where a member has
  no such link, the generation is estimated from dates of birth (``basis="age"``), and the page says so.
- **Need domains** come from involvement reasons and register kinds through ``data/need_domains.csv``
  (editable; ``load_need_domains(path)`` reads another file). Every proven offence is ``offending``, and
  one flagged as domestic abuse is ``domestic_abuse`` too.
- The **duplication flag**: two or more agencies working the same need domain for members of the same
  family over overlapping periods. The **intergenerational flag**: offending (or, by setting, offending
  or agency involvement) in two or more generations.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

NEED_DOMAINS: dict[str, str] = {
    "accommodation": "Accommodation",
    "childrens_social_care": "Children's social care",
    "mental_health": "Mental health",
    "physical_health": "Physical health",
    "substance_misuse": "Substance misuse",
    "employment_benefits": "Employment and benefits",
    "offending": "Offending",
    "asb": "Anti-social behaviour",
    "domestic_abuse": "Domestic abuse",
}
# Kinds of declared relationship that make people family (``household_member`` joins them too).
KIN_KINDS = frozenset({"parent", "child", "partner", "sibling"})
FAMILY_KINDS = KIN_KINDS | {"household_member"}
_NEED_DOMAINS_CSV = Path(__file__).resolve().parent / "data" / "need_domains.csv"


class NeedDomainsError(ValueError):
    """The need-domain mapping file is malformed (the message names the line)."""


# --- Union-find ---------------------------------------------------------------------------------------


class UnionFind:
    """Disjoint sets over hashable ids, with path halving and union by size."""

    def __init__(self, items: Iterable[int] = ()) -> None:
        self._parent: dict[int, int] = {}
        self._size: dict[int, int] = {}
        for item in items:
            self.add(item)

    def add(self, item: int) -> None:
        if item not in self._parent:
            self._parent[item] = item
            self._size[item] = 1

    def find(self, item: int) -> int:
        self.add(item)
        parent = self._parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: int, b: int) -> int:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return root_a
        if self._size[root_a] < self._size[root_b]:
            root_a, root_b = root_b, root_a
        self._parent[root_b] = root_a
        self._size[root_a] += self._size[root_b]
        return root_a

    def groups(self) -> list[list[int]]:
        """Every set, each sorted, ordered by its smallest member."""
        out: dict[int, list[int]] = defaultdict(list)
        for item in self._parent:
            out[self.find(item)].append(item)
        return sorted((sorted(members) for members in out.values()), key=lambda m: m[0])


# --- Households -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddressSpell:
    """A person recorded at a normalised address from ``start`` to ``end`` (None while current)."""

    person_id: int
    household_key: str
    start: date
    end: date | None


@dataclass(frozen=True)
class Household:
    household_key: str
    members: tuple[int, ...]
    start: date
    end: date | None


def households(spells: Iterable[AddressSpell]) -> list[Household]:
    """People at the same address over overlapping periods; a sweep over each address's spells by date."""
    by_key: dict[str, list[AddressSpell]] = defaultdict(list)
    for spell in spells:
        if spell.household_key:
            by_key[spell.household_key].append(spell)
    out: list[Household] = []
    for key, key_spells in by_key.items():
        key_spells.sort(key=lambda s: s.start)
        members: set[int] = set()
        start: date | None = None
        end: date | None = None
        open_ended = False
        for spell in key_spells:
            if start is not None and not open_ended and end is not None and spell.start > end:
                out.append(Household(key, tuple(sorted(members)), start, end))
                members, start, end = set(), None, None
            if start is None:
                start = spell.start
            members.add(spell.person_id)
            if spell.end is None:
                open_ended = True
            elif end is None or spell.end > end:
                end = spell.end
        if start is not None:
            out.append(Household(key, tuple(sorted(members)), start, None if open_ended else end))
    out.sort(key=lambda h: (h.members[0], h.start))
    return out


# --- Families ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A declared relationship: ``related_id`` is ``person_id``'s ``kind`` (parent, child, ...)."""

    person_id: int
    related_id: int
    kind: str


def families(
    person_ids: Iterable[int],
    links: Iterable[Link],
    homes: Iterable[Household],
    *,
    max_household_size: int = 10,
) -> list[list[int]]:
    """Group people into families: declared family relationships plus shared (small) households.

    Everyone given appears in exactly one family, alone if nothing joins them.
    """
    sets = UnionFind(person_ids)
    for link in links:
        if link.kind in FAMILY_KINDS:
            sets.union(link.person_id, link.related_id)
    for home in homes:
        if 1 < len(home.members) <= max_household_size:
            first = home.members[0]
            for other in home.members[1:]:
                sets.union(first, other)
    return sets.groups()


# --- Generations ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Generation:
    number: int | None  # 1 is the oldest generation in the family; None when it cannot be told
    basis: str  # "relationships", "age" or "unknown"


def _years_between(earlier: date, later: date) -> float:
    return (later - earlier).days / 365.2425


def generations(
    members: Sequence[int], links: Iterable[Link], born: dict[int, date | None], *, gap_years: int = 16
) -> dict[int, Generation]:
    """Each member's generation: from declared parent and child links where they exist, else from age.

    Parents are one generation above their children; partners and siblings share a generation. Each
    group of members joined by links is placed against the largest such group by the closest dates of
    birth. A member with no parent or child link is placed by date of birth: in the generation of the
    linked member closest in age or, in a family with no links, in age bands ``gap_years`` wide.
    """
    if len(members) == 1:  # most people in the records have no family recorded: skip the graph work
        pk = members[0]
        return {pk: Generation(1, "age") if born.get(pk) is not None else Generation(None, "unknown")}
    in_family = set(members)
    step = {"parent": -1, "child": 1, "partner": 0, "sibling": 0}
    edges: dict[int, list[tuple[int, int]]] = defaultdict(list)
    has_parent_link: set[int] = set()
    for link in links:
        if link.person_id in in_family and link.related_id in in_family and link.kind in step:
            edges[link.person_id].append((link.related_id, step[link.kind]))
            edges[link.related_id].append((link.person_id, -step[link.kind]))
            if link.kind in ("parent", "child"):
                has_parent_link.update((link.person_id, link.related_id))
    # Relative generations in each linked group (breadth first; the first placement stands).
    relative: dict[int, int] = {}
    groups: list[list[int]] = []
    for root in sorted(has_parent_link):
        if root in relative:
            continue
        relative[root] = 0
        queue, group = [root], [root]
        while queue:
            current = queue.pop()
            for other, delta in edges[current]:
                if other not in relative:
                    relative[other] = relative[current] + delta
                    queue.append(other)
                    group.append(other)
        groups.append(group)
    result: dict[int, Generation] = {}
    if groups:
        groups.sort(key=lambda g: -len(g))
        anchor = groups[0]
        placed = {pk: relative[pk] for pk in anchor}
        for group in groups[1:]:
            offset = _offset_by_age(group, relative, placed, born)
            for pk in group:
                placed[pk] = relative[pk] + offset
        for pk, number in placed.items():
            result[pk] = Generation(number, "relationships")
        dated = [(born_on, placed[pk]) for pk in placed if (born_on := born.get(pk)) is not None]
        for pk in members:
            if pk in result:
                continue
            member_born = born.get(pk)
            if member_born is None or not dated:
                result[pk] = Generation(None, "unknown")
            else:
                nearest = min(dated, key=lambda d, b=member_born: abs((d[0] - b).days))  # type: ignore[misc]
                result[pk] = Generation(nearest[1], "age")
    else:
        oldest: date | None = None
        band = 0
        for pk in sorted(
            (pk for pk in members if born.get(pk) is not None), key=lambda p: born[p] or date.min
        ):
            born_on = born[pk]
            assert born_on is not None
            if oldest is None:
                oldest = born_on
            elif _years_between(oldest, born_on) >= gap_years:
                band += 1
                oldest = born_on
            result[pk] = Generation(band, "age")
        for pk in members:
            result.setdefault(pk, Generation(None, "unknown"))
    known = [g.number for g in result.values() if g.number is not None]
    shift = 1 - min(known) if known else 0
    return {
        pk: Generation(g.number + shift if g.number is not None else None, g.basis)
        for pk, g in result.items()
    }


def _offset_by_age(
    group: list[int], relative: dict[int, int], placed: dict[int, int], born: dict[int, date | None]
) -> int:
    """How far to move a linked group so its oldest dated member matches the placed member nearest in age."""
    dated_group = [pk for pk in group if born.get(pk) is not None]
    dated_placed = [pk for pk in placed if born.get(pk) is not None]
    if not dated_group or not dated_placed:
        return 0
    member = min(dated_group, key=lambda pk: born[pk] or date.max)
    member_born = born[member]
    assert member_born is not None
    nearest = min(dated_placed, key=lambda pk: abs(((born[pk] or member_born) - member_born).days))
    return placed[nearest] - relative[member]


# --- Need domains -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedDomains:
    """The mapping from involvement reasons (matched as lower-case text, first match wins) and register
    kinds (exact) to need domains. An empty domain means "not a need" (a universal service)."""

    reason_patterns: tuple[tuple[str, str], ...]
    register_kinds: dict[str, str]
    _seen: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def for_reason(self, reason: str) -> str:
        # Reasons repeat across thousands of rows: remember each one's answer.
        if (known := self._seen.get(reason)) is not None:
            return known
        text = reason.lower()
        domain = next((d for pattern, d in self.reason_patterns if pattern in text), "")
        self._seen[reason] = domain
        return domain

    def for_register(self, kind: str) -> str:
        return self.register_kinds.get(kind, "")


@lru_cache(maxsize=8)
def load_need_domains(path: str | None = None) -> NeedDomains:
    """Read the need-domain mapping (the shipped ``data/need_domains.csv`` unless a path is given)."""
    source = Path(path) if path else _NEED_DOMAINS_CSV
    patterns: list[tuple[str, str]] = []
    registers: dict[str, str] = {}
    with source.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"source", "pattern", "domain"} <= set(reader.fieldnames):
            raise NeedDomainsError(f"{source}: the header must name the columns source, pattern and domain")
        for line, row in enumerate(reader, start=2):
            kind, pattern, domain = (
                (row["source"] or "").strip(),
                (row["pattern"] or "").strip().lower(),
                (row["domain"] or "").strip(),
            )
            if domain and domain not in NEED_DOMAINS:
                raise NeedDomainsError(
                    f"{source}, line {line}: {domain!r} is not a need domain "
                    f"(one of {', '.join(NEED_DOMAINS)})"
                )
            if not pattern:
                raise NeedDomainsError(f"{source}, line {line}: the pattern is empty")
            if kind == "reason":
                patterns.append((pattern, domain))
            elif kind == "register":
                registers[pattern] = domain
            else:
                raise NeedDomainsError(
                    f"{source}, line {line}: source must be 'reason' or 'register', not {kind!r}"
                )
    return NeedDomains(tuple(patterns), registers)


# --- Facts about a family's members -------------------------------------------------------------------------


@dataclass(frozen=True)
class InvolvementFact:
    record_id: int
    agency_id: int
    agency_name: str
    reason: str
    start: date
    end: date | None
    domain: str = ""


@dataclass(frozen=True)
class RegisterFact:
    record_id: int
    kind: str
    label: str
    start: date
    end: date | None
    domain: str = ""


@dataclass(frozen=True)
class OffenceFact:
    record_id: int
    offence_date: date
    outcome_date: date
    domestic_abuse: bool = False


@dataclass(frozen=True)
class SchoolFact:
    """Attendance and exclusions over three school terms ending on ``period_end``."""

    record_id: int
    period_start: date
    period_end: date
    unauthorised_absence_percent: float | None
    fixed_term_exclusions: int
    permanently_excluded: bool


@dataclass
class MemberFacts:
    person_id: int
    date_of_birth: date | None
    generation: Generation = field(default_factory=lambda: Generation(None, "unknown"))
    involvements: list[InvolvementFact] = field(default_factory=list)
    registers: list[RegisterFact] = field(default_factory=list)
    offences: list[OffenceFact] = field(default_factory=list)
    school: list[SchoolFact] = field(default_factory=list)

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def with_domains(facts: MemberFacts, domains: NeedDomains) -> MemberFacts:
    """The same facts with each involvement's and register entry's need domain filled in."""
    facts.involvements = [
        InvolvementFact(
            i.record_id, i.agency_id, i.agency_name, i.reason, i.start, i.end, domains.for_reason(i.reason)
        )
        for i in facts.involvements
    ]
    facts.registers = [
        RegisterFact(r.record_id, r.kind, r.label, r.start, r.end, domains.for_register(r.kind))
        for r in facts.registers
    ]
    return facts


def overlaps(start: date, end: date | None, window_start: date, window_end: date) -> bool:
    """Whether a period (open-ended when ``end`` is None) touches the window."""
    return start <= window_end and (end is None or end >= window_start)


# --- Evidence, flags and the overlap ------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """One record a finding rests on: whose, which record, what it says and its dates."""

    person_id: int
    record: str  # "involvement", "register", "offence", "school" or "generation"
    record_id: int | None
    description: str
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class Flag:
    raised: bool
    evidence: tuple[Evidence, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class FamilySettings:
    lookback_days: int = 365
    duplication_domains: tuple[str, ...] = tuple(d for d in NEED_DOMAINS if d != "offending")
    intergenerational_basis: str = "offending_or_involvement"  # or "offending"


def agencies_involved(member: MemberFacts, *, as_of: date, lookback_days: int) -> set[int]:
    """Agencies working with the member now or within the look-back period."""
    since = as_of - timedelta(days=lookback_days)
    return {i.agency_id for i in member.involvements if overlaps(i.start, i.end, since, as_of)}


def duplication(members: Sequence[MemberFacts], *, as_of: date, settings: FamilySettings) -> Flag:
    """Two or more agencies working the same need domain for the family over overlapping periods."""
    since = as_of - timedelta(days=settings.lookback_days)
    by_domain: dict[str, list[tuple[InvolvementFact, int]]] = defaultdict(list)
    for member in members:
        for inv in member.involvements:
            if inv.domain in settings.duplication_domains and overlaps(inv.start, inv.end, since, as_of):
                by_domain[inv.domain].append((inv, member.person_id))
    evidence: list[Evidence] = []
    for domain in sorted(by_domain):
        rows = sorted(by_domain[domain], key=lambda r: r[0].start)
        found: set[int] = set()
        for i, (first, first_person) in enumerate(rows):
            for second, second_person in rows[i + 1 :]:
                if second.start > (first.end or date.max):
                    break
                if second.agency_id == first.agency_id:
                    continue
                for inv, person in ((first, first_person), (second, second_person)):
                    if inv.record_id not in found:
                        found.add(inv.record_id)
                        evidence.append(
                            Evidence(
                                person,
                                "involvement",
                                inv.record_id,
                                f"{NEED_DOMAINS[domain]}: {inv.agency_name}, {inv.reason}",
                                inv.start,
                                inv.end,
                            )
                        )
    return Flag(bool(evidence), tuple(evidence))


def intergenerational(members: Sequence[MemberFacts], *, as_of: date, settings: FamilySettings) -> Flag:
    """Offending (or, by setting, offending or agency involvement) in two or more generations."""
    since = as_of - timedelta(days=settings.lookback_days)
    include_involvement = settings.intergenerational_basis == "offending_or_involvement"
    per_generation: dict[int, list[Evidence]] = defaultdict(list)
    unplaced = 0
    for member in members:
        generation = member.generation.number
        found: list[Evidence] = []
        if member.offences:
            latest = max(member.offences, key=lambda o: o.outcome_date)
            found.append(
                Evidence(
                    member.person_id,
                    "offence",
                    latest.record_id,
                    f"{len(member.offences)} proven offence{'s' if len(member.offences) != 1 else ''}, "
                    f"latest proven {latest.outcome_date:%d %b %Y}",
                    latest.offence_date,
                    latest.outcome_date,
                )
            )
        elif include_involvement:
            current = [i for i in member.involvements if i.domain and overlaps(i.start, i.end, since, as_of)]
            if current:
                inv = current[0]
                found.append(
                    Evidence(
                        member.person_id,
                        "involvement",
                        inv.record_id,
                        f"{inv.agency_name}: {inv.reason}",
                        inv.start,
                        inv.end,
                    )
                )
        if found:
            if generation is None:
                unplaced += 1
            else:
                per_generation[generation].extend(found)
    note = (
        f"{unplaced} member{'s' if unplaced != 1 else ''} with no known generation left out"
        if unplaced
        else ""
    )
    evidence = tuple(e for g in sorted(per_generation) for e in per_generation[g])
    return Flag(len(per_generation) >= 2, evidence, note)
