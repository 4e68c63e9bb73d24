"""The demo's tracking with the police (issue 14; the seeds' satellite tracking with BUDDI for IOM): a few
people adopted into the IOM cohort and under supervision wear a GPS tag, set up through the monitoring app's
own services (a tag licence condition or an electronic monitoring requirement, and a trail order; for the
first, an exclusion zone), and the last day of their trail arrives as a supplier's feed through
`monitoring.services.import_feed`, so a zone entry the trail makes raises its alert as a real feed's would.
The IOM police officers see them at /monitoring/tracking/. Run once, after the cohort is adopted."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone

from desist.audit.context import actor_for_user
from desist.audit.models import Channel
from desist.core import monitoring as rules
from desist.core.synth.monitoring import SUPPLIERS, trail_points
from desist.iom.models import CohortMembership, MembershipStatus
from desist.monitoring import services as monitoring
from desist.monitoring.models import MonitoringOrder, OrderKind
from desist.people.models import Involvement
from desist.sentences import services as sentences
from desist.sentences.models import Sentence, SentenceKind

SUPPLIER = SUPPLIERS[0]
TRACKED = 4  # cohort members tagged in the demo


def _sentence_in_force(person_id: int, today: date) -> Sentence | None:
    return (
        Sentence.objects.filter(person_id=person_id)
        .filter(
            Q(kind=SentenceKind.CUSTODY, release_is_actual=True, licence_expiry_date__gte=today)
            | Q(
                kind__in=(SentenceKind.COMMUNITY_ORDER, SentenceKind.SUSPENDED_SENTENCE_ORDER),
                end_date__gte=today,
            )
        )
        .order_by("-sentence_date", "-id")
        .first()
    )


def _zone_round(lon: float, lat: float) -> dict[str, object]:
    west, east, south, north = lon - 0.006, lon + 0.006, lat - 0.004, lat + 0.004
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [[[round(x, 5), round(y, 5)] for x, y in ring]]}


def demo_iom_tracking(today: date, *, seed: int = 7, now: datetime | None = None) -> dict[str, int]:
    """Tag up to TRACKED IOM cohort members under supervision and import the last day of their trails;
    returns the people tagged, the points imported and the alerts the trails raised."""
    counts = {"tagged": 0, "points": 0, "alerts": 0}
    if MonitoringOrder.objects.filter(supplier=SUPPLIER, device_id__startswith="IOM").exists():
        return counts
    now = now or timezone.now()
    leads = dict(
        Involvement.objects.filter(
            agency__kind="probation", end_date__isnull=True, lead_worker__isnull=False
        ).values_list("person_id", "lead_worker_id")
    )
    # The police work with them too (the IOM police officers see the people their force is involved with).
    police = Involvement.objects.filter(agency__kind="police", end_date__isnull=True).values("person_id")
    members = (
        CohortMembership.objects.filter(status=MembershipStatus.ADOPTED, person_id__in=list(leads))
        .filter(person_id__in=police)
        .select_related("person__district")
        .order_by("person_id")
    )
    for membership in members:
        if counts["tagged"] == TRACKED:
            break
        person = membership.person
        sentence = _sentence_in_force(person.pk, today)
        if sentence is None:
            continue
        officer = actor_for_user(User.objects.get(pk=leads[person.pk]), channel=Channel.CLI)
        first = counts["tagged"] == 0
        kind = OrderKind.EXCLUSION_ZONE if first else OrderKind.TRAIL
        requirement = condition = None
        if sentence.kind == SentenceKind.CUSTODY:
            code, text = (
                ("ADD_EXCLUSION_ZONE", "Not to enter the area defined on the attached map.")
                if first
                else ("ADD_EM_TAG", "Allow your whereabouts to be electronically monitored by wearing a tag.")
            )
            condition = sentence.licence_conditions.filter(code=code, ended_on__isnull=True).first()
            condition = condition or sentences.licence_condition_add(
                actor=officer, sentence=sentence, kind="additional", code=code, description=text
            )
        else:
            requirement = sentences.requirement_add(
                actor=officer,
                sentence=sentence,
                kind="exclusion" if first else "electronic_monitoring",
                start_date=today - timedelta(days=14),
                end_date=sentence.end_date,
            )
        centre = rules.DISTRICT_CENTRES.get(person.district.code if person.district else "", (0.55, 51.27))
        # Home a little way off the district's centre, different for each person.
        home = (centre[0] + ((person.pk % 7) - 3) * 0.004, centre[1] + ((person.pk % 5) - 2) * 0.003)
        # The first tag's exclusion zone lies about 3.5 km from home, beyond where the day's wandering goes
        # (its spread is under 1 km), so the trail enters it once: on the afternoon visit.
        visit = (home[0] + 0.04, home[1] + 0.02) if first else None
        device = f"IOM{person.pk:07d}"
        monitoring.create_order(
            actor=officer,
            person=person,
            kind=kind,
            requirement=requirement,
            licence_condition=condition,
            start_date=today - timedelta(days=14),
            supplier=SUPPLIER,
            device_id=device,
            zone=_zone_round(*visit) if visit else None,
            zone_name="Victim's home area" if visit else "",
        )
        points = trail_points(seed, person.pk, home=home, until=now, visit=visit)
        rows = ["event_id,device_id,event_type,timestamp,latitude,longitude"]
        rows += [
            f"IOM-{person.pk}-{n},{device},gps,{at.astimezone(rules.LONDON).isoformat()},{lat},{lon}"
            for n, (at, lon, lat) in enumerate(points)
        ]
        result = monitoring.import_feed(
            actor=officer,
            supplier=SUPPLIER,
            content=("\n".join(rows) + "\n").encode(),
            file_name=f"{SUPPLIER}-trail-{person.pk}.csv",
            received_at=now,
        )
        counts["tagged"] += 1
        counts["points"] += result.events_added
        counts["alerts"] += result.alerts_raised
    return counts
