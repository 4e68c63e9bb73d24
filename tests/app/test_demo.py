"""The demo partnership builds once, realistically, and prints working logins (issue 2, point 1)."""

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from desist.assessments.models import RiskScore
from desist.audit.models import AccessLogEntry
from desist.demo.models import DemoBuild
from desist.people.models import Involvement, Person
from desist.people.selectors import caseload, visible_people
from desist.people.services import person_create
from desist.sentences.rules import supervision_status_expression
from tests.app import builders

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

AS_OF = date(2026, 11, 23)


@pytest.fixture
def demo(capsys):
    call_command("build_demo", "--people", "1500", "--seed", "7", "--as-of", AS_OF.isoformat())
    return capsys.readouterr().out


def _logins(output):
    return {line.split()[0]: line.split()[1] for line in output.splitlines() if line.startswith("  demo.")}


def test_builds_once_and_prints_a_login_per_agency(demo, capsys):
    logins = _logins(demo)
    assert {"demo.probation", "demo.police", "demo.housing", "demo.treatment", "demo.admin"} <= set(logins)
    for username, password in logins.items():
        assert User.objects.get(username=username).check_password(password), username
    people = Person.objects.count()
    assert people == 1500

    assert "demo.admin is shown a QR code" in demo  # administrators set up two-factor sign-in at first sign-in
    TOTPDevice.objects.create(user=User.objects.get(username="demo.admin"), name="someone's phone", confirmed=True)
    call_command("build_demo", "--people", "1500", "--seed", "7", "--as-of", AS_OF.isoformat())
    again = capsys.readouterr().out
    assert not TOTPDevice.objects.exists()  # new passwords, and the next person sets up their own app
    assert "already built" in again
    assert Person.objects.count() == people
    assert DemoBuild.objects.count() == 1
    assert _logins(again).keys() == logins.keys()
    assert AccessLogEntry.objects.filter(summary__startswith="Loaded the synthetic demo").count() == 1


def test_demo_data_is_realistic_and_scoped(demo):
    probation = User.objects.get(username="demo.probation")
    housing = User.objects.get(username="demo.housing")
    mine = caseload(builders.actor(probation), on=AS_OF)
    assert 20 <= mine.count() <= 80
    housing_people = set(visible_people(builders.actor(housing), on=AS_OF).values_list("pk", flat=True))
    assert housing_people
    for person_id in housing_people:
        assert Involvement.objects.filter(person_id=person_id, agency__kind="housing").exists()

    supervised = Person.objects.filter(involvements__agency__kind="probation", involvements__end_date__isnull=True)
    statuses = set(supervised.annotate(s=supervision_status_expression(AS_OF)).values_list("s", flat=True))
    assert {"custody", "licence", "community"} <= statuses

    # Most assessments of the last year carry ARP and CSRP: many, not all, have a single-letter tier.
    letters = RiskScore.objects.filter(kind="tier_letter", is_current=True)
    assert letters.exclude(value="").count() > letters.filter(value="").count() / 4 > 0

    # Rows were loaded with the generator's ids; new people must still get fresh ones.
    created = person_create(actor=builders.actor(), first_name="New", last_name="Person")
    assert created.pk > 1500


def test_demo_derives_families_with_school_records(demo):
    from desist.families.models import Family, FamilyMember, SchoolRecord

    assert SchoolRecord.objects.exists()
    assert FamilyMember.objects.count() == Person.objects.count()
    assert Family.objects.filter(member_count__gte=3, generation_count__gte=2).exists()
    assert Family.objects.filter(findings__tf2012__criteria__1__status="met").exists()
