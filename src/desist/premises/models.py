"""Accommodation places: premises (approved premises, hostels, supported housing) with their characteristics,
bed spaces, and bookings from expected arrival to departure with the move-on outcome (issue 6, part 4)."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from desist.partnership.models import Agency, District
from desist.people.models import Person
from desist.versioning import version_field


class PremisesKind(models.TextChoices):
    APPROVED_PREMISES = "approved_premises", "Approved premises"
    HOSTEL = "hostel", "Hostel"
    SUPPORTED_HOUSING = "supported_housing", "Supported housing"


class Premises(models.Model):
    """A building with bed spaces and what it is like; the flags are what a booking must fit."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=24, choices=PremisesKind.choices)
    provider = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="premises")
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    women_only = models.BooleanField(default=False)
    men_only = models.BooleanField(default=False)
    accepts_sexual_offences = models.BooleanField(
        default=False, help_text="Takes people convicted of a sexual offence or on the register."
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "premises"
        constraints = [
            models.CheckConstraint(
                condition=~(Q(women_only=True) & Q(men_only=True)), name="premises_not_both_single_sex"
            )
        ]

    def __str__(self) -> str:
        return self.name


class BedSpace(models.Model):
    premises = models.ForeignKey(Premises, on_delete=models.CASCADE, related_name="beds")
    name = models.CharField(max_length=40, help_text="Room or bed, as the premises call it.")
    step_free = models.BooleanField(default=False, help_text="Reachable without steps.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["premises", "id"]
        constraints = [models.UniqueConstraint(fields=["premises", "name"], name="bedspace_unique_name")]

    def __str__(self) -> str:
        return f"{self.premises}, {self.name}"


class BookingStatus(models.TextChoices):
    EXPECTED = "expected", "Expected"
    ARRIVED = "arrived", "Arrived"
    NOT_ARRIVED = "not_arrived", "Did not arrive"
    DEPARTED = "departed", "Departed"
    CANCELLED = "cancelled", "Cancelled"


# Bookings that hold their bed: from expected arrival up to (not including) departure.
HOLDING_STATUSES = (BookingStatus.EXPECTED, BookingStatus.ARRIVED, BookingStatus.DEPARTED)


class MoveOn(models.TextChoices):
    SETTLED = "settled", "Settled accommodation"
    SUPPORTED = "supported", "Supported housing"
    TEMPORARY = "temporary", "Temporary accommodation"
    NO_FIXED_ABODE = "nfa", "No fixed abode"
    CUSTODY = "custody", "Returned to custody"
    OTHER = "other", "Other"


class Booking(models.Model):
    """A bed held for a person. It holds the bed over [expected_arrival, end) where end is the departure if
    they have left, else the expected departure: a bed freed in the morning can be taken that day."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="bookings")
    bed = models.ForeignKey(BedSpace, on_delete=models.PROTECT, related_name="bookings")
    expected_arrival = models.DateField()
    expected_departure = models.DateField()
    needs_step_free = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=BookingStatus.choices, default=BookingStatus.EXPECTED)
    arrived_on = models.DateField(null=True, blank=True)
    non_arrival_reason = models.CharField(max_length=300, blank=True)
    departed_on = models.DateField(null=True, blank=True)
    move_on = models.CharField(max_length=16, choices=MoveOn.choices, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    booked_at = models.DateTimeField(auto_now_add=True)
    referral = models.ForeignKey(
        "referrals.Referral", null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )

    version = version_field()

    class Meta:
        ordering = ["expected_arrival", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_departure__gt=F("expected_arrival")),
                name="booking_departure_after_arrival",
            ),
            models.CheckConstraint(
                condition=Q(departed_on__isnull=True) | Q(departed_on__gte=F("expected_arrival")),
                name="booking_departed_after_arrival",
            ),
        ]
        indexes = [models.Index(fields=["bed", "expected_arrival"], name="booking_bed_arrival")]

    def __str__(self) -> str:
        return f"Booking of {self.bed} from {self.expected_arrival}"

    @property
    def holds_until(self) -> date:
        return self.departed_on or self.expected_departure
