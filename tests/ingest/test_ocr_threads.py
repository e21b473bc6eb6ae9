"""OCR run inside a worker process uses one onnxruntime thread; the main process all."""

from __future__ import annotations

import multiprocessing

import pytest
from PIL import Image

import ingest.ocr.pool as pool
from ingest.options import IngestOptions


@pytest.mark.parametrize(("in_worker", "want"), [(True, 1), (False, None)])
def test_in_process_ocr_thread_count(monkeypatch: pytest.MonkeyPatch, in_worker: bool,
                                     want: int | None) -> None:
    seen: list[int | None] = []

    def fake(image, w, h, options, *, photo=False, threads=None):  # noqa: ANN001, ANN202
        seen.append(threads)
        return object()

    monkeypatch.setattr(pool, "recognize_page", fake)
    monkeypatch.setattr(multiprocessing, "parent_process",
                        lambda: object() if in_worker else None)
    job = pool.OcrJob(index=0, image=Image.new("L", (10, 10)), width_pt=10, height_pt=10)
    out = list(pool.run_ocr([job], IngestOptions(ocr_workers=1), 1))
    assert [i for i, _ in out] == [0] and seen == [want]
