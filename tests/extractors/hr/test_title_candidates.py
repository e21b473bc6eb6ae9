"""The widened resume title candidates and the job-title vocabulary file."""

from pathlib import Path

import pytest

from extractors.hr.resume import title_like
from extractors.hr.title_ranker import _pieces
from extractors.hr.title_vocab import TITLE_VOCAB, TitleVocabError, read_vocab


def texts(segment: str) -> set[str]:
    return {t for t, _, _ in _pieces(segment)}


def test_every_comma_part_is_a_candidate() -> None:
    got = texts("Acme Rentals, Management Trainee Intern, Springfield, GA")
    assert "Management Trainee Intern" in got


def test_cue_and_trailing_position_word() -> None:
    assert "Secondary School Teaching" in texts("Seeking a Secondary School Teaching position")
    assert "help desk technician" in texts("Two years of experience as help desk technician "
                                           "and web developer.")


def test_trailing_date_and_sub_parts() -> None:
    assert "SOFTWARE ENGINEER" in texts("SOFTWARE ENGINEER June 2010")
    got = texts("Network Administration Assistant/Lab Monitor")
    assert {"Network Administration Assistant", "Lab Monitor"} <= got


def test_vocabulary_sections() -> None:
    assert "engineer" in TITLE_VOCAB.head and "senior" in TITLE_VOCAB.modifier
    assert "software" in TITLE_VOCAB.field and "summary" in TITLE_VOCAB.not_title


def test_malformed_vocabulary_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "w.txt"
    bad.write_text("engineer\n")
    with pytest.raises(TitleVocabError):
        read_vocab(bad)
    bad.write_text("[heads]\nengineer\n")
    with pytest.raises(TitleVocabError):
        read_vocab(bad)


def test_a_label_before_the_title_is_not_part_of_it() -> None:
    # "Position:" names what follows; the title starts after the colon, also for the
    # title-like reading of the whole line that the ranker's candidates start from
    assert title_like("Position: Executive Director and CEO", strict=False)[0] == \
        "Executive Director"
    assert title_like("Current Role: Senior Data Analyst")[0] == "Senior Data Analyst"
    assert title_like("Chief Technology Officer")[0] == "Chief Technology Officer"
