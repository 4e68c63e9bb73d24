from datetime import date
from typing import Any, Literal

from ninja import Field, Schema


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
    """A relative whom the caller's agency does not work with comes without number or name (visible false)."""

    kind: str
    related_person_id: int | None
    related_person_name: str | None
    visible: bool


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
    # The categories the agency's sharing agreements do not give it (desist.sharing): their fields are empty.
    withheld: list[str] = []


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
    ended_on: date | None = None


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
    indeterminate: bool
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


class AssessmentSectionOut(Schema):
    section: str
    question_scores: list[int | None]
    score: int
    need: str


class AssessmentOut(Schema):
    id: int
    version: int
    assessed_on: date
    source: str
    rosh: dict[str, str]
    rsr_percent: float | None
    arp_percent: float | None
    csrp_percent: float | None
    dcsrp_band: str
    dcsrp_score: float | None
    answers: dict[str, bool | int]
    sections: list[AssessmentSectionOut]
    recorded_by: str | None


class AssessmentIn(Schema):
    """What POST /people/{id}/assessments takes. Only assessed_on and one finding are needed."""

    assessed_on: date
    rosh: dict[
        Literal["public", "known_adult", "children", "staff"], Literal["low", "medium", "high", "very_high"]
    ] = Field(default_factory=dict)
    rsr_percent: float | None = Field(None, ge=0, le=100)
    arp_percent: float | None = Field(
        None, ge=0, le=100, description="All-reoffending predictor, as received"
    )
    csrp_percent: float | None = Field(
        None, ge=0, le=100, description="Combined serious reoffending predictor, as received"
    )
    dcsrp_band: Literal["", "low", "medium", "high", "very_high"] = Field(
        "", description="Direct-contact sexual reoffending band; empty: not applicable"
    )
    dcsrp_score: float | None = Field(None, ge=0, le=100, description="Needed when the band is medium")
    sections: dict[str, list[Literal[0, 1, 2] | None]] = Field(
        default_factory=dict,
        description="OASys section key (accommodation … attitudes) → question scores, "
        "null for a question not answered",
    )
    answers: dict[str, bool | Literal[0, 1, 2]] = Field(
        default_factory=dict, description="Predictor items: yes/no items as true/false, graded items 0–2"
    )


class FieldProblemOut(Schema):
    # Not FieldErrorOut: release.py and victims.py name their 422 body so, and OpenAPI components go by name.
    loc: list[str | int]
    msg: str


class ValidationErrorOut(Schema):
    detail: list[FieldProblemOut]


def form_field_errors(form: Any) -> dict[str, Any]:
    """A bound Django form's errors in the API's 422 shape: one {loc, msg} per message; loc "" for the whole
    form."""
    return {
        "detail": [
            {"loc": ["body", "" if name == "__all__" else name], "msg": str(message)}
            for name, messages in form.errors.items()
            for message in messages
        ]
    }


def form_data(body: Any) -> dict[str, Any]:
    """A request body as the data of the page's Django form (None as an empty field), so the API validates
    through the same form as the page."""
    return {name: "" if value is None else value for name, value in body.model_dump().items()}


def refusal_errors(error: Exception) -> dict[str, Any]:
    """A service's refusal of the whole body in the API's 422 shape."""
    return {"detail": [{"loc": ["body"], "msg": str(error)}]}
