"""django-tasks-db's `db_worker`, with leases and patience (docs/security.md, "Background work").

It replaces the library's command of the same name (this app comes first in INSTALLED_APPS) and keeps
its options. On top of it:

- each task runs under a lease that a housekeeping thread renews; the same thread reaps lapsed leases
  at start-up and every DESIST_TASK_REAP_SECONDS, so a task whose worker was killed runs again (or is
  marked failed after DESIST_TASK_MAX_ATTEMPTS);
- when SQLite says "database is locked" (a long import holds the write lock past the busy timeout),
  the worker waits and tries again instead of exiting.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.db import OperationalError, close_old_connections, connection
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import is_locked_database_exception

from desist.worker.services import lease_release, lease_renew, lease_take, leases_reap, when_unlocked

logger = logging.getLogger("desist.worker")


class LeasedWorker(db_worker.Worker):
    """The library's worker, holding a lease on the task it runs and reaping lapsed ones."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.current_task: Any = None
        self._stop = threading.Event()

    def run(self) -> None:
        when_unlocked(self._reap, what="reaping lapsed tasks at start-up", stop=lambda: not self.running)
        keeper = threading.Thread(target=self._keep, name="desist-lease-keeper", daemon=True)
        keeper.start()
        try:
            while self.running:
                try:
                    super().run()
                    return
                except OperationalError as error:
                    # The library retries a locked claim, but not BEGIN EXCLUSIVE itself, nor recording a
                    # result.
                    if not is_locked_database_exception(error):
                        raise
                    logger.warning("The database is locked; the worker waits and carries on.")
                    close_old_connections()
                    self._stop.wait(max(self.interval, 1.0))
        finally:
            self._stop.set()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        when_unlocked(
            lambda: lease_take(task_id=db_task_result.id, worker_id=self.worker_id), what="taking a lease"
        )
        self.current_task = db_task_result.id
        try:
            super().run_task(db_task_result)
        finally:
            self.current_task = None
            when_unlocked(lambda: lease_release(task_id=db_task_result.id), what="releasing a lease")

    def _reap(self) -> None:
        for task_id, outcome in leases_reap():
            logger.warning("Task %s lost its worker: %s.", task_id, outcome)

    def _keep(self) -> None:
        """Renew the running task's lease, and reap lapsed ones now and then (own connection: a thread)."""
        lease = settings.DESIST_TASK_LEASE_SECONDS
        renew_every = max(lease / 4, 0.2)
        reap_every = settings.DESIST_TASK_REAP_SECONDS
        since_reap = 0.0
        try:
            while not self._stop.wait(renew_every):
                since_reap += renew_every
                try:
                    task_id = self.current_task
                    if task_id is not None and not lease_renew(task_id=task_id):
                        logger.warning(
                            "Task %s: its lease was taken away (it ran too long unrenewed).", task_id
                        )
                    if since_reap >= reap_every:
                        since_reap = 0.0
                        self._reap()
                except OperationalError as error:
                    # Locked (or gone) for a moment: the next round tries again, well before the lease lapses.
                    logger.warning("Lease housekeeping could not write (%s); trying again shortly.", error)
                    close_old_connections()
        finally:
            connection.close()


class Command(db_worker.Command):
    help = "Run the background task worker, with leases on running tasks (see docs/production.md)"

    def handle(self, *args: Any, **options: Any) -> None:
        db_worker.Worker = LeasedWorker  # type: ignore[misc]  # the library builds its Worker by this name
        super().handle(*args, **options)
