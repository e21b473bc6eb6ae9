"""workflow.warm: a batch's parent loads the models before its pool forks, so no worker
unpickles a model file of its own, and the results are those of one worker. Run in a fresh
interpreter: the test process may hold every model already, and its forks would too."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

from workflow import warm

ROOT = Path(__file__).resolve().parents[2]

_SCRIPT = r"""
import json, os, sys
from pathlib import Path
from modelfile import container
from tests.conftest import INVOICE_LINES, pdf_bytes
from workflow.process import process_many
from workflow.settings import Settings

log = Path(sys.argv[1]); folder = Path(sys.argv[2])
real = container.loads

def loads(raw, filename=""):  # every model file unpickled, by which process
    with open(log, "a") as fh:
        fh.write(f"{os.getpid()} {Path(filename).name}\n")
    return real(raw, filename)

container.loads = loads
folder.mkdir()
paths = [folder / "invoice.pdf", folder / "note.txt"]
paths[0].write_bytes(pdf_bytes(INVOICE_LINES))
paths[1].write_text("Team lunch moved to Thursday. Bring your own mug.\n")
c = folder / "contract.txt"
c.write_text("SERVICES AGREEMENT\nThis Agreement is made between Contoso Ltd and Fabrikam "
             "Inc.\n1. Term. This Agreement starts on March 1, 2024.\nThis Agreement is "
             "governed by the laws of the State of New York.\n")
paths.append(c)
out = {}
for workers in (2, 1):
    settings = Settings.from_env(Path(sys.argv[3]) / f"w{workers}")
    settings.search_enabled = False
    out[workers] = [{k: r.get(k) for k in ("file", "status", "doc_type", "fields", "violations")}
                    for r in process_many(paths, settings, workers=workers)]
    if workers == 2:
        lines = log.read_text().split() if log.exists() else []
        pids = lines[0::2]
        out["parent_loads"] = sum(p == str(os.getpid()) for p in pids)
        out["worker_loads"] = sorted(f for p, f in zip(pids, lines[1::2]) if p != str(os.getpid()))
import gc
out["frozen_after"] = gc.get_freeze_count()  # the parent collects its garbage again
print(json.dumps(out))
"""


def test_workers_of_a_batch_load_no_model_and_give_the_results_of_one(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BACKOFFICE_SEARCH": "0"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(tmp_path / "loads.log"), str(tmp_path / "in"),
         str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["worker_loads"] == []
    assert out["frozen_after"] == 0
    assert out["parent_loads"] > 0  # before: none, and every worker loaded its own
    for two, one in zip(out["2"], out["1"], strict=True):
        assert {k: v for k, v in two.items() if two[k] != one[k]} == {}, one
    assert {r["doc_type"] for r in out["1"]} >= {"invoice"}


def test_warm_up_skips_what_fails_and_reports_it() -> None:
    got = warm.warm_for_fork(loaders=(("json", "dumps"), ("no_such_module_x", "load")),
                             modules=("no_such_module_y",))
    assert "no_such_module_x.load" in got.skipped and "no_such_module_y" in got.skipped
    assert got.cpu_s >= 0


def test_a_batch_of_photos_leaves_contract_and_hr_models_to_the_workers() -> None:
    loaders = (("json", "dumps"), ("extractors.clauses", "load_model"))
    assert warm.photos_only([Path("a.jpg"), Path("b.PNG")])
    assert not warm.photos_only([Path("a.jpg"), Path("c.pdf")]) and not warm.photos_only([])
    got = warm.warm_for_fork(loaders=loaders, modules=(), paths=[Path("a.jpg")])
    assert "extractors.clauses.load_model" not in got.loaded + got.skipped
    got = warm.warm_for_fork(loaders=loaders, modules=(), paths=[Path("a.pdf")])
    assert "extractors.clauses.load_model" in got.loaded + got.skipped
    assert {"pypdf", "extractors.clauses", "extractors.hr"} <= warm.MODULES_NOT_FOR_PHOTOS


def test_a_batch_of_photos_leaves_pdf_contract_and_hr_modules_to_the_workers(
        monkeypatch) -> None:
    # modules that do not exist: a tried one lands in `skipped`
    monkeypatch.setattr(warm, "MODULES_NOT_FOR_PHOTOS", frozenset({"no_such_module_w"}))
    modules = ("no_such_module_w", "no_such_module_z")
    got = warm.warm_for_fork(loaders=(), modules=modules, paths=[Path("a.jpg")])
    assert got.skipped == ["no_such_module_z"]
    got = warm.warm_for_fork(loaders=(), modules=modules, paths=[Path("a.jpg"), Path("b.pdf")])
    assert got.skipped == ["no_such_module_w", "no_such_module_z"]


def test_the_pool_forks_even_in_a_process_started_with_spawn() -> None:
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:  # as each `backoffice bench` run is started
        assert pool.apply(warm.forks) is True


def test_the_paused_collector_resumes_frozen_or_as_it_was() -> None:
    import gc

    from workflow.warm import pause_gc, resume_gc

    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    try:
        pause_gc()
        assert not gc.isenabled()
        resume_gc(more_to_come=False)  # a last document: no collection, no freeze
        assert gc.isenabled() and gc.get_freeze_count() == frozen
        pause_gc()
        resume_gc(more_to_come=False, exiting=True)  # ... in a process that ends next:
        assert gc.isenabled() and gc.get_freeze_count() > frozen  # frozen, not walked
        assert gc.get_count()[0] < 100
        gc.unfreeze()
        pause_gc()
        resume_gc(more_to_come=True)  # a batch goes on: what lives so far is frozen
        assert gc.isenabled() and gc.get_freeze_count() > frozen
        gc.unfreeze()
        gc.disable()  # paused by someone else: left to them
        pause_gc()
        resume_gc()
        assert not gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()


def test_the_warm_up_pauses_the_collector_and_leaves_it_as_it_was(monkeypatch) -> None:
    import gc

    seen = []
    monkeypatch.setattr(warm, "_load", lambda *a: seen.append(gc.isenabled()))
    warm.warm_for_fork(loaders=(), modules=())
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        warm.warm_for_fork(loaders=(), modules=())
        assert not gc.isenabled()  # not enabled behind the back of who disabled it
    finally:
        gc.enable()


def test_rapidocr_is_loaded_before_the_fork_only_for_receipt_shaped_photos(
        tmp_path: Path) -> None:
    from PIL import Image

    tall, wide, square = tmp_path / "tall.jpg", tmp_path / "wide.png", tmp_path / "sq.jpg"
    Image.new("RGB", (300, 900)).save(tall)
    Image.new("RGB", (900, 300)).save(wide)  # a receipt photographed sideways
    Image.new("RGB", (500, 600)).save(square)
    assert warm.receipt_shaped(tall) and warm.receipt_shaped(wide)
    assert not warm.receipt_shaped(square) and not warm.receipt_shaped(tmp_path / "none.jpg")
    key = "ingest.ocr.pool.preload_for_workers"
    stub = (("json", "dumps"),)
    got = warm.warm_for_fork(loaders=stub, modules=(), paths=[square])
    assert key not in got.loaded + got.skipped
    got = warm.warm_for_fork(loaders=stub, modules=(), paths=[square, tall])
    assert key in got.loaded + got.skipped


def test_every_loader_and_module_the_warm_up_names_exists() -> None:
    # a renamed loader is skipped silently (workers then build it each): spacing's
    # `_fix_index` had become `_fix_indexes`
    for module, loader in (*warm.LOADERS, *warm.FOR_PHOTOS, *warm.FOR_NARROW_PHOTOS):
        assert callable(getattr(importlib.import_module(module), loader, None)), (module, loader)
    for name in warm.MODULES:
        assert importlib.util.find_spec(name) is not None, name
