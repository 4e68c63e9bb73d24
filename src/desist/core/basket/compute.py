"""Working out the basket: every measure's units, then one aggregate by quarter × district × priority group ×
breakdown (sex, ethnicity, age band), with rates, 95% intervals and data-quality notes.

Counts are summed in DuckDB; every rate and interval is worked out in Python (``stats``), once.
"""

# SQL is built here from fixed names and checked settings, never from user text.
# ruff: noqa: S608

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from desist.core.iom import load_crime_harm_table

from .inputs import BasketInputs
from .labels import ALL, BREAKDOWNS, ETHNIC_GROUPS, NOT_RECORDED, SEX_LABELS
from .measure import UNIT_SCHEMA, Measure
from .measures import BASKET
from .quarters import Quarter
from .settings import BasketSettings
from .stats import byar_interval, is_small, wilson_interval
from .validation import validate_predictor

FIGURE_SCHEMA = pa.schema(
    [
        ("measure", pa.string()),
        ("quarter", pa.string()),
        ("district", pa.string()),
        ("priority_group", pa.string()),
        ("breakdown", pa.string()),
        ("value", pa.string()),
        ("units", pa.int64()),  # every unit in scope, recorded or not
        ("not_recorded", pa.int64()),  # units whose input was not recorded: left out of the figure
        ("numerator", pa.float64()),
        ("denominator", pa.float64()),
        ("rate", pa.float64()),  # proportion 0–1; per 100 people; or change after ÷ before − 1
        ("low", pa.float64()),
        ("high", pa.float64()),
        ("provisional", pa.bool_()),
    ]
)

_SOURCES = (Path(__file__).resolve().parent, Path(__file__).resolve().parent.parent / "measures")


def code_version() -> str:
    """The package version and a hash of the basket's and the proven-reoffending engine's source: a change to
    any rule changes the data version."""
    try:
        version = metadata.version("desist")
    except metadata.PackageNotFoundError:
        version = "0"
    digest = hashlib.sha256()
    for folder in _SOURCES:
        for path in sorted(folder.rglob("*.py")):
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return f"{version}+{digest.hexdigest()[:12]}"


def data_version(inputs: BasketInputs, settings: BasketSettings, as_of: date, code: str | None = None) -> str:
    """A SHA-256 of the inputs, the settings, the data's date and the code version: equal versions give
    equal figures."""
    digest = hashlib.sha256()
    digest.update(inputs.fingerprint().encode())
    digest.update(json.dumps(settings.to_dict(), sort_keys=True).encode())
    digest.update(as_of.isoformat().encode())
    digest.update((code or code_version()).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class BasketResult:
    """The basket for some quarters, as of a date: the figures (``FIGURE_SCHEMA``) and what to say about
    them."""

    as_of: date
    quarters: tuple[Quarter, ...]
    figures: pa.Table
    notes: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # measure -> quarter -> notes
    public_notes: dict[str, dict[str, list[str]]] = field(
        default_factory=dict
    )  # the same, small counts hidden
    no_data: dict[str, str] = field(default_factory=dict)  # measure -> why it has no figures
    data_version: str = ""
    code_version: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    input_rows: dict[str, int] = field(default_factory=dict)
    validation: list[dict[str, Any]] = field(
        default_factory=list
    )  # Validation.to_dict() of each stored score

    def metadata(self) -> dict[str, Any]:
        """Everything but the figures, as JSON-ready data."""
        return {
            "as_of": self.as_of.isoformat(),
            "quarters": [q.code for q in self.quarters],
            "notes": self.notes,
            "public_notes": self.public_notes,
            "no_data": self.no_data,
            "data_version": self.data_version,
            "code_version": self.code_version,
            "settings": self.settings,
            "input_rows": self.input_rows,
            "validation": self.validation,
        }

    def to_parquet(self) -> bytes:
        """The result as one Parquet file (the metadata in its schema), to freeze in a snapshot."""
        table = self.figures.replace_schema_metadata(
            {"desist.basket": json.dumps(self.metadata(), sort_keys=True)}
        )
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink, compression="zstd")
        return bytes(sink.getvalue().to_pybytes())

    @classmethod
    def from_parquet(cls, data: bytes) -> BasketResult:
        """A result written by ``to_parquet``, exactly as it was."""
        table = pq.read_table(pa.BufferReader(data))
        meta = json.loads((table.schema.metadata or {})[b"desist.basket"])
        return cls(
            as_of=date.fromisoformat(meta["as_of"]),
            quarters=tuple(Quarter.parse(code) for code in meta["quarters"]),
            figures=table.replace_schema_metadata(None).cast(FIGURE_SCHEMA),
            notes=meta["notes"],
            public_notes=meta["public_notes"],
            no_data=meta["no_data"],
            data_version=meta["data_version"],
            code_version=meta["code_version"],
            settings=meta["settings"],
            input_rows=meta["input_rows"],
            validation=meta["validation"],
        )


def _connect(inputs: BasketInputs, quarters: Sequence[Quarter], as_of: date) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(
        ":memory:", config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    for name, table in inputs.tables.items():
        con.register(name, table)
    con.register(
        "quarters",
        pa.table(
            {
                "quarter": pa.array([q.code for q in quarters], pa.string()),
                "q_start": pa.array([q.start for q in quarters], pa.date32()),
                "q_end": pa.array([q.end for q in quarters], pa.date32()),
            }
        ),
    )
    day = f"DATE '{as_of.isoformat()}'"
    # Periods of community supervision: an order from its start to its end (or revocation), and a licence from
    # an actual release (by the data's date) to licence expiry.
    con.execute(f"""
        CREATE TEMP VIEW supervision AS
        SELECT sentence_id, person_id, kind, COALESCE(start_date, sentence_date) AS starts_on,
               'start' AS start_stage, LEAST(terminated_date, end_date) AS ends_on,
               terminated_date IS NOT NULL AND (end_date IS NULL OR terminated_date < end_date) AS ended_early
        FROM sentences WHERE kind IN ('community_order', 'suspended_sentence_order')
        UNION ALL
        SELECT sentence_id, person_id, kind, release_date, 'release', licence_expiry_date, FALSE
        FROM sentences
        WHERE kind = 'custody' AND release_is_actual AND release_date IS NOT NULL AND release_date <= {day}
    """)
    harm = load_crime_harm_table()
    pairs = con.execute("SELECT DISTINCT offence_code, ogrs3_category FROM offences").fetchall()
    harm_rows: dict[str, list[Any]] = {"offence_code": [], "ogrs3_category": [], "harm_days": []}
    for code, category in pairs:
        try:
            days: float | None = harm.entry_for(ho_code=code or "", ogrs3_category=category or "").harm_days
        except ValueError:
            days = None
        harm_rows["offence_code"].append(code)
        harm_rows["ogrs3_category"].append(category)
        harm_rows["harm_days"].append(days)
    con.register(
        "harm_days",
        pa.table(
            harm_rows,
            schema=pa.schema(
                [("offence_code", pa.string()), ("ogrs3_category", pa.string()), ("harm_days", pa.float64())]
            ),
        ),
    )
    con.execute("""
        CREATE TEMP VIEW offence_harm AS
        SELECT o.*, h.harm_days FROM offences o
        LEFT JOIN harm_days h ON h.offence_code IS NOT DISTINCT FROM o.offence_code
                             AND h.ogrs3_category IS NOT DISTINCT FROM o.ogrs3_category
    """)
    return con


def measure_units(
    measure: Measure,
    con: duckdb.DuckDBPyConnection,
    quarters: Sequence[Quarter],
    as_of: date,
    settings: BasketSettings,
) -> pa.Table:
    """A measure's units (``UNIT_SCHEMA``) for the quarters."""
    if measure.units is not None:
        return measure.units(con, quarters, as_of, settings)
    table: pa.Table = con.sql(measure.query(as_of, settings)).to_arrow_table()
    return table.select(UNIT_SCHEMA.names).cast(UNIT_SCHEMA)


def _band_case(bands: Sequence[tuple[str, int, int | None]]) -> str:
    whens = []
    for label, low, high in bands:
        condition = f"age >= {int(low)}" if high is None else f"age BETWEEN {int(low)} AND {int(high)}"
        whens.append(f"WHEN {condition} THEN '{label.replace(chr(39), chr(39) * 2)}'")
    return f"CASE {' '.join(whens)} ELSE '{NOT_RECORDED}' END"


def _cube_sql(settings: BasketSettings) -> str:
    ethnic = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in ETHNIC_GROUPS.items())
    sexes = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in SEX_LABELS.items())
    return f"""
WITH u AS (
    SELECT units.*, ROW_NUMBER() OVER () AS unit_id,
           COALESCE(p.district, '{NOT_RECORDED}') AS district,
           CASE p.sex {sexes} ELSE '{NOT_RECORDED}' END AS sex,
           CASE left(p.ethnicity, 1) {ethnic} ELSE '{NOT_RECORDED}' END AS ethnicity,
           year(units.ref_date) - year(p.date_of_birth)
             - CASE WHEN month(units.ref_date) * 100 + day(units.ref_date)
                         < month(p.date_of_birth) * 100 + day(p.date_of_birth) THEN 1 ELSE 0 END AS age
    FROM units LEFT JOIN people p ON p.person_id = units.person_id
),
banded AS (SELECT u.*, {_band_case(settings.age_bands)} AS age_band FROM u),
grouped AS (
    SELECT b.*, '{ALL}' AS priority_group FROM banded b
    UNION ALL
    SELECT DISTINCT b.*, g.grp FROM banded b
    JOIN priority_groups g ON g.person_id = b.person_id AND g.start_date <= b.ref_date
                          AND (g.end_date IS NULL OR g.end_date >= b.ref_date)
),
placed AS (
    SELECT * REPLACE ('{ALL}' AS district) FROM grouped
    UNION ALL SELECT * FROM grouped
),
split AS (
    SELECT placed.*, '{ALL}' AS breakdown, '{ALL}' AS value FROM placed
    {"".join(f" UNION ALL SELECT placed.*, '{b}', {b} FROM placed" for b in BREAKDOWNS)}
)
SELECT measure, quarter, district, priority_group, breakdown, value,
       COUNT(*) AS units,
       COUNT(*) FILTER (WHERE NOT recorded) AS not_recorded,
       COALESCE(SUM(numerator) FILTER (WHERE recorded), 0) AS numerator,
       COALESCE(SUM(denominator) FILTER (WHERE recorded), 0) AS denominator,
       BOOL_OR(provisional AND recorded) AS provisional
FROM split
GROUP BY ALL
ORDER BY measure, quarter, district, priority_group, breakdown, value
"""


def rate_and_interval(
    kind: str, numerator: float, denominator: float
) -> tuple[float | None, float | None, float | None]:
    """A figure's value and 95% interval from its numerator and denominator (None where undefined)."""
    if denominator <= 0:
        return None, None, None
    if kind == "proportion":
        interval = wilson_interval(round(numerator), round(denominator))
        assert interval is not None
        return numerator / denominator, interval[0], interval[1]
    if kind == "per_100":
        low, high = byar_interval(numerator)
        return 100 * numerator / denominator, 100 * low / denominator, 100 * high / denominator
    return numerator / denominator - 1, None, None  # before_after: a change, no interval


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "0%"


def basket(
    inputs: BasketInputs,
    quarters: Sequence[Quarter],
    *,
    as_of: date,
    settings: BasketSettings | None = None,
    measures: Sequence[Measure] = BASKET,
) -> BasketResult:
    """Every measure of the basket for each quarter, as of ``as_of`` (the last day the data covers), by
    district and priority group (each also "all") and by sex, ethnicity and age band."""
    settings = settings or BasketSettings()
    quarters = tuple(sorted(set(quarters)))
    con = _connect(inputs, quarters, as_of)
    rows = inputs.row_counts()
    no_data: dict[str, str] = {}
    parts: list[pa.Table] = []
    for measure in measures:
        empty = [name for name in measure.requires if rows.get(name, 0) == 0]
        if empty:
            no_data[measure.code] = (
                "No data: nothing of "
                + ", ".join(_TABLE_WORDS.get(n, n) for n in empty)
                + " is recorded in desist yet, so no figure can be given."
            )
            continue
        units = measure_units(measure, con, quarters, as_of, settings)
        parts.append(units.append_column("measure", pa.array([measure.code] * units.num_rows, pa.string())))
    all_units = (
        pa.concat_tables(parts)
        if parts
        else UNIT_SCHEMA.append(pa.field("measure", pa.string())).empty_table()
    )
    con.register("units", all_units)
    aggregated = con.sql(_cube_sql(settings)).to_arrow_table().to_pylist()

    kinds = {m.code: m.kind for m in measures}
    columns: dict[str, list[Any]] = {name: [] for name in FIGURE_SCHEMA.names}
    for row in aggregated:
        rate, low, high = rate_and_interval(kinds[row["measure"]], row["numerator"], row["denominator"])
        row.update(rate=rate, low=low, high=high, provisional=bool(row["provisional"]))
        for name in FIGURE_SCHEMA.names:
            columns[name].append(row[name])
    figures = pa.table(columns, schema=FIGURE_SCHEMA)

    notes = _notes(figures, measures, quarters, con, 0)
    public_notes = _notes(figures, measures, quarters, con, settings.suppress_below)
    scored = [kind for (kind,) in con.execute("SELECT DISTINCT kind FROM scores ORDER BY kind").fetchall()]
    validation = [
        validate_predictor(con, kind=kind, as_of=as_of, threshold=settings.validation_threshold).to_dict()
        for kind in scored
    ]
    code = code_version()
    return BasketResult(
        as_of=as_of,
        quarters=quarters,
        figures=figures,
        notes=notes,
        public_notes=public_notes,
        no_data=no_data,
        data_version=data_version(inputs, settings, as_of, code),
        code_version=code,
        settings=settings.to_dict(),
        input_rows=rows,
        validation=validation,
    )


_TABLE_WORDS = {
    "statuses": "accommodation or employment statuses",
    "enforcement": "warnings or breaches",
    "needs": "drug and alcohol needs assessed",
    "iom_cohort": "IOM cohort adoptions",
    "offences": "proven offences",
    "sentences": "sentences",
    "requirements": "requirements",
}


def count_text(count: int, threshold: int) -> str:
    """A count as shown: "fewer than 5" for 1 to 4 when suppressing (threshold above 1)."""
    return f"fewer than {threshold}" if is_small(count, threshold) else f"{count:,}"


def _notes(
    figures: pa.Table,
    measures: Sequence[Measure],
    quarters: Sequence[Quarter],
    con: duckdb.DuckDBPyConnection,
    threshold: int,
) -> dict[str, dict[str, list[str]]]:
    """Data-quality notes for each measure and quarter (partnership-wide), counts under ``threshold``
    written as "fewer than …" (0: every count as it is)."""

    def n(count: int) -> str:
        return count_text(count, threshold)

    headline = {
        (r["measure"], r["quarter"]): r
        for r in figures.filter(
            (pc.field("district") == ALL)
            & (pc.field("priority_group") == ALL)
            & (pc.field("breakdown") == ALL)
        ).to_pylist()
    }
    unknown_people = con.execute("""
        SELECT COUNT(DISTINCT o.person_id) FROM offences o JOIN people p ON p.person_id = o.person_id
        WHERE p.sex NOT IN ('male', 'female') OR p.sex IS NULL OR p.date_of_birth IS NULL""").fetchone()
    # Rows the engine would refuse (it refuses a whole input for one): left out, said so, records to correct.
    before_birth = con.execute(
        "SELECT COUNT(*) FROM offences o JOIN people p ON p.person_id = o.person_id "
        "WHERE o.offence_date < p.date_of_birth"
    ).fetchone()
    no_harm = con.execute("SELECT COUNT(*) FROM offence_harm WHERE harm_days IS NULL").fetchone()
    notes: dict[str, dict[str, list[str]]] = {}
    for measure in measures:
        by_quarter: dict[str, list[str]] = {}
        for quarter in quarters:
            lines: list[str] = []
            row = headline.get((measure.code, quarter.code))
            if row is not None and row["not_recorded"]:
                share = (
                    ""
                    if is_small(row["not_recorded"], threshold)
                    else (f" ({_percent(row['not_recorded'], row['units'])})")
                )
                lines.append(
                    f"{n(row['not_recorded'])} of {n(row['units'])} {measure.unit_noun}{share} "
                    f"{measure.missing}: they are left out of the figure."
                )
            if row is not None and row["provisional"] and measure.provisional_note:
                lines.append(measure.provisional_note)
            if measure.code == "proven_reoffending" and unknown_people and unknown_people[0]:
                lines.append(
                    f"{n(unknown_people[0])} people with proven offences have no recorded sex or date of "
                    "birth and are left out of every cohort."
                )
            if measure.code == "proven_reoffending" and before_birth and before_birth[0]:
                lines.append(
                    f"{n(before_birth[0])} offences are dated before their person's recorded date of birth "
                    "and are left out: one of the two is wrong in the record."
                )
            if measure.code == "iom_harm" and no_harm and no_harm[0]:
                lines.append(
                    f"{n(no_harm[0])} offences have a code with no row in the crime harm table and add no "
                    "harm."
                )
            by_quarter[quarter.code] = lines
        notes[measure.code] = by_quarter
    return notes
