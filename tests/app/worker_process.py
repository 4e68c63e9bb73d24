"""Run the real task worker (`manage.py db_worker`) as a separate process against the test database.

On PostgreSQL the process opens the test database itself. SQLite's test database lives in memory, which
another process cannot open, so it is copied to a file (VACUUM INTO) and this test's connection is
pointed at the file too; the in-memory one is kept open meanwhile and restored afterwards.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker_env(transactional_db: Any, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment for a worker process that shares this test's (committed) database."""
    from django.db import connection
    from django.db.backends.base.base import BaseDatabaseWrapper

    settings_dict = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DESIST_TASK_LEASE_SECONDS": "2",
        "DESIST_TASK_REAP_SECONDS": "1",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}",
    }
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = (
            f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD']}@{settings_dict['HOST']}:"
            f"{settings_dict['PORT']}/{settings_dict['NAME']}"
        )
        yield env
        return
    memory = settings_dict["NAME"]
    file = tmp_path / "worker.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(file)])
    keeper = sqlite3.connect(memory, uri=True)  # the in-memory test database lives while a connection does
    BaseDatabaseWrapper.close(connection)  # Django's SQLite close() keeps an in-memory connection open
    settings_dict["NAME"] = str(file)
    env["DATABASE_URL"] = f"sqlite:///{file}"
    try:
        yield env
    finally:
        connection.close()
        settings_dict["NAME"] = memory
        connection.connect()
        keeper.close()


def start_worker(env: dict[str, str], *args: str, log: Path) -> subprocess.Popen[bytes]:
    """Start `manage.py db_worker` (desist's, with leases) in its own process."""
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603 (our own manage.py)
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-startup-delay",
                "--interval",
                "0.2",
                "-v",
                "2",
                *args,
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_until(condition: Callable[[], Any], *, seconds: float = 60, what: str = "") -> Any:
    """Poll `condition` until it is true; fail the test after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what or condition}")
