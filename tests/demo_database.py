"""The small demo partnership in a database of its own, built once per run and copied for each test process,
for the crawl's tests (tests/app/test_crawl.py, tests/browser/test_crawl_axe.py), and `share`, for a whole
checked across tests that xdist runs in different processes. The fixtures are in tests/conftest.py."""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.crawl import build_demo


def demo_users() -> list[Any]:
    """The demo users, by username."""
    from django.contrib.auth.models import User

    return list(User.objects.filter(username__startswith="demo.").order_by("username"))


def demo_usernames() -> list[str]:
    """The demo's logins, as the demo makes them (known before it is built: the crawl has a test for each)."""
    from desist.demo.services import ADMIN_LOGIN, DEMO_LOGINS

    return sorted({username for username, *_ in DEMO_LOGINS} | {ADMIN_LOGIN})


class DemoDatabase:
    """A database of its own beside the test database, for the small demo partnership: built once per run
    (`share_builds`; each xdist worker has its own copy) and committed, so the crawl's tests share one build
    and PostgreSQL's planner has the statistics of the loaded tables (ANALYZE inside a test's transaction left
    it guessing). Made as a copy of the freshly migrated test database (the schema and the migrations' rows),
    before any test ran. `in_use()` points the default connection at it (on PostgreSQL for every thread, so a
    live server serves it too); `copy()` makes another database from it (PostgreSQL only)."""

    def __init__(self, name: str, vendor: str) -> None:
        self.name = name
        self.vendor = vendor
        self.users: list[str] = []
        self.output = ""  # what the build printed (the logins and their passwords, the linkage's figures)
        self.built = False
        self.failure: Exception | None = None
        self.memo: dict[str, Any] = {}  # results worked out once per process (the axe sample)
        self.copies: list[DemoDatabase] = []
        self.run_folder: Path | None = None  # set by `share_builds`

    @classmethod
    def from_test_database(cls, suffix: str, directory: Any) -> DemoDatabase:
        import sqlite3

        from django.db import connection

        if connection.vendor == "postgresql":
            database = cls(f"{connection.settings_dict['NAME']}_{suffix}", "postgresql")
            connection.close()
            _pg_create(database.name, template=connection.settings_dict["NAME"])
            return database
        if connection.vendor != "sqlite":
            raise NotImplementedError(connection.vendor)
        database = cls(str(directory / f"{suffix}.sqlite3"), "sqlite")
        connection.ensure_connection()
        target = sqlite3.connect(database.name)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return database

    def copy(self, suffix: str) -> DemoDatabase:
        """Another database, copied from this one as it is now (PostgreSQL)."""
        if self.vendor != "postgresql":
            raise NotImplementedError("copies of the demo database are made on PostgreSQL only")
        other = DemoDatabase(f"{self.name}_{suffix}", self.vendor)
        _pg_create(other.name, template=self.name)
        self.copies.append(other)
        other.users, other.output, other.built = list(self.users), self.output, self.built
        return other

    def share_builds(self, folder: Path) -> None:
        """Build the demo once per run, not once per process: the first process to need it builds it and
        leaves a copy in the run's `folder` (a database of its own on PostgreSQL, a file on SQLite); every
        other process copies that (`CREATE DATABASE … TEMPLATE`, SQLite's backup API) in a second or two,
        waiting for the build if it is still under way (on two cores a second build at the same time would
        only halve the speed of both). The copy is dropped by the last process of the run to leave
        (`leave_shared_build`)."""
        self.run_folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{os.getpid()}.using").touch()

    def build(self) -> None:
        if self.built:
            return
        if self.failure is not None:
            # A failed build fails every test that needs it at once, rather than being tried again by each.
            raise RuntimeError("the small demo failed to build earlier in this process") from self.failure
        try:
            self._build_or_copy()
        except Exception as failure:
            self.failure = failure
            raise

    def _build_or_copy(self) -> None:
        if self.run_folder is None:
            self._build_here()
            return
        with _locked(self.run_folder):
            shared = self.run_folder / "demo.json"
            if shared.exists():
                made = json.loads(shared.read_text())
                _copy_database(self.vendor, made["name"], self.name)
                self.users, self.output, self.built = made["users"], made["output"], True
                return
            self._build_here()
            copy = (
                f"{self.name}_run" if self.vendor == "postgresql" else str(self.run_folder / "demo.sqlite3")
            )
            _copy_database(self.vendor, self.name, copy)
            shared.write_text(json.dumps({"name": copy, "users": self.users, "output": self.output}))

    def leave_shared_build(self) -> None:
        """This process is done with the run's demo: the last to leave drops it."""
        if self.run_folder is None:
            return
        with _locked(self.run_folder):
            (self.run_folder / f"{os.getpid()}.using").unlink(missing_ok=True)
            shared = self.run_folder / "demo.json"
            if shared.exists() and not any(self.run_folder.glob("*.using")):
                DemoDatabase(json.loads(shared.read_text())["name"], self.vendor).drop()
                shared.unlink()

    def _build_here(self) -> None:
        from django.test import override_settings

        if not self.built:
            # The demo users' passwords are never typed here: a fast hasher spares some 0.4 s a user.
            fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
            with self.in_use(), fast:
                from django.db import connection, transaction

                # In one transaction, as in a test: committing each of the build's writes made it several
                # times slower. What the build leaves for after the commit (tasks for a worker) is dropped,
                # as a test's transaction drops it; then the planner gets the loaded tables' statistics.
                with transaction.atomic():
                    users, self.output = build_demo()
                    self.users = [user.username for user in users]
                    connection.run_on_commit.clear()
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("ANALYZE")
            self.built = True

    def in_use(self, *, every_thread: bool = False) -> Any:
        """Point the default connection at this database, in this thread (the test's own transaction on the
        test database, if it has one, is left as it is) or, with `every_thread`, in every thread, so that a
        live server serves it too (PostgreSQL, and only in a test with no transaction of its own: a
        transactional or live-server test)."""
        from django.db import connections

        @contextmanager
        def this_thread() -> Iterator[None]:
            # Another connection for this thread; the test database's stays open (SQLite's test database
            # is in memory and lives only while its connection does).
            original = connections["default"]
            wrapper = type(original)({**original.settings_dict, "NAME": self.name}, original.alias)
            connections[original.alias] = wrapper
            try:
                yield
            finally:
                wrapper.close()
                connections[original.alias] = original

        @contextmanager
        def every() -> Iterator[None]:
            if self.vendor != "postgresql":
                raise NotImplementedError("a live server serves the demo database on PostgreSQL only")
            original = connections["default"]
            if original.in_atomic_block:
                raise RuntimeError("every_thread needs a test without a transaction of its own")
            original.close()
            test_name = original.settings_dict["NAME"]
            # The settings every thread's connections are made from.
            original.settings_dict["NAME"] = self.name
            try:
                yield
            finally:
                original.close()
                original.settings_dict["NAME"] = test_name

        return every() if every_thread else this_thread()

    def drop(self) -> None:
        if self.vendor == "postgresql":
            _pg_execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        elif os.path.exists(self.name):
            os.remove(self.name)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    with open(folder / ".demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _copy_database(vendor: str, source: str, target: str) -> None:
    """A copy of the database `source` (a name on PostgreSQL, a file on SQLite) as `target`, replacing it.
    Nothing may be connected to `source` on PostgreSQL."""
    import sqlite3

    if vendor == "postgresql":
        _pg_create(target, template=source)
        return
    source_connection, target_connection = sqlite3.connect(source), sqlite3.connect(target)
    try:
        source_connection.backup(target_connection)
    finally:
        source_connection.close()
        target_connection.close()


def _pg_execute(sql: str) -> None:
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        cursor.execute(sql)


def _pg_create(name: str, *, template: str) -> None:
    """CREATE DATABASE … TEMPLATE. PostgreSQL refuses to copy a database others are connected to: the caller
    closes this process's connection to the template; a live server's threads close theirs after each
    request."""
    from django.db import OperationalError
    from django.db.utils import ProgrammingError

    _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    for attempt in range(20):
        try:
            _pg_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            return
        except (OperationalError, ProgrammingError):
            if attempt == 19:
                raise
            time.sleep(0.5)


def share(directory: Any, name: str, expected: Iterable[str], payload: Any) -> dict[str, Any] | None:
    """Keep one test's part of a whole (`payload`, under `name`) in `directory`, which every process of the
    run (every xdist worker) sees. The test that hands in the last of the `expected` parts gets every part,
    to check the whole; the others (and every test of a run that leaves some parts out, such as `-k`) get
    None."""
    import fcntl
    import pickle
    from pathlib import Path

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        (folder / f"{name}.part").write_bytes(pickle.dumps(payload))
        parts = {path.stem: path for path in folder.glob("*.part")}
        done = folder / ".done"
        if done.exists() or not set(expected) <= set(parts):
            return None
        done.touch()
        # The parts are this run's own, written just now by its tests.
        return {key: pickle.loads(path.read_bytes()) for key, path in sorted(parts.items())}  # noqa: S301
