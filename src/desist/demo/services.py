"""Build the demo partnership: generate a synthetic county (desist.core.synth) and load it.

Its people are made as a partnership's are: each agency's extract is imported through the importer and
the records are linked by the linkage engine (desist.demo.extracts; docs/demo.md). The rest of the record
(sentences, offences, involvements, assessments and so on) is bulk loaded for speed onto the person its
owning agency's record was linked to, and every derived value (key dates, risk scores, families) comes
from the same functions the services use, so demo data is what the product itself would have written.
"""

from __future__ import annotations

import json
import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from desist import risk
from desist.allocation.demo import TEAM_MANAGER_LOGIN, demo_allocation_build, team_manager_user
from desist.assessments.models import Assessment, AssessmentSection
from desist.assessments.services import risk_recalculate, section_need_or_blank
from desist.audit.context import system_actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.board.demo import ANALYST_LOGIN, analyst_user, demo_board_publish
from desist.bulk import copy_rows
from desist.core.synth import generate_partnership
from desist.demo.extracts import JUSTICE, SCHOOL, AgencyRecords, extracts_import, extracts_link
from desist.demo.models import DemoBuild
from desist.demo.monitoring import demo_monitoring_load
from desist.demo.recalls import demo_recalls_record
from desist.demo.supervision import demo_supervision_load
from desist.demo.tracking import demo_iom_tracking
from desist.enforcement.models import Failure
from desist.families.models import SchoolRecord
from desist.families.services import families_refresh
from desist.iom.models import (
    Candidacy,
    CohortMembership,
    Decision,
    DecisionKind,
    LeadProfessional,
    MembershipStatus,
    Panel,
    Strand,
)
from desist.iom.services import candidacy_refresh
from desist.linking.runs import LINK_REASON_PREFIX, LINK_REASON_SUFFIX
from desist.marac.demo import demo_marac_build, idva_user, marac_coordinator_user
from desist.meetings.demo import demo_meetings_build
from desist.offences.models import Offence, OffenceCode
from desist.offences.services import offence_codes_load
from desist.outcomes.demo import demo_outcomes_load
from desist.partnership.models import Agency, District, Membership, Role
from desist.people.models import Address, Identifier, Involvement, Person, PersonName, Relationship
from desist.priority.services import people_to_group, priority_groups_refresh
from desist.referrals.demo import demo_referrals_build
from desist.registers.models import RegisterEntry
from desist.release.demo import demo_releases_build
from desist.sentences.models import KeyDate, LicenceCondition, Requirement, Sentence
from desist.sentences.services import key_date_rows
from desist.sharing.demo import DPO_LOGIN, demo_sharing_build, dpo_user
from desist.strategy.demo import demo_strategy_build
from desist.subject_access.demo import demo_subject_access_build
from desist.supervision.models import Appointment
from desist.victims.demo import demo_victims_build

BATCH = 5000

# The demo logins, one per agency kind: (username, agency kind, role, what they see).
DEMO_LOGINS = [
    ("demo.probation", "probation", Role.PRACTITIONER, "probation practitioner with a caseload"),
    ("demo.police", "police", Role.PRACTITIONER, "police IOM officer"),
    ("demo.prison", "prison", Role.PRACTITIONER, "prison offender management unit"),
    ("demo.housing", "housing", Role.PRACTITIONER, "council housing officer"),
    ("demo.socialcare", "social_care", Role.PRACTITIONER, "children's social care worker"),
    ("demo.health", "health", Role.PRACTITIONER, "health worker"),
    ("demo.treatment", "treatment", Role.PRACTITIONER, "drug and alcohol treatment worker"),
    ("demo.jobcentre", "job_centre", Role.PRACTITIONER, "job centre work coach"),
    ("demo.youth", "youth_justice", Role.PRACTITIONER, "youth justice worker"),
    ("demo.communitysafety", "council_community_safety", Role.COORDINATOR, "community safety coordinator"),
    (
        "demo.iom",
        "probation",
        Role.COORDINATOR,
        "IOM coordinator: candidates, panel decisions and the cohort",
    ),
    (
        "demo.victims",
        "probation",
        Role.VICTIM_LIAISON,
        "victim liaison officer: victims to notify before release",
    ),
    (
        "demo.marac",
        "police",
        Role.MARAC_COORDINATOR,
        "MARAC coordinator: DASH referrals, repeats, each agency's actions and the VAWG figures",
    ),
    (
        "demo.idva",
        "voluntary",
        Role.IDVA,
        "IDVA: MARAC meetings, the victims supported and the actions owned",
    ),
    (
        "demo.mappa",
        "probation",
        Role.COORDINATOR,
        "MAPPA coordinator: level 2 and 3 meetings from agenda to minutes, and their actions",
    ),
    (
        ANALYST_LOGIN,
        "council_community_safety",
        Role.ANALYST,
        "performance analyst: the board's figures unsuppressed, publishing a quarter, predictor validation",
    ),
    (
        "demo.board",
        "police",
        Role.MANAGER,
        "strategy board member: the plan, its goals against the measures, the board and its packs",
    ),
    (
        TEAM_MANAGER_LOGIN,
        "probation",
        Role.MANAGER,
        "probation team manager: new cases waiting, who has room by grade and workload, allocating",
    ),
    ("demo.fire", "fire", Role.PRACTITIONER, "fire and rescue officer"),
    ("demo.voluntary", "voluntary", Role.PRACTITIONER, "voluntary sector worker"),
    (
        DPO_LOGIN,
        "council_community_safety",
        Role.COORDINATOR,
        "data protection officer: break-glass reviews, agreements due, unusual access, subject access",
    ),
]
ADMIN_LOGIN = "demo.admin"


@dataclass
class DemoLogin:
    username: str
    password: str
    description: str
    agency: str


@dataclass
class DemoBuildResult:
    build: DemoBuild
    created: bool
    logins: list[DemoLogin] = field(default_factory=list)


class DemoRefused(Exception):
    """The database already holds people that did not come from a demo build."""


def _records(table: Any) -> Iterator[dict[str, Any]]:
    """Rows of a pyarrow table as dicts, a slice at a time to bound memory."""
    for batch in table.to_batches(max_chunksize=20_000):
        yield from batch.to_pylist()


def _percent(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def demo_partnership_build(
    *,
    people: int,
    seed: int,
    as_of: date | None = None,
    log: Callable[[str], None] = print,
    derive: bool = True,
) -> DemoBuildResult:
    """Generate and load the demo partnership once; later calls only refresh the demo logins."""
    existing = DemoBuild.objects.order_by("-built_at").first()
    if existing is None and Person.objects.exists():
        raise DemoRefused("This database already holds people that are not demo data; use an empty database.")
    if existing is not None:
        log(f"The demo partnership is already built ({existing}); nothing to load.")
        return DemoBuildResult(build=existing, created=False, logins=demo_logins_refresh())

    as_of = as_of or date.today()
    started = time.perf_counter()
    log(f"Generating a partnership of {people:,} people (seed {seed}, as of {as_of:%d %b %Y})…")
    world = generate_partnership(people=people, seed=seed, as_of=as_of)
    log(f"Generated in {time.perf_counter() - started:.1f} s; loading…")
    linkage: dict[str, Any] = {}
    with transaction.atomic():
        counts = _load(world, log=log, linkage=linkage)
        build = DemoBuild.objects.create(
            people=people,
            seed=seed,
            as_of=as_of,
            seconds=round(time.perf_counter() - started, 1),
            row_counts={**counts, "linkage": linkage},
        )
        log_access(
            actor=system_actor(),
            action=Action.COLLECTION,
            summary=f"Loaded the synthetic demo partnership ({people} people)",
            detail=counts,
        )
    _reset_sequences()
    _analyze()
    log(f"Loaded in {build.seconds:.1f} s: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    if derive:
        _derive(log)
    return DemoBuildResult(build=build, created=True, logins=demo_logins_refresh())


def _analyze() -> None:
    """Give PostgreSQL's planner statistics for the freshly loaded tables at once. Autovacuum would get there
    in time, but until then (and never, inside a test's transaction) the planner guesses empty tables and can
    choose plans that take minutes on the access rule's nested subqueries."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _load(world: Any, *, log: Callable[[str], None], linkage: dict[str, Any]) -> dict[str, int]:
    """Load the generated partnership: its agencies and staff, its people as the agencies' extracts become
    people through import and linkage (desist.demo.extracts), then the rest of the record, each fact on
    the person its owning agency's record was linked to. `linkage` receives the linking's measures."""
    counts: dict[str, int] = {}
    now = timezone.now()
    counts["offence codes"] = offence_codes_load()
    code_ids = dict(OffenceCode.objects.values_list("code", "id"))

    District.objects.bulk_create(
        [District(code=r["code"], name=r["name"]) for r in _records(world.districts)], ignore_conflicts=True
    )
    district_ids = dict(District.objects.values_list("code", "id"))
    Agency.objects.bulk_create(
        [
            Agency(
                code=r["agency_code"],
                name=r["name"],
                kind=r["kind"],
                district_id=district_ids.get(r["district_code"]),
            )
            for r in _records(world.agencies)
        ],
        ignore_conflicts=True,
    )
    agency_ids = dict(Agency.objects.values_list("code", "id"))

    # Staff: every synthetic worker becomes a user who cannot sign in until given a password.
    workers = list(_records(world.workers))
    unusable = make_password(None)
    User.objects.bulk_create(
        [
            User(
                username=f"worker{w['worker_id']}",
                first_name=w["first_name"],
                last_name=w["last_name"],
                password=unusable,
            )
            for w in workers
        ],
        batch_size=BATCH,
    )
    user_ids = dict(User.objects.filter(username__startswith="worker").values_list("username", "id"))
    worker_users = {w["worker_id"]: user_ids[f"worker{w['worker_id']}"] for w in workers}
    Membership.objects.bulk_create(
        [
            Membership(
                user_id=worker_users[w["worker_id"]],
                agency_id=agency_ids[w["agency_code"]],
                role=Role.MANAGER if w["role"] == "manager" else Role.PRACTITIONER,
            )
            for w in workers
        ],
        batch_size=BATCH,
    )
    counts["staff"] = len(workers)

    # People come the way a partnership's come: each agency's extract imported and the records linked.
    actor = system_actor()
    started = time.perf_counter()
    imported = extracts_import(world, actor=actor, log=log)
    linkage["import_seconds"] = round(time.perf_counter() - started, 1)
    log(f"  extracts imported in {linkage['import_seconds']:.1f} s")
    started = time.perf_counter()
    linked = extracts_link(world, imported, actor=actor)
    linkage["link_seconds"] = round(time.perf_counter() - started, 1)
    owners = AgencyRecords(world, imported)
    counts["source records"] = sum(imported.records.values())
    counts["people"] = Person.objects.count()
    counts["review pairs"] = linked.review_pairs
    accuracy = linked.accuracy
    log(
        f"  linked {counts['source records']:,} records into {counts['people']:,} people "
        f"({linked.review_pairs:,} pairs for review) in {linkage['link_seconds']:.1f} s: "
        f"precision {accuracy.precision:.4f}, recall {accuracy.recall:.4f}, F1 {accuracy.f1:.4f} against the "
        f"generator's truth ({accuracy.true_people:,} people sent)"
    )
    counts["names"] = PersonName.objects.count()
    counts["identifiers"] = Identifier.objects.count()
    counts["addresses"] = Address.objects.count()
    linkage["precision"], linkage["recall"], linkage["f1"] = accuracy.precision, accuracy.recall, accuracy.f1
    linkage["split_share"], linkage["merged_share"] = accuracy.split_share, accuracy.merged_share
    linkage["records"] = imported.records
    counts["people details"] = _people_details(world, owners, district_ids)

    related: set[tuple[int, int, str]] = set()

    def relationship_rows() -> Iterator[tuple[Any, ...]]:
        # Each relationship from the records of the agency that knows it, between the people they joined.
        for r in _records(world.relationships):
            code = r["source_agency_code"]
            person = owners.by_agency(r["person_id"], code)
            other = owners.by_agency(r["related_person_id"], code)
            if person is None or other is None or person == other or (person, other, r["kind"]) in related:
                continue
            related.add((person, other, r["kind"]))
            yield (person, other, r["kind"], agency_ids.get(code))

    counts["relationships"] = copy_rows(
        Relationship, ["person", "related_person", "kind", "source_agency"], relationship_rows()
    )
    log(
        f"  names, identifiers, addresses and relationships "
        f"{sum(counts[k] for k in ('names', 'identifiers', 'addresses', 'relationships')):,}"
    )

    sentence_fields = [
        "id",
        "person",
        "kind",
        "sentence_date",
        "length_days",
        "start_date",
        "end_date",
        "conditional_release_date",
        "release_date",
        "release_is_actual",
        "licence_expiry_date",
        "sentence_expiry_date",
        "establishment",
        "terminated_date",
    ]
    sentences = [
        Sentence(
            id=r["sentence_id"],
            person_id=person,
            kind=r["kind"],
            sentence_date=r["sentence_date"],
            length_days=r["length_days"],
            start_date=r["start_date"],
            end_date=r["end_date"],
            conditional_release_date=r["conditional_release_date"],
            release_date=r["release_date"],
            release_is_actual=bool(r["release_is_actual"]),
            licence_expiry_date=r["licence_expiry_date"],
            sentence_expiry_date=r["sentence_expiry_date"],
            establishment_id=agency_ids.get(r["establishment_agency_code"] or ""),
            terminated_date=r["terminated_date"],
        )
        for r in _records(world.sentences)
        if (person := owners.person(r["person_id"], JUSTICE)) is not None
    ]
    sentence_people = {s.id: s.person_id for s in sentences}
    attnames = {f.name: f.attname for f in Sentence._meta.concrete_fields}
    counts["sentences"] = copy_rows(
        Sentence,
        sentence_fields,
        (tuple(getattr(s, attnames[f]) for f in sentence_fields) for s in sentences),
    )
    counts["key dates"] = copy_rows(
        KeyDate,
        ["person", "sentence", "kind", "date"],
        ((kd.person_id, kd.sentence_id, kd.kind, kd.date) for s in sentences for kd in key_date_rows(s)),
    )
    del sentences
    counts["requirements"] = copy_rows(
        Requirement,
        ["sentence", "kind", "amount", "unit", "start_date", "end_date", "status"],
        (
            (
                r["sentence_id"],
                r["kind"],
                r["amount"],
                r["unit"] or "",
                r["start_date"],
                r["end_date"],
                r["status"],
            )
            for r in _records(world.requirements)
            if r["sentence_id"] in sentence_people
        ),
    )
    counts["licence conditions"] = copy_rows(
        LicenceCondition,
        ["sentence", "kind", "code", "description"],
        (
            (r["sentence_id"], r["kind"], r["code"], r["description"])
            for r in _records(world.licence_conditions)
            if r["sentence_id"] in sentence_people
        ),
    )
    started = time.perf_counter()
    counts.update(
        demo_supervision_load(
            world, sentence_people=sentence_people, worker_users=worker_users, agency_ids=agency_ids
        )
    )
    log(
        f"  appointments {counts['appointments']:,}, contacts {counts['contacts']:,}, failures "
        f"{counts['failures']:,} in {time.perf_counter() - started:.1f} s"
    )
    counts.update(demo_monitoring_load(world, sentence_people=sentence_people, worker_users=worker_users))
    log(
        f"  monitoring orders {counts['monitoring orders']:,}, events {counts['monitoring events']:,}, "
        f"alerts {counts['monitoring alerts']:,}"
    )
    counts["offences"] = copy_rows(
        Offence,
        [
            "person",
            "offence_code",
            "offence_date",
            "outcome",
            "outcome_date",
            "disposal",
            "sentence",
            "domestic_abuse",
            "ogrs3_category",
        ],
        (
            (
                person,
                code_ids[r["ho_code"]],
                r["offence_date"],
                r["outcome"],
                r["outcome_date"],
                r["disposal"] or "",
                r["sentence_id"] if r["sentence_id"] in sentence_people else None,
                bool(r["domestic_abuse"]),
                "",
            )
            for r in _records(world.offences)
            if (person := owners.person(r["person_id"], JUSTICE)) is not None
        ),
    )
    log(f"  sentences {counts['sentences']:,}, offences {counts['offences']:,}")
    counts.update(demo_outcomes_load(world, seed=world.config.seed, sentence_people=sentence_people))
    log(
        f"  accommodation statuses {counts['accommodation statuses']:,}, "
        f"enforcement actions {counts['enforcement actions']:,}"
    )
    counts["registers"] = copy_rows(
        RegisterEntry,
        ["person", "kind", "mappa_category", "mappa_level", "start_date", "end_date", "notes"],
        (
            (person, r["kind"], r["mappa_category"], r["mappa_level"], r["start_date"], r["end_date"], "")
            for r in _records(world.registers)
            if (person := owners.person(r["person_id"], JUSTICE)) is not None
        ),
    )
    counts["involvements"] = copy_rows(
        Involvement,
        ["person", "agency", "reason", "start_date", "end_date", "lead_worker"],
        (
            (
                person,
                agency_ids[r["agency_code"]],
                r["reason"],
                r["start_date"],
                r["end_date"],
                worker_users.get(r["worker_id"]) if r["worker_id"] is not None else None,
            )
            for r in _records(world.involvements)
            if (person := owners.by_agency(r["person_id"], r["agency_code"])) is not None
        ),
    )
    counts["record involvements replaced"] = _record_involvements_replace()
    log(f"  registers {counts['registers']:,}, involvements {counts['involvements']:,}")
    # Where linkage joined two generated people, their assessments are one person's history: numbered by date.
    placed = sorted(
        (
            (person, r["assessed_on"], r["assessment_id"], r)
            for r in _records(world.assessments)
            if (person := owners.person(r["person_id"], JUSTICE)) is not None
        ),
        key=lambda row: row[:3],
    )
    versions: dict[int, int] = {}

    def assessment_rows() -> Iterator[tuple[Any, ...]]:
        for person, _, _, r in placed:
            versions[person] = versions.get(person, 0) + 1
            yield (
                r["assessment_id"],
                person,
                versions[person],
                r["assessed_on"],
                r["source"],
                r["rosh_public"],
                r["rosh_known_adult"],
                r["rosh_children"],
                r["rosh_staff"],
                Decimal(str(r["rsr_percent"])),
                _percent(r["arp_percent"]),
                _percent(r["csrp_percent"]),
                r["answers"],
                now,
            )

    counts["assessments"] = copy_rows(
        Assessment,
        [
            "id",
            "person",
            "version",
            "assessed_on",
            "source",
            "rosh_public",
            "rosh_known_adult",
            "rosh_children",
            "rosh_staff",
            "rsr_percent",
            "arp_percent",
            "csrp_percent",
            "answers",
            "created_at",
        ],
        assessment_rows(),
    )
    assessed = set(Assessment.objects.values_list("pk", flat=True))

    def section_rows() -> Iterator[tuple[Any, ...]]:
        for r in _records(world.assessment_sections):
            if r["assessment_id"] not in assessed:
                continue
            scores = [int(v) for v in r["question_scores"].split(",")]
            score = risk.section_score(scores)
            if (
                score is None
            ):  # nothing answered: the section is not part of this assessment (as the service does)
                continue
            yield (
                r["assessment_id"],
                r["section"],
                json.dumps(scores),
                score,
                section_need_or_blank(r["section"], score),
            )

    counts["assessment sections"] = copy_rows(
        AssessmentSection, ["assessment", "section", "question_scores", "score", "need"], section_rows()
    )
    log(f"  assessments {counts['assessments']:,}")
    counts["school records"] = copy_rows(
        SchoolRecord,
        [
            "person",
            "period_start",
            "period_end",
            "unauthorised_absence_percent",
            "fixed_term_exclusions",
            "permanently_excluded",
        ],
        (
            (
                person,
                r["period_start"],
                r["period_end"],
                Decimal(str(r["unauthorised_absence_percent"])),
                r["fixed_term_exclusions"],
                r["permanently_excluded"],
            )
            for r in _records(world.school_records)
            if (person := owners.person(r["person_id"], SCHOOL)) is not None
        ),
    )
    return counts


def _people_details(world: Any, owners: AgencyRecords, district_ids: dict[str, int]) -> int:
    """What the extracts do not carry but an agency's case system holds (gender, ethnicity, district, phone,
    e-mail), set on each person from the generated person their owning agency's record is of (the first
    such person where linkage joined two). One bulk update; returns the people updated."""
    columns = ["gender", "ethnicity", "district", "phone", "email"]
    table = connection.ops.quote_name(Person._meta.db_table)
    db_columns = {f.name: f.column for f in Person._meta.concrete_fields}
    assignments = ", ".join(f"{connection.ops.quote_name(db_columns[c])} = %s" for c in columns)
    done: set[int] = set()
    rows: list[tuple[Any, ...]] = []
    for r in _records(
        world.people.select(["person_id", "gender", "ethnicity", "district_code", "phone", "email"])
    ):
        person = owners.person(r["person_id"])
        if person is None or person in done:
            continue
        done.add(person)
        rows.append(
            (
                r["gender"],
                r["ethnicity"],
                district_ids.get(r["district_code"]),
                r["phone"] or "",
                r["email"] or "",
                person,
            )
        )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", rows[start : start + BATCH])  # noqa: S608
    return len(rows)


def _record_involvements_replace() -> int:
    """Linkage gives every agency holding a record of a person a current involvement ("Record in <agency>
    extract"). Where the agency's own case system has loaded its involvement with that person (its reason,
    dates and lead worker), that one says more and decides access, as it did before the demo was imported;
    linkage's general one is dropped. Returns how many were dropped."""
    own = Involvement.objects.filter(person=OuterRef("person"), agency=OuterRef("agency")).exclude(
        reason__startswith=LINK_REASON_PREFIX, reason__endswith=LINK_REASON_SUFFIX
    )
    replaced, _ = (
        Involvement.objects.filter(reason__startswith=LINK_REASON_PREFIX, reason__endswith=LINK_REASON_SUFFIX)
        .filter(Exists(own))
        .delete()
    )
    return replaced


def _derive(log: Callable[[str], None]) -> None:
    """Work out what the product derives from the record: risk scores, families and priority groups."""
    started = time.perf_counter()
    scored = (
        Person.objects.filter(
            Q(offences__isnull=False) | Q(sentences__isnull=False) | Q(assessments__isnull=False)
        )
        .distinct()
        .values_list("pk", flat=True)
    )
    result = risk_recalculate(actor=system_actor(), person_ids=scored)
    families = families_refresh(actor=system_actor())
    periods = priority_groups_refresh(actor=system_actor(), person_ids=people_to_group())
    offenders = Person.objects.filter(offences__isnull=False).distinct().values_list("pk", flat=True)
    candidates = candidacy_refresh(actor=system_actor(), person_ids=offenders)
    cohort = _iom_cohort()
    log(
        f"Risk scores for {result.people:,} people, {families.families:,} families, "
        f"{periods:,} priority group periods, {candidates:,} IOM candidates and a cohort of {cohort:,} "
        f"in {time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    releases = demo_releases_build(timezone.localdate())
    log(
        f"Release plans for {releases['plans']:,} releases due ({releases['short notice']} at short notice), "
        f"{releases['escalations']:,} escalations and {releases['schemes']} early-release schemes in "
        f"{time.perf_counter() - started:.1f} s"
    )
    referrals = demo_referrals_build(timezone.localdate())
    log(
        f"{referrals['services']} services with {referrals['referrals']:,} referrals, "
        f"{referrals['premises']} premises with {referrals['bookings']:,} bookings"
    )
    victims = demo_victims_build(timezone.localdate())
    log(
        f"Victims linked to {victims['victims']:,} releases, {victims['notifications']:,} notifications "
        f"({victims['overdue']:,} overdue, {victims['done']:,} done)"
    )
    marac = demo_marac_build(timezone.localdate())
    log(
        f"MARAC: {marac['referrals']:,} referrals of {marac['victims']:,} victims "
        f"({marac['repeats']:,} repeats, {marac['perpetrators linked']:,} perpetrators in the caseload), "
        f"{marac['actions']:,} actions ({marac['overdue']:,} overdue)"
    )
    sharing = demo_sharing_build(timezone.localdate())
    log(
        f"Sharing: {sharing['agreements']} agreements, {sharing['consents']} consent, "
        f"{sharing['restricted_cases']} restricted case"
    )
    # After sharing, which makes the data protection officer who logs and works them.
    subject_access = demo_subject_access_build(timezone.localdate())
    log(
        f"Subject access: {subject_access['requests']} requests, {subject_access['marked']} values marked "
        "for redaction"
    )
    # After release plans and victims: a recall reopens the plan and tells the victims.
    recalls = demo_recalls_record(timezone.localdate())
    log(
        f"Recalls {recalls['recalls']:,} recorded ({recalls['re-releases']:,} since re-released, "
        f"{recalls['recalls not recorded']:,} refused as the sentence could not be recalled)"
    )
    # After the cohort is adopted: a few of its members wear GPS tags the IOM police officers follow.
    tracking = demo_iom_tracking(timezone.localdate())
    log(
        f"GPS tags on {tracking['tagged']} IOM cohort members, {tracking['points']:,} location points, "
        f"{tracking['alerts']} zone alerts"
    )
    # Last: a meeting's decisions move people's MAPPA levels through the registers service, and what follows a
    # register's change (release dates worked out again) must not overtake the steps above.
    meetings = demo_meetings_build(timezone.localdate())
    log(
        f"MAPPA meetings: {meetings['meetings']:,} meetings with {meetings['items']:,} cases heard, "
        f"{meetings['actions']:,} actions ({meetings['overdue']:,} overdue)"
    )
    # After the meetings: the analyst publishes the last quarter, then the strategy board follows the plan
    # against it (its own series).
    published = demo_board_publish(timezone.localdate())
    if published:
        log(f"Board figures published for {published} by the performance analyst")
    strategy = demo_strategy_build(timezone.localdate())
    log(
        f"Strategy board: {strategy['meetings']} meetings, {strategy['members']} members, "
        f"{strategy['actions']} plan actions with {strategy['updates']} quarterly updates "
        f"({strategy['overdue']} overdue)"
    )
    # Last of all: teams, grades and the allocation queue read every case the steps above left open.
    allocation = demo_allocation_build(timezone.localdate())
    log(
        f"Allocation: {allocation['teams']} probation teams with managers, {allocation['practitioners']} "
        f"practitioners with grades and hours ({allocation['reductions']} reductions), "
        f"{allocation['allocations']:,} cases allocated, {allocation['waiting']} waiting"
    )


def _iom_cohort() -> int:
    """The cohort as the panels left it: everyone on the IOM register adopted, with their leads, and the
    two last panels held a month apart (so newer candidates show as new)."""
    today = timezone.localdate()
    Panel.objects.bulk_create(
        [Panel(held_on=today - timedelta(days=days), notes="Monthly IOM selection panel") for days in (35, 7)]
    )
    suggested = dict(Candidacy.objects.values_list("person_id", "suggested_strand"))
    district = dict(Person.objects.filter(registers__kind="iom").values_list("pk", "district_id"))
    leads: dict[int, dict[int, int]] = {}
    for person_id, agency_id, worker_id in Involvement.objects.filter(
        person_id__in=district,
        agency__kind__in=("probation", "police"),
        end_date__isnull=True,
        lead_worker__isnull=False,
    ).values_list("person_id", "agency_id", "lead_worker_id"):
        leads.setdefault(person_id, {})[agency_id] = worker_id
    # The panel's chair records its decisions: the probation manager who becomes demo.iom.
    chair = _coordinator("probation")
    adopted = 0
    for i, entry in enumerate(
        RegisterEntry.objects.filter(kind="iom", end_date__isnull=True).order_by("person_id")
    ):
        membership = CohortMembership.objects.create(
            person_id=entry.person_id,
            status=MembershipStatus.ADOPTED,
            strand=suggested.get(entry.person_id) or Strand.FREE,
            district_id=district.get(entry.person_id),
            proposed_on=entry.start_date,
            adopted_on=entry.start_date,
            register_entry=entry,
            review_date=today + timedelta(days=7 * (1 + i % 12)),
        )
        LeadProfessional.objects.bulk_create(
            [
                LeadProfessional(membership=membership, agency_id=agency, user_id=user)
                for agency, user in leads.get(entry.person_id, {}).items()
            ]
        )
        Decision.objects.bulk_create(
            [
                Decision(
                    membership=membership,
                    kind=DecisionKind.PROPOSED,
                    decided_on=entry.start_date,
                    decided_by_id=chair,
                ),
                Decision(
                    membership=membership,
                    kind=DecisionKind.ADOPTED,
                    decided_on=entry.start_date,
                    decided_by_id=chair,
                    notes="Adopted at the IOM selection panel",
                ),
            ]
        )
        adopted += 1
    return adopted


def _reset_sequences() -> None:
    """Rows were inserted with the generator's ids; move the id sequences past them (PostgreSQL)."""
    statements = connection.ops.sequence_reset_sql(
        no_style(), [Person, Sentence, Assessment, Appointment, Failure]
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _coordinator(agency_kind: str) -> int | None:
    """A manager of the agency who is not yet a demo login."""
    member = (
        Membership.objects.filter(agency__kind=agency_kind, role=Role.MANAGER)
        .exclude(user__username__startswith="demo.")
        .order_by("id")
        .first()
    )
    return member.user_id if member else _busiest_worker(agency_kind)


def _busiest_worker(agency_kind: str) -> int | None:
    """The user who leads the most current involvements for an agency of this kind; of those leading as many,
    the first by username (the generator's worker number), so SQLite and PostgreSQL, whose rows come back in
    different orders, choose the same worker."""
    # Users already given a demo login are passed over, so a coordinator never takes (and renames) the
    # practitioner who is demo.probation.
    leads = Counter(
        Involvement.objects.filter(agency__kind=agency_kind, end_date__isnull=True, lead_worker__isnull=False)
        .exclude(lead_worker__username__startswith="demo.")
        .values_list("lead_worker__username", "lead_worker_id")
    )
    if leads:
        (_, user_id), _ = min(leads.items(), key=lambda item: (-item[1], item[0][0]))
        return user_id
    member = (
        Membership.objects.filter(agency__kind=agency_kind)
        .exclude(user__username__startswith="demo.")
        .order_by("id")
        .first()
    )
    return member.user_id if member else None


@transaction.atomic
def demo_logins_refresh() -> list[DemoLogin]:
    """Give each demo login a fresh password (printed once by the command) and return them."""
    logins: list[DemoLogin] = []
    for username, kind, role, description in DEMO_LOGINS:
        user = User.objects.filter(username=username).first()
        if user is None and role == Role.IDVA:
            # A synthetic user of the IDVA service, who owns the IDVA's actions at the demo's MARACs.
            user = idva_user()
        if user is None and username == TEAM_MANAGER_LOGIN:
            # The manager of the team with the longest queue (allocation.demo), already a manager.
            user = team_manager_user()
            if user is not None:
                user.username = username
        if user is None and username == ANALYST_LOGIN:
            # The performance analyst who publishes the board's quarter (board.demo).
            user = analyst_user()
        if user is None and username == DPO_LOGIN:
            # A synthetic user of its own, with the data protection officer's permission (desist.sharing).
            user = dpo_user()
        if user is None and role == Role.MARAC_COORDINATOR:
            # A synthetic user of its own: the police's busiest worker is already demo.police.
            user = marac_coordinator_user()
        if user is None:
            # Coordinators and the victim liaison officer are probation managers not yet a demo login.
            user_id = (
                _coordinator(kind)
                if role in (Role.COORDINATOR, Role.VICTIM_LIAISON) and kind == "probation"
                else _busiest_worker(kind)
            )
            if user_id is None:
                continue
            user = User.objects.get(pk=user_id)
            user.username = username
        membership = user.memberships.select_related("agency").first()
        if membership is not None and membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
        password = _password()
        user.set_password(password)
        user.save()
        logins.append(
            DemoLogin(username, password, description, membership.agency.name if membership else "")
        )

    admin = User.objects.filter(username=ADMIN_LOGIN).first() or User(
        username=ADMIN_LOGIN, first_name="Demo", last_name="Administrator"
    )
    admin.is_staff = admin.is_superuser = True
    password = _password()
    admin.set_password(password)
    admin.save()
    agency = Agency.objects.filter(kind="council_community_safety").first()
    if agency is not None:
        Membership.objects.update_or_create(user=admin, agency=agency, defaults={"role": Role.ADMINISTRATOR})
    logins.append(
        DemoLogin(
            ADMIN_LOGIN,
            password,
            "administrator: access log, agencies, users, reference data and linkage review",
            agency.name if agency else "",
        )
    )
    # New passwords, new two-factor sign-in: whoever tries the demo next sets up their own authenticator app.
    TOTPDevice.objects.filter(user__username__in=[login.username for login in logins]).delete()
    return logins


def _password() -> str:
    return "demo-" + secrets.token_urlsafe(12)
