"""Learned choice of an invoice's customer (the billed party) among the page's text segments.

Why: the rule it replaces took the first line after a "Bill to / Customer / Client" label;
an invoice that names the customer "Advertiser", prints it in a header grid, or puts a
shipping or agency block first lost it or returned the wrong party. Here every short
text segment of the first two pages is a candidate (whole, and with a leading label cut
off), described by the labels around it (left in the segment or row, above it; customer
labels and other parties' labels from `labels/customer.json`), its place and its shape;
one gradient-boosting model fitted on generated invoices of many layouts and languages
(`python -m training.invoice_customer`, cross-validated with whole layouts held out)
ranks them, with a threshold and an isotonic confidence fitted out of fold. The rule
stays the fallback when no model is shipped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from extractors.invoice.candidates import ANTI, COMPANY_SUFFIX, LABELS, label_score, norm_label
from extractors.invoice.layout import PageLayout, Segment, segment_above, union
from extractors.invoice.line_items import only_column_names
from extractors.scorer import CandidateScorer
from extractors.types import Field
from ingest.types import BBox
from modelfile import load_shipped

MODEL_PATH = Path(__file__).parent / "model" / "customer_ranker.joblib"
LABELS_PATH = Path(__file__).parent / "labels" / "customer.json"
CONF_FLOOR, CONF_CEIL = 0.02, 0.97
MAX_PAGES = 2
MAX_WORDS = 9  # a name is rarely longer; longer segments are sentences
MAX_LABEL_WORDS = 4  # a leading label cut off a segment has at most this many words
ABOVE_ROWS = 3  # a label up to this many rows above its value
LABEL_MIN = 0.8  # a prefix at least this close to a label counts as one
_ADDR = re.compile(r"(?i)\d{4,6}\b|\b(street|st|road|rd|avenue|ave|lane|suite|floor|blvd|"
                   r"stra(ss|ß)e|str|weg|platz|rue|avenue|boulevard|chemin|allee)\b")


@cache
def labels() -> dict[str, list[str]]:
    data = json.loads(LABELS_PATH.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


@dataclass(slots=True)
class CustomerCandidate:
    text: str
    page: int
    bbox: BBox
    feats: dict[str, float]


@lru_cache(maxsize=65536)
def _label(text: str, kind: str) -> float:
    return label_score(text, labels()[kind]) if text else 0.0


@cache
def _field_labels() -> tuple[str, ...]:
    """Every invoice field's printed labels (`candidates.LABELS`/`ANTI`, locale files in)."""
    return tuple(sorted({lab for labs in (*LABELS.values(), *ANTI.values()) for lab in labs}))


@lru_cache(maxsize=65536)
def _field_label(text: str) -> float:
    """How closely the whole text is another field's label ("Invoice Date", "Est. #"): a
    label printed under the customer's label is not the customer."""
    t = norm_label(text)
    hit = process.extractOne(t, _field_labels(), scorer=fuzz.ratio) if t else None
    return hit[1] / 100.0 if hit is not None else 0.0


def _label_both(text: str) -> float:
    return max(_label(text, "customer"), _label(text, "other"))


def _split_label(seg: Segment) -> list[tuple[str, BBox, str]]:
    """(value text, its box, the label cut off) for the whole segment and for every
    leading label of 1-4 words followed by at least one word. A label that a longer label
    starts with ("Advertiser" of "Advertiser Name:") is not cut: its value would begin
    with the rest of the label."""
    words = seg.words
    out = [(seg.text, seg.bbox, "")]
    for k in range(1, min(MAX_LABEL_WORDS, len(words) - 1) + 1):
        prefix = " ".join(w.text for w in words[:k])
        if not prefix.endswith(":") and (_label_both(prefix) < LABEL_MIN or
                                         _label_both(f"{prefix} {words[k].text}") >= 1.0):
            continue
        rest = words[k:]
        out.append((" ".join(w.text for w in rest).strip(" :-"),
                    union([w.bbox for w in rest]), prefix))
    return out


def _above(lay: PageLayout, r: int, bbox: BBox) -> tuple[str, int]:
    """The nearest segment above `bbox` (overlapping it horizontally) within ABOVE_ROWS
    rows, and how many rows up it is (0: none)."""
    got = segment_above(lay, r, bbox, ABOVE_ROWS)
    return (got[0].text, got[1]) if got is not None else ("", 0)


def _contact_line(text: str) -> bool:
    """Whether a line names a person at the party ("Inh. Sabine Vogt", "z. Hd. Herrn
    Kurz", "Attn: Accounts Payable": `labels/customer.json` "contact"), not the party."""
    t = f"{norm_label(text)} "
    return any(t.startswith(f"{p} ") for p in labels()["contact"])


def candidates(lays: list[PageLayout]) -> list[CustomerCandidate]:
    out: list[CustomerCandidate] = []
    for lay in lays[:MAX_PAGES]:
        W, H = max(1.0, lay.page.width), max(1.0, lay.page.height)
        for row in lay.rows:
            for si, seg in enumerate(row.segments):
                if len(seg.words) > MAX_WORDS + MAX_LABEL_WORDS or _contact_line(seg.text):
                    continue
                left = row.segments[si - 1].text if si > 0 else ""
                above, up = _above(lay, row.index, seg.bbox)
                lab_above = _label(above, "customer")
                anti_above = _label(above, "other")
                for text, bbox, cut in _split_label(seg):
                    letters = sum(ch.isalpha() for ch in text)
                    n = len(text.split())
                    if letters < 2 or n > MAX_WORDS or only_column_names(text):
                        continue
                    f = {
                        "lab_in": _label(cut, "customer"), "anti_in": _label(cut, "other"),
                        "lab_left": _label(left, "customer"), "anti_left": _label(left, "other"),
                        "lab_above": lab_above, "anti_above": anti_above,
                        "rows_up": float(up), "cut": float(bool(cut)),
                        "self_label": _label_both(text),
                        "field_label": _field_label(text),
                        "rel_y": bbox[1] / H, "rel_x0": bbox[0] / W, "page": float(lay.number),
                        "row": min(row.index, 60) / 60, "n_words": n / MAX_WORDS,
                        "letters": letters / max(1, len(text)),
                        "digits": sum(ch.isdigit() for ch in text) / max(1, len(text)),
                        "upper": sum(ch.isupper() for ch in text) / max(1, letters),
                        "suffix": float(bool(COMPANY_SUFFIX.search(text))),
                        "addr": float(bool(_ADDR.search(text))),
                        "at": float("@" in text or "www" in text.lower()),
                        "colon": float(text.rstrip().endswith(":")),
                        "height": (bbox[3] - bbox[1]) / max(1e-6, lay.word_height),
                    }
                    out.append(CustomerCandidate(text, lay.number, bbox, f))
    return out


def same_party(a: str, b: str) -> bool:
    return norm_label(a).replace(" ", "") == norm_label(b).replace(" ", "")


@cache
def load(path: Path = MODEL_PATH) -> CandidateScorer | None:
    bundle = load_shipped(path)
    return CandidateScorer(bundle) if bundle is not None else None


def pick(lays: list[PageLayout], vendor: str | None) -> Field | None | bool:
    """The customer the ranker chooses (None: none above its threshold), or False when
    no model is shipped (the caller keeps its rule). A pick equal to the vendor's name
    is contradicted by it (`Field.contradict`: 0.5 at most)."""
    scorer = load()
    if scorer is None:
        return False
    cands = candidates(lays)
    best = scorer.best([c.feats for c in cands], CONF_FLOOR, CONF_CEIL)
    if best is None:
        return None
    i, p = best
    c = cands[i]
    f = Field(c.text, c.text, p, c.page, c.bbox, "customer-ranker")
    if vendor and same_party(c.text, vendor):
        f.contradict()
    return f
