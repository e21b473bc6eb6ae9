"""The TRAIN ingest cache reads documents pickled before a field was added."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from ingest.types import IngestedDocument, Page
from training import docs
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


def test_a_page_cached_before_a_new_field_gets_its_default(tmp_path: Path) -> None:
    page = Page(number=1, width=100.0, height=200.0, text="TOTAL 8.48")
    del page.turned  # as pickled before `turned` existed
    doc = IngestedDocument(filename="r.jpg", sha256="0" * 64, media_type="image/jpeg", size=1,
                           pages=[page])
    path = tmp_path / "old.pkl"
    path.write_bytes(pickle.dumps((doc, "receipt")))
    got, _subtype = read_cached(path)
    assert got.pages[0].turned == 0 and got.pages[0].text == "TOTAL 8.48"


def test_fill_cache_reads_each_document_once_in_worker_processes(tmp_path: Path,
                                                                  monkeypatch) -> None:
    corpus = tmp_path / "train" / "resumes_dotin"
    corpus.mkdir(parents=True)
    for i in range(2):
        (corpus / f"cv{i}.txt").write_text(
            f"Zorblat Quint {i}\nzq{i}@example.org\nSenior Widget Engineer\n", encoding="utf-8")
        (corpus / f"cv{i}.truth.json").write_text(json.dumps(
            {"doc_type": "hr", "subtype": "resume", "fields": {"employee_name": "x"}}))
    cache = tmp_path / "cache"
    monkeypatch.setenv(docs.CACHE_ENV, str(cache))  # the spawned workers' cache
    monkeypatch.setattr(docs, "CACHE_DIR", cache)
    assert docs.fill_cache(corpus.parent, workers=2, progress=False) == {"read": 2}
    assert len(list(cache.glob("*.pkl"))) == 2
    # a second run reads nothing, and the trainers find every document cached
    assert docs.fill_cache(corpus.parent, workers=1, progress=False) == {"cached": 2}
    got = list(docs.labelled_docs(corpus.parent, read_missing=False))
    assert sorted(ld.doc.filename for ld in got) == ["cv0.txt", "cv1.txt"]


def test_the_train_split_feeds_the_classifier_as_it_reads_documents(tmp_path: Path,
                                                                    monkeypatch) -> None:
    from classifiers import model_input
    from training.classifier import train_split_feedback

    corpus = tmp_path / "train" / "resumes_dotin"
    corpus.mkdir(parents=True)
    (corpus / "cv.txt").write_text("Zorblat Quint\nzq@example.org\nWidget Engineer\n",
                                   encoding="utf-8")
    (corpus / "cv.truth.json").write_text(json.dumps(
        {"doc_type": "hr", "subtype": "resume", "fields": {}}))
    (corpus / "odd.txt").write_text("x\n", encoding="utf-8")  # a type the model lacks
    (corpus / "odd.truth.json").write_text(json.dumps({"doc_type": "memo", "fields": {}}))
    monkeypatch.setattr(docs, "CACHE_DIR", tmp_path / "cache")
    got = train_split_feedback(corpus.parent)
    [(text, doc_type, subtype)] = got
    assert (doc_type, subtype) == ("hr", "resume") and "Widget Engineer" in text
    cached = next(docs.labelled_docs(corpus.parent, read_missing=False))
    assert text == model_input(cached.doc)[0]


def test_rebuilding_the_shipped_classifier_without_the_train_split_says_where_it_belongs(
        tmp_path: Path, monkeypatch, capsys) -> None:
    from api.cli import main

    monkeypatch.setattr(docs, "TRAIN_DIR", tmp_path / "absent")
    assert main(["train", "--shipped", "--out", str(tmp_path / "model")]) == 2
    err = capsys.readouterr().err
    assert str(tmp_path / "absent") in err and "--generated-only" in err
    assert not (tmp_path / "model").exists()
