"""Bad files on import (issue 10, item 11): every kind in tests/app/hostile_files.py is refused with a clear
message and nothing stored, or accepted where it is a good file, and none gives a traceback.

With DESIST_HOSTILE_TABLE=path (scripts/hostile_imports.py) the results are written there as the markdown
table in docs/security.md, "Bad files on import"."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desist.imports import extracts, importing, services
from desist.imports.extracts import ExtractFile, ExtractFileError, read_extract
from desist.imports.models import ImportBatch, SourceRecord
from tests.app import builders
from tests.app.hostile_files import COLUMNS, Case, cases

pytestmark = pytest.mark.postgres

CASES = cases()
_results: dict[str, tuple[str, str]] = {}


@pytest.fixture(scope="module", autouse=True)
def _write_table() -> Iterator[None]:
    yield
    out = os.environ.get("DESIST_HOSTILE_TABLE")
    if out and _results:
        refused = sum(1 for outcome, _ in _results.values() if outcome == "refused")
        lines = [
            f"{len(_results)} kinds of file: {refused} refused, {len(_results) - refused} accepted.",
            "",
            "| kind of file | result | message (or what was stored) |",
            "|---|---|---|",
        ]
        for case in CASES:
            if case.kind in _results:
                outcome, message = _results[case.kind]
                cell = message.replace("|", "\\|").replace("\n", " ")
                lines.append(f"| {case.kind} | {outcome} | {cell} |")
        Path(out).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_corpus_has_at_least_forty_kinds_of_bad_file():
    assert len({c.kind for c in CASES}) == len(CASES)
    assert sum(1 for c in CASES if c.refused) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c.kind for c in CASES])
@pytest.mark.django_db
def test_each_file_is_refused_cleanly_or_accepted(partnership, case: Case):
    agency = partnership.housing
    actor = builders.actor()
    mapping = services.mapping_save(
        actor=actor, agency=agency, record_id_column="Client ID", date_format="%d/%m/%Y", columns=COLUMNS
    )
    file = ExtractFile(name=case.name, content=case.content, encoding=case.encoding)
    if case.import_first:
        importing.import_extract(actor=actor, agency=agency, file=file, mapping=mapping)
    before = (SourceRecord.objects.count(), ImportBatch.objects.count())
    limits = extracts.current_limits()
    if case.limits is not None:
        extracts.configure(case.limits)
    try:
        report = importing.import_validate(agency=agency, file=file, mapping=mapping)
        if case.refused:
            assert not report.ok, f"{case.kind} was not refused"
            message = (
                report.refusal
                if report.already_imported
                else "; ".join(
                    (
                        f"Row {p.row}" + (f", column {p.column!r}" if p.column else "") + ": "
                        if p.row > 1 or p.column
                        else ""
                    )
                    + p.problem
                    for p in report.problems[:2]
                )
            )
            assert case.refused in message, message
            assert "Traceback" not in message and "Error(" not in message
            with pytest.raises(importing.ImportRefused):
                importing.import_extract(actor=actor, agency=agency, file=file, mapping=mapping)
            assert (SourceRecord.objects.count(), ImportBatch.objects.count()) == before, (
                "something was stored"
            )
            _results[case.kind] = ("refused", message)
        else:
            assert report.ok, report.problems[:3]
            batch = importing.import_extract(actor=actor, agency=agency, file=file, mapping=mapping)
            assert batch.created == SourceRecord.objects.count() - before[0] > 0
            if case.stored_name:
                assert batch.file_name == case.stored_name
            first = SourceRecord.objects.get(record_id="H1")
            for name, value in case.stored.items():
                assert getattr(first, name) == value
            shown = ", ".join(f"{name} {value!r}" for name, value in case.stored.items())
            _results[case.kind] = (
                "accepted",
                f"{batch.created} record{'s' if batch.created != 1 else ''}"
                + (f", as {batch.file_name!r}" if case.stored_name else "")
                + (f"; {shown}" if shown else ""),
            )
    finally:
        extracts.configure(limits)


# --- the reader on its own: any bytes get a table or a message, never a traceback ---------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.binary(max_size=2_000), st.sampled_from(["x.csv", "x.txt", "x.xlsx"]), st.sampled_from(["", "cp1252"])
)
def test_any_bytes_are_read_or_refused_with_a_message(content, name, encoding):
    try:
        table = read_extract(ExtractFile(name=name, content=content, encoding=encoding))
    except ExtractFileError as error:
        assert str(error) and "Traceback" not in str(error)
    else:
        assert table.columns and all(len(c) <= 32_767 for c in table.columns)


cell_text = st.text(
    st.characters(
        blacklist_categories=("Cs", "Cc"),
        blacklist_characters="\ufeff\u2028\u2029"
        "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufff9\ufffa\ufffb",
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        cell_text.filter(lambda t: t.strip() and not t.strip()[0].isdigit()),
        min_size=1,
        max_size=6,
        unique_by=lambda t: t.strip().lower(),
    ),
    st.lists(st.lists(cell_text, min_size=6, max_size=6), max_size=5),
    st.booleans(),
)
def test_any_utf8_table_reads_back_as_written(header, rows, bom):
    width = len(header)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(r[:width] for r in rows)
    content = (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")
    try:
        table = read_extract(ExtractFile(name="x.csv", content=content))
    except ExtractFileError as error:
        assert "looks like a value" in str(error) or "delimiter" in str(error) or "column" in str(error)
        return
    if table.columns == [h.strip() for h in header]:
        kept = [r[:width] for r in rows if any(c.strip() for c in r[:width])]
        assert [values for _, values in table.rows] == kept


@pytest.mark.django_db
def test_the_command_line_reads_a_file_in_the_encoding_it_is_told(partnership, tmp_path, capsys):
    from desist.cli import main as desist_main
    from tests.app.hostile_files import csv_bytes, row

    path = tmp_path / "polish.csv"
    path.write_bytes(csv_bytes([row(Forename="Łukasz", Surname="Wójcik")], encoding="iso-8859-2"))
    services.mapping_save(
        actor=builders.actor(),
        agency=partnership.housing,
        record_id_column="Client ID",
        date_format="%d/%m/%Y",
        columns=COLUMNS,
    )
    assert desist_main(["import", "--agency", "housing", "--file", str(path)]) == 1
    assert "cannot tell which encoding" in capsys.readouterr().err and not SourceRecord.objects.exists()
    assert (
        desist_main(["import", "--agency", "housing", "--file", str(path), "--encoding", "iso-8859-2"]) == 0
    )
    assert SourceRecord.objects.get().first_name == "Łukasz"
