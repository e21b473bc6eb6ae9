"""training.ranking: fold-honest calibration with a choice of calibrator, model versions."""

import random

from extractors.scorer import PlattMap
from training.ranking import (
    CALIBRATORS,
    DocCands,
    cross_validate,
    fit_calibrator,
    fit_final,
    model_version,
)


def _docs(n: int = 120, seed: int = 0) -> list[DocCands]:
    """Two candidates per document; the right one has the larger `signal` more often."""
    rnd = random.Random(seed)
    docs = []
    for i in range(n):
        right = rnd.random() < 0.8
        rows = [{"signal": rnd.gauss(1.0 if right else 0.0, 0.7)}, {"signal": rnd.gauss(0.0, 0.7)}]
        docs.append(DocCands("src", f"g{i % 30}", "x", rows, [int(right), 0], None))
    return docs


def test_platt_map_is_monotone_and_bounded():
    m = PlattMap(2.0, -0.5)
    ps = m.predict([0.0, 0.1, 0.5, 0.9, 1.0])
    assert all(0.0 < p < 1.0 for p in ps)
    assert ps == sorted(ps)


def test_fit_calibrator_kinds():
    scores = [i / 100 for i in range(100)]
    labels = [int(s > 0.4) for s in scores]
    iso = fit_calibrator("isotonic", scores, labels, 0.3)
    platt = fit_calibrator("platt", scores, labels, 0.3)
    assert isinstance(platt, PlattMap)
    assert iso.predict([0.9])[0] > iso.predict([0.1])[0]
    assert platt.predict([0.9])[0] > platt.predict([0.35])[0]
    try:
        fit_calibrator("histogram", scores, labels, 0.3)
    except ValueError as e:
        assert "histogram" in str(e)
    else:
        raise AssertionError("an unknown calibrator must be refused")


def test_cross_validate_measures_each_calibrator_and_picks_the_best():
    docs = _docs()
    cv = cross_validate("term", docs, (0.02, 0.95), calibrators=CALIBRATORS)
    eces = cv["ece_by_calibrator"]
    assert set(eces) == set(CALIBRATORS)
    assert cv["calibrator"] in CALIBRATORS
    assert eces[cv["calibrator"]] == min(v for v in eces.values() if v is not None)
    assert cv["calibration"]["ece"] == eces[cv["calibrator"]]
    fit = fit_final(docs, cv["threshold"], calibrator="platt")
    assert isinstance(fit["iso"], PlattMap)


def test_version_changes_with_the_feature_matrix():
    docs = _docs(60)
    cross_validate("term", docs, (0.02, 0.95))
    a = fit_final(docs, 0.1)
    for d in docs:
        for r in d.rows:
            r["extra"] = 1.0
    b = fit_final(docs, 0.1)
    assert a["rows_sha256"] != b["rows_sha256"]
    assert model_version("ranker", "sha", a["rows_sha256"]) != \
        model_version("ranker", "sha", b["rows_sha256"])
    assert model_version("ranker", "sha", a["rows_sha256"]) == \
        model_version("ranker", "sha", a["rows_sha256"])


def test_nested_threshold_counts_every_document_once():
    """`nested` judges each fold with the threshold the other folds chose: every document
    is counted once, as in the single-threshold figure."""
    docs = _docs(150, seed=3)
    cv = cross_validate("term", docs, (0.02, 0.95))
    st = cv["per_source"]["src"]
    tp, fp, fn = st["nested"]
    assert tp + fn == sum(d.truth is not None for d in docs)
    assert tp + fp <= len(docs) and tp > 0
