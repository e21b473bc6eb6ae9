"""Labelled documents for training, read once and cached by content hash.

Reading (and OCRing) 870 TRAIN documents takes the better part of an hour on two cores, so
each `IngestedDocument` is pickled under `.cache/ingest/<sha256>.pkl` (ignored by git) and
reused by every trainer. An evaluation data dir (`backoffice eval --data-dir D`) holds the
same pages in its database; `--from-data-dir D` seeds the cache from it without reading
the files again. Nothing from these documents is written into the repository.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.evaluation.corpus import CorpusDoc, find_documents
from ingest.types import IngestedDocument

REPO = Path(__file__).resolve().parent.parent
TRAIN_DIR = REPO.parent / "shared" / "train"
CACHE_DIR = REPO / ".cache" / "ingest"


@dataclass(slots=True)
class LabelledDoc:
    """A TRAIN document: its truth, its pages and the classifier's subtype for it."""

    corpus: CorpusDoc
    doc: IngestedDocument
    subtype: str | None

    @property
    def truth(self) -> dict[str, Any]:
        return self.corpus.truth


def content_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def seed_from_data_dir(data_dir: Path) -> int:
    """Copy stored pages of an evaluation data dir into the cache; returns how many."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from records.models import Document
    from records.review import document_from_rows

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
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


def _read_and_classify(path: Path) -> tuple[IngestedDocument, str | None]:
    from classifiers import classify
    from ingest import read_file

    doc = read_file(path)
    return doc, classify(doc).subtype


def labelled_docs(root: Path = TRAIN_DIR, sources: list[str] | None = None,
                  read_missing: bool = True) -> Iterator[LabelledDoc]:
    """TRAIN documents of `sources` with their pages, from the cache or read now."""
    if not root.is_dir():
        raise FileNotFoundError(f"{root} not found: the TRAIN split is expected at "
                                "../shared/train beside the repository")
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for cd in find_documents(root, sources):
        cached = CACHE_DIR / f"{content_hash(cd.path)}.pkl"
        if cached.exists():
            with open(cached, "rb") as fh:
                doc, subtype = pickle.load(fh)
        elif read_missing:
            doc, subtype = _read_and_classify(cd.path)
            _write(cached, (doc, subtype))
        else:
            continue
        yield LabelledDoc(cd, doc, subtype)


def filer_group(cd: CorpusDoc) -> str:
    """Who wrote the document, so one filer's documents never sit in two folds.

    CUAD files start with the filer's name; Kleister NDAs are grouped by their first
    party; SROIE receipts by the chain (vendor name); resumes are one person each.
    """
    truth = cd.truth
    fields = truth.get("normalized") or truth.get("fields") or {}
    if cd.source == "cuad":
        return "cuad:" + cd.path.name.split("_")[0].split("-")[0].lower()
    if cd.source == "kleister_nda":
        parties = fields.get("parties") or []
        first = sorted(str(p).lower() for p in parties)[:1]
        return "nda:" + (first[0] if first else cd.path.stem)
    if cd.source == "sroie":
        name = str(fields.get("vendor_name") or cd.path.stem).lower()
        return "sroie:" + " ".join(name.split()[:2])
    return f"{cd.source}:{cd.path.stem}"
