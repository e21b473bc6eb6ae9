"""Job titles taken from the first role under a resume's work-experience heading."""

from __future__ import annotations

from extractors.hr.lines import Line
from extractors.hr.resume import resume_candidates


def _lines(text: str) -> list[Line]:
    return [Line(page=0, index=i, text=t) for i, t in
            enumerate(text.split("\n"))]


def _title(text: str) -> str | None:
    got = [c for c in resume_candidates(_lines(text)) if c.field == "job_title"]
    return got[0].normalized if got else None


def test_first_role_after_inline_experience_heading() -> None:
    text = ("Pat Example  12 Any Road, Springfield  pat@example.org    EDUCATION  B.Sc. 2010    "
            "Work Experience Acme Widgets Ltd  Quality Control Technician  2012 - Present  "
            "Tested parts")
    assert _title(text) == "Quality Control Technician"


def test_dates_and_employer_skipped_and_qualifier_cut() -> None:
    text = ("Pat Example\n12 Any Road\nPROFESSIONAL EXPERIENCE\nNorthside Academy, Springfield\n"
            "2015 - present\nMathematics Teacher (Grades 9-12)\nPlanned lessons")
    assert _title(text) == "Mathematics Teacher"


def test_no_title_when_experience_lists_only_sentences() -> None:
    text = ("Pat Example\n12 Any Road\nWORK EXPERIENCE\n"
            "I worked with the team on many things for several years\nMore text here")
    assert _title(text) is None
