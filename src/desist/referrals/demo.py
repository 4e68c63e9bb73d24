"""Services, referrals and accommodation places for the demo partnership: a catalogue of realistic services
(some full and some over capacity with waiting lists, mental health treatment with long waits), referrals at
every stage, and premises (a 22-place hostel nearly full, approved premises, supported housing) with bookings.
Bulk writes over a few hundred people: well under a second at any demo size."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import cycle

from django.db import transaction

from desist.partnership.models import Agency, AgencyKind
from desist.people.models import Person
from desist.premises.models import BedSpace, Booking, Premises
from desist.referrals.models import Referral, ReferralEvent, Service

# name, provider kind, pathway, capacity, unit, response days, in use, waiting, finished (12 weeks),
# days people waited, sexes, ages.
CATALOGUE = [
    (
        "Mental health treatment requirement (MHTR)",
        AgencyKind.HEALTH,
        "health",
        12,
        "places",
        10,
        12,
        26,
        4,
        95,
        [],
        None,
    ),
    (
        "Primary care mental health assessment",
        AgencyKind.HEALTH,
        "health",
        20,
        "places",
        5,
        17,
        6,
        18,
        30,
        [],
        None,
    ),
    (
        "Drug rehabilitation requirement (DRR)",
        AgencyKind.TREATMENT,
        "drugs_alcohol",
        30,
        "places",
        5,
        30,
        9,
        22,
        24,
        [],
        None,
    ),
    (
        "Alcohol treatment requirement (ATR)",
        AgencyKind.TREATMENT,
        "drugs_alcohol",
        15,
        "places",
        5,
        11,
        0,
        14,
        10,
        [],
        None,
    ),
    (
        "Housing options and duty to refer",
        AgencyKind.HOUSING,
        "accommodation",
        25,
        "places",
        3,
        25,
        14,
        20,
        35,
        [],
        None,
    ),
    (
        "Employment support (Restart)",
        AgencyKind.JOB_CENTRE,
        "education_skills_work",
        40,
        "places",
        5,
        22,
        0,
        30,
        7,
        [],
        None,
    ),
    (
        "Benefits, debt and ID advice",
        AgencyKind.VOLUNTARY,
        "finance_benefit_debt_id",
        10,
        "sessions_per_week",
        5,
        8,
        2,
        25,
        6,
        [],
        None,
    ),
    (
        "Women's centre programme",
        AgencyKind.VOLUNTARY,
        "attitudes_thinking_behaviour",
        16,
        "places",
        5,
        14,
        3,
        9,
        18,
        ["female"],
        None,
    ),
    (
        "Young adults mentoring (18 to 24)",
        AgencyKind.YOUTH_JUSTICE,
        "children_families_community",
        12,
        "places",
        5,
        9,
        0,
        8,
        12,
        [],
        (18, 24),
    ),
    (
        "Thinking skills programme",
        AgencyKind.PROBATION,
        "attitudes_thinking_behaviour",
        10,
        "sessions_per_week",
        7,
        10,
        7,
        6,
        42,
        [],
        None,
    ),
]
NEW_PER_SERVICE = 3  # referrals made and not yet answered; the first of each is past its response time

PREMISES = [
    # name, kind, provider kind, beds (step-free), women only, men only, sexual offences, occupied, arriving
    ("Medway Road Hostel", "hostel", AgencyKind.HOUSING, 22, 2, False, False, False, 20, 1),
    ("Kent Approved Premises", "approved_premises", AgencyKind.PROBATION, 20, 2, False, True, True, 17, 2),
    (
        "Elm House Approved Premises (women)",
        "approved_premises",
        AgencyKind.PROBATION,
        12,
        4,
        True,
        False,
        True,
        8,
        1,
    ),
    ("Harbour Supported Housing", "supported_housing", AgencyKind.VOLUNTARY, 8, 8, False, False, False, 5, 0),
]


def _agency(kind: str) -> Agency:
    agency = Agency.objects.filter(kind=kind).order_by("id").first() or Agency.objects.order_by("id").first()
    if agency is None:
        raise ValueError("The demo's services need an agency: load the partnership first.")
    return agency


def _age(dob: date | None, on: date) -> int | None:
    return None if dob is None else on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


@transaction.atomic
def demo_referrals_build(today: date) -> dict[str, int]:
    """The catalogue, referrals at every stage, premises with beds, and bookings (bulk, no per-row log: the
    demo's history is synthetic, like the rest of the build)."""
    needed = sum(c[6] + c[7] + c[8] + NEW_PER_SERVICE for c in CATALOGUE) + sum(
        p[8] + p[9] + 4 for p in PREMISES
    )
    people = list(
        Person.objects.filter(
            involvements__agency__kind=AgencyKind.PROBATION,
            involvements__end_date__isnull=True,
            merged_into__isnull=True,
        )
        .distinct()
        .order_by("id")
        .values_list("id", "sex", "date_of_birth")[: needed * 3]
    )
    if not people:
        return {"services": 0, "referrals": 0, "premises": 0, "bookings": 0}
    women = cycle([p for p in people if p[1] == "female"] or people)
    young = cycle([p for p in people if (a := _age(p[2], today)) is not None and 18 <= a <= 24] or people)
    anyone = cycle(people)
    services: list[Service] = []
    referrals: list[Referral] = []
    taken: set[tuple[int, str]] = set()
    for (
        name,
        kind,
        pathway,
        capacity,
        unit,
        response,
        in_use,
        waiting,
        finished,
        wait,
        sexes,
        ages,
    ) in CATALOGUE:
        service = Service.objects.create(
            name=name,
            provider=_agency(kind),
            pathway=pathway,
            capacity=capacity,
            unit=unit,
            response_days=response,
            sexes=sexes,
            min_age=ages[0] if ages else None,
            max_age=ages[1] if ages else None,
        )
        services.append(service)
        pool = women if sexes else young if ages else anyone

        def person_for(need: str) -> int | None:
            # One open referral per person and need, as the service insists; a small demo runs out first.
            for _ in range(len(people)):
                person_id = next(pool)[0]  # noqa: B023
                if (person_id, need) not in taken:
                    taken.add((person_id, need))
                    return person_id
            return None

        def add(status: str, made_ago: int, **dates: object) -> None:
            person_id = person_for(pathway)  # noqa: B023
            if person_id is not None:
                referrals.append(
                    Referral(
                        person_id=person_id,
                        service=service,  # noqa: B023
                        need=pathway,  # noqa: B023
                        made_on=today - timedelta(days=made_ago),
                        status=status,
                        **dates,
                    )
                )

        for i in range(finished):  # finished in the last 12 weeks, after the usual wait
            ended = today - timedelta(days=3 + i * 80 // max(finished, 1))
            started = ended - timedelta(days=42)
            accepted = started - timedelta(days=wait)
            referrals.append(
                Referral(
                    person_id=next(pool)[0],
                    service=service,
                    need=pathway,
                    status="completed",
                    made_on=accepted - timedelta(days=3),
                    acknowledged_on=accepted - timedelta(days=1),
                    accepted_on=accepted,
                    started_on=started,
                    ended_on=ended,
                    outcome=("achieved", "partly", "not_achieved")[i % 3],
                )
            )
        for i in range(in_use):
            started = today - timedelta(days=5 + i * 3)
            add(
                "started",
                (started - today).days * -1 + wait + 3,
                acknowledged_on=started - timedelta(days=wait + 1),
                accepted_on=started - timedelta(days=wait),
                started_on=started,
            )
        for i in range(waiting):
            accepted = today - timedelta(days=min(wait * 2, 200) * (waiting - i) // max(waiting, 1))
            add(
                "waiting",
                (today - accepted).days + 3,
                acknowledged_on=accepted - timedelta(days=1),
                accepted_on=accepted,
            )
        for i in range(NEW_PER_SERVICE):
            made_ago = response + 4 if i == 0 else i
            add("made", made_ago, overdue_on=today - timedelta(days=3) if made_ago > response else None)
    Referral.objects.bulk_create(referrals, batch_size=1000)
    ReferralEvent.objects.bulk_create(
        [ReferralEvent(referral=r, kind="made", on=r.made_on) for r in referrals], batch_size=1000
    )
    bookings = _premises(today, anyone, women, cycle([p for p in people if p[1] == "male"] or people))
    return {
        "services": len(services),
        "referrals": len(referrals),
        "premises": len(PREMISES),
        "bookings": bookings,
    }


def _premises(
    today: date,
    anyone: cycle[tuple[int, str, date | None]],
    women: cycle[tuple[int, str, date | None]],
    men: cycle[tuple[int, str, date | None]],
) -> int:
    rows: list[Booking] = []
    for name, kind, provider, beds, step_free, women_only, men_only, sexual, occupied, arriving in PREMISES:
        premises = Premises.objects.create(
            name=name,
            kind=kind,
            provider=_agency(provider),
            women_only=women_only,
            men_only=men_only,
            accepts_sexual_offences=sexual,
        )
        spaces = BedSpace.objects.bulk_create(
            [BedSpace(premises=premises, name=f"Room {i + 1}", step_free=i < step_free) for i in range(beds)]
        )
        pool = women if women_only else anyone
        for i, bed in enumerate(spaces):
            person_id = next(men if men_only else pool)[0]
            if i < occupied:  # in now; most stay 12 weeks, some leave within the 8-week window
                arrived = today - timedelta(days=7 + i * 3)
                rows.append(
                    Booking(
                        person_id=person_id,
                        bed=bed,
                        expected_arrival=arrived,
                        arrived_on=arrived,
                        expected_departure=today + timedelta(days=10 + i * 11 % 80),
                        status="arrived",
                    )
                )
                if i < 2:  # someone who left before, and where they went
                    rows.append(
                        Booking(
                            person_id=next(pool)[0],
                            bed=bed,
                            expected_arrival=arrived - timedelta(days=90),
                            arrived_on=arrived - timedelta(days=90),
                            expected_departure=arrived,
                            departed_on=arrived,
                            status="departed",
                            move_on=("settled", "temporary")[i],
                        )
                    )
            elif i < occupied + arriving:
                start = today + timedelta(days=2 + i % 5)
                rows.append(
                    Booking(
                        person_id=person_id,
                        bed=bed,
                        expected_arrival=start,
                        expected_departure=start + timedelta(weeks=12),
                        status="expected",
                    )
                )
    Booking.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
