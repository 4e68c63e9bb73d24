"""Fuzzing the JSON API with schemathesis, signed in as users of different agencies (issue 10, "Figures to
publish"; docs/security.md, "API fuzzing").

Every operation in /api/openapi.json gets generated requests from each caller: random values, and path ids
taken from the records (people and their sentences, plans, referrals, victims… that each agency may and may
not see), so the agency rule is tried and not only 404s. Each response is checked for:

- no server error (schemathesis's not_a_server_error);
- conformance to the schema: the body (response_schema_conformance) and its content type;
- no cross-agency data: no person id in the answer that the caller's agency may not see, and no name beside
  a relative the caller may not see (`person_ids_check`).

`scripts/fuzz_api.py` runs it against a live server over a fresh demo partnership;
tests/app/api/test_api_fuzz.py runs a small, bounded version in the suite, in-process.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import hypothesis
from hypothesis import HealthCheck, Phase, strategies
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

# Path parameters that name a record, and the model whose ids to try for them.
PATH_MODELS = {
    "person_id": "people.Person",
    "sentence_id": "sentences.Sentence",
    "plan_id": "release.ReleasePlan",
    "task_id": "release.PlanTask",
    "referral_id": "referrals.Referral",
    "notice_id": "referrals.ProviderNotice",
    "service_id": "referrals.Service",
    "victim_id": "victims.Victim",
    "notification_id": "victims.VictimNotification",
}
# Keys whose values are person ids wherever they appear; and, in these operations, the "id" of each result.
PERSON_KEYS = ("person_id",)
PERSON_OPERATIONS = ("GET /api/people", "GET /api/people/{person_id}", "GET /api/caseload")


@dataclass
class Caller:
    """A user the fuzzer acts as: the headers it sends and a way to ask whether it may see a person in the
    answer to an operation ("GET /api/people/{person_id}")."""

    label: str
    headers: dict[str, str]
    may_see: Callable[[int, str], bool]


def agency_may_see(actor: Any) -> Callable[[int, str], bool]:
    """The access rule as documented, asked afresh each time (writes during a run may widen it): people the
    actor's agencies work with (`visible_people`, architecture.md, "The one access rule"); and, in the
    referrals operations only, people with a referral made to one of the actor's agencies (services.md,
    "Who sees a referral")."""
    from desist.people.selectors import visible_people
    from desist.referrals.models import Referral

    def may_see(person_id: int, operation: str) -> bool:
        if visible_people(actor).filter(pk=person_id).exists():
            return True
        return (
            operation.split(" ")[-1].startswith("/api/referrals")
            and Referral.objects.filter(
                person_id=person_id, service__provider_id__in=actor.agency_ids
            ).exists()
        )

    return may_see


@dataclass
class Report:
    """What a run did and found: operations, requests, statuses and failures by check."""

    operations: set[str] = field(default_factory=set)
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        statuses = ", ".join(f"{code}: {count}" for code, count in sorted(self.statuses.items()))
        failed = ", ".join(f"{name}: {count}" for name, count in sorted(self.failures.items())) or "none"
        return (
            f"{len(self.operations)} operations, {self.requests} requests; statuses {statuses}; "
            f"failures {failed}"
        )


class CrossAgencyData(AssertionError):
    """A response to one agency held a person that agency may not see."""


def _person_ids(operation: str, body: Any) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """Every (key, person id, enclosing object) in a JSON answer."""
    stack: list[tuple[Any, bool]] = [(body, operation in PERSON_OPERATIONS)]
    while stack:
        value, ids_are_people = stack.pop()
        if isinstance(value, list):
            stack.extend((item, ids_are_people) for item in value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if (
                    isinstance(item, int)
                    and not isinstance(item, bool)
                    and (key.endswith(PERSON_KEYS) or (key == "id" and ids_are_people))
                ):
                    yield key, item, value
                elif isinstance(item, dict | list):
                    # Under a person's answer only "results" holds more people; nested ids are other records.
                    stack.append((item, ids_are_people and key == "results"))


def person_ids_check(caller: Caller) -> Callable[..., bool | None]:
    """A schemathesis check: the answer names no person the caller may not see. A relative the caller may not
    see may appear by number only (the record says a relationship exists), never with a name."""

    def no_cross_agency_data(ctx: Any, response: Any, case: Any) -> bool | None:
        if response.status_code >= 300 or "json" not in (response.headers.get("content-type") or [""])[0]:
            return None
        operation = f"{case.method.upper()} {case.operation.path}"
        for key, person_id, holder in _person_ids(operation, json.loads(response.content or b"null")):
            if key == "related_person_id":
                if holder.get("related_person_name") is not None and not caller.may_see(person_id, operation):
                    raise CrossAgencyData(
                        f"{operation} showed {caller.label} the name of relative {person_id}"
                    )
            elif not caller.may_see(person_id, operation):
                raise CrossAgencyData(f"{operation} showed {caller.label} person {person_id} ({key})")
        return None

    return no_cross_agency_data


def fuzz(
    schema: Any,
    callers: list[Caller],
    *,
    ids: dict[str, list[int]],
    max_examples: int,
    send: Callable[[Any], Any],
    seed: int = 10,
) -> Report:
    """Run every operation of `schema` as each caller: `max_examples` generated requests, and as many again
    with record ids from `ids` (by path parameter) in the path. `send(case)` makes the request."""
    report = Report()
    for result in schema.get_all_operations():
        operation = result.ok()
        report.operations.add(f"{operation.method.upper()} {operation.path}")
        known = {p.name: ids[p.name] for p in operation.path_parameters if ids.get(p.name)}
        for caller in callers:
            _fuzz_operation(operation, caller, known, report, max_examples=max_examples, send=send, seed=seed)
    return report


def _fuzz_operation(
    operation: Any,
    caller: Caller,
    known: dict[str, list[int]],
    report: Report,
    *,
    max_examples: int,
    send: Callable[[Any], Any],
    seed: int,
) -> None:
    label = f"{operation.method.upper()} {operation.path}"
    checks = [
        not_a_server_error,
        response_schema_conformance,
        content_type_conformance,
        person_ids_check(caller),
    ]
    strategy = operation.as_strategy(headers=caller.headers)
    if known:
        # Half the time, real ids: records this caller may see and records only others may.
        fixed = strategies.fixed_dictionaries({name: strategies.sampled_from(v) for name, v in known.items()})
        strategy = strategies.one_of(
            strategy,
            fixed.flatmap(
                lambda params: operation.as_strategy(headers=caller.headers, path_parameters=params)
            ),
        )

    @hypothesis.settings(
        max_examples=max_examples * (2 if known else 1),
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @hypothesis.seed(seed)
    @hypothesis.given(case=strategy)
    def run(case: Any) -> None:
        response = send(case)
        report.requests += 1
        report.statuses[response.status_code] += 1
        for check in checks:
            try:
                case.validate_response(response, checks=[check], headers=caller.headers)
            except (Exception, BaseExceptionGroup) as failure:  # each counted, the first of a kind shown
                name = getattr(check, "__name__", str(check))
                report.failures[name] += 1
                report.examples.setdefault(f"{name} {label}", f"{type(failure).__name__}: {failure}"[:600])

    run()
