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
"""

from __future__ import annotations

import gzip
import math
import re
from functools import lru_cache
from pathlib import Path

# Terms of shop receipts and addresses that an English frequency list lacks or ranks low.
# Domain vocabulary (Malay street/area words, legal forms, states), not document text.
_DOMAIN = """
sdn bhd berhad pte ltd plc llc inc corp co enterprise enterprises trading trade holdings
industries marketing services supplies supply hardware stationery bakery bakeries
restaurant restoran kedai syarikat perniagaan runcit farmasi pasar raya mini market
supermarket mart store shop cafe kopitiam food foods fresh machinery electrical
international global distributor distribution snacks kitchen book books
jalan jln lorong lrg persiaran lebuh lebuhraya taman tmn bandar bdr kawasan perindustrian
pusat seksyen kampung kg batu sri seri desa baru jaya utama indah permai mutiara kompleks
plaza wisma bangunan menara lot no tingkat aras blok block floor ground level unit
kuala lumpur selangor johor bahru perak pahang kedah kelantan terengganu melaka malacca
negeri sembilan pulau pinang penang sabah sarawak putrajaya labuan darul ehsan takzim
makmur aman ridzuan khusus petaling shah alam klang subang puchong cheras kepong ampang
setapak cyberjaya serdang kajang rawang sentul bangsar damansara mont kiara kota
tebrau skudai ipoh seremban kuantan kuching kota kinabalu pandan segambut gombak
semenyih bangi bukit tinggi sungai sungei sg simpang off utara selatan timur barat tengah laman
malaysia singapore centre center mall avenue road street company parking gardens
"""


@lru_cache(maxsize=1)
def _costs() -> tuple[dict[str, float], int]:
    """Word -> cost (-log probability under Zipf's law), longest word length."""
    words: list[str] = []
    try:
        import wordninja

        path = Path(wordninja.__file__).parent / "wordninja" / "wordninja_words.txt.gz"
        with gzip.open(path) as f:
            words = f.read().decode().split()
    except (ImportError, OSError):  # degrade to the domain list alone
        words = []
    # one-letter "words" and digit strings make the model cut everything into letters
    words = [w for w in words[:60000] if (len(w) > 1 or w in ("a", "i")) and w.isalpha()]
    n = len(words) + 1000
    cost: dict[str, float] = {}
    for k, w in enumerate(_DOMAIN.split()):  # domain words rank like common English words
        cost[w] = math.log((200 + k) * math.log(n))
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
    if len(run) < _MIN_RUN or _TITLE_WORD.fullmatch(run):
        return run
    cost, _ = _costs()
    if run.lower() in cost:
        return run
    return " ".join(split_run(run))


_NUM_WORDS = ("lot", "no", "batu", "jalan", "jln", "level", "tingkat", "blok", "block",
              "seksyen", "km", "unit", "aras", "lorong")
_NUM_WORD_GLUE = re.compile(r"(?i)\b(" + "|".join(_NUM_WORDS) + r")(?=\d)")


@lru_cache(maxsize=1)
def _fix_index() -> dict[str, str | None]:
    """Pattern with one letter blanked ("TA?AN") -> the one domain word it fits, or None
    where several do. (Common English words as targets turn Malay names into English:
    "HARMONI" -> "HARMONY"; so only the domain list is used.)"""
    idx: dict[str, str | None] = {}
    for w in dict.fromkeys(x for x in _DOMAIN.split() if len(x) >= 4):
        for i in range(len(w)):
            for key in (w[:i] + "?" + w[i + 1:], w[:i] + w[i + 1:] + "+"):  # sub / dropped
                if key in idx and idx[key] != w:
                    idx[key] = None
                else:
                    idx[key] = w
    return idx


# letter pairs line OCR confuses on receipts (thermal print, low resolution)
_CONFUSABLE = {frozenset(p) for p in ("mn", "nh", "mh", "pf", "ao", "ec", "ce", "il", "lt",
                                      "uv", "nu", "cg", "oq", "rn", "bh", "ij", "ft", "ea")}


def _fix_word(m: re.Match[str]) -> str:
    return _fix_token(m.group(0))


@lru_cache(maxsize=65536)
def _fix_token(tok: str) -> str:
    """The one known word `tok` is an OCR slip of, else `tok` (memoised like `_respace_token`)."""
    cost, _ = _costs()
    low = tok.lower()
    if len(tok) < 4 or low in cost:
        return tok
    idx = _fix_index()
    found = set()
    for i in range(len(low)):
        w = idx.get(low[:i] + "?" + low[i + 1:])
        if w is not None and frozenset((w[i], low[i])) in _CONFUSABLE:
            found.add(w)
    if len(low) >= 6:
        found |= {idx.get(low + "+")}
    found.discard(None)
    if len(found) != 1:
        return tok
    w = found.pop()
    assert w is not None
    return w.upper() if tok.isupper() else w.title() if tok[0].isupper() else w


def fix_ocr_words(text: str) -> str:
    """Words one OCR slip away from exactly one known word ("TANAN", "COMFANY") become
    that word; anything the vocabulary already knows, or that fits several, is kept."""
    return re.sub(r"[A-Za-z]+", _fix_word, text)


def respace(text: str, glued: bool = True) -> str:
    """`text` with OCR-dropped spaces restored (when `glued`) and punctuation spaced."""
    t = text.replace("、", ",").replace("，", ",")
    if glued:
        # "ShahAlam": a capital that starts a lower-case word ("GmbH", "McDonald" stay)
        t = re.sub(r"(?<=[a-z]{2})(?=[A-Z][a-z])", " ", t)
        t = re.sub(r"(?<=\d{4})(?=[A-Za-z]{3})", " ", t)  # "40300SHAH"
        t = re.sub(r"(?<=\d)(?=[A-Z]{4})|(?<=[A-Z]{4})(?=\d)", " ", t)  # "276JALAN", "PUTRA1"
        t = _NUM_WORD_GLUE.sub(r"\1 ", t)  # "LOT3"
        t = re.sub(r"[A-Za-z]+", _respace_run, t)
    t = re.sub(r"\s*,\s*(?=\S)", ", ", t)
    t = re.sub(r"(?:(?<=[A-Za-z]{2})|(?<=\d))\.(?=[A-Za-z]{2})", ". ", t)  # "SDN.BHD", not "D.I.Y."
    t = re.sub(r"\s*&\s*", " & ", t)
    t = re.sub(r"(?<=[\w.])\(", " (", t)
    t = re.sub(r"\)(?=\w)", ") ", t)
    return re.sub(r"\s+", " ", t).strip()
