"""Resume job-title candidates and the shipped title ranker."""

from extractors.hr import extract_hr, title_ranker
from extractors.hr.lines import document_lines
from ingest.layout import synthetic_page
from ingest.types import IngestedDocument


def _doc(text):
    return IngestedDocument("r.txt", "0" * 64, "text/plain", len(text), [synthetic_page(text)])


def _cands(text):
    return [c.text for c in title_ranker.candidates(document_lines(_doc(text)), None)]


def test_titles_inside_longer_segments_are_candidates():
    got = _cands("Jordan Example\nTeam Member - Acme Stores\nObjective\n"
                 "Seeking a position as a help desk technician in a growing firm.")
    assert "Team Member" in got
    assert "help desk technician" in got


def test_template_words_are_not_part_of_a_title():
    assert "Pastry Chef" in _cands("Sample Pastry Chef Resume\nJordan Example")


def test_shipped_ranker_reports_a_title_with_a_probability():
    model = title_ranker.load()
    assert model is not None and model.version.startswith("title-")
    f = extract_hr(_doc("Jordan Example\nSenior Data Analyst\njordan@example.org\n"
                        "Experience\nSenior Data Analyst, Example Corp, 2019 - present"), "resume")
    assert f["job_title"].normalized == "Senior Data Analyst"
    assert 0.0 < f["job_title"].confidence < 1.0 and f["job_title"].source == "ranker"


def _rows(text):
    cands = title_ranker.candidates(document_lines(_doc(text)), None)
    return {c.text: f for c, f in zip(cands, title_ranker.feature_rows(cands), strict=True)}


def test_rows_compare_a_candidate_with_the_others_of_its_resume():
    rows = _rows("Jordan Okafor\nWine and Spirits Sales Professional\njordan@example.org\n"
                 "Work Experience\nStore Manager, Example Stores, 2019 - present\n"
                 "Sales Associate, Other Stores, 2015 - 2019\nStore Manager duties")
    whole, part = rows["Wine and Spirits Sales Professional"], rows["Spirits Sales Professional"]
    assert whole["longest_in_seg"] == 1.0 and whole["inside_longer"] == 0.0
    assert part["inside_longer"] >= 1.0 and part["longest_in_seg"] == 0.0
    assert whole["first_after_name"] == 1.0 and rows["Store Manager"]["first_after_name"] == 0.0
    assert rows["Store Manager"]["first_under_experience"] == 1.0
    assert rows["Sales Associate"]["first_under_experience"] == 0.0
    assert rows["Store Manager"]["doc_count"] == 2.0
    assert rows["Sales Associate"]["headed_rank"] > whole["headed_rank"]
