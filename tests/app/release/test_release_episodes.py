"""The release app on the engine (issue 12): every date the product shows (HDC, parole, scheme eligibility on
the release page, the early-release page and the API) is the engine's for the person's booking; one release
plan per person per custodial episode (concurrent and consecutive sentences released once, plans merged);
linking an offence works the dates out again; a recall recorded before the return to custody leaves the
person unlawfully at large until the return is recorded; and the services -> tasks -> escalation imports run
one way."""

from __future__ import annotations

import ast
import importlib
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from desist.core import release_dates as engine
from desist.offences import services as offences
from desist.release import planning, selectors, services
from desist.release.models import (
    Adjustment,
    EarlyReleaseScheme,
    Escalation,
    PlanSentence,
    PlanTask,
    Release,
    ReleasePlan,
    TaskStatus,
)
from desist.sentences.models import Sentence
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(partnership):
    return partnership.user("olive.omu", partnership.prison)


@pytest.fixture
def subject(partnership, officer):
    return builders.person(
        last_name="Episode",
        date_of_birth=date(1990, 1, 1),
        district=partnership.medway,
        involved=[(partnership.prison, officer), (partnership.probation, officer)],
    )


def actor(officer):
    return builders.actor(officer)


def record(officer, subject, **values):
    return services.custodial_sentence_record(actor=actor(officer), person=subject, **values)


def engine_dates(subject):
    booking = selectors.booking_dates(subject.pk, on=TODAY)
    assert booking.calculation is not None, booking.manual
    return booking.calculation.dates


# --- 1. every date the product shows is the engine's ----------------------------------------------------


def test_hdc_parole_and_scheme_eligibility_are_the_engines_on_the_page_and_the_api(
    client, partnership, officer, subject
):
    EarlyReleaseScheme.objects.create(
        name="Partnership early release",
        starts_on=TODAY - timedelta(days=30),
        days_early=20,
        plan_required=False,
    )
    # Two years from about 10 months ago: SDS40, released within the early-release page's 12 weeks.
    sentence = record(officer, subject, sentence_date=TODAY - timedelta(days=250), years=2)
    worked = engine_dates(subject)
    sentence.refresh_from_db()
    assert sentence.release_date == worked[engine.DateType.CRD]
    episode = selectors.person_release(subject, on=TODAY)
    assert episode.hdc[0] == worked[engine.DateType.HDCED] and episode.hdc_working
    assert episode.parole == (None, "Not a parole case: automatic release")
    # The scheme reads the engine's release and the booking's term (ESED from the sentence date).
    facts = episode.scheme_facts()
    assert facts.release_date == worked[engine.DateType.CRD]
    assert facts.term_days == (worked[engine.DateType.ESED] - sentence.sentence_date).days + 1
    (_scheme, result), *_ = episode.schemes
    assert result.releasable_early
    assert result.earliest_release == max(worked[engine.DateType.CRD] - timedelta(days=20), TODAY)

    client.force_login(officer)
    page = client.get(f"/people/{subject.pk}/release/").content.decode()
    hdced = worked[engine.DateType.HDCED]
    assert f"Eligible from <strong>{hdced:%-d %B %Y}</strong>" in page
    assert 'id="release-episode"' in page and "Releasable early" in page
    early = client.get("/releases/early/").content.decode()
    assert subject.sort_name in early and f"{worked[engine.DateType.CRD]:%-d %b %Y}" in early

    response = client.post(
        f"/api/releases/sentences/{sentence.pk}/facts",
        {"sentence_type": "standard", "version": sentence.version},
        content_type="application/json",
    )
    body = response.json()
    assert response.status_code == 200, body
    assert body["hdc_eligibility"] == hdced.isoformat() and body["hdc_eligible"]
    assert body["parole_eligibility"] is None
    assert {w["date_type"] for w in body["working"]} == {"HDCED"}


def test_an_extended_sentence_is_a_parole_case_by_the_engines_ped(client, partnership, officer, subject):
    EarlyReleaseScheme.objects.create(name="Local", starts_on=TODAY - timedelta(days=30), days_early=20)
    record(
        officer,
        subject,
        sentence_date=TODAY - timedelta(days=400),
        years=4,
        sentence_type="extended",
        extension_years=2,
    )
    worked = engine_dates(subject)
    episode = selectors.person_release(subject, on=TODAY)
    ped = worked[engine.DateType.PED]
    assert episode.parole == (ped, "")
    assert episode.hdc[0] is None
    (_, result), *_ = episode.schemes
    assert f"a Parole Board case (parole eligibility {ped:%d %b %Y})" in result.reasons


def test_recorded_hdc_exclusions_come_before_the_engines_date(officer, subject):
    sentence = record(officer, subject, sentence_date=TODAY - timedelta(days=250), years=2)
    services.release_facts_record(
        actor=actor(officer), sentence=sentence, hdc_exclusions=["curfew_breach"], version=None
    )
    hdced, reasons = selectors.person_release(subject, on=TODAY).hdc
    assert hdced is None and reasons == (
        "returned to custody for breaching a curfew condition during this sentence",
    )


def test_the_old_date_rules_are_gone():
    from desist.core import release as rules

    for name in ("release_dates", "hdc_eligibility", "CustodialSentence", "ReleaseRules", "add_years"):
        assert not hasattr(rules, name), name


# --- 2. one plan per person per custodial episode --------------------------------------------------------


def test_concurrent_sentences_have_one_plan_with_the_latest_release(officer, subject):
    first = record(officer, subject, sentence_date=TODAY - timedelta(days=250), years=2)
    second = record(officer, subject, sentence_date=TODAY - timedelta(days=200), months=26)
    first.refresh_from_db()
    second.refresh_from_db()
    # The engine aggregates: one release for both, the later of the two.
    assert first.release_date == second.release_date
    # Due within the horizon: the plan started with the date, one for both.
    plan = ReleasePlan.objects.get(person=subject)
    assert set(plan.memberships.values_list("sentence_id", flat=True)) == {first.pk, second.pk}
    with pytest.raises(services.ReleaseError, match="already has a plan"):
        services.release_plan_start(actor=actor(officer), sentence=second)
    # A third sentence passed while in custody joins the plan, and the plan follows the booking's release.
    third = record(
        officer, subject, sentence_date=TODAY - timedelta(days=10), months=6, consecutive_to=second
    )
    plan.refresh_from_db()
    third.refresh_from_db()
    assert set(plan.memberships.values_list("sentence_id", flat=True)) == {first.pk, second.pk, third.pk}
    assert plan.release_date == third.release_date == engine_dates(subject)[engine.DateType.CRD]
    assert ReleasePlan.objects.filter(person=subject).count() == 1


def test_the_plan_page_and_api_list_the_sentences_released_together(client, officer, subject):
    first = record(officer, subject, sentence_date=TODAY - timedelta(days=250), years=2)
    second = record(officer, subject, sentence_date=TODAY - timedelta(days=200), months=26)
    plan = ReleasePlan.objects.get(person=subject)
    client.force_login(officer)
    page = client.get(f"/releases/plans/{plan.pk}/").content.decode()
    assert "2 sentences served together" in page
    assert f"(sentence {first.pk})" in page and f"(sentence {second.pk})" in page
    body = client.get(f"/api/releases/plans/{plan.pk}").json()
    assert body["sentence_ids"] == sorted([first.pk, second.pk])
    page = client.get(f"/people/{subject.pk}/release/").content.decode()
    assert page.count("Start the release plan") == 0 and page.count("Open the release plan") == 1


def test_recording_the_release_releases_every_sentence_of_the_episode(officer, subject, partnership):
    first = record(
        officer, subject, sentence_date=TODAY - timedelta(days=250), years=2, establishment=partnership.prison
    )
    second = record(officer, subject, sentence_date=TODAY - timedelta(days=200), months=26)
    plan = ReleasePlan.objects.get(person=subject)
    first.refresh_from_db()
    release = services.release_record(
        actor=actor(officer),
        sentence=first,
        released_on=TODAY,
        release_type="conditional",
        accommodation="own_home",
    )
    assert release.sentence_id == first.pk
    assert set(Release.objects.filter(person=subject).values_list("sentence_id", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert not Sentence.objects.filter(person=subject, release_is_actual=False).exists()
    plan.refresh_from_db()
    assert plan.release_date == TODAY and plan.accommodation_on_release == "settled"
    second.refresh_from_db()
    with pytest.raises(services.ReleaseError, match="already been released"):
        services.release_record(
            actor=actor(officer),
            sentence=second,
            released_on=TODAY,
            release_type="conditional",
            accommodation="own_home",
        )


def test_two_plans_for_one_episode_are_merged_keeping_tasks_and_history(officer, subject):
    """Plans from before one plan per episode (each sentence had its own): the next change merges them into
    the oldest, a catalogue task both have kept once (the one done) with what the other arranged, pathways'
    progress and escalations kept; the data migration does the same to existing plans."""
    first = record(officer, subject, sentence_date=TODAY - timedelta(days=250), years=2)
    second = record(officer, subject, sentence_date=TODAY - timedelta(days=200), months=26)
    first.refresh_from_db()
    second.refresh_from_db()
    ReleasePlan.objects.filter(person=subject).delete()  # as before: a plan for each sentence
    keep = planning.plan_create(actor=actor(officer), sentences=[first], on=TODAY)
    other = planning.plan_create(actor=actor(officer), sentences=[second], on=TODAY)
    done = other.tasks.get(kind="gp_registration")
    services.plan_task_update(
        actor=actor(officer), task=done, status=TaskStatus.DONE, provider="Riverside Medical Practice"
    )
    services.plan_task_add(
        actor=actor(officer), plan=other, title="Bus pass", pathway="finance_benefit_debt_id", due_date=TODAY
    )
    services.pathway_status_set(actor=actor(officer), plan=other, pathway="health", status="in_progress")
    services.escalations_raise(actor=actor(officer))
    merged = planning.episode_plan(actor=actor(officer), person_id=subject.pk, on=TODAY)
    assert merged.pk == keep.pk and not ReleasePlan.objects.filter(pk=other.pk).exists()
    assert set(PlanSentence.objects.filter(plan=keep).values_list("sentence_id", flat=True)) == {
        first.pk,
        second.pk,
    }
    gp = PlanTask.objects.get(plan=keep, kind="gp_registration")
    assert gp.status == TaskStatus.DONE and gp.provider == "Riverside Medical Practice"
    assert PlanTask.objects.filter(plan=keep, kind="gp_registration").count() == 1
    assert PlanTask.objects.filter(plan=keep, title="Bus pass").exists()
    assert keep.pathways.get(pathway="health").status == "in_progress"
    keep.refresh_from_db()
    assert keep.tasks_total == 12 and keep.tasks_closed == 1
    assert not Escalation.objects.exclude(plan=keep).filter(person=subject).exists()


# --- 3. linking an offence works the dates out again ----------------------------------------------------


def test_linking_a_violent_offence_to_a_long_sentence_recomputes(officer, subject):
    # Four years passed after SDS40 began: 40%, until a violent offence with 4 years or more makes it half.
    sentence = record(officer, subject, sentence_date=TODAY - timedelta(days=300), years=4)
    sentence.refresh_from_db()
    at_forty = sentence.release_date
    builders.offence_code("00801", "Violence", 0.1)
    offence = offences.offence_record(
        actor=builders.actor(officer),
        person=subject,
        offence_code="00801",
        offence_date=TODAY - timedelta(days=400),
        outcome="conviction",
        outcome_date=TODAY - timedelta(days=300),
        disposal="custody",
        sentence_id=sentence.pk,
    )
    sentence.refresh_from_db()
    assert sentence.release_date == engine_dates(subject)[engine.DateType.CRD] > at_forty
    assert offence.sentence_id == sentence.pk


# --- 4. a recall recorded before the return to custody --------------------------------------------------


@pytest.fixture
def released(partnership, officer, subject):
    sentence = record(
        officer,
        subject,
        sentence_date=TODAY - timedelta(days=500),
        years=3,
        offence_date=TODAY - timedelta(days=600),
        establishment=partnership.prison,
    )
    sentence.refresh_from_db()
    services.release_plan_start(actor=actor(officer), sentence=sentence)
    services.release_record(
        actor=actor(officer),
        sentence=sentence,
        released_on=TODAY - timedelta(days=60),
        release_type="conditional",
        accommodation="supported",
    )
    sentence.refresh_from_db()
    return sentence


def test_a_standard_recall_before_the_return_leaves_the_person_at_large(client, officer, subject, released):
    recalled_on = TODAY - timedelta(days=20)
    recall = services.recall_record(
        actor=actor(officer), sentence=released, kind="STANDARD", recalled_on=recalled_on
    )
    released.refresh_from_db()
    assert released.release_date is None and not released.release_is_actual
    booking = selectors.booking_dates(subject.pk, on=TODAY)
    assert booking.at_large == recall and booking.calculation is None
    plan = ReleasePlan.objects.get(person=subject)
    assert plan.recall == recall
    client.force_login(officer)
    text = f"unlawfully at large since {recalled_on:%-d %B %Y}"
    page = client.get(f"/people/{subject.pk}/release/").content.decode()
    assert "Recalled, not yet returned" in page and text in page
    assert "Record the return to custody" in page
    assert text in client.get(f"/releases/plans/{plan.pk}/").content.decode()
    readiness = client.get("/releases/").content.decode()
    assert "Recalled, not yet returned" in readiness and subject.sort_name in readiness
    assert client.get("/api/releases").json()["results"][0]["unlawfully_at_large_since"] == str(recalled_on)
    assert services.escalations_raise(actor=actor(officer)) == 0
    with pytest.raises(services.ReleaseError, match="record the return to custody first"):
        services.release_record(
            actor=actor(officer),
            sentence=released,
            released_on=TODAY,
            release_type="conditional",
            accommodation="supported",
        )

    # The return: the days at large count (the day after the recall to the day before the return).
    returned = TODAY - timedelta(days=5)
    response = client.post(
        f"/releases/recalls/{recall.pk}/returned/",
        {f"returned{recall.pk}-returned_to_custody": returned.isoformat()},
        follow=True,
    )
    assert "Return to custody recorded" in response.content.decode()
    ual = Adjustment.objects.get(sentence=released, kind="ual")
    assert (ual.days, ual.from_date) == ((returned - recalled_on).days - 1, recalled_on + timedelta(days=1))
    worked = engine_dates(subject)
    released.refresh_from_db()
    assert released.release_date == worked[engine.DateType.PRRD]
    # A standard recall serves to the expiry, which the days at large put back.
    assert worked[engine.DateType.PRRD] == worked[engine.DateType.SLED]
    plan.refresh_from_db()
    assert plan.release_date == released.release_date
    with pytest.raises(services.ReleaseError, match="already recorded"):
        services.recall_return_record(actor=actor(officer), recall=recall, returned_to_custody=returned)


def test_the_days_at_large_move_the_expiry_as_the_calculator_counts_them(officer, subject, released):
    at_once = services.recall_record(
        actor=actor(officer),
        sentence=released,
        kind="STANDARD",
        recalled_on=TODAY - timedelta(days=20),
        returned_to_custody=TODAY - timedelta(days=20),
    )
    assert at_once.returned_to_custody is not None
    expiry_back_at_once = engine_dates(subject)[engine.DateType.SLED]
    Adjustment.objects.all().delete()
    at_once.returned_to_custody = None
    at_once.save()
    services.recall_return_record(
        actor=actor(officer), recall=at_once, returned_to_custody=TODAY - timedelta(days=10)
    )
    # Back ten days later: nine days at large (the 11th to the 19th day after... the days strictly between).
    assert engine_dates(subject)[engine.DateType.SLED] == expiry_back_at_once + timedelta(days=9)


# --- 5. services -> tasks -> escalation, never back -----------------------------------------------------


def _imports(module: str) -> list[tuple[str, bool]]:
    """Each desist module a module imports, and whether at module level."""
    path = Path(importlib.import_module(module).__file__ or "")
    tree = ast.parse(path.read_text())
    top = {id(node) for node in tree.body}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("desist.release"):
            out += [(f"{node.module}.{a.name}", id(node) in top) for a in node.names]
            out.append((node.module, id(node) in top))
    return out


def test_the_release_modules_import_one_way():
    services_imports = _imports("desist.release.services")
    assert ("desist.release.tasks", True) in services_imports
    assert not any(name.startswith("desist.release.tasks") and not top for name, top in services_imports)
    for below in ("desist.release.tasks", "desist.release.escalation", "desist.release.planning"):
        names = [name for name, _ in _imports(below)]
        assert not any(n.startswith("desist.release.services") for n in names), below
        assert all(top for _, top in _imports(below)), below
    for lowest in ("desist.release.escalation", "desist.release.planning"):
        assert not any(n.startswith("desist.release.tasks") for n, _ in _imports(lowest)), lowest


def test_the_command_line_records_a_recall_before_the_return_then_the_return(officer, subject, released):
    out = StringIO()
    recalled_on = TODAY - timedelta(days=8)
    call_command(
        "release",
        "recall",
        "--sentence",
        str(released.pk),
        "--kind",
        "STANDARD",
        "--recalled-on",
        recalled_on.isoformat(),
        "--user",
        officer.username,
        stdout=out,
    )
    assert f"Recalled, not yet returned (unlawfully at large since {recalled_on:%Y-%m-%d})" in out.getvalue()
    recall = released.recalls.get()
    out = StringIO()
    call_command(
        "release",
        "returned",
        "--recall",
        str(recall.pk),
        "--date",
        TODAY.isoformat(),
        "--user",
        officer.username,
        stdout=out,
    )
    assert f"Return to custody recorded for recall {recall.pk}: {TODAY:%Y-%m-%d}" in out.getvalue()
    assert "PRRD" in out.getvalue()
    assert Adjustment.objects.get(sentence=released, kind="ual").days == 7
