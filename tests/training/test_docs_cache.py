"""The TRAIN ingest cache reads documents pickled before a field was added."""

from __future__ import annotations

import pickle
from pathlib import Path

from ingest.types import IngestedDocument
from training.docs import read_cached


def test_a_document_cached_before_a_new_field_gets_its_default(tmp_path: Path) -> None:
    doc = IngestedDocument(filename="r.jpg", sha256="0" * 64, media_type="image/jpeg", size=1)
    del doc.structured  # as pickled before `structured` existed
    del doc.timings_ms
    path = tmp_path / "old.pkl"
    path.write_bytes(pickle.dumps((doc, "receipt")))
    got, subtype = read_cached(path)
    assert subtype == "receipt" and got.filename == "r.jpg"
    assert got.structured is None and got.timings_ms == {}
