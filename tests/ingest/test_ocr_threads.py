"""OCR run inside a pool worker uses one thread per library (onnxruntime, OpenCV, tesseract's
OpenMP); the main process, and a process that is no pool's worker, all cores."""

from __future__ import annotations

import os

import cv2
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
