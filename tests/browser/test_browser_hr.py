"""HR in a real headless Chromium: an HR user uploads a resume, an offer letter and a
W-4 of the same person (through the upload page's file input) and finds one employee with
three documents; an AP clerk gets 404 on every HR page and API route.

Screenshots go to reports/browser/ for a human look.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.support import BROWSER_MARKS, running_service
from tests.browser.support import shot as _shot
from tests.browser.support import sign_in as _sign_in
from tests.conftest import make_pdf
from tests.workflow.test_employees import OFFER, RESUME, W4

HR_USER, CLERK = "hana", "clara"

pytestmark = BROWSER_MARKS


@pytest.fixture()
def server(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with running_service(data_dir, monkeypatch,
                         {HR_USER: ["hr"], CLERK: ["ap"]}) as (url, _app):
        yield url


def test_hr_sees_one_employee_with_three_documents_and_ap_gets_404(
        server: str, browser: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    files = [make_pdf(tmp_path / name, lines) for name, lines in
             (("dana-resume.pdf", RESUME), ("dana-offer-letter.pdf", OFFER), ("dana-w4.pdf", W4))]
    hr = _sign_in(browser, server, HR_USER)
    hr.goto(f"{server}/upload")
    hr.set_input_files("#files", [str(f) for f in files])
    hr.click("#upload-button")
    for f in files:
        row = hr.locator("#upload-status li", has_text=f.name)
        expect(row.get_by_role("link", name="Open")).to_be_visible(timeout=120_000)
        expect(row.locator(".status")).not_to_have_text("processing", timeout=120_000)
    _shot(hr, "hr-upload")

    hr.get_by_role("link", name="Employees").click()
    expect(hr).to_have_url(f"{server}/employees")
    rows = hr.locator("tr[data-employee]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Dana Whitfield")
    expect(rows.first.locator(".documents-count")).to_have_text("3")
    _shot(hr, "hr-employees")
    rows.first.get_by_role("link", name="Dana Whitfield").click()
    expect(hr.locator("h1")).to_have_text("Dana Whitfield")
    docs = hr.locator("#employee-documents tbody tr")
    expect(docs).to_have_count(3)
    for f in files:
        expect(hr.locator("#employee-documents")).to_contain_text(f.name)
    expect(hr.locator("#employee-fields")).to_contain_text("Senior Data Analyst")
    expect(hr.locator("#employee-fields")).to_contain_text("7890")
    expect(hr.locator("main")).not_to_contain_text("521-44")
    employee_path = hr.url.removeprefix(server)
    _shot(hr, "hr-employee")

    clerk = _sign_in(browser, server, CLERK)
    expect(clerk.locator("nav")).not_to_contain_text("Employees")
    for path in ("/employees", "/employees.csv", employee_path, "/api/employees",
                 f"/api{employee_path}"):
        resp = clerk.request.get(f"{server}{path}")
        assert resp.status == 404, path
        assert "Dana" not in resp.text()
    clerk.goto(f"{server}/employees")
    _shot(clerk, "ap-employees-404")
