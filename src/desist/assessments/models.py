"""Assessments in the shape of OASys (sections 3 to 12, RoSH by audience, RSR) and the risk scores
desist calculates from them and from offence history, kept as a history so changes can be seen."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from desist.people.models import Person


class RoshLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


class NeedLevel(models.TextChoices):
    NONE = "none", "No need"
    STANDARD = "standard", "Standard need"
    SEVERE = "severe", "Severe need"


class Section(models.TextChoices):
    """OASys sections 3 to 12 (RULES.md §8), the ones with question scores."""

    ACCOMMODATION = "accommodation", "3. Accommodation"
    ETE = "ete", "4. Education, training and employability"
    FINANCE = "finance", "5. Financial management and income"
    RELATIONSHIPS = "relationships", "6. Relationships"
    LIFESTYLE = "lifestyle", "7. Lifestyle and associates"
    DRUGS = "drugs", "8. Drug misuse"
    ALCOHOL = "alcohol", "9. Alcohol misuse"
    EMOTIONAL_WELLBEING = "emotional_wellbeing", "10. Emotional well-being"
    THINKING_BEHAVIOUR = "thinking_behaviour", "11. Thinking and behaviour"
    ATTITUDES = "attitudes", "12. Attitudes"


class DcsrpBand(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


class AssessmentSource(models.TextChoices):
    OASYS = "oasys", "OASys (received)"
    DESIST = "desist", "Recorded in desist"


class Assessment(models.Model):
    """One dated assessment of a person. Later assessments get a higher version; none is changed."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assessments")
    version = models.PositiveIntegerField()
    assessed_on = models.DateField()
    source = models.CharField(
        max_length=16, choices=AssessmentSource.choices, default=AssessmentSource.DESIST
    )
    rosh_public = models.CharField(max_length=16, choices=RoshLevel.choices, blank=True)
    rosh_known_adult = models.CharField(max_length=16, choices=RoshLevel.choices, blank=True)
    rosh_children = models.CharField(max_length=16, choices=RoshLevel.choices, blank=True)
    rosh_staff = models.CharField(max_length=16, choices=RoshLevel.choices, blank=True)
    rsr_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Risk of serious recidivism, as received from OASys.",
    )
    # Predictors received from OASys (RULES.md §3b); the letter tier prefers them to desist's own.
    arp_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="All-reoffending predictor (ARP), as received.",
    )
    csrp_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Combined serious reoffending predictor (CSRP), as received.",
    )
    dcsrp_band = models.CharField(
        max_length=16,
        choices=DcsrpBand.choices,
        blank=True,
        default="",
        db_default="",
        help_text="Direct-contact sexual reoffending predictor band; blank: not applicable.",
    )
    dcsrp_score = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Direct-contact sexual reoffending predictor score (%).",
    )
    answers = models.JSONField(
        default=dict, blank=True, help_text="Item answers the predictors need (OGP, OVP, women's factors)."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["person", "version"], name="assessment_unique_version"),
            models.CheckConstraint(
                condition=Q(rsr_percent__isnull=True) | Q(rsr_percent__gte=0, rsr_percent__lte=100),
                name="assessment_rsr_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=Q(arp_percent__isnull=True) | Q(arp_percent__gte=0, arp_percent__lte=100),
                name="assessment_arp_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=Q(csrp_percent__isnull=True) | Q(csrp_percent__gte=0, csrp_percent__lte=100),
                name="assessment_csrp_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=Q(dcsrp_score__isnull=True) | Q(dcsrp_score__gte=0, dcsrp_score__lte=100),
                name="assessment_dcsrp_is_a_percentage",
            ),
        ]
        indexes = [models.Index(fields=["person", "-assessed_on"], name="assessment_person_date")]

    def __str__(self) -> str:
        return f"Assessment {self.version} of person {self.person_id} on {self.assessed_on}"

    @property
    def rosh_by_audience(self) -> dict[str, str]:
        return {
            audience: level
            for audience, level in (
                ("public", self.rosh_public),
                ("known_adult", self.rosh_known_adult),
                ("children", self.rosh_children),
                ("staff", self.rosh_staff),
            )
            if level
        }


class AssessmentSection(models.Model):
    """A section's question scores, its total and the need it shows (RULES.md §3a thresholds)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="sections")
    section = models.CharField(max_length=32, choices=Section.choices)
    question_scores = models.JSONField(default=list)
    score = models.PositiveSmallIntegerField()
    # Blank where RULES.md publishes no thresholds (finance, emotional well-being): scored, not graded.
    need = models.CharField(max_length=16, choices=NeedLevel.choices, blank=True)

    class Meta:
        ordering = ["assessment", "section"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "section"], name="assessment_section_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_section_display()}: {self.score} ({self.need})"


class ScoreKind(models.TextChoices):
    OGRS3 = "ogrs3", "OGRS3 (proven reoffending)"
    OGP = "ogp", "OGP (general reoffending)"
    OVP = "ovp", "OVP (violent reoffending)"
    RSR = "rsr", "RSR (serious recidivism)"
    ROSH = "rosh", "Risk of serious harm"
    TIER = "tier", "Tier"
    TIER_LETTER = "tier_letter", "Tier (single-letter model)"
    # The MoJ actuarial service's predictors, worked out by desist at the latest assessment (docs/risk.md).
    ARP = "arp", "ARP (all reoffending predictor)"
    SVRP = "svrp", "SVRP (serious violent reoffending predictor)"
    DCSRP = "dcsrp", "DC-SRP (direct contact sexual reoffending predictor)"
    IICSRP = "iicsrp", "IIC-SRP (images and indirect contact sexual reoffending predictor)"
    CSRP = "csrp", "CSRP (combined serious reoffending predictor)"


# Kinds whose value is a percentage to two decimal places.
PERCENT_KINDS = frozenset({"rsr", "arp", "svrp", "dcsrp", "iicsrp", "csrp"})


class RiskScore(models.Model):
    """A figure desist worked out (or received), with the inputs and the working behind it.

    A new row is written only when the inputs change, so the rows of one kind are the history of that
    figure; `is_current` marks the latest. When inputs are missing no figure is given, and `missing`
    says what is needed.
    """

    # No database foreign key: scores are derived data written a million rows at a time, and the
    # per-row key check was a third of the write cost (docs/decisions/0002). Django still cascades.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="risk_scores", db_constraint=False
    )
    kind = models.CharField(max_length=16, choices=ScoreKind.choices)
    calculated_at = models.DateTimeField(auto_now_add=True)
    as_of = models.DateField()
    one_year = models.PositiveSmallIntegerField(null=True, blank=True)
    two_year = models.PositiveSmallIntegerField(null=True, blank=True)
    band = models.CharField(max_length=16, blank=True)
    value = models.CharField(
        max_length=16, blank=True, help_text="A tier (B2), a RoSH level, or an RSR percentage."
    )
    inputs = models.JSONField(default=dict)
    working = models.JSONField(default=list, help_text="The calculation, line by line: [label, value].")
    missing = models.JSONField(default=list, help_text="What is needed before a figure can be given.")
    is_current = models.BooleanField(default=True)
    fingerprint = models.CharField(
        max_length=40,
        blank=True,
        help_text="A hash of inputs and figures: a recalculation that matches it changes nothing.",
    )

    class Meta:
        ordering = ["-calculated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"], condition=Q(is_current=True), name="riskscore_one_current_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for person {self.person_id}: {self.display}"

    @property
    def display(self) -> str:
        if self.missing:
            return "Not enough information"
        if self.two_year is not None:
            return f"{self.one_year}% / {self.two_year}%"
        if self.kind in PERCENT_KINDS and self.kind != ScoreKind.RSR:
            return f"{self.value}%"
        if self.kind == ScoreKind.TIER_LETTER and self.band == "provisional":
            return f"{self.value} (provisional)"  # hmpps-tier's provisional flag
        return self.value
