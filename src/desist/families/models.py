"""Families and households, derived from shared addresses and declared relationships (docs/families.md),
with where agencies overlap and the Troubled Families criteria; and the school records those criteria read.

Family and FamilyMember rows are derived data: `families_refresh` replaces them as a whole. A family's id is
the smallest person id among its members, so it stays the same across refreshes while that member stays.
"""

from django.db import models
from django.db.models import F, Q

from desist.partnership.models import Agency, District
from desist.people.models import Person


class Family(models.Model):
    id = models.BigIntegerField(primary_key=True, help_text="The smallest person id among the members.")
    district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The district most members live in.",
    )
    member_count = models.PositiveIntegerField()
    agency_count = models.PositiveIntegerField(
        help_text="Agencies working with any member now or in the look-back."
    )
    generation_count = models.PositiveIntegerField()
    duplication = models.BooleanField(
        help_text="Two or more agencies working the same need at the same time."
    )
    intergenerational = models.BooleanField(
        help_text="Offending (or involvement) in two or more generations."
    )
    tf2012 = models.BooleanField("Troubled Families 2012", help_text="Meets the 2012 programme's criteria.")
    tf2015 = models.BooleanField(
        "Troubled Families 2015", help_text="Two or more of the 2015 programme's problems."
    )
    tf2015_problems = models.PositiveSmallIntegerField(default=0)
    findings = models.JSONField(
        default=dict, help_text="Households, flags and criteria, each with its evidence."
    )
    assessed_on = models.DateField()

    class Meta:
        verbose_name_plural = "families"
        indexes = [models.Index(fields=["-agency_count", "id"], name="family_rank")]

    def __str__(self) -> str:
        return f"Family {self.pk}"


class FamilyMember(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="members")
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="family_membership")
    generation = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1 is the oldest generation."
    )
    generation_basis = models.CharField(max_length=16, help_text="relationships, age or unknown")
    agency_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["generation", "person_id"]
        indexes = [models.Index(fields=["-agency_count", "person"], name="family_member_rank")]

    def __str__(self) -> str:
        return f"Person {self.person_id} in family {self.family_id}"


class SchoolRecord(models.Model):
    """A child's attendance and exclusions over three school terms, as the school or local authority
    shares them (Troubled Families 2012 criterion 2). Unauthorised absence is a percentage of sessions."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="school_records")
    period_start = models.DateField(help_text="First day of the first of the three terms.")
    period_end = models.DateField(help_text="Last day of the third term.")
    unauthorised_absence_percent = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    fixed_term_exclusions = models.PositiveSmallIntegerField(default=0)
    permanently_excluded = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-period_end"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")), name="school_record_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(unauthorised_absence_percent__isnull=True)
                | Q(unauthorised_absence_percent__gte=0, unauthorised_absence_percent__lte=100),
                name="school_record_absence_is_a_percentage",
            ),
        ]

    def __str__(self) -> str:
        return f"School record of person {self.person_id} to {self.period_end}"
