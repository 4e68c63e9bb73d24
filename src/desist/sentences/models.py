"""Sentences: custodial sentences with their release dates, community and suspended sentence orders
with requirements, licences with conditions, and the key dates derived from them."""

from django.db import models
from django.db.models import F, Q

from desist.partnership.models import Agency
from desist.people.models import Person
from desist.versioning import version_field


class SentenceKind(models.TextChoices):
    CUSTODY = "custody", "Custodial sentence"
    COMMUNITY_ORDER = "community_order", "Community order"
    SUSPENDED_SENTENCE_ORDER = "suspended_sentence_order", "Suspended sentence order"


class Sentence(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="sentences")
    kind = models.CharField(max_length=32, choices=SentenceKind.choices)
    sentence_date = models.DateField()
    length_days = models.PositiveIntegerField(help_text="Custodial term, or the length of the order.")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True, help_text="When a community or suspended order ends.")
    conditional_release_date = models.DateField(null=True, blank=True)
    release_date = models.DateField(
        null=True, blank=True, help_text="Actual release, or expected while in custody."
    )
    release_is_actual = models.BooleanField(default=False)
    licence_expiry_date = models.DateField(null=True, blank=True)
    sentence_expiry_date = models.DateField(
        null=True, blank=True, help_text="End of the sentence, including any post-sentence supervision."
    )
    establishment = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    terminated_date = models.DateField(
        null=True, blank=True, help_text="When an order ended early (revoked)."
    )
    # A database default too, so bulk loaders that leave the column out (COPY) still load.
    indeterminate = models.BooleanField(
        default=False,
        db_default=False,
        help_text="A life sentence or imprisonment for public protection (IPP): no fixed end.",
    )
    # The term as the court passed it (issue 12). All zero: the term is `length_days` days, as bulk loaders
    # and rows from before this field give it; the services keep `length_days` as the term's days from the
    # sentence date.
    term_years = models.PositiveSmallIntegerField(default=0, db_default=0)
    term_months = models.PositiveSmallIntegerField(default=0, db_default=0)
    term_weeks = models.PositiveSmallIntegerField(default=0, db_default=0)
    term_days = models.PositiveIntegerField(default=0, db_default=0)
    offence_date = models.DateField(
        null=True,
        blank=True,
        help_text="The (earliest) offence's date, when no offence is linked to the sentence.",
    )
    # Concurrent unless it follows another: PROTECT, as dropping the link would silently make it concurrent.
    consecutive_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="followed_by"
    )
    # Which of the date fields hold desist's own working (space-separated names) rather than the prison's
    # record: only these are rewritten when the dates are worked out again; a date the prison records wins.
    dates_calculated = models.CharField(max_length=200, blank=True, default="", db_default="")

    version = version_field()

    class Meta:
        ordering = ["-sentence_date"]
        constraints = [
            models.CheckConstraint(
                # Unless desist works the dates out and found it needs a manual calculation: never a wrong
                # date.
                condition=~Q(kind="custody")
                | Q(conditional_release_date__isnull=False)
                | ~Q(dates_calculated=""),
                name="sentence_custody_has_crd",
            ),
            models.CheckConstraint(
                condition=Q(kind="custody") | Q(start_date__isnull=False, end_date__isnull=False),
                name="sentence_order_has_dates",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="sentence_order_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(release_date__isnull=True) | Q(release_date__gte=F("sentence_date")),
                name="sentence_release_after_sentence",
            ),
            models.CheckConstraint(
                condition=Q(conditional_release_date__isnull=True)
                | Q(conditional_release_date__gte=F("sentence_date")),
                name="sentence_crd_after_sentence",
            ),
        ]
        indexes = [models.Index(fields=["person", "-sentence_date"], name="sentence_person_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.sentence_date}"

    @property
    def is_custodial(self) -> bool:
        return self.kind == SentenceKind.CUSTODY

    @property
    def term_as_passed(self) -> tuple[int, int, int, int]:
        """(years, months, weeks, days) as the court passed it; `length_days` days for rows without a term."""
        if self.term_years or self.term_months or self.term_weeks or self.term_days:
            return (self.term_years, self.term_months, self.term_weeks, self.term_days)
        return (0, 0, 0, self.length_days)

    @property
    def calculated_fields(self) -> set[str]:
        return set(self.dates_calculated.split())


class RequirementKind(models.TextChoices):
    """Community requirements under the Sentencing Act 2020 (RULES.md §9)."""

    UNPAID_WORK = "unpaid_work", "Unpaid work"
    RAR = "rar", "Rehabilitation activity"
    PROGRAMME = "programme", "Accredited programme"
    PROHIBITED_ACTIVITY = "prohibited_activity", "Prohibited activity"
    CURFEW = "curfew", "Curfew"
    EXCLUSION = "exclusion", "Exclusion"
    RESIDENCE = "residence", "Residence"
    FOREIGN_TRAVEL_PROHIBITION = "foreign_travel_prohibition", "Foreign travel prohibition"
    MHTR = "mhtr", "Mental health treatment"
    DRR = "drr", "Drug rehabilitation"
    ATR = "atr", "Alcohol treatment"
    AAMR = "aamr", "Alcohol abstinence and monitoring"
    ATTENDANCE_CENTRE = "attendance_centre", "Attendance centre"
    ELECTRONIC_MONITORING = "electronic_monitoring", "Electronic monitoring"


class RequirementStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    TERMINATED = "terminated", "Terminated"


class Requirement(models.Model):
    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="requirements")
    kind = models.CharField(max_length=32, choices=RequirementKind.choices)
    amount = models.PositiveIntegerField(null=True, blank=True)
    unit = models.CharField(max_length=16, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=RequirementStatus.choices, default=RequirementStatus.ACTIVE
    )

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="requirement_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        amount = f" {self.amount} {self.unit}" if self.amount else ""
        return f"{self.get_kind_display()}{amount}"


class ConditionKind(models.TextChoices):
    STANDARD = "standard", "Standard"
    ADDITIONAL = "additional", "Additional"


class LicenceCondition(models.Model):
    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="licence_conditions")
    kind = models.CharField(max_length=16, choices=ConditionKind.choices)
    code = models.CharField(max_length=32)
    description = models.TextField()
    # An ended condition is kept, dated, so the licence's history stays on the record.
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["sentence", "code"],
                condition=Q(ended_on__isnull=True),
                name="licence_condition_unique_code",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.description[:60]}"


class KeyDateKind(models.TextChoices):
    SENTENCE_START = "sentence_start", "Sentence starts"
    HDC_ELIGIBILITY = "hdc_eligibility", "Home detention curfew eligibility"
    CONDITIONAL_RELEASE = "conditional_release", "Conditional release date"
    RELEASE = "release", "Release"
    LICENCE_EXPIRY = "licence_expiry", "Licence expiry"
    SENTENCE_EXPIRY = "sentence_expiry", "Sentence expiry"
    ORDER_END = "order_end", "Order ends"


class KeyDate(models.Model):
    """A dated milestone derived from a sentence (see sentences.rules.key_dates_for). Kept as rows so a
    caseload can sort by the next key date in one indexed query."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="key_dates")
    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="key_dates")
    kind = models.CharField(max_length=32, choices=KeyDateKind.choices)
    date = models.DateField()

    class Meta:
        ordering = ["date"]
        indexes = [models.Index(fields=["person", "date"], name="keydate_person_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"
