"""Small synthetic event tables for the measures tests, and a brute-force reading of the rules."""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa

from desist.core.measures import REQUIRED_COLUMNS

EXTRA = ("district", "ethnicity", "priority_group", "iom_strand")


def offence(
    person: str = "p1",
    *,
    offence_on: date,
    proven_on: date | None = None,
    outcome: str = "conviction",
    disposal: str | None = "community",
    released_on: date | None = None,
    born: date = date(1990, 1, 1),
    sex: str = "male",
    code: str = "04600",
    **extra: str | None,
) -> dict[str, Any]:
    """One proven offence (a conviction with a community sentence unless told otherwise)."""
    row: dict[str, Any] = {
        "person_id": person,
        "date_of_birth": born,
        "sex": sex,
        "offence_date": offence_on,
        "proven_date": proven_on or offence_on,
        "outcome": outcome,
        "disposal": None if outcome == "caution" else disposal,
        "release_date": released_on,
        "offence_code": code,
    }
    row.update(extra)
    return row


def caution(person: str = "p1", *, on: date, **kwargs: Any) -> dict[str, Any]:
    """A caution given on the day of the offence."""
    return offence(person, offence_on=on, outcome="caution", **kwargs)


def events_table(rows: list[dict[str, Any]]) -> pa.Table:
    """The rows as an Arrow table with the input's columns (optional ones when any row has them)."""
    columns = list(REQUIRED_COLUMNS) + [c for c in EXTRA if any(c in r for r in rows)]
    types = {c: pa.date32() for c in ("date_of_birth", "offence_date", "proven_date", "release_date")}
    return pa.table({c: pa.array([r.get(c) for r in rows], types.get(c, pa.string())) for c in columns})


def months_later(day: date, months: int) -> date:
    """Independent calendar-month arithmetic for the brute force: step month by month, clamping."""
    year, month = day.year, day.month
    for _ in range(months):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class Brute:
    cohort_size: int = 0
    reoffenders: int = 0
    reoffences: int = 0
    days: int = 0


def brute_force(rows: list[dict[str, Any]], start: date, end: date) -> dict[str, Brute]:
    """The rules read literally, one person at a time: counts for 'all', 'adult' and 'juvenile'."""
    severity = [
        "custody",
        "hospital_order",
        "community",
        "suspended",
        "fine",
        "discharge",
        "other",
        "caution",
    ]
    by_person: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for number, row in enumerate(rows):
        by_person[row["person_id"]].append((number, row))
    out = {group: Brute() for group in ("all", "adult", "juvenile")}
    for offences in by_person.values():
        eligible = []
        for number, row in offences:
            if row["outcome"] == "caution":
                day, kind = row["proven_date"], "caution"
            elif row["disposal"] == "custody":
                if row["release_date"] is None:
                    continue
                day, kind = row["release_date"], "custody"
            else:
                day, kind = row["proven_date"], row["disposal"]
            born = row["date_of_birth"]
            age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
            if start <= day <= end and age >= 10:
                eligible.append((day, severity.index(kind), row["offence_code"], number, age))
        if not eligible:
            continue
        index_day, _, _, _, age = min(eligible)
        follow_up_end, proven_by = months_later(index_day, 12), months_later(index_day, 18)
        reoffences = [
            row["offence_date"]
            for _, row in offences
            if index_day < row["offence_date"] <= follow_up_end and row["proven_date"] <= proven_by
        ]
        for group in ("all", "adult" if age >= 18 else "juvenile"):
            counts = out[group]
            counts.cohort_size += 1
            counts.reoffences += len(reoffences)
            if reoffences:
                counts.reoffenders += 1
                counts.days += (min(reoffences) - index_day).days
    return out
