"""Every view has a rule, every refusal is logged (issue 10, item 6). The URL configuration is walked, the
API's routes included, and each view requested by users who must be refused: anonymous, and a practitioner of
an agency that does not work with the person every record belongs to. A new view without a rule in
tests/app/url_access.py fails here, as does a refusal that leaves no `denied` entry or a page that shows the
other agency's person. `scripts/access_matrix.py` runs the same walk for every role (docs/security.md)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.app.url_access import RULES, build_world, request, routes

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

OUTSIDER = "practitioner (housing)"


@pytest.fixture
def world(partnership):
    return build_world(partnership)


def test_every_view_has_a_rule():
    names = {route.name for route in routes()}
    assert not names - RULES.keys(), (
        f"Views without an access rule: {sorted(names - RULES.keys())}. Add each to RULES in "
        "tests/app/url_access.py, saying what a user who may not use it gets."
    )
    assert not RULES.keys() - names, f"Rules for views that no longer exist: {sorted(RULES.keys() - names)}"


def test_every_view_refuses_whom_it_must_and_logs_it(client, world):
    problems = []
    for route in routes():
        rule = RULES.get(route.name)
        if rule is None:
            continue  # test_every_view_has_a_rule names it
        for who, user, expected in (
            ("anonymous", None, rule.anonymous),
            (OUTSIDER, world.users[OUTSIDER], rule.outsider),
        ):
            outcome = request(client, route, rule, world.ids, user)
            if outcome.status != expected:
                problems.append(f"{route.name} as {who}: {outcome.status}, expected {expected}")
            if outcome.status in (403, 404) and user is not None and not outcome.logged:
                problems.append(f"{route.name} as {who}: refused ({outcome.status}) without a denied entry")
            elif outcome.status in (403, 404) and user is not None and outcome.by_net and not rule.missing:
                problems.append(
                    f"{route.name} as {who}: refused ({outcome.status}) but only the middleware's net "
                    "logged it: refuse with desist.audit.refusals.refuse (or a <noun>_for_actor getter)"
                )
            if outcome.leaked:
                problems.append(f"{route.name} as {who}: shows the other agency's person")
    assert not problems, "\n".join(problems)


MATRIX = os.environ.get("DESIST_ACCESS_MATRIX")


@pytest.mark.skipif(not MATRIX, reason="writes the access matrix: run scripts/access_matrix.py")
def test_access_matrix(client, world):
    """Every role against every view; written as markdown to $DESIST_ACCESS_MATRIX."""
    roles = ["anonymous", *world.users]
    symbols = {
        200: "✓",
        201: "✓",
        204: "✓",
        302: "→",
        401: "401",
        403: "403",
        404: "404",
        405: "405",
        409: "409",
        422: "422",
    }
    rows, refusals, unlogged, net, leaks, counted = [], 0, [], [], [], 0
    for route in sorted(routes(), key=lambda r: r.route):
        rule = RULES.get(route.name)
        if rule is None:
            continue
        cells = []
        for role in roles:
            user = None if role == "anonymous" else world.users[role]
            outcome = request(client, route, rule, world.ids, user)
            counted += 1
            cell = symbols.get(outcome.status, str(outcome.status))
            if outcome.status in (403, 404) and user is not None:
                refusals += 1
                if outcome.by_net:
                    cell += "ⁿ"
                    net.append(f"{route.name} as {role}")
                elif outcome.logged:
                    cell += "ᴸ"
                else:
                    unlogged.append(f"{route.name} as {role}")
            if outcome.leaked and role == OUTSIDER:
                leaks.append(f"{route.name} as {role}")
            cells.append(cell)
        rows.append(f"| {rule.method} `/{route.route}` | " + " | ".join(cells) + " |")
    header = "| view | " + " | ".join(roles) + " |\n|---|" + "---|" * len(roles)
    summary = (
        f"{len(rows)} views × {len(roles)} users = {counted} requests; {refusals} refusals (403/404) of "
        f"signed-in users, {refusals - len(unlogged)} of them logged as denied ({len(net)} by the "
        f"middleware's net rather than the view); {len(leaks)} pages showing the person to the agency that "
        f"does not work with them ({OUTSIDER})."
    )
    Path(MATRIX).write_text(f"{summary}\n\n{header}\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert not unlogged, unlogged
    assert not leaks, leaks
