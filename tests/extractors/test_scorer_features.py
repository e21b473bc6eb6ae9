"""`extractors.scorer.feature_matrix` builds what the shipped rankers' DictVectorizer builds:
the same matrix for every feature row the rankers score on TRAIN and generated documents
(skipped without TRAIN), and the vectoriser's own path for what it does not handle."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from classifiers import classify
from evaluation.bench import make_born_digital
from extractors import extract
from extractors.scorer import CandidateScorer, feature_matrix
from ingest import read_file

TRAIN = Path(__file__).resolve().parents[2].parent / "shared" / "train"


def _rows_scored(paths: list[Path], monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """(vectoriser, rows) of every call of a ranker while extracting from `paths`."""
    seen: list[tuple] = []
    real = CandidateScorer.scores

    def scores(self, rows):  # type: ignore[no-untyped-def]
        seen.append((self.vec, list(rows)))
        return real(self, rows)

    monkeypatch.setattr(CandidateScorer, "scores", scores)
    for path in paths:
        doc = read_file(path)
        extract(doc, classify(doc))
    return seen


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)


def test_the_rankers_rows_give_the_vectorisers_matrix(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    paths = make_born_digital(tmp_path / "gen", 4)
    if TRAIN.is_dir():
        for folder, pattern, n in (("cuad", "*.pdf", 2), ("kleister_nda", "*.pdf", 2),
                                   ("resumes_dotin", "*.txt", 4)):
            paths += sorted((TRAIN / folder).glob(pattern))[:n]
    seen = _rows_scored(paths, monkeypatch)
    assert len(seen) >= 10 and sum(len(rows) for _, rows in seen) >= 100
    for vec, rows in seen:
        assert _same(feature_matrix(vec, rows), vec.transform(rows))


def test_a_value_it_does_not_handle_goes_to_the_vectoriser(monkeypatch) -> None:
    from sklearn.feature_extraction import DictVectorizer

    vec = DictVectorizer(sparse=False).fit([{"a": 1.0, "b": "x", "c": ["p", "q"]}])
    rows = [{"a": 2.5, "b": "x", "zz": 3.0}, {"a": None, "b": "y"}]
    assert _same(feature_matrix(vec, rows), vec.transform(rows))  # unknown names left out
    listed = [{"a": 1.0, "c": ["q"]}]
    called = []
    real = vec.transform
    monkeypatch.setattr(vec, "transform", lambda r: called.append(r) or real(r))
    assert _same(feature_matrix(vec, listed), real(listed)) and called == [listed]
    sparse = DictVectorizer().fit([{"a": 1.0}])
    assert (feature_matrix(sparse, [{"a": 2.0}]) != sparse.transform([{"a": 2.0}])).nnz == 0
