"""The task worker holds a lease on what it runs: a task whose worker was killed runs again in another
worker (or fails, with the reason, after DESIST_TASK_MAX_ATTEMPTS), and a locked SQLite database makes
the worker wait, not exit. Real worker processes, killed with SIGKILL."""

from __future__ import annotations

import signal
import sqlite3
import time
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from desist.linking.models import LinkRun, RunStatus
from desist.linking.tasks import link_records_task
from desist.worker.models import TaskLease
from desist.worker.services import leases_reap, task_failure
from tests.app.worker_process import start_worker, wait_until, worker_env  # noqa: F401 (a fixture)
from tests.app.worker_tasks import wait_for

pytestmark = pytest.mark.postgres


def _status(task_id):
    return DBTaskResult.objects.get(pk=task_id).status


@pytest.mark.django_db(transaction=True)
def test_a_task_whose_worker_is_killed_runs_again_in_the_next_worker(worker_env, tmp_path):  # noqa: F811
    release, started, log = tmp_path / "release", tmp_path / "started", tmp_path / "worker.log"
    result = wait_for.enqueue(release=str(release), started=str(started))
    first = start_worker(worker_env, log=log)
    try:
        wait_until(
            lambda: started.exists() and started.read_text().strip(), what="the first attempt to start"
        )
        wait_until(lambda: TaskLease.objects.filter(task_id=result.id).exists(), what="the lease")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    # Killed mid-task: the library alone leaves it running for ever.
    assert _status(result.id) == TaskResultStatus.RUNNING
    release.touch()
    second = start_worker(worker_env, "--batch", log=log)
    assert second.wait(timeout=120) == 0, log.read_text()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL, log.read_text()
    assert len(row.worker_ids) == 2 and len(started.read_text().split()) == 2
    assert row.return_value == second.pid and not TaskLease.objects.exists()
    assert "lost its worker: retried" in log.read_text()


def _running(task_path, attempts, *, host="elsewhere", expired=True):
    now = timezone.now()
    row = DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [], "kwargs": {}},
        task_path=task_path,
        backend_name="default",
        run_after=now,
        started_at=now - timedelta(minutes=5),
        worker_ids=[f"w{i}" for i in range(attempts)],
    )
    TaskLease.objects.create(
        task_id=row.id,
        worker_id="w",
        host=host,
        pid=1,
        taken_at=now - timedelta(minutes=5),
        renewed_at=now - timedelta(minutes=4),
        expires_at=now + (-timedelta(minutes=2) if expired else timedelta(minutes=2)),
    )
    return row


def test_a_lapsed_lease_is_retried_until_the_attempts_run_out_and_its_linking_run_says_so(db, settings):
    settings.DESIST_TASK_MAX_ATTEMPTS = 3
    held = _running(link_records_task.module_path, 1, expired=False)
    again = _running(link_records_task.module_path, 1)
    spent = _running(link_records_task.module_path, 3)
    LinkRun.objects.create(started_by_name="system", task_id=str(again.id))
    LinkRun.objects.create(started_by_name="system", task_id=str(spent.id))
    # A task claimed but never leased (its worker died at once) lapses after one lease span.
    unleased = DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="x.y",
        backend_name="default",
        run_after=timezone.now(),
        worker_ids=["w"],
        started_at=timezone.now() - timedelta(seconds=settings.DESIST_TASK_LEASE_SECONDS + 1),
    )

    outcomes = dict(leases_reap())
    assert outcomes == {str(again.id): "retried", str(spent.id): "failed", str(unleased.id): "retried"}
    assert _status(held.id) == TaskResultStatus.RUNNING and _status(again.id) == TaskResultStatus.READY
    assert _status(spent.id) == TaskResultStatus.FAILED
    assert "Attempt 3 of 3 stopped: its worker w on elsewhere stopped renewing its lease" in task_failure(
        str(spent.id)
    )
    runs = {run.task_id: run for run in LinkRun.objects.all()}
    assert runs[str(again.id)].status == RunStatus.FAILED and "queued again" in runs[str(again.id)].error
    assert runs[str(spent.id)].status == RunStatus.FAILED and "Not retried" in runs[str(spent.id)].error
    assert list(TaskLease.objects.values_list("task_id", flat=True)) == [held.id]
    assert leases_reap() == []


@pytest.mark.django_db(transaction=True)
def test_the_worker_waits_while_sqlite_is_locked_then_carries_on(worker_env, tmp_path):  # noqa: F811
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's single writer")
    release, started, log = tmp_path / "release", tmp_path / "started", tmp_path / "worker.log"
    release.touch()
    worker = start_worker({**worker_env, "DESIST_SQLITE_TIMEOUT": "1"}, log=log)
    holder = sqlite3.connect(worker_env["DATABASE_URL"].removeprefix("sqlite:///"), timeout=10)
    try:
        wait_until(lambda: "Starting worker" in log.read_text(), what="the worker to start")
        holder.execute("BEGIN IMMEDIATE")  # another writer (a long import) holds the write lock
        wait_until(
            lambda: "database is locked" in log.read_text(), what="the worker to meet the lock", seconds=20
        )
        time.sleep(2)
        assert worker.poll() is None, log.read_text()  # the library's worker exits "database is locked" here
        holder.rollback()
        result = wait_for.enqueue(release=str(release), started=str(started))
        wait_until(
            lambda: _status(result.id) == TaskResultStatus.SUCCESSFUL, what="the task to run", seconds=30
        )
    finally:
        holder.close()
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)


def test_a_failed_tasks_reason_is_its_last_line(db):
    row = DBTaskResult.objects.create(
        status=TaskResultStatus.FAILED,
        args_kwargs={},
        task_path="x.y",
        backend_name="default",
        run_after=timezone.now(),
        traceback="Traceback (most recent call last):\n  ...\nValueError: bad\n",
    )
    assert task_failure(str(row.id)) == "ValueError: bad" and task_failure(str(uuid.uuid4())) == ""
