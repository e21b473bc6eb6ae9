"""The tesseract process ends with the page it was reading: pytesseract kills it on its own
timeout only, so a document's deadline (workflow.budget) raised while it waits used to
leave it running alone for minutes."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from ingest._exec import tesseract as tesseract_exec

FAKE = """#!/bin/sh
if [ "$1" = "--version" ]; then echo "tesseract 5.3.0"; exit 0; fi
echo $$ > "{pidfile}"
exec sleep 60
"""


class Deadline(Exception):
    """Stands for workflow.budget.ProcessingTimeout, raised into the waiting thread."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for its parent counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


@pytest.fixture()
def slow_tesseract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    pidfile = tmp_path / "pid"
    fake = tmp_path / "tesseract"
    fake.write_text(FAKE.format(pidfile=pidfile))
    fake.chmod(0o755)
    monkeypatch.setenv("TESSERACT_CMD", str(fake))
    tesseract_exec.version.cache_clear()
    yield pidfile
    tesseract_exec.version.cache_clear()
    import pytesseract

    pytesseract.pytesseract.tesseract_cmd = "tesseract"


def test_a_deadline_while_tesseract_runs_kills_it(slow_tesseract: Path) -> None:
    assert threading.current_thread() is threading.main_thread()

    def deadline(signum: int, frame: object) -> None:
        raise Deadline

    old = signal.signal(signal.SIGALRM, deadline)
    signal.setitimer(signal.ITIMER_REAL, 1.0)
    t = time.monotonic()
    try:
        with pytest.raises(Deadline):
            tesseract_exec.image_to_data(Image.new("L", (40, 20), 255), lang="eng",
                                         timeout_s=30, dpi=300)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert time.monotonic() - t < 10  # the deadline, not pytesseract's 30 s
    pid = int(slow_tesseract.read_text())
    assert not _alive(pid), "tesseract kept running after its page's deadline"


def _ocr_in_pool_worker(parent_pid: int) -> None:
    from ingest.ocr import pool

    pool._init_worker(parent_pid)
    tesseract_exec.image_to_data(Image.new("L", (40, 20), 255), lang="eng", timeout_s=30,
                                 dpi=300)


def test_an_ocr_worker_ended_by_sigterm_takes_its_tesseract_along(slow_tesseract: Path) -> None:
    import multiprocessing

    worker = multiprocessing.get_context("fork").Process(target=_ocr_in_pool_worker,
                                                         args=(os.getpid(),))
    worker.start()
    try:
        for _ in range(200):
            if slow_tesseract.exists() and slow_tesseract.read_text().strip():
                break
            time.sleep(0.05)
        pid = int(slow_tesseract.read_text())
        assert _alive(pid)
        worker.terminate()  # what the pool's _kill and a dying parent send
        worker.join(10)
        assert worker.exitcode == 128 + signal.SIGTERM
        for _ in range(100):
            if not _alive(pid):
                break
            time.sleep(0.05)
        assert not _alive(pid), "tesseract kept running after its OCR worker ended"
    finally:
        if worker.is_alive():
            worker.kill()


def test_an_unregistered_child_is_killed_with_its_worker() -> None:
    """A tesseract started a moment before SIGTERM, not yet in the registry, still goes:
    the worker kills every child it has."""
    import multiprocessing
    import subprocess

    from ingest.children import child_pids, kill_children

    def worker(conn: Any) -> None:
        proc = subprocess.Popen(["sleep", "60"])  # never registered anywhere
        conn.send(proc.pid)
        assert child_pids() == [proc.pid]
        kill_children()
        proc.wait(10)
        conn.send(proc.returncode)

    parent, child = multiprocessing.get_context("fork").Pipe()
    p = multiprocessing.get_context("fork").Process(target=worker, args=(child,))
    p.start()
    try:
        pid = parent.recv()
        assert parent.poll(20), "the child was not killed"
        assert parent.recv() == -signal.SIGKILL
        assert not _alive(pid)
        p.join(10)
        assert p.exitcode == 0
    finally:
        if p.is_alive():
            p.kill()
