"""training.contract_parties: the memoised list counts equal the plain ones, and the
report over several fold assignments."""

import random

from evaluation.scoring import PARTY_THRESHOLD, match_lists, party_similarity
from extractors.contract import party_ranker
from training.contract_parties import (
    DocParties,
    choose_thresholds,
    cross_validate,
    list_counts,
    picked,
    repeated_cv,
)
from training.ranking import THRESHOLDS

_NAMES = ["Acme Tools, Inc.", "Beta Widgets LLC", "Gamma Holdings Corp.", "Delta Foods Ltd.",
          "Epsilon Labs, Inc.", "Zeta Partners LP", "Theta Systems Corporation"]


def _docs(n: int = 40, seed: int = 0) -> list[DocParties]:
    """Small contracts with a preamble naming two parties and a third company (an affiliate)
    later in the opening; half are Kleister NDAs, half CUAD contracts."""
    rnd = random.Random(seed)
    docs = []
    for i in range(n):
        a, b, c = rnd.sample(_NAMES, 3)
        flat = (f'This Agreement is made by and between {a}, a Delaware corporation ("First"), '
                f'and {b} ("Second"). {b} is an affiliate of {c}. WHEREAS the parties agree.')
        truth = [a, b]
        groups = party_ranker.group(party_ranker.mentions(flat, []), flat)
        rows = party_ranker.features_all(groups, flat, truth[:1])
        labels = [int(any(party_similarity(t, g.name) >= PARTY_THRESHOLD for t in truth))
                  for g in groups]
        docs.append(DocParties("cuad" if i % 2 else "kleister_nda", f"g{i % 10}", truth, groups,
                               rows, labels, truth[:1], flat))
    return docs


def test_list_counts_are_the_plain_counts_of_each_selection():
    docs = _docs()
    rnd = random.Random(1)
    for d in docs:
        d.oof = [rnd.random() for _ in d.groups]
    for a in THRESHOLDS[::6]:
        for b in THRESHOLDS[::6]:
            for c in THRESHOLDS[::9]:
                t = (float(a), float(b), float(c))
                plain = [match_lists("parties", d.truth, [d.groups[i].name for i in picked(d, t)])
                         for d in docs]
                assert list_counts(docs, t) == tuple(map(sum, zip(*plain, strict=True)))
    assert list_counts(docs, None)[0] == len(docs)  # the grammar's one right name each
    assert choose_thresholds(docs) == choose_thresholds(docs)  # memo answers the same


def test_cross_validation_counts_its_own_scores_not_earlier_ones():
    docs = _docs(30)
    for d in docs:  # counts remembered for earlier scores, under every key
        n = len(d.groups) + 1
        d.memo = {(a, b, c): (0, 99, 0) for a in range(n) for b in range(n) for c in range(n)}
    cv = cross_validate(docs)
    t = cv["threshold"]
    for src, st in cv["per_source"].items():
        plain = [match_lists("parties", d.truth, [d.groups[i].name for i in picked(d, t)])
                 for d in docs if d.source == src]
        assert st["ranker"] == tuple(map(sum, zip(*plain, strict=True)))


def test_repeated_cv_reports_each_assignment_per_source():
    docs = _docs()
    got = repeated_cv(docs, 2)
    assert set(got) == {"cuad", "kleister_nda"}
    assert all(len(runs) == 2 and all(0.0 <= f <= 1.0 and 0.0 <= n <= 1.0 for f, n in runs)
               for runs in got.values())
    assert docs[0].group == "g0"  # the originals keep their filers
