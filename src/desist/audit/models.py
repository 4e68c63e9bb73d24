"""The access log: an append-only record of every collection, consultation, alteration, disclosure,
combination and erasure of personal data (Data Protection Act 2018, s.62; RULES.md §11)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Action(models.TextChoices):
    COLLECTION = "collection", "Collection"
    CONSULTATION = "consultation", "Consultation"
    ALTERATION = "alteration", "Alteration"
    DISCLOSURE = "disclosure", "Disclosure"
    COMBINATION = "combination", "Combination"
    ERASURE = "erasure", "Erasure"
    DENIED = "denied", "Access refused"


class Channel(models.TextChoices):
    WEB = "web", "Web page"
    API = "api", "API"
    CLI = "cli", "Command line"
    IMPORT = "import", "Import"
    TASK = "task", "Background task"
    ADMIN = "admin", "Admin"


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an access log entry."""


class AccessLogEntry(models.Model):
    """One logged event. Never updated or deleted: the database refuses it too (see migration 0002).

    The person and user are kept as plain ids (no foreign key constraint) so that erasing a person or
    a user leaves the log whole, as s.62 needs.
    """

    # Set by log_access before the hash is worked out (auto_now_add would set it after).
    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True)
    agency_code = models.CharField(max_length=50, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.WEB)
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=255)
    purpose = models.CharField(max_length=64, blank=True)
    justification = models.TextField(blank=True)
    recipient = models.CharField(max_length=200, blank=True, help_text="Who the data was disclosed to.")
    detail = models.JSONField(
        default=dict, blank=True, help_text="What was seen, or the values before and after."
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)
    # Tamper evidence (desist.audit.chain): the entry's position in the chain, 1, 2, 3… without gaps, and
    # sha256 over the previous entry's hash, this position and the fields above.
    chain_seq = models.BigIntegerField(unique=True, editable=False)
    entry_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "access log entries"
        indexes = [
            models.Index(fields=["user", "-at"], name="accesslog_user_at"),
            models.Index(fields=["person_id", "-at"], name="accesslog_person_at"),
            models.Index(fields=["action", "-at"], name="accesslog_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.summary}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Access log entries cannot be changed.")
        if self.chain_seq is None:
            # Not sealed: only the chain (desist.audit.services.log_access, log_entries_append) adds entries,
            # so none can be stored outside it.
            raise AppendOnlyError(
                "Access log entries are added through log_access or log_entries_append "
                "(desist.audit.services), which chain them."
            )
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Access log entries cannot be deleted.")


class AccessLogChainHead(models.Model):
    """One row: the position and hash of the latest access log entry. Appends lock it, so concurrent
    writers never fork the chain, and it shows entries deleted from the end."""

    seq = models.BigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "access log chain head"

    def __str__(self) -> str:
        return f"{self.seq} {self.entry_hash}"


class AccessLogCheckpoint(models.Model):
    """Where the access log's chain starts once its oldest entries have been trimmed (retention: the
    access-log rule): the last trimmed entry's position and hash, how many went and their dates, signed
    (HMAC-SHA256, DESIST_ACCESS_LOG_KEY) and chained to the checkpoint before. Never updated or deleted:
    the database refuses it too (migration 0004). desist.audit.chain verifies them."""

    created_at = models.DateTimeField(default=timezone.now)
    first_seq = models.BigIntegerField(help_text="The first chain position trimmed.")
    last_seq = models.BigIntegerField(unique=True, help_text="The last chain position trimmed.")
    last_hash = models.CharField(max_length=64, help_text="The hash of the last entry trimmed.")
    trimmed = models.BigIntegerField(help_text="How many entries were trimmed.")
    first_at = models.DateTimeField(help_text="When the oldest entry trimmed was written.")
    last_at = models.DateTimeField(help_text="When the newest entry trimmed was written.")
    rule = models.CharField(max_length=60, help_text="The retention rule that trimmed them.")
    previous_signature = models.CharField(max_length=64, blank=True)
    signature = models.CharField(max_length=64)

    class Meta:
        ordering = ["last_seq"]

    def __str__(self) -> str:
        return f"positions {self.first_seq} to {self.last_seq} trimmed {self.created_at:%Y-%m-%d}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Access log checkpoints cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Access log checkpoints cannot be deleted.")
