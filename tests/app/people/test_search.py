"""Search by name (typos, nicknames, aliases), date of birth or any identifier (issue 2, point 4)."""

from datetime import date

import pytest

from desist.people import services
from desist.people.selectors import parse_search, person_search
from tests.app import builders

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def worker(partnership):
    return partnership.user("pat.probation", partnership.probation)


@pytest.fixture
def william(partnership, worker):
    subject = builders.person(
        first_name="William",
        last_name="Johnson",
        date_of_birth=date(1988, 4, 7),
        involved=[(partnership.probation, worker)],
    )
    system = builders.actor()
    services.identifier_add(actor=system, person=subject, kind="pnc", value="2012/0123456Y")
    services.identifier_add(actor=system, person=subject, kind="crn", value="X123456")
    services.identifier_add(actor=system, person=subject, kind="ni_number", value="AB123456C")
    services.identifier_add(actor=system, person=subject, kind="nhs_number", value="9434765919")
    services.person_name_add(
        actor=system, person=subject, kind="alias", first_name="Billy", last_name="Jackson"
    )
    builders.person(
        first_name="Mary",
        last_name="Peters",
        date_of_birth=date(1970, 1, 1),
        involved=[(partnership.probation, worker)],
    )
    return subject


def found(worker, text):
    return [r.person.last_name for r in person_search(builders.actor(worker), text)]


@pytest.mark.parametrize(
    "text",
    [
        "William Johnson",
        "william johnson",
        "Bill Johnson",  # nickname
        "Will Johnson",
        "Wiliam Johnson",  # typo in the first name
        "William Jonhson",  # transposed letters
        "William Jonson",  # dropped letter
        "Johnson",
        "Johnston",  # close spelling
        "Billy Jackson",  # alias
        "07/04/1988",  # date of birth
        "04/07/1988",  # day and month swapped
        "1988-04-07",
        "Johnson 7/4/88",
        "2012/0123456Y",  # PNC, full form
        "12/123456Y",  # PNC, short form
        "X123456",  # CRN
        "x123456",
        "AB 12 34 56 C",  # NI number with spaces
        "943 476 5919",  # NHS number with spaces
    ],
)
def test_finds_the_person(worker, william, text):
    assert found(worker, text)[:1] == ["Johnson"], text


@pytest.mark.parametrize("text", ["Zebedee Quartermaine", "01/01/1999", "X999999"])
def test_finds_no_one_for_unrelated_queries(worker, william, text):
    assert found(worker, text) == []


def test_date_of_birth_narrows_a_common_name(partnership, worker, william):
    builders.person(
        first_name="William",
        last_name="Johnson",
        date_of_birth=date(1999, 9, 9),
        involved=[(partnership.probation, worker)],
    )
    results = person_search(builders.actor(worker), "William Johnson 07/04/1988")
    assert [r.person.pk for r in results] == [william.pk]
    assert "Date of birth" in results[0].matched_on


def test_query_parsing():
    query = parse_search("John Smith 12/03/1990 X123456")
    assert query.names == ["John", "Smith"]
    assert query.dates == [date(1990, 3, 12)]
    assert "X123456" in query.identifiers


def test_search_page_and_htmx_fragment(client, worker, william):
    client.force_login(worker)
    page = client.get("/search/", {"q": "Bill Johnson"})
    assert page.status_code == 200
    assert b"<html" in page.content and b"JOHNSON, William" in page.content
    fragment = client.get("/search/", {"q": "Bill Johnson"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content and b"JOHNSON, William" in fragment.content


def test_search_queries_are_bounded(client, partnership, worker, william, django_assert_max_num_queries):
    for n in range(20):
        builders.person(
            first_name="William", last_name=f"Johnsen{n}", involved=[(partnership.probation, worker)]
        )
    client.force_login(worker)
    with django_assert_max_num_queries(13):  # one of them moves the access log's chain head
        response = client.get("/search/", {"q": "William Johnson X123456"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2012 0123456A", "2012/0123456A"),
        ("12/123456A", "2012/0123456A"),
        ("98/1234A", "1998/0001234A"),
    ],
)
def test_pnc_numbers_are_normalised(typed, stored):
    from desist.core.names import normalise_identifier

    assert normalise_identifier("pnc", typed) == stored
