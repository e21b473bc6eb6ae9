"""The reviewer's path in a real headless Chromium, keyboard first: sign in, upload with
the file input, watch it finish, open it, correct a field, check the review queue.

Screenshots go to /tmp/backoffice-browser-*.png for a human look.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.support import BROWSER_MARKS, PASSWORD, running_service
from tests.conftest import INVOICE_LINES, make_pdf

pytestmark = BROWSER_MARKS


@pytest.fixture()
def server(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with running_service(data_dir, monkeypatch, {}) as (url, _app):
        yield url


@pytest.fixture()
def page(server: str, browser: Any) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def test_keyboard_login_upload_correct_and_queue(server: str, page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page.goto(f"{server}/documents")
    expect(page).to_have_url(f"{server}/login?next=/documents")
    # Keyboard only: the user name field has focus, Tab to the password, Enter submits.
    expect(page.locator("#username")).to_be_focused()
    page.keyboard.type("admin")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{server}/documents")
    # The skip link is the first thing a keyboard user reaches.
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()

    pdf = make_pdf(tmp_path / "northwind-invoice.pdf", INVOICE_LINES)
    page.goto(f"{server}/upload")
    page.set_input_files("#files", str(pdf))
    page.locator("#upload-button").focus()
    page.keyboard.press("Enter")
    row = page.locator("#upload-status li", has_text="northwind-invoice.pdf")
    expect(row).to_be_visible()
    expect(row.get_by_role("link", name="Open")).to_be_visible(timeout=120_000)
    expect(row.locator(".status")).not_to_have_text("processing", timeout=120_000)
    page.screenshot(path="/tmp/backoffice-browser-upload.png", full_page=True)

    row.get_by_role("link", name="Open").click()
    expect(page.locator("h1")).to_have_text("northwind-invoice.pdf")
    expect(page.locator(".page-view img")).to_be_visible()
    img = page.locator(".page-view img")
    for _ in range(100):  # the page image is rendered on first request
        if img.evaluate("el => el.complete && el.naturalWidth") > 0:
            break
        time.sleep(0.1)
    assert img.evaluate("el => el.naturalWidth") > 0
    page.screenshot(path="/tmp/backoffice-browser-document.png", full_page=True)

    page.keyboard.press("e")  # shortcut: the first field that needs review
    focused = page.evaluate("() => document.activeElement.id")
    field = focused.removeprefix("v-")
    if field not in ("customer_name", "vendor_name", "payment_terms", "vendor_address"):
        field = "vendor_name"
        page.locator("#v-vendor_name").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Contoso Trading Ltd")
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_contain_text(f"Saved {field}")
    expect(page.locator(f'tr[data-field="{field}"]')).to_contain_text("corrected by admin")

    page.goto(f"{server}/queues/review")
    expect(page.locator("h1")).to_contain_text("Review queue")
    expect(page.locator("main")).not_to_contain_text(f"low_confidence:{field}")
    items = page.locator("[data-nav-item]")
    if items.count():
        page.keyboard.press("j")  # first item gets focus
        expect(items.first).to_be_focused()
    page.screenshot(path="/tmp/backoffice-browser-queue.png", full_page=True)
