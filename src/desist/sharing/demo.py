"""The demo partnership's sharing agreements, like a real partnership's information sharing protocol:
probation and police see most of a record; health data only to health and treatment; victims only to
victim liaison officers (and MARAC's coordinator and IDVAs); housing, the job centre and the voluntary sector
what their work needs, the voluntary sector's wider share resting on the person's consent. Plus the data
protection officer's demo login, one restricted case and one consent. Synthetic throughout."""

from __future__ import annotations

from datetime import date, timedelta

from django.apps import apps
from django.contrib.auth.models import Permission, User
from django.db import transaction

from desist.core import sharing as c
from desist.partnership.models import Agency, AgencyKind, Membership, Role
from desist.sharing.models import CaseRestriction, Consent, LawfulBasis, RestrictionKind, SharingAgreement

DPO_LOGIN = "demo.dpo"
CASE = ["case_management", "risk_management", "safeguarding", "partnership_panel"]
LE = LawfulBasis.LAW_ENFORCEMENT
TASK = LawfulBasis.PUBLIC_TASK
HEALTH_CONDITION = "UK GDPR Art. 9(2)(h) health or social care; DPA 2018 Sch. 1 para 2"
SAFEGUARDING_CONDITION = "DPA 2018 Sch. 1 para 18 safeguarding of children and individuals at risk"

# reference, title, recipient kind, roles, categories, purposes, basis, Article 9 condition
AGREEMENTS: list[tuple[str, str, str, list[str], list[str], list[str], str, str]] = [
    (
        "isp-core-justice",
        "Core justice partners: probation, police and prisons",
        AgencyKind.PROBATION,
        [],
        [c.IDENTITY, c.ADDRESSES, c.OFFENCES, c.SENTENCE, c.RISK, c.NEEDS, c.FAMILY, c.CONTACTS],
        [],
        LE,
        "",
    ),
    (
        "isp-core-police",
        "Core justice partners: police",
        AgencyKind.POLICE,
        [],
        [c.IDENTITY, c.ADDRESSES, c.OFFENCES, c.SENTENCE, c.RISK, c.NEEDS, c.FAMILY, c.CONTACTS],
        [],
        LE,
        "",
    ),
    (
        "isp-core-prison",
        "Core justice partners: prisons",
        AgencyKind.PRISON,
        [],
        [c.IDENTITY, c.ADDRESSES, c.OFFENCES, c.SENTENCE, c.RISK, c.NEEDS, c.CONTACTS],
        [],
        LE,
        "",
    ),
    (
        "isp-youth-justice",
        "Youth justice service",
        AgencyKind.YOUTH_JUSTICE,
        [],
        [c.IDENTITY, c.ADDRESSES, c.OFFENCES, c.SENTENCE, c.RISK, c.NEEDS, c.FAMILY, c.CONTACTS],
        [],
        LE,
        "",
    ),
    (
        "isp-health",
        "Health: health data to health and treatment services",
        AgencyKind.HEALTH,
        [],
        [c.IDENTITY, c.ADDRESSES, c.SENTENCE, c.NEEDS, c.HEALTH, c.CONTACTS],
        CASE,
        TASK,
        HEALTH_CONDITION,
    ),
    (
        "isp-treatment",
        "Drug and alcohol treatment",
        AgencyKind.TREATMENT,
        [],
        [c.IDENTITY, c.ADDRESSES, c.OFFENCES, c.SENTENCE, c.NEEDS, c.HEALTH, c.CONTACTS],
        CASE,
        TASK,
        HEALTH_CONDITION,
    ),
    (
        "isp-housing",
        "Housing: accommodation on release and at risk",
        AgencyKind.HOUSING,
        [],
        [c.IDENTITY, c.ADDRESSES, c.SENTENCE, c.CONTACTS],
        CASE,
        TASK,
        "",
    ),
    (
        "isp-social-care",
        "Children's and adult social care: safeguarding",
        AgencyKind.SOCIAL_CARE,
        [],
        [c.IDENTITY, c.ADDRESSES, c.OFFENCES, c.SENTENCE, c.RISK, c.FAMILY, c.CONTACTS],
        CASE,
        TASK,
        SAFEGUARDING_CONDITION,
    ),
    (
        "isp-community-safety",
        "Community safety partnership",
        AgencyKind.COUNCIL_COMMUNITY_SAFETY,
        [],
        [c.IDENTITY, c.ADDRESSES, c.OFFENCES, c.SENTENCE, c.RISK, c.CONTACTS],
        [],
        TASK,
        "",
    ),
    (
        "isp-job-centre",
        "Job centre: employment support",
        AgencyKind.JOB_CENTRE,
        [],
        [c.IDENTITY, c.ADDRESSES, c.SENTENCE, c.CONTACTS],
        CASE,
        TASK,
        "",
    ),
    (
        "isp-fire",
        "Fire and rescue: home safety visits",
        AgencyKind.FIRE,
        [],
        [c.IDENTITY, c.ADDRESSES],
        CASE,
        TASK,
        "",
    ),
    (
        "isp-voluntary",
        "Voluntary sector: who they are and how to reach them",
        AgencyKind.VOLUNTARY,
        [],
        [c.IDENTITY, c.CONTACTS],
        CASE,
        TASK,
        "",
    ),
    (
        "isp-voluntary-consent",
        "Voluntary sector: more, with the person's consent",
        AgencyKind.VOLUNTARY,
        [],
        [c.ADDRESSES, c.NEEDS, c.HEALTH],
        CASE,
        LawfulBasis.CONSENT,
        "UK GDPR Art. 9(2)(a) explicit consent",
    ),
    (
        "isp-victims-vlo",
        "Victim contact scheme: victims to victim liaison officers",
        AgencyKind.PROBATION,
        [Role.VICTIM_LIAISON],
        [c.VICTIMS],
        [],
        LE,
        "",
    ),
    (
        "isp-victims-idva",
        "MARAC: victims to the IDVA service",
        AgencyKind.VOLUNTARY,
        [Role.IDVA],
        [c.VICTIMS],
        [],
        TASK,
        "",
    ),
    (
        "isp-victims-marac",
        "MARAC: victims to the MARAC coordinator",
        AgencyKind.POLICE,
        [Role.MARAC_COORDINATOR],
        [c.VICTIMS],
        [],
        LE,
        "",
    ),
]


def dpo_user() -> User:
    """The data protection officer's synthetic user, with the permission the page asks for."""
    user, _ = User.objects.get_or_create(
        username=DPO_LOGIN, defaults={"first_name": "Dana", "last_name": "Protection"}
    )
    user.user_permissions.add(
        Permission.objects.get(codename="act_as_dpo", content_type__app_label="sharing")
    )
    agency = Agency.objects.filter(kind=AgencyKind.COUNCIL_COMMUNITY_SAFETY).first()
    if agency is not None:
        Membership.objects.get_or_create(user=user, agency=agency, defaults={"role": Role.COORDINATOR})
    return user


@transaction.atomic
def demo_sharing_build(today: date) -> dict[str, int]:
    """The agreements (approved a year ago, some due for review), one restricted case and one consent."""
    for i, (ref, title, kind, roles, categories, purposes, basis, condition) in enumerate(AGREEMENTS):
        SharingAgreement.objects.update_or_create(
            reference=ref,
            defaults={
                "title": title,
                "recipient_kind": kind,
                "recipient_roles": [str(r) for r in roles],
                "categories": categories,
                "purposes": purposes,
                "lawful_basis": basis,
                "special_condition": condition,
                "valid_from": today - timedelta(days=365),
                "valid_to": None,
                # Every fifth agreement is due for review within the month.
                "review_date": today + timedelta(days=20 if i % 5 == 0 else 200),
                "approved_by": "Chair of the Reducing Reoffending Board (Senior Information Risk Owner)",
                "approved_on": today - timedelta(days=380),
            },
        )
    dpo = dpo_user()
    involvement = apps.get_model("people", "Involvement")
    voluntary = Agency.objects.filter(kind=AgencyKind.VOLUNTARY).first()
    consents = 0
    if voluntary is not None:
        person_id = (
            involvement.objects.filter(agency=voluntary)
            .order_by("person_id")
            .values_list("person_id", flat=True)
        ).first()
        if person_id is not None and not Consent.objects.filter(person_id=person_id).exists():
            Consent.objects.create(
                person_id=person_id,
                agency=voluntary,
                categories=[c.ADDRESSES, c.NEEDS, c.HEALTH],
                scope="Agreed at the first session that the mentoring service may see where they live, their "
                "needs and their treatment, to plan support. Recorded on the signed form.",
                given_on=today - timedelta(days=30),
            )
            consents = 1
    restricted = 0
    probation = Agency.objects.filter(kind=AgencyKind.PROBATION).first()
    if probation is not None and not CaseRestriction.objects.exists():
        row = (
            involvement.objects.filter(agency=probation, lead_worker__isnull=False)
            .exclude(lead_worker__username__startswith="demo.")
            .order_by("-person_id")
            .values_list("person_id", "lead_worker_id")
            .first()
        )
        if row is not None:
            CaseRestriction.objects.create(
                person_id=row[0],
                kind=RestrictionKind.RESTRICTED,
                user_id=row[1],
                reason="A member of staff's relative: restricted to the offender manager.",
                contact="The head of the probation delivery unit, through the data protection officer.",
                created_by=dpo,
            )
            restricted = 1
    return {"agreements": len(AGREEMENTS), "consents": consents, "restricted_cases": restricted}
