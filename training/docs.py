"""Labelled documents for training, read once and cached by content hash.

Reading (and OCRing) 870 TRAIN documents takes the better part of an hour on two cores, so
each `IngestedDocument` is pickled under `.cache/ingest/<sha256>.pkl` (ignored by git) and
reused by every trainer. An evaluation data dir (`backoffice eval --data-dir D`) holds the
same pages in its database; `--from-data-dir D` seeds the cache from it without reading
the files again. Nothing from these documents is written into the repository.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
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
    for f in dataclasses.fields(doc):
        if not hasattr(doc, f.name):
            default = f.default_factory() if f.default_factory is not dataclasses.MISSING \
                else f.default
            setattr(doc, f.name, default)
    return doc, subtype


def labelled_docs(root: Path = TRAIN_DIR, sources: list[str] | None = None,
                  read_missing: bool = True) -> Iterator[LabelledDoc]:
    """TRAIN documents of `sources` with their pages, from the cache or read now."""
    if not root.is_dir():
        raise FileNotFoundError(f"{root} not found: the TRAIN split is expected at "
                                "../shared/train beside the repository")
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for cd in find_documents(root, sources):
        cached = CACHE_DIR / f"{sha256_bytes(cd.path.read_bytes())}.pkl"
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
