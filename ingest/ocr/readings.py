"""Of the two recognisers' readings of a word, the one that is a word.

Where RapidOCR's two recognisers (`ingest.ocr.second_reading`) read a character
differently, the merge keeps the one it is surer of, character by character, and the
word remembers the other (`Word.char_alt`). Confidence alone picks wrong where both are
sure: "JAMAN" over "TAMAN", "433OO" over "43300". Here every combination of the disputed
characters of a word is spelled out, and one with more well-formed runs of letters and
digits than the merge's reading is taken. By general facts only, a run is well-formed
when it is

* letters only (`MIN_LETTERS`+) and a known word (`ingest.lexicon`: address and
  legal terms, Malaysian/Singaporean place names, common English), or
* digits only (`MIN_DIGITS`+: "43300", the "123456" of a company number).

A run mixing the two ("G5T", "U5") is never well-formed, so a code is neither made nor
unmade. A disputed character is only ever swapped for another letter or digit (a
recogniser's "%" for a "G" cannot make a run vanish), and a letter for a digit or back
only inside a run that starts with the other kind ("433OO", "JA1AN"; "GB" does not
become "99", nor "SS21" "9821"), a letter for a digit only where it looks like one
(`LOOKS_LIKE_DIGIT`). The readings stay the two
recognisers'; nothing is invented, and a word with no dispute, or where the counts tie,
keeps the merge's reading.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

from ingest.lexicon import known_words, unmarked
from ingest.types import Word

MIN_LETTERS = 3  # shorter letter runs ("US", "KL") are codes as often as words
MIN_DIGITS = 2
MAX_DISPUTED = 4  # more disputed characters in one word: a misaligned line, left alone
# letters a number's digit is read as, which may become that digit again: any digit string
# is well-formed, so only these (a company number's check letter, "1210644T", stays)
LOOKS_LIKE_DIGIT = frozenset("OoIlSsBZz")
_RUN = re.compile(r"[^\W_]+")


def _well_formed(run: str) -> bool:
    if run.isdigit():
        return len(run) >= MIN_DIGITS
    return run.isalpha() and len(run) >= MIN_LETTERS and run.casefold() in known_words()


def _may_swap(text: str, i: int, alt: str, keep_marks: bool = False) -> bool:
    """Whether `text[i]` may become `alt`: both letters or both digits, or a letter and a
    digit where the run around `i` starts with the other kind before it ("433OO",
    "JA1AN"). A word of letters does not turn into a number ("GB" into "99"), nor a code's
    letter prefix into digits ("SS21" into "9821"). `keep_marks` (a page in a language
    written with diacritics): a marked letter never becomes its bare letter ("François"
    stays; the word list is unmarked, so the bare spelling would always look known)."""
    mine = text[i]
    if not (mine.isalnum() and alt.isalnum()):
        return False
    if keep_marks and mine != unmarked(mine) and unmarked(mine).casefold() == alt.casefold():
        return False
    if mine.isdigit() == alt.isdigit():
        return True
    if alt.isdigit() and mine not in LOOKS_LIKE_DIGIT:
        return False
    run = next(m for m in _RUN.finditer(text) if m.start() <= i < m.end())
    return i > run.start() and text[run.start()].isdigit() == alt.isdigit()


def well_formed_runs(text: str) -> int:
    """How many letter-and-digit runs of `text` are well-formed."""
    return sum(_well_formed(m.group(0)) for m in _RUN.finditer(text))


def best_reading(word: Word, keep_marks: bool = False) -> Word:
    """`word`, or the combination of its recognisers' readings with the most well-formed
    runs when that is more than the merge's reading has; the characters given up become
    the alternatives."""
    alt = word.char_alt
    if alt is None or len(alt) != len(word.text):
        return word
    where = [i for i, a in enumerate(alt) if len(a) == 1 and a != word.text[i]
             and _may_swap(word.text, i, a, keep_marks)]
    if not where or len(where) > MAX_DISPUTED:
        return word
    best, best_good = word.text, well_formed_runs(word.text)
    for k in range(1, len(where) + 1):
        for picks in itertools.combinations(where, k):
            chars = list(word.text)
            for i in picks:
                chars[i] = alt[i]
            text = "".join(chars)
            good = well_formed_runs(text)
            if good > best_good:
                best, best_good = text, good
    if best == word.text:
        return word
    new_alt = tuple(word.text[i] if best[i] != word.text[i] else a for i, a in enumerate(alt))
    return replace(word, text=best, char_alt=new_alt)


def prefer_well_formed(words: list[Word], keep_marks: bool = False
                       ) -> tuple[list[Word], int]:
    """`words` with `best_reading` applied to each; returns them and how many changed."""
    out = [best_reading(w, keep_marks) for w in words]
    return out, sum(a is not b for a, b in zip(out, words, strict=True))
