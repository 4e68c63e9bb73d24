"""MARAC for the demo partnership (issue 15, item 2): a year of synthetic referrals from
desist.core.synth.marac, recorded through the services as the demo's MARAC coordinator (`demo.marac`, a
synthetic user of the police), so every checklist, referral, perpetrator link, action and hearing names the
user who decided it. Perpetrators in the caseload are people the coordinator's agency works with. Loaded once:
a second build finds the demo's MARAC references and adds nothing."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.models import User
from django.db import transaction

from desist.audit.context import Actor, actor_for_user
from desist.audit.models import Channel
from desist.core.marac import Route
from desist.core.synth.marac import generate_marac
from desist.marac import services
from desist.marac.models import MaracReferral, MaracVictim
from desist.partnership.models import Agency, Membership, Role
from desist.people.models import Person
from desist.people.selectors import visible_people

USERNAME = "demo.marac"
# The agencies that refer to a MARAC, in the order the referrals take them, and what each agrees to do.
REFERRERS = ("police", "police", "voluntary", "health", "probation", "social_care", "housing")
ACTIONS = {
    "police": "Flag the address for a priority response and share call-outs with the IDVA",
    "voluntary": "IDVA to contact the victim within two working days and agree a safety plan",
    "housing": "Assess the home for the sanctuary scheme and a managed move if needed",
    "probation": "Review the perpetrator's risk management plan and licence conditions",
    "social_care": "Check the children's safeguarding plan and tell the school's safeguarding lead",
    "health": "Flag the victim's GP record and share the safe contact with the midwife",
}
HEARD_AFTER_DAYS = 14  # a monthly MARAC hears a referral within a fortnight or so


def marac_coordinator_user() -> User:
    """The demo's MARAC coordinator: a synthetic user of the police (made once), with the role."""
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user = User.objects.create_user(username=USERNAME, first_name="Morgan", last_name="Synthetic")
    agency = (
        Agency.objects.filter(kind="police").order_by("pk").first() or Agency.objects.order_by("pk").first()
    )
    if agency is not None and not user.memberships.exists():
        Membership.objects.create(user=user, agency=agency, role=Role.MARAC_COORDINATOR)
    return user


IDVA_USERNAME = "demo.idva"


def idva_user() -> User:
    """The demo's IDVA: a synthetic user of the voluntary sector's IDVA service (made once), with the role."""
    user = User.objects.filter(username=IDVA_USERNAME).first()
    if user is None:
        user = User.objects.create_user(username=IDVA_USERNAME, first_name="Isla", last_name="Synthetic")
    agency = Agency.objects.filter(kind="voluntary").order_by("code").first()
    if agency is not None and not user.memberships.exists():
        Membership.objects.create(user=user, agency=agency, role=Role.IDVA)
    return user


def _perpetrator_pool(actor_user: User, limit: int = 300) -> list[int]:
    """Men with offences the coordinator's agency works with, in a stable order."""
    actor = actor_for_user(actor_user, channel=Channel.CLI, purpose="risk_management")
    return list(
        visible_people(actor)
        .filter(sex="male", offences__isnull=False)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


@transaction.atomic
def demo_marac_build(today: date, *, seed: int = 15, victims: int | None = None) -> dict[str, int]:
    """Record a year of MARAC referrals to `today`: victims, checklists, referrals by each route (repeats
    among them), perpetrators linked where they are in the caseload, each agency's actions (older ones done,
    some overdue) and hearings for all but the last fortnight's."""
    counts = {
        "victims": 0,
        "referrals": 0,
        "repeats": 0,
        "perpetrators linked": 0,
        "actions": 0,
        "overdue": 0,
    }
    if MaracVictim.objects.filter(reference__startswith="MARAC-").exists():
        return counts
    user = marac_coordinator_user()
    actor = actor_for_user(user, channel=Channel.CLI, purpose="risk_management")
    pool = _perpetrator_pool(user)
    agencies = {a.kind: a for a in Agency.objects.order_by("-pk")}
    if victims is None:
        victims = max(30, min(150, Person.objects.count() // 25))
    made = generate_marac(seed=seed, as_of=today, victims=victims, perpetrator_pool=len(pool))
    recorded: dict[int, MaracVictim] = {}
    details = {v.key: v for v in made.victims}
    for i, r in enumerate(made.referrals):
        agency = agencies.get(REFERRERS[i % len(REFERRERS)]) or next(iter(agencies.values()))
        victim = recorded.get(r.victim_key)
        if victim is None:
            v = details[r.victim_key]
            victim = services.victim_record(
                actor=actor,
                reference=v.reference,
                name=v.name,
                date_of_birth=v.date_of_birth,
                on=r.referred_on,
            )
            recorded[r.victim_key] = victim
        _, referral = services.dash_record(
            actor=actor,
            victim=victim,
            answers=list(r.answers),
            incident_on=r.incident_on,
            agency=agency,
            on=r.referred_on,
        )
        if referral is None:
            referral = services.referral_make(
                actor=actor,
                victim=victim,
                route=r.route,
                incident_on=r.incident_on,
                referring_agency=agency,
                judgement_reason=r.judgement_reason,
                police_call_outs=r.police_call_outs,
                on=r.referred_on,
            )
        assert r.route == Route.DASH_SCORE or referral.route == r.route
        counts["referrals"] += 1
        counts["repeats"] += referral.is_repeat
        if r.perpetrator is not None and pool:
            services.perpetrator_link(actor=actor, referral=referral, person_id=pool[r.perpetrator])
            counts["perpetrators linked"] += 1
        _actions(actor, referral, agencies, i, today, counts)
        heard_on = r.referred_on + timedelta(days=HEARD_AFTER_DAYS)
        if heard_on <= today:
            services.referral_heard(actor=actor, referral=referral, heard_on=heard_on)
    counts["victims"] = len(recorded)
    return counts


def _actions(
    actor: Actor,
    referral: MaracReferral,
    agencies: dict[str, Agency],
    i: int,
    today: date,
    counts: dict[str, int],
) -> dict[str, int]:
    """Three agencies' actions on a referral: the police, the IDVA service and one more."""
    kinds = ("police", "voluntary", ("housing", "probation", "social_care", "health")[i % 4])
    for n, kind in enumerate(kinds):
        agency = agencies.get(kind)
        if agency is None:
            continue
        due = referral.referred_on + timedelta(days=14 + 7 * n)
        action = services.action_add(
            actor=actor,
            referral=referral,
            agency=agency,
            text=ACTIONS[kind],
            due_on=due,
            on=referral.referred_on,
        )
        counts["actions"] += 1
        if due < today:
            # Most are done by their due date; one in seven is left open, overdue, for the agencies to chase.
            if (i + n) % 7 == 3:
                counts["overdue"] += 1
            else:
                services.action_close(actor=actor, action=action, status="done", on=due)
    return counts
