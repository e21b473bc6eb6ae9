"""training.context_words: the stacked context score a ranker is fitted on comes from a model
that never saw the row's filer; the shipped bundle carries the model fitted on all rows."""

import random

from training.context_words import stacked_rows
from training.ranking import DocCands, cross_validate, fit_final


def _docs(n: int = 80, seed: int = 0) -> list[DocCands]:
    """Two candidates per document. The right one is preceded by "expire" most of the
    time; every document also has a word of its own beside its right candidate, which only
    a model that saw the document could use."""
    rnd = random.Random(seed)
    docs = []
    for i in range(n):
        cue = rnd.random() < 0.85
        right = ["b_expire" if cue else "b_signed", f"b_own{i}"]
        wrong = ["b_signed" if cue else "b_expire"]
        docs.append(DocCands("src", f"g{i % 20}", "x", [{"n": 1.0}, {"n": 1.0}], [1, 0],
                             None, tokens=[right, wrong]))
    return docs


def test_fitted_rows_carry_scores_from_models_without_their_filer():
    docs = _docs()
    idx = list(range(len(docs)))
    rows, _, model = stacked_rows(docs, idx, [], [])
    assert model is not None and all("ctx" in r for i in idx for r in rows[i])
    # flipping one document's labels changes nothing in its own fitted rows...
    flipped = _docs()
    flipped[5].labels = [0, 1]
    again, _, _ = stacked_rows(flipped, idx, [], [])
    assert [r["ctx"] for r in again[5]] == [r["ctx"] for r in rows[5]]
    # ...but the scores of a scored (held-out) document come from the model of all of them
    scored, _, _ = stacked_rows(docs, idx[:-1], [idx[-1]], [])
    assert scored[idx[-1]][0]["ctx"] > scored[idx[-1]][1]["ctx"]


def test_cross_validation_and_the_shipped_bundle_use_the_context_score():
    docs = _docs()
    cv = cross_validate("expiration_date", docs, (0.02, 0.95))
    right = sum(d.oof[0] > d.oof[1] for d in docs)
    assert right >= 0.8 * len(docs)  # the features alone ("n") tell nothing
    fit = fit_final(docs, cv["threshold"])
    assert fit["ctx"] is not None and "ctx" in fit["vec"].vocabulary_
    plain = [DocCands(d.source, d.group, d.truth, d.rows, d.labels, None) for d in _docs()]
    cv = cross_validate("expiration_date", plain, (0.02, 0.95))
    assert "ctx" not in fit_final(plain, cv["threshold"])
