"""Learned choice of a contract's title among the heading lines near its top and their tails.

The rule in `fields.title` takes the first short capitalised line carrying an agreement word,
whole; on real filings that line often starts with something else ("Execution Version",
"Form of", "[logo]", the filer's name) or the title is the second such line. Here every such
line, every word-boundary tail of it, the line joined with the short lines just above and
below it (a title wrapped over lines: "SECOND AMENDMENT / TO / CO-BRANDING AGREEMENT",
"MANUFACTURING AGREEMENT / (DA-9801 Licensed Products)") and the "This ... Agreement" phrase
of the preamble are candidates, described by where they sit, what was cut off (its first word and whether it
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
MAX_WRAP_LINES = 2  # a wrapped title adds at most this many lines above and below its
MAX_WRAP_WORDS = 8  # ... agreement-word line, each this short
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
    above: int = 0  # short lines joined from above the heading line
    below: int = 0  # ... and from below it
    next_words: int = 0  # words on the line after the candidate's last (0: none or blank)
    prev_words: int = 0  # ... before its first


def _clean(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip()


def _heading_lines(head_text: str) -> list[tuple[int, str]]:
    out = []
    lines = head_text.splitlines()
    for i, ln in enumerate(lines[:TOP_LINES]):
        s = _clean(ln).strip(_STRIP)
        if not s or _EDGAR_LINE.match(s) or not _TITLE_WORDS.search(s):
            continue
        if len(s.split()) > MAX_LINE_WORDS:
            continue
        out.append((i, s))
    return out


def _wrap_line(line: str) -> bool:
    """A line that can be part of a title wrapped over lines: short, not a filing mark."""
    s = _clean(line)
    return bool(s) and len(s.split()) <= MAX_WRAP_WORDS and not _EDGAR_LINE.match(s)


def _words_at(lines: list[str], i: int) -> int:
    return len(_clean(lines[i]).split()) if 0 <= i < len(lines) else 0


def candidates(head_text: str, flat: str, rule: str | None) -> list[TitleCandidate]:
    out: list[TitleCandidate] = []
    seen: set[str] = set()
    rule_key = (rule or "").casefold()

    lines = head_text.splitlines()

    def add(text: str, line_index: int, order: int, cut: int, dropped: str, n: int,
            above: int = 0, below: int = 0) -> None:
        text = text.strip(_STRIP)
        key = text.casefold()
        if not text or key in seen or not _TITLE_WORDS.search(text):
            return
        seen.add(key)
        last_line = line_index + above + below
        out.append(TitleCandidate(
            text, line_index, order, cut, dropped, n,
            key == rule_key or _title_case(text).casefold() == rule_key, above, below,
            _words_at(lines, last_line + 1) if line_index >= 0 else 0,
            _words_at(lines, line_index - 1) if line_index >= 0 else 0))

    for order, (i, line) in enumerate(_heading_lines(head_text)):
        words = line.split()
        # the tail up to the last agreement word ("... AGREEMENT dated as of ..." ends there)
        last = max(k for k, w in enumerate(words) if _TITLE_WORDS.search(w))
        for end in {len(words), last + 1}:
            for cut in range(0, min(end, MAX_CUT_WORDS + 1)):
                add(" ".join(words[cut:end]), i, order, cut, " ".join(words[:cut]), len(words))
        if len(words) > MAX_WRAP_WORDS:
            continue
        for above in range(MAX_WRAP_LINES + 1):
            if above and not _wrap_line(lines[i - above] if i - above >= 0 else ""):
                break
            for below in range(MAX_WRAP_LINES + 1):
                if below and not _wrap_line(lines[i + below] if i + below < len(lines) else ""):
                    break
                if above or below:
                    text = " ".join(_clean(lines[k]) for k in range(i - above, i + below + 1))
                    add(text, i - above, order, 0, "", len(text.split()), above, below)
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
        "above": float(c.above),
        "below": float(c.below),
        "next_words": float(c.next_words),
        "prev_words": float(c.prev_words),
        "ends_paren": float(c.text.endswith((")", "]"))),
        "log_mentions": math.log1p(low_flat.count(c.text.lower())),
        # the preamble names the agreement by its title: 'This SITE DEVELOPMENT AND HOSTING
        # AGREEMENT ("Agreement")' echoes the whole title, not a shorter tail of it
        "this_echo": math.log1p(low_flat.count("this " + c.text.lower())),
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
