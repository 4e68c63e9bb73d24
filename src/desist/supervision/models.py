"""Supervision (issue 14): the shared chronology of contacts every agency records on a person, appointments
with their outcomes, the practitioner's diary feed, and the probation reset (supervision contact suspended
while the rest of the licence goes on)."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from desist.partnership.models import Agency
from desist.people.models import Person
from desist.sentences.models import Sentence
from desist.versioning import version_field


class ContactKind(models.TextChoices):
    OFFICE_APPOINTMENT = "office_appointment", "Office appointment"
    HOME_VISIT = "home_visit", "Home visit"
    PHONE = "phone", "Phone contact"
    VIDEO = "video", "Video contact"
    MULTI_AGENCY = "multi_agency", "Multi-agency contact"
    CASE_NOTE = "case_note", "Case note"
    INFORMATION_RECEIVED = "information_received", "Information received"


class Sensitivity(models.TextChoices):
    """Who sees a contact besides the people who may see the person: the recording agency only, or the
    partnership."""

    SHARED = "shared", "Shared with the partnership"
    OWN_AGENCY = "own_agency", "Own agency only"


class AppointmentKind(models.TextChoices):
    OFFICE = "office", "Office appointment"
    HOME_VISIT = "home_visit", "Home visit"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video"


# The contact an appointment's outcome writes into the chronology.
CONTACT_KIND_OF_APPOINTMENT = {
    AppointmentKind.OFFICE: ContactKind.OFFICE_APPOINTMENT,
    AppointmentKind.HOME_VISIT: ContactKind.HOME_VISIT,
    AppointmentKind.PHONE: ContactKind.PHONE,
    AppointmentKind.VIDEO: ContactKind.VIDEO,
}


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    # Moved to another time: the new appointment points back at this one (rearranged_from).
    REARRANGED = "rearranged", "Rearranged"
    CANCELLED = "cancelled", "Cancelled"


class AppointmentOutcome(models.TextChoices):
    ATTENDED_COMPLIED = "attended_complied", "Attended and complied"
    FAILED_TO_ATTEND = "failed_to_attend", "Failed to attend"
    FAILED_TO_COMPLY = "failed_to_comply", "Attended but failed to comply"
    RESCHEDULED = "rescheduled", "Rescheduled"


# Outcomes that may start enforcement (RULES.md §9): the enforcement pages read these.
FAILURE_OUTCOMES = (AppointmentOutcome.FAILED_TO_ATTEND, AppointmentOutcome.FAILED_TO_COMPLY)


class Appointment(models.Model):
    """A practitioner's appointment with a person, booked by one agency. Its outcome, once recorded, is also
    a contact in the person's chronology."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="appointments")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=AppointmentKind.choices, default=AppointmentKind.OFFICE)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    purpose = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=16, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    status_reason = models.CharField(
        max_length=300, blank=True, help_text="Why it was rearranged or cancelled."
    )
    rearranged_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="rearranged_to"
    )
    # Booked while supervision contact was suspended (the probation reset): why it is still needed.
    suspension_reason = models.CharField(max_length=300, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    booked_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=24, choices=AppointmentOutcome.choices, blank=True)
    outcome_notes = models.TextField(blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Claimed by the reminder task before it sends, so a reminder goes once.
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    version = version_field()

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appointment_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status="booked") | ~Q(status_reason=""), name="appointment_change_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome_recorded_at__isnull=False),
                name="appointment_outcome_is_dated",
            ),
        ]
        indexes = [
            models.Index(fields=["practitioner", "starts_at"], name="appointment_diary"),
            models.Index(fields=["person", "-starts_at"], name="appointment_person_starts"),
            models.Index(
                fields=["starts_at"],
                condition=Q(status="booked", reminder_sent_at__isnull=True),
                name="appointment_reminder_due",
            ),
            # A manager's team queue (desist.workqueue): the agency's appointments in time order, and those
            # still waiting for an outcome, read from the start of the order and stopped after 1,001.
            models.Index(fields=["agency", "starts_at", "id"], name="appointment_agency_diary"),
            models.Index(
                fields=["agency", "starts_at", "id"],
                condition=Q(status="booked", outcome=""),
                name="appointment_outcome_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with person {self.person_id} at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_live(self) -> bool:
        """Booked, not moved or cancelled."""
        return self.status == AppointmentStatus.BOOKED

    @property
    def is_failure(self) -> bool:
        return self.outcome in FAILURE_OUTCOMES


class Contact(models.Model):
    """One entry in a person's chronology: a contact, an appointment's outcome, a case note or information
    received, recorded by one agency and seen by the partnership unless kept to that agency."""

    # Not indexed alone: the chronology index starts with the person.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts", db_index=False)
    kind = models.CharField(max_length=24, choices=ContactKind.choices)
    occurred_at = models.DateTimeField()
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    summary = models.CharField(max_length=200, help_text="What happened, in a line.")
    outcome = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    sensitivity = models.CharField(max_length=16, choices=Sensitivity.choices, default=Sensitivity.SHARED)
    # Set when an appointment's outcome wrote this contact.
    appointment = models.OneToOneField(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="contact"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(F("person"), F("occurred_at").desc(), F("id").desc(), name="contact_chronology"),
            models.Index(
                F("person"), F("agency"), F("occurred_at").desc(), F("id").desc(), name="contact_agency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_at:%Y-%m-%d}: {self.summary}"


class SupervisionSuspension(models.Model):
    """The probation reset: supervision contact on a licence is suspended from a date (until a date, or until
    resumed). Appointments stop being expected; electronic monitoring, programmes and enforcement go on."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="supervision_suspensions")
    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="supervision_suspensions")
    starts_on = models.DateField()
    ends_on = models.DateField(
        null=True, blank=True, help_text="The last day suspended; empty: until resumed."
    )
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resumed_at = models.DateTimeField(null=True, blank=True)

    version = version_field()

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="suspension_dates_in_order",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="suspension_has_reason"),
        ]
        indexes = [models.Index(fields=["person", "starts_on"], name="suspension_person_start")]

    def __str__(self) -> str:
        until = f" to {self.ends_on}" if self.ends_on else ""
        return f"Supervision contact suspended from {self.starts_on}{until}"

    def covers(self, day: date) -> bool:
        """Whether supervision contact is suspended on `day`."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class DiaryFeedToken(models.Model):
    """The secret in a practitioner's iCalendar feed address. Only its SHA-256 is kept; revoking it ends the
    feed, and a new one can be issued."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="diary_feed_one_live_token"
            )
        ]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "live"
        return f"Diary feed token of user {self.user_id} ({state})"
