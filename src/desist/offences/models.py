"""Offence history: proven offences with their Home Office offence code, outcome and disposal."""

from django.db import models
from django.db.models import F, Q

from desist.people.models import Person


class OffenceCode(models.Model):
    """A Home Office offence code with its OGRS3 category (reference data, RULES.md §1)."""

    code = models.CharField(max_length=5, unique=True)
    category = models.PositiveSmallIntegerField()
    subcategory = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=255, blank=True)
    ogrs3_category = models.CharField(max_length=64, blank=True)
    ogrs3_weight = models.FloatField(null=True, blank=True)
    needs_details = models.BooleanField(
        default=False, help_text="The OGRS3 category depends on the exact offence: a user must choose it."
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.description or self.ogrs3_category}"


class Outcome(models.TextChoices):
    CONVICTION = "conviction", "Conviction"
    CAUTION = "caution", "Caution"


class Disposal(models.TextChoices):
    CUSTODY = "custody", "Custody"
    COMMUNITY = "community", "Community order"
    SUSPENDED = "suspended", "Suspended sentence order"
    FINE = "fine", "Fine"
    DISCHARGE = "discharge", "Discharge"
    OTHER = "other", "Other"
    # Mental Health Act 1983 s.37: not custody (proven reoffending counts from the court date), but it makes a
    # violent or sexual offence's victims eligible for the Victim Contact Scheme (RULES.md §7).
    HOSPITAL_ORDER = "hospital_order", "Hospital order"


class Offence(models.Model):
    """A proven offence. A conviction has a disposal; a caution has none."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="offences")
    offence_code = models.ForeignKey(OffenceCode, on_delete=models.PROTECT, related_name="+")
    offence_date = models.DateField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    outcome_date = models.DateField(help_text="The date the offence was proven (conviction or caution).")
    disposal = models.CharField(max_length=16, choices=Disposal.choices, blank=True)
    sentence = models.ForeignKey(
        "sentences.Sentence", null=True, blank=True, on_delete=models.SET_NULL, related_name="offences"
    )
    domestic_abuse = models.BooleanField(default=False)
    ogrs3_category = models.CharField(
        max_length=64,
        blank=True,
        help_text="Chosen by a user where the offence code alone does not decide the OGRS3 category.",
    )

    class Meta:
        ordering = ["-outcome_date", "-offence_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(offence_date__lte=F("outcome_date")), name="offence_before_outcome"
            ),
            models.CheckConstraint(
                condition=Q(outcome="caution", disposal="") | (Q(outcome="conviction") & ~Q(disposal="")),
                name="offence_disposal_matches_outcome",
            ),
        ]
        indexes = [models.Index(fields=["person", "-outcome_date"], name="offence_person_outcome")]

    def __str__(self) -> str:
        return f"{self.offence_code_id} on {self.offence_date}"
