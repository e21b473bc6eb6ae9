"""Per-vendor hints learned from reviewers' corrections.

A reviewer who fixes "invoice_number" on an ACME invoice tells us where ACME prints it:
the label left of it, the text above it, its place on the page and the shape of its
value. `VendorHints.learn` records these; on the next ACME document `apply` picks the value
whose surroundings match them best (or, failing a match, the one in that region) and lets
it win over the generic models. Vendor name and address are remembered verbatim: when the
next document's header matches the corrected one fuzzily, the corrected string is the
answer (OCR misreads a chain's letterhead differently on every receipt). Stored as plain
JSON on the vendor.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from difflib import SequenceMatcher
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from extractors.invoice.candidates import LABELS, label_score, norm_label
from extractors.invoice.layout import PageLayout, Row, build_rows, union
from extractors.normalize import normalize_date, normalize_iban, normalize_money
from extractors.types import Field
from ingest.types import BBox, IngestedDocument

MONEY = {"subtotal", "tax_amount", "total_amount"}
DATES = {"invoice_date", "due_date"}
VERBATIM = {"vendor_name", "vendor_address"}  # remembered as the corrected string
SHAPED = {"invoice_number", "po_number", "vendor_tax_id", "iban"}  # value shape is a clue

HINTS_VERSION = 2
MAX_SPAN = 12  # words a value may span
CONTEXT_MATCH = 0.75  # mean context similarity at which a hint is trusted as found
CLOSE_DX, CLOSE_DY = 0.06, 0.04  # page fractions: "in the hinted region"
HEADER_ROWS = 8  # rows at the top of page 1 that identify a vendor's letterhead
HEADER_MATCH = 80  # rapidfuzz ratio of two letterheads of the same vendor
VERBATIM_EVIDENCE = 80  # rapidfuzz ratio of a corrected string to its window on its page
VERBATIM_REUSE = 90  # ... and of a remembered string on the next page (not another branch)
MERGE_MATCH = 70  # rapidfuzz ratio of a new reading to a remembered string it may be merged with
# letters/digits a whole reading may differ from the remembered string by and still be that
# string misread (a digit of the postcode, a lost house number): another branch of a chain
# differs in whole words (street, town, postcode), not in one or two characters. Not names:
# one vendor prints a short word on some receipts and not on others ("MR. D.I.Y. (M) SDN
# BHD" / "MR. D.I.Y. SDN BHD" in TRAIN's chains), and that is the name the page shows
MISREAD_EDITS = {"vendor_address": 2}
VENDOR_KEY_MATCH = 90  # rapidfuzz ratio of two name keys of the same vendor
CONF_CONTEXT, CONF_REGION, CONF_VERBATIM = 0.9, 0.75, 0.9

# words that may be part of an amount or date, beside the ones with digits
_MONTH_PREFIX = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                 "dec", "mai", "okt", "dez", "fev", "avr", "jui", "aou", "janv", "sept"}
_DIGIT_AS_LETTER = str.maketrans("0158", "oisb")  # digits OCR reads for letters
_CURRENCY_WORD = {"rm", "eur", "usd", "gbp", "sgd", "myr", "inr", "chf", "rs", "$", "€", "£",
                  "s$", "¥"}


def vendor_key(name: str | None = None, tax_id: str | None = None) -> str | None:
    """Stable key for a vendor: its tax id when known, else its name without punctuation."""
    if tax_id:
        return "tax:" + re.sub(r"[^A-Z0-9]", "", tax_id.upper())
    if name:
        k = re.sub(r"[^a-z0-9]", "", name.lower())
        return ("name:" + k) if k else None
    return None


def normalize_for(field_name: str, text: str, day_first: bool | None = None) -> str | None:
    """Normal form of a text for a field (None when the text is not a valid value)."""
    if field_name in MONEY:
        return normalize_money(text)
    if field_name in DATES:
        return normalize_date(text, day_first=day_first)
    if field_name == "iban":
        return normalize_iban(text)
    t = re.sub(r"\s+", " ", text).strip()
    return t or None


def _same(field_name: str, a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return False
    if field_name in MONEY or field_name in DATES or field_name == "iban":
        return a == b
    x, y = re.sub(r"\W", "", a.lower()), re.sub(r"\W", "", b.lower())
    return bool(x) and (x == y or fuzz.ratio(x, y) >= 92)


def _plain(text: str) -> str:
    t = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in t if not unicodedata.combining(c))


def _value_word(field_name: str, text: str) -> bool:
    """Whether a word can belong to a printed amount or date (digits, month, currency)."""
    if field_name not in MONEY and field_name not in DATES:
        return True
    t = _plain(text).strip(".,:;()")
    return bool(re.search(r"\d", t)) or t in _CURRENCY_WORD or (
        field_name in DATES and t[:3] in _MONTH_PREFIX and t.isalpha()) or not t


def shape(text: str) -> str:
    """A value's shape: digits as 9, letters as A, runs kept ("INV-0042" -> "AAA-9999")."""
    return re.sub(r"[0-9]", "9", re.sub(r"[^\W\d_]", "A", text.strip()))


def _context_text(text: str) -> str:
    """A context for comparison: label-normal, digits as 9 (a date above stays a date)."""
    return re.sub(r"\d", "9", norm_label(text))


def _contexts(lay: PageLayout, row: Row, s: int, box: BBox) -> tuple[str, str]:
    """(left, above) of words row.words[s:...] at `box`: the last words before it in its
    cell or the cell left of it, and the cell just above it that overlaps it."""
    seg_of = {}
    for si, seg in enumerate(row.segments):
        for w in seg.words:
            seg_of[id(w)] = si
    left = ""
    if s > 0:
        si = seg_of.get(id(row.words[s]), 0)
        same = [w for w in row.segments[si].words
                if w.bbox[0] < row.words[s].bbox[0]] if si < len(row.segments) else []
        words = same or (row.segments[si - 1].words if si > 0 else [])
        left = " ".join(w.text for w in words[-4:])
    above = ""
    for rr in range(row.index - 1, max(-1, row.index - 3), -1):
        prev = lay.rows[rr]
        if box[1] - prev.bbox[3] > 3 * lay.word_height:
            break
        hits = [sg for sg in prev.segments
                if min(sg.bbox[2], box[2]) - max(sg.bbox[0], box[0]) > -0.5 * lay.word_height]
        if hits:
            above = min(hits, key=lambda sg: abs(sg.bbox[0] - box[0])).text
            break
    return _context_text(left), _context_text(above)


def _similar(a: str | None, b: str) -> float | None:
    """Similarity 0..1 of a learned context and a found one; None when nothing was learned."""
    if a is None:
        return None
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    return fuzz.ratio(a, b) / 100


def _header(lay: PageLayout) -> str:
    return " ".join(r.text for r in lay.rows[:HEADER_ROWS])


@dataclass
class Hint:
    """Where a field's value sat on a corrected document of the vendor."""

    page: int
    rel_box: tuple[float, float, float, float]
    label: str  # the context left of the value (v1: the three words before it)
    n_words: int
    count: int = 1
    above: str | None = None  # the context above it (None in v1 hints)
    shape: str | None = None  # the value's shape, for identifiers


@dataclass
class VerbatimHint:
    """A corrected vendor name or address and the letterhead it was corrected on."""

    value: str
    header: str
    page: int
    rel_box: tuple[float, float, float, float]
    count: int = 1


def _spans(lays: list[PageLayout], field_name: str, normalized: str | None):
    """Every (layout, row, start, end) whose words show the value, best first: for amounts
    and dates the longest run of value words ("1 Sep 2024", not "Sep 2024"), then the
    one whose label reads like the field's."""
    found = []
    for lay in lays:
        for row in lay.rows:
            n = len(row.words)
            for k in range(1, min(MAX_SPAN, n) + 1):
                for s in range(0, n - k + 1):
                    ws = row.words[s:s + k]
                    if not all(_value_word(field_name, w.text) for w in ws):
                        continue
                    t = " ".join(w.text for w in ws)
                    if _same(field_name, normalize_for(field_name, t), normalized):
                        found.append((lay, row, s, s + k))
    if field_name in MONEY or field_name in DATES:
        found = [f for f in found if not any(
            g is not f and g[1] is f[1] and g[2] <= f[2] and f[3] <= g[3] and g[3] - g[2] >
            f[3] - f[2] for g in found)]  # drop runs inside longer ones
    labels = LABELS.get(field_name, [])

    def rank(f: tuple[PageLayout, Row, int, int]) -> float:
        lay, row, s, e = f
        left = " ".join(w.text for w in row.words[max(0, s - 4):s])
        return -label_score(left, labels) if labels else 0.0

    return sorted(found, key=rank)


def locate_value(doc: IngestedDocument, field_name: str,
                 value: str) -> tuple[int, tuple[float, float, float, float]] | None:
    """(page number, box) of the words on the page that show `value` (compared in the
    field's normal form: "1.190,00" finds "1,190.00"), or None when the page does not
    show it. Used so a corrected field's box points at the corrected value."""
    text = str(value)
    found = _spans([build_rows(p) for p in doc.pages], field_name,
                   normalize_for(field_name, text))
    if not found:
        return None
    lay, row, s, e = found[0]
    return lay.page.number, union([w.bbox for w in row.words[s:e]])


class VendorHints:
    """Learned positions/labels of fields per vendor; JSON-serialisable.

    `resolved`: the vendor master has already decided whose hints these are (the service
    keeps one blob per vendor and looks the vendor up by tax id, then name), so when the
    document's own key matches none of the blob's keys (its tax id unread this time, its
    name misread further than `VENDOR_KEY_MATCH`) every entry of the blob still applies.
    Unresolved, a blob's entries apply only to the vendor keys they were learned under."""

    def __init__(self, data: dict[str, dict[str, list[dict[str, Any]]]] | None = None,
                 resolved: bool = False, name: str | None = None) -> None:
        self.data: dict[str, dict[str, list[dict[str, Any]]]] = data or {}
        self.resolved = resolved
        self.name = name  # the vendor master's recorded name (resolved blobs only)

    # -- persistence ------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {"version": HINTS_VERSION, "vendors": self.data}

    @classmethod
    def from_json(cls, obj: dict[str, Any] | None, resolved: bool = False,
                  name: str | None = None) -> VendorHints:
        """`resolved` (and `name`, the vendor's recorded name) when the vendor master found
        the vendor these hints belong to."""
        return cls(dict((obj or {}).get("vendors") or {}), resolved, name if resolved else None)

    def __contains__(self, key: object) -> bool:
        return key in self.data

    # -- learning ---------------------------------------------------------------------
    def learn(self, doc: IngestedDocument, field_name: str, corrected_value: str,
              vendor: str | None = None) -> bool:
        """Record where `corrected_value` of `field_name` sits in `doc`.

        `vendor` is a key from `vendor_key` (default: from the document's own vendor
        name/tax id as extracted). Returns False when the value is not on the page (nothing
        learned: a hint must point at evidence).
        """
        lays = [build_rows(p) for p in doc.pages if p.words]
        if vendor is None:
            from extractors.invoice import extract_invoice

            got = extract_invoice(doc)
            keys = self.keys_for(got)
            vendor = keys[0] if keys else None
        if vendor is None or not lays:
            return False
        if field_name in VERBATIM:
            return self._learn_verbatim(lays, vendor, field_name, corrected_value)
        norm = normalize_for(field_name, corrected_value)
        found = _spans(lays, field_name, norm)
        if not found:
            return False
        lay, row, s, e = found[0]
        W, H = max(1.0, lay.page.width), max(1.0, lay.page.height)
        b = union([w.bbox for w in row.words[s:e]])
        left, above = _contexts(lay, row, s, b)
        text = " ".join(w.text for w in row.words[s:e])
        hint = Hint(lay.number, (b[0] / W, b[1] / H, b[2] / W, b[3] / H), left, e - s,
                    above=above, shape=shape(text) if field_name in SHAPED else None)
        lst = self.data.setdefault(vendor, {}).setdefault(field_name, [])
        for h in lst:
            if (h["label"] == hint.label and h.get("above") == hint.above
                    and abs(h["rel_box"][1] - hint.rel_box[1]) < CLOSE_DY):
                h["count"] += 1
                return True
        lst.append(asdict(hint))
        return True

    def _learn_verbatim(self, lays: list[PageLayout], vendor: str, field_name: str,
                        value: str) -> bool:
        hit = _best_window(lays[0], value)
        if hit is None:
            return False
        box, _ = hit
        W, H = max(1.0, lays[0].page.width), max(1.0, lays[0].page.height)
        hint = VerbatimHint(value.strip(), _header(lays[0]), lays[0].number,
                            (box[0] / W, box[1] / H, box[2] / W, box[3] / H))
        lst = self.data.setdefault(vendor, {}).setdefault(field_name, [])
        for h in lst:
            if h.get("value") == hint.value:
                h["count"] += 1
                h["header"] = hint.header  # the latest letterhead reads most like the next
                return True
        lst.append(asdict(hint))
        return True

    @staticmethod
    def keys_for(fields: dict[str, Field]) -> list[str]:
        keys = []
        if "vendor_tax_id" in fields:
            k = vendor_key(tax_id=str(fields["vendor_tax_id"].normalized))
            if k:
                keys.append(k)
        if "vendor_name" in fields:
            vn = fields["vendor_name"]  # the cleaned name, not the raw line it sat on
            k = vendor_key(name=str(vn.normalized if vn.normalized not in (None, "")
                                    else vn.value))
            if k:
                keys.append(k)
        return keys

    def _entry(self, fields: dict[str, Field]) -> dict[str, list[dict[str, Any]]] | None:
        """This vendor's hints: by exact key, else by a name key OCR spelt a little
        differently (the vendor master matches names the same way); for a `resolved` blob
        every entry, the one the document's key finds last (it wins ties in `apply`)."""
        found = self._own_entry(fields)
        if not self.resolved or not self.data:
            return self.data[found] if found else None
        order = [k for k in self.data if k != found] + ([found] if found else [])
        return _merged([self.data[k] for k in order])

    def _own_entry(self, fields: dict[str, Field]) -> str | None:
        keys = self.keys_for(fields)
        for k in keys:
            if k in self.data:
                return k
        names = [k for k in keys if k.startswith("name:")]
        best: tuple[float, str] | None = None
        for k in names:
            for known in self.data:
                if known.startswith("name:"):
                    r = fuzz.ratio(k, known)
                    if r >= VENDOR_KEY_MATCH and (best is None or r > best[0]):
                        best = (r, known)
        return best[1] if best else None

    # -- applying ---------------------------------------------------------------------
    def apply(self, lays: list[PageLayout], fields: dict[str, Field],
              day_first: bool | None = None) -> dict[str, Field]:
        """Fields found where this vendor's hints point; they override generic results."""
        out: dict[str, Field] = {}
        entry = self._entry(fields)
        if not lays:
            return out
        for field_name, hints in (entry or {}).items():
            # most confirmed first; among equals the latest correction (it fixed the older)
            ranked = [h for _, h in sorted(enumerate(hints), key=lambda ih: (-ih[1]["count"],
                                                                             -ih[0]))]
            for h in ranked:
                if "value" in h:
                    f = self._apply_verbatim(lays, h, fields.get(field_name),
                                             MISREAD_EDITS.get(field_name, 0))
                else:
                    f = self._apply_one(lays, field_name, h, day_first)
                if f is not None:
                    out[field_name] = f
                    break
        if self.name and "vendor_name" not in out:
            f = self._recorded_name(fields.get("vendor_name"))
            if f is not None:
                out["vendor_name"] = f
        return out

    def _recorded_name(self, read: Field | None) -> Field | None:
        """No name learned applies: the master's recorded name where the reading shows
        the same words misread ("MR. O.I.Y. (M)" for "MR. D.I.Y."; `merge_reading`)."""
        if (self.name is None or read is None or not isinstance(read.normalized, str)
                or fuzz.ratio(_key(read.normalized), _key(self.name)) < MERGE_MATCH):
            return None
        merged = merge_reading(self.name, read.normalized)
        if merged == read.normalized:
            return None
        return Field(merged, merged, CONF_VERBATIM if merged == self.name else CONF_REGION,
                     read.page, read.bbox, "vendor-hint")

    @staticmethod
    def _apply_verbatim(lays: list[PageLayout], h: dict[str, Any], read: Field | None,
                        misread_edits: int = 0) -> Field | None:
        if read is not None and isinstance(read.normalized, str) and fuzz.ratio(
                _key(read.normalized), _key(h["value"])) >= MERGE_MATCH:
            merged = merge_reading(h["value"], read.normalized, misread_edits)
            conf = CONF_VERBATIM if merged == h["value"] else CONF_REGION
            return Field(merged, merged, conf, read.page, read.bbox, "vendor-hint")
        if fuzz.ratio(_header(lays[0]), h["header"]) < HEADER_MATCH:
            return None
        hit = _best_window(lays[0], h["value"], VERBATIM_REUSE)
        if hit is None:  # another branch's address, say: the page must show the value
            return None
        return Field(h["value"], h["value"], CONF_VERBATIM, lays[0].number, hit[0],
                     "vendor-hint")

    def _apply_one(self, lays: list[PageLayout], field_name: str, h: dict[str, Any],
                   day_first: bool | None) -> Field | None:
        n = int(h["n_words"])
        rel = h["rel_box"]
        learned_left, learned_above = norm_label(h["label"]), h.get("above")
        if learned_above is not None:  # v2 contexts are compared digit-blind
            learned_left = _context_text(h["label"])
        best: tuple[float, Field] | None = None
        for lay in lays:
            W, H = max(1.0, lay.page.width), max(1.0, lay.page.height)
            for row in lay.rows:
                for s, ws, text, norm in _row_spans(row, field_name, n, day_first):
                    b = union([w.bbox for w in ws])
                    dy = abs(b[1] / H - rel[1])
                    dx = abs(b[0] / W - rel[0])
                    left, above = _contexts(lay, row, s, b)
                    if learned_above is None:  # v1: the three words before, raw
                        left = norm_label(" ".join(w.text for w in row.words[max(0, s - 3):s]))
                    sims = [x for x in (_similar(learned_left, left),
                                        _similar(learned_above, above)) if x is not None]
                    ctx = sum(sims) / len(sims)
                    close = dx <= CLOSE_DX and dy <= CLOSE_DY
                    if ctx < CONTEXT_MATCH and not close:
                        continue
                    score = 2 * ctx + (1 - min(1.0, 10 * (dx + dy))) + (
                        0.2 if lay.number == h["page"] else 0)
                    if h.get("shape"):
                        score += fuzz.ratio(h["shape"], shape(text)) / 100
                    if best is None or score > best[0]:
                        conf = CONF_CONTEXT if ctx >= CONTEXT_MATCH else CONF_REGION
                        best = (score, Field(text, norm, conf, lay.number, b, "vendor-hint"))
        return best[1] if best else None


def _merged(entries: list[dict[str, list[dict[str, Any]]]]) -> dict[str, list[dict[str, Any]]]:
    """One vendor's entries learned under several of its keys, as one entry (per field the
    hints in the order they were filed; `apply` ranks them by count, then lateness)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        for field_name, hints in entry.items():
            out.setdefault(field_name, []).extend(hints)
    return out


def _key(text: str) -> str:
    return re.sub(r"[\W_]", "", _plain(text))


def _digits(text: str) -> str:
    """The digits of a text, less those OCR made of letters inside a word of letters."""
    out = []
    for w in text.split():
        if sum(c.isalpha() for c in w) > sum(c.isdigit() for c in w):
            w = w.translate(_DIGIT_AS_LETTER)
        out.append(re.sub(r"\D", "", w))
    return "".join(out)


def _ocr_variant(a: str, b: str) -> bool:
    """Whether two readings differ only as OCR misreads: same digits, few letters off."""
    ka, kb = _key(a), _key(b)
    if _digits(a) != _digits(b):
        return False  # another branch number or street number, not a misread
    return Levenshtein.distance(ka, kb) <= max(1, min(len(ka), len(kb)) // 5)


def merge_reading(remembered: str, read: str, misread_edits: int = 0) -> str:
    """The new reading with the remembered (corrected) words wherever the two are the same
    words read differently: "JAMAN BERKELEY ... 1237-TMN INDAH" against the remembered
    "TAMAN BERKELEY, ... 1249-TMN PANDAN" gives "TAMAN BERKELEY, ... 1237-TMN INDAH". Words
    that really differ (another branch) keep the new reading. A reading at most
    `misread_edits` letters or digits away from the remembered string as a whole is that
    string misread ("44150" for "41150", a house number lost): the remembered string."""
    if misread_edits and Levenshtein.distance(_key(remembered), _key(read)) <= misread_edits:
        return remembered
    rw, nw = remembered.split(), read.split()
    ops = SequenceMatcher(None, [_key(w) for w in rw], [_key(w) for w in nw],
                          autojunk=False).get_opcodes()
    out: list[str] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            out += rw[i1:i2]
        elif tag == "replace" and _ocr_variant(" ".join(rw[i1:i2]), " ".join(nw[j1:j2])):
            out += rw[i1:i2]
        elif tag == "delete" and not _key(" ".join(rw[i1:i2])):
            out += rw[i1:i2]  # punctuation the reading lost
        else:
            out += nw[j1:j2]
    return " ".join(out)


def _row_spans(row: Row, field_name: str, n: int, day_first: bool | None):
    """(start, words, text, normal form) of the row's valid values of `n` words; amounts of
    any length up to n + 2 (thousands groups add words), longest runs only. A vendor's
    dates keep their format, so their length."""
    lengths = range(1, n + 3) if field_name in MONEY else (n,)
    found = []
    for k in lengths:
        for s in range(0, len(row.words) - k + 1):
            ws = row.words[s:s + k]
            if not all(_value_word(field_name, w.text) for w in ws):
                continue
            text = " ".join(w.text for w in ws)
            norm = normalize_for(field_name, text, day_first)
            if norm is not None:
                found.append((s, ws, text, norm))
    if len(lengths) > 1:
        found = [f for f in found if not any(
            g[0] <= f[0] and f[0] + len(f[1]) <= g[0] + len(g[1]) and len(g[1]) > len(f[1])
            for g in found)]
    return found


def _best_window(lay: PageLayout, value: str, least: float = VERBATIM_EVIDENCE
                 ) -> tuple[BBox, float] | None:
    """Box of the run of rows (one to four) that reads most like `value`, when it reads
    like it at all (rapidfuzz ratio >= `least`)."""
    want = re.sub(r"\W", "", value.lower())
    if not want:
        return None
    best: tuple[BBox, float] | None = None
    rows = lay.rows
    for i in range(len(rows)):
        for j in range(i, min(len(rows), i + 4)):
            got = re.sub(r"\W", "", " ".join(r.text for r in rows[i:j + 1]).lower())
            score = fuzz.ratio(want, got)
            if score >= least and (best is None or score > best[1]):
                best = (union([row.bbox for row in rows[i:j + 1]]), score)
    return best
