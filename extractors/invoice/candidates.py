"""Candidate values for every invoice field, each with a numeric feature vector.

No template: a candidate is any span of words that parses as the field's kind (a date, an
amount, an identifier, a header line), and its features describe the evidence a reader
uses: which label sits to its left or above, where it is on the page, how large it is,
how it ranks among its peers (largest amount, first date). The per-field models in
`model.py` turn those features into calibrated probabilities.
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from extractors.invoice.layout import PageLayout, Row, Segment, union
from extractors.normalize import normalize_date, normalize_money
from ingest.types import BBox, Word

# --------------------------------------------------------------------------------------
# label vocabularies (lower case, punctuation stripped); multilingual where cheap
# --------------------------------------------------------------------------------------

LABELS: dict[str, list[str]] = {
    "invoice_number": [
        "facture n", "rechnungsnr", "factuurnr", "faktura nr", "faktura vat nr", "numer faktury",
        "invoice no", "invoice number", "invoice", "invoice id", "inv no", "inv", "bill no",
        "receipt no", "receipt", "doc no", "document no", "cash bill", "tax invoice no",
        "ref no", "reference", "trans no", "transaction no", "slip no", "order id",
        "rechnung nr", "rechnungsnummer", "rechnung", "facture n", "facture", "numero",
        "no facture", "factuurnummer", "factuur", "bill", "cheque no", "chk", "check no",
        "invoice nr", "nota",
    ],
    "invoice_date": [
        "du", "vom", "van", "del", "data wystawienia", "data", "factuurdatum", "rechnungsdatum", "date d emission",
        "date", "invoice date", "date of issue", "issue date", "issued", "dated", "bill date",
        "receipt date", "datum", "rechnungsdatum", "date de facture", "date facture",
        "fecha", "tarikh", "txn date", "trans date", "transaction date", "order date",
        "factuurdatum", "invoice dt", "date issued",
    ],
    "due_date": [
        "date limite de paiement", "date limite", "te betalen voor", "vervaldatum", "termin platnosci", "zahlungsziel", "payment date",
        "due date", "payment due", "due by", "pay by", "due", "faelligkeitsdatum",
        "fallig am", "zahlbar bis", "date d echeance", "echeance", "vervaldatum",
        "payment due date", "due on",
    ],
    "po_number": [
        "po", "po no", "po number", "p o", "purchase order", "order number", "your order",
        "order no", "bestellnummer", "bon de commande", "customer po", "po ref",
    ],
    "subtotal": [
        "netto", "summe netto", "subtotaal", "excl btw", "totaal excl btw", "montant eur ht", "wartosc netto", "razem netto",
        "subtotal", "sub total", "net amount", "total excl", "total before tax",
        "amount excl", "nettobetrag", "zwischensumme", "total ht", "net total",
        "total excluding gst", "taxable amount", "total excl vat", "net", "sub totaal",
        "total excl tax", "montant ht", "amount before tax", "total sales excluding gst",
    ],
    "tax_amount": [
        "podatek vat", "kwota vat", "montant tva", "btw 21", "mwst 19", "ust 19",
        "tax", "gst", "vat", "sst", "tax amount", "total tax", "mwst", "ust", "tva", "igst",
        "cgst", "sgst", "sales tax", "service tax", "total gst", "gst 6", "vat 20", "btw",
        "montant tva", "umsatzsteuer", "iva", "total vat",
    ],
    "total_amount": [
        "total rounded", "total after rounding", "rounded total", "nett total",
        "somme a payer", "total facture", "summe", "gesamt", "rechnungsbetrag", "endbetrag", "zu zahlen", "te betalen", "totaalbedrag", "razem", "do zaplaty", "suma", "brutto", "total ttc", "grand total rm", "total incl btw",
        "total", "grand total", "amount due", "total due", "balance due", "total amount",
        "total payable", "amount payable", "nett total", "total incl", "total rm",
        "rounded total", "total incl gst", "gesamtbetrag", "gesamtsumme", "total ttc",
        "montant ttc", "net a payer", "total a pagar", "jumlah", "total sales",
        "to pay", "totaal", "total inclusive gst", "total incl vat", "amount", "net total",
        "total amt", "total inc gst", "invoice total", "total eur", "total usd",
    ],
}

ANTI: dict[str, list[str]] = {
    "total_amount": [
        "subtotal", "sub total", "total tax", "total qty", "total quantity", "total items",
        "total discount", "total excl", "total gst", "cash", "change", "tendered",
        "rounding", "rounding adj", "discount", "gst", "tax", "paid", "credit card", "visa",
        "qty", "total item", "total savings", "excl",
    ],
    "subtotal": ["total", "grand total", "tax", "gst", "cash", "change", "rounding"],
    "tax_amount": ["total", "subtotal", "cash", "change", "total incl", "total excl"],
    "invoice_date": ["due date", "due", "order date", "delivery date", "ship date", "period"],
    "due_date": ["invoice date", "date of issue", "issue date", "order date"],
    "invoice_number": ["po", "purchase order", "order no", "customer no", "account no",
                       "tel", "phone", "fax", "gst", "reg", "vat", "cashier", "table"],
    "po_number": ["invoice no", "invoice", "receipt", "tel", "phone"],
}

LOCALE_LABELS_PATH = Path(__file__).parent / "labels" / "fields.json"


@lru_cache(maxsize=1)
def _locale_tables() -> dict[str, dict[str, Any]]:
    """Every locale's tables of `LOCALE_LABELS_PATH` (read once)."""
    data = json.loads(LOCALE_LABELS_PATH.read_text(encoding="utf-8"))
    return {loc: tables for loc, tables in data.items() if not loc.startswith("_")}


def norm_label(text: str) -> str:
    t = unicodedata.normalize("NFKD", text.lower())
    t = "".join(c for c in t if not unicodedata.combining(c))
    t = re.sub(r"[^a-z0-9% ]+", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def till_words(kind: str) -> tuple[str, ...]:
    """Every locale's till words of `kind` ("tendered", "change", "tip"), normalised like
    `norm_label` (as the labels they are matched against), each once."""
    return tuple(dict.fromkeys(norm_label(w) for tables in _locale_tables().values()
                               for w in tables.get("till", {}).get(kind, [])))


def _add_locale_labels() -> None:
    """Merge the per-locale label vocabularies (a data file, reviewable per language)
    into LABELS and ANTI; every locale's labels count on every page, since a document's
    language is not known before its words are read."""
    for tables in _locale_tables().values():
        for key, target in (("labels", LABELS), ("anti", ANTI)):
            for name, words in tables.get(key, {}).items():
                have = target.setdefault(name, [])
                have.extend(w for w in words if w not in have)


MONEY_FIELDS = ("subtotal", "tax_amount", "total_amount")
DATE_FIELDS = ("invoice_date", "due_date")
ID_FIELDS = ("invoice_number", "po_number")
GROUPS = {"money": MONEY_FIELDS, "date": DATE_FIELDS, "id": ID_FIELDS}

_add_locale_labels()


# A check's suggested tips ("18% Tip: $25.20 (Total $179.55)", "20% = $28.00", under a
# "Tip ____" line or a "Suggested Gratuity" heading) print amounts that are no field of the
# check: the totals after a tip not given are larger than the real total, and a model that
# ranks amounts takes them for it. A row with a percentage is a tip row when it names a tip
# itself or sits in a run of percentage rows that starts at most TIP_HEADING_ROWS under a
# row naming one; a row naming a tax is never one.
TIP_WORDS = till_words("tip")
TIP_HEADING_ROWS = 3
_PERCENT = re.compile(r"\d{1,2}(?:[.,]\d+)?\s*%")
_TAX_WORD = re.compile(r"\b(tax|vat|gst|sst|hst|pst|mwst|ust|tva|iva|steuer)\b")


def tip_rows(lay: PageLayout) -> set[int]:
    """Indexes of `lay`'s suggested-tip rows (see `TIP_WORDS`)."""
    texts = [f" {norm_label(r.text)} " for r in lay.rows]
    names_tip = [any(f" {w} " in t for w in TIP_WORDS) for t in texts]
    if not any(names_tip):
        return set()
    pct = [bool(_PERCENT.search(r.text)) and not _TAX_WORD.search(t)
           for r, t in zip(lay.rows, texts, strict=True)]
    out = set()
    for i in range(len(texts)):
        if not pct[i]:
            continue
        j = i
        while j > 0 and pct[j - 1]:
            j -= 1  # the top of this run of percentage rows
        if names_tip[i] or any(names_tip[k] for k in range(max(0, j - TIP_HEADING_ROWS), j + 1)):
            out.add(i)
    return out

COMPANY_SUFFIX = re.compile(
    r"\b(SDN\.?\s*BHD|BHD|BERHAD|PTE\.?\s*LTD|LTD|LIMITED|LLC|L\.L\.C|INC|CORP|CORPORATION|CO\b|"
    r"COMPANY|GMBH|AG|SA|S\.A|SAS|SARL|B\.V|BV|N\.V|NV|PLC|ENTERPRISE|TRADING|PVT|LLP|KG|"
    r"SPA|S\.P\.A|SRL|OY|AB|AS|ENTERPRISES|S/B|HOLDINGS|RESTAURANT|STORE|MART|SHOP|SP\.?\s*Z)\b",
    re.I,
)
HEADER_WORDS = re.compile(
    r"\b(invoice|receipt|tax|date|tel|phone|fax|email|e-mail|gst|vat|reg|total|bill to|"
    r"customer|cashier|www|http|page|rechnung|facture|quotation|statement|ship to|sold to)\b",
    re.I,
)
CURRENCY_MARK = re.compile(r"(RM|\$|€|£|₹|Rs\.?|USD|EUR|GBP|INR|MYR|SGD|PLN|zł|CHF)", re.I)
_MONEY_TOKEN = re.compile(
    r"^[(\-]?(?:RM|\$|€|£|₹|Rs\.?|USD|EUR|GBP|INR|MYR|SGD|PLN|CHF)?\s*[(\-]?"
    r"(\d{1,3}(?:[,.'’ \u00a0\u202f\u2009\u2007]\d{3})+|\d+)(?:[.,](\d{2}))?\s*(?:RM|\$|€|£|₹|USD|EUR|GBP|INR|MYR|SGD|PLN|zł|CHF)?\)?-?$",
    re.I,
)
_DATE_IN_WORD = re.compile(r"(\d{1,4}[./\-]\d{1,2}[./\-]\d{2,4})")
_GLUED_DATES = [
    re.compile(r"(\d{1,2}[./\-]\d{1,2}[./\-](?:\d{4}|\d{2}))(?=[0-2]?\d:\d{2})"),
    re.compile(r"(\d{1,2}\s*[^\W\d_]{3,9}\.?\s*\d{4})(?=\d{1,2}:\d{2}|\b|$)"),
    _DATE_IN_WORD,
]
_ID_TOKEN = re.compile(r"^[#:]?[A-Za-z0-9][A-Za-z0-9_\-/.#]*$")


_CUR_WORDS = {"rm", "usd", "eur", "gbp", "inr", "myr", "sgd", "rs", "chf", "pln"}


@lru_cache(maxsize=1 << 16)
def _label_words(context: str) -> tuple[str, ...]:
    """The normalised words of a label context, debris at its end dropped. Cached: each
    candidate's left and above texts are scored against the labels of every field."""
    words = norm_label(context).split()
    while words and (not re.search(r"[a-z]", words[-1]) or words[-1] in _CUR_WORDS):
        words.pop()  # OCR debris, a stray number or a currency between label and value
    return tuple(words)


@lru_cache(maxsize=256)
def _labels_by_length(labels: tuple[str, ...]) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """Labels grouped by their number of words: one tail of the context per group."""
    groups: dict[int, list[str]] = {}
    for lab in labels:
        groups.setdefault(lab.count(" ") + 1, []).append(lab)
    return tuple((n, tuple(labs)) for n, labs in groups.items())


def label_score(context: str, labels: list[str] | tuple[str, ...]) -> float:
    """Best fuzzy match (0..1) of a label against the *end* of `context`: the labels of n
    words against its last n words, and against its last n + 1 at 0.9. Each group of
    labels is scored in one rapidfuzz call (the profile of a long invoice text had this
    function's Python loop as its largest cost)."""
    words = _label_words(context)
    if not words:
        return 0.0
    best = 0.0
    for n, labs in _labels_by_length(tuple(labels)):
        for k, weight in ((n, 1.0), (n + 1, 0.9)):
            if k > len(words):
                continue
            hit = process.extractOne(" ".join(words[-k:]), labs, scorer=fuzz.ratio)
            if hit is not None and hit[1] / 100.0 * weight > best:
                best = hit[1] / 100.0 * weight
    return best


@dataclass(slots=True)
class Candidate:
    kind: str  # "money" | "date" | "id" | "name"
    value: str
    normalized: str
    page: int
    bbox: BBox
    row: int
    feats: dict[str, float] = field(default_factory=dict)
    label_text: str = ""


# --------------------------------------------------------------------------------------
# span finders
# --------------------------------------------------------------------------------------


# Thousands grouped with a space arrive as separate words ("423", "693,72"): the words of
# one number sit one space apart, the columns of a table (quantity | amount) further.
# A gap up to this many word heights is a space inside a number. An OCR'd word's box is
# its ink, digits no taller than about 0.7 em, and a typewriter font's space is as wide as
# a digit: so a gap up to this many of the words' mean character widths is one space too
# (two spaces, the narrowest column gap, are past it).
GROUP_GAP_MAX = 0.6
GROUP_GAP_MAX_CHARS = 1.4
_CUR = r"(?:RM|\$|€|£|₹|Rs\.?|USD|EUR|GBP|INR|MYR|SGD|PLN|CHF|zł|Fr\.?)"
_GROUP_LEAD = re.compile(r"^[(\-−]?" + _CUR + r"?\d{1,3}$", re.I)
_GROUP_MID = re.compile(r"^\d{3}$")
_GROUP_LAST = re.compile(r"^\d{3}(?:[.,]\d{2})?" + _CUR + r"?\)?-?$", re.I)
_GROUP_MARK_SPLIT = re.compile(r"^\d{3}[.,]$")
# An amount OCR split beside its decimal mark: the head with the mark and the cents apart
# ("904," "16€"), or the grouped head and the mark with the cents ("10.593" ",94").
_SPLIT_MARK_HEAD = re.compile(_CUR + r"?\d{1,3}(?:[.,]\d{3})*[.,]", re.I)
_CENTS_TAIL = re.compile(r"\d{2}" + _CUR + r"?", re.I)
_GROUPED_HEAD = re.compile(_CUR + r"?\d{1,3}(?:[.,]\d{3})*", re.I)
_MARK_CENTS_TAIL = re.compile(r"[.,]\d{2}" + _CUR + r"?", re.I)


def grouped_number_spans(words: list[Word]) -> list[tuple[int, int, str]]:
    """(start, end, text) of numbers whose thousands a space separates, so that no
    finder reads "423 693,72" as 693.72. A group of three digits one space apart from
    1-3 digits qualifies; the number must show cents or a currency (its own or the next
    word's), so a postcode ("75 008") or a date ("12 03 2024") never does."""
    out: list[tuple[int, int, str]] = []
    i = last_end = 0
    while i < len(words):
        if not _GROUP_LEAD.match(words[i].text):
            i += 1
            continue
        j = i + 1
        while j < len(words) and _close(words[j - 1], words[j]) and (
                _GROUP_MID.match(words[j].text) or _GROUP_LAST.match(words[j].text)):
            j += 1
            if not _GROUP_MID.match(words[j - 1].text):
                break  # cents or a currency end the number
        else:  # the last group's cents split off its mark ("142," "17"), as OCR may
            if j + 1 < len(words) and _GROUP_MARK_SPLIT.match(words[j].text) and \
                    _close(words[j - 1], words[j]) and _close(words[j], words[j + 1]) and \
                    _CENTS_TAIL.fullmatch(words[j + 1].text):
                j += 2
        if j == i + 1:
            i += 1
            continue
        number_end = j
        if i > last_end and _close(words[i - 1], words[i]) and \
                re.fullmatch(_CUR, words[i - 1].text, re.I):
            i -= 1  # "€ 1 234,56": the currency before the number belongs to it
        if j < len(words) and _close(words[j - 1], words[j]) and \
                re.fullmatch(_CUR, words[j].text, re.I):
            j += 1  # "1 234,56 €"
        text = " ".join(w.text for w in words[i:j])
        if re.search(r"[.,]\d{2}", words[number_end - 1].text) or re.search(_CUR, text, re.I):
            out.append((i, j, text))
            i = last_end = j
        else:
            i = number_end
    return out


def _close(a: Word, b: Word) -> bool:
    """Whether `b` follows `a` one space apart. A narrow glyph's ink ("1" of "1 485
    396,56") fills little of its cell: the half of the cell it leaves blank on its right
    counts as the glyph's, not as the gap (the wider word's character width is the
    cell's)."""
    h = max(a.bbox[3] - a.bbox[1], b.bbox[3] - b.bbox[1], 1e-6)
    wa, wb = a.bbox[2] - a.bbox[0], b.bbox[2] - b.bbox[0]
    char_w = max(wa / max(1, len(a.text)), wb / max(1, len(b.text)))
    gap = b.bbox[0] - a.bbox[2] - max(0.0, char_w * len(a.text) - wa) / 2
    return gap <= GROUP_GAP_MAX * h or gap <= GROUP_GAP_MAX_CHARS * char_w


def _money_spans(row: Row, decimal_mark: str | None = None) -> list[tuple[int, int, str, str]]:
    """(start, end, text, normalized) of amount-looking spans in a row."""
    out = []
    ws = row.words
    used = set()
    for s, e, text in grouped_number_spans(ws):
        norm = normalize_money(text, decimal_mark)
        if norm is not None and abs(float(norm)) <= 1e8:
            out.append((s, e, text, norm))
            used.update(range(s, e))
    for i in range(len(ws)):
        for n in (3, 2, 1):
            if i + n > len(ws) or any(j in used for j in range(i, i + n)):
                continue
            text = " ".join(w.text for w in ws[i:i + n]).strip(":")
            if n == 3:
                # OCR spaced a glued amount apart twice: "RM5 1. 30" is RM51.30
                if not (re.fullmatch(r"(?i)(RM|\$)\d{1,3}", ws[i].text) and
                        re.fullmatch(r"\d{1,3}[.,]", ws[i + 1].text) and
                        re.fullmatch(r"\d{2}", ws[i + 2].text)):
                    continue
                text = "".join(w.text for w in ws[i:i + 3])
            split_cents = n == 2 and re.fullmatch(r"(?i)(RM|\$)?\d{1,6}[.,]", ws[i].text) and \
                re.fullmatch(r"\d{2}", ws[i + 1].text)
            # OCR put a space beside the decimal mark of a grouped amount: "904, 16€",
            # "10.593 ,94 €" (one space apart, cents and maybe a currency after it)
            split_mark = n == 2 and not split_cents and _close(ws[i], ws[i + 1]) and (
                (_SPLIT_MARK_HEAD.fullmatch(ws[i].text) and _CENTS_TAIL.fullmatch(ws[i + 1].text))
                or (_GROUPED_HEAD.fullmatch(ws[i].text) and
                    _MARK_CENTS_TAIL.fullmatch(ws[i + 1].text)))
            cents_only = n == 2 and CURRENCY_MARK.fullmatch(ws[i].text.strip(":")) and \
                re.fullmatch(r"[.,]\d{2}", ws[i + 1].text)
            if split_cents or split_mark:  # OCR spaced the cents off: "13. 60"
                text = ws[i].text + ws[i + 1].text
            elif cents_only:  # a till prints change under a ringgit without the zero: "RM .40"
                text = "0." + ws[i + 1].text[1:]
            elif n == 2 and not (CURRENCY_MARK.fullmatch(ws[i].text.strip(":")) or
                                 CURRENCY_MARK.fullmatch(ws[i + 1].text)):
                continue
            if n == 1 and re.fullmatch(r"(?i)(RM|\$)\d{1,6}[:;.,][\dO]{2}", text):
                # after a currency mark a colon is a misread point and O a zero: "RM5:O0"
                text = text[:-3] + "." + text[-2:].replace("O", "0")
            m = _MONEY_TOKEN.match(text)
            if not m:
                # glued label "TOTAL:12.30" / "RM12.30"
                mm = re.search(r"(?<![\d.,\u00a0\u202f\u2009\u2007])(\d{1,3}(?:[,.'’\u00a0\u202f\u2009\u2007]\d{3})*[.,]\d{2})(?![\d.,])", text) if n == 1 else None
                if not mm or re.search(r"\d[./\-]\d{1,2}[./\-]\d", text):
                    continue
                val = mm.group(1)
            else:
                if not (m.group(2) or CURRENCY_MARK.search(text)):
                    continue
                val = text
                # "RM13.585": cents followed by a tax code OCR'd as a digit, not thousands
                g = re.fullmatch(r"(?i)(?:RM|\$|S\$)\s*(\d{1,3}\.\d{2})\d", text)
                if g and not m.group(2):
                    val = g.group(1)
            norm = normalize_money(val, decimal_mark)
            if norm is None or abs(float(norm)) > 1e8:
                continue
            out.append((i, i + n, val, norm))
            used.update(range(i, i + n))
    return out


def _date_spans(row: Row, day_first: bool | None) -> list[tuple[int, int, str, str]]:
    out: list[tuple[int, int, str, str]] = []
    ws = row.words
    covered: set[int] = set()
    for n in (4, 3, 2, 1):
        for i in range(len(ws) - n + 1):
            if any(j in covered for j in range(i, i + n)):
                continue
            text = " ".join(w.text for w in ws[i:i + n])
            if n == 1:
                cand = text
                for rx in _GLUED_DATES:  # OCR glues date and time: "18/03/1815:17"
                    m = rx.search(text)
                    if m:
                        cand = m.group(1)
                        break
            else:
                cand = text
                if not re.search(r"[^\W\d_]{3}", cand):  # a month's name, "März" too
                    # OCR splits "23-06-2018" into "23- 06- 2018": rejoin digit groups
                    cand = re.sub(r"[\s\"'“”‘’]", "", text)
                    if not re.fullmatch(r"\d{1,4}[./\-]\d{1,2}[./\-]\d{2,4}", cand):
                        continue
            norm = normalize_date(cand, day_first=day_first)
            if norm is None:
                continue
            out.append((i, i + n, cand, norm))
            covered.update(range(i, i + n))
    return out


_DATE_SHAPE = re.compile(r"\d{1,2}([./\-])\d{1,2}\1\d{2}(\d{2})?|\d{4}([./\-])\d{1,2}\3\d{1,2}")


# a North American phone number on a line of its own ("(773) 555-0199"): no document number
_PHONE_ROW = re.compile(r"(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}")


def _id_spans(row: Row) -> list[tuple[int, int, str, str]]:
    if _PHONE_ROW.fullmatch(" ".join(w.text for w in row.words).strip()):
        return []
    out = []
    for i, w in enumerate(row.words):
        t = re.sub(r"^(?i:n°|nº|no\.|nr\.|no:|nr:)", "", w.text.strip(":;,"))
        if len(t) < 2 or len(t) > 40 or not re.search(r"\d", t):
            continue
        if not _ID_TOKEN.match(t):
            continue
        if re.fullmatch(r"\d{1,3}([.,]\d{2})", t) or re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", t):
            continue
        if _DATE_SHAPE.fullmatch(t):
            continue  # a date is no document number (it would take the date's place)
        # "#4418" of "Check #4418": the number sign is the label's, not the number's
        out.append((i, i + 1, t, t.lstrip(":#")))
    return out


# --------------------------------------------------------------------------------------
# features
# --------------------------------------------------------------------------------------

FEATURES = [
    "lab_same", "lab_gap", "lab_above", "anti_same", "anti_above", "rel_y", "rel_x0",
    "rel_x1", "row_frac", "height", "rank", "is_extreme", "dup", "is_last", "row_words",
    "cur_mark", "decimals", "length", "digit_ratio", "bottom_third", "n_group",
    "lab_row", "rows_below_same", "col_peers",
]


def _above_context(layout: PageLayout, r: int, bbox: BBox) -> str:
    """Text of the segment just above a span that overlaps it horizontally."""
    x0, _, x1, _ = bbox
    for rr in range(r - 1, max(-1, r - 3), -1):
        row = layout.rows[rr]
        if bbox[1] - row.bbox[3] > 3 * layout.word_height:
            break
        for seg in row.segments:
            sx0, _, sx1, _ = seg.bbox
            if min(sx1, x1) - max(sx0, x0) > -0.5 * layout.word_height:
                return seg.text
    return ""


def _left_context(row: Row, start: int) -> tuple[str, int]:
    """Words left of a span in its row (up to 6), and how many value-words sit between.
    A value whose own segment prints words before it ("N° FA-2026-0318" right of a
    column holding "12 rue des Tanneurs") is labelled by those alone: the words across the
    gap belong to another column. A value that starts its segment ("TOTAL      12.00")
    looks across the gap for its label."""
    first = row_segment_start(row, start)
    words = row.words[max(0 if first == start else first, start - 6):start]
    return " ".join(w.text for w in words), 0


def row_segment_start(row: Row, i: int) -> int:
    """The row index of the first word of the segment holding `row.words[i]`."""
    w = row.words[i]
    for seg in row.segments:
        if any(x is w for x in seg.words):
            return next(k for k, x in enumerate(row.words) if x is seg.words[0])
    return 0


def generate(layouts: list[PageLayout], day_first: bool | None,
             decimal_mark: str | None = None) -> dict[str, list[Candidate]]:
    """All money/date/id candidates of a document, keyed by group. `day_first` and
    `decimal_mark` are the document's own (`normalize.infer_day_first`,
    `normalize.infer_decimal_mark`)."""
    out: dict[str, list[Candidate]] = {"money": [], "date": [], "id": []}
    n_pages = len(layouts)
    for pi, lay in enumerate(layouts):
        W, H = max(1.0, lay.page.width), max(1.0, lay.page.height)
        nrows = max(1, len(lay.rows))
        tips = tip_rows(lay)
        finders = {
            "money": lambda row, tips=tips: ([] if row.index in tips
                                             else _money_spans(row, decimal_mark)),
            "date": lambda row: _date_spans(row, day_first),
            "id": _id_spans,
        }
        for group, finder in finders.items():
            group_c: list[Candidate] = []
            for row in lay.rows:
                for s, e, text, norm in finder(row):
                    words: list[Word] = row.words[s:e]
                    bbox = union([w.bbox for w in words])
                    left, _ = _left_context(row, s)
                    above = _above_context(lay, row.index, bbox)
                    c = Candidate(group, text, norm, lay.number, bbox, row.index)
                    c.label_text = left
                    f = c.feats
                    f["_left"] = left  # type: ignore[assignment]
                    f["_above"] = above  # type: ignore[assignment]
                    f["_row"] = row.text  # type: ignore[assignment]
                    f["rel_y"] = bbox[1] / H
                    f["rel_x0"] = bbox[0] / W
                    f["rel_x1"] = bbox[2] / W
                    f["row_frac"] = row.index / nrows
                    f["height"] = (bbox[3] - bbox[1]) / lay.word_height
                    f["is_last"] = float(e == len(row.words))
                    f["row_words"] = min(len(row.words), 12) / 12
                    f["cur_mark"] = float(bool(CURRENCY_MARK.search(text)))
                    f["decimals"] = float(bool(re.search(r"[.,]\d{2}\)?$", text.strip())))
                    f["length"] = min(len(text), 30) / 30
                    f["digit_ratio"] = sum(ch.isdigit() for ch in text) / max(1, len(text))
                    f["bottom_third"] = float(bbox[1] / H > 0.66)
                    f["page_frac"] = pi / max(1, n_pages - 1) if n_pages > 1 else 0.0
                    # words between the nearest alphabetic word on the left and the span
                    gap = 0
                    for w in reversed(row.words[:s]):
                        if re.search(r"[A-Za-z]{2}", w.text):
                            break
                        gap += 1
                    f["lab_gap"] = min(gap, 4) / 4
                    group_c.append(c)
            _column_peers(group, group_c, lay.word_height)
            out[group].extend(group_c)
    for group, cands in out.items():  # ranks are document-wide: the total may be on page 2
        _rank(group, cands)
    return out


COLUMN_TOLERANCE = 1.0  # word heights: edges this close are one table column
COLUMN_PEERS_MAX = 6


def _column_peers(group: str, cands: list[Candidate], word_height: float) -> None:
    """`col_peers`: how many values of the same kind on the page, in other rows, share the
    candidate's column (left edges for dates and numbers, right edges for amounts): a
    date in a table's date column (a media invoice's spot list) has many, the invoice
    date beside its label none."""
    edge = 2 if group == "money" else 0
    tol = COLUMN_TOLERANCE * max(word_height, 1.0)
    pts = sorted((c.bbox[edge], c.row) for c in cands)
    xs = [x for x, _ in pts]
    for c in cands:
        x = c.bbox[edge]
        n = 0
        for k in range(bisect_left(xs, x - tol), bisect_right(xs, x + tol)):
            n += pts[k][1] != c.row
            if n >= COLUMN_PEERS_MAX:
                break
        c.feats["col_peers"] = n / COLUMN_PEERS_MAX


def _rank(group: str, cands: list[Candidate]) -> None:
    n = len(cands)
    if group == "money":
        vals = [abs(float(c.normalized)) for c in cands]
        mx = max(vals, default=0.0) or 1.0
        for c, v in zip(cands, vals, strict=True):
            c.feats["rank"] = v / mx
            c.feats["is_extreme"] = float(v == mx)
    elif group == "date":
        order = sorted(range(n), key=lambda i: (cands[i].page, cands[i].feats["rel_y"],
                                                cands[i].feats["rel_x0"]))
        for k, i in enumerate(order):
            cands[i].feats["rank"] = k / max(1, n - 1) if n > 1 else 0.0
            cands[i].feats["is_extreme"] = float(k == 0)
    else:
        for c in cands:
            c.feats["rank"] = 0.0
            c.feats["is_extreme"] = 0.0
    # One pass to count each value and find its lowest row, one to read them back: linear,
    # where comparing every candidate with every other took minutes on a long text.
    count: dict[str, int] = {}
    last_row: dict[str, int] = {}
    for c in cands:
        count[c.normalized] = count.get(c.normalized, 0) + 1
        last_row[c.normalized] = max(last_row.get(c.normalized, c.row), c.row)
    for c in cands:
        c.feats["dup"] = min(count[c.normalized] - 1, 4) / 4
        c.feats["rows_below_same"] = float(last_row[c.normalized] > c.row)
        c.feats["n_group"] = min(n, 40) / 40


@lru_cache(maxsize=256)
def _any_label(labels: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern finding any of `labels` as whole words (None: no labels)."""
    if not labels:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(lab) for lab in labels) + r")\b")


def field_features(c: Candidate, field_name: str) -> list[float]:
    """The feature vector of a candidate for one field (label features depend on the field)."""
    f = dict(c.feats)
    labels = LABELS.get(field_name, [])
    anti = ANTI.get(field_name, [])
    left, above, row = str(f["_left"]), str(f["_above"]), str(f["_row"])
    f["lab_same"] = label_score(left, labels)
    f["lab_above"] = label_score(above, labels)
    f["anti_same"] = label_score(left, anti) if anti else 0.0
    f["anti_above"] = label_score(above, anti) if anti else 0.0
    words = _any_label(tuple(labels))
    f["lab_row"] = 1.0 if words is not None and words.search(norm_label(row)) else 0.0
    return [float(f.get(k, 0.0)) for k in FEATURES]


# --------------------------------------------------------------------------------------
# header lines: vendor name candidates
# --------------------------------------------------------------------------------------

NAME_FEATURES = [
    "order", "rel_y", "rel_xc", "height", "upper", "suffix", "digits", "n_words", "header_kw",
    "next_addr", "is_tallest", "next_regno", "after_billto", "letters", "is_first", "centered",
    "has_at", "prev_suffix", "repeat", "in_domain", "seller_label",
]
_SELLER = re.compile(r"(?i)^\s*(sold\s*by|seller|vendor|supplier|from|issued\s*by|"
                     r"sprzedawca|verk[äa]ufer|lieferant|vendeur|fournisseur|leverancier)\s*[:\-]\s*")
# The kind of way a street line names, as printed: Malay, English with the US Postal
# Service's standard suffix abbreviations (Publication 28: "Ave", "Dr", "Hwy", "Ste"),
# German and French. A receipt's "221 Harbor Ave" is as much an address line as
# "221 Harbor Avenue".
STREET_WORDS = (
    "jalan", "jln", "lorong", "taman", "lot",
    "street", "st", "road", "rd", "avenue", "ave", "av", "boulevard", "blvd", "drive", "dr",
    "lane", "ln", "highway", "hwy", "parkway", "pkwy", "way", "court", "ct", "circle", "cir",
    "terrace", "ter", "trail", "trl", "pike", "suite", "ste",
    "str", "straße", "strasse", "weg", "platz", "allee", "gasse", "rue", "chemin", "quai",
)
_STREET_ALT = "|".join(STREET_WORDS)
# German streets are mostly one compound word ("Hauptstraße", "Bahnhofplatz", "Lindenweg")
_COMPOUND_STREET = r"[^\W\d_](?:straße|strasse|str\.|weg|platz|allee|gasse)(?!\w)"
_ADDR = re.compile(rf"(\d{{4,6}}\b|\b(?:{_STREET_ALT})\b|{_COMPOUND_STREET}|\bno\b|\bfloor\b|,)",
                   re.I)
_REGNO = re.compile(r"^\(?\s*(co\.?\s*reg|company\s*no|roc|reg)?[\s.:]*\d{3,}[\s\-]*[A-Z]?\s*\)?$",
                    re.I)
# a trailing registration or store number: "(123456-X)", "CO REG NO 12345", "#4521"
TRAILING_REG = re.compile(r"\s*[\(\[]?\s*(co\.?\s*(reg|no)\.?\s*(no)?[.:]?\s*|#\s*)?[A-Z]?\d{3,}[\s\-]*"
                          r"[A-Z]?\s*[\)\]]?$", re.I)
_GLUED_SUFFIX = re.compile(r"(SDNBHD|SDNBHD\.?|BERHAD|PTELTD|S/B|ENTERPRISE|TRADING|LIMITED|"
                           r"GMBH|COMPANY|RESTAURANT|RESTORAN)$|SDNBHD")
_GLUED_HEADER = re.compile(r"INVOICE|INV0ICE|INYOICE|RECEIPT|TAXINV|CASHBILL|BILLTO|CUSTOMER|"
                           r"CASHIER|TOTAL|QUOTATION|STATEMENT")
BILLTO = ["bill to", "billed to", "customer", "sold to", "ship to", "invoice to", "client",
          "rechnungsempfanger", "kunde", "client", "facture a", "to"]


# Words that print between the parts of one line: a German letter's sender line
# ("Müller GmbH · Industriestraße 14 · 70565 Stuttgart"), a header "Name | Street | Phone".
PART_SEPARATORS = frozenset({"·", "|", "•", "∙"})


# what OCR reads a raised dot as: a dash standing alone, a separator where a line has two
DASH_SEPARATORS = frozenset({"-", "–", "—"})


def line_parts(seg: Segment) -> list[Segment]:
    """`seg` cut at its separator words; the segment itself where it has none. A line
    with no raised dot but two lone dashes ("Elektro Hartmann GmbH - Gartenweg 4 - 34117
    Kassel": OCR reads "·" as "-") is cut at the dashes."""
    seps = PART_SEPARATORS
    if not any(w.text in seps for w in seg.words) and \
            sum(w.text in DASH_SEPARATORS for w in seg.words) >= 2:
        seps = DASH_SEPARATORS
    parts: list[list[Word]] = [[]]
    for w in seg.words:
        if w.text in seps:
            parts.append([])
        else:
            parts[-1].append(w)
    parts = [ws for ws in parts if ws]
    if len(parts) < 2:
        return [seg]
    return [Segment(ws, seg.row, seg.page) for ws in parts]


def header_candidates(lay: PageLayout, max_rows: int = 14) -> list[Candidate]:
    """Segments near the top of the first page, as vendor-name candidates."""
    rows = [r for r in lay.rows if re.search(r"[A-Za-z]{2}", r.text)]
    W, H = max(1.0, lay.page.width), max(1.0, lay.page.height)
    top = [r for r in rows if r.bbox[1] / H < 0.45][:max_rows]
    heights = [s.bbox[3] - s.bbox[1] for r in top for s in r.segments] or [1.0]
    tallest = max(heights)
    out = []
    billto_seen = False
    prev_suffix = False
    all_rows = [norm_label(r.text).replace(" ", "") for r in lay.rows]
    domains = " ".join(re.findall(r"(?i)(?:www\.|@|https?://)([a-z0-9\-]+)", lay.page.text or
                                  " ".join(w.text for w in lay.page.words))).lower()
    for k, r in enumerate(top):
        nxt = top[k + 1].text if k + 1 < len(top) else ""
        if label_score(r.text, BILLTO) > 0.85 or re.match(r"(?i)\s*(bill|sold|ship)\s*to", r.text):
            billto_seen = True
        for seg in (part for whole in r.segments for part in line_parts(whole)):
            t = seg.text.strip()
            letters = sum(ch.isalpha() for ch in t)
            if letters < 2:
                continue
            bbox = seg.bbox
            clean = TRAILING_REG.sub("", _SELLER.sub("", t)).strip(" ,;:") or t
            c = Candidate("name", t, clean, lay.number, bbox, r.index)
            f = c.feats
            f["order"] = min(k, 12) / 12
            f["rel_y"] = bbox[1] / H
            f["rel_xc"] = (bbox[0] + bbox[2]) / 2 / W
            f["height"] = (bbox[3] - bbox[1]) / lay.word_height
            f["upper"] = sum(ch.isupper() for ch in t) / max(1, letters)
            compact = re.sub(r"[^A-Z/]", "", t.upper())  # OCR often glues words together
            f["suffix"] = float(bool(COMPANY_SUFFIX.search(t) or _GLUED_SUFFIX.search(compact)))
            f["digits"] = sum(ch.isdigit() for ch in t) / max(1, len(t))
            f["n_words"] = min(len(seg.words), 10) / 10
            f["header_kw"] = float(bool(HEADER_WORDS.search(t) or _GLUED_HEADER.search(compact)))
            f["next_addr"] = float(bool(_ADDR.search(nxt)))
            f["is_tallest"] = float((bbox[3] - bbox[1]) >= 0.95 * tallest)
            f["next_regno"] = float(bool(_REGNO.match(nxt.strip())))
            f["after_billto"] = float(billto_seen)
            f["letters"] = letters / max(1, len(t))
            f["is_first"] = float(k == 0)
            f["centered"] = float(abs((bbox[0] + bbox[2]) / 2 / W - 0.5) < 0.12)
            f["has_at"] = float("@" in t or "www" in t.lower())
            f["prev_suffix"] = float(prev_suffix)
            key = norm_label(_SELLER.sub("", t)).replace(" ", "")
            f["repeat"] = float(len(key) >= 4 and sum(key in x for x in all_rows) >= 2)
            first = re.sub(r"[^a-z0-9]", "", (norm_label(_SELLER.sub("", t)).split() or [""])[0])
            f["in_domain"] = float(len(first) >= 3 and (first in domains or
                                                        (key[:12] and key[:12] in domains)))
            f["seller_label"] = float(bool(_SELLER.match(t)))
            out.append(c)
        prev_suffix = prev_suffix or bool(COMPANY_SUFFIX.search(r.text))
    return out


def name_features(c: Candidate) -> list[float]:
    return [float(c.feats.get(k, 0.0)) for k in NAME_FEATURES]
