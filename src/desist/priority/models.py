"""Membership of the partnership's priority groups, as dated periods (so measures can count who was in
a group on any past date). Derived from the record by desist.core.priority; never edited by hand."""

from datetime import date

from django.db import models
from django.db.models import F, Q

from desist.people.models import Person


class PriorityGroup(models.TextChoices):
    """The Kent and Medway plan's priority groups, plus MAPPA (issue 3)."""

    IOM = "iom", "IOM cohort"
    TROUBLED_FAMILY = "troubled_family", "Troubled family"
    YOUNG_PERSON = "young_person", "Young person (16 to 24)"
    WOMAN = "woman", "Woman offender"
    ASB_PERPETRATOR = "asb_perpetrator", "ASB perpetrator"
    DA_PERPETRATOR = "da_perpetrator", "Domestic abuse perpetrator"
    MAPPA = "mappa", "MAPPA"


class PriorityGroupMembership(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="priority_groups")
    group = models.CharField(max_length=32, choices=PriorityGroup.choices)
    start_date = models.DateField()
    end_date = models.DateField(
        null=True, blank=True, help_text="Last day in the group; empty while current."
    )
    basis = models.CharField(max_length=255, help_text="Why: the rule and the record it rests on.")

    class Meta:
        ordering = ["group", "-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "group", "start_date"], name="priority_membership_unique"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="priority_membership_dates_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["group", "start_date", "end_date"], name="priority_group_period"),
            models.Index(fields=["person", "group"], name="priority_person_group"),
        ]

    def __str__(self) -> str:
        return f"{self.get_group_display()} from {self.start_date}"

    def is_current(self, on: date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)
