"""Load the models once in the parent of a document pool, so that its forked workers
share them instead of each loading its own.

Why: a worker used to start cold: it imported scikit-learn and the extractors and
unpickled the classifier and every family's models on its first documents (1-2 CPU-s),
in each worker. On a batch of a few dozen pages that is most of the run, and two workers
paid it twice over on two cores: `backoffice bench` read born-digital documents at 7.06
pages/s with one worker and 5.01 with two, receipts at 0.80 s each with one and 1.04 with
two. Loaded in the parent before the pool forks, the pages hold the models once
(copy-on-write) and every worker starts warm.

Only loading happens here, never a prediction: no OpenMP or onnxruntime thread is started
in the parent, so forking after it is as safe as before (see `modelfile.single_thread`).
A model that fails to load is left to the workers, which report it per document as
before. OCR engines are not loaded: their sessions own threads.
"""

from __future__ import annotations

import gc
import importlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.sniff import EXTENSION_TYPES, IMAGE_TYPES

if TYPE_CHECKING:
    import multiprocessing.context

log = logging.getLogger(__name__)

# (module, loader) of every model and table a document may need, each cached by its module
# for the life of the process: the classifier, each family's extractor models, then tables.
LOADERS: tuple[tuple[str, str], ...] = (
    ("classifiers", "_get"),
    ("extractors.recalibration", "load"),
    ("extractors.invoice.model", "load"),
    ("extractors.invoice.calibrate", "load"),
    ("extractors.invoice.customer", "load"),
    ("extractors.invoice.line_items", "load_model"),
    ("extractors.invoice.receipt_ranker", "load"),
    ("extractors.contract.ranker", "load"),
    ("extractors.contract.party_ranker", "load"),
    ("extractors.contract.title_ranker", "load"),
    ("extractors.contract.calibration", "load"),
    ("extractors.clauses", "load_model"),
    ("extractors.hr.name_ranker", "load"),
    ("extractors.hr.title_ranker", "load"),
    # tables built on first use: word costs for re-spacing OCR text (0.3-0.5 CPU-s), the
    # line-item and customer vocabularies, country names, python-stdnum's validators
    ("extractors.invoice.spacing", "_costs"),
    ("extractors.invoice.spacing", "_fix_indexes"),
    ("extractors.invoice.line_items", "vocabulary"),
    ("extractors.invoice.customer", "labels"),
    ("policies.countries", "_names"),
    ("extractors.normalize", "_tax_validators"),
    ("policies.rules.ap", "schwifty"),
    # SQLAlchemy's mapper configuration (relationships, loaders: ~0.05 CPU-s), done on a
    # process's first query otherwise, in every worker
    ("workflow.warm", "configure_orm"),
)
# Models of documents that are rarely photographed: a batch of image files only (receipts,
# invoices) leaves them to the worker that meets such a document (0.4-0.5 CPU-s saved).
NOT_FOR_PHOTOS: frozenset[str] = frozenset({
    "extractors.contract.ranker.load", "extractors.contract.party_ranker.load",
    "extractors.contract.title_ranker.load", "extractors.contract.calibration.load",
    "extractors.clauses.load_model", "extractors.hr.name_ranker.load",
    "extractors.hr.title_ranker.load",
})
# For a batch with image files: tesseract's version and language packs (two runs of the
# program, cached for the process), which every OCR'ing worker would otherwise ask again.
FOR_PHOTOS: tuple[tuple[str, str], ...] = (("ingest._exec.tesseract", "languages"),)
# For a batch with a receipt-shaped photo (RapidOCR reads those pages again in "auto"):
# its models as pool workers use them (one onnxruntime thread), loaded once here instead
# of by every worker (0.3-0.4 CPU-s each). Photos of other shapes rarely need them.
FOR_NARROW_PHOTOS: tuple[tuple[str, str], ...] = (("ingest.ocr.pool", "preload_for_workers"),)
# Modules the stages import on a document's way through (lazily, for a one-file run):
# ours, and the libraries they import inside functions (PDF readers, date and price parsing).
MODULES: tuple[str, ...] = (
    "ingest", "ingest.readers.pdf", "ingest.einvoice", "extractors.invoice",
    "extractors.invoice.till", "extractors.invoice.hints", "extractors.contract", "extractors.hr",
    "extractors.clauses",
    "policies.engine", "pypdfium2", "pypdf", "pypdf.filters", "dateparser", "price_parser",
    "schwifty",
)
# ... and of those modules, the ones a batch of image files only leaves to the worker that
# meets a PDF, a contract or an HR document (pypdf, the contract, HR and clause extractors:
# ~0.35 CPU-s of the parent's warm-up, before any worker starts).
MODULES_NOT_FOR_PHOTOS: frozenset[str] = frozenset({
    "ingest.readers.pdf", "ingest.einvoice", "pypdfium2", "pypdf", "pypdf.filters",
    "extractors.contract", "extractors.hr", "extractors.clauses",
})
# Dates with month names, parsed once: dateparser builds its time-zone patterns on its first
# parse and each language's patterns when it first tries that language (0.3-0.5 CPU-s in
# all); the last one is no date in any language, so every default language is tried. The
# results stay in `normalize_date`'s cache.
DATES: tuple[str, ...] = ("March 5, 2024", "5 März 2024", "Date: 5 Mar 2024")


def configure_orm() -> None:
    """Configure the storage's ORM mappers now (what the first query does otherwise)."""
    from sqlalchemy.orm import configure_mappers

    import records.models  # noqa: F401 - the mappers to configure

    configure_mappers()


@dataclass
class Warmed:
    """What `warm_for_fork` loaded, what it left to the workers, and its CPU time."""

    loaded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    cpu_s: float = 0.0


def pool_context() -> multiprocessing.context.BaseContext:
    """The start method of a document pool: fork wherever the platform has it, as
    `backoffice process` always had on Linux. Left to the default, a process that was itself
    started with spawn (each `backoffice bench` run) passed spawn on to its pool, whose
    workers then imported and loaded everything again: that, not the pool, made two workers
    slower than one in the bench."""
    import multiprocessing  # here: a one-worker run (one file) starts no pool (~10 ms)

    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def forks() -> bool:
    """Whether the document pool's workers are forks of this process."""
    return pool_context().get_start_method() == "fork"


def named_as_image(path: Path) -> bool:
    """Whether the file's name says image. Only a hint for what to load (a wrong guess
    costs a worker one lazy load); reading decides from the bytes."""
    return EXTENSION_TYPES.get(Path(path).suffix.lower()) in IMAGE_TYPES


def receipt_shaped(path: Path) -> bool:
    """Whether an image file is much longer than wide either way up (`narrow_aspect`, as
    `ingest.ocr.select.is_narrow` asks of its page), from its header alone."""
    from PIL import Image

    from ingest.ocr.select import is_narrow
    from ingest.options import IngestOptions

    try:
        with Image.open(path) as im:
            w, h = im.size
    except Exception:  # noqa: BLE001 - unreadable here: the reader reports it
        return False
    return is_narrow(min(w, h), max(w, h), IngestOptions())


def photos_only(paths: Sequence[Path]) -> bool:
    """Whether every file of the batch is named as an image (`named_as_image`)."""
    return bool(paths) and all(named_as_image(p) for p in paths)


def warm_for_fork(loaders: tuple[tuple[str, str], ...] = LOADERS,
                  modules: tuple[str, ...] = MODULES,
                  paths: Sequence[Path] = ()) -> Warmed:
    """Import `modules` and call each loader once in this process (see module docstring);
    for a batch of `paths` that are all images, not the loaders in NOT_FOR_PHOTOS."""
    out = Warmed()
    if photos_only(paths):
        loaders = tuple(lo for lo in loaders if f"{lo[0]}.{lo[1]}" not in NOT_FOR_PHOTOS)
        modules = tuple(m for m in modules if m not in MODULES_NOT_FOR_PHOTOS)
    if any(named_as_image(p) for p in paths):
        loaders = (*loaders, *FOR_PHOTOS)
        if any(receipt_shaped(p) for p in paths if named_as_image(p)):
            loaders = (*loaders, *FOR_NARROW_PHOTOS)
    t = time.process_time()
    collecting = gc.isenabled()
    gc.disable()  # imports and unpickling build objects by the hundred thousand, no garbage
    try:
        _load(out, loaders, modules)
    finally:
        if collecting:
            gc.enable()
    out.cpu_s = time.process_time() - t
    return out


def _load(out: Warmed, loaders: tuple[tuple[str, str], ...], modules: tuple[str, ...]) -> None:
    """Import `modules`, call `loaders`, parse `DATES`; what fails is left to the workers."""
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - a worker meets it again and reports it
            log.debug("warm-up: import %s failed (%s); workers import it themselves", name, exc)
            out.skipped.append(name)
    for module, loader in loaders:
        key = f"{module}.{loader}"
        try:
            getattr(importlib.import_module(module), loader)()
            out.loaded.append(key)
        except Exception as exc:  # noqa: BLE001 - same: left to the workers
            log.debug("warm-up: %s failed (%s); workers load it themselves", key, exc)
            out.skipped.append(key)
    try:
        from extractors.normalize import normalize_date

        for text in DATES:
            normalize_date(text)
        out.loaded.append("dateparser")
    except Exception as exc:  # noqa: BLE001 - same: left to the workers
        log.debug("warm-up: dateparser failed (%s)", exc)
        out.skipped.append("dateparser")


# ---------------------------------------------------------------------- the collector
# While a batch starts, imports and unpickling build objects by the hundred thousand and
# no garbage; the cyclic collector walked them over and over (about 0.2 of the 1.6-1.9
# CPU-s of a one-file `backoffice process`, perf stat -r 5). A one-process batch (the CLI
# with one worker, each `backoffice bench` run) pauses it until its first document is
# done; the pool's parent pauses it for `warm_for_fork`.
_paused = False



def pause_gc() -> None:
    """Stop the cyclic garbage collector until `resume_gc` (reference counting still
    frees everything that forms no cycle). Only for a process that is one batch (a command,
    a bench run), never in a server: the collector is the whole process's. Forked
    workers enable it again (`workflow.process._init_worker`, the OCR pool's)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_gc(more_to_come: bool = True, exiting: bool = False) -> None:
    """Start the collector that `pause_gc` stopped. With `more_to_come` (the batch goes on)
    it collects once, then freezes what survived (modules, models: they live as long as the
    process) so that later collections skip it; after the last document it only enables
    the collector, and with `exiting` (the process ends next: the `backoffice` program,
    `api.cli.entry`) freezes first: enabled alone, the collector's next young-generation
    pass walked every object made while it was paused, all of them still young (0.05-0.2 s
    at the end of a one-file `backoffice process`)."""
    global _paused
    if not _paused:
        return
    _paused = False
    if more_to_come:
        gc.collect()
        gc.freeze()
    elif exiting:
        gc.freeze()
    gc.enable()
