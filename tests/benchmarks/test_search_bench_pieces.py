"""The clause-search benchmark's passage matching (benchmarks/search_bench.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from search_bench import overlaps, passage_pieces  # noqa: E402


def test_omitted_marks_split_a_labelled_span_into_passages():
    span = ("If a Party hires an employee of the other Party in breach of this Section, it "
            "shall pay a fee<omitted>equal to the annual compensation of that employee paid "
            "in the prior year")
    assert len(passage_pieces([span])) == 2
    chunk = ("Non-Solicit. If a Party hires an employee of the other Party in breach of "
             "this Section, it shall pay a fee")
    assert overlaps([span], chunk)
    assert not overlaps([span], "Governing law. This Agreement is governed by Delaware law.")


def test_short_pieces_are_dropped_unless_alone():
    assert passage_pieces(["(a)<omitted>the Licensee shall maintain insurance coverage"]) == [
        "the Licensee shall maintain insurance coverage"]
    assert passage_pieces(["December 31, 2018"]) == ["December 31, 2018"]
