"""The basket's input: one Arrow table per kind of fact, with fixed columns, and its data version.

The Django side exports these (``desist.board.exports``); a script or notebook can build them from any
source. A missing table is an empty one: a measure that needs it shows "no data" and says why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

_ID = pa.int64()
_DATE = pa.date32()
_TEXT = pa.string()
_BOOL = pa.bool_()

# Table name -> its columns (name, type), and the columns it is sorted on for the data version.
SCHEMAS: dict[str, pa.Schema] = {
    # date_of_birth may be empty; sex is male, female or unknown; ethnicity is the ONS 2021 code (W1, B2…).
    "people": pa.schema(
        [
            ("person_id", _ID),
            ("date_of_birth", _DATE),
            ("sex", _TEXT),
            ("ethnicity", _TEXT),
            ("district", _TEXT),
        ]
    ),
    # One row per proven offence; outcome conviction or caution; disposal as desist.offences.Disposal.
    "offences": pa.schema(
        [
            ("offence_id", _ID),
            ("person_id", _ID),
            ("offence_code", _TEXT),
            ("ogrs3_category", _TEXT),
            ("offence_date", _DATE),
            ("proven_date", _DATE),
            ("outcome", _TEXT),
            ("disposal", _TEXT),
            ("sentence_id", _ID),
        ]
    ),
    # kind: custody, community_order or suspended_sentence_order.
    "sentences": pa.schema(
        [
            ("sentence_id", _ID),
            ("person_id", _ID),
            ("kind", _TEXT),
            ("sentence_date", _DATE),
            ("start_date", _DATE),
            ("end_date", _DATE),
            ("release_date", _DATE),
            ("release_is_actual", _BOOL),
            ("licence_expiry_date", _DATE),
            ("terminated_date", _DATE),
        ]
    ),
    # status: active, completed or terminated.
    "requirements": pa.schema(
        [
            ("requirement_id", _ID),
            ("sentence_id", _ID),
            ("kind", _TEXT),
            ("start_date", _DATE),
            ("end_date", _DATE),
            ("status", _TEXT),
        ]
    ),
    "priority_groups": pa.schema(
        [("person_id", _ID), ("grp", _TEXT), ("start_date", _DATE), ("end_date", _DATE)]
    ),
    "iom_cohort": pa.schema(
        [("person_id", _ID), ("strand", _TEXT), ("adopted_on", _DATE), ("ended_on", _DATE)]
    ),
    # topic accommodation (positive: settled) or ete (positive: in employment, training or education);
    # stage start, release or termination of the sentence's supervision.
    "statuses": pa.schema(
        [
            ("person_id", _ID),
            ("sentence_id", _ID),
            ("topic", _TEXT),
            ("stage", _TEXT),
            ("recorded_on", _DATE),
            ("positive", _BOOL),
        ]
    ),
    # kind warning or breach (a referral for enforcement).
    "enforcement": pa.schema(
        [("person_id", _ID), ("sentence_id", _ID), ("action_date", _DATE), ("kind", _TEXT)]
    ),
    # Involvements of a drug and alcohol treatment provider.
    "treatment": pa.schema([("person_id", _ID), ("start_date", _DATE), ("end_date", _DATE)]),
    # Assessed drug and alcohol need (OASys sections 8 and 9: standard or severe need).
    "needs": pa.schema([("person_id", _ID), ("assessed_on", _DATE), ("drugs", _BOOL), ("alcohol", _BOOL)]),
    # Stored predictor scores for validation: the predicted chance (0–1) over horizon_months from scored_on.
    "scores": pa.schema(
        [
            ("person_id", _ID),
            ("kind", _TEXT),
            ("scored_on", _DATE),
            ("horizon_months", pa.int32()),
            ("predicted", pa.float64()),
        ]
    ),
}


def empty_table(name: str) -> pa.Table:
    """A table of the named kind with no rows."""
    return SCHEMAS[name].empty_table()


@dataclass(frozen=True)
class BasketInputs:
    """Every input table, checked against ``SCHEMAS`` (extra columns dropped, columns cast to their type)."""

    tables: Mapping[str, pa.Table] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.tables) - set(SCHEMAS))
        if unknown:
            raise ValueError(f"unknown input table {', '.join(unknown)}: use any of {', '.join(SCHEMAS)}")
        checked: dict[str, pa.Table] = {}
        for name, schema in SCHEMAS.items():
            table = self.tables.get(name)
            if table is None:
                checked[name] = schema.empty_table()
                continue
            missing = [column for column in schema.names if column not in table.column_names]
            if missing:
                raise ValueError(f"input table {name} has no column {', '.join(missing)}")
            checked[name] = table.select(schema.names).cast(schema)
        object.__setattr__(self, "tables", checked)

    def __getitem__(self, name: str) -> pa.Table:
        return self.tables[name]

    def row_counts(self) -> dict[str, int]:
        return {name: table.num_rows for name, table in self.tables.items()}

    def fingerprint(self) -> str:
        """A SHA-256 of every table's rows in a fixed order: the same facts give the same hash, whatever order
        they were exported in."""
        digest = hashlib.sha256()
        for name in sorted(self.tables):
            table = self.tables[name]
            if table.num_rows:
                keys = [(column, "ascending", "at_start") for column in table.column_names]
                table = table.take(pc.sort_indices(table, sort_keys=keys))
            digest.update(name.encode())
            # CSV text, not Arrow buffers: equal values always give equal bytes, however they were built.
            sink = pa.BufferOutputStream()
            pa_csv.write_csv(table, sink)
            digest.update(sink.getvalue().to_pybytes())
        return digest.hexdigest()
