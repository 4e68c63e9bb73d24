"""Reference data for the analytics core: Home Office offence codes and the Kent and Medway districts.

Plain Python, no Django. The offence code file comes from the MoJ OGRS3 service's test data (see
``../shared/domain/RULES.md`` §1); a deployment can point ``DESIST_OFFENCE_CODES_CSV`` at its own copy.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

NEED_DETAILS = "NEED_DETAILS_OF_EXACT_OFFENCE"
ENV_OFFENCE_CODES = "DESIST_OFFENCE_CODES_CSV"
_CSV_NAME = "ogrs3_offence_categories.csv"
_PACKAGE_COPY = Path(__file__).resolve().parent / "data" / _CSV_NAME

# The MoJ file carries no offence descriptions. These are the Home Office classification headings of the
# codes the synthetic generator uses most; every other code has no description (None).
_DESCRIPTIONS: dict[str, str] = {
    "00300": "Threat or conspiracy to murder",
    "00500": "Wounding or other act endangering life",
    "00800": "Other wounding",
    "02800": "Burglary in a dwelling",
    "03000": "Burglary in a building other than a dwelling",
    "03400": "Robbery",
    "03700": "Aggravated vehicle taking",
    "03900": "Theft from the person",
    "04000": "Theft in a dwelling",
    "04100": "Theft by an employee",
    "04400": "Theft or unauthorised taking of a pedal cycle",
    "04500": "Theft from a vehicle",
    "04600": "Theft from shops and stalls",
    "04800": "Theft or unauthorised taking of a motor vehicle",
    "04900": "Other theft or unauthorised taking",
    "05400": "Handling stolen goods",
    "05600": "Arson",
    "05800": "Criminal damage",
    "06600": "Other offences against the state or public order",
    "08000": "Absconding from lawful custody",
    "09200": "Trafficking in controlled drugs",
    "10400": "Assault on a constable",
    "10500": "Common assault",
    "80300": "Driving after consuming alcohol or taking drugs",
}


@dataclass(frozen=True, slots=True)
class OffenceCodeRow:
    """One Home Office offence code with its OGRS3 category and weight."""

    ho_code: str  # five digits: three for the category, two for the subcategory ("04600")
    category: int
    subcategory: int
    ogrs3_category: str
    ogrs3_weight: float | None  # None where the file has no weight (missing description, needs details)
    needs_details: bool  # the code spans several OGRS3 categories: the user must pick one
    description: str | None


@dataclass(frozen=True, slots=True)
class District:
    """A Kent and Medway community safety partnership district and its postcode districts."""

    code: str
    name: str
    postcode_areas: tuple[str, ...]


def offence_codes_path() -> Path:
    """The offence code CSV in use: a deployment's own (DESIST_OFFENCE_CODES_CSV), else the packaged copy
    of the published list (a test keeps it identical to ../shared/domain)."""
    configured = os.environ.get(ENV_OFFENCE_CODES)
    return Path(configured) if configured else _PACKAGE_COPY


@lru_cache(maxsize=4)
def _load(path: Path) -> tuple[OffenceCodeRow, ...]:
    rows: list[OffenceCodeRow] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for raw in csv.DictReader(handle):
            code = raw["ho_code"].strip().zfill(5)
            weight = raw["ogrs3_weight"].strip()
            rows.append(
                OffenceCodeRow(
                    ho_code=code,
                    category=int(raw["category"]),
                    subcategory=int(raw["subcategory"]),
                    ogrs3_category=raw["ogrs3_category"].strip(),
                    ogrs3_weight=float(weight) if weight else None,
                    needs_details=raw.get("error", "").strip() == NEED_DETAILS,
                    description=_DESCRIPTIONS.get(code),
                )
            )
    return tuple(rows)


def load_offence_codes() -> list[OffenceCodeRow]:
    """All Home Office offence codes, in file order (3,028 rows in the shipped file)."""
    return list(_load(offence_codes_path()))


# Postcode districts (outward codes) with their post towns, by CSP district. Boundaries follow the post
# town rather than the council boundary exactly (ME6 Snodland is Tonbridge and Malling, not Medway).
POSTCODE_TOWNS: dict[str, tuple[tuple[str, str], ...]] = {
    "ASH": (
        ("TN23", "Ashford"),
        ("TN24", "Ashford"),
        ("TN25", "Ashford"),
        ("TN26", "Ashford"),
        ("TN27", "Ashford"),
        ("TN30", "Tenterden"),
    ),
    "CAN": (
        ("CT1", "Canterbury"),
        ("CT2", "Canterbury"),
        ("CT3", "Canterbury"),
        ("CT4", "Canterbury"),
        ("CT5", "Whitstable"),
        ("CT6", "Herne Bay"),
    ),
    "DAR": (("DA1", "Dartford"), ("DA2", "Dartford"), ("DA9", "Greenhithe"), ("DA10", "Swanscombe")),
    "DOV": (("CT13", "Sandwich"), ("CT14", "Deal"), ("CT15", "Dover"), ("CT16", "Dover"), ("CT17", "Dover")),
    "FOL": (
        ("CT18", "Folkestone"),
        ("CT19", "Folkestone"),
        ("CT20", "Folkestone"),
        ("CT21", "Hythe"),
        ("TN28", "New Romney"),
        ("TN29", "Romney Marsh"),
    ),
    "GRA": (("DA11", "Gravesend"), ("DA12", "Gravesend"), ("DA13", "Gravesend")),
    "MAI": (
        ("ME14", "Maidstone"),
        ("ME15", "Maidstone"),
        ("ME16", "Maidstone"),
        ("ME17", "Maidstone"),
        ("ME18", "Maidstone"),
    ),
    "MED": (
        ("ME1", "Rochester"),
        ("ME2", "Rochester"),
        ("ME3", "Rochester"),
        ("ME4", "Chatham"),
        ("ME5", "Chatham"),
        ("ME7", "Gillingham"),
        ("ME8", "Gillingham"),
    ),
    "SEV": (
        ("TN13", "Sevenoaks"),
        ("TN14", "Sevenoaks"),
        ("TN15", "Sevenoaks"),
        ("TN8", "Edenbridge"),
        ("BR8", "Swanley"),
    ),
    "SWA": (
        ("ME10", "Sittingbourne"),
        ("ME9", "Sittingbourne"),
        ("ME11", "Queenborough"),
        ("ME12", "Sheerness"),
        ("ME13", "Faversham"),
    ),
    "THA": (
        ("CT9", "Margate"),
        ("CT10", "Broadstairs"),
        ("CT11", "Ramsgate"),
        ("CT12", "Ramsgate"),
        ("CT7", "Birchington"),
        ("CT8", "Westgate-on-Sea"),
    ),
    "TON": (
        ("TN9", "Tonbridge"),
        ("TN10", "Tonbridge"),
        ("TN11", "Tonbridge"),
        ("ME6", "Snodland"),
        ("ME19", "West Malling"),
        ("ME20", "Aylesford"),
    ),
    "TUN": (
        ("TN1", "Tunbridge Wells"),
        ("TN2", "Tunbridge Wells"),
        ("TN3", "Tunbridge Wells"),
        ("TN4", "Tunbridge Wells"),
        ("TN12", "Tonbridge"),
        ("TN17", "Cranbrook"),
    ),
}

_DISTRICT_NAMES: tuple[tuple[str, str], ...] = (
    ("ASH", "Ashford"),
    ("CAN", "Canterbury"),
    ("DAR", "Dartford"),
    ("DOV", "Dover"),
    ("FOL", "Folkestone and Hythe"),
    ("GRA", "Gravesham"),
    ("MAI", "Maidstone"),
    ("MED", "Medway"),
    ("SEV", "Sevenoaks"),
    ("SWA", "Swale"),
    ("THA", "Thanet"),
    ("TON", "Tonbridge and Malling"),
    ("TUN", "Tunbridge Wells"),
)

DISTRICTS: tuple[District, ...] = tuple(
    District(code=code, name=name, postcode_areas=tuple(outward for outward, _ in POSTCODE_TOWNS[code]))
    for code, name in _DISTRICT_NAMES
)

# Resident population, roughly the 2021 Census figures rounded to the thousand: weights where people live.
DISTRICT_POPULATION: dict[str, int] = {
    "ASH": 133_000,
    "CAN": 157_000,
    "DAR": 117_000,
    "DOV": 116_000,
    "FOL": 109_000,
    "GRA": 106_000,
    "MAI": 176_000,
    "MED": 280_000,
    "SEV": 121_000,
    "SWA": 151_000,
    "THA": 140_000,
    "TON": 133_000,
    "TUN": 116_000,
}


def district_by_code(code: str) -> District:
    """The district with this code; KeyError if there is none."""
    for district in DISTRICTS:
        if district.code == code:
            return district
    raise KeyError(code)
