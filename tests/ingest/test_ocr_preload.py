"""A pool's parent loads RapidOCR's models with one onnxruntime thread before it forks
(`ingest.ocr.pool.preload_for_workers`): a forked worker reads a receipt with them, the
same words as a process that loads its own, and loads nothing itself. Run in a fresh
interpreter: the test process may hold engines already."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

_SCRIPT = r"""
import json, multiprocessing, sys
from PIL import Image
import ingest.ocr.rapidocr as rapid
from ingest.ocr.pool import preload_for_workers
from ingest.ocr.rapidocr import RapidOcrEngine

def words(path):
    img = Image.open(path).convert("RGB")
    res = RapidOcrEngine(threads=1).recognize(img, img.width * 0.24, img.height * 0.24)
    return [w.text for w in res.words]

def in_child(path, q):
    loaded_before = rapid._ENGINE is not None
    q.put((loaded_before, words(path), rapid._ENGINE is engine_id_holder[0]))

if __name__ == "__main__":
    path = sys.argv[1]
    alone = multiprocessing.get_context("spawn").Pool(1).apply(words, (path,))
    preload_for_workers()
    engine_id_holder = [rapid._ENGINE]
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=in_child, args=(path, q)); p.start()
    loaded_before, forked, same = q.get(timeout=300); p.join(60)
    print(json.dumps([loaded_before, same, forked == alone, len(alone)]))
"""


def _photo(tmp_path: Path) -> Path:
    pytest.importorskip("rapidocr_onnxruntime")
    from evaluation.bench import make_receipt_photos

    (photo,) = make_receipt_photos(tmp_path, 1)
    return photo


def _run(tmp_path: Path, source: str, *args: str) -> object:
    """`source` run as a script in a fresh interpreter; its last line of output, as JSON."""
    script = tmp_path / "script.py"
    script.write_text(source)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(script), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_forked_worker_reads_with_the_parents_engine(tmp_path: Path) -> None:
    photo = _photo(tmp_path)
    loaded_before, same_engine, same_words, n_words = _run(tmp_path, _SCRIPT, str(photo))
    assert loaded_before and same_engine and same_words
    assert n_words > 5


_SPIN = r"""
import json, sys
from PIL import Image
spin = sys.argv[2] == "1"
if spin:  # RapidOCR's own sessions, as before: onnxruntime's default spin-waiting
    from rapidocr_onnxruntime import RapidOCR
    import ingest.ocr.rapidocr as rapid
    rapid._ENGINE, rapid._ENGINE_THREADS = RapidOCR(), None
    rapid.sessions_without_spinning = lambda: None
from ingest.ocr.rapidocr import RapidOcrEngine, _get_rapidocr
img = Image.open(sys.argv[1]).convert("RGB")
words = [w.text for w in RapidOcrEngine(threads=None, second_reading=False).recognize(
    img, img.width * 0.24, img.height * 0.24).words]
opts = _get_rapidocr(None).text_det.infer.session.get_session_options()
print(json.dumps([words, opts.get_session_config_entry("session.intra_op.allow_spinning")
                  if not spin else "default"]))
"""


def test_rapidocr_sessions_do_not_spin_and_read_the_same(tmp_path: Path) -> None:
    photo = _photo(tmp_path)
    (spun, _), (still, setting) = [_run(tmp_path, _SPIN, str(photo), spin)
                                   for spin in ("1", "0")]
    assert setting == "0"
    assert still == spun and len(still) > 5
