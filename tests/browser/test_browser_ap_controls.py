"""The AP controls in a real headless Chromium, as a clerk and an approver would try to
walk around them: the clerk uploads the same invoice twice, tries to resolve the
duplicate finding and to approve; the approver tries to approve the duplicate and to
move its ledger entry while it is in review. Every step is refused with a message that
says why, and the AP ledger books the invoice once.

Screenshots of each refusal go to reports/browser/ for a human look.
"""

from __future__ import annotations

import importlib.util
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import INVOICE_LINES, make_pdf

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "browser-pass-1"
SHOTS = Path(__file__).resolve().parents[2] / "reports" / "browser"
CLERK, APPROVER = "clara", "abe"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists() and not shutil.which("chromium"),
                       reason="/usr/bin/chromium is not installed"),
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None,
                       reason="the playwright python package is not installed"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def server(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Any]]:
    import uvicorn

    from api.app import create_app
    from records.db import session_scope
    from records.users import create_user
    from workflow.settings import Settings

    monkeypatch.setenv("BACKOFFICE_ADMIN_PASSWORD", PASSWORD)
    settings = Settings.from_env(data_dir)
    settings.workers = 1
    app = create_app(settings)
    with session_scope(app.state.sessions) as s:
        create_user(s, CLERK, PASSWORD, ["ap"], actor="test")
        create_user(s, APPROVER, PASSWORD, ["approver"], actor="test")
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", app
    srv.should_exit = True
    thread.join(timeout=10)
    app.state.jobs.shutdown()


@pytest.fixture()
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _sign_in(browser: Any, url: str, who: str) -> Any:
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{url}/login")
    page.fill("#username", who)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{url}/documents")
    return page


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _upload(page: Any, url: str, pdf: Path) -> str:
    """Upload through the page's file input; returns the document's path once processed."""
    from playwright.sync_api import expect

    page.goto(f"{url}/upload")
    page.set_input_files("#files", str(pdf))
    page.click("#upload-button")
    row = page.locator("#upload-status li", has_text=pdf.name)
    expect(row.get_by_role("link", name="Open")).to_be_visible(timeout=120_000)
    expect(row.locator(".status")).not_to_have_text("processing", timeout=120_000)
    return row.get_by_role("link", name="Open").get_attribute("href").split("?")[0]


def _flash(page: Any) -> str:
    return page.locator(".flash").first.inner_text()


def test_ap_controls_cannot_be_walked_around(server: tuple[str, Any], browser: Any,
                                             tmp_path: Path) -> None:
    from playwright.sync_api import expect

    url, app = server
    clerk = _sign_in(browser, url, CLERK)
    first = _upload(clerk, url, make_pdf(tmp_path / "northwind-0113.pdf", INVOICE_LINES))
    copy = _upload(clerk, url, make_pdf(tmp_path / "northwind-0113-copy.pdf",
                                        [*INVOICE_LINES, "COPY"]))
    assert first != copy
    _shot(clerk, "01-clerk-uploaded-twice")

    # The clerk tries to clear the duplicate finding herself.
    clerk.goto(f"{url}{copy}")
    finding = clerk.locator('form.settle[data-rule="ap.duplicate_invoice"]')
    expect(finding).to_contain_text("Blocking: an approver or compliance officer must resolve")
    finding.locator("select").select_option("false_positive")
    finding.locator('input[name="note"]').fill("it is just a copy")
    finding.get_by_role("button", name="Resolve").click()
    expect(clerk.locator(".flash")).to_contain_text(
        "Not done: ap.duplicate_invoice is a blocking finding: only an approver or a "
        "compliance officer may resolve it")
    _shot(clerk, "02-clerk-resolve-refused")

    # ... and to approve it anyway.
    clerk.locator("#approve-form button").click()
    expect(clerk.locator(".flash")).to_contain_text(
        "Not done: cannot be approved: 1 blocking finding(s) open (ap.duplicate_invoice)")
    _shot(clerk, "03-clerk-approve-refused")
    # Her own upload, without findings that block, is still hers: four eyes.
    clerk.goto(f"{url}{first}")
    clerk.locator("#approve-form button").click()
    expect(clerk.locator(".flash")).to_contain_text(
        "Not done: four eyes: you uploaded it, so someone else must approve this document")
    _shot(clerk, "04-clerk-four-eyes-refused")

    approver = _sign_in(browser, url, APPROVER)
    approver.goto(f"{url}{copy}")
    approver.locator("#approve-form button").click()
    expect(approver.locator(".flash")).to_contain_text(
        "Not done: cannot be approved: 1 blocking finding(s) open (ap.duplicate_invoice)")
    _shot(approver, "05-approver-approve-duplicate-refused")

    # A ledger action on the document in review: refused, on the page and in the API.
    copy_id = copy.rsplit("/", 1)[1]
    approver.goto(f"{url}/ledger")
    row = approver.locator("tr", has=approver.locator(f'a[href="/documents/{copy_id}"]'))
    row.get_by_role("button", name="Mark paid").click()
    expect(approver.locator(".flash")).to_contain_text(
        "Not changed: the document is needs review; only an approved invoice can be paid")
    _shot(approver, "06-approver-ledger-paid-refused")
    entries = approver.request.get(f"{url}/api/ledger").json()["entries"]
    entry_id = next(e["id"] for e in entries if e["document_id"] == copy_id)
    csrf = approver.locator('input[name="csrf_token"]').first.get_attribute("value")
    r = approver.request.post(f"{url}/api/ledger/{entry_id}/status",
                              data={"status": "approved"}, headers={"X-CSRF-Token": csrf})
    assert r.status == 409
    assert "the ledger follows the document's decision" in r.json()["detail"]

    # The approver approves the first invoice (someone else uploaded it) ...
    approver.goto(f"{url}{first}")
    approver.locator("#approve-form button").click()
    expect(approver.locator(".flash")).to_contain_text("Document approved.")
    # ... and even after settling the duplicate finding, the copy cannot be booked again.
    approver.goto(f"{url}{copy}")
    finding = approver.locator('form.settle[data-rule="ap.duplicate_invoice"]')
    finding.locator("select").select_option("accepted_risk")
    finding.locator('input[name="note"]').fill("trying to book it anyway")
    finding.get_by_role("button", name="Resolve").click()
    expect(approver.locator(".flash")).to_contain_text("Finding ap.duplicate_invoice resolved.")
    approver.locator("#approve-form button").click()
    expect(approver.locator(".flash")).to_contain_text(
        "is already approved in the AP ledger")
    _shot(approver, "07-approver-second-booking-refused")

    approver.goto(f"{url}/ledger?status=approved")
    expect(approver.locator("tbody tr")).to_have_count(1)
    _shot(approver, "08-ledger-books-the-invoice-once")
    booked = [e for e in approver.request.get(f"{url}/api/ledger").json()["entries"]
              if e["invoice_number"] == "INV-2024-0113" and e["status"] in ("approved", "paid")]
    assert [e["document_id"] for e in booked] == [first.rsplit("/", 1)[1]]
