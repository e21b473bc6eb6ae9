"""The sections of a resume, read from its headings, and where each segment sits in them.

A resume is a run of sections ("Objective", "Work Experience", "Education", "Skills", ...),
and whether a title-like phrase is a role the person held depends on the section it sits in:
"Associate" under Education is a degree ("Associate of Arts"), under Work Experience a role;
the first role of the first experience section is usually the headline title. A heading is a
short segment without digits that ends in one of a section kind's words ("Technical Skills",
"Areas of Expertise"; "Technical Training Instructor" is a title) and is written like a heading (all capitals, a trailing colon, or every word capitalised and no more
than `MAX_TITLECASE_WORDS` words). The words of each kind are general resume vocabulary,
kept in `SECTION_WORDS`; the title ranker uses the kinds as features, the model weighs them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

MAX_HEADING_WORDS = 5
MAX_TITLECASE_WORDS = 3
_STRIP = " \"'•·*-–|:\t.;"
_FILLER = frozenset("and & of / the my".split())


class Section(StrEnum):
    """What a resume section holds."""

    TOP = "top"  # before the first heading: name, headline, contact lines
    EXPERIENCE = "experience"
    EDUCATION = "education"
    SKILLS = "skills"
    SUMMARY = "summary"
    PROJECTS = "projects"
    OTHER = "other"  # personal details, references, awards, interests, ...


# heading words per kind; a heading's kind is its last section word's ("Career Objective" and
# "Experience Summary" are summaries, "Academic Projects" projects)
SECTION_WORDS: dict[Section, frozenset[str]] = {
    Section.SUMMARY: frozenset("""objective objectives summary profile about overview
        introduction highlights synopsis""".split()),
    Section.EXPERIENCE: frozenset("""experience experiences employment career history
        positions internship internships appointments""".split()),
    Section.EDUCATION: frozenset("""education educational academic academics qualification
        qualifications degree degrees schooling certification certifications training
        courses coursework credentials""".split()),
    Section.PROJECTS: frozenset("project projects assignments".split()),
    Section.SKILLS: frozenset("""skills skill technical technologies expertise competencies
        competency proficiency proficiencies tools strengths languages software
        abilities""".split()),
    Section.OTHER: frozenset("""personal contact details information references hobbies
        interests declaration achievements accomplishments awards honors honours activities
        publications affiliations memberships volunteer volunteering extracurricular
        additional""".split()),
}
# words that may follow a heading's section word ("Skill Set", "Languages Known")
TRAILING_WORDS = frozenset("set known acquired undertaken licenses licences description"
                           .split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def heading_kind(text: str) -> Section | None:
    """The kind of section `text` (one segment) heads, or None when it is no heading."""
    t = text.strip(_STRIP)
    if not t or re.search(r"\d|@|https?:|www\.", t):
        return None
    words = _WORD.findall(t)
    if not words or len(t.split()) > MAX_HEADING_WORDS:
        return None
    low = [w.lower() for w in words]
    if not any(low[-1] in vocab for vocab in SECTION_WORDS.values()) \
            and low[-1] not in TRAILING_WORDS:
        return None
    # the kind of the last section word: "Academic Projects", "Experience Summary"
    kind = next((k for w in reversed(low) for k, vocab in SECTION_WORDS.items() if w in vocab),
                None)
    if kind is None:
        return None
    content = [w for w in words if w.lower() not in _FILLER]
    styled = (t.isupper() or text.rstrip().endswith(":")
              or (len(content) <= MAX_TITLECASE_WORDS and all(w[:1].isupper() for w in content)))
    return kind if styled else None


@dataclass(frozen=True, slots=True)
class Place:
    """Where a segment sits: its section, which section of that kind it is (0: the first),
    and how many segments after the heading (0 for segments above any heading)."""

    section: Section
    ordinal: int
    offset: int


def places(texts: list[str]) -> list[Place | None]:
    """The `Place` of every segment text; None for the headings themselves."""
    out: list[Place | None] = []
    section, ordinal, start = Section.TOP, 0, -1
    seen: dict[Section, int] = {}
    for i, text in enumerate(texts):
        kind = heading_kind(text)
        if kind is not None:
            section, start = kind, i
            ordinal = seen.get(kind, 0)
            seen[kind] = ordinal + 1
            out.append(None)
            continue
        out.append(Place(section, ordinal, i - start if start >= 0 else i))
    return out
