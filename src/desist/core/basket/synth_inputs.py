"""The basket's input from a generated synthetic partnership (``desist.core.synth``), with synthetic outcome
records the generator does not make yet: accommodation and employment statuses at the stages of supervision,
and enforcement warnings and breaches. Only synthetic people, ever.

The outcomes are drawn from each person's offending propensity with a fixed seed, so the same partnership
gives the same outcomes; about one status in twelve is left unrecorded, as in real case records.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from .inputs import SCHEMAS, BasketInputs

UNRECORDED_SHARE = 0.08


def synth_outcomes(
    people: pa.Table, sentences: pa.Table, *, as_of: date, seed: int = 0
) -> dict[str, pa.Table]:
    """Statuses (``statuses``) and enforcement actions (``enforcement``) for the supervised sentences of a
    synthetic partnership, in the basket's input form."""
    con = duckdb.connect(":memory:")
    con.register("people", people)
    con.register("sentences", sentences)
    periods: Any = con.execute(
        """
        SELECT s.sentence_id, s.person_id, s.kind, COALESCE(p.propensity, 0.5) AS propensity,
               CASE WHEN s.kind = 'custody' THEN s.release_date """
        """ELSE COALESCE(s.start_date, s.sentence_date) END
                 AS starts_on,
               CASE WHEN s.kind = 'custody' THEN s.licence_expiry_date
                    ELSE LEAST(s.terminated_date, s.end_date) END AS ends_on
        FROM sentences s JOIN people p ON p.person_id = s.person_id
        WHERE (s.kind <> 'custody' OR (s.release_is_actual AND s.release_date <= ?))
        ORDER BY s.sentence_id
    """,
        [as_of],
    ).fetchnumpy()
    rng = np.random.default_rng(seed)
    count = len(periods["sentence_id"])
    propensity = np.asarray(periods["propensity"], dtype=float)
    custody = np.asarray(periods["kind"]) == "custody"
    starts = np.asarray(periods["starts_on"], dtype="datetime64[D]")
    ends = np.asarray(periods["ends_on"], dtype="datetime64[D]")
    cutoff = np.datetime64(as_of, "D")
    rows: dict[str, list[Any]] = {name: [] for name in SCHEMAS["statuses"].names}

    def add(mask: np.ndarray, topic: str, stage: str, days: np.ndarray, chance: np.ndarray) -> None:
        keep = mask & (rng.random(count) >= UNRECORDED_SHARE) & (days <= cutoff)
        positive = rng.random(count) < chance
        for i in np.flatnonzero(keep):
            rows["person_id"].append(int(periods["person_id"][i]))
            rows["sentence_id"].append(int(periods["sentence_id"][i]))
            rows["topic"].append(topic)
            rows["stage"].append(stage)
            rows["recorded_on"].append(days[i].astype(object))
            rows["positive"].append(bool(positive[i]))

    has_end = ~np.isnat(ends)
    settled = 0.92 - 0.45 * propensity
    add(~custody, "accommodation", "start", starts, settled)
    add(custody, "accommodation", "release", starts, settled - 0.15)
    add(has_end, "accommodation", "termination", np.where(has_end, ends, cutoff), settled + 0.05)
    add(has_end, "ete", "termination", np.where(has_end, ends, cutoff), 0.75 - 0.5 * propensity)

    enforcement: dict[str, list[Any]] = {name: [] for name in SCHEMAS["enforcement"].names}
    last = np.where(has_end, np.minimum(ends, cutoff), cutoff)
    length = np.maximum((last - starts).astype(int), 0)
    warnings = rng.poisson(0.9 * propensity * length / 365)
    for i in np.flatnonzero((warnings > 0) & (length > 0)):
        offsets = np.sort(rng.integers(0, length[i], warnings[i]))
        for n, offset in enumerate(offsets):
            # a second failure within 12 months of a warning must be referred (RULES.md §9)
            kind = "breach" if n > 0 and offset - offsets[n - 1] <= 365 else "warning"
            enforcement["person_id"].append(int(periods["person_id"][i]))
            enforcement["sentence_id"].append(int(periods["sentence_id"][i]))
            enforcement["action_date"].append((starts[i] + offset).astype(object))
            enforcement["kind"].append(kind)
    return {
        "statuses": pa.table(rows, schema=SCHEMAS["statuses"]),
        "enforcement": pa.table(enforcement, schema=SCHEMAS["enforcement"]),
    }


def inputs_from_synth(tables: dict[str, pa.Table], *, as_of: date, seed: int = 0) -> BasketInputs:
    """The basket's inputs from ``Partnership.tables()`` (districts by name), with synthetic outcomes."""
    con = duckdb.connect(":memory:")
    for name in ("people", "districts", "offences", "sentences", "requirements", "involvements", "agencies"):
        con.register(name, tables[name])

    def query(sql: str) -> pa.Table:
        result: pa.Table = con.sql(sql).to_arrow_table()
        return result

    people = query("""SELECT p.person_id, p.date_of_birth, p.sex, p.ethnicity, d.name AS district
                      FROM people p LEFT JOIN districts d ON d.code = p.district_code""")
    offences = query(
        """SELECT offence_id, person_id, ho_code AS offence_code, """
        """NULL::VARCHAR AS ogrs3_category,
                               offence_date, outcome_date AS proven_date, outcome, disposal, sentence_id
                        FROM offences"""
    )
    treatment = query("""SELECT i.person_id, i.start_date, i.end_date FROM involvements i
                         JOIN agencies a ON a.agency_code = i.agency_code WHERE a.kind = 'treatment'""")
    outcomes = synth_outcomes(tables["people"], tables["sentences"], as_of=as_of, seed=seed)
    return BasketInputs(
        {
            "people": people,
            "offences": offences,
            "sentences": tables["sentences"],
            "requirements": tables["requirements"],
            "treatment": treatment,
            **outcomes,
        }
    )
