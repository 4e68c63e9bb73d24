"""Shared fixtures. Django is imported inside fixtures only, so the analytics-core tests (tests/core)
also run without Django (`pytest -p no:django tests/core`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_DEMO_DATABASE = pytest.StashKey[Any]()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """`--dist loadgroup` (scripts/test.sh) keeps the tests of an xdist_group on one worker by adding
    "@group" to their node ids in each worker. pytest-xdist does that by setting `item._nodeid`, which pytest
    9.2 no longer reads (pytest-dev/pytest-xdist#1386): the accessibility crawl's shards were spread over
    both workers and each worker found the crawl's pages. This sets the id as pytest 9.2 keeps it."""
    if not (hasattr(config, "workerinput") and config.getvalue("loadgroup")):
        return
    for item in items:
        marks = item.iter_markers("xdist_group")
        groups = sorted(
            {str(mark.args[0] if mark.args else mark.kwargs.get("name", "default")) for mark in marks}
        )
        suffix = "@" + "_".join(groups)
        if not groups or item.nodeid.endswith(suffix):
            continue  # not grouped, or pytest-xdist's own suffix took effect (pytest before 9.2)
        from _pytest.nodeid import coerce_node_id

        item._id = coerce_node_id(item.nodeid + suffix)
    # The groups first: xdist hands out work in collection order, and a group is one long unit of work (the
    # accessibility crawl's shards, 2 to 3 minutes; the Spark tests). Started last, it kept one worker busy
    # while the other had nothing left to do.
    items.sort(key=lambda item: not any(True for _ in item.iter_markers("xdist_group")))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, shared_folder: Path, django_db_blocker: Any
) -> Iterator[None]:
    """Just before pytest-django sets up the test database: it is made as a copy of one migrated once per run
    (tests/migrated_database.py), not migrated again in every test process."""
    from tests.migrated_database import migrate_once

    with migrate_once(shared_folder / "migrated", django_db_blocker.unblock):
        yield


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any, shared_folder: Path, request: Any
) -> Iterator[None]:
    """pytest-django's test database, and beside it a copy of it as migrations left it, for the small demo
    partnership that the crawl's tests share (`demo_database`), built once per run."""
    from tests.demo_database import DemoDatabase

    with django_db_blocker.unblock():
        demo = DemoDatabase.from_test_database("demo", tmp_path_factory.mktemp("demo"))
    demo.share_builds(shared_folder / "demo")
    request.config.stash[_DEMO_DATABASE] = demo
    yield
    with django_db_blocker.unblock():
        for database in [*demo.copies, demo]:
            database.drop()
        demo.leave_shared_build()


@pytest.fixture
def demo_database(django_db_setup: None, django_db_blocker: Any, request: Any) -> Iterator[Any]:
    """The small demo partnership (tests/crawl.py), built and committed once per run in its own database
    (tests/demo_database.py) and copied for each test process, with database access for the test. The test
    points the default connection at it with `demo_database.in_use()`; other tests never see it."""
    demo = request.config.stash[_DEMO_DATABASE]
    with django_db_blocker.unblock():
        demo.build()
        yield demo


@pytest.fixture
def small_demo(demo_database: Any) -> Iterator[Any]:
    """The small demo partnership (tests/crawl.py: 1,000 people, seed 7, as of the day it was built), for this
    test only: the default connection points at it, and what the test changes is rolled back. Every test that
    reads a built demo uses this one build (a build of its own cost a test 10 to 35 s, on each pass)."""
    from django.db import transaction

    with demo_database.in_use(), transaction.atomic():
        yield demo_database
        transaction.set_rollback(True)


@pytest.fixture(scope="session")
def shared_folder(tmp_path_factory: Any, request: Any) -> Path:
    """A folder of this test run that every xdist worker sees (for tests/demo_database.py `share`)."""
    import uuid

    base = tmp_path_factory.getbasetemp()
    workerinput = getattr(request.config, "workerinput", None)
    if workerinput is None:
        return Path(base) / f"shared-{uuid.uuid4().hex}"
    # Each worker's base folder is inside the controller's, which is this run's own.
    return Path(base).parent / f"shared-{workerinput['testrunuid']}"


@pytest.fixture
def partnership(db: Any) -> Any:
    """Two districts and one agency of each kind that the access tests need."""
    from tests.app.builders import Partnership

    return Partnership.create()


def _set_access_log_protection(enabled: bool) -> None:
    """Switch the access log's append-only triggers on or off, for the test database only.

    Transactional tests (the browser tests) empty every table afterwards; the triggers would rightly
    refuse that, so they are lifted just for the flush and restored before the next test.
    """
    import importlib

    from django.db import connection

    migration = importlib.import_module("desist.audit.migrations.0002_access_log_append_only")
    # A trimmed log's checkpoints are append-only too; 0004 lets a delete through where one covers it.
    checkpoints = importlib.import_module("desist.audit.migrations.0004_access_log_checkpoint")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in (migration.TABLE, checkpoints.CHECKPOINTS):
                cursor.execute(f"ALTER TABLE {table} {'ENABLE' if enabled else 'DISABLE'} TRIGGER USER")
        elif connection.vendor == "sqlite":
            dropped = migration.SQLITE_DOWN + checkpoints.SQLITE_DROP
            for statement in dropped + (migration.SQLITE_UP + checkpoints.SQLITE_UP if enabled else []):
                cursor.execute(statement)


def _default_schedule_after_a_flush(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """A transactional test (the browser tests, the worker's) empties every table when it ends, then Django
    sends post_migrate, as after a migration. The one table a migration fills, the retention schedule
    (retention/migrations/0002 and 0003), is filled again here when it is empty, so a later test in the same
    process finds the defaults a migrated database has (a test of the access log's trimming failed without
    them when it ran after a browser test)."""
    if getattr(sender, "label", None) != "retention":
        return
    import importlib

    from django.apps import apps

    rules = apps.get_model("retention", "RetentionRule")
    if rules.objects.using(using).exists():
        return
    importlib.import_module("desist.retention.migrations.0002_default_schedule").add(apps, None)
    importlib.import_module("desist.retention.migrations.0003_access_log_rule_trims").forwards(apps, None)


@pytest.fixture(autouse=True)
def _access_log_flushable(request: Any) -> Any:
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        yield
        return
    request.getfixturevalue("transactional_db")
    from django.db.models.signals import post_migrate

    # Connected once (dispatch_uid), before the first flush.
    post_migrate.connect(_default_schedule_after_a_flush, dispatch_uid="tests-default-retention-schedule")
    _set_access_log_protection(True)
    yield
    _set_access_log_protection(False)


@pytest.fixture(autouse=True)
def _nothing_cached_from_another_test(request: Any) -> None:
    """Each test starts with Django's cache empty: the board keeps its live basket there for a few minutes,
    and a basket worked out in one test (the crawl's demo) was read by the next test's board in the same
    process."""
    if request.node.path.is_relative_to(Path(__file__).parent / "core"):
        return  # the analytics core's tests run without Django
    from django.core.cache import cache

    cache.clear()


TEST_PURPOSE = "case_management"


@pytest.fixture(autouse=True)
def _signing_in_states_a_purpose(request: Any, monkeypatch: Any) -> None:
    """A session states its purpose before it sees person data (issue 10, item 8). Signing in with the test
    client does that too, as a user would on the purpose page, so tests land on the page they ask for.
    Tests of the purpose page itself are marked `purpose_unstated`."""
    if request.node.get_closest_marker("purpose_unstated"):
        return
    from django.test.client import ClientMixin

    def stating(original: Any) -> Any:
        def sign_in(self: Any, *args: Any, **kwargs: Any) -> Any:
            result = original(self, *args, **kwargs)
            if result is not False:
                session = self.session
                session["purpose"] = TEST_PURPOSE
                session.save()
            return result

        return sign_in

    monkeypatch.setattr(ClientMixin, "force_login", stating(ClientMixin.force_login))
    monkeypatch.setattr(ClientMixin, "login", stating(ClientMixin.login))
