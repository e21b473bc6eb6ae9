"""Synthetic invoices and receipts, as words with boxes, to train the candidate scorers.

The project may not learn from the evaluation corpus, so it generates its own documents:
thermal shop receipts (company + SDN BHD/PTE LTD, registration number, address block,
GST/SST id, cashier, items, TOTAL/CASH/CHANGE), and A4 invoices in English, German and French
with header key-value blocks, bill-to blocks, item tables, totals blocks, IBAN and terms.
Names, streets and numbers are built from syllables and random digits: no real entity.
Optional OCR-like noise (character confusions, jitter, dropped punctuation) keeps the
models from trusting perfect text.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ingest.types import IngestedDocument, Page, Word

_SYL = ["ka", "lo", "mi", "ra", "ten", "bu", "san", "ko", "vi", "da", "ne", "lin", "mar", "to",
        "zen", "pa", "ri", "go", "har", "mon", "sel", "tan", "wei", "chu", "lee", "ng", "ong",
        "del", "ber", "fi", "no", "qua", "sta", "tro", "ex", "nor", "val", "kin", "jo", "ha"]
_BIZ = ["TRADING", "ENTERPRISE", "HARDWARE", "RESTAURANT", "BAKERY", "STATIONERY", "MART",
        "SUPERMARKET", "FOOD", "BOOKS", "PHARMACY", "ELECTRICAL", "MARKETING", "CAFE",
        "HOLDINGS", "INDUSTRIES", "SOLUTIONS", "SERVICES", "TECHNOLOGIES", "SUPPLIES",
        "KITCHEN", "GLOBAL", "AUTO PARTS", "FURNITURE", "OPTICAL"]
_SUFFIX_MY = ["SDN BHD", "SDN. BHD.", "ENTERPRISE", "TRADING", "PTE LTD", "BHD", "(M) SDN BHD"]
_SUFFIX_INV = ["Ltd", "LLC", "Inc.", "GmbH", "AG", "B.V.", "S.A.S.", "SARL", "Pvt. Ltd.",
               "Limited", "Corp.", "PLC", "Co."]
_STREET_MY = ["JALAN", "JLN", "LORONG", "PERSIARAN", "LEBUH"]
_AREA_MY = ["TAMAN", "BANDAR", "KAWASAN PERINDUSTRIAN", "PUSAT PERNIAGAAN", "SEKSYEN"]
_STATE_MY = ["SELANGOR", "JOHOR", "KUALA LUMPUR", "PERAK", "PULAU PINANG", "MELAKA",
             "NEGERI SEMBILAN", "PAHANG", "SELANGOR DARUL EHSAN", "JOHOR DARUL TAKZIM"]
_STREET_EN = ["Street", "Road", "Avenue", "Lane", "Drive", "Way", "Boulevard"]
_STREET_DE = ["Straße", "Weg", "Allee", "Platz", "Ring"]
_STREET_FR = ["rue", "avenue", "boulevard", "place", "chemin"]
_ITEMS = ["WIDGET", "CABLE", "PAPER A4", "NOODLE", "RICE", "TEA", "COFFEE", "BOLT", "SCREW",
          "TAPE", "PEN", "MARKER", "BATTERY", "LAMP", "SOAP", "TOWEL", "GLUE", "BRUSH",
          "Consulting hours", "Hosting plan", "Support", "License", "Design work", "Licence",
          "Domain renewal", "Cloud storage", "Maintenance", "Training", "Setup fee"]
_FIRST = ["Anna", "Lee", "Tan", "Ahmad", "Siti", "John", "Maria", "Peter", "Chen", "Ravi",
          "Priya", "Lukas", "Sophie", "Jean", "Wong", "Kumar", "Nur", "Lim"]

# label vocabularies per language (what the page prints; the extractor's lists differ)
_L = {
    "en": {"inv": ["Invoice No", "Invoice #", "Invoice Number", "Inv No", "Bill No",
                   "Receipt No", "Invoice", "Doc No", "Ref No"],
           "date": ["Date", "Invoice Date", "Date of Issue", "Issue Date", "Dated", "Bill Date"],
           "due": ["Due Date", "Payment Due", "Due By", "Pay By"],
           "po": ["PO Number", "PO No", "P.O.", "Purchase Order", "Your Order", "PO #"],
           "sub": ["Subtotal", "Sub Total", "Net Amount", "Total excl. tax", "Net Total"],
           "tax": ["Tax", "VAT", "GST", "Sales Tax", "Tax Amount", "VAT 20%", "GST 6%"],
           "total": ["Total", "Grand Total", "Amount Due", "Total Due", "Balance Due",
                     "Total Amount", "Amount Payable", "TOTAL"],
           "billto": ["Bill To", "Billed To", "Customer", "Sold To", "Invoice To"],
           "terms": ["Terms", "Payment Terms"], "title": ["INVOICE", "TAX INVOICE", "Invoice"],
           "taxid": ["VAT No", "Tax ID", "VAT Reg No", "GSTIN", "EIN", "VAT ID"]},
    "de": {"inv": ["Rechnungsnummer", "Rechnung Nr.", "Rechnungs-Nr."],
           "date": ["Rechnungsdatum", "Datum"], "due": ["Fälligkeitsdatum", "Zahlbar bis"],
           "po": ["Bestellnummer", "Ihre Bestellung"], "sub": ["Zwischensumme", "Nettobetrag"],
           "tax": ["MwSt. 19%", "USt. 19%", "Umsatzsteuer"],
           "total": ["Gesamtbetrag", "Gesamtsumme", "Rechnungsbetrag"],
           "billto": ["Rechnungsempfänger", "Kunde"], "terms": ["Zahlungsbedingungen"],
           "title": ["RECHNUNG", "Rechnung"], "taxid": ["USt-IdNr.", "USt-ID"]},
    "fr": {"inv": ["Facture N°", "Numéro de facture", "N° de facture"],
           "date": ["Date", "Date de facture"], "due": ["Date d'échéance", "Échéance"],
           "po": ["Bon de commande"], "sub": ["Total HT", "Montant HT"],
           "tax": ["TVA 20%", "Montant TVA"], "total": ["Total TTC", "Net à payer"],
           "billto": ["Client", "Facturé à"], "terms": ["Conditions de paiement"],
           "title": ["FACTURE", "Facture"], "taxid": ["N° TVA", "TVA intracom."]},
}
_CURR = {"en": ["$", "USD", "£", "€", "", "Rs.", "₹", "S$"], "de": ["€", "EUR", ""],
         "fr": ["€", "EUR", ""]}
_CURR_ISO = {"$": "USD", "USD": "USD", "£": "GBP", "€": "EUR", "EUR": "EUR", "Rs.": "INR",
             "₹": "INR", "S$": "SGD", "RM": "MYR", "": None}


@dataclass
class _Canvas:
    width: float
    height: float
    rng: random.Random
    words: list[Word] = field(default_factory=list)
    line: int = 0
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # field -> word idx

    def put(self, x: float, y: float, text: str, size: float = 9.0, align: str = "l",
            tag: str | None = None, block: int = 0) -> float:
        """Place text at x (left, right or centre by `align`), return its right edge."""
        cw = size * 0.55
        w = len(text) * cw
        if align == "r":
            x = x - w
        elif align == "c":
            x = x - w / 2
        start = len(self.words)
        cx = x
        for tok in text.split(" "):
            if not tok:
                cx += cw
                continue
            tw = len(tok) * cw
            jit = self.rng.uniform(-0.6, 0.6)
            self.words.append(Word(tok, (cx, y + jit, cx + tw, y + size + jit), 0.95, self.line,
                                   block))
            cx += tw + cw
        if tag:
            self.spans.setdefault(tag, []).append((start, len(self.words)))
        return x + w


def _name(rng: random.Random, n: int = 2) -> str:
    return " ".join("".join(rng.choice(_SYL) for _ in range(rng.randint(1, 3))) for _ in range(n))


def _fmt_money(v: float, rng: random.Random, comma_dec: bool, thousands: bool = True) -> str:
    s = f"{v:,.2f}" if thousands else f"{v:.2f}"
    if comma_dec:
        s = s.replace(",", "X").replace(".", ",").replace("X", ".")
    return s


def _fmt_date(d: date, rng: random.Random, style: str, lang: str) -> str:
    months_en = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                 "Dec"]
    full_en = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]
    full_de = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
               "September", "Oktober", "November", "Dezember"]
    full_fr = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
               "septembre", "octobre", "novembre", "décembre"]
    sep = rng.choice(["/", "-", "."])
    opts = {
        "dmy": [f"{d.day:02d}{sep}{d.month:02d}{sep}{d.year}",
                f"{d.day:02d}{sep}{d.month:02d}{sep}{d.year % 100:02d}",
                f"{d.day}{sep}{d.month}{sep}{d.year}",
                f"{d.day:02d} {months_en[d.month - 1].upper()} {d.year}",
                f"{d.day:02d} {months_en[d.month - 1]} {d.year}",
                f"{d.year}-{d.month:02d}-{d.day:02d}",
                f"{d.year}{d.month:02d}{d.day:02d}"],
        "mdy": [f"{d.month:02d}/{d.day:02d}/{d.year}", f"{full_en[d.month - 1]} {d.day}, {d.year}",
                f"{months_en[d.month - 1]} {d.day}, {d.year}", f"{d.year}-{d.month:02d}-{d.day:02d}"],
    }
    if lang == "de":
        return rng.choice([f"{d.day:02d}.{d.month:02d}.{d.year}",
                           f"{d.day}. {full_de[d.month - 1]} {d.year}"])
    if lang == "fr":
        return rng.choice([f"{d.day:02d}/{d.month:02d}/{d.year}",
                           f"{d.day} {full_fr[d.month - 1]} {d.year}"])
    return rng.choice(opts[style])


_CONFUSE = {"O": "0", "0": "O", "l": "1", "1": "l", "S": "5", "5": "S", "B": "8", "I": "1",
            ".": ",", ",": "."}


def _noise(words: list[Word], rng: random.Random, level: float, protect: set[int]) -> None:
    """OCR-like damage on non-truth words (truth words keep their text so labels stay exact;
    label words still get damaged, which is what fuzzy label matching must survive)."""
    for i, w in enumerate(words):
        if i in protect or rng.random() > level:
            continue
        t = list(w.text)
        j = rng.randrange(len(t))
        t[j] = _CONFUSE.get(t[j], t[j]) if rng.random() < 0.7 else ""
        w.text = "".join(t) or w.text
        w.conf = rng.uniform(0.3, 0.8)


def _receipt(rng: random.Random) -> tuple[_Canvas, dict[str, Any]]:
    W = rng.uniform(200, 320)
    cv = _Canvas(W, 0, rng)
    truth: dict[str, Any] = {}
    y = rng.uniform(8, 30)
    sz = rng.uniform(7, 10)
    lh = sz * rng.uniform(1.2, 1.6)
    cx = W / 2
    center = rng.random() < 0.75
    ax, al = (cx, "c") if center else (rng.uniform(8, 16), "l")

    def line(text: str, tag: str | None = None, size: float | None = None) -> None:
        nonlocal y
        cv.put(ax, y, text, size or sz, al, tag)
        cv.line += 1
        y += lh * ((size or sz) / sz)

    if rng.random() < 0.3:  # brand or owner line above the company
        own = _name(rng, rng.randint(1, 3))
        line(rng.choice([own.upper(), own.lower(), own.title()]))
    if rng.random() < 0.2:  # logo debris / printer header read by OCR
        junk = "".join(rng.choice("~-=*.|/\\'`^:;ilI1oO ") for _ in range(rng.randint(2, 9)))
        line(rng.choice([junk, junk.upper(), f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}"
                         f"/{rng.randint(2015, 2020)} {rng.randint(0, 23):02d}:{rng.randint(10, 59)}",
                         "Table " + str(rng.randint(1, 40)), "WELCOME"]))
    vendor = f"{_name(rng, rng.randint(1, 3)).upper()} {rng.choice(_BIZ)}"
    if rng.random() < 0.3:
        vendor = rng.choice(["SYARIKAT", "KEDAI", "RESTORAN", "PASAR RAYA", "KEDAI RUNCIT",
                             "FARMASI", ""]) + " " + vendor
        vendor = vendor.strip()
    if rng.random() < 0.65:
        vendor += " " + rng.choice(_SUFFIX_MY + ["S/B", "SDN BHD"])
    truth["vendor_name"] = vendor
    vsz = sz * rng.choice([1.0, 1.0, 1.2, 1.4])
    if rng.random() < 0.1:
        e = cv.put(ax if al == "l" else ax - len(vendor) * vsz * 0.3, y, vendor, vsz,
                   "l", "vendor_name")
        cv.put(e + vsz * 0.55, y, f"({rng.randint(10000, 999999)}-{rng.choice('ADKMPTUVWX')})",
               sz)
        cv.line += 1
        y += lh * vsz / sz
    else:
        line(vendor, "vendor_name", vsz)
    top_date = rng.random() < 0.12
    if top_date:
        d_top = date(2015, 1, 1) + timedelta(days=rng.randint(0, 3000))
        top_txt = _fmt_date(d_top, rng, "dmy", "en")
        line(f"{top_txt} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}", "invoice_date")
    if rng.random() < 0.6:
        line(rng.choice(["(", "CO REG NO: ", "", "COMPANY NO. "]) + f"{rng.randint(10000, 999999)}"
             f"-{rng.choice('ADHKMPTUVWX')}" + (")" if rng.random() < 0.5 else ""))
    no = rng.randint(1, 999)
    a = [f"NO. {no}, {rng.choice(_STREET_MY)} {_name(rng, 1).upper()} {rng.randint(1, 20)},",
         f"{rng.choice(_AREA_MY)} {_name(rng, rng.randint(1, 2)).upper()},",
         f"{rng.randint(10000, 99999)} {_name(rng, 1).upper()}, {rng.choice(_STATE_MY)}"]
    if rng.random() < 0.3:
        a[0] = f"LOT {no}-{rng.choice('AB')}, {rng.choice(_STREET_MY)} {_name(rng, 1).upper()},"
    if rng.random() < 0.3:
        a = [a[0] + " " + a[1], a[2]]
    if rng.random() < 0.2:
        a.append(f"({_name(rng, 2).upper()})")
    truth["vendor_address"] = " ".join(a)
    for part in a:
        line(part, "vendor_address")
    if rng.random() < 0.8:
        line(rng.choice(["TEL: ", "TEL NO: ", "Tel : ", "PHONE: ", ""]) +
             f"0{rng.randint(3, 9)}-{rng.randint(1000000, 99999999)}")
    if rng.random() < 0.7:
        gid = f"{rng.randint(0, 9999):04d}{rng.randint(0, 99999999):08d}"
        line(rng.choice(["GST ID: ", "GST REG NO: ", "GST NO: ", "SST ID: "]) + gid)
    y += lh * rng.uniform(0, 1)
    line(rng.choice(["TAX INVOICE", "SIMPLIFIED TAX INVOICE", "RECEIPT", "CASH BILL",
                     "OFFICIAL RECEIPT", "INVOICE"]))
    d = d_top if top_date else date(2015, 1, 1) + timedelta(days=rng.randint(0, 3000))
    truth["invoice_date"] = d.isoformat()
    dtxt = top_txt if top_date else _fmt_date(d, rng, "dmy", "en")
    invno = rng.choice(["", "CS", "OR", "INV", "T"]) + f"{rng.randint(100, 10**9)}"
    truth["invoice_number"] = invno
    lx = rng.uniform(6, 14)
    vx = W * rng.uniform(0.35, 0.55)
    kv = [(rng.choice(["Invoice No", "INVOICE #", "Receipt No", "Bill No", "Doc No", "CASH BILL",
                       "Inv No", "RECEIPT #", "Trans No"]), invno, "invoice_number"),
          (rng.choice(["Date", "DATE", "Date", "Txn Date", "Trans Date"]), dtxt, "invoice_date"),
          (rng.choice(["Cashier", "CASHIER", "Staff"]), _name(rng, 1).upper(), None)]
    rng.shuffle(kv)
    bare_at: str | None = None
    if top_date:
        kv = [x for x in kv if x[2] != "invoice_date"]
    if rng.random() < 0.15:  # no document number printed
        kv = [x for x in kv if x[2] != "invoice_number"]
        truth.pop("invoice_number")
    if not top_date and rng.random() < 0.3:  # bare date-time line, no label (top, middle or bottom)
        kv = [x for x in kv if x[2] != "invoice_date"]
        where = rng.choice(["here", "bottom"])
        bare = f"{dtxt} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}" + \
            rng.choice(["", ":00", " PM", " AM"])
        if where == "here":
            line(bare, "invoice_date")
        else:
            bare_at = where
    if rng.random() < 0.4:  # distractor identifiers
        kv.append((rng.choice(["Table", "Pax", "POS No", "Member No", "Counter", "Terminal",
                               "Order No", "Slip"]), str(rng.randint(1, 99999)), None))
    for lab, val, tag in kv:
        if rng.random() < 0.5:
            cv.put(lx, y, f"{lab}:", sz)
            cv.put(vx, y, val, sz, tag=tag)
        else:
            e = cv.put(lx, y, f"{lab} :" if rng.random() < 0.5 else f"{lab}:", sz)
            cv.put(e + sz * 0.55, y, val, sz, tag=tag)
        if tag == "invoice_date" and rng.random() < 0.5:
            cv.put(W * 0.75, y, f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}", sz)
        cv.line += 1
        y += lh
    y += lh * 0.5
    comma = False
    items = []
    for _ in range(rng.randint(1, 8)):
        q = rng.randint(1, 5)
        up = round(rng.uniform(0.5, 80), 2)
        items.append((rng.choice(_ITEMS).upper() + (" " + _name(rng, 1).upper()
                                                      if rng.random() < 0.5 else ""),
                      q, up, round(q * up, 2)))
    cv.put(lx, y, "ITEM", sz)
    cv.put(W * 0.55, y, "QTY", sz)
    cv.put(W - lx, y, "AMOUNT", sz, "r")
    cv.line += 1
    y += lh
    for desc, q, up, amt in items:
        cv.put(lx, y, desc, sz)
        cv.put(W * 0.55, y, str(q), sz)
        cv.put(W * 0.7, y, _fmt_money(up, rng, comma), sz, "r")
        cv.put(W - lx, y, _fmt_money(amt, rng, comma), sz, "r")
        cv.line += 1
        y += lh
    sub = round(sum(i[3] for i in items), 2)
    tax_rate = rng.choice([0.0, 0.06, 0.06, 0.1])
    tax = round(sub * tax_rate, 2)
    total = round(sub + tax, 2)
    rounding = 0.0
    if rng.random() < 0.35:
        rtot = round(round(total * 20) / 20, 2)
        rounding = round(rtot - total, 2)
        total = rtot
    cur = rng.choice(["", "", "RM", "RM ", "$"])
    truth["total_amount"] = f"{total:.2f}"
    rows = [(rng.choice(["Sub Total", "SUBTOTAL", "Total Excl GST", "Sub-Total"]), sub,
             "subtotal")]
    if tax_rate:
        rows.append((rng.choice(["GST 6%", "GST", "SST", "Service Tax", "Total GST"]), tax,
                     "tax_amount"))
        truth["tax_amount"] = f"{tax:.2f}"
        truth["subtotal"] = f"{sub:.2f}"
    if rounding and rng.random() < 0.4:  # unrounded total, adjustment, rounded total
        rows.append((rng.choice(["TOTAL", "Total", "Total Sales Incl GST"]),
                     round(total - rounding, 2), None))
        rows.append((rng.choice(["Rounding Adj", "Rounding", "ROUNDING ADJUSTMENT"]), rounding,
                     None))
        rows.append((rng.choice(["TOTAL ROUNDED", "Rounded Total", "Total After Rounding",
                                 "NETT TOTAL", "Amount Payable"]), total, "total_amount"))
        rounding = 0.0
        done_total = True
    else:
        done_total = False
    if rounding:
        rows.append((rng.choice(["Rounding Adj", "Rounding", "ROUNDING ADJUSTMENT"]), rounding,
                     None))
    rows.append((rng.choice(["TOTAL", "Total", "GRAND TOTAL", "TOTAL (RM)", "Total Incl GST",
                             "NETT TOTAL", "Total Amount", "TOTAL RM", "Amount Due"]), total,
                 "total_amount"))
    if done_total:
        rows.pop()
    if rng.random() < 0.85:
        cash = round(total + rng.choice([0, 0.5, 1, 5, 10, 20, 50]), 2)
        rows.append((rng.choice(["CASH", "Cash", "TENDERED", "VISA", "Paid"]), cash, None))
        rows.append((rng.choice(["CHANGE", "Change"]), round(cash - total, 2), None))
    if rng.random() < 0.3:
        rows.insert(0, (rng.choice(["Total Qty", "Total Items"]), float(len(items)), None))
    if not tax_rate and rng.random() < 0.5:
        rows = [r for r in rows if r[2] != "subtotal"]
    for lab, v, tag in rows:
        big = sz * (1.25 if tag == "total_amount" and rng.random() < 0.3 else 1.0)
        cv.put(lx, y, lab + (":" if rng.random() < 0.3 else ""), big)
        s = _fmt_money(v, rng, comma) if lab not in ("Total Qty", "Total Items") else str(int(v))
        with_cur = cur and (tag or rng.random() < 0.6) and lab not in ("Total Qty", "Total Items")
        cv.put(W - lx, y, (cur + s) if with_cur else s, big, "r", tag)
        cv.line += 1
        y += lh * big / sz
    y += lh
    if bare_at == "bottom":
        cv.put(lx, y, bare, sz, tag="invoice_date")
        cv.put(W * 0.6, y, f"{rng.choice(['SH', 'T', 'POS'])}{rng.randint(1, 99):02d} "
               f"{rng.randint(10**5, 10**9)}", sz)
        cv.line += 1
        y += lh
    for _ in range(rng.randint(0, 3)):
        line(rng.choice(["THANK YOU", "PLEASE COME AGAIN", "GOODS SOLD ARE NOT RETURNABLE",
                         "THANK YOU FOR SHOPPING", f"GST SUMMARY {_fmt_money(tax, rng, comma)}"]))
    cv.height = y + rng.uniform(10, 40)
    truth["currency"] = "MYR" if cur.strip() == "RM" else None
    truth["line_items"] = [{"description": i[0], "quantity": str(i[1]),
                            "unit_price": f"{i[2]:.2f}", "amount": f"{i[3]:.2f}"} for i in items]
    return cv, truth


def _invoice(rng: random.Random) -> tuple[_Canvas, dict[str, Any]]:
    lang = rng.choice(["en", "en", "en", "de", "fr"])
    L = _L[lang]
    W, H = 595.0, 842.0
    cv = _Canvas(W, H, rng)
    truth: dict[str, Any] = {}
    sz = rng.uniform(8, 10.5)
    lh = sz * 1.4
    mx = rng.uniform(36, 60)
    y = rng.uniform(36, 70)
    vend = f"{_name(rng, rng.randint(1, 2)).title()} {rng.choice(_BIZ).title()}"
    if rng.random() < 0.8:
        vend += " " + rng.choice(_SUFFIX_INV)
    truth["vendor_name"] = vend
    right_header = rng.random() < 0.3
    vx, val = (W - mx, "r") if right_header else (mx, "l")
    if rng.random() < 0.12:
        e = cv.put(vx if val == "l" else vx - len(vend) * sz * 0.7, y,
                   rng.choice(["Sold By:", "Seller:", "From:", "Vendor:"]), sz, "l")
        cv.put(e + sz * 0.6, y, vend, sz, "l", "vendor_name")
    else:
        cv.put(vx, y, vend, sz * rng.uniform(1.3, 2.0), val, "vendor_name")
    cv.line += 1
    y += lh * 1.8
    if lang == "de":
        addr = [f"{_name(rng, 1).title()}{rng.choice(_STREET_DE).lower()} {rng.randint(1, 200)}",
                f"{rng.randint(10000, 99999)} {_name(rng, 1).title()}"]
    elif lang == "fr":
        addr = [f"{rng.randint(1, 200)} {rng.choice(_STREET_FR)} {_name(rng, 2).title()}",
                f"{rng.randint(10000, 95999)} {_name(rng, 1).title()}"]
    else:
        addr = [f"{rng.randint(1, 9999)} {_name(rng, 1).title()} {rng.choice(_STREET_EN)}",
                f"{_name(rng, 1).title()}, {rng.choice(['CA', 'NY', 'TX', 'London', 'Mumbai'])} "
                f"{rng.randint(10000, 99999)}"]
        if rng.random() < 0.3:
            addr.insert(1, f"Suite {rng.randint(1, 900)}")
    truth["vendor_address"] = ", ".join(addr)
    for a in addr:
        cv.put(vx, y, a, sz, val, "vendor_address")
        cv.line += 1
        y += lh
    if rng.random() < 0.6:
        cv.put(vx, y, f"Tel: +{rng.randint(1, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
               sz, val)
        cv.line += 1
        y += lh
    # header key-values on the other side
    title_x = W - mx if not right_header else mx
    talign = "r" if not right_header else "l"
    hy = rng.uniform(36, 70)
    cv.put(title_x, hy, rng.choice(L["title"]), sz * 2, talign)
    cv.line += 1
    hy += lh * 2.2
    d = date(2012, 1, 1) + timedelta(days=rng.randint(0, 4000))
    style = "mdy" if rng.random() < 0.4 and lang == "en" else "dmy"
    invno = rng.choice(["INV-", "", "F", "RE-", "#", "A"]) + str(rng.randint(1000, 10**8))
    kv = [(rng.choice(L["inv"]), invno, "invoice_number"),
          (rng.choice(L["date"]), _fmt_date(d, rng, style, lang), "invoice_date")]
    truth["invoice_number"] = invno.lstrip("# ")  # "#" prints the number sign
    truth["invoice_date"] = d.isoformat()
    if rng.random() < 0.6:
        dd = d + timedelta(days=rng.choice([7, 14, 15, 30, 45, 60]))
        kv.append((rng.choice(L["due"]), _fmt_date(dd, rng, style, lang), "due_date"))
        truth["due_date"] = dd.isoformat()
    if rng.random() < 0.4:
        po = rng.choice(["PO-", "", "P"]) + str(rng.randint(1000, 999999))
        kv.append((rng.choice(L["po"]), po, "po_number"))
        truth["po_number"] = po
    rng.shuffle(kv)
    below = rng.random() < 0.2
    kx = W * rng.uniform(0.55, 0.62) if not right_header else mx
    for lab, v, tag in kv:
        colon = rng.choice([":", "", " :"])
        if below:
            cv.put(kx, hy, lab + colon, sz)
            cv.line += 1
            hy += lh
            cv.put(kx, hy, v, sz, tag=tag)
        elif rng.random() < 0.5:
            cv.put(kx, hy, lab + colon, sz)
            cv.put(kx + W * 0.2, hy, v, sz, tag=tag)
        else:
            e = cv.put(kx, hy, lab + colon, sz)
            cv.put(e + sz * 0.6, hy, v, sz, tag=tag)
        cv.line += 1
        hy += lh
    y = max(y, hy) + lh
    if rng.random() < 0.6:
        kind = rng.choice(["eu", "gst", "ein"])
        if kind == "eu":
            tid = rng.choice(["DE136695976", "FR40303265045", "NL004495445B01", "GB980780684"])
        elif kind == "gst":
            tid = "27AAPFU0939F1ZV"
        else:
            tid = "04-2103594"
        cv.put(mx, y, f"{rng.choice(L['taxid'])}: {tid}", sz, tag="vendor_tax_id")
        truth["vendor_tax_id"] = tid
        cv.line += 1
        y += lh * 1.5
    cust = f"{rng.choice(_FIRST)} {_name(rng, 1).title()}" if rng.random() < 0.4 else \
        f"{_name(rng, 2).title()} {rng.choice(_SUFFIX_INV)}"
    truth["customer_name"] = cust
    # the billed party's block: at the left margin or in the right half, its name under
    # the label or after it on the label's line
    cx = mx if rng.random() < 0.75 else W * rng.uniform(0.5, 0.6)
    e = cv.put(cx, y, rng.choice(L["billto"]) + ":", sz)
    if rng.random() < 0.3:
        cv.put(e + sz * rng.choice([0.6, 0.6, 3.0]), y, cust, sz, tag="customer_name")
    else:
        cv.line += 1
        y += lh
        cv.put(cx, y, cust, sz, tag="customer_name")
    cv.line += 1
    y += lh
    cv.put(cx, y, f"{rng.randint(1, 999)} {_name(rng, 1).title()} {rng.choice(_STREET_EN)}", sz)
    cv.line += 1
    y += lh * 2
    comma = lang != "en" and rng.random() < 0.8
    cur = rng.choice(_CURR[lang])
    truth["currency"] = _CURR_ISO.get(cur)
    cols = [mx, W * 0.55, W * 0.7, W - mx]
    cv.put(cols[0], y, rng.choice(["Description", "Item", "Beschreibung", "Désignation"]), sz)
    cv.put(cols[1], y, rng.choice(["Qty", "Quantity", "Menge", "Qté"]), sz, "r")
    cv.put(cols[2], y, rng.choice(["Unit Price", "Rate", "Price", "Preis"]), sz, "r")
    cv.put(cols[3], y, rng.choice(["Amount", "Total", "Betrag", "Montant"]), sz, "r")
    cv.line += 1
    y += lh
    items = []
    for _ in range(rng.randint(1, 7)):
        q = rng.randint(1, 20)
        up = round(rng.uniform(5, 900), 2)
        desc = rng.choice(_ITEMS) + (" " + _name(rng, 1).title() if rng.random() < 0.4 else "")
        items.append((desc, q, up, round(q * up, 2)))
        cv.put(cols[0], y, desc, sz)
        cv.put(cols[1], y, str(q), sz, "r")
        cv.put(cols[2], y, _fmt_money(up, rng, comma), sz, "r")
        cv.put(cols[3], y, _fmt_money(round(q * up, 2), rng, comma), sz, "r")
        cv.line += 1
        y += lh
    y += lh
    sub = round(sum(i[3] for i in items), 2)
    rate = rng.choice([0.0, 0.05, 0.07, 0.1, 0.18, 0.19, 0.2, 0.21])
    tax = round(sub * rate, 2)
    total = round(sub + tax, 2)
    truth["subtotal"] = f"{sub:.2f}"
    if rate:
        truth["tax_amount"] = f"{tax:.2f}"
    truth["total_amount"] = f"{total:.2f}"
    tl = W * rng.uniform(0.5, 0.62)
    rows = [(rng.choice(L["sub"]), sub, "subtotal")]
    if rate:
        rows.append((rng.choice(L["tax"]), tax, "tax_amount"))
    rows.append((rng.choice(L["total"]), total, "total_amount"))
    if rng.random() < 0.2:
        rows.append((rng.choice(["Paid", "Amount Paid"]), 0.0, None))
    for lab, v, tag in rows:
        s = _fmt_money(v, rng, comma)
        s = rng.choice([f"{cur}{s}", f"{cur} {s}", f"{s} {cur}", s]).strip() if cur else s
        cv.put(tl, y, lab + rng.choice([":", ""]), sz * (1.15 if tag == "total_amount" else 1))
        cv.put(cols[3], y, s, sz * (1.15 if tag == "total_amount" else 1), "r", tag)
        cv.line += 1
        y += lh
    y += lh
    if rng.random() < 0.5:
        n = rng.choice([7, 14, 30, 45, 60])
        t = rng.choice([f"Net {n}", f"Net {n} days", "Due on receipt", f"{n} days net"])
        cv.put(mx, y, f"{rng.choice(L['terms'])}: ", sz)
        cv.put(mx + W * 0.25, y, t, sz, tag="payment_terms")
        truth["payment_terms"] = t
        cv.line += 1
        y += lh
    if rng.random() < 0.5:
        iban = rng.choice(["DE89 3704 0044 0532 0130 00", "GB82 WEST 1234 5698 7654 32",
                           "FR14 2004 1010 0505 0001 3M02 606", "NL91 ABNA 0417 1643 00"])
        cv.put(mx, y, "IBAN: " + iban, sz, tag="iban")
        truth["iban"] = iban.replace(" ", "")
        cv.line += 1
        y += lh
    if rng.random() < 0.5:
        dom = re.sub(r"[^a-z]", "", vend.lower().split()[0])
        fy = H - rng.uniform(40, 70)
        cv.put(mx, fy, vend if rng.random() < 0.6 else vend.split()[0], sz * 0.8)
        cv.put(W * 0.4, fy, rng.choice([f"www.{dom}.com", f"info@{dom}.de", f"billing@{dom}.fr"]),
               sz * 0.8)
        cv.line += 1
    cv.height = H
    truth["line_items"] = [{"description": i[0], "quantity": str(i[1]),
                            "unit_price": f"{i[2]:.2f}", "amount": f"{i[3]:.2f}"} for i in items]
    return cv, truth


def generate(seed: int, kind: str | None = None, noise: float | None = None,
             damage_truth: bool = False) -> tuple[IngestedDocument, dict[str, Any]]:
    """One synthetic document and its truth (CONTRACT normal forms; `_spans` maps each truth
    field to its word index ranges on page 1, for tests of page/bbox). With `damage_truth`
    the printed values get OCR damage too while the truth keeps the clean value: a scan as
    a reader sees it, which is what the final confidence calibration must learn from."""
    rng = random.Random(seed)
    kind = kind or rng.choice(["receipt", "invoice"])
    cv, truth = _receipt(rng) if kind == "receipt" else _invoice(rng)
    protect = {i for spans in cv.spans.values() for s, e in spans for i in range(s, e)}
    lvl = rng.choice([0.0, 0.0, 0.03, 0.08]) if noise is None else noise
    if damage_truth:
        protect = set()
    if lvl:
        _noise(cv.words, rng, lvl, protect)
    words = cv.words
    text = "\n".join(w.text for w in words)
    page = Page(1, cv.width, cv.height, words, text, ocr=bool(lvl))
    h = hashlib.sha256(f"synth-{seed}".encode()).hexdigest()
    doc = IngestedDocument(f"synth-{seed}.pdf", h, "application/pdf", 0, [page])
    truth = {k: v for k, v in truth.items() if v is not None}
    truth["_spans"] = cv.spans
    truth["_doc_type"] = kind
    return doc, truth
