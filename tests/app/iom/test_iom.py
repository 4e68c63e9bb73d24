"""IOM cohort: candidates ranked by the matrix, panel decisions audited and on the record, caps kept
(issue 3 §4)."""

from datetime import timedelta

import pytest

from desist.audit.models import AccessLogEntry
from desist.iom import selectors, services
from desist.iom.models import Candidacy, CohortMembership, Decision, LeadProfessional, Panel
from desist.iom.selectors import CandidateFilters, candidates
from desist.offences.services import offence_record
from desist.registers.models import RegisterEntry
from tests.app import builders
from tests.app.builders import NAVIGATION_QUERIES, TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


# The staff the shared `team` fixture (tests/app/conftest.py) makes for these tests.
TEAM = ("coordinator", "iom_officer", "practitioner")


def burglar(partnership, team, last_name, burglaries, district=None):
    person = builders.person(
        last_name=last_name,
        district=district or partnership.medway,
        involved=[(partnership.probation, team["practitioner"]), (partnership.police, team["iom_officer"])],
    )
    builders.offence_code("02800")
    for n in range(burglaries):
        offence_record(
            actor=builders.actor(),
            person=person,
            offence_code="02800",
            offence_date=TODAY - timedelta(days=30 + 40 * n),
            outcome="conviction",
            outcome_date=TODAY - timedelta(days=20 + 40 * n),
            disposal="community",
        )
    return person


@pytest.fixture
def pool(partnership, team):
    people = {
        "prolific": burglar(partnership, team, "Prolific", 6),
        "steady": burglar(partnership, team, "Steady", 4, district=partnership.canterbury),
        "once": burglar(partnership, team, "Once", 1),
    }
    services.candidacy_refresh(actor=builders.actor(), person_ids=[p.pk for p in people.values()])
    return people


def test_candidates_are_ranked_and_explained(team, pool):
    ranked = list(candidates(builders.actor(team["coordinator"]), CandidateFilters(), on=TODAY))
    assert [c.person.last_name for c in ranked][:2] == ["Prolific", "Steady"]
    top = ranked[0]
    assert top.suggested_strand == "fixed"
    assert any("02800" in line for line in top.working)
    assert any("OGRS3" in line or "ogrs" in line.lower() for line in top.working + top.missing)


def test_filters_by_district_strand_and_new_since_the_last_panel(team, pool, partnership):
    actor = builders.actor(team["coordinator"])
    assert [c.person.last_name for c in candidates(actor, CandidateFilters(district="CAN"), on=TODAY)] == [
        "Steady"
    ]
    Panel.objects.create(held_on=TODAY)
    assert list(candidates(actor, CandidateFilters(new_only=True), on=TODAY)) == []
    Candidacy.objects.filter(person=pool["steady"]).update(candidate_since=TODAY + timedelta(days=1))
    assert [
        c.person.last_name
        for c in candidates(actor, CandidateFilters(new_only=True), on=TODAY + timedelta(days=1))
    ] == ["Steady"]


def test_propose_adopt_review_deselect(team, pool, partnership):
    actor = builders.actor(team["coordinator"])
    person = pool["prolific"]
    membership = services.cohort_propose(actor=actor, person=person)
    assert person.pk not in [c.person_id for c in candidates(actor, CandidateFilters(), on=TODAY)]
    services.cohort_adopt(
        actor=actor,
        membership=membership,
        strand="fixed",
        review_date=TODAY + timedelta(weeks=12),
        leads={
            partnership.probation.pk: team["practitioner"].pk,
            partnership.police.pk: team["iom_officer"].pk,
        },
    )
    membership.refresh_from_db()
    assert membership.status == "adopted" and membership.register_entry.kind == "iom"
    assert LeadProfessional.objects.filter(membership=membership).count() == 2
    services.cohort_review(
        actor=actor, membership=membership, next_review=TODAY + timedelta(weeks=24), notes="Engaging"
    )
    services.cohort_deselect(actor=actor, membership=membership, reason="No offending for a year")
    membership.refresh_from_db()
    assert membership.status == "deselected"
    assert RegisterEntry.objects.get(pk=membership.register_entry_id).end_date == TODAY
    kinds = list(Decision.objects.filter(membership=membership).order_by("id").values_list("kind", flat=True))
    assert kinds == ["proposed", "adopted", "reviewed", "deselected"]
    assert AccessLogEntry.objects.filter(person_id=person.pk, summary__startswith="IOM:").count() == 4


def test_decisions_need_reasons_and_respect_caps(team, pool):
    actor = builders.actor(team["coordinator"])
    membership = services.cohort_propose(actor=actor, person=pool["steady"])
    with pytest.raises(services.CohortDecisionError, match="Say why"):
        services.cohort_decline(actor=actor, membership=membership, reason="  ")
    with pytest.raises(services.CohortDecisionError, match="already proposed"):
        services.cohort_propose(actor=actor, person=pool["steady"])
    settings_row = selectors.cohort_settings()
    settings_row.cap_fixed = 0
    settings_row.save()
    with pytest.raises(services.CohortDecisionError, match=r"strand is full \(0 of 0\)"):
        services.cohort_adopt(
            actor=actor,
            membership=membership,
            strand="fixed",
            review_date=TODAY + timedelta(weeks=12),
            leads={1: None},
        )
    services.cohort_decline(actor=actor, membership=membership, reason="Managed under MAPPA instead")
    assert CohortMembership.objects.get(pk=membership.pk).status == "declined"


def test_only_coordinators_decide(client, team, pool):
    client.force_login(team["practitioner"])
    assert client.get("/iom/candidates/").status_code == 200
    assert client.post(f"/iom/candidates/{pool['prolific'].pk}/propose/").status_code == 403


def test_pages_and_the_record_show_decisions(client, team, pool, partnership, django_assert_max_num_queries):
    client.force_login(team["coordinator"])
    with django_assert_max_num_queries(14):
        page = client.get("/iom/candidates/")
    assert page.status_code == 200 and b"PROLIFIC" in page.content
    response = client.post(f"/iom/candidates/{pool['prolific'].pk}/propose/")
    membership = CohortMembership.objects.get(person=pool["prolific"])
    assert response.url == f"/iom/decisions/{membership.pk}/"
    response = client.post(
        response.url,
        {
            "decision": "adopt",
            "strand": "fixed",
            "review_date": (TODAY + timedelta(weeks=12)).isoformat(),
            f"lead_{partnership.police.pk}": str(team["iom_officer"].pk),
        },
    )
    assert response.status_code == 302
    with django_assert_max_num_queries(16 + NAVIGATION_QUERIES):
        cohort = client.get("/iom/cohort/")
    assert b"PROLIFIC" in cohort.content and b"Fixed (neighbourhood crime)" in cohort.content
    record = client.get(f"/people/{pool['prolific'].pk}/risk/").content.decode()
    assert "IOM panel decisions" in record and "Adopted into the cohort" in record


def test_daily_refresh_command(pool, capsys):
    from django.core.management import call_command

    Candidacy.objects.all().delete()
    call_command("refresh_iom_candidates")
    assert "IOM candidates" in capsys.readouterr().out
    assert Candidacy.objects.filter(is_candidate=True).count() >= 2


@pytest.mark.django_db(transaction=True)
def test_one_background_pass_scores_the_candidacy_from_the_fresh_ogrs3(partnership, team):
    """The refresh runs risk before IOM in one task, so the IOM working never quotes a stale OGRS3."""
    from django.core.management import call_command

    from desist.assessments.models import RiskScore

    person = burglar(partnership, team, "Fresh", 3)  # offence_record queues the refresh on commit
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    ogrs3 = RiskScore.objects.get(person=person, kind="ogrs3", is_current=True)
    candidacy = Candidacy.objects.get(person=person)
    assert ogrs3.two_year is not None
    assert f"OGRS3 two-year = {ogrs3.two_year}%" in "\n".join(candidacy.working), candidacy.working
