"""The line-item grid in a real headless Chromium: an invoice whose second line was printed
(or read) as 10.00 instead of 100.00 opens with `ap.line_items_sum` and the mismatch
marked; the clerk fixes the amount, adds and deletes a line, moves a line up, all from the
keyboard, saves with ENTER, and the finding goes away.

Screenshots go to reports/browser/line-items-*.png for a human look.
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

HEAD = INVOICE_LINES[:INVOICE_LINES.index("Consulting services     10       100.00   1,000.00")]
MISPRINTED = [
    *HEAD,
    "Consulting services     10       100.00   1,000.00",
    "Support hours            2        50.00      10.00",
    "Subtotal: 1,100.00 EUR",
    "VAT 19%: 209.00 EUR",
    "Total: 1,309.00 EUR",
    "IBAN: DE89 3704 0044 0532 0130 00",
    "Payment terms: Net 30",
]


def test_grid_edit_fixes_the_line_sum(server: tuple[str, Any], browser: Any,  # noqa: F811
                                      tmp_path: Path) -> None:
    from playwright.sync_api import expect

    url, _ = server
    clerk = _sign_in(browser, url, CLERK)
    doc = _upload(clerk, url, make_pdf(tmp_path / "northwind-0114.pdf", MISPRINTED))
    clerk.goto(f"{url}{doc}")
    finding = clerk.locator("#violations li", has_text="ap.line_items_sum")
    expect(finding).to_have_count(1)
    grid = clerk.locator("#line-items table.grid")
    lines = grid.locator("tbody tr.line")
    expect(lines).to_have_count(3)  # two read lines and the spare one
    expect(clerk.locator("#li-verdict")).to_have_text("Does not add up")
    expect(lines.nth(1)).to_have_class("line mismatch")  # 2 x 50.00 is not 10.00
    expect(clerk.locator("#li-sum")).to_have_text("1010.00")
    _shot(clerk, "line-items-01-sum-mismatch")

    # Fix the misread amount: the sums follow as it is typed.
    amount = clerk.get_by_label("Amount, line 2")
    amount.focus()
    clerk.keyboard.press("Control+A")
    clerk.keyboard.type("100.00")
    expect(clerk.locator("#li-sum")).to_have_text("1100.00")
    expect(clerk.locator("#li-verdict")).to_have_text("Adds up")
    expect(lines.nth(1)).to_have_class("line")
    # lines at prices with tax included add up to the total: consistent as well
    clerk.keyboard.press("Control+A")
    clerk.keyboard.type("309.00")
    expect(clerk.locator("#li-sum")).to_have_text("1309.00")
    expect(clerk.locator("#li-verdict")).to_have_text("Adds up")
    clerk.keyboard.press("Control+A")
    clerk.keyboard.type("100.00")
    expect(clerk.locator("#li-verdict")).to_have_text("Adds up")
    # Add a line after it and delete it again, by keyboard.
    clerk.keyboard.press("Alt+Insert")
    expect(clerk.get_by_label("Description, line 3")).to_be_focused()
    expect(lines).to_have_count(4)
    clerk.keyboard.type("Travel")
    clerk.keyboard.press("Tab")
    clerk.keyboard.press("Tab")
    clerk.keyboard.press("Tab")
    clerk.keyboard.type("80.00")
    expect(clerk.locator("#li-verdict")).to_have_text("Does not add up")
    clerk.keyboard.press("Alt+Delete")
    expect(lines).to_have_count(3)
    expect(clerk.locator("#li-verdict")).to_have_text("Adds up")
    # Move "Support hours" to the top.
    clerk.get_by_label("Description, line 2").focus()
    clerk.keyboard.press("Alt+ArrowUp")
    expect(clerk.get_by_label("Description, line 1")).to_have_value("Support hours")
    expect(clerk.get_by_label("Description, line 1")).to_be_focused()
    _shot(clerk, "line-items-02-edited")

    clerk.keyboard.press("Enter")  # saves the grid
    expect(clerk.locator(".flash")).to_contain_text("Saved 2 line items.")
    expect(clerk.locator("#violations li", has_text="ap.line_items_sum")).to_have_count(0)
    expect(clerk.locator("#li-verdict")).to_have_text("Adds up")
    expect(clerk.get_by_label("Description, line 1")).to_have_value("Support hours")
    expect(clerk.get_by_label("Amount, line 1")).to_have_value("100.00")
    # focus not lost after the save: the grid no longer needs review, so on to Approve
    expect(clerk.locator("#approve-form button")).to_be_focused()
    _shot(clerk, "line-items-03-saved-finding-gone")
