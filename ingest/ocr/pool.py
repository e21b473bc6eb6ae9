"""OCR the pages of one document in parallel, one worker process per core.

Why processes and not threads: rapidocr holds the GIL in its Python pre/post
processing, and a per-page deadline needs something that can be killed. Pages are
submitted lazily (a few in flight), so a 2000-page scan is never rasterised into
memory at once. One-page documents are read in-process: spawning workers and
loading models again would cost more than the page.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass

from PIL import Image

from ingest._exec import tesseract as tesseract_exec
from ingest.children import die_with_parent, kill_children
from ingest.errors import IngestError, OcrFailed, OcrTimeout, TooComplex
from ingest.ocr.base import OcrResult
from ingest.ocr.rapidocr import holds_thread_pool
from ingest.ocr.select import recognize_page
from ingest.options import IngestOptions

# Grace on top of the engines' own limits: worker start-up and model loading.
_STARTUP_SLACK_S = 60.0


@dataclass(slots=True)
class OcrJob:
    """One page to OCR. `index` is the caller's key for the result."""

    index: int
    image: Image.Image
    width_pt: float
    height_pt: float
    photo: bool = False


# Environment variables that cap the thread pools of libraries loaded after they are set:
# tesseract (OpenMP; OMP_THREAD_LIMIT), OpenMP and BLAS builds of numpy/onnxruntime.
_ONE_THREAD_ENV = ("OMP_THREAD_LIMIT", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                   "MKL_NUM_THREADS")


_one_thread = False  # this process is a pool worker: its own OCR runs on one thread
_cv2_parent_threads = 0  # OpenCV's thread count, put back in the parent after a fork


def _cv2_one_thread_before_fork() -> None:
    """OpenCV's thread pool does not survive fork(): once the parent has run a parallel
    OpenCV step, a child that changes the thread count (`one_thread_per_worker`) waits
    forever on a condition variable copied from threads that do not exist in the child
    (measured: a pool worker hung in `cv2.setNumThreads` under a parent that had OCR'd a
    photo). So before any fork the parent winds its own pool down to one thread, which is
    safe there, and takes its count back once the child exists."""
    global _cv2_parent_threads
    cv2 = sys.modules.get("cv2")
    if cv2 is None:
        return
    n = cv2.getNumThreads()
    if n > 1:
        _cv2_parent_threads = n
        cv2.setNumThreads(1)


def _cv2_threads_back_after_fork() -> None:
    global _cv2_parent_threads
    cv2 = sys.modules.get("cv2")
    if cv2 is not None and _cv2_parent_threads:
        cv2.setNumThreads(_cv2_parent_threads)
    _cv2_parent_threads = 0


def _cv2_count_not_ours_after_fork() -> None:
    global _cv2_parent_threads
    _cv2_parent_threads = 0  # the child keeps one thread until it says otherwise


os.register_at_fork(before=_cv2_one_thread_before_fork,
                    after_in_parent=_cv2_threads_back_after_fork,
                    after_in_child=_cv2_count_not_ours_after_fork)


def one_thread_per_worker() -> None:
    """In a worker process of a pool sized to the cores: every library's own thread pool down
    to one thread, so that N workers keep N cores busy instead of each starting a thread per
    core (two workers on two cores were 1.19x slower than one). tesseract and what loads
    later read the environment; OpenCV (RapidOCR's image steps) and BLAS loaded already are
    told directly. onnxruntime gets its thread count where its session is made."""
    global _one_thread
    _one_thread = True
    for name in _ONE_THREAD_ENV:
        os.environ[name] = "1"
    try:
        import cv2

        cv2.setNumThreads(1)
    except ImportError:
        pass
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:
        pass


def preload_for_workers(options: IngestOptions | None = None) -> None:
    """Load RapidOCR's models (and the second reading's) as a pool worker uses them, one
    onnxruntime thread each, in a parent about to fork its workers: each worker then
    starts with them instead of loading its own (0.3-0.4 CPU-s per worker, the same pages
    of memory shared). A session with one intra-op thread and sequential execution starts
    no threads of its own, so it is safe to fork (tests/ingest/test_ocr_pool.py)."""
    from ingest.ocr.rapidocr import _get_rapidocr
    from ingest.ocr.second_reading import recognizer

    options = options or IngestOptions()
    if options.ocr_engine in ("auto", "rapidocr"):
        _get_rapidocr(1)
        if options.ocr_second_reading:
            recognizer(1)


def _work(job: OcrJob, options: IngestOptions) -> tuple[int, OcrResult]:
    """Runs in a worker: one onnxruntime thread, since the pool supplies parallelism."""
    return job.index, recognize_page(
        job.image, job.width_pt, job.height_pt, options, photo=job.photo, threads=1
    )


def _page_budget(options: IngestOptions) -> float:
    engines = 2 if options.ocr_engine == "auto" else 1
    return options.ocr_timeout_s * engines


def run_ocr(
    jobs: Iterable[OcrJob], options: IngestOptions, n_jobs: int
) -> Iterator[tuple[int, OcrResult]]:
    """Yield (index, result) for each job, in completion order.

    Raises OcrTimeout when one page exceeds its budget, or the engine's IngestError.
    """
    workers = min(options.ocr_workers, n_jobs)
    # a daemonic process (a multiprocessing/celery worker) may not start children
    if workers <= 1 or multiprocessing.current_process().daemon:
        # inside a worker of a document pool (`backoffice process`, Celery) the pool supplies
        # the parallelism: one onnxruntime thread, or every worker would use every core
        in_pool = _one_thread or multiprocessing.current_process().daemon
        threads = 1 if in_pool else None
        if in_pool:
            one_thread_per_worker()
        for job in jobs:
            started = time.monotonic()
            res = recognize_page(job.image, job.width_pt, job.height_pt, options,
                                 photo=job.photo, threads=threads)
            if time.monotonic() - started > _page_budget(options) + _STARTUP_SLACK_S:
                raise OcrTimeout(
                    f"OCR of page {job.index + 1} took longer than its "
                    f"{_page_budget(options):g} s budget"
                )
            yield job.index, res
        return
    yield from _run_pool(iter(jobs), options, workers)


def _context() -> multiprocessing.context.BaseContext:
    """fork when this process has a single thread (CLI, scripts: fast, and no need for an
    `if __name__ == "__main__"` guard); spawn in threaded servers, where forking a
    process that holds locks in other threads can deadlock the child, and where this
    process holds onnxruntime's own threads (`rapidocr.holds_thread_pool`)."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1 and not holds_thread_pool():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _init_worker(parent_pid: int) -> None:
    """An OCR worker ends with its parent (SIGTERM), and takes its tesseract along."""
    die_with_parent(parent_pid)
    gc.enable()  # forked from a command that paused it for its start-up (`workflow.warm.pause_gc`)
    one_thread_per_worker()
    signal.signal(signal.SIGTERM, _end_worker)


def _end_worker(signum: int, frame: object) -> None:
    tesseract_exec.kill_running()
    kill_children()  # one started just before the signal is not registered yet
    os._exit(128 + signum)


def _run_pool(
    jobs: Iterator[OcrJob], options: IngestOptions, workers: int
) -> Iterator[tuple[int, OcrResult]]:
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context(),
                               initializer=_init_worker, initargs=(os.getpid(),))
    pending: dict[Future[tuple[int, OcrResult]], tuple[int, float]] = {}
    budget = _page_budget(options) * 2 + _STARTUP_SLACK_S  # may wait behind one page
    ok = False
    try:
        exhausted = False
        while True:
            while not exhausted and len(pending) < workers + 1:
                job = next(jobs, None)
                if job is None:
                    exhausted = True
                    break
                pending[pool.submit(_work, job, options)] = (job.index, time.monotonic())
            if not pending:
                break
            oldest = min(t for _, t in pending.values())
            remaining = max(0.1, oldest + budget - time.monotonic())
            done, _ = wait(pending, timeout=remaining, return_when=FIRST_COMPLETED)
            if not done:
                late = min(pending.values(), key=lambda v: v[1])[0]
                raise OcrTimeout(
                    f"OCR of page {late + 1} did not finish within {budget:g} s; raise "
                    "IngestOptions.ocr_timeout_s or lower dpi"
                )
            for fut in done:
                page_index, _started = pending.pop(fut)
                try:
                    yield fut.result()
                except IngestError:
                    raise
                except MemoryError as exc:
                    raise TooComplex(f"OCR of page {page_index + 1} needs more memory than its "
                                     "worker may use (BACKOFFICE_DOC_MEMORY_MB)") from exc
                except Exception as exc:  # a crashed worker (BrokenProcessPool)
                    raise OcrFailed(f"an OCR worker failed: {type(exc).__name__}: {exc}") from exc
        ok = True
    finally:
        if not ok:
            _kill(pool)
        pool.shutdown(wait=ok, cancel_futures=True)


def _kill(pool: ProcessPoolExecutor) -> None:
    """Stop workers that may be stuck on a page; shutdown() alone would wait for them."""
    procs = getattr(pool, "_processes", None) or {}
    for proc in list(procs.values()):
        if proc.is_alive():
            proc.terminate()
