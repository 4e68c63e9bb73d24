"""The partnership's structure: districts, agencies, teams and who works for which agency."""

from django.conf import settings
from django.db import models


class AgencyKind(models.TextChoices):
    PROBATION = "probation", "Probation"
    POLICE = "police", "Police"
    PRISON = "prison", "Prison"
    COUNCIL_COMMUNITY_SAFETY = "council_community_safety", "Council community safety"
    HOUSING = "housing", "Housing"
    SOCIAL_CARE = "social_care", "Social care"
    HEALTH = "health", "Health"
    TREATMENT = "treatment", "Treatment provider"
    JOB_CENTRE = "job_centre", "Job centre"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    FIRE = "fire", "Fire and rescue"
    VOLUNTARY = "voluntary", "Voluntary sector"


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    MANAGER = "manager", "Manager"
    COORDINATOR = "coordinator", "Partnership coordinator"
    VICTIM_LIAISON = "victim_liaison", "Victim liaison officer"
    # MARAC (RULES.md §12): the coordinator runs referrals; the IDVA supports the victim. Both see victims.
    IDVA = "idva", "Independent domestic violence adviser (IDVA)"
    MARAC_COORDINATOR = "marac_coordinator", "MARAC coordinator"
    ANALYST = "analyst", "Performance analyst"
    ADMINISTRATOR = "administrator", "Administrator"


class District(models.Model):
    """A community safety partnership district (Kent and Medway has 13)."""

    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """A partner organisation whose staff use desist and whose records it holds."""

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=200)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="team_unique_name_per_agency")]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.name})"


class Membership(models.Model):
    """A user works for an agency in a role; access to people follows the agency."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.PRACTITIONER)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="membership_unique_user_agency")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.agency}"
