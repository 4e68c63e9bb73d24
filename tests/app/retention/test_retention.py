"""Retention (issue 16, item 6): the schedule as data with its sources, `manage.py retention --dry-run`
listing what would go and why, deletion with --confirm leaving tombstones and an erasure in the access log,
the access log trimmed behind a checkpoint (test_access_log_trim.py), and the query
set-based (one query a rule, whatever the number of records)."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from desist.audit.models import AccessLogEntry, Action
from desist.offences.models import Offence
from desist.offences.services import offence_record
from desist.people.models import Person
from desist.retention import selectors
from desist.retention.models import RetentionRule, Tombstone
from desist.retention.selectors import RuleProblem
from desist.subject_access import services as sar_services
from tests.app import builders

TODAY = timezone.localdate()


def _offence(person: Person, outcome_on: date, *, domestic: bool = False) -> Offence:
    builders.offence_code()
    return offence_record(
        actor=builders.actor(),
        person=person,
        offence_code="02800",
        offence_date=outcome_on - timedelta(days=10),
        outcome="caution",
        outcome_date=outcome_on,
        domestic_abuse=domestic,
    )


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("retention", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_the_default_schedule_applies_and_says_where_each_figure_comes_from(db):
    rules = selectors.schedule()
    assert {r.kind for r in rules} >= {
        "person-100",
        "offence-clear-6y",
        "health-referral-8y",
        "access-log-6y",
    }
    for rule in rules:
        assert rule.source.strip(), rule.kind
        selectors.due(rule, today=TODAY).count()  # every default names real fields
    assert RetentionRule.objects.get(kind="access-log-6y").partnership_choice


def test_a_dry_run_lists_what_would_go_and_why_and_changes_nothing(partnership):
    quiet = builders.person(first_name="Quinn", last_name="Quiet")
    old = _offence(quiet, TODAY - timedelta(days=365 * 7))
    busy = builders.person(first_name="Bea", last_name="Busy")
    _offence(busy, TODAY - timedelta(days=365 * 7))  # old, but the clear period is not over:
    _offence(busy, TODAY - timedelta(days=30))
    out = _run("--dry-run", "--rule", "offence-clear-6y")
    lines = [line.split("\t") for line in out.splitlines() if not line.startswith(("#", "Dry run"))]
    assert lines == [["offences.offence", str(old.pk), "offence-clear-6y", _reached(old.outcome_date, 6)]]
    assert Offence.objects.filter(pk=old.pk).exists()
    assert AccessLogEntry.objects.filter(
        action=Action.CONSULTATION, summary__startswith="Retention dry run"
    ).exists()


def _reached(day: date, years: int) -> str:
    from desist.core import retention as rules

    return rules.reached_on(day, rules.Period(years=years)).isoformat()


def test_deleting_needs_confirm_and_leaves_a_tombstone_and_an_erasure(partnership):
    quiet = builders.person(first_name="Quinn", last_name="Quiet")
    old = _offence(quiet, TODAY - timedelta(days=365 * 7))
    with pytest.raises(CommandError, match="--confirm"):
        _run()
    out = _run("--confirm", "--rule", "offence-clear-6y")
    assert "deleted 1 offences.offence" in out
    assert not Offence.objects.filter(pk=old.pk).exists()
    tomb = Tombstone.objects.get()
    assert (tomb.model, tomb.object_id, tomb.rule_kind, tomb.deleted_on) == (
        "offences.offence",
        str(old.pk),
        "offence-clear-6y",
        TODAY,
    )
    # No personal data in a tombstone: its fields are the kind, the number, the rule and two dates.
    assert {f.name for f in Tombstone._meta.concrete_fields} == {
        "id",
        "rule_kind",
        "model",
        "object_id",
        "deleted_on",
        "reached_on",
    }
    erasure = AccessLogEntry.objects.get(action=Action.ERASURE)
    assert erasure.detail["rule"] == "offence-clear-6y" and erasure.detail["deleted"] == 1


def test_a_record_still_needed_is_held_with_the_reason(partnership):
    admin = partnership.user("ada.admin", partnership.police, role="administrator")
    old = builders.person(first_name="Olive", last_name="Old", date_of_birth=date(1920, 1, 1))
    gone = builders.person(first_name="Gus", last_name="Gone", date_of_birth=date(1921, 1, 1))
    sar_services.request_log(
        actor=builders.actor(admin), person=old, requester_name="Olive Old", received_on=TODAY
    )
    out = _run("--confirm", "--rule", "person-100")
    assert f"held people.person {old.pk}: still needed by subject access request" in out
    assert Person.objects.filter(pk=old.pk).exists() and not Person.objects.filter(pk=gone.pk).exists()
    assert Tombstone.objects.filter(model="people.person", object_id=str(gone.pk)).exists()


def test_a_rule_is_one_query_whatever_the_number_of_records(partnership, django_assert_num_queries):
    people = [builders.person(first_name=f"P{i}", last_name="Many") for i in range(3)]
    for person in people:
        _offence(person, TODAY - timedelta(days=365 * 8))
    rule = RetentionRule.objects.get(kind="offence-clear-6y")
    with django_assert_num_queries(1):
        assert selectors.due(rule, today=TODAY).count() == 3
    with django_assert_num_queries(2):  # the rows, and each person's latest for the date reached
        assert len(list(selectors.due_rows(rule, today=TODAY))) == 3


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"model": "nowhere.nothing"}, "no kind of record"),
        ({"date_field": "password"}, "has no field"),
        ({"date_field": "outcome"}, "is not a date"),
        ({"condition": {"person__user__password__startswith": "x"}}, "own fields"),
        ({"condition": {"outcome__nonsense": "x"}}, "does not apply"),
        ({"condition": ["not", "a", "dict"]}, "field lookups"),
        ({"model": "iom.panel", "date_field": "held_on", "per_person": True, "condition": {}}, "no person"),
        ({"condition": {"person__last_name__startswith": "S"}}, "own fields"),
    ],
)
def test_a_hostile_or_broken_rule_is_refused_in_words(db, changes, message):
    rule = RetentionRule.objects.get(kind="offence-clear-6y")
    for name, value in changes.items():
        setattr(rule, name, value)
    with pytest.raises(RuleProblem, match=message):
        selectors.due(rule, today=TODAY)


def test_a_flushed_test_database_gets_the_default_schedule_back(db):
    """tests/conftest.py: after a transactional test empties the tables (then Django sends post_migrate), the
    next test in the process still finds the default schedule a migrated database has."""
    from django.core.management.sql import emit_post_migrate_signal
    from django.db.models.signals import post_migrate

    from tests.conftest import _default_schedule_after_a_flush

    kinds = set(RetentionRule.objects.values_list("kind", flat=True))
    sources = dict(RetentionRule.objects.values_list("kind", "source"))
    assert "access-log-6y" in kinds
    post_migrate.connect(_default_schedule_after_a_flush, dispatch_uid="tests-default-retention-schedule")
    RetentionRule.objects.all().delete()
    emit_post_migrate_signal(0, False, "default")
    assert set(RetentionRule.objects.values_list("kind", flat=True)) == kinds
    assert dict(RetentionRule.objects.values_list("kind", "source")) == sources
