"""The test database migrated once per run and copied for each test process (tests/conftest.py
`django_db_modify_db_settings`). Migrating from nothing took each xdist worker 30 to 46 s of CPU on each pass
(80-odd migrations; SQLite rebuilds a table for most changes to a column); a copy takes a second or two.

Where the migrated database comes from, first found:

- `DESIST_TEST_MIGRATED_DATABASE`: a database that `manage.py migrate --run-syncdb` made in this run, a file
  on SQLite or a database name in the same PostgreSQL cluster (scripts/test.sh makes both in the background
  beside lint, so no worker waits for a migration). It is only read: copied by `CREATE DATABASE … TEMPLATE`
  or SQLite's backup API. Do not set it by hand to a database older than the migrations.
- Otherwise the first process of the run to set up its test database migrates it as Django does and leaves a
  copy in the run's shared folder (a database of its own on PostgreSQL, a file on SQLite); every other process
  waits for that and copies it. The last process to leave drops the copy.

`--reuse-db` (keepdb) is left to Django: the database kept from an earlier run is migrated in place.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from tests.demo_database import DemoDatabase, _copy_database, _locked

MIGRATED_DATABASE_ENV = "DESIST_TEST_MIGRATED_DATABASE"


@contextmanager
def migrate_once(folder: Path, unblock: Callable[[], AbstractContextManager[Any]]) -> Iterator[None]:
    """While this is open, the default database's test database is made as a copy of a migrated one (see the
    module's docstring), in this process's `setup_databases`. `unblock` is pytest-django's
    `django_db_blocker.unblock`, for dropping the run's copy at the end."""
    from django.db import connections

    connection = connections["default"]
    creation = connection.creation
    django_create_test_db = creation.create_test_db
    folder.mkdir(parents=True, exist_ok=True)
    using = folder / f"{os.getpid()}.using"
    given = os.environ.get(MIGRATED_DATABASE_ENV, "")

    def create_test_db(
        verbosity: int = 1, autoclobber: bool = False, serialize: bool = True, keepdb: bool = False
    ) -> str:
        if keepdb:
            return django_create_test_db(verbosity, autoclobber, serialize, keepdb)
        if given:
            return _copy_into_test_database(connection, given, serialize)
        with _locked(folder):
            shared = folder / "migrated.json"
            if shared.exists():
                using.touch()
                return _copy_into_test_database(connection, json.loads(shared.read_text())["name"], serialize)
            name = django_create_test_db(verbosity, autoclobber, serialize, keepdb)
            if connection.vendor == "postgresql":
                copy = f"{name}_migrated"
                connection.close()  # PostgreSQL copies only a database nobody is connected to
                _copy_database("postgresql", name, copy)
            else:
                # From this connection: the test database is in memory, and lives only while it is open.
                copy = str(folder / "migrated.sqlite3")
                connection.ensure_connection()
                target = sqlite3.connect(copy)
                try:
                    connection.connection.backup(target)
                finally:
                    target.close()
            using.touch()
            shared.write_text(json.dumps({"name": copy}))
            return name

    creation.create_test_db = create_test_db  # type: ignore[method-assign]
    try:
        yield
    finally:
        del creation.create_test_db  # the class's own again
        with _locked(folder), unblock():
            using.unlink(missing_ok=True)
            shared = folder / "migrated.json"
            if shared.exists() and not any(folder.glob("*.using")):
                DemoDatabase(json.loads(shared.read_text())["name"], connection.vendor).drop()
                shared.unlink()


def _copy_into_test_database(connection: Any, source: str, serialize: bool) -> str:
    """What Django's `create_test_db` does, with a copy of `source` where it migrates."""
    from django.conf import settings

    creation = connection.creation
    name = creation._get_test_db_name()
    if connection.vendor == "postgresql":
        _copy_database("postgresql", source, name)
    elif connection.vendor == "sqlite":
        if not os.path.exists(source):
            raise FileNotFoundError(f"{MIGRATED_DATABASE_ENV}: no SQLite file {source}")
        if not creation.is_in_memory_db(name):
            creation._create_test_db(0, autoclobber=True)  # removes an old file
    else:
        raise NotImplementedError(connection.vendor)
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        # Into this connection: an in-memory database lives only while a connection to it is open.
        origin = sqlite3.connect(source)
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
    if serialize:
        connection._test_serialized_contents = creation.serialize_db_to_string()
    return name
