"""Load: 200 uploads from 20 concurrent clients against the running service (`backoffice
serve` on 127.0.0.1, as scripts/run.sh starts it), with small admission limits so that both
refusals happen: every upload is accepted or answered 429/503 with Retry-After (the client
then retries), never 500 or a reset; every accepted document is processed exactly once and
none stays `processing`; no original is left that no document refers to. Then the same file
20 times at once with wait=true: one document, no 500.

Prints p50/p95 upload latency and throughput (run with -s to see them).
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select, text

from records.models import AuditLog, Document
from tests.api.test_web_support import ADMIN_PASSWORD

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CLIENTS, UPLOADS = 20, 200
LIMITS = {"BACKOFFICE_UPLOADS_MAX": "8", "BACKOFFICE_QUEUE_MAX": "6", "BACKOFFICE_WORKERS": "2"}
MAX_TRIES = 200  # per upload, each after the Retry-After it was given
DEADLINE_S = 600


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _invoice(i: int) -> bytes:
    return (f"INVOICE\nAcme Supplies Ltd\n12 Market Street, Springfield\n"
            f"Invoice number: LOAD-{i:05d}\nInvoice date: 2026-03-{1 + i % 28:02d}\n"
            f"Bill to: Example Corp\n\nDescription Qty Amount\nPaper {i % 7 + 1} {10 + i}.00\n"
            f"Toner 1 {20 + i % 13}.50\n\nTotal due {30 + i}.50 USD\n").encode()


@dataclass
class Service:
    url: str
    data_dir: Path
    token: str
    log: Path

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@contextmanager
def running_service(tmp: Path, **env_extra: str) -> Iterator[Service]:
    """`backoffice serve` on a free port of 127.0.0.1 with its own data dir under `tmp`
    (PostgreSQL, a broker and trusted proxies from the environment left out), signed-in
    admin token ready; stopped after."""
    data_dir, port = tmp / "data", _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BACKOFFICE_DATA_DIR": str(data_dir),
           "BACKOFFICE_ADMIN_PASSWORD": ADMIN_PASSWORD, "BACKOFFICE_RETRAIN_INTERVAL": "0",
           **env_extra}
    for name in ("DATABASE_URL", "BACKOFFICE_BROKER_URL", "BACKOFFICE_TRUSTED_PROXIES"):
        env.pop(name, None)
    log = tmp / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port),
                                 "--log-level", "warning"], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code in (200, 503):
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, log.read_text()
            time.sleep(0.2)
        token = subprocess.run([sys.executable, "-m", "api.cli", "users", "token", "admin"],
                               cwd=ROOT, env=env, capture_output=True, text=True,
                               check=True).stdout.strip()
        yield Service(url, data_dir, token, log)
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture()
def service(tmp_path: Path) -> Iterator[Service]:
    with running_service(tmp_path, BACKOFFICE_SEARCH="0", **LIMITS) as svc:
        yield svc


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    accepted: dict[int, str] = field(default_factory=dict)  # upload -> document id
    refused: dict[int, int] = field(default_factory=dict)  # status -> count
    bad: list[str] = field(default_factory=list)  # 500s, resets, missing Retry-After
    latencies: list[float] = field(default_factory=list)  # accepted uploads, s


def _upload(svc: Service, client: httpx.Client, i: int, tally: Tally) -> None:
    files = {"files": (f"load-{i:03d}.txt", _invoice(i), "text/plain")}
    for _ in range(MAX_TRIES):
        t = time.perf_counter()
        try:
            r = client.post(svc.url + "/api/documents?wait=true", files=files,
                            headers=svc.headers())
        except httpx.TransportError as exc:
            with tally.lock:
                tally.bad.append(f"upload {i}: {type(exc).__name__}: {exc}")
            return
        spent = time.perf_counter() - t
        with tally.lock:
            if r.status_code == 200:
                tally.accepted[i] = r.json()["documents"][0]["document_id"]
                tally.latencies.append(spent)
                return
            if r.status_code in (429, 503) and r.headers.get("retry-after", "").isdigit():
                tally.refused[r.status_code] = tally.refused.get(r.status_code, 0) + 1
            else:
                tally.bad.append(f"upload {i}: {r.status_code} {r.text[:200]}")
                return
        time.sleep(min(float(r.headers["retry-after"]), 1.0))  # shortened: keep the test quick
    with tally.lock:
        tally.bad.append(f"upload {i}: still refused after {MAX_TRIES} tries")


def _documents(svc: Service) -> list[tuple[str, str, str]]:
    engine = create_engine(f"sqlite:///{svc.data_dir / 'backoffice.db'}")
    try:
        with engine.connect() as c:
            return [tuple(r) for r in c.execute(select(Document.id, Document.sha256,
                                                       Document.status))]
    finally:
        engine.dispose()


def _processed_counts(svc: Service) -> dict[str, int]:
    engine = create_engine(f"sqlite:///{svc.data_dir / 'backoffice.db'}")
    try:
        with engine.connect() as c:
            rows = c.execute(select(AuditLog.entity_id, func.count())
                             .where(AuditLog.action.in_(("document.processed", "document.failed")))
                             .group_by(AuditLog.entity_id))
            return {str(k): int(n) for k, n in rows}
    finally:
        engine.dispose()


def test_200_uploads_from_20_clients(service: Service) -> None:
    tally = Tally()
    queue = list(range(UPLOADS))
    take = threading.Lock()

    def client_loop() -> None:
        with httpx.Client(timeout=httpx.Timeout(DEADLINE_S)) as client:
            while True:
                with take:
                    if not queue:
                        return
                    i = queue.pop()
                _upload(service, client, i, tally)

    start = time.perf_counter()
    threads = [threading.Thread(target=client_loop) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(DEADLINE_S)
    wall = time.perf_counter() - start
    assert not tally.bad, tally.bad[:5]
    assert len(tally.accepted) == UPLOADS
    assert tally.refused, "the admission limits were never reached: the test proves nothing"

    docs = _documents(service)
    ids = {d[0] for d in docs}
    assert set(tally.accepted.values()) <= ids and len(set(tally.accepted.values())) == UPLOADS
    assert not [d for d in docs if d[2] in ("processing", "received")]
    counts = _processed_counts(service)
    assert {i: counts.get(i, 0) for i in ids} == dict.fromkeys(ids, 1)  # exactly once each
    originals = {p.name for p in (service.data_dir / "originals").rglob("*") if p.is_file()}
    assert originals == {d[1] for d in docs}  # no stray original, none missing

    lat = sorted(tally.latencies)
    p95 = lat[int(0.95 * (len(lat) - 1))]
    print(f"\nload: {UPLOADS} uploads, {CLIENTS} clients, limits {LIMITS}: "
          f"refused {tally.refused}, p50 {statistics.median(lat):.2f} s, p95 {p95:.2f} s, "
          f"{UPLOADS / wall:.1f} uploads/s ({wall:.1f} s)")


def test_same_file_20_times_at_once(service: Service) -> None:
    data = _invoice(99_999)
    results: list[httpx.Response | Exception] = []
    gate = threading.Barrier(CLIENTS)

    def one() -> None:
        with httpx.Client(timeout=httpx.Timeout(DEADLINE_S)) as client:
            gate.wait()
            for _ in range(MAX_TRIES):
                try:
                    r = client.post(service.url + "/api/documents?wait=true",
                                    files={"files": ("same.txt", data, "text/plain")},
                                    headers=service.headers())
                except httpx.TransportError as exc:
                    results.append(exc)
                    return
                if r.status_code not in (429, 503):
                    results.append(r)
                    return
                assert r.headers.get("retry-after", "").isdigit()
                time.sleep(0.5)

    threads = [threading.Thread(target=one) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(DEADLINE_S)
    assert len(results) == CLIENTS
    codes = [r.status_code if isinstance(r, httpx.Response) else repr(r) for r in results]
    assert codes == [200] * CLIENTS, codes
    got = {r.json()["documents"][0]["document_id"] for r in results
           if isinstance(r, httpx.Response)}
    docs = _documents(service)
    assert len(got) == 1 and len(docs) == 1
    engine = create_engine(f"sqlite:///{service.data_dir / 'backoffice.db'}")
    with engine.connect() as c:
        assert c.execute(text("select count(*) from documents")).scalar() == 1
    engine.dispose()
    assert _processed_counts(service) == {docs[0][0]: 1}
