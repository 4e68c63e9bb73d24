from datetime import date

from ninja import Schema


class DistrictOut(Schema):
    code: str
    name: str


class PersonSummaryOut(Schema):
    id: int
    first_name: str
    last_name: str
    date_of_birth: date | None
    sex: str
    district: DistrictOut | None


class CaseloadEntryOut(PersonSummaryOut):
    supervision_status: str
    next_key_date: date | None
    next_key_kind: str | None
    flags: list[str]


class NameOut(Schema):
    kind: str
    first_name: str
    last_name: str


class IdentifierOut(Schema):
    kind: str
    value: str
    issuing_agency: str | None


class AddressOut(Schema):
    line1: str
    line2: str
    town: str
    postcode: str
    district: str | None
    from_date: date
    to_date: date | None


class RelationshipOut(Schema):
    kind: str
    related_person_id: int
    related_person_name: str


class RegisterOut(Schema):
    kind: str
    label: str
    mappa_category: int | None
    mappa_level: int | None
    start_date: date
    end_date: date | None


class InvolvementOut(Schema):
    agency: str
    agency_kind: str
    reason: str
    start_date: date
    end_date: date | None
    lead_worker: str | None


class PersonOut(PersonSummaryOut):
    middle_names: str
    gender: str
    ethnicity: str
    supervision_status: str
    names: list[NameOut]
    identifiers: list[IdentifierOut]
    addresses: list[AddressOut]
    relationships: list[RelationshipOut]
    registers: list[RegisterOut]
    involvements: list[InvolvementOut]


class RequirementOut(Schema):
    kind: str
    amount: int | None
    unit: str
    start_date: date
    end_date: date | None
    status: str


class LicenceConditionOut(Schema):
    kind: str
    code: str
    description: str


class SentenceOut(Schema):
    id: int
    kind: str
    sentence_date: date
    length_days: int
    start_date: date | None
    end_date: date | None
    conditional_release_date: date | None
    release_date: date | None
    release_is_actual: bool
    licence_expiry_date: date | None
    sentence_expiry_date: date | None
    establishment: str | None
    terminated_date: date | None
    status_today: str
    requirements: list[RequirementOut]
    licence_conditions: list[LicenceConditionOut]


class ErrorOut(Schema):
    detail: str


class RiskScoreOut(Schema):
    kind: str
    one_year: int | None
    two_year: int | None
    band: str
    value: str
    missing: list[str]
    working: list[list[str]]
    as_of: date


class PriorityGroupOut(Schema):
    group: str
    start_date: date
    end_date: date | None
    basis: str


class RiskOut(Schema):
    scores: list[RiskScoreOut]
    priority_groups: list[PriorityGroupOut]
