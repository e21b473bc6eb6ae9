"""Series of generated documents from one vendor, in layouts the invoice trainer never emits.

The learning-curve benchmark needs several documents of the *same* vendor (same name,
address, labels and places, new numbers, dates, items and amounts), in layouts the shipped
field scorers have not seen. `training/synth/invoices.py` draws a new vendor and a new
layout for every seed, so this module keeps its own small template: a vendor and its layout
are drawn once from the template seed (string seeds in their own namespace, never the
trainer's integer seeds), then each document of the series draws only its content.

What the trainer never emits: label words outside synth's vocabularies ("Voucher No",
"Billing Date", "Amount to pay", "Beleg-Nr.", ...), header values in a band (labels side by
side in one row, values in the row under them), totals left of the item table's amount
column, sequential document numbers with separators, and due dates as "Pay before".
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, timedelta

from ingest.types import IngestedDocument, Page, Word

# label vocabularies: none of these is in synth._L or synth's receipt labels
LABELS = {
    "en": {"invoice_number": ["Voucher No", "Billing Ref", "Our Ref", "Document ID",
                              "Statement No"],
           "invoice_date": ["Billing Date", "Voucher Date", "Issued On", "Doc. Date"],
           "due_date": ["Pay before", "Settle by", "Payable until"],
           "subtotal": ["Goods value", "Net sum", "Amount before tax"],
           "tax_amount": ["Levy", "Tax charged", "Duty"],
           "total_amount": ["Amount to pay", "Please pay", "Sum payable", "To settle"]},
    "de": {"invoice_number": ["Beleg-Nr.", "Vorgangsnummer", "Unser Zeichen"],
           "invoice_date": ["Belegdatum", "Ausgestellt am"],
           "due_date": ["Zahlbar bis zum", "Fällig am"],
           "subtotal": ["Warenwert", "Summe netto"],
           "tax_amount": ["zzgl. Steuer", "Steueranteil"],
           "total_amount": ["Zu zahlen", "Endsumme", "Zahlbetrag"]},
    "fr": {"invoice_number": ["Réf. pièce", "Pièce n°"],
           "invoice_date": ["Émise le", "Date pièce"],
           "due_date": ["À régler avant", "Payable le"],
           "subtotal": ["Valeur marchandise", "Base"],
           "tax_amount": ["Taxes", "Part taxe"],
           "total_amount": ["Reste à payer", "Montant dû"]},
}
_SYL = ["vor", "tal", "qui", "bex", "lom", "dra", "fen", "sul", "gar", "pim", "zor", "hed",
        "wan", "kel", "ost", "mir", "bal", "cre", "nus", "tef"]
_TRADE = {"en": ["Printworks", "Logistics", "Catering", "Hardware", "Laboratories", "Studio"],
          "de": ["Druckerei", "Spedition", "Gastro", "Werkzeuge", "Labor"],
          "fr": ["Imprimerie", "Transports", "Traiteur", "Quincaillerie", "Atelier"]}
_LEGAL = {"en": ["Ltd", "LLC", "Inc.", ""], "de": ["GmbH", "KG", "e.K."],
          "fr": ["SARL", "SAS", "EURL"]}
_STREET = {"en": ["Road", "Street", "Lane"], "de": ["straße", "weg", "gasse"],
           "fr": ["rue", "avenue", "quai"]}
_ITEMS = ["Freight", "Pallet hire", "Toner", "Cleaning", "Repairs", "Catering", "Calibration",
          "Storage", "Courier", "Labels", "Inspection", "Printing"]
_CONFUSE = {"o": "0", "O": "0", "l": "1", "i": "l", "e": "c", "S": "5", "a": "o", ":": ";"}
SCAN_SHIFT = 12.0  # points a scanned page may sit off its place, each way
SCAN_DAMAGE = 0.15  # share of a scanned page's non-value words with one confused letter
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DATE_STYLES = ("dmy_dot", "dmy_slash", "iso", "d_mon_y", "mon_d_y")
HEADER_STYLES = ("band", "right", "below")
PAGE_W, PAGE_H = 595.0, 842.0


@dataclass(frozen=True, slots=True)
class VendorTemplate:
    """One vendor and its layout: everything that stays the same from document to document."""

    key: str
    lang: str
    vendor_name: str
    address: tuple[str, ...]
    font: float
    margin: float
    vendor_right: bool
    header_style: str  # HEADER_STYLES
    header_fields: tuple[str, ...]
    labels: tuple[tuple[str, str], ...]  # (field, label)
    date_style: str  # DATE_STYLES
    number_prefix: str
    number_width: int
    first_number: int
    comma_decimal: bool
    currency: str
    tax_rate: float
    totals_x: float  # left edge of the totals labels, as a fraction of the page width
    scanned: bool  # shifted page, OCR letter confusions on words that are not values

    def label(self, field_name: str) -> str:
        return dict(self.labels)[field_name]


def _word(syl: list[str], rng: random.Random, n: int) -> str:
    return "".join(rng.choice(syl) for _ in range(n))


def make_template(key: str) -> VendorTemplate:
    """The vendor and layout of series `key` (deterministic in `key`)."""
    rng = random.Random(f"learning-curve/{key}")
    lang = rng.choice(["en", "en", "de", "fr"])
    name = f"{_word(_SYL, rng, 2).title()} {rng.choice(_TRADE[lang])}"
    legal = rng.choice(_LEGAL[lang])
    if legal:
        name += " " + legal
    street = _word(_SYL, rng, 2).title()
    if lang == "de":
        line1 = f"{street}{rng.choice(_STREET['de'])} {rng.randint(1, 99)}"
    elif lang == "fr":
        line1 = f"{rng.randint(1, 99)} {rng.choice(_STREET['fr'])} {street}"
    else:
        line1 = f"{rng.randint(1, 999)} {street} {rng.choice(_STREET['en'])}"
    address = (line1, f"{rng.randint(10000, 99999)} {_word(_SYL, rng, 2).title()}")
    header = ["invoice_number", "invoice_date"] + (["due_date"] if rng.random() < 0.6 else [])
    rng.shuffle(header)
    has_tax = rng.random() < 0.7
    fields = header + (["subtotal", "tax_amount"] if has_tax else []) + ["total_amount"]
    labels = tuple((f, rng.choice(LABELS[lang][f])) for f in fields)
    return VendorTemplate(
        key=key, lang=lang, vendor_name=name, address=address, font=rng.uniform(8.5, 10.5),
        margin=rng.uniform(36, 60), vendor_right=rng.random() < 0.4,
        header_style=rng.choice(HEADER_STYLES), header_fields=tuple(header), labels=labels,
        date_style=rng.choice(DATE_STYLES),
        number_prefix=rng.choice(["V-", "BR/", "2024-", "D", "No. "]),
        number_width=rng.choice([4, 5, 6]), first_number=rng.randint(10, 5000),
        comma_decimal=lang != "en" and rng.random() < 0.8,
        currency=rng.choice(["EUR", "€", ""] if lang != "en" else ["$", "GBP", ""]),
        tax_rate=rng.choice([0.07, 0.1, 0.19, 0.2]) if has_tax else 0.0,
        totals_x=rng.uniform(0.2, 0.45), scanned=rng.random() < 0.5,
    )


def _fmt_date(d: date, style: str) -> str:
    if style == "dmy_dot":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if style == "dmy_slash":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == "iso":
        return d.isoformat()
    if style == "d_mon_y":
        return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"
    return f"{_MONTHS[d.month - 1]} {d.day}, {d.year}"


def _fmt_money(v: float, t: VendorTemplate) -> str:
    s = f"{v:,.2f}"
    if t.comma_decimal:
        s = s.replace(",", " ").replace(".", ",")
    if not t.currency:
        return s
    return f"{s} {t.currency}" if t.lang != "en" else f"{t.currency}{s}"


class _Page:
    """Words placed on an A4 page (left, right or centre aligned)."""

    def __init__(self, font: float, dx: float = 0.0, dy: float = 0.0) -> None:
        self.words: list[Word] = []
        self.values: set[int] = set()  # indexes of words that show a truth value
        self.font = font
        self.line = 0
        self.dx, self.dy = dx, dy

    def put(self, x: float, y: float, text: str, align: str = "l", scale: float = 1.0,
            value: bool = False) -> None:
        size = self.font * scale
        cw = size * 0.55
        width = len(text) * cw
        x = x - width if align == "r" else x - width / 2 if align == "c" else x
        x, y = x + self.dx, y + self.dy
        for tok in text.split(" "):
            if tok:
                if value:
                    self.values.add(len(self.words))
                self.words.append(Word(tok, (x, y, x + len(tok) * cw, y + size), 1.0, self.line))
            x += (len(tok) + 1) * cw
        self.line += 1

    def damage(self, rng: random.Random) -> None:
        """OCR letter confusions on words that show no value (labels, items)."""
        for i, w in enumerate(self.words):
            if i in self.values or rng.random() > SCAN_DAMAGE:
                continue
            spots = [j for j, ch in enumerate(w.text) if ch in _CONFUSE]
            if spots:
                j = rng.choice(spots)
                w.text = w.text[:j] + _CONFUSE[w.text[j]] + w.text[j + 1:]
                w.conf = 0.6


def make_document(t: VendorTemplate, index: int) -> tuple[IngestedDocument, dict[str, str]]:
    """Document `index` of the series: the template's layout with new content.
    Returns the document and its truth (CONTRACT normal forms)."""
    rng = random.Random(f"learning-curve/{t.key}/{index}")
    shift = (rng.uniform(-SCAN_SHIFT, SCAN_SHIFT), rng.uniform(-SCAN_SHIFT, SCAN_SHIFT)) \
        if t.scanned else (0.0, 0.0)
    pg = _Page(t.font, *shift)
    lh = t.font * 1.45
    mx = t.margin
    vx, va = (PAGE_W - mx, "r") if t.vendor_right else (mx, "l")
    y = 44.0
    pg.put(vx, y, t.vendor_name, va, 1.6, value=True)
    y += lh * 1.8
    for line in t.address:
        pg.put(vx, y, line, va, value=True)
        y += lh
    issued = date(2023, 1, 1) + timedelta(days=rng.randint(0, 700))
    number = f"{t.number_prefix}{t.first_number + 7 * index:0{t.number_width}d}"
    values = {"invoice_number": number, "invoice_date": _fmt_date(issued, t.date_style)}
    truth = {"vendor_name": t.vendor_name, "vendor_address": ", ".join(t.address),
             "invoice_number": number, "invoice_date": issued.isoformat()}
    if "due_date" in t.header_fields:
        due = issued + timedelta(days=30)
        values["due_date"] = _fmt_date(due, t.date_style)
        truth["due_date"] = due.isoformat()
    y += lh * 1.5
    hx = PAGE_W * 0.55 if not t.vendor_right else mx
    if t.header_style == "band":
        xs = [mx + i * (PAGE_W - 2 * mx) / len(t.header_fields) for i in
              range(len(t.header_fields))]
        for x, f in zip(xs, t.header_fields, strict=True):
            _put_same_row(pg, x, y, t.label(f))
        pg.line += 1
        y += lh
        for x, f in zip(xs, t.header_fields, strict=True):
            _put_same_row(pg, x, y, values[f], value=True)
        pg.line += 1
        y += lh * 2
    else:
        hy = y if t.vendor_right else 44.0 + lh * 2
        for f in t.header_fields:
            if t.header_style == "below":
                pg.put(hx, hy, t.label(f) + ":")
                hy += lh
                pg.put(hx, hy, values[f], value=True)
            else:
                _put_same_row(pg, hx, hy, t.label(f) + ":")
                _put_same_row(pg, hx + PAGE_W * 0.2, hy, values[f], value=True)
                pg.line += 1
            hy += lh
        y = max(y, hy) + lh
    pg.put(mx, y, rng.choice(["Attn:", "For:", "Client:"]) + " " + _word(_SYL, rng, 2).title())
    y += lh * 2
    items = [(rng.choice(_ITEMS), rng.randint(1, 9), round(rng.uniform(4, 400), 2))
             for _ in range(rng.randint(1, 6))]
    amount_x = PAGE_W - mx
    _put_same_row(pg, mx, y, "Description")
    _put_same_row(pg, amount_x, y, "Amount", "r")
    pg.line += 1
    y += lh
    for desc, q, up in items:
        _put_same_row(pg, mx, y, f"{q} x {desc}")
        _put_same_row(pg, amount_x, y, _fmt_money(q * up, t), "r")
        pg.line += 1
        y += lh
    y += lh
    sub = round(sum(q * up for _, q, up in items), 2)
    tax = round(sub * t.tax_rate, 2)
    total = round(sub + tax, 2)
    amounts = {"subtotal": sub, "tax_amount": tax, "total_amount": total}
    tx = PAGE_W * t.totals_x
    for f in ("subtotal", "tax_amount", "total_amount"):
        if f not in dict(t.labels):
            continue
        _put_same_row(pg, tx, y, t.label(f))
        _put_same_row(pg, PAGE_W * 0.62, y, _fmt_money(amounts[f], t), "r", value=True)
        pg.line += 1
        truth[f] = f"{amounts[f]:.2f}"
        y += lh
    if t.scanned:
        pg.damage(rng)
    text = "\n".join(w.text for w in pg.words)
    page = Page(1, PAGE_W, PAGE_H, pg.words, text, ocr=t.scanned)
    h = hashlib.sha256(f"learning-curve/{t.key}/{index}".encode()).hexdigest()
    return IngestedDocument(f"{t.key}-{index}.pdf", h, "application/pdf", 0, [page]), truth


def _put_same_row(pg: _Page, x: float, y: float, text: str, align: str = "l",
                  value: bool = False) -> None:
    """Place text without advancing the line counter (several cells share one row)."""
    line = pg.line
    pg.put(x, y, text, align, value=value)
    pg.line = line


def series(key: str, n: int) -> list[tuple[IngestedDocument, dict[str, str]]]:
    """`n` documents of the vendor `key`, oldest first."""
    t = make_template(key)
    return [make_document(t, i) for i in range(n)]
