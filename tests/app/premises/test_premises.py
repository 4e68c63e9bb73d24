"""Accommodation places (issue 6, part 4): no double booking (the service on every backend, the exclusion
constraint on PostgreSQL), characteristics that must fit the person, arrivals and departures, occupancy and
availability, pages with bounded queries, access, and the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from desist.audit.models import AccessLogEntry
from desist.premises import selectors, services
from desist.premises.models import BedSpace, Booking, Premises
from desist.premises.services import BookingError
from tests.app import builders
from tests.app.builders import NAVIGATION_QUERIES, TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


# The staff the shared `team` fixture (tests/app/conftest.py) makes for these tests.
TEAM = ("officer", "keyworker", "police")


def hostel(partnership, beds=3, **flags) -> Premises:
    premises = Premises.objects.create(
        name=flags.pop("name", "Medway Road Hostel"), kind="hostel", provider=partnership.housing, **flags
    )
    for i in range(beds):
        BedSpace.objects.create(premises=premises, name=f"Room {i + 1}", step_free=i == 0)
    return premises


def resident(partnership, team, **extra):
    return builders.person(
        district=partnership.medway, involved=[(partnership.probation, team["officer"])], **extra
    )


def book(team, person, bed, start=3, nights=28, **extra):
    return services.booking_make(
        actor=builders.actor(team["officer"]),
        person=person,
        bed=bed,
        expected_arrival=TODAY + timedelta(days=start),
        expected_departure=TODAY + timedelta(days=start + nights),
        **extra,
    )


def test_a_bed_cannot_be_double_booked_but_can_be_taken_the_day_it_frees(partnership, team):
    bed = hostel(partnership).beds.first()
    first = book(team, resident(partnership, team, last_name="First"), bed, start=3, nights=28)
    with pytest.raises(BookingError, match="Room 1 at Medway Road Hostel is already booked from"):
        book(team, resident(partnership, team, last_name="Second"), bed, start=20, nights=10)
    assert Booking.objects.count() == 1
    book(
        team, resident(partnership, team, last_name="Next"), bed, start=31, nights=10
    )  # arrives as First leaves
    services.booking_cancel(actor=builders.actor(team["officer"]), booking=first)
    book(
        team, resident(partnership, team, last_name="Third"), bed, start=3, nights=28
    )  # freed by the cancellation
    entry = AccessLogEntry.objects.filter(object_type="premises.booking", action="disclosure").first()
    assert entry.recipient == "Medway Council Housing"


def test_postgresql_refuses_an_overlapping_booking_written_past_the_service(partnership, team):
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint is PostgreSQL's; on SQLite the service's check is the guard")
    bed = hostel(partnership).beds.first()
    booking = book(team, resident(partnership, team), bed)
    other = resident(partnership, team, last_name="Sneaky")
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            person=other,
            bed=bed,
            expected_arrival=booking.expected_arrival + timedelta(days=1),
            expected_departure=booking.expected_departure + timedelta(days=5),
        )
    # Another bed, or a booking that did not arrive, holds nothing.
    Booking.objects.create(
        person=other,
        bed=bed,
        expected_arrival=booking.expected_arrival,
        expected_departure=booking.expected_departure,
        status="not_arrived",
    )


def test_characteristics_must_fit_the_person(partnership, team):
    women = hostel(partnership, name="Elm House", women_only=True)
    man = resident(partnership, team)
    with pytest.raises(BookingError, match="Elm House takes women only"):
        book(team, man, women.beds.first())
    woman = resident(partnership, team, first_name="Jane", sex="female")
    step_free, stairs = women.beds.order_by("id")[:2]
    with pytest.raises(BookingError, match="Room 2 at Elm House is not step-free"):
        book(team, woman, stairs, needs_step_free=True)
    assert book(team, woman, step_free, needs_step_free=True).pk
    builders.flag(man, "mappa", mappa_category=1, mappa_level=1)
    with pytest.raises(BookingError, match="does not take people with a sexual offence"):
        book(team, man, hostel(partnership, name="Oak Lodge").beds.first())
    approved = hostel(partnership, name="Approved premises", accepts_sexual_offences=True, men_only=True)
    assert book(team, man, approved.beds.first()).pk


def test_arrival_non_arrival_and_departure(partnership, team):
    premises = hostel(partnership)
    beds = list(premises.beds.order_by("id"))
    actor = builders.actor(team["keyworker"])
    came = book(team, resident(partnership, team, last_name="Came"), beds[0], start=0)
    with pytest.raises(BookingError, match="only someone who arrived can depart"):
        services.booking_depart(actor=actor, booking=came, move_on="settled")
    services.booking_arrive(actor=actor, booking=came)
    with pytest.raises(BookingError, match="Choose where they moved on to"):
        services.booking_depart(actor=actor, booking=came, move_on="moon")
    services.booking_depart(
        actor=actor, booking=came, move_on="settled", departed_on=TODAY + timedelta(days=2)
    )
    assert (came.status, came.holds_until) == ("departed", TODAY + timedelta(days=2))
    # The bed is free from the departure, before the expected departure.
    book(team, resident(partnership, team, last_name="After"), beds[0], start=2, nights=5)
    absent = book(team, resident(partnership, team, last_name="Absent"), beds[1], start=0)
    with pytest.raises(BookingError, match="Say why"):
        services.booking_not_arrived(actor=actor, booking=absent, reason="")
    services.booking_not_arrived(actor=actor, booking=absent, reason="Recalled before release")
    book(team, resident(partnership, team, last_name="Instead"), beds[1], start=0)


def test_occupancy_and_availability(partnership, team, django_assert_max_num_queries):
    premises = hostel(partnership, beds=4)
    beds = list(premises.beds.order_by("id"))
    book(team, resident(partnership, team, last_name="A"), beds[0], start=0, nights=10)
    book(team, resident(partnership, team, last_name="B"), beds[1], start=0, nights=60)
    book(team, resident(partnership, team, last_name="C"), beds[2], start=3, nights=7)
    book(team, resident(partnership, team, last_name="D"), beds[3], start=30, nights=7)
    with django_assert_max_num_queries(2):
        [row] = selectors.occupancy(on=TODAY)
    assert (row.beds, row.occupied, row.arriving, row.free, row.percent) == (4, 2, 1, 2, 50)
    with django_assert_max_num_queries(2):
        starts, grid = selectors.availability(premises, on=TODAY, weeks=8)
    assert len(starts) == 8
    assert [g.weeks[:6] for g in grid] == [
        [True, True, False, False, False, False],
        [True] * 6,
        [True, True, False, False, False, False],
        [False, False, False, False, True, True],
    ]
    assert [
        b.name for b in selectors.free_beds(premises, TODAY + timedelta(days=14), TODAY + timedelta(days=21))
    ] == ["Room 1", "Room 3", "Room 4"]


# --- pages and access ---------------------------------------------------------------------------------


def test_book_a_bed_on_the_page_and_record_the_arrival(
    client, partnership, team, django_assert_max_num_queries
):
    premises = hostel(partnership, beds=22)
    subject = resident(partnership, team, last_name="Booked")
    client.force_login(team["officer"])
    with django_assert_max_num_queries(10 + NAVIGATION_QUERIES):
        page = client.get(f"/people/{subject.pk}/accommodation/book/").content.decode()
    assert "Medway Road Hostel: Room 1 (step-free)" in page
    bed = premises.beds.order_by("id")[1]
    data = {
        "bed": bed.pk,
        "expected_arrival": TODAY.isoformat(),
        "expected_departure": (TODAY + timedelta(days=84)).isoformat(),
    }
    response = client.post(
        f"/people/{subject.pk}/accommodation/book/", {**data, "needs_step_free": "on"}, follow=True
    )
    assert "Room 2 at Medway Road Hostel is not step-free" in response.content.decode()
    response = client.post(f"/people/{subject.pk}/accommodation/book/", data, follow=True)
    assert "Booked Room 2 at Medway Road Hostel" in response.content.decode()
    other = resident(partnership, team, last_name="Second")
    response = client.post(f"/people/{other.pk}/accommodation/book/", data, follow=True)
    assert "is already booked from" in response.content.decode() and Booking.objects.count() == 1
    bad = client.post(
        f"/people/{other.pk}/accommodation/book/", {**data, "expected_arrival": "31/02"}, follow=True
    )
    assert "Enter the expected arrival as a real date" in bad.content.decode()
    with django_assert_max_num_queries(10 + NAVIGATION_QUERIES):
        page = client.get(f"/premises/{premises.pk}/").content.decode()
    assert "BOOKED" in page and page.count("<strong>Free</strong>") == 21 * 8  # Room 2 booked all 8 weeks
    with django_assert_max_num_queries(8):
        page = client.get("/premises/").content.decode()
    assert "1 (5%)" in page
    booking = Booking.objects.get()
    client.force_login(team["keyworker"])  # the hostel's own staff record the arrival
    client.post(f"/bookings/{booking.pk}/arrive/")
    booking.refresh_from_db()
    assert booking.status == "arrived"


def test_bookings_of_people_others_may_not_see_are_404_and_logged(client, partnership, team):
    premises = hostel(partnership)
    subject = resident(partnership, team, last_name="Private")
    booking = book(team, subject, premises.beds.first())
    client.force_login(team["police"])
    for response in (
        client.get(f"/people/{subject.pk}/accommodation/book/"),
        client.post(f"/bookings/{booking.pk}/arrive/"),
    ):
        assert response.status_code == 404
    assert AccessLogEntry.objects.filter(action="denied", person_id=subject.pk).count() == 2
    assert "PRIVATE" not in client.get(f"/premises/{premises.pk}/").content.decode()


def test_the_api_books_a_bed_and_refuses_a_double_booking(client, partnership, team):
    premises = hostel(partnership)
    bed = premises.beds.first()
    first, second = resident(partnership, team, last_name="One"), resident(partnership, team, last_name="Two")
    client.force_login(team["officer"])
    body = {
        "bed": bed.pk,
        "expected_arrival": TODAY.isoformat(),
        "expected_departure": (TODAY + timedelta(days=10)).isoformat(),
    }
    made = client.post(f"/api/premises/people/{first.pk}/bookings", body, content_type="application/json")
    assert made.status_code == 201 and made.json()["bed"] == "Room 1"
    clash = client.post(f"/api/premises/people/{second.pk}/bookings", body, content_type="application/json")
    assert clash.status_code == 422 and "already booked" in clash.json()["detail"]
    booking_id = made.json()["id"]
    assert (
        client.post(
            f"/api/premises/bookings/{booking_id}/arrive", {}, content_type="application/json"
        ).json()["status"]
        == "arrived"
    )
    depart = client.post(f"/api/premises/bookings/{booking_id}/depart", {}, content_type="application/json")
    assert depart.status_code == 422 and "Choose where they moved on to" in depart.json()["detail"]
    assert client.get("/api/premises").json()[0]["occupied"] == 1
    client.force_login(team["police"])
    assert (
        client.post(
            f"/api/premises/people/{first.pk}/bookings", body, content_type="application/json"
        ).status_code
        == 404
    )


def test_the_demo_has_services_over_capacity_and_a_hostel_nearly_full(partnership, team):
    from desist.referrals.demo import demo_referrals_build
    from desist.referrals.models import Service
    from desist.referrals.selectors import capacity

    for i in range(80):
        resident(
            partnership,
            team,
            last_name=f"Demo{i}",
            sex="female" if i % 4 == 0 else "male",
            date_of_birth=TODAY.replace(year=TODAY.year - (20 if i % 5 == 0 else 35)),
        )
    built = demo_referrals_build(TODAY)
    assert built["services"] == 10 and built["premises"] == 4
    figures = {r.service.name: r for r in capacity(Service.objects.all(), on=TODAY)}
    mhtr = figures["Mental health treatment requirement (MHTR)"]
    assert mhtr.over_capacity and mhtr.waiting == 26 and mhtr.average_wait_days > 60
    assert figures["Employment support (Restart)"].free > 0
    rows = {r.premises.name: r for r in selectors.occupancy(on=TODAY)}
    hostel_row = rows["Medway Road Hostel"]
    assert (hostel_row.beds, hostel_row.occupied) == (22, 20) and hostel_row.nearly_full
