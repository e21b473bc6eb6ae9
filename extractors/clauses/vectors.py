"""Decision values of the clause tagger's pipeline, computed the cheap way.

The tagger is word TF-IDF + character n-gram TF-IDF (`char_wb`, n-grams within each
word) feeding 41 one-vs-rest logistic regressions. Run through scikit-learn, every text
(a clause and then each of its sentences) has its character n-grams cut out again and
each clause type does its own sparse product. Here:

- `char_wb` n-grams depend on one word at a time, so each distinct word is cut into
  n-grams and looked up in the vocabulary once per process (`NgramTable`, which keeps the
  columns of the last `_WORD_CACHE` words), and the texts' counts are
  (texts x words) @ (words x n-grams);
- word n-grams are counted straight into one matrix (`WordTable`: the same tokens and
  n-grams, without scikit-learn's per-document counters and generators: 1.2-1.5 -> 0.9-1.0 ms a
  TRAIN contract page);
- the 41 coefficient rows are stacked once per model into one sparse matrix, so all types
  are scored with a single product (`LinearOneVsRest`).

Both are exact: the count matrix equals scikit-learn's, the same TF-IDF transform and the
same sparse kernel run on it, so the decision values are bit-for-bit those of
`pipeline.decision_function` (tests/extractors/test_clause_vectors.py). A pipeline of any
other shape is scored by scikit-learn itself.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

_CACHE_SIZE = 4  # compiled models kept (the shipped one, a retrained one, tests' own)
# words whose n-gram columns a table keeps between batches (contracts share most of their
# words: ~10 MB at most, then it starts over)
_WORD_CACHE = 50_000


def char_wb_ngrams(word: str, min_n: int, max_n: int) -> list[str]:
    """scikit-learn's `char_wb` n-grams of one (lower-cased) whitespace-free word:
    padded with a space each side; a word shorter than n counts once."""
    w = " " + word + " "
    w_len = len(w)
    out: list[str] = []
    for n in range(min_n, max_n + 1):
        offset = 0
        out.append(w[offset:offset + n])
        while offset + n < w_len:
            offset += 1
            out.append(w[offset:offset + n])
        if offset == 0:
            break
    return out


class NgramTable:
    """Count rows of a fitted `char_wb` TfidfVectorizer, built word by word."""

    def __init__(self, vectorizer: Any) -> None:
        self.vectorizer = vectorizer
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.min_n, self.max_n = vectorizer.ngram_range
        self.n_features = len(self.vocabulary)
        self._columns: dict[str, tuple[int, ...]] = {}  # word -> its n-grams' columns

    def columns(self, word: str) -> tuple[int, ...]:
        """The vocabulary columns of `word`'s n-grams, in n-gram order (kept for the next
        texts: legal prose repeats its words from one document to the next)."""
        cols = self._columns.get(word)
        if cols is None:
            vocab = self.vocabulary
            cols = tuple([vocab[g] for g in char_wb_ngrams(word, self.min_n, self.max_n)
                          if g in vocab])
            if len(self._columns) >= _WORD_CACHE:
                self._columns.clear()
            self._columns[word] = cols
        return cols

    def counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The count matrix `CountVectorizer.transform` would give (float64, canonical):
        (texts x distinct words) @ (distinct words x n-grams), integer counts throughout."""
        word_ids: dict[str, int] = {}
        cols: list[int] = []
        lengths = np.zeros(len(texts), dtype=np.int64)
        for row, text in enumerate(texts):
            words = text.lower().split()
            cols.extend([word_ids.setdefault(w, len(word_ids)) for w in words])
            lengths[row] = len(words)
        rows = np.repeat(np.arange(len(texts)), lengths)
        per_text = sp.csr_matrix((np.ones(len(cols)), (rows, np.array(cols, dtype=np.int64))),
                                 shape=(len(texts), len(word_ids)), dtype=np.float64)
        gram_cols: list[int] = []
        gram_lengths = np.zeros(len(word_ids), dtype=np.int64)
        columns = self.columns
        for k, word in enumerate(word_ids):  # insertion order = id order
            ids = columns(word)
            gram_cols.extend(ids)
            gram_lengths[k] = len(ids)
        gram_rows = np.repeat(np.arange(len(word_ids)), gram_lengths)
        per_word = sp.csr_matrix(
            (np.ones(len(gram_cols)), (gram_rows, np.array(gram_cols, dtype=np.int64))),
            shape=(len(word_ids), self.n_features), dtype=np.float64)
        x = (per_text @ per_word).tocsr()
        x.sum_duplicates()
        x.sort_indices()
        return x

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Same as `vectorizer.transform(texts)`."""
        return self.vectorizer._tfidf.transform(self.counts(texts), copy=False)


class WordTable:
    """Count rows of a fitted `word` TfidfVectorizer (lower-cased, its token pattern,
    n-grams of `ngram_range` tokens joined by a space), as `CountVectorizer.transform`."""

    def __init__(self, vectorizer: Any) -> None:
        self.vectorizer = vectorizer
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.min_n, self.max_n = vectorizer.ngram_range
        self.tokenize = vectorizer.build_tokenizer()
        self.n_features = len(self.vocabulary)

    @staticmethod
    def supports(v: Any) -> bool:
        return (v.analyzer == "word" and v.preprocessor is None and v.tokenizer is None
                and v.stop_words is None and v.strip_accents is None and v.lowercase
                and not v.binary and v.input == "content" and v.ngram_range[0] >= 1)

    def features(self, text: str) -> list[str]:
        tokens = self.tokenize(text.lower())
        out = list(tokens) if self.min_n == 1 else []
        for n in range(max(self.min_n, 2), self.max_n + 1):
            if n == 2:
                out += [a + " " + b for a, b in zip(tokens, tokens[1:], strict=False)]
            else:
                out += [" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
        return out

    def counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The count matrix (float64, canonical) of `texts`."""
        get = self.vocabulary.get
        cols: list[int] = []
        lengths = np.zeros(len(texts), dtype=np.int64)
        for row, text in enumerate(texts):
            ids = [i for i in map(get, self.features(text)) if i is not None]
            cols.extend(ids)
            lengths[row] = len(ids)
        rows = np.repeat(np.arange(len(texts)), lengths)
        x = sp.csr_matrix((np.ones(len(cols)), (rows, np.array(cols, dtype=np.int64))),
                          shape=(len(texts), self.n_features), dtype=np.float64)
        x.sum_duplicates()
        x.sort_indices()
        return x

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Same as `vectorizer.transform(texts)`."""
        return self.vectorizer._tfidf.transform(self.counts(texts), copy=False)


class LinearOneVsRest:
    """All one-vs-rest decision values with one sparse product."""

    def __init__(self, estimators: Sequence[Any]) -> None:
        coefs = [e.coef_ if sp.issparse(e.coef_) else sp.csr_matrix(e.coef_)
                 for e in estimators]
        self.weights = sp.vstack(coefs, format="csr").T.tocsr()  # (features, types)
        self.weights.sort_indices()
        self.intercepts = np.array([float(e.intercept_[0]) for e in estimators])

    def decision(self, x: sp.csr_matrix) -> np.ndarray:
        # the kernel scikit-learn uses for sparse coefficients, so sums run in its order
        from sklearn.utils.sparsefuncs import sparse_matmul_to_dense

        return sparse_matmul_to_dense(x, self.weights) + self.intercepts


class CompiledTagger:
    """A tagger pipeline (FeatureUnion of TfidfVectorizers -> OneVsRest linear model) with
    its scoring prepared once."""

    def __init__(self, pipe: Any) -> None:
        features, clf = pipe.steps[0][1], pipe.steps[1][1]
        self.parts: list[Any] = [
            NgramTable(v) if v.analyzer == "char_wb" else WordTable(v)
            if WordTable.supports(v) else v for _, v in features.transformer_list]
        self.clf = LinearOneVsRest(clf.estimators_)

    @staticmethod
    def supports(pipe: Any) -> bool:
        """Whether `pipe` has exactly the shape this class reproduces."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.pipeline import FeatureUnion

        steps = getattr(pipe, "steps", None)
        if not steps or len(steps) != 2:
            return False
        features, clf = steps[0][1], steps[1][1]
        if not isinstance(features, FeatureUnion) or features.transformer_weights:
            return False
        if not isinstance(clf, OneVsRestClassifier) or len(clf.estimators_) < 2:
            return False
        vecs = [v for _, v in features.transformer_list]
        if not all(type(v) is TfidfVectorizer and hasattr(v, "_tfidf") for v in vecs):
            return False
        for v in vecs:
            if v.analyzer == "char_wb" and (
                    v.preprocessor is not None or v.strip_accents is not None
                    or not v.lowercase or v.binary or v.input != "content"):
                return False
        return all(hasattr(e, "coef_") and np.ndim(e.intercept_) == 1
                   and len(e.intercept_) == 1 and e.coef_.shape[0] == 1
                   for e in clf.estimators_)

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        blocks = [p.transform(texts) for p in self.parts]
        x = sp.hstack(blocks).tocsr()
        return self.clf.decision(x)


_lock = threading.Lock()
_compiled: list[tuple[Any, CompiledTagger | None]] = []


def decision_values(pipe: Any, texts: Sequence[str]) -> np.ndarray:
    """`pipe.decision_function(texts)`, through `CompiledTagger` when the pipeline has its
    shape (prepared once per pipeline object and process)."""
    with _lock:
        entry = next((c for p, c in _compiled if p is pipe), False)
        if entry is False:
            entry = CompiledTagger(pipe) if CompiledTagger.supports(pipe) else None
            _compiled.insert(0, (pipe, entry))
            del _compiled[_CACHE_SIZE:]
    if entry is None:
        return np.asarray(pipe.decision_function(list(texts)))
    return entry.decision_function(texts)
