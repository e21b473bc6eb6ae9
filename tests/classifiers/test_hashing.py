"""The classifier without scikit-learn or SciPy at run time: `classifiers.hashing` gives
scikit-learn's hashed n-gram columns and counts, and one document's row (`Featurizer.row`,
`LinearModel.row_proba`, `explain`) the same numbers to the bit as the SciPy matrix path
that training uses, on generated documents and on cached TRAIN readings."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import HashingVectorizer

import classifiers
from classifiers.hashing import CHAR_WB, WORD, HashedNgrams, HashingSetupError
from classifiers.model import N_TEXT, _prep
from training.generators import generate

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "ingest"
ODD = ["", "a", "  ", "I-9 W-4 Form\tx\n\n  y", "Überweisung straße ß ﬁ Æ", "日本語のテキスト 123",
       "INVOICE\nInvoice No: 123\nTotal due: $1,200.00\n", "x" * 40, "ab cd\x0cef\u00a0gh"]


@pytest.fixture(scope="module")
def texts() -> list[tuple[str, int]]:
    docs = generate(6, seed=515151)
    return [(d.text, d.n_pages) for d in docs] + [(t, 1) for t in ODD]


def _train_texts(n: int) -> list[tuple[str, int]]:
    paths = sorted(CACHE.glob("*.pkl"))[:n] if CACHE.is_dir() else []
    if not paths:
        pytest.skip(f"no cached TRAIN readings under {CACHE} (see training/docs.py)")
    out = []
    for p in paths:
        doc, _ = pickle.loads(p.read_bytes())
        out.append((doc.text, max(1, len(doc.pages))))
    return out


def _sklearn_pairs() -> list[tuple[HashingVectorizer, HashedNgrams]]:
    word = dict(ngram_range=(1, 2), token_pattern=r"(?u)\b\w\w+\b")
    common = dict(norm=None, alternate_sign=False, dtype=np.float32, preprocessor=_prep)
    return [(HashingVectorizer(n_features=2**18, **word, **common),
             HashedNgrams(WORD, (1, 2), 2**18, _prep)),
            (HashingVectorizer(analyzer=CHAR_WB, ngram_range=(3, 5), n_features=2**18, **common),
             HashedNgrams(CHAR_WB, (3, 5), 2**18, _prep)),
            (HashingVectorizer(ngram_range=(2, 3), n_features=97, norm=None,
                               alternate_sign=False, dtype=np.float32),
             HashedNgrams(WORD, (2, 3), 97, str.lower))]


def _same_as_sklearn(texts: list[str]) -> None:
    for theirs, ours in _sklearn_pairs():
        a, b = theirs.transform(texts), ours.transform(texts)
        a.sum_duplicates()
        assert a.shape == b.shape
        assert np.array_equal(a.indptr, b.indptr)
        assert np.array_equal(a.indices, b.indices)
        assert a.data.dtype == b.data.dtype == np.float32
        assert np.array_equal(a.data, b.data)
        analyze = theirs.build_analyzer()
        for t in texts:
            assert analyze(t) == ours.analyze(t)


def test_hashing_is_sklearns_on_generated_and_odd_texts(texts) -> None:
    _same_as_sklearn([t for t, _ in texts])


def test_hashing_is_sklearns_on_train_readings() -> None:
    _same_as_sklearn([t[:3000] for t, _ in _train_texts(60)])


def test_hasher_refuses_what_it_does_not_reproduce() -> None:
    with pytest.raises(HashingSetupError):
        HashedNgrams("char", (3, 5), 10)
    with pytest.raises(HashingSetupError):
        HashedNgrams(WORD, (2, 1), 10)
    with pytest.raises(HashingSetupError):
        HashedNgrams(WORD, (1, 1), 10, token_pattern=r"(a)(b)")


def _same_row_and_probabilities(pairs: list[tuple[str, int]]) -> None:
    b = classifiers._get()
    for text, n_pages in pairs:
        X = b.featurizer.transform([text], [n_pages])
        row = b.featurizer.row(text, n_pages)
        assert row.indices.dtype == np.int32 and row.data.dtype == np.float32
        assert np.array_equal(X.indices, row.indices)
        assert np.array_equal(X.data, row.data)
        for m in [b.doctype, *b.subtypes.values()]:
            p_matrix, p_row = m.proba(X), m.row_proba(row)
            assert p_matrix.dtype == p_row.dtype
            assert np.abs(p_matrix - p_row).max() <= 1e-9
            assert np.array_equal(p_matrix, p_row)  # in fact the same to the bit
        # the reasons, computed as they were from the SciPy matrix
        k = int(b.doctype.proba(X)[0].argmax())
        xs = X[:, b.doctype.columns].tocoo()
        w = b.doctype.coef[k] - b.doctype.coef.mean(0)
        old = sorted(((float(v * w[j]), int(b.doctype.columns[j]))
                      for j, v in zip(xs.col, xs.data, strict=True) if v > 0), reverse=True)
        names = b.featurizer.names(text)
        text_part = [x for x in old if x[1] < N_TEXT and x[0] > 0][:3]
        lay = [x for x in old if x[1] >= N_TEXT and x[0] > 0][:5 - len(text_part)]
        want = [f"{names.get(col, f'feature:{col}')} {c:+.2f}" for c, col in text_part + lay]
        assert b.doctype.explain(row, k, names) == want


def test_one_row_equals_the_matrix_path_on_generated_documents(texts) -> None:
    _same_row_and_probabilities(texts)


def test_one_row_equals_the_matrix_path_on_train_readings() -> None:
    _same_row_and_probabilities(_train_texts(120))


def test_classifying_a_text_imports_neither_sklearn_nor_scipy() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c",
         "import json, sys; from classifiers import classify_text; "
         "c = classify_text('INVOICE\\nInvoice No: 7\\nTotal due: $12.00\\n', threshold=0.0); "
         "print(json.dumps([c.doc_type, sorted({m.split('.')[0] for m in sys.modules} "
         "& {'sklearn', 'scipy'})]))"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True)
    doc_type, heavy = json.loads(out.stdout)
    assert doc_type == "invoice"
    assert heavy == []
