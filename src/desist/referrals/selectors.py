"""Reads about services and referrals. A referral is visible to whoever may see the person
(people.selectors.visible_people) and to the provider agency it was made to."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from desist.assessments.models import RiskScore, ScoreKind
from desist.audit.context import Actor, actor_for_user
from desist.audit.models import Channel
from desist.audit.refusals import refuse
from desist.core import referrals as rules
from desist.core.sharing import ALL, CATEGORIES
from desist.people.models import Person
from desist.people.selectors import visible_people
from desist.priority.models import PriorityGroupMembership
from desist.referrals.models import OPEN_STATUSES, ProviderNotice, Referral, ReferralStatus, Service
from desist.sharing.pages import log_withheld
from desist.sharing.selectors import shared_categories_for


def person_facts(person: Person, *, on: date) -> rules.PersonFacts:
    """Sex, age, current RoSH level and current priority groups (two queries)."""
    rosh = (
        RiskScore.objects.filter(person=person, kind=ScoreKind.ROSH, is_current=True)
        .values_list("value", flat=True)
        .first()
    ) or ""
    groups = (
        PriorityGroupMembership.objects.filter(person=person, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values_list("group", flat=True)
    )
    return rules.PersonFacts(
        sex=person.sex,
        age=rules.age_on(person.date_of_birth, on),
        rosh=rosh,
        priority_groups=frozenset(groups),
    )


def service_eligibility(service: Service) -> rules.Eligibility:
    return rules.Eligibility(
        sexes=frozenset(service.sexes),
        min_age=service.min_age,
        max_age=service.max_age,
        risk_bands=frozenset(service.risk_bands),
        priority_groups=frozenset(service.priority_groups),
    )


def services_for(
    person: Person, *, on: date, shared: frozenset[str] = ALL
) -> list[tuple[Service, list[str]]]:
    """Every active service with the reasons the person does not fit it (empty: they fit), in words that give
    only what `shared` (the reader's categories of the person) allows."""
    facts = person_facts(person, on=on)
    return [
        (s, rules.eligibility_reasons(service_eligibility(s), facts, shared))
        for s in Service.objects.filter(is_active=True).select_related("provider")
    ]


def referrals_visible(actor: Actor, *, on: date | None = None) -> QuerySet[Referral]:
    """Referrals of people the actor may see, and referrals made to the actor's agencies."""
    return Referral.objects.filter(
        Q(person__in=visible_people(actor, on=on)) | Q(service__provider_id__in=actor.agency_ids)
    )


def referral_detail(actor: Actor, referral_id: int) -> Referral | None:
    return (
        referrals_visible(actor)
        .filter(pk=referral_id)
        .select_related("person", "service", "service__provider", "made_by", "made_by_agency")
        .prefetch_related("events", "events__by")
        .first()
    )


def withheld_of(actor: Actor, referral: Referral, shared: frozenset[str]) -> frozenset[str]:
    """The categories of its person a referral holds (its need's) that the actor's agency is not given
    (`shared`: sharing.selectors.shared_categories of the person). None for the agency that made it or the
    provider it was made to: the referral is theirs, made to be read by both."""
    if referral.made_by_agency_id in actor.agency_ids or referral.service.provider_id in actor.agency_ids:
        return frozenset()
    return rules.need_categories(referral.need) - shared


def with_sharing(actor: Actor, referrals: list[Referral], *, where: str) -> list[Referral]:
    """The referrals, each with what its reader may not see of it (`Referral.withheld`, `withheld_what`),
    from the one decision (sharing.selectors.shared_categories_for: at most two queries for the list); what
    is withheld is logged once (sharing.pages.log_withheld). A withheld referral shows its status and dates
    only: its service, provider, need, details and history say what the person is referred for."""
    shared = shared_categories_for(actor, sorted({r.person_id for r in referrals}))
    withheld: dict[int, set[str]] = {}
    for r in referrals:
        categories = withheld_of(actor, r, shared[r.person_id])
        r.withheld = tuple(sorted(categories))
        labels = ", ".join(CATEGORIES[c].lower() for c in r.withheld)
        r.withheld_what = f"The referral's service, need and details ({labels})" if categories else ""
        if categories:
            withheld.setdefault(r.person_id, set()).update(categories)
    log_withheld(actor, withheld, where=where)
    return referrals


def person_referrals(person_id: int) -> list[Referral]:
    """A person's referrals, newest first, with their services (one query)."""
    return list(
        Referral.objects.filter(person_id=person_id)
        .select_related("service", "service__provider")
        .order_by("-made_on", "-id")
    )


def referrals_needing(user: Any, on: date | None = None) -> QuerySet[Referral]:
    """Referrals waiting for the user's agency (a User or an Actor) to acknowledge, accept or decline: made to
    one of its services and not yet answered, longest waiting first. One query when iterated."""
    actor = user if isinstance(user, Actor) else actor_for_user(user, channel=Channel.WEB)
    on = on or timezone.localdate()
    return (
        Referral.objects.filter(
            service__provider_id__in=actor.agency_ids,
            made_on__lte=on,
            status__in=[ReferralStatus.MADE, ReferralStatus.ACKNOWLEDGED],
        )
        .select_related("person", "service", "service__provider")
        .order_by("made_on", "id")
    )


def referral_for_actor(actor: Actor, referral_id: int) -> Referral:
    """`referral_detail`, or the refusal logged and the channel's 404 raised (desist.audit.refusals)."""
    referral = referral_detail(actor, referral_id)
    if referral is None:
        person_id = Referral.objects.filter(pk=referral_id).values_list("person_id", flat=True).first()
        refuse(actor, summary=f"Refused access to referral {referral_id}", person_id=person_id)
    return referral


def notice_for_actor(actor: Actor, notice_id: int) -> ProviderNotice:
    """A notice addressed to one of the actor's agencies, or a logged refusal (404)."""
    notice = provider_notices(actor).filter(pk=notice_id).first()
    if notice is None:
        person_id = (
            ProviderNotice.objects.filter(pk=notice_id).values_list("referral__person_id", flat=True).first()
        )
        refuse(actor, summary=f"Refused access to referral notice {notice_id}", person_id=person_id)
    return notice


def provider_notices(actor: Actor) -> QuerySet[ProviderNotice]:
    """Notices addressed to one of the actor's agencies, read or not, newest first. Only the provider is
    told, so an administrator with no such agency sees none."""
    return ProviderNotice.objects.filter(provider_id__in=actor.agency_ids).select_related(
        "referral__person", "referral__service"
    )


def provider_notices_unread(actor: Actor) -> QuerySet[ProviderNotice]:
    """The actor's agencies' notices no one there has marked read yet (one query when iterated)."""
    return provider_notices(actor).filter(read_at__isnull=True)


@dataclass(frozen=True)
class WaitingEntry:
    referral: Referral
    position: int
    expected_wait_weeks: int | None


@dataclass(frozen=True)
class ServiceCapacity:
    service: Service
    in_use: int
    waiting: int
    finished: int  # completed or ended in the throughput window
    average_wait_days: float | None  # accepted to started, for those started in the window
    throughput: float

    @property
    def free(self) -> int:
        return max(self.service.capacity - self.in_use, 0)

    @property
    def over_capacity(self) -> bool:
        return self.in_use + self.waiting > self.service.capacity

    @property
    def at_capacity(self) -> bool:
        return self.in_use >= self.service.capacity


def _window(on: date) -> date:
    return on - timedelta(weeks=settings.DESIST_REFERRAL_THROUGHPUT_WEEKS)


def capacity(services: QuerySet[Service], *, on: date) -> list[ServiceCapacity]:
    """Places, in use, waiting, throughput and average wait for each service (two queries)."""
    since = _window(on)
    rows = list(
        services.select_related("provider").annotate(
            in_use=Count("referrals", filter=Q(referrals__status=ReferralStatus.STARTED)),
            waiting=Count("referrals", filter=Q(referrals__status=ReferralStatus.WAITING)),
            finished=Count(
                "referrals",
                filter=Q(
                    referrals__status__in=[ReferralStatus.COMPLETED, ReferralStatus.ENDED],
                    referrals__started_on__isnull=False,
                    referrals__ended_on__gte=since,
                ),
            ),
        )
    )
    waits: dict[int, list[int]] = defaultdict(list)
    for service_id, accepted, started in Referral.objects.filter(
        service__in=[s.pk for s in rows], started_on__gte=since, accepted_on__isnull=False
    ).values_list("service_id", "accepted_on", "started_on"):
        if started is not None and accepted is not None:  # both filtered for above
            waits[service_id].append((started - accepted).days)
    weeks = settings.DESIST_REFERRAL_THROUGHPUT_WEEKS
    return [
        ServiceCapacity(
            service=s,
            in_use=s.in_use,
            waiting=s.waiting,
            finished=s.finished,
            average_wait_days=(sum(waits[s.pk]) / len(waits[s.pk])) if waits[s.pk] else None,
            throughput=rules.weekly_throughput(s.finished, weeks),
        )
        for s in rows
    ]


def capacity_by_pathway(rows: list[ServiceCapacity]) -> list[dict[str, Any]]:
    """The services' figures added up by pathway; the average wait weighs each service by its starts."""
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        total = out.setdefault(
            row.service.pathway,
            {
                "pathway": row.service.get_pathway_display(),
                "places": 0,
                "in_use": 0,
                "waiting": 0,
                "services": 0,
                "waits": [],
            },
        )
        total["services"] += 1
        total["places"] += row.service.capacity
        total["in_use"] += row.in_use
        total["waiting"] += row.waiting
        if row.average_wait_days is not None:
            total["waits"].append(row.average_wait_days)
    for total in out.values():
        waits = total.pop("waits")
        total["average_wait_days"] = sum(waits) / len(waits) if waits else None
    return list(out.values())


def waiting_list(service: Service, *, on: date) -> tuple[ServiceCapacity, list[WaitingEntry]]:
    """The service's waiting list in order of acceptance, each with its position and expected wait in weeks
    (rules.expected_wait_weeks: free places first, then the last 12 weeks' throughput). Three queries."""
    figures = capacity(Service.objects.filter(pk=service.pk), on=on)[0]
    waiting = (
        Referral.objects.filter(service=service, status=ReferralStatus.WAITING)
        .select_related("person", "service")
        .order_by("accepted_on", "id")
    )
    return figures, [
        WaitingEntry(
            referral=r,
            position=i,
            expected_wait_weeks=rules.expected_wait_weeks(
                i, free_places=figures.free, throughput=figures.throughput
            ),
        )
        for i, r in enumerate(waiting, start=1)
    ]


def open_referral_count(person_id: int) -> int:
    return Referral.objects.filter(person_id=person_id, status__in=OPEN_STATUSES).count()
