"""training.contract_errors: every document's outcome at a threshold, and nested F1 of the
report-or-abstain rules (the shipped grid rule equal to cross_validate's own nested figure)."""

import random

from training.contract_errors import RULES, Outcome, list_features, nested_f1, outcome
from training.ranking import DocCands, cross_validate, f1


def _dc(truth, labels, oof):
    return DocCands("src", "g", truth, [{"x": 0.0} for _ in labels], labels, None, oof=oof)


def test_outcome_names_each_way_a_field_ends():
    assert outcome(_dc("a", [1, 0], [0.8, 0.1]), 0.5) is Outcome.RIGHT
    assert outcome(_dc("a", [1, 0], [0.3, 0.1]), 0.5) is Outcome.BELOW_THRESHOLD
    assert outcome(_dc(None, [0, 0], [0.8, 0.1]), 0.5) is Outcome.REPORTED_NONE
    assert outcome(_dc(None, [0, 0], [0.2, 0.1]), 0.5) is Outcome.ABSTAINED_NONE
    assert outcome(_dc("a", [0, 1], [0.8, 0.1]), 0.5) is Outcome.WRONG_AMONG
    assert outcome(_dc("a", [0, 0], [0.8, 0.1]), 0.5) is Outcome.WRONG_MISSING
    assert outcome(_dc("a", [0, 1], [0.3, 0.1]), 0.5) is Outcome.ABSTAINED_AMONG
    assert outcome(_dc("a", [0, 0], [0.3, 0.1]), 0.5) is Outcome.ABSTAINED_MISSING
    assert outcome(_dc("a", [], []), 0.5) is Outcome.NO_CANDIDATES
    assert outcome(_dc(None, [], []), 0.5) is Outcome.NO_CANDIDATES_NONE


def _docs(n=150, seed=3):
    """Two candidates per document; a third of the documents expect no value."""
    rnd = random.Random(seed)
    docs = []
    for i in range(n):
        expected = rnd.random() < 0.66
        right = expected and rnd.random() < 0.8
        rows = [{"signal": rnd.gauss(1.0 if right else 0.0, 0.7)},
                {"signal": rnd.gauss(0.0, 0.7)}]
        docs.append(DocCands("src", f"g{i % 30}", "x" if expected else None, rows,
                             [int(right), 0], None))
    return docs


def test_grid_rule_is_cross_validates_nested_figure_and_every_rule_runs():
    docs = _docs()
    cv = cross_validate("term", docs, (0.02, 0.95))
    got = nested_f1(docs)
    assert set(got) == set(RULES)
    assert abs(got["grid"] - f1(*cv["per_source"]["src"]["nested"])) < 1e-9
    assert all(0.0 < v <= 1.0 for v in got.values())
    assert len(list_features(docs[0])) == 6
