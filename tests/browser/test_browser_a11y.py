"""Accessibility of the review and search pages, checked by axe-core (npm, `npm ci` puts it
in node_modules/) injected into the same headless Chromium the other browser tests drive:
no serious or critical violations on the document page (fields, line-item grid, decision),
the review queue, full-text search with hits, and the clause search form.

Screenshots go to reports/browser/a11y-*.png for a human look.
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

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
CLERK, LEGAL = "clara", "lena"

pytestmark = [*BROWSER_MARKS,
              pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed: npm ci")]


@pytest.fixture()
def server(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Any]]:
    with running_service(data_dir, monkeypatch, {CLERK: ["ap"], LEGAL: ["legal"]}) as running:
        yield running


def _violations(page: Any) -> list[str]:
    """axe's serious and critical violations on the page, one line each."""
    # evaluated through the DevTools protocol: the pages' CSP (script-src 'self') stays on
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['impact']} {v['id']}: {v['help']} at "
            f"{', '.join(' '.join(n['target']) for n in v['nodes'][:3])}"
            for v in result["violations"] if v["impact"] in BLOCKING]


def test_review_and_search_pages_have_no_serious_violations(server: tuple[str, Any],
                                                            browser: Any, tmp_path: Path) -> None:
    url, _ = server
    clerk = _sign_in(browser, url, CLERK)
    # two pages, so the page thumbnails are checked too
    doc = _upload(clerk, url, make_pdf(tmp_path / "northwind-0113.pdf", INVOICE_LINES, pages=2))
    found: dict[str, list[str]] = {}
    for name, path in (("document", doc), ("review-queue", "/queues/review"),
                       ("full-text-search", "/search/text?q=consulting")):
        clerk.goto(f"{url}{path}")
        clerk.wait_for_load_state("load")
        found[name] = _violations(clerk)
        _shot(clerk, f"a11y-{name}")
    legal = _sign_in(browser, url, LEGAL)
    legal.goto(f"{url}/search")
    found["clause-search"] = _violations(legal)
    _shot(legal, "a11y-clause-search")
    assert not any(found.values()), found
