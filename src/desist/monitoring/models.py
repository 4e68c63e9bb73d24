"""Electronic monitoring (issue 14, item 5): monitoring orders (curfew, exclusion zone, trail, alcohol)
tied to a requirement or a licence condition, the supplier's events imported from its feed (each once:
unique per supplier and dedupe key), the alert each violation raises for the responsible officer with its
response deadline and judgement, and each feed file imported with its counts and row-level errors."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from desist.core.monitoring import EVENT_LABELS
from desist.enforcement.models import Failure
from desist.people.models import Person
from desist.sentences.models import LicenceCondition, Requirement
from desist.supervision.models import Contact


class OrderKind(models.TextChoices):
    CURFEW = "curfew", "Curfew"
    EXCLUSION_ZONE = "exclusion_zone", "Exclusion zone"
    TRAIL = "trail", "Trail monitoring"
    ALCOHOL = "alcohol", "Alcohol monitoring"


EVENT_CHOICES = [(str(kind), label) for kind, label in EVENT_LABELS.items()]


class MonitoringOrder(models.Model):
    """What is monitored, with which supplier's device, under a requirement of an order or a licence
    condition (exactly one of the two)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="monitoring_orders")
    kind = models.CharField(max_length=16, choices=OrderKind.choices)
    requirement = models.ForeignKey(
        Requirement, null=True, blank=True, on_delete=models.PROTECT, related_name="monitoring_orders"
    )
    licence_condition = models.ForeignKey(
        LicenceCondition, null=True, blank=True, on_delete=models.PROTECT, related_name="monitoring_orders"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    curfew_start = models.TimeField(null=True, blank=True, help_text="Curfew from (local time).")
    curfew_end = models.TimeField(null=True, blank=True, help_text="Curfew until (local time).")
    curfew_days = models.CharField(
        max_length=7, blank=True, help_text="ISO weekdays the curfew starts on: 1 Monday .. 7 Sunday."
    )
    # Where the curfew is kept, for a device that sends location points: a point further than the radius
    # during curfew hours is a curfew violation (core.monitoring.trail_violations).
    home_latitude = models.FloatField(null=True, blank=True, help_text="The curfew address: latitude.")
    home_longitude = models.FloatField(null=True, blank=True, help_text="The curfew address: longitude.")
    home_radius_m = models.PositiveIntegerField(
        default=100, help_text="How far from the curfew address a location point may fall, in metres."
    )
    zone = models.JSONField(null=True, blank=True, help_text="The zone: a GeoJSON Polygon or MultiPolygon.")
    zone_name = models.CharField(max_length=120, blank=True)
    supplier = models.CharField(max_length=32)
    device_id = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["supplier", "device_id"], name="monitoring_order_device"),
            models.Index(fields=["person", "-start_date"], name="monitoring_order_person"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(requirement__isnull=False, licence_condition__isnull=True)
                | Q(requirement__isnull=True, licence_condition__isnull=False),
                name="monitoring_order_one_basis",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="monitoring_order_dates_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(kind="curfew") | Q(curfew_start__isnull=False, curfew_end__isnull=False),
                name="monitoring_curfew_has_hours",
            ),
            models.CheckConstraint(
                condition=Q(home_latitude__isnull=True, home_longitude__isnull=True)
                | Q(home_latitude__isnull=False, home_longitude__isnull=False),
                name="monitoring_home_both_or_neither",
            ),
            models.CheckConstraint(
                condition=~Q(kind="exclusion_zone") | Q(zone__isnull=False),
                name="monitoring_exclusion_has_zone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.start_date} ({self.supplier} {self.device_id})"


class FeedStatus(models.TextChoices):
    IMPORTED = "imported", "Imported"
    REFUSED = "refused", "Refused: nothing imported"


class FeedImport(models.Model):
    """One feed file: imported whole, or refused whole with its row-level errors."""

    supplier = models.CharField(max_length=32)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    file_format = models.CharField(max_length=8, blank=True)
    encoding = models.CharField(max_length=16, blank=True)
    status = models.CharField(max_length=16, choices=FeedStatus.choices)
    rows = models.PositiveIntegerField(default=0)
    events_added = models.PositiveIntegerField(default=0)
    events_already_held = models.PositiveIntegerField(default=0)
    duplicates_in_file = models.PositiveIntegerField(default=0)
    alerts_raised = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(
        default=list, blank=True, help_text="The first row-level errors: row, column, problem."
    )
    seconds = models.FloatField(default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.supplier} feed {self.file_name} ({self.get_status_display()})"


class MonitoringEvent(models.Model):
    """An event from the supplier's feed, held once whatever how often the feed repeats it."""

    # Indexed with the time below (monitoring_event_order), not alone: each index is paid for by a million
    # events an import.
    order = models.ForeignKey(
        MonitoringOrder, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    # The order's person and the feed, copied for the person's index and the report. Without a database
    # constraint: the order's own holds the person, and a million deferred checks each would double an
    # import's time (docs/monitoring.md); Django still cascades deletes.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    supplier = models.CharField(max_length=32)
    supplier_event_id = models.CharField(max_length=64, blank=True)
    dedupe_key = models.CharField(max_length=80)
    kind = models.CharField(max_length=24, choices=EVENT_CHOICES)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField()
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    feed = models.ForeignKey(
        FeedImport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "dedupe_key"], name="monitoring_event_once"),
        ]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="monitoring_event_person"),
            models.Index(fields=["order", "-occurred_at"], name="monitoring_event_order"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.occurred_at:%Y-%m-%d %H:%M}"


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    JUDGED = "judged", "Judged"


class AlertJudgement(models.TextChoices):
    PENDING = "pending", "Awaiting judgement"
    ACCEPTABLE = "acceptable", "Acceptable"
    UNACCEPTABLE = "unacceptable", "Unacceptable"


class Alert(models.Model):
    """A violation for the responsible officer to respond to by its deadline, and their judgement: an
    unacceptable one becomes a failure to comply (the enforcement app's)."""

    event = models.OneToOneField(MonitoringEvent, on_delete=models.CASCADE, related_name="alert")
    # The event's person, copied for the person's index; the event's order holds it (as on the event).
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    # Indexed with the status and deadline below (monitoring_alert_queue), as the queue reads it.
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    due_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    judgement = models.CharField(
        max_length=16, choices=AlertJudgement.choices, default=AlertJudgement.PENDING
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField()
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    judged_at = models.DateTimeField(null=True, blank=True)
    failure = models.ForeignKey(Failure, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["officer", "status", "due_at"], name="monitoring_alert_queue"),
            models.Index(fields=["person", "status"], name="monitoring_alert_person"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(judgement="pending") | (Q(status="judged") & ~Q(reason="")),
                name="monitoring_alert_judged_with_reason",
            )
        ]

    def __str__(self) -> str:
        return f"Alert {self.pk}: {self.event.get_kind_display() if self.event_id else ''}"
