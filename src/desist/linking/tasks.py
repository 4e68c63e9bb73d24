"""Linking in the background: after an import, after a reviewer's decision, or from the Linkage page."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskContext, task

from desist.audit.context import system_actor
from desist.audit.models import Channel
from desist.families.tasks import families_refresh_later
from desist.linking.runs import link_run, link_run_retry_at, link_runs_interrupted, model_train
from desist.worker.services import on_lapse


@task(takes_context=True)
def link_records_task(
    context: TaskContext, incremental: bool = True, train: bool = False, reason: str = "", attempt: int = 1
) -> dict[str, int | str]:
    """Run linking over the stored source records (see linking.runs.link_run). Safe to run again
    after a worker stopped mid-run: the run's writes are one transaction, and linking is incremental.

    A run that fails is queued again, later each time (retry_delay), until DESIST_LINK_RETRIES retries are
    spent."""
    task_id = str(context.task_result.id)
    try:
        run = link_run(
            actor=system_actor(channel=Channel.TASK),
            incremental=incremental,
            train=train,
            reason=reason,
            task_id=task_id,
            attempt=attempt,
        )
    except Exception:
        when = retry_later(incremental=incremental, train=train, reason=reason, attempt=attempt)
        if when is not None:
            link_run_retry_at(task_id=task_id, when=when)
        raise
    if run.people_created or run.records_joined or run.people_merged or run.records_split:
        # Who is who changed (a reviewer's decision splits records too), so households and families may have
        # too.
        families_refresh_later()
    return {
        "run": run.pk,
        "status": run.status,
        "people_created": run.people_created,
        "records_joined": run.records_joined,
        "sent_to_review": run.sent_to_review,
    }


def retry_delay(attempt: int) -> timedelta:
    """How long to wait before trying again after attempt ``attempt`` failed: DESIST_LINK_RETRY_SECONDS, four
    times longer after each failure (1, 4 and 16 minutes by default), so a busy database has time to
    settle."""
    return timedelta(seconds=settings.DESIST_LINK_RETRY_SECONDS * 4 ** (attempt - 1))


def retry_later(*, incremental: bool, train: bool, reason: str, attempt: int) -> datetime | None:
    """Queue the next attempt at a failed linking run, if any retries are left; returns when it runs."""
    if attempt > settings.DESIST_LINK_RETRIES:
        return None
    when = timezone.now() + retry_delay(attempt)
    link_records_task.using(run_after=when).enqueue(
        incremental=incremental, train=train, reason=reason, attempt=attempt + 1
    )
    return when


def link_later(*, reason: str, incremental: bool = True, train: bool = False) -> None:
    """Queue a linking run once this transaction commits (so the worker sees what was just written).

    An incremental run already waiting for the worker will see this change too, so a reviewer working
    through the queue does not stack up one run per decision."""

    def enqueue() -> None:
        if incremental and not train and _incremental_run_waiting():
            return
        link_records_task.enqueue(incremental=incremental, train=train, reason=reason)

    transaction.on_commit(enqueue)


def _incremental_run_waiting() -> bool:
    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return False
    from django_tasks_db.models import DBTaskResult

    # A retry queued for later does not count: new records should not wait for it.
    waiting = DBTaskResult.objects.ready().filter(task_path=link_records_task.module_path)
    return any(
        row.args_kwargs.get("kwargs", {}).get("incremental", True)
        and not row.args_kwargs.get("kwargs", {}).get("train")
        for row in waiting.only("args_kwargs")[:20]
    )


def link_after_import(*, agency_code: str, file_name: str) -> None:
    """The import's hook: queue an incremental linking run for the records just imported
    (DESIST_LINK_AFTER_IMPORT, on by default)."""
    if settings.DESIST_LINK_AFTER_IMPORT:
        link_later(reason=f"Import of {file_name} for {agency_code}"[:200])


@task()
def train_model_task() -> dict[str, str]:
    """Train a new linkage model version on every stored source record and make it active."""
    version = model_train(actor=system_actor(channel=Channel.TASK))
    return {"version": version.version}


def train_later() -> None:
    """Queue training once this transaction commits."""
    transaction.on_commit(lambda: train_model_task.enqueue())


@on_lapse(link_records_task.module_path)
def _link_task_lapsed(task_id: str, retried: bool, reason: str) -> None:
    link_runs_interrupted(
        task_id=task_id,
        reason=f"{reason} {'It is queued again.' if retried else 'Not retried.'}",
        retry_at=timezone.now() if retried else None,
    )
