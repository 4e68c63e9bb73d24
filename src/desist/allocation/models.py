"""Allocation and workload: who holds each case, practitioners' grades, hours and reductions, court reports
they write, and the workload figures recomputed from them (docs/allocation.md).

A case is an agency's involvement with a person (`people.Involvement`); allocating it sets its lead worker and
writes an `Allocation`, so the history of who held it, and who moved it where, is kept."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from desist.core import workload as rules
from desist.partnership.models import Agency, Team
from desist.people.models import Involvement, Person

GRADE_CHOICES = [(g.code, g.name) for g in rules.GRADES.values()]
REDUCTION_CHOICES = [(reason, reason) for reason, _category, _allowance in rules.REDUCTION_REASONS]


class Practitioner(models.Model):
    """A probation practitioner's grade and contracted hours: the workload model's inputs about them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="practitioner"
    )
    grade = models.CharField(max_length=8, choices=GRADE_CHOICES)
    contracted_hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Weekly hours; blank takes the grade's default.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(contracted_hours__isnull=True) | Q(contracted_hours__gte=0),
                name="practitioner_hours_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.grade})"


class PractitionerChange(models.Model):
    """One change of a practitioner's grade or contracted hours, kept as history."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    grade = models.CharField(max_length=8, choices=GRADE_CHOICES)
    contracted_hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["user", "changed_at"], name="practitionerchange_user")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.grade}, {self.contracted_hours} hours"


class Reduction(models.Model):
    """Hours a week taken off a practitioner's caseload time, for a reason, until an end date. Ending one
    early moves its end date and says who ended it; the row stays as history."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reductions")
    hours = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    reason = models.CharField(max_length=100, choices=REDUCTION_CHOICES)
    starts_on = models.DateField()
    ends_on = models.DateField()
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True, help_text="When it was ended before its end date.")

    class Meta:
        ordering = ["ends_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="reduction_dates_in_order"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="reduction_hours_positive"),
        ]
        indexes = [models.Index(fields=["user", "ends_on"], name="reduction_current")]

    def __str__(self) -> str:
        return f"{self.hours} hours for {self.reason} until {self.ends_on}"


class AllocationKind(models.TextChoices):
    ALLOCATION = "allocation", "Allocated"
    REALLOCATION = "reallocation", "Reallocated"
    TRANSFER = "transfer", "Transferred to another team"


class Allocation(models.Model):
    """One decision about who holds an agency's case: the worker (none for a transfer to a team's queue),
    who decided, why, and when the holding ended."""

    involvement = models.ForeignKey(Involvement, on_delete=models.CASCADE, related_name="allocations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="allocations")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=AllocationKind.choices, default=AllocationKind.ALLOCATION)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    points = models.PositiveIntegerField(null=True, blank=True, help_text="The case's points when allocated.")

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["person", "agency", "decided_at"], name="allocation_history")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: involvement {self.involvement_id} to {self.worker_id}"


class ReportKind(models.TextChoices):
    STANDARD = rules.STANDARD_REPORT, "Standard pre-sentence report"
    FAST = rules.FAST_REPORT, "Fast delivery report"


class CourtReport(models.Model):
    """A pre-sentence report a practitioner is writing: weighted in their workload until completed."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="court_reports")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="court_reports"
    )
    kind = models.CharField(max_length=16, choices=ReportKind.choices)
    requested_on = models.DateField()
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["author", "completed_on"], name="courtreport_open")]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=F("requested_on")), name="courtreport_due_after"),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=F("requested_on")),
                name="courtreport_completed_after",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for person {self.person_id}"


CONTACT_TYPE_CHOICES = [(c.code, c.description) for c in rules.contact_types()]


class WeightedContact(models.Model):
    """Weighted work done on a case (case management support, group supervision: the model's contact types).
    It counts for whoever did it when the case is not theirs, and against the case's holder
    (`WorkloadCalculator.sumContacts`), for `core.workload.CONTACT_WINDOW_DAYS` days."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="weighted_contacts")
    contact_type = models.CharField(max_length=16, choices=CONTACT_TYPE_CHOICES)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The case's holder on the day: the work counts against them.",
    )
    done_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-done_on", "-id"]
        indexes = [
            models.Index(fields=["done_by", "done_on"], name="weightedcontact_by"),
            models.Index(fields=["holder", "done_on"], name="weightedcontact_holder"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_type} for person {self.person_id} by {self.done_by_id}"


class T2AMark(models.Model):
    """A probation case marked T2A (transition to adulthood): weighted from the model's T2A table while open.
    Removing the mark ends it; the row stays."""

    involvement = models.ForeignKey(Involvement, on_delete=models.CASCADE, related_name="t2a_marks")
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField()
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-marked_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["involvement"], condition=Q(removed_at__isnull=True), name="t2amark_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"T2A: involvement {self.involvement_id}"


class Workload(models.Model):
    """A practitioner's workload as last recomputed (allocation.recompute.workloads_recompute): cases, points,
    available points and capacity, as the HMPPS model computes them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="workload"
    )
    cases = models.PositiveIntegerField(default=0)
    community = models.PositiveIntegerField(default=0)
    licence = models.PositiveIntegerField(default=0)
    custody = models.PositiveIntegerField(default=0)
    reports = models.PositiveIntegerField(default=0)
    t2a = models.PositiveIntegerField(default=0, help_text="Cases weighted from the T2A table.")
    contact_points = models.IntegerField(
        default=0, help_text="Weighted contacts: done outside the caseload, less done by others in it."
    )
    points = models.IntegerField(default=0)
    available_points = models.IntegerField(default=0)
    available_hours = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(0))
    capacity = models.DecimalField(max_digits=8, decimal_places=3, default=Decimal(0))
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["capacity"], name="workload_capacity")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.points} points, {self.capacity}%"
