"""Resume sections read from headings, and where each segment sits in them."""

from extractors.hr.sections import Section, heading_kind, places


def test_headings_of_each_kind():
    assert heading_kind("WORK EXPERIENCE") is Section.EXPERIENCE
    assert heading_kind("Education:") is Section.EDUCATION
    assert heading_kind("Technical Skills") is Section.SKILLS
    assert heading_kind("Career Objective") is Section.SUMMARY  # its last section word
    assert heading_kind("Academic Projects") is Section.PROJECTS
    assert heading_kind("Areas of Expertise") is Section.SKILLS


def test_titles_and_sentences_are_not_headings():
    assert heading_kind("Technical Training Instructor") is None  # ends in a role
    assert heading_kind("Software Engineer - Disney") is None
    assert heading_kind("Work and educational history of reliability") is None  # too long
    assert heading_kind("experience in banking") is None  # not written like a heading
    assert heading_kind("Education 2010") is None  # digits


def test_places_count_sections_of_a_kind_and_offsets():
    texts = ["Jordan Example", "Analyst", "EXPERIENCE", "Engineer", "Acme",
             "EDUCATION", "College", "Volunteer Experience", "Helper"]
    got = places(texts)
    assert got[0].section is Section.TOP and got[1].offset == 1
    assert got[2] is None and got[5] is None and got[7] is None  # headings themselves
    assert (got[3].section, got[3].ordinal, got[3].offset) == (Section.EXPERIENCE, 0, 1)
    assert got[6].section is Section.EDUCATION
    assert (got[8].section, got[8].ordinal) == (Section.EXPERIENCE, 1)
