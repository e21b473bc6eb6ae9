"""The review page's field validation in place and its page thumbnails and rotation, in a
real headless Chromium: typed values show what the server would store (a date, an amount
with the document's currency, an IBAN's checksum verdict) or why it would be refused;
a two-page invoice shows a thumbnail per page that opens its page with Enter; rotating
the view turns the page and its field boxes together, and click-to-capture still finds
the invoice number on the turned page.

Screenshots go to reports/browser/review-checks-*.png for a human look.
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
    CLERK,
    server,  # noqa: F401 - fixture
)
from tests.conftest import INVOICE_LINES, make_pdf

pytestmark = BROWSER_MARKS


def test_field_checks_thumbnails_and_rotation(server: tuple[str, Any], browser: Any,  # noqa: F811
                                              tmp_path: Path) -> None:
    from playwright.sync_api import expect

    url, _ = server
    clerk = _sign_in(browser, url, CLERK)
    doc = _upload(clerk, url, make_pdf(tmp_path / "northwind-0113.pdf", INVOICE_LINES, pages=2))
    clerk.goto(f"{url}{doc}")
    _image_ready(clerk)

    # 1. validation in place, as typed (the server's save-path grammar answers)
    clerk.locator("#v-invoice_date").fill("5 March 2024")
    expect(clerk.locator("#chk-invoice_date")).to_have_text("2024-03-05")
    clerk.locator("#v-total_amount").fill("1.234,5")
    expect(clerk.locator("#chk-total_amount")).to_have_text("1,234.50 EUR")
    iban = clerk.locator("#v-iban")
    iban.fill("de89370400440532013000")
    expect(clerk.locator("#chk-iban")).to_have_text("DE89 3704 0044 0532 0130 00 valid")
    expect(iban).to_have_attribute("aria-invalid", "false")
    iban.fill("DE89 3704 0044 0532 0130 01")
    expect(clerk.locator("#chk-iban")).to_contain_text("is not a valid IBAN")
    expect(clerk.locator("#chk-iban")).to_have_class("field-check check-bad")
    expect(iban).to_have_attribute("aria-invalid", "true")
    _shot(clerk, "review-checks-01-validation")

    # 2a. thumbnails: one per page, the current one marked; Enter on page 2 opens it
    thumbs = clerk.get_by_role("navigation", name="Page thumbnails").get_by_role("link")
    expect(thumbs).to_have_count(2)
    expect(thumbs.nth(0)).to_have_attribute("aria-current", "page")
    thumbs.nth(1).focus()
    clerk.keyboard.press("Enter")
    expect(clerk.locator("#page-title")).to_have_text("Page 2 of 2")
    expect(thumbs.nth(1)).to_have_attribute("aria-current", "page")
    _shot(clerk, "review-checks-02-page-two")
    thumbs.nth(0).click()
    expect(clerk.locator("#page-title")).to_have_text("Page 1 of 2")
    _image_ready(clerk)

    # 2b. rotate right: the page and its boxes turn together (width and height swap)
    view, rect = clerk.locator(".page-view img"), clerk.locator('rect.box[data-field="invoice_number"]')
    clerk.get_by_role("button", name="Fit width").click()
    before, box_before = view.bounding_box(), rect.bounding_box()
    clerk.get_by_role("button", name="Rotate right").click()
    expect(clerk.locator("#rotation")).to_have_text("90°")
    after, box_after = view.bounding_box(), rect.bounding_box()
    # still fitted to the width, so the turned page is scaled down by width/height
    assert after["width"] == pytest.approx(before["width"], rel=0.02)
    k = after["width"] / before["height"]
    assert after["height"] == pytest.approx(before["width"] * k, rel=0.02)
    assert box_after["width"] == pytest.approx(box_before["height"] * k, rel=0.05)
    assert box_after["height"] == pytest.approx(box_before["width"] * k, rel=0.05)
    # the box sits where the turned page prints the number: page (x, y) -> (1 - y, x)
    words = clerk.request.get(f"{url}{doc}/pages/1/words").json()
    target = next(w for w in words["words"] if w["text"] == "INV-2024-0113")
    cx = (target["bbox"][0] + target["bbox"][2]) / 2 / words["width"]
    cy = (target["bbox"][1] + target["bbox"][3]) / 2 / words["height"]
    at = (after["x"] + (1 - cy) * after["width"], after["y"] + cx * after["height"])
    assert box_after["x"] <= at[0] <= box_after["x"] + box_after["width"]
    assert box_after["y"] <= at[1] <= box_after["y"] + box_after["height"]
    _shot(clerk, "review-checks-03-rotated")
    # click-to-capture on the turned page still reads the word under the pointer
    field = clerk.locator("#v-invoice_number")
    field.fill("WRONG-1")
    field.focus()
    clerk.mouse.click(*at)  # the word is the machine's own value: a confirmation
    expect(clerk.locator(".flash")).to_contain_text("Confirmed invoice_number")
    expect(clerk.locator("#v-invoice_number")).to_have_value("INV-2024-0113")
    expect(clerk.locator("#rotation")).to_have_text("90°")  # the view keeps its turn
    clerk.get_by_role("button", name="Rotate left").click()
    expect(clerk.locator("#rotation")).to_have_text("0°")


def _unsure(app: Any, doc_path: str, names: tuple[str, ...]) -> None:
    """Exactly these fields unsure, whatever the extractors make of the page this week."""
    from sqlalchemy import select

    from records.db import session_scope
    from records.models import FieldRow
    from workflow.judge import reevaluate

    doc_id = doc_path.rstrip("/").rsplit("/", 1)[-1]
    with session_scope(app.state.sessions) as s:
        for row in s.scalars(select(FieldRow).where(FieldRow.document_id == doc_id)):
            row.confidence = 0.4 if row.name in names else 0.99
        s.flush()
        reevaluate(s, doc_id, "test", app.state.policy_config)


def test_tab_enter_walk_takes_in_the_line_item_grid(server: tuple[str, Any], browser: Any,  # noqa: F811
                                                    tmp_path: Path) -> None:
    from playwright.sync_api import expect

    url, app = server
    clerk = _sign_in(browser, url, CLERK)
    doc = _upload(clerk, url, make_pdf(tmp_path / "northwind-0113.pdf", INVOICE_LINES))
    _unsure(app, doc, ("invoice_date", "line_items"))
    clerk.goto(f"{url}{doc}")
    expect(clerk.locator("#line-items")).to_have_class("line-items needs-attention")
    first_cell = clerk.get_by_label("Description, line 1")
    clerk.keyboard.press("e")
    expect(clerk.locator("#v-invoice_date")).to_be_focused()
    clerk.keyboard.press("Tab")  # the grid is the next stop of the walk
    expect(first_cell).to_be_focused()
    clerk.keyboard.press("Shift+Tab")
    expect(clerk.locator("#v-invoice_date")).to_be_focused()
    clerk.keyboard.press("Enter")  # confirm the date, on to the grid
    expect(clerk.locator(".flash")).to_contain_text("Confirmed invoice_date")
    expect(first_cell).to_be_focused()
    clerk.keyboard.press("Tab")  # inside the grid TAB moves cell by cell
    expect(clerk.get_by_label("Quantity, line 1")).to_be_focused()
    _shot(clerk, "review-checks-04-walk-in-grid")
    clerk.keyboard.press("Enter")  # confirm the lines: saved, on to Approve
    expect(clerk.locator(".flash")).to_contain_text("Saved")
    expect(clerk.locator("#line-items")).to_have_class("line-items")
    expect(clerk.locator("#approve-form button")).to_be_focused()
