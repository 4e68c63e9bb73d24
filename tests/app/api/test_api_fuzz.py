"""A small, bounded schemathesis run over /api/openapi.json as two agencies: no server error, answers as the
schema says, and no person the agency may not see (tests/api_fuzz.py; the full run is scripts/fuzz_api.py)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from desist.api.api import api
from desist.api.services import api_token_issue
from desist.audit.context import actor_for_user
from desist.audit.models import Channel
from desist.people.models import Person
from desist.people.services import relationship_record
from desist.sentences.models import Sentence
from tests.api_fuzz import (
    Caller,
    CrossAgencyData,
    Report,
    _person_ids,
    agency_may_see,
    fuzz,
    person_ids_check,
)
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _caller(label, user):
    _, token = api_token_issue(user=user, name="fuzz", scopes=("read", "write"))
    return Caller(
        label,
        {"Authorization": f"Bearer {token}", "X-Desist-Purpose": "case_management"},
        agency_may_see(actor_for_user(user, channel=Channel.API)),
    )


def test_the_api_holds_under_fuzzing_as_two_agencies(partnership):
    worker = partnership.user("pat.probation", partnership.probation)
    officer = partnership.user("hana.housing", partnership.housing)
    mine = builders.person(
        first_name="Sam", last_name="Supervised", involved=[(partnership.probation, worker)]
    )
    builders.community_order(mine, start=TODAY - timedelta(days=30))
    builders.custody(
        mine, sentence_date=TODAY - timedelta(days=200), length_days=365, release=TODAY + timedelta(days=40)
    )
    theirs = builders.person(first_name="Tess", last_name="Tenant", involved=[(partnership.housing, officer)])
    relationship_record(actor=builders.actor(), person=mine, related_person=theirs, kind="partner")

    # The document /api/openapi.json serves (there behind sign-in), made in-process.
    raw = json.loads(json.dumps(api.get_openapi_schema(), default=str))
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()  # in-process: the requests see this test's data
    ids = {
        "person_id": [mine.pk, theirs.pk],
        "sentence_id": list(Sentence.objects.values_list("pk", flat=True)),
    }

    # As Django's test client does: a request's end must not close the connection that holds this test's
    # transaction (on PostgreSQL it would, the transaction being open).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        report = fuzz(
            schema,
            [_caller("probation", worker), _caller("housing", officer)],
            ids=ids,
            max_examples=2,
            send=lambda case: case.call(),
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)

    print(report.summary())
    assert len(report.operations) >= 30
    assert report.requests >= 2 * len(report.operations)
    assert not report.failures, report.summary() + "\n" + "\n".join(report.examples.values())
    assert 500 not in report.statuses


def test_the_cross_agency_check_finds_a_person_the_agency_may_not_see():
    """The fuzzer's own check must catch a leak, or its zero means nothing."""
    report_ids = list(
        _person_ids("GET /api/people", {"count": 1, "results": [{"id": 7, "district": {"id": 3}}]})
    )
    assert [(key, value) for key, value, _ in report_ids] == [("id", 7)]
    check = person_ids_check(Caller("probation", {}, may_see=lambda person_id, operation: person_id == 1))

    class Answer:
        status_code = 200
        headers = {"content-type": ["application/json"]}

        def __init__(self, content):
            self.content = content

    class Case:
        method = "get"

        class operation:  # shaped like schemathesis's
            path = "/api/people/{person_id}"

    assert (
        check(
            None,
            Answer(b'{"id": 1, "relationships": [{"related_person_id": 2, "related_person_name": null}]}'),
            Case,
        )
        is None
    )
    with pytest.raises(CrossAgencyData, match="name of relative 2"):
        check(
            None,
            Answer(b'{"id": 1, "relationships": [{"related_person_id": 2, "related_person_name": "Tess"}]}'),
            Case,
        )
    with pytest.raises(CrossAgencyData, match="person 2"):
        check(None, Answer(b'{"id": 2}'), Case)
    assert Report().summary().startswith("0 operations")
    assert Person  # the models the fuzzer names are importable


def test_no_two_api_schemas_share_a_name():
    """OpenAPI components go by class name: two different classes with one name make the document describe
    one of them wrongly (the assessments 422 was described as the release pages' error body)."""
    from ninja import Schema

    from desist.api import api as api_module  # noqa: F401 - imports every router

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    shapes = {}
    for cls in subclasses(Schema):
        if cls.__module__.startswith("desist.api"):
            shapes.setdefault(cls.__name__, set()).add(json.dumps(cls.model_json_schema(), sort_keys=True))
    assert {name: len(found) for name, found in shapes.items() if len(found) > 1} == {}
