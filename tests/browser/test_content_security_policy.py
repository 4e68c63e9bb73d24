"""No page breaks under the Content-Security-Policy: Chromium, enforcing the header desist sends, reports no
violation on the work queue, search (HTMX), a person record, IOM, the board's charts, imports, the access log,
the Django admin, the API docs and the two-factor pages (issue 10, item 16). The other browser tests bypass
the CSP to inject axe-core; this one does not."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.app.board.test_board import board  # noqa: F401  (the fixture)
from tests.app.builders import PASSWORD
from tests.browser.conftest import VIEWPORT, login
from tests.browser.test_iom_journey import candidate  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = (
    "\n"
    "window.__cspViolations = [];\n"
    'document.addEventListener("securitypolicyviolation", (e) => {\n'
    '  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at '
    "${e.sourceFile}:${e.lineNumber}`);\n"
    "});\n"
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def strict_page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url,
        viewport=VIEWPORT,
        locale="en-GB",
        timezone_id="Europe/London",
        bypass_csp=False,
    )
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.console_messages = []  # type: ignore[attr-defined]
    page.on("console", lambda message: page.console_messages.append(message.text))  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        context.close()


def visit(page: Page, url: str) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status < 400, url
    assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}, url
    page.wait_for_load_state("networkidle")
    return [f"{url}: {v}" for v in page.evaluate("window.__cspViolations")]


def test_no_page_violates_the_policy(strict_page: Page, live_server, partnership, board, candidate):  # noqa: F811
    page = strict_page
    violations: list[str] = []
    partnership.user(
        "ada.admin", partnership.probation, role="administrator", is_staff=True, is_superuser=True
    )

    # The administrator sets up two-factor sign-in on the way in (the login helper reads the key off the
    # page).
    login(page, live_server, "ada.admin", PASSWORD)
    for url in (
        "/work/",
        "/access-log/",
        "/imports/",
        "/accounts/",
        "/accounts/users/",
        "/api/docs",
        "/admin/",
        "/admin/auth/user/",
        "/admin/partnership/agency/",
        "/admin/auth/user/add/",
    ):
        violations += visit(page, url)
    expect(page.locator("#id_username")).to_be_visible()  # the admin's add-user form works
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui")).to_be_visible()
    expect(page.get_by_text("/api/people").first).to_be_visible()  # Swagger UI ran and read the schema
    violations += [f"/api/docs: {v}" for v in page.evaluate("window.__cspViolations")]
    page.context.clear_cookies()

    login(page, live_server, "cora.coordinator", PASSWORD)
    for url in ("/caseload/", "/iom/candidates/", "/iom/cohort/", f"/people/{candidate.pk}/", "/releases/"):
        violations += visit(page, url)
    page.goto("/search/")
    page.locator("#id_q").fill("Burgess")
    page.keyboard.press("Enter")
    expect(page.get_by_text("BURGESS, Kyle").first).to_be_visible()
    violations += [f"search: {v}" for v in page.evaluate("window.__cspViolations")]
    page.context.clear_cookies()

    login(page, live_server, "analyst", PASSWORD)
    violations += visit(page, "/board/")
    expect(
        page.get_by_role("img", name="Proven reoffending rate").first
    ).to_be_visible()  # charts: data: images
    for url in ("/board/definitions/", "/board/fairness/", "/board/validation/"):
        violations += visit(page, url)

    console = [m for m in page.console_messages if "Content Security Policy" in m]  # type: ignore[attr-defined]
    assert violations == [] and console == [], "\n".join(violations + console)
