"""The catalogue of services (provider, pathway, eligibility, capacity, response time), referrals to them with
their lifecycle and history, and the notices a provider gets when a referral's details change (issue 6, part
3)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from desist.assessments.models import RoshLevel
from desist.partnership.models import Agency
from desist.people.models import Person, Sex
from desist.priority.models import PriorityGroup
from desist.release.models import PATHWAY_CHOICES, PlanTask
from desist.versioning import version_field


def _check_list(value: object, allowed: list[str], what: str) -> None:
    if not isinstance(value, list) or any(v not in allowed for v in value):
        raise ValidationError(f"A list of {what}, each one of " + ", ".join(f'"{a}"' for a in allowed) + ".")


def validate_sexes(value: object) -> None:
    _check_list(value, list(Sex.values), "sexes")


def validate_risk_bands(value: object) -> None:
    _check_list(value, list(RoshLevel.values), "RoSH levels")


def validate_priority_groups(value: object) -> None:
    _check_list(value, list(PriorityGroup.values), "priority groups")


class CapacityUnit(models.TextChoices):
    PLACES = "places", "Places"
    SESSIONS = "sessions_per_week", "Sessions a week"


class Service(models.Model):
    """A service a provider agency offers on one resettlement pathway, with who it is for and how much of it
    there is. Empty eligibility lists mean anyone."""

    name = models.CharField(max_length=200, unique=True)
    provider = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="services")
    pathway = models.CharField(max_length=32, choices=PATHWAY_CHOICES)
    description = models.TextField(blank=True)
    sexes = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_sexes],
        help_text='Sexes it takes, e.g. ["female"]; empty: any.',
    )
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    risk_bands = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_risk_bands],
        help_text='RoSH levels it takes, e.g. ["low", "medium"]; empty: any.',
    )
    priority_groups = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_priority_groups],
        help_text="Priority groups, one of which the person must be in; empty: any.",
    )
    capacity = models.PositiveIntegerField(help_text="Places, or sessions a week.")
    unit = models.CharField(max_length=20, choices=CapacityUnit.choices, default=CapacityUnit.PLACES)
    response_days = models.PositiveSmallIntegerField(default=5, help_text="Days to acknowledge a referral.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["pathway", "name"]

    def __str__(self) -> str:
        return self.name


class ReferralStatus(models.TextChoices):
    MADE = "made", "Made"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    DECLINED = "declined", "Declined"
    WAITING = "waiting", "Accepted, waiting"
    STARTED = "started", "Started"
    COMPLETED = "completed", "Completed"
    ENDED = "ended", "Ended"


OPEN_STATUSES = (
    ReferralStatus.MADE,
    ReferralStatus.ACKNOWLEDGED,
    ReferralStatus.WAITING,
    ReferralStatus.STARTED,
)


class Outcome(models.TextChoices):
    ACHIEVED = "achieved", "Achieved"
    PARTLY = "partly", "Partly achieved"
    NOT_ACHIEVED = "not_achieved", "Not achieved"


class Referral(models.Model):
    """One person referred to one service for one need. Accepting puts it on the service's waiting list
    (status "waiting") until a place starts."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="referrals")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    need = models.CharField(max_length=32, choices=PATHWAY_CHOICES, help_text="The pathway need it meets.")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_by_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    made_on = models.DateField()
    made_at = models.DateTimeField(auto_now_add=True)
    detail = models.TextField(blank=True, help_text="What the provider needs to know.")
    plan_task = models.ForeignKey(
        PlanTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    status = models.CharField(max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.MADE)
    acknowledged_on = models.DateField(null=True, blank=True)
    accepted_on = models.DateField(null=True, blank=True)
    declined_on = models.DateField(null=True, blank=True)
    decline_reason = models.CharField(max_length=300, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)
    overdue_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the daily timer found it not acknowledged in the response time.",
    )

    version = version_field()

    # Not columns: set by selectors.with_sharing for the reader, the categories of the person this referral
    # holds that the reader's agency is not given (its need's, core.referrals.NEED_CATEGORIES), and in words.
    withheld: tuple[str, ...] = ()
    withheld_what: str = ""

    class Meta:
        ordering = ["-made_on", "-id"]
        constraints = [
            # One open referral per person and need (the service says so first, in words).
            models.UniqueConstraint(
                fields=["person", "need"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="referral_one_open_per_need",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""), name="referral_decline_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["service", "status"], name="referral_service_status"),
            models.Index(fields=["person", "status"], name="referral_person_status"),
        ]

    def __str__(self) -> str:
        return f"Referral of person {self.person_id} to {self.service}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class EventKind(models.TextChoices):
    MADE = "made", "Referral made"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    STARTED = "started", "Started"
    COMPLETED = "completed", "Completed"
    ENDED = "ended", "Ended"
    OVERDUE = "overdue", "Not acknowledged in time"
    CHANGED = "changed", "Details changed"


class ReferralEvent(models.Model):
    """The referral's history, one row a step."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    on = models.DateField()
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on}"


class ProviderNotice(models.Model):
    """What a provider is told: a change to the details of a referral they hold, or that one is overdue.
    Unread until someone at the provider marks it read (read_at, read_by)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="notices")
    provider = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    summary = models.CharField(max_length=300)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["provider", "read_at"], name="notice_provider_unread")]

    def __str__(self) -> str:
        return self.summary
