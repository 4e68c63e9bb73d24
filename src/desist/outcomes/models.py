"""What happened during supervision that the basket of measures reads: accommodation and employment status at
the start of supervision, at release and at its end, and enforcement (warnings and breaches, RULES.md §9).

Each record is dated and belongs to a sentence, so a measure can say at which stage of which order or licence
it was recorded.
"""

from django.db import models

from desist.people.models import Person
from desist.sentences.models import Sentence


class Stage(models.TextChoices):
    START = "start", "Start of supervision"
    RELEASE = "release", "Release from custody"
    TERMINATION = "termination", "End of supervision"


class AccommodationKind(models.TextChoices):
    OWN_HOME = "own_home", "Own home or tenancy"
    FAMILY_FRIENDS = "family_friends", "With family or friends (long-term)"
    SUPPORTED = "supported", "Supported housing"
    APPROVED_PREMISES = "approved_premises", "Approved premises"
    TEMPORARY = "temporary", "Temporary accommodation"
    SOFA_SURFING = "sofa_surfing", "Sofa surfing"
    ROUGH_SLEEPING = "rough_sleeping", "Rough sleeping"
    NO_FIXED_ABODE = "no_fixed_abode", "No fixed abode"


# Settled accommodation, as the basket counts it (docs/measures.md): the one place this is decided.
SETTLED = frozenset(
    {AccommodationKind.OWN_HOME, AccommodationKind.FAMILY_FRIENDS, AccommodationKind.SUPPORTED}
)


class EmploymentKind(models.TextChoices):
    EMPLOYED = "employed", "Employed"
    SELF_EMPLOYED = "self_employed", "Self-employed"
    TRAINING = "training", "In training"
    EDUCATION = "education", "In education"
    UNEMPLOYED = "unemployed", "Unemployed"
    NOT_AVAILABLE = "not_available", "Not available for work (illness, caring, retired)"


# In employment, training or education (ETE), as the basket counts it.
IN_ETE = frozenset(
    {EmploymentKind.EMPLOYED, EmploymentKind.SELF_EMPLOYED, EmploymentKind.TRAINING, EmploymentKind.EDUCATION}
)


class AccommodationStatus(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="accommodation_statuses")
    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="accommodation_statuses")
    stage = models.CharField(max_length=16, choices=Stage.choices)
    recorded_on = models.DateField()
    kind = models.CharField(max_length=24, choices=AccommodationKind.choices)

    class Meta:
        ordering = ["sentence", "stage", "-recorded_on"]
        verbose_name_plural = "accommodation statuses"
        indexes = [models.Index(fields=["sentence", "stage"], name="accommodation_sentence_stage")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.get_stage_display().lower()} ({self.recorded_on})"

    @property
    def is_settled(self) -> bool:
        return self.kind in SETTLED


class EmploymentStatus(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="employment_statuses")
    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="employment_statuses")
    stage = models.CharField(max_length=16, choices=Stage.choices)
    recorded_on = models.DateField()
    kind = models.CharField(max_length=24, choices=EmploymentKind.choices)

    class Meta:
        ordering = ["sentence", "stage", "-recorded_on"]
        verbose_name_plural = "employment statuses"
        indexes = [models.Index(fields=["sentence", "stage"], name="employment_sentence_stage")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.get_stage_display().lower()} ({self.recorded_on})"

    @property
    def in_ete(self) -> bool:
        return self.kind in IN_ETE


class EnforcementKind(models.TextChoices):
    WARNING = "warning", "Warning"
    BREACH = "breach", "Breach (referred for enforcement)"


class EnforcementAction(models.Model):
    """A warning or a referral for breach after an unacceptable failure to comply (RULES.md §9)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enforcement_actions")
    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="enforcement_actions")
    kind = models.CharField(max_length=16, choices=EnforcementKind.choices)
    action_date = models.DateField()
    reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-action_date"]
        indexes = [models.Index(fields=["action_date"], name="enforcement_action_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.action_date}"
