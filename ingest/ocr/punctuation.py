"""Punctuation and doubtful letters from a second reading of the same page.

RapidOCR reads thermal receipts' letters much better than tesseract but drops small
marks inside a line: "DENGKILJALAN" for "DENGKIL, JALAN", "1A3" for "1A/3",
"TAMPOI81200" for "TAMPOI,81200". Tesseract, which in "auto" mode has already read the
page before RapidOCR was asked, sees those marks more often but misreads more letters.
So the two readings are aligned line by line on their letters and digits alone, and a
mark tesseract puts between two characters both engines agree on is added to
RapidOCR's words where RapidOCR has none (a mark is only ever added, never changed or
removed).

Letters are RapidOCR's except where RapidOCR itself doubts one: its recogniser gives
every character a confidence, and its misreadings on receipts ("SFEED" for "SPEED",
"KENBANGAN", "Saniung") sit on characters below DOUBT while the rest of the line is
near 1. Such a character is replaced by tesseract's when both readings agree on at
least two characters on each side of it and tesseract is reasonably sure of the word
(a letter stays a letter, a digit a digit).

Where a second recogniser also read the line (`ingest.ocr.second_reading`, whose
characters carry `char_alt`), confidence no longer decides: a character both
recognisers agree on stays, and where they disagreed tesseract's reading replaces the
winner only when it matches the losing model's (two readings against one).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from difflib import SequenceMatcher

from ingest.types import Word

# marks worth taking: commas, slashes, ampersands and hyphens separate address parts
# and numbers ("23/1", "1851-A"); a full stop is left alone (tesseract reads thermal
# commas as full stops about as often as the other way round)
MARKS = frozenset(",/&-")
# tesseract words below this confidence are noise (logos, stamps) and lend no marks
MIN_TESS_CONF = 0.3
# RapidOCR character confidence below which tesseract's character may replace it, and
# tesseract word confidence needed to do so
DOUBT = 0.85
MIN_TESS_CONF_LETTER = 0.4


def _skeleton(words: list[Word]) -> tuple[str, list[tuple[int, int]], list[str]]:
    """Upper-case letters and digits of a line, where each sits (word, char index), and
    the non-space characters standing between character k and k+1 (gaps[k]; the last
    holds what follows the last character)."""
    chars: list[str] = []
    where: list[tuple[int, int]] = []
    gaps: list[str] = [""]
    for wi, w in enumerate(words):
        for ci, c in enumerate(w.text):
            if c.isalnum():
                chars.append(c.upper())
                where.append((wi, ci))
                gaps.append("")
            elif not c.isspace():
                gaps[-1] += c
    return "".join(chars), where, gaps[1:]


def _line_indexes(words: list[Word]) -> dict[int, list[int]]:
    """Positions of the words of each line (`Word.line`), in reading order."""
    lines: dict[int, list[int]] = defaultdict(list)
    for i, w in enumerate(words):
        lines[w.line].append(i)
    return lines


def _tess_line(line: list[Word], tess: list[Word]) -> list[Word]:
    """Tesseract's words on the same line: vertical centre inside the line's band and
    horizontal centre inside its extent (with a line height of slack). Marks standing
    alone are left out (specks read as commas), and when the words found overlap one
    another the band caught a second line: nothing is returned then."""
    x0 = min(w.bbox[0] for w in line)
    x1 = max(w.bbox[2] for w in line)
    y0 = min(w.bbox[1] for w in line)
    y1 = max(w.bbox[3] for w in line)
    h = max(y1 - y0, 1.0)
    out = sorted((t for t in tess if t.conf >= MIN_TESS_CONF
                  and any(c.isalnum() for c in t.text)
                  and y0 <= (t.bbox[1] + t.bbox[3]) / 2 <= y1
                  and x0 - h <= (t.bbox[0] + t.bbox[2]) / 2 <= x1 + h),
                 key=lambda t: t.bbox[0])
    for p, q in zip(out, out[1:], strict=False):
        overlap = p.bbox[2] - q.bbox[0]
        if overlap > 0.3 * min(p.bbox[2] - p.bbox[0], q.bbox[2] - q.bbox[0]):
            return []
    return out


def fuse_punctuation(words: list[Word], tess: list[Word]) -> tuple[list[Word], int]:
    """`words` (RapidOCR's, with line numbers) with marks from `tess` added; returns the
    new word list (same order, same boxes) and how many marks were added."""
    if not words or not tess:
        return words, 0
    lines = _line_indexes(words)
    texts = [w.text for w in words]
    added = 0
    inserts_all: list[tuple[int, int]] = []  # (word, character index) a mark follows
    for idx in lines.values():
        line = [words[i] for i in idx]
        other = _tess_line(line, tess)
        if not other:
            continue
        a, a_where, a_gaps = _skeleton(line)
        b, _b_where, b_gaps = _skeleton(other)
        if len(a) < 4 or len(b) < 4:
            continue
        inserts: dict[tuple[int, int], str] = {}
        for blk in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
            # gaps inside a run both engines read alike; not the line's end, where
            # tesseract adds commas that are not printed (the RapidOCR re-read of
            # stretched line ends handles those: ingest/ocr/rapidocr.py)
            for k in range(blk.size - 1):
                mine, theirs = a_gaps[blk.a + k], b_gaps[blk.b + k]
                if mine or not theirs or len(theirs) > 1 or theirs not in MARKS:
                    continue
                inserts[a_where[blk.a + k]] = theirs
        for (wi, ci), mark in sorted(inserts.items(), reverse=True):
            gi = idx[wi]
            t = texts[gi]
            texts[gi] = t[:ci + 1] + mark + t[ci + 1:]
            inserts_all.append((gi, ci))
            added += 1
    if not added:
        return words, 0
    at: dict[int, list[int]] = defaultdict(list)  # word -> positions of its added marks
    for (wi, ci) in inserts_all:
        at[wi].append(ci + 1)
    out = [_with_marks(w, t, at.get(i, [])) for i, (t, w) in enumerate(zip(texts, words,
                                                                            strict=True))]
    return out, added


def _with_marks(word: Word, text: str, positions: list[int]) -> Word:
    """`word` with its new `text` (marks inserted after the characters at `positions` - 1
    of the old text); its per-character data keeps lining up: an added mark is read
    surely by tesseract alone (confidence 1, no other reading)."""
    if not positions:
        return word if word.text == text else replace(word, text=text)
    conf, alt = word.char_conf, word.char_alt
    if conf is not None and len(conf) == len(word.text):
        c = list(conf)
        for p in sorted(positions, reverse=True):
            c.insert(p, 1.0)
        conf = tuple(c) if len(c) == len(text) else None
    else:
        conf = None
    if alt is not None and len(alt) == len(word.text):
        a = list(alt)
        for p in sorted(positions, reverse=True):
            a.insert(p, "")
        alt = tuple(a) if len(a) == len(text) else None
    else:
        alt = None
    return replace(word, text=text, char_conf=conf, char_alt=alt)


def fuse_letters(words: list[Word], tess: list[Word]) -> tuple[list[Word], int]:
    """`words` (RapidOCR's, with `char_conf`) with doubtful characters replaced by
    tesseract's where the two readings align around them; returns the new word list
    (same order and boxes) and the number of characters replaced."""
    if not words or not tess:
        return words, 0
    lines = _line_indexes(words)
    texts = [list(w.text) for w in words]
    alts: dict[int, list[str]] = {}
    changed = 0
    for idx in lines.values():
        line = [words[i] for i in idx]
        if all(w.char_conf is None for w in line):
            continue
        other = _tess_line(line, tess)
        if not other:
            continue
        a, a_where, _ = _skeleton(line)
        b, b_where, _ = _skeleton(other)
        ops = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        for n, (op, i1, i2, j1, j2) in enumerate(ops):
            if op != "replace" or i2 - i1 != j2 - j1 or i2 - i1 > 2:
                continue
            before = ops[n - 1] if n > 0 else None
            after = ops[n + 1] if n + 1 < len(ops) else None
            if not (before and before[0] == "equal" and before[2] - before[1] >= 2 and
                    after and after[0] == "equal" and after[2] - after[1] >= 2):
                continue
            for k in range(i2 - i1):
                wi, ci = a_where[i1 + k]
                twi, tci = b_where[j1 + k]
                word = line[wi]
                mine, theirs = word.text[ci], other[twi].text[tci]
                if other[twi].conf < MIN_TESS_CONF_LETTER or mine.isdigit() != theirs.isdigit():
                    continue
                alt = word.char_alt
                if alt is not None and len(alt) == len(word.text):
                    # two recognisers read this line: tesseract only breaks a tie,
                    # siding with the one that lost (two readings against one)
                    if not alt[ci] or alt[ci].casefold() != theirs.casefold():
                        continue
                else:
                    cc = word.char_conf
                    if cc is None or len(cc) != len(word.text) or cc[ci] >= DOUBT:
                        continue
                texts[idx[wi]][ci] = theirs.lower() if mine.islower() else theirs.upper()
                if alt is not None and len(alt) == len(word.text):
                    # the reading that lost is now the other one
                    alts.setdefault(idx[wi], list(alt))[ci] = mine
                changed += 1
    if not changed:
        return words, 0
    out = [replace(w, text="".join(t),
                   char_alt=tuple(alts[i]) if i in alts else w.char_alt)
           for i, (t, w) in enumerate(zip(texts, words, strict=True))]
    return out, changed
