"""Hashed word and character n-gram counts, as scikit-learn's `HashingVectorizer` computes
them (`norm=None`, `alternate_sign=False`), without importing scikit-learn.

Why: the classifier only hashes a document's n-grams and applies a fitted linear model, yet
importing `sklearn.feature_extraction.text` for its hashing vectoriser was about a third of
a one-file `backoffice process` (~0.3 s of ~1 s on an idle machine). The same analysers
(word tokens and their n-grams through a token pattern; `char_wb` n-grams padded with a
space at word edges) and the same hash (signed 32-bit MurmurHash3 of the UTF-8 bytes, seed
0, via `mmh3`, with the same folding into `n_features` columns) give the same columns and
counts; `tests/classifiers/test_hashing.py` compares them with scikit-learn's on generated
and TRAIN documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import mmh3
import numpy as np

WORD, CHAR_WB = "word", "char_wb"
ANALYZERS = (WORD, CHAR_WB)
DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"
_WHITE_SPACES = re.compile(r"\s\s+")  # what a run of spaces becomes one space from (char_wb)
_INT32_MIN = -(2**31)


class HashingSetupError(ValueError):
    """An analyser, n-gram range or token pattern this hasher does not reproduce."""


class HashedNgrams:
    """The n-grams of a text hashed into `n_features` columns, counted."""

    def __init__(self, analyzer: str, ngram_range: tuple[int, int], n_features: int,
                 preprocessor: Callable[[str], str] | None = None,
                 token_pattern: str = DEFAULT_TOKEN_PATTERN) -> None:
        if analyzer not in ANALYZERS:
            raise HashingSetupError(f"analyzer must be one of {ANALYZERS}, not {analyzer!r}")
        lo, hi = ngram_range
        if not 1 <= lo <= hi:
            raise HashingSetupError(f"bad n-gram range {ngram_range}")
        if n_features < 1:
            raise HashingSetupError("n_features must be positive")
        pattern = re.compile(token_pattern)
        if pattern.groups > 1:
            raise HashingSetupError("the token pattern may capture at most one group")
        self.analyzer = analyzer
        self.ngram_range = (lo, hi)
        self.n_features = n_features
        self.preprocessor = preprocessor
        self._tokenize = pattern.findall

    # ------------------------------------------------------------------ analysis
    def analyze(self, text: str) -> list[str]:
        """The n-grams of `text`, in scikit-learn's order (`build_analyzer()(text)`)."""
        if self.preprocessor is not None:
            text = self.preprocessor(text)
        if self.analyzer == WORD:
            return self._word_ngrams(self._tokenize(text))
        return self._char_wb_ngrams(text)

    def _word_ngrams(self, tokens: list[str]) -> list[str]:
        lo, hi = self.ngram_range
        if hi == 1:
            return tokens
        out = list(tokens) if lo == 1 else []
        n_tokens = len(tokens)
        join = " ".join
        for n in range(max(lo, 2), min(hi + 1, n_tokens + 1)):
            out.extend(join(tokens[i:i + n]) for i in range(n_tokens - n + 1))
        return out

    def _char_wb_ngrams(self, text: str) -> list[str]:
        lo, hi = self.ngram_range
        out: list[str] = []
        append = out.append
        for w in _WHITE_SPACES.sub(" ", text).split():
            w = " " + w + " "
            w_len = len(w)
            for n in range(lo, hi + 1):
                offset = 0
                append(w[:n])
                while offset + n < w_len:
                    offset += 1
                    append(w[offset:offset + n])
                if offset == 0:  # a word shorter than n counts once, as scikit-learn does
                    break
        return out

    # ------------------------------------------------------------------ hashing
    def columns(self, tokens: Sequence[str]) -> np.ndarray:
        """The column of each token (int64, in token order, repeats kept)."""
        h = np.fromiter((mmh3.hash(t, 0, True) for t in tokens), dtype=np.int64,
                        count=len(tokens))
        cols = np.abs(h) % self.n_features
        # abs(-2**31) overflows in int32: scikit-learn folds that one hash by hand
        cols[h == _INT32_MIN] = (2**31 - 1 - (self.n_features - 1)) % self.n_features
        return cols

    def counts(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(sorted distinct columns as int32, their counts as float32) of one text."""
        cols, n = np.unique(self.columns(self.analyze(text)), return_counts=True)
        return cols.astype(np.int32), n.astype(np.float32)

    def transform(self, texts: Sequence[str]) -> Any:
        """A CSR matrix of counts, one row per text: `HashingVectorizer.transform` with
        `norm=None, alternate_sign=False, dtype=float32` (sorted indices, no duplicates)."""
        import scipy.sparse as sp

        parts = [self.counts(t) for t in texts]
        indptr = np.zeros(len(parts) + 1, np.int64)
        indptr[1:] = np.cumsum([len(c) for c, _ in parts])
        if indptr[-1] <= np.iinfo(np.int32).max:
            indptr = indptr.astype(np.int32)
        indices = np.concatenate([c for c, _ in parts]) if parts else np.zeros(0, np.int32)
        data = np.concatenate([v for _, v in parts]) if parts else np.zeros(0, np.float32)
        return sp.csr_matrix((data, indices, indptr), shape=(len(parts), self.n_features))
