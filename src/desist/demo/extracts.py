"""The demo's people, built as a partnership builds its own: each agency's extract imported through the
importer and linked by the record linkage engine.

The generator hands over, for each kind of agency, the extract its case system would produce (faults and
all: typos, nicknames, old surnames and addresses, missing and mistyped identifiers, duplicate records) and
a hidden truth table saying whose each record is. The demo writes each extract as a CSV file, saves the
agency's column mapping and imports the file with the importer's own services (`mapping_save`,
`import_extract`: all or nothing, as the web pages and `desist import` do), then runs linking once,
training a model first (`link_run`), so the engine creates the people, joins their records and sends the
pairs it is unsure of to review.

The truth is read for two things only. `AgencyRecords` answers what each agency's own case system knows:
which of its records a generated person's sentences, involvements and the rest belong to, so they can be
attached to the person that record was linked to. And `linkage_accuracy` measures the linking against it
for the build log (docs/demo.md).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from desist.audit.context import Actor
from desist.core.linkage import Accuracy, pairwise_accuracy
from desist.core.synth.extracts import SOURCE_FORMATS
from desist.core.synth.vocab import EXTRACT_SOURCES
from desist.imports.extracts import ExtractFile
from desist.imports.importing import import_extract
from desist.imports.models import SourceRecord
from desist.imports.services import mapping_save
from desist.linking.models import LinkRun, PairStatus, ReviewPair
from desist.linking.runs import link_run
from desist.partnership.models import Agency

# How each source writes its dates: the format its mapping names (an analyst reads it off the file).
DATE_FORMATS = {"iso": "%Y-%m-%d", "dmy_slash": "%d/%m/%Y", "dmy_dash": "%d-%m-%Y"}
# Columns of an extract that are not a desist field: the generator's own label of the file.
UNMAPPED = ("source", "record_id")

# Whose record a generated fact belongs with, by agency kind, most likely owner first. The justice record
# (offences, sentences and all that hangs off them, registers, assessments) goes together, so an offence and
# its sentence stay on one person: probation's case system holds it, else the prison's, the police's or
# youth justice's.
JUSTICE = ("probation", "prison", "police", "youth_justice")
SCHOOL = ("social_care", "youth_justice", "health")
# When no named owner holds a record of the person, the partnership's person is the one any agency's record
# joined, in this order.
ANY_AGENCY = (
    "probation",
    "prison",
    "police",
    "youth_justice",
    "social_care",
    "health",
    "housing",
    "treatment",
    "job_centre",
)


@dataclass
class ImportedExtracts:
    """What the imports did: records imported per agency code, and which extract each agency's file came
    from."""

    records: dict[str, int] = field(default_factory=dict)
    source_of_agency: dict[str, str] = field(default_factory=dict)


def prison_of_person(world: Any) -> dict[int, str]:
    """The prison that holds each generated person's prison record: the one of their latest prison
    involvement. The generator makes one extract for all the prisons; each prison imports its own share."""
    prisons = set(
        pc.filter(
            world.agencies.column("agency_code"), pc.equal(world.agencies.column("kind"), "prison")
        ).to_pylist()
    )
    involvements = world.involvements.select(["person_id", "agency_code", "start_date", "involvement_id"])
    latest: dict[int, tuple[Any, int, str]] = {}
    for row in involvements.to_pylist():
        if row["agency_code"] not in prisons:
            continue
        key = (row["start_date"], row["involvement_id"], row["agency_code"])
        held = latest.get(row["person_id"])
        if held is None or key > held:
            latest[row["person_id"]] = key
    return {person: key[2] for person, key in latest.items()}


def agency_files(world: Any) -> list[tuple[str, str, pa.Table]]:
    """(agency code, source, extract rows) for each agency that holds records: the generator's extracts,
    the prisons' one split by the prison holding each person."""
    files: list[tuple[str, str, pa.Table]] = []
    agency_codes = set(world.agencies.column("agency_code").to_pylist())
    prison_of = prison_of_person(world)
    truth = world.extract_links
    for source in EXTRACT_SOURCES:
        table = world.extracts[source]
        if source != "prison":
            if source in agency_codes and table.num_rows:
                files.append((source, source, table))
            continue
        rows = pc.equal(truth.column("source"), "prison")
        person_of = dict(
            zip(
                pc.filter(truth.column("record_id"), rows).to_pylist(),
                pc.filter(truth.column("person_id"), rows).to_pylist(),
                strict=True,
            )
        )
        held_by = pa.array(
            [prison_of.get(person_of[r]) for r in table.column("record_id").to_pylist()], type=pa.string()
        )
        for prison in sorted(set(held_by.to_pylist()) - {None}):
            share = table.filter(pc.equal(held_by, prison))
            if share.num_rows:
                files.append((prison, source, share))
    return files


def csv_file(name: str, table: pa.Table) -> ExtractFile:
    """The extract as the agency would send it: a CSV file, empty cells where its system held nothing."""
    out = io.BytesIO()
    pa_csv.write_csv(table, out)
    return ExtractFile(name=name, content=out.getvalue())


def extracts_import(world: Any, *, actor: Actor, log: Callable[[str], None]) -> ImportedExtracts:
    """Save each agency's column mapping and import its extract file through the importer."""
    agencies = {a.code: a for a in Agency.objects.all()}
    imported = ImportedExtracts()
    as_of = world.config.as_of
    for code, source, table in agency_files(world):
        agency: Agency = agencies[code]
        columns = {name: name for name in table.column_names if name not in UNMAPPED}
        mapping = mapping_save(
            actor=actor,
            agency=agency,
            record_id_column="record_id",
            date_format=DATE_FORMATS[SOURCE_FORMATS[source].date_style],
            columns=columns,
            file_columns=table.column_names,
        )
        batch = import_extract(
            actor=actor,
            agency=agency,
            file=csv_file(f"{code}-extract-{as_of:%Y-%m-%d}.csv", table),
            mapping=mapping,
        )
        imported.records[code] = batch.rows
        imported.source_of_agency[code] = source
    log("  extracts imported: " + ", ".join(f"{code} {rows:,}" for code, rows in imported.records.items()))
    return imported


class AgencyRecords:
    """Which person each agency's record of a generated person was linked to: what the agency's own case
    system knows (its record of them), read through the truth table the generator kept.

    An agency holding two records of one person (a duplicate) attaches its facts to the first."""

    def __init__(self, world: Any, imported: ImportedExtracts) -> None:
        truth = world.extract_links
        kind_of = dict(
            zip(
                world.agencies.column("agency_code").to_pylist(),
                world.agencies.column("kind").to_pylist(),
                strict=True,
            )
        )
        self.kind_of: dict[str, str] = kind_of
        linked: dict[tuple[str, str], int] = {}
        for code, record_id, linked_to in SourceRecord.objects.filter(person__isnull=False).values_list(
            "agency__code", "record_id", "person_id"
        ):
            linked[(imported.source_of_agency.get(code, code), record_id)] = linked_to
        self.people: dict[int, dict[str, int]] = {}
        for source, record_id, truth_id in zip(
            truth.column("source").to_pylist(),
            truth.column("record_id").to_pylist(),
            truth.column("person_id").to_pylist(),
            strict=True,
        ):
            person = linked.get((source, record_id))
            if person is not None:
                self.people.setdefault(truth_id, {}).setdefault(source, person)

    def person(self, truth_id: int | None, prefer: Iterable[str] = ()) -> int | None:
        """The person that the first of the `prefer` agency kinds holding a record of `truth_id` linked it
        to, else the one any agency's record joined; None for someone no agency sent."""
        if truth_id is None:
            return None
        held = self.people.get(truth_id)
        if not held:
            return None
        for kind in (*prefer, *ANY_AGENCY):
            if kind in held:
                return held[kind]
        return next(iter(held.values()))

    def by_agency(self, truth_id: int, agency_code: str | None) -> int | None:
        """The person that the agency's (or its kind's) record of `truth_id` was linked to."""
        kind = self.kind_of.get(agency_code or "", "")
        return self.person(truth_id, (kind,) if kind else ())


@dataclass(frozen=True)
class LinkOutcome:
    """The first linking of the demo's extracts, measured against the generator's truth."""

    run: LinkRun
    accuracy: Accuracy
    review_pairs: int


def extracts_link(world: Any, imported: ImportedExtracts, *, actor: Actor) -> LinkOutcome:
    """Train a model on every imported record and link them all; measure the result against the truth."""
    run = link_run(
        actor=actor,
        incremental=False,
        train=True,
        reason="Demo build: first linking of the agencies' extracts",
    )
    return LinkOutcome(
        run=run,
        accuracy=linkage_accuracy(world, imported),
        review_pairs=ReviewPair.objects.filter(status=PairStatus.OPEN).count(),
    )


def linkage_accuracy(world: Any, imported: ImportedExtracts) -> Accuracy:
    """Pairwise precision, recall and F1 of the stored links against the generator's truth."""
    rows = list(SourceRecord.objects.values_list("agency__code", "record_id", "person_id"))
    assignments = pa.table(
        {
            "source": pa.array(
                [imported.source_of_agency.get(code, code) for code, _, _ in rows], type=pa.string()
            ),
            "record_id": pa.array([record_id for _, record_id, _ in rows], type=pa.string()),
            # A record linkage left unlinked is a person of its own.
            "person_id": pa.array(
                [f"p{person}" if person is not None else f"r{i}" for i, (_, _, person) in enumerate(rows)],
                type=pa.string(),
            ),
        }
    )
    return pairwise_accuracy(assignments, world.extract_links)
