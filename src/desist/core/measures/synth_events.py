"""The measures' input (one row per proven offence) from a generated synthetic partnership."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from .events import connect


def events_from_synth(offences: pa.Table, sentences: pa.Table, people: pa.Table, *, as_of: date) -> pa.Table:
    """Proven offences of ``desist.core.synth`` tables in the measures' input form: a custodial conviction
    takes its sentence's release date when the release had happened by ``as_of``."""
    con: duckdb.DuckDBPyConnection = connect()
    con.register("offences", offences)
    con.register("sentences", sentences)
    con.register("people", people)
    con.execute("SET VARIABLE as_of = ?", [as_of])
    query = (
        """
        SELECT o.person_id, p.date_of_birth, p.sex, o.offence_date, o.outcome_date AS proven_date, o.outcome,
               CASE WHEN o.outcome = 'caution' THEN NULL ELSE o.disposal END AS disposal,
               CASE WHEN o.disposal = 'custody' AND s.kind = 'custody' """
        """AND s.release_date <= getvariable('as_of')
                    THEN s.release_date END AS release_date,
               o.ho_code AS offence_code, p.district_code AS district, p.ethnicity
        FROM offences o
        JOIN people p ON p.person_id = o.person_id
        LEFT JOIN sentences s ON s.sentence_id = o.sentence_id
        ORDER BY o.person_id, o.outcome_date, o.offence_id
    """
    )
    table: Any = con.sql(query).to_arrow_table()
    return pa.Table.from_batches(table.to_batches(), table.schema)
