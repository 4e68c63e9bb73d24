"""Test data made through the product's own services, as a user would make it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User

from desist.audit.context import Actor, actor_for_user, system_actor
from desist.audit.models import Channel
from desist.offences.models import OffenceCode
from desist.partnership.models import Agency, AgencyKind, District, Membership, Role
from desist.people import services as people
from desist.people.models import Person
from desist.registers import services as registers
from desist.sentences import services as sentences
from desist.sentences.models import Sentence, SentenceKind

TODAY = date.today()
PASSWORD = "correct-horse-battery-staple"
# Every page's navigation asks whether the user may act as the data protection officer: the Actor reads it
# with the memberships (desist.audit.context.actor_for_user), so it costs no query. Page query bounds add it.
NAVIGATION_QUERIES = 0


@dataclass
class Partnership:
    medway: District
    canterbury: District
    probation: Agency
    police: Agency
    housing: Agency
    treatment: Agency
    prison: Agency

    @classmethod
    def create(cls) -> Partnership:
        medway = District.objects.create(code="MED", name="Medway")
        canterbury = District.objects.create(code="CAN", name="Canterbury")

        def agency(code: str, name: str, kind: str) -> Agency:
            return Agency.objects.create(code=code, name=name, kind=kind)

        return cls(
            medway=medway,
            canterbury=canterbury,
            probation=agency("probation", "Kent Probation", AgencyKind.PROBATION),
            police=agency("police", "Kent Police", AgencyKind.POLICE),
            housing=agency("housing", "Medway Council Housing", AgencyKind.HOUSING),
            treatment=agency("treatment", "Forward Trust", AgencyKind.TREATMENT),
            prison=agency("prison_elmley", "HMP Elmley", AgencyKind.PRISON),
        )

    def user(self, username: str, agency: Agency, role: str = Role.PRACTITIONER, **extra: Any) -> User:
        user = User.objects.create_user(
            username=username, password=PASSWORD, first_name=username.title(), last_name="Worker", **extra
        )
        Membership.objects.create(user=user, agency=agency, role=role)
        return user


def actor(user: User | None = None, channel: str = Channel.WEB) -> Actor:
    return actor_for_user(user, channel=channel) if user is not None else system_actor()


def person(
    *,
    first_name: str = "John",
    last_name: str = "Smith",
    date_of_birth: date | None = date(1990, 3, 12),
    sex: str = "male",
    district: District | None = None,
    involved: list[tuple[Agency, User | None]] | None = None,
    ended: date | None = None,
) -> Person:
    """A person created through the services, with involvements by the given agencies (and lead workers)."""
    system = system_actor()
    created = people.person_create(
        actor=system,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        sex=sex,
        district_id=district.pk if district else None,
    )
    for agency, lead in involved or []:
        involvement = people.involvement_start(
            actor=system,
            person=created,
            agency_id=agency.pk,
            reason="Supervision",
            start_date=TODAY - timedelta(days=400),
            lead_worker_id=lead.pk if lead else None,
        )
        if ended is not None:
            people.involvement_end(actor=system, involvement=involvement, end_date=ended)
    return created


def custody(
    subject: Person, *, sentence_date: date, length_days: int, release: date, actual: bool = False
) -> Sentence:
    crd = sentence_date + timedelta(days=(length_days + 1) // 2)
    return sentences.sentence_record(
        actor=system_actor(),
        person=subject,
        kind=SentenceKind.CUSTODY,
        sentence_date=sentence_date,
        length_days=length_days,
        conditional_release_date=crd,
        release_date=release,
        release_is_actual=actual,
        licence_expiry_date=sentence_date + timedelta(days=length_days),
        sentence_expiry_date=sentence_date + timedelta(days=length_days + 365),
    )


def community_order(subject: Person, *, start: date, months: int = 12) -> Sentence:
    end = start + timedelta(days=30 * months)
    return sentences.sentence_record(
        actor=system_actor(),
        person=subject,
        kind=SentenceKind.COMMUNITY_ORDER,
        sentence_date=start,
        length_days=(end - start).days,
        start_date=start,
        end_date=end,
    )


def flag(subject: Person, kind: str, **extra: Any) -> Any:
    return registers.register_add(
        actor=system_actor(), person=subject, kind=kind, start_date=TODAY - timedelta(days=30), **extra
    )


def offence_code(
    code: str = "02800", category: str = "Burglary (domestic)", weight: float = -0.1239
) -> OffenceCode:
    return OffenceCode.objects.get_or_create(
        code=code,
        defaults={
            "category": int(code[:3]),
            "subcategory": int(code[3:]),
            "ogrs3_category": category,
            "ogrs3_weight": weight,
        },
    )[0]
