"""The fields an agency record can carry into desist, and how each raw value is read.

One vocabulary for every way records arrive: the web import, `desist import`, and the analysts'
offline `desist link`. A mapping names, for one source, which column holds the record id and which
column holds each of these fields. Values are trimmed of surrounding spaces; an empty value is missing.
Reading a value either returns the clean value or raises FieldValueError with a message a user can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from desist.core.identifiers import identifier_problem
from desist.core.names import normalise_identifier


class FieldValueError(ValueError):
    """A raw value that cannot be read as the field it was mapped to. The message says why."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str  # "text", "date", "sex", "postcode", "identifier" or "relationship"
    help: str = ""


NAME_FIELDS = (
    FieldSpec("first_name", "First name", "text"),
    FieldSpec("middle_names", "Middle names", "text"),
    FieldSpec("last_name", "Last name", "text"),
    FieldSpec("alias_first_name", "Alias first name", "text", "A name the person is also known by"),
    FieldSpec("alias_last_name", "Alias last name", "text"),
)
PERSON_FIELDS = (
    FieldSpec("date_of_birth", "Date of birth", "date"),
    FieldSpec("sex", "Sex", "sex", "Read from M/F, Male/Female, 1/2 (NHS coding)"),
    FieldSpec("street", "Street address", "text"),
    FieldSpec("locality", "Town or locality", "text"),
    FieldSpec("postcode", "Postcode", "postcode"),
)
# Identifier kinds desist understands, in normalise_identifier's words. Any other identifier column
# can be mapped as a local id of the source ("local:<name>").
IDENTIFIER_FIELDS = (
    FieldSpec("pnc", "PNC number", "identifier"),
    FieldSpec("crn", "Case reference number (probation)", "identifier"),
    FieldSpec("prison_number", "Prison number", "identifier"),
    FieldSpec("nhs_number", "NHS number", "identifier"),
    FieldSpec("ni_number", "National Insurance number", "identifier"),
)
# A relationship the extract declares: the related person's record id in the same extract, and what that
# person is to this one (a child's row names its mother's record id and "parent").
RELATIONSHIP_FIELDS = (
    FieldSpec("related_record_id", "Related person's record id", "text",
              "The record id, in the same agency's extracts, of someone this person is related to"),
    FieldSpec("relationship", "Relationship of that person to this one", "relationship",
              "Parent, child, sibling, partner or household member"),
)
FIELDS: dict[str, FieldSpec] = {
    f.name: f for f in NAME_FIELDS + PERSON_FIELDS + IDENTIFIER_FIELDS + RELATIONSHIP_FIELDS
}
IDENTIFIER_KINDS = tuple(f.name for f in IDENTIFIER_FIELDS)

# Date formats a mapping may name (strptime codes); "auto" tries these in order.
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y%m%d", "%d/%m/%y")

# Words agencies use for a relationship, to desist's kinds (people.RelationshipKind).
RELATIONSHIP_WORDS: dict[str, str] = {
    **dict.fromkeys(("parent", "mother", "father", "mum", "dad", "step-parent", "stepparent", "guardian"), "parent"),
    **dict.fromkeys(("child", "son", "daughter", "stepchild", "step-child"), "child"),
    **dict.fromkeys(("sibling", "brother", "sister", "half-brother", "half-sister"), "sibling"),
    **dict.fromkeys(("partner", "wife", "husband", "spouse", "civil partner", "boyfriend", "girlfriend"), "partner"),
    **dict.fromkeys(("household member", "household", "lodger", "other household member"), "household_member"),
}

_MALE = {"m", "male", "1", "man"}
_FEMALE = {"f", "female", "2", "woman"}
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")


def is_local_identifier(name: str) -> bool:
    """`local:<name>` maps any other identifier column (a housing tenancy number, say)."""
    return name.startswith("local:") and len(name) > len("local:")


def clean(value: object) -> str:
    """The raw value as text, trimmed; None and blanks become ''."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(value: object, date_format: str = "auto", *, today: date | None = None) -> date | None:
    """A date of birth from text in the mapping's format ('auto' tries DATE_FORMATS)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean(value)
    if not text:
        return None
    formats = DATE_FORMATS if date_format == "auto" else (date_format,)
    no_such_day = False
    for fmt in formats:
        try:
            # fromisoformat is ten times quicker than strptime, and ISO is the common case.
            if fmt == "%Y-%m-%d" and len(text) == 10 and text[4] == text[7] == "-" and text[5] != "W":
                parsed = date.fromisoformat(text)
            else:
                parsed = datetime.strptime(text, fmt).date()
        except ValueError as error:
            no_such_day = no_such_day or "day is out of range for month" in str(error)
            continue
        if parsed > (today or date.today()):
            raise FieldValueError(f"{text!r} is in the future")
        if parsed.year < 1900:
            raise FieldValueError(f"{text!r} is before 1900")
        return parsed
    if no_such_day:
        raise FieldValueError(f"{text!r} is not a real date: that month has no such day")
    expected = "a date such as 1984-03-21 or 21/03/1984" if date_format == "auto" else \
        f"a date in the format {date_format.replace('%Y', 'YYYY').replace('%m', 'MM').replace('%d', 'DD').replace('%y', 'YY')}"
    raise FieldValueError(f"{text!r} is not {expected}")


def parse_sex(value: object) -> str:
    """'male', 'female' or '' (not recorded)."""
    text = clean(value).lower()
    if not text or text in {"u", "unknown", "not known", "0", "9", "x"}:
        return ""
    if text in _MALE:
        return "male"
    if text in _FEMALE:
        return "female"
    raise FieldValueError(f"{clean(value)!r} is not a sex desist can read (use M/F, Male/Female or 1/2)")


def parse_postcode(value: object) -> str:
    """A UK postcode in its standard form ('ME14 1XX'); '' if missing.

    A value that does not look like a postcode is an error, so a mis-mapped column is caught early.
    """
    text = re.sub(r"\s+", "", clean(value).upper())
    if not text:
        return ""
    match = _POSTCODE.match(text)
    if not match:
        raise FieldValueError(f"{clean(value)!r} is not a UK postcode")
    return f"{match[1]} {match[2]}"


def parse_identifier(kind: str, value: object) -> str:
    """An identifier in its normal form ('' if missing); local ids are kept as written, upper-cased.

    A PNC, CRN, NHS or National Insurance number that breaks its published format is an error."""
    text = clean(value)
    if not text:
        return ""
    if is_local_identifier(kind):
        return text.upper()
    if kind not in IDENTIFIER_KINDS:
        raise FieldValueError(f"{kind!r} is not an identifier desist knows")
    # PNC, CRN, NHS and NI numbers must fit their published formats (check characters included).
    problem = identifier_problem(kind, text)
    if problem:
        raise FieldValueError(problem)
    return normalise_identifier(kind, text)


def parse_relationship(value: object) -> str:
    """A relationship word as desist's kind ('parent', 'child', 'sibling', 'partner', 'household_member')."""
    text = " ".join(clean(value).lower().replace("_", " ").split())
    if not text:
        return ""
    kind = RELATIONSHIP_WORDS.get(text)
    if kind is None:
        raise FieldValueError(f"{clean(value)!r} is not a relationship desist knows "
                              "(use parent, child, sibling, partner or household member)")
    return kind


def parse_field(name: str, value: object, *, date_format: str = "auto") -> object:
    """Read one raw value as the named field."""
    if is_local_identifier(name):
        return parse_identifier(name, value)
    spec = FIELDS.get(name)
    if spec is None:
        raise FieldValueError(f"{name!r} is not a desist field")
    if spec.kind == "date":
        return parse_date(value, date_format)
    if spec.kind == "sex":
        return parse_sex(value)
    if spec.kind == "postcode":
        return parse_postcode(value)
    if spec.kind == "identifier":
        return parse_identifier(name, value)
    if spec.kind == "relationship":
        return parse_relationship(value)
    return clean(value)
