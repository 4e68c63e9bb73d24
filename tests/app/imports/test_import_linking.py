"""Issue 11 on the web side: every field a mapping takes is importable (international postcodes as
data-quality notes, combined columns, e-mail and telephone) and reaches the linkage engine; each import's
linking state shows on the import pages and on /linkage/; a small web import links with the stored model or
waits for enough records, never fails; and a linking run cut short is explained in plain words and tried
again."""

from __future__ import annotations

import csv
import io
import signal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from desist.board.models import BasketRefresh
from desist.core.linkage import Thresholds
from desist.core.synth import generate_partnership, write_partnership
from desist.imports import importing, selectors, services
from desist.imports.extracts import ExtractFile, guess_columns, guess_record_id_column, read_extract
from desist.imports.models import SourceRecord, Upload
from desist.linking import runs as linking
from desist.linking.models import FailureKind, LinkageModelVersion, LinkRun, ReviewPair, RunStatus
from desist.linking.selectors import batch_linking
from desist.linking.tasks import link_records_task
from desist.linking.templatetags.linking_tags import probability
from desist.partnership.models import Role
from desist.people.models import Address, Person
from tests.app import builders
from tests.app.worker_process import start_worker, wait_until, worker_env  # noqa: F401 (a fixture)

pytestmark = pytest.mark.postgres

# A housing provider abroad and at home: Australian four-digit postcodes, a blank one, lower case, stray
# spaces, the house number and the street in two columns, and contact details.
HEADER = [
    "Member No",
    "Given",
    "Family",
    "Born",
    "House No",
    "Street",
    "Unit",
    "Suburb",
    "State",
    "Country",
    "Postcode",
    "Email",
    "Phone",
]
ROWS = [
    [
        "A1",
        "Mia",
        "Nguyen",
        "1988-02-14",
        "12",
        "Smith Street",
        "Unit 4",
        "Southport",
        "QLD",
        "Australia",
        "4215",
        "Mia.Nguyen@Example.org",
        "+61 7 5555 0101",
    ],
    [
        "A2",
        "Mia",
        "Nguyen",
        "1988-02-14",
        "12",
        "Smith St",
        "Unit 4",
        "Southport",
        "Qld",
        "Australia",
        " 4215 ",
        "mia.nguyen@example.org",
        "07 5555 0101",
    ],
    [
        "A3",
        "Liam",
        "O'Brien",
        "1979-11-02",
        "3",
        "George Street",
        "",
        "Sydney",
        "NSW",
        "Australia",
        "2000",
        "liam@example.net",
        "(02) 5550 1234",
    ],
    ["A4", "Ava", "Kowalski", "1995-06-30", "", "", "", "", "", "Australia", "", "", ""],
    [
        "A5",
        "Noah",
        "Hughes",
        "1991-09-09",
        "8",
        "Oak Road",
        "",
        "Chatham",
        "Kent",
        "England",
        "me4 6tl",
        "",
        "",
    ],
    [
        "A6",
        "Noah",
        "Hughes",
        "1991-09-09",
        "8",
        "Oak Rd",
        "",
        "Chatham",
        "Kent",
        "UK",
        "ME4  6TL",
        "",
        "01634 555 999",
    ],
]
COLUMNS = {
    "Given": "first_name",
    "Family": "last_name",
    "Born": "date_of_birth",
    "House No": "street",
    "Street": "street",
    "Unit": "address_line_2",
    "Suburb": "locality",
    "State": "region",
    "Country": "country",
    "Postcode": "postcode",
    "Email": "email",
    "Phone": "telephone",
}


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def run_worker() -> None:
    """The real task worker, until the queue is empty (checks, imports and the linking after them)."""
    call_command("db_worker", "--batch", "--no-startup-delay")


def web_import(client, name: str, content: bytes) -> Upload:
    """Upload, check and import a file through the pages with the agency's saved mapping, running the
    worker."""
    response = client.post("/imports/", {"file": SimpleUploadedFile(name, content)})
    upload = Upload.objects.get(file_name=name)
    assert response.url == f"/imports/uploads/{upload.pk}/", response.url
    run_worker()
    checked = client.get(response.url).content.decode()
    rows = content.count(b"\n") - 1
    assert f"Import {rows} record" in checked, checked
    client.post(
        f"/imports/uploads/{upload.pk}/import/", {"mapping": selectors.current_mapping(upload.agency).pk}
    )
    run_worker()
    upload.refresh_from_db()
    assert upload.state == "imported"
    return upload


@pytest.fixture
def analyst(partnership):
    return partnership.user("hana.analyst", partnership.housing, role=Role.ANALYST)


# --- every field, international postcodes, combined columns ------------------------------------------


def test_an_international_file_imports_with_a_note_and_every_field_reaches_the_engine(
    partnership, django_capture_on_commit_callbacks
):
    mapping = services.mapping_save(
        actor=builders.actor(),
        agency=partnership.housing,
        record_id_column="Member No",
        date_format="auto",
        columns=COLUMNS,
    )
    file = ExtractFile(name="abroad.csv", content=csv_bytes(HEADER, ROWS))
    report = importing.import_validate(agency=partnership.housing, file=file, mapping=mapping)
    assert report.ok, report.problems
    # Not a refusal: a note, with what the postcodes look like.
    assert len(report.notes) == 1 and report.notes[0].startswith(
        "3 of the 5 postcodes are not in the UK format"
    )
    assert "'4215'" in report.notes[0] and "'2000'" in report.notes[0]
    importing.import_checked(
        actor=builders.actor(), agency=partnership.housing, file=file, mapping=mapping, report=report
    )
    mia = SourceRecord.objects.get(record_id="A2")
    # House number and street joined in the file's column order; values normalised as the engine reads them.
    assert (mia.street, mia.address_line_2, mia.locality, mia.region, mia.country) == (
        "12 Smith St",
        "Unit 4",
        "Southport",
        "Qld",
        "Australia",
    )
    assert (mia.postcode, mia.email, mia.telephone) == ("4215", "mia.nguyen@example.org", "0755550101")
    assert SourceRecord.objects.get(record_id="A1").telephone == "+61755550101"
    assert [SourceRecord.objects.get(record_id=r).postcode for r in ("A4", "A5", "A6")] == [
        "",
        "ME4 6TL",
        "ME4 6TL",
    ]

    table = selectors.source_records_table()
    for name in ("street", "address_line_2", "region", "country", "postcode", "email", "telephone"):
        assert table.column(name).null_count < table.num_rows, name
    with django_capture_on_commit_callbacks(execute=True):
        run = linking.link_run(actor=builders.actor())
    assert run.status == RunStatus.DONE, run.error
    # The run wrote people in bulk, with no signal per row: the board's stored figures wait for a refresh.
    assert BasketRefresh.objects.get(pk=1).changed_since is not None
    fields = set(LinkageModelVersion.objects.get().splink["metadata"]["fields"])
    assert {"address", "address_line_2", "region", "country", "email", "telephone"} <= fields
    people = {r: SourceRecord.objects.get(record_id=r).person_id for r in ("A1", "A2", "A5", "A6", "A3")}
    # Six records are too few to estimate m (no EM below MIN_EM_RECORDS): the same name, date of birth, e-mail
    # and address links; "Oak Road, England" against "Oak Rd, UK" may instead go to a reviewer, never to
    # someone else.
    assert people["A1"] == people["A2"] and people["A3"] not in (people["A1"], people["A5"], people["A6"])
    assert (
        people["A5"] == people["A6"]
        or ReviewPair.objects.filter(
            left__record_id__in=("A5", "A6"), right__record_id__in=("A5", "A6")
        ).exists()
    )
    person = Person.objects.get(pk=people["A1"])
    assert person.email == "mia.nguyen@example.org" and person.phone in ("0755550101", "+61755550101")
    address = Address.objects.get(person=person)
    assert (address.line1, address.postcode, address.town) == ("12 Smith Street", "4215", "Southport") or (
        address.line1,
        address.postcode,
    ) == ("12 Smith St", "4215")
    assert "Australia" in address.line2


def test_a_file_of_uk_postcodes_has_no_note_and_a_mis_mapped_column_still_says_so(partnership):
    columns = {"Given": "first_name", "Family": "last_name", "Postcode": "postcode"}
    mapping = services.mapping_save(
        actor=builders.actor(),
        agency=partnership.housing,
        record_id_column="Member No",
        date_format="auto",
        columns=columns,
    )
    uk = ExtractFile(name="uk.csv", content=csv_bytes(HEADER, ROWS[4:]))
    assert importing.import_validate(agency=partnership.housing, file=uk, mapping=mapping).notes == []
    # A column that never held postcodes: every value outside the UK format, said plainly, nothing refused.
    wrong = services.mapping_save(
        actor=builders.actor(),
        agency=partnership.housing,
        record_id_column="Member No",
        date_format="auto",
        columns={**columns, "Postcode": "", "Born": "postcode"},
    )
    report = importing.import_validate(agency=partnership.housing, file=uk, mapping=wrong)
    assert report.ok and report.notes[0].startswith("All postcodes are not in the UK format")
    assert "change the column mapping" in report.notes[0]


def test_only_address_fields_may_combine_columns(partnership):
    problems = services.mapping_problems(
        record_id_column="Member No",
        date_format="auto",
        columns={
            "Family": "last_name",
            "Given": "last_name",
            "House No": "street",
            "Street": "street",
            "Unit": "locality",
            "Suburb": "locality",
        },
    )
    assert problems == ["Last name is chosen for two columns, 'Family' and 'Given'; choose it for one."]


def test_the_new_fields_are_guessed_from_their_headers():
    assert guess_columns(
        ["House Number", "Address Line 2", "County", "Country", "Zip Code", "E-mail", "Mobile"]
    ) == {
        "House Number": "house_number",
        "Address Line 2": "address_line_2",
        "County": "region",
        "Country": "country",
        "Zip Code": "postcode",
        "E-mail": "email",
        "Mobile": "telephone",
    }


def test_the_command_line_imports_the_new_fields(partnership, tmp_path, capsys):
    services.mapping_save(
        actor=builders.actor(),
        agency=partnership.housing,
        record_id_column="Member No",
        date_format="auto",
        columns=COLUMNS,
    )
    path = tmp_path / "abroad.csv"
    path.write_bytes(csv_bytes(HEADER, ROWS))
    call_command("import_extract", "--agency", "housing", "--file", str(path))
    assert "Imported abroad.csv" in capsys.readouterr().out
    assert SourceRecord.objects.get(record_id="A3").postcode == "2000"


@pytest.mark.django_db(transaction=True)
def test_the_pages_map_combined_columns_show_the_note_and_the_linking(
    client, partnership, analyst, django_assert_max_num_queries
):
    client.force_login(analyst)
    response = client.post("/imports/", {"file": SimpleUploadedFile("abroad.csv", csv_bytes(HEADER, ROWS))})
    upload = Upload.objects.get()
    form = client.get(response.url).content.decode()
    assert "Street address (may combine columns)" in form and "can be combined" in form
    assert '<option value="email" selected>' in form and '<option value="telephone" selected>' in form
    choices = {f"column_{i}": COLUMNS.get(column, "") for i, column in enumerate(HEADER)}
    saved = client.post(response.url, {**choices, "record_id_column": "Member No", "date_format": "auto"})
    assert saved.url == f"/imports/uploads/{upload.pk}/"
    run_worker()
    with django_assert_max_num_queries(12):
        check = client.get(saved.url).content.decode()
    assert "Import 6 records" in check and "Worth knowing about the data" in check
    assert (
        "3 of the 5 postcodes are not in the UK format" in check and "These do not stop the import" in check
    )
    client.post(
        f"/imports/uploads/{upload.pk}/import/",
        {"mapping": selectors.current_mapping(partnership.housing).pk},
    )
    run_worker()
    with django_assert_max_num_queries(12):
        done = client.get(saved.url).content.decode()
    assert "Linked</strong>" in done and (
        "6 records from this file made 4 new people" in done
        or (
            "6 records from this file made 5 new people" in done and "1 pair went to the review queue" in done
        )
    )
    with django_assert_max_num_queries(13):
        history = client.get("/imports/").content.decode()
    assert history.count("Linked</strong>") == 2  # the latest import, and its row in the history
    reviewer = partnership.user("rev", partnership.police, role=Role.ADMINISTRATOR)
    client.force_login(reviewer)
    with django_assert_max_num_queries(12):
        overview = client.get("/linkage/").content.decode()
    assert "Recent imports" in overview and "abroad.csv" in overview and "Linked</strong>" in overview
    shown = Thresholds()  # the thresholds, as match probabilities
    assert (
        probability(shown.link_probability) in overview and probability(shown.review_probability) in overview
    )


# --- small batches: the stored model, or waiting for enough records ----------------------------------


@pytest.fixture(scope="module")
def extracts(tmp_path_factory) -> Path:
    """The synthetic partnership's extracts as CSV files (generated once for the module)."""
    out = tmp_path_factory.mktemp("synth")
    write_partnership(generate_partnership(people=400, seed=3), out, format="csv")
    return out / "extracts"


def import_file(agency, path: Path):
    """An extract imported through the real import service, with the mapping desist guesses."""
    file = ExtractFile.from_path(path)
    table = read_extract(file)
    mapping = services.mapping_save(
        actor=builders.actor(),
        agency=agency,
        record_id_column=guess_record_id_column(table.columns),
        date_format="auto",
        columns=guess_columns(table.columns),
    )
    return importing.import_extract(actor=builders.actor(), agency=agency, file=file, mapping=mapping)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("stored_model", [True, False], ids=["stored-model", "no-model"])
def test_a_small_web_import_links_or_waits_for_enough_records_and_never_fails(
    client, partnership, analyst, extracts, stored_model
):
    stored = None
    if stored_model:
        import_file(partnership.police, extracts / "police.csv")
        import_file(partnership.probation, extracts / "probation.csv")
        run_worker()
        stored = LinkageModelVersion.objects.get(is_active=True)
    lines = (extracts / "health.csv").read_bytes().splitlines(keepends=True)
    header = lines[0]
    table = read_extract(ExtractFile(name="h.csv", content=b"".join(lines[:2])))
    services.mapping_save(
        actor=builders.actor(),
        agency=partnership.housing,
        date_format="auto",
        record_id_column=guess_record_id_column(table.columns),
        columns=guess_columns(table.columns),
    )
    client.force_login(analyst)
    taken = 1
    for size in (1, 5, 100):
        upload = web_import(client, f"health-{size}.csv", header + b"".join(lines[taken : taken + size]))
        taken += size
        state = batch_linking([upload.batch])[upload.batch_id]
        run = state.run
        page = client.get(f"/imports/uploads/{upload.pk}/").content.decode()
        assert "Linking failed" not in page and "Error" not in page
        if not stored_model and size == 1:
            # Nothing to learn from yet: said so, not a failure, and nothing to retry.
            assert state.state == "waiting_for_records" and run.status == RunStatus.WAITING and not run.error
            assert "Waiting for more records</strong>" in page and "needs at least 2 to start" in page
            continue
        assert state.state == "linked", (size, run.status, run.error)
        assert state.counts.records == size
        assert "Linked</strong>" in page
        if stored is not None:
            assert run.model_version_id == stored.pk  # the stored model, not one trained on the handful
    assert not LinkRun.objects.filter(status=RunStatus.FAILED).exists()
    assert not SourceRecord.objects.filter(person__isnull=True).exists()
    # The one record that waited was linked by the next run, and its batch says so.
    first = Upload.objects.get(file_name="health-1.csv")
    assert batch_linking([first.batch])[first.batch_id].state == "linked"


# --- a run cut short: explained, and tried again ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_linking_run_whose_worker_is_killed_is_explained_and_tried_again(
    client,
    partnership,
    analyst,
    extracts,
    worker_env,  # noqa: F811 (the fixture imported above)
    tmp_path,
    django_assert_max_num_queries,
):
    from desist.worker.services import leases_reap

    import_file(partnership.police, extracts / "police.csv")
    batch = import_file(partnership.housing, extracts / "housing.csv")
    log = tmp_path / "worker.log"
    worker = start_worker(worker_env, log=log)
    try:
        wait_until(
            lambda: LinkRun.objects.filter(status=RunStatus.RUNNING).exists(), what="a linking run to start"
        )
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    assert LinkRun.objects.get().status == RunStatus.RUNNING  # cut short mid-run: nothing else knows yet
    # The next worker finds the lease lapsed (its process is gone): the task is queued again, the run
    # explained.
    assert [outcome for _, outcome in leases_reap()] == ["retried"]
    failed = LinkRun.objects.get()
    assert failed.status == RunStatus.FAILED and failed.failure == FailureKind.INTERRUPTED
    assert failed.retry_at is not None and "stopped" in failed.error
    client.force_login(analyst)
    with django_assert_max_num_queries(13):
        page = client.get("/imports/").content.decode()
    assert (
        "Linking failed</strong>" in page and "The task worker running it stopped before it finished" in page
    )
    assert "It will be tried again at" in page and "Retry now" in page
    assert failed.error not in page and "Attempt 1" not in page
    reviewer = partnership.user("rev", partnership.police, role=Role.ADMINISTRATOR)
    client.force_login(reviewer)
    with django_assert_max_num_queries(12):
        overview = client.get("/linkage/").content.decode()
    assert (
        "Linking failed</strong>" in overview and "Tried again at" in overview and "Attempt 1" not in overview
    )

    second = start_worker(worker_env, "--batch", log=log)
    assert second.wait(timeout=300) == 0, log.read_text()
    done = LinkRun.objects.get(status=RunStatus.DONE)
    assert done.task_id == failed.task_id and not SourceRecord.objects.filter(person__isnull=True).exists()
    state = batch_linking([batch])[batch.pk]
    assert state.state == "linked" and state.counts.records == batch.created
    client.force_login(analyst)
    assert "Linked</strong>" in client.get("/imports/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_failed_run_is_queued_again_later_until_the_retries_are_spent(partnership, settings, extracts):
    """A real failure: the stored model is corrupted by hand, so the engine refuses it on every attempt."""
    from django_tasks_db.models import DBTaskResult

    settings.DESIST_LINK_RETRIES = 2
    import_file(partnership.police, extracts / "police.csv")
    run_worker()
    model = LinkageModelVersion.objects.get()
    broken = dict(model.splink)
    broken["splink_settings"] = {**broken["splink_settings"], "probability_two_random_records_match": 0.5}
    LinkageModelVersion.objects.filter(pk=model.pk).update(splink=broken)
    batch = import_file(partnership.housing, extracts / "housing.csv")
    run_worker()
    first = LinkRun.objects.filter(status=RunStatus.FAILED).get()
    assert first.failure == FailureKind.ENGINE and "ModelError" in first.error and first.retry_at is not None
    assert first.explanation == "The linking engine stopped on these records."
    # Linking runs only (the first run also queued the board's refresh of its figures, a minute on).
    waiting_runs = DBTaskResult.objects.filter(status="READY", task_path=link_records_task.module_path)
    retry = waiting_runs.get()
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    delay = (retry.run_after - first.finished_at).total_seconds()
    assert settings.DESIST_LINK_RETRY_SECONDS - 5 < delay < settings.DESIST_LINK_RETRY_SECONDS + 5
    state = batch_linking([batch])[batch.pk]
    assert state.state == "failed" and state.retried
    # The retries run when they are due; each waits four times longer, and the last is not retried.
    for attempt, factor in ((2, 4), (3, None)):
        waiting_runs.update(run_after=first.finished_at)
        run_worker()
        latest = LinkRun.objects.order_by("-pk").first()
        assert latest.status == RunStatus.FAILED and latest.attempt == attempt
        if factor is None:
            assert latest.retry_at is None and not waiting_runs.exists()
        else:
            waiting = waiting_runs.get()
            delay = (waiting.run_after - latest.finished_at).total_seconds()
            assert abs(delay - settings.DESIST_LINK_RETRY_SECONDS * factor) < 5
    state = batch_linking([batch])[batch.pk]
    assert state.state == "failed" and not state.retried
