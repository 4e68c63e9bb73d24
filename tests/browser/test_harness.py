"""The browser harness itself works: Chromium launches and the axe-core check catches problems.

Needs no Django live server and no database: pages are set with ``page.set_content``.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import assert_accessible

GOOD_PAGE = """<!DOCTYPE html>
<html lang="en-GB">
  <head><meta charset="utf-8"><title>Harness: good page - desist</title></head>
  <body>
    <header><p>desist</p></header>
    <main>
      <h1>A good page</h1>
      <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="A one-pixel example image">
      <p><a href="#details">Details</a></p>
      <h2 id="details">Details</h2>
    </main>
  </body>
</html>"""

# Same page, but the image has no text alternative (axe rule image-alt, impact critical).
BAD_PAGE = GOOD_PAGE.replace(' alt="A one-pixel example image"', "").replace("good page", "bad page")


@pytest.mark.browser
def test_axe_passes_a_good_page_and_catches_a_missing_alt(static_page: Page) -> None:
    static_page.set_content(GOOD_PAGE)
    assert static_page.title() == "Harness: good page - desist"
    assert_accessible(static_page, context="harness good page")

    static_page.set_content(BAD_PAGE)
    assert "alt=" not in static_page.content()
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_accessible(static_page, context="harness bad page")
    message = str(failure.value)
    assert "harness bad page" in message
    assert "image-alt [critical]" in message
    assert "img" in message
