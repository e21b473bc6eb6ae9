"""Per-document budgets, enforced in the worker that processes the document.

Why: a small file can ask for far more than a document is worth (a 9400 x 9400 PNG decodes
into 1.6 GB; a 200 KB invoice text takes minutes to extract), and nothing but OCR had a time
limit. No extra process per document or per `Pipeline` (loading the models again costs
5-6 s): the processes that already do the work carry the limits.

- Memory: `limit_memory` sets `RLIMIT_AS` once in each worker process (the batch pool's
  workers, Celery's worker processes, the web server whose threads process uploads, and
  the PDF reader processes those threads hand text layers to, each from its own size): the
  process may grow its address space by `BACKOFFICE_DOC_MEMORY_MB` beyond what it held when
  the limit was set (the models it loads afterwards count against it). An allocation past it
  raises MemoryError in the document's work, recorded as `too_complex`. A worker that dies
  instead (the kernel's OOM killer, a library that aborts) is replaced by the batch pool and
  its document recorded (`workflow.process.process_many`).
- Wall time: `deadline` raises `ProcessingTimeout` in the thread doing the work once
  `BACKOFFICE_DOC_TIMEOUT` seconds have passed: SIGALRM (setitimer) in a process's main
  thread, which also interrupts a blocking system call; in another thread (the web server's
  pool) the exception is set on that thread (`PyThreadState_SetAsyncExc`). Either way it is
  raised between Python bytecodes: one long call into a C library ends before it surfaces.

`ProcessingTimeout` derives from BaseException so that the many `except Exception` blocks
that keep a library's failure from failing a file do not swallow it.
"""

from __future__ import annotations

import ctypes
import logging
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any

from ingest.children import limit_address_space

log = logging.getLogger(__name__)

# The timeout is raised again every AGAIN_S seconds until the document's work has ended: an
# exception raised while the interpreter runs a finaliser (__del__, a weakref callback,
# which the garbage collector may start at any point) is printed and dropped, and a long
# test suite showed one swallowed that way, the work then running 54 s past a 3 s budget.
AGAIN_S = 1.0

TIMEOUT_CODE = "processing_timeout"
MEMORY_CODE = "too_complex"  # the same code as the decompression limits (ingest.limits)


class ProcessingTimeout(BaseException):
    """The document's work ran past its wall-time budget (BACKOFFICE_DOC_TIMEOUT).

    Raised asynchronously, so it takes no arguments; `Budget.timeout_message` says why."""

    code = TIMEOUT_CODE


@dataclass(frozen=True, slots=True)
class Budget:
    """What one document may take: seconds of wall time, megabytes of address space."""

    seconds: float
    memory_mb: int

    def timeout_message(self) -> str:
        return (f"processing took longer than its {self.seconds:g} s budget "
                "(BACKOFFICE_DOC_TIMEOUT)")

    def memory_message(self) -> str:
        return (f"processing needed more than its {self.memory_mb} MB memory budget "
                "(BACKOFFICE_DOC_MEMORY_MB)")


@dataclass(frozen=True, slots=True)
class MemoryLimit:
    """What `limit_memory` set: the process's address space when it ran, and the limit."""

    base_mb: int
    limit_mb: int


def limit_memory(budget_mb: int) -> MemoryLimit | None:
    """Let this process grow its address space by at most `budget_mb` from now on
    (`ingest.children.limit_address_space`; set once per worker process). None when
    `budget_mb` <= 0 or the platform has no such limit."""
    set_to = limit_address_space(budget_mb)
    if set_to is None:
        return None
    base, limit = set_to
    log.info("memory budget: address space limited to %d MB (%d MB + %d MB)", limit, base,
             budget_mb)
    return MemoryLimit(base, limit)


class _Timer:
    """One armed deadline: raises ProcessingTimeout in `thread_id` when it fires."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.fired = False
        self._lock = threading.Lock()
        self._active = True
        self._thread_id = threading.get_ident()
        self._main = threading.current_thread() is threading.main_thread()
        self._old_handler: Any = None
        self._outer_delay = 0.0
        self.started = time.monotonic()
        self._timer: threading.Timer | None = None

    def start(self) -> None:
        if self._main:
            self._old_handler = signal.signal(signal.SIGALRM, self._on_alarm)
            # another timer of this process (pytest-timeout, say) keeps its time
            self._outer_delay, _ = signal.setitimer(signal.ITIMER_REAL, self.seconds,
                                                    AGAIN_S)
            if 0 < self._outer_delay < self.seconds:
                signal.setitimer(signal.ITIMER_REAL, self._outer_delay, AGAIN_S)
        else:
            self._timer = threading.Timer(self.seconds, self._on_timer)
            self._timer.daemon = True
            self._timer.start()

    def _on_alarm(self, signum: int, frame: FrameType | None) -> None:
        if not self._active:
            return
        elapsed = time.monotonic() - self.started
        if elapsed + 0.001 < self.seconds:  # the outer timer's alarm, not ours
            signal.setitimer(signal.ITIMER_REAL, self.seconds - elapsed, AGAIN_S)
            if callable(self._old_handler) and not self.fired:
                self._old_handler(signum, frame)
            return
        self.fired = True
        raise ProcessingTimeout()

    def _on_timer(self) -> None:
        with self._lock:
            if not self._active:
                return
            self.fired = True
            ctypes.pythonapi.PyThreadState_SetAsyncExc(
                ctypes.c_ulong(self._thread_id), ctypes.py_object(ProcessingTimeout))
            self._timer = threading.Timer(AGAIN_S, self._on_timer)  # until the block ends
            self._timer.daemon = True
            self._timer.start()

    def stop(self) -> None:
        if self._main:
            self._active = False
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
            finally:
                signal.signal(signal.SIGALRM, self._old_handler)  # type: ignore[arg-type]
                if self._outer_delay > 0:  # give the outer timer back what is left of it
                    left = self._outer_delay - (time.monotonic() - self.started)
                    signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))
            return
        with self._lock:
            self._active = False
            if self.fired:  # set but perhaps not raised yet: cleared, `fired` tells
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self._thread_id),
                                                           None)
            if self._timer is not None:
                self._timer.cancel()


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise ProcessingTimeout in this thread once `seconds` have passed inside the block,
    and again every AGAIN_S until it has left it (`seconds` <= 0: no deadline). Should the
    exception be swallowed all the same, the block still ends with ProcessingTimeout: a
    document that ran out of time never ends as if it had not."""
    if seconds <= 0:
        yield
        return
    timer = _Timer(seconds)
    timer.start()
    try:
        yield
    finally:
        timer.stop()
    if timer.fired:
        log.warning("a document's work swallowed its timeout after %.1f s",
                    time.monotonic() - timer.started)
        raise ProcessingTimeout()
