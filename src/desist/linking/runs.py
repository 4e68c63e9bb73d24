"""Linking runs: train and store a model version, run linking over the stored source records and write
what the engine decided (people, links, review pairs, merges and splits). This is the work the linking
tasks do (desist.linking.tasks), so it sits below the services that queue them
(docs/decisions/0004-no-import-cycles.md).

The engine is `desist.core.linkage` (docs/linkage.md). `link_run` reads every source record as one Arrow
table, gives the engine the previous run's people (`SourceRecord.person`) and the decisions in force,
and writes the result in bulk in one transaction, with one access-log entry for the run and one
`combination` entry for each person whose records changed.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import AccessLogEntry, Action
from desist.audit.services import log_access, log_entries_append
from desist.bulk import copy_rows
from desist.imports.models import SourceRecord
from desist.imports.selectors import source_records_table
from desist.linking.merging import people_merge
from desist.linking.models import (
    FailureKind,
    LinkageModelVersion,
    LinkRun,
    LinkRunBatch,
    PairStatus,
    RecordLink,
    ReviewPair,
    RunStatus,
)
from desist.linking.selectors import configured_thresholds, decisions_in_force
from desist.partnership.models import Agency
from desist.people.models import (
    INVERSE_RELATIONSHIP,
    Address,
    Identifier,
    IdentifierKind,
    Involvement,
    NameKind,
    Person,
    PersonName,
    Relationship,
    RelationshipKind,
)
from desist.people.services import household_key, identifier_row, person_name_row
from desist.people.signals import records_loaded_later

# Involvements that linkage gives an agency for holding a person's record read "Record in <agency> extract".
LINK_REASON_PREFIX = "Record in "
LINK_REASON_SUFFIX = " extract"
NATIONAL_IDENTIFIERS = ("pnc", "crn", "prison_number", "nhs_number", "ni_number")
# Fields that make a record "complete" when choosing the values a new person starts with.
COMPLETENESS_FIELDS = (
    "first_name",
    "middle_names",
    "last_name",
    "date_of_birth",
    "sex",
    "street",
    "postcode",
    *NATIONAL_IDENTIFIERS,
)
ENGINE_DROPS = ("source_record_id", "person_id")
IN_CHUNK = 500  # ids per IN (...) list: well inside SQLite's parameter limit
ADVISORY_LOCK = 74_656_001  # one linking run at a time on PostgreSQL
POSTCODE_MAX = Address._meta.get_field("postcode").max_length or 10


class LinkingError(ValueError):
    """Linking or training cannot go ahead; the message says why, in the user's words."""


def link_reason(agency_name: str) -> str:
    """The reason on the involvement linkage gives an agency that holds a record of the person."""
    return f"{LINK_REASON_PREFIX}{agency_name}{LINK_REASON_SUFFIX}"[:200]


def _chunks(values: Iterable[Any], size: int = IN_CHUNK) -> Iterator[list[Any]]:
    iterator = iter(values)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _log_row(
    actor: Actor,
    *,
    action: str,
    summary: str,
    person_id: int | None,
    obj_type: str,
    obj_id: Any,
    detail: dict[str, Any],
) -> AccessLogEntry:
    """An unsaved access-log entry as log_access writes it, for log_entries_append (which chains many at
    once)."""
    return AccessLogEntry(
        user_id=actor.user_id,
        username=actor.username,
        agency_code=actor.agency_code,
        action=action,
        channel=actor.channel,
        person_id=person_id,
        object_type=obj_type,
        object_id=str(obj_id),
        summary=summary[:255],
        purpose=actor.purpose,
        detail=detail,
        ip_address=actor.ip_address,
        path=actor.path,
    )


# --- the model ------------------------------------------------------------------------------------


def _engine_records(table: Any) -> Any:
    return table.drop_columns([c for c in ENGINE_DROPS if c in table.column_names])


@transaction.atomic
def model_train(*, actor: Actor) -> LinkageModelVersion:
    """Train a linkage model on every stored source record, store it as a new version (or take back the
    stored version with the same parameters) and make it the active one."""
    from desist.core.linkage import train_model

    records = source_records_table()
    if records.num_rows < 2:
        raise LinkingError(
            "A model needs at least two source records to learn from: import an extract first."
        )
    model = train_model(_engine_records(records))
    LinkageModelVersion.objects.filter(is_active=True).update(is_active=False)
    version = LinkageModelVersion.objects.filter(version=model.version).first()
    if version is None:
        version = LinkageModelVersion.objects.create(
            version=model.version,
            splink=model.to_json(),
            trained_at=timezone.now(),
            trained_on=model.trained_on,
            trained_by_name=actor.username,
            is_active=True,
        )
    else:
        version.is_active = True
        version.save(update_fields=["is_active"])
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        obj=version,
        summary=f"Trained linkage model {version.version} on {model.trained_on:,} source records",
        detail={
            "version": version.version,
            "trained_on": model.trained_on,
            "sources": model.metadata.get("sources", []),
        },
    )
    return version


# --- a linking run --------------------------------------------------------------------------------


@dataclass
class _Record:
    pk: int
    agency_id: int
    agency_name: str
    updated_at: datetime
    values: dict[str, Any]

    def completeness(self) -> int:
        return sum(1 for name in COMPLETENESS_FIELDS if self.values.get(name))


def link_run(
    *,
    actor: Actor,
    incremental: bool = True,
    train: bool = False,
    reason: str = "",
    task_id: str = "",
    attempt: int = 1,
) -> LinkRun:
    """Link every stored source record into people and write the outcome (see the module docstring).

    Incremental (the default): records already linked stay with their people and only new records are
    scored against them; a full run scores every pair again. Person ids never change either way.
    Without an active model (or with ``train``) a model is trained first; with too few records to train on,
    the run ends waiting for enough records (RunStatus.WAITING), which is not a failure. The run is recorded
    even when it fails, with the kind of failure and the error; the writes are one transaction, so a failed
    run changes nothing else. The import batches whose records it sets out to link are recorded first, so
    their pages can say what became of them.
    """
    if task_id:
        # An earlier attempt of this task was cut short (its worker stopped): its run did nothing.
        link_runs_interrupted(
            task_id=task_id, reason="Its worker stopped before it finished; the task ran again."
        )
    # The run and the batches it sets out to link are written together: a worker stopped between the two
    # would leave a run that no import page can name.
    with transaction.atomic():
        run = LinkRun.objects.create(
            started_by=actor.user,
            started_by_name=actor.username,
            reason=reason[:200],
            incremental=incremental,
            task_id=task_id,
            attempt=attempt,
        )
        _run_batches_add(run)
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
            _link(run, actor=actor, incremental=incremental, train=train)
            # People and their records were written in bulk, with no signal per row.
            records_loaded_later()
    except Exception as error:
        run.status = RunStatus.FAILED
        run.failure = failure_kind(error)
        run.error = str(error) if isinstance(error, LinkingError) else f"{type(error).__name__}: {error}"
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "failure", "error", "finished_at"])
        raise
    return run


def failure_kind(error: BaseException) -> str:
    """The kind of a run's failure (FailureKind), which the pages explain in plain English."""
    if isinstance(error, OperationalError) and "locked" in str(error).lower():
        return FailureKind.LOCKED
    if isinstance(error, LinkingError):
        return FailureKind.DATA
    return FailureKind.ENGINE


def link_runs_interrupted(*, task_id: str, reason: str, retry_at: datetime | None = None) -> int:
    """Mark the runs a task left running when its worker stopped as failed (their writes were rolled back);
    ``retry_at`` says when the task runs again, if it does."""
    return LinkRun.objects.filter(task_id=task_id, status=RunStatus.RUNNING).update(
        status=RunStatus.FAILED,
        failure=FailureKind.INTERRUPTED,
        error=reason[:1000],
        finished_at=timezone.now(),
        retry_at=retry_at,
    )


def link_run_retry_at(*, task_id: str, when: datetime) -> int:
    """Say on the runs a failed task left that it is tried again at ``when``."""
    return LinkRun.objects.filter(task_id=task_id, status=RunStatus.FAILED).update(retry_at=when)


def _run_batches_add(run: LinkRun) -> dict[int, int]:
    """Record the import batches whose records wait to be linked as this run's, and return each waiting
    record's batch (one query, and one insert)."""
    batch_of = dict(SourceRecord.objects.filter(person__isnull=True).values_list("pk", "batch_id"))
    LinkRunBatch.objects.bulk_create(
        [LinkRunBatch(run=run, batch_id=batch) for batch in sorted(set(batch_of.values()))],
        ignore_conflicts=True,
        batch_size=IN_CHUNK,
    )
    return batch_of


def _link(run: LinkRun, *, actor: Actor, incremental: bool, train: bool) -> None:
    from desist.core.linkage import link_records

    table = source_records_table()
    run.records = table.num_rows
    batch_of = _run_batches_add(run)  # again, inside: records imported since the run started are linked too
    if table.num_rows == 0:
        _finish(run, actor)
        return
    version = None if train else LinkageModelVersion.objects.filter(is_active=True).first()
    if version is not None and "fields" not in version.splink.get("metadata", {}):
        # A model stored by an earlier desist does not say which fields it compares, and the engine refuses
        # it: train afresh on the records at hand rather than let every run after an upgrade fail.
        version = None
    if version is not None and _provisional(version) and table.num_rows >= _em_records():
        # The model was trained on too few records to estimate its parameters: now there are enough, learn
        # them.
        version = None
    if version is None:
        if table.num_rows < MIN_TRAINING_RECORDS:
            _wait(
                run,
                actor,
                f"Waiting for enough records: desist learns how to link from the records themselves "
                f"and needs at least {MIN_TRAINING_RECORDS} to start ({table.num_rows} held now). "
                "The records are linked when the next extract is imported.",
            )
            return
        version = model_train(actor=actor)
    thresholds = configured_thresholds()
    run.model_version = version
    run.link_threshold, run.review_threshold = thresholds.link, thresholds.review

    record_pks: list[int] = table.column("source_record_id").to_pylist()
    keys: list[tuple[str, str]] = list(
        zip(
            table.column("source").to_pylist(),  # (source, record id)
            table.column("record_id").to_pylist(),
            strict=True,
        )
    )
    pk_of = dict(zip(keys, record_pks, strict=True))
    current: dict[int, int | None] = dict(zip(record_pks, table.column("person_id").to_pylist(), strict=True))
    previous = {key: person for key, pk in pk_of.items() if (person := current[pk]) is not None}
    must_link, must_not_link = decisions_in_force()
    run.incremental = incremental = incremental and bool(previous)
    result = link_records(
        _engine_records(table),
        model=version.linkage_model(),
        previous=previous or None,
        incremental=incremental,
        must_link=must_link,
        must_not_link=must_not_link,
        thresholds=thresholds,
    )

    rows = result.assignments.to_pylist()
    existing_people = set(previous.values())
    members: dict[int, list[int]] = defaultdict(list)  # engine person id -> source record pks
    for row in rows:
        members[int(row["person_id"])].append(pk_of[(row["source"], row["record_id"])])
    new_ids = sorted(pid for pid in members if pid not in existing_people)
    records = _records(table, record_pks)

    # Engine ids for new people may equal the pk of a Person the engine never saw: map, never assume.
    person_of: dict[int, int] = {pid: pid for pid in members if pid in existing_people}
    created = _people_create([[records[pk] for pk in members[pid]] for pid in new_ids])
    person_of.update(zip(new_ids, created, strict=True))

    assigned = {pk_of[(row["source"], row["record_id"])]: person_of[int(row["person_id"])] for row in rows}
    _source_records_move([(person, pk) for pk, person in assigned.items() if current[pk] != person])
    joined = {
        pk: person for pk, person in assigned.items() if current[pk] is None and person in existing_people
    }
    run.people_created = len(created)
    run.records_joined = len(joined)
    run.records_split = len(result.splits)
    run.people_merged = len(result.merges)

    merges = [(m.absorbed_id, m.kept_id) for m in result.merges]
    _people_merge(merges, actor=actor, run=run)
    _people_enrich(
        {person: [records[pk] for pk in members_of] for person, members_of in _group(joined).items()}
    )
    touched = (
        set(created)
        | set(joined.values())
        | {kept for _, kept in merges}
        | {p for pk, p in current.items() if p is not None and assigned[pk] != p}
    )
    _involvements_reconcile(touched, assigned, records, actor=actor)
    _links_write(
        run,
        version,
        rows,
        pk_of,
        person_of,
        previous_pks={pk for pk, p in current.items() if p is not None},
        current=current,
        assigned=assigned,
        full=not incremental,
    )
    run.sent_to_review = _pairs_write(run, result.review_pairs, pk_of)
    run.note = "; ".join(result.notes)[:2000]
    _run_batches_count(
        run,
        batch_of,
        current=current,
        assigned=assigned,
        created=set(created),
        joined=joined,
        review=[(pk_of[p.left], pk_of[p.right]) for p in result.review_pairs],
    )
    _declared_relationships_write()
    ReviewPair.objects.filter(
        status=PairStatus.OPEN, left__person__isnull=False, left__person_id=F("right__person_id")
    ).update(status=PairStatus.SETTLED)
    _log_people(
        actor,
        run,
        created=created,
        joined=joined,
        merges=merges,
        splits=result.splits,
        pk_of=pk_of,
        person_of=person_of,
    )
    _finish(run, actor)


MIN_TRAINING_RECORDS = 2  # a model learns from pairs: one record has none


def _em_records() -> int:
    from desist.core.linkage.model import MIN_EM_RECORDS

    return MIN_EM_RECORDS


def _provisional(version: LinkageModelVersion) -> bool:
    """Whether a stored model was trained on too few records for the engine to estimate m (its notes say
    so)."""
    return version.trained_on < _em_records()


def _wait(run: LinkRun, actor: Actor, note: str) -> None:
    """End a run that cannot link yet, and say why: not a failure, and nothing to retry."""
    run.status = RunStatus.WAITING
    run.note = note
    run.finished_at = timezone.now()
    run.save()
    log_access(
        actor=actor,
        action=Action.COMBINATION,
        obj=run,
        summary=f"Linking waits: {note}"[:255],
        detail={"run": run.pk, "records": run.records},
    )


def _run_batches_count(
    run: LinkRun,
    batch_of: dict[int, int],
    *,
    current: dict[int, int | None],
    assigned: dict[int, int],
    created: set[int],
    joined: dict[int, int],
    review: list[tuple[int, int]],
) -> None:
    """What became of each batch's waiting records in this run: people created, records joined, pairs for
    review."""
    counts: dict[int, LinkRunBatch] = {}
    made: dict[int, set[int]] = defaultdict(set)
    for pk, batch in batch_of.items():
        if pk not in assigned or current.get(pk) is not None:
            continue
        row = counts.setdefault(batch, LinkRunBatch(run=run, batch_id=batch))
        row.records += 1
        row.records_joined += pk in joined
        if assigned[pk] in created:
            made[batch].add(assigned[pk])
    for batch, people in made.items():
        counts[batch].people_created = len(people)
    for left, right in review:
        for batch in {b for b in (batch_of.get(left), batch_of.get(right)) if b is not None}:
            counts.setdefault(batch, LinkRunBatch(run=run, batch_id=batch)).sent_to_review += 1
    held = dict(LinkRunBatch.objects.filter(run=run).values_list("batch_id", "pk"))
    rows = []
    for batch, row in counts.items():
        if batch in held:
            row.pk = held[batch]
            rows.append(row)
    LinkRunBatch.objects.bulk_update(
        rows, ["records", "people_created", "records_joined", "sent_to_review"], batch_size=IN_CHUNK
    )


def _source_records_move(moved: list[tuple[int, int]]) -> None:
    """Point source records at their (person, record pk) people: one UPDATE run for many rows, as the
    importer does. Django's bulk_update builds a CASE per row, which took most of a minute for 30,000."""
    table = connection.ops.quote_name(SourceRecord._meta.db_table)
    column = connection.ops.quote_name(SourceRecord._meta.get_field("person").column)
    with connection.cursor() as cursor:
        for chunk in _chunks(moved, 5000):
            cursor.executemany(f"UPDATE {table} SET {column} = %s WHERE id = %s", chunk)  # noqa: S608


def _finish(run: LinkRun, actor: Actor) -> None:
    run.status = RunStatus.DONE
    run.finished_at = timezone.now()
    run.save()
    log_access(
        actor=actor,
        action=Action.COMBINATION,
        obj=run,
        summary=f"Linked {run.records:,} source records: {run.people_created:,} people created, "
        f"{run.records_joined:,} records joined, {run.people_merged:,} merged, "
        f"{run.sent_to_review:,} pairs for review",
        detail={
            "run": run.pk,
            "incremental": run.incremental,
            "model_version": run.model_version.version if run.model_version is not None else None,
            "records": run.records,
            "people_created": run.people_created,
            "records_joined": run.records_joined,
            "people_merged": run.people_merged,
            "records_split": run.records_split,
            "sent_to_review": run.sent_to_review,
        },
    )


def _group(assigned: dict[int, int]) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = defaultdict(list)
    for pk, person in assigned.items():
        grouped[person].append(pk)
    return grouped


def _records(table: Any, record_pks: Sequence[int]) -> dict[int, _Record]:
    """Every source record's values (from the Arrow table) with its agency and when it was last imported."""
    agencies = {a.code: a for a in Agency.objects.only("pk", "code", "name")}
    updated = dict(SourceRecord.objects.values_list("pk", "updated_at"))
    columns = [c for c in table.column_names if c not in ("source_record_id", "person_id")]
    data = {c: table.column(c).to_pylist() for c in columns}
    records: dict[int, _Record] = {}
    for i, pk in enumerate(record_pks):
        values = {c: data[c][i] for c in columns}
        agency = agencies[values["source"]]
        records[pk] = _Record(
            pk=pk, agency_id=agency.pk, agency_name=agency.name, updated_at=updated[pk], values=values
        )
    return records


def _most_common(values: Iterable[Any], prefer: Any) -> Any:
    counts = Counter(v for v in values if v)
    if not counts:
        return None
    top = max(counts.values())
    if prefer and counts.get(prefer) == top:
        return prefer
    return next(v for v, n in counts.items() if n == top)


def _best(records: Sequence[_Record]) -> _Record:
    """The record a new person takes its name from: the most complete, then the most recently imported."""
    return max(records, key=lambda r: (r.completeness(), r.updated_at, r.pk))


def _people_create(groups: list[list[_Record]]) -> list[int]:
    """Create one person per group of records, in order, and return their pks.

    Name from the most complete record (ties: the most recently imported); date of birth and sex are the
    value most of the records give (ties: the best record's, then the most recent record's); every
    other name the records hold becomes an alias; identifiers and the latest address follow.
    """
    if not groups:
        return []
    people: list[Person] = []
    for records in groups:
        by_recency = sorted(records, key=lambda r: (r.updated_at, r.pk), reverse=True)
        best = _best(records)
        people.append(
            Person(
                first_name=best.values.get("first_name") or "",
                middle_names=best.values.get("middle_names") or "",
                last_name=best.values.get("last_name") or "",
                date_of_birth=_most_common(
                    (r.values.get("date_of_birth") for r in by_recency), best.values.get("date_of_birth")
                ),
                sex=_most_common((r.values.get("sex") for r in by_recency), best.values.get("sex"))
                or "unknown",
                # The latest contact details any record gives (the engine reads them as e-mail and telephone).
                email=(next((r.values["email"] for r in by_recency if r.values.get("email")), "") or "")[
                    :254
                ],
                phone=(
                    next((r.values["telephone"] for r in by_recency if r.values.get("telephone")), "") or ""
                )[:32],
            )
        )
    created = Person.objects.bulk_create(people, batch_size=IN_CHUNK)
    pks = [p.pk for p in created]
    copy_rows(
        PersonName,
        [
            "person",
            "kind",
            "first_name",
            "last_name",
            "first_key",
            "last_key",
            "last_soundex",
            "last_metaphone",
        ],
        (
            (
                p.pk,
                NameKind.PRIMARY,
                n.first_name,
                n.last_name,
                n.first_key,
                n.last_key,
                n.last_soundex,
                n.last_metaphone,
            )
            for p in created
            for n in [
                person_name_row(
                    person_id=p.pk, kind=NameKind.PRIMARY, first_name=p.first_name, last_name=p.last_name
                )
            ]
        ),
    )
    _people_enrich(dict(zip(pks, groups, strict=True)), new=True)
    return pks


def _record_names(record: _Record) -> list[tuple[str, str]]:
    v = record.values
    names = [(v.get("first_name") or "", v.get("last_name") or "")]
    if v.get("alias_last_name") or v.get("alias_first_name"):
        names.append((v.get("alias_first_name") or "", v.get("alias_last_name") or v.get("last_name") or ""))
    return [(first, last) for first, last in names if last]


def _record_identifiers(record: _Record) -> list[Identifier]:
    v = record.values
    found = [
        identifier_row(person_id=None, kind=kind, value=v[kind])
        for kind in NATIONAL_IDENTIFIERS
        if v.get(kind)
    ]
    for local in v.get("local_ids") or []:
        name, _, value = local.partition(":")
        found.append(
            identifier_row(
                person_id=None,
                kind=IdentifierKind.LOCAL,
                value=f"{name} {value}",
                issuing_agency_id=record.agency_id,
            )
        )
    return found


def _held_identifiers(candidates: Iterable[Identifier]) -> set[tuple[str, int | None, str]]:
    """Which of these identifiers some person already holds (they are unique in the partnership)."""
    values = {i.value_normalised for i in candidates}
    held: set[tuple[str, int | None, str]] = set()
    for chunk in _chunks(sorted(values)):
        held.update(
            Identifier.objects.filter(value_normalised__in=chunk).values_list(
                "kind", "issuing_agency_id", "value_normalised"
            )
        )
    return held


def _people_enrich(groups: dict[int, list[_Record]], *, new: bool = False) -> None:
    """Give people the names, identifiers and (if they have none) the latest address their records hold,
    leaving out what they already have. An identifier another person already holds is left with its
    holder: it is unique, and the records' disagreement is for review, not for a silent move."""
    if not groups:
        return
    names_held: dict[int, set[tuple[str, str]]] = defaultdict(set)
    addressed: set[int] = set()
    if new:
        for pk in groups:
            names_held[pk] = set()
    for chunk in _chunks(groups):
        for pid, first, last in PersonName.objects.filter(person_id__in=chunk).values_list(
            "person_id", "first_name", "last_name"
        ):
            names_held[pid].add((first.lower(), last.lower()))
        if not new:
            addressed.update(Address.objects.filter(person_id__in=chunk).values_list("person_id", flat=True))
    candidates = {
        pid: [i for r in records for i in _record_identifiers(r)] for pid, records in groups.items()
    }
    held = _held_identifiers(i for ids in candidates.values() for i in ids)
    names: list[PersonName] = []
    identifiers: list[Identifier] = []
    addresses: list[Address] = []
    for pid, records in groups.items():
        seen = names_held[pid]
        for first, last in (n for r in records for n in _record_names(r)):
            if (first.lower(), last.lower()) not in seen:
                seen.add((first.lower(), last.lower()))
                names.append(
                    person_name_row(person_id=pid, kind=NameKind.ALIAS, first_name=first, last_name=last)
                )
        for identifier in candidates[pid]:
            key = (identifier.kind, identifier.issuing_agency_id, identifier.value_normalised)
            if identifier.value_normalised and key not in held:
                held.add(key)
                identifier.person_id = pid
                identifiers.append(identifier)
        if pid not in addressed:
            latest = next(
                (
                    r
                    for r in sorted(records, key=lambda r: (r.updated_at, r.pk), reverse=True)
                    if r.values.get("street") or r.values.get("house_number") or r.values.get("postcode")
                ),
                None,
            )
            if latest is not None:
                addresses.append(_address(pid, latest))
    PersonName.objects.bulk_create(names, batch_size=IN_CHUNK)
    Identifier.objects.bulk_create(identifiers, batch_size=IN_CHUNK)
    Address.objects.bulk_create(addresses, batch_size=IN_CHUNK)


def _address(pid: int, record: _Record) -> Address:
    """A person's address from a source record: house number and street on the first line, the second line
    with the region and country (a person's address has no fields of its own for them)."""
    v = record.values
    line1 = " ".join(p for p in (v.get("house_number"), v.get("street")) if p)[:200]
    postcode = v.get("postcode") or ""
    line2 = [v.get("address_line_2"), v.get("region"), v.get("country")]
    if len(postcode) > POSTCODE_MAX:
        line2.append(postcode)  # a long foreign postcode is kept on the address, not cut short
        postcode = ""
    return Address(
        person_id=pid,
        line1=line1,
        line2=", ".join(p for p in line2 if p)[:200],
        town=(v.get("locality") or "")[:100],
        postcode=postcode,
        from_date=timezone.localtime(record.updated_at).date(),
        household_key=household_key(line1=line1, postcode=postcode),
    )


def _people_merge(merges: list[tuple[int, int]], *, actor: Actor, run: LinkRun) -> None:
    """Merge each absorbed person into the person kept with `linking.merging.people_merge`: everything
    attached to the absorbed person moves (not only what linkage gave them), and the merge is recorded, so a
    reviewer can undo it. The source records have moved already: the absorbed person's, read from their links
    before this run, are named on the merge so an undo moves them back. Families are worked out again after
    the run (linking.tasks), each kept person's scores in the background."""
    for absorbed, kept in merges:
        people = Person.objects.in_bulk([absorbed, kept])
        target = people[kept]
        seen = {absorbed}
        while (
            target.merged_into_id is not None and target.pk not in seen
        ):  # kept was absorbed earlier in the run
            seen.add(target.pk)
            target = Person.objects.get(pk=target.merged_into_id)
        if people[absorbed].merged_into_id is not None or target.pk == absorbed:
            continue
        carried = sorted(
            RecordLink.objects.filter(person_id=absorbed).values_list("source_record_id", flat=True)
        )
        people_merge(
            actor=actor,
            absorbed=people[absorbed],
            kept=target,
            reason=f"Record linkage, run {run.pk}",
            run_id=run.pk,
            refresh=False,
            carried={"imports.sourcerecord.person": carried},
        )


def _involvements_reconcile(
    people: set[int], assigned: dict[int, int], records: dict[int, _Record], *, actor: Actor
) -> None:
    """Access follows the data: an agency holding a record of a person has a current involvement with
    them ("Record in <agency> extract"); one that no longer holds any sees that involvement end today."""
    if not people:
        return
    wanted: dict[tuple[int, int], str] = {}
    for pk, person in assigned.items():
        if person in people:
            record = records[pk]
            wanted.setdefault((person, record.agency_id), link_reason(record.agency_name))
    current: dict[tuple[int, int], list[int]] = defaultdict(list)
    for chunk in _chunks(sorted(people)):
        for pk, person, agency in Involvement.objects.filter(
            person_id__in=chunk,
            end_date__isnull=True,
            reason__startswith=LINK_REASON_PREFIX,
            reason__endswith=LINK_REASON_SUFFIX,
        ).values_list("pk", "person_id", "agency_id"):
            current[(person, agency)].append(pk)
    today = timezone.localdate()
    # Merged people bring their own involvement: keep one per agency.
    stale = [pk for key, pks in current.items() for pk in (pks if key not in wanted else pks[1:])]
    for chunk in _chunks(stale):
        Involvement.objects.filter(pk__in=chunk, start_date__lte=today).update(end_date=today)
    copy_rows(
        Involvement,
        ["person", "agency", "reason", "start_date"],
        (
            (person, agency, reason, today)
            for (person, agency), reason in wanted.items()
            if (person, agency) not in current
        ),
    )


def _declared_relationships_write() -> int:
    """Relationships the extracts declare, between the people their records are now linked to.

    A record names a related record in the same agency's extracts and what that person is to this one; both
    directions are stored, with the agency as the source. Idempotent: existing relationships are kept, so
    every run can write them all (a merge or a new link simply adds the ones now known)."""
    declared = list(
        SourceRecord.objects.exclude(related_record_id="")
        .filter(person__isnull=False)
        .values_list("agency_id", "person_id", "related_record_id", "relationship")
    )
    if not declared:
        return 0
    wanted = {(agency, related) for agency, _, related, _ in declared}
    person_of_record: dict[tuple[int, str], int] = {}
    for chunk in _chunks(sorted({related for _, related in wanted})):
        for agency, record_id, person in SourceRecord.objects.filter(
            record_id__in=chunk, person__isnull=False
        ).values_list("agency_id", "record_id", "person_id"):
            if (agency, record_id) in wanted:
                person_of_record[(agency, record_id)] = person
    rows = []
    for agency, person, related_record, kind in declared:
        related = person_of_record.get((agency, related_record))
        if related is None or related == person:
            continue  # the related record has not arrived yet, or both records turned out to be one person
        rows.append(
            Relationship(person_id=person, related_person_id=related, kind=kind, source_agency_id=agency)
        )
        rows.append(
            Relationship(
                person_id=related,
                related_person_id=person,
                kind=INVERSE_RELATIONSHIP[RelationshipKind(kind)],
                source_agency_id=agency,
            )
        )
    Relationship.objects.bulk_create(rows, ignore_conflicts=True, batch_size=IN_CHUNK)
    return len(rows)


def _links_write(
    run: LinkRun,
    version: LinkageModelVersion,
    rows: list[dict[str, Any]],
    pk_of: dict[tuple[str, str], int],
    person_of: dict[int, int],
    *,
    previous_pks: set[int],
    current: dict[int, int | None],
    assigned: dict[int, int],
    full: bool,
) -> None:
    """One RecordLink per source record. An incremental run rewrites only the links it decided afresh
    (new records, and records that moved): the engine does not score pairs among records already linked."""
    chosen = [
        row
        for row in rows
        if full
        or pk_of[(row["source"], row["record_id"])] not in previous_pks
        or current[pk_of[(row["source"], row["record_id"])]]
        != assigned[pk_of[(row["source"], row["record_id"])]]
    ]
    pks = [pk_of[(row["source"], row["record_id"])] for row in chosen]
    if full:
        RecordLink.objects.all().delete()
    else:
        for chunk in _chunks(pks):
            RecordLink.objects.filter(source_record_id__in=chunk).delete()
    copy_rows(
        RecordLink,
        ["source_record", "person", "match_weight", "outcome", "model_version", "run"],
        (
            (
                pk,
                person_of[int(row["person_id"])],
                None
                if row["match_weight"] is None or row["match_weight"] != row["match_weight"]
                else row["match_weight"],
                row["outcome"],
                version.pk,
                run.pk,
            )
            for pk, row in zip(pks, chosen, strict=True)
        ),
    )


def _agreement_json(agreement: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: {"level": a.level, "weight": a.weight} for name, a in agreement.items()}


def _pairs_write(run: LinkRun, pairs: Sequence[Any], pk_of: dict[tuple[str, str], int]) -> int:
    """Add the pairs sent for review, or refresh those already known (a decided pair stays decided; a
    settled one opens again)."""
    if not pairs:
        return 0
    known = {
        (left, right): pk for pk, left, right in ReviewPair.objects.values_list("pk", "left_id", "right_id")
    }
    fresh: list[ReviewPair] = []
    again: list[ReviewPair] = []
    for pair in pairs:
        left, right = sorted((pk_of[tuple(pair.left)], pk_of[tuple(pair.right)]))
        values = {
            "match_weight": pair.match_weight,
            "match_probability": pair.match_probability,
            "agreement": _agreement_json(pair.agreement),
            "last_seen_run": run,
        }
        if (left, right) in known:
            again.append(ReviewPair(pk=known[(left, right)], **values))
        else:
            fresh.append(ReviewPair(left_id=left, right_id=right, first_seen_run=run, **values))
    ReviewPair.objects.bulk_create(fresh, batch_size=IN_CHUNK)
    ReviewPair.objects.bulk_update(
        again, ["match_weight", "match_probability", "agreement", "last_seen_run"], batch_size=IN_CHUNK
    )
    for chunk in _chunks([p.pk for p in again]):
        ReviewPair.objects.filter(pk__in=chunk, status=PairStatus.SETTLED).update(status=PairStatus.OPEN)
    return len(pairs)


def _log_people(
    actor: Actor,
    run: LinkRun,
    *,
    created: list[int],
    joined: dict[int, int],
    merges: list[tuple[int, int]],
    splits: Sequence[Any],
    pk_of: dict[tuple[str, str], int],
    person_of: dict[int, int],
) -> None:
    """One `combination` entry for each person whose records this run changed."""
    label = "linking.linkrun"
    entries = [
        _log_row(
            actor,
            action=Action.COMBINATION,
            person_id=pid,
            obj_type=label,
            obj_id=run.pk,
            summary=f"Record linkage created person {pid} from agency records",
            detail={"run": run.pk},
        )
        for pid in created
    ]
    for person, pks in _group(joined).items():
        entries.append(
            _log_row(
                actor,
                action=Action.COMBINATION,
                person_id=person,
                obj_type=label,
                obj_id=run.pk,
                summary=f"Record linkage joined {len(pks)} agency record{'s' if len(pks) != 1 else ''} "
                f"to person {person}",
                detail={"run": run.pk, "source_records": sorted(pks)},
            )
        )
    for absorbed, kept in merges:
        for person in (kept, absorbed):
            entries.append(
                _log_row(
                    actor,
                    action=Action.COMBINATION,
                    person_id=person,
                    obj_type=label,
                    obj_id=run.pk,
                    summary=f"Record linkage merged person {absorbed} into {kept}",
                    detail={"run": run.pk, "absorbed": absorbed, "kept": kept},
                )
            )
    for split in splits:
        pk = pk_of[tuple(split.record)]
        moved_to = person_of.get(split.person_id, split.person_id)
        for person in (split.previous_id, moved_to):
            entries.append(
                _log_row(
                    actor,
                    action=Action.COMBINATION,
                    person_id=person,
                    obj_type=label,
                    obj_id=run.pk,
                    summary=f"Record linkage moved source record {pk} from person "
                    f"{split.previous_id} to {moved_to}",
                    detail={"run": run.pk, "source_record": pk},
                )
            )
    log_entries_append(entries)  # chained, as log_access does one by one
