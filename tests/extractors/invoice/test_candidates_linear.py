"""Ranking amount candidates is linear in their number: every candidate used to be compared
with every other (`dup`, `rows_below_same`), so a 0.5 MB text took minutes."""

from __future__ import annotations

import random
import time

from extractors.invoice.candidates import Candidate, _rank


def _cands(n: int, seed: int = 0) -> list[Candidate]:
    rng = random.Random(seed)
    return [Candidate("money", "x", f"{rng.randint(1, max(2, n // 3))}.00", rng.randint(1, 3),
                      (0.0, 0.0, 1.0, 1.0), rng.randint(0, 60)) for _ in range(n)]


def _reference(cands: list[Candidate]) -> list[tuple[float, float]]:
    """The former all-pairs definition."""
    out = []
    for c in cands:
        same = [o for o in cands if o.normalized == c.normalized]
        out.append((min(len(same) - 1, 4) / 4, float(any(o.row > c.row for o in same))))
    return out


def test_same_features_as_all_pairs() -> None:
    for seed in range(5):
        cands = _cands(300, seed)
        _rank("money", cands)
        got = [(c.feats["dup"], c.feats["rows_below_same"]) for c in cands]
        assert got == _reference(cands)


def test_forty_thousand_amounts_rank_in_well_under_a_second() -> None:
    cands = _cands(40_000)
    t = time.perf_counter()
    _rank("money", cands)
    elapsed = time.perf_counter() - t
    assert elapsed < 2.0, f"{elapsed:.1f} s: ranking is not linear (all pairs took minutes)"
