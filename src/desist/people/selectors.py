"""Reads about people. Every read goes through `visible_people`, the one access rule: a user sees a
person while one of the user's agencies is involved with them (or was, within the grace period)."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.expressions import Combinable
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.refusals import refuse
from desist.core.names import (
    first_name_similarity,
    first_name_variants,
    last_name_keys,
    name_similarity,
    normalise_identifier,
)
from desist.people.models import (
    Address,
    Identifier,
    IdentifierKind,
    Involvement,
    NameKind,
    Person,
    PersonName,
    Relationship,
)
from desist.registers.models import RegisterEntry
from desist.sentences.models import KeyDate
from desist.sentences.rules import SupervisionStatus, supervision_status_expression
from desist.sharing.selectors import emergency_access, refused_cases


def today() -> date:
    return timezone.localdate()


def access_cutoff(on: date) -> date:
    """Involvements that ended before this date no longer give access."""
    return on - timedelta(days=settings.DESIST_ACCESS_GRACE_DAYS)


def visible_people(actor: Actor, *, on: date | None = None) -> QuerySet[Person]:
    """People the actor may see: one of their agencies is involved now, or was within the grace period."""
    if not actor.agency_ids:
        return Person.objects.none()
    return Person.objects.filter(may_see(actor, on=on, person="pk"))


def may_see(actor: Actor, *, on: date | None = None, person: str = "person") -> Q:
    """The access rule (visible_people) as a condition on rows about a person, `person` naming the row's
    person (or the path to it: "plan__person"). Each row is checked by one probe of its person's involvements
    (involvement_access), where `person__in=visible_people(...)` must first gather everyone the actor may see:
    for a manager over a whole agency, hundreds of thousands of people."""
    if not actor.agency_ids:
        return Q(pk__in=[])
    cutoff = access_cutoff(on or today())
    involved = Involvement.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=cutoff),
        person=OuterRef(person),
        agency_id__in=sorted(actor.agency_ids),
    )
    rule = Q(Exists(involved))
    if actor.user_id is not None:
        # Information governance (desist.sharing, issue 16): a break-glass use in force opens a person; a case
        # restricted to other named users, or excluding this user, stays closed whatever else. Conditions in
        # the same query: no query more.
        rule = (rule | Q(Exists(emergency_access(actor, person)))) & ~Q(Exists(refused_cases(actor, person)))
    return rule


def person_for_actor(
    actor: Actor, person_id: int, *, what: str = "the record", on: date | None = None
) -> Person:
    """The person, if the actor may see them; otherwise the refusal is logged (`denied`) and the channel's
    404 raised (`desist.audit.refusals.refuse`). The one getter pages, fragments, the API and commands use
    for a person; `what` names what was asked for, in the log ("record an assessment")."""
    person = visible_people(actor, on=on).filter(pk=person_id).select_related("district").first()
    if person is None:
        refuse(actor, summary=f"Refused access to {what} of person {person_id}"[:255], person_id=person_id)
    return person


def current_registers_prefetch(on: date) -> Prefetch:
    current = RegisterEntry.objects.filter(start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )
    return Prefetch("registers", queryset=current.order_by("kind"), to_attr="current_registers")


def identifiers_prefetch(*kinds: str) -> Prefetch:
    return Prefetch(
        "identifiers",
        queryset=Identifier.objects.filter(kind__in=kinds).order_by("kind"),
        to_attr="key_identifiers",
    )


# --- My caseload -------------------------------------------------------------------------------------

# People without a next key date go last whichever way the dates are sorted.
CASELOAD_SORTS: dict[str, tuple[str | Combinable, ...]] = {
    "name": ("last_name", "first_name", "id"),
    "-name": ("-last_name", "-first_name", "-id"),
    "next_key_date": (F("next_key_date").asc(nulls_last=True), "last_name", "id"),
    "-next_key_date": (F("next_key_date").desc(nulls_last=True), "last_name", "id"),
    "status": ("status_rank", "last_name", "id"),
    "-status": ("-status_rank", "last_name", "id"),
}


@dataclass(frozen=True)
class CaseloadFilters:
    status: str = ""
    flag: str = ""
    district: str = ""
    sort: str = "next_key_date"
    group: str = ""


def caseload(
    actor: Actor, filters: CaseloadFilters | None = None, *, on: date | None = None
) -> QuerySet[Person]:
    """The people the actor is lead worker for, with status, next key date and current flags.

    A fixed number of queries whatever the caseload size: the list itself, plus one prefetch each for
    flags and identifiers.
    """
    filters = filters or CaseloadFilters()
    on = on or today()
    if actor.user_id is None:
        return Person.objects.none()
    # Start from the worker's own involvements (indexed), not from everyone the agency can see.
    led = (
        Involvement.objects.filter(lead_worker_id=actor.user_id)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values("person_id")
    )
    next_date = KeyDate.objects.filter(person=OuterRef("pk"), date__gte=on).order_by("date", "kind")
    people = (
        visible_people(actor, on=on)
        .filter(pk__in=led)
        .select_related("district")
        .annotate(
            supervision_status=supervision_status_expression(on),
            status_rank=Case(
                *(
                    When(supervision_status=s, then=Value(rank))
                    for rank, s in enumerate(SupervisionStatus.ORDER)
                ),
                default=Value(len(SupervisionStatus.ORDER)),
            ),
            next_key_date=Subquery(next_date.values("date")[:1]),
            next_key_kind=Subquery(next_date.values("kind")[:1]),
        )
        .prefetch_related(
            current_registers_prefetch(on), identifiers_prefetch(IdentifierKind.CRN, IdentifierKind.PNC)
        )
    )
    if filters.status in dict(SupervisionStatus.CHOICES):
        people = people.filter(supervision_status=filters.status)
    if filters.flag:
        people = people.filter(
            Exists(
                RegisterEntry.objects.filter(
                    person=OuterRef("pk"), kind=filters.flag, start_date__lte=on
                ).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
            )
        )
    if filters.district:
        people = people.filter(district__code=filters.district)
    if filters.group:
        from desist.priority.selectors import in_group

        people = people.filter(in_group(filters.group, on=on))
    order = CASELOAD_SORTS.get(filters.sort, CASELOAD_SORTS["next_key_date"])
    return people.order_by(*order)


# --- Search ------------------------------------------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"^(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4}|\d{2})$"),
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
)
MAX_CANDIDATES = 3000


@dataclass
class SearchQuery:
    """A search box entry, read as names, dates of birth and identifiers."""

    text: str
    names: list[str] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)


@dataclass
class SearchResult:
    person: Person
    score: float
    matched_on: list[str]


def _parse_date(token: str) -> date | None:
    for pattern in _DATE_PATTERNS:
        match = pattern.match(token)
        if match:
            year = int(match["y"])
            if year < 100:
                year += 1900 if year > today().year % 100 else 2000
            try:
                return date(year, int(match["m"]), int(match["d"]))
            except ValueError:
                return None
    return None


def parse_search(text: str) -> SearchQuery:
    query = SearchQuery(text=text.strip())
    for token in query.text.replace(",", " ").split():
        parsed = _parse_date(token)
        if parsed:
            query.dates.append(parsed)
        elif any(ch.isdigit() for ch in token):
            query.identifiers.append(token)
        else:
            query.names.append(token)
    compact = query.text.replace(" ", "")
    # NI and NHS numbers are often typed with spaces: "QQ 12 34 56 C", "943 476 5919".
    if len(query.identifiers) > 1 or (query.identifiers and query.names and len(compact) <= 13):
        query.identifiers.append(compact)
    return query


def _date_variants(value: date) -> set[date]:
    """The date, and the date with day and month swapped (a common keying error)."""
    variants = {value}
    if value.day <= 12:
        with contextlib.suppress(ValueError):
            variants.add(value.replace(day=value.month, month=value.day))
    return variants


def person_search(actor: Actor, text: str, *, limit: int = 50, on: date | None = None) -> list[SearchResult]:
    """Find people the actor may see by name (typos and nicknames tolerated), date of birth or identifier.

    Queries are bounded: identifiers, names and dates each make at most one candidate query, then one
    query loads the people shown.
    """
    query = parse_search(text)
    visible = visible_people(actor, on=on)
    scores: dict[int, float] = {}
    reasons: dict[int, list[str]] = {}

    def credit(person_id: int, score: float, reason: str) -> None:
        scores[person_id] = scores.get(person_id, 0.0) + score
        reasons.setdefault(person_id, [])
        if reason not in reasons[person_id]:
            reasons[person_id].append(reason)

    if query.identifiers:
        values = {
            normalise_identifier(kind, token) for token in query.identifiers for kind in IdentifierKind.values
        } - {""}
        hits = Identifier.objects.filter(value_normalised__in=values, person__in=visible).values_list(
            "person_id", "kind"
        )
        for person_id, kind in hits:
            credit(person_id, 10.0, IdentifierKind(kind).label)

    wanted_dates: set[date] = set()
    for value in query.dates:
        wanted_dates |= _date_variants(value)

    if query.names:
        last = query.names[-1]
        first = query.names[0] if len(query.names) > 1 else ""
        last_key, last_soundex, last_metaphone = last_name_keys(last)
        phonetic = Q(last_soundex=last_soundex) | Q(last_metaphone=last_metaphone)
        name_match = Q(last_key=last_key) | phonetic
        if len(last_key) >= 4:
            # Catches spellings the phonetic codes split, such as Johnston for Johnson.
            name_match |= Q(last_key__startswith=last_key[:4])
        if not first:
            # One word may be a first name or a last name.
            name_match |= Q(first_key__in=first_name_variants(last))
        # Closest candidates first, so the cap never drops an exact match.
        closeness = Case(
            When(last_key=last_key, then=Value(0)), When(phonetic, then=Value(1)), default=Value(2)
        )
        candidates = (
            PersonName.objects.filter(name_match, person__in=visible)
            .annotate(closeness=closeness)
            .order_by("closeness")
        )
        if wanted_dates:
            candidates = candidates.filter(person__date_of_birth__in=wanted_dates)
        best: dict[int, tuple[float, str]] = {}
        for person_id, kind, cand_first, cand_last in candidates.values_list(
            "person_id", "kind", "first_name", "last_name"
        )[:MAX_CANDIDATES]:
            if first:
                score = 0.55 * name_similarity(last, cand_last) + 0.45 * first_name_similarity(
                    first, cand_first
                )
            else:
                score = max(name_similarity(last, cand_last), 0.9 * first_name_similarity(last, cand_first))
            reason = (
                "Name" if kind == "primary" else f"{NameKind(kind).label}: {cand_first} {cand_last}".strip()
            )
            if score > best.get(person_id, (0.0, ""))[0]:
                best[person_id] = (score, reason)
        for person_id, (score, reason) in best.items():
            if score >= 0.75:
                credit(person_id, 5.0 * score, reason)
    elif wanted_dates:
        for person_id in visible.filter(date_of_birth__in=wanted_dates).values_list("pk", flat=True)[
            :MAX_CANDIDATES
        ]:
            credit(person_id, 3.0, "Date of birth")

    if not scores:
        return []
    ranked = sorted(scores, key=lambda pid: -scores[pid])[:limit]
    people = (
        Person.objects.filter(pk__in=ranked)
        .select_related("district")
        .prefetch_related(identifiers_prefetch(IdentifierKind.CRN, IdentifierKind.PNC))
        .in_bulk()
    )
    results = []
    for person_id in ranked:
        person = people[person_id]
        if wanted_dates and person.date_of_birth in wanted_dates and query.names:
            reasons[person_id].append("Date of birth")
        results.append(
            SearchResult(person=person, score=round(scores[person_id], 2), matched_on=reasons[person_id])
        )
    return results


# --- The person record -------------------------------------------------------------------------------


def person_record_queryset(on: date | None = None, *, actor: Actor | None = None) -> QuerySet[Person]:
    """A person with everything the record page shows, in a fixed number of queries. With an actor, each
    relationship says whether the actor may see the relative (`related_visible`, for `record_relatives`)."""
    from desist.offences.models import Offence
    from desist.sentences.models import Sentence

    on = on or today()
    relationships = Relationship.objects.select_related("related_person", "source_agency")
    if actor is not None:
        relationships = relationships.annotate(
            related_visible=Exists(visible_people(actor, on=on).filter(pk=OuterRef("related_person_id")))
        )
    return Person.objects.select_related("district").prefetch_related(
        Prefetch("names", queryset=PersonName.objects.exclude(kind="primary").order_by("kind", "last_name")),
        Prefetch(
            "identifiers", queryset=Identifier.objects.select_related("issuing_agency").order_by("kind")
        ),
        Prefetch("addresses", queryset=Address.objects.select_related("district")),
        Prefetch("relationships", queryset=relationships.order_by("kind", "related_person__date_of_birth")),
        Prefetch(
            "involvements",
            queryset=Involvement.objects.select_related("agency", "team", "lead_worker").order_by(
                "end_date", "-start_date"
            ),
        ),
        Prefetch("offences", queryset=Offence.objects.select_related("offence_code")),
        Prefetch(
            "sentences",
            queryset=Sentence.objects.select_related("establishment").prefetch_related(
                "requirements", "licence_conditions"
            ),
        ),
        Prefetch("registers", queryset=RegisterEntry.objects.select_related("recorded_by")),
        Prefetch(
            "key_dates",
            queryset=KeyDate.objects.filter(date__gte=on).order_by("date"),
            to_attr="upcoming_key_dates",
        ),
    )


def merged_person(actor: Actor, person_id: int, *, on: date | None = None) -> int | None:
    """If record linkage merged this person into another, the person kept (following every later merge),
    when the actor may see them; else None."""
    seen: set[int] = set()
    current = person_id
    while True:
        kept = Person.objects.filter(pk=current).values_list("merged_into_id", flat=True).first()
        if kept is None or kept in seen:
            break
        seen.add(current)
        current = kept
    if current == person_id or not visible_people(actor, on=on).filter(pk=current).exists():
        return None
    return current


# --- Relatives on a record ---------------------------------------------------------------------------

HIDDEN_RELATIVE = "A person not in your caseload"


@dataclass(frozen=True)
class Relative:
    """One line of a record's family and household, as this actor may see it. A relative the actor's
    agency does not work with is shown by relationship only: no name, date of birth or number
    (docs/families.md, "Who sees what"; issue 10, item 4)."""

    kind: str
    kind_label: str
    visible: bool
    person_id: int | None
    name: str
    date_of_birth: date | None
    recorded_by: str


def record_relatives(actor: Actor, person: Person, *, on: date | None = None) -> list[Relative]:
    """The person's declared relationships (prefetched by `person_record_queryset`) with relatives outside
    the actor's access hidden. No query when the prefetch carried `related_visible` for this actor."""
    relationships = list(person.relationships.all())
    if all(hasattr(r, "related_visible") for r in relationships):
        # `related_visible` is annotated by the prefetch (checked above).
        seen = {r.related_person_id for r in relationships if r.related_visible}  # type: ignore[attr-defined]
    else:
        related_ids = {r.related_person_id for r in relationships}
        seen = set(visible_people(actor, on=on).filter(pk__in=related_ids).values_list("pk", flat=True))
    relatives = []
    for r in relationships:
        shown = r.related_person_id in seen
        relatives.append(
            Relative(
                kind=r.kind,
                kind_label=r.get_kind_display(),
                visible=shown,
                person_id=r.related_person_id if shown else None,
                name=r.related_person.full_name if shown else HIDDEN_RELATIVE,
                date_of_birth=r.related_person.date_of_birth if shown else None,
                recorded_by=r.source_agency.name if r.source_agency else "",
            )
        )
    return relatives
