"""Learned choice of the candidate's name among the capitalised word runs at a resume's top.

The rule in `resume.py` takes the first 2-5 word person-like segment; real resumes break
it in many ways: a flattened one-line resume whose first "segment" is the whole document,
a name of one word, a long name, a heading ("Curriculum Vitae", "<Role> Resume") or a
credential glued to the name. Here every run of capitalised words near the top, and
every shorter span inside it that starts at one of its first words, is a candidate,
described by where it sits (word index, line, run boundaries) and what it contains and
touches (heading and role vocabulary, initials, capitals, an e-mail or phone right after,
whether its words recur in the e-mail address); one gradient-boosting model fitted on TRAIN
resumes (`python -m training.resume_names`) ranks them. The top candidate is reported
above a cross-validated threshold with an isotonic confidence fitted out of fold.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycountry
import wordninja

from extractors.hr.candidates import Candidate
from extractors.hr.lines import Line, segments
from extractors.hr.vocab import (
    HEAD_WORDS,
    HEADING_WORDS,
    NON_NAME_WORDS,
    ROLE_WORDS,
    SECTION_HEADINGS,
)
from extractors.scorer import CandidateScorer
from modelfile import load_shipped

MODEL_PATH = Path(__file__).parent / "model" / "name_ranker.joblib"
CONF_FLOOR, CONF_CEIL = 0.02, 0.95
TOP_WORDS = 60  # the name is among the first words of a resume
TOP_LINES = 12
MAX_NAME_WORDS = 15  # anonymised and multi-part names run long
MAX_STARTS = 4  # spans start at one of the first words of a capitalised run

_TOKEN = re.compile(r"\S+")
_NAME_WORD = re.compile(r"^[\"'“(]*(?:[A-Z][A-Za-z'’-]*\.?|[A-Z]\.(?:[A-Z]\.)*)[,;:)\"”']*$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_TEMPLATE = frozenset("resume résumé cv curriculum vitae sample template example name "
                      "profile objective summary contact email phone address".split())
_STRIP = "\"'“”(),;:."
# what a resume's top says instead of a name: generic words for the person ("Job Seeker",
# "Fresher") and for a document's own parts, on top of `vocab.NON_NAME_WORDS`
GENERIC_WORDS = frozenset("""
job seeker seekers applicant candidate fresher aspirant jobseeker position vacancy post
font fonts style styles heading title page header footer section contents computing
computer science engineering technology arts commerce honors laude
""".split()) | NON_NAME_WORDS
# the English frequency list wordninja ships (most frequent first): how common a word is
WORD_LIST = Path(wordninja.__file__).parent / "wordninja" / "wordninja_words.txt.gz"
COMMON_RANK = 10000  # a word this frequent is an ordinary English word


@dataclass(slots=True)
class NameCandidate:
    text: str
    seg: Line
    start: int  # character span in seg.text
    end: int
    word_index: int  # position of its first word among the top words
    line_order: int  # which of the top segments
    run_start: bool
    run_end: bool
    run_len: int
    prev_word: str
    next_words: str
    rule: bool


def _words(seg: Line) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(seg.text)]


def candidates(lines: list[Line], rule_pick: Candidate | None) -> list[NameCandidate]:
    segs: list[Line] = []
    for line in lines[:TOP_LINES]:
        segs.extend(segments(line))
    out: list[NameCandidate] = []
    seen: set[str] = set()
    n_seen = 0
    rule_key = str(rule_pick.normalized).casefold() if rule_pick else None
    for order, seg in enumerate(segs):
        if n_seen >= TOP_WORDS:
            break
        words = _words(seg)[: TOP_WORDS - n_seen]
        i = 0
        while i < len(words):
            if not _NAME_WORD.match(words[i][0]):
                i += 1
                continue
            j = i
            while j + 1 < len(words) and _NAME_WORD.match(words[j + 1][0]) \
                    and not words[j][0].endswith((",", ";", ":", ")")):
                j += 1
            for a in range(i, min(j + 1, i + MAX_STARTS)):
                for b in range(a, min(j + 1, a + MAX_NAME_WORDS)):
                    s, e = words[a][1], words[b][2]
                    text = seg.text[s:e].strip(_STRIP)
                    if not text or len(text) < 2:
                        continue
                    key = f"{order}:{a}:{b}"
                    if key in seen:
                        continue
                    seen.add(key)
                    out.append(NameCandidate(
                        text, seg, s, e, n_seen + a, order, a == i, b == j, j - i + 1,
                        words[a - 1][0] if a > 0 else "",
                        " ".join(w for w, _, _ in words[b + 1: b + 4]),
                        rule_key is not None and text.casefold() == rule_key))
            i = j + 1
        n_seen += len(words)
    return out


@cache
def word_ranks() -> dict[str, int]:
    """Lower-case word -> rank in the English frequency list (0: the most frequent)."""
    with gzip.open(WORD_LIST) as f:
        words = f.read().decode().split()
    ranks: dict[str, int] = {}
    for i, w in enumerate(words):
        ranks.setdefault(w, i)
    return ranks


@cache
def place_names() -> frozenset[str]:
    """Lower-case names of countries and their states, provinces and districts
    (pycountry): a place at a resume's top is its address, not its owner."""
    names = {c.name for c in pycountry.countries} | {s.name for s in pycountry.subdivisions}
    return frozenset(_fold(n) for n in names)


def _fold(text: str) -> str:
    """Lower case without accents ("Karnātaka" -> "karnataka"), spaces collapsed."""
    bare = "".join(ch for ch in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def _place_words(low: list[str]) -> int:
    """How many words of `low` belong to a run of words that names a place."""
    places = place_names()
    covered: set[int] = set()
    for a in range(len(low)):
        for b in range(a + 1, min(len(low), a + 4) + 1):
            if _fold(" ".join(low[a:b])) in places:
                covered.update(range(a, b))
    return len(covered)


def features(c: NameCandidate, email_local: str) -> dict[str, float]:
    words = [w.strip(_STRIP) for w in c.text.split()]
    low = [w.lower() for w in words]
    ranks = word_ranks()
    unknown = len(ranks)
    f: dict[str, float] = {
        "word_index": float(c.word_index),
        "line_order": float(c.line_order),
        "n_words": float(len(words)),
        "run_len": float(c.run_len),
        "run_start": float(c.run_start),
        "run_end": float(c.run_end),
        "whole_run": float(c.run_start and c.run_end),
        "rule": float(c.rule),
        "upper_words": float(sum(w.isupper() and len(w) > 1 for w in words)),
        "all_upper": float(all(w.isupper() for w in words)),
        "initials": float(sum(len(w.rstrip(".")) == 1 for w in words)),
        "template": float(sum(w in _TEMPLATE for w in low)),
        "heading": float(sum(w in HEADING_WORDS or w in SECTION_HEADINGS for w in low)),
        "role": float(sum(w in ROLE_WORDS for w in low)),
        "head_noun": float(sum(w in HEAD_WORDS for w in low)),
        "in_email": float(sum(len(w) > 2 and w in email_local for w in low)),
        "prev_lower": float(c.prev_word[:1].islower()),
        "prev_of": float(c.prev_word.lower().strip(_STRIP) in {"of", "name", "by", "mr", "ms"}),
        "prev_none": float(not c.prev_word),
        "ends_comma": float(c.seg.text[c.end - 1: c.end] == ","),
        "next_contact": float(bool(re.search(r"@|\d{3}|\bemail\b|\bphone\b|\bmobile\b",
                                             c.next_words, re.I))),
        "next_lower": float(c.next_words[:1].islower()),
        "seg_words": float(len(c.seg.text.split())),
        "generic": float(sum(w in GENERIC_WORDS for w in low)),
        "place_words": float(_place_words(low)),
        "common_words": float(sum(ranks.get(w, unknown) < COMMON_RANK for w in low)),
        "unknown_words": float(sum(w not in ranks for w in low)),
        "min_rank": float(min((ranks.get(w, unknown) for w in low), default=unknown)),
    }
    return f


def email_local(lines: list[Line]) -> str:
    m = next((m for ln in lines[:60] if (m := _EMAIL.search(ln.text))), None)
    return m.group(0).split("@")[0].lower() if m else ""


class NameRanker(CandidateScorer):
    def choose(self, cands: list[NameCandidate],
               lines: list[Line]) -> tuple[NameCandidate, float] | None:
        local = email_local(lines)
        got = self.best([features(c, local) for c in cands], CONF_FLOOR, CONF_CEIL)
        return (cands[got[0]], got[1]) if got else None



def load(path: Path = MODEL_PATH) -> NameRanker | None:
    """The shipped ranker; None when no model file is shipped (the rule's name stands)."""
    bundle = load_shipped(path)
    return NameRanker(bundle) if bundle else None
