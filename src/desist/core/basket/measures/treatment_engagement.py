"""Treatment engagement: people starting supervision with a drug or alcohol need who are in treatment."""

# ruff: noqa: S608  (SQL from fixed names and whole-number settings)

from __future__ import annotations

from ..measure import Definition, Measure
from ._shared import starting_units

TREATMENT_REQUIREMENTS = ("drr", "atr", "aamr")

SQL = f"""
WITH starts AS ({starting_units("start")} UNION ALL {starting_units("release")}),
assessed AS (
    SELECT s.quarter, s.person_id, s.sentence_id, s.ref_date,
           COUNT(n.person_id) > 0 AS need_known,
           COALESCE(BOOL_OR(n.drugs OR n.alcohol), FALSE) AS assessed_need
    FROM starts s
    LEFT JOIN needs n ON n.person_id = s.person_id
     AND n.assessed_on BETWEEN s.ref_date - {{need_lookback_days}} AND s.ref_date + {{need_lookahead_days}}
    GROUP BY s.quarter, s.person_id, s.sentence_id, s.ref_date
),
flagged AS (
    SELECT a.*,
           a.assessed_need OR EXISTS (
               SELECT 1 FROM requirements r WHERE r.sentence_id = a.sentence_id
                 AND r.kind IN ({", ".join(f"'{k}'" for k in TREATMENT_REQUIREMENTS)})) AS has_need
    FROM assessed a
)
SELECT f.quarter, f.person_id, f.ref_date,
       CASE WHEN EXISTS (
           SELECT 1 FROM treatment t WHERE t.person_id = f.person_id
             AND t.start_date <= f.ref_date + {{treatment_window_days}}
             AND (t.end_date IS NULL OR t.end_date >= f.ref_date)
       ) THEN 1.0 ELSE 0.0 END AS numerator,
       1.0 AS denominator, f.has_need AS recorded,
       f.ref_date + {{treatment_window_days}} > {{as_of}} AS provisional
FROM flagged f
WHERE f.has_need OR NOT f.need_known
"""


MEASURE = Measure(
    code="treatment_engagement",
    name="In treatment for a drug or alcohol need",
    area="Drugs and alcohol",
    kind="proportion",
    definition=Definition(
        numerator="Those with an involvement of a drug and alcohol treatment provider that was current on "
        "the day supervision started or began within 21 days of it (the setting treatment_window_days).",
        denominator="Orders starting and releases from custody in the quarter where the person had a drug or "
        "alcohol need: an assessment from a year before to 3 months after the start showing a "
        "standard or severe need in OASys section 8 (drugs) or 9 (alcohol), or a drug "
        "rehabilitation, alcohol treatment or alcohol abstinence requirement on the order.",
        inclusions=("District and priority groups are read on the day supervision started.",),
        exclusions=(
            "Starts with no assessment in the window and no treatment requirement: their need is not "
            "known; counted in the data-quality note.",
            "Starts where the assessment found no drug or alcohol need.",
        ),
    ),
    unit_noun="supervision starts with a need or no assessment",
    missing="had no assessment of drug and alcohol need in the window",
    requires=("needs",),
    sql=SQL,
    higher_is_better=True,
    provisional_note="Some starts are within 21 days of the data's date: treatment can still begin.",
)
