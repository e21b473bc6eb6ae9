"""extractors.context_words: the context tokens around mentions, their buckets, and a fitted
model's score computed without scikit-learn exactly as training computes it."""

import random

import pytest

from extractors.context_words import (
    AFTER_CHARS,
    BEFORE_CHARS,
    MAX_MENTIONS,
    N_BUCKETS,
    ContextModel,
    buckets,
    window_tokens,
)
from training import context_words as training_words


def test_tokens_keep_before_and_after_apart_and_mark_near_words():
    text = "This Agreement shall expire on 2024-05-01 unless renewed by the parties."
    start = text.index("2024")
    toks = window_tokens([(start, start + 10)], text)
    assert "b_expire" in toks and "a_unless" in toks and "b_unless" not in toks
    assert "bb_shall_expire" in toks and "bb_expire_on" in toks
    assert "b1_on" in toks and "b1_expire" in toks and "b1_agreement" not in toks
    assert "a1_unless" in toks and "a1_parties" not in toks


def test_tokens_read_only_the_windows_and_the_first_mentions():
    far = "zebra " * 40
    text = far + "x" * BEFORE_CHARS + "DATE" + "y" * AFTER_CHARS + " " + far
    start = text.index("DATE")
    assert not any("zebra" in t for t in window_tokens([(start, start + 4)], text))
    spans = [(start, start + 4)] * (MAX_MENTIONS + 3)
    assert len(window_tokens(spans, text)) == MAX_MENTIONS * len(window_tokens(spans[:1], text))


def test_buckets_are_stable_distinct_and_in_range():
    got = buckets(["b_expire", "a_unless", "b_expire"])
    assert got == sorted(set(got)) and len(got) == 2
    assert all(0 <= b < N_BUCKETS for b in got)
    assert got == buckets(["a_unless", "b_expire"])  # CRC-32: no per-process salt


def test_run_time_score_equals_the_training_matrix_product():
    rnd = random.Random(3)
    vocab = [f"b_w{i}" for i in range(40)] + [f"a_w{i}" for i in range(40)]
    rows = [rnd.sample(vocab, rnd.randint(1, 12)) for _ in range(200)]
    labels = [int("b_w1" in r or "a_w2" in r) for r in rows]
    bundle = training_words.fit(rows, labels)
    model = ContextModel.from_bundle(bundle)
    probe = rows[:20] + [[], ["never_seen"]]
    assert [model.score(r) for r in probe] == pytest.approx(
        training_words.score(bundle, probe), abs=1e-5)
    # and the words it was shown matter in the direction of the labels
    assert model.score(["b_w1"]) > model.score(["b_w7"])
