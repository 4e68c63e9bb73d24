"""Reads for information sharing. `shared_categories` is the one decision: may this user's agency see
category C of this person for the purpose they stated. Worked out once per actor (one request: the
agreements and the user's memberships, two queries), then one query per person, or one per list of people
(`shared_categories_for`). `blocked_people` and `emergency_people` feed the access rule
(people.selectors.may_see): restricted and excluded cases, and break-glass uses in force."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import AccessLogEntry, Action
from desist.core import sharing as rules
from desist.partnership.models import Agency, AgencyKind, Membership, Role
from desist.sharing.models import CaseRestriction, Consent, EmergencyAccess, RestrictionKind, SharingAgreement

WITHHELD = "Not shared with your agency"
# The OASys sections that hold health data (drugs, alcohol, emotional well-being): shown under "needs" only
# where "health" is shared too.
HEALTH_SECTIONS = frozenset({"drugs", "alcohol", "emotional_wellbeing"})


def _user_id(actor: Actor) -> int:
    """The actor's user id, or 0 (no user has it) for a process without one."""
    return actor.user_id or 0


def _cached(actor: Actor, key: str, make: Any) -> Any:
    """A value worked out once per actor (an Actor lives for one request, command or task)."""
    cache: dict[str, Any] | None = actor.__dict__.get("_sharing_cache")
    if cache is None:
        cache = {}
        # Actor is frozen; this cache is not part of its value.
        object.__setattr__(actor, "_sharing_cache", cache)
    if key not in cache:
        cache[key] = make()
    return cache[key]


def _sharing(actor: Actor, on: date) -> rules.Sharing | None:
    """The actor's sharing for the day, or None when every category is shared: a process with no user, or a
    partnership that has recorded no agreement yet (sharing as before: all of a record to every agency
    involved, docs/information-governance.md)."""

    def make() -> rules.Sharing | None:
        if actor.user is None:
            return None
        grants = [a.as_grant() for a in SharingAgreement.objects.all()]
        if not grants:
            return None
        members = [
            rules.Membership(agency_id=m.agency_id, agency_kind=m.agency.kind, role=m.role)
            for m in Membership.objects.filter(user_id=_user_id(actor), is_active=True).select_related(
                "agency"
            )
        ]
        return rules.sharing(grants, members, purpose=actor.purpose, on=on)

    return _cached(actor, f"sharing:{on}", make)


def shared_categories(actor: Actor, person_id: int, *, on: date | None = None) -> frozenset[str]:
    """The categories of this person the actor may see for the purpose they stated (their agencies'
    agreements in force, the person's consents where an agreement rests on consent), or every category
    during a break-glass use of this person."""
    return shared_categories_for(actor, [person_id], on=on)[person_id]


def shared_categories_for(
    actor: Actor, person_ids: list[int], *, on: date | None = None
) -> dict[int, frozenset[str]]:
    """`shared_categories` for a list of people: at most two queries whatever the list's length (consents,
    break-glass uses), none when nothing rests on consent and no break-glass is in force."""
    on = on or timezone.localdate()
    decided = _sharing(actor, on)
    if decided is None:
        return dict.fromkeys(person_ids, rules.ALL)
    consents: dict[int, list[tuple[int, list[str]]]] = {}
    if decided.with_consent and person_ids:
        for person_id, agency_id, categories, purposes in Consent.objects.filter(
            person_id__in=person_ids,
            agency_id__in=sorted(decided.with_consent),
            withdrawn_at__isnull=True,
            given_on__lte=on,
        ).values_list("person_id", "agency_id", "categories", "purposes"):
            # A consent given for some purposes only shares for those (empty: for any).
            if not purposes or actor.purpose in purposes:
                consents.setdefault(person_id, []).append((agency_id, categories))
    emergency = emergency_people(actor)
    return {
        pid: rules.ALL if pid in emergency else decided.for_person(consents.get(pid, []))
        for pid in person_ids
    }


def entries_shared(actor: Actor, shared: frozenset[str], *, agency: str = "agency") -> Q:
    """Of one person's chronology entries (rows with a recording agency, reached by `agency`), those the actor
    may see when `shared` is what `shared_categories` gives them of that person: their own agencies' entries
    always (what they recorded is theirs), others' where every category the entry holds is shared
    (`core.sharing.entry_categories`). An empty Q when nothing is withheld: no extra join or query."""
    kinds = rules.recorders_withheld(shared)
    own = Q(**{f"{agency}_id__in": sorted(actor.agency_ids)})
    if kinds is None:
        return own
    if not kinds:
        return Q()
    return own | ~Q(**{f"{agency}__kind__in": sorted(kinds)})


def entry_shared(actor: Actor, shared: frozenset[str], agency_id: int, agency_kind: str) -> bool:
    """`entries_shared` for one entry already read (its recording agency's id and kind)."""
    kinds = rules.recorders_withheld(shared)
    if agency_id in actor.agency_ids:
        return True
    return kinds is not None and agency_kind not in kinds


def sharing_is_recorded() -> bool:
    return SharingAgreement.objects.exists()


# --- Restricted and excluded cases, break-glass: the access rule's inputs ------------------------------


def blocked_people(actor: Actor) -> frozenset[int]:
    """People this user may not see whatever their agency's involvement: cases restricted to other named
    users, and cases that exclude this user. One query, once per actor."""

    def make() -> frozenset[int]:
        if actor.user_id is None:
            return frozenset()
        rows = CaseRestriction.objects.filter(_refusing(actor), ended_at__isnull=True)
        return frozenset(rows.values_list("person_id", flat=True))

    return _cached(actor, "blocked", make)


def emergency_people(actor: Actor) -> frozenset[int]:
    """People this user opened by break-glass, while the use lasts. One query, once per actor."""

    def make() -> frozenset[int]:
        if actor.user_id is None:
            return frozenset()
        return frozenset(
            EmergencyAccess.objects.filter(
                user_id=_user_id(actor), expires_at__gt=timezone.now()
            ).values_list("person_id", flat=True)
        )

    return _cached(actor, "emergency", make)


def emergency_access(actor: Actor, person: str) -> QuerySet[EmergencyAccess]:
    """The actor's break-glass uses in force of the row's person (`person` as in people.selectors.may_see),
    for an Exists in the access rule."""
    return EmergencyAccess.objects.filter(
        user_id=_user_id(actor), person_id=OuterRef(person), expires_at__gt=timezone.now()
    )


def _refusing(actor: Actor) -> Q:
    """Of a person's open restrictions, those that close the case to the actor: an exclusion naming them, or
    a restriction to named users that does not name them."""
    named = CaseRestriction.objects.filter(
        person_id=OuterRef("person_id"),
        kind=RestrictionKind.RESTRICTED,
        user_id=_user_id(actor),
        ended_at__isnull=True,
    )
    return Q(kind=RestrictionKind.EXCLUDED, user_id=_user_id(actor)) | (
        Q(kind=RestrictionKind.RESTRICTED) & ~Q(Exists(named))
    )


def refused_cases(actor: Actor, person: str) -> QuerySet[CaseRestriction]:
    """Open restrictions that close the row's person (`person` as in people.selectors.may_see) to the actor,
    for a NOT Exists in the access rule."""
    return CaseRestriction.objects.filter(_refusing(actor), person_id=OuterRef(person), ended_at__isnull=True)


def emergency_use(actor: Actor, person_id: int) -> EmergencyAccess | None:
    """The actor's break-glass use of this person in force, if any (no query without one)."""
    if person_id not in emergency_people(actor):
        return None
    return (
        EmergencyAccess.objects.filter(
            user_id=_user_id(actor), person_id=person_id, expires_at__gt=timezone.now()
        )
        .order_by("-expires_at")
        .first()
    )


@dataclass(frozen=True)
class Refusal:
    """Why a record was refused, for the page the refused user sees."""

    reason: str  # "restricted", "excluded" or "" (no involvement, or no such person)
    contact: str = ""


def refusal(actor: Actor, person_id: int) -> Refusal:
    """Why the actor may not see this person: a restriction (with whom to contact) or not. One query."""
    if person_id not in blocked_people(actor):
        return Refusal(reason="")
    row = (
        CaseRestriction.objects.filter(person_id=person_id, ended_at__isnull=True)
        .filter(
            Q(kind=RestrictionKind.RESTRICTED) | Q(kind=RestrictionKind.EXCLUDED, user_id=_user_id(actor))
        )
        .order_by("kind")
        .first()
    )
    if row is None:
        return Refusal(reason="")
    return Refusal(reason=row.kind, contact=row.contact)


def case_restrictions(person_id: int) -> QuerySet[CaseRestriction]:
    """A person's restrictions and exclusions in force, with the user named and who set each."""
    return CaseRestriction.objects.filter(person_id=person_id, ended_at__isnull=True).select_related(
        "user", "created_by"
    )


def may_manage_restrictions(actor: Actor, person_id: int) -> bool:
    """Who may restrict a case, exclude users from it and end either (docs/information-governance.md): the
    data protection officer, for any case; the case's offender manager (the lead worker of probation's open
    involvement) and the managers of that involvement's team (a manager's membership naming the team, or
    naming none: the whole agency), while the case's restrictions do not close it to them. One query (none
    more for the DPO, whose permission the navigation has already asked)."""
    if actor.user_id is None:
        return False
    if is_dpo(actor):
        return True
    involvement = apps.get_model("people", "Involvement")
    manager = Membership.objects.filter(
        user_id=actor.user_id, is_active=True, role=Role.MANAGER, agency_id=OuterRef("agency_id")
    ).filter(Q(team__isnull=True) | Q(team_id=OuterRef("team_id")))
    return (
        involvement.objects.filter(
            person_id=person_id, agency__kind=AgencyKind.PROBATION, end_date__isnull=True
        )
        .filter(Q(lead_worker_id=actor.user_id) | Q(Exists(manager)))
        .exclude(Exists(refused_cases(actor, "person_id")))
        .exists()
    )


def restricted_cases(limit: int = 100) -> list[CaseRestriction]:
    """Restrictions and exclusions in force across the partnership, newest first, for the DPO's page."""
    return list(
        CaseRestriction.objects.filter(ended_at__isnull=True)
        .select_related("user")
        .order_by("-created_at", "-pk")[:limit]
    )


def consents(person_id: int) -> QuerySet[Consent]:
    """A person's consents, in force and withdrawn, newest first."""
    return Consent.objects.filter(person_id=person_id).select_related("agency", "recorded_by", "withdrawn_by")


def consent_agencies() -> QuerySet[Agency]:
    """The agencies a consent can matter to: those an agreement resting on consent reaches (by kind or by
    name); every agency while no such agreement is recorded."""
    resting = SharingAgreement.objects.filter(lawful_basis=rules.CONSENT)
    if not resting.exists():
        return Agency.objects.order_by("name")
    return Agency.objects.filter(
        Q(kind__in=resting.exclude(recipient_kind="").values("recipient_kind"))
        | Q(pk__in=resting.filter(recipient_agency__isnull=False).values("recipient_agency_id"))
    ).order_by("name")


# --- The data protection officer's page -------------------------------------------------------------


def is_dpo(actor: Actor) -> bool:
    return actor.is_data_protection_officer


def agreements_due(*, on: date | None = None) -> list[SharingAgreement]:
    on = on or timezone.localdate()
    warn = settings.DESIST_SHARING_REVIEW_WARN_DAYS
    return [
        a
        for a in SharingAgreement.objects.select_related("recipient_agency").order_by("review_date")
        if rules.review_due(a.review_date, a.valid_to, on=on, warn_days=warn)
    ]


def emergency_to_review() -> QuerySet[EmergencyAccess]:
    return EmergencyAccess.objects.filter(outcome="").select_related("user").order_by("started_at")


def emergency_reviewed(limit: int = 20) -> QuerySet[EmergencyAccess]:
    return (
        EmergencyAccess.objects.exclude(outcome="")
        .select_related("user", "reviewed_by")
        .order_by("-reviewed_at")[:limit]
    )


@dataclass(frozen=True)
class UnusualAccess:
    username: str
    agency_code: str
    records: int
    unrelated: int


def unusual_access(*, days: int | None = None, threshold: int | None = None) -> list[UnusualAccess]:
    """Users who consulted many people with no caseload relation (people they are not lead worker for) in the
    last `days`, from the access log: one grouped query over the period."""
    days = days or settings.DESIST_UNUSUAL_ACCESS_DAYS
    threshold = threshold or settings.DESIST_UNUSUAL_ACCESS_THRESHOLD
    involvement = apps.get_model("people", "Involvement")
    since = timezone.now() - timedelta(days=days)
    related = involvement.objects.filter(person_id=OuterRef("person_id"), lead_worker_id=OuterRef("user_id"))
    rows = (
        AccessLogEntry.objects.filter(
            action=Action.CONSULTATION, at__gte=since, person_id__isnull=False, user_id__isnull=False
        )
        .annotate(related=Exists(related))
        .values("user_id", "username", "agency_code")
        .annotate(
            records=Count("person_id", distinct=True),
            unrelated=Count("person_id", distinct=True, filter=Q(related=False)),
        )
        .filter(unrelated__gte=threshold)
        .order_by("-unrelated")[:50]
    )
    return [
        UnusualAccess(
            username=r["username"],
            agency_code=r["agency_code"],
            records=r["records"],
            unrelated=r["unrelated"],
        )
        for r in rows
        if rules.out_of_the_ordinary(r["records"], r["records"] - r["unrelated"], threshold=threshold)
    ]


def purposes_stated(*, days: int | None = None) -> list[tuple[str, int]]:
    """How often each purpose was stated for consultations of people in the period: one grouped query."""
    days = days or settings.DESIST_UNUSUAL_ACCESS_DAYS
    since = timezone.now() - timedelta(days=days)
    rows = (
        AccessLogEntry.objects.filter(action=Action.CONSULTATION, at__gte=since, person_id__isnull=False)
        .values("purpose")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    return [
        (str(settings.DESIST_PURPOSES.get(r["purpose"], r["purpose"] or "Not stated")), r["n"]) for r in rows
    ]


def subject_access_due() -> tuple[bool, list[Any]]:
    """Subject access requests due, from desist.subject_access when it is installed (issue 16, item 5):
    (available, requests)."""
    if importlib.util.find_spec("desist.subject_access") is None:
        return False, []
    try:
        module = importlib.import_module("desist.subject_access.selectors")
    except ImportError:
        return False, []
    requests_due = getattr(module, "requests_due", None)
    if requests_due is None:
        return False, []
    return True, list(requests_due())
