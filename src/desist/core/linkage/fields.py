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
    kind: str  # "text", "date", "sex", "postcode", "identifier", "relationship", "email" or "telephone"
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
    FieldSpec(
        "related_record_id",
        "Related person's record id",
        "text",
        "The record id, in the same agency's extracts, of someone this person is related to",
    ),
    FieldSpec(
        "relationship",
        "Relationship of that person to this one",
        "relationship",
        "Parent, child, sibling, partner or household member",
    ),
)
FIELDS: dict[str, FieldSpec] = {
    f.name: f for f in NAME_FIELDS + PERSON_FIELDS + IDENTIFIER_FIELDS + RELATIONSHIP_FIELDS
}
# The rest of an address, and contact details: taken by the offline `desist link` mapping and by the web
# import, which stores them on each source record (imports.SourceRecord). Several columns may map to one of
# the address fields (and to street or locality), joined with spaces in the mapping's order: "Number" +
# "Street".
LINK_FIELDS = (
    FieldSpec("house_number", "House number or name", "text", "Put before the street when compared"),
    FieldSpec("address_line_2", "Second address line", "text"),
    FieldSpec("region", "County, state or region", "text"),
    FieldSpec("country", "Country", "text"),
    FieldSpec("email", "E-mail address", "email"),
    FieldSpec("telephone", "Telephone number", "telephone"),
)
MAPPING_FIELDS: dict[str, FieldSpec] = {**FIELDS, **{f.name: f for f in LINK_FIELDS}}
COMBINABLE_FIELDS = ("house_number", "street", "address_line_2", "locality", "region")
IDENTIFIER_KINDS = tuple(f.name for f in IDENTIFIER_FIELDS)

# Date formats a mapping may name (strptime codes); "auto" tries these in order.
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y%m%d", "%d/%m/%y")

# Words agencies use for a relationship, to desist's kinds (people.RelationshipKind).
RELATIONSHIP_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ("parent", "mother", "father", "mum", "dad", "step-parent", "stepparent", "guardian"), "parent"
    ),
    **dict.fromkeys(("child", "son", "daughter", "stepchild", "step-child"), "child"),
    **dict.fromkeys(("sibling", "brother", "sister", "half-brother", "half-sister"), "sibling"),
    **dict.fromkeys(
        ("partner", "wife", "husband", "spouse", "civil partner", "boyfriend", "girlfriend"), "partner"
    ),
    **dict.fromkeys(
        ("household member", "household", "lodger", "other household member"), "household_member"
    ),
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
    expected = (
        "a date such as 1984-03-21 or 21/03/1984"
        if date_format == "auto"
        else "a date in the format "
        f"{date_format.replace('%Y', 'YYYY').replace('%m', 'MM').replace('%d', 'DD').replace('%y', 'YY')}"
    )
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
    """A postcode or zip code, normalised: a UK one in its standard form ('ME14 1XX'), any other
    upper-cased with its spaces collapsed ('4223', 'SW-1234'); '' if missing.

    Addresses are international: a postcode that is not in the UK format is kept (is_uk_postcode tells
    them apart, for data-quality notes), never refused.
    """
    text = " ".join(clean(value).upper().split())
    if not text:
        return ""
    match = _POSTCODE.match(text.replace(" ", ""))
    return f"{match[1]} {match[2]}" if match else text


def parse_uk_postcode(value: object) -> str:
    """A UK postcode in its standard form ('ME14 1XX'); '' if missing; any other value is an error.

    What the web import still reads (its records are UK ones); `desist link` reads any country's.
    """
    text = parse_postcode(value)
    if text and not is_uk_postcode(text):
        raise FieldValueError(f"{clean(value)!r} is not a UK postcode")
    return text


def is_uk_postcode(value: str) -> bool:
    """Whether a parsed postcode is in the UK format."""
    return bool(_POSTCODE.match(value.replace(" ", "")))


def parse_email(value: object) -> str:
    """An e-mail address, lower-cased ('' if missing); one without an @ is an error (a mis-mapped column)."""
    text = clean(value).lower()
    if text and ("@" not in text or text.startswith("@") or text.endswith("@")):
        raise FieldValueError(f"{clean(value)!r} is not an e-mail address")
    return text


def parse_telephone(value: object) -> str:
    """A telephone number as its digits, with a leading + kept ('' if missing); fewer than 6 digits
    is an error."""
    text = clean(value)
    digits = re.sub(r"\D", "", text)
    if not text:
        return ""
    if len(digits) < 6:
        raise FieldValueError(f"{text!r} is not a telephone number")
    return ("+" if text.startswith("+") else "") + digits


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
        raise FieldValueError(
            f"{clean(value)!r} is not a relationship desist knows "
            "(use parent, child, sibling, partner or household member)"
        )
    return kind


def parse_field(
    name: str, value: object, *, date_format: str = "auto", international: bool = False
) -> object:
    """Read one raw value as the named field.

    ``international`` reads any country's postcode (`desist link`); without it a postcode must be a UK
    one (the web import, until its records take international addresses)."""
    if is_local_identifier(name):
        return parse_identifier(name, value)
    spec = MAPPING_FIELDS.get(name)
    if spec is None:
        raise FieldValueError(f"{name!r} is not a desist field")
    if spec.kind == "email":
        return parse_email(value)
    if spec.kind == "telephone":
        return parse_telephone(value)
    if spec.kind == "date":
        return parse_date(value, date_format)
    if spec.kind == "sex":
        return parse_sex(value)
    if spec.kind == "postcode":
        return parse_postcode(value) if international else parse_uk_postcode(value)
    if spec.kind == "identifier":
        return parse_identifier(name, value)
    if spec.kind == "relationship":
        return parse_relationship(value)
    return clean(value)
