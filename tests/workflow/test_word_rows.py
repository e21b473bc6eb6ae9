"""Stored word rows: boxes to 0.1 pt and confidences to 0.001, exactly the values Python's
own `round` gives one number at a time (the rows are rounded as whole columns)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.types import Word
from workflow.process import _word_rows

_coord = st.one_of(st.floats(min_value=-50, max_value=5000, allow_nan=False),
                   st.integers(min_value=0, max_value=5000),
                   st.integers(min_value=0, max_value=50000).map(lambda k: k / 20))  # ties
_words = st.lists(st.tuples(st.text(min_size=1, max_size=8), st.tuples(*[_coord] * 4),
                            st.floats(min_value=0, max_value=1)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(_words)
def test_word_rows_round_like_python(raw: list) -> None:
    words = [Word(text=t, bbox=b, conf=c) for t, b, c in raw]
    rows = _word_rows(words)
    assert rows == [[w.text, *(round(v, 1) for v in w.bbox), round(w.conf, 3)]
                    for w in words]
    assert all(type(v) is float for row in rows for v in row[1:])


def test_no_words_no_rows() -> None:
    assert _word_rows([]) == []
