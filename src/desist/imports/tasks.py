"""Checking and importing uploaded extracts in the task worker. imports.services queues these tasks; their
work is in imports.importing, below it (docs/decisions/0004-no-import-cycles.md)."""

from __future__ import annotations

from typing import Any

from django_tasks import TaskContext, task

from desist.imports.importing import upload_check_run, upload_import_run, upload_stopped
from desist.worker.services import on_lapse


def _run(context: TaskContext, work: Any, upload_id: int) -> dict[str, Any]:
    try:
        return work(upload_id=upload_id)
    except Exception as error:
        # The page says the work stopped and why; the task is recorded as failed too.
        upload_stopped(
            task_id=str(context.task_result.id),
            retried=False,
            reason=f"It stopped with an error: {type(error).__name__}: {error}"[:2000],
        )
        raise


@task(takes_context=True)
def check_upload_task(context: TaskContext, upload_id: int) -> dict[str, Any]:
    """Check every row of an uploaded extract against its mapping, writing progress on the upload."""
    return _run(context, upload_check_run, upload_id)


@task(takes_context=True)
def import_upload_task(context: TaskContext, upload_id: int) -> dict[str, Any]:
    """Import a checked upload whole or not at all, then queue linking (import_extract's hook)."""
    return _run(context, upload_import_run, upload_id)


def _lapsed(task_id: str, retried: bool, reason: str) -> None:
    upload_stopped(
        task_id=task_id,
        retried=retried,
        reason=f"{reason} Nothing was imported from this attempt. Try again.",
    )


on_lapse(check_upload_task.module_path)(_lapsed)
on_lapse(import_upload_task.module_path)(_lapsed)
