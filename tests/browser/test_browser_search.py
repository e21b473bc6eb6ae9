"""Search in a real headless Chromium: the full-text box over every document the user may
see, with the words highlighted in the title, fields and text snippets, and opening a hit.

Screenshots go to reports/browser/search-*.png for a human look.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.support import BROWSER_MARKS
from tests.browser.support import shot as _shot
from tests.browser.support import sign_in as _sign_in
from tests.browser.support import upload as _upload
from tests.browser.test_browser_ap_controls import (
    CLERK,
    server,  # noqa: F401 - fixture
)
from tests.conftest import INVOICE_LINES, make_pdf

pytestmark = BROWSER_MARKS


def test_full_text_search_highlights_and_opens(server: tuple[str, Any], browser: Any,  # noqa: F811
                                               tmp_path: Path) -> None:
    from playwright.sync_api import expect

    url, _ = server
    clerk = _sign_in(browser, url, CLERK)
    doc = _upload(clerk, url, make_pdf(tmp_path / "northwind-0113.pdf", INVOICE_LINES))
    clerk.goto(f"{url}/documents")
    clerk.get_by_role("link", name="Search", exact=True).click()
    clerk.keyboard.press("/")  # the search box shortcut
    expect(clerk.get_by_label("Search the title, fields and text")).to_be_focused()
    clerk.keyboard.type("consulting contoso")
    clerk.keyboard.press("Enter")
    expect(clerk.locator("#text-results")).to_have_text("1 document")
    hit = clerk.locator("ol.text-hits li").first
    expect(hit.locator(".text-snippet mark", has_text="Consulting")).to_be_visible()
    expect(hit.locator("mark", has_text="Contoso").first).to_be_visible()
    _shot(clerk, "search-01-full-text-highlighted")
    # j focuses the first hit, ENTER opens it on the page that holds the words
    clerk.keyboard.press("j")
    clerk.keyboard.press("Enter")
    expect(clerk).to_have_url(f"{url}{doc}?page=1")
    expect(clerk.locator("h1")).to_have_text("northwind-0113.pdf")
