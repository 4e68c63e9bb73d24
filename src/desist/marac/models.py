"""MARAC, the multi-agency risk assessment conference for victims of domestic abuse at high risk
(RULES.md §12, docs/marac.md): the victim as a restricted record, their SafeLives DASH checklists, referrals
to MARAC by one of SafeLives' three routes (repeats flagged), the perpetrator where they are in the caseload,
and each agency's actions until the meetings app takes them over. Only the roles that support victims see a
victim's details."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from desist.core.marac import DASH_QUESTION_COUNT, ROUTE_LABELS, Answer, Route
from desist.partnership.models import Agency, District
from desist.people.models import Person

ROUTE_CHOICES = [(str(k), v) for k, v in ROUTE_LABELS.items()]


class MaracVictim(models.Model):
    """A victim of domestic abuse referred to MARAC. Often not anyone in the caseload, so a record of its own,
    seen only by the roles that support victims (IDVA, MARAC coordinator, victim liaison)."""

    reference = models.CharField(max_length=40, unique=True, help_text="The MARAC's reference for the case.")
    name = models.CharField(max_length=120)
    date_of_birth = models.DateField(null=True, blank=True)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    safe_contact = models.CharField(
        max_length=300, blank=True, help_text="How and when the victim can be contacted safely."
    )
    idva = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="marac_victims",
        help_text="The IDVA supporting the victim.",
    )
    created_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return self.reference


def _validate_answers(value: object) -> None:
    if (
        not isinstance(value, list)
        or len(value) != DASH_QUESTION_COUNT
        or any(v not in {a.value for a in Answer} for v in value)
    ):
        raise ValidationError(f"The checklist holds {DASH_QUESTION_COUNT} answers of yes, no or not known.")


class DashAssessment(models.Model):
    """One completed SafeLives DASH risk identification checklist for a victim: the 24 answers in order and
    their score (the "yes" answers)."""

    victim = models.ForeignKey(MaracVictim, on_delete=models.CASCADE, related_name="assessments")
    answers = models.JSONField(validators=[_validate_answers])
    score = models.PositiveSmallIntegerField()
    assessed_on = models.DateField()
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=DASH_QUESTION_COUNT), name="marac_dash_score_range"
            )
        ]

    def __str__(self) -> str:
        return f"DASH {self.score} for {self.victim} on {self.assessed_on}"


class ReferralStatus(models.TextChoices):
    AWAITING = "awaiting", "Awaiting a MARAC meeting"
    HEARD = "heard", "Heard at MARAC"
    WITHDRAWN = "withdrawn", "Withdrawn"


class MaracReferral(models.Model):
    """A victim referred to MARAC by an agency, by one route (DASH score, professional judgement or
    escalation), for an incident; a repeat when the incident falls within the repeat window of the victim's
    last referral."""

    victim = models.ForeignKey(MaracVictim, on_delete=models.CASCADE, related_name="referrals")
    route = models.CharField(max_length=24, choices=ROUTE_CHOICES)
    incident_on = models.DateField(help_text="The incident that brought the referral.")
    referred_on = models.DateField()
    referring_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="marac_referrals")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    dash = models.ForeignKey(
        DashAssessment, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    dash_score = models.PositiveSmallIntegerField(null=True, blank=True)
    judgement_reason = models.TextField(blank=True)
    police_call_outs = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Police call-outs to the victim in the 12 months before the referral.",
    )
    is_repeat = models.BooleanField(default=False)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The victim's last referral, where this one is a repeat of it.",
    )
    perpetrator = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="marac_referrals"
    )
    perpetrator_linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.AWAITING)
    heard_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-referred_on", "-id"]
        constraints = [
            # Each route carries what SafeLives' criterion needs (the core checks the thresholds).
            models.CheckConstraint(
                condition=~Q(route=Route.DASH_SCORE) | Q(dash_score__gte=14),
                name="marac_referral_dash_route_has_score",
            ),
            models.CheckConstraint(
                condition=~Q(route=Route.PROFESSIONAL_JUDGEMENT) | ~Q(judgement_reason=""),
                name="marac_referral_judgement_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(route=Route.ESCALATION) | Q(police_call_outs__isnull=False),
                name="marac_referral_escalation_has_call_outs",
            ),
            models.CheckConstraint(
                condition=Q(incident_on__lte=models.F("referred_on")), name="marac_referral_incident_first"
            ),
        ]
        indexes = [
            models.Index(fields=["victim", "referred_on"], name="marac_referral_victim"),
            models.Index(fields=["status", "referred_on"], name="marac_referral_status"),
        ]

    def __str__(self) -> str:
        return f"MARAC referral {self.pk} ({self.get_route_display()})"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class MaracAction(models.Model):
    """What an agency agreed to do for the victim's safety, recorded on the referral (until the meetings app
    holds the meeting's actions)."""

    referral = models.ForeignKey(MaracReferral, on_delete=models.CASCADE, related_name="actions")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="marac_actions")
    text = models.CharField(max_length=500)
    due_on = models.DateField()
    status = models.CharField(max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_on__isnull=False), name="marac_action_closed_has_date"
            )
        ]

    def __str__(self) -> str:
        return self.text
