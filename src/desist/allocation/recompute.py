"""The one set-based pass that recomputes practitioners' workloads as the HMPPS model does
(docs/allocation.md). It sits below the services that call it after a write, and the task and command that
run it for everyone, so a task never imports the services that queue it (docs/decisions/0004)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from desist.allocation import selectors
from desist.allocation.models import CourtReport, Practitioner, Reduction, T2AMark, WeightedContact, Workload
from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.core import workload as rules
from desist.partnership.models import AgencyKind, Membership, Role
from desist.people.models import Involvement


def workloads_recompute(*, actor: Actor, on: date | None = None, user_ids: list[int] | None = None) -> int:
    """Recompute the workload of every practitioner (or of `user_ids`) in one set-based pass: one grouped
    query over the open probation cases by lead worker, case type and tier, one over open court reports, one
    over current reductions, one over grades and hours; then the HMPPS arithmetic per practitioner
    (core.workload) and one upsert. Returns how many practitioners were written."""
    on = on or timezone.localdate()
    practitioners = Practitioner.objects.all()
    cases_q = Q(
        lead_worker__isnull=False,
        end_date__isnull=True,
        agency__kind=AgencyKind.PROBATION,
        start_date__lte=on,
    )
    if user_ids is not None:
        practitioners = practitioners.filter(user_id__in=user_ids)
        cases_q &= Q(lead_worker_id__in=user_ids)
    grades = {p.user_id: p for p in practitioners}
    ids = sorted(grades)
    if user_ids is None:
        # Everyone who holds a probation case or is a probation practitioner has a figure.
        ids = sorted(
            set(ids)
            | set(
                Membership.objects.filter(
                    agency__kind=AgencyKind.PROBATION, role=Role.PRACTITIONER
                ).values_list("user_id", flat=True)
            )
        )
    annotations = selectors.case_annotations(on)
    counts = (
        selectors.with_case_type(
            Involvement.objects.filter(cases_q).annotate(
                tier=annotations["tier"],
                t2a=Exists(T2AMark.objects.filter(involvement=OuterRef("pk"), removed_at__isnull=True)),
            ),
            on,
        )
        .values("lead_worker_id", "case_type", "tier", "t2a")  # type: ignore[misc]
        .annotate(n=Count("id"))
        .order_by()
    )
    per_user: dict[int, list[tuple[str, str, bool, int]]] = defaultdict(list)
    for row in counts:
        per_user[row["lead_worker_id"]].append(
            (row["case_type"], row["tier"] or "", bool(row["t2a"]), row["n"])
        )
    # Weighted contacts in the window: for whoever did them outside their caseload, against the holder.
    window = Q(done_on__gt=on - timedelta(days=rules.CONTACT_WINDOW_DAYS), done_on__lte=on)
    not_own = Q(holder__isnull=True) | Q(holder__lt=F("done_by")) | Q(holder__gt=F("done_by"))
    outside_q, by_others_q = window & not_own, window & not_own & Q(holder__isnull=False)
    if user_ids is not None:
        outside_q &= Q(done_by_id__in=user_ids)
        by_others_q &= Q(holder_id__in=user_ids)
    contact_weights = rules.contact_weightings()
    contacts: dict[int, int] = defaultdict(int)
    for row in (
        WeightedContact.objects.filter(outside_q)
        .values("done_by_id", "contact_type")
        .annotate(n=Count("id"))
        .order_by()
    ):
        contacts[row["done_by_id"]] += contact_weights.get(row["contact_type"], 0) * row["n"]
    for row in (
        WeightedContact.objects.filter(by_others_q)
        .values("holder_id", "contact_type")
        .annotate(n=Count("id"))
        .order_by()
    ):
        contacts[row["holder_id"]] -= contact_weights.get(row["contact_type"], 0) * row["n"]
    reports_q = Q(completed_on__isnull=True)
    reductions_q = Q(starts_on__lte=on, ends_on__gte=on)
    if user_ids is not None:
        reports_q &= Q(author_id__in=user_ids)
        reductions_q &= Q(user_id__in=user_ids)
    reports: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        CourtReport.objects.filter(reports_q).values("author_id", "kind").annotate(n=Count("id")).order_by()
    ):
        reports[row["author_id"]][row["kind"]] = row["n"]
    reduced = {
        row["user_id"]: row["hours"]
        for row in Reduction.objects.filter(reductions_q)
        .values("user_id")
        .annotate(hours=Sum("hours"))
        .order_by()
    }
    table, t2a = rules.weightings(), rules.weightings(t2a=True)
    now = timezone.now()
    rows = []
    for user_id in sorted(set(ids) | set(per_user) | set(contacts)):
        practitioner = grades.get(user_id)
        grade = practitioner.grade if practitioner else "PO"
        contracted = practitioner.contracted_hours if practitioner else None
        by_type = {ct: 0 for ct in rules.CASE_TYPES}
        points, t2a_cases = 0, 0
        for case_type, tier, is_t2a, n in per_user.get(user_id, []):
            if case_type not in rules.CASE_TYPES:
                continue  # no sentence in force: not weighted by the model
            by_type[case_type] += n
            t2a_cases += n if is_t2a else 0
            points += n * (t2a if is_t2a else table).tier_points.get((case_type, tier), 0)
        points += contacts.get(user_id, 0)
        own_reports = reports.get(user_id, {})
        report_list = [rules.STANDARD_REPORT] * own_reports.get(rules.STANDARD_REPORT, 0) + [
            rules.FAST_REPORT
        ] * own_reports.get(rules.FAST_REPORT, 0)
        points += rules.workload_points(cases=[], reports=report_list, standard=table, t2a=t2a)
        hours = rules.available_hours(
            table.contracted_hours(grade) if contracted is None else contracted,
            [Decimal(reduced.get(user_id) or 0)],
        )
        available = rules.available_points(
            table.points_available(grade), table.contracted_hours(grade), hours
        )
        rows.append(
            Workload(
                user_id=user_id,
                cases=sum(n for _ct, _t, _t2a, n in per_user.get(user_id, [])),
                t2a=t2a_cases,
                contact_points=contacts.get(user_id, 0),
                community=by_type[rules.COMMUNITY],
                licence=by_type[rules.LICENCE],
                custody=by_type[rules.CUSTODY],
                reports=len(report_list),
                points=points,
                available_points=available,
                available_hours=max(hours, Decimal(0)),
                capacity=rules.capacity(points, available),
                computed_at=now,
            )
        )
    Workload.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=[
            "cases",
            "community",
            "licence",
            "custody",
            "reports",
            "t2a",
            "contact_points",
            "points",
            "available_points",
            "available_hours",
            "capacity",
            "computed_at",
        ],
    )
    if user_ids is None:
        log_access(
            actor=actor,
            action=Action.ALTERATION,
            summary="Workloads recomputed",
            detail={"practitioners": len(rows), "on": on.isoformat()},
        )
    return len(rows)
