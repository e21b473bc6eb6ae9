"""What every browser test shares: the marks and skips, the service on a free port with
its users, signing in, uploading through the page and screenshots (reports/browser/)."""

from __future__ import annotations

import importlib.util
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "browser-pass-1"
SHOTS = Path(__file__).resolve().parents[2] / "reports" / "browser"

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists() and not shutil.which("chromium"),
                       reason="/usr/bin/chromium is not installed"),
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None,
                       reason="the playwright python package is not installed"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_service(data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                    users: dict[str, list[str]]) -> Iterator[tuple[str, Any]]:
    """The web service under uvicorn on 127.0.0.1 with `users` (name -> roles)."""
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
        for name, roles in users.items():
            create_user(s, name, PASSWORD, roles, actor="test")
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        app.state.jobs.shutdown()


def sign_in(browser: Any, url: str, who: str) -> Any:
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{url}/login")
    page.fill("#username", who)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{url}/documents")
    return page


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def upload(page: Any, url: str, pdf: Path) -> str:
    """Upload through the page's file input; returns the document's path once processed."""
    from playwright.sync_api import expect

    page.goto(f"{url}/upload")
    page.set_input_files("#files", str(pdf))
    page.click("#upload-button")
    row = page.locator("#upload-status li", has_text=pdf.name)
    expect(row.get_by_role("link", name="Open")).to_be_visible(timeout=120_000)
    expect(row.locator(".status")).not_to_have_text("processing", timeout=120_000)
    return row.get_by_role("link", name="Open").get_attribute("href").split("?")[0]


def image_ready(page: Any) -> None:
    """Wait until the document page's image has loaded (boxes and zoom depend on its size)."""
    page.wait_for_function(
        "() => { const i = document.querySelector('.page-view img'); return i && i.complete && i.naturalWidth > 0; }")


def flash(page: Any) -> str:
    return page.locator(".flash").first.inner_text()
