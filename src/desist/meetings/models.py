"""The partnership's meetings (issue 15): series that meet at a cadence (MAPPA levels 2 and 3, MARAC, IOM
panels and the steering group, the strategy board), each meeting with its attendance by agency and person, its
agenda of case items with what was discussed and decided, its minutes and the actions it gave agencies. MAPPA
referrals and the cases managed at level 2 or 3 with their next review date feed the MAPPA agendas
(RULES.md §6). An agenda item names a person only where the series' business is a person in the caseload; a
MARAC series can hang its own referrals off an item the same way MAPPA's do."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from desist.partnership.models import Agency, District
from desist.people.models import Person
from desist.registers.models import MappaCategory


class SeriesKind(models.TextChoices):
    MAPPA_LEVEL_2 = "mappa_2", "MAPPA level 2"
    MAPPA_LEVEL_3 = "mappa_3", "MAPPA level 3"
    MARAC = "marac", "MARAC"
    IOM_PANEL = "iom_panel", "IOM panel"
    IOM_STEERING = "iom_steering", "IOM steering group"
    STRATEGY_BOARD = "strategy_board", "Strategy board"


# The MAPPA level a series manages at.
MAPPA_LEVEL_OF = {SeriesKind.MAPPA_LEVEL_2: 2, SeriesKind.MAPPA_LEVEL_3: 3}


class MeetingSeries(models.Model):
    """Meetings of one kind that recur at the cadence DESIST_MEETING_CADENCES sets for the kind; the member
    agencies are invited to each."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=SeriesKind.choices)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    chair_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    agencies = models.ManyToManyField(Agency, related_name="meeting_series", blank=True)
    place = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name_plural = "meeting series"

    def __str__(self) -> str:
        return self.name

    @property
    def mappa_level(self) -> int | None:
        return MAPPA_LEVEL_OF.get(SeriesKind(self.kind))

    @property
    def cadence(self) -> str:
        return str(settings.DESIST_MEETING_CADENCES.get(self.kind, "monthly"))


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(models.Model):
    """One meeting of a series: when and where, its agenda, attendance, minutes and actions."""

    series = models.ForeignKey(MeetingSeries, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    agenda_built_at = models.DateTimeField(null=True, blank=True)
    invitations_sent_at = models.DateTimeField(null=True, blank=True)
    minutes = models.TextField(blank=True, help_text="The meeting's general minutes; each case has its own.")
    minutes_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    minutes_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["series", "starts_at"], name="meeting_one_per_series_and_time"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"),
            models.CheckConstraint(
                condition=Q(minutes_recorded_at__isnull=True) | Q(minutes_recorded_by__isnull=False),
                name="meeting_minutes_have_a_recorder",
            ),
        ]
        indexes = [models.Index(fields=["series", "starts_at"], name="meeting_series_start")]

    def __str__(self) -> str:
        return f"{self.series.name}, {self.starts_at:%d %b %Y}"


class AttendanceStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"


class Attendance(models.Model):
    """An agency (and, where named, a person of it) invited to a meeting, and whether they came."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=AttendanceStatus.choices, default=AttendanceStatus.INVITED
    )
    invited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "agency"], condition=Q(user__isnull=True), name="attendance_agency_once"
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="attendance_person_once"
            ),
        ]
        indexes = [models.Index(fields=["agency", "status"], name="attendance_agency_status")]

    def __str__(self) -> str:
        return f"{self.agency} at {self.meeting_id}: {self.get_status_display()}"


class ReferralStatus(models.TextChoices):
    NEW = "new", "New"
    ACCEPTED = "accepted", "Accepted"
    NOT_ACCEPTED = "not_accepted", "Not accepted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class MappaReferral(models.Model):
    """A person referred for management at MAPPA level 2 or 3, by an agency, with the category and why."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mappa_referrals")
    level = models.PositiveSmallIntegerField(choices=[(2, "Level 2"), (3, "Level 3")])
    category = models.PositiveSmallIntegerField(choices=MappaCategory.choices)
    reason = models.TextField()
    referring_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referred_on = models.DateField()
    status = models.CharField(max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.NEW)

    class Meta:
        ordering = ["-referred_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=[2, 3]), name="mappa_referral_level_2_or_3"),
            models.CheckConstraint(condition=Q(category__in=[1, 2, 3, 4]), name="mappa_referral_category"),
        ]
        indexes = [models.Index(fields=["level", "status"], name="mappa_referral_level_status")]

    def __str__(self) -> str:
        return f"MAPPA referral to level {self.level} of person {self.person_id}"


class MappaCase(models.Model):
    """A person managed at MAPPA level 2 or 3: the level, the category and when they are next reviewed.
    Level 1 (ordinary agency management) ends the multi-agency review; the case is kept, closed."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="mappa_case")
    level = models.PositiveSmallIntegerField()
    category = models.PositiveSmallIntegerField(choices=MappaCategory.choices)
    next_review_on = models.DateField(null=True, blank=True)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(level__in=[1, 2, 3]), name="mappa_case_level"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=False) | Q(level__in=[2, 3], next_review_on__isnull=False),
                name="mappa_case_open_has_review",
            ),
        ]
        indexes = [models.Index(fields=["level", "next_review_on"], name="mappa_case_review_due")]

    def __str__(self) -> str:
        return f"MAPPA case of person {self.person_id} (level {self.level})"


class ItemKind(models.TextChoices):
    NEW_REFERRAL = "new_referral", "New referral"
    REVIEW = "review", "Review"
    OTHER = "other", "Other business"


class AgendaItem(models.Model):
    """One item on a meeting's agenda: a new referral, a case review, or other business; once heard, what was
    discussed, when the case is next reviewed and any change of level, with who recorded it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=ItemKind.choices)
    title = models.CharField(max_length=200)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="meeting_items"
    )
    mappa_referral = models.ForeignKey(
        MappaReferral, null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    # An IOM panel's item: the candidate before the panel or the cohort member due a review.
    iom_membership = models.ForeignKey(
        "iom.CohortMembership", null=True, blank=True, on_delete=models.PROTECT, related_name="meeting_items"
    )
    # A MARAC meeting's item: the referral heard (the victim shown only to the roles that support victims).
    marac_referral = models.ForeignKey(
        "marac.MaracReferral", null=True, blank=True, on_delete=models.PROTECT, related_name="meeting_items"
    )
    discussion = models.TextField(blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    level_before = models.PositiveSmallIntegerField(null=True, blank=True)
    level_after = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    # Not a column: set by selectors.agenda_shared for the reader, the categories of the item's person its
    # sections show that the reader's agency is not given (selectors.ITEM_SECTIONS).
    withheld: frozenset[str] = frozenset()

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_item_position_once"),
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=Q(person__isnull=False),
                name="agenda_item_person_once",
            ),
            models.CheckConstraint(
                condition=Q(recorded_at__isnull=True) | Q(recorded_by__isnull=False),
                name="agenda_item_recorded_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    @property
    def heard(self) -> bool:
        return self.recorded_at is not None


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class MeetingAction(models.Model):
    """Something a meeting asked an agency (and a person of it) to do by a date; its changes are kept."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="meeting_actions"
    )
    description = models.TextField()
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="meeting_actions")
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_actions",
    )
    due_on = models.DateField()
    status = models.CharField(max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    chased_on = models.DateField(null=True, blank=True, help_text="When the owner was last chased.")

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["owner_user", "status", "due_on"], name="meeting_action_owner"),
            models.Index(fields=["owner_agency", "status", "due_on"], name="meeting_action_agency"),
        ]

    def __str__(self) -> str:
        return f"Action {self.pk}: {self.description[:40]}"


class ActionChange(models.Model):
    """One change of an action's status, by whom and why: the action's history."""

    action = models.ForeignKey(MeetingAction, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status_before = models.CharField(max_length=16, choices=ActionStatus.choices, blank=True)
    status_after = models.CharField(max_length=16, choices=ActionStatus.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Action {self.action_id}: {self.status_before or 'new'} to {self.status_after}"


class SeriesFeedToken(models.Model):
    """The secret in a series' iCalendar feed address. Only its SHA-256 is kept; revoking it ends the feed."""

    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["series"], condition=Q(revoked_at__isnull=True), name="series_feed_one_live_token"
            )
        ]

    def __str__(self) -> str:
        return f"Feed token of series {self.series_id} ({'revoked' if self.revoked_at else 'live'})"
