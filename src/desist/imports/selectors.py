"""Reads for agency extracts: who may import for which agency, saved mappings, import history, and
the stored source records as one Arrow table for record linkage."""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa
from django.conf import settings
from django.db.models import QuerySet

from desist.audit.context import Actor
from desist.core.linkage.fields import IDENTIFIER_KINDS
from desist.imports.models import ColumnMapping, ImportBatch, SourceRecord, Upload
from desist.partnership.models import Agency


def import_agencies(actor: Actor) -> QuerySet[Agency]:
    """The agencies the user may import extracts for: those where they hold an active membership in
    one of DESIST_IMPORT_ROLES. Other roles, and users without a membership, import for none."""
    if actor.user is None:
        return Agency.objects.none()
    return Agency.objects.filter(memberships__user_id=actor.user_id, memberships__is_active=True,
                                 memberships__role__in=settings.DESIST_IMPORT_ROLES).distinct()


def can_import(actor: Actor) -> bool:
    """Whether the user may import for at least one agency (from the actor's roles: no query)."""
    return bool(actor.roles & set(settings.DESIST_IMPORT_ROLES))


def current_mapping(agency: Agency, name: str = "default") -> ColumnMapping | None:
    """The latest saved version of the agency's named mapping."""
    return ColumnMapping.objects.filter(agency=agency, name=name).order_by("-version").first()


def batch_history(agencies: Iterable[Agency] | QuerySet[Agency]) -> QuerySet[ImportBatch]:
    """The agencies' imported files, newest first, with what they did."""
    return (ImportBatch.objects.filter(agency__in=agencies)
            .select_related("agency", "mapping").order_by("-imported_at", "-pk"))


def pending_uploads(actor: Actor, agencies: Iterable[Agency] | QuerySet[Agency]) -> QuerySet[Upload]:
    """Files this user uploaded and has not imported yet."""
    return (Upload.objects.filter(agency__in=agencies, uploaded_by_id=actor.user_id)
            .select_related("agency").defer("content").order_by("-uploaded_at"))


# The columns record linkage reads, in the field vocabulary of desist.core.linkage.fields.
TABLE_FIELDS = (
    "id", "agency__code", "record_id", "first_name", "middle_names", "last_name", "alias_first_name",
    "alias_last_name", "date_of_birth", "sex", "street", "locality", "postcode", *IDENTIFIER_KINDS, "person_id",
    "local_identifiers",
)
_TABLE_SCHEMA = pa.schema(
    [("source_record_id", pa.int64()), ("source", pa.string()), ("record_id", pa.string())]
    + [(name, pa.string()) for name in TABLE_FIELDS[3:8]]
    + [("date_of_birth", pa.date32())]
    + [(name, pa.string()) for name in ("sex", "street", "locality", "postcode", *IDENTIFIER_KINDS)]
    + [("person_id", pa.int64()), ("local_ids", pa.list_(pa.string()))]
)


def source_records_table(*, agency_ids: Iterable[int] | None = None) -> pa.Table:
    """Every stored source record (or those of some agencies) as an Arrow table, in one query.

    The columns are those docs/linkage.md asks for: `source` is the agency code, empty text values are
    nulls, and local identifiers are `local_ids` entries "<name>:<value>"."""
    records = SourceRecord.objects.all()
    if agency_ids is not None:
        records = records.filter(agency_id__in=list(agency_ids))
    rows = list(records.order_by("pk").values_list(*TABLE_FIELDS))
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in TABLE_FIELDS]
    arrays = []
    for values, column in zip(columns, _TABLE_SCHEMA, strict=True):
        if column.type == pa.string():
            values = tuple(v or None for v in values)
        elif column.name == "local_ids":
            values = tuple([f"{k}:{v}" for k, v in sorted(ids.items())] for ids in values)
        arrays.append(pa.array(values, type=column.type))
    return pa.Table.from_arrays(arrays, schema=_TABLE_SCHEMA)
