"""Information sharing between the partnership's agencies (issue 16, items 1 to 4; RULES.md §11): which
categories of a person's data an agency's staff may see, for which purposes, on which lawful basis, and
when. Pure rules: the apps hold agreements, consents, restrictions and break-glass uses as data and ask here.

An agreement grants its recipients (an agency kind, or one agency, optionally only some roles) a set of
categories for a set of purposes, from one date to another. A user sees a category of a person when any
agreement in force grants it to one of their memberships for the purpose they stated, and, where the
agreement's basis is consent, the person's consent to that agency covering the category is in force.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

# The categories a record is shared in (issue 16, item 1), in the order the record shows them.
IDENTITY = "identity"
ADDRESSES = "addresses"
OFFENCES = "offences"
SENTENCE = "sentence"
RISK = "risk"
NEEDS = "needs"
HEALTH = "health"
FAMILY = "family"
VICTIMS = "victims"
CONTACTS = "contacts"
CATEGORIES: dict[str, str] = {
    IDENTITY: "Identity",
    ADDRESSES: "Addresses",
    OFFENCES: "Offences",
    SENTENCE: "Sentence and licence",
    RISK: "Risk scores and their working",
    NEEDS: "Needs",
    HEALTH: "Health",
    FAMILY: "Children and family",
    VICTIMS: "Victims",
    CONTACTS: "Contacts and appointments",
}
ALL = frozenset(CATEGORIES)

# Lawful bases (RULES.md §11): DPA 2018 Part 3 for competent authorities' law-enforcement purposes, or the
# UK GDPR's Article 6 bases (with an Article 9 condition for special category data such as health).
LAW_ENFORCEMENT = "dpa_part3"
PUBLIC_TASK = "gdpr_6_1_e"
LEGAL_OBLIGATION = "gdpr_6_1_c"
VITAL_INTERESTS = "gdpr_6_1_d"
CONSENT = "gdpr_6_1_a"
LAWFUL_BASES: dict[str, str] = {
    LAW_ENFORCEMENT: "DPA 2018 Part 3: law-enforcement purposes (s.31, s.35)",
    PUBLIC_TASK: "UK GDPR Article 6(1)(e): public task",
    LEGAL_OBLIGATION: "UK GDPR Article 6(1)(c): legal obligation",
    VITAL_INTERESTS: "UK GDPR Article 6(1)(d): vital interests",
    CONSENT: "UK GDPR Article 6(1)(a): consent",
}
# Categories that are special category data under UK GDPR Article 9 (or sensitive processing under DPA 2018
# s.35(8)): an agreement on a UK GDPR basis sharing them must name its Article 9 condition.
SPECIAL = frozenset({HEALTH})

# A chronology entry (a contact, an appointment's outcome, a case note) is "contacts" data. One recorded by a
# health or treatment service is health data too (that someone keeps appointments at a drug service says they
# are treated), so it needs both categories. By the recording agency's kind (partnership.AgencyKind's values).
ENTRY_CATEGORIES_BY_RECORDER: dict[str, frozenset[str]] = {
    "health": frozenset({CONTACTS, HEALTH}),
    "treatment": frozenset({CONTACTS, HEALTH}),
}


def entry_categories(recorder_kind: str) -> frozenset[str]:
    """The categories a chronology entry recorded by an agency of this kind holds."""
    return ENTRY_CATEGORIES_BY_RECORDER.get(recorder_kind, frozenset({CONTACTS}))


def recorders_withheld(shared: frozenset[str]) -> frozenset[str] | None:
    """The kinds of recording agency whose chronology entries a user who sees `shared` of a person may not
    see: None when "contacts" itself is not shared (no other agency's entry), else the kinds whose entries
    need a category not shared (empty: none withheld)."""
    if CONTACTS not in shared:
        return None
    return frozenset(kind for kind, needs in ENTRY_CATEGORIES_BY_RECORDER.items() if not needs <= shared)


@dataclass(frozen=True)
class Membership:
    """One of the user's memberships: the agency, its kind, and the user's role there."""

    agency_id: int
    agency_kind: str
    role: str


@dataclass(frozen=True)
class Grant:
    """An agreement, as the rule reads it."""

    agreement_id: int
    categories: frozenset[str]
    valid_from: date
    valid_to: date | None = None
    recipient_kind: str = ""
    recipient_agency_id: int | None = None
    recipient_roles: frozenset[str] = frozenset()
    purposes: frozenset[str] = frozenset()  # empty: every purpose
    basis: str = LAW_ENFORCEMENT

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def reaches(self, member: Membership) -> bool:
        if self.recipient_agency_id is not None and member.agency_id != self.recipient_agency_id:
            return False
        if self.recipient_kind and member.agency_kind != self.recipient_kind:
            return False
        return not self.recipient_roles or member.role in self.recipient_roles

    def serves(self, purpose: str) -> bool:
        return not self.purposes or purpose in self.purposes


@dataclass(frozen=True)
class Sharing:
    """What one user may see, for one purpose, on one day, before any person's consent is known: the
    categories shared outright, and those shared only with a person's consent, by agency."""

    outright: frozenset[str]
    with_consent: Mapping[int, frozenset[str]] = field(default_factory=dict)

    def for_person(self, consents: Iterable[tuple[int, Iterable[str]]]) -> frozenset[str]:
        """The categories of one person: outright, plus those under consent this person gave one of the user's
        agencies (agency id, categories consented to), where the consent is in force."""
        shared = set(self.outright)
        for agency_id, categories in consents:
            shared |= self.with_consent.get(agency_id, frozenset()) & frozenset(categories)
        return frozenset(shared)


def sharing(grants: Iterable[Grant], members: Iterable[Membership], *, purpose: str, on: date) -> Sharing:
    """The categories the grants give these memberships for this purpose on this day."""
    members = list(members)
    outright: set[str] = set()
    with_consent: dict[int, set[str]] = {}
    for grant in grants:
        if not grant.in_force(on) or not grant.serves(purpose):
            continue
        for member in members:
            if not grant.reaches(member):
                continue
            if grant.basis == CONSENT:
                with_consent.setdefault(member.agency_id, set()).update(grant.categories)
            else:
                outright |= grant.categories
    return Sharing(
        outright=frozenset(outright & ALL),
        with_consent={k: frozenset(v & ALL) for k, v in with_consent.items()},
    )


def review_due(review_date: date | None, valid_to: date | None, *, on: date, warn_days: int) -> bool:
    """An agreement is due for review when its review date or its end falls within `warn_days` (or passed)."""
    horizon = on + timedelta(days=warn_days)
    return any(d is not None and d <= horizon for d in (review_date, valid_to))


def emergency_expires(started: datetime, *, minutes: int) -> datetime:
    """When a break-glass use ends: `minutes` after it began (DESIST_BREAK_GLASS_MINUTES)."""
    if minutes <= 0:
        raise ValueError("break-glass access must last a positive number of minutes")
    return started + timedelta(minutes=minutes)


def out_of_the_ordinary(records: int, related: int, *, threshold: int) -> bool:
    """A user's access is out of the ordinary when they consulted at least `threshold` people with whom
    they have no caseload relation (records consulted minus those related)."""
    return records - related >= threshold
