"""The crawl: sign in as every demo user and follow every link from where people start (issue 10, item 3).

Used by tests/app/test_crawl.py (status codes, titles and coverage of the URL configuration, with Django's
test client, on SQLite and PostgreSQL) and tests/browser/test_crawl_axe.py (axe-core on one page per URL
pattern). A new page is crawled as soon as some page links to it; a page nothing links to is reported by
`unreached_patterns` unless UNLINKED says why.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

# Distinct addresses followed per URL pattern and user: enough to meet each kind of page, few enough to stay
# quick. The admin's pages are Django's, one template for each kind of page, so one of each will do.
PER_PATTERN = 3
PER_ADMIN_PATTERN = 1
# Documents (board and meeting packs, letters, exports: PDF, or a zip with a PDF in it) take seconds each to
# draw, and most users can reach the same ones: half a user's crawl went on them. Each user fetches one
# address per such pattern, and, where the caller passes `claim_document` (tests/app/test_crawl.py), a run
# fetches each pattern DOCUMENTS_PER_RUN times in all, by whichever users reach it first. What each document
# holds, for whom, is tested by its app's own tests.
DOCUMENT_SUFFIXES = (".pdf", ".zip")
DOCUMENTS_PER_RUN = 2
# Never followed: they change something (sign out) or are not pages (static files).
NEVER = ("/static/", "/accounts/logout/", "/admin/logout/")

# URL patterns no link leads to, and why. Everything else in the URL configuration must be reached.
UNLINKED: dict[str, str] = {
    # Forms post to these; a GET is refused (405), so there is nothing to crawl.
    "accounts/logout/": "POST only: signing out (never followed)",
    "allocation/": "team managers only (the work queue's allocation group links to its cases); "
    "tests/app/allocation/test_allocation.py",
    "allocation/teams/<id:team_id>/": "a manager's team, linked from allocation/; tests/app/allocation",
    "allocation/cases/<id:involvement_id>/": "a case in a manager's queue; tests/app/allocation",
    "allocation/cases/<id:involvement_id>/transfer/": "transferring a case; tests/app/allocation",
    "allocation/cases/<id:involvement_id>/t2a/": "POST only: marking a case T2A (the case page's button); "
    "tests/app/allocation/test_workload_record.py",
    "allocation/teams/<id:team_id>/practitioners/<id:user_id>/reductions/<id:reduction_id>/end/": (
        "POST only: ending a reduction now (the practitioner's workload record); tests/app/allocation"
    ),
    "allocation/teams/<id:team_id>/practitioners/<id:user_id>/reports/<id:report_id>/complete/": (
        "POST only: a court report delivered (the practitioner's workload record); tests/app/allocation"
    ),
    "accounts/two-factor/turn-off/": "POST only: turning two-factor sign-in off",
    "linkage/review/blind/": "POST only: blind review on or off",
    "people/merges/<id:merge_id>/undo/": "POST only: undoing a merge (the form on a person's merges page)",
    "people/<id:person_id>/merge/": "reached by the merges page's 'same person as' form (a GET with the "
    "other number); tests/app/people/test_people_merge.py",
    "search/settled/": "POST only: the search a user settled on (sent by the page's script)",
    "governance/emergency/<id:use_id>/review/": "POST only: the DPO's review of a break-glass use",
    "people/<id:person_id>/emergency-access/": "linked from the page refusing a record (no crawled page "
    "links to a record its user may not see); tests/app/sharing/test_sharing.py",
    "subject-access/<id:request_id>/<slug:action>/": "POST only: the steps of a subject access request",
    "people/<id:person_id>/restrictions/<id:restriction_id>/end/": "POST only: end a case's restriction",
    "people/<id:person_id>/consent/<id:consent_id>/withdraw/": "POST only: withdraw a consent",
    "subject-access/<id:request_id>/export.zip": "a zip, linked once redactions are confirmed; "
    "tests/app/subject_access",
    "iom/candidates/<id:person_id>/propose/": "POST only: propose to the panel",
    "people/<id:person_id>/offences/<id:offence_id>/category/": "POST only: choose the OGRS3 category",
    "releases/escalations/<id:escalation_id>/resolve/": "POST only: resolve an escalation",
    "releases/tasks/<id:task_id>/": "POST only: update a release plan task",
    "releases/sentences/<id:sentence_id>/date/": "POST only: change a release date",
    "releases/sentences/<id:sentence_id>/facts/": "POST only: record release facts",
    "releases/sentences/<id:sentence_id>/released/": "POST only: record the release",
    "releases/sentences/<id:sentence_id>/plan/": "POST only: start a release plan",
    "releases/sentences/<id:sentence_id>/adjustments/": "POST only: record an adjustment",
    "releases/sentences/<id:sentence_id>/recalls/": "POST only: record a recall",
    "releases/recalls/<id:recall_id>/returned/": "POST only: record the return to custody after a recall",
    "releases/adjustments/<id:adjustment_id>/remove/": "POST only: remove an adjustment recorded in error",
    "people/<id:person_id>/release/sentences/": "POST only: record a custodial sentence",
    "referrals/notices/read/": "POST only: mark notices read",
    "referrals/notices/<id:notice_id>/read/": "POST only: mark one notice read",
    "referrals/<id:referral_id>/<slug:action>/": "POST only: move a referral on",
    "bookings/<id:booking_id>/<slug:action>/": "POST only: move a booking on",
    "people/<id:person_id>/enforcement/<slug:action>/": "POST only: record a failure, recommend a recall, "
    "record a requirement's progress or ending",
    "enforcement/failures/<id:failure_id>/<slug:action>/": "POST only: judge, warn, refer, court outcome",
    "enforcement/recalls/<id:recommendation_id>/decide/": "POST only: decide a recall recommendation",
    "monitoring/alerts/<id:alert_id>/<slug:action>/": "POST only: acknowledge or judge a monitoring alert",
    "marac/referrals/<id:marac_referral_id>/actions/": "POST only: record an agency's action on a referral",
    "marac/referrals/<id:marac_referral_id>/heard/": "POST only: record a MARAC referral as heard",
    "marac/actions/<id:marac_action_id>/": "POST only: mark a MARAC action done",
    "monitoring/alerts/<id:alert_id>/": "needs a monitoring alert (none in a fresh demo); "
    "tests/app/monitoring/test_pages.py opens it",
    "monitoring/feeds/<id:feed_id>/": "needs an imported monitoring feed (none in a fresh demo); "
    "tests/app/monitoring/test_pages.py opens it",
    "people/<id:person_id>/tracking/": "needs an IOM cohort member on trail monitoring, whom a crawl's "
    "sample of records may not hold; tests/app/monitoring/test_tracking.py opens it",
    "board/published/publish": "POST only: publish a quarter",
    "linkage/train/": "POST only: train the linkage model",
    "linkage/run/": "POST only: start a linking run",
    "imports/uploads/<id:upload_id>/import/": "POST only: import a checked file",
    "imports/uploads/<id:upload_id>/discard/": "POST only: discard an upload",
    "imports/uploads/<id:upload_id>/encoding/": "POST only: check an upload again in a chosen encoding",
    "victims/records/<id:victim_id>/link/": "POST only: link a victim to an offence",
    "victims/people/<id:person_id>/link/": "POST only: link a victim from the person's page",
    "accounts/users/<id:user_id>/reset/": "POST only: an administrator resets a user's password and "
    "two-factor",
    "accounts/backup-codes/": "shown once after new backup codes are made (a POST); "
    "tests/app/accounts/test_two_factor.py",
    # Reached only with a one-time token from an e-mail or an administrator's reset.
    "accounts/set-password/<uidb64>/<token>/": "needs a one-time token",
    # A fresh demo has no uploads or linkage pairs to review: tests/app/imports/test_imports.py and
    # test_linking.py open these pages.
    "imports/uploads/<id:upload_id>/": "needs an upload (none in a fresh demo)",
    "imports/uploads/<id:upload_id>/mapping/": "needs an upload (none in a fresh demo)",
    "imports/uploads/<id:upload_id>/problems.csv": "needs an upload (none in a fresh demo)",
    "imports/uploads/<id:upload_id>/check/": "needs an upload (none in a fresh demo)",
    "imports/uploads/<id:upload_id>/progress/": "needs an upload (none in a fresh demo)",
    "linkage/review/<id:pair_id>/": "needs a pair to review (none in a fresh demo)",
    "victims/notifications/<id:notification_id>/": "needs a victim notification (none due in a small "
    "fresh demo); tests/app/victims/test_victim_pages.py opens it",
    "meetings/series/<id:series_id>/feed/": "POST only: issue or revoke a meeting series' calendar feed",
    "meetings/feed/<str:token>.ics": "a meeting series' calendar feed: its address holds a secret shown "
    "once; tests/app/meetings/test_pages.py reads it",
    "meetings/<id:meeting_id>/agenda/build/": "POST only: building a MAPPA meeting's agenda",
    "meetings/<id:meeting_id>/invite/": "POST only: sending a meeting's invitations",
    "diary/feed/": "POST only: issue or revoke the diary's calendar feed address",
    "diary/feed/<str:token>.ics": "the calendar feed: its address holds a secret shown once; "
    "tests/app/supervision/test_pages.py reads it",
    "supervision/suspensions/<id:suspension_id>/resume/": "needs a suspension of supervision contact "
    "(none in a fresh demo); tests/app/supervision/test_pages.py opens it",
    # The admin's own sign-in, sign-out, catch-all and the page after a password change (a POST).
    "admin/login/": "the admin's sign-in: the crawl signs in directly",
    "admin/logout/": "POST only: signing out",
    "admin/password_change/done/": "shown after a password change (a POST)",
    "admin/(?P<url>.*)$": "the admin's catch-all for unknown addresses",
}
# Whole families of patterns left to other tests, and why.
UNLINKED_PREFIXES: dict[str, str] = {
    "api/": "the JSON API: no links to follow; tests/app/api/test_api.py and the schemathesis run cover it",
    "admin/r/": "the admin's 'view on site' redirect",
    "admin/autocomplete/": "JSON for the admin's autocomplete widgets",
    "admin/jsi18n/": "the admin's script translations",
    "accounts/login/": "signing in: the crawl signs in directly",
    "accounts/two-factor/": "signing in with a code: tests/app/accounts/test_two_factor.py",
}
# The admin's per-model pages the administrator may not use (adding, deleting and changing read-only data) are
# not linked; which ones depends on each ModelAdmin's permissions, so they are not listed one by one.
ADMIN_OPTIONAL = re.compile(
    r"^admin/[a-z_]+/[a-z_]+/(add/|<path:object_id>/(delete/|change/|history/)?|"
    r"<int:pk>/(config|qrcode)/)$"
)


@dataclass
class Visit:
    user: str
    url: str
    status: int
    pattern: str
    content_type: str
    title: str = ""
    seconds: float = 0.0
    error: str = ""
    found_on: str = ""

    @property
    def page(self) -> str:
        """The page, for titles: the address without its query (pages of one list, its filters and sorts)."""
        return urlsplit(self.url).path

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")


@dataclass
class Crawl:
    visits: list[Visit] = field(default_factory=list)
    users: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = (
        0.0  # this process's CPU time (on a shared machine, wall time says more about the others)
    )

    def server_errors(self) -> list[Visit]:
        return [v for v in self.visits if v.status >= 500]

    def broken_links(self) -> list[Visit]:
        """Links that lead nowhere (404) for the user who was shown them."""
        return [v for v in self.visits if v.status == 404 and v.found_on]

    def duplicate_titles(self) -> dict[str, set[str]]:
        """Titles shared by different pages (pages differ by path; a query string does not make a new
        page)."""
        pages: dict[str, set[str]] = defaultdict(set)
        for visit in self.visits:
            if visit.status == 200 and visit.is_html:
                pages[visit.title].add(visit.page)
        return {title: paths for title, paths in pages.items() if len(paths) > 1}

    def untitled(self) -> list[Visit]:
        return [v for v in self.visits if v.status == 200 and v.is_html and not v.title]

    def patterns(self) -> set[str]:
        return {v.pattern for v in self.visits if v.status < 400}

    def sample(self) -> dict[str, Visit]:
        """One successful HTML page per URL pattern (the first reached), for the accessibility check."""
        chosen: dict[str, Visit] = {}
        for visit in self.visits:
            if visit.status == 200 and visit.is_html:
                chosen.setdefault(visit.pattern, visit)
        return chosen

    def axe_sample(self) -> dict[str, Visit]:
        """One page per URL pattern for the accessibility check, but one per kind of admin page: the admin
        draws every model's list, form, deletion and history pages from the same templates."""
        chosen: dict[str, Visit] = {}
        for pattern, visit in self.sample().items():
            chosen.setdefault(_admin_kind(pattern) or pattern, visit)
        return chosen

    def slowest(self, n: int = 5) -> list[Visit]:
        return sorted(self.visits, key=lambda v: v.seconds, reverse=True)[:n]


_ADMIN_KINDS = [
    (re.compile(r"^admin/[a-z_]+/[a-z_]+/$"), "admin: a list"),
    (re.compile(r"^admin/[a-z_]+/[a-z_]+/add/$"), "admin: adding"),
    (re.compile(r"^admin/[a-z_]+/[a-z_]+/<path:object_id>/change/$"), "admin: changing"),
    (re.compile(r"^admin/[a-z_]+/[a-z_]+/<path:object_id>/delete/$"), "admin: deleting"),
    (re.compile(r"^admin/[a-z_]+/[a-z_]+/<path:object_id>/history/$"), "admin: history"),
]


def _admin_kind(pattern: str) -> str | None:
    return next((kind for regex, kind in _ADMIN_KINDS if regex.match(pattern)), None)


class _Page(HTMLParser):
    """The links (`a href`) and the title of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def _normal_title(title: str) -> str:
    return " ".join(title.split())


def url_patterns() -> dict[str, Any]:
    """Every URL pattern of the configuration, as its full route (the form ResolverMatch.route takes)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: dict[str, Any] = {}

    def walk(resolver: Any, prefix: str) -> None:
        for entry in resolver.url_patterns:
            route = str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry, _join(prefix, route))
            elif isinstance(entry, URLPattern):
                found[_join(prefix, route)] = entry

    walk(get_resolver(), "")
    return found


def _join(prefix: str, route: str) -> str:
    # As Django joins routes for ResolverMatch.route: a regex part loses its leading "^".
    return prefix + (route[1:] if route.startswith("^") else route)


def unreached_patterns(crawl: Crawl) -> list[str]:
    """URL patterns the crawl never reached, less those UNLINKED (and the admin's optional pages) explain."""
    reached = crawl.patterns()
    missing = []
    for route in url_patterns():
        if route in reached or route in UNLINKED or ADMIN_OPTIONAL.match(route):
            continue
        if any(route.startswith(prefix) for prefix in UNLINKED_PREFIXES):
            continue
        missing.append(route)
    return sorted(missing)


# A small partnership: about 60 staff, a cohort of IOM members, victims, families, referrals and premises.
DEMO_PEOPLE = 1000
DEMO_SEED = 7


def build_demo() -> tuple[list[Any], str]:
    """Build the small demo partnership; return its demo users and what the build printed (the logins)."""
    import io

    from django.contrib.auth.models import User
    from django.core.management import call_command

    out = io.StringIO()
    call_command("build_demo", "--people", str(DEMO_PEOPLE), "--seed", str(DEMO_SEED), stdout=out)
    return list(User.objects.filter(username__startswith="demo.").order_by("username")), out.getvalue()


def crawl(
    users: Iterable[Any],
    seeds: dict[str, list[str]],
    *,
    per_pattern: int = PER_PATTERN,
    per_pattern_overall: int | None = None,
    client_factory: Any = None,
    claim_document: Callable[[str], bool] | None = None,
) -> Crawl:
    """Sign in as each user and follow every link from `seeds[username]` (breadth first), fetching at most
    `per_pattern` addresses per URL pattern per user (and, if given, `per_pattern_overall` for all users
    together: enough to find a page of each pattern). A document (DOCUMENT_SUFFIXES) is fetched once per
    pattern and user, and only if `claim_document(pattern)`, when given, says yes. Seeds are always
    fetched."""
    from django.test import Client

    result = Crawl()
    overall: dict[str, int] = defaultdict(int)
    started, cpu = time.perf_counter(), time.process_time()
    for user in users:
        client = (client_factory or (lambda: Client(raise_request_exception=False)))()
        sign_in(client, user)
        result.users.append(user.username)
        result.visits.extend(
            _crawl_as(
                client,
                user.username,
                seeds.get(user.username, []),
                per_pattern,
                overall,
                per_pattern_overall,
                claim_document,
            )
        )
    result.seconds, result.cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    return result


def sign_in(client: Any, user: Any) -> None:
    """Sign in as a user would finish signing in: with a two-factor code where one is needed, and a purpose
    stated (case management)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from desist.accounts.rules import needs_code
    from desist.audit.context import actor_for_user
    from desist.web.purpose import PURPOSE_KEY

    client.force_login(user)
    session = client.session
    if needs_code(user, actor_for_user(user, channel="web")):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="crawl", confirmed=True
        )
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[PURPOSE_KEY] = "case_management"
    session.save()


def _crawl_as(
    client: Any,
    username: str,
    seeds: list[str],
    per_pattern: int,
    overall: dict[str, int],
    per_pattern_overall: int | None,
    claim_document: Callable[[str], bool] | None,
) -> Iterator[Visit]:
    from django.core.signals import got_request_exception
    from django.urls import Resolver404, resolve

    errors: list[str] = []

    def remember(sender: Any, request: Any = None, **kwargs: Any) -> None:
        import sys

        error = sys.exc_info()[1]
        errors.append(f"{type(error).__name__}: {error}" if error else "error")

    queue: list[tuple[str, str]] = [(url, "") for url in seeds]
    seen: set[str] = set()
    taken: dict[str, int] = defaultdict(int)
    got_request_exception.connect(remember, weak=False)
    try:
        while queue:
            url, found_on = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            try:
                match = resolve(urlsplit(url).path)
            except Resolver404:
                yield Visit(username, url, 404, "(no pattern)", "", found_on=found_on)
                continue
            pattern = match.route
            document = pattern.endswith(DOCUMENT_SUFFIXES)
            if found_on and taken[pattern] >= (
                PER_ADMIN_PATTERN if pattern.startswith("admin/") else 1 if document else per_pattern
            ):
                continue
            if found_on and per_pattern_overall is not None and overall[pattern] >= per_pattern_overall:
                continue
            if found_on and document and claim_document is not None and not claim_document(pattern):
                continue
            taken[pattern] += 1
            overall[pattern] += 1
            errors.clear()
            began = time.perf_counter()
            response = client.get(url)
            seconds = time.perf_counter() - began
            content_type = response.get("Content-Type", "")
            visit = Visit(
                username,
                url,
                response.status_code,
                pattern,
                content_type,
                seconds=seconds,
                error="; ".join(errors),
                found_on=found_on,
            )
            if response.status_code in (301, 302, 303, 307, 308):
                target = urljoin(url, response["Location"])
                if _followable(target):
                    queue.append((target, url))
            elif response.status_code == 200 and visit.is_html and not getattr(response, "streaming", False):
                page = _Page()
                page.feed(response.content.decode())
                visit.title = _normal_title(page.title)
                for href in page.links:
                    target = urljoin(url, href.split("#")[0])
                    if target and _followable(target) and target not in seen:
                        queue.append((target, url))
            elif getattr(response, "streaming", False):
                b"".join(response.streaming_content)  # a download must finish without error too
            yield visit
    finally:
        got_request_exception.disconnect(remember)


def _followable(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return parts.netloc in ("testserver",) and _followable(
            parts.path + (f"?{parts.query}" if parts.query else "")
        )
    return url.startswith("/") and not url.startswith(NEVER)


RECORD_KINDS = ("custody", "licence", "community", "IOM cohort", "MAPPA", "victims", "family")


def person_seeds(actor: Any) -> dict[str, str]:
    """Records this user may open, one of each kind they have (RECORD_KINDS): custody, licence, community, IOM
    cohort, MAPPA, an offender with victims and someone in a family of three or more."""
    from django.db.models import Exists, OuterRef

    from desist.families.models import FamilyMember
    from desist.iom.models import CohortMembership
    from desist.people.selectors import today, visible_people
    from desist.registers.models import RegisterEntry
    from desist.sentences.rules import supervision_status_expression
    from desist.victims.models import VictimLink

    on = today()
    people = visible_people(actor, on=on).order_by("pk")
    status = people.annotate(s=supervision_status_expression(on))
    kinds = dict(
        zip(
            RECORD_KINDS,
            [
                status.filter(s="custody"),
                status.filter(s="licence"),
                status.filter(s="community"),
                people.filter(Exists(CohortMembership.objects.filter(person=OuterRef("pk")))),
                people.filter(Exists(RegisterEntry.objects.filter(person=OuterRef("pk"), kind="mappa"))),
                people.filter(Exists(VictimLink.objects.filter(offence__person=OuterRef("pk")))),
                people.filter(
                    Exists(FamilyMember.objects.filter(person=OuterRef("pk"), family__member_count__gte=3))
                ),
            ],
            strict=True,
        )
    )
    chosen: dict[str, str] = {}
    for kind, queryset in kinds.items():
        taken = [int(url.split("/")[2]) for url in chosen.values()]
        pk = queryset.exclude(pk__in=taken).values_list("pk", flat=True).first()
        if pk is not None:
            chosen[kind] = f"/people/{pk}/"
    return chosen


def seeds_for(user: Any, records: dict[str, str] | None = None) -> list[str]:
    """Where a user starts: the work queue (its menu leads everywhere else they may go), a search that finds
    someone, a sample of records (`person_seeds`), and the administration pages for staff."""
    from desist.audit.context import actor_for_user
    from desist.people.models import Person

    if records is None:
        records = person_seeds(actor_for_user(user, channel="web"))
    start = ["/", "/work/", "/caseload/", "/search/"]
    if records:
        first = int(next(iter(records.values())).split("/")[2])
        start.append("/search/?" + urlencode({"q": Person.objects.get(pk=first).last_name}))
    if user.is_staff:
        start.append("/admin/")
    return start + list(records.values())
