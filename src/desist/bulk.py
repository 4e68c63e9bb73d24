"""Fast inserts for bulk work (the demo load, whole-partnership recalculations): COPY on PostgreSQL,
executemany on SQLite. Values go in as parameters; table and column names come from the model."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection, models

BATCH = 5000


def _chunks(rows: Iterable[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, BATCH)):
        yield chunk


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    column = field.column if isinstance(field, models.Field) else None
    if column is None:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return column


def copy_rows(model: type[models.Model], fields: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert tuples whose values follow `fields` (model field names); returns how many went in."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(_column(model, f)) for f in fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
            for batch in _chunks(rows):
                cursor.executemany(sql, batch)
                count += len(batch)
    return count
