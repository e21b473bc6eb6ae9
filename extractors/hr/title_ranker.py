"""Learned choice of a resume's headline job title among every title-like segment.

Resumes rarely label their title, and which title-like line is "the" title varies: a
headline under the name, a "<Title> Resume" heading, an objective ("seeking a ... position"),
or the first role under the experience heading. The rules in `resume.py` try those places
in a fixed order; here every title-like segment near the top and under the experience
heading is a candidate, described by where it sits and what surrounds it, and a
gradient-boosting model fitted on TRAIN resumes (`python -m training.resume_titles`) ranks
them. The top candidate is reported when it clears a threshold chosen by cross-validation;
its confidence is an isotonic map of the score fitted out of fold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from extractors.hr.candidates import Candidate
from extractors.hr.lines import Line, segments
from extractors.hr.resume import clean_segment, title_like
from extractors.hr.vocab import HEAD_WORDS, ROLE_WORDS, SECTION_HEADINGS
from extractors.scorer import CandidateScorer
from modelfile import load_shipped

MODEL_PATH = Path(__file__).parent / "model" / "title_ranker.joblib"
MAX_SEGMENTS = 80  # title-like segments this far down the resume are candidates
CONF_FLOOR, CONF_CEIL = 0.02, 0.95
# what the segment before a candidate says about it (vocabulary, not documents)
CONTEXT: dict[str, re.Pattern[str]] = {name: re.compile(rx, re.I) for name, rx in {
    "experience": r"\b(?:experience|employment|work\s+history|career)\b",
    "objective": r"\b(?:objective|summary|profile|about)\b",
    "education": r"\b(?:education|qualification|degree|university|college)\b",
    "skills": r"\b(?:skills?|technolog\w*|tools)\b",
    "date": r"\b(?:19|20)\d\d\b|\bpresent\b|\bcurrent\b|\bto\s+date\b",
    "company": r"\b(?:inc|ltd|llc|corp\w*|company|pvt|limited|technologies|solutions)\b",
    "seeking": r"\bseeking\b|\blooking\s+for\b|\bposition\b|\brole\b",
    "contact": r"@|\bphone\b|\bemail\b|\+?\d[\d\s-]{7,}",
}.items()}


# where a title may start inside a longer segment, and what ends it
_CUE_BEFORE = re.compile(
    r"\b(?:as|be|become)\s+(?:an?|the)\s+|\bposition\s+(?:of|as)\s+(?:an?\s+)?|"
    r"\b(?:designation|position|title|role|present|current)\s*:\s*|"
    r"\b(?:seeking|targeting|looking\s+for)\s+(?:an?\s+)?", re.I)
_PIECE_SPLIT = re.compile(
    r"\s[-–—|/]\s|[,;:()\[\]\"“”]|\.\s|\s(?:with|at|in|for|where|who|and\s+use|to|"
    r"specializing|from|since)\s", re.I)
_PIECE_OK = re.compile(r"^[A-Za-z][A-Za-z&/.' -]*$")
MAX_PIECE_WORDS = 6
# template words around a title in a heading ("Sample Pastry Chef Resume")
_TEMPLATE_WORDS = re.compile(r"^\s*(?:sample|example)\s+|\s+(?:resume|cv|curriculum\s+vitae)"
                             r"(?:\s+(?:sample|example|template|format))?\s*$", re.I)


def _pieces(text: str) -> list[tuple[str, int, bool]]:
    """(piece, offset, after a cue) for short word runs of a segment: the title inside
    "Team Member - Cisco" or "five years of experience as a help desk technician"."""
    out: list[tuple[str, int, bool]] = []
    starts = [(0, False)] + [(m.end(), True) for m in _CUE_BEFORE.finditer(text)]
    for a, cued in starts:
        rest = text[a:]
        m = _PIECE_SPLIT.search(rest)
        piece = rest[: m.start()] if m else rest
        stripped = _TEMPLATE_WORDS.sub("", piece).strip(" .-")
        if not stripped or not _PIECE_OK.match(stripped):
            continue
        if 1 <= len(stripped.split()) <= MAX_PIECE_WORDS:
            out.append((stripped, a + piece.find(stripped), cued))
    return out


@dataclass(slots=True)
class TitleCandidate:
    text: str
    seg: Line
    start: int
    end: int
    index: int  # segment index from the top
    rule: bool  # the rule's own pick
    heading_above: str  # the nearest section heading above, lower-cased ("" when none)
    prev: str  # the previous segment's text
    nxt: str
    kind: str = "title_like"  # or "piece", "cued"


def candidates(lines: list[Line], rule_pick: Candidate | None) -> list[TitleCandidate]:
    """Every title-like segment (and the rule's pick), in reading order, values unique."""
    segs: list[Line] = []
    for line in lines[:200]:
        segs.extend(segments(line))
    out: list[TitleCandidate] = []
    seen: set[str] = set()
    heading = ""
    texts = [clean_segment(s)[0] for s in segs[:MAX_SEGMENTS + 1]]
    for i, seg in enumerate(segs[:MAX_SEGMENTS]):
        text, lead = clean_segment(seg)
        low = text.lower().rstrip(":")
        if low in SECTION_HEADINGS:
            heading = low
            continue
        found: list[tuple[str, int, str]] = []
        bare = _TEMPLATE_WORDS.sub("", text)
        got = title_like(bare, strict=False)
        if got:
            found.append((got[0], got[1] + text.find(bare), "title_like"))
        found += [(t, o, "cued" if cued else "piece") for t, o, cued in _pieces(text)]
        for t, o, kind in found:
            key = t.lower()
            if key in seen or key.rstrip(":") in SECTION_HEADINGS:
                continue
            seen.add(key)
            is_rule = rule_pick is not None and str(rule_pick.normalized).lower() == key
            out.append(TitleCandidate(t, seg, lead + o, lead + o + len(t), i, is_rule, heading,
                                      texts[i - 1] if i else "",
                                      texts[i + 1] if i + 1 < len(texts) else "", kind))
    if rule_pick is not None and str(rule_pick.normalized).lower() not in seen \
            and rule_pick.line is not None:
        out.append(TitleCandidate(str(rule_pick.normalized), rule_pick.line, rule_pick.start,
                                  rule_pick.end, MAX_SEGMENTS, True, "", "", ""))
    return out


def features(c: TitleCandidate, all_c: list[TitleCandidate]) -> dict[str, float]:
    words = c.text.split()
    low_words = [w.lower().strip(".,") for w in words]
    full = c.seg.text
    f: dict[str, float] = {
        "index": float(c.index),
        "order": float(all_c.index(c)),
        "n_cands": float(len(all_c)),
        "rule": float(c.rule),
        "n_words": float(len(words)),
        "n_chars": float(len(c.text)),
        "whole_segment": float(len(c.text) >= 0.9 * len(full.strip())),
        "upper": float(c.text.isupper()),
        "title_case": float(all(w[:1].isupper() for w in words if w[:1].isalpha())),
        "head_noun": float(low_words[-1] in HEAD_WORDS) if low_words else 0.0,
        "role_word": float(any(w in ROLE_WORDS for w in low_words)),
        "seg_words": float(len(full.split())),
        "resume_word": float(bool(re.search(r"\b(?:resume|cv)\b", full, re.I))),
        f"heading={c.heading_above or 'none'}": 1.0,
        f"kind={c.kind}": 1.0,
        "title_like": float(title_like(c.text, strict=False) is not None),
        "repeats": float(sum(1 for o in all_c if o is not c and c.text.lower() in o.text.lower())),
    }
    for name, rx in CONTEXT.items():
        f[f"prev:{name}"] = float(bool(rx.search(c.prev)))
        f[f"next:{name}"] = float(bool(rx.search(c.nxt)))
        f[f"self:{name}"] = float(bool(rx.search(full)))
    return f


class TitleRanker(CandidateScorer):
    def choose(self, cands: list[TitleCandidate]) -> tuple[TitleCandidate, float] | None:
        got = self.best([features(c, cands) for c in cands], CONF_FLOOR, CONF_CEIL)
        return (cands[got[0]], got[1]) if got else None



def load(path: Path = MODEL_PATH) -> TitleRanker | None:
    """The shipped ranker; None when no model file is shipped."""
    bundle = load_shipped(path)
    return TitleRanker(bundle) if bundle else None
