"""The contract scans' shortcuts give exactly what the plain scans give.

`date_matches` tries DATE_RE only where a date can open; `FlatText.of` copies whole
stretches of indexes; `FlatText.prefix_len` reads the head's flat length off the full one; a `LeadPattern` tries
its regex only where its lead opens, in a folded copy of the text.
Each is compared here with the plain computation it replaces, on strings built to hit the
edges (month words with a period, runs of mixed whitespace, windows cut mid-date,
case-folded letters, non-ASCII digits).
"""

from __future__ import annotations

import random
import re

import pytest

from extractors.contract import fields as F
from extractors.contract import ranker
from extractors.contract.dates import DATE_RE, date_matches, find_dates
from extractors.contract.scan import LeadPattern, folded
from extractors.contract.text import FlatText
from ingest.types import IngestedDocument, Page

_PIECES = ["Jan", "January", "Sept", "\u017feptember", "SEPT.", "mar", "May", "Dec.", " ",
           "  ", "\n", "\f", " \n ", "1", "12", "31st", "2010", "19", "/", "-", "day of", ",",
           "A.D.", "x", "a", "th", "\u0663", "2", "5/8/14", "2014-03-01"]


def _spans(matches) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


def test_date_matches_are_finditers_matches() -> None:
    rng = random.Random(7)
    for _ in range(20000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randrange(1, 16)))
        a = rng.randrange(len(text) + 1)
        b = rng.randrange(a, len(text) + 1)
        assert _spans(date_matches(text)) == _spans(DATE_RE.finditer(text)), text
        assert _spans(date_matches(text, a, b)) == _spans(DATE_RE.finditer(text, a, b)), (
            text, a, b)
        assert _spans(date_matches(text, a)) == _spans(DATE_RE.finditer(text, a)), (text, a)


def test_date_matches_cases() -> None:
    text = "dated as of September 7, 2010 and\n\n  ends on the 16th day of July, 2002 (5/8/14)"
    assert [m.group(0) for m in date_matches(text)] == [
        "September 7, 2010", "16th day of July, 2002", "5/8/14"]
    # a window that cuts a date reads what finditer reads there
    assert _spans(date_matches(text, 14, 27)) == _spans(DATE_RE.finditer(text, 14, 27))
    assert [iso for _, _, iso in find_dates(text)] == ["2010-09-07", "2002-07-16", "2014-05-08"]


def _doc(texts: list[str]) -> IngestedDocument:
    pages = [Page(number=i + 1, width=612, height=792, text=t) for i, t in enumerate(texts)]
    return IngestedDocument(filename="x.pdf", sha256="0", media_type="application/pdf", size=1,
                            pages=pages)


def _plain_flat(text: str) -> tuple[str, list[int]]:
    """The flat text and its index map, one whitespace run at a time."""
    out, orig, last = [], [], 0
    for m in re.finditer(r"\s+", text):
        out.append(text[last:m.start()])
        orig.extend(range(last, m.start()))
        out.append(" ")
        orig.append(m.start())
        last = m.end()
    out.append(text[last:])
    orig.extend(range(last, len(text)))
    return "".join(out), orig


def test_flat_text_and_head_length() -> None:
    rng = random.Random(3)
    pieces = ["a", "Bc", " ", "  ", "\n", " \n", "\t\t", "\u2003", "x.", ""]
    for _ in range(3000):
        texts = ["".join(rng.choice(pieces) for _ in range(rng.randrange(0, 8)))
                 for _ in range(rng.randrange(0, 6))]
        doc = _doc(texts)
        ft = FlatText.of(doc)
        flat, orig = _plain_flat("\f".join(texts))
        assert (ft.flat, ft.orig) == (flat, orig), texts
        for n in range(0, 7):
            head = _plain_flat("\f".join(texts[:n]))[0] if len(texts) > n else flat
            assert ft.prefix_len(n) == len(head), (texts, n)


_LAW_PIECES = ["governed by", "GOVERNED BY", "Governed", "the laws of", "LAWS OF", "Delaware",
               "New York", "State of ", "construed", "\u017fubject to", "\u212aansas", "subject",
               " ", ", ", ". ", "; ", "in accordance with", "Governing Law", "\u0130n",
               "\u00e9", "\u2019", "\u0663", "\u00a0", "-", "applicable law", "shall govern",
               "entered into", "made in", "x", "law"]


def test_lead_patterns_are_their_regexes() -> None:
    rng = random.Random(11)
    patterns = [F._LAW_GOVERNED, F._LAW_SHALL_GOVERN, F._LAW_ADJ, F._LAW_HEADING,
                F._LAW_THEREOF]
    for _ in range(4000):
        text = "".join(rng.choice(_LAW_PIECES) for _ in range(rng.randrange(1, 14)))
        a = rng.randrange(len(text) + 1)
        b = rng.randrange(a, len(text) + 1)
        for p in patterns:
            want = [(m.span(), m.groupdict()) for m in p.regex.finditer(text, a, b)]
            assert [(m.span(), m.groupdict()) for m in p.finditer(text, a, b)] == want, text
            want = [(m.span(), m.groupdict()) for m in p.regex.finditer(text)]
            assert [(m.span(), m.groupdict()) for m in p.finditer(text)] == want, text


def test_folding_keeps_length_and_classes() -> None:
    text = "\u017fEPT \u212a \u0130x \u00e9t\u00e9 \u0663 \u00a0\u2019 A.B"
    got = folded(text)
    assert len(got) == len(text)
    assert got == "sept k ix _t_ 0  ? a.b"


def test_lead_must_be_lower_case() -> None:
    with pytest.raises(ValueError):
        LeadPattern.compile(r"\bGoverning", "x")
    assert LeadPattern.compile(r"\b(?P<n>one)", r"\s+x").regex.flags & re.IGNORECASE


_DURATION_PIECES = ["5 yrs.", " ", "  ", ". ", "; ", "two", "Three", "years", "year", "(2)",
                    "months", "mos.", "1.5", "one-year", "-", "A", "a", "day's", "thirty",
                    "\u2019s", "ninety (90) days", "Term", "(", ")", "x", "1", ".", ";", "\n"]


def test_durations_sentence_by_sentence_are_the_texts() -> None:
    rng = random.Random(13)
    for _ in range(20000):
        text = "".join(rng.choice(_DURATION_PIECES) for _ in range(rng.randrange(1, 16)))
        want = [(m.span(), m.groupdict()) for m in F.DURATION_RE.finditer(text)]
        got = [((base + m.start(), base + m.end()), m.groupdict())
               for base, sent in F.sentences(text) for m in F.sentence_durations(sent)]
        assert got == want, text


def test_cached_cues_are_the_searches() -> None:
    texts = ["This Agreement is effective as of", "dated the date of", "", "EXPIRES on",
             "made and entered into", "terminate upon the expiration of the Term"]
    for text in texts * 2:
        assert ranker._cues_in(text) == {n for n, rx in ranker.CUES.items() if rx.search(text)}
