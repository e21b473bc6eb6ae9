"""training.contract_fields: terms derived from CUAD's labelled start and end dates, and
term scores out of fold for the expiration date's features."""

from extractors.contract import ranker, term_ends
from extractors.contract.fields import Hit
from training.contract_fields import _Reading, derived_term_labels, out_of_fold_term_scores

FLAT = "The term of this Agreement is two years. " + "x " * 600


def _cands(*spans: tuple[str, str, str]) -> list[ranker.Candidate]:
    hits = [Hit(v, n, 30 + 40 * i, 38 + 40 * i, p) for i, (v, n, p) in enumerate(spans)]
    return ranker.group("term", hits)


def test_term_ends_are_start_plus_span_and_the_day_before():
    assert term_ends("1996-01-01", "3_years") == {"1999-01-01", "1998-12-31"}
    assert term_ends("2010-11-30", "3_months") == {"2011-02-28", "2011-02-27"}
    assert term_ends("2010-01-01", "30_days") == set()


def test_a_term_is_derived_only_where_a_duration_gives_the_labelled_end():
    cands = _cands(("two years", "2_years", "term.agreement"),
                   ("six months", "6_months", "term.window"))
    both = {"effective_date": "2010-04-15", "expiration_date": "2012-04-14"}
    assert derived_term_labels(cands, both) == [1, 0]
    # no duration gives the end: the term is unknown, not absent
    assert derived_term_labels(cands, {**both, "expiration_date": "2013-01-01"}) is None
    assert derived_term_labels(cands, {"effective_date": "2010-04-15"}) is None
    assert derived_term_labels(cands, {"expiration_date": "2012-04-14"}) is None


def _reading(group: str, nda: bool = True) -> _Reading:
    hits = [Hit("two years", "2_years", 30, 38, "term.agreement"),
            Hit("six months", "6_months", 70, 80, "term.window")]
    ctx = ranker.DocContext(flat=FLAT, head_len=len(FLAT), nda=nda, ocr_fraction=0.0)
    return _Reading("kleister_nda", group, {}, {"term": hits}, ctx, {})


def test_term_scores_come_from_a_scorer_that_never_saw_the_filer():
    # four filers call the term.agreement span the term; the fifth, whose contracts are no
    # NDAs, calls the window span so. A scorer fitted on every filer learns the fifth
    # filer's labels for its own contracts; out of fold they are scored by the others' rule.
    readings = [_reading(f"g{i % 5}", nda=i % 5 != 0) for i in range(100)]
    labels = {i: ([0, 1] if r.group == "g0" else [1, 0]) for i, r in enumerate(readings)}
    out_of_fold_term_scores(readings, labels)
    for r in readings:
        assert set(r.context.term_scores) == {(30, 38), (70, 80)}
        assert r.context.term_scores[(30, 38)] > r.context.term_scores[(70, 80)]


def test_thresholds_per_contract_kind_are_fitted_on_each_kind_alone():
    from training.contract_fields import kind_thresholds
    from training.ranking import DocCands, best_threshold

    def doc(nda: bool, score: float, right: bool) -> DocCands:
        # one candidate; an NDA's top value is right even at a low score, another
        # contract's only at a high one
        return DocCands("s", "g", "2020-01-01", [{"nda": float(nda)}], [int(right)], None,
                        oof=[score])
    ndas = [doc(True, 0.2, True), doc(True, 0.3, True), doc(True, 0.1, False)]
    others = [doc(False, 0.3, False), doc(False, 0.4, False), doc(False, 0.8, True)]
    ts = kind_thresholds(ndas + others)
    assert 0.1 < ts["nda"] <= 0.2
    assert 0.4 < ts["other"] <= 0.8
    assert ts["nda"] == best_threshold(ndas) and ts["other"] == best_threshold(others)
    # a kind with no documents takes the pooled threshold
    assert kind_thresholds(others)["nda"] == best_threshold(others)
