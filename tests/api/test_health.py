"""`/healthz` reports database, disk space and workers, and answers 503 when one fails
(the issue saw "ok" on a full disk)."""

from __future__ import annotations

from collections import namedtuple
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from api.web import health

Usage = namedtuple("Usage", "total used free")


def test_healthy_service_reports_every_check(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    checks = body["checks"]
    assert checks["database"]["ok"] and checks["disk"]["ok"] and checks["workers"]["ok"]
    assert checks["disk"]["free_bytes"] >= health.MIN_FREE_BYTES
    assert checks["workers"]["mode"] == "local" and checks["workers"]["pending"] >= 0


def test_low_disk_is_503(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    free = health.MIN_FREE_BYTES - 1
    monkeypatch.setattr(health.shutil, "disk_usage", lambda _p: Usage(10**12, 10**12, free))
    r = client.get("/healthz")
    assert r.status_code == 503 and r.json()["status"] == "unhealthy"
    assert r.json()["checks"]["disk"] == {"ok": False, "detail": "low disk space in the data dir",
                                          "free_bytes": free,
                                          "min_free_bytes": health.MIN_FREE_BYTES}


def test_database_down_is_503(app: FastAPI, client: TestClient, tmp_path: Path) -> None:
    app.state.sessions = sessionmaker(create_engine(f"sqlite:///{tmp_path}/no/such/dir/x.db"))
    r = client.get("/healthz")
    assert r.status_code == 503 and r.json()["checks"]["database"]["ok"] is False


def test_stopped_workers_are_503(app: FastAPI, client: TestClient) -> None:
    app.state.jobs.shutdown()
    r = client.get("/healthz")
    assert r.status_code == 503
    assert r.json()["checks"]["workers"] == {"ok": False, "detail": "the worker pool is shut down",
                                             "mode": "local", "pending": 0}
