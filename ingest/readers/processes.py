"""Reader processes: text layers read in parallel for a threaded caller.

pdfium is not thread-safe, so every pdfium call in a process holds one lock; the service's
worker threads therefore read their uploads' text layers one at a time (4 concurrent uploads
gave no more throughput than one). A threaded caller hands the reading to a pool of reader
processes instead, one per core, each with its own pdfium, and gets back plain (picklable)
pages. Workers are spawned (forking a threaded server can deadlock the child), end with
their parent process, and stay up for the next upload. A reader that crashes (a PDF that kills
pdfium) breaks only its pool: the file is reported damaged and the pool starts afresh.
A reader limits its own address space to what it held at start plus the per-document
memory budget (`IngestOptions.reader_memory_mb`): inherited, the service's limit counts the
service's models and is far larger than a reader needs, so a hostile PDF could take that much
in every reader at once. Past the budget, the reading fails with MemoryError, which reaches
the caller like any reader exception.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from ingest.children import limit_address_space
from ingest.errors import CorruptFile
from ingest.options import _default_workers

T = TypeVar("T")

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


PARENT_CHECK_S = 1.0


def _init_reader(parent_pid: int, memory_mb: int) -> None:
    """A reader ends when the process that started it does, and grows by at most
    `memory_mb` (0: the limit it inherited). Not PR_SET_PDEATHSIG
    (`die_with_parent`): the kernel sends that when the *thread* that started the child
    ends, and readers are started from whichever service thread first needed one."""
    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_CHECK_S)
        os._exit(1)

    threading.Thread(target=watch, name="reader-parent-watch", daemon=True).start()
    limit_address_space(memory_mb)


def reader_pool(memory_mb: int = 0) -> ProcessPoolExecutor:
    """The process-wide pool of reader processes (started on first use, its readers
    limited to `memory_mb` each; one process reads under one budget, its settings')."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=_default_workers(), mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_reader, initargs=(os.getpid(), memory_mb))
        return _pool


def _forget(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def read_in_process_pool(fn: Callable[..., T], data: bytes, filename: str, *args: Any,
                         memory_mb: int = 0) -> T:
    """`fn(data, filename, *args)` in a reader process (`reader_pool(memory_mb)`); its
    exceptions are raised here.

    Raises CorruptFile when a reader process died on the file twice: a pool that breaks
    breaks for every file in it, so each gets one more try in a fresh pool."""
    for attempt in range(2):
        pool = reader_pool(memory_mb)
        try:
            return pool.submit(fn, data, filename, *args).result()
        except BrokenProcessPool as exc:
            _forget(pool)
            if attempt:
                raise CorruptFile(f"PDF {filename} could not be read: its reader process "
                                  f"died ({exc})") from exc
    raise AssertionError("unreachable")  # pragma: no cover


def shutdown() -> None:
    """Stop the reader processes (tests, service shutdown)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
