"""OCR run inside a pool worker uses one thread per library (onnxruntime, OpenCV, tesseract's
OpenMP); the main process, and a process that is no pool's worker, all cores."""

from __future__ import annotations

import multiprocessing
import os

import cv2
import numpy as np
import pytest
from PIL import Image

import ingest.ocr.pool as pool
from ingest.options import IngestOptions


def _seen_threads(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    seen: list[int | None] = []

    def fake(image, w, h, options, *, photo=False, threads=None):  # noqa: ANN001, ANN202
        seen.append(threads)
        return object()

    monkeypatch.setattr(pool, "recognize_page", fake)
    job = pool.OcrJob(index=0, image=Image.new("L", (10, 10)), width_pt=10, height_pt=10)
    out = list(pool.run_ocr([job], IngestOptions(ocr_workers=1), 1))
    assert [i for i, _ in out] == [0]
    return seen


@pytest.fixture
def restored(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """one_thread_per_worker changes process-wide state: put it back afterwards."""
    for name in pool._ONE_THREAD_ENV:
        if name in os.environ:
            monkeypatch.setenv(name, os.environ[name])
        else:
            monkeypatch.delenv(name, raising=False)
    before = cv2.getNumThreads()
    monkeypatch.setattr(pool, "_one_thread", False)
    yield
    cv2.setNumThreads(before)


def test_not_a_pool_worker_uses_all_cores(monkeypatch: pytest.MonkeyPatch, restored: None) -> None:
    # a spawned child that is no pool's worker (the bench's runs) reads like the CLI
    assert _seen_threads(monkeypatch) == [None]


def test_a_pool_worker_uses_one_thread_everywhere(monkeypatch: pytest.MonkeyPatch,
                                                  restored: None) -> None:
    pool.one_thread_per_worker()  # what the document pool's and the OCR pool's workers run
    assert _seen_threads(monkeypatch) == [1]
    assert os.environ["OMP_THREAD_LIMIT"] == "1" and os.environ["OMP_NUM_THREADS"] == "1"
    assert cv2.getNumThreads() == 1


def test_the_document_pool_worker_is_a_pool_worker(monkeypatch: pytest.MonkeyPatch,
                                                   restored: None, tmp_path) -> None:  # noqa: ANN001
    import workflow.process as wp

    monkeypatch.setattr(wp, "_worker", None)
    monkeypatch.setattr(wp, "die_with_parent", lambda pid=None: True)  # not on pytest itself
    monkeypatch.delenv("DATABASE_URL", raising=False)
    wp._init_worker(str(tmp_path))
    assert pool._one_thread and os.environ["OMP_THREAD_LIMIT"] == "1"


def _become_pool_worker() -> None:
    pool.one_thread_per_worker()
    cv2.GaussianBlur(np.zeros((2000, 2000), np.uint8), (9, 9), 0)


def test_a_worker_forked_after_parallel_opencv_work_starts(restored: None) -> None:
    """OpenCV's thread pool does not survive fork: a worker forked from a parent that had run
    a parallel OpenCV step hung for ever setting its thread count (seen with the document
    pool under a parent that had OCR'd a photo). The parent's count is back afterwards."""
    cv2.setNumThreads(2)
    big = np.random.default_rng(0).integers(0, 255, (3000, 3000), dtype=np.uint8)
    for _ in range(3):  # starts OpenCV's worker threads in this process
        cv2.GaussianBlur(big, (9, 9), 0)
        cv2.resize(big, (4000, 4000))
    child = multiprocessing.get_context("fork").Process(target=_become_pool_worker)
    child.start()
    child.join(60)
    hung = child.is_alive()
    if hung:
        child.kill()
        child.join()
    assert not hung, "the forked worker hung in OpenCV's thread set-up"
    assert child.exitcode == 0
    assert cv2.getNumThreads() == 2
