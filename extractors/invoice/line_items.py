"""Line items from table layout, kept or dropped row by row by a trained classifier.

A hand rule (rows between an item header and the first "total" word) breaks on every
table it was not written for: a footer or bank line after an unlabelled total becomes an
item, a "Net" column header ends the table at once. Here:

1. **Table and columns.** The item header is the row whose words name at least two table
   columns (description, quantity, unit price, amount, ...: `labels/line_items.json`, per
   locale); each matched header phrase is a column cell with its x-span. A page without
   a header continues the previous page's table.
2. **Row candidates.** Every layout row below the header (`layout.build_rows`); a row
   without numbers that sits in the description column right under a kept row continues
   that row's description (multi-line descriptions).
3. **Row classifier.** A scikit-learn gradient-boosted classifier says item / not item
   (header, subtotal, tax, total, footer, bank details, notes) from layout features:
   a right-aligned amount under the amount column, overlap with header cells, numeric
   share, label words (`rows` in the vocabulary), distance from the header, a total
   seen above, qty x unit = amount.
4. **Columns.** Numbers go to the header cell they overlap most (right edges for
   right-aligned amounts); qty / unit price / amount are then checked by
   qty x unit = amount, and a row whose columns fail is re-read by the pair of its
   numbers that does multiply to its amount.
5. **Confidence.** Each item's probability and the list's are isotonic maps fitted out of
   fold (layouts held out) by `training/line_items.py`, which also writes the model:

       python -m training.line_items
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from extractors.invoice.candidates import CURRENCY_MARK, grouped_number_spans
from extractors.invoice.layout import PageLayout, Row, union
from extractors.normalize import decimal_or_none, normalize_money, plain_decimal
from extractors.scorer import feature_matrix
from extractors.types import Field
from ingest.types import BBox
from modelfile import load_checked, single_thread

MODEL_PATH = Path(__file__).parent / "model" / "line_items.joblib"
VOCAB_PATH = Path(__file__).parent / "labels" / "line_items.json"
REBUILD = "python -m training.line_items"
# the source of every learned, out-of-fold calibrated pick: extract_invoice applies no OCR
# word-confidence discount and no recalibration on top (the model was calibrated on
# generated pages with OCR damage already)
SOURCE = "ranker"

MIN_HEADER_COLUMNS = 2      # distinct column kinds a header row names
MAX_ROWS_AFTER_HEADER = 80  # candidate rows read below a header on one page
CONTINUATION_GAP = 1.8      # a continuation line starts within this many word heights
PRODUCT_TOLERANCE = Decimal("0.02")
COLUMN_SNAP = 0.08          # a number belongs to a header cell within this share of the width
NUMBER_COLUMNS = ("quantity", "unit_price", "amount")

_NUMERIC = re.compile(r"^[(\-]?[\d][\d.,'’ \u00a0\u202f\u2009]*\)?-?%?$")
_DATE = re.compile(r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,}")
_WORD = re.compile(r"[^\W\d_]{2,}")


class LineItemModelError(RuntimeError):
    """The line-item model file is unusable (wrong bundle)."""


def norm(text: str) -> str:
    """Lower case, punctuation to spaces, accents kept (the vocabulary's form)."""
    t = unicodedata.normalize("NFKC", text).lower()
    return " ".join(re.sub(r"[^\w#°%+-]+", " ", t).replace("_", " ").split())


@lru_cache(maxsize=1)
def vocabulary() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(column kind -> header phrases, row label kind -> phrases), normalised."""
    data = json.loads(VOCAB_PATH.read_text(encoding="utf-8"))
    cols = {k: tuple(sorted({norm(p) for p in v}, key=lambda p: -len(p.split())))
            for k, v in data["columns"].items()}
    rows = {k: tuple(sorted({norm(p) for p in v})) for k, v in data["rows"].items()}
    return cols, rows


# ------------------------------------------------------------------------------ header
@dataclass(slots=True)
class Cell:
    kind: str
    x0: float
    x1: float


@dataclass(slots=True)
class Table:
    """An item table's header on one page (or inherited from an earlier page)."""

    page: int
    header_row: int  # index of the header row on its page; -1 when inherited
    cells: list[Cell]
    width: float

    def cell(self, kind: str) -> Cell | None:
        return next((c for c in self.cells if c.kind == kind), None)


def column_hits(words: list[str]) -> list[tuple[str, int, int]]:
    """(column kind, first word, word count) of every column a row's words name, longest
    phrase first, left to right (`words` in `norm`'s form)."""
    cols, _ = vocabulary()
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(words):
        hit = None
        for n in (3, 2, 1):
            if i + n > len(words):
                continue
            phrase = " ".join(x for x in words[i:i + n] if x)
            if not phrase:
                continue
            for kind, phrases in cols.items():
                if phrase in phrases:
                    hit = (kind, n)
                    break
            if hit:
                break
        if hit is None:
            i += 1
            continue
        out.append((hit[0], i, hit[1]))
        i += hit[1]
    return out


def header_cells(row: Row) -> list[Cell]:
    """The column cells a row's words name, longest phrase first, left to right."""
    out = []
    for kind, i, n in column_hits([norm(w.text) for w in row.words]):
        box = union([w.bbox for w in row.words[i:i + n]])
        out.append(Cell(kind, box[0], box[2]))
    return out


def is_header_kinds(kinds: set[str]) -> bool:
    """Whether these column kinds make an item table's header: at least
    `MIN_HEADER_COLUMNS` of them besides position and tax, one a number column."""
    kinds = kinds - {"position", "tax"}
    return len(kinds) >= MIN_HEADER_COLUMNS and bool(kinds & {"amount", "quantity", "unit_price"})


def names_columns(text: str) -> bool:
    """Whether a line of text reads as an item table's header ("Description Qty Amount")."""
    return is_header_kinds({kind for kind, _, _ in column_hits(norm(text).split())})


@cache
def _column_words() -> frozenset[str]:
    cols, _rows = vocabulary()
    return frozenset(w for phrases in cols.values() for p in phrases for w in p.split())


def only_column_names(text: str) -> bool:
    """Whether `text` is only item-table column words ("Description", "Unit Price",
    "Désignation"): a header cell, never a party's name, whatever place it has on a page
    (OCR may put it on a line of its own)."""
    words = norm(text).split()
    return bool(words) and all(w in _column_words() for w in words)


def find_header(lay: PageLayout) -> Table | None:
    """The first row naming at least `MIN_HEADER_COLUMNS` column kinds, one a number
    column or the description."""
    for k, row in enumerate(lay.rows):
        cells = header_cells(row)
        if is_header_kinds({c.kind for c in cells}):
            # one cell per kind: the first description, the last of each number column
            seen: dict[str, Cell] = {}
            for c in cells:
                if c.kind == "description" and c.kind in seen:
                    continue
                seen[c.kind] = c
            return Table(lay.number, k, sorted(seen.values(), key=lambda c: c.x0),
                         float(lay.page.width or 1.0))
    return None


# ------------------------------------------------------------------------------ rows
@dataclass(slots=True)
class Token:
    text: str
    bbox: BBox
    number: str | None  # plain decimal when the token reads as a number


def row_tokens(row: Row, decimal_mark: str | None) -> list[Token]:
    """A row's words, a number grouped by spaces ("1 234,50") as one token."""
    groups = {s: (e, text) for s, e, text in grouped_number_spans(row.words)}
    out: list[Token] = []
    i = 0
    while i < len(row.words):
        if i in groups:
            e, text = groups[i]
            box = union([w.bbox for w in row.words[i:e]])
            i = e
        else:
            text, box = row.words[i].text, row.words[i].bbox
            i += 1
        bare = CURRENCY_MARK.sub("", text).strip()
        num = None
        if bare and _NUMERIC.match(bare) and not bare.endswith("%") and not _DATE.search(bare):
            num = normalize_money(bare, decimal_mark)
        out.append(Token(text, box, num))
    return out


@dataclass(slots=True)
class Candidate:
    """One row below an item header, with what the columns read from it."""

    page: int
    row: Row
    table: Table
    tokens: list[Token]
    index_from_header: int
    features: dict[str, float] = field(default_factory=dict)
    description: str = ""
    quantity: str | None = None
    unit_price: str | None = None
    amount: str | None = None
    product_ok: bool = False
    desc_box: BBox | None = None


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def _column_of(tok: Token, table: Table) -> str | None:
    """The number column a numeric token sits in: most horizontal overlap with a header
    cell, else the nearest right edge (amounts are right-aligned) within `COLUMN_SNAP`."""
    best, kind = 0.0, None
    for c in table.cells:
        if c.kind not in NUMBER_COLUMNS:
            continue
        ov = _overlap(tok.bbox[0], tok.bbox[2], c.x0, c.x1)
        if ov > best:
            best, kind = ov, c.kind
    if kind is not None:
        return kind
    near = [(min(abs(tok.bbox[2] - c.x1), abs(tok.bbox[0] - c.x0)), c.kind)
            for c in table.cells if c.kind in NUMBER_COLUMNS]
    if near:
        d, k = min(near)
        if d <= COLUMN_SNAP * table.width:
            return k
    return None


def _product_ok(q: str | None, u: str | None, a: str | None) -> bool:
    dq, du, da = decimal_or_none(q), decimal_or_none(u), decimal_or_none(a)
    return None not in (dq, du, da) and abs(dq * du - da) <= PRODUCT_TOLERANCE  # type: ignore[operator]


# a count stands apart from the words before it by this many of its own heights
COUNT_GAP = 1.5


def _standalone_count(tokens: list[Token], k: int) -> bool:
    """Whether the number at `tokens[k]` is a count of its own: the row's first token
    ("2 Burger Deluxe") or set apart from the words before it ("Widget    2"), not a
    number inside the description ("Managed backup, 2 TB", "December 2026")."""
    if k == 0:
        return True
    prev, t = tokens[k - 1].bbox, tokens[k].bbox
    return t[0] - prev[2] > COUNT_GAP * max(1e-6, t[3] - t[1])


def read_columns(c: Candidate) -> None:
    """Description, quantity, unit price and amount of a candidate row (see module doc)."""
    nums = [(k, t) for k, t in enumerate(c.tokens) if t.number is not None]
    first_num_x = None
    desc_cell = c.table.cell("description")
    by_col: dict[str, str] = {}
    for _k, t in nums:
        col = _column_of(t, c.table)
        if col is not None and (desc_cell is None or t.bbox[0] > desc_cell.x1 or
                                col != "quantity" or t.bbox[2] > desc_cell.x1):
            by_col[col] = t.number  # type: ignore[assignment]
            first_num_x = t.bbox[0] if first_num_x is None else min(first_num_x, t.bbox[0])
    if nums and "amount" not in by_col:
        by_col["amount"] = nums[-1][1].number  # type: ignore[assignment]
        first_num_x = nums[-1][1].bbox[0] if first_num_x is None else first_num_x
    q, u, a = by_col.get("quantity"), by_col.get("unit_price"), by_col.get("amount")
    values = [t.number for _, t in nums]
    if a is not None and not _product_ok(q, u, a) and len(values) >= 3:
        # re-read: the two numbers left of the amount that multiply to it
        rest = [v for v in values if v is not None][:-1]
        for i in range(len(rest)):
            for j in range(len(rest)):
                if i != j and _product_ok(rest[i], rest[j], a):
                    di, dj = decimal_or_none(rest[i]) or 0, decimal_or_none(rest[j]) or 0
                    qi, ui = (i, j) if di <= dj and float(di).is_integer() else (j, i)
                    q, u = rest[qi], rest[ui]
                    break
            else:
                continue
            break
    if q is None and u is None and len(values) == 2 and a is not None and \
            _standalone_count(c.tokens, nums[0][0]):
        q = values[0]  # "2  19.90" with no header cells for it: a count and the amount
    c.quantity, c.unit_price, c.amount = q, u, a
    c.product_ok = _product_ok(q, u, a)
    limit = first_num_x if first_num_x is not None else float("inf")
    desc = [t for t in c.tokens if t.bbox[0] < limit - 0.5 and
            not (t.number is not None and _column_of(t, c.table) is not None)]
    pos = c.table.cell("position")
    if desc and pos is not None and desc[0].number is not None and \
            _overlap(desc[0].bbox[0], desc[0].bbox[2], pos.x0 - 5, pos.x1 + 5) > 0:
        desc = desc[1:]
    c.description = " ".join(t.text for t in desc).strip()
    c.desc_box = union([t.bbox for t in desc]) if desc else None


def _label_hits(text: str) -> dict[str, float]:
    _, rows = vocabulary()
    t = f" {norm(text)} "
    return {f"label_{kind}": float(any(f" {p} " in t for p in phrases))
            for kind, phrases in rows.items()}


def _features(c: Candidate, prev: Candidate | None, total_seen: bool, lay: PageLayout
              ) -> dict[str, float]:
    toks = c.tokens
    n = max(1, len(toks))
    nums = [t for t in toks if t.number is not None]
    W = c.table.width
    wh = max(1.0, lay.word_height)
    amount_cell = c.table.cell("amount")
    desc_cell = c.table.cell("description")
    right = max((t.bbox[2] for t in nums), default=0.0)
    f: dict[str, float] = {
        "n_tokens": float(len(toks)),
        "n_numbers": float(len(nums)),
        "numeric_share": len(nums) / n,
        "n_words": float(sum(bool(_WORD.search(t.text)) for t in toks)),
        "n_segments": float(len(c.row.segments)),
        "has_amount": float(c.amount is not None),
        "has_qty": float(c.quantity is not None),
        "has_unit": float(c.unit_price is not None),
        # qty x unit != amount says "misread" only where the page was read by OCR; on a
        # text layer the digits are what was printed, and a line that does not multiply
        # is the document's own error (for ap.line_items_sum to find), not a doubt
        "product_ok": float(c.product_ok or not lay.page.ocr),
        "desc_len": float(len(c.description)),
        "desc_has_word": float(bool(_WORD.search(c.description))),
        "rows_from_header": float(min(c.index_from_header, 40)),
        "inherited_header": float(c.table.header_row < 0),
        "total_seen": float(total_seen),
        "y_rel": c.row.bbox[1] / max(1.0, float(lay.page.height or 1.0)),
        "height_rel": c.row.height / wh,
        "x0_rel": c.row.bbox[0] / W,
        "right_rel": right / W,
        "has_percent": float("%" in c.row.text),
        "has_label_colon": float(any(re.search(r"[^\W\d_]:$", t.text) for t in toks)),
        "has_iban": float(bool(_IBAN.search(c.row.text.upper()))),
        "has_currency": float(bool(CURRENCY_MARK.search(c.row.text))),
        "amount_negative": float((decimal_or_none(c.amount) or Decimal(0)) < 0),
        "n_header_cells": float(len(c.table.cells)),
    }
    if amount_cell is not None and nums:
        f["amount_dx"] = abs(right - amount_cell.x1) / W
        f["amount_overlap"] = float(any(_overlap(t.bbox[0], t.bbox[2], amount_cell.x0,
                                                 amount_cell.x1) > 0 for t in nums))
    else:
        f["amount_dx"] = 1.0
        f["amount_overlap"] = 0.0
    hit = {cell.kind for cell in c.table.cells for t in toks
           if _overlap(t.bbox[0], t.bbox[2], cell.x0 - 2, cell.x1 + 2) > 0}
    f["cells_hit"] = float(len(hit))
    f["cells_hit_share"] = len(hit) / max(1, len(c.table.cells))
    if desc_cell is not None:
        f["desc_dx"] = (c.row.bbox[0] - desc_cell.x0) / W
        f["starts_in_desc"] = float(_overlap(c.row.bbox[0], c.row.words[0].bbox[2],
                                             desc_cell.x0 - 4, desc_cell.x1 + 40) > 0)
    else:
        f["desc_dx"] = 0.0
        f["starts_in_desc"] = 0.0
    if prev is not None:
        f["gap_prev"] = (c.row.bbox[1] - prev.row.bbox[3]) / wh
        f["prev_has_amount"] = float(prev.amount is not None)
        f["same_right_as_prev"] = float(prev.amount is not None and c.amount is not None and
                                        abs(right - max((t.bbox[2] for t in prev.tokens
                                                         if t.number is not None), default=0))
                                        < wh)
    else:
        f["gap_prev"] = -1.0
        f["prev_has_amount"] = 0.0
        f["same_right_as_prev"] = 0.0
    f.update(_label_hits(c.row.text))
    return f


def right_aligned_amounts(rows: list[list[Token]], word_height: float) -> Cell | None:
    """An amount column the header does not name ("Rate" printed mid-row, or no amount
    word at all): the right edge that the rightmost numbers of most rows share."""
    edges = [[t for t in toks if t.number is not None][-1].bbox for toks in rows
             if any(t.number is not None for t in toks)]
    if len(edges) < 2:
        return None
    tol = max(1.0, word_height)
    best = max(edges, key=lambda b: sum(abs(e[2] - b[2]) <= tol for e in edges))
    same = [e for e in edges if abs(e[2] - best[2]) <= tol]
    if len(same) < 2:
        return None
    return Cell("amount", min(e[0] for e in same), max(e[2] for e in same))


def candidates(lays: list[PageLayout], decimal_mark: str | None) -> list[Candidate]:
    """Every row below an item header (this page's or the last page's), with features."""
    out: list[Candidate] = []
    table: Table | None = None
    for lay in lays:
        found = find_header(lay)
        if found is not None:
            table, start = found, found.header_row + 1
        elif table is not None:
            table = Table(lay.number, -1, table.cells, float(lay.page.width or table.width))
            start = 0
        else:
            continue
        rows = lay.rows[start:start + MAX_ROWS_AFTER_HEADER]
        toks = [row_tokens(row, decimal_mark) for row in rows]
        amount = right_aligned_amounts(toks, lay.word_height)
        named = table.cell("amount")
        lasts = [[t for t in tk if t.number is not None][-1].bbox for tk in toks
                 if any(t.number is not None for t in tk)]
        if amount is not None and (named is None or not any(
                _overlap(named.x0, named.x1, b[0], b[2]) > 0 for b in lasts)):
            # the header names no amount column where the amounts stand ("Rate" printed
            # mid-row): the right-aligned numbers are the amount column
            table = Table(table.page, table.header_row,
                          [c for c in table.cells if c.kind != "amount" and
                           (c.x1 < amount.x0 or c.x0 > amount.x1)] + [amount], table.width)
        prev: Candidate | None = None
        total_seen = False
        for k, (row, tk) in enumerate(zip(rows, toks, strict=True)):
            c = Candidate(lay.number, row, table, tk, k)
            read_columns(c)
            c.features = _features(c, prev, total_seen, lay)
            if c.features["label_total"] or c.features["label_subtotal"]:
                total_seen = True
            out.append(c)
            prev = c
    return out


def is_continuation(c: Candidate, last: Candidate, word_height: float) -> bool:
    """A row in the description column right below a kept item, with no number under a
    number column (a year or a service period in it is fine)."""
    if c.page != last.page or not c.description:
        return False
    if any(t.number is not None and _column_of(t, c.table) is not None for t in c.tokens):
        return False  # a number under a number column: a row of its own
    if any(v for k, v in c.features.items() if k.startswith("label_")):
        return False
    gap = c.row.bbox[1] - last.row.bbox[3]
    if gap > CONTINUATION_GAP * max(1.0, word_height):
        return False
    desc = c.table.cell("description")
    x0 = last.desc_box[0] if last.desc_box else (desc.x0 if desc else last.row.bbox[0])
    return abs(c.row.bbox[0] - x0) <= 3 * max(1.0, word_height) or \
        (desc is not None and c.row.bbox[0] >= desc.x0 - 2 and
         (last.desc_box is None or c.row.bbox[2] <= last.desc_box[2] + c.table.width * 0.2))


# ------------------------------------------------------------------------------ model
@dataclass(slots=True)
class Prediction:
    """The kept rows, each item's calibrated confidence and the list's."""

    items: list[dict[str, Any]]
    confidences: list[float]
    list_confidence: float
    page: int | None
    bbox: BBox | None


@lru_cache(maxsize=1)
def load_model() -> dict[str, Any] | None:
    """The trained bundle, or None when it was never trained (the rule stays in use)."""
    if not MODEL_PATH.exists():
        return None
    bundle = load_checked(MODEL_PATH, rebuild=REBUILD)
    if not isinstance(bundle, dict) or not {"vec", "clf", "threshold"} <= bundle.keys():
        raise LineItemModelError(f"{MODEL_PATH} is not a line-item model: rebuild with {REBUILD}")
    return bundle


def available() -> bool:
    return load_model() is not None


def row_probabilities(cands: list[Candidate], bundle: dict[str, Any]) -> np.ndarray:
    if not cands:
        return np.zeros(0)
    with single_thread():
        x = feature_matrix(bundle["vec"], [c.features for c in cands])
        return bundle["clf"].predict_proba(x)[:, 1]


def assemble(cands: list[Candidate], probs: np.ndarray, threshold: float,
             lays: list[PageLayout]) -> tuple[list[Candidate], list[float], list[str]]:
    """Kept rows (probability >= threshold), their probabilities and descriptions with
    continuation lines joined."""
    wh = {lay.number: lay.word_height for lay in lays}
    kept: list[Candidate] = []
    ps: list[float] = []
    descs: list[str] = []
    for c, p in zip(cands, probs, strict=True):
        if p >= threshold and c.amount is not None and not c.features.get("has_iban"):
            # (a row printing an IBAN is bank details, never an item, whatever it scores)
            kept.append(c)
            ps.append(float(p))
            descs.append(c.description)
        elif kept and is_continuation(c, kept[-1], wh.get(c.page, 10.0)):
            descs[-1] = f"{descs[-1]} {' '.join(t.text for t in c.tokens)}".strip()
            kept[-1].row = Row(kept[-1].row.index, kept[-1].row.page,
                               kept[-1].row.words + c.row.words)
    return kept, ps, descs


def list_score(ps: list[float], kept: list[Candidate]) -> float:
    """What the list-confidence map reads: the weakest row, discounted when a row with
    quantity and unit price fails qty x unit = amount on an OCR'd page."""
    if not ps:
        return 0.0
    checked = [c for c in kept if c.quantity is not None and c.unit_price is not None]
    bad = sum(not c.features.get("product_ok", float(c.product_ok)) for c in checked)
    return float(min(ps)) * (0.5 if bad else 1.0)


def predict(lays: list[PageLayout], decimal_mark: str | None,
            bundle: dict[str, Any]) -> Prediction:
    cands = candidates(lays, decimal_mark)
    probs = row_probabilities(cands, bundle)
    kept, ps, descs = assemble(cands, probs, float(bundle["threshold"]), lays)
    items = []
    item_cal, list_cal = bundle.get("item_calibration"), bundle.get("list_calibration")
    confs = [float(item_cal.predict([p])[0]) if item_cal is not None else p for p in ps]
    for c, desc in zip(kept, descs, strict=True):
        it: dict[str, Any] = {"description": desc, "amount": c.amount}
        if c.quantity is not None:
            it["quantity"] = plain_decimal(c.quantity)
        if c.unit_price is not None:
            it["unit_price"] = c.unit_price
        it["page"] = c.page
        it["bbox"] = [round(float(v), 1) for v in c.row.bbox]
        items.append(it)
    raw = list_score(ps, kept)
    lc = float(list_cal.predict([raw])[0]) if list_cal is not None else raw
    page = kept[0].page if kept else None
    box = union([c.row.bbox for c in kept if c.page == page]) if kept else None
    return Prediction(items, confs, lc, page, box)


def extract(lays: list[PageLayout], decimal_mark: str | None = None) -> Field | None:
    """The `line_items` field from the trained model (None when no row is kept); each
    item carries its page, box and calibrated confidence, the field the list's."""
    bundle = load_model()
    if bundle is None:
        return None
    pred = predict(lays, decimal_mark, bundle)
    if not pred.items:
        return None
    for it, conf in zip(pred.items, pred.confidences, strict=True):
        it["confidence"] = round(float(np.clip(conf, 0.01, 0.99)), 4)
    conf = float(np.clip(pred.list_confidence, 0.01, 0.99))
    return Field(pred.items, pred.items, conf, pred.page, pred.bbox, SOURCE)
