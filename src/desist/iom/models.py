"""Integrated Offender Management: candidates scored by the partnership's matrix, panel decisions,
and the cohort with its strands, lead professionals and reviews (RULES.md §5)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from desist.partnership.models import Agency, District
from desist.people.models import Person
from desist.versioning import version_field


class Strand(models.TextChoices):
    FIXED = "fixed", "Fixed (neighbourhood crime)"
    FLEX = "flex", "Flex (local priorities)"
    FREE = "free", "Free (local discretion)"


class CohortSettings(models.Model):
    """The partnership's scoring matrix and cohort caps. One row; defaults from desist.core.iom."""

    lookback_days = models.PositiveIntegerField(default=1095)
    recency_bands = models.JSONField(
        default=list,
        blank=True,
        help_text="[[days, weight], …]: an offence no older than days counts weight.",
    )
    frequency_weight = models.FloatField(null=True, blank=True)
    gravity_weight = models.FloatField(null=True, blank=True)
    ogrs_weight = models.FloatField(null=True, blank=True)
    min_score = models.FloatField(null=True, blank=True)
    flex_categories = models.JSONField(
        default=list, blank=True, help_text="OGRS3 offence categories the partnership adds for Flex."
    )
    cap_fixed = models.PositiveIntegerField(default=300, help_text="Most people in the Fixed strand.")
    cap_flex = models.PositiveIntegerField(default=120)
    cap_free = models.PositiveIntegerField(default=60)
    cap_per_district = models.PositiveIntegerField(
        default=80, help_text="Most people in the cohort per district."
    )

    class Meta:
        verbose_name = verbose_name_plural = "cohort settings"

    def __str__(self) -> str:
        return "IOM cohort settings"

    def cap_for(self, strand: str) -> int:
        return {"fixed": self.cap_fixed, "flex": self.cap_flex, "free": self.cap_free}[strand]


class Panel(models.Model):
    """An IOM selection panel meeting. Candidates scored since the last one are shown as new."""

    held_on = models.DateField()
    district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Empty for a partnership-wide panel.",
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"IOM panel {self.held_on:%d %b %Y}" + (f" ({self.district})" if self.district else "")


class Candidacy(models.Model):
    """A person's current IOM score, refreshed whenever their record changes."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="iom_candidacy")
    score = models.FloatField(db_index=True)
    suggested_strand = models.CharField(max_length=8, choices=Strand.choices, blank=True)
    is_candidate = models.BooleanField(default=False)
    working = models.JSONField(default=list)
    missing = models.JSONField(default=list)
    candidate_since = models.DateField(null=True, blank=True)
    calculated_on = models.DateField()

    class Meta:
        verbose_name_plural = "candidacies"
        indexes = [models.Index(fields=["is_candidate", "-score"], name="candidacy_ranked")]

    def __str__(self) -> str:
        return f"IOM score {self.score} for person {self.person_id}"


class MembershipStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ADOPTED = "adopted", "Adopted"
    DECLINED = "declined", "Declined"
    DESELECTED = "deselected", "De-selected"


OPEN_STATUSES = (MembershipStatus.PROPOSED, MembershipStatus.ADOPTED)


class CohortMembership(models.Model):
    """One passage of a person through the panel: proposed, then adopted or declined; later de-selected."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="iom_memberships")
    status = models.CharField(
        max_length=16, choices=MembershipStatus.choices, default=MembershipStatus.PROPOSED
    )
    strand = models.CharField(max_length=8, choices=Strand.choices, blank=True)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    score_when_proposed = models.FloatField(null=True, blank=True)
    proposed_on = models.DateField()
    adopted_on = models.DateField(null=True, blank=True)
    review_date = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why declined or de-selected.")
    register_entry = models.OneToOneField(
        "registers.RegisterEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    version = version_field()

    class Meta:
        ordering = ["-proposed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["proposed", "adopted"]),
                name="cohort_one_open_membership",
            ),
            models.CheckConstraint(
                condition=~Q(status="adopted") | (Q(adopted_on__isnull=False) & ~Q(strand="")),
                name="cohort_adopted_has_date_and_strand",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["declined", "deselected"]) | ~Q(reason=""),
                name="cohort_decline_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "strand", "district"], name="cohort_size")]

    def __str__(self) -> str:
        return f"IOM {self.get_status_display()} for person {self.person_id}"


class LeadProfessional(models.Model):
    membership = models.ForeignKey(CohortMembership, on_delete=models.CASCADE, related_name="leads")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["membership", "agency"], name="lead_one_per_agency")]

    def __str__(self) -> str:
        return f"{self.user} for {self.agency}"


class DecisionKind(models.TextChoices):
    PROPOSED = "proposed", "Proposed to the panel"
    ADOPTED = "adopted", "Adopted into the cohort"
    DECLINED = "declined", "Declined"
    REVIEWED = "reviewed", "Reviewed"
    DESELECTED = "deselected", "De-selected"


class Decision(models.Model):
    """Every panel decision, kept as a history on the person's record."""

    membership = models.ForeignKey(CohortMembership, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=16, choices=DecisionKind.choices)
    decided_on = models.DateField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    panel = models.ForeignKey(
        Panel, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.decided_on}"
