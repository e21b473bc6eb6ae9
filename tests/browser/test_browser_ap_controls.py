"""The AP controls in a real headless Chromium, as a clerk and an approver would try to
walk around them: the clerk uploads the same invoice twice, tries to resolve the
duplicate finding and to approve; the approver tries to approve the duplicate and to
move its ledger entry while it is in review. Every step is refused with a message that
says why, and the AP ledger books the invoice once.

Screenshots of each refusal go to reports/browser/ for a human look.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.support import BROWSER_MARKS, running_service
from tests.browser.support import shot as _shot
from tests.browser.support import sign_in as _sign_in
from tests.browser.support import upload as _upload
from tests.conftest import INVOICE_LINES, make_pdf

CLERK, APPROVER = "clara", "abe"

pytestmark = BROWSER_MARKS


@pytest.fixture()
def server(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Any]]:
    with running_service(data_dir, monkeypatch,
                         {CLERK: ["ap"], APPROVER: ["approver"]}) as running:
        yield running


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
