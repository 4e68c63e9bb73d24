"""Record linkage in the product: trained model versions, linking runs, each source record's link to a
person, the pairs sent for review and the reviewers' decisions.

The engine is `desist.core.linkage` (docs/linkage.md); `services.link_run` feeds it the stored source
records and writes what it decided here and in `people`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from desist.imports.models import SourceRecord


class LinkageModelVersion(models.Model):
    """One trained linkage model (Splink's settings with trained m and u). At most one is active: the
    one linking runs use. Versions are kept, so every link can say which model made it."""

    version = models.CharField(
        max_length=64, unique=True, help_text="A content hash of the trained parameters."
    )
    splink = models.JSONField(help_text="The model as desist.core.linkage.LinkageModel.to_json() writes it.")
    trained_at = models.DateTimeField()
    trained_on = models.PositiveIntegerField(help_text="Source records the model was trained on.")
    trained_by_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=False)

    class Meta:
        ordering = ["-trained_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="linkage_model_one_active"
            ),
        ]

    def __str__(self) -> str:
        return self.version

    def linkage_model(self) -> Any:
        """The stored model, ready for desist.core.linkage.link_records."""
        from desist.core.linkage import LinkageModel

        return LinkageModel.from_json(self.splink)


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    DONE = "done", "Finished"
    FAILED = "failed", "Failed"
    WAITING = "waiting", "Waiting for enough records"


class FailureKind(models.TextChoices):
    """Why a run failed, in words a user can act on; the technical detail stays in LinkRun.error."""

    LOCKED = (
        "locked",
        "The database was busy with other work (an import, most likely) for longer than linking could wait.",
    )
    INTERRUPTED = (
        "interrupted",
        "The task worker running it stopped before it finished (it was restarted or shut down).",
    )
    DATA = "data", "The records cannot be linked as they stand."
    ENGINE = "engine", "The linking engine stopped on these records."


class LinkRun(models.Model):
    """One run of record linkage over the stored source records, with what it did."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_by_name = models.CharField(
        max_length=150, help_text="Kept as text: the run outlives the account."
    )
    reason = models.CharField(
        max_length=200, blank=True, help_text="What started it: an import, a decision, a user."
    )
    model_version = models.ForeignKey(
        LinkageModelVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="runs"
    )
    link_threshold = models.FloatField(null=True, blank=True)
    review_threshold = models.FloatField(null=True, blank=True)
    incremental = models.BooleanField(default=True)
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.RUNNING)
    error = models.TextField(
        blank=True, help_text="The technical detail of a failure, for administrators only."
    )
    failure = models.CharField(
        max_length=12,
        choices=FailureKind.choices,
        blank=True,
        help_text="What kind of failure it was, for the pages to explain.",
    )
    note = models.TextField(
        blank=True, help_text="What users should know: why it waits, or what it left out."
    )
    attempt = models.PositiveSmallIntegerField(
        default=1, help_text="Which attempt at this linking this run was."
    )
    retry_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a failed run is tried again (empty: it is not retried on its own).",
    )
    task_id = models.CharField(
        max_length=36,
        blank=True,
        db_index=True,
        help_text="The background task that ran it, if any (a retried task runs again).",
    )
    records = models.PositiveIntegerField(default=0, help_text="Source records linked.")
    people_created = models.PositiveIntegerField(default=0)
    records_joined = models.PositiveIntegerField(
        default=0, help_text="Records newly joined to an existing person."
    )
    people_merged = models.PositiveIntegerField(
        default=0, help_text="Existing people found to be someone else."
    )
    records_split = models.PositiveIntegerField(
        default=0, help_text="Records that left their previous person."
    )
    sent_to_review = models.PositiveIntegerField(
        default=0, help_text="Pairs this run sent (or sent again) for review."
    )

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Linking run {self.pk} ({self.get_status_display()})"

    @property
    def explanation(self) -> str:
        """Why a failed run failed, in plain English (never the engine's own words)."""
        if self.status != RunStatus.FAILED:
            return ""
        return FailureKind(self.failure or FailureKind.ENGINE).label


class LinkRunBatch(models.Model):
    """An import batch whose records a run set out to link, and what became of them in that run."""

    run = models.ForeignKey(LinkRun, on_delete=models.CASCADE, related_name="batches")
    batch = models.ForeignKey("imports.ImportBatch", on_delete=models.CASCADE, related_name="link_runs")
    records = models.PositiveIntegerField(default=0, help_text="The batch's records this run linked.")
    people_created = models.PositiveIntegerField(default=0, help_text="New people the batch's records made.")
    records_joined = models.PositiveIntegerField(
        default=0, help_text="Records joined to a person already known."
    )
    sent_to_review = models.PositiveIntegerField(
        default=0, help_text="Pairs with a record of the batch sent for review."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "batch"], name="link_run_batch_unique")]

    def __str__(self) -> str:
        return f"Run {self.run_id}, batch {self.batch_id}"


class LinkOutcome(models.TextChoices):
    LINKED = "linked", "Linked automatically"
    REVIEW = "review", "Sent for review"
    NOT_LINKED = "not_linked", "Not linked"


class RecordLink(models.Model):
    """How the latest run placed one source record: its person, the weight of the link that put it
    there, the outcome band, and the model and run that decided it."""

    source_record = models.OneToOneField(SourceRecord, on_delete=models.CASCADE, related_name="link")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    match_weight = models.FloatField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=LinkOutcome.choices)
    model_version = models.ForeignKey(LinkageModelVersion, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(LinkRun, on_delete=models.PROTECT, related_name="links")

    def __str__(self) -> str:
        return f"{self.source_record} → person {self.person_id} ({self.outcome})"


class PairStatus(models.TextChoices):
    OPEN = "open", "Waiting for review"
    DECIDED = "decided", "Decided"
    SETTLED = "settled", "Settled by a later run"


class ReviewPair(models.Model):
    """Two source records the model was unsure about (weight in the review band). `left` has the
    lower primary key, so a pair is stored once whichever way round the engine reports it."""

    left = models.ForeignKey(SourceRecord, on_delete=models.PROTECT, related_name="+")
    right = models.ForeignKey(SourceRecord, on_delete=models.PROTECT, related_name="+")
    match_weight = models.FloatField()
    match_probability = models.FloatField()
    agreement = models.JSONField(default=dict, help_text="Per comparison: {level, weight}.")
    status = models.CharField(max_length=8, choices=PairStatus.choices, default=PairStatus.OPEN)
    decision = models.CharField(
        max_length=12, blank=True, help_text="The decision in force (the latest), if any."
    )
    first_seen_run = models.ForeignKey(LinkRun, on_delete=models.PROTECT, related_name="+")
    last_seen_run = models.ForeignKey(LinkRun, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="review_pair_unique"),
            models.CheckConstraint(condition=Q(left__lt=models.F("right")), name="review_pair_ordered"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="review_pair_queue")]

    def __str__(self) -> str:
        return f"Pair {self.pk}: {self.left_id} and {self.right_id}"


class Decision(models.TextChoices):
    MATCH = "match", "Match: the same person"
    NOT_A_MATCH = "not_a_match", "Not a match: different people"
    UNSURE = "unsure", "Unsure"


class ReviewDecision(models.Model):
    """A reviewer's decision on a pair. Never deleted; the latest one on a pair is in force and
    overrides the model on every later run ("match": must link; "not a match": must not link)."""

    pair = models.ForeignKey(ReviewPair, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=12, choices=Decision.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewer_name = models.CharField(max_length=150)
    decided_at = models.DateTimeField(auto_now_add=True)
    blind = models.BooleanField(default=False, help_text="Decided with the model's weights hidden.")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} on pair {self.pair_id} by {self.reviewer_name}"
