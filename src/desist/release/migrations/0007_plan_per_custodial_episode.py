"""One release plan per person per custodial episode (issue 12): a prison releases a person once from all the
sentences served together, so plans are for that release, listing its sentences (`PlanSentence`).

Each plan first gets its own sentence as a member; then plans of the same person and episode are merged into the
oldest: those whose sentences await release together, and those whose sentences were released on the same day.
Tasks come over (a catalogue task both have is kept once: the one done, else the older, with what the other
arranged added to its detail), pathways keep the furthest status, escalations follow their task, and the plan's
`sentence` is the one released last. The access log keeps the history of both plans."""

from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models


def _best(tasks):
    return min(tasks, key=lambda t: (t.status == "open", -(t.done_on.toordinal() if t.done_on else 0), t.pk))


def _merge(apps, keep, other):
    PlanSentence = apps.get_model("release", "PlanSentence")
    PlanTask = apps.get_model("release", "PlanTask")
    PathwayStatus = apps.get_model("release", "PathwayStatus")
    Escalation = apps.get_model("release", "Escalation")
    PlanSentence.objects.filter(plan=other).update(plan=keep)
    PlanTask.objects.filter(plan=other).update(plan=keep)
    by_kind = defaultdict(list)
    for task in PlanTask.objects.filter(plan=keep).exclude(kind="other").order_by("id"):
        by_kind[task.kind].append(task)
    for tasks in by_kind.values():
        if len(tasks) < 2:
            continue
        best = _best(tasks)
        notes = [best.detail] if best.detail else []
        for task in tasks:
            if task.pk == best.pk:
                continue
            arranged = "; ".join(
                p for p in (task.provider, task.event_date.isoformat() if task.event_date else "", task.detail) if p
            )
            if arranged and arranged not in best.detail:
                notes.append(f"From the merged plan {other.pk}: {arranged}")
            best.provider = best.provider or task.provider
            best.event_date = best.event_date or task.event_date
            for escalation in Escalation.objects.filter(task=task):
                if Escalation.objects.filter(
                    task=best,
                    reason=escalation.reason,
                    weeks_before=escalation.weeks_before,
                    release_date=escalation.release_date,
                ).exists():
                    escalation.delete()
                else:
                    escalation.task_id, escalation.plan_id = best.pk, keep.pk
                    escalation.save(update_fields=["task", "plan"])
            task.delete()
        best.detail = "\n".join(notes)
        best.save(update_fields=["provider", "event_date", "detail"])
    for escalation in Escalation.objects.filter(plan=other):
        if escalation.task_id is None and Escalation.objects.filter(
            plan=keep, task__isnull=True, reason=escalation.reason, release_date=escalation.release_date
        ).exists():
            escalation.delete()
        else:
            escalation.plan_id = keep.pk
            escalation.save(update_fields=["plan"])
    theirs = {p.pathway: p for p in PathwayStatus.objects.filter(plan=other)}
    for mine in PathwayStatus.objects.filter(plan=keep):
        their = theirs.get(mine.pathway)
        if their is None:
            continue
        if mine.status == "not_started" and their.status != "not_started":
            mine.status = their.status
        if their.note and their.note not in mine.note:
            mine.note = "; ".join(n for n in (mine.note, their.note) if n)[:300]
        mine.save(update_fields=["status", "note"])
    if other.risk_plan_approved_on and (
        keep.risk_plan_approved_on is None or other.risk_plan_approved_on > keep.risk_plan_approved_on
    ):
        keep.risk_plan_approved_on = other.risk_plan_approved_on
        keep.risk_plan_approved_by_id = other.risk_plan_approved_by_id
    keep.accommodation_on_release = keep.accommodation_on_release or other.accommodation_on_release
    keep.short_notice = keep.short_notice or other.short_notice
    keep.manual_calculation = keep.manual_calculation or other.manual_calculation
    if other.recall_id and keep.recall_id is None:
        keep.recall_id, keep.reopened_on = other.recall_id, other.reopened_on
    keep.created_on = min(keep.created_on, other.created_on)
    other.delete()


def per_episode(apps, schema_editor):
    ReleasePlan = apps.get_model("release", "ReleasePlan")
    PlanSentence = apps.get_model("release", "PlanSentence")
    PlanTask = apps.get_model("release", "PlanTask")
    plans = list(ReleasePlan.objects.select_related("sentence").order_by("created_on", "id"))
    PlanSentence.objects.bulk_create(
        [PlanSentence(plan_id=p.pk, sentence_id=p.sentence_id) for p in plans], batch_size=5000
    )
    groups = defaultdict(list)
    for plan in plans:
        s = plan.sentence
        # Awaiting release together, or released together on one day.
        key = (plan.person_id, "released", s.release_date) if s.release_is_actual else (plan.person_id, "awaiting")
        groups[key].append(plan)
    for group in groups.values():
        if len(group) < 2:
            continue
        keep = group[0]
        for other in group[1:]:
            _merge(apps, keep, other)
        sentences = [m.sentence for m in PlanSentence.objects.filter(plan=keep).select_related("sentence")]
        dated = [s for s in sentences if s.release_date is not None]
        lead = max(dated, key=lambda s: (s.release_date, s.sentence_date, s.pk)) if dated else sentences[0]
        keep.sentence_id, keep.release_date = lead.pk, lead.release_date or keep.release_date
        statuses = list(PlanTask.objects.filter(plan=keep).values_list("status", flat=True))
        keep.tasks_total = len(statuses)
        keep.tasks_closed = sum(1 for s in statuses if s != "open")
        keep.readiness_percent = 0 if not statuses else (100 * keep.tasks_closed) // len(statuses)
        keep.save()


class Migration(migrations.Migration):
    dependencies = [
        ("release", "0006_recall_follow"),
        ("sentences", "0007_sentence_term"),
    ]

    operations = [
        migrations.AlterField(
            model_name="releaseplan",
            name="sentence",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="sentences.sentence"
            ),
        ),
        migrations.CreateModel(
            name="PlanSentence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "plan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to="release.releaseplan",
                    ),
                ),
                (
                    "sentence",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="plan_membership",
                        to="sentences.sentence",
                    ),
                ),
            ],
            options={"ordering": ["plan", "sentence"]},
        ),
        migrations.AddField(
            model_name="releaseplan",
            name="sentences",
            field=models.ManyToManyField(
                blank=True, related_name="release_plans", through="release.PlanSentence", to="sentences.sentence"
            ),
        ),
        migrations.RunPython(per_episode, migrations.RunPython.noop),
    ]
