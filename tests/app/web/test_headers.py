"""Headers on every response desist renders: a strict Content-Security-Policy and no caching of pages with
personal data; the API docs behind sign-in, with Swagger UI served from desist itself (issue 10, item 16)."""

import re

import pytest
from django.test import Client

from desist.api.services import api_token_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(partnership):
    return partnership.user("pat.probation", partnership.probation)


def _directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_pages_carry_a_strict_content_security_policy(client, worker):
    client.force_login(worker)
    for url in ("/accounts/login/", "/work/", "/caseload/", "/search/?q=smith"):
        csp = _directives(client.get(url))
        assert csp["default-src"] == ["'self'"] and csp["script-src"] == ["'self'"]
        assert csp["style-src"] == ["'self'"] and csp["img-src"] == ["'self'", "data:"]
        assert csp["object-src"] == csp["base-uri"] == csp["frame-ancestors"] == ["'none'"]
        assert csp["form-action"] == ["'self'"]


def test_the_base_page_has_no_inline_script_or_style(client, worker):
    client.force_login(worker)
    html = client.get("/caseload/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"<style|\sstyle=|\son[a-z]+=", html), "inline style or event handler"
    assert '"includeIndicatorStyles": false, "allowEval": false, "allowScriptTags": false' in html


def test_signed_in_pages_fragments_and_api_answers_are_not_stored(client, worker):
    client.force_login(worker)
    for response in (
        client.get("/caseload/"),
        client.get("/caseload/?status=licence", HTTP_HX_REQUEST="true"),
        client.get("/api/people"),
        client.get("/families/?format=csv"),
    ):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert response["Pragma"] == "no-cache"
    _, raw = api_token_issue(user=worker, name="t", days=30)
    response = Client().get(
        "/api/caseload", HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_X_DESIST_PURPOSE="case_management"
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_static_files_keep_their_caching(client):
    response = client.get("/static/desist/init.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_api_docs_need_sign_in(client, worker):
    for url in ("/api/docs", "/api/openapi.json"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    client.force_login(worker)
    assert client.get("/api/openapi.json").status_code == 200


def test_api_docs_load_nothing_from_outside(client, worker):
    client.force_login(worker)
    html = client.get("/api/docs").content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(url.endswith("swagger-ui-bundle.js") for url in urls)
    assert urls and all(url.startswith("/static/") for url in urls), urls
    assert "cdn" not in html.lower()


def test_no_template_has_an_inline_script_style_or_handler():
    """A new template with inline script or style would break under the CSP: catch it here, not in a
    browser."""
    from pathlib import Path

    import desist

    root = Path(desist.__file__).parent
    # Rendered to PDF by WeasyPrint, never served as a page.
    allowed = {
        "board/templates/board/pack.html",
        "enforcement/templates/enforcement/warning_letter.html",
        "subject_access/templates/subject_access/export_pdf.html",
    }
    offenders = []
    for template in root.glob("*/templates/**/*.html"):
        html = template.read_text()
        name = str(template.relative_to(root))
        if name in allowed:
            continue
        inline_script = re.search(r"<script(?![^>]*\b(src|type=\"application/json\")=?)[^>]*>", html)
        inline_style = re.search(r"<style(?![^>]*nonce=)|\sstyle=\"|\son[a-z]+=\"", html)
        if inline_script or inline_style:
            offenders.append(name)
    assert offenders == []
