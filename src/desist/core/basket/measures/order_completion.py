"""Orders completed: community and suspended sentence orders that ran their course."""

from __future__ import annotations

from ..measure import Definition, Measure

SQL = """
SELECT q.quarter, s.person_id, s.ends_on AS ref_date,
       CASE WHEN s.ended_early THEN 0.0 ELSE 1.0 END AS numerator, 1.0 AS denominator,
       TRUE AS recorded, FALSE AS provisional
FROM supervision s JOIN quarters q ON s.ends_on BETWEEN q.q_start AND q.q_end
WHERE s.start_stage = 'start' AND s.ends_on <= {as_of}
"""

MEASURE = Measure(
    code="order_completion",
    name="Orders completed",
    area="Completion",
    kind="proportion",
    definition=Definition(
        numerator="Orders that reached their end date without being revoked (terminated) early.",
        denominator="Community orders and suspended sentence orders whose supervision ended in the quarter, "
        "by reaching their end date or by being revoked.",
        inclusions=("District and priority groups are read on the day the order ended.",),
        exclusions=(
            "Custodial sentences (their licences are in the accommodation and employment measures).",
        ),
        notes=(
            "An order revoked early for good progress counts as not completed: desist does not yet record "
            "why an order was revoked.",
        ),
    ),
    unit_noun="orders ending",
    missing="",
    requires=("sentences",),
    sql=SQL,
    higher_is_better=True,
)
