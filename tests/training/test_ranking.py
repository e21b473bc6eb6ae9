"""training.ranking: fold-honest calibration with a choice of calibrator, model versions, the
best-scored and first-in-order decisions."""

import random

from extractors.scorer import CandidateScorer, PlattMap
from training.ranking import (
    CALIBRATORS,
    PRIOR,
    Decide,
    DocCands,
    cross_validate,
    f1,
    fit_calibrator,
    fit_final,
    model_version,
    pick,
    regrouped,
    repeated_cv,
    save_ranker,
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


def test_prior_is_the_hit_rate_of_the_reported_tops():
    scores = [i / 100 for i in range(100)]
    labels = [int(i % 4 != 0) for i in range(100)]  # 3 in 4 right, whatever the score
    prior = fit_calibrator(PRIOR, scores, labels, 0.5)
    kept = labels[50:]
    rate = sum(kept) / len(kept)
    assert all(abs(p - rate) < 1e-6 for p in prior.predict([0.5, 0.7, 0.99]))
    # with no threshold, every top counts
    everyone = fit_calibrator(PRIOR, scores, labels, 0.0)
    assert abs(everyone.predict([0.2])[0] - sum(labels) / len(labels)) < 1e-6


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


def test_shipped_version_names_the_calibration_map_and_the_threshold(tmp_path):
    docs = _docs(60)
    cross_validate("term", docs, (0.02, 0.95))

    def version(fit, name):
        return save_ranker(fit, tmp_path / f"{name}.joblib", "t", "sha", {})["version"]
    platt = version(fit_final(docs, 0.1, calibrator="platt"), "a")
    assert platt == version(fit_final(docs, 0.1, calibrator="platt"), "b")  # a rebuild
    assert platt != version(fit_final(docs, 0.1, calibrator="binning"), "c")  # same rows
    assert platt != version(fit_final(docs, 0.2, calibrator="platt"), "d")


def _mention_docs(n: int = 120, seed: int = 1) -> list[DocCands]:
    """Three candidates per document, two of them mentions of the field (high `signal`); the
    value to report is the mention that comes first in the document, wherever it is listed."""
    rnd = random.Random(seed)
    docs = []
    for i in range(n):
        rows = [{"signal": rnd.gauss(2.0, 0.4)}, {"signal": rnd.gauss(2.0, 0.4)},
                {"signal": rnd.gauss(0.0, 0.4)}]
        order = [(5, 0), (2, 0), (1, 0)] if i % 2 else [(1, 0), (3, 0), (0, 0)]
        first = 1 if i % 2 else 0
        docs.append(DocCands("src", f"g{i % 30}", "x", rows, [int(k == first) for k in range(3)],
                             None, fit_labels=[1, 1, 0], order=order))
    return docs


def test_first_decision_reports_the_earliest_mention():
    docs = _mention_docs()
    first = cross_validate("job_title", docs, (0.02, 0.95), calibrators=("platt",),
                           decide=Decide.FIRST)
    best = cross_validate("job_title", _mention_docs(), (0.02, 0.95), calibrators=("platt",))
    f_first = f1(*first["per_source"]["src"]["ranker"])
    f_best = f1(*best["per_source"]["src"]["ranker"])
    assert f_first >= 0.9 and f_best < 0.7
    assert pick(docs[1], first["threshold"], Decide.FIRST)[0] == 1  # listed second, read first


def test_first_ranker_bundle_decides_first_at_run_time():
    docs = _mention_docs(60)
    cv = cross_validate("job_title", docs, (0.02, 0.95), calibrators=("platt",),
                        decide=Decide.FIRST)
    fit = fit_final(docs, cv["threshold"], calibrator="platt", decide=Decide.FIRST)
    assert fit["decide"] == "first"
    scorer = CandidateScorer({"version": "t", **fit})
    rows = [{"signal": 2.0}, {"signal": 1.8}, {"signal": -1.0}]
    assert scorer.choose_row(rows, [(9, 0), (4, 0), (0, 0)], 0.02, 0.95)[0] == 1
    assert scorer.choose_row(rows, [(1, 0), (4, 0), (0, 0)], 0.02, 0.95)[0] == 0
    plain = _docs(60)
    cross_validate("term", plain, (0.02, 0.95))
    assert "decide" not in fit_final(plain, 0.1)  # a best-scored ranker's bundle as before


def test_nested_threshold_counts_every_document_once():
    """`nested` judges each fold with the threshold the other folds chose: every document
    is counted once, as in the single-threshold figure."""
    docs = _docs(150, seed=3)
    cv = cross_validate("term", docs, (0.02, 0.95))
    st = cv["per_source"]["src"]
    tp, fp, fn = st["nested"]
    assert tp + fn == sum(d.truth is not None for d in docs)
    assert tp + fp <= len(docs) and tp > 0


def test_repeated_cv_deals_filers_into_other_folds_and_reports_each_assignment():
    docs = _docs(60)
    assert regrouped(docs, 0) is docs
    again = regrouped(docs, 1)
    pairs = {(a.group, b.group) for a, b in zip(docs, again, strict=True)}
    assert len({g for g, _ in pairs}) == len({h for _, h in pairs}) == 30  # a filer stays whole
    assert all(g != h for g, h in pairs) and docs[0].group == "g0"  # the originals untouched
    got = repeated_cv("term", docs, "src", (0.02, 0.95), 2)
    assert len(got) == 2 and all(0.0 <= f <= 1.0 and 0.0 <= n <= 1.0 for f, n, _ in got)
