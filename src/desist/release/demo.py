"""Release plans for the demo partnership: early-release schemes (the three ECSL stages and one in force),
a plan for every release in the coming weeks, at every stage of readiness, some at short notice, and the
escalations the daily job would have raised. Bulk writes: it adds about a second to the demo build."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from desist.audit.context import system_actor
from desist.core import release as rules
from desist.release.models import (
    EarlyReleaseScheme,
    PathwayStatus,
    PlanTask,
    ReleaseDateChange,
    ReleasePlan,
)
from desist.release.services import escalations_raise, release_plans_start_due

ECSL_EXCLUDED = ["sexual", "terrorism"]

# What each stage has done: how many catalogue tasks (in catalogue order) are closed, and the pathways'
# status.
STAGES = (0, 3, 6, 9, len(rules.TASK_CATALOGUE))
PATHWAY_BY_STAGE = ("not_started", "in_progress", "in_progress", "support_needed", "done")
ACCOMMODATION = ("", "", "unsettled", "settled", "settled")
PROVIDERS = {
    "accommodation_address": "Approved premises, Maidstone",
    "treatment_continuity": "Forward Trust community service (methadone handed over)",
    "gate_meeting": "Gate mentor from the voluntary sector",
    "gp_registration": "Riverside Medical Practice",
    "benefit_claim": "Jobcentre Plus, Chatham",
}


def schemes_load(today: date) -> int:
    """The End of Custody Supervised Licence stages (RULES.md §7) and a scheme in force for the
    demonstration."""
    rows = [
        EarlyReleaseScheme(
            name="End of Custody Supervised Licence (18 days)",
            starts_on=date(2023, 10, 17),
            ends_on=date(2024, 3, 7),
            days_early=18,
            excluded_offence_groups=ECSL_EXCLUDED,
            long_sentence_groups=["violence"],
            long_sentence_days=1461,
        ),
        EarlyReleaseScheme(
            name="End of Custody Supervised Licence (35 days)",
            starts_on=date(2024, 3, 8),
            ends_on=date(2024, 5, 22),
            days_early=35,
            excluded_offence_groups=ECSL_EXCLUDED,
            long_sentence_groups=["violence"],
            long_sentence_days=1461,
        ),
        EarlyReleaseScheme(
            name="End of Custody Supervised Licence (70 days)",
            starts_on=date(2024, 5, 23),
            ends_on=date(2024, 9, 9),
            days_early=70,
            excluded_offence_groups=ECSL_EXCLUDED,
            long_sentence_groups=["violence"],
            long_sentence_days=1461,
        ),
        EarlyReleaseScheme(
            name="Partnership early release (demonstration)",
            starts_on=today - timedelta(days=60),
            days_early=20,
            excluded_offence_groups=["sexual", "terrorism", "domestic_abuse"],
            long_sentence_groups=["violence"],
            long_sentence_days=1461,
            plan_required=True,
            notes="Illustrative: release up to 20 days early with an approved risk management plan.",
        ),
    ]
    EarlyReleaseScheme.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def demo_releases_build(today: date | None = None) -> dict[str, int]:
    """Plans for every release due in the horizon, spread over the readiness stages, then escalations."""
    today = today or date.today()
    actor = system_actor()
    schemes = schemes_load(today)
    started = release_plans_start_due(actor=actor, on=today)
    plans = list(ReleasePlan.objects.filter(release_date__gte=today).order_by("id"))
    order = {k.code: i for i, k in enumerate(rules.TASK_CATALOGUE)}
    done_tasks: list[PlanTask] = []
    changes: list[ReleaseDateChange] = []
    stage_of: dict[int, int] = {}
    for i, plan in enumerate(plans):
        # Releases soon are further on, as they would be; the place in the list (not the database id, which
        # differs between engines) spreads people over the stages.
        stage = min(len(STAGES) - 1, i % 4 + (1 if (plan.release_date - today).days < 28 else 0))
        stage_of[plan.pk] = stage
        plan.tasks_closed = STAGES[stage]
        plan.readiness_percent = rules.readiness(closed=plan.tasks_closed, total=plan.tasks_total).percent
        plan.accommodation_on_release = ACCOMMODATION[stage] if stage < 4 or i % 3 else "nfa"
        if stage >= 3:
            plan.risk_plan_approved_on = today - timedelta(days=i % 10)
        days = (plan.release_date - today).days
        if days < 14 and i % 3 == 0:
            plan.short_notice = True
            changes.append(
                ReleaseDateChange(
                    sentence_id=plan.sentence_id,
                    person_id=plan.person_id,
                    change="brought_forward",
                    old_date=plan.release_date + timedelta(days=20),
                    new_date=plan.release_date,
                    changed_on=today,
                    notice_days=days,
                    short_notice=True,
                    reason="Brought forward by the prison",
                )
            )
    for task in PlanTask.objects.filter(plan_id__in=stage_of).only("id", "plan_id", "kind", "due_date"):
        if order[task.kind] < STAGES[stage_of[task.plan_id]]:
            task.status, task.done_on = "done", min(today, task.due_date)
            task.provider = PROVIDERS.get(task.kind, "")
            if task.kind == "treatment_continuity":
                task.event_date = task.due_date + timedelta(days=7)  # the first dose on the day of release
            done_tasks.append(task)
    PlanTask.objects.bulk_update(done_tasks, ["status", "done_on", "provider", "event_date"], batch_size=2000)
    ReleasePlan.objects.bulk_update(
        plans,
        [
            "tasks_closed",
            "readiness_percent",
            "accommodation_on_release",
            "risk_plan_approved_on",
            "short_notice",
        ],
        batch_size=2000,
    )
    ReleaseDateChange.objects.bulk_create(changes)
    for stage in range(1, len(STAGES)):
        ids = [plan_id for plan_id, s in stage_of.items() if s == stage]
        for start in range(0, len(ids), 500):
            PathwayStatus.objects.filter(plan_id__in=ids[start : start + 500]).update(
                status=PATHWAY_BY_STAGE[stage]
            )
    escalations = escalations_raise(actor=actor, on=today)
    return {"schemes": schemes, "plans": started, "short notice": len(changes), "escalations": escalations}
