"""The document review page in a real headless Chromium: the page viewer's zoom and pan,
click-to-capture of the invoice number from the page's words, and a TAB/ENTER review of
the two low-confidence fields by the clerk, ending on Approve, where four eyes refuse
her, and an approver who neither uploaded nor corrected it approves with one key.

Screenshots go to reports/browser/review-page-*.png for a human look.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.support import BROWSER_MARKS
from tests.browser.support import image_ready as _image_ready
from tests.browser.support import shot as _shot
from tests.browser.support import sign_in as _sign_in
from tests.browser.support import upload as _upload
from tests.browser.test_browser_ap_controls import (
    APPROVER,
    CLERK,
    server,  # noqa: F401 - fixture
)
from tests.conftest import INVOICE_LINES, make_pdf

pytestmark = BROWSER_MARKS


def test_zoom_pan_and_click_to_capture(server: tuple[str, Any], browser: Any,  # noqa: F811
                                       tmp_path: Path) -> None:
    from playwright.sync_api import expect

    url, _ = server
    clerk = _sign_in(browser, url, CLERK)
    doc = _upload(clerk, url, make_pdf(tmp_path / "northwind-0113.pdf", INVOICE_LINES))
    clerk.goto(f"{url}{doc}")
    _image_ready(clerk)
    view = clerk.locator(".page-view")
    scroll = clerk.locator("#page-scroll")

    clerk.get_by_role("button", name="Fit width").click()
    fit = view.bounding_box()["width"]
    assert abs(fit - scroll.evaluate("el => el.clientWidth")) <= 4
    clerk.get_by_role("button", name="Zoom in").click()
    clerk.get_by_role("button", name="Zoom in").click()
    zoomed = view.bounding_box()["width"]
    assert zoomed == pytest.approx(fit * 1.25 * 1.25, rel=0.02)
    expect(clerk.locator("#zoom-level")).not_to_have_text("100 %")
    # pan: drag on the page with no field focused scrolls the zoomed page
    clerk.locator("h1").click()
    box = scroll.bounding_box()
    clerk.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    clerk.mouse.down()
    clerk.mouse.move(box["x"] + box["width"] / 2 - 150, box["y"] + box["height"] / 2 - 100, steps=5)
    clerk.mouse.up()
    assert scroll.evaluate("el => el.scrollLeft") > 50
    _shot(clerk, "review-page-01-zoomed-and-panned")
    clerk.get_by_role("button", name="Fit page").click()
    page_box = view.bounding_box()
    assert page_box["height"] <= scroll.evaluate("el => el.clientHeight") + 4
    clerk.get_by_role("button", name="Zoom out").click()
    assert view.bounding_box()["width"] == pytest.approx(page_box["width"] / 1.25, rel=0.02)
    clerk.get_by_role("button", name="Fit width").click()

    # Hovering a field row highlights its box, and hovering the box highlights the row.
    row = clerk.locator('table.fields tr[data-field="invoice_number"]')
    rect = clerk.locator('rect.box[data-field="invoice_number"]')
    row.hover()
    expect(rect).to_have_class("box active")
    clerk.locator("h1").hover()
    rect.hover()
    expect(row).to_have_class("active")

    # Spoil the invoice number, then capture it from the page with one click.
    field = clerk.locator("#v-invoice_number")
    field.fill("WRONG-1")
    field.press("Enter")
    expect(clerk.locator(".flash")).to_contain_text("Saved invoice_number")
    expect(clerk.locator("#v-invoice_number")).to_be_focused()  # focus kept after the save
    expect(clerk.locator("#v-invoice_number")).to_have_value("WRONG-1")
    _image_ready(clerk)
    words = clerk.request.get(f"{url}{doc}/pages/1/words").json()
    target = next(w for w in words["words"] if w["text"] == "INV-2024-0113")
    img = clerk.locator(".page-view img").bounding_box()
    k = img["width"] / words["width"]
    clerk.locator("#v-invoice_number").focus()
    clerk.mouse.click(img["x"] + (target["bbox"][0] + target["bbox"][2]) / 2 * k,
                      img["y"] + (target["bbox"][1] + target["bbox"][3]) / 2 * k)
    expect(clerk.locator(".flash")).to_contain_text("Saved invoice_number")
    expect(clerk.locator("#v-invoice_number")).to_have_value("INV-2024-0113")
    expect(clerk.locator("#v-invoice_number")).to_be_focused()
    _shot(clerk, "review-page-02-invoice-number-captured")



def _exactly_two_unsure(app: Any, doc_path: str) -> None:
    """Two unsure fields whatever the extractors' accuracy this week: the test is about the
    page's keyboard walk, not about which fields the models doubt."""
    from sqlalchemy import select

    from records.db import session_scope
    from records.models import FieldRow
    from workflow.judge import reevaluate

    doc_id = doc_path.rstrip("/").rsplit("/", 1)[-1]
    with session_scope(app.state.sessions) as s:
        for row in s.scalars(select(FieldRow).where(FieldRow.document_id == doc_id)):
            row.confidence = 0.4 if row.name in ("invoice_date", "total_amount") else 0.99
        s.flush()
        reevaluate(s, doc_id, "test", app.state.policy_config)


def test_tab_enter_review_ends_in_approve(server: tuple[str, Any], browser: Any,  # noqa: F811
                                          tmp_path: Path) -> None:
    from playwright.sync_api import expect

    url, app = server
    clerk = _sign_in(browser, url, CLERK)
    doc = _upload(clerk, url, make_pdf(tmp_path / "northwind-0113.pdf", INVOICE_LINES))
    _exactly_two_unsure(app, doc)
    # The clerk who uploaded it walks the fields that need attention by keyboard only.
    clerk.goto(f"{url}{doc}")
    attention = clerk.locator("table.fields input[data-attention]")
    names = [a.get_attribute("id") for a in attention.all()]
    assert len(names) == 2, names
    _shot(clerk, "review-page-03-two-fields-need-attention")
    clerk.keyboard.press("e")
    expect(clerk.locator(f"#{names[0]}")).to_be_focused()
    clerk.keyboard.press("Tab")  # TAB skips the fields that need no attention
    expect(clerk.locator(f"#{names[1]}")).to_be_focused()
    clerk.keyboard.press("Shift+Tab")
    expect(clerk.locator(f"#{names[0]}")).to_be_focused()
    clerk.keyboard.press("Enter")  # confirm the machine's value, focus on the next one
    expect(clerk.locator(".flash")).to_contain_text("Confirmed")
    expect(clerk.locator(f"#{names[1]}")).to_be_focused()
    clerk.keyboard.press("Enter")
    expect(clerk.locator(".flash")).to_contain_text("Confirmed")
    expect(clerk.locator("#approve-form button")).to_be_focused()
    expect(clerk.locator("table.fields input[data-attention]")).to_have_count(0)
    _shot(clerk, "review-page-04-fields-confirmed")
    # Four eyes: her ENTER on Approve is refused, she uploaded and confirmed it ...
    clerk.keyboard.press("Enter")
    expect(clerk.locator(".flash")).to_contain_text("Not done: four eyes")
    # ... and an approver who did neither approves it with one key.
    approver = _sign_in(browser, url, APPROVER)
    approver.goto(f"{url}{doc}")
    approver.keyboard.press("a")
    expect(approver.locator(".flash")).to_contain_text("Document approved.")
    _shot(approver, "review-page-05-approved-by-keyboard")


def test_words_endpoint_keeps_hr_pages_hidden(server: tuple[str, Any], browser: Any) -> None:  # noqa: F811
    url, _ = server
    clerk = _sign_in(browser, url, CLERK)
    r = clerk.request.get(f"{url}/documents/nope/pages/1/words")
    assert r.status == 404
