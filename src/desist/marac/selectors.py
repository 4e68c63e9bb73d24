"""Reads about MARAC. A victim's details are for the roles that support victims (IDVA, MARAC coordinator,
victim liaison); anyone else sees a referral their agency made or has an action on, with the victim
"restricted", and the perpetrator only where the one access rule lets them see that person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from desist.audit.context import Actor
from desist.audit.refusals import refuse
from desist.core import marac as rules
from desist.marac.models import DashAssessment, MaracAction, MaracReferral, MaracVictim, ReferralStatus
from desist.partnership.models import Role
from desist.people.models import Person
from desist.people.selectors import visible_people

# The roles that support victims: they alone see a MARAC victim's details.
VICTIM_SUPPORT_ROLES = frozenset({Role.IDVA, Role.MARAC_COORDINATOR, Role.VICTIM_LIAISON})
SUPPORT_ONLY = "MARAC victims: the roles that support victims only (IDVA, MARAC coordinator, victim liaison)"
RESTRICTED = "Restricted"


def supports_victims(actor: Actor) -> bool:
    """May the actor see a MARAC victim's details (IDVA, MARAC coordinator or victim liaison)?"""
    return bool(VICTIM_SUPPORT_ROLES & set(actor.roles))


def is_marac_coordinator(actor: Actor) -> bool:
    """The MARAC coordinator records actions and closes referrals."""
    return Role.MARAC_COORDINATOR in actor.roles


def require_victim_support(actor: Actor, *, what: str) -> None:
    """Refuse (logged, 404: a victim's existence is not told either) anyone who does not support victims."""
    if not supports_victims(actor):
        refuse(actor, summary=f"Refused access to {what}", reason=SUPPORT_ONLY)


def victims_visible(actor: Actor) -> QuerySet[MaracVictim]:
    """MARAC victims the actor may see: all of them for the roles that support victims, none otherwise."""
    if not supports_victims(actor):
        return MaracVictim.objects.none()
    return MaracVictim.objects.all()


def referrals_visible(actor: Actor) -> QuerySet[MaracReferral]:
    """Referrals the actor may see: all for the roles that support victims; otherwise those their agency made
    or has an action on (the victim stays restricted)."""
    if supports_victims(actor):
        return MaracReferral.objects.all()
    if not actor.agency_ids:
        return MaracReferral.objects.none()
    acting = MaracAction.objects.filter(agency_id__in=actor.agency_ids).values("referral_id")
    return MaracReferral.objects.filter(Q(referring_agency_id__in=actor.agency_ids) | Q(pk__in=acting))


@dataclass(frozen=True)
class ReferralFilters:
    status: str = ""
    route: str = ""
    repeat: bool = False


def referrals_list(actor: Actor, filters: ReferralFilters | None = None) -> QuerySet[MaracReferral]:
    """The referrals the actor may see, newest first, with victim, agency and perpetrator; open actions
    counted as `open_actions`. A fixed number of queries."""
    filters = filters or ReferralFilters()
    rows = referrals_visible(actor)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.route:
        rows = rows.filter(route=filters.route)
    if filters.repeat:
        rows = rows.filter(is_repeat=True)
    return (
        rows.select_related("victim", "referring_agency", "perpetrator")
        .annotate(open_actions=Count("actions", filter=Q(actions__status="open")))
        .order_by("-referred_on", "-id")
    )


def referral_detail(actor: Actor, referral_id: int) -> MaracReferral | None:
    """One referral with its victim, agency, perpetrator, DASH and actions, or None where the actor may not
    see it."""
    return (
        referrals_visible(actor)
        .filter(pk=referral_id)
        .select_related("victim", "referring_agency", "referred_by", "perpetrator", "dash", "previous")
        .prefetch_related(
            Prefetch("actions", queryset=MaracAction.objects.select_related("agency", "recorded_by"))
        )
        .first()
    )


def referral_for_actor(actor: Actor, referral_id: int) -> MaracReferral:
    """`referral_detail`, or the refusal logged and the channel's 404 raised."""
    referral = referral_detail(actor, referral_id)
    if referral is None:
        refuse(actor, summary=f"Refused access to MARAC referral {referral_id}", reason=SUPPORT_ONLY)
    return referral


def victim_for_actor(actor: Actor, victim_id: int) -> MaracVictim:
    """The victim, with the IDVA, for the roles that support victims; anyone else's attempt is logged and
    refused with the channel's 404."""
    victim = victims_visible(actor).filter(pk=victim_id).select_related("idva", "district").first()
    if victim is None:
        refuse(actor, summary=f"Refused access to MARAC victim {victim_id}", reason=SUPPORT_ONLY)
    return victim


def action_for_actor(actor: Actor, action_id: int) -> MaracAction:
    """An action on a referral the actor may see, for the MARAC coordinator or the action's own agency;
    anyone else's attempt is logged and refused with the channel's 404."""
    action = (
        MaracAction.objects.filter(pk=action_id, referral__in=referrals_visible(actor))
        .select_related("referral", "agency")
        .first()
    )
    if action is None or not (is_marac_coordinator(actor) or action.agency_id in actor.agency_ids):
        refuse(actor, summary=f"Refused access to MARAC action {action_id}", reason=SUPPORT_ONLY)
    return action


def victims_list(actor: Actor, *, text: str = "") -> QuerySet[MaracVictim]:
    """MARAC victims, by reference or name, with their number of referrals and the last referral date."""
    rows = victims_visible(actor)
    if text.strip():
        rows = rows.filter(Q(reference__icontains=text.strip()) | Q(name__icontains=text.strip()))
    return (
        rows.select_related("idva")
        .annotate(referral_count=Count("referrals"), last_referred=Max("referrals__referred_on"))
        .order_by("reference")
    )


def victim_referrals(victim: MaracVictim) -> list[MaracReferral]:
    """A victim's referrals, newest first (for the roles that support victims: the caller has the victim)."""
    return list(
        victim.referrals.select_related("referring_agency", "perpetrator", "referred_by").order_by(
            "-referred_on", "-id"
        )
    )


def victim_assessments(victim: MaracVictim) -> list[DashAssessment]:
    """A victim's DASH checklists, newest first."""
    return list(victim.assessments.select_related("assessed_by", "agency"))


def last_referral(victim_id: int, *, before: date) -> MaracReferral | None:
    """The victim's last referral on or before a date (what a new incident is a repeat of, or not)."""
    return (
        MaracReferral.objects.filter(victim_id=victim_id, referred_on__lte=before)
        .exclude(status=ReferralStatus.WITHDRAWN)
        .order_by("-referred_on", "-id")
        .first()
    )


def marac_cases_for_agenda(on: date) -> QuerySet[MaracReferral]:
    """Referrals awaiting a MARAC meeting on `on`: made on or before it and not yet heard or withdrawn, oldest
    first, repeats marked. For the meetings app to put on a MARAC meeting's agenda (the agenda's own page
    applies who may see the victim)."""
    return (
        MaracReferral.objects.filter(status=ReferralStatus.AWAITING, referred_on__lte=on)
        .select_related("victim", "referring_agency", "perpetrator")
        .order_by("referred_on", "id")
    )


def perpetrator_flag(actor: Actor, person_id: int) -> int:
    """How many MARAC referrals name this person as the perpetrator, among those the actor may see (0 for
    anyone else): the flag on the person's record. One query."""
    return referrals_visible(actor).filter(perpetrator_id=person_id).count()


def perpetrator_candidates(actor: Actor, person_ids: list[int]) -> list[Person]:
    """The people the actor may see among `person_ids` (what a perpetrator may be linked to)."""
    return list(visible_people(actor).filter(pk__in=person_ids))


@dataclass(frozen=True)
class RouteCount:
    route: str
    label: str
    referrals: int
    repeats: int


@dataclass(frozen=True)
class VawgReport:
    """The VAWG forum's figures for a period: referrals, repeats and the repeat rate, by route, and the
    perpetrators who are in the caseload."""

    start: date
    end: date
    repeat_rate: rules.RepeatRate
    by_route: list[RouteCount]
    perpetrators_in_caseload: int
    referrals_with_perpetrator_in_caseload: int


def vawg_report(*, start: date, end: date) -> VawgReport:
    """Aggregates over every referral made from `start` to `end` (the repeat rate as SafeLives defines it:
    repeat referrals over all referrals in the period). No victim and no person named: two queries."""
    rows = MaracReferral.objects.filter(referred_on__gte=start, referred_on__lte=end).exclude(
        status=ReferralStatus.WITHDRAWN
    )
    counts = {
        r["route"]: (r["n"], r["repeats"])
        for r in rows.values("route").annotate(n=Count("id"), repeats=Count("id", filter=Q(is_repeat=True)))
    }
    by_route = [
        RouteCount(str(route), label, *counts.get(str(route), (0, 0)))
        for route, label in rules.ROUTE_LABELS.items()
    ]
    perpetrators = rows.filter(perpetrator__isnull=False).aggregate(
        people=Count("perpetrator_id", distinct=True), referrals=Count("id")
    )
    total = sum(c.referrals for c in by_route)
    return VawgReport(
        start=start,
        end=end,
        repeat_rate=rules.RepeatRate(referrals=total, repeats=sum(c.repeats for c in by_route)),
        by_route=by_route,
        perpetrators_in_caseload=perpetrators["people"],
        referrals_with_perpetrator_in_caseload=perpetrators["referrals"],
    )


@dataclass(frozen=True)
class PerpetratorRow:
    person: Person
    referrals: int
    repeats: int
    last_referred: date


def perpetrators_in_caseload(
    actor: Actor, *, start: date, end: date, limit: int = 200
) -> list[PerpetratorRow]:
    """The perpetrators named in the period's referrals, for the roles that support victims, and only those
    the actor may see; most referrals first. Two queries."""
    if not supports_victims(actor):
        return []
    rows = list(
        MaracReferral.objects.filter(
            referred_on__gte=start,
            referred_on__lte=end,
            perpetrator__in=visible_people(actor),
        )
        .exclude(status=ReferralStatus.WITHDRAWN)
        .values("perpetrator_id")
        .annotate(n=Count("id"), repeats=Count("id", filter=Q(is_repeat=True)), last=Max("referred_on"))
        .order_by("-n", "-last", "perpetrator_id")[:limit]
    )
    people = Person.objects.in_bulk([r["perpetrator_id"] for r in rows])
    return [
        PerpetratorRow(people[r["perpetrator_id"]], r["n"], r["repeats"], r["last"])
        for r in rows
        if r["perpetrator_id"] in people
    ]
