"""Labelled documents for training, read once and cached by content hash.

Reading (and OCRing) 870 TRAIN documents takes the better part of an hour on two cores, so
each `IngestedDocument` is pickled under `.cache/ingest/<sha256>.pkl` (ignored by git) and
reused by every trainer. An evaluation data dir (`backoffice eval --data-dir D`) holds the
same pages in its database; `--from-data-dir D` seeds the cache from it without reading
the files again, and `python -m training.docs --workers N` fills it with N processes
(a fresh checkout: about 20 minutes on two cores). Nothing from these documents is written
into the repository.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import pickle
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluation.corpus import CorpusDoc, find_documents
from ingest.types import IngestedDocument
from records.blobs import atomic_write, sha256_bytes

REPO = Path(__file__).resolve().parent.parent
TRAIN_DIR = REPO.parent / "shared" / "train"
# BACKOFFICE_TRAIN_CACHE points the cache elsewhere (fresh readings with changed OCR code
# measured beside the shared cache, which other trainers keep reading)
CACHE_ENV = "BACKOFFICE_TRAIN_CACHE"
CACHE_DIR = Path(os.environ[CACHE_ENV]).resolve() if os.environ.get(CACHE_ENV) \
    else REPO / ".cache" / "ingest"


@dataclass(slots=True)
class LabelledDoc:
    """A TRAIN document: its truth, its pages and the classifier's subtype for it."""

    corpus: CorpusDoc
    doc: IngestedDocument
    subtype: str | None

    @property
    def truth(self) -> dict[str, Any]:
        return self.corpus.truth


def seed_from_data_dir(data_dir: Path) -> int:
    """Copy stored pages of an evaluation data dir into the cache; returns how many."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from records.models import Document
    from records.rows import document_from_rows

    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{data_dir / 'backoffice.db'}")
    n = 0
    with Session(engine) as s:
        for d in s.scalars(select(Document).where(Document.pages > 0)):
            out = CACHE_DIR / f"{d.sha256}.pkl"
            if out.exists():
                continue
            doc = document_from_rows(s, d.id)
            _write(out, (doc, d.subtype))
            n += 1
    return n


def _write(path: Path, obj: object) -> None:
    atomic_write(path, pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))


def _read_and_classify(path: Path) -> tuple[IngestedDocument, str | None]:
    from classifiers import classify
    from ingest import read_file

    doc = read_file(path)
    return doc, classify(doc).subtype


def read_cached(path: Path) -> tuple[IngestedDocument, str | None]:
    """One cached (document, subtype). A document pickled before a field was added to
    `IngestedDocument` (e.g. `structured`, for e-invoices) lacks that attribute, and
    extraction then fails on it: missing fields get their defaults, as a new read would."""
    with open(path, "rb") as fh:
        doc, subtype = pickle.load(fh)
    for obj in (doc, *doc.pages):  # a page pickled before `Page.turned` lacks it too
        _fill_defaults(obj)
    return doc, subtype


def _fill_defaults(obj: object) -> None:
    for f in dataclasses.fields(obj):  # type: ignore[arg-type]
        if not hasattr(obj, f.name):
            default = f.default_factory() if f.default_factory is not dataclasses.MISSING \
                else f.default
            setattr(obj, f.name, default)


def require_split(root: Path) -> None:
    """Raise FileNotFoundError, saying where it belongs, when the TRAIN split is absent."""
    if not root.is_dir():
        raise FileNotFoundError(f"{root} not found: the TRAIN split is expected at "
                                "../shared/train beside the repository")


def cache_path(path: Path) -> Path:
    """Where the reading of the document at `path` is cached (by its content hash)."""
    return CACHE_DIR / f"{sha256_bytes(path.read_bytes())}.pkl"


def labelled_docs(root: Path = TRAIN_DIR, sources: list[str] | None = None,
                  read_missing: bool = True) -> Iterator[LabelledDoc]:
    """TRAIN documents of `sources` with their pages, from the cache or read now."""
    require_split(root)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for cd in find_documents(root, sources):
        cached = cache_path(cd.path)
        if cached.exists():
            doc, subtype = read_cached(cached)
        elif read_missing:
            doc, subtype = _read_and_classify(cd.path)
            _write(cached, (doc, subtype))
        else:
            continue
        yield LabelledDoc(cd, doc, subtype)


def filer_group(cd: CorpusDoc) -> str:
    """`filer_key` of a corpus document (its normalized truth, raw where not normalized)."""
    truth = cd.truth
    return filer_key(cd.source, cd.path, truth.get("normalized") or truth.get("fields") or {})


def filer_key(source: str, path: Path, fields: Mapping[str, Any]) -> str:
    """Who wrote the document, so one filer's documents never sit in two folds.

    CUAD files start with the filer's name; Kleister NDAs are grouped by their first
    party; SROIE receipts by the chain (vendor name); resumes are one person each.
    """
    if source == "cuad":
        return "cuad:" + path.name.split("_")[0].split("-")[0].lower()
    if source == "kleister_nda":
        parties = fields.get("parties") or []
        first = sorted(str(p).lower() for p in parties)[:1]
        return "nda:" + (first[0] if first else path.stem)
    if source == "sroie":
        name = str(fields.get("vendor_name") or path.stem).lower()
        return "sroie:" + " ".join(name.split()[:2])
    return f"{source}:{path.stem}"


def _fill_one(path: Path) -> str:
    """Read one document into the cache (a worker process); returns what happened."""
    cached = cache_path(path)
    if cached.exists():
        return "cached"
    _write(cached, _read_and_classify(path))
    return "read"


def fill_cache(root: Path = TRAIN_DIR, sources: list[str] | None = None, workers: int = 2,
               progress: bool = True) -> dict[str, int]:
    """Read every TRAIN document of `sources` not yet cached, `workers` at a time.

    The trainers read missing documents one by one; on a fresh checkout (or a new machine)
    this fills the cache first with all cores busy: the OCR of 152 receipt photos is most
    of the time. `main` gives each worker one intra-op thread, so workers x threads = cores."""
    import multiprocessing

    from tqdm import tqdm

    require_split(root)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    paths = [cd.path for cd in find_documents(root, sources)]
    counts: dict[str, int] = {}
    with multiprocessing.get_context("spawn").Pool(max(1, workers)) as pool, \
            tqdm(total=len(paths), unit="doc", file=sys.stderr, disable=not progress) as bar:
        for what in pool.imap_unordered(_fill_one, paths):
            counts[what] = counts.get(what, 0) + 1
            bar.update(1)
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="read TRAIN documents into the training cache")
    ap.add_argument("--train", type=Path, default=TRAIN_DIR)
    ap.add_argument("--sources", nargs="*", default=None,
                    help="only these sources (default: all)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--no-progress", action="store_true")
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    counts = fill_cache(args.train, args.sources, args.workers, not args.no_progress)
    print(f"{CACHE_DIR}: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
