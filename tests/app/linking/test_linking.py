"""Record linkage in the product (issue 4, parts 2 and 3): runs that create and join people with stable
ids, incremental linking of a new extract, review pairs, reviewers' decisions overriding the model,
merges that move data and redirect, the pages and their permissions, and the background task."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from desist.audit.models import AccessLogEntry, Action
from desist.core.names import normalise_identifier
from desist.core.synth import generate_partnership, write_partnership
from desist.imports import importing
from desist.imports import services as imports
from desist.imports.extracts import ExtractFile, guess_columns, guess_record_id_column, read_extract
from desist.imports.models import SourceRecord
from desist.linking import runs, selectors, services
from desist.linking.models import (
    Decision,
    LinkageModelVersion,
    LinkOutcome,
    LinkRun,
    PairStatus,
    RecordLink,
    ReviewDecision,
    ReviewPair,
    RunStatus,
)
from desist.partnership.models import Role
from desist.people.models import Identifier, Involvement, Person, PersonName
from tests.app import builders
from tests.app.builders import NAVIGATION_QUERIES

pytestmark = pytest.mark.postgres

SOURCES = ("police", "probation", "housing")


@pytest.fixture(scope="module")
def extracts(tmp_path_factory) -> Path:
    """The synthetic partnership's extracts as CSV files (generated once for the module)."""
    out = tmp_path_factory.mktemp("synth")
    write_partnership(generate_partnership(people=400, seed=3), out, format="csv")
    return out / "extracts"


def import_file(agency, path: Path, name: str | None = None):
    """Import one extract CSV through the real import service, with the mapping desist guesses."""
    file = ExtractFile.from_path(path) if name is None else ExtractFile(name=name, content=path.read_bytes())
    table = read_extract(file)
    mapping = imports.mapping_save(
        actor=builders.actor(),
        agency=agency,
        record_id_column=guess_record_id_column(table.columns),
        date_format="auto",
        columns=guess_columns(table.columns),
    )
    return importing.import_extract(actor=builders.actor(), agency=agency, file=file, mapping=mapping)


def import_sources(partnership, extracts: Path, sources=SOURCES) -> None:
    for source in sources:
        import_file(getattr(partnership, source), extracts / f"{source}.csv")


def person_of(agency, record_id: str) -> int | None:
    return SourceRecord.objects.get(agency=agency, record_id=record_id).person_id


def people_by_record() -> dict[tuple[str, str], int | None]:
    return {
        (code, rid): pid
        for code, rid, pid in SourceRecord.objects.values_list("agency__code", "record_id", "person_id")
    }


@pytest.fixture
def linked(partnership, extracts):
    """Three agencies' extracts imported and linked once."""
    import_sources(partnership, extracts)
    run = runs.link_run(actor=builders.actor(), incremental=True, reason="test")
    return run


# --- a run ----------------------------------------------------------------------------------------


def test_a_run_creates_people_links_every_record_and_is_stable_on_rerun(partnership, linked):
    run = linked
    records = SourceRecord.objects.count()
    assert run.status == RunStatus.DONE and run.records == records > 0
    assert run.people_created > 0 and run.model_version.is_active
    assert not SourceRecord.objects.filter(person__isnull=True).exists()
    assert RecordLink.objects.count() == records
    assert set(RecordLink.objects.values_list("outcome", flat=True)) <= set(LinkOutcome.values)
    assert RecordLink.objects.filter(outcome=LinkOutcome.LINKED, match_weight__isnull=False).exists()
    # Some people hold records from more than one agency: the point of linkage.
    assert (
        Person.objects.filter(source_records__isnull=False).distinct().count() == run.people_created < records
    )
    # Each agency holding a record of a person is involved with them, so access follows the data.
    police_people = set(
        SourceRecord.objects.filter(agency=partnership.police).values_list("person_id", flat=True)
    )
    involved = set(
        Involvement.objects.filter(
            agency=partnership.police, reason="Record in Kent Police extract", end_date__isnull=True
        ).values_list("person_id", flat=True)
    )
    assert involved == police_people
    # Every new person has a primary name, searchable, and the run is logged.
    assert PersonName.objects.filter(kind="primary").count() == run.people_created
    assert AccessLogEntry.objects.filter(
        action=Action.COMBINATION, object_type="linking.linkrun"
    ).count() >= (run.people_created)

    before = people_by_record()
    again = runs.link_run(actor=builders.actor(), incremental=False, reason="full again")
    assert again.incremental is False and again.people_created == 0
    assert people_by_record() == before  # a full re-run renumbers nobody
    assert RecordLink.objects.count() == records and RecordLink.objects.filter(run=again).count() == records
    third = runs.link_run(actor=builders.actor(), incremental=True)
    assert third.people_created == 0 and third.records_joined == 0 and people_by_record() == before


def test_new_people_take_the_most_complete_record_and_keep_other_names_as_aliases(partnership, linked):
    person = max(
        Person.objects.filter(source_records__isnull=False).distinct(), key=lambda p: p.source_records.count()
    )
    records = list(person.source_records.all())
    assert len(records) > 1
    best = max(
        records,
        key=lambda r: (sum(bool(getattr(r, f)) for f in runs.COMPLETENESS_FIELDS), r.updated_at, r.pk),
    )
    assert (person.first_name, person.last_name) == (best.first_name, best.last_name)
    names = {(n.first_name.lower(), n.last_name.lower()) for n in person.names.all()}
    assert {(r.first_name.lower(), r.last_name.lower()) for r in records} <= names
    for record in records:
        for kind in runs.NATIONAL_IDENTIFIERS:
            if getattr(record, kind):
                # Held by this person, or already by someone else (identifiers are unique).
                assert Identifier.objects.filter(
                    kind=kind, value_normalised=normalise_identifier(kind, getattr(record, kind))
                ).exists()


def test_a_second_extract_joins_existing_people_incrementally(partnership, extracts):
    import_sources(partnership, extracts, ("police", "probation"))
    first = runs.link_run(actor=builders.actor())
    before = people_by_record()
    import_file(partnership.housing, extracts / "housing.csv")
    second = runs.link_run(actor=builders.actor())
    assert second.incremental is True
    assert second.records_joined > 0 and second.people_created > 0
    after = people_by_record()
    # Nobody already linked moved (apart from merges the new records bridged).
    merged = dict(Person.objects.filter(merged_into__isnull=False).values_list("pk", "merged_into_id"))
    for key, pid in before.items():
        assert after[key] in (pid, merged.get(pid))
    housing_people = {pid for (code, _), pid in after.items() if code == "housing"}
    assert housing_people & {pid for (code, _), pid in before.items()}  # joined people seen before
    assert first.model_version_id == second.model_version_id


def test_new_people_never_take_an_existing_persons_id(partnership, extracts):
    # People made by hand (not from any extract) already hold the low pks the engine would hand out.
    for n in range(30):
        builders.person(first_name=f"Hand{n}", last_name="Made")
    taken = set(Person.objects.values_list("pk", flat=True))
    import_sources(partnership, extracts, ("police",))
    run = runs.link_run(actor=builders.actor())
    linked = set(SourceRecord.objects.values_list("person_id", flat=True))
    assert run.people_created == len(linked) and not (linked & taken)
    assert PersonName.objects.filter(person__first_name__startswith="Hand").count() == 30


def test_review_pairs_appear_with_their_agreement(partnership, linked):
    assert linked.sent_to_review > 0
    pair = ReviewPair.objects.select_related("left", "right").first()
    assert pair.status == PairStatus.OPEN and pair.left_id < pair.right_id
    assert pair.left.person_id != pair.right.person_id
    assert set(pair.agreement) >= {"first_name", "last_name", "date_of_birth"}
    assert all(set(v) == {"level", "weight"} for v in pair.agreement.values())
    assert pair.first_seen_run == linked
    rows = selectors.pair_rows(pair)
    assert {r.state for r in rows if r.comparison} <= {
        "agrees",
        "partly agrees",
        "disagrees",
        "missing",
        None,
    }


def test_decisions_override_the_model_on_the_next_run_both_ways(
    partnership, linked, django_capture_on_commit_callbacks
):
    reviewer = builders.actor(partnership.user("rev", partnership.police, role=Role.ANALYST))
    pair = ReviewPair.objects.filter(status=PairStatus.OPEN).select_related("left", "right").first()
    with django_capture_on_commit_callbacks() as callbacks:
        services.review_decide(
            actor=reviewer, pair=pair, decision=Decision.MATCH, note="Same PNC on paper file"
        )
    assert len(callbacks) == 1  # a linking run is queued
    run = runs.link_run(actor=builders.actor())
    pair.left.refresh_from_db()
    pair.right.refresh_from_db()
    assert pair.left.person_id == pair.right.person_id  # must link, whatever the model thought
    assert run.people_merged == 1
    absorbed = Person.objects.get(merged_into__isnull=False)
    assert absorbed.merged_into_id == pair.left.person_id

    # The reviewer changes their mind: not a match. The latest decision is in force and splits them.
    services.review_decide(actor=reviewer, pair=pair, decision=Decision.NOT_A_MATCH)
    runs.link_run(actor=builders.actor())
    pair.left.refresh_from_db()
    pair.right.refresh_from_db()
    assert pair.left.person_id != pair.right.person_id
    assert ReviewDecision.objects.filter(pair=pair).count() == 2  # both kept
    # A full run honours it too, and never offers the pair again.
    runs.link_run(actor=builders.actor(), incremental=False)
    pair.left.refresh_from_db()
    pair.right.refresh_from_db()
    assert pair.left.person_id != pair.right.person_id
    pair.refresh_from_db()
    assert pair.status == PairStatus.DECIDED and pair.decision == Decision.NOT_A_MATCH
    assert (
        AccessLogEntry.objects.filter(
            action=Action.COMBINATION,
            summary__startswith=f"Decided review pair {pair.pk}",
            purpose="record_linkage",
        ).count()
        >= 2
    )


def test_not_a_match_splits_records_the_model_linked(partnership, linked):
    reviewer = builders.actor(partnership.user("rev", partnership.police, role=Role.ANALYST))
    person = next(
        p
        for p in Person.objects.filter(source_records__isnull=False).distinct()
        if p.source_records.count() >= 2
    )
    left, right = sorted(person.source_records.all()[:2], key=lambda r: r.pk)
    pair = ReviewPair.objects.create(
        left=left,
        right=right,
        match_weight=20.0,
        match_probability=1.0,
        first_seen_run=linked,
        last_seen_run=linked,
    )
    services.review_decide(actor=reviewer, pair=pair, decision=Decision.NOT_A_MATCH)
    run = runs.link_run(actor=builders.actor())
    left.refresh_from_db()
    right.refresh_from_db()
    assert left.person_id != right.person_id and run.records_split >= 1
    assert person.pk in (left.person_id, right.person_id)  # the person keeps their id


def test_a_merge_moves_names_identifiers_involvements_and_redirects(client, partnership, linked):
    reviewer_user = partnership.user("rev", partnership.police, role=Role.ANALYST)
    pair = ReviewPair.objects.filter(status=PairStatus.OPEN).select_related("left", "right").first()
    kept_id, absorbed_id = sorted((pair.left.person_id, pair.right.person_id))
    absorbed_names = {(n.first_name, n.last_name) for n in PersonName.objects.filter(person_id=absorbed_id)}
    absorbed_ids = set(
        Identifier.objects.filter(person_id=absorbed_id).values_list("value_normalised", flat=True)
    )
    services.review_decide(actor=builders.actor(reviewer_user), pair=pair, decision=Decision.MATCH)
    runs.link_run(actor=builders.actor())
    absorbed = Person.objects.get(pk=absorbed_id)
    assert absorbed.merged_into_id == kept_id
    assert not PersonName.objects.filter(person_id=absorbed_id).exists()
    kept_names = {
        (n.first_name.lower(), n.last_name.lower()) for n in PersonName.objects.filter(person_id=kept_id)
    }
    assert {(f.lower(), la.lower()) for f, la in absorbed_names} <= kept_names
    assert absorbed_ids <= set(
        Identifier.objects.filter(person_id=kept_id).values_list("value_normalised", flat=True)
    )
    assert not SourceRecord.objects.filter(person_id=absorbed_id).exists()
    assert not Involvement.objects.filter(person_id=absorbed_id).exists()
    agency = pair.left.agency
    user = partnership.user("worker", agency)
    client.force_login(user)
    response = client.get(f"/people/{absorbed_id}/")
    assert response.status_code == 302 and response.url == f"/people/{kept_id}/"
    assert client.get(response.url).status_code == 200


# --- the pages ------------------------------------------------------------------------------------


@pytest.fixture
def reviewer(partnership):
    return partnership.user("rhea.reviewer", partnership.treatment, role=Role.ANALYST)


def test_the_queue_and_pair_pages_for_a_reviewer(
    client, partnership, linked, reviewer, django_assert_max_num_queries
):
    client.force_login(reviewer)
    with django_assert_max_num_queries(12 + NAVIGATION_QUERIES):
        page = client.get("/linkage/review/")
    assert page.status_code == 200 and b"Records to review" in page.content
    pair = selectors.review_queue().first()
    assert f"/linkage/review/{pair.pk}/".encode() in page.content
    with django_assert_max_num_queries(12 + NAVIGATION_QUERIES):
        page = client.get("/linkage/review/?order=oldest&agency=police")
    assert page.status_code == 200
    with django_assert_max_num_queries(16):
        detail = client.get(f"/linkage/review/{pair.pk}/")
    text = detail.content.decode()
    assert detail.status_code == 200
    assert pair.left.last_name in text and pair.right.last_name in text and "Match weight" in text
    # The reviewer's agency has no involvement with these people: reviewing is their purpose, and logged so.
    seen = AccessLogEntry.objects.filter(
        action=Action.CONSULTATION, object_type="linking.reviewpair", object_id=str(pair.pk)
    )
    assert seen.count() >= 1 and set(seen.values_list("purpose", flat=True)) == {"record_linkage"}
    # Blind review hides the weight and the model's suggestion.
    client.post("/linkage/review/blind/", {"blind": "on", "next": f"/linkage/review/{pair.pk}/"})
    blind = client.get(f"/linkage/review/{pair.pk}/").content.decode()
    assert "Match weight" not in blind and "Blind review is on" in blind
    following = selectors.next_pair(pair)
    decided = client.post(f"/linkage/review/{pair.pk}/", {"decision": "not_a_match", "note": "Different DOB"})
    assert decided.status_code == 302 and decided.url.startswith(f"/linkage/review/{following.pk}/")
    made = ReviewDecision.objects.get(pair=pair)
    assert made.blind and made.decision == Decision.NOT_A_MATCH and made.note == "Different DOB"
    # A decision must be one of the three.
    refused = client.post(f"/linkage/review/{following.pk}/", {"decision": "perhaps"})
    assert refused.status_code == 200 and b"Choose match, not a match or unsure" in refused.content


def test_a_decision_made_meanwhile_by_another_reviewer_is_not_silently_overruled(
    client, partnership, linked, reviewer
):
    pair = selectors.review_queue().first()
    client.force_login(reviewer)
    page = client.get(f"/linkage/review/{pair.pk}/").content.decode()
    assert 'name="decisions_read" value="0"' in page
    # Another reviewer decides while this page is open.
    other = partnership.user("otto.other", partnership.police, role=Role.ANALYST)
    services.review_decide(actor=builders.actor(other), pair=pair, decision=Decision.MATCH, decisions_read=0)
    stale = client.post(f"/linkage/review/{pair.pk}/", {"decision": "not_a_match", "decisions_read": "0"})
    text = stale.content.decode()
    assert (
        stale.status_code == 200 and "Someone else decided this pair" in text and "There is a problem" in text
    )
    assert 'name="decisions_read" value="1"' in text and "otto.other" in text
    assert list(ReviewDecision.objects.filter(pair=pair).values_list("decision", flat=True)) == [
        Decision.MATCH
    ]
    # Having read it, the reviewer may still decide otherwise: the latest decision is in force.
    again = client.post(f"/linkage/review/{pair.pk}/", {"decision": "not_a_match", "decisions_read": "1"})
    assert again.status_code == 302
    pair.refresh_from_db()
    assert pair.decision == Decision.NOT_A_MATCH and ReviewDecision.objects.filter(pair=pair).count() == 2


def test_only_reviewers_see_the_linkage_pages(client, partnership, linked):
    practitioner = partnership.user("pat", partnership.police)
    client.force_login(practitioner)
    pair = ReviewPair.objects.first()
    for url in ("/linkage/", "/linkage/review/", f"/linkage/review/{pair.pk}/"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/linkage/review/{pair.pk}/", {"decision": "match"}).status_code == 403
    assert not ReviewDecision.objects.exists()
    assert AccessLogEntry.objects.filter(action=Action.DENIED, username="pat").count() >= 2
    client.force_login(partnership.user("ana", partnership.police, role=Role.ANALYST))
    assert client.get("/linkage/review/999999/").status_code == 404
    assert AccessLogEntry.objects.filter(
        action=Action.DENIED, username="ana", summary__contains="999999"
    ).exists()


def test_the_admin_never_offers_to_delete_a_run_or_a_model_version(client, partnership, linked):
    """Both are protected by every record link they made, so deleting is always refused, and Django's
    confirmation page would list each of those links first (seconds on a small demo, far longer at scale)."""
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("root.admin", "admin@example.org", "a-long-password"))
    run = linked
    version = run.model_version
    assert version is not None
    for url in (
        f"/admin/linking/linkrun/{run.pk}/delete/",
        f"/admin/linking/linkagemodelversion/{version.pk}/delete/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.get(f"/admin/linking/linkrun/{run.pk}/change/").status_code == 200
    assert client.get(f"/admin/linking/linkagemodelversion/{version.pk}/change/").status_code == 200


def test_the_linkage_page_trains_and_runs(
    client, partnership, extracts, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    admin = partnership.user("adam", partnership.probation, role=Role.ADMINISTRATOR)
    import_sources(partnership, extracts, ("police",))
    client.force_login(admin)
    with django_assert_max_num_queries(12 + NAVIGATION_QUERIES):
        page = client.get("/linkage/")
    assert page.status_code == 200 and b"No model has been trained yet" in page.content
    assert b"Train a new model version" in client.get("/linkage/train/").content  # asks first
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/linkage/train/")
    assert response.status_code == 302 and len(callbacks) == 1
    assert client.get("/linkage/run/").status_code == 200
    with django_capture_on_commit_callbacks() as callbacks:
        client.post("/linkage/run/", {"full": "on"})
    assert len(callbacks) == 1
    runs.link_run(actor=builders.actor(), incremental=False)
    page = client.get("/linkage/")
    assert LinkageModelVersion.objects.get().version.encode() in page.content and b"Full" in page.content


def test_linking_with_no_records_does_nothing_and_with_one_waits_for_more(partnership, extracts):
    run = runs.link_run(actor=builders.actor())
    assert run.status == RunStatus.DONE and run.records == 0
    path = extracts / "police.csv"
    lines = path.read_text().splitlines()
    single = extracts.parent / "one.csv"
    single.write_text("\n".join(lines[:2]) + "\n")
    import_file(partnership.police, single)
    waiting = runs.link_run(actor=builders.actor())
    assert waiting.status == RunStatus.WAITING and not waiting.error
    assert "needs at least 2 to start (1 held now)" in waiting.note
    assert (
        not LinkageModelVersion.objects.exists()
        and not SourceRecord.objects.filter(person__isnull=False).exists()
    )


def test_thresholds_come_from_settings_as_match_probabilities(settings, partnership, extracts):
    settings.DESIST_LINK_PROBABILITY = 0.999_999_999  # a match weight of about 30
    settings.DESIST_REVIEW_PROBABILITY = 0.9
    import_sources(partnership, extracts, ("police", "probation"))
    run = runs.link_run(actor=builders.actor())
    assert run.link_threshold == pytest.approx(29.897, abs=1e-3)
    assert run.review_threshold == pytest.approx(3.170, abs=1e-3)
    assert not RecordLink.objects.filter(
        outcome=LinkOutcome.LINKED, match_weight__lt=run.link_threshold
    ).exists()


def test_the_deprecated_match_weight_settings_are_read_with_a_warning(settings):
    from django.core.checks import run_checks

    from desist.core.linkage import Thresholds

    assert selectors.configured_thresholds() == Thresholds()  # unset: the engine's defaults
    settings.DESIST_LINK_THRESHOLD = 30.0
    settings.DESIST_REVIEW_THRESHOLD = 25.0
    with pytest.warns(DeprecationWarning, match="DESIST_LINK_THRESHOLD .* is deprecated"):
        assert selectors.configured_thresholds() == Thresholds(link=30.0, review=25.0)
    assert {m.id for m in run_checks() if "DESIST_" in m.msg} == {"desist.W101"}
    settings.DESIST_LINK_PROBABILITY = 0.999_999_999_9
    with pytest.warns(DeprecationWarning, match="DESIST_REVIEW_THRESHOLD"):
        chosen = selectors.configured_thresholds()  # the probability wins where both are set
    assert chosen.link == pytest.approx(33.2, abs=0.1) and chosen.review == 25.0


def test_the_command_links_by_hand(partnership, extracts, capsys):
    import_sources(partnership, extracts, ("police", "probation"))
    call_command("link_records", "--train")
    call_command("link_records", "--full")
    out = capsys.readouterr().out
    assert "people created" in out and LinkRun.objects.filter(status=RunStatus.DONE).count() == 2


# --- the background task --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_import_queues_a_linking_run_that_the_worker_does(partnership, extracts):
    import_sources(partnership, extracts)
    call_command("db_worker", "--batch", "--no-startup-delay")
    runs = LinkRun.objects.filter(status=RunStatus.DONE)
    # Three imports, one run: the later imports found a run already waiting that would see them.
    assert runs.count() == 1 and runs.first().reason == "Import of police.csv for police"
    assert not SourceRecord.objects.filter(person__isnull=True).exists()
    # The run changed who is who, so the worker also worked out households and families again.
    from desist.families.models import FamilyMember

    assert FamilyMember.objects.filter(person__source_records__isnull=False).exists()

    # Two decisions queue one run (a waiting run sees both), and the worker makes them take effect.
    from django_tasks_db.models import DBTaskResult

    reviewer = builders.actor(partnership.user("rev", partnership.police, role=Role.ANALYST))
    first, second = ReviewPair.objects.filter(status=PairStatus.OPEN).select_related("left", "right")[:2]
    services.review_decide(actor=reviewer, pair=first, decision=Decision.MATCH)
    services.review_decide(actor=reviewer, pair=second, decision=Decision.MATCH)
    from desist.linking.tasks import link_records_task

    # (The first run also queued the board's refresh of its figures, a minute on: not a linking run.)
    assert DBTaskResult.objects.filter(status="READY", task_path=link_records_task.module_path).count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay")
    for pair in (first, second):
        left, right = SourceRecord.objects.filter(pk__in=[pair.left_id, pair.right_id])
        assert left.person_id == right.person_id

    # The reviewer changes their mind: not a match. The run splits the records, which changes who is who
    # too, so families are worked out again.
    from desist.families.tasks import refresh_families_task

    DBTaskResult.objects.filter(task_path=refresh_families_task.module_path).delete()
    services.review_decide(actor=reviewer, pair=first, decision=Decision.NOT_A_MATCH)
    call_command("db_worker", "--batch", "--no-startup-delay")
    split = LinkRun.objects.order_by("-pk").first()
    assert split.status == RunStatus.DONE and split.records_split >= 1
    assert DBTaskResult.objects.filter(
        task_path=refresh_families_task.module_path, status="SUCCESSFUL"
    ).exists()


def test_relationships_an_extract_declares_join_the_linked_people(partnership, extracts, tmp_path):
    """A record may name a related record in the same agency's extracts; linking joins the two people."""
    from desist.imports.importing import ImportRefused
    from desist.people.models import Relationship

    import_sources(partnership, extracts, ("police", "probation"))
    header = "Ref,Forename,Surname,DOB,Gender,Address,Town,Postcode,Related ref,Relationship\n"
    rows = (
        "HX1,Joanne,Fairweather,1971-04-02,F,1 Mill Lane,Chatham,ME4 5AA,,\n"
        "HX2,Kyle,Fairweather,1999-08-19,M,1 Mill Lane,Chatham,ME4 5AA,HX1,Mother\n"
        "HX3,Dean,Okafor,1990-01-30,M,9 Hill Road,Dover,CT16 1AB,HX9,partner\n"
    )
    columns = {
        "Forename": "first_name",
        "Surname": "last_name",
        "DOB": "date_of_birth",
        "Gender": "sex",
        "Address": "street",
        "Town": "locality",
        "Postcode": "postcode",
        "Related ref": "related_record_id",
        "Relationship": "relationship",
    }
    mapping = imports.mapping_save(
        actor=builders.actor(),
        agency=partnership.housing,
        record_id_column="Ref",
        date_format="auto",
        columns=columns,
    )

    bad = tmp_path / "bad.csv"
    bad.write_text(header + rows.replace("Mother", "Aunt") + "HX4,Amy,Lee,2001-02-03,F,,,,HX1,\n")
    with pytest.raises(ImportRefused) as refused:
        importing.import_extract(
            actor=builders.actor(),
            agency=partnership.housing,
            file=ExtractFile.from_path(bad),
            mapping=mapping,
        )
    problems = {(p.row, p.column): p.problem for p in refused.value.report.problems}
    assert "'Aunt' is not a relationship desist knows" in problems[(3, "Relationship")]
    assert "give both or neither" in problems[(5, "Relationship")]

    good = tmp_path / "good.csv"
    good.write_text(header + rows)
    importing.import_extract(
        actor=builders.actor(), agency=partnership.housing, file=ExtractFile.from_path(good), mapping=mapping
    )
    runs.link_run(actor=builders.actor())
    runs.link_run(actor=builders.actor())  # a second run adds nothing
    mother, son = person_of(partnership.housing, "HX1"), person_of(partnership.housing, "HX2")
    assert mother and son and mother != son
    declared = set(
        Relationship.objects.filter(source_agency=partnership.housing).values_list(
            "person_id", "related_person_id", "kind"
        )
    )
    # The related record HX9 has not arrived: nothing for Dean yet.
    assert declared == {(son, mother, "parent"), (mother, son, "child")}


def test_a_model_stored_by_an_earlier_desist_is_trained_again_not_a_failed_run(partnership, extracts):
    """Models stored before the engine named its fields are refused by the engine; a run after the upgrade
    trains a new model and links, instead of failing every time until someone trains by hand."""
    import_sources(partnership, extracts, ("police", "probation"))
    first = runs.link_run(actor=builders.actor())
    old = LinkageModelVersion.objects.get(pk=first.model_version_id)
    stored = dict(old.splink)
    stored["metadata"] = {k: v for k, v in stored["metadata"].items() if k != "fields"}
    LinkageModelVersion.objects.filter(pk=old.pk).update(splink=stored)

    import_file(partnership.housing, extracts / "housing.csv")
    second = runs.link_run(actor=builders.actor())
    assert second.status == RunStatus.DONE, second.error
    assert second.model_version_id != old.pk
    assert second.records_joined > 0
