"""The OCR merge's word-level choice between two recognisers' readings."""

from ingest.ocr.readings import best_reading, prefer_well_formed, well_formed_runs
from ingest.types import Word


def _w(text: str, alt: str) -> Word:
    """A word with the other recogniser's reading per character ("." where it agreed)."""
    return Word(text=text, bbox=(0, 0, 10, 10), char_alt=tuple("" if c == "." else c for c in alt))


def test_the_known_word_wins_a_dispute():
    w = best_reading(_w("JAMAN", "T...."))
    assert w.text == "TAMAN" and w.char_alt == ("J", "", "", "", "")


def test_a_number_read_with_letters_takes_the_digits():
    assert best_reading(_w("433OO,", "...00.")).text == "43300,"
    assert best_reading(_w("(12345O-X)", "......0...")).text == "(123450-X)"
    assert best_reading(_w("Ja1an", "..l..")).text == "Jalan"


def test_only_the_disputed_characters_needed_change():
    # two disputes, one of them enough: the other stays the merge's
    assert best_reading(_w("JAMAN", "T..N.")).text == "TAMAN"


def test_ties_and_undisputed_words_keep_the_merge():
    for w in (_w("GST", "%.."),   # a mark cannot make an unknown run vanish
              _w("GB", "99"),     # a word of letters does not turn into a number
              _w("US", ".5"),     # codes are neither made nor unmade
              _w("SS21/60", "98....."),  # nor a code's letter prefix read as digits
              _w("1210644T", ".......7"),  # a check letter is no misread digit
              _w("TAMAN", "J...."),  # the merge's reading already a word
              _w("XQZW", "YQZV")):  # neither a word
        assert best_reading(w) is w
    plain = Word(text="JAMAN", bbox=(0, 0, 1, 1))
    assert best_reading(plain) is plain
    words, n = prefer_well_formed([plain, _w("JAMAN", "T....")])
    assert n == 1 and words[0] is plain and words[1].text == "TAMAN"


def test_well_formed_runs():
    assert well_formed_runs("JALAN 43300, G5T") == 2
    assert well_formed_runs("JA1AN 433OO") == 0


def test_on_a_french_or_german_page_a_letter_keeps_its_mark():
    # the word list is unmarked, so the bare spelling always looks known
    assert best_reading(_w("François", "....c...")).text == "Francois"
    assert best_reading(_w("François", "....c..."), keep_marks=True).text == "François"
    assert best_reading(_w("Noël", "..e."), keep_marks=True).text == "Noël"
    # other disputes on such a page are still decided
    assert best_reading(_w("JAMAN", "T...."), keep_marks=True).text == "TAMAN"
