"""Release from custody: early-release schemes (data), the facts a prison records about a custodial
sentence's release, release date changes with their notice, the release plan across the seven
resettlement pathways with its tasks, and escalations of open tasks as release nears (RULES.md §7, §8)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from desist.core import release as rules
from desist.outcomes.models import SETTLED, AccommodationKind
from desist.partnership.models import Agency
from desist.people.models import Person
from desist.sentences.models import Sentence
from desist.versioning import version_field

OFFENCE_GROUP_HELP = "A list of offence groups: " + ", ".join(f'"{g}"' for g in rules.OffenceGroup)


def _validate_groups(value: object) -> None:
    if not isinstance(value, list) or any(g not in rules.OffenceGroup._value2member_map_ for g in value):
        raise ValidationError(f'{OFFENCE_GROUP_HELP}, for example ["sexual", "terrorism"].')


class EarlyReleaseScheme(models.Model):
    """An early-release scheme as the partnership is told of it: edited in the admin, never in code."""

    name = models.CharField(max_length=200, unique=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Empty while the scheme has no end date.")
    days_early = models.PositiveIntegerField(help_text="How many days before the release date, at most.")
    excluded_offence_groups = models.JSONField(
        default=list,
        blank=True,
        validators=[_validate_groups],
        help_text=OFFENCE_GROUP_HELP + " excluded whatever the length.",
    )
    long_sentence_groups = models.JSONField(
        default=list,
        blank=True,
        validators=[_validate_groups],
        help_text=OFFENCE_GROUP_HELP + " excluded only with a long sentence.",
    )
    long_sentence_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="What counts as long, in days (4 years: 1461)."
    )
    min_sentence_days = models.PositiveIntegerField(null=True, blank=True)
    max_sentence_days = models.PositiveIntegerField(null=True, blank=True)
    excludes_parole_cases = models.BooleanField(default=True)
    plan_required = models.BooleanField(
        default=True, help_text="Release early only with an approved risk management plan."
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="scheme_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def as_rule(self) -> rules.EarlyReleaseScheme:
        return rules.EarlyReleaseScheme(
            name=self.name,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            days_early=self.days_early,
            excluded_offence_groups=frozenset(self.excluded_offence_groups),
            long_sentence_groups=frozenset(self.long_sentence_groups),
            long_sentence_days=self.long_sentence_days,
            min_sentence_days=self.min_sentence_days,
            max_sentence_days=self.max_sentence_days,
            excludes_parole_cases=self.excludes_parole_cases,
            plan_required=self.plan_required,
        )


# The sentence types the release-date engine (desist.core.release_dates) reads, as a prison records them.
SENTENCE_TYPE_LABELS = {
    "standard": rules.SENTENCE_TYPE_LABELS[rules.SentenceType.STANDARD],
    "sds_plus": "Standard determinate sentence released at two-thirds (SDS+)",
    "extended": rules.SENTENCE_TYPE_LABELS[rules.SentenceType.EXTENDED],
    "sopc": rules.SENTENCE_TYPE_LABELS[rules.SentenceType.SOPC],
    "dto": "Detention and training order",
    "fine_default": "Term in default of paying a fine",
    "indeterminate": rules.SENTENCE_TYPE_LABELS[rules.SentenceType.INDETERMINATE],
}
SENTENCE_TYPE_CHOICES = list(SENTENCE_TYPE_LABELS.items())


class ReleaseFacts(models.Model):
    """What the release rules need that a sentence row does not hold, as the prison records it."""

    sentence = models.OneToOneField(Sentence, on_delete=models.CASCADE, related_name="release_facts")
    sentence_type = models.CharField(max_length=16, choices=SENTENCE_TYPE_CHOICES, default="standard")
    extended_licence_days = models.PositiveIntegerField(default=0)
    tariff_expiry_date = models.DateField(
        null=True, blank=True, help_text="Indeterminate sentences: minimum term ends."
    )
    parole_board_case = models.BooleanField(default=False)
    hdc_exclusions = models.JSONField(default=list, blank=True)
    # An extended sentence's extended licence as passed: years and months, then `extended_licence_days`.
    extension_years = models.PositiveSmallIntegerField(default=0)
    extension_months = models.PositiveSmallIntegerField(default=0)
    fine_amount = models.PositiveIntegerField(
        null=True, blank=True, help_text="A term in default: the fine unpaid, in pounds."
    )

    class Meta:
        verbose_name_plural = "release facts"

    def __str__(self) -> str:
        return f"Release facts of sentence {self.sentence_id}"


class ReleaseType(models.TextChoices):
    CONDITIONAL = "conditional", "Conditional release"
    HDC = "hdc", "Home Detention Curfew"
    EARLY_RELEASE = "early_release", "Early release scheme"
    PAROLE = "parole", "Parole Board direction"
    SENTENCE_END = "sentence_end", "End of sentence"


class ReleaseDateChange(models.Model):
    """A release date set, brought forward, put back or confirmed: who, when, and with how much notice."""

    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="release_date_changes")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="release_date_changes")
    change = models.CharField(
        max_length=16, choices=[(str(c), str(c).replace("_", " ").capitalize()) for c in rules.DateChange]
    )
    old_date = models.DateField(null=True, blank=True)
    new_date = models.DateField()
    release_type = models.CharField(
        max_length=16, choices=ReleaseType.choices, default=ReleaseType.CONDITIONAL
    )
    changed_on = models.DateField()
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notice_days = models.IntegerField()
    short_notice = models.BooleanField(default=False)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"Release {self.change} to {self.new_date} ({self.notice_days} days' notice)"


class AccommodationOnRelease(models.TextChoices):
    """The board's measure of where people go on release."""

    SETTLED = "settled", "Settled"
    UNSETTLED = "unsettled", "Unsettled (temporary)"
    NO_FIXED_ABODE = "nfa", "No fixed abode"


def accommodation_on_release(kind: str) -> str:
    """The plan's three-way answer (settled, unsettled, no fixed abode) for an accommodation kind, with
    settled as the board counts it (desist.outcomes.models.SETTLED)."""
    if kind in SETTLED:
        return AccommodationOnRelease.SETTLED
    if kind in (AccommodationKind.NO_FIXED_ABODE, AccommodationKind.ROUGH_SLEEPING):
        return AccommodationOnRelease.NO_FIXED_ABODE
    return AccommodationOnRelease.UNSETTLED


class Release(models.Model):
    """A release that has happened: the day, how, where the person went to live (the board counts it) and a
    note. The sentence holds the date too (`release_date` with `release_is_actual`), so key dates and measures
    read it."""

    # A sentence's first release, and after each recall the re-release from it (`recall`).
    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="releases_recorded")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="releases")
    recall = models.OneToOneField(
        "Recall",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="re_release",
        help_text="The recall this release ends (empty for the sentence's first release).",
    )
    released_on = models.DateField()
    release_type = models.CharField(max_length=16, choices=ReleaseType.choices)
    accommodation = models.CharField(max_length=24, choices=AccommodationKind.choices)
    note = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-released_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sentence"], condition=Q(recall__isnull=True), name="release_first_once_per_sentence"
            )
        ]

    def __str__(self) -> str:
        return f"Released on {self.released_on} ({self.get_release_type_display().lower()})"

    @property
    def accommodation_on_release(self) -> str:
        return accommodation_on_release(self.accommodation)

    def get_accommodation_on_release_display(self) -> str:
        return str(AccommodationOnRelease(self.accommodation_on_release).label)


class ReleasePlan(models.Model):
    """The plan for one release of a person: seven pathways with a status each, and tasks with owners and due
    dates. A prison releases a person once from all the sentences served together (concurrent and
    consecutive), so there is one plan per person per custodial episode: its `sentences` are those released
    together, and `sentence` is the one whose release is the latest of them (it governs the date).

    `release_date`, `tasks_total`, `tasks_closed` and `readiness_percent` are kept in step by the services, so
    the readiness view reads one row a person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="release_plans")
    # The sentence whose release governs the plan's date (awaiting release while the plan is).
    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="+")
    sentences: models.ManyToManyField[Sentence, PlanSentence] = models.ManyToManyField(
        Sentence, through="PlanSentence", related_name="release_plans", blank=True
    )
    release_date = models.DateField()
    release_type = models.CharField(
        max_length=16, choices=ReleaseType.choices, default=ReleaseType.CONDITIONAL
    )
    prison = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    short_notice = models.BooleanField(default=False)
    accommodation_on_release = models.CharField(
        max_length=16, choices=AccommodationOnRelease.choices, blank=True
    )
    risk_plan_approved_on = models.DateField(
        null=True, blank=True, help_text="The risk management plan an early release requires."
    )
    risk_plan_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tasks_total = models.PositiveIntegerField(default=0)
    tasks_closed = models.PositiveIntegerField(default=0)
    readiness_percent = models.PositiveSmallIntegerField(default=0)
    created_on = models.DateField()
    # Why desist cannot work the release date out (the engine's reason), while `release_date` is only the last
    # date worked out: nothing counts down to it or escalates from it until the date is worked out again or
    # recorded.
    manual_calculation = models.CharField(max_length=300, blank=True)
    # After a recall the plan is reopened for the re-release (release.services.recall_record): the recall it
    # is for.
    recall = models.ForeignKey("Recall", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reopened_on = models.DateField(null=True, blank=True)

    version = version_field()

    class Meta:
        ordering = ["release_date", "id"]
        indexes = [models.Index(fields=["release_date", "readiness_percent"], name="release_plan_due")]

    def __str__(self) -> str:
        return f"Release plan for person {self.person_id} ({self.release_date})"

    @property
    def readiness(self) -> rules.Readiness:
        return rules.readiness(closed=self.tasks_closed, total=self.tasks_total)


class PlanSentence(models.Model):
    """A sentence of the custodial episode a plan is for: each sentence is in one plan (the release it was
    last released, or is to be released, on)."""

    plan = models.ForeignKey(ReleasePlan, on_delete=models.CASCADE, related_name="memberships")
    sentence = models.OneToOneField(Sentence, on_delete=models.CASCADE, related_name="plan_membership")

    class Meta:
        ordering = ["plan", "sentence"]

    def __str__(self) -> str:
        return f"Sentence {self.sentence_id} in release plan {self.plan_id}"


class PathwayStatusKind(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    SUPPORT_NEEDED = "support_needed", "Support needed"
    SUPPORT_DECLINED = "support_declined", "Support declined"
    DONE = "done", "Done"


PATHWAY_CHOICES = [(str(k), v) for k, v in rules.PATHWAY_LABELS.items()]


class PathwayStatus(models.Model):
    plan = models.ForeignKey(ReleasePlan, on_delete=models.CASCADE, related_name="pathways")
    pathway = models.CharField(max_length=32, choices=PATHWAY_CHOICES)
    status = models.CharField(
        max_length=20, choices=PathwayStatusKind.choices, default=PathwayStatusKind.NOT_STARTED
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "pathway"], name="pathway_once_per_plan")]

    def __str__(self) -> str:
        return f"{self.get_pathway_display()}: {self.get_status_display()}"


TASK_KIND_CHOICES = [(k.code, k.label) for k in rules.TASK_CATALOGUE] + [("other", "Other")]


class TaskStatus(models.TextChoices):
    OPEN = "open", "To do"
    DONE = "done", "Done"
    NOT_NEEDED = "not_needed", "Not needed"


class PlanTask(models.Model):
    """One concrete thing to arrange before release, owned by an agency, due by a date."""

    plan = models.ForeignKey(ReleasePlan, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=32, choices=TASK_KIND_CHOICES)
    title = models.CharField(max_length=200)
    pathway = models.CharField(max_length=32, choices=PATHWAY_CHOICES)
    owner_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField()
    status = models.CharField(max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    done_on = models.DateField(null=True, blank=True)
    provider = models.CharField(
        max_length=200,
        blank=True,
        help_text="The named service, practice or person (for example who meets them).",
    )
    event_date = models.DateField(
        null=True, blank=True, help_text="First dose, appointment or interview date."
    )
    detail = models.TextField(blank=True)

    version = version_field()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["plan", "status"], name="plantask_plan_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(done_on__isnull=False), name="plantask_closed_has_date"
            )
        ]

    def __str__(self) -> str:
        return self.title


class EscalationReason(models.TextChoices):
    MILESTONE = "milestone", "Still open as release nears"
    SHORT_NOTICE = "short_notice", "Short-notice release"


class EscalationStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"
    # Closed by desist, not dealt with: the release date it counted down to needs a manual calculation. It
    # opens again if the same date stands again (the unique constraints would not raise it twice).
    SUPERSEDED = "superseded", "Superseded: the release date needs a manual calculation"


class Escalation(models.Model):
    """Something that needs a person's attention before a release: a task still open 12, 4 or 1 weeks before
    it, or a short-notice release. Addressed to the responsible officer and the owning agency; a work queue
    lists them by either. Raised once per task, reason, milestone and release date."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="escalations")
    plan = models.ForeignKey(ReleasePlan, on_delete=models.CASCADE, related_name="escalations")
    task = models.ForeignKey(
        PlanTask, null=True, blank=True, on_delete=models.CASCADE, related_name="escalations"
    )
    reason = models.CharField(max_length=16, choices=EscalationReason.choices)
    weeks_before = models.PositiveSmallIntegerField(null=True, blank=True)
    release_date = models.DateField()
    raised_on = models.DateField()
    raised_at = models.DateTimeField(auto_now_add=True)
    responsible_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="release_escalations",
    )
    owner_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField()
    summary = models.CharField(max_length=300)
    status = models.CharField(max_length=16, choices=EscalationStatus.choices, default=EscalationStatus.OPEN)
    resolved_on = models.DateField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            # Never the same escalation twice (the daily job and the short-notice task may both run).
            models.UniqueConstraint(
                fields=["task", "reason", "weeks_before", "release_date"],
                condition=Q(task__isnull=False, weeks_before__isnull=False),
                name="escalation_once_per_task_milestone",
            ),
            models.UniqueConstraint(
                fields=["task", "reason", "release_date"],
                condition=Q(task__isnull=False, weeks_before__isnull=True),
                name="escalation_once_per_task_notice",
            ),
            models.UniqueConstraint(
                fields=["plan", "reason", "release_date"],
                condition=Q(task__isnull=True),
                name="escalation_once_per_plan",
            ),
        ]
        indexes = [
            models.Index(fields=["owner_agency", "status", "due_date"], name="escalation_agency_queue"),
            models.Index(
                fields=["responsible_officer", "status", "due_date"], name="escalation_officer_queue"
            ),
        ]

    def __str__(self) -> str:
        return self.summary


class AdjustmentKind(models.TextChoices):
    """Days that move release dates, as the prison records them."""

    REMAND = "remand", "Remand in custody"
    TAGGED_BAIL = "tagged_bail", "Tagged bail"
    UNLAWFULLY_AT_LARGE = "ual", "Unlawfully at large"
    ADDED_DAYS = "added_days", "Additional days awarded"
    RESTORED_DAYS = "restored_days", "Restored additional days"
    # Before a recall: they come off the time to serve after it (the post-recall release date, the expiry);
    # plain remand and tagged bail on a recalled term came off its first release and do not count again.
    RECALL_REMAND = "recall_remand", "Recall remand"
    RECALL_TAGGED_BAIL = "recall_tagged_bail", "Recall tagged bail"


class Adjustment(models.Model):
    """Days deducted (remand, tagged bail), added (unlawfully at large), awarded or restored, recorded against
    a sentence; the release-date engine applies each by its rules."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="release_adjustments")
    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(max_length=20, choices=AdjustmentKind.choices)
    days = models.PositiveIntegerField()
    from_date = models.DateField(null=True, blank=True, help_text="Unlawfully at large: the first day.")
    note = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["sentence", "id"]
        constraints = [models.CheckConstraint(condition=Q(days__gt=0), name="adjustment_days_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.days} days"


class RecallKind(models.TextChoices):
    """Recalls to custody from licence (the engine's names)."""

    STANDARD = "STANDARD", "Standard recall"
    FTR_14 = "FTR_14", "Fixed-term recall (14 days)"
    FTR_28 = "FTR_28", "Fixed-term recall (28 days)"
    FTR_56 = "FTR_56", "Fixed-term recall (56 days)"


class Recall(models.Model):
    """A recall to custody on a sentence's licence; the latest on a sentence is the one the dates follow."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="recalls")
    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="recalls")
    kind = models.CharField(max_length=16, choices=RecallKind.choices)
    recalled_on = models.DateField()
    returned_to_custody = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["sentence", "-recalled_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(returned_to_custody__isnull=True)
                | Q(returned_to_custody__gte=models.F("recalled_on")),
                name="recall_return_after_recall",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.recalled_on}"
