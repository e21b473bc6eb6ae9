"""Search in a real headless Chromium: the full-text box over every document the user may
see, with the words highlighted in the title, fields and text snippets, and opening a hit;
legal's clause search with filters drawn from the data, hits grouped by contract, and a
hit opening on its page with the matched passage's words highlighted.

Screenshots go to reports/browser/search-*.png for a human look.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.support import BROWSER_MARKS, running_service
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
    box = clerk.get_by_label("Search the title, fields and text")
    expect(box).to_be_visible()  # the search page, not the list the click left
    clerk.wait_for_load_state("load")  # its keyboard shortcuts are set up
    expect(box).not_to_be_focused()
    clerk.keyboard.press("/")  # the search box shortcut
    expect(box).to_be_focused()
    clerk.keyboard.type("consulting contoso")
    clerk.keyboard.press("Enter")
    expect(clerk.locator("#text-results")).to_have_text("1 document")
    hit = clerk.locator("ol.text-hits li").first
    expect(hit.locator(".text-snippet mark", has_text="Consulting")).to_be_visible()
    expect(hit.locator("mark", has_text="Contoso").first).to_be_visible()
    _shot(clerk, "search-01-full-text-highlighted")
    # save it, and run it again later from the list
    clerk.get_by_label("Save this search as").fill("Contoso consulting")
    clerk.keyboard.press("Enter")
    expect(clerk.locator(".flash")).to_contain_text("Saved the search as")
    clerk.goto(f"{url}/search/text")
    clerk.get_by_role("link", name="Contoso consulting").click()
    expect(clerk.locator("#text-results")).to_have_text("1 document")
    # j focuses the first hit, ENTER opens it on the page that holds the words
    clerk.keyboard.press("j")
    clerk.keyboard.press("Enter")
    expect(clerk).to_have_url(f"{url}{doc}?page=1")
    expect(clerk.locator("h1")).to_have_text("northwind-0113.pdf")


LEGAL = "lena"
CONTRACT_PAGES = [
    ["MASTER SERVICES AGREEMENT",
     "This Master Services Agreement is made between Acme Widgets Corp",
     "and Beta Logistics LLC, effective March 1, 2021.",
     "1. Services. Provider shall perform the services described in each",
     "statement of work agreed in writing by the parties.",
     "2. Fees. Customer shall pay all undisputed invoices within thirty days.",
     "3. Confidentiality. Each party shall keep the other party's confidential",
     "information secret and use it only to perform this Agreement."],
    ["9. Governing Law. This Agreement is governed by the laws of the State",
     "of Delaware, without regard to its conflict of laws principles.",
     "10. Termination for Convenience. Either party may terminate this",
     "Agreement for convenience at any time upon sixty days prior written",
     "notice to the other party.",
     "11. Notices. Notices shall be in writing and sent to the addresses above.",
     "IN WITNESS WHEREOF the parties have signed this Agreement."],
]


def _contract_pdf(path: Path) -> Path:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=letter)
    for lines in CONTRACT_PAGES:
        y = 740
        for line in lines:
            c.drawString(72, y, line)
            y -= 18
        c.showPage()
    c.save()
    return path


def _indexed(page: Any, url: str, doc: str) -> None:
    """Indexing runs after the document's status is final: wait until search sees it."""
    doc_id = doc.rsplit("/", 1)[-1]
    for _ in range(240):
        r = page.request.get(f"{url}/api/search", params={"q": "convenience", "mode": "keyword"})
        if r.ok and any(h["document_id"] == doc_id for h in r.json()["hits"]):
            return
        time.sleep(0.5)
    raise AssertionError("the contract never reached the search index")


@pytest.fixture()
def search_server(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Any]]:
    monkeypatch.setenv("BACKOFFICE_SEARCH", "1")
    with running_service(data_dir, monkeypatch, {LEGAL: ["legal"]}) as running:
        yield running


def test_clause_hit_opens_with_the_passage_highlighted(search_server: tuple[str, Any],
                                                       browser: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    url, _ = search_server
    legal = _sign_in(browser, url, LEGAL)
    doc = _upload(legal, url, _contract_pdf(tmp_path / "acme-msa.pdf"))
    legal.goto(f"{url}{doc}")
    expect(legal.locator(".meta")).to_contain_text("contract")
    _indexed(legal, url, doc)
    legal.goto(f"{url}/search")
    # the filters are choices drawn from the data, dates are date inputs
    expect(legal.locator("#s-clause option", has_text="Termination for convenience")).to_have_count(1)
    expect(legal.locator("#s-from")).to_have_attribute("type", "date")
    legal.get_by_label("Search contract clauses").fill("terminate for convenience")
    legal.keyboard.press("Enter")
    group = legal.locator("section.group", has_text="acme-msa.pdf")
    expect(group).to_have_count(1, timeout=60_000)  # the first query loads the tagger
    hit = group.locator("a.hit-link", has_text="Page 2").first
    expect(hit).to_be_visible()
    expect(group.locator(".passage mark").first).to_be_visible()
    _shot(legal, "search-02-clause-hits-grouped")
    hit.click()
    expect(legal).to_have_url(re.compile(rf"{re.escape(url + doc)}\?page=2&passage=\d+-\d+"))
    rects = legal.locator("rect.passage")
    expect(rects.first).to_be_attached()
    # the highlighted boxes cover the words of the clause on the page image
    words = legal.request.get(f"{url}{doc}/pages/2/words").json()["words"]
    target = next(w for w in words if w["text"] == "Convenience.")
    boxes = [[float(r.get_attribute(a)) for a in ("x", "y", "width", "height")]
             for r in rects.all()]
    cx, cy = (target["bbox"][0] + target["bbox"][2]) / 2, (target["bbox"][1] + target["bbox"][3]) / 2
    assert any(x <= cx <= x + w and y <= cy <= y + h for x, y, w, h in boxes), boxes
    expect(legal.locator("#passage-note")).to_be_visible()
    _shot(legal, "search-03-clause-passage-on-page")
