"""Registers and flags: MAPPA, domestic abuse, child concerns, IOM and others, with dates."""

from django.db import models
from django.db.models import F, Q

from desist.partnership.models import Agency
from desist.people.models import Person


class RegisterKind(models.TextChoices):
    MAPPA = "mappa", "MAPPA"
    DOMESTIC_ABUSE_PERPETRATOR = "domestic_abuse_perpetrator", "Domestic abuse perpetrator"
    CHILD_CONCERNS = "child_concerns", "Child concerns"
    CHILD_PROTECTION = "child_protection", "Child protection"
    RISK_TO_CHILDREN = "risk_to_children", "Risk to children"
    MENTAL_HEALTH = "mental_health", "Mental health issues"
    SELF_HARM = "self_harm", "Suicide or self-harm"
    VULNERABILITY = "vulnerability", "Vulnerability"
    PUBLIC_INTEREST = "public_interest", "Public interest"
    ADULT_AT_RISK = "adult_at_risk", "Adult at risk"
    STREET_GANGS = "street_gangs", "Street gangs"
    TERRORISM = "terrorism", "Terrorism"
    IOM = "iom", "Integrated Offender Management"
    ASB = "asb", "Anti-social behaviour"
    STALKING = "stalking", "Stalking"
    TROUBLED_FAMILY = "troubled_family", "Troubled family"


# Short labels for tags on lists.
REGISTER_TAGS = {
    RegisterKind.MAPPA: "MAPPA",
    RegisterKind.DOMESTIC_ABUSE_PERPETRATOR: "DA",
    RegisterKind.CHILD_CONCERNS: "Child concerns",
    RegisterKind.CHILD_PROTECTION: "Child protection",
    RegisterKind.RISK_TO_CHILDREN: "Risk to children",
    RegisterKind.MENTAL_HEALTH: "Mental health",
    RegisterKind.SELF_HARM: "Self-harm",
    RegisterKind.VULNERABILITY: "Vulnerable",
    RegisterKind.PUBLIC_INTEREST: "Public interest",
    RegisterKind.ADULT_AT_RISK: "Adult at risk",
    RegisterKind.STREET_GANGS: "Gangs",
    RegisterKind.TERRORISM: "Terrorism",
    RegisterKind.IOM: "IOM",
    RegisterKind.ASB: "ASB",
    RegisterKind.STALKING: "Stalking",
    RegisterKind.TROUBLED_FAMILY: "Troubled family",
}


class MappaCategory(models.IntegerChoices):
    REGISTERED_SEXUAL_OFFENDER = 1, "Category 1: registered sexual offender"
    VIOLENT_OFFENDER = 2, "Category 2: violent offender"
    OTHER_DANGEROUS_OFFENDER = 3, "Category 3: other dangerous offender"
    TERRORIST = 4, "Category 4: terrorist or terrorist-risk offender"


class MappaLevel(models.IntegerChoices):
    LEVEL_1 = 1, "Level 1: ordinary agency management"
    LEVEL_2 = 2, "Level 2: active multi-agency management"
    LEVEL_3 = 3, "Level 3: senior multi-agency management"


class RegisterEntry(models.Model):
    """A person is on a register from a date until an end date (open while current)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="registers")
    kind = models.CharField(max_length=32, choices=RegisterKind.choices)
    mappa_category = models.PositiveSmallIntegerField(choices=MappaCategory.choices, null=True, blank=True)
    mappa_level = models.PositiveSmallIntegerField(choices=MappaLevel.choices, null=True, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name_plural = "register entries"
        constraints = [
            models.CheckConstraint(
                # isnull=False too: IN on NULL is unknown, and a check only refuses a row that is false.
                condition=(
                    Q(
                        kind="mappa",
                        mappa_category__isnull=False,
                        mappa_level__isnull=False,
                        mappa_category__in=[1, 2, 3, 4],
                        mappa_level__in=[1, 2, 3],
                    )
                )
                | (~Q(kind="mappa") & Q(mappa_category__isnull=True, mappa_level__isnull=True)),
                name="register_mappa_has_category_and_level",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="register_dates_in_order",
            ),
        ]
        indexes = [models.Index(fields=["person", "kind", "end_date"], name="register_person_kind")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind == RegisterKind.MAPPA:
            return f"MAPPA C{self.mappa_category} L{self.mappa_level}"
        return REGISTER_TAGS.get(RegisterKind(self.kind), self.get_kind_display())
