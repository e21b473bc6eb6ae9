"""The headless Chromium every browser test drives (Debian's `chromium`, via Playwright)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.support import ARGS, CHROMIUM

# how long an `expect(...)` waits for the page (Playwright's default is 5 s): signing in
# hashes the password with argon2, and on a loaded two-core CI machine the redirect after
# it once took longer than that. A wait, not a speed check: it passes as soon as it holds.
EXPECT_TIMEOUT_MS = 30_000


@pytest.fixture()
def browser() -> Iterator[Any]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
