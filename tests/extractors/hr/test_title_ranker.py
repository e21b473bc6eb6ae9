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


def test_a_title_inside_a_phrase_is_a_candidate_without_its_leading_words():
    got = _cands("Jordan Example\nExperienced project manager and facilitator\n")
    assert "Experienced project manager" in got and "project manager" in got


def test_boundary_features_tell_part_of_a_line_from_the_whole_line():
    rows = _rows("Jordan Example\nApplication Developer - SAP ABAP\njordan@example.org\n"
                 "Summary\nExperienced project manager\n")
    whole, part = rows["Application Developer - SAP ABAP"], rows["Application Developer"]
    assert whole["right_edge"] == 1.0 and whole["left_edge"] == 1.0
    assert part["right_edge"] == 0.0 and part["right_space_dash"] == 1.0
    inner = rows["project manager"]
    assert inner["left_edge"] == 0.0 and inner["lw_self_adj"] == 1.0
    assert rows["Experienced project manager"]["lw_none"] == 1.0


def test_shipped_ranker_reports_the_earliest_role():
    model = title_ranker.load()
    assert model is not None and model.decide == "first"
    f = extract_hr(_doc("Jordan Example\nStore Manager\njordan@example.org\nWork Experience\n"
                        "Sales Associate, Example Stores, 2015 - 2019"), "resume")
    assert f["job_title"].normalized == "Store Manager"
