"""Blind QA in a real headless Chromium: an auto-approved invoice is drawn for QA; the
compliance officer sees its page and empty boxes (never the machine's values), enters
her own reading with one amount different, and the document goes back to review with
the blocking `qa.error_found` finding; the dashboard shows the QA error rate; an approver
opening it from the review queue takes its lease with the page's POST, not the GET. The
finding's card outlines the disputed field on the page image.

Screenshots go to reports/browser/ for a human look.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from records.db import session_scope
from records.models import Document, ReviewTask, ViolationRow
from tests.browser.support import BROWSER_MARKS, running_service
from tests.browser.support import flash as _flash
from tests.browser.support import shot as _shot
from tests.browser.support import sign_in as _sign_in
from tests.browser.support import upload as _upload
from tests.conftest import INVOICE_LINES, make_pdf

CLERK, OFFICER, APPROVER = "clara", "olga", "abe"
# Every auto-approved document is drawn; payment terms (read at 0.75) do not hold it.
POLICIES = "field_thresholds = { payment_terms = 0.5 }\n\n[qa]\nrate = 1.0\n"
READING = {"vendor_name": "Northwind Traders GmbH", "invoice_number": "INV-2024-0113",
           "invoice_date": "2024-03-05", "due_date": "2024-04-04", "currency": "EUR",
           "tax_amount": "190.00", "total_amount": "1109.00",  # the one she reads wrong
           "iban": "DE89 3704 0044 0532 0130 00"}

pytestmark = BROWSER_MARKS


@pytest.fixture()
def desk(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Any]]:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "policies.toml").write_text(POLICIES, encoding="utf-8")
    with running_service(data_dir, monkeypatch, {CLERK: ["ap"], OFFICER: ["compliance"],
                                                 APPROVER: ["approver"]}) as running:
        yield running


def test_blind_qa_finds_an_error_and_the_lease_is_taken_by_post(
        desk: tuple[str, Any], browser: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    url, app = desk
    clerk = _sign_in(browser, url, CLERK)
    doc_path = _upload(clerk, url, make_pdf(tmp_path / "northwind-0113.pdf", INVOICE_LINES))
    doc_id = doc_path.rsplit("/", 1)[1]
    with session_scope(app.state.sessions) as s:
        assert s.get(Document, doc_id).status == "auto_approved"

    officer = _sign_in(browser, url, OFFICER)
    officer.goto(f"{url}/qa")
    _shot(officer, "qa-01-queue")
    officer.get_by_role("link", name="northwind-0113.pdf").click()
    form = officer.locator("#qa-form")
    expect(form).to_be_visible()
    expect(officer.locator("img.qa-page")).to_be_visible()
    for value in ("1,190.00", "1190.00", "Northwind", "DE89"):
        assert value not in form.inner_html()  # blind: no value of the first reading
    for name, value in READING.items():
        assert officer.locator(f"#qa-{name}").input_value() == ""
        officer.fill(f"#qa-{name}", value)
    _shot(officer, "qa-02-blind-form")
    officer.get_by_role("button", name="Save my reading").click()
    assert "fields differ" in _flash(officer)
    row = officer.locator("#qa-comparison tr.differs")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("1190.00")
    expect(row).to_contain_text("1109.00")
    _shot(officer, "qa-03-comparison")
    officer.get_by_role("link", name="qa.error_found").click()
    expect(officer.locator("#evidence-page rect.box-evidence")).to_have_count(1)
    expect(officer.locator("#evidence-page img")).to_be_visible()
    _shot(officer, "qa-03b-finding-card-evidence")
    with session_scope(app.state.sessions) as s:
        assert s.get(Document, doc_id).status == "needs_review"
        assert s.scalar(select(ViolationRow.status).where(
            ViolationRow.document_id == doc_id, ViolationRow.rule == "qa.error_found")) == "open"

    officer.goto(f"{url}/dashboard")
    expect(officer.locator("#kpi-qa-error")).to_contain_text("100.0 % of 1 reviewed")
    expect(officer.locator("#qa")).to_contain_text("total amount")
    _shot(officer, "qa-04-dashboard")

    approver = _sign_in(browser, url, APPROVER)
    approver.goto(f"{url}/queues/review")
    approver.get_by_role("link", name="northwind-0113.pdf").click()
    expect(approver.locator("#lease-status")).to_contain_text("You hold this item until")
    expect(approver.locator("#take-lease")).to_have_count(0)
    _shot(approver, "qa-05-lease-taken")
    with session_scope(app.state.sessions) as s:
        task = s.scalar(select(ReviewTask).where(ReviewTask.document_id == doc_id,
                                                 ReviewTask.queue == "review",
                                                 ReviewTask.status == "open"))
        assert task.leased_by == APPROVER
