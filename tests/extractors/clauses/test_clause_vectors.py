"""The compiled clause scorer gives scikit-learn's decision values bit for bit."""

from __future__ import annotations

import random

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline

from extractors.clauses import load_model
from extractors.clauses.scoring import clause_scores, sentences
from extractors.clauses.vectors import CompiledTagger, char_wb_ngrams, decision_values

_VOCAB = ("The Licensee shall not assign this Agreement without prior written consent "
          "of Licensor. Either party may terminate upon thirty (30) days' notice. "
          "Governed by the laws of Delaware; liability capped at fees paid. "
          "Ünïcödé straße ﬁnal § 4.2(a) I a an — “quoted” $1,000,000 e.g. Inc.").split()


def _texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    out = ["", "   ", "a", "x\ty\nz", "THE the The tHe"]
    for _ in range(n):
        words = [rng.choice(_VOCAB) for _ in range(rng.randint(1, 120))]
        seps = [rng.choice((" ", " ", "  ", "\n", "\t", " \n ")) for _ in words]
        out.append("".join(w + s for w, s in zip(words, seps, strict=True)))
    return out


def test_char_wb_ngrams_match_the_vectorizer() -> None:
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5))
    analyse = vec.build_analyzer()
    for text in _texts(1, 40):
        mine = [g for w in text.lower().split() for g in char_wb_ngrams(w, 3, 5)]
        assert mine == analyse(text)


def test_shipped_tagger_decision_values_are_identical() -> None:
    pipe = load_model()["pipeline"]
    assert CompiledTagger.supports(pipe)
    texts = _texts(2, 150)
    texts += [s for t in texts[5:40] for s in sentences(t)]
    want = pipe.decision_function(texts)
    got = CompiledTagger(pipe).decision_function(texts)
    assert got.shape == want.shape == (len(texts), len(pipe.steps[1][1].estimators_))
    assert np.array_equal(got, want)
    assert np.array_equal(decision_values(pipe, texts), want)


def _small_pipeline(weights: dict[str, float] | None = None) -> Pipeline:
    texts = _texts(3, 60)[5:]
    rng = random.Random(4)
    y = np.array([[rng.random() < 0.5, "terminate" in t, "Delaware" in t] for t in texts])
    features = FeatureUnion([
        ("word", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)),
    ], transformer_weights=weights)
    pipe = Pipeline([("features", features),
                     ("clf", OneVsRestClassifier(LogisticRegression(solver="liblinear")))])
    return pipe.fit(texts, y.astype(int))


def test_dense_coefficients_and_other_ngram_ranges() -> None:
    pipe = _small_pipeline()
    assert CompiledTagger.supports(pipe)
    texts = _texts(5, 50)
    assert np.array_equal(CompiledTagger(pipe).decision_function(texts),
                          pipe.decision_function(texts))
    for est in pipe.steps[1][1].estimators_:
        est.sparsify()
    assert np.array_equal(CompiledTagger(pipe).decision_function(texts),
                          pipe.decision_function(texts))


def test_other_shapes_fall_back_to_scikit_learn() -> None:
    pipe = _small_pipeline(weights={"word": 2.0, "char": 1.0})
    assert not CompiledTagger.supports(pipe)
    texts = _texts(6, 20)
    assert np.array_equal(decision_values(pipe, texts), pipe.decision_function(texts))


@pytest.mark.parametrize("seed", [7, 8])
def test_clause_scores_unchanged(seed: int) -> None:
    """Whole clause and sentences, max per type: same as scoring through the pipeline."""
    pipe = load_model()["pipeline"]
    texts = _texts(seed, 30)
    units, owner = [], []
    for i, t in enumerate(texts):
        sents = sentences(t)
        pieces = [t] + (sents if len(sents) > 1 else [])
        units += pieces
        owner += [i] * len(pieces)
    dec = pipe.decision_function(units)
    want = np.array([dec[np.asarray(owner) == i].max(axis=0) for i in range(len(texts))])
    assert np.array_equal(clause_scores(pipe, texts), want)


def test_word_columns_kept_between_batches_give_the_same_values(monkeypatch) -> None:
    """The n-gram columns a table keeps per word (and starts over past its limit) change
    nothing: batch after batch, the values are scikit-learn's."""
    import extractors.clauses.vectors as vectors

    pipe = _small_pipeline()
    tagger = CompiledTagger(pipe)
    monkeypatch.setattr(vectors, "_WORD_CACHE", 25)
    for seed in (6, 7, 6):
        texts = _texts(seed, 30)
        assert np.array_equal(tagger.decision_function(texts), pipe.decision_function(texts))
    table = next(p for p in tagger.parts if isinstance(p, vectors.NgramTable))
    assert 0 < len(table._columns) <= 25


@pytest.mark.parametrize("ngrams", [(1, 1), (1, 3), (2, 3)])
def test_word_ngrams_counted_directly_match_scikit_learn(ngrams: tuple[int, int]) -> None:
    import extractors.clauses.vectors as vectors

    texts = _texts(9, 60)[5:]
    rng = random.Random(10)
    y = np.array([[rng.random() < 0.5, "terminate" in t] for t in texts]).astype(int)
    features = FeatureUnion([("word", TfidfVectorizer(ngram_range=ngrams, sublinear_tf=True)),
                             ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3)))])
    pipe = Pipeline([("features", features),
                     ("clf", OneVsRestClassifier(LogisticRegression(solver="liblinear")))])
    pipe.fit(texts, y)
    tagger = CompiledTagger(pipe)
    assert any(isinstance(p, vectors.WordTable) for p in tagger.parts)
    more = _texts(11, 40)
    assert np.array_equal(tagger.decision_function(more), pipe.decision_function(more))
