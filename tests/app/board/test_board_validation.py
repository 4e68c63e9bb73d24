"""Predictor validation of OGRS3 as at the index date, worked out retrospectively (docs/measures.md)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from desist.assessments.models import RiskScore, ScoreKind
from desist.audit.context import system_actor
from desist.board.exports import basket_inputs, retrospective_scores
from desist.board.refresh import basket_compute
from desist.core.basket import retrospective
from desist.core.risk.scoring import RiskFacts, Sanction, ogrs3_at_index, ogrs3_for
from desist.offences import services as offences
from desist.partnership.models import Role
from tests.app.board.figures import store_figures
from tests.app.builders import offence_code, person

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
QUARTER = retrospective.validated_quarter(TODAY)
INDEX = QUARTER.start + timedelta(days=5)
REOFFENDERS = (0, 1, 2, 3, 4, 5, 6, 13)  # seven of the eight prolific people, one of the six first offenders


@pytest.fixture(autouse=True)
def _fresh_live_figures() -> Any:
    yield  # the live figures are stored by each test that reads them (store_figures)


def convict(subject: Any, proven: date, committed: date | None = None) -> None:
    offences.offence_record(
        actor=system_actor(),
        person=subject,
        offence_code="04600",
        offence_date=committed or proven - timedelta(days=20),
        outcome="conviction",
        outcome_date=proven,
        disposal="fine",
    )


@pytest.fixture
def cohort(partnership: Any) -> dict[str, Any]:
    """Fourteen people convicted early in the validated quarter. Eight young people with long records, of whom
    seven reoffend within the year; six older first offenders, of whom one reoffends. One person only
    cautioned, so OGRS3 gives nothing for them."""
    offence_code("04600", "Theft (non-motor)", 0.0)
    people = []
    for i in range(14):
        prolific = i < 8
        subject = person(
            first_name=f"Person{i}",
            last_name="Cohort",
            sex="female" if i % 3 == 0 else "male",
            date_of_birth=date(INDEX.year - 20, 1, 1) if prolific else date(INDEX.year - 55, 1, 1),
        )
        if prolific:
            for years in range(1, 7):
                convict(subject, INDEX - timedelta(days=300 * years))
        convict(subject, INDEX)
        if i in REOFFENDERS:
            convict(subject, INDEX + timedelta(days=60), committed=INDEX + timedelta(days=30))
        people.append(subject)
    cautioned = person(first_name="Only", last_name="Cautioned")
    offences.offence_record(
        actor=system_actor(),
        person=cautioned,
        offence_code="04600",
        offence_date=INDEX,
        outcome="caution",
        outcome_date=INDEX,
    )
    analyst = partnership.user("analyst", partnership.probation, Role.ANALYST)
    practitioner = partnership.user("practitioner", partnership.police)
    return {"people": people, "cautioned": cautioned, "analyst": analyst, "practitioner": practitioner}


def _retrospective() -> dict[str, Any]:
    return next(v for v in basket_compute().validation if v["kind"] == retrospective.KIND)


def test_the_cohort_is_scored_as_at_each_index_date(cohort: dict[str, Any]) -> None:
    rows = retrospective_scores(basket_inputs(), as_of=TODAY).to_pylist()
    by_person = {row["person_id"]: row for row in rows}
    assert set(by_person) == {p.pk for p in cohort["people"]} | {cohort["cautioned"].pk}
    assert all(row["scored_on"] == INDEX and row["horizon_months"] == 12 for row in rows)
    assert by_person[cohort["cautioned"].pk]["predicted"] is None
    prolific, first = (
        by_person[cohort["people"][0].pk]["predicted"],
        by_person[cohort["people"][13].pk]["predicted"],
    )
    assert prolific > first > 0


def test_higher_risk_people_reoffend_more_and_the_auc_is_above_a_half(cohort: dict[str, Any]) -> None:
    validation = _retrospective()
    everyone = next(g for g in validation["groups"] if g["breakdown"] == "all")
    assert (everyone["people"], everyone["reoffended"]) == (14, 8)
    assert validation["unscored"] == 1 and validation["without_follow_up"] == 0
    # The AUC by hand: over every (reoffender, non-reoffender) pair, 1 when the reoffender scored higher,
    # ½ a tie.
    predicted = {
        r["person_id"]: r["predicted"] for r in retrospective_scores(basket_inputs(), as_of=TODAY).to_pylist()
    }
    reoffenders = [predicted[cohort["people"][i].pk] for i in REOFFENDERS]
    others = [predicted[p.pk] for i, p in enumerate(cohort["people"]) if i not in REOFFENDERS]
    pairs = [1.0 if r > o else 0.5 if r == o else 0.0 for r in reoffenders for o in others]
    assert everyone["auc"]["auc"] == pytest.approx(sum(pairs) / len(pairs)) and everyone["auc"]["auc"] > 0.75
    deciles = everyone["calibration"]
    assert sum(d["people"] for d in deciles) == 14 and sum(d["observed"] for d in deciles) == 8
    assert {g["value"] for g in validation["groups"] if g["breakdown"] == "sex"} == {"Female", "Male"}
    assert sum(g["people"] for g in validation["groups"] if g["breakdown"] == "sex") == 14
    assert sum(g["people"] for g in validation["groups"] if g["breakdown"] == "ethnicity") == 14


def test_an_offence_proven_after_the_index_date_does_not_change_the_prediction(
    cohort: dict[str, Any],
) -> None:
    subject = cohort["people"][13]
    before = {
        r["person_id"]: r["predicted"] for r in retrospective_scores(basket_inputs(), as_of=TODAY).to_pylist()
    }
    # Committed before the index date but proven after it: unknown on the day, so not in the prediction.
    convict(subject, INDEX + timedelta(days=10), committed=INDEX - timedelta(days=100))
    after = {
        r["person_id"]: r["predicted"] for r in retrospective_scores(basket_inputs(), as_of=TODAY).to_pylist()
    }
    assert after == before


def test_ogrs3_at_index_counts_only_sanctions_proven_by_then_and_starts_the_follow_up_that_day() -> None:
    index = date(2024, 3, 1)
    facts = RiskFacts(
        person_id=1,
        sex="male",
        date_of_birth=date(1990, 5, 1),
        sanctions=[
            Sanction(date(2020, 1, 1), "conviction", "04600", date(2019, 12, 1), None),
            Sanction(date(2024, 2, 1), "conviction", "04600", date(2024, 1, 1), None),
        ],
    )
    at_index = ogrs3_at_index(facts, index)
    assert at_index.inputs["follow_up_start"] == "2024-03-01" and at_index.inputs["total_sanctions"] == 2
    assert ogrs3_for(facts, index).inputs["follow_up_start"] == "2024-02-01"  # unchanged behaviour
    facts.sanctions.append(Sanction(date(2024, 4, 1), "conviction", "04600", date(2023, 6, 1), None))
    assert ogrs3_at_index(facts, index).inputs == at_index.inputs


def test_the_page_shows_the_retrospective_figures_in_bounded_queries(
    client, cohort, django_assert_max_num_queries
):
    auc = next(g for g in _retrospective()["groups"] if g["breakdown"] == "all")["auc"]["auc"]
    store_figures()
    client.force_login(cohort["analyst"])
    with django_assert_max_num_queries(
        32
    ):  # twelve for the inputs and seven for the facts, whatever their size
        html = client.get(reverse("board_validation")).content.decode()
    assert "OGRS3 as at the index date, worked out retrospectively" in html
    assert f"{auc:.3f}" in html and "No data" not in html
    # The stored scores stay a second choice: dated today, none has a finished follow-up.
    RiskScore.objects.create(
        person=cohort["people"][0], kind=ScoreKind.OGRS3, as_of=TODAY, one_year=40, two_year=55
    )
    store_figures()
    html = client.get(reverse("board_validation")).content.decode()
    assert "OGRS3 as at the index date, worked out retrospectively</h2>" in html and 'source=ogrs3"' in html
    html = client.get(reverse("board_validation"), {"source": "ogrs3"}).content.decode()
    assert "Stored OGRS3 scores</h2>" in html and "No data" in html
    client.force_login(cohort["practitioner"])
    html = client.get(reverse("board_validation")).content.decode()
    assert "[c]" in html  # a practitioner sees small counts withheld


def test_error_rates_at_the_threshold_setting_by_group_with_the_same_library(
    client, cohort, settings, django_assert_max_num_queries
):
    """The board's figures are desist.core.fairness's (the ones `desist validate` prints) for the cohort's own
    predictions, at DESIST_BOARD_VALIDATION_THRESHOLD."""
    from desist.core.fairness import validate_scores

    settings.DESIST_BOARD_VALIDATION_THRESHOLD = 0.3
    store_figures()
    validation = _retrospective()
    predicted = {
        r["person_id"]: r["predicted"] for r in retrospective_scores(basket_inputs(), as_of=TODAY).to_pylist()
    }
    people = cohort["people"]
    expected = validate_scores(
        [predicted[p.pk] for p in people],
        [i in REOFFENDERS for i in range(len(people))],
        {"sex": [p.sex.capitalize() for p in people]},
        threshold=0.3,
    )
    shown = {(g["breakdown"], g["value"]): g for g in validation["groups"]}
    for group in expected:
        row = shown[(group.breakdown, group.value)]
        figures = group.to_dict()
        assert row["at_threshold"]["threshold"] == 0.3
        for name in ("false_positive_rate", "false_negative_rate", "positive_predictive_value"):
            assert row["at_threshold"][name]["value"] == figures[name]
            assert row["at_threshold"][name]["low"] == figures[f"{name}_low"]
        assert row["brier"] == pytest.approx(figures["brier"])
        assert row["auc"]["standard_error"] == figures["auc_standard_error"]
    assert validation["groups"][0]["auc"]["method"] == "DeLong"

    store_figures()
    client.force_login(cohort["analyst"])
    with django_assert_max_num_queries(32):
        html = client.get(reverse("board_validation")).content.decode()
    assert "a predicted chance of 30.0% or more counts as higher risk" in html
    assert "False positive rate" in html and "Brier score" in html
    everyone = expected[0].to_dict()
    assert f"{100 * everyone['false_negative_rate']:.1f}%" in html
    assert "Calibration by tenth of people by score: Female" in html
    assert "Kleinberg" in html
