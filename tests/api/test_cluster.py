"""Several machines on one: PostgreSQL and Redis from the Debian packages, a Chroma server and
a local S3 server on 127.0.0.1, two web nodes on their own ports and data dirs, two Celery
workers. 50 documents (born-digital invoices and contracts, scanned invoices that need OCR)
are uploaded alternately to both nodes; one worker's pool process (the Celery CHILD running
a task) is killed with SIGKILL while it holds a document, preferably while it is still
reading a scan, and its worker replaces it. Checks: every document processed exactly once
(one completed run each, none lost, none failed), one reading (OCR run) per document by the
live runs (`document_reads`), every contract found by keyword and semantic search from both
nodes, a login on one node valid on the other, a correction on one node visible in the
other's search, an upload with `wait=true` answered with its fields, a policy and then a
retrained model published through one node's command used by the workers' next documents
(recorded in `documents.versions`). Prints the figures
(lost, runs and OCR runs per document, recovery time after the kill, wall time).

Slow (minutes): skipped, with the reason, where a service's binary is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from records.published import content_version as published_version
from records.sealing import new_key_text
from tests.conftest import INVOICE_LINES, pdf_bytes
from tests.records.conftest import pg_url  # noqa: F401 - the fixture

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
SECRET = "cluster-test-secret-" + "c" * 40
ADMIN_PASSWORD = "cluster-admin-pass-7"
LEASE_TTL_S = 15
INVOICES, CONTRACTS, SCANS = 26, 14, 10  # 50 documents
BATCH_INVOICES, BATCH_CONTRACTS = 10, 4  # the throughput batches
FINISH_WAIT_S = 900
PARTIES = ["Quillfeather Robotics", "Marrowby Shipping", "Tansley Orchards", "Vexmoor Capital",
           "Ashgrove Textiles", "Bellhaven Mining", "Corbridge Pharma", "Dunmore Logistics",
           "Elmstead Foods", "Farrowdale Energy", "Glenbrook Media", "Harwick Aerospace",
           "Inverell Ceramics", "Jorvik Analytics"]
PUBLISHED_CHECK_S = 1  # how often the nodes look for published policies and models
STRICT_POLICY = '[required_fields]\ninvoice = ["vendor_name", "invoice_number", "po_number"]\n'
KILL_PREFER_SCAN_S = 60  # how long to wait for a scan in reading before killing any holder


def _scan_png(i: int) -> bytes:
    """A scanned invoice: a picture of text, no text layer (read by OCR)."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    lines = [*INVOICE_LINES[:8], f"Reference: SC-{i}", *INVOICE_LINES[8:]]
    font = ImageFont.load_default(size=34)
    img = Image.new("L", (1300, 100 + 60 * len(lines)), "white")
    draw = ImageDraw.Draw(img)
    for n, line in enumerate(lines):
        draw.text((60, 50 + n * 60), line, fill="black", font=font)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _contract_lines(i: int) -> list[str]:
    party = PARTIES[i]
    return [
        "MUTUAL NON-DISCLOSURE AGREEMENT",
        f"This Agreement is made between {party} Inc. and Contoso Holdings LLC.",
        f"1. Confidential Information. {party} shall keep the disclosed information secret.",
        "2. Termination. Either party may terminate this Agreement for convenience",
        "upon thirty days written notice to the other party.",
        "3. Governing Law. This Agreement is governed by the laws of the State of Delaware.",
        "IN WITNESS WHEREOF the parties have executed this Agreement.",
    ]


class Cluster:
    """The processes of the test, each in its own process group (killed whole at the end)."""

    def __init__(self, base: Path, env: dict[str, str]) -> None:
        self.base, self.env = base, env
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, cmd: list[str], extra: dict[str, str] | None = None) -> None:
        log = open(self.base / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        self.procs[name] = subprocess.Popen(cmd, cwd=ROOT, env={**self.env, **(extra or {})},
                                            stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def children(self, name: str) -> set[int]:
        """A Celery worker's pool processes (the group less its main process)."""
        return self.pids(name) - {self.procs[name].pid}

    def kill(self, name: str) -> None:
        proc = self.procs.pop(name)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)

    def pids(self, name: str) -> set[int]:
        """The process group's members (a Celery worker and its pool processes)."""
        pgid = self.procs[name].pid
        out = set()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if os.getpgid(int(entry.name)) == pgid:
                        out.add(int(entry.name))
                except ProcessLookupError:
                    continue
        return out

    def cpu_s(self, name: str) -> float:
        """CPU seconds (user + system, with reaped children) of the process group so far."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.pids(name):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
        return total / tick

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.kill(name)

    def tail(self, name: str) -> str:
        path = self.base / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


def _wait_http(url: str, timeout_s: float = 180) -> None:
    import httpx

    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {timeout_s} s")


@pytest.fixture()
def cluster(pg_url: str, tmp_path: Path,  # noqa: F811
            s3_blob_url: str) -> Iterator[tuple[Cluster, list[str], Any]]:
    for binary in ("redis-server",):
        if shutil.which(binary) is None:
            pytest.skip(f"{binary} is not installed (apt-get install {binary})")
    chroma = Path(sys.executable).parent / "chroma"
    celery = Path(sys.executable).parent / "celery"
    if not chroma.exists() or not celery.exists():
        pytest.skip("the chroma and celery commands are not installed (pip install -e .[scale])")
    redis_port, chroma_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKOFFICE_")}
    env.update({
        "PYTHONPATH": str(ROOT), "DATABASE_URL": pg_url,
        "BACKOFFICE_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
        "BACKOFFICE_CHROMA_URL": f"http://127.0.0.1:{chroma_port}",
        "BACKOFFICE_BLOB_URL": s3_blob_url, "BACKOFFICE_SECRET_KEY": SECRET,
        "BACKOFFICE_HR_KEY": new_key_text(), "BACKOFFICE_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "BACKOFFICE_LEASE_TTL": str(LEASE_TTL_S), "BACKOFFICE_WORKERS": "1",
        "BACKOFFICE_PUBLISHED_CHECK": str(PUBLISHED_CHECK_S),
        "BACKOFFICE_S3_ENDPOINT": os.environ["BACKOFFICE_S3_ENDPOINT"],  # the local S3 server
    })
    c = Cluster(tmp_path, env)
    try:
        c.start("redis", ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
                          "--save", "", "--appendonly", "no"])
        c.start("chroma", [str(chroma), "run", "--path", str(tmp_path / "chroma"), "--host",
                           "127.0.0.1", "--port", str(chroma_port)])
        _wait_http(f"http://127.0.0.1:{chroma_port}/api/v2/heartbeat")
        urls = []
        for n in (1, 2):
            port = _free_port()
            c.start(f"web{n}", [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
                    {"BACKOFFICE_DATA_DIR": str(tmp_path / f"web{n}")})
            urls.append(f"http://127.0.0.1:{port}")
        for url in urls:
            _wait_http(f"{url}/healthz")
        for n in (1, 2):
            start_worker(c, n)
        yield c, urls, start_worker
    except BaseException:
        for name in list(c.procs):
            print(f"--- {name}\n{c.tail(name)}", file=sys.stderr)
        raise
    finally:
        c.stop_all()


def start_worker(c: Cluster, n: int) -> None:
    celery = Path(sys.executable).parent / "celery"
    c.start(f"worker{n}", [str(celery), "-A", "api.worker", "worker", "--concurrency", "1",
                           "--loglevel", "info", "-n", f"worker{n}@%h", "--without-gossip",
                           "--without-mingle"],
            {"BACKOFFICE_DATA_DIR": str(c.base / f"worker{n}")})


def _cli(c: Cluster, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "api.cli", *args], cwd=ROOT, timeout=300,
                          env={**c.env, "BACKOFFICE_DATA_DIR": str(c.base / "web1")},
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def _upload_waiting(urls: list[str], auth: dict[str, str], tag: str) -> list[dict[str, Any]]:
    """Four invoices, two through each node, each answered once processed (wait=true):
    with two workers taking tasks in turn, both workers' processes are covered."""
    import httpx

    out = []
    for i in range(4):
        data = pdf_bytes([*INVOICE_LINES, f"Ref: {tag}-{i}"])
        r = httpx.post(f"{urls[i % 2]}/api/documents?timeout=300", headers=auth, timeout=330,
                       files=[("files", (f"{tag}-{i}.pdf", data, "application/pdf"))])
        assert r.status_code == 200, r.text
        out.append(r.json()["documents"][0])
    return out


def _versions(sessions: Any, document_id: str) -> dict[str, str]:
    from records.db import session_scope
    from records.models import Document

    with session_scope(sessions) as s:
        row = s.get(Document, document_id)
        return dict(row.versions or {})


def _victim(c: Cluster, sessions: Any, scans: set[str]) -> tuple[int, dict[str, str]]:
    """A pool process of worker 1 holding a document, preferably a scan it has not finished
    reading (killed mid-OCR); (its pid, the documents it holds -> the run's lease owner)."""
    from sqlalchemy import select

    from records.db import session_scope
    from records.models import Document, DocumentRead

    start = time.monotonic()
    while time.monotonic() - start < 180:
        children = c.children("worker1")
        with session_scope(sessions) as s:
            held = s.execute(select(Document.id, Document.lease_owner).where(
                Document.lease_owner.is_not(None))).all()
            read = set(s.scalars(select(DocumentRead.document_id)))
        mine: dict[int, dict[str, str]] = {}
        for d, owner in held:
            pid = int(owner.split(":")[1])
            if pid in children:
                mine.setdefault(pid, {})[d] = owner
        for pid, docs in mine.items():
            reading_scan = any(d in scans and d not in read for d in docs)
            if reading_scan or (docs and time.monotonic() - start > KILL_PREFER_SCAN_S):
                return pid, docs
        time.sleep(0.1)
    raise AssertionError("no pool process of worker 1 ever held a document")


def test_two_nodes_two_workers_one_killed(cluster, pg_url: str) -> None:  # noqa: F811
    import httpx
    from sqlalchemy import func, select

    from api.web.security import credential_stamp, make_api_token
    from records.db import init_db, session_scope
    from records.models import AuditLog, Document, DocumentRead
    from records.users import get_user

    c, urls, _restart = cluster
    sessions = init_db(pg_url)
    with session_scope(sessions) as s:
        admin = get_user(s, "admin")
        token = make_api_token(SECRET, "admin", credential_stamp(admin.password_hash, admin.roles))
    auth = {"Authorization": f"Bearer {token}"}
    files = [(f"inv-{i}.pdf", pdf_bytes([*INVOICE_LINES, f"Reference: CL-{i}"]), "application/pdf")
             for i in range(INVOICES)]
    files += [(f"nda-{i}.pdf", pdf_bytes(_contract_lines(i)), "application/pdf")
              for i in range(CONTRACTS)]
    files += [(f"scan-{i}.png", _scan_png(i), "image/png") for i in range(SCANS)]
    files = [files[i] for i in sorted(range(len(files)), key=lambda i: (i % 5, i))]  # mixed
    ids: dict[str, str] = {}
    t0 = time.monotonic()
    killed: dict[str, str] = {}  # document -> the killed run's lease owner
    killed_pid, t_kill = None, None
    for i, (name, data, media) in enumerate(files):
        r = httpx.post(f"{urls[i % 2]}/api/documents?wait=false", headers=auth, timeout=60,
                       files=[("files", (name, data, media))])
        assert r.status_code == 202, r.text
        ids[name] = r.json()["documents"][0]["document_id"]
        if i == len(files) // 2:  # mid-batch: kill worker 1's pool process holding a document
            scans = {d for n, d in ids.items() if n.startswith("scan-")}
            killed_pid, killed = _victim(c, sessions, scans)
            os.kill(killed_pid, signal.SIGKILL)
            t_kill = time.monotonic()
    assert t_kill is not None and killed_pid is not None

    recovered_at = None
    deadline = time.monotonic() + FINISH_WAIT_S
    while time.monotonic() < deadline:
        with session_scope(sessions) as s:
            rows = dict(s.execute(select(Document.id, Document.status).where(
                Document.id.in_(list(ids.values())))).all())
        if recovered_at is None and all(rows[d] != "processing" for d in killed):
            recovered_at = time.monotonic()
        if all(v != "processing" for v in rows.values()):
            break
        time.sleep(1)
    wall = time.monotonic() - t0
    replaced = c.children("worker1") - {killed_pid}
    with session_scope(sessions) as s:
        runs = dict(s.execute(select(AuditLog.entity_id, func.count()).where(
            AuditLog.action == "document.processed").group_by(AuditLog.entity_id)).all())
        reads = s.execute(select(DocumentRead.document_id, DocumentRead.owner,
                                 DocumentRead.ocr_pages)).all()
    dead_runs = set(killed.values())
    by_dead = [d for d, owner, _o in reads if owner in dead_runs]
    live_reads: dict[str, int] = {}
    ocr_runs: dict[str, int] = {}
    for d, owner, ocr_pages in reads:
        if owner not in dead_runs:
            live_reads[d] = live_reads.get(d, 0) + 1
            if ocr_pages:
                ocr_runs[d] = ocr_runs.get(d, 0) + 1
    lost = [n for n, d in ids.items() if rows[d] == "processing"]
    failed = [n for n, d in ids.items() if rows[d] == "failed"]
    twice = {n: runs.get(d, 0) for n, d in ids.items() if runs.get(d, 0) != 1}
    reread = {n: live_reads.get(d, 0) for n, d in ids.items() if live_reads.get(d, 0) != 1}
    scans = {n: d for n, d in ids.items() if n.startswith("scan-")}
    ocr_per_scan = sorted({ocr_runs.get(d, 0) for d in scans.values()})
    killed_names = sorted(n for n, d in ids.items() if d in killed)
    print(f"\ncluster: {len(ids)} documents ({SCANS} scanned), lost {len(lost)}, failed "
          f"{len(failed)}, completed runs != 1: {twice}, readings != 1 by live runs: {reread}, "
          f"OCR runs per scanned document: {ocr_per_scan}, killed pool process {killed_pid} "
          f"holding {killed_names} (its run had read {len(by_dead)} of them), replaced by "
          f"{sorted(replaced)}, recovery {(recovered_at or time.monotonic()) - t_kill:.1f} s "
          f"after the kill, wall {wall:.1f} s")
    assert lost == [] and failed == [] and twice == {} and reread == {}
    assert ocr_per_scan == [1]
    assert replaced, "worker 1 did not replace its killed pool process"

    # with the broker, an upload that waits is answered with its fields (like the pool)
    r = httpx.post(f"{urls[1]}/api/documents?timeout=300", headers=auth, timeout=330,
                   files=[("files", ("waited.pdf", pdf_bytes([*INVOICE_LINES, "Ref: waited"]),
                                     "application/pdf"))])
    assert r.status_code == 200, r.text
    assert r.json()["documents"][0]["fields"]["invoice_number"]["value"] == "INV-2024-0113"

    # a policy, then a retrained model, published through node 1's command: the workers'
    # next documents are judged and classified with them, without a restart
    policy = c.base / "policies.toml"
    policy.write_text(STRICT_POLICY)
    _cli(c, "policies", "publish", str(policy))
    time.sleep(2 * PUBLISHED_CHECK_S)
    for n, got in enumerate(_upload_waiting(urls, auth, "policy")):
        assert "missing:po_number" in got["review"]["reasons"], (n, got["review"])
        assert _versions(sessions, got["document_id"])["policies"] == \
            published_version(STRICT_POLICY.encode())
    from training.classifier import train

    train(out_dir=c.base / "retrained", feedback=[], seed=3, n_per_class=12)
    _cli(c, "policies", "publish", "--model", "classifier",
         str(c.base / "retrained" / "classifier.joblib"))
    model = json.loads((c.base / "retrained" / "classifier.json").read_text())
    time.sleep(2 * PUBLISHED_CHECK_S)
    for got in _upload_waiting(urls, auth, "model"):
        assert got["model_version"] == model["version"]
        assert _versions(sessions, got["document_id"])["classifier"] == model["sha256"]

    contracts = [(n, d) for n, d in ids.items() if n.startswith("nda-")]
    for url in urls:  # both nodes find every contract, by keyword and by meaning
        for n, d in contracts:
            party = PARTIES[int(n.split("-")[1].split(".")[0])]
            kw = httpx.get(f"{url}/api/search", headers=auth, timeout=120,
                           params={"q": party, "mode": "keyword", "k": 5}).json()["hits"]
            assert kw and kw[0]["document_id"] == d, (url, n, kw[:1])
            sem = httpx.get(f"{url}/api/search", headers=auth, timeout=120,
                            params={"q": f"{party} keeps disclosed information secret",
                                    "mode": "semantic", "k": 20}).json()["hits"]
            assert d in {h["document_id"] for h in sem}, (url, n)

    # a login on node 1 is valid on node 2
    with httpx.Client(base_url=urls[0]) as one:
        page = one.get("/login").text
        csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
        r = one.post("/login", data={"username": "admin", "password": ADMIN_PASSWORD,
                                     "csrf_token": csrf, "next": "/documents"})
        assert r.status_code in (200, 303), r.text[:300]
        cookies = one.cookies
    assert httpx.get(f"{urls[1]}/api/documents", cookies=cookies).status_code == 200
    assert httpx.get(f"{urls[1]}/api/documents").status_code == 401

    # a correction on node 1 shows in node 2's filtered search
    n, d = contracts[0]
    r = httpx.patch(f"{urls[0]}/api/documents/{d}/fields/governing_law", headers=auth,
                    json={"value": "Nevada", "reason": "cluster test"}, timeout=120)
    assert r.status_code == 200, r.text
    end = time.monotonic() + 60
    while time.monotonic() < end:
        hits = httpx.get(f"{urls[1]}/api/search", headers=auth, timeout=120,
                         params={"q": "confidential information", "mode": "keyword",
                                 "law": "Nevada"}).json()["hits"]
        if {h["document_id"] for h in hits} == {d}:
            break
        time.sleep(1)
    assert {h["document_id"] for h in hits} == {d}


def _wait_final(sessions: Any, ids: list[str], timeout_s: float = FINISH_WAIT_S) -> dict[str, str]:
    from sqlalchemy import select

    from records.db import session_scope
    from records.models import Document

    end = time.monotonic() + timeout_s
    while True:
        with session_scope(sessions) as s:
            rows = dict(s.execute(select(Document.id, Document.status).where(
                Document.id.in_(ids))).all())
        if all(v != "processing" for v in rows.values()) or time.monotonic() > end:
            return rows
        time.sleep(0.5)


def test_throughput_with_one_and_two_workers(cluster, pg_url: str) -> None:  # noqa: F811
    """The same kind of batch with one worker, then with two: wall time and the workers' CPU
    seconds per document (printed; every document must end processed)."""
    import httpx

    from api.web.security import credential_stamp, make_api_token
    from records.db import init_db, session_scope
    from records.users import get_user

    c, urls, restart = cluster
    sessions = init_db(pg_url)
    with session_scope(sessions) as s:
        admin = get_user(s, "admin")
        token = make_api_token(SECRET, "admin", credential_stamp(admin.password_hash, admin.roles))
    auth = {"Authorization": f"Bearer {token}"}
    c.kill("worker2")
    figures = []
    for workers in (1, 2):
        if workers == 2:
            restart(c, 2)
        names = [f"worker{n}" for n in range(1, workers + 1)]
        # warm-up documents: each worker loads its models once, outside the measurement;
        # the measurement starts when they are done (not after a fixed pause)
        warm = []
        for n in range(workers * 2):
            r = httpx.post(f"{urls[n % 2]}/api/documents?wait=false", headers=auth, timeout=60,
                           files=[("files", (f"warm-{workers}-{n}.pdf", pdf_bytes(
                               [*INVOICE_LINES, f"Warm: {workers}-{n}"]), "application/pdf"))])
            assert r.status_code == 202, r.text
            warm.append(r.json()["documents"][0]["document_id"])
        warm_rows = _wait_final(sessions, warm)
        assert all(v not in ("processing", "failed") for v in warm_rows.values()), warm_rows
        cpu0 = sum(c.cpu_s(n) for n in names)
        t0 = time.monotonic()
        ids = []
        for i in range(BATCH_INVOICES + BATCH_CONTRACTS):
            lines = _contract_lines(i % len(PARTIES)) if i % 3 == 0 else INVOICE_LINES
            data = pdf_bytes([*lines, f"Batch {workers} item {i}"])
            r = httpx.post(f"{urls[i % 2]}/api/documents?wait=false", headers=auth, timeout=60,
                           files=[("files", (f"b{workers}-{i}.pdf", data, "application/pdf"))])
            assert r.status_code == 202, r.text
            ids.append(r.json()["documents"][0]["document_id"])
        rows = _wait_final(sessions, ids)
        wall = time.monotonic() - t0
        cpu = sum(c.cpu_s(n) for n in names) - cpu0
        assert all(v not in ("processing", "failed") for v in rows.values()), rows
        figures.append((workers, len(ids), wall, cpu / len(ids)))
    for workers, docs, wall, cpu_per_doc in figures:
        print(f"\nthroughput: {workers} worker(s), {docs} documents, wall {wall:.1f} s "
              f"({docs / wall:.2f} docs/s), worker CPU {cpu_per_doc:.2f} s/document")
