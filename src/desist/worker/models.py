"""Leases on running background tasks (docs/security.md, "Background work").

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again, so a worker
killed mid-task left it RUNNING for ever. A lease says which worker holds a running task and until when;
the worker renews it while the task runs, and `leases.leases_reap` re-queues or fails a task whose lease
has lapsed."""

from __future__ import annotations

from django.db import models


class TaskLease(models.Model):
    """The lease a worker holds on one running task (a django_tasks_db DBTaskResult)."""

    task_id = models.UUIDField(primary_key=True, help_text="The DBTaskResult this lease is on.")
    worker_id = models.CharField(max_length=64)
    host = models.CharField(max_length=255, help_text="The machine the worker runs on.")
    pid = models.PositiveIntegerField(help_text="The worker's process id on that machine.")
    taken_at = models.DateTimeField()
    renewed_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"Lease on task {self.task_id} by {self.worker_id} until {self.expires_at:%H:%M:%S}"
