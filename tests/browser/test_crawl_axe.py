"""The crawl in Chromium (issue 10, item 3): one page of every URL pattern the demo users reach (one of each
kind of admin page) passes axe-core's WCAG 2.2 AA checks, signed in as the user who reached it. Downloads
(CSV, Excel, PDF) are not pages: tests/app/test_crawl.py checks their status. Runs in the PostgreSQL pass of
scripts/test.sh.

The pages are shared between AXE_SHARDS tests (by a hash of the pattern). The demo is built once per worker
(tests/demo_database.py), and the pages are found once, in a copy of it: the shards are one xdist_group, so
scripts/test.sh (`--dist loadgroup`) runs them on one worker while the other runs other tests (finding the
pages takes as long as checking them). The test that finishes last checks that every page found was checked
(tests/demo_database.py `share`), wherever the shards ran."""

import time
import zlib

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from tests import crawl
from tests.browser.conftest import BLOCKING_IMPACTS, _format_violation, run_axe
from tests.demo_database import share

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("crawl-axe"),
]

AXE_SHARDS = 4


def _shard(key):
    return zlib.crc32(key.encode()) % AXE_SHARDS


@pytest.fixture
def axe_sample(demo_database, live_server):
    """One page per URL pattern (crawl.Crawl.axe_sample), found once per worker in its own copy of the demo
    database, which the live server serves for the test (the pages' visits and sign-ins stay in the copy)."""
    if "axe" not in demo_database.memo:
        demo_database.memo["axe"] = demo_database.copy("axe")
    copy = demo_database.memo["axe"]
    with copy.in_use(every_thread=True):
        if "sample" not in copy.memo:
            users = list(User.objects.filter(username__in=copy.users).order_by("username"))
            # tests/app/test_crawl.py follows every link; finding one page of each pattern takes far fewer.
            result = crawl.crawl(
                users,
                {user.username: crawl.seeds_for(user) for user in users},
                per_pattern=1,
                per_pattern_overall=2,
            )
            copy.memo["sample"] = result.axe_sample()
            copy.memo["found"] = (
                f"{len(result.patterns())} URL patterns reached by {len(result.visits)} fetches in "
                f"{result.seconds:.0f} s"
            )
        yield copy.memo["sample"], copy.memo["found"]


@pytest.mark.parametrize("shard", range(AXE_SHARDS))
def test_one_page_of_every_url_pattern_is_accessible(page, live_server, axe_sample, shard, shared_folder):
    sample, found = axe_sample
    assert len(sample) > 50
    mine = {key: visit for key, visit in sample.items() if _shard(key) == shard}

    cookies: dict[str, str] = {}
    failures: list[str] = []
    started = time.perf_counter()
    for key, visit in sorted(mine.items(), key=lambda item: item[1].user):
        if visit.user not in cookies:
            client = Client()
            crawl.sign_in(client, User.objects.get(username=visit.user))
            cookies[visit.user] = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.clear_cookies()
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookies[visit.user], "url": live_server.url}]
        )
        response = page.goto(f"{live_server.url}{visit.url}")
        assert response is not None and response.status == 200, (
            f"{visit.user} {visit.url}: {response and response.status}"
        )
        blocking = [v for v in run_axe(page) if v.get("impact") in BLOCKING_IMPACTS]
        if blocking:
            failures.append(
                f"{key} ({visit.user}, {visit.url}):\n" + "\n".join(_format_violation(v) for v in blocking)
            )
    # Every shard's pages, to the test that finishes last: every page of the sample was checked.
    everyone = share(
        shared_folder / "axe",
        str(shard),
        [str(s) for s in range(AXE_SHARDS)],
        {"sample": set(sample), "checked": set(mine)},
    )
    assert not failures, "Accessibility violations:\n" + "\n".join(failures)
    if everyone is not None:
        checked = set().union(*(part["checked"] for part in everyone.values()))
        found_anywhere = set().union(*(part["sample"] for part in everyone.values()))
        assert checked == found_anywhere, sorted(found_anywhere ^ checked)
    print(
        f"\naxe, shard {shard}: {len(mine)} of {len(sample)} pages ({found}), "
        f"{time.perf_counter() - started:.0f} s in Chromium"
    )


def test_the_error_pages_are_accessible(page, live_server):
    from django.test import RequestFactory

    from desist.web.errors import server_error
    from tests.browser.conftest import assert_accessible

    response = page.goto(f"{live_server.url}/no-such-page/")
    assert response is not None and response.status == 404
    assert_accessible(page, context="the 404 page")
    # The 500 page, as the handler renders it, shown from the live server so its stylesheet loads.
    page.set_content(server_error(RequestFactory().get("/")).content.decode())
    assert page.title().startswith("Sorry, there is a problem with the service")
    assert_accessible(page, context="the 500 page")
