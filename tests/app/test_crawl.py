"""The crawl (issue 10, item 3): every demo user signs in and follows every link from the work queue, their
caseload, a search, a sample of records of each kind and, for administrators, the admin. No page may fail
(5xx), no link may lead nowhere, every page's title must say which page it is, and every URL pattern must be
reached or listed in tests/crawl.py's UNLINKED with the reason. Runs on SQLite and on PostgreSQL
(scripts/test.sh). The accessibility of one page per pattern is checked in Chromium by
tests/browser/test_crawl_axe.py."""

import pytest

from desist.audit.context import actor_for_user
from tests import crawl
from tests.crawl import build_demo

pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.postgres]


def _report(title, lines):
    return f"{title}:\n" + "\n".join(f"  {line}" for line in lines) if lines else ""


def test_every_demo_user_can_follow_every_link_without_a_failure():
    users = build_demo()
    assert len(users) >= 14
    records = {user.username: crawl.person_seeds(actor_for_user(user, channel="web")) for user in users}
    # Each kind of record is opened by someone.
    assert set(crawl.RECORD_KINDS) <= {kind for kinds in records.values() for kind in kinds}

    result = crawl.crawl(
        users, {user.username: crawl.seeds_for(user, records[user.username]) for user in users}
    )

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
        _report(
            "Pages sharing a title",
            [
                f"{title!r}: {', '.join(sorted(paths)[:4])}"
                for title, paths in result.duplicate_titles().items()
            ],
        ),
        _report("Pages without a title", [v.url for v in result.untitled()]),
        _report(
            "URL patterns no link reached (link to them, or say why in tests/crawl.py UNLINKED)",
            crawl.unreached_patterns(result),
        ),
    ]
    assert not [p for p in problems if p], "\n".join(p for p in problems if p)
    assert sorted(result.users) == [user.username for user in users]
    # The list of reasons names only routes that exist.
    assert set(crawl.UNLINKED) <= set(crawl.url_patterns()), set(crawl.UNLINKED) - set(crawl.url_patterns())
    assert len(result.visits) > 500
    print(
        f"\ncrawl: {len(result.visits)} pages, {len(result.patterns())} URL patterns, {len(users)} users, "
        f"{result.seconds:.0f} s ({result.cpu_seconds:.0f} s of CPU in this process)"
    )
