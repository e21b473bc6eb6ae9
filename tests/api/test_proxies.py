"""Login throttling keys on the TCP peer: X-Forwarded-For counts only from a peer listed in
BACKOFFICE_TRUSTED_PROXIES, so a client cannot escape the per-address budget by inventing
addresses, while a real proxy in front still gets its clients counted one by one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.web import throttle
from tests.api.test_web_support import BASE_URL, csrf_of, make_app


def _guess(client: TestClient, i: int) -> int:
    token = csrf_of(client)
    r = client.post("/login", data={"username": f"guess{i}", "password": "wrong-password-x",
                                    "csrf_token": token, "next": "/documents"},
                    headers={"X-Forwarded-For": f"198.51.100.{i}"}, follow_redirects=False)
    return r.status_code


def _codes(app: FastAPI) -> list[int]:
    with TestClient(app, base_url=BASE_URL) as client:  # peer address: "testclient"
        return [_guess(client, i) for i in range(throttle.ADDRESS_BUDGET.free_failures + 3)]


@pytest.fixture()
def untrusting(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FastAPI]:
    monkeypatch.delenv("BACKOFFICE_TRUSTED_PROXIES", raising=False)
    yield from make_app(data_dir, monkeypatch)


@pytest.fixture()
def behind_proxy(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FastAPI]:
    monkeypatch.setenv("BACKOFFICE_TRUSTED_PROXIES", "10.0.0.0/8, testclient")
    yield from make_app(data_dir, monkeypatch)


def test_forwarded_for_ignored_by_default(untrusting: FastAPI) -> None:
    assert untrusting.state.settings.trusted_proxies == ()
    assert 429 in _codes(untrusting)  # the invented addresses were all one peer


def test_forwarded_for_believed_from_a_listed_proxy(behind_proxy: FastAPI) -> None:
    assert behind_proxy.state.settings.trusted_proxies == ("10.0.0.0/8", "testclient")
    assert set(_codes(behind_proxy)) == {401}  # one failure per client address
