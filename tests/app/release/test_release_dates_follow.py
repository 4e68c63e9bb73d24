"""What follows a person's release dates (issue 12): a register change works them out again at once, the
non-release days include the bank holidays of England and Wales, and a plan whose date needs a manual
calculation supersedes the escalations raised from its last date. Real database, no mocks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from desist.audit.models import AccessLogEntry
from desist.core import release_dates as engine
from desist.core import working_days
from desist.registers.models import RegisterKind
from desist.registers.services import register_add, register_end
from desist.release import selectors, services
from desist.release.models import Escalation, ReleaseDateChange, ReleasePlan
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db

D = date.fromisoformat


@pytest.fixture
def officer(partnership):
    return partnership.user("olive.omu", partnership.prison)


@pytest.fixture
def subject(partnership, officer):
    return builders.person(
        last_name="Follow",
        date_of_birth=D("1990-01-01"),
        district=partnership.medway,
        involved=[(partnership.prison, officer), (partnership.probation, None)],
    )


def record(officer, subject, **values):
    return services.custodial_sentence_record(actor=builders.actor(officer), person=subject, **values)


def worked(subject):
    booking = selectors.booking_dates(subject.pk, on=TODAY)
    assert booking.calculation is not None, booking.manual
    return {k.value: v for k, v in booking.calculation.dates.items()}


# --- a register change works the release dates out again at once -----------------------------------------


def test_a_terrorism_entry_works_the_release_dates_out_again_at_once_and_its_end_too(officer, subject):
    start = TODAY - timedelta(days=5)
    sentence = record(
        officer, subject, sentence_date=start, months=5, offence_date=start - timedelta(days=20)
    )
    sentence.refresh_from_db()
    days = sentence.length_days
    # SDS40: released at 40% of the term, the sentence day counted as the first.
    at_40 = start + timedelta(days=-(-days * 2 // 5) - 1)
    assert sentence.release_date == at_40
    plan = ReleasePlan.objects.get(sentence=sentence)
    assert plan.release_date == at_40
    entry = register_add(
        actor=builders.actor(officer),
        person=subject,
        kind=RegisterKind.TERRORISM,
        start_date=TODAY - timedelta(days=1),
    )
    # Terrorism excludes the sentence from SDS40: released at half, worked out in the same call.
    at_half = start + timedelta(days=-(-days // 2) - 1)
    sentence.refresh_from_db()
    plan.refresh_from_db()
    assert at_half > at_40
    assert sentence.release_date == at_half and plan.release_date == at_half
    assert sentence.conditional_release_date == at_half
    change = ReleaseDateChange.objects.filter(sentence=sentence).latest("id")
    assert (change.old_date, change.new_date) == (at_40, at_half)
    assert change.reason.startswith("Worked out again by desist")
    # Ended (yesterday, so not on the register today): SDS40 reaches the sentence again.
    register_end(actor=builders.actor(officer), entry=entry, end_date=TODAY - timedelta(days=1))
    sentence.refresh_from_db()
    plan.refresh_from_db()
    assert sentence.release_date == at_40 and plan.release_date == at_40


def test_a_register_entry_of_someone_with_no_sentence_awaiting_release_changes_nothing(partnership):
    someone = builders.person(last_name="Free", involved=[(partnership.probation, None)])
    register_add(
        actor=builders.actor(),
        person=someone,
        kind=RegisterKind.TERRORISM,
        start_date=TODAY - timedelta(days=1),
    )
    assert not ReleaseDateChange.objects.exists() and not ReleasePlan.objects.exists()


def test_mappa_category_1_takes_the_hdc_date_away_on_the_release_page_at_once(client, officer, subject):
    start = TODAY - timedelta(days=5)
    record(officer, subject, sentence_date=start, months=10, offence_date=start - timedelta(days=20))
    assert "HDCED" in worked(subject)
    register_add(
        actor=builders.actor(officer),
        person=subject,
        kind=RegisterKind.MAPPA,
        start_date=TODAY - timedelta(days=1),
        mappa_category=1,
        mappa_level=1,
    )
    assert "HDCED" not in worked(subject)  # sex offender notification: no HDC


# --- non-release days: weekends and the bank holidays of England and Wales ----------------------------------


def test_a_release_due_on_a_bank_holiday_takes_place_the_working_day_before(officer, subject):
    # A (8 months from 21 September 2025) is due out on Friday 26 December 2025, Boxing Day: released on
    # Wednesday 24 December (Christmas Day is a bank holiday too), so B, passed on 26 December with 10 days'
    # remand, finds A already released and its remand does not reach A (the calculator's timeline,
    # `WorkingDayService.previousWorkingDay`). Counting weekends only, A would still be in custody that day
    # and its licence would end 10 days early.
    a = record(officer, subject, sentence_date=D("2025-09-21"), months=8, offence_date=D("2025-09-21"))
    b = record(officer, subject, sentence_date=D("2025-12-26"), months=4, offence_date=D("2025-12-01"))
    services.adjustment_record(actor=builders.actor(officer), sentence=b, kind="remand", days=10)
    assert worked(subject)["SLED"] == D("2026-05-20")  # A's expiry, untouched by B's remand
    assert a.pk != b.pk
    # The engine takes its non-release days as an input: the app passes the calendar of England and Wales.
    sentences = (
        engine.Sentence(
            engine.SentenceKind.STANDARD, D("2025-09-21"), engine.Duration(0, 8, 0, 0), D("2025-09-21")
        ),
        engine.Sentence(
            engine.SentenceKind.STANDARD, D("2025-12-26"), engine.Duration(0, 4, 0, 0), D("2025-12-01")
        ),
    )
    remand = (engine.Adjustments(remand=10, applies_from=D("2025-12-26")),)
    weekends_only = engine.calculate(engine.Booking(D("1990-01-01"), sentences, remand))
    with_holidays = engine.calculate(
        engine.Booking(
            D("1990-01-01"), sentences, remand, bank_holidays=working_days.bank_holidays([2025, 2026])
        )
    )
    assert isinstance(weekends_only, engine.Calculation) and isinstance(with_holidays, engine.Calculation)
    assert weekends_only.dates[engine.DateType.SLED] == D("2026-05-10")
    assert with_holidays.dates[engine.DateType.SLED] == D("2026-05-20")


# --- a plan whose date needs a manual calculation supersedes its escalations -------------------------------


def test_a_manual_calculation_supersedes_the_escalations_of_the_last_date_and_they_open_again_with_it(
    client, officer, subject
):
    sentence = record(
        officer,
        subject,
        sentence_date=TODAY - timedelta(days=5),
        months=2,
        offence_date=TODAY - timedelta(days=30),
    )
    plan = ReleasePlan.objects.get(sentence=sentence)
    last = plan.release_date
    raised = services.escalations_raise(actor=builders.actor(), plan_ids=[plan.pk])
    assert raised > 0 and Escalation.objects.filter(plan=plan, status="open").count() == raised
    # Remand longer than the term: the engine will not give a date, and nothing counts down to the last one.
    remand = services.adjustment_record(
        actor=builders.actor(officer), sentence=sentence, kind="remand", days=200
    )
    plan.refresh_from_db()
    assert plan.manual_calculation
    assert not Escalation.objects.filter(plan=plan, status="open").exists()
    superseded = Escalation.objects.filter(plan=plan, status="superseded")
    assert superseded.count() == raised and {e.resolved_on for e in superseded} == {TODAY}
    assert AccessLogEntry.objects.filter(
        object_type="release.releaseplan",
        summary__startswith=f"Superseded {raised} release escalations: the release date they counted down to "
        "needs a manual calculation, because",
    ).exists()
    with pytest.raises(services.ReleaseError, match="needs a manual calculation"):
        services.escalation_resolve(actor=builders.actor(officer), escalation=superseded.first())
    client.force_login(officer)
    assert "Superseded" not in client.get("/releases/escalations/").content.decode()
    page = client.get("/releases/escalations/?status=resolved").content.decode()
    assert "the release date needs a manual calculation" in page
    # A task closed meanwhile keeps its escalation closed; the rest open again when the date stands again.
    done = superseded.get(task__kind="gp_registration")
    services.plan_task_update(actor=builders.actor(officer), task=done.task, status="done")
    services.adjustment_remove(actor=builders.actor(officer), adjustment=remand)
    plan.refresh_from_db()
    assert plan.manual_calculation == "" and plan.release_date == last
    assert Escalation.objects.filter(plan=plan, status="open").count() == raised - 1
    assert Escalation.objects.get(pk=done.pk).status == "superseded"
    assert services.escalations_raise(actor=builders.actor(), plan_ids=[plan.pk]) == 0


def test_the_release_page_gives_the_working_day_of_a_release_due_on_a_bank_holiday(client, officer, subject):
    # 8 months from 21 September 2025: CRD Friday 26 December 2025 (Boxing Day), released on Wednesday 24
    # December (25 December is a bank holiday too); the date itself stays the one the law sets.
    record(officer, subject, sentence_date=D("2025-09-21"), months=8, offence_date=D("2025-09-21"))
    assert worked(subject)["CRD"] == D("2025-12-26")
    client.force_login(officer)
    page = client.get(f"/people/{subject.pk}/release/").content.decode()
    assert "26 December 2025" in page
    assert "(Wednesday 24 December 2025 when adjusted to a working day)" in page


def test_a_register_the_release_dates_do_not_read_works_nothing_out(officer, subject):
    start = TODAY - timedelta(days=5)
    record(officer, subject, sentence_date=start, months=5, offence_date=start - timedelta(days=20))
    changes = ReleaseDateChange.objects.count()
    with CaptureQueriesContext(connection) as queries:
        register_add(actor=builders.actor(), person=subject, kind=RegisterKind.SELF_HARM, start_date=TODAY)
    # Not even the question whether a sentence awaits release.
    assert not [q for q in queries.captured_queries if "sentences_sentence" in q["sql"]]
    assert ReleaseDateChange.objects.count() == changes
