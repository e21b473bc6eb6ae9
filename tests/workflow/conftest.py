"""Fixtures for the workflow tests: an app on a fresh data dir and a client for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.api.test_web_support import make_app, make_client


@pytest.fixture()
def app(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FastAPI]:
    yield from make_app(data_dir, monkeypatch)


@pytest.fixture()
def client(app: FastAPI) -> Iterator[TestClient]:
    yield from make_client(app)
