"""The crawl (issue 10, item 3): every demo user signs in and follows every link from the work queue, their
caseload, a search, a sample of records of each kind and, for administrators, the admin. No page may fail
(5xx), no link may lead nowhere, every page's title must say which page it is, and every URL pattern must be
reached or listed in tests/crawl.py's UNLINKED with the reason. Runs on SQLite and on PostgreSQL
(scripts/test.sh): on SQLite, the demo's engine, up to crawl.PER_PATTERN addresses of each URL pattern per
user; on PostgreSQL one, enough to run every page's SQL on production's engine (what differs between the two
is the SQL, not which records a page shows). The accessibility of one page per pattern is checked in
Chromium by tests/browser/test_crawl_axe.py.

Each demo user is crawled by a test of their own, so xdist shares the crawl between its workers; the demo is
built once per worker (tests/demo_database.py) and each test's changes are rolled back. What holds across
users (no two pages share a title, every kind of record is opened, every URL pattern is reached, every demo
user is crawled) is checked by the test that finishes last, from every test's crawl (tests/demo_database.py
`share`)."""

import hashlib
import os

import pytest
from django.db import connection

from desist.audit.context import actor_for_user
from tests import crawl
from tests.demo_database import demo_usernames, demo_users, share

# django_db: the test database is set up (and each test has its transaction there); the crawl itself runs
# on the demo database.
pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.postgres]

USERNAMES = demo_usernames()
PER_PATTERN = crawl.PER_PATTERN if connection.vendor == "sqlite" else 1


def _report(title, lines):
    return f"{title}:\n" + "\n".join(f"  {line}" for line in lines) if lines else ""


@pytest.mark.parametrize("username", USERNAMES)
def test_every_demo_user_can_follow_every_link_without_a_failure(small_demo, shared_folder, username):
    users = {user.username: user for user in demo_users()}
    assert username in users, f"the small demo has no {username}"
    user = users[username]
    records = crawl.person_seeds(actor_for_user(user, channel="web"))
    result = crawl.crawl(
        [user],
        {username: crawl.seeds_for(user, records)},
        per_pattern=PER_PATTERN,
        claim_document=_document_claims(shared_folder / "crawl-documents"),
    )

    # Every user's crawl, to the test that finishes last: what holds across users is checked there.
    part = {"result": result, "records": records, "users": list(users)}
    everyone = share(shared_folder / "crawl", username, USERNAMES, part)
    problems = [
        _report(
            "Server errors",
            [
                f"{v.user} GET {v.url} -> {v.status} {v.error} (linked from {v.found_on or 'start'})"
                for v in result.server_errors()
            ],
        ),
        _report(
            "Links to nowhere",
            [f"{v.user} GET {v.url} (linked from {v.found_on})" for v in result.broken_links()],
        ),
        _report(
            "Links the user may not follow",
            [
                f"{v.user} GET {v.url} -> {v.status} (linked from {v.found_on})"
                for v in result.visits
                if v.status in (403, 405) and v.found_on
            ],
        ),
        _report("Pages without a title", [v.url for v in result.untitled()]),
    ]
    assert result.users == [username]
    if everyone is not None:
        problems += _whole_crawl_problems(everyone)
    assert not [p for p in problems if p], "\n".join(p for p in problems if p)
    print(
        f"\ncrawl as {username}: {len(result.visits)} pages, {len(result.patterns())} URL patterns, "
        f"{result.seconds:.0f} s ({result.cpu_seconds:.0f} s of CPU in this process)"
    )


def _document_claims(folder):
    """A document pattern may be fetched while fewer than crawl.DOCUMENTS_PER_RUN tests of this run have
    claimed it (a file created once, whichever xdist worker is first)."""
    folder.mkdir(parents=True, exist_ok=True)

    def claim(pattern):
        key = hashlib.sha256(pattern.encode()).hexdigest()[:16]
        for number in range(crawl.DOCUMENTS_PER_RUN):
            try:
                os.close(os.open(folder / f"{key}-{number}", os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                continue
            return True
        return False

    return claim


def _whole_crawl_problems(everyone):
    """What must hold for the crawl as a whole: every demo user's, from `share`."""
    whole = crawl.Crawl()
    for part in everyone.values():
        whole.visits += part["result"].visits
        whole.users += part["result"].users
        whole.seconds += part["result"].seconds
        whole.cpu_seconds += part["result"].cpu_seconds
    demo = next(iter(everyone.values()))["users"]
    opened = {kind for part in everyone.values() for kind in part["records"]}
    problems = [
        _report(
            "Pages sharing a title",
            [
                f"{title!r}: {', '.join(sorted(paths)[:4])}"
                for title, paths in whole.duplicate_titles().items()
            ],
        ),
        _report(
            "URL patterns no link reached (link to them, or say why in tests/crawl.py UNLINKED)",
            crawl.unreached_patterns(whole),
        ),
        _report("Kinds of record nobody opened", sorted(set(crawl.RECORD_KINDS) - opened)),
        _report(
            "Demo users the crawl left out, or crawled but not in the demo",
            sorted(set(demo) ^ set(whole.users)),
        ),
    ]
    assert len(demo) >= 14
    assert len(whole.visits) > 500
    print(
        f"\ncrawl: {len(whole.visits)} pages, {len(whole.patterns())} URL patterns, "
        f"{len(whole.users)} users, {whole.seconds:.0f} s ({whole.cpu_seconds:.0f} s of CPU)"
    )
    return problems


def test_the_reasons_for_unlinked_pages_name_only_routes_that_exist():
    assert set(crawl.UNLINKED) <= set(crawl.url_patterns()), set(crawl.UNLINKED) - set(crawl.url_patterns())
