"""The access matrix beyond the record (issue 16, item 1): the chronology page, the chronology in the API and
the person-level export (where agencies overlap, as CSV) show each agency only the categories its agreements
give it, from the one decision (`sharing.selectors.shared_categories`), and say what they withhold."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from desist.audit.context import system_actor
from desist.audit.models import AccessLogEntry, Action
from desist.core import sharing as c
from desist.families.models import FamilyMember
from desist.families.services import families_refresh
from desist.partnership.models import AgencyKind, Role
from desist.people import services as people
from desist.sharing import selectors
from desist.sharing.demo import demo_sharing_build
from desist.supervision.models import Contact, ContactKind
from desist.supervision.selectors import contact_for_actor
from tests.app import builders
from tests.app.builders import TODAY
from tests.app.sharing.test_sharing import MATRIX, OTHER_PURPOSE, _agency

pytestmark = pytest.mark.django_db

WITHHELD = "Not shared with your agency"
# The categories each surface shows, and so checks for every row of the matrix. The other categories
# (offences, sentence, risk, needs, victims) appear on none of these surfaces: the record's sections hold
# them.
CHRONOLOGY = "chronology (page and API)"
EXPORT = "where agencies overlap (CSV)"
SURFACES = {CHRONOLOGY: {c.CONTACTS, c.HEALTH}, EXPORT: {c.IDENTITY, c.ADDRESSES, c.FAMILY}}
# The overlap CSV's people columns, by the category each shows (the rest always: id, name, agencies).
CSV_COLUMNS = {
    "Date of birth": c.IDENTITY,
    "District": c.ADDRESSES,
    "Family": c.FAMILY,
    "Generation": c.FAMILY,
    "Duplication": c.FAMILY,
    "Troubled Families 2015": c.FAMILY,
}


def test_the_surfaces_check_what_their_rows_show():
    assert set().union(*SURFACES.values()) >= set(CSV_COLUMNS.values())
    assert {cat for needs in c.ENTRY_CATEGORIES_BY_RECORDER.values() for cat in needs} <= SURFACES[CHRONOLOGY]


def _entry(subject, agency, summary):
    Contact.objects.create(
        person=subject,
        kind=ContactKind.CASE_NOTE,
        occurred_at=timezone.now() - timedelta(hours=1),
        agency=agency,
        summary=summary,
    )


def _first_of_its_kind(rows, i, surface, recorders) -> bool:
    """Whether row i is the first row of the matrix to see this surface's categories as it does (and, on the
    chronology, to be or not be one of the entries' recorders): the rows that can differ are all checked,
    every category both ways, without repeating what another row already showed."""

    def key(row):
        kind, _, seen, _ = row
        return frozenset(
            seen & SURFACES[surface]
        ), kind if surface == CHRONOLOGY and kind in recorders else ""

    return all(key(rows[j]) != key(rows[i]) for j in range(i))


def _withheld_line(n: int) -> str:
    return f"{n} entr{'y' if n == 1 else 'ies'} not shared with your agency"


def test_access_matrix_on_the_chronology_the_api_and_the_export(client, partnership):
    demo_sharing_build(TODAY)
    agencies = {kind: _agency(partnership, kind) for kind, _, _ in MATRIX}
    subject = builders.person(
        last_name="Surfaced",
        district=partnership.medway,
        involved=[(a, None) for a in agencies.values()],
    )
    child = builders.person(
        first_name="Kit", last_name="Surfaced", date_of_birth=TODAY - timedelta(days=3000)
    )
    people.relationship_record(actor=system_actor(), person=child, related_person=subject, kind="parent")
    families_refresh(actor=system_actor())
    probation, health = agencies[AgencyKind.PROBATION], agencies[AgencyKind.HEALTH]
    _entry(subject, probation, "Probation entry seen")
    _entry(subject, health, "Health entry seen")

    problems = []
    rows = [(*row, "case_management") for row in MATRIX] + [(*row, "performance") for row in OTHER_PURPOSE]
    for i, (kind, role, seen, purpose) in enumerate(rows):
        checks = [s for s in SURFACES if _first_of_its_kind(rows, i, s, {probation.kind, health.kind})]
        if not checks:
            continue
        user = partnership.user(f"surface{i}", agencies[kind], role=role)
        client.force_login(user)
        session = client.session
        session["purpose"] = purpose
        session.save()
        where = f"{kind}/{role}/{purpose}"
        own = agencies[kind]
        if CHRONOLOGY in checks:
            # Another agency's entry needs "contacts"; a health service's needs "health" too.
            expect = {
                "Probation entry seen": own == probation or c.CONTACTS in seen,
                "Health entry seen": own == health or {c.CONTACTS, c.HEALTH} <= seen,
            }
            hidden = sum(not shown for shown in expect.values())
            page = client.get(f"/people/{subject.pk}/chronology/").content.decode()
            for text, shown in expect.items():
                if (text in page) is not shown:
                    problems.append(f"{where}: chronology {'lacks' if shown else 'shows'} {text!r}")
            if hidden and _withheld_line(hidden) not in page:
                problems.append(f"{where}: chronology does not say {_withheld_line(hidden)!r}")
            if not hidden and "not shared with your agency" in page:
                problems.append(f"{where}: chronology says something is withheld")
            api = client.get(f"/api/supervision/people/{subject.pk}/chronology").json()
            if api["withheld"] != hidden or {r["summary"] for r in api["results"]} != {
                t for t, shown in expect.items() if shown
            }:
                problems.append(f"{where}: the API's chronology is {api}")
        if EXPORT in checks:
            # Each withheld category's cells say so; the columns stay.
            answer = client.get(reverse("families_overlap"), {"format": "csv", "show": "people"})
            table = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode("utf-8-sig"))))
            header, body = table[0], [r for r in table[1:] if r[0] == str(subject.pk)]
            if len(body) != 1:
                problems.append(f"{where}: the export lists {body}")
                continue
            for column, category in CSV_COLUMNS.items():
                cell = body[0][header.index(column)]
                if (cell == WITHHELD) is (category in seen):
                    state = "shared" if category in seen else "not shared"
                    problems.append(f"{where}: export {column} is {cell!r} with {category} {state}")
    assert not problems, "\n".join(problems)


def test_the_chronology_with_agreements_stays_within_its_queries(
    client, partnership, django_assert_max_num_queries
):
    demo_sharing_build(TODAY)
    voluntary = _agency(partnership, AgencyKind.VOLUNTARY)
    fire = _agency(partnership, AgencyKind.FIRE)
    subject = builders.person(involved=[(voluntary, None), (fire, None), (partnership.probation, None)])
    for i in range(30):
        _entry(subject, partnership.probation if i % 2 else partnership.treatment, f"Entry {i}")
    for agency in (voluntary, fire):  # consent-based contacts; nothing of contacts
        client.force_login(partnership.user(f"bound.{agency.kind}", agency))
        client.get(f"/people/{subject.pk}/chronology/")
        with django_assert_max_num_queries(18):
            page = client.get(f"/people/{subject.pk}/chronology/").content.decode()
        assert "not shared with your agency" in page


def test_a_contact_of_a_withheld_category_is_refused_one_by_one(partnership):
    demo_sharing_build(TODAY)
    housing = partnership.user("hana", partnership.housing)
    subject = builders.person(involved=[(partnership.housing, housing), (partnership.treatment, None)])
    _entry(subject, partnership.treatment, "Treatment session")
    _entry(subject, partnership.housing, "Tenancy visit")
    actor = builders.actor(housing)
    actor = type(actor)(**{**actor.__dict__, "purpose": "case_management"})
    assert c.HEALTH not in selectors.shared_categories(actor, subject.pk)
    mine = Contact.objects.get(summary="Tenancy visit")
    assert contact_for_actor(actor, mine.pk) == mine
    with pytest.raises(Http404):
        contact_for_actor(actor, Contact.objects.get(summary="Treatment session").pk)


@pytest.mark.parametrize("role", [Role.PRACTITIONER])
def test_without_agreements_the_chronology_withholds_nothing(client, partnership, role):
    officer = partnership.user("olly", partnership.probation, role=role)
    subject = builders.person(involved=[(partnership.probation, officer), (partnership.treatment, None)])
    _entry(subject, partnership.treatment, "Treatment session")
    client.force_login(officer)
    page = client.get(f"/people/{subject.pk}/chronology/").content.decode()
    assert "Treatment session" in page and "not shared with your agency" not in page


# Person-level pages beyond the record, each showing one category: (page, the category, who sees it (agency
# kind, role, purpose), who does not). The victims page needs the victim liaison role, so its "does not" is
# that role where no agreement gives it victims (the police's agreements give them to MARAC's coordinator).
PAGES = [
    ("/people/{pk}/release/", c.SENTENCE),
    ("/people/{pk}/enforcement/", c.SENTENCE),
    ("/people/{pk}/monitoring/", c.SENTENCE),
    ("/people/{pk}/family/", c.FAMILY),
    ("/victims/people/{pk}/", c.VICTIMS),
]
SEES = {
    c.SENTENCE: (AgencyKind.PROBATION, Role.PRACTITIONER, "case_management"),
    c.FAMILY: (AgencyKind.PROBATION, Role.PRACTITIONER, "case_management"),
    c.VICTIMS: (AgencyKind.PROBATION, Role.VICTIM_LIAISON, "case_management"),
}
DOES_NOT = {
    c.SENTENCE: (AgencyKind.FIRE, Role.PRACTITIONER, "case_management"),
    c.FAMILY: (AgencyKind.HOUSING, Role.PRACTITIONER, "case_management"),
    c.VICTIMS: (AgencyKind.POLICE, Role.VICTIM_LIAISON, "case_management"),
}


def test_the_matrix_agrees_with_the_pages_rows():
    rows = {(k, r): seen for k, r, seen in MATRIX}
    for category in {cat for _, cat in PAGES}:
        kind, role, _ = SEES[category]
        assert category in rows[(kind, role)]
        kind, role, _ = DOES_NOT[category]
        assert category not in rows.get((kind, role), set())


def test_person_pages_beyond_the_record_say_what_is_not_shared(client, partnership):
    demo_sharing_build(TODAY)
    kinds = {k for k, _, _ in [*SEES.values(), *DOES_NOT.values()]}
    agencies = {kind: _agency(partnership, kind) for kind in kinds}
    subject = builders.person(last_name="Paged", involved=[(a, None) for a in agencies.values()])
    child = builders.person(first_name="Kit", last_name="Paged", date_of_birth=TODAY - timedelta(days=3000))
    people.relationship_record(actor=system_actor(), person=child, related_person=subject, kind="parent")
    families_refresh(actor=system_actor())
    problems = []
    for i, (url, category) in enumerate(PAGES):
        for shared, (kind, role, purpose) in ((True, SEES[category]), (False, DOES_NOT[category])):
            client.force_login(partnership.user(f"page{i}{shared}", agencies[kind], role=role))
            session = client.session
            session["purpose"] = purpose
            session.save()
            response = client.get(url.format(pk=subject.pk), follow=True)
            body = response.content.decode()
            withheld = f"Not shared with your agency:</strong> {c.CATEGORIES[category]}" in body
            if response.status_code != 200 or withheld is shared:
                problems.append(
                    f"{url} as {kind}/{role}/{purpose}: {response.status_code}, withheld {withheld}"
                )
    assert not problems, "\n".join(problems)
    denied = AccessLogEntry.objects.filter(action=Action.DENIED, person_id=subject.pk)
    assert denied.filter(summary__startswith="Withheld sentence").count() == 3

    # The family's own page, opened by its number (not only through the record's link), follows the same rule.
    family_id = FamilyMember.objects.get(person=subject).family_id
    for shared, (kind, role, purpose) in ((True, SEES[c.FAMILY]), (False, DOES_NOT[c.FAMILY])):
        client.force_login(partnership.user(f"family{shared}", agencies[kind], role=role))
        session = client.session
        session["purpose"] = purpose
        session.save()
        response = client.get(reverse("family", args=[family_id]))
        body = response.content.decode()
        assert response.status_code == 200
        withheld = f"Not shared with your agency:</strong> {c.CATEGORIES[c.FAMILY]}" in body
        assert withheld is not shared and ("Born " in body) is shared, kind
