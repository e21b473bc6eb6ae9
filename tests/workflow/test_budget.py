"""Per-document budgets (workflow/budget.py): a document's work ends `processing_timeout`
at its wall-time budget (SIGALRM in a main thread, an exception set on a pool thread) or
`too_complex` past its memory budget (RLIMIT_AS in the worker process), recorded on the
document, and the next document of the batch is processed as usual."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

import ingest
from records.db import session_scope
from records.models import Document
from tests.conftest import INVOICE_LINES, pdf_bytes
from tests.ingest import hostile
from workflow.budget import AGAIN_S, ProcessingTimeout, deadline
from workflow.process import Pipeline, process_many
from workflow.settings import Settings
from workflow.states import DocumentStatus

SLACK_S = 5.0  # between the deadline and the exception surfacing, on a busy shared machine
REPO = Path(__file__).resolve().parents[2]


def _spin(seconds: float) -> None:
    """Python work (no system call) for `seconds`."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        sum(range(1000))


def test_deadline_interrupts_a_sleep_in_the_main_thread() -> None:
    t = time.monotonic()
    with pytest.raises(ProcessingTimeout), deadline(0.3):
        time.sleep(30)  # a blocking system call: SIGALRM ends it
    assert time.monotonic() - t < 0.3 + SLACK_S


def test_deadline_interrupts_work_in_a_pool_thread() -> None:
    outcome: list[str] = []

    def work() -> None:
        t = time.monotonic()
        try:
            with deadline(0.3):
                _spin(30)
            outcome.append("finished")
        except ProcessingTimeout:
            outcome.append(f"timeout after {time.monotonic() - t:.1f}")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(30)
    assert outcome and outcome[0].startswith("timeout"), outcome
    assert float(outcome[0].split()[-1]) < 0.3 + SLACK_S


def test_nothing_fires_after_the_block_and_a_swallowed_timeout_still_ends_it() -> None:
    with deadline(0.2):
        pass
    _spin(0.4)  # the disarmed timer raises nothing here
    with pytest.raises(ProcessingTimeout), deadline(0.2):
        try:
            time.sleep(5)
        except BaseException:  # noqa: BLE001 - a library that swallows everything
            pass


def _swallow_once_then_work() -> None:
    try:
        time.sleep(5)
    except BaseException:  # noqa: BLE001 - dropped, as in a finaliser the GC runs
        pass
    _spin(30)  # the work goes on: interrupted again


def test_a_swallowed_timeout_is_raised_again_in_the_main_thread() -> None:
    t = time.monotonic()
    with pytest.raises(ProcessingTimeout), deadline(0.2):
        _swallow_once_then_work()
    assert time.monotonic() - t < 0.2 + AGAIN_S + SLACK_S


def test_a_swallowed_timeout_is_raised_again_in_a_pool_thread() -> None:
    took: list[float] = []

    def work() -> None:
        t = time.monotonic()
        try:
            with deadline(0.2):
                try:
                    _spin(5)
                except BaseException:  # noqa: BLE001 - dropped once
                    pass
                _spin(30)
        except ProcessingTimeout:
            took.append(time.monotonic() - t)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(60)
    assert took and took[0] < 0.2 + AGAIN_S + SLACK_S, took


def test_an_outer_timer_keeps_its_time() -> None:
    fired: list[float] = []
    old = signal.signal(signal.SIGALRM, lambda *_: fired.append(time.monotonic()))
    try:
        signal.setitimer(signal.ITIMER_REAL, 1.0)
        t = time.monotonic()
        with deadline(0.1):
            pass
        time.sleep(3)  # interrupted by the outer alarm, then resumed (PEP 475)
        assert fired and fired[0] - t < 1.0 + SLACK_S
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_memory_limit_turns_a_large_allocation_into_memory_error() -> None:
    """RLIMIT_AS in a process of its own (never this test process)."""
    code = ("from workflow.budget import limit_memory\n"
            "lim = limit_memory(256)\n"
            "ok = bytearray(64 << 20)\n"
            "try:\n    bytearray(1 << 30)\n    print('allocated')\n"
            "except MemoryError:\n    print('MemoryError', lim.limit_mb - lim.base_mb)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120)
    assert out.stdout.split() == ["MemoryError", "256"], out.stderr


def _pipeline(data_dir: Path, seconds: float) -> Pipeline:
    settings = Settings.from_env(data_dir)
    settings.doc_timeout_s = seconds
    pipe = Pipeline(settings)
    pipe.ocr_workers = 1
    return pipe


def _stored(pipe: Pipeline, document_id: str) -> tuple[str, str | None]:
    with session_scope(pipe.sessions) as s:
        row = s.get(Document, document_id)
        assert row is not None
        return row.status, row.error_code


def _process_timed(pipe: Pipeline, name: str, data: bytes) -> tuple[dict, float]:
    t = time.monotonic()
    r = pipe.process_bytes(name, data)
    return r, time.monotonic() - t


def test_long_invoice_text_ends_processing_timeout_and_the_next_is_processed(
        data_dir: Path) -> None:
    """200 KB of invoice lines (minutes of extraction unbounded) against a 3 s budget."""
    pipe = _pipeline(data_dir, 3)
    pipe.process_bytes("warm.pdf", pdf_bytes(INVOICE_LINES[:3]))  # models loaded
    r, took = _process_timed(pipe, "long.txt", hostile.long_invoice_text())
    assert (r["status"], r["error"]["code"]) == ("failed", "processing_timeout")
    assert "3 s budget" in r["error"]["message"]
    assert took < 3 + SLACK_S
    assert _stored(pipe, r["document_id"]) == ("failed", "processing_timeout")
    pipe.budget = replace(pipe.budget, seconds=300)  # an invoice, not a race with the load
    nxt = pipe.process_bytes("invoice.pdf", pdf_bytes(INVOICE_LINES))
    assert nxt["status"] != "failed" and nxt["doc_type"] == "invoice"


def test_timeout_in_a_worker_thread_like_the_web_pool(data_dir: Path) -> None:
    pipe = _pipeline(data_dir, 2)
    pipe.process_bytes("warm.pdf", pdf_bytes(INVOICE_LINES[:3]))
    got: list[tuple[dict, float]] = []
    thread = threading.Thread(
        target=lambda: got.append(_process_timed(pipe, "long.txt",
                                                 hostile.long_invoice_text(seed=2))))
    thread.start()
    thread.join(120)
    (r, took), = got
    assert r["error"]["code"] == "processing_timeout" and took < 2 + SLACK_S
    assert _stored(pipe, r["document_id"]) == ("failed", "processing_timeout")


def test_memory_error_is_too_complex_and_the_next_is_processed(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pipe = _pipeline(data_dir, 60)
    real = ingest.read_bytes

    def read(filename: str, data: bytes, options: object = None):  # type: ignore[no-untyped-def]
        if filename == "hog.txt":
            raise MemoryError  # what an allocation past RLIMIT_AS raises
        return real(filename, data, options)

    monkeypatch.setattr(ingest, "read_bytes", read)
    r = pipe.process_bytes("hog.txt", b"Invoice 1 total 3.00")
    assert (r["status"], r["error"]["code"]) == ("failed", "too_complex")
    assert "memory budget" in r["error"]["message"] or "BACKOFFICE_DOC_MEMORY_MB" in \
        r["error"]["message"]
    assert _stored(pipe, r["document_id"]) == ("failed", "too_complex")
    assert pipe.process_bytes("invoice.pdf", pdf_bytes(INVOICE_LINES))["doc_type"] == "invoice"


def _hog_or_die(filename: str, data: bytes, options: object = None):  # type: ignore[no-untyped-def]
    """Patched into the forked pool workers: one file allocates past the budget, one kills
    its worker outright."""
    if filename == "hog.txt":
        block = bytearray(3 << 30)  # past the worker's RLIMIT_AS: MemoryError
        return len(block)
    if filename == "die.txt":
        os._exit(9)  # the OOM killer, a library that aborts
    return _REAL_READ(filename, data, options)


_REAL_READ = ingest.read_bytes


def test_pool_batch_memory_limit_and_a_dying_worker(data_dir: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """process_many with 2 workers (forked, so the patch travels): the worker's RLIMIT_AS
    turns the hog into too_complex; the worker that dies is replaced, its document recorded
    after a second try alone, and every other document processed; none left processing."""
    monkeypatch.setattr(ingest, "read_bytes", _hog_or_die)
    names = ["a.pdf", "hog.txt", "b.pdf", "die.txt", "c.pdf", "d.pdf"]
    paths = []
    for i, name in enumerate(names):
        p = tmp_path / name
        p.write_bytes(pdf_bytes([*INVOICE_LINES, f"Ref {i}"]) if name.endswith(".pdf")
                      else f"file {name}".encode())
        paths.append(p)
    settings = Settings.from_env(data_dir)
    settings.search_enabled = False
    settings.doc_memory_mb, settings.doc_timeout_s = 1024, 120
    results = list(process_many(paths, settings, workers=2))
    assert [r["file"] for r in results] == names
    codes = {r["file"]: (r["error"] or {}).get("code") for r in results}
    assert codes == {"a.pdf": None, "hog.txt": "too_complex", "b.pdf": None,
                     "die.txt": "too_complex", "c.pdf": None, "d.pdf": None}
    assert "worker processing it ended" in results[3]["error"]["message"]
    pipe = Pipeline(settings)
    with session_scope(pipe.sessions) as s:
        rows = list(s.query(Document))
    assert len(rows) == len(names)
    assert not [r.filename for r in rows if r.status == DocumentStatus.PROCESSING]


# The batch test's budget per document: at least this, and twice what one ordinary invoice
# takes from a cold start (models loaded) on this machine at this moment, so that a worker's
# first document is not refused for the load of a shared machine; the PNG's OCR and the long
# text's extraction take many times that either way.
MIN_BUDGET_S = 20

_CLI_WITH_PEAK = (
    "import resource, sys\n"
    "from api.cli import main\n"
    "rc = main(sys.argv[1:])\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024\n"
    "print(f'workers peak RSS MB {peak}', file=sys.stderr)\n"
    "sys.exit(rc)\n")


def _backoffice_process(inbox: Path, data_dir: Path, **env_extra: str
                        ) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "BACKOFFICE_DATA_DIR": str(data_dir),
           "BACKOFFICE_SEARCH": "0", **env_extra}
    env.pop("DATABASE_URL", None)
    t = time.monotonic()
    out = subprocess.run([sys.executable, "-c", _CLI_WITH_PEAK, "process", "--json",
                          "--no-progress", "--workers", "2", str(inbox)],
                         capture_output=True, text=True, cwd=data_dir.parent, env=env,
                         timeout=900)
    return out, time.monotonic() - t


@pytest.mark.slow
def test_hostile_batch_through_backoffice_process(tmp_path: Path) -> None:
    """`backoffice process --workers 2` on the generated hostile set and an ordinary invoice,
    with a time budget per document and 1024 MB of memory: each hostile file ends with its
    code, the invoice is processed, and no worker's memory passed 1 GB."""
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "invoice.pdf").write_bytes(pdf_bytes([*INVOICE_LINES, "Ref cold"]))
    cold, cold_s = _backoffice_process(plain, tmp_path / "cold")
    assert cold.returncode == 0, cold.stderr[-2000:]
    budget = max(MIN_BUDGET_S, round(2 * cold_s))
    inbox = tmp_path / "in"
    inbox.mkdir()
    files = {"a_big.png": hostile.big_png(9400),
             # 2 MB: a 500 KB text finished inside a 20 s budget on an idle machine once
             # long-text extraction got faster; extraction time grows linearly with length
             "b_long.txt": hostile.long_invoice_text(40_000),
             "c_bomb.docx": hostile.docx_paragraph_bomb(),
             "d_invoice.pdf": pdf_bytes(INVOICE_LINES)}
    for name, data in files.items():
        (inbox / name).write_bytes(data)
    out, took = _backoffice_process(inbox, tmp_path / "data", BACKOFFICE_DOC_TIMEOUT=str(budget),
                                    BACKOFFICE_DOC_MEMORY_MB="1024")
    assert out.returncode == 0, out.stderr[-2000:]
    results = {r["file"]: r for r in map(json.loads, out.stdout.splitlines())}
    codes = {name: (r["error"] or {}).get("code") for name, r in results.items()}
    assert codes == {"a_big.png": "processing_timeout", "b_long.txt": "processing_timeout",
                     "c_bomb.docx": "too_complex", "d_invoice.pdf": None}, (codes, budget)
    assert results["d_invoice.pdf"]["doc_type"] == "invoice"
    peak = int(out.stderr.rsplit("workers peak RSS MB", 1)[1].split()[0])
    assert peak < 1024, peak
    # two budgets on two workers, then the rest; unbounded, the PNG and the long text take
    # many minutes
    assert took < 2 * budget + 2 * cold_s + 60, (took, budget)
    print(f"hostile batch: budget {budget} s (cold invoice {cold_s:.1f} s), {took:.1f} s, "
          f"workers' peak RSS {peak} MB")


def test_the_pdf_reader_processes_read_under_the_documents_memory_budget(
        data_dir: Path) -> None:
    settings = Settings.from_env(data_dir)
    settings.doc_memory_mb = 777
    assert Pipeline(settings).ingest_options().reader_memory_mb == 777
