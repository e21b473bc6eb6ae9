"""Which header rows of a receipt are address lines: a learned line classifier.

Why: the receipt address ranker scores blocks of consecutive header rows, and most of its
misses on TRAIN were blocks one row too long or too short (a branch name, a phone number
or a "PREPAY CHIT NUMBER" line kept; a first "No.1," line dropped). Whether one row is
part of an address is a simpler question than whether a whole block is the address, with
~15 examples per receipt instead of one, so a small model answers it
(`python -m training.receipt_fields` fits it on TRAIN receipts, labelling a row an address
line when its letters and digits are found in the labelled address), and the block ranker
reads its per-row probabilities as features (`block_features`): the weakest row inside the
block, the rows just outside it, and whether the block is exactly a run of likely rows.
The features of a row are general layout and vocabulary facts (`row_cue`),
never a document's own words.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractors.invoice.candidates import _ADDR, COMPANY_SUFFIX, HEADER_WORDS
from extractors.invoice.layout import PageLayout, Row
from extractors.scorer import feature_matrix
from modelfile import single_thread

# a row is "likely" an address line above this probability (for the run features)
LIKELY = 0.5
# features of the rows this far before and after a row are copied onto it
CONTEXT = (-2, -1, 1, 2)
_ADDR_START = re.compile(r"(?i)^\s*(no\b|no\.|lot\b|\d)")
_LETTER = re.compile(r"[A-Za-z]")


TIME_RE = re.compile(r"\b\d{1,2}:\d{2}(:\d{2})?\b")
POSTCODE = re.compile(r"\b\d{5}\b")
PHONE_LIKE = re.compile(r"(?i)\b(te[l1]|phone|fax|h/?p|mobile|hotline)\b|\d{2,4}-\d{6,8}")
TAX_ID_LINE = re.compile(r"(?i)\b(gst|sst|co\.?\s*reg|reg\.?\s*no|company\s*no|roc)\b")
DATE_LIKE = re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b")

# address vocabularies by role (street words, regions, contact-line words): a data file
ADDRESS_WORDS_PATH = Path(__file__).parent / "labels" / "address.json"


def _address_words() -> dict[str, frozenset[str]]:
    raw = json.loads(ADDRESS_WORDS_PATH.read_text(encoding="utf-8"))
    return {k: frozenset(v) for k, v in raw.items() if not k.startswith("_")}


ADDRESS_WORDS = _address_words()


@dataclass(frozen=True, slots=True)
class RowCue:
    """What one header row looks like to an address: its share of street words, whether
    it names a region (and ends on one), holds a postcode, or is a contact/id/date line
    (the lines that close an address block)."""

    street: float
    region: bool
    region_end: bool
    postcode: bool
    contact: bool
    suffix: bool
    digits: float


_TOKEN = re.compile(r"[^\W_]+(?:[/.-][^\W_]+)*")


def row_cue(text: str) -> RowCue:
    toks = [t.casefold().strip(".") for t in _TOKEN.findall(text)]
    words = ADDRESS_WORDS
    street = sum(t in words["street"] for t in toks) / max(1, len(toks))
    regions = [t in words["region"] for t in toks]
    contact = (any(t in words["contact"] for t in toks) or bool(PHONE_LIKE.search(text))
               or bool(TAX_ID_LINE.search(text)) or bool(DATE_LIKE.search(text))
               or bool(TIME_RE.search(text)))
    return RowCue(street=street, region=any(regions), region_end=bool(regions and regions[-1]),
                  postcode=bool(POSTCODE.search(text)), contact=contact,
                  suffix=bool(COMPANY_SUFFIX.search(text)),
                  digits=sum(ch.isdigit() for ch in text) / max(1, len(text.strip())))


class LineModelError(RuntimeError):
    """The shipped line model cannot score these rows (wrong bundle shape)."""


def row_features(lay: PageLayout, rows: list[Row], texts: list[str]) -> list[dict[str, float]]:
    """One feature row per header row: its own cues, position, shape, and its neighbours'."""
    H = max(1.0, lay.page.height)
    W = max(1.0, lay.page.width)
    suffix_rows = [i for i, t in enumerate(texts) if COMPANY_SUFFIX.search(t)]
    first_suffix = suffix_rows[0] if suffix_rows else -1
    own: list[dict[str, float]] = []
    for i, (r, t) in enumerate(zip(rows, texts, strict=True)):
        c = row_cue(t)
        box = r.bbox
        letters = _LETTER.findall(t)
        stripped = t.strip()
        own.append({
            "street": c.street, "region": float(c.region), "region_end": float(c.region_end),
            "postcode": float(c.postcode), "contact": float(c.contact),
            "suffix": float(c.suffix), "digits": c.digits,
            "index": float(i), "rel_y": box[1] / H, "width": (box[2] - box[0]) / W,
            "centered": float(abs((box[0] + box[2]) / 2 / W - 0.5) < 0.12),
            "left": box[0] / W, "height": r.height / max(1.0, lay.word_height),
            "n_chars": float(len(stripped)), "n_words": float(len(stripped.split())),
            "upper": sum(ch.isupper() for ch in letters) / max(1, len(letters)),
            "alpha": len(letters) / max(1, len(stripped)),
            "end_comma": float(stripped.endswith(",")), "end_stop": float(stripped.endswith(".")),
            "commas": float(t.count(",")),
            "addr_start": float(bool(_ADDR_START.match(t))),
            "addrish": float(bool(_ADDR.search(t))),
            "header": float(bool(HEADER_WORDS.search(t))),
            "phone": float(bool(PHONE_LIKE.search(t))),
            "taxid": float(bool(TAX_ID_LINE.search(t))),
            "paren": float(stripped.startswith("(")),
            "from_suffix": float(i - first_suffix) if first_suffix >= 0 else -99.0,
        })
    out = []
    for i, f in enumerate(own):
        row = dict(f)
        for d in CONTEXT:
            j = i + d
            nb = own[j] if 0 <= j < len(own) else None
            for k in ("street", "postcode", "contact", "suffix", "addrish", "addr_start",
                      "digits", "header", "end_comma", "region"):
                row[f"{d:+d}_{k}"] = nb[k] if nb is not None else -1.0
            if nb is not None:
                gap = (rows[j].bbox[1] - rows[i].bbox[3]) if d > 0 else \
                    (rows[i].bbox[1] - rows[j].bbox[3])
                row[f"{d:+d}_gap"] = gap / max(1.0, lay.word_height)
        out.append(row)
    return out


@dataclass(slots=True)
class LineModel:
    """A fitted line classifier: `vec` (DictVectorizer) and `clf` (predict_proba)."""

    vec: Any
    clf: Any

    def probabilities(self, feats: list[dict[str, float]]) -> list[float]:
        if not feats:
            return []
        try:
            x = feature_matrix(self.vec, feats)
        except (KeyError, ValueError) as e:
            raise LineModelError(f"receipt line model cannot read these rows: {e}") from e
        with single_thread():
            return [float(p) for p in self.clf.predict_proba(x)[:, 1]]


def block_features(probs: list[float], s: int, n: int) -> dict[str, float]:
    """What the line classifier says of rows s..s+n-1 as one address block."""
    block = probs[s:s + n]
    prev = probs[s - 1] if s > 0 else 0.0
    nxt = probs[s + n] if s + n < len(probs) else 0.0
    likely = [p >= LIKELY for p in probs]
    # the block is a whole run of likely rows: every row in it likely, none beside it
    run = all(likely[s:s + n]) and not (s > 0 and likely[s - 1]) and \
        not (s + n < len(probs) and likely[s + n])
    outside = [p for i, p in enumerate(probs) if i < s or i >= s + n]
    return {
        "line_min": min(block), "line_mean": sum(block) / n, "line_first": block[0],
        "line_last": block[-1], "line_prev": prev, "line_next": nxt,
        "line_run": float(run), "line_out_max": max(outside, default=0.0),
        "line_in_likely": float(sum(likely[s:s + n])),
        "line_out_likely": float(sum(likely) - sum(likely[s:s + n])),
    }
