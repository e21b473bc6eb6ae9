"""Resume heuristics: the candidate's name, headline job title and contact details.

Resumes rarely label anything. The name is the first person-like segment near the top
(skipping headings such as "Curriculum Vitae" or "Sample ... Resume"); the job title is the
headline right after the name, a "<Title> Resume" heading, or the first role under the
work-experience heading.
"""

from __future__ import annotations

import re

from extractors.hr.candidates import Candidate
from extractors.hr.lines import Line, segments
from extractors.hr.values import clean_name
from extractors.hr.vocab import (
    HEAD_WORDS,
    HEADING_WORDS,
    ROLE_WORDS,
    SECTION_HEADINGS,
    SELF_ADJECTIVES,
)

TOP_SEGMENTS = 15
_STRIP = " \"'•·*-–|:\t"
_TITLE_CUT = re.compile(
    r"@|\s[-–—|]\s|\s(?:with|at|in|for|of|seeking|who|wherein)\s|,|\(|\s-\s*$|\bresume\b", re.I
)
# head nouns that also qualify headings ("Professional Experience", "Expert Skills")
_GENERIC_HEADS = frozenset("professional expert leader general staff head lead".split())
_STOP = frozenset("a an the as to of seeking position achieve obtain my and or".split())
_SEEKING = re.compile(
    r"\bseeking\s+(?:a|an)\s+(?:full[- ]time\s+|part[- ]time\s+|permanent\s+)?"
    r"(?P<t>(?:[A-Z][\w/&+-]*\s+){0,4}[A-Z][\w/&+-]*)\s+(?:position|role|job)\b"
    r"|(?P<u>(?:[A-Z][\w/&+-]*\s+){0,3}[A-Z][\w/&+-]*)\s+seeking\b"
)
_RESUME_HEADING = re.compile(
    r"^(?:sample\s+|example\s+)?(?P<t>[A-Za-z&/ ]{3,60}?)\s+(?:resume|cv)(?:\s+(?:template|"
    r"sample|example|format))?$",
    re.I,
)


def _clean(seg: Line) -> tuple[str, int]:
    text = seg.text
    lead = len(text) - len(text.lstrip(_STRIP))
    return text[lead:].rstrip(_STRIP), lead


def _title_like(text: str, strict: bool = True) -> tuple[str, int, int] | None:
    """(title, offset, length) when `text` starts with a plausible job title: at most 8 words up to
    the last head noun ("Senior Systems Engineer - mainframe" -> "Senior Systems Engineer")."""
    cut = _TITLE_CUT.search(text)
    head = text[: cut.start()] if cut else text
    head = head.strip(" .:;-")
    if re.search(r"\d(?!$)|@|https?:|www\.", head):
        return None
    low = head.lower()
    if "email" in low or "indeed" in low:
        return None
    words = head.split()
    last = max(
        (i for i, w in enumerate(words) if w.lower().strip(".,()/") in HEAD_WORDS), default=-1
    )
    if last < 0 or last >= 8:
        return None
    if any(w.lower().strip(".,:") in HEADING_WORDS for w in words) and (
        words[last].lower().strip(".,()/") in _GENERIC_HEADS
    ):
        return None  # "PROFESSIONAL SUMMARY": a heading, but "Education Consultant" a title
    words = words[: last + 1]
    # keep the trailing run of title words: capitalised or role vocabulary, no self-praise
    first = len(words) - 1
    while first > 0:
        w = words[first - 1]
        wl = w.lower().strip(".,()/")
        if wl in SELF_ADJECTIVES or wl in _STOP or w.endswith(":"):
            break  # "Position: Executive Director": a label is not part of the title
        if strict and not (w[:1].isupper() or wl in ROLE_WORDS):
            break
        first -= 1
    offset = len(" ".join(words[:first])) + (1 if first else 0)
    words = words[first:]
    if not any(w.lower().strip(".,()/") in ROLE_WORDS for w in words):
        return None
    title = " ".join(words)
    return title, offset, len(title)


_EXPERIENCE_HEAD = re.compile(
    r"^(?:[A-Za-z&]+\s+){0,3}(?:experiences?|employment|work\s+history|career\s+history)"
    r"(?:\s*(?:/|&|and)\s*(?:[A-Za-z]+\s*){1,3})?\s*:?\s*$",
    re.I,
)
_DATEISH = re.compile(r"\d|\b(?:present|current|till date|to date)\b", re.I)
EXPERIENCE_WINDOW = 6
# headings distinctive enough to recognise when the employer follows on the same segment
_INLINE_HEADS = ("work experience", "professional experience", "employment history",
                 "work history")


# public names for the title ranker, which reads segments the way these rules do
clean_segment = _clean
title_like = _title_like


def _experience_title(lines: list[Line]) -> Candidate | None:
    """The first role under the work-experience heading: a segment that is a title on its own
    ("Software Engineer", "Counseling Intern, ...", "Teacher (Program)"), found among the few
    segments after the heading that are not dates or places. Employers rarely end in a title
    head noun, and a segment must be nothing but the title, which keeps precision."""
    segs: list[Line] = []
    for line in lines:
        segs.extend(segments(line))
    for i, seg in enumerate(segs):
        text, _ = _clean(seg)
        low = text.lower().rstrip(":")
        inline = next((h for h in _INLINE_HEADS if low.startswith(h + " ")), None)
        if low not in SECTION_HEADINGS and not inline and not _EXPERIENCE_HEAD.match(text):
            continue
        if text.lower().startswith(("summary", "years", "total")):
            continue
        for nxt in segs[i + 1 : i + 1 + EXPERIENCE_WINDOW]:
            t_text, lead = _clean(nxt)
            if not t_text or _DATEISH.search(t_text.split(",")[0].split("(")[0]):
                continue
            head = re.split(r",|\(|\s[-–—|]\s|\s-$", t_text, maxsplit=1)[0].strip(" .:;-")
            got = _title_like(head)
            if got and got[0] == head and len(head.split()) <= 6:
                t, o, n = got
                return Candidate("job_title", t, t, 0.65, nxt, lead + o, lead + o + n, "resume")
        return None
    return None


def name_segment(segs: list[Line]) -> tuple[int, Candidate] | None:
    """(index, candidate) of the first person-like segment among the top segments."""
    for i, seg in enumerate(segs[:TOP_SEGMENTS]):
        text, lead = _clean(seg)
        text_l = re.sub(r"^name\s*:\s*", "", text, flags=re.I)
        lead += len(text) - len(text_l)
        if not text_l or re.search(r"\d|@", text_l.split(",")[0]):
            continue
        got = clean_name(text_l)
        if not got:
            continue
        name, s, e = got
        rest = text_l[e:].strip()
        if rest and not (rest.startswith(",") and len(rest) <= 25):
            continue
        conf = 0.9 if i <= 1 else 0.5
        norm = name.title() if name.isupper() else name
        return i, Candidate("employee_name", name, norm, conf, seg, lead + s, lead + e,
                            "resume")
    return None


def resume_candidates(lines: list[Line]) -> list[Candidate]:
    segs: list[Line] = []
    for line in lines[:60]:
        segs.extend(segments(line))
    out: list[Candidate] = []
    name_idx: int | None = None
    found = name_segment(segs)
    if found is not None:
        name_idx = found[0]
        out.append(found[1])

    title: Candidate | None = None
    if name_idx is not None:
        for seg in segs[name_idx + 1 : name_idx + 7]:
            text, lead = _clean(seg)
            got = _title_like(text, strict=False)
            if got:
                t, o, n = got
                title = Candidate("job_title", t, t, 0.8, seg, lead + o, lead + o + n, "resume")
                break
    if title is None:
        for seg in segs[: (name_idx if name_idx is not None else 3) + 1]:
            text, lead = _clean(seg)
            m = _RESUME_HEADING.match(text)
            if m:
                got = _title_like(m.group("t"))
                if got:
                    t, o, n = got
                    s = lead + m.start("t") + o
                    title = Candidate("job_title", t, t, 0.6, seg, s, s + n, "resume")
                    break
            whole = _title_like(text)
            if whole and whole[0] == text:  # a headline that is only a title
                title = Candidate("job_title", text, text, 0.6, seg, lead, lead + len(text),
                                  "resume")
                break
    if title is None:
        for seg in segs[:TOP_SEGMENTS]:
            text, lead = _clean(seg)
            m = _SEEKING.search(text)
            if m:
                group = "t" if m.group("t") else "u"
                got = _title_like(m.group(group))
                if got:
                    t, o, n = got
                    s = lead + m.start(group) + o
                    title = Candidate("job_title", t, t, 0.55, seg, s, s + n, "resume")
                    break
    if title is None:
        title = _experience_title(lines)
    if title is not None:
        out.append(title)
    return out


def looks_like_resume(text: str) -> bool:
    low = text.lower()
    hits = sum(
        1 for w in ("experience", "education", "skills", "resume", "curriculum vitae",
                    "objective", "projects", "certifications")
        if w in low
    )
    return hits >= 3
