"""Information governance as data (issue 16, items 1 to 4): sharing agreements between the partnership's
agencies, consent where an agreement rests on it, restricted and excluded cases, and break-glass emergency
access with the data protection officer's review. The rules are in desist.core.sharing."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from desist.core import sharing as rules
from desist.partnership.models import AgencyKind


class LawfulBasis(models.TextChoices):
    LAW_ENFORCEMENT = rules.LAW_ENFORCEMENT, rules.LAWFUL_BASES[rules.LAW_ENFORCEMENT]
    PUBLIC_TASK = rules.PUBLIC_TASK, rules.LAWFUL_BASES[rules.PUBLIC_TASK]
    LEGAL_OBLIGATION = rules.LEGAL_OBLIGATION, rules.LAWFUL_BASES[rules.LEGAL_OBLIGATION]
    VITAL_INTERESTS = rules.VITAL_INTERESTS, rules.LAWFUL_BASES[rules.VITAL_INTERESTS]
    CONSENT = rules.CONSENT, rules.LAWFUL_BASES[rules.CONSENT]


class SharingAgreement(models.Model):
    """An information sharing agreement: the recipients (an agency kind, or one agency, and optionally only
    some roles there) may see these categories of the people their agency works with, for these purposes, on
    this lawful basis, between these dates. Approved by a named person; reviewed by the review date."""

    reference = models.SlugField(max_length=50, unique=True)
    title = models.CharField(max_length=200)
    recipient_kind = models.CharField(max_length=32, choices=AgencyKind.choices, blank=True)
    recipient_agency = models.ForeignKey(
        "partnership.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="agreements"
    )
    recipient_roles = models.JSONField(default=list, blank=True, help_text="Roles; empty for every role.")
    categories = models.JSONField(default=list, help_text="Categories of data shared (desist.core.sharing).")
    purposes = models.JSONField(default=list, blank=True, help_text="Purposes; empty for every purpose.")
    lawful_basis = models.CharField(max_length=16, choices=LawfulBasis.choices)
    special_condition = models.CharField(
        max_length=200,
        blank=True,
        help_text="For health and other special category data: the Article 9 "
        "condition or the DPA 2018 Schedule 8 condition relied on.",
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    review_date = models.DateField()
    approved_by = models.CharField(max_length=200, help_text="Who approved it, and in which role.")
    approved_on = models.DateField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(recipient_kind="") | models.Q(recipient_agency__isnull=False),
                name="sharingagreement_has_recipient",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="sharingagreement_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def recipient_label(self) -> str:
        who = self.recipient_agency.name if self.recipient_agency else self.get_recipient_kind_display()
        if self.recipient_roles:
            who += f" ({', '.join(str(r).replace('_', ' ') for r in self.recipient_roles)})"
        return who

    @property
    def category_labels(self) -> list[str]:
        return [rules.CATEGORIES.get(c, c) for c in self.categories]

    def as_grant(self) -> rules.Grant:
        return rules.Grant(
            agreement_id=self.pk,
            categories=frozenset(self.categories),
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            recipient_kind=self.recipient_kind,
            recipient_agency_id=self.recipient_agency_id,
            recipient_roles=frozenset(self.recipient_roles),
            purposes=frozenset(self.purposes),
            basis=self.lawful_basis,
        )


class Consent(models.Model):
    """A person's consent to an agency (voluntary services) seeing some categories of their record, where an
    agreement's basis is consent. Withdrawn at once: a withdrawn consent no longer shares anything."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="consents")
    agency = models.ForeignKey("partnership.Agency", on_delete=models.PROTECT, related_name="consents")
    categories = models.JSONField(default=list)
    scope = models.TextField(help_text="What the person agreed to, in the words recorded with them.")
    purposes = models.JSONField(
        default=list,
        blank=True,
        help_text="The purposes it covers (settings.DESIST_PURPOSES); empty for any.",
    )
    given_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-given_on", "-pk"]
        indexes = [models.Index(fields=["person", "agency"], name="consent_person_agency")]

    def __str__(self) -> str:
        return f"Consent of person {self.person_id} to {self.agency}"


class RestrictionKind(models.TextChoices):
    RESTRICTED = "restricted", "Restricted to named users"
    EXCLUDED = "excluded", "Excludes a named user"


class CaseRestriction(models.Model):
    """As nDelius: a case restricted to named users (everyone else refused), or excluding a named user (for
    example staff who know the person). Refused users are told whom to contact."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="restrictions")
    kind = models.CharField(max_length=16, choices=RestrictionKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=255)
    contact = models.CharField(max_length=255, help_text="Whom a refused user should contact.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["person", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "user"],
                condition=models.Q(ended_at__isnull=True),
                name="caserestriction_one_open_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: person {self.person_id}, {self.user}"


class ReviewOutcome(models.TextChoices):
    JUSTIFIED = "justified", "Justified"
    NOT_JUSTIFIED = "not_justified", "Not justified: raised with the user's manager"
    BREACH = "breach", "Not justified: reported as a personal data breach"


class EmergencyAccess(models.Model):
    """A break-glass use: a user opened a record they would otherwise be refused, giving a justification, for
    a limited time (DESIST_BREAK_GLASS_MINUTES). Every use waits for the data protection officer's review."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="emergency_uses")
    justification = models.TextField()
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    outcome = models.CharField(max_length=16, choices=ReviewOutcome.choices, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "expires_at"], name="emergency_user_expires")]
        permissions = [("act_as_dpo", "Act as the data protection officer")]

    def __str__(self) -> str:
        return f"Break-glass by {self.user} on person {self.person_id}"
