"""Browser-test fixtures: Playwright (sync API) driving Debian's Chromium, plus axe-core checks.

Fixtures:
    browser       session-scoped Chromium (``/usr/bin/chromium``; ``DESIST_CHROMIUM`` overrides).
                  Skipped when Chromium is missing, unless the ``CI`` environment variable is set,
                  in which case that is a failure (``bash scripts/ensure-chromium.sh`` installs it).
    page          a fresh context and page per test, 1280x900, ``base_url`` = pytest-django's
                  ``live_server.url`` (so ``page.goto("/accounts/login/")`` works). Requesting it
                  starts the live server and gives the test transactional database access.
    static_page   the same without a live server or database, for ``page.set_content(...)``.

Helpers (plain functions: ``from tests.browser.conftest import assert_accessible, login``):
    assert_accessible(page, context="...")   axe-core WCAG 2.2 AA check; fails on serious/critical.
    login(page, live_server, username, password, purpose="Case management")
                                             (gives a two-factor code where asked: two_factor_step)

Mark browser tests with ``@pytest.mark.browser``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, ViewportSize, sync_playwright

# Playwright's sync API runs an event loop in this thread, which trips Django's
# "you cannot call this from an async context" check when tests touch the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING_IMPACTS = ("serious", "critical")


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def chromium_path() -> str:
    return os.environ.get("DESIST_CHROMIUM") or DEFAULT_CHROMIUM


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    executable = chromium_path()
    if not (os.path.isfile(executable) and os.access(executable, os.X_OK)):
        message = (
            f"Chromium not found at {executable} (set DESIST_CHROMIUM, or run "
            "`bash scripts/ensure-chromium.sh` to install Debian's chromium)"
        )
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    browser = playwright_instance.chromium.launch(
        executable_path=executable, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


def _new_page(browser: Browser, base_url: str | None = None) -> Iterator[Page]:
    context = browser.new_context(
        base_url=base_url,
        viewport=VIEWPORT,
        locale="en-GB",
        timezone_id="Europe/London",
        # Lets assert_accessible inject axe even when the app sends a strict CSP.
        bypass_csp=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    yield from _new_page(browser, base_url=live_server.url)


@pytest.fixture
def static_page(browser: Browser) -> Iterator[Page]:
    yield from _new_page(browser)


def _format_violation(violation: dict[str, Any]) -> str:
    targets: list[str] = []
    for node in violation.get("nodes", [])[:3]:
        target = node.get("target", [])
        # A target is a list of selectors (more than one when inside iframes/shadow DOM).
        targets.append(" >> ".join(str(t) for t in target) if isinstance(target, list) else str(target))
    more = len(violation.get("nodes", [])) - len(targets)
    suffix = f" (+{more} more)" if more > 0 else ""
    return (
        f"  - {violation['id']} [{violation.get('impact')}]: {violation.get('help')}\n"
        f"      {', '.join(targets)}{suffix}"
    )


def run_axe(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the current document and return every violation (any impact)."""
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: run `make assets` (npm ci) first", pytrace=False)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}}
    violations: list[dict[str, Any]] = page.evaluate(
        """async (options) => {
            const results = await window.axe.run(document, options);
            return results.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({ target: n.target })),
            }));
        }""",
        options,
    )
    return violations


def assert_accessible(page: Page, *, context: str) -> list[dict[str, Any]]:
    """Fail if axe-core finds any serious or critical WCAG 2.2 AA / best-practice violation.

    ``context`` names what was checked (for example "login page, error state") and is
    included in the failure message. Returns all violations, including minor and moderate
    ones, for callers that want to look at them.
    """
    violations = run_axe(page)
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        details = "\n".join(_format_violation(v) for v in blocking)
        pytest.fail(
            f"Accessibility violations on {context} ({page.url}):\n{details}",
            pytrace=False,
        )
    return violations


def login(
    page: Page, live_server: Any, username: str, password: str, *, purpose: str | None = "Case management"
) -> None:
    """Sign in through the login form at /accounts/login/ and wait for the next page. The first page with
    person data asks why the user is there: ``purpose`` (a label) answers it, None leaves the question."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if "/accounts/login/" in page.url:
        errors = page.locator(".govuk-error-summary, .govuk-error-message").all_inner_texts()
        pytest.fail(
            f"login as {username!r} did not leave the login page: {' '.join(errors) or 'no error shown'}",
            pytrace=False,
        )
    two_factor_step(page, username)
    if purpose is not None and "/purpose/" in page.url:
        page.get_by_label(purpose, exact=True).check()
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()


def totp_code(key: bytes, *, after_step: int = -1) -> str:
    """The code an authenticator app with this key shows now, or the next one if now's was already used
    (django-otp accepts each code once, and one step either side of now)."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(key)
    totp.time = time.time()
    if totp.t() <= after_step:
        totp.time = (after_step + 1) * 30  # the next step's code: still within the accepted window
    return f"{totp.token():06d}"


def two_factor_step(page: Page, username: str) -> None:
    """Give the two-factor code when signing in asks for one, as a user with an authenticator app would: on
    the set-up page from the key it shows, on the code page from the user's authenticator in the database."""
    from base64 import b32decode

    if "/accounts/two-factor/set-up/" in page.url:
        key = b32decode(page.locator("#totp-secret").inner_text().replace(" ", ""))
        page.fill("#id_code", totp_code(key))
        with page.expect_navigation():
            page.get_by_role("button", name="Confirm and continue").click()
    elif "/accounts/two-factor/" in page.url:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.fill("#id_code", totp_code(device.bin_key, after_step=device.last_t))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
    if "/accounts/two-factor/" in page.url:
        errors = page.locator(".govuk-error-summary").all_inner_texts()
        pytest.fail(f"two-factor sign-in as {username!r} failed: {' '.join(errors)}", pytrace=False)
    if (
        "/accounts/backup-codes/" in page.url
    ):  # shown once after setting up; carry on where the user was going
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
