"""Victim contact: victims with the least personal data the scheme needs, their links to offences, and the
notifications a victim liaison officer owes them (RULES.md §7). Only the victim liaison role sees any of
it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from desist.core.victims import EVENT_LABELS
from desist.offences.models import Offence
from desist.people.models import Person
from desist.sentences.models import Sentence
from desist.versioning import version_field


class ContactPreference(models.TextChoices):
    LETTER = "letter", "Letter"
    PHONE = "phone", "Telephone"
    EMAIL = "email", "Email"
    IN_PERSON = "in_person", "In person"
    THROUGH_SUPPORTER = "supporter", "Through a named supporter"


class Information(models.TextChoices):
    """What a victim has asked to be told."""

    RELEASE = "release", "Release dates, early release and Home Detention Curfew"
    LICENCE_CONDITIONS = "licence_conditions", "Licence conditions that concern them"
    KEY_STAGES = "key_stages", "Other key stages of the sentence"


def _validate_information(value: object) -> None:
    if not isinstance(value, list) or any(v not in Information.values for v in value):
        raise ValidationError(f"Choose from {', '.join(Information.values)}.")


class Victim(models.Model):
    """A victim known to the victim liaison unit. A reference is enough; a name only where they give one."""

    reference = models.CharField(max_length=40, unique=True, help_text="The victim liaison unit's reference.")
    name = models.CharField(max_length=120, blank=True)
    contact_preference = models.CharField(
        max_length=16, choices=ContactPreference.choices, default=ContactPreference.LETTER
    )
    liaison_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="victims"
    )
    opted_in = models.BooleanField(default=False, help_text="Has chosen to join the Victim Contact Scheme.")
    wants_to_know = models.JSONField(default=list, blank=True, validators=[_validate_information])
    created_on = models.DateField()
    version = version_field()

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return self.name or self.reference

    @property
    def wants_to_know_labels(self) -> list[str]:
        return [str(Information(v).label) for v in self.wants_to_know]


class VictimLink(models.Model):
    """A victim of a proven offence."""

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="links")
    offence = models.ForeignKey(Offence, on_delete=models.CASCADE, related_name="victim_links")
    linked_on = models.DateField()

    class Meta:
        ordering = ["victim", "id"]
        constraints = [models.UniqueConstraint(fields=["victim", "offence"], name="victim_link_once")]

    def __str__(self) -> str:
        return f"{self.victim} - offence {self.offence_id}"


EVENT_CHOICES = [(str(k), v) for k, v in EVENT_LABELS.items()]


class NotificationStatus(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    DONE = "done", "Done"


class NotificationOutcome(models.TextChoices):
    TOLD = "told", "Victim told"
    TOLD_REPRESENTATIONS = "representations", "Victim told and wants to make representations"
    NOT_REACHED = "not_reached", "Could not reach the victim (attempts recorded)"
    DECLINED = "declined", "Victim no longer wants to be told"


class VictimNotification(models.Model):
    """Something a victim must be told by the victim liaison officer, by a deadline before the event.

    Raised once per victim and event (`event_key`), however often the triggers and the daily job run."""

    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="notifications")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="victim_notifications")
    sentence = models.ForeignKey(Sentence, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    event_kind = models.CharField(max_length=24, choices=EVENT_CHOICES)
    event_date = models.DateField()
    event_key = models.CharField(max_length=80)
    summary = models.CharField(max_length=300)
    domestic_abuse = models.BooleanField(
        default=False,
        help_text="Raised because a domestic abuse perpetrator is released: always, whatever the scheme.",
    )
    deadline = models.DateField()
    short_notice = models.BooleanField(default=False)
    liaison_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="victim_notifications",
    )
    raised_on = models.DateField()
    raised_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=16, choices=NotificationStatus.choices, default=NotificationStatus.OUTSTANDING
    )
    outcome = models.CharField(max_length=16, choices=NotificationOutcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(fields=["victim", "event_key"], name="victim_notification_once"),
            # Nothing is closed without a recorded outcome.
            models.CheckConstraint(
                condition=Q(status="outstanding") | (~Q(outcome="") & Q(completed_on__isnull=False)),
                name="victim_notification_done_has_outcome",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="victim_notification_due")]

    def __str__(self) -> str:
        return self.summary
