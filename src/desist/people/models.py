"""People: one record per person, with names, identifiers, addresses, family and agency involvement."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from desist.partnership.models import Agency, District, Team


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    UNKNOWN = "unknown", "Not recorded"


class Gender(models.TextChoices):
    MAN = "man", "Man"
    WOMAN = "woman", "Woman"
    NON_BINARY = "non_binary", "Non-binary"
    OTHER = "other", "Other"
    NOT_STATED = "not_stated", "Not stated"


class Ethnicity(models.TextChoices):
    """Office for National Statistics 2021 census categories (England and Wales)."""

    A1 = "A1", "Asian or Asian British: Bangladeshi"
    A2 = "A2", "Asian or Asian British: Chinese"
    A3 = "A3", "Asian or Asian British: Indian"
    A4 = "A4", "Asian or Asian British: Pakistani"
    A5 = "A5", "Asian or Asian British: any other Asian background"
    B1 = "B1", "Black, Black British, Caribbean or African: African"
    B2 = "B2", "Black, Black British, Caribbean or African: Caribbean"
    B3 = "B3", "Black, Black British, Caribbean or African: any other Black background"
    M1 = "M1", "Mixed or multiple: White and Asian"
    M2 = "M2", "Mixed or multiple: White and Black African"
    M3 = "M3", "Mixed or multiple: White and Black Caribbean"
    M4 = "M4", "Mixed or multiple: any other mixed background"
    W1 = "W1", "White: English, Welsh, Scottish, Northern Irish or British"
    W2 = "W2", "White: Irish"
    W3 = "W3", "White: Gypsy or Irish Traveller"
    W4 = "W4", "White: Roma"
    W5 = "W5", "White: any other White background"
    O1 = "O1", "Other ethnic group: Arab"
    O2 = "O2", "Other ethnic group: any other ethnic group"
    NS = "NS", "Not stated"


class Person(models.Model):
    """The partnership's single record of a person, whichever agencies hold them."""

    first_name = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=200, blank=True)
    last_name = models.CharField(max_length=100)
    # Agencies' records sometimes lack a date of birth; the record is still the person.
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    gender = models.CharField(max_length=16, choices=Gender.choices, default=Gender.NOT_STATED)
    ethnicity = models.CharField(max_length=2, choices=Ethnicity.choices, default=Ethnicity.NS)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    phone = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Record linkage found this person to be another: their records moved there, and this id redirects.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name_plural = "people"
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="person_name"),
            models.Index(fields=["date_of_birth"], name="person_dob"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_names, self.last_name) if p)

    @property
    def sort_name(self) -> str:
        return f"{self.last_name.upper()}, {self.first_name}"


class NameKind(models.TextChoices):
    PRIMARY = "primary", "Name in use"
    ALIAS = "alias", "Alias"
    PREVIOUS = "previous_name", "Previous name"
    NICKNAME = "nickname", "Nickname"


class PersonName(models.Model):
    """Every name a person is known by, with the keys that make search tolerant of typos and
    nicknames (see desist.core.names). The primary name is kept here too so one index serves search."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    kind = models.CharField(max_length=16, choices=NameKind.choices)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    first_key = models.CharField(
        max_length=100, blank=True, help_text="First name, normalised to its canonical form."
    )
    # db_index on a CharField also gives PostgreSQL a pattern index, so prefix searches use it.
    last_key = models.CharField(max_length=100, db_index=True, help_text="Last name, normalised.")
    last_soundex = models.CharField(max_length=8)
    last_metaphone = models.CharField(max_length=32)

    class Meta:
        indexes = [
            models.Index(fields=["last_soundex"], name="personname_last_soundex"),
            models.Index(fields=["last_metaphone"], name="personname_last_metaphone"),
            models.Index(fields=["first_key"], name="personname_first_key"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.get_kind_display()})"


class IdentifierKind(models.TextChoices):
    PNC = "pnc", "PNC number"
    CRN = "crn", "Probation case reference (CRN)"
    PRISON_NUMBER = "prison_number", "Prison number"
    NHS_NUMBER = "nhs_number", "NHS number"
    NI_NUMBER = "ni_number", "National Insurance number"
    LOCAL = "local", "Local identifier"


class Identifier(models.Model):
    """An identifier issued by a national system, or by one agency (kind LOCAL, with its issuer)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=16, choices=IdentifierKind.choices)
    value = models.CharField(max_length=64, help_text="As issued, for display.")
    value_normalised = models.CharField(max_length=64, help_text="Upper case without spaces, for matching.")
    issuing_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "value_normalised"],
                condition=Q(issuing_agency__isnull=True),
                name="identifier_unique_national",
            ),
            models.UniqueConstraint(
                fields=["kind", "issuing_agency", "value_normalised"],
                condition=Q(issuing_agency__isnull=False),
                name="identifier_unique_local",
            ),
            models.CheckConstraint(
                condition=Q(kind="local", issuing_agency__isnull=False)
                | (~Q(kind="local") & Q(issuing_agency__isnull=True)),
                name="identifier_local_has_issuer",
            ),
        ]
        indexes = [models.Index(fields=["value_normalised"], name="identifier_value")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class Address(models.Model):
    """Where a person lived, from and to. The current address has no end date."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=10)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_date = models.DateField()
    to_date = models.DateField(null=True, blank=True)
    household_key = models.CharField(
        max_length=255,
        blank=True,
        db_index=True,
        help_text="Normalised address: people sharing it share a household.",
    )

    class Meta:
        ordering = ["-from_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_date__isnull=True) | Q(to_date__gte=F("from_date")),
                name="address_dates_in_order",
            )
        ]
        indexes = [models.Index(fields=["person", "-from_date"], name="address_person_from")]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line1, self.line2, self.town, self.postcode) if p)


class RelationshipKind(models.TextChoices):
    PARENT = "parent", "Parent"
    CHILD = "child", "Child"
    SIBLING = "sibling", "Sibling"
    PARTNER = "partner", "Partner"
    HOUSEHOLD_MEMBER = "household_member", "Household member"


INVERSE_RELATIONSHIP = {
    RelationshipKind.PARENT: RelationshipKind.CHILD,
    RelationshipKind.CHILD: RelationshipKind.PARENT,
    RelationshipKind.SIBLING: RelationshipKind.SIBLING,
    RelationshipKind.PARTNER: RelationshipKind.PARTNER,
    RelationshipKind.HOUSEHOLD_MEMBER: RelationshipKind.HOUSEHOLD_MEMBER,
}


class Relationship(models.Model):
    """`related_person` is `person`'s <kind>. Both directions are stored (see services)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    related_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    source_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "related_person", "kind"], name="relationship_unique"),
            models.CheckConstraint(condition=~Q(person=F("related_person")), name="relationship_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.related_person_id} is {self.person_id}'s {self.kind}"


class Involvement(models.Model):
    """An agency works with a person, for a reason, from a date, with a lead worker. Access to a
    person's record follows current involvement (see people.selectors.visible_people)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="involvements")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="involvements")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=200)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    lead_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="involvements",
    )

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="involvement_dates_in_order",
            )
        ]
        indexes = [
            models.Index(fields=["agency", "person", "end_date"], name="involvement_access"),
            models.Index(fields=["lead_worker", "end_date"], name="involvement_caseload"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} with {self.person_id} since {self.start_date}"


class PersonMerge(models.Model):
    """One person found to be another: everything that pointed at the absorbed person was moved to the
    person kept (people.merging). What moved is kept row by row, so the merge can be undone exactly (a
    split); an undone merge stays, marked undone, as history."""

    absorbed = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_out")
    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_in")
    merged_at = models.DateTimeField()
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_by_name = models.CharField(max_length=150, blank=True)
    reason = models.TextField(blank=True)
    # The linking run that decided it (linking.LinkRun), if any: an id, as linking depends on people.
    link_run_id = models.PositiveBigIntegerField(null=True, blank=True)
    # "app.model.field" -> pks of the rows moved from the absorbed person to the kept one.
    moved = models.JSONField(default=dict)
    # "app.model" -> {pk: {field: value before}}: fields changed so a row could move (a renumbered version).
    changed = models.JSONField(default=dict)
    # "app.model" -> rows removed because the kept person already held the same (every field, to restore).
    set_aside = models.JSONField(default=dict)
    # "app.model.field" -> [{"pk", "why"}]: rows left with the absorbed person because they could not move.
    left_behind = models.JSONField(default=dict)
    # People merged earlier into the absorbed person, now pointing at the person kept.
    repointed = models.JSONField(default=list)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_by_name = models.CharField(max_length=150, blank=True)
    undo_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(absorbed=F("kept")), name="person_merge_not_self"),
        ]

    def __str__(self) -> str:
        return f"Person {self.absorbed_id} merged into {self.kept_id}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None
