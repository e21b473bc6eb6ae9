"""A process that read a page with RapidOCR on every core, then OCRs a two-page file in a
pool: its workers must not be forked. onnxruntime's state is copied mid-use by a fork,
its threads are not, and a forked worker that builds its own session waits for ever
(reproduced: a one-worker run that read a receipt photo, then a two-page scan). Run in a
fresh interpreter with a deadline, so a hang fails the test instead of the suite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"

_SCRIPT = r"""
import sys
from PIL import Image, ImageDraw, ImageFont
from ingest.ocr.pool import OcrJob, run_ocr
from ingest.ocr.rapidocr import RapidOcrEngine, holds_thread_pool
from ingest.options import IngestOptions


def main():
    font = ImageFont.truetype(sys.argv[1], 22)
    img = Image.new("RGB", (480, 300), "white")
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(["TOTAL 8.48", "CASH 10.00", "CHANGE 1.52", "THANK YOU"]):
        draw.text((20, 20 + 40 * i), line, font=font, fill="black")
    RapidOcrEngine(threads=None, second_reading=False).recognize(img, 115, 72)
    assert holds_thread_pool()
    opts = IngestOptions(ocr_engine="rapidocr", ocr_workers=2, ocr_second_reading=False)
    jobs = [OcrJob(index=i, image=img, width_pt=115, height_pt=72, photo=True)
            for i in range(2)]
    out = dict(run_ocr(iter(jobs), opts, 2))
    print(sorted(out), ["TOTAL" in " ".join(w.text for w in r.words) for r in out.values()])


if __name__ == "__main__":
    main()
"""


def test_a_pool_after_reading_with_every_core_does_not_hang(tmp_path: Path) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    if not Path(FONT).exists():
        pytest.skip(f"{FONT} not installed (apt-get install fonts-dejavu-core)")
    script = tmp_path / "pool_after_reading.py"
    script.write_text(_SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        done = subprocess.run([sys.executable, str(script), FONT], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=240)
    except subprocess.TimeoutExpired:
        pytest.fail("the OCR pool's workers hung (forked from a process holding "
                    "onnxruntime's threads)")
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "[0, 1] [True, True]"


def test_only_a_one_thread_engine_may_be_forked(monkeypatch) -> None:
    from ingest.ocr import pool, rapidocr, second_reading

    monkeypatch.setattr(second_reading, "_REC", None)
    monkeypatch.setattr(rapidocr, "_ENGINE", object())
    for threads, forks in ((1, True), (None, False), (2, False)):
        monkeypatch.setattr(rapidocr, "_ENGINE_THREADS", threads)
        assert rapidocr.holds_thread_pool() is (not forks)
        if pool.threading.active_count() == 1:
            assert (pool._context().get_start_method() == "fork") is forks
