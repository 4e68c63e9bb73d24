"""Families and where agencies overlap: the refresh, the pages, CSV export, access rules and query bounds."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from desist.audit.models import AccessLogEntry, Action
from desist.families.models import Family, FamilyMember
from desist.families.services import families_refresh, school_record_add
from desist.offences.services import offence_record
from desist.partnership.models import Agency, AgencyKind
from desist.people import services as people
from desist.people.models import Person
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
SYSTEM = builders.actor()


@dataclass
class Family3:
    grandfather: Person
    mother: Person
    son: Person
    daughter: Person
    lodger: Person
    stranger: Person


def _years_ago(years: int, days: int = 0) -> date:
    return date(TODAY.year - years, 1, 15) - timedelta(days=days)


def _involve(person: Person, agency: Agency, reason: str, days_ago: int = 200) -> None:
    people.involvement_start(
        actor=SYSTEM,
        person=person,
        agency_id=agency.pk,
        reason=reason,
        start_date=TODAY - timedelta(days=days_ago),
    )


@pytest.fixture
def family(partnership) -> Family3:
    council = Agency.objects.create(
        code="council_community_safety",
        name="Medway Community Safety",
        kind=AgencyKind.COUNCIL_COMMUNITY_SAFETY,
    )
    job_centre = Agency.objects.create(code="job_centre", name="Jobcentre Plus", kind=AgencyKind.JOB_CENTRE)
    partnership.council = council
    builders.offence_code("02800")

    def make(first: str, born: date, sex: str = "male", last: str = "Harlow") -> Person:
        return builders.person(
            first_name=first, last_name=last, date_of_birth=born, sex=sex, district=partnership.medway
        )

    f = Family3(
        grandfather=make("Dennis", _years_ago(62)),
        mother=make("Tracy", _years_ago(38), "female"),
        son=make("Kai", _years_ago(15)),
        daughter=make("Leah", _years_ago(12), "female"),
        lodger=make("Ray", _years_ago(40)),
        stranger=make("Alan", _years_ago(50), last="Other"),
    )
    people.relationship_record(actor=SYSTEM, person=f.mother, related_person=f.grandfather, kind="parent")
    for child in (f.son, f.daughter):
        people.relationship_record(actor=SYSTEM, person=child, related_person=f.mother, kind="parent")
    for member in (f.mother, f.son, f.daughter, f.lodger):
        people.address_add(
            actor=SYSTEM,
            person=member,
            line1="12  Rope Walk",
            town="Chatham",
            postcode="me4 4aa",
            from_date=TODAY - timedelta(days=900),
            district_id=partnership.medway.pk,
        )
    people.address_add(
        actor=SYSTEM,
        person=f.stranger,
        line1="1 Far Lane",
        town="Canterbury",
        postcode="CT1 1AA",
        from_date=TODAY - timedelta(days=900),
    )
    offence_record(
        actor=SYSTEM,
        person=f.grandfather,
        offence_code="02800",
        offence_date=_years_ago(20),
        outcome="conviction",
        outcome_date=_years_ago(20) + timedelta(days=60),
        disposal="custody",
    )
    offence_record(
        actor=SYSTEM,
        person=f.son,
        offence_code="02800",
        offence_date=TODAY - timedelta(days=120),
        outcome="conviction",
        outcome_date=TODAY - timedelta(days=60),
        disposal="community",
    )
    _involve(f.grandfather, partnership.police, "Offender — criminal investigation")
    _involve(f.mother, partnership.housing, "Tenancy support")
    _involve(f.mother, council, "ASB case management")
    _involve(f.mother, job_centre, "Universal Credit — intensive work search")
    _involve(f.son, council, "Homelessness prevention", days_ago=100)  # a second agency on accommodation
    _involve(f.son, partnership.probation, "Referral order")
    _involve(f.stranger, council, "ASB case management")
    school_record_add(
        actor=SYSTEM,
        person=f.daughter,
        period_start=TODAY - timedelta(days=330),
        period_end=TODAY - timedelta(days=30),
        unauthorised_absence_percent=21.5,
    )
    families_refresh(actor=SYSTEM)
    return f


@pytest.fixture
def coordinator(partnership, family):
    return partnership.user("cara.coordinator", partnership.council, role="coordinator")


def test_refresh_derives_the_family_generations_flags_and_criteria(family, partnership):
    out = io.StringIO()
    call_command("refresh_families", stdout=out)
    assert "families for 6 people" in out.getvalue()
    harlows = Family.objects.get(pk=family.grandfather.pk)
    members = {m.person_id: m for m in harlows.members.all()}
    assert set(members) == {
        family.grandfather.pk,
        family.mother.pk,
        family.son.pk,
        family.daughter.pk,
        family.lodger.pk,
    }
    assert [members[p.pk].generation for p in (family.grandfather, family.mother, family.son)] == [1, 2, 3]
    assert members[family.lodger.pk].generation_basis == "age"  # joined by the shared address only
    assert harlows.district == partnership.medway
    assert harlows.agency_count == 5 and harlows.generation_count == 3
    assert harlows.duplication and harlows.intergenerational
    assert harlows.tf2012 and harlows.findings["tf2012"]["reason"] == "All three criteria are met"
    school = harlows.findings["tf2012"]["criteria"][1]
    assert school["status"] == "met" and school["evidence"][0]["person_id"] == family.daughter.pk
    assert FamilyMember.objects.get(person=family.stranger).family.member_count == 1


def test_refresh_replaces_the_families(family):
    people.relationship_record(
        actor=SYSTEM, person=family.stranger, related_person=family.lodger, kind="sibling"
    )
    families_refresh(actor=SYSTEM)
    assert FamilyMember.objects.get(person=family.stranger).family_id == family.grandfather.pk
    assert (
        AccessLogEntry.objects.filter(action=Action.ALTERATION, summary__startswith="Worked out").count() == 2
    )


def test_overlap_page_ranks_families_the_user_can_see(
    client, coordinator, family, django_assert_max_num_queries
):
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("families_overlap"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Family {family.grandfather.pk}" in html
    assert "Tracy Harlow" in html and "Kai Harlow" in html
    assert "Dennis" not in html and "Leah" not in html  # not in the coordinator's caseload
    entry = AccessLogEntry.objects.filter(summary__startswith="Viewed where agencies overlap").get()
    assert sorted(entry.detail["person_ids"]) == sorted([family.mother.pk, family.son.pk])


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ({"flag": "duplication"}, True),
        ({"criteria": "tf2012"}, True),
        ({"district": "CAN"}, False),
        ({"min_agencies": "6"}, False),
    ],
)
def test_overlap_filters(client, coordinator, family, query, listed):
    client.force_login(coordinator)
    html = client.get(reverse("families_overlap"), query).content.decode()
    assert (f"Family {family.grandfather.pk}" in html) is listed


def test_bad_filter_input_gets_a_clear_message_and_keeps_the_rest(client, coordinator, family):
    client.force_login(coordinator)
    response = client.get(reverse("families_overlap"), {"min_agencies": "lots", "district": "MED"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a whole number of agencies, like 3" in html
    assert '<option value="MED" selected>' in html and f"Family {family.grandfather.pk}" in html


def test_people_ranked_by_agencies(client, coordinator, family, django_assert_max_num_queries):
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("families_overlap"), {"show": "people"}).content.decode()
    # Tracy (3 agencies) before Kai (2) before Alan (1); nobody outside the caseload.
    assert html.index("HARLOW, Tracy") < html.index("HARLOW, Kai") < html.index("OTHER, Alan")
    assert "Dennis" not in html


def test_csv_export_lists_every_row_and_is_logged(client, coordinator, family):
    client.force_login(coordinator)
    response = client.get(reverse("families_overlap"), {"format": "csv", "flag": "duplication"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Family", "District", "Members"]
    assert rows[1][0] == str(family.grandfather.pk) and rows[1][3] == "Tracy Harlow; Kai Harlow"
    assert rows[1][6:9] == ["Yes", "Yes", "Yes"] and len(rows) == 2
    people_csv = client.get(reverse("families_overlap"), {"format": "csv", "show": "people"})
    names = [row[1] for row in csv.reader(io.StringIO(b"".join(people_csv.streaming_content).decode()))][1:]
    assert names == ["Tracy Harlow", "Kai Harlow", "Alan Other"]
    assert AccessLogEntry.objects.filter(summary__startswith="Exported where agencies overlap").count() == 2


def test_family_view_shows_visible_members_and_hides_the_rest(
    client, coordinator, family, django_assert_max_num_queries
):
    client.force_login(coordinator)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("family", args=[family.grandfather.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tracy Harlow" in html and "Kai Harlow" in html
    assert "Dennis" not in html and "Leah" not in html and "Ray" not in html
    assert html.count("A member not in your caseload") >= 3
    assert "Tenancy support" in html and "Homelessness prevention" in html  # visible members' agencies
    assert "Offender — criminal investigation" not in html  # the grandfather's, hidden
    assert "All three criteria are met" in html and "(by age)" in html
    entry = AccessLogEntry.objects.get(action=Action.CONSULTATION, object_type="families.family")
    assert sorted(entry.detail["person_ids"]) == sorted([family.mother.pk, family.son.pk])


def test_family_of_no_one_in_your_caseload_is_refused_and_logged(client, partnership, family):
    client.force_login(partnership.user("tom.treatment", partnership.treatment))
    assert client.get(reverse("family", args=[family.grandfather.pk])).status_code == 404
    assert client.get(reverse("family", args=[999999])).status_code == 404
    assert (
        AccessLogEntry.objects.filter(
            action=Action.DENIED, summary__startswith="Refused access to family"
        ).count()
        == 2
    )
    assert f"Family {family.grandfather.pk}" not in client.get(reverse("families_overlap")).content.decode()


def test_person_record_links_to_the_family(client, coordinator, family):
    client.force_login(coordinator)
    record = client.get(reverse("person", args=[family.mother.pk])).content.decode()
    assert reverse("person_family", args=[family.mother.pk]) in record
    response = client.get(reverse("person_family", args=[family.mother.pk]))
    assert response.status_code == 302 and response.url == reverse("family", args=[family.grandfather.pk])
    assert client.get(reverse("person_family", args=[family.grandfather.pk])).status_code == 404
    assert AccessLogEntry.objects.filter(action=Action.DENIED, person_id=family.grandfather.pk).exists()


def test_a_person_with_no_family_worked_out_yet_is_told_so(client, coordinator, partnership):
    newcomer = builders.person(first_name="New", last_name="Comer", involved=[(partnership.council, None)])
    client.force_login(coordinator)
    response = client.get(reverse("person_family", args=[newcomer.pk]))
    assert response.status_code == 200 and "No family worked out yet" in response.content.decode()
    assert not AccessLogEntry.objects.filter(action=Action.DENIED, person_id=newcomer.pk).exists()


def test_school_record_refuses_bad_dates(family):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        school_record_add(
            actor=SYSTEM,
            person=family.daughter,
            period_start=TODAY,
            period_end=TODAY,
            unauthorised_absence_percent=120,
        )


def test_members_of_a_troubled_family_join_the_priority_group(family):
    from desist.priority.models import PriorityGroupMembership

    members = set(
        PriorityGroupMembership.objects.filter(group="troubled_family").values_list("person_id", flat=True)
    )
    assert members == {
        family.grandfather.pk,
        family.mother.pk,
        family.son.pk,
        family.daughter.pk,
        family.lodger.pk,
    }
    period = PriorityGroupMembership.objects.get(group="troubled_family", person=family.mother)
    assert period.end_date is None and period.start_date >= TODAY - timedelta(days=365)
    assert period.basis.startswith("Family meets the Troubled Families 2012 criteria")
