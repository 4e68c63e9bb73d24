"""Vocabularies and table schemas of the synthetic partnership.

These are the contract with the Django loader: every code the generator writes is listed here, and every
table has a fixed arrow schema (dates date32, ids int64, flags bool, text string).
"""

from __future__ import annotations

import pyarrow as pa

SEXES = ("male", "female")
GENDERS = ("man", "woman", "non_binary", "not_stated")
# ONS 2021 census ethnic group, 19 categories in the census order, plus NS for not stated.
ETHNICITY_LABELS: dict[str, str] = {
    "A1": "Asian or Asian British: Bangladeshi",
    "A2": "Asian or Asian British: Chinese",
    "A3": "Asian or Asian British: Indian",
    "A4": "Asian or Asian British: Pakistani",
    "A5": "Asian or Asian British: any other Asian background",
    "B1": "Black, Black British, Caribbean or African: African",
    "B2": "Black, Black British, Caribbean or African: Caribbean",
    "B3": "Black, Black British, Caribbean or African: any other Black background",
    "M1": "Mixed or multiple: White and Asian",
    "M2": "Mixed or multiple: White and Black African",
    "M3": "Mixed or multiple: White and Black Caribbean",
    "M4": "Mixed or multiple: any other mixed background",
    "W1": "White: English, Welsh, Scottish, Northern Irish or British",
    "W2": "White: Irish",
    "W3": "White: Gypsy or Irish Traveller",
    "W4": "White: Roma",
    "W5": "White: any other White background",
    "O1": "Other ethnic group: Arab",
    "O2": "Other ethnic group: any other ethnic group",
    "NS": "Not stated",
}
ETHNICITIES = tuple(ETHNICITY_LABELS)
ALIAS_KINDS = ("alias", "previous_name", "nickname")
RELATIONSHIP_KINDS = ("parent", "child", "sibling", "partner", "household_member")
OUTCOMES = ("conviction", "caution")
DISPOSALS = ("custody", "community", "suspended", "fine", "discharge", "other")
SENTENCE_KINDS = ("custody", "community_order", "suspended_sentence_order")
REQUIREMENT_KINDS = (
    "unpaid_work",
    "rar",
    "programme",
    "prohibited_activity",
    "curfew",
    "exclusion",
    "residence",
    "foreign_travel_prohibition",
    "mhtr",
    "drr",
    "atr",
    "aamr",
    "attendance_centre",
    "electronic_monitoring",
)
REQUIREMENT_UNITS = ("hours", "days", "sessions", "months")
REQUIREMENT_STATUSES = ("active", "completed", "terminated")
LICENCE_CONDITION_KINDS = ("standard", "additional")
REGISTER_KINDS = (
    "mappa",
    "domestic_abuse_perpetrator",
    "child_concerns",
    "child_protection",
    "risk_to_children",
    "mental_health",
    "self_harm",
    "vulnerability",
    "public_interest",
    "adult_at_risk",
    "street_gangs",
    "terrorism",
    "iom",
    "asb",
    "stalking",
)
AGENCY_KINDS = (
    "probation",
    "police",
    "prison",
    "council_community_safety",
    "housing",
    "social_care",
    "health",
    "treatment",
    "job_centre",
    "youth_justice",
    "fire",
    "voluntary",
)
WORKER_ROLES = ("practitioner", "manager", "officer")
EXTRACT_SOURCES = (
    "probation",
    "police",
    "prison",
    "housing",
    "health",
    "treatment",
    "job_centre",
    "social_care",
    "youth_justice",
)

_S = pa.string()
_I = pa.int64()
_D = pa.date32()
_B = pa.bool_()

SCHEMAS: dict[str, pa.Schema] = {
    "districts": pa.schema([("code", _S), ("name", _S)]),
    "agencies": pa.schema([("agency_code", _S), ("name", _S), ("kind", _S), ("district_code", _S)]),
    "workers": pa.schema(
        [("worker_id", _I), ("agency_code", _S), ("first_name", _S), ("last_name", _S), ("role", _S)]
    ),
    "people": pa.schema(
        [
            ("person_id", _I),
            ("first_name", _S),
            ("middle_names", _S),
            ("last_name", _S),
            ("date_of_birth", _D),
            ("sex", _S),
            ("gender", _S),
            ("ethnicity", _S),
            ("district_code", _S),
            ("family_id", _I),
            ("household_id", _I),
            ("generation", _I),
            ("propensity", pa.float64()),
            ("supervised", _B),
            ("pnc", _S),
            ("crn", _S),
            ("prison_number", _S),
            ("nhs_number", _S),
            ("ni_number", _S),
            ("phone", _S),
            ("email", _S),
        ]
    ),
    "aliases": pa.schema([("person_id", _I), ("first_name", _S), ("last_name", _S), ("kind", _S)]),
    "addresses": pa.schema(
        [
            ("address_id", _I),
            ("person_id", _I),
            ("household_id", _I),
            ("line1", _S),
            ("line2", _S),
            ("town", _S),
            ("postcode", _S),
            ("district_code", _S),
            ("from_date", _D),
            ("to_date", _D),
        ]
    ),
    "relationships": pa.schema(
        [("person_id", _I), ("related_person_id", _I), ("kind", _S), ("source_agency_code", _S)]
    ),
    "offences": pa.schema(
        [
            ("offence_id", _I),
            ("person_id", _I),
            ("ho_code", _S),
            ("offence_date", _D),
            ("outcome", _S),
            ("outcome_date", _D),
            ("disposal", _S),
            ("sentence_id", _I),
            ("domestic_abuse", _B),
        ]
    ),
    "sentences": pa.schema(
        [
            ("sentence_id", _I),
            ("person_id", _I),
            ("kind", _S),
            ("sentence_date", _D),
            ("length_days", _I),
            ("start_date", _D),
            ("end_date", _D),
            ("conditional_release_date", _D),
            ("release_date", _D),
            ("release_is_actual", _B),
            ("licence_expiry_date", _D),
            ("sentence_expiry_date", _D),
            ("establishment_agency_code", _S),
            ("terminated_date", _D),
        ]
    ),
    "requirements": pa.schema(
        [
            ("requirement_id", _I),
            ("sentence_id", _I),
            ("kind", _S),
            ("amount", _I),
            ("unit", _S),
            ("start_date", _D),
            ("end_date", _D),
            ("status", _S),
        ]
    ),
    "licence_conditions": pa.schema(
        [("condition_id", _I), ("sentence_id", _I), ("kind", _S), ("code", _S), ("description", _S)]
    ),
    "registers": pa.schema(
        [
            ("register_id", _I),
            ("person_id", _I),
            ("kind", _S),
            ("mappa_category", _I),
            ("mappa_level", _I),
            ("start_date", _D),
            ("end_date", _D),
        ]
    ),
    "school_records": pa.schema(
        [
            ("school_record_id", _I),
            ("person_id", _I),
            ("period_start", _D),
            ("period_end", _D),
            ("unauthorised_absence_percent", pa.float64()),
            ("fixed_term_exclusions", _I),
            ("permanently_excluded", pa.bool_()),
        ]
    ),
    "involvements": pa.schema(
        [
            ("involvement_id", _I),
            ("person_id", _I),
            ("agency_code", _S),
            ("reason", _S),
            ("start_date", _D),
            ("end_date", _D),
            ("worker_id", _I),
        ]
    ),
    "assessments": pa.schema(
        [
            ("assessment_id", _I),
            ("person_id", _I),
            ("assessed_on", _D),
            ("source", _S),
            ("rosh_public", _S),
            ("rosh_known_adult", _S),
            ("rosh_children", _S),
            ("rosh_staff", _S),
            ("rsr_percent", pa.float64()),
            ("arp_percent", pa.float64()),
            ("csrp_percent", pa.float64()),
            ("answers", _S),
        ]
    ),
    "assessment_sections": pa.schema([("assessment_id", _I), ("section", _S), ("question_scores", _S)]),
    "extract_links": pa.schema([("source", _S), ("record_id", _S), ("person_id", _I)]),
}

TABLES = (
    "districts",
    "agencies",
    "workers",
    "people",
    "aliases",
    "addresses",
    "relationships",
    "offences",
    "sentences",
    "requirements",
    "licence_conditions",
    "registers",
    "involvements",
    "assessments",
    "assessment_sections",
    "school_records",
)

# Identifier columns each source holds, in column order; police also hold one alias name.
EXTRACT_IDENTIFIERS: dict[str, tuple[str, ...]] = {
    "probation": ("crn", "pnc", "prison_number", "ni_number"),
    "police": ("pnc",),
    "prison": ("prison_number", "pnc", "crn"),
    "housing": ("ni_number",),
    "health": ("nhs_number",),
    "treatment": ("nhs_number", "crn"),
    "job_centre": ("ni_number",),
    "social_care": ("nhs_number",),
    "youth_justice": ("pnc", "nhs_number"),
}

EXTRACT_BASE_COLUMNS = (
    "source",
    "record_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "street",
    "locality",
    "postcode",
)


def extract_schema(source: str) -> pa.Schema:
    """The arrow schema of one agency extract (all columns strings)."""
    names = list(EXTRACT_BASE_COLUMNS) + list(EXTRACT_IDENTIFIERS[source])
    if source == "police":
        names += ["alias_first_name", "alias_last_name"]
    return pa.schema([(name, _S) for name in names])
