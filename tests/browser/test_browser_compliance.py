"""The compliance officer's desk in a real headless Chromium: an invoice uploaded again
with one character changed in its number raises the fuzzy-duplicate finding; the
officer finds it in the work queue, assigns it to herself, comments, resolves it as a
false positive with a reason, and the dashboard counts it; a purchase order imported by
CSV with a smaller quantity than the invoice raises the three-way-match finding.

Screenshots go to reports/browser/ for a human look.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from records.db import session_scope
from records.models import ViolationRow
from tests.browser.support import BROWSER_MARKS, running_service
from tests.browser.support import flash as _flash
from tests.browser.support import shot as _shot
from tests.browser.support import sign_in as _sign_in
from tests.browser.support import upload as _upload
from tests.conftest import INVOICE_LINES, make_pdf

CLERK, OFFICER = "clara", "olga"

pytestmark = BROWSER_MARKS


@pytest.fixture()
def desk(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Any]]:
    """The service on a free port with an AP clerk and a compliance officer."""
    with running_service(data_dir, monkeypatch,
                         {CLERK: ["ap"], OFFICER: ["compliance"]}) as running:
        yield running


def _rules(app: Any, doc_path: str) -> dict[str, str]:
    doc_id = doc_path.rsplit("/", 1)[1]
    with session_scope(app.state.sessions) as s:
        return {v.rule: v.status for v in s.scalars(
            select(ViolationRow).where(ViolationRow.document_id == doc_id))}


def test_officer_works_a_fuzzy_duplicate_and_a_three_way_mismatch(
        desk: tuple[str, Any], browser: Any, tmp_path: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect

    url, app = desk
    clerk = _sign_in(browser, url, CLERK)
    _upload(clerk, url, make_pdf(tmp_path / "northwind-0113.pdf", INVOICE_LINES))
    again = [line.replace("INV-2024-0113", "INV-2024-0118") for line in INVOICE_LINES]
    second = _upload(clerk, url, make_pdf(tmp_path / "northwind-0118.pdf", again))
    assert _rules(app, second).get("ap.fuzzy_duplicate") == "open", _rules(app, second)

    officer = _sign_in(browser, url, OFFICER)
    officer.goto(f"{url}/exceptions?rule=ap.fuzzy_duplicate")
    _shot(officer, "compliance-01-work-queue")
    officer.get_by_role("link", name="ap.fuzzy_duplicate").first.click()
    expect(officer.locator("table.side-by-side")).to_contain_text("INV-2024-0113")
    expect(officer.locator("table.side-by-side")).to_contain_text("INV-2024-0118")
    officer.locator("#assignee").select_option("me")
    officer.get_by_role("button", name="Assign").click()
    expect(officer.locator("#finding-assignee")).to_have_text(OFFICER)
    officer.fill("#comment-body", "Asked Northwind: 0118 is a separate order.")
    officer.get_by_role("button", name="Add comment").click()
    expect(officer.locator("ol.thread")).to_contain_text("0118 is a separate order")
    officer.locator("#resolution").select_option("false_positive")
    officer.fill("#resolve-reason", "Separate order confirmed by the vendor")
    officer.get_by_role("button", name="Resolve").click()
    assert "Finding ap.fuzzy_duplicate resolved." in _flash(officer)
    expect(officer.locator("#finding-status")).to_contain_text("false positive")
    _shot(officer, "compliance-02-finding-resolved")
    assert _rules(app, second)["ap.fuzzy_duplicate"] == "resolved"

    officer.goto(f"{url}/dashboard")
    expect(officer.locator("#exceptions-by-rule")).to_contain_text("ap.fuzzy_duplicate")
    expect(officer.locator("main")).to_contain_text("Resolved as false positive")
    _shot(officer, "compliance-03-dashboard")

    with_po = [line.replace("INV-2024-0113", "INV-2024-0200") for line in INVOICE_LINES]
    with_po.insert(5, "PO Number: PO-7001")
    ordered = _upload(clerk, url, make_pdf(tmp_path / "northwind-0200.pdf", with_po))
    csv_file = tmp_path / "po.csv"
    csv_file.write_text("po_number,vendor,line,description,quantity,unit_price\n"
                        "PO-7001,Northwind Traders GmbH,1,Consulting services,8,100.00\n",
                        encoding="utf-8")
    clerk.goto(f"{url}/purchase-orders")
    clerk.set_input_files("#po-file", str(csv_file))
    clerk.get_by_role("button", name="Import orders").click()
    assert "Imported 1 row(s) for PO-7001" in _flash(clerk)
    _shot(clerk, "compliance-04-po-imported")
    assert _rules(app, ordered).get("ap.po_over_invoiced") == "open", _rules(app, ordered)
    officer.goto(f"{url}/exceptions?rule=ap.po_over_invoiced")
    expect(officer.locator("tbody")).to_contain_text("Over-invoiced against PO PO-7001")
    _shot(officer, "compliance-05-three-way-finding")
