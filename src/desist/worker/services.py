"""Leases on running tasks: take, renew, release, and reap the lapsed ones.

A worker takes a lease when it starts a task and renews it every DESIST_TASK_LEASE_SECONDS / 4 while the
task runs. A lease lapses when it is not renewed in time, or at once when its worker ran on this machine
and that process is gone. `leases_reap` puts a lapsed task back in the queue, or marks it failed after
DESIST_TASK_MAX_ATTEMPTS attempts, and tells the task's own code (`on_lapse`) so it can say so on its pages.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import OperationalError, close_old_connections, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import is_locked_database_exception

from desist.worker.models import TaskLease

logger = logging.getLogger("desist.worker")
HOST = socket.gethostname()[:255]
T = TypeVar("T")

# Task path -> what to do when a task of that kind lapses: handler(task_id, retried, reason).
_LAPSE_HANDLERS: dict[str, Callable[[str, bool, str], None]] = {}


class LeaseLapsed(Exception):
    """Stored as a task's failure when its worker stopped and it ran out of attempts."""


def on_lapse(
    task_path: str,
) -> Callable[[Callable[[str, bool, str], None]], Callable[[str, bool, str], None]]:
    """Register what a kind of task does when a lapsed lease ends an attempt (e.g. mark its run failed)."""

    def register(handler: Callable[[str, bool, str], None]) -> Callable[[str, bool, str], None]:
        _LAPSE_HANDLERS[task_path] = handler
        return handler

    return register


def when_unlocked(
    action: Callable[[], T], *, what: str, stop: Callable[[], bool] = lambda: False
) -> T | None:
    """Run `action`, waiting and trying again while SQLite says the database is locked (another
    connection holds the write lock past the busy timeout). Returns None if `stop()` says give up."""
    delay = 0.5
    while True:
        try:
            return action()
        except OperationalError as error:
            if not is_locked_database_exception(error):
                raise
            logger.warning("The database is locked (%s); waiting %.1f s and trying again.", what, delay)
            close_old_connections()
            if stop():
                return None
            time.sleep(delay)
            delay = min(delay * 2, 10.0)


def _lease_span() -> timedelta:
    return timedelta(seconds=settings.DESIST_TASK_LEASE_SECONDS)


def lease_take(*, task_id: Any, worker_id: str) -> TaskLease:
    """Record that this worker process runs the task, until the lease expires unrenewed."""
    now = timezone.now()
    lease, _ = TaskLease.objects.update_or_create(
        task_id=task_id,
        defaults={
            "worker_id": worker_id[:64],
            "host": HOST,
            "pid": os.getpid(),
            "taken_at": now,
            "renewed_at": now,
            "expires_at": now + _lease_span(),
        },
    )
    return lease


def lease_renew(*, task_id: Any) -> bool:
    """Push the lease's expiry on; False when the lease is gone (reaped: the task is no longer ours)."""
    now = timezone.now()
    return (
        TaskLease.objects.filter(task_id=task_id, pid=os.getpid(), host=HOST).update(
            renewed_at=now, expires_at=now + _lease_span()
        )
        == 1
    )


def lease_release(*, task_id: Any) -> None:
    """Drop the lease once the task's result is recorded."""
    TaskLease.objects.filter(task_id=task_id).delete()


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, another user's
    return False


def _lapsed(result: DBTaskResult, lease: TaskLease | None, now: datetime) -> str:
    """Why the task's attempt has ended without its worker ('' while it is still held)."""
    if lease is None:
        # Claimed but never leased (killed in between, or run by a worker without leases).
        started = result.started_at or result.enqueued_at
        return (
            f"it was claimed at {started:%H:%M:%S} and never leased" if started < now - _lease_span() else ""
        )
    if lease.host == HOST and lease.pid != os.getpid() and _process_gone(lease.pid):
        return f"its worker (process {lease.pid} on {HOST}) has stopped"
    if lease.expires_at < now:
        return (
            f"its worker {lease.worker_id} on {lease.host} stopped renewing its lease at "
            f"{lease.renewed_at:%H:%M:%S}"
        )
    return ""


def leases_reap() -> list[tuple[str, str]]:
    """Put every running task whose lease lapsed back in the queue, or mark it failed when it has had
    DESIST_TASK_MAX_ATTEMPTS attempts. Returns (task id, 'retried' or 'failed') for each."""
    now = timezone.now()
    outcomes: list[tuple[str, str]] = []
    handlers: list[tuple[Callable[[str, bool, str], None], str, bool, str]] = []
    with transaction.atomic():
        # skip_locked: two workers reaping at once each take different tasks (PostgreSQL; SQLite has one
        # writer).
        running = list(DBTaskResult.objects.running().select_for_update(skip_locked=True))
        leases = {
            lease.task_id: lease for lease in TaskLease.objects.filter(task_id__in=[r.id for r in running])
        }
        for result in running:
            why = _lapsed(result, leases.get(result.id), now)
            if not why:
                continue
            attempts = len(result.worker_ids)
            retried = attempts < settings.DESIST_TASK_MAX_ATTEMPTS
            reason = f"Attempt {attempts} of {settings.DESIST_TASK_MAX_ATTEMPTS} stopped: {why}."
            if retried:
                result.status = TaskResultStatus.READY
                result.started_at = None
                result.save(update_fields=["status", "started_at"])
            else:
                result.status = TaskResultStatus.FAILED
                result.finished_at = now
                result.exception_class_path = f"{LeaseLapsed.__module__}.{LeaseLapsed.__qualname__}"
                result.traceback = f"{reason} No attempts are left, so the task is marked failed."
                result.return_value = None
                result.save(
                    update_fields=[
                        "status",
                        "finished_at",
                        "exception_class_path",
                        "traceback",
                        "return_value",
                    ]
                )
            TaskLease.objects.filter(task_id=result.id).delete()
            logger.warning(
                "Task %s (%s): %s %s",
                result.id,
                result.task_path,
                reason,
                "Queued again." if retried else "Marked failed.",
            )
            outcomes.append((str(result.id), "retried" if retried else "failed"))
            # Importing the task's module registers its handler; a task that no longer exists has none.
            with contextlib.suppress(ImportError, SuspiciousOperation):
                result.task  # noqa: B018
            handler = _LAPSE_HANDLERS.get(result.task_path)
            if handler is not None:
                handlers.append((handler, str(result.id), retried, reason))
        for handler, task_id, retried, reason in handlers:
            handler(task_id, retried, reason)
    return outcomes


def task_failure(task_id: str) -> str:
    """Why a failed task failed, in one line for a page ('' when it has not failed)."""
    result = DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.FAILED).only("traceback").first()
    if result is None:
        return ""
    lines = [line for line in result.traceback.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "The task failed."
