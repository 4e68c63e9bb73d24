"""The basket's input tables from the database, as Arrow, one query per table (docs/measures.md).

Only the columns the measures read leave the database: no names, addresses or identifiers. People merged
into another record are left out (their facts were moved to the record they were merged into).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import pyarrow as pa

from desist.assessments.models import AssessmentSection, NeedLevel, RiskScore, ScoreKind, Section
from desist.assessments.selectors import risk_facts
from desist.core.basket import SCHEMAS, BasketInputs, BasketSettings, retrospective
from desist.core.risk.scoring import ogrs3_at_index
from desist.iom.models import CohortMembership
from desist.offences.models import Offence
from desist.outcomes.models import IN_ETE, SETTLED, AccommodationStatus, EmploymentStatus, EnforcementAction
from desist.partnership.models import AgencyKind
from desist.people.models import Involvement, Person
from desist.priority.models import PriorityGroupMembership
from desist.sentences.models import Requirement, Sentence

NEEDS = (NeedLevel.STANDARD, NeedLevel.SEVERE)
# The stored scores validated on local outcomes: (kind, horizon in months, the field with the percentage).
VALIDATED_SCORES = ((ScoreKind.OGRS3, 24, "two_year"),)


def _table(name: str, rows: Iterable[Sequence[Any]]) -> pa.Table:
    schema = SCHEMAS[name]
    columns: list[list[Any]] = [[] for _ in schema.names]
    for row in rows:
        for index, value in enumerate(row):
            columns[index].append(value)
    return pa.table(columns, schema=schema)


def basket_inputs(*, as_of: date | None = None, settings: BasketSettings | None = None) -> BasketInputs:
    """Every input table of the basket, in twelve queries whatever the size of the partnership; with
    ``as_of``, also OGRS3 as at the index date for the latest cohort whose follow-up has ended (seven more
    queries)."""
    live = Person.objects.filter(merged_into__isnull=True)
    people = live.values_list("pk", "date_of_birth", "sex", "ethnicity", "district__name")
    # The category a user chose where the code alone does not decide it, else the code's own.
    offences = Offence.objects.filter(person__in=live).values_list(
        "pk",
        "person_id",
        "offence_code__code",
        "ogrs3_category",
        "offence_code__ogrs3_category",
        "offence_date",
        "outcome_date",
        "outcome",
        "disposal",
        "sentence_id",
    )
    sentences = Sentence.objects.filter(person__in=live).values_list(
        "pk",
        "person_id",
        "kind",
        "sentence_date",
        "start_date",
        "end_date",
        "release_date",
        "release_is_actual",
        "licence_expiry_date",
        "terminated_date",
    )
    requirements = Requirement.objects.filter(sentence__person__in=live).values_list(
        "pk", "sentence_id", "kind", "start_date", "end_date", "status"
    )
    groups = PriorityGroupMembership.objects.values_list("person_id", "group", "start_date", "end_date")
    iom = CohortMembership.objects.filter(adopted_on__isnull=False).values_list(
        "person_id", "strand", "adopted_on", "ended_on"
    )
    statuses = [
        (person, sentence, "accommodation", stage, day, kind in SETTLED)
        for person, sentence, stage, day, kind in AccommodationStatus.objects.values_list(
            "person_id", "sentence_id", "stage", "recorded_on", "kind"
        )
    ] + [
        (person, sentence, "ete", stage, day, kind in IN_ETE)
        for person, sentence, stage, day, kind in EmploymentStatus.objects.values_list(
            "person_id", "sentence_id", "stage", "recorded_on", "kind"
        )
    ]
    enforcement = EnforcementAction.objects.values_list("person_id", "sentence_id", "action_date", "kind")
    treatment = Involvement.objects.filter(agency__kind=AgencyKind.TREATMENT).values_list(
        "person_id", "start_date", "end_date"
    )
    inputs = BasketInputs(
        {
            "people": _table("people", people),
            "offences": _table(
                "offences",
                ((*row[:3], row[3] or row[4] or None, *row[5:8], row[8] or None, row[9]) for row in offences),
            ),
            "sentences": _table("sentences", sentences),
            "requirements": _table("requirements", requirements),
            "priority_groups": _table("priority_groups", groups),
            "iom_cohort": _table("iom_cohort", iom),
            "statuses": _table("statuses", statuses),
            "enforcement": _table("enforcement", enforcement),
            "treatment": _table("treatment", treatment),
            "needs": _table("needs", _needs()),
            "scores": _table("scores", _scores()),
        }
    )
    if as_of is None:
        return inputs
    retrospective_rows = retrospective_scores(inputs, as_of=as_of, settings=settings)
    tables = dict(inputs.tables)
    tables["scores"] = pa.concat_tables([inputs.tables["scores"], retrospective_rows])
    return BasketInputs(tables)


def retrospective_scores(
    inputs: BasketInputs, *, as_of: date, settings: BasketSettings | None = None
) -> pa.Table:
    """OGRS3 for each member of the latest cohort whose follow-up has ended, as it would have been worked out
    on their index date (docs/measures.md, "Predictor validation"): the one-year chance, or None where the
    record on that day did not give a score (no conviction yet, or a code whose category was never chosen).

    One read of the facts for the whole cohort: OGRS3 uses only sex, date of birth and the sanctions, which
    risk_facts reads whatever its ``on``; ``ogrs3_at_index`` keeps only those proven by each person's own
    date.
    """
    quarter = retrospective.validated_quarter(as_of, settings)
    members = retrospective.cohort_index_dates(inputs, quarter, as_of=as_of, settings=settings)
    if not members:
        return retrospective.score_rows({})
    facts = risk_facts([person for person, _ in members], on=max(day for _, day in members))
    predictions: dict[int, tuple[date, float | None]] = {}
    for person, day in members:
        score = ogrs3_at_index(facts[person], day) if person in facts else None
        chance = score.one_year if score is not None else None
        predictions[person] = (day, None if chance is None else chance / 100)
    return retrospective.score_rows(predictions)


def _needs() -> list[tuple[Any, ...]]:
    """Per assessment: whether section 8 (drugs) or 9 (alcohol) found a standard or severe need."""
    found: dict[int, list[Any]] = {}
    for assessment_id, person_id, assessed_on, section, need in AssessmentSection.objects.filter(
        section__in=(Section.DRUGS, Section.ALCOHOL)
    ).values_list("assessment_id", "assessment__person_id", "assessment__assessed_on", "section", "need"):
        row = found.setdefault(assessment_id, [person_id, assessed_on, False, False])
        if need in NEEDS:
            row[2 if section == Section.DRUGS else 3] = True
    return [tuple(row) for row in found.values()]


def _scores() -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for kind, horizon, column in VALIDATED_SCORES:
        for person_id, as_of, percent in RiskScore.objects.filter(
            kind=kind, **{f"{column}__isnull": False}
        ).values_list("person_id", "as_of", column):
            rows.append((person_id, str(kind), as_of, horizon, percent / 100))
    return rows
