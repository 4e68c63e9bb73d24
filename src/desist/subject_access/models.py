"""Subject access requests (UK GDPR Art. 15; DPA 2018 s.45): the request, its deadline, the export built for
it, the redactions a reviewer confirmed and the release."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Status(models.TextChoices):
    OPEN = "open", "Open"
    EXPORTED = "exported", "Export built, redactions to review"
    REVIEWED = "reviewed", "Redactions confirmed, ready to release"
    RELEASED = "released", "Released"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATUSES = (Status.OPEN, Status.EXPORTED, Status.REVIEWED)


class Regime(models.TextChoices):
    GDPR = "uk_gdpr", "UK GDPR Article 15 (general processing)"
    LAW_ENFORCEMENT = "dpa_part3", "DPA 2018 section 45 (law-enforcement processing)"


class SubjectAccessRequest(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    requester_name = models.CharField(
        max_length=200, help_text="Who asked: the person, or who acts for them."
    )
    requester_relation = models.CharField(
        max_length=100, blank=True, help_text="Blank when the person asked; else a solicitor, an advocate…"
    )
    regime = models.CharField(max_length=16, choices=Regime.choices, default=Regime.LAW_ENFORCEMENT)
    received_on = models.DateField()
    identity_verified_on = models.DateField(null=True, blank=True)
    identity_evidence = models.CharField(max_length=200, blank=True)
    extension_months = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.TextField(blank=True)
    due_on = models.DateField(db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    logged_at = models.DateTimeField(auto_now_add=True)
    # The export: what was gathered (the machine-readable form, redaction candidates marked) and when.
    exported_at = models.DateTimeField(null=True, blank=True)
    export = models.JSONField(default=dict, blank=True)
    # Redaction candidate ids a reviewer confirmed to redact; the others are released as they are.
    redactions = models.JSONField(default=list, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    released_on = models.DateField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    release_method = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(extension_months__lte=2), name="sar_extension_at_most_two_months"
            ),
        ]

    def __str__(self) -> str:
        return f"Subject access request {self.pk} (person {self.person_id}), due {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
