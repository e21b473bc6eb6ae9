"""Learned choice of a contract's title among the heading lines near its top and their tails.

The rule in `fields.title` takes the first short capitalised line carrying an agreement word,
whole; on real filings that line often starts with something else ("Execution Version",
"Form of", "[logo]", the filer's name) or the title is the second such line. Here every such
line, every word-boundary tail of it and the "This ... Agreement" phrase of the preamble are
candidates, described by where they sit, what was cut off (its first word and whether it
was a company name), their shape and how often the text recurs in the contract; one
gradient-boosting model fitted on TRAIN contracts (`python -m training.contract_titles`)
ranks them, with a cross-validated threshold and an isotonic confidence fitted out of fold.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from extractors.contract.fields import _EDGAR_LINE, _TITLE_WORDS, _title_case
from extractors.scorer import CandidateScorer
from modelfile import load_shipped

MODEL_PATH = Path(__file__).parent / "model" / "title_ranker.joblib"
CONF_FLOOR, CONF_CEIL = 0.02, 0.95
HEAD_PAGES = 3
TOP_LINES = 60
MAX_LINE_WORDS = 20
MAX_CUT_WORDS = 8  # tails start at most this many words into a heading line
_CORP = re.compile(r"\b(?:Inc|Corp|Corporation|Company|Co|Ltd|Limited|LLC|L\.L\.C|LP|L\.P|plc|"
                   r"N\.V|S\.A|AG|GmbH)\b\.?,?", re.IGNORECASE)
_PREAMBLE = re.compile(
    r"\bThis\s+(?P<t>(?:[A-Z][\w-]*\s+){0,8}(?:Agreement|Contract|Lease|License|Amendment))\b")
_STRIP = " .:;,(“\"”'-*_"


@dataclass(slots=True)
class TitleCandidate:
    text: str
    line_index: int  # -1: from the preamble sentence
    order: int  # which heading line (0 = first)
    cut: int  # words dropped from the start of the line
    dropped: str  # the words dropped
    line_words: int
    rule: bool


def _heading_lines(head_text: str) -> list[tuple[int, str]]:
    out = []
    lines = head_text.splitlines()
    for i, ln in enumerate(lines[:TOP_LINES]):
        s = re.sub(r"\s+", " ", ln).strip(_STRIP)
        if not s or _EDGAR_LINE.match(s) or not _TITLE_WORDS.search(s):
            continue
        if len(s.split()) > MAX_LINE_WORDS:
            continue
        out.append((i, s))
    return out


def candidates(head_text: str, flat: str, rule: str | None) -> list[TitleCandidate]:
    out: list[TitleCandidate] = []
    seen: set[str] = set()
    rule_key = (rule or "").casefold()

    def add(text: str, line_index: int, order: int, cut: int, dropped: str, n: int) -> None:
        text = text.strip(_STRIP)
        key = text.casefold()
        if not text or key in seen or not _TITLE_WORDS.search(text):
            return
        seen.add(key)
        out.append(TitleCandidate(text, line_index, order, cut, dropped, n,
                                  key == rule_key or _title_case(text).casefold() == rule_key))

    for order, (i, line) in enumerate(_heading_lines(head_text)):
        words = line.split()
        # the tail up to the last agreement word ("... AGREEMENT dated as of ..." ends there)
        last = max(k for k, w in enumerate(words) if _TITLE_WORDS.search(w))
        for end in {len(words), last + 1}:
            for cut in range(0, min(end, MAX_CUT_WORDS + 1)):
                add(" ".join(words[cut:end]), i, order, cut, " ".join(words[:cut]), len(words))
    m = _PREAMBLE.search(flat[:5000])
    if m:
        add(m.group("t"), -1, 99, 0, "", len(m.group("t").split()))
    if rule:
        add(rule, -2, 99, 0, "", len(rule.split()))
    return out


def features(c: TitleCandidate, low_flat: str) -> dict[str, float]:
    words = c.text.split()
    first = re.sub(r"[^a-z]", "", words[0].lower()) if words else ""
    dropped_first = re.sub(r"[^a-z]", "", c.dropped.split()[0].lower()) if c.dropped else ""
    f: dict[str, float] = {
        "line_index": float(c.line_index),
        "order": float(c.order),
        "cut": float(c.cut),
        "n_words": float(len(words)),
        "line_words": float(c.line_words),
        "whole_line": float(c.cut == 0 and len(words) == c.line_words),
        "upper": float(c.text.isupper()),
        "title_case": float(c.text.istitle()),
        "rule": float(c.rule),
        "preamble": float(c.line_index == -1),
        "ends_title_word": float(bool(_TITLE_WORDS.search(words[-1]))) if words else 0.0,
        "dropped_corp": float(bool(_CORP.search(c.dropped))),
        "dropped_bracket": float("[" in c.dropped or "]" in c.dropped),
        "has_bracket": float(bool(re.search(r"[\[\]()]", c.text))),
        "has_digit": float(bool(re.search(r"\d", c.text))),
        "amendment": float(bool(re.search(r"\bamendment\b", c.text, re.I))),
        "log_mentions": math.log1p(low_flat.count(c.text.lower())),
        f"first={first}": 1.0,
    }
    if dropped_first:
        f[f"dropped={dropped_first}"] = 1.0
    return f


class TitleRanker(CandidateScorer):
    def choose(self, cands: list[TitleCandidate],
               flat: str) -> tuple[TitleCandidate, float] | None:
        low = flat.lower()
        got = self.best([features(c, low) for c in cands], CONF_FLOOR, CONF_CEIL)
        return (cands[got[0]], got[1]) if got else None



def load(path: Path = MODEL_PATH) -> TitleRanker | None:
    """The shipped title model; None when none is shipped (the rule's title stands)."""
    bundle = load_shipped(path)
    return TitleRanker(bundle) if bundle else None
