"""The demo partnership builds once, realistically, and prints working logins (issue 2, point 1)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import F, Max
from django_otp.plugins.otp_totp.models import TOTPDevice

from desist.assessments.models import RiskScore
from desist.audit.models import AccessLogEntry
from desist.core.synth import generate_partnership
from desist.demo.models import DemoBuild
from desist.enforcement.models import Failure
from desist.imports.models import ImportBatch, SourceRecord
from desist.linking.models import LinkRun, ReviewPair
from desist.linking.selectors import review_queue
from desist.partnership.models import Agency, Membership, Role
from desist.people.models import Involvement, Person
from desist.people.selectors import caseload, visible_people
from desist.people.services import person_create
from desist.sentences.rules import supervision_status_expression
from desist.supervision.models import Appointment
from tests import crawl
from tests.app import builders

pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.postgres]


@pytest.fixture
def demo(small_demo, settings):
    """The small demo partnership the crawl reads too (tests/crawl.py), built once per run; what the test
    changes is rolled back. Returns what its build printed."""
    # As the build's own: a second build in a test gives the logins new passwords, never typed here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return small_demo.output


def _as_of():
    return DemoBuild.objects.get().as_of


def _build_again():
    call_command(
        "build_demo", "--people", str(crawl.DEMO_PEOPLE), "--seed", str(crawl.DEMO_SEED), "--as-of", _as_of()
    )


def _logins(output):
    return {line.split()[0]: line.split()[1] for line in output.splitlines() if line.startswith("  demo.")}


def test_builds_once_and_prints_a_login_per_agency(demo, capsys):
    logins = _logins(demo)
    assert {"demo.probation", "demo.police", "demo.housing", "demo.treatment", "demo.admin"} <= set(logins)
    for username, password in logins.items():
        assert User.objects.get(username=username).check_password(password), username
    people = Person.objects.count()
    # People are made by linkage from the agencies' extracts: about one for each generated person an agency
    # sent (a few more where linkage left someone's records apart, a few fewer where it joined two people).
    assert 0.93 * crawl.DEMO_PEOPLE <= people <= 1.04 * crawl.DEMO_PEOPLE

    assert (
        "demo.admin is shown a QR code" in demo
    )  # administrators set up two-factor sign-in at first sign-in
    TOTPDevice.objects.create(
        user=User.objects.get(username="demo.admin"), name="someone's phone", confirmed=True
    )
    appointments, failures = Appointment.objects.count(), Failure.objects.count()
    _build_again()
    again = capsys.readouterr().out
    assert not TOTPDevice.objects.exists()  # new passwords, and the next person sets up their own app
    assert "already built" in again
    assert Person.objects.count() == people
    assert Appointment.objects.count() == appointments and Failure.objects.count() == failures
    assert DemoBuild.objects.count() == 1
    assert _logins(again).keys() == logins.keys()
    assert AccessLogEntry.objects.filter(summary__startswith="Loaded the synthetic demo").count() == 1


def test_demo_data_is_realistic_and_scoped(demo):
    as_of = _as_of()
    probation = User.objects.get(username="demo.probation")
    housing = User.objects.get(username="demo.housing")
    mine = caseload(builders.actor(probation), on=as_of)
    # A caseload one practitioner could hold, in the small demo as in the full one.
    assert 10 <= mine.count() <= 80
    housing_people = set(visible_people(builders.actor(housing), on=as_of).values_list("pk", flat=True))
    assert housing_people
    for person_id in housing_people:
        assert Involvement.objects.filter(person_id=person_id, agency__kind="housing").exists()

    supervised = Person.objects.filter(
        involvements__agency__kind="probation", involvements__end_date__isnull=True
    )
    statuses = set(supervised.annotate(s=supervision_status_expression(as_of)).values_list("s", flat=True))
    assert {"custody", "licence", "community"} <= statuses

    # Most assessments of the last year carry ARP and CSRP: many, not all, have a single-letter tier.
    letters = RiskScore.objects.filter(kind="tier_letter", is_current=True)
    assert letters.exclude(value="").count() > letters.filter(value="").count() / 4 > 0

    # Sentences and assessments were loaded with the generator's ids; new rows must still get fresh ones.
    created = person_create(actor=builders.actor(), first_name="New", last_name="Person")
    assert created.pk > Person.objects.exclude(pk=created.pk).aggregate(Max("pk"))["pk__max"]


def test_demo_derives_families_with_school_records(demo):
    from desist.families.models import Family, FamilyMember, SchoolRecord

    assert SchoolRecord.objects.exists()
    assert FamilyMember.objects.count() == Person.objects.count()
    assert Family.objects.filter(member_count__gte=3, generation_count__gte=2).exists()
    assert Family.objects.filter(findings__tf2012__criteria__1__status="met").exists()


def test_the_demos_people_come_from_the_agencies_extracts_through_import_and_linkage(demo, client):
    # Each agency's extract went through the importer (one batch each, every prison its own) and linkage made
    # every person from those records: no person was loaded from the generator's truth.
    batches = ImportBatch.objects.select_related("agency")
    assert {
        "probation",
        "police",
        "housing",
        "health",
        "treatment",
        "job_centre",
        "social_care",
        "youth_justice",
    } <= {b.agency.code for b in batches}
    assert {b.agency.kind for b in batches if b.agency.code.startswith("prison")} == {"prison"}
    assert sum(b.rows for b in batches) == SourceRecord.objects.count()
    assert not SourceRecord.objects.filter(person__isnull=True).exists()
    run = LinkRun.objects.get()
    assert run.status == "done" and run.people_created == Person.objects.count()
    assert not Person.objects.exclude(source_records__isnull=False).exists()
    assert "precision" in demo and "review" in demo

    # The review queue holds the engine's own uncertain pairs: some truly one person, some two (the truth is
    # read here, in the test, only).
    pairs = list(review_queue().select_related("left__agency", "right__agency"))
    assert pairs and len(pairs) == ReviewPair.objects.count()
    world = generate_partnership(people=crawl.DEMO_PEOPLE, seed=crawl.DEMO_SEED, as_of=_as_of())
    truth = dict(
        zip(
            zip(
                world.extract_links.column("source").to_pylist(),
                world.extract_links.column("record_id").to_pylist(),
                strict=True,
            ),
            world.extract_links.column("person_id").to_pylist(),
            strict=True,
        )
    )

    def true_person(record):
        return truth[(record.agency.kind, record.record_id)]

    same = [true_person(pair.left) == true_person(pair.right) for pair in pairs]
    assert any(same) and not all(same), same

    analyst = User.objects.create(username="ana.lyst")
    Membership.objects.create(user=analyst, agency=Agency.objects.get(code="police"), role=Role.ANALYST)
    client.force_login(analyst)
    page = client.get("/linkage/review/")
    assert page.status_code == 200
    assert f"/linkage/review/{pairs[0].pk}/".encode() in page.content


def test_the_demo_has_supervision_and_enforcement_and_a_second_build_adds_none(demo):
    """Issue 14 item 8: appointments with outcomes, contacts, failures, warnings, referrals, recall
    recommendations and requirement progress, with the demo probation user's diary filled for the week from
    the demo's today (a second build loads nothing more: test_builds_once_and_prints_a_login_per_agency)."""
    from desist.enforcement.models import (
        EnforcementReferral,
        EnforcementWarning,
        RecallRecommendation,
        RequirementProgressEntry,
    )
    from desist.supervision.models import Contact

    models = [
        Appointment,
        Contact,
        Failure,
        EnforcementWarning,
        EnforcementReferral,
        RecallRecommendation,
        RequirementProgressEntry,
    ]
    counts = {m: m.objects.count() for m in models}
    assert all(counts.values()), counts
    assert Appointment.objects.exclude(outcome="").exists()
    assert Contact.objects.exclude(agency__kind="probation").exists()
    probation = User.objects.get(username="demo.probation")
    as_of = _as_of()
    week = Appointment.objects.filter(
        practitioner=probation, starts_at__date__gte=as_of, starts_at__date__lt=as_of + timedelta(days=7)
    )
    assert week.exists()
    assert not week.exclude(outcome="").exists()
    # Every appointment is on the person of its sentence's order or licence.
    assert (
        not Failure.objects.exclude(appointment__isnull=True)
        .exclude(appointment__person=F("person"))
        .exists()
    )


def test_the_analyst_published_the_last_quarter_the_board_and_the_plan_read(demo):
    """Issue 15: the board, the plan's goals and the board meeting's pack read a published quarter from the
    first sign-in; the demo's analyst published it, as from the board."""
    from desist.board.models import QuarterSnapshot
    from desist.board.selectors import latest_quarter

    snapshot = QuarterSnapshot.objects.select_related("published_by").get()
    assert snapshot.quarter == latest_quarter(_as_of()).code
    assert snapshot.published_by is not None and snapshot.published_by.username == "demo.analyst"
    assert "demo.analyst" in _logins(demo)


def test_the_dpo_logged_subject_access_requests_one_with_redactions_marked(demo, client):
    """Issue 16, item 5: the DPO's page and the crawl reach a request; the DPO logged and worked it through
    the services, so its deadline is set and other people's details are marked for the reviewer."""
    from desist.subject_access.models import Status, SubjectAccessRequest

    requests = list(SubjectAccessRequest.objects.select_related("logged_by").order_by("pk"))
    assert {r.logged_by.username for r in requests} == {"demo.dpo"}
    exported = next(r for r in requests if r.status == Status.EXPORTED)
    assert exported.redactions and exported.due_on > _as_of()
    assert AccessLogEntry.objects.filter(person_id=exported.person_id, username="demo.dpo").count() >= 2
    client.force_login(User.objects.get(username="demo.dpo"))
    assert f"/subject-access/{exported.pk}/" in client.get("/governance/").content.decode()
