"""Learned receipt fields: candidate values with features, scored by models fitted on TRAIN.

The invoice pipeline's scorers were fitted on generated pages only, and hand rules patch
what they miss on photographed receipts. For receipts, the four fields every receipt has
(vendor name, vendor address, date, total) are instead chosen by one gradient-boosting
classifier per field fitted on labelled receipt photos (`python -m training.receipt_fields`,
cross-validated with folds grouped by chain). Candidates:

* total_amount / invoice_date: every amount / date span the invoice candidate finder
  yields, described by its layout features plus which label words (`LABEL_WORDS`) are
  printed left of it and above it (the model learns which of them matter) and the till's
  arithmetic (tendered - change = this amount);
* vendor_name: header lines of the first page and pairs of consecutive header lines (a
  name wrapped over two lines), rendered the way the pipeline cleans a name;
* vendor_address: runs of 1-6 consecutive rows of the page's upper half (the block under
  the name; never through a phone number or a tax-id line), rendered the way the pipeline writes an address (a full stop between parts
  read as a comma), with lines that end bare joined three ways (`Join`: a space, a comma,
  or a comma except before a postcode line), and described by the address-line
  classifier's probabilities of its rows and of the rows around it (`receipt_lines`).

The reported confidence is the isotonic map, fitted on out-of-fold scores, of the winner's
score; a value a cross-field check contradicts is capped by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from extractors.invoice.candidates import (
    _ADDR,
    _REGNO,
    ANTI,
    COMPANY_SUFFIX,
    FEATURES,
    HEADER_WORDS,
    LABELS,
    NAME_FEATURES,
    Candidate,
    field_features,
    norm_label,
)
from extractors.invoice.layout import PageLayout, Row, union
from extractors.invoice.receipt_lines import (
    PHONE_LIKE,
    POSTCODE,
    TAX_ID_LINE,
    TIME_RE,
    LineModel,
    RowCue,
    block_features,
    row_cue,
)
from extractors.scorer import feature_matrix
from ingest.types import BBox
from modelfile import load_shipped, single_thread

MODEL_PATH = Path(__file__).parent / "model" / "receipt_fields.joblib"
RANKED_FIELDS = ("total_amount", "invoice_date", "vendor_name", "vendor_address")
CONF_FLOOR, CONF_CEIL = 0.02, 0.97
# an OCR'd name or address is read character-exactly less often than a number: out of
# fold on TRAIN the names the isotonic map put above 0.9 were right 87 % of the time, so
# text fields are clamped below that bin
CONF_CEIL_FIELD = {"vendor_name": 0.89, "vendor_address": 0.89}


# fields whose candidates carry whether they agree with the hand rules' value (`rule_same`).
# Not the total and the date: the rules' pick there flips with one misread letter of
# another row ("Chenge", a stray "1.00"), and the ranker, which leaned on the agreement,
# flipped with it (TRAIN receipts read at 2x/4x lost their total so). Out of fold on TRAIN
# without it: total F1 0.923 -> 0.936, ECE 0.043 -> 0.021, date unchanged; the name and
# address rankers lose 5-6 points without it and keep it.
RULE_FEATURE_FIELDS = frozenset({"vendor_name", "vendor_address"})


def bounds(name: str) -> tuple[float, float]:
    """The (floor, ceiling) a field's confidence is clamped to."""
    return CONF_FLOOR, CONF_CEIL_FIELD.get(name, CONF_CEIL)

# how far a candidate block reaches: rows of the page's upper part, lines per block
HEADER_SHARE = 0.5
MAX_ADDRESS_LINES = 6
MAX_HEADER_ROWS = 18

# general receipt vocabulary (what a till prints beside money), as named tables
CASH_WORDS = re.compile(r"(?i)\b(cash|tender\w*|paid|received|credit|visa|master\w*|card|"
                        r"payment|accepted|debit)\b")
CHANGE_WORDS = re.compile(r"(?i)\b(change|chang|balance)\b")
ROUND_WORDS = re.compile(r"(?i)\bround\w*")
TOTAL_WORD = re.compile(r"(?i)t[o0]ta[l1]")
TAX_WORDS = re.compile(r"(?i)\b(gst|sst|tax|vat|service\s*charge|svc)\b")
SUB_WORDS = re.compile(r"(?i)\bsub\s*-?\s*t[o0]ta[l1]|\bexcl")
QTY_WORDS = re.compile(r"(?i)\b(qty|quantity|item|items|pcs|unit)\b")


class ReceiptModelError(RuntimeError):
    """The receipt field model cannot score these candidates (wrong bundle shape)."""


@dataclass(slots=True)
class RCand:
    """One candidate value of a receipt field with its feature row."""

    value: str
    normalized: str
    page: int
    bbox: BBox
    feats: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class Choice:
    cand: RCand
    confidence: float
    score: float


# words a till prints beside an amount or a date: the label vocabularies of the invoice
# candidates plus a few receipt words. Only these become word features, so the model
# learns which labels matter without any document's own words entering it.
TILL_WORDS = frozenset({
    "cash", "change", "rounding", "round", "rounded", "adj", "adjustment", "payable",
    "inclusive", "incl", "inc", "excl", "exclusive", "tendered", "tender", "nett", "net",
    "amount", "amt", "rm", "total", "ttl", "sub", "subtotal", "gst", "sst", "tax", "discount",
    "disc", "qty", "paid", "due", "balance", "date", "time", "card", "visa", "master",
    "credit", "debit", "grand", "sales", "price", "items", "item", "before", "after",
    "service", "charge", "saving", "savings", "deposit", "point", "points", "member",
})
LABEL_WORDS = TILL_WORDS | frozenset(
    w for table in (LABELS, ANTI) for name in ("total_amount", "invoice_date")
    for phrase in table.get(name, []) for w in phrase.split() if len(w) > 1)


# OCR misreads one letter of a till word as often at one image size as another ("Chenge",
# "Totel", "Puayment"), and a feature that hangs on the exact word then flips with the
# reading: a word of at least `FUZZY_MIN_LEN` letters one edit (Levenshtein) from exactly
# one till word is read as that word. Shorter words ("card", "cash", "paid") are left as
# printed: one edit turns them into each other or into common words.
FUZZY_MIN_LEN = 5
FUZZY_VOCAB = tuple(sorted(LABEL_WORDS | {"payment"}))
_TOKEN = re.compile(r"[A-Za-z]+")


@lru_cache(maxsize=8192)
def till_word(token: str) -> str:
    """`token` lower-cased, or the one till word (`FUZZY_VOCAB`) it is a misreading of."""
    low = token.casefold()
    if len(low) < FUZZY_MIN_LEN or low in LABEL_WORDS:
        return low
    near = [w for w, _d, _i in process.extract(low, FUZZY_VOCAB, scorer=Levenshtein.distance,
                                                score_cutoff=1, limit=None)]
    return near[0] if len(near) == 1 else low


def till_text(text: str) -> str:
    """`text` with every word read as the till word it misreads (`till_word`)."""
    return _TOKEN.sub(lambda m: till_word(m.group(0)), text)


def _words(text: str, prefix: str, n: int = 3) -> dict[str, float]:
    """Which label words (`LABEL_WORDS`) are among the last `n` words of a context (a
    misread till word counts as the word, `till_text`)."""
    toks = [t for t in norm_label(till_text(text)).split() if re.search(r"[a-z]{2}", t)][-n:]
    return {f"{prefix}={t}": 1.0 for t in toks if t in LABEL_WORDS}


def same(name: str, a: Any, b: Any) -> bool:
    """Whether two values of a field agree: amounts as decimals, text without case or
    whitespace (what a reader would call the same value)."""
    if a is None or b is None:
        return False
    if name == "total_amount":
        try:
            return _d(a) == _d(b)
        except ArithmeticError:
            return False
    return re.sub(r"\s+", "", str(a).casefold()) == re.sub(r"\s+", "", str(b).casefold())


def _d(x: str) -> Decimal:
    return Decimal(str(x))


def amount_cands(money: list[Candidate]) -> list[RCand]:
    """total_amount candidates: every amount span, with label words and till arithmetic."""
    out = []
    rows = [till_text(str(c.feats.get("_row", ""))) for c in money]
    cash = [c for c, t in zip(money, rows, strict=True)
            if CASH_WORDS.search(t) and not CHANGE_WORDS.search(t)]
    change = [c for c, t in zip(money, rows, strict=True) if CHANGE_WORDS.search(t)]
    plain = [abs(float(c.normalized)) for c, t in zip(money, rows, strict=True)
             if not (CASH_WORDS.search(t) or CHANGE_WORDS.search(t))]
    top_plain = max(plain, default=0.0)
    values = [_d(c.normalized) for c in money]
    round_rows = any(ROUND_WORDS.search(t) for t in rows)
    for c, row in zip(money, rows, strict=True):
        f = dict(zip(FEATURES, field_features(c, "total_amount"), strict=True))
        v = _d(c.normalized)
        f["positive"] = float(v > 0)
        f["row_cash"] = float(bool(CASH_WORDS.search(row)) and not CHANGE_WORDS.search(row))
        f["row_change"] = float(bool(CHANGE_WORDS.search(row)))
        f["row_round"] = float(bool(ROUND_WORDS.search(row)))
        f["row_total"] = float(bool(TOTAL_WORD.search(row)))
        f["row_tax"] = float(bool(TAX_WORDS.search(row)))
        f["row_sub"] = float(bool(SUB_WORDS.search(row)))
        f["row_qty"] = float(bool(QTY_WORDS.search(row)))
        f["is_max_plain"] = float(abs(float(v)) == top_plain)
        f["frac_max_plain"] = abs(float(v)) / top_plain if top_plain else 0.0
        f["closes_till"] = float(any(
            a.page == c.page and ch.page == c.page and a.row > c.row and ch.row > a.row - 1
            and abs(_d(a.normalized) - _d(ch.normalized) - v) <= Decimal("0.005")
            for a in cash for ch in change if a is not ch))
        f["cash_ge"] = float(any(_d(a.normalized) >= v for a in cash if a.row > c.row))
        f["whole"] = float(v == v.to_integral_value())
        f.update(_rounding_feats(v, values, round_rows))
        f.update(_words(str(c.feats.get("_left", "")), "left"))
        f.update(_words(str(c.feats.get("_above", "")), "above", 2))
        out.append(RCand(c.value, c.normalized, c.page, c.bbox, f))
    return out


# cash rounding: tills that round a bill print both the exact and the rounded amount a few
# cents apart; the step (5 cents) and the widest adjustment (`ROUND_STEP` / `ROUND_MAX`)
ROUND_STEP = Decimal("0.05")
ROUND_MAX = Decimal("0.04")


def _rounding_feats(v: Decimal, values: list[Decimal], round_rows: bool) -> dict[str, float]:
    """Whether `v` is the rounded or the exact twin of another amount on the receipt (the
    model learns which of the two a receipt's total is), and whether a rounding line exists."""
    on_step = v % ROUND_STEP == 0
    twins = [o for o in values if o != v and abs(o - v) <= ROUND_MAX]
    return {
        "on_round_step": float(on_step),
        "rounded_twin": float(on_step and any(o % ROUND_STEP != 0 for o in twins)),
        "exact_twin": float(not on_step and any(o % ROUND_STEP == 0 for o in twins)),
        "round_line": float(round_rows),
        "n_same_value": float(sum(o == v for o in values)),
        "rank_value": float(sum(o > v for o in set(values))),
    }


def date_cands(dates: list[Candidate]) -> list[RCand]:
    """invoice_date candidates: every date span, with label words and its row's time."""
    out = []
    for c in dates:
        f = dict(zip(FEATURES, field_features(c, "invoice_date"), strict=True))
        row = str(c.feats.get("_row", ""))
        f["row_time"] = float(bool(TIME_RE.search(row)))
        f["year_ok"] = float(1990 <= int(c.normalized[:4]) <= 2035)
        f["text_len"] = len(c.value)
        f["month_word"] = float(bool(re.search(r"[A-Za-z]{3}", c.value)))
        f["n_distinct"] = len({o.normalized for o in dates})
        f.update(_words(str(c.feats.get("_left", "")), "left"))
        f.update(_words(str(c.feats.get("_above", "")), "above", 2))
        out.append(RCand(c.value, c.normalized, c.page, c.bbox, f))
    return out


def name_cands(lay: PageLayout, header: list[Candidate], render: Callable[[str], str],
               not_a_name: Callable[[str], bool], evidence: Callable[[str, str], int]
               ) -> list[RCand]:
    """vendor_name candidates: header segments alone and joined with the next row's."""
    rows = lay.rows
    out: list[RCand] = []
    seen: set[tuple[str, int]] = set()
    for k, c in enumerate(header):
        base = {n: float(c.feats.get(n, 0.0)) for n in NAME_FEATURES}
        nxt = rows[c.row + 1].text if c.row + 1 < len(rows) else ""
        variants = [(c.value, c.bbox, 1)]
        if c.row + 1 < len(rows):
            nrow = rows[c.row + 1]
            seg = max(nrow.segments, key=lambda s: _overlap(s.bbox, c.bbox))
            if _overlap(seg.bbox, c.bbox) > 0 and seg.bbox[1] - c.bbox[3] < 1.5 * lay.word_height:
                variants.append((f"{c.value} {seg.text}", union([c.bbox, seg.bbox]), 2))
        for text, box, n_lines in variants:
            norm = render(ocr_marks(text))
            if not norm or (norm, n_lines) in seen:
                continue
            seen.add((norm, n_lines))
            f = dict(base)
            f["n_lines"] = n_lines
            f["rank"] = k
            f["not_a_name"] = float(not_a_name(norm))
            f["evidence"] = evidence(text, nxt if n_lines == 1 else "")
            f["legal_end"] = float(bool(re.search(r"(?i)(sdn\.?\s*bhd|berhad|s/b|ltd|"
                                                  r"enterprise|trading)\.?$", norm)))
            f["n_chars"] = len(norm)
            f["paren"] = float("(" in norm)
            f["digit_share"] = sum(ch.isdigit() for ch in norm) / max(1, len(norm))
            f["second_suffix"] = float(n_lines == 2 and bool(COMPANY_SUFFIX.search(
                text[len(c.value):])))
            f["first_suffix"] = float(bool(COMPANY_SUFFIX.search(c.value)))
            out.append(RCand(text, norm, c.page, box, f))
    return out


def _overlap(a: BBox, b: BBox) -> float:
    return min(a[2], b[2]) - max(a[0], b[0])


def _row_text(row: Row) -> str:
    return " ".join(s.text for s in row.segments)


# marks OCR reads into a thermal line that no name or address prints: a raised dot between
# words (a speck) is a space, a bar between letters is the letter I, a yen sign among
# letters or initials ("D.I.¥.") is the letter Y (the recogniser's Chinese charset has both),
# and a one between two initials ("D.1.Y.") is the letter I
OCR_MARKS = ((re.compile(r"\s*[·•]\s*"), " "), (re.compile(r"(?<=[A-Za-z])\|(?=[A-Za-z])"), "I"),
             (re.compile(r"(?<=[A-Za-z.])¥(?=[A-Za-z.])|(?<=[A-Za-z]\.)¥"), "Y"),
             (re.compile(r"(?<=\b[A-Z]\.)1(?=\.[A-Z]\.)"), "I"))


def ocr_marks(text: str) -> str:
    """`text` with the marks of `OCR_MARKS` read as what the line prints."""
    for pattern, repl in OCR_MARKS:
        text = pattern.sub(repl, text)
    return text


def _address_line(row: Row) -> str:
    return ocr_marks(_row_text(row))


class Join(StrEnum):
    """How the lines of an address block are joined where a line ends bare (no comma or
    full stop): the labels of TRAIN receipts do all three."""

    SPACE = "space"
    COMMA = "comma"
    COMMA_TEXT = "comma_text"  # a comma, except before a line that starts with a postcode


# how a block's lines are rendered: (full stop between parts read as a comma, the join).
# On TRAIN, of 100 receipts whose address is among the candidates, none needed the full
# stops kept where reading them as commas did not also match, so only the join is left to
# the model.
ADDRESS_RENDERINGS = ((True, Join.SPACE), (True, Join.COMMA), (True, Join.COMMA_TEXT))
_POSTCODE_START = re.compile(r"^\s*\d{5}\b")


def _joined(block: list[str], join: Join) -> tuple[list[str], bool]:
    """The block's lines and `render`'s comma flag for one way of joining them."""
    if join is not Join.COMMA_TEXT:
        return block, join is Join.COMMA
    out = [ln.rstrip() + "," if ln.rstrip()[-1:].isalnum() and not _POSTCODE_START.match(nxt)
           else ln for ln, nxt in zip(block, block[1:], strict=False)]
    return [*out, block[-1]], False


def address_rows(lay: PageLayout) -> tuple[list[Row], list[str]]:
    """The header rows an address block is made of, and their cleaned texts."""
    H = max(1.0, lay.page.height)
    rows = [r for r in lay.rows if r.bbox[1] / H < HEADER_SHARE][:MAX_HEADER_ROWS]
    return rows, [_address_line(r) for r in rows]


def _not_postal(line: str) -> bool:
    """A phone number or a tax/company id line: never part of a postal address (none of
    the 152 TRAIN addresses holds one), so no address block runs through it. Blocks that
    did were picked where the rules' block held the phone line (`rule_same`)."""
    return bool(PHONE_LIKE.search(line) or TAX_ID_LINE.search(line))


# a price in a column of its own, with its tax code ("0,95  2", "12.50 SR"): an item's
# row, which no address block runs through (a German drugstore receipt's block had run
# from its postcode into its first item)
_PRICE_CELL = re.compile(r"^-?\d{1,5}[.,]\d{2}(?:\s+[A-Z0-9*]{1,2})?$")


def _item_row(row: Row) -> bool:
    """Whether `row` prints a price in a cell of its own right of other words."""
    return len(row.segments) >= 2 and any(_PRICE_CELL.match(seg.text.strip())
                                          for seg in row.segments[1:])


def address_cands(lay: PageLayout, render: Callable[[list[str], bool, bool], str],
                  line_probs: list[float] | None = None) -> list[RCand]:
    """vendor_address candidates: runs of consecutive rows in the page's upper part.
    `line_probs`: the line classifier's probability that each row of `address_rows` is an
    address line (`receipt_lines`); its block features are added when given."""
    H = max(1.0, lay.page.height)
    W = max(1.0, lay.page.width)
    rows, texts = address_rows(lay)
    if line_probs is not None and len(line_probs) != len(rows):
        raise ReceiptModelError(f"{len(line_probs)} line probabilities for {len(rows)} rows")
    cues = [row_cue(t) for t in texts]
    contact_rows = [i for i, c in enumerate(cues) if c.contact]
    suffix_rows = [i for i, t in enumerate(texts) if COMPANY_SUFFIX.search(t)]
    first_suffix = suffix_rows[0] if suffix_rows else -1
    out: list[RCand] = []
    for s in range(len(rows)):
        for n in range(1, MAX_ADDRESS_LINES + 1):
            if s + n > len(rows):
                break
            block = texts[s:s + n]
            if any(len(b) > 90 for b in block) or _not_postal(block[-1]) or \
                    _item_row(rows[s + n - 1]):
                break
            box = union([r.bbox for r in rows[s:s + n]])
            gaps = [rows[i + 1].bbox[1] - rows[i].bbox[3] for i in range(s, s + n - 1)]
            prev = texts[s - 1] if s > 0 else ""
            after = texts[s + n] if s + n < len(texts) else ""
            base = {
                "start": s, "n_lines": n, "rel_y": box[1] / H, "rel_y1": box[3] / H,
                "width": (box[2] - box[0]) / W, "centered": float(abs((box[0] + box[2]) / 2 / W
                                                                      - 0.5) < 0.12),
                "max_gap": max(gaps, default=0.0) / lay.word_height,
                "after_first_suffix": float(first_suffix >= 0 and s > first_suffix),
                "from_first_suffix": float(s - first_suffix) if first_suffix >= 0 else -1.0,
                "prev_suffix": float(bool(COMPANY_SUFFIX.search(prev))),
                "prev_regno": float(bool(_REGNO.match(prev.strip()) or TAX_ID_LINE.search(prev))),
                "first_addrish": float(bool(re.match(r"(?i)\s*(no\b|lot\b|\d)", block[0]))),
                "first_suffix": float(bool(COMPANY_SUFFIX.search(block[0]))),
                "any_header": float(any(HEADER_WORDS.search(b) for b in block)),
                "any_time": float(any(TIME_RE.search(b) for b in block)),
                "last_postcode": float(bool(POSTCODE.search(block[-1]))),
                "any_postcode": float(any(POSTCODE.search(b) for b in block)),
                "after_postcode": float(bool(POSTCODE.search(after))),
                "after_phone": float(bool(PHONE_LIKE.search(after) or TAX_ID_LINE.search(after))),
                "after_addrish": float(bool(_ADDR.search(after))),
                "addrish_share": sum(bool(_ADDR.search(b)) for b in block) / n,
                "last_comma": float(block[-1].rstrip().endswith(",")),
                "n_chars": sum(len(b) for b in block),
                "comma_ends": sum(b.rstrip().endswith(",") for b in block[:-1]) / max(1, n - 1),
                "bare_ends": sum(b.rstrip()[-1:].isalnum() for b in block[:-1]) / max(1, n - 1),
                "bare_before_postcode": float(sum(
                    b.rstrip()[-1:].isalnum() and bool(_POSTCODE_START.match(c))
                    for b, c in zip(block, block[1:], strict=False))),
                "bare_before_text": float(sum(
                    b.rstrip()[-1:].isalnum() and not _POSTCODE_START.match(c)
                    for b, c in zip(block, block[1:], strict=False))),
                **_block_cues(cues, s, n, contact_rows),
            }
            if line_probs is not None:
                base.update(block_features(line_probs, s, n))
            seen: set[str] = set()
            for punct, join in ADDRESS_RENDERINGS:
                lines, comma = _joined(block, join)
                norm = render(lines, punct, comma)
                if not norm or norm in seen:
                    continue
                seen.add(norm)
                f = dict(base)
                f["punct"] = float(punct)
                f["comma_join"] = float(join is Join.COMMA)
                f["comma_text_join"] = float(join is Join.COMMA_TEXT)
                out.append(RCand(" ".join(block), norm, lay.number, box, f))
    return out


def _block_cues(cues: list[RowCue], s: int, n: int, contact_rows: list[int]
                ) -> dict[str, float]:
    """Features of rows s..s+n-1 as an address block: how address-like its rows are and
    whether the rows around it close it (a name or id line before, a contact line or the
    end of the header after)."""
    block = cues[s:s + n]
    prev = cues[s - 1] if s > 0 else None
    nxt = cues[s + n] if s + n < len(cues) else None
    first_contact = next((i for i in contact_rows if i >= s), None)
    return {
        "street_mean": sum(c.street for c in block) / n,
        "street_min": min(c.street for c in block),
        "street_first": block[0].street,
        "region_any": float(any(c.region for c in block)),
        "region_last_end": float(block[-1].region_end),
        "region_rows_after": float(sum(c.region for c in cues[s + n:s + n + 2])),
        "postcode_rows": float(sum(c.postcode for c in block)),
        "postcode_next": float(nxt is not None and nxt.postcode),
        "contact_in": float(sum(c.contact for c in block)),
        "contact_first": float(block[0].contact),
        "contact_next": float(nxt is None or nxt.contact),
        "contact_prev": float(prev is not None and prev.contact),
        "rows_to_contact": float(first_contact - (s + n)) if first_contact is not None
        else -1.0,
        "suffix_prev": float(prev is not None and prev.suffix),
        "suffix_in": float(sum(c.suffix for c in block)),
        "street_prev": prev.street if prev is not None else -1.0,
        "street_next": nxt.street if nxt is not None else -1.0,
        "region_prev": float(prev is not None and prev.region),
        "digits_mean": sum(c.digits for c in block) / n,
        "digits_last": block[-1].digits,
    }


@dataclass(slots=True)
class ReceiptModel:
    """The shipped per-field models: vectoriser, classifier, threshold, calibration
    (`cal` when the trainer chose another map than the isotonic one, `iso`)."""

    version: str
    fields: dict[str, dict[str, Any]]
    lines: LineModel | None = None

    def choose(self, name: str, cands: list[RCand]) -> Choice | None:
        """The best candidate when it clears the field's threshold, else None."""
        m = self.fields.get(name)
        if m is None or not cands:
            return None
        try:
            x = feature_matrix(m["vec"], [c.feats for c in cands])
        except KeyError as e:
            raise ReceiptModelError(f"receipt model for {name} lacks {e}") from e
        with single_thread():
            scores = m["clf"].predict_proba(x)[:, 1]
        i = int(scores.argmax())
        if scores[i] < m["threshold"]:
            return None
        p = float(m.get("cal", m["iso"]).predict([scores[i]])[0])
        lo, hi = bounds(name)
        return Choice(cands[i], min(hi, max(lo, p)), float(scores[i]))


def load(path: Path = MODEL_PATH) -> ReceiptModel | None:
    """The checked receipt model, or None when none is shipped (the rules then stand)."""
    bundle = load_shipped(path)
    if bundle is None:
        return None
    lines = bundle.get("address_lines")
    return ReceiptModel(str(bundle["version"]), dict(bundle["fields"]),
                        LineModel(lines["vec"], lines["clf"]) if lines else None)
