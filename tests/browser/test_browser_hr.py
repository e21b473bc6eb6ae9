"""HR in a real headless Chromium: an HR user uploads a resume, an offer letter and a
W-4 of the same person (through the upload page's file input) and finds one employee with
three documents; an AP clerk gets 404 on every HR page and API route.

Screenshots go to reports/browser/ for a human look.
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

from tests.conftest import make_pdf
from tests.workflow.test_employees import OFFER, RESUME, W4

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "browser-pass-1"
SHOTS = Path(__file__).resolve().parents[2] / "reports" / "browser"
HR_USER, CLERK = "hana", "clara"

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
def server(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
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
        create_user(s, HR_USER, PASSWORD, ["hr"], actor="test")
        create_user(s, CLERK, PASSWORD, ["ap"], actor="test")
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
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
