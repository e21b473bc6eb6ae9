"""Processing leases and recorded stages: a live worker's document is left alone, a dead
one's is taken over, and a redelivered task completes only what its last run missed."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from api.web.jobs import Takeover, requeue_unfinished
from records.db import session_scope
from records.models import Document, PageRow, utcnow
from tests.conftest import INVOICE_LINES, pdf_bytes
from workflow import work_lease
from workflow.intake import receive
from workflow.process import Pipeline
from workflow.settings import Settings
from workflow.work_lease import Stage

CONTRACT_LINES = [
    "MUTUAL NON-DISCLOSURE AGREEMENT",
    "This Agreement is made between Alpha Widgets Inc. and Beta Gadgets LLC.",
    "1. Termination. Either party may terminate this Agreement for convenience",
    "upon thirty days written notice to the other party.",
    "2. Governing Law. This Agreement is governed by the laws of the State of Delaware.",
    "IN WITNESS WHEREOF the parties have executed this Agreement.",
]


@pytest.fixture()
def pipe(data_dir: Path) -> Pipeline:
    return Pipeline(Settings.from_env(data_dir))


def _upload(pipe: Pipeline, lines: list[str], name: str = "doc.pdf") -> str:
    return receive(pipe.sessions, pipe.blobs, name, pdf_bytes(lines), "pat").document_id


def _row(pipe: Pipeline, document_id: str) -> Document:
    with session_scope(pipe.sessions) as s:
        row = s.get(Document, document_id)
        assert row is not None
        s.expunge(row)
        return row


def test_a_live_lease_is_exclusive_and_an_expired_one_is_taken_over(pipe: Pipeline) -> None:
    doc = _upload(pipe, INVOICE_LINES)
    assert work_lease.acquire(pipe.sessions, doc, "worker-a", ttl_s=60)
    assert not work_lease.acquire(pipe.sessions, doc, "worker-b", ttl_s=60)
    assert work_lease.acquire(pipe.sessions, doc, "worker-a", ttl_s=60)  # its own: renewed
    later = utcnow() + timedelta(seconds=61)
    assert work_lease.acquire(pipe.sessions, doc, "worker-b", ttl_s=60, now=later)
    assert not work_lease.renew(pipe.sessions, doc, "worker-a")  # a lost lease stays lost
    work_lease.release(pipe.sessions, doc, "worker-a")  # not its lease: nothing happens
    assert _row(pipe, doc).lease_owner == "worker-b"
    work_lease.release(pipe.sessions, doc, "worker-b")
    assert _row(pipe, doc).lease_owner is None


def test_the_heartbeat_keeps_a_long_run_leased(pipe: Pipeline) -> None:
    doc = _upload(pipe, INVOICE_LINES)
    assert work_lease.acquire(pipe.sessions, doc, "worker-a", ttl_s=0.6)
    with work_lease.held(pipe.sessions, doc, "worker-a", ttl_s=0.6, every_s=0.1) as lease:
        time.sleep(1.2)  # twice the TTL: only the heartbeat keeps it
        assert not work_lease.acquire(pipe.sessions, doc, "worker-b", ttl_s=0.6)
        assert not lease.lost
    assert work_lease.acquire(pipe.sessions, doc, "worker-b", ttl_s=0.6)  # released


def test_process_leased_leaves_a_live_worker_alone_and_takes_over_a_dead_one(
        pipe: Pipeline) -> None:
    doc = _upload(pipe, INVOICE_LINES)
    assert work_lease.acquire(pipe.sessions, doc, "live-worker", ttl_s=60)
    assert pipe.process_leased(doc) is None
    with session_scope(pipe.sessions) as s:  # nothing read: no second OCR of it
        assert s.scalars(select(PageRow).where(PageRow.document_id == doc)).first() is None
    assert _row(pipe, doc).status == "processing"
    with session_scope(pipe.sessions) as s:  # the live worker was killed: its lease runs out
        s.get(Document, doc).lease_until = utcnow() - timedelta(seconds=1)
    done = pipe.process_leased(doc)
    assert done is not None and done["status"] != "failed", done
    row = _row(pipe, doc)
    assert row.status == done["status"] and row.lease_owner is None
    with session_scope(pipe.sessions) as s:
        assert work_lease.done(s, doc) == {Stage.STORED}


class FlakyIndex:
    """A search index whose first write dies (the worker killed while indexing)."""

    def __init__(self) -> None:
        self.indexed: list[str] = []
        self.fail_next = True

    def index_document(self, document_id: str, *_a: Any) -> None:
        if self.fail_next:
            self.fail_next = False
            raise ConnectionError("worker killed while indexing")
        self.indexed.append(document_id)

    def delete_document(self, document_id: str) -> None:
        raise AssertionError("a live contract is never dropped")


def test_a_redelivered_task_completes_the_missing_indexing_once(pipe: Pipeline) -> None:
    index = FlakyIndex()
    pipe._search = index
    doc = _upload(pipe, CONTRACT_LINES, "nda.pdf")
    first = pipe.process_leased(doc)
    assert first is not None and first["doc_type"] == "contract", first
    with session_scope(pipe.sessions) as s:
        assert work_lease.done(s, doc) == {Stage.STORED}  # stored, indexing missing
    assert index.indexed == []
    again = pipe.process_leased(doc)  # the redelivery: finished, so only the missing stage
    assert again is not None and again["document_id"] == doc
    assert index.indexed == [doc]
    with session_scope(pipe.sessions) as s:
        assert work_lease.done(s, doc) == {Stage.STORED, Stage.INDEXED}
    pipe.process_leased(doc)
    assert index.indexed == [doc]  # nothing left to complete


class RecordingJobs:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def submit(self, document_id: str, actor: str, reserved: bool = False) -> None:
        self.sent.append(document_id)


def test_restart_and_takeover_queue_only_documents_nobody_works_on(pipe: Pipeline) -> None:
    live = _upload(pipe, [*INVOICE_LINES, "Reference: live"], "live.pdf")
    dead = _upload(pipe, [*INVOICE_LINES, "Reference: dead"], "dead.pdf")
    queued = _upload(pipe, [*INVOICE_LINES, "Reference: queued"], "queued.pdf")
    assert work_lease.acquire(pipe.sessions, live, "worker-on-node-2", ttl_s=60)
    assert work_lease.acquire(pipe.sessions, dead, "killed-worker", ttl_s=60,
                              now=utcnow() - timedelta(seconds=120))
    jobs = RecordingJobs()
    assert requeue_unfinished(pipe.sessions, jobs) == 2
    assert sorted(jobs.sent) == sorted([dead, queued])
    takeover = Takeover(pipe.sessions, jobs := RecordingJobs())
    assert takeover.once() == [dead]  # the periodic round: expired leases only
    assert takeover.once() == []  # queued already; the lease decides who works
    assert jobs.sent == [dead]


def test_celery_settings_redeliver_a_dead_workers_task(data_dir: Path, monkeypatch) -> None:
    pytest.importorskip("celery")
    monkeypatch.setenv("BACKOFFICE_BROKER_URL", "memory://")
    monkeypatch.setenv("BACKOFFICE_SECRET_KEY", "shared-by-every-node-" + "s" * 30)
    from api.worker import celery_conf, visibility_timeout_s

    settings = Settings.from_env(data_dir)
    conf = celery_conf(settings)
    assert conf["task_acks_late"] and conf["task_reject_on_worker_lost"]
    assert conf["worker_prefetch_multiplier"] == 1
    assert conf["broker_transport_options"]["visibility_timeout"] > settings.ocr_timeout_s
    settings.ocr_timeout_s = 900
    assert visibility_timeout_s(settings) > 900


def test_the_lease_ttl_is_a_setting(data_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("BACKOFFICE_LEASE_TTL", "12")
    settings = Settings.from_env(data_dir)
    assert settings.lease_ttl_s == 12.0
    assert work_lease.heartbeat_s(12.0) < 12.0 / 4 and work_lease.takeover_every_s(12.0) == 4.0
    pipe = Pipeline(settings)
    doc = _upload(pipe, INVOICE_LINES)
    assert pipe.process_leased(doc) is not None
    assert work_lease.acquire(pipe.sessions, doc, "a", ttl_s=settings.lease_ttl_s)
    later = utcnow() + timedelta(seconds=13)
    assert work_lease.acquire(pipe.sessions, doc, "b", now=later)


def test_the_task_leaves_a_document_a_live_worker_holds(data_dir: Path, monkeypatch) -> None:
    pytest.importorskip("celery")
    monkeypatch.setenv("BACKOFFICE_BROKER_URL", "memory://")
    monkeypatch.setenv("BACKOFFICE_SECRET_KEY", "shared-by-every-node-" + "s" * 30)
    import importlib

    import api.worker

    worker = importlib.reload(api.worker)
    worker._pipeline = None
    pipe = worker._pipe()
    intake = receive(pipe.sessions, pipe.blobs, "inv.pdf", pdf_bytes(INVOICE_LINES), "pat")
    assert work_lease.acquire(pipe.sessions, intake.document_id, "other-worker", ttl_s=60)
    from celery.exceptions import Retry

    with pytest.raises(Retry):  # tried again once the lease could have run out
        worker.process_document.run(intake.sha256)
    with session_scope(pipe.sessions) as s:  # nothing read meanwhile
        assert s.scalars(select(PageRow).where(
            PageRow.document_id == intake.document_id)).first() is None
    work_lease.release(pipe.sessions, intake.document_id, "other-worker")
    out = worker.process_document.run(intake.sha256)
    assert out["status"] in ("auto_approved", "needs_review") and out["doc_type"] == "invoice"


def _die_holding(pipe: Pipeline, doc: str, runs: int) -> None:
    """`runs` workers took the lease and died without giving it back (long ago)."""
    for i in range(runs):
        then = utcnow() - timedelta(hours=runs - i)
        assert work_lease.acquire(pipe.sessions, doc, f"dead-{i}", ttl_s=60, now=then)


def test_a_document_that_kills_its_worker_every_time_is_failed_not_retried_for_ever(
        pipe: Pipeline) -> None:
    poison = _upload(pipe, INVOICE_LINES, "poison.pdf")
    _die_holding(pipe, poison, work_lease.MAX_LOST_RUNS)
    out = pipe.process_leased(poison)
    assert out is not None and out["error"]["code"] == work_lease.WORKER_LOST
    row = _row(pipe, poison)
    assert row.status == "failed" and row.error_code == work_lease.WORKER_LOST
    assert row.lease_owner is None and row.lease_runs == 0  # released, count reset
    with session_scope(pipe.sessions) as s:  # nothing read: it was not tried again
        assert s.scalars(select(PageRow).where(PageRow.document_id == poison)).first() is None


def test_fewer_lost_runs_than_the_limit_are_tried_again(pipe: Pipeline) -> None:
    doc = _upload(pipe, INVOICE_LINES, "unlucky.pdf")
    _die_holding(pipe, doc, work_lease.MAX_LOST_RUNS - 1)
    out = pipe.process_leased(doc)
    assert out is not None and out.get("error") is None
    assert _row(pipe, doc).status != "failed" and _row(pipe, doc).lease_runs == 0


def test_a_stalled_worker_that_lost_its_lease_cannot_write_its_result(
        pipe: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fencing: worker A stalls (here: while extracting) past its lease, worker B takes the
    document over; A's result is refused in its storing transaction, nothing of it is kept,
    and B's run stores the document."""
    from sqlalchemy import update

    from records.models import DocumentRead, FieldRow

    doc = _upload(pipe, INVOICE_LINES)
    real = pipe._extract

    def stall(d: Any, cls: Any) -> Any:
        out = real(d, cls)
        with session_scope(pipe.sessions) as s:  # A's lease runs out...
            s.execute(update(Document).where(Document.id == doc)
                      .values(lease_until=utcnow() - timedelta(seconds=1)))
        assert work_lease.acquire(pipe.sessions, doc, "worker-b", ttl_s=60)  # ...B takes it
        return out

    monkeypatch.setattr(pipe, "_extract", stall)
    r = pipe.process_leased(doc, "pat")
    assert r["status"] == "failed" and r["error"]["code"] == work_lease.LEASE_LOST
    row = _row(pipe, doc)
    assert row.status == "processing" and row.lease_owner == "worker-b" and row.result is None
    with session_scope(pipe.sessions) as s:
        assert s.scalars(select(FieldRow).where(FieldRow.document_id == doc)).first() is None
        assert work_lease.done(s, doc) == set()

    monkeypatch.setattr(pipe, "_extract", real)
    with work_lease.held(pipe.sessions, doc, "worker-b", ttl_s=60):  # B's run writes
        done = pipe.process_stored(doc, "pat")
    assert done["status"] in ("auto_approved", "needs_review")
    assert _row(pipe, doc).status == done["status"]
    with session_scope(pipe.sessions) as s:  # both runs read (OCR'd) it: recorded
        owners = list(s.scalars(select(DocumentRead.owner).where(DocumentRead.document_id == doc)
                                .order_by(DocumentRead.id)))
    assert len(owners) == 2 and owners[1] == "worker-b" and owners[0] != "worker-b"


def test_fencing_leaves_work_outside_a_lease_alone(pipe: Pipeline) -> None:
    doc = _upload(pipe, INVOICE_LINES)
    with session_scope(pipe.sessions) as s:
        work_lease.fence(s, doc)  # no lease in force: nothing checked
    assert work_lease.acquire(pipe.sessions, doc, "worker-a", ttl_s=60)
    with work_lease.held(pipe.sessions, doc, "worker-a", ttl_s=60):
        with session_scope(pipe.sessions) as s:
            work_lease.fence(s, doc)  # still its own: renewed
        assert work_lease.acquire(pipe.sessions, doc, "worker-b", ttl_s=60) is False
        with session_scope(pipe.sessions) as s:
            s.execute(update_owner(doc, "worker-b"))
        with pytest.raises(work_lease.LeaseLost), session_scope(pipe.sessions) as s:
            work_lease.fence(s, doc)


def update_owner(document_id: str, owner: str) -> Any:
    from sqlalchemy import update

    return update(Document).where(Document.id == document_id).values(lease_owner=owner)
