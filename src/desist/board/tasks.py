"""The stored basket follows the records, in the background (docs/measures.md, "How fresh the board is").

A change to any record the basket reads (a person, an offence, a sentence or requirement, a priority group or
IOM cohort membership, an accommodation, employment or enforcement record, a treatment involvement, an
assessment's needs or a stored score) marks the figures as waiting and queues one refresh, to run
DESIST_BOARD_REFRESH_DELAY_SECONDS later: changes made before it starts are all taken in by that one run
(debounced). An import's records reach people through a link run, which says so when it writes them
(``people.signals.records_loaded``); other writes that send no signal (the demo's bulk load, SQL by hand)
are taken in by the nightly ``manage.py board_refresh``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django_tasks import task

from desist.assessments.models import AssessmentSection, RiskScore
from desist.board.models import BasketRefresh
from desist.iom.models import CohortMembership
from desist.offences.models import Offence
from desist.outcomes.models import AccommodationStatus, EmploymentStatus, EnforcementAction
from desist.people.models import Involvement, Person
from desist.people.signals import record_changed, records_loaded
from desist.priority.models import PriorityGroupMembership
from desist.sentences.models import Requirement, Sentence

# The models whose rows are the basket's input tables (desist.board.exports.basket_inputs).
INPUT_MODELS = (
    Person,
    Offence,
    Sentence,
    Requirement,
    PriorityGroupMembership,
    CohortMembership,
    AccommodationStatus,
    EmploymentStatus,
    EnforcementAction,
    Involvement,
    AssessmentSection,
    RiskScore,
)


@task()
def refresh_board_figures() -> dict[str, Any]:
    """Work out the live basket and store it, with its charts (desist.board.refresh)."""
    from desist.board.refresh import basket_store

    stored = basket_store()
    return {"quarter": stored.quarter, "seconds": stored.seconds, "data_version": stored.data_version}


def _refresh_waiting() -> bool:
    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return False
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=refresh_board_figures.module_path, status=TaskResultStatus.READY
    ).exists()


def board_changed_now() -> bool:
    """Mark the stored figures as waiting for a change and queue one refresh unless one is already waiting to
    start (a running one does not count: it may have read the records before this change). Returns whether
    it queued one."""
    return _queue(changed=True)


def board_refresh_now() -> bool:
    """Queue one refresh (no change to mark) unless one is waiting to start."""
    return _queue(changed=False)


def _queue(*, changed: bool) -> bool:
    """Serialised on the one BasketRefresh row, so two processes do not both queue."""
    from django.utils import timezone

    now = timezone.now()
    with transaction.atomic():
        state = BasketRefresh.objects.select_for_update().filter(pk=1).first()
        if state is None:
            state, _ = BasketRefresh.objects.get_or_create(pk=1)
        if changed and state.changed_since is None:
            state.changed_since = now
        queued = False
        if not _refresh_waiting():
            chosen = refresh_board_figures
            delay = settings.DESIST_BOARD_REFRESH_DELAY_SECONDS if changed else 0
            if delay > 0 and chosen.get_backend().supports_defer:
                chosen = chosen.using(run_after=now + timedelta(seconds=delay))
            chosen.enqueue()
            state.requested_at = now
            queued = True
        state.save()
    return queued


def board_refresh_later() -> None:
    """Once this transaction commits, mark the figures as waiting and queue a refresh: once per transaction,
    however many records it changes."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        index = getattr(connection, "_desist_board_refresh", None)
        pending = connection.run_on_commit
        if index is not None and index < len(pending) and pending[index][1] is _on_commit:
            return
        connection._desist_board_refresh = len(pending)
    transaction.on_commit(_on_commit)


def _on_commit() -> None:
    transaction.get_connection()._desist_board_refresh = None  # a later change registers again
    board_changed_now()


def _input_changed(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # loading fixtures
        return
    board_refresh_later()


def _record_changed(sender: Any, **kwargs: Any) -> None:
    board_refresh_later()


def connect() -> None:
    """Connect the receivers (BoardConfig.ready)."""
    for model in INPUT_MODELS:
        uid = f"desist.board.tasks.{model._meta.label_lower}"
        post_save.connect(_input_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_input_changed, sender=model, dispatch_uid=f"{uid}.delete")
    record_changed.connect(_record_changed, dispatch_uid="desist.board.tasks.record_changed")
    records_loaded.connect(_record_changed, dispatch_uid="desist.board.tasks.records_loaded")
