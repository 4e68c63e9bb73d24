"""Compliance and enforcement (issue 14, items 3 and 4; RULES.md §9): failures to comply and their judgement,
warnings with their letter, referrals for enforcement (breach action) to the court's outcome, recall
recommendations and decisions on a licence, and the progress of community requirements (unpaid work hours,
RAR days, programme sessions, treatment and drug tests) with their completion or termination."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from desist.people.models import Person
from desist.release.models import Recall
from desist.sentences.models import LicenceCondition, Requirement, Sentence
from desist.supervision.models import Appointment


class Judgement(models.TextChoices):
    PENDING = "pending", "Awaiting judgement"
    ACCEPTABLE = "acceptable", "Acceptable"
    UNACCEPTABLE = "unacceptable", "Unacceptable"


class Failure(models.Model):
    """A failure to comply with an order's requirement or a licence condition (a missed appointment, a curfew
    broken), judged acceptable (with the reason and evidence) or unacceptable."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="failures")
    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="failures")
    requirement = models.ForeignKey(
        Requirement, null=True, blank=True, on_delete=models.SET_NULL, related_name="failures"
    )
    licence_condition = models.ForeignKey(
        LicenceCondition, null=True, blank=True, on_delete=models.SET_NULL, related_name="failures"
    )
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="failures"
    )
    occurred_on = models.DateField()
    description = models.CharField(max_length=300)
    judgement = models.CharField(max_length=16, choices=Judgement.choices, default=Judgement.PENDING)
    reason = models.TextField(blank=True)
    evidence = models.TextField(blank=True)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    judged_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["person", "-occurred_on"], name="failure_person_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(judgement="pending") | ~Q(reason=""), name="failure_judged_with_reason"
            )
        ]

    def __str__(self) -> str:
        return f"Failure on {self.occurred_on}: {self.description[:60]}"


class EnforcementWarning(models.Model):
    """A warning for an unacceptable failure (Sentencing Act 2020 Sch 10 para 5): its letter says that
    another failure within 12 months can bring the person back to court."""

    failure = models.OneToOneField(Failure, on_delete=models.CASCADE, related_name="warning")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enforcement_warnings")
    issued_on = models.DateField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"Warning of {self.issued_on}"


class CourtOutcome(models.TextChoices):
    CONTINUED = "continued", "Order continued"
    AMENDED = "amended", "Order amended (more onerous requirements)"
    FINE = "fine", "Fine, order continued"
    REVOKED_RESENTENCED = "revoked_resentenced", "Order revoked and resentenced"
    SUSPENDED_ACTIVATED = "suspended_activated", "Suspended sentence activated"
    NOT_PROVEN = "not_proven", "Breach not proven: no action"
    WITHDRAWN = "withdrawn", "Withdrawn"


class EnforcementReferral(models.Model):
    """A referral for enforcement (breach action), tracked to the court's outcome."""

    failure = models.OneToOneField(Failure, on_delete=models.CASCADE, related_name="referral")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enforcement_referrals")
    referred_on = models.DateField()
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    court_date = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=24, choices=CourtOutcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-referred_on", "-id"]

    def __str__(self) -> str:
        return f"Referral for enforcement of {self.referred_on}"


class RecallKind(models.TextChoices):
    STANDARD = "standard", "Standard recall"
    FIXED_TERM = "fixed_term", "Fixed-term recall"


class RecallDecision(models.TextChoices):
    PENDING = "pending", "Awaiting decision"
    RECALLED = "recalled", "Recall agreed"
    REFUSED = "refused", "Recall refused"


class RecallRecommendation(models.Model):
    """A recommendation to recall a person from licence, and the decision on it. A recall agreed is recorded
    through the release app's recall (desist.release.services.recall_record), which works the dates out."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="recall_recommendations")
    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="recall_recommendations")
    failure = models.ForeignKey(
        Failure, null=True, blank=True, on_delete=models.SET_NULL, related_name="recall_recommendations"
    )
    recommended_on = models.DateField()
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=RecallKind.choices)
    reason = models.TextField()
    decision = models.CharField(max_length=16, choices=RecallDecision.choices, default=RecallDecision.PENDING)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.TextField(blank=True)
    recall = models.OneToOneField(
        Recall, null=True, blank=True, on_delete=models.SET_NULL, related_name="recommendation"
    )

    class Meta:
        ordering = ["-recommended_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} recommended on {self.recommended_on}"


class ProgressKind(models.TextChoices):
    UNPAID_WORK = "unpaid_work", "Unpaid work"
    RAR_DAY = "rar_day", "Rehabilitation activity day"
    PROGRAMME_SESSION = "programme_session", "Programme session"
    TREATMENT = "treatment", "Treatment appointment attended"
    DRUG_TEST = "drug_test", "Drug test"


class DrugTestResult(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    POSITIVE = "positive", "Positive"
    REFUSED = "refused", "Refused"


class RequirementProgressEntry(models.Model):
    """One piece of progress on a requirement: hours of unpaid work on a day, a RAR day, a programme session,
    a treatment appointment attended, a drug test with its result."""

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="progress_entries")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="requirement_progress")
    kind = models.CharField(max_length=24, choices=ProgressKind.choices)
    on = models.DateField()
    amount = models.DecimalField(max_digits=5, decimal_places=2, default=1)
    result = models.CharField(max_length=16, choices=DrugTestResult.choices, blank=True)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="progress_amount_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on}"


class EndingKind(models.TextChoices):
    COMPLETED = "completed", "Completed"
    TERMINATED = "terminated", "Terminated"


class RequirementEnding(models.Model):
    """How a requirement ended: completed, or terminated (by the court, on revocation) with the reason."""

    requirement = models.OneToOneField(Requirement, on_delete=models.CASCADE, related_name="ending")
    kind = models.CharField(max_length=16, choices=EndingKind.choices)
    on = models.DateField()
    reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on}"
