"""Learned choice of a resume's headline job title among every title-like segment.

Resumes rarely label their title, and which title-like line is "the" title varies: a
headline under the name, a "<Title> Resume" heading, an objective ("seeking a ... position"),
or the first role under the experience heading. The rules in `resume.py` try those places
in a fixed order; here every title-like segment near the top and under the experience
heading is a candidate, described by where it sits and what surrounds it, and a
gradient-boosting model fitted on TRAIN resumes (`python -m training.resume_titles`) scores
how likely each is to be *a* role the person held or seeks (TRAIN labels every role
mention; the headline title is the first of them). The earliest candidate in document
order whose score clears a threshold chosen by cross-validation is reported; its confidence
is a Platt map of its score fitted out of fold.

Candidates are generous on purpose (the model, not the generator, decides): every part of a
segment split at commas, dashes and prepositions, the same parts split again at " and " and
"/", a short segment whole ("Application Developer - SAP ABAP"), the words a cue
introduces ("seeking a ... position", "experience as ..."), with trailing "position",
dates and "resume"/"profile" cut off, and each of these without its first one or two words
("Experienced project manager" -> "project manager"). Features say where the candidate sits
relative to the name line and the section headings, how it is written, how much of it is
general job-title vocabulary (`job_title_words.txt`), and what lies just outside it in its
segment (where a title stops: part of a line or the whole line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from extractors.hr.candidates import Candidate
from extractors.hr.lines import Line, segments
from extractors.hr.resume import clean_segment, name_segment, title_like
from extractors.hr.title_vocab import TITLE_VOCAB
from extractors.hr.vocab import HEAD_WORDS, ROLE_WORDS, SECTION_HEADINGS, SELF_ADJECTIVES
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
    r"\b(?:seeking|targeting|looking\s+for)\s+(?:an?\s+)?|"
    r"\b(?:experience|work(?:ed|ing)?|employed|served)\s+as\s+(?:an?\s+)?|"
    r"\b(?:assignments?|career|opportunit(?:y|ies)|positions?|roles?)\s+as\s+(?:an?\s+)?|"
    r"\b(?:obtain|secure|pursue)\s+(?:an?\s+|the\s+)?", re.I)
_PIECE_SPLIT = re.compile(
    r"\s[-–—|/]\s|[,;:()\[\]\"“”]|\.\s|\s(?:with|at|in|for|where|who|and\s+use|to|"
    r"specializing|from|since|utilizing|using)\s", re.I)
# a part split again: "Administration Assistant/Lab Monitor", "Director and CEO"
_SUB_SPLIT = re.compile(r"/|\s(?:and|&)\s", re.I)
_PIECE_OK = re.compile(r"^[A-Za-z][A-Za-z&/.' -]*$")
MAX_PIECE_WORDS = 6
MAX_PARTS = 4  # parts of one segment after each start
MAX_WHOLE_WORDS = 8  # a segment this short is also a candidate whole
MAX_DROP_WORDS = 2  # leading words a suffix candidate leaves out
# template words around a title in a heading ("Sample Pastry Chef Resume")
_TEMPLATE_WORDS = re.compile(r"^\s*(?:sample|example)\s+|\s+(?:resume|cv|curriculum\s+vitae)"
                             r"(?:\s+(?:sample|example|template|format))?\s*$", re.I)
# what trails a title without belonging to it: "... position", "... June 2010", "... PROFILE"
_TRAILING = re.compile(
    r"(?:\s+(?:positions?|roles?|jobs?|opportunit(?:y|ies)|openings?|profile|resume|cv))+\s*$|"
    r"\s+(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s*)?"
    r"(?:19|20)\d\d\b.*$", re.I)
_MONTHS_ONLY = re.compile(r"\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
                          r"[a-z]*\.?\s*$", re.I)
_LEADING = re.compile(r"^(?:an?|the|my|as)\s+", re.I)


def _tidy(piece: str) -> str:
    out = _TEMPLATE_WORDS.sub("", piece)
    out = _TRAILING.sub("", out)
    out = _MONTHS_ONLY.sub("", out)
    return _LEADING.sub("", out.strip(" .-")).strip(" .-")


def _pieces(text: str) -> list[tuple[str, int, str]]:
    """(piece, offset, kind) for short word runs of a segment: every part between
    separators after the start and after each cue ("Team Member - Cisco", "Enterprise,
    Management Trainee Intern, City", "experience as help desk technician and ..."), each
    part split again at "/" and " and ". Kind: "piece", "cued" or "sub"."""
    out: list[tuple[str, int, str]] = []
    starts = [(0, False)] + [(m.end(), True) for m in _CUE_BEFORE.finditer(text)]
    for a, cued in starts:
        pos = a
        for k in range(MAX_PARTS):
            rest = text[pos:]
            m = _PIECE_SPLIT.search(rest)
            part = rest[: m.start()] if m else rest
            kinds = [(part, 0, "cued" if cued and k == 0 else "piece")]
            if _SUB_SPLIT.search(part):
                off = 0
                for sub in _SUB_SPLIT.split(part):
                    kinds.append((sub, part.find(sub, off), "sub"))
                    off = max(off, part.find(sub, off))
            for raw, o, kind in kinds:
                stripped = _tidy(raw)
                if not stripped or not _PIECE_OK.match(stripped):
                    continue
                if 1 <= len(stripped.split()) <= MAX_PIECE_WORDS:
                    out.append((stripped, pos + o + max(0, raw.find(stripped)), kind))
            if not m:
                break
            pos += m.end()
            if cued and k == 0:
                break  # a cue introduces one title
    return out


def _suffixes(found: list[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
    """The same spans without their first one or two words ("Experienced project manager"
    -> "project manager"): where a title starts inside a phrase is the model's choice,
    made from the words just outside each span (`boundary_features`)."""
    out: list[tuple[str, int, str]] = []
    for t, o, _ in found:
        words = list(re.finditer(r"\S+", t))
        for k in range(1, min(MAX_DROP_WORDS, len(words) - 1) + 1):
            start = words[k].start()
            out.append((t[start:], o + start, "suffix"))
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
    kind: str = "title_like"  # or "piece", "cued", "sub", "whole"
    name_dist: int = 99  # segments after the name's segment (negative: before it)
    under_heading: int = 99  # how many segments after the last heading
    n_segs: int = 1  # segments read in the document
    doc_count: int = 0  # times the words occur in the document's text (whole words)


def candidates(lines: list[Line], rule_pick: Candidate | None) -> list[TitleCandidate]:
    """Every title-like segment and piece (and the rule's pick), in reading order, values
    unique."""
    segs: list[Line] = []
    for line in lines[:200]:
        segs.extend(segments(line))
    named = name_segment(segs)
    name_idx = named[0] if named is not None else None
    out: list[TitleCandidate] = []
    seen: set[str] = set()
    heading, heading_idx = "", -1
    n_segs = min(len(segs), MAX_SEGMENTS)
    texts = [clean_segment(s)[0] for s in segs[:MAX_SEGMENTS + 1]]
    doc_low = "\n".join(s.text for s in segs).lower()
    for i, seg in enumerate(segs[:MAX_SEGMENTS]):
        text, lead = clean_segment(seg)
        low = text.lower().rstrip(":")
        if low in SECTION_HEADINGS:
            heading, heading_idx = low, i
            continue
        found: list[tuple[str, int, str]] = []
        bare = _TEMPLATE_WORDS.sub("", text)
        got = title_like(bare, strict=False)
        if got:
            found.append((got[0], got[1] + text.find(bare), "title_like"))
        found += _pieces(text)
        whole = _tidy(text)
        if whole and len(whole.split()) <= MAX_WHOLE_WORDS \
                and not re.search(r"\d|@|https?:|www\.", whole):
            found.append((whole, max(0, text.find(whole)), "whole"))
        found += _suffixes(found)
        for t, o, kind in found:
            key = t.lower()
            if key in seen or key.rstrip(":") in SECTION_HEADINGS:
                continue
            seen.add(key)
            is_rule = rule_pick is not None and str(rule_pick.normalized).lower() == key
            out.append(TitleCandidate(
                t, seg, lead + o, lead + o + len(t), i, is_rule, heading,
                texts[i - 1] if i else "", texts[i + 1] if i + 1 < len(texts) else "", kind,
                i - name_idx if name_idx is not None else 99,
                i - heading_idx if heading_idx >= 0 else 99, n_segs,
                len(re.findall(r"(?<!\w)" + re.escape(key) + r"(?!\w)", doc_low))))
    if rule_pick is not None and str(rule_pick.normalized).lower() not in seen \
            and rule_pick.line is not None:
        out.append(TitleCandidate(str(rule_pick.normalized), rule_pick.line, rule_pick.start,
                                  rule_pick.end, MAX_SEGMENTS, True, "", "", "",
                                  n_segs=n_segs))
    return out


_STRIP_CHARS = " \"'•·*-–|:\t.,;"
_FUNCTION_WORDS = frozenset("a an the of and or to in for with at on by as my i".split())


def features(c: TitleCandidate, all_c: list[TitleCandidate]) -> dict[str, float]:
    words = c.text.split()
    low_words = [w.lower().strip(".,()/&") for w in words]
    low_words = [w for w in low_words if w] or [""]
    full = c.seg.text
    v = TITLE_VOCAB
    content = [w for w in low_words if w not in _FUNCTION_WORDS]
    after = full[c.end:].strip().lower()
    before = full[: c.start].strip().lower()
    f: dict[str, float] = {
        "index": float(c.index),
        "rel_index": c.index / max(1, c.n_segs),
        "order": float(all_c.index(c)),
        "n_cands": float(len(all_c)),
        "rule": float(c.rule),
        "n_words": float(len(words)),
        "n_chars": float(len(c.text)),
        "whole_segment": float(len(c.text) >= 0.9 * len(full.strip())),
        "upper": float(c.text.isupper()),
        "title_case": float(all(w[:1].isupper() for w in words if w[:1].isalpha())),
        "lower_start": float(c.text[:1].islower()),
        "head_noun": float(low_words[-1] in HEAD_WORDS),
        "role_word": float(any(w in ROLE_WORDS for w in low_words)),
        "vocab_head_last": float(low_words[-1] in v.head),
        "vocab_head_any": float(any(w in v.head for w in low_words)),
        "vocab_modifier_first": float(low_words[0] in v.modifier),
        "vocab_field": float(sum(w in v.field for w in low_words)),
        "vocab_share": sum(v.known(w) for w in content) / max(1, len(content)),
        "vocab_not_title": float(sum(w in v.not_title for w in low_words)),
        "function_words": float(sum(w in _FUNCTION_WORDS for w in low_words)),
        "seg_words": float(len(full.split())),
        "seg_sentence": float(full.rstrip().endswith(".") or len(full.split()) > 12),
        "resume_word": float(bool(re.search(r"\b(?:resume|cv)\b", full, re.I))),
        f"heading={c.heading_above or 'none'}": 1.0,
        f"kind={c.kind}": 1.0,
        "title_like": float(title_like(c.text, strict=False) is not None),
        "repeats": float(sum(1 for o in all_c if o is not c and c.text.lower() in o.text.lower())),
        "name_dist": float(c.name_dist),
        "right_after_name": float(1 <= c.name_dist <= 2),
        "under_heading": float(c.under_heading),
        "first_under_heading": float(c.under_heading <= 2),
        "starts_segment": float(c.start <= 2),
        "then_position": float(bool(re.match(r"(?:positions?|roles?|jobs?|opportunit)", after))),
        "then_date": float(bool(re.search(r"^\W*(?:(?:19|20)\d\d|jan|feb|mar|apr|may|jun|jul|"
                                          r"aug|sep|oct|nov|dec|present|current)", after))),
        "then_company": float(bool(CONTEXT["company"].search(after[:60]))),
        "after_comma": float(before.endswith(",")),
        "after_dash": float(bool(re.search(r"[-–—|]$", before))),
    }
    for name, rx in CONTEXT.items():
        f[f"prev:{name}"] = float(bool(rx.search(c.prev)))
        f[f"next:{name}"] = float(bool(rx.search(c.nxt)))
        f[f"self:{name}"] = float(bool(rx.search(full)))
    return f


_SEPARATORS = ",;:-–—|/()[]\"“”•·*"
_WORD = re.compile(r"[A-Za-z][A-Za-z'.&-]*")


def _word_class(word: str, side: str) -> dict[str, float]:
    """What the word just outside a span is, for `boundary_features` (lower-cased lookups,
    so an all-capitals line reads like any other)."""
    low = word.lower().strip(".,()/&'")
    v = TITLE_VOCAB
    return {
        f"{side}_function": float(low in _FUNCTION_WORDS),
        f"{side}_self_adj": float(low in SELF_ADJECTIVES),
        f"{side}_vocab_head": float(low in v.head or low in HEAD_WORDS),
        f"{side}_vocab_modifier": float(low in v.modifier),
        f"{side}_vocab_field": float(low in v.field),
        f"{side}_not_title": float(low in v.not_title),
        f"{side}_capital": float(word[:1].isupper()),
        f"{side}_upper": float(word.isupper() and len(word) > 1),
        f"{side}_lower": float(word[:1].islower()),
    }


def boundary_features(c: TitleCandidate) -> dict[str, float]:
    """Where the span stops inside its segment: the separator or word just before and just
    after it, so the model learns when a title is part of a line ("Application Developer"
    of "Application Developer - SAP ABAP") and when the whole line."""
    full = c.seg.text
    before, after = full[: c.start].rstrip(), full[c.end:].lstrip()
    f: dict[str, float] = {
        "left_edge": float(not before.strip(_STRIP_CHARS)),
        "right_edge": float(not after.strip(_STRIP_CHARS)),
        "left_sep": float(bool(before) and before[-1] in _SEPARATORS),
        "right_sep": float(bool(after) and after[0] in _SEPARATORS),
        "right_digit": float(bool(after) and after[0].isdigit()),
        "right_space_dash": float(bool(re.match(r"[-–—|]\s", after))),
    }
    left = _WORD.findall(before[-40:])
    right = _WORD.findall(after[:40])
    lw = left[-1] if left and not f["left_sep"] else ""
    rw = right[0] if right and not f["right_sep"] and not f["right_digit"] else ""
    f.update(_word_class(lw, "lw") if lw else {"lw_none": 1.0})
    f.update(_word_class(rw, "rw") if rw else {"rw_none": 1.0})
    words = c.text.split()
    if lw:
        f["lw_same_case"] = float(lw.isupper() == c.text.isupper()
                                  and lw[:1].isupper() == words[0][:1].isupper())
    if rw:
        f["rw_same_case"] = float(rw.isupper() == c.text.isupper()
                                  and rw[:1].isupper() == words[-1][:1].isupper())
    return f


def position(c: TitleCandidate) -> tuple[int, int]:
    """Where a candidate sits in the document: segment, then character in it."""
    return c.index, c.start


def _headed(f: dict[str, float]) -> bool:
    return bool(f["head_noun"] or f["vocab_head_last"])


def feature_rows(cands: list[TitleCandidate]) -> list[dict[str, float]]:
    """`features` of every candidate plus how it compares with the resume's other candidates:
    its rank among the title-like ones in reading order, whether it is the first after the
    name or under the experience heading, and how its span sits among the other candidates
    cut from the same segment (the longest? inside a longer one?). "Title-like": ends in a
    job-title head noun."""
    rows = [features(c, cands) | boundary_features(c) for c in cands]
    headed = [i for i, f in enumerate(rows) if _headed(f)]
    headed_rank = {i: r for r, i in enumerate(sorted(headed, key=lambda i: cands[i].index))}
    # segment indexes: the first title-like segment after the name / under "Experience"
    first_after_name = min((cands[i].index for i in headed if 1 <= cands[i].name_dist < 99),
                           default=-1)
    under_exp = {i for i in headed if CONTEXT["experience"].search(cands[i].heading_above)}
    first_exp = min((cands[i].index for i in under_exp), default=-1)
    by_seg: dict[int, list[int]] = {}
    for i, c in enumerate(cands):
        by_seg.setdefault(id(c.seg), []).append(i)
    max_count = max((c.doc_count for c in cands), default=0)
    for i, (c, f) in enumerate(zip(cands, rows, strict=True)):
        low = c.text.lower()
        mates = [cands[j] for j in by_seg[id(c.seg)] if j != i]
        longer = [m for m in mates if low in m.text.lower() and len(m.text) > len(c.text)]
        f["headed_rank"] = float(headed_rank.get(i, 99))
        f["first_after_name"] = float(i in headed_rank and c.index == first_after_name)
        f["first_under_experience"] = float(i in under_exp and c.index == first_exp)
        f["seg_cover"] = len(c.text) / max(1, len(clean_segment(c.seg)[0]))
        f["inside_longer"] = float(len(longer))
        f["inside_longer_headed"] = float(sum(
            1 for m in longer if m.text.split()[-1].lower().strip(".,()/&") in HEAD_WORDS))
        f["contains_shorter"] = float(sum(1 for m in mates if m.text.lower() in low
                                          and len(m.text) < len(c.text)))
        f["longest_in_seg"] = float(all(len(m.text) <= len(c.text) for m in mates))
        f["doc_count"] = float(c.doc_count)
        f["doc_count_max"] = float(c.doc_count == max_count and max_count > 1)
    return rows


class TitleRanker(CandidateScorer):
    def choose(self, cands: list[TitleCandidate]) -> tuple[TitleCandidate, float] | None:
        got = self.choose_row(feature_rows(cands), [position(c) for c in cands], CONF_FLOOR,
                              CONF_CEIL)
        return (cands[got[0]], got[1]) if got else None



def load(path: Path = MODEL_PATH) -> TitleRanker | None:
    """The shipped ranker; None when no model file is shipped."""
    bundle = load_shipped(path)
    return TitleRanker(bundle) if bundle else None
