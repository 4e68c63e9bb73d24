"""The releases the app records reach the release-date engine as the booking's movements (issue 12): a
sentence's release (OUT, with how: on HDC, conditional, parole), the return to custody on a recall (IN) and
the re-release (OUT). The engine reads them as the MoJ calculator does: someone out on HDC when an
early-release scheme's tranche began is not reached by it, and someone still in custody, or back in custody
by then, is. Read in the same queries as before."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from desist.core import release_dates as engine
from desist.release import selectors, services
from tests.app import builders

pytestmark = pytest.mark.django_db

D = date.fromisoformat
# SDS40 (SI 2024/844) tranche 1, sentences under five years: from 10 September 2024.
SDS40_TRANCHE_1 = D("2024-09-10")


@pytest.fixture
def officer(partnership):
    return partnership.user("olive.omu", partnership.prison)


def serving(partnership, officer, name):
    """Three years from 1 June 2023: at half, released on 29 November 2024; at 40% under SDS40 tranche 1, on
    its commencement (40% fell before it, on 12 August 2024)."""
    person = builders.person(
        last_name=name,
        date_of_birth=D("1990-01-01"),
        district=partnership.medway,
        involved=[(partnership.prison, officer), (partnership.probation, None)],
    )
    sentence = services.custodial_sentence_record(
        actor=builders.actor(officer),
        person=person,
        sentence_date=D("2023-06-01"),
        years=3,
        offence_date=D("2023-01-01"),
    )
    return person, sentence


def released_and_recalled(officer, sentence, *, released_on, release_type, returned):
    services.release_record(
        actor=builders.actor(officer),
        sentence=sentence,
        released_on=released_on,
        release_type=release_type,
        accommodation="supported",
    )
    sentence.refresh_from_db()
    return services.recall_record(
        actor=builders.actor(officer),
        sentence=sentence,
        kind="STANDARD",
        recalled_on=returned - timedelta(days=1),
        returned_to_custody=returned,
    )


def booking_given(person, monkeypatch):
    """The booking the app hands the engine for this person."""
    given: list[engine.Booking] = []
    calculate = engine.calculate

    def spy(booking, legislation):
        given.append(booking)
        return calculate(booking, legislation)

    monkeypatch.setattr(engine, "calculate", spy)
    assert selectors.booking_dates(person.pk, on=builders.TODAY).calculation is not None
    monkeypatch.undo()
    return given[-1]


def first_release(booking):
    """The engine's dates for the release the recall followed: the same booking without the recall (after one,
    the dates are the post-recall release's and the working says nothing of the first)."""
    sentences = tuple(dataclasses.replace(s, recall="", returned_to_custody=None) for s in booking.sentences)
    calculation = engine.calculate(dataclasses.replace(booking, sentences=sentences), selectors.LEGISLATION)
    assert isinstance(calculation, engine.Calculation), calculation
    working = [(s.rule, s.detail) for s in calculation.working if s.date_type is engine.DateType.CRD]
    return calculation.dates[engine.DateType.CRD], working


def test_an_hdc_release_and_the_return_from_recall_reach_the_engine(partnership, officer, monkeypatch):
    person, sentence = serving(partnership, officer, "Curfew")
    released_and_recalled(
        officer, sentence, released_on=D("2024-08-01"), release_type="hdc", returned=D("2024-10-02")
    )
    booking = booking_given(person, monkeypatch)
    assert booking.movements == (
        engine.Movement(on=D("2024-08-01"), direction="OUT", reason="HDC"),
        engine.Movement(on=D("2024-10-02"), direction="IN", reason="RECALL_ADMISSION"),
    )
    assert booking.releases() == (D("2024-08-01"),)
    # Out on HDC when SDS40's first tranche began: the scheme did not reach them (the calculator's
    # isPersonConsideredOutOfCustodyAtLegislationCommencement), so their release point stayed at half.
    crd, working = first_release(booking)
    assert crd == D("2024-11-29")
    assert ("not under SDS40", f"released on 2024-08-01, out on {SDS40_TRANCHE_1}") in working


def test_an_early_release_scheme_reaches_only_those_in_custody_when_it_began(
    partnership, officer, monkeypatch
):
    out_then, first = serving(partnership, officer, "Outside")
    released_and_recalled(
        officer, first, released_on=D("2024-08-01"), release_type="hdc", returned=D("2024-10-02")
    )
    inside, _ = serving(partnership, officer, "Inside")
    back_then, second = serving(partnership, officer, "Returned")
    released_and_recalled(
        officer, second, released_on=D("2024-07-01"), release_type="hdc", returned=D("2024-08-15")
    )

    assert first_release(booking_given(out_then, monkeypatch))[0] == D("2024-11-29")
    # Still in custody, or back in custody by then: released on the tranche's commencement.
    in_custody = selectors.booking_dates(inside.pk, on=builders.TODAY).calculation
    assert in_custody is not None and in_custody.dates[engine.DateType.CRD] == SDS40_TRANCHE_1
    crd, working = first_release(booking_given(back_then, monkeypatch))
    assert crd == SDS40_TRANCHE_1
    assert not any(rule == "not under SDS40" for rule, _ in working)


def test_the_movements_cost_no_query_of_their_own(partnership, officer, django_assert_num_queries):
    person, sentence = serving(partnership, officer, "Counted")
    released_and_recalled(
        officer, sentence, released_on=D("2024-08-01"), release_type="conditional", returned=D("2024-10-02")
    )
    others = [serving(partnership, officer, f"Other{n}")[0] for n in range(3)]
    ids = [person.pk, *(p.pk for p in others)]
    # Sentences with their first releases, recalls with their re-releases, adjustments, offences, registers.
    with django_assert_num_queries(5):
        worked = selectors.bookings_dates(ids, on=builders.TODAY)
    assert all(worked[pk].calculation is not None for pk in ids)
    with django_assert_num_queries(4):
        sentences = selectors.booking_sentences(person.pk, on=builders.TODAY)
    with django_assert_num_queries(0):
        assert selectors._engine_movements(sentences) == (
            engine.Movement(on=D("2024-08-01"), direction="OUT", reason="CRD"),
            engine.Movement(on=D("2024-10-02"), direction="IN", reason="RECALL_ADMISSION"),
        )
