"""SQL pieces several measures share: written once here."""

# SQL from fixed names and the measures' own fragments, never from user text.
# ruff: noqa: S608

from __future__ import annotations


def status_units(*, topic: str, stage: str, units: str) -> str:
    """Units (from the ``units`` SQL: quarter, person_id, sentence_id, ref_date) with the latest status of
    ``topic`` recorded at ``stage`` of that sentence: positive counts in the numerator; none recorded leaves
    the unit out of the denominator."""
    return f"""
WITH units AS ({units}),
latest AS (
    SELECT sentence_id, positive
    FROM (
        SELECT sentence_id, positive,
               ROW_NUMBER() OVER (PARTITION BY sentence_id ORDER BY recorded_on DESC, positive DESC) AS pick
        FROM statuses WHERE topic = '{topic}' AND stage = '{stage}'
    ) WHERE pick = 1
)
SELECT u.quarter, u.person_id, u.ref_date,
       CASE WHEN l.positive THEN 1.0 ELSE 0.0 END AS numerator, 1.0 AS denominator,
       l.sentence_id IS NOT NULL AS recorded, FALSE AS provisional
FROM units u LEFT JOIN latest l ON l.sentence_id = u.sentence_id
"""


# Supervision periods that started in the quarter, by the stage they start with (start: an order; release:
# a licence after custody).
def starting_units(stage: str) -> str:
    """Supervision periods starting in each quarter at ``stage`` (start or release), up to the data's date."""
    return f"""
SELECT q.quarter, s.person_id, s.sentence_id, s.starts_on AS ref_date
FROM supervision s JOIN quarters q ON s.starts_on BETWEEN q.q_start AND q.q_end
WHERE s.start_stage = '{stage}' AND s.starts_on <= {{as_of}}
"""


ENDING_UNITS = """
SELECT q.quarter, s.person_id, s.sentence_id, s.ends_on AS ref_date
FROM supervision s JOIN quarters q ON s.ends_on BETWEEN q.q_start AND q.q_end
WHERE s.ends_on <= {as_of}
"""


def enforcement_units(kind: str) -> str:
    """People under supervision on any day of the quarter, with the number of enforcement actions of ``kind``
    (warning or breach) dated in it."""
    return f"""
WITH supervised AS (
    SELECT q.quarter, q.q_start, q.q_end, s.person_id, MIN(GREATEST(s.starts_on, q.q_start)) AS ref_date
    FROM supervision s JOIN quarters q
      ON s.starts_on <= q.q_end AND (s.ends_on IS NULL OR s.ends_on >= q.q_start)
    WHERE s.starts_on <= {{as_of}} AND q.q_start <= {{as_of}}
    GROUP BY q.quarter, q.q_start, q.q_end, s.person_id
)
SELECT u.quarter, u.person_id, u.ref_date,
       CAST((SELECT COUNT(*) FROM enforcement e
             WHERE e.person_id = u.person_id AND e.kind = '{kind}'
               AND e.action_date BETWEEN u.q_start AND LEAST(u.q_end, {{as_of}})) AS DOUBLE) AS numerator,
       1.0 AS denominator, TRUE AS recorded, u.q_end > {{as_of}} AS provisional
FROM supervised u
"""


def completion_units(kind_filter: str) -> str:
    """Requirements (matching ``kind_filter``, SQL on r) whose end date fell in the quarter: completed counts
    in the numerator; one still shown as active after its end date has no outcome recorded."""
    return f"""
SELECT q.quarter, s.person_id, r.end_date AS ref_date,
       CASE WHEN r.status = 'completed' THEN 1.0 ELSE 0.0 END AS numerator, 1.0 AS denominator,
       r.status IN ('completed', 'terminated') AS recorded, FALSE AS provisional
FROM requirements r
JOIN sentences s ON s.sentence_id = r.sentence_id
JOIN quarters q ON r.end_date BETWEEN q.q_start AND q.q_end
WHERE r.end_date <= {{as_of}} AND ({kind_filter})
"""


def iom_before_after(weight: str) -> str:
    """People adopted onto the IOM cohort in the quarter: ``weight`` (SQL on o, from ``offence_harm``) summed
    over offences committed in the window after adoption (numerator) and before it (denominator)."""
    return f"""
WITH adopted AS (
    SELECT q.quarter, c.person_id, c.adopted_on,
           CAST(c.adopted_on - INTERVAL {{iom_window_months}} MONTH AS DATE) AS window_start,
           CAST(c.adopted_on + INTERVAL {{iom_window_months}} MONTH AS DATE) AS window_end,
           CAST(c.adopted_on + INTERVAL ({{iom_window_months}} + 6) MONTH AS DATE) AS proven_by
    FROM iom_cohort c JOIN quarters q ON c.adopted_on BETWEEN q.q_start AND q.q_end
    WHERE c.adopted_on <= {{as_of}}
)
SELECT a.quarter, a.person_id, a.adopted_on AS ref_date,
       COALESCE(SUM(CASE WHEN o.offence_date > a.adopted_on AND o.offence_date <= a.window_end
                         THEN {weight} END), 0.0) AS numerator,
       COALESCE(SUM(CASE WHEN o.offence_date > a.window_start AND o.offence_date <= a.adopted_on
                         THEN {weight} END), 0.0) AS denominator,
       a.window_end <= {{as_of}} AS recorded, a.proven_by > {{as_of}} AS provisional
FROM adopted a
LEFT JOIN offence_harm o ON o.person_id = a.person_id AND o.proven_date <= {{as_of}}
GROUP BY a.quarter, a.person_id, a.adopted_on, a.window_end, a.proven_by
"""
