"""Retention: the schedule (one rule per kind of record, as data, with its source) and the tombstones left
by what it deleted (docs/retention.md)."""

from __future__ import annotations

from django.db import models


class RetentionRule(models.Model):
    """Keep records of one kind for a period after a trigger date; they may go on the day it ends."""

    kind = models.SlugField(max_length=60, unique=True, help_text="The rule's name, in tombstones and logs.")
    label = models.CharField(max_length=200)
    model = models.CharField(max_length=100, help_text="app_label.model, e.g. offences.offence.")
    date_field = models.CharField(max_length=60, help_text="The trigger date: a date field of the model.")
    condition = models.JSONField(
        default=dict, blank=True, help_text="Which records of the model the rule covers: field lookups."
    )
    per_person = models.BooleanField(
        default=False,
        help_text="The period runs from the person's latest record of this kind (MoPI's clear period).",
    )
    years = models.PositiveSmallIntegerField(default=0)
    months = models.PositiveSmallIntegerField(default=0)
    source = models.TextField(help_text="Where the period comes from.")
    review_group = models.CharField(
        max_length=40, blank=True, help_text="MoPI group, or the schedule's class."
    )
    partnership_choice = models.BooleanField(
        default=False, help_text="The period is the partnership's own choice, not a published figure."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["model", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(years__gt=0) | models.Q(months__gt=0), name="retention_rule_has_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.kind})"


class Tombstone(models.Model):
    """A record deleted by the schedule: its kind, number, the rule and the day. No personal data."""

    rule_kind = models.CharField(max_length=60)
    model = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    deleted_on = models.DateField()
    reached_on = models.DateField(help_text="The day the record reached the end of its period.")

    class Meta:
        ordering = ["-deleted_on", "model", "object_id"]
        indexes = [models.Index(fields=["model", "object_id"], name="tombstone_model_object")]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id} deleted {self.deleted_on} ({self.rule_kind})"
