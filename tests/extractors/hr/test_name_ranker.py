"""Resume name candidates and the shipped name ranker."""

from extractors.hr import extract_hr, name_ranker
from extractors.hr.lines import document_lines
from ingest.layout import synthetic_page
from ingest.types import IngestedDocument


def _doc(text):
    return IngestedDocument("r.txt", "0" * 64, "text/plain", len(text), [synthetic_page(text)])


def _cands(text):
    return [c.text for c in name_ranker.candidates(document_lines(_doc(text)), None)]


def test_a_flattened_one_line_resume_still_offers_the_name():
    got = _cands('"Priya Lakshmi Raman Hyderabad, Telangana - Email me on Indeed: pr@example.org '
                 'WORK EXPERIENCE Software Engineer Example Corp"')
    assert "Priya Lakshmi Raman" in got
    assert "Priya Lakshmi Raman Hyderabad" in got  # the model, not the generator, decides


def test_one_word_names_and_headings_are_candidates():
    got = _cands("CURRICULUM VITAE\nOkonkwo\nokonkwo@example.org")
    assert {"CURRICULUM VITAE", "Okonkwo"} <= set(got)


def test_features_see_the_email_and_template_words():
    lines = document_lines(_doc("Resume of Dana Whitfield\ndwhitfield@example.org"))
    local = name_ranker.email_local(lines)
    rows = {c.text: name_ranker.features(c, local)
            for c in name_ranker.candidates(lines, None)}
    assert rows["Dana Whitfield"]["in_email"] == 1.0
    assert rows["Resume"]["template"] == 1.0


def test_shipped_ranker_reports_a_name_with_a_probability():
    model = name_ranker.load()
    assert model is not None and model.version.startswith("name-")
    f = extract_hr(_doc("Dana Whitfield\nSenior Data Analyst\ndwhitfield@example.org\n"
                        "Experience\nSenior Data Analyst, Example Corp, 2019 - present"), "resume")
    assert f["employee_name"].normalized == "Dana Whitfield"
    assert f["employee_name"].source == "ranker"
    assert name_ranker.CONF_FLOOR <= f["employee_name"].confidence <= name_ranker.CONF_CEIL


def test_features_see_generic_words_places_and_common_english_words():
    lines = document_lines(_doc("JOB SEEKER\nTamil Nadu, Chennai\nOkonkwo Adeyemi\n"
                                "oa@example.org"))
    local = name_ranker.email_local(lines)
    rows = {c.text: name_ranker.features(c, local)
            for c in name_ranker.candidates(lines, None)}
    assert rows["JOB SEEKER"]["generic"] == 2.0 and rows["JOB SEEKER"]["common_words"] >= 1.0
    assert rows["Tamil Nadu"]["place_words"] == 2.0  # pycountry's "Tamil Nādu", accents folded
    name = rows["Okonkwo Adeyemi"]
    assert name["generic"] == 0.0 and name["place_words"] == 0.0
    assert name["unknown_words"] == 2.0 and name["common_words"] == 0.0
