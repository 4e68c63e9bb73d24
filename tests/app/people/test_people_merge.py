"""Merging two records of one person and undoing it (issue 11, item 4): a merge moves every row that points at
the person, in every app, and an undo (a split) moves back exactly those rows; families follow hand edits."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.forms.models import model_to_dict
from django.utils import timezone

from desist.assessments.models import Assessment, RiskScore
from desist.audit.models import AccessLogEntry, Action
from desist.families.models import FamilyMember
from desist.linking import merging
from desist.partnership.models import Role
from desist.people import services as people
from desist.people.models import NameKind, Person, PersonMerge, PersonName, Relationship
from desist.referrals.models import Referral, ReferralEvent
from desist.sentences import models as sentences_models
from tests.app import builders
from tests.app.linking.test_linking import extracts, linked  # noqa: F401 (fixtures: a linked synthetic partnership)

pytestmark = pytest.mark.postgres

TODAY = date.today()
_counter = itertools.count(1)


def make_row(
    model: type[models.Model], person: Person, *, other: Person | None = None, **values: Any
) -> models.Model:
    """A row of any model, its required fields filled in, every foreign key to a person pointing at `person`
    (the second one of a row, a relationship's, at `other`). Rows it needs (a sentence, a batch) are made
    too."""
    # A value may be made for the row's person: a row that a check constraint needs (an order's basis).
    row = model(**{name: value(person) if callable(value) else value for name, value in values.items()})
    person_fields = 0
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in values or field.attname in values:
            continue
        if field.is_relation and field.related_model is Person:
            person_fields += 1
            setattr(row, field.name, person if person_fields == 1 or other is None else other)
            continue
        if (
            field.null
            or field.has_default()
            or (field.blank and not field.is_relation)
            or getattr(field, "auto_now", False)
            or getattr(field, "auto_now_add", False)
        ):
            continue
        if field.is_relation:
            setattr(
                row,
                field.name,
                make_row(
                    field.related_model, person, **REQUIRED.get(field.related_model._meta.label_lower, {})
                ),
            )
        elif field.choices:
            setattr(row, field.name, field.choices[0][0])
        elif isinstance(field, models.DateTimeField):
            setattr(row, field.name, timezone.now())
        elif isinstance(field, models.DateField):
            setattr(row, field.name, TODAY)
        elif isinstance(field, models.BooleanField):
            setattr(row, field.name, False)
        elif isinstance(field, models.DecimalField):
            setattr(row, field.name, Decimal("1"))
        elif isinstance(field, models.FloatField):
            setattr(row, field.name, 1.0)
        elif isinstance(field, models.IntegerField):
            setattr(row, field.name, 1)
        elif isinstance(field, models.JSONField):
            setattr(row, field.name, {})
        elif isinstance(field, models.CharField | models.TextField):
            setattr(row, field.name, f"x{next(_counter)}"[: field.max_length or 50])
    row.save()
    return row


# Values a row needs beyond the types: its model's check constraints.
REQUIRED: dict[str, dict[str, Any]] = {
    "offences.offence": {"outcome": "caution"},
    "sentences.sentence": {
        "kind": "community_order",
        "start_date": TODAY,
        "end_date": TODAY + timedelta(days=365),
    },
    "registers.registerentry": {"kind": "child_concerns"},
    "families.schoolrecord": {"period_start": TODAY - timedelta(days=300), "period_end": TODAY},
    "premises.booking": {"expected_arrival": TODAY, "expected_departure": TODAY + timedelta(days=7)},
    "people.identifier": {"kind": "pnc"},
    # An open MAPPA case is at level 2 or 3 with its next review.
    "meetings.mappacase": {"level": 2, "next_review_on": TODAY + timedelta(days=28)},
    # An order serves a requirement or a licence condition (never neither).
    "monitoring.monitoringorder": {
        "kind": "trail",
        "requirement": lambda person: make_row(sentences_models.Requirement, person),
    },
}


@pytest.fixture
def reviewer(partnership):
    return builders.actor(partnership.user("rev", partnership.police, role=Role.ANALYST))


def every_row(absorbed: Person, third: Person) -> dict[str, int]:
    """One row in every table that points at a person, pointing at the absorbed person: "app.model.field" ->
    pk."""
    made = {}
    for model, field in merging.person_links():
        key = f"{model._meta.label_lower}.{field.name}"
        values = dict(REQUIRED.get(model._meta.label_lower, {}))
        if model is Relationship:
            # This field points at the absorbed person, the row's other one at someone else.
            row = make_row(
                model,
                absorbed if field.name == "person" else third,
                other=third if field.name == "person" else absorbed,
                **values,
            )
        else:
            row = make_row(model, absorbed, **values)
        made[key] = row.pk
    return made


def snapshot(*person_ids: int) -> dict[str, dict[int, dict[str, Any]]]:
    """Every row pointing at these people, every field, by table."""
    seen: dict[str, dict[int, dict[str, Any]]] = {}
    for model, field in merging.person_links():
        for row in model._base_manager.filter(**{f"{field.name}__in": person_ids}):
            seen.setdefault(model._meta.label_lower, {})[row.pk] = model_to_dict(
                row,
                fields=[
                    f.name
                    for f in model._meta.concrete_fields
                    if not isinstance(f, models.DateTimeField) or not getattr(f, "auto_now", False)
                ],
            )
    return seen


def test_every_foreign_key_to_a_person_is_moved_by_a_merge_or_said_why_not():
    """A new app's foreign key to Person is moved without anyone remembering the merge: this lists them."""
    registry = {
        f"{m._meta.label_lower}.{f.name}"
        for m in apps.get_models()
        for f in m._meta.concrete_fields
        if f.is_relation and f.related_model is Person
    }
    moved = {f"{m._meta.label_lower}.{f.name}" for m, f in merging.person_links()}
    assert set(merging.NOT_MOVED) <= registry  # every exception still exists
    assert moved == registry - set(merging.NOT_MOVED)
    assert {
        "offences.offence.person",
        "sentences.sentence.person",
        "registers.registerentry.person",
        "assessments.assessment.person",
        "referrals.referral.person",
        "iom.cohortmembership.person",
        "release.releaseplan.person",
        "victims.victimnotification.person",
        "premises.booking.person",
        "imports.sourcerecord.person",
        "people.relationship.related_person",
    } <= moved


def test_a_merge_moves_a_row_of_every_table_and_the_undo_puts_back_exactly_that(partnership, reviewer):
    absorbed = builders.person(first_name="Jon", last_name="Smyth")
    kept = builders.person(first_name="John", last_name="Smith")
    third = builders.person(first_name="Ann", last_name="Other")
    made = every_row(absorbed, third)
    before = snapshot(absorbed.pk, kept.pk)

    merge = merging.people_merge(
        actor=reviewer, absorbed=absorbed, kept=kept, reason="Same PNC on file", refresh=False
    )

    for key, pk in made.items():
        model, field = merging._resolve(key)
        assert model._base_manager.filter(pk=pk).values_list(field, flat=True).get() == kept.pk, key
        assert pk in merge.moved[key], key
    assert Person.objects.get(pk=absorbed.pk).merged_into_id == kept.pk
    # The name in use became an alias of the person kept.
    assert PersonName.objects.filter(person=kept, kind=NameKind.ALIAS, first_name="Jon").exists()
    assert dict(merging.merge_counts(merge))["offences"] == 1
    assert (
        AccessLogEntry.objects.filter(
            action=Action.COMBINATION, object_type="people.personmerge", person_id__in=[absorbed.pk, kept.pk]
        ).count()
        == 2
    )
    # Added to the kept person after the merge: stays with them after the undo.
    later = builders.flag(kept, "child_concerns")

    merging.people_merge_undo(actor=reviewer, merge=merge, reason="Twins, not one person", refresh=False)

    merge.refresh_from_db()
    assert merge.is_undone and merge.undone_by_name == "rev" and merge.undo_reason == "Twins, not one person"
    assert Person.objects.get(pk=absorbed.pk).merged_into_id is None
    after = snapshot(absorbed.pk, kept.pk)
    assert after["registers.registerentry"].pop(later.pk)["person"] == kept.pk
    assert after == before
    assert (
        AccessLogEntry.objects.filter(action=Action.ALTERATION, object_type="people.personmerge").count() == 2
    )


def test_what_the_kept_person_already_holds_is_set_aside_renumbered_or_left_behind_and_restored(
    partnership, reviewer
):
    absorbed = builders.person(first_name="John", last_name="Smith")
    kept = builders.person(first_name="John", last_name="Smith")
    sister = builders.person(first_name="Jane", last_name="Smith")
    system = builders.actor()
    people.relationship_record(actor=system, person=absorbed, related_person=sister, kind="sibling")
    people.relationship_record(actor=system, person=kept, related_person=sister, kind="sibling")
    people.relationship_record(actor=system, person=absorbed, related_person=kept, kind="sibling")
    theirs = [make_row(Assessment, absorbed, version=v) for v in (1, 2)]
    mine = make_row(Assessment, kept, version=1)
    score = make_row(RiskScore, absorbed, kind="ogrs3", is_current=True)
    make_row(RiskScore, kept, kind="ogrs3", is_current=True)
    open_referral = make_row(Referral, absorbed, need="accommodation")
    make_row(ReferralEvent, absorbed, referral=open_referral)  # its history hangs off it
    make_row(Referral, kept, need="accommodation", service=open_referral.service)
    before = snapshot(absorbed.pk, kept.pk, sister.pk)

    merge = merging.people_merge(
        actor=reviewer, absorbed=absorbed, kept=kept, reason="Same person", refresh=False
    )

    # The identical name and the relationships the kept person already has (or to themselves) are set aside.
    assert not PersonName.objects.filter(person=absorbed).exists()
    assert PersonName.objects.filter(person=kept).count() == 1
    assert not Relationship.objects.filter(person=kept, related_person=kept).exists()
    assert Relationship.objects.filter(person=kept, related_person=sister).count() == 1
    assert len(merge.set_aside["people.relationship"]) == 4 and len(merge.set_aside["people.personname"]) == 1
    # Versions follow the kept person's; one current score of a kind.
    assert sorted(Assessment.objects.filter(person=kept).values_list("version", flat=True)) == [1, 2, 3]
    assert Assessment.objects.get(pk=mine.pk).version == 1
    assert RiskScore.objects.filter(person=kept, kind="ogrs3", is_current=True).count() == 1
    assert RiskScore.objects.get(pk=score.pk).person_id == kept.pk
    # An open referral for the same need, with its history: left behind, and said so.
    assert Referral.objects.get(pk=open_referral.pk).person_id == absorbed.pk
    assert merge.left_behind["referrals.referral.person"][0]["pk"] == open_referral.pk

    merging.people_merge_undo(actor=reviewer, merge=merge, reason="Not the same", refresh=False)
    assert snapshot(absorbed.pk, kept.pk, sister.pk) == before
    assert [a.version for a in sorted(theirs, key=lambda a: a.pk)] == [1, 2]


def test_a_later_merge_must_be_undone_first(partnership, reviewer):
    first = builders.person(first_name="A", last_name="One")
    second = builders.person(first_name="B", last_name="Two")
    third = builders.person(first_name="C", last_name="Three")
    earlier = merging.people_merge(actor=reviewer, absorbed=first, kept=second, reason="same", refresh=False)
    later = merging.people_merge(actor=reviewer, absorbed=second, kept=third, reason="same", refresh=False)
    assert Person.objects.get(pk=first.pk).merged_into_id == third.pk  # follows to the person kept now
    with pytest.raises(merging.SplitRefused, match=f"undo that merge \\(number {later.pk}\\) first"):
        merging.people_merge_undo(actor=reviewer, merge=earlier, reason="wrong")
    merging.people_merge_undo(actor=reviewer, merge=later, reason="wrong")
    assert Person.objects.get(pk=first.pk).merged_into_id == second.pk
    merging.people_merge_undo(actor=reviewer, merge=earlier, reason="wrong")
    assert set(
        Person.objects.filter(pk__in=[first.pk, second.pk, third.pk]).values_list("merged_into", flat=True)
    ) == {None}
    with pytest.raises(merging.SplitRefused, match="already undone"):
        merging.people_merge_undo(actor=reviewer, merge=earlier, reason="again")


def test_merges_that_cannot_be_made_are_refused_in_words(partnership, reviewer):
    one = builders.person(first_name="A", last_name="One")
    two = builders.person(first_name="B", last_name="Two")
    three = builders.person(first_name="C", last_name="Three")
    with pytest.raises(merging.MergeRefused, match="with themselves"):
        merging.people_merge(actor=reviewer, absorbed=one, kept=one, reason="")
    practitioner = builders.actor(partnership.user("pat", partnership.probation))
    with pytest.raises(merging.MergeRefused, match="Only linkage reviewers"):
        merging.people_merge(actor=practitioner, absorbed=one, kept=two, reason="")
    merge = merging.people_merge(actor=reviewer, absorbed=one, kept=two, reason="same", refresh=False)
    with pytest.raises(merging.MergeRefused, match=f"merge with person {two.pk} instead"):
        merging.people_merge(actor=reviewer, absorbed=one, kept=three, reason="")
    with pytest.raises(merging.SplitRefused, match="Say why"):
        merging.people_merge_undo(actor=reviewer, merge=merge, reason=" ")
    assert PersonMerge.objects.get().undone_at is None


def test_a_merge_and_its_undo_work_out_families_and_scores_again(partnership, reviewer):
    system = builders.actor()
    absorbed = builders.person(first_name="Jon", last_name="Smyth")
    kept = builders.person(first_name="John", last_name="Smith")
    mother = builders.person(first_name="Mary", last_name="Smyth", date_of_birth=date(1965, 1, 1))
    people.relationship_record(actor=system, person=absorbed, related_person=mother, kind="parent")
    # Families follow the hand edit at once: no refresh was asked for.
    assert (
        FamilyMember.objects.get(person=absorbed).family_id
        == FamilyMember.objects.get(person=mother).family_id
    )
    family = FamilyMember.objects.get(person=mother).family_id
    assert not FamilyMember.objects.filter(person=kept, family_id=family).exists()
    builders.community_order(kept, start=TODAY - timedelta(days=30))

    merge = merging.people_merge(actor=reviewer, absorbed=absorbed, kept=kept, reason="same")
    assert (
        FamilyMember.objects.get(person=kept).family_id == FamilyMember.objects.get(person=mother).family_id
    )
    assert not FamilyMember.objects.filter(person=absorbed).exists()  # a merged person is in no family
    assert RiskScore.objects.filter(person=kept, is_current=True).exists()

    merging.people_merge_undo(actor=reviewer, merge=merge, reason="not the same")
    assert (
        FamilyMember.objects.get(person=absorbed).family_id
        == FamilyMember.objects.get(person=mother).family_id
    )
    assert (
        FamilyMember.objects.get(person=kept).family_id != FamilyMember.objects.get(person=mother).family_id
    )


def test_an_address_added_by_hand_joins_the_household_at_once(partnership):
    system = builders.actor()
    one = builders.person(first_name="A", last_name="One")
    two = builders.person(first_name="B", last_name="Two")
    for person in (one, two):
        people.address_add(
            actor=system,
            person=person,
            line1="12 Rope Walk",
            town="Chatham",
            postcode="ME4 4AA",
            from_date=TODAY - timedelta(days=60),
        )
    assert (
        FamilyMember.objects.get(person=one).family_id
        == FamilyMember.objects.get(person=two).family_id
        == min(one.pk, two.pk)
    )


def test_family_reach_is_everyone_a_family_could_join(partnership):
    from desist.families.services import family_reach

    system = builders.actor()
    a, b, c, d = (builders.person(first_name=n, last_name="Reach") for n in "ABCD")
    people.address_add(
        actor=system,
        person=a,
        line1="1 High St",
        town="Rochester",
        postcode="ME1 1AA",
        from_date=TODAY - timedelta(days=10),
    )
    people.address_add(
        actor=system,
        person=b,
        line1="1 High St",
        town="Rochester",
        postcode="ME1 1AA",
        from_date=TODAY - timedelta(days=10),
    )
    people.relationship_record(actor=system, person=b, related_person=c, kind="partner")
    assert family_reach([a.pk]) == sorted([a.pk, b.pk, c.pk])
    assert family_reach([d.pk]) == [d.pk]


# --- the pages and the API ------------------------------------------------------------------------------


@pytest.fixture
def pair(partnership):
    worker = partnership.user("pat.probation", partnership.probation)
    absorbed = builders.person(
        first_name="Jon", last_name="Smyth", involved=[(partnership.probation, worker)]
    )
    kept = builders.person(first_name="John", last_name="Smith", involved=[(partnership.probation, worker)])
    builders.community_order(absorbed, start=TODAY - timedelta(days=30))
    return {
        "worker": worker,
        "absorbed": absorbed,
        "kept": kept,
        "reviewer": partnership.user("rhea.reviewer", partnership.police, role=Role.ANALYST),
    }


def test_a_reviewer_merges_two_records_by_hand_after_seeing_them_side_by_side(
    client, pair, django_assert_max_num_queries
):
    absorbed, kept = pair["absorbed"], pair["kept"]
    client.force_login(pair["reviewer"])
    page = client.get(f"/people/{kept.pk}/merges/")
    assert page.status_code == 200 and b"This is the same person as person number" in page.content
    # One count a table that points at a person, whatever is recorded.
    with django_assert_max_num_queries(len(list(merging.person_links())) + 15):
        compare = client.get(f"/people/{kept.pk}/merge/", {"other": absorbed.pk})
    text = compare.content.decode()
    assert (
        compare.status_code == 200 and "Jon Smyth" in text and "John Smith" in text and "1 sentences" in text
    )
    refused = client.post(f"/people/{kept.pk}/merge/", {"other": absorbed.pk, "kept": kept.pk, "reason": ""})
    assert refused.status_code == 400 and "Say why they are the same person" in refused.content.decode()
    done = client.post(
        f"/people/{kept.pk}/merge/",
        {"other": absorbed.pk, "kept": kept.pk, "reason": "Same PNC on both paper files"},
    )
    assert done.status_code == 302 and done.url == f"/people/{kept.pk}/merges/"
    merge = PersonMerge.objects.get()
    assert (merge.absorbed_id, merge.kept_id, merge.merged_by_name) == (absorbed.pk, kept.pk, "rhea.reviewer")
    assert kept.sentences.count() == 1


def test_the_merges_page_shows_who_when_why_and_what_moved_and_undoes(
    client, pair, django_assert_max_num_queries
):
    absorbed, kept = pair["absorbed"], pair["kept"]
    reviewer = builders.actor(pair["reviewer"])
    for n in range(3):  # more merges cost no more queries
        extra = builders.person(first_name=f"Extra{n}", last_name="Smith")
        merging.people_merge(actor=reviewer, absorbed=extra, kept=kept, reason=f"extra {n}", refresh=False)
    merge = merging.people_merge(
        actor=reviewer, absorbed=absorbed, kept=kept, reason="Same PNC", refresh=False
    )
    client.force_login(pair["reviewer"])
    with django_assert_max_num_queries(14):
        page = client.get(f"/people/{kept.pk}/merges/")
    text = page.content.decode()
    assert (
        page.status_code == 200
        and f"Merge {merge.pk}" in text
        and "Same PNC" in text
        and "rhea.reviewer" in text
    )
    assert "1 sentences" in text and text.count("Undo this merge") == 4
    # The merged person's own page says where they went.
    absorbed_page = client.get(f"/people/{absorbed.pk}/merges/").content.decode()
    assert f'merged into <a class="govuk-link" href="/people/{kept.pk}/">person {kept.pk}' in absorbed_page

    empty = client.post(f"/people/merges/{merge.pk}/undo/", {"reason": ""})
    assert empty.status_code == 302 and PersonMerge.objects.get(pk=merge.pk).undone_at is None
    undone = client.post(f"/people/merges/{merge.pk}/undo/", {"reason": "Twins"})
    assert undone.status_code == 302 and undone.url == f"/people/{absorbed.pk}/merges/"
    assert PersonMerge.objects.get(pk=merge.pk).undo_reason == "Twins"
    assert absorbed.sentences.count() == 1
    again = client.post(f"/people/merges/{merge.pk}/undo/", {"reason": "Twins"}, follow=True)
    assert "already undone" in again.content.decode() and "Error: " in again.content.decode()


def test_a_practitioner_sees_the_merges_but_cannot_merge_or_undo(client, pair):
    absorbed, kept = pair["absorbed"], pair["kept"]
    merge = merging.people_merge(
        actor=builders.actor(pair["reviewer"]), absorbed=absorbed, kept=kept, reason="x", refresh=False
    )
    client.force_login(pair["worker"])
    page = client.get(f"/people/{kept.pk}/merges/")
    assert page.status_code == 200 and "Undo this merge" not in page.content.decode()
    assert "same person as" not in page.content.decode()
    record = client.get(f"/people/{absorbed.pk}/", follow=True)
    assert record.redirect_chain[-1][0] == f"/people/{kept.pk}/"
    assert f"Person {absorbed.pk} was merged into this record" in record.content.decode()
    assert client.post(f"/people/merges/{merge.pk}/undo/", {"reason": "no"}).status_code == 403
    assert client.get(f"/people/{kept.pk}/merge/", {"other": absorbed.pk}).status_code == 403
    assert AccessLogEntry.objects.filter(
        action=Action.DENIED, summary__startswith="Refused to undo merge"
    ).exists()
    assert PersonMerge.objects.get().undone_at is None


def test_the_api_merges_and_undoes_for_reviewers_only(client, pair):
    from desist.api.services import api_token_issue

    absorbed, kept = pair["absorbed"], pair["kept"]
    _, token = api_token_issue(user=pair["reviewer"], name="t", scopes=("read", "write"))
    _, theirs = api_token_issue(user=pair["worker"], name="t", scopes=("read", "write"))
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_X_DESIST_PURPOSE": "record_linkage"}
    body = {"absorbed": absorbed.pk, "kept": kept.pk, "reason": "Same PNC"}
    refused = client.post(
        "/api/merges",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {theirs}",
        HTTP_X_DESIST_PURPOSE="case_management",
    )
    assert refused.status_code == 403
    made = client.post("/api/merges", body, content_type="application/json", **headers)
    assert made.status_code == 201, made.content
    answer = made.json()
    assert answer["kept"] == kept.pk and answer["moved"]["sentences"] == 1
    assert client.post("/api/merges", body, content_type="application/json", **headers).status_code == 409
    undone = client.post(
        f"/api/merges/{answer['id']}/undo", {"reason": "Twins"}, content_type="application/json", **headers
    )
    assert undone.status_code == 200 and undone.json()["undo_reason"] == "Twins"
    assert (
        client.post(
            "/api/merges/999999/undo", {"reason": "x"}, content_type="application/json", **headers
        ).status_code
        == 404
    )


# --- record linkage -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("linked")
def test_a_linkage_merge_is_recorded_and_its_undo_gives_the_records_back(partnership, reviewer):
    from desist.imports.models import SourceRecord
    from desist.linking import runs
    from desist.linking import services as linking
    from desist.linking.models import Decision, PairStatus, ReviewPair

    pair = ReviewPair.objects.filter(status=PairStatus.OPEN).select_related("left", "right").first()
    kept_id, absorbed_id = sorted((pair.left.person_id, pair.right.person_id))
    theirs = set(SourceRecord.objects.filter(person_id=absorbed_id).values_list("pk", flat=True))
    linking.review_decide(actor=reviewer, pair=pair, decision=Decision.MATCH)
    run = runs.link_run(actor=builders.actor())
    merge = PersonMerge.objects.get(absorbed_id=absorbed_id)
    assert merge.kept_id == kept_id and merge.link_run_id == run.pk and merge.merged_by_name == "system"
    assert set(merge.moved["imports.sourcerecord.person"]) == theirs
    assert "people.involvement.person" in merge.moved

    merging.people_merge_undo(actor=reviewer, merge=merge, reason="Reviewer was wrong")
    assert set(SourceRecord.objects.filter(person_id=absorbed_id).values_list("pk", flat=True)) == theirs
    assert Person.objects.get(pk=absorbed_id).merged_into_id is None
