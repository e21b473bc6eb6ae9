"""Generated invoices and receipts of other origins, as words with boxes and field truth.

Why: the field scorers learned from one Malaysian till layout and one tidy A4 invoice
(`training.synth.invoices`) and do not transfer to German till receipts, US restaurant
checks, French factures, German DIN-letter invoices or US TV-station (media) invoices.
Each layout below draws its printed labels from `labels/regional.json` (one vocabulary
per locale and role, reviewable in one place), money and dates in its locale's format
("1.234,56 €", "423 693,72 €", "12/06/2026"), and several arrangements (label left of /
above the value, header grids, side blocks) so that a model evaluated on a layout it
never saw is measured honestly (`LAYOUTS`, `generate`).

    from training.synth.regional import generate, LAYOUTS
    doc, truth = generate(seed, layout="receipt_de")

Truth keys are CONTRACT field names plus `_spans` (word index ranges per field),
`_doc_type`, `_layout` and `_lang`. Choices where a source could mean two things:
a US check's total is the printed check total (before the tip the guest writes in); a
media invoice's total is its gross amount (agency commission and net are printed
beside it), its customer the advertiser, its number the invoice (or contract) number.
Names come from Faker in the layout's locale: no real entity is meant.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from ingest.types import IngestedDocument, Page
from training.generators.common import faker_for
from training.synth.invoices import _Canvas, _noise

LABELS_PATH = Path(__file__).parent / "labels" / "regional.json"

_MONTHS = {
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
}
_FAKER_LOCALE = {"de": "de_DE", "fr": "fr_FR", "en": "en_US"}
_FR_FORMS = ["SARL", "SAS", "SA", "EURL", "SASU"]
_DE_FORMS = ["GmbH", "GmbH & Co. KG", "AG", "e.K.", "KG", "UG (haftungsbeschränkt)"]
_US_KINDS = ["Grill", "Diner", "Bistro", "Steakhouse", "Tavern", "Kitchen & Bar", "Pizzeria",
             "Taqueria", "Cafe", "Brewing Co.", "Oyster Bar", "Trattoria", "BBQ", "Noodle House"]
_US_DISHES = ["Cheeseburger", "Caesar Salad", "Fish Tacos", "Ribeye 12oz", "Chicken Wings",
              "Margherita Pizza", "Iced Tea", "Draft IPA", "House Red", "Fries", "Soup of Day",
              "Club Sandwich", "Pad Thai", "Brisket Plate", "Lemonade", "Coffee", "Cheesecake",
              "Nachos", "Mac & Cheese", "Diet Coke"]
_DE_ITEMS = ["Vollmilch 3,5%", "Butter 250g", "Roggenbrot", "Bananen", "Äpfel lose",
             "Gouda Scheiben", "Joghurt natur", "Eier 10 St.", "Nudeln 500g", "Kaffee gemahlen",
             "Mineralwasser 1,5l", "Apfelschorle", "Brötchen", "Laugenbrezel", "Duschgel",
             "Zahnpasta", "Pfand 0,25", "Tragetasche", "Schokolade", "Super E10", "Diesel",
             "Schrauben 4x40", "Blumenerde 40l", "Cappuccino", "Pils 0,5l", "Schnitzel"]
_DE_SHOPS = ["Markt", "Frischemarkt", "Bäckerei", "Drogerie", "Apotheke", "Getränkemarkt",
             "Baumarkt", "Tankstelle", "Kiosk", "Metzgerei", "Café", "Biomarkt", "Gasthaus"]
_SERVICES = {
    "fr": ["Prestation de conseil", "Développement logiciel", "Maintenance annuelle",
           "Fourniture et pose", "Main d'œuvre", "Déplacement", "Location de matériel",
           "Formation (jour)", "Abonnement mensuel", "Frais de port", "Audit", "Honoraires"],
    "de": ["Beratung", "Softwareentwicklung", "Wartungsvertrag", "Montage", "Arbeitszeit",
           "Anfahrt", "Materialkosten", "Schulung (Tag)", "Lizenz", "Versandkosten",
           "Reparatur", "Projektleitung"],
}
_STATIONS = ["WKRN", "KXAN", "WTVF", "KSDK", "WBNS", "KOMO", "WFAA", "KPRC", "WSB", "WXIA",
             "KUSA", "WCNC", "KARE", "WMUR", "KCRA", "WPLG"]
_PROGRAMS = ["NEWS AT 6", "GOOD MORNING", "LATE NEWS", "EVENING NEWS", "SPORTS WRAP",
             "WEATHER FIRST", "PRIME ACCESS", "DAYTIME", "EARLY FRINGE", "LATE FRINGE",
             "WEEKEND NEWS", "FOOTBALL PRE-GAME"]


@cache
def labels() -> dict[str, dict[str, Any]]:
    """The printed label vocabularies, per locale and role."""
    data = json.loads(LABELS_PATH.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


FR_GROUP_SEPS = (" ", " ", "\u202f", "\u00a0", ".")


def money(v: float, lang: str, group: str = "") -> str:
    """`v` as the locale prints it: en 1,234.56; de 1.234,56; fr 1 234,56 with `group`
    between thousands (a space, no-break or narrow no-break space, or a dot; one choice
    per document)."""
    s = f"{v:,.2f}"
    if lang == "de" or (lang == "fr" and group == "."):
        return s.replace(",", "X").replace(".", ",").replace("X", ".")
    if lang == "fr":
        return s.replace(",", group or " ").replace(".", ",")
    return s


def day(d: date, lang: str, rng: random.Random) -> str:
    """A date as the locale prints it (US month first, de/fr day first)."""
    m = _MONTHS["en" if lang == "en" else lang]
    if lang == "de":
        return rng.choice([f"{d.day:02d}.{d.month:02d}.{d.year}", f"{d.day:02d}.{d.month:02d}."
                           f"{d.year % 100:02d}", f"{d.day}. {m[d.month - 1]} {d.year}"])
    if lang == "fr":
        return rng.choice([f"{d.day:02d}/{d.month:02d}/{d.year}", f"{d.day} {m[d.month - 1]} {d.year}",
                           f"{d.day:02d}.{d.month:02d}.{d.year}"])
    return rng.choice([f"{d.month:02d}/{d.day:02d}/{d.year}", f"{d.month}/{d.day}/{d.year % 100:02d}",
                       f"{m[d.month - 1]} {d.day}, {d.year}", f"{m[d.month - 1][:3]} {d.day}, {d.year}"])


def _date(rng: random.Random) -> date:
    return date(2014, 1, 1) + timedelta(days=rng.randint(0, 4300))


class _Page:
    """A canvas with a cursor: lines at the current y, label/value pairs."""

    def __init__(self, rng: random.Random, width: float, height: float, size: float):
        self.rng = rng
        self.cv = _Canvas(width, height, rng)
        self.sz = size
        self.lh = size * rng.uniform(1.25, 1.6)
        self.y = rng.uniform(20, 50)

    def text(self, x: float, s: str, align: str = "l", tag: str | None = None,
             size: float | None = None, y: float | None = None) -> float:
        return self.cv.put(x, self.y if y is None else y, s, size or self.sz, align, tag)

    def nl(self, k: float = 1.0) -> None:
        self.cv.line += 1
        self.y += self.lh * k

    def labelled(self, x: float, label: str, value: str, tag: str | None,
                 align: str = "l", size: float | None = None) -> float:
        """`label value` on the current line as two spans, so that only the value carries
        `tag` (a document number printed after its label is labelled, its label is not);
        right-aligned at `x` when `align` is "r". Returns the right edge."""
        sz = size or self.sz
        if align == "r":
            vx0 = x - len(value) * sz * 0.55
            self.text(vx0 - sz * 0.55, label, "r", size=sz)
            return self.text(vx0, value, tag=tag, size=sz)
        e = self.text(x, label, size=sz)
        return self.text(e + sz * 0.55, value, tag=tag, size=sz)

    def kv(self, x: float, label: str, value: str, tag: str | None, mode: str,
           vx: float | None = None) -> None:
        """label and value on one line (`right`, value at `vx` or after the label) or the
        value on the next line (`below`)."""
        colon = self.rng.choice([":", "", " :"]) if not label.endswith(":") else ""
        e = self.text(x, label + colon)
        if mode == "below":
            self.nl()
            self.text(x, value, tag=tag)
        else:
            self.text(vx if vx else e + self.sz * 0.6, value, tag=tag)
        self.nl()


def _fk(lang: str, rng: random.Random):
    return faker_for(_FAKER_LOCALE[lang], rng.getrandbits(32))


# --- German till receipt --------------------------------------------------------------------
def receipt_de(rng: random.Random) -> tuple[_Canvas, dict[str, Any]]:
    L = labels()["de"]
    fk = _fk("de", rng)
    W = rng.uniform(200, 300)
    p = _Page(rng, W, 0, rng.uniform(7, 9.5))
    truth: dict[str, Any] = {"currency": "EUR"}
    centre = rng.random() < 0.8
    ax, al = (W / 2, "c") if centre else (rng.uniform(8, 14), "l")
    shop = rng.choice([f"{rng.choice(_DE_SHOPS)} {fk.last_name()}",
                       f"{fk.last_name()} {rng.choice(_DE_SHOPS)}",
                       f"{fk.last_name()} {rng.choice(_DE_FORMS)}",
                       f"{rng.choice(_DE_SHOPS).upper()} {fk.last_name().upper()}"])
    truth["vendor_name"] = shop
    p.text(ax, shop, al, "vendor_name", p.sz * rng.choice([1.0, 1.2, 1.5]))
    p.nl(1.3)
    address = [fk.street_address(), f"{fk.postcode()} {fk.city()}"]
    truth["vendor_address"] = ", ".join(address)
    for ln in address:
        p.text(ax, ln, al)
        p.nl()
    if rng.random() < 0.7:
        p.text(ax, f"Tel. {fk.phone_number()}", al)
        p.nl()
    if rng.random() < 0.5:
        p.text(ax, f"{rng.choice(L['taxid'])} DE{rng.randint(10**8, 10**9 - 1)}", al)
        p.nl()
    title = rng.choice(L["receipt_title"])
    if title:
        p.nl(0.5)
        p.text(ax, title, al)
        p.nl()
    d = _date(rng)
    bon = str(rng.randint(100, 999999))
    stamp = f"{day(d, 'de', rng)} {rng.randint(6, 21):02d}:{rng.randint(0, 59):02d}"
    top_meta = rng.random() < 0.4
    if top_meta:
        p.text(8, stamp, tag="invoice_date")
        p.labelled(W - 8, rng.choice(L["receipt_no"]), bon, "invoice_number", "r")
        p.nl()
    p.text(W - 8, "EUR", "r")
    p.nl()
    rates = {"A": 19.0, "B": 7.0}
    net_by: dict[str, float] = {"A": 0.0, "B": 0.0}
    for _ in range(rng.randint(1, 12)):
        item = rng.choice(_DE_ITEMS)
        q = rng.choice([1, 1, 1, 2, 3])
        up = round(rng.uniform(0.29, 25), 2)
        code = rng.choice("AB")
        amt = round(q * up, 2)
        net_by[code] += amt
        if q > 1:
            p.text(12, f"{q} x {money(up, 'de')}")
            p.nl()
        p.text(8, item)
        p.text(W - 8, f"{money(amt, 'de')} {code}", "r")
        p.nl()
    total = round(sum(net_by.values()), 2)
    p.text(8, "-" * int(W / 6))
    p.nl()
    big = p.sz * rng.choice([1.0, 1.2, 1.4])
    p.text(8, rng.choice(L["sum"]), size=big)
    p.text(W - 8, money(total, "de"), "r", "total_amount", big)
    p.nl(big / p.sz)
    truth["total_amount"] = f"{total:.2f}"
    if rng.random() < 0.6:
        given = float(max(5, int(total // 5 + 1) * 5)) if rng.random() < 0.7 else total
        p.text(8, rng.choice(L["cash"]))
        p.text(W - 8, money(given, "de"), "r")
        p.nl()
        p.text(8, rng.choice(L["change"]))
        p.text(W - 8, money(round(given - total, 2), "de"), "r")
        p.nl()
    else:
        p.text(8, rng.choice(L["card"]))
        p.text(W - 8, money(total, "de"), "r")
        p.nl()
    p.nl(0.5)
    tax = 0.0
    p.text(8, rng.choice(L["tax_head"]))
    p.nl()
    for code, gross in net_by.items():
        if gross <= 0:
            continue
        r = rates[code]
        vat = round(gross * r / (100 + r), 2)
        tax += vat
        p.text(8, f"{code} {money(r, 'de')}% {money(gross - vat, 'de')} "
                  f"{money(vat, 'de')} {money(gross, 'de')}")
        p.nl()
    tax = round(tax, 2)
    if sum(g > 0 for g in net_by.values()) == 1:  # one rate: its line prints the tax
        truth["tax_amount"] = f"{tax:.2f}"
    if rng.random() < 0.5:
        p.text(8, rng.choice(L["tax_total"]))
        p.text(W - 8, money(tax, "de"), "r", "tax_amount")
        p.nl()
        truth["tax_amount"] = f"{tax:.2f}"
    p.nl(0.5)
    if not top_meta:
        p.text(8, stamp, tag="invoice_date")
        p.nl()
        e = p.labelled(8, rng.choice(L["receipt_no"]), bon, "invoice_number")
        p.text(e + 2 * p.sz * 0.55, f"{rng.choice(L['till'])} {rng.randint(1, 9)}  "
                                    f"{rng.choice(L['clerk'])} {fk.first_name()}")
        p.nl()
    truth["invoice_date"] = d.isoformat()
    truth["invoice_number"] = bon  # the receipt's own number (Bon-Nr., Beleg-Nr.)
    p.text(ax, rng.choice(L["thanks"]), al)
    p.nl()
    p.cv.height = p.y + 20
    return p.cv, truth


# invoices whose letterhead prints its name only as a picture
LOGO_SHARE = 0.2
# the suggested tips under a US check's signature line (Square, Toast, Clover wordings)
_TIP_FORMS = ["{pct}% = ${tip}", "{pct}%: ${tip}", "{pct}% Tip: ${tip} (Total ${after})",
              "{pct}% (Tip ${tip}, Total ${after})", "{pct}%  ${tip}  ${after}"]


# --- US restaurant check --------------------------------------------------------------------
def receipt_us_restaurant(rng: random.Random) -> tuple[_Canvas, dict[str, Any]]:
    L = labels()["en_us"]
    fk = _fk("en", rng)
    W = rng.uniform(200, 290)
    p = _Page(rng, W, 0, rng.uniform(7, 9.5))
    truth: dict[str, Any] = {"currency": "USD"}
    name = rng.choice([f"{fk.last_name()}'s {rng.choice(_US_KINDS)}",
                       f"The {fk.color_name()} {rng.choice(_US_KINDS)}",
                       f"{fk.city()} {rng.choice(_US_KINDS)}"])
    if rng.random() < 0.4:
        name = name.upper()
    truth["vendor_name"] = name
    p.text(W / 2, name, "c", "vendor_name", p.sz * rng.choice([1.0, 1.3, 1.6]))
    p.nl(1.4)
    address = [fk.street_address(), f"{fk.city()}, {fk.state_abbr()} {fk.zipcode()}"]
    truth["vendor_address"] = ", ".join(address)
    for ln in (*address, fk.phone_number()):
        p.text(W / 2, ln, "c")
        p.nl()
    p.nl(0.5)
    d = _date(rng)
    chk = str(rng.randint(10, 99999))
    hh, mm = rng.randint(11, 22), rng.randint(0, 59)
    stamp = f"{day(d, 'en', rng)} {(hh - 1) % 12 + 1}:{mm:02d} {'PM' if hh >= 12 else 'AM'}"
    meta = [(rng.choice(L["server"]), fk.first_name()), (rng.choice(L["table"]), str(rng.randint(1, 60))),
            (rng.choice(L["guests"]), str(rng.randint(1, 8)))]
    rng.shuffle(meta)
    for lab, v in meta[:rng.randint(1, 3)]:
        p.text(8, f"{lab} {v}")
        p.nl()
    p.labelled(8, rng.choice(L["check_no"]), chk, "invoice_number")
    p.nl()
    truth["invoice_number"] = chk  # the check's own number (Check #, Ticket #)
    p.text(8, stamp, tag="invoice_date")
    p.nl(1.5)
    truth["invoice_date"] = d.isoformat()
    sub = 0.0
    for _ in range(rng.randint(1, 9)):
        q = rng.choice([1, 1, 1, 2, 3, 4])
        amt = round(q * rng.uniform(2.5, 38), 2)
        sub += amt
        p.text(8, f"{q} {rng.choice(_US_DISHES)}")
        p.text(W - 8, f"{amt:,.2f}", "r")
        p.nl()
    sub = round(sub, 2)
    tax = round(sub * rng.choice([0.0625, 0.07, 0.0825, 0.08875, 0.095, 0.1025]), 2)
    total = round(sub + tax, 2)
    p.nl(0.5)
    for lab, v, tag in ((rng.choice(L["subtotal"]), sub, "subtotal"),
                        (rng.choice(L["tax"]), tax, "tax_amount"),
                        (rng.choice(L["total"]), total, "total_amount")):
        cur = rng.choice(["", "", "$"])
        p.text(W * 0.35, lab)
        p.text(W - 8, f"{cur}{v:,.2f}", "r", tag)
        p.nl()
    truth.update(subtotal=f"{sub:.2f}", tax_amount=f"{tax:.2f}", total_amount=f"{total:.2f}")
    p.nl(0.5)
    if rng.random() < 0.6:  # the card slip the guest signs
        p.text(8, f"{rng.choice(L['card'])} XXXXXXXXXXXX{rng.randint(1000, 9999)}")
        p.nl()
        p.text(8, "Amount:")
        p.text(W - 8, f"${total:,.2f}", "r")
        p.nl(1.5)
        p.text(8, rng.choice(L["tip"]) + " ________")
        p.nl(1.5)
        p.text(8, rng.choice(L["grand"]) + " ________")
        p.nl(1.5)
        if rng.random() < 0.5:  # suggested tips, as the tills of US checks print them
            form = rng.choice(_TIP_FORMS)
            if rng.random() < 0.5:
                p.text(8, rng.choice(["Suggested Gratuity", "Tip Guide", "Suggested Tip"]))
                p.nl()
            for pct in (18, 20, 22):
                tip = total * pct / 100
                p.text(8, form.format(pct=pct, tip=f"{tip:,.2f}", after=f"{total + tip:,.2f}"))
                p.nl()
        p.text(8, "Signature ____________________")
        p.nl()
    p.text(W / 2, rng.choice(L["thanks"]), "c")
    p.nl()
    p.cv.height = p.y + 20
    return p.cv, truth


# --- A4 invoices: French facture, German Rechnung -------------------------------------------
def _company(lang: str, fk, rng: random.Random) -> str:
    forms = _FR_FORMS if lang == "fr" else _DE_FORMS
    base = rng.choice([fk.last_name(), f"{fk.last_name()} & {fk.last_name()}",
                       f"{fk.last_name()} {rng.choice(['Conseil', 'Services', 'Bâtiment', 'Informatique'] if lang == 'fr' else ['Technik', 'Bau', 'Service', 'Consulting'])}"])
    return f"{base} {rng.choice(forms)}"


def _customer_block(p: _Page, x: float, label: str, lines: list[str], mode: str) -> None:
    """The billed party's block: its label above the name, left of it, or none (a
    letter's address window)."""
    if mode == "above":
        p.text(x, label + p.rng.choice([":", ""]))
        p.nl()
    for i, ln in enumerate(lines):
        if i == 0 and mode == "left":
            e = p.text(x, label + p.rng.choice([":", " :"]))
            p.text(e + p.sz * 0.6, ln, tag="customer_name")
        else:
            p.text(x, ln, tag="customer_name" if i == 0 else None)
        p.nl()


_NUMBER_TITLE = re.compile(r"(?i)(?:\bnr\.?|\bn°)\s*$")  # "Rechnung Nr.", "Facture n°"


def _title(p: _Page, x: float, align: str, title: str, number: str, size: float) -> None:
    """The document title; a title that ends in a number label ("Rechnung Nr.") prints the
    invoice number after it, labelled as such (a second place the number is printed)."""
    if _NUMBER_TITLE.search(title):
        p.labelled(x, title, number, "invoice_number", align, size)
    else:
        p.text(x, title, align, size=size)


def invoice_eu(rng: random.Random, lang: str) -> tuple[_Canvas, dict[str, Any]]:
    """A French facture or a German Rechnung (DIN-letter: sender line, recipient window,
    info block right)."""
    L = labels()[lang]
    fk = _fk(lang, rng)
    W, H = 595.0, 842.0
    p = _Page(rng, W, H, rng.uniform(8, 10))
    truth: dict[str, Any] = {"currency": "EUR"}
    mx = rng.uniform(40, 60)
    grp = rng.choice(FR_GROUP_SEPS) if lang == "fr" else "."
    vend = _company(lang, fk, rng)
    truth["vendor_name"] = vend
    vaddr = [fk.street_address(), f"{fk.postcode()} {fk.city()}"]
    letter = lang == "de" and rng.random() < 0.6 or rng.random() < 0.2
    right = rng.random() < 0.4
    vx, val = (W - mx, "r") if right else (mx, "l")
    # a letterhead whose name is a logo (no text); the register line in the footer names
    # the company (French law: always; German letters: often)
    logo = rng.random() < LOGO_SHARE
    if not logo:
        p.text(vx, vend, val, "vendor_name", p.sz * rng.uniform(1.4, 2.0))
    p.nl(2)
    for ln in vaddr:
        p.text(vx, ln, val)
        p.nl()
    if lang == "fr":
        p.text(vx, f"{rng.choice(L['legal'])} {rng.randint(100, 999)} {rng.randint(100, 999)} "
                   f"{rng.randint(100, 999)} {rng.randint(10000, 99999)}", val)
        p.nl()
    p.nl()
    d = _date(rng)
    invno = rng.choice(["", "F", "FA-", "RE-", "R", f"{d.year}-"]) + str(rng.randint(100, 10**6))
    kv = [(rng.choice(L["invoice_no"]), invno, "invoice_number"),
          (rng.choice(L["invoice_date"]), day(d, lang, rng), "invoice_date")]
    truth.update(invoice_number=invno, invoice_date=d.isoformat())
    if rng.random() < 0.6:
        dd = d + timedelta(days=rng.choice([8, 14, 30, 45, 60]))
        kv.append((rng.choice(L["due"]), day(dd, lang, rng), "due_date"))
        truth["due_date"] = dd.isoformat()
    for role in ("customer_no", "order_no"):
        if rng.random() < 0.5:
            kv.append((rng.choice(L[role]), str(rng.randint(1000, 999999)), None))
    rng.shuffle(kv)
    cust = _company(lang, fk, rng) if rng.random() < 0.6 else fk.name()
    truth["customer_name"] = cust
    cust_lines = [cust, fk.street_address(), f"{fk.postcode()} {fk.city()}"]
    y0 = p.y
    if letter:  # recipient window left, info block right
        p.text(mx, f"{vend} · {vaddr[0]} · {vaddr[1]}", size=p.sz * 0.7)
        p.nl()
        _customer_block(p, mx, rng.choice(L["customer"]), cust_lines,
                        rng.choice(["none", "none", "above", "left"]))
        y_left = p.y
        p.y = y0
        kx = W * rng.uniform(0.55, 0.62)
        mode = rng.choice(["right", "right", "below"])
        for lab, v, tag in kv:
            p.kv(kx, lab, v, tag, mode, kx + W * 0.17 if mode == "right" and rng.random() < 0.5
                 else None)
        p.y = max(p.y, y_left) + p.lh
        _title(p, mx, "l", rng.choice(L["invoice_title"]), invno, p.sz * 1.5)
        p.nl(2)
    else:  # title, key-values, then the client block
        _title(p, W - mx if not right else mx, "r" if not right else "l",
               rng.choice(L["invoice_title"]), invno, p.sz * 2)
        p.nl(2)
        mode = rng.choice(["right", "below"])
        for lab, v, tag in kv:
            p.kv(mx, lab, v, tag, mode)
        p.nl()
        _customer_block(p, mx, rng.choice(L["customer"]), cust_lines,
                        rng.choice(["above", "above", "left"]))
        p.nl()
    cols = rng.choice(L["cols"])
    xs = [mx] + [W * 0.5 + i * (W * 0.5 - mx) / (len(cols) - 1) for i in range(1, len(cols))]
    for i, c in enumerate(cols):
        p.text(xs[i] if i in (0, 1) else xs[i], c, "l" if i < 2 else "r")
    p.nl()
    sub = 0.0
    scale = rng.choice([1, 1, 10, 100, 1000])
    items = []
    for k in range(rng.randint(1, 8)):
        q = rng.randint(1, 20)
        up = round(rng.uniform(5, 900) * scale, 2)
        amt = round(q * up, 2)
        sub += amt
        desc = rng.choice(_SERVICES[lang])  # drawn where the cells drew it: same documents
        items.append({"description": desc, "quantity": str(q), "unit_price": f"{up:.2f}",
                      "amount": f"{amt:.2f}"})
        cells = [str(k + 1), desc, str(q), money(up, lang, grp),
                 money(amt, lang, grp)][-len(cols):] if len(cols) == 5 else \
            [desc, str(q), money(up, lang, grp), money(amt, lang, grp)]
        for i, c in enumerate(cells):
            p.text(xs[i], c, "l" if i < 2 else "r")
        p.nl()
    sub = round(sub, 2)
    rate = rng.choice([20.0, 10.0, 5.5]) if lang == "fr" else rng.choice([19.0, 19.0, 7.0])
    tax = round(sub * rate / 100, 2)
    total = round(sub + tax, 2)
    truth.update(subtotal=f"{sub:.2f}", tax_amount=f"{tax:.2f}", total_amount=f"{total:.2f}",
                 line_items=items)
    p.nl()
    tl = W * rng.uniform(0.5, 0.6)
    cur = rng.choice(["€", " €", " EUR", ""])
    for lab, v, tag in ((rng.choice(L["subtotal"]), sub, "subtotal"),
                        (rng.choice(L["tax"]).replace("20", f"{rate:g}".replace(".", ",")).replace(
                            "19", f"{rate:g}"), tax, "tax_amount"),
                        (rng.choice(L["total"]), total, "total_amount")):
        s = money(v, lang, grp) + cur
        p.text(tl, lab)
        p.text(W - mx, s.strip(), "r", tag)
        p.nl()
    p.nl()
    if lang == "fr":
        p.text(mx, rng.choice(L["pay"]))
        p.nl()
    p.y = H - rng.uniform(50, 80)
    p.text(mx, f"IBAN {rng.choice(['DE', 'FR'])}{rng.randint(10, 99)} {rng.randint(1000, 9999)} "
               f"{rng.randint(1000, 9999)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
           size=p.sz * 0.8)
    p.nl()
    if lang == "de":
        named = logo or rng.random() < 0.5
        p.text(mx, (f"{vend} · " if named else "")
               + f"{rng.choice(L['footer'])} {fk.city()} HRB {rng.randint(1000, 99999)}",
               size=p.sz * 0.8)
        p.nl()
    elif logo or rng.random() < 0.5:
        capital = f"{rng.choice([1000, 5000, 8000, 10000, 50000]):,}".replace(",", " ")
        p.text(mx, f"{vend} au capital de {capital} € - {vaddr[0]} {vaddr[1]} - RCS {fk.city()}",
               size=p.sz * 0.8)
        p.nl()
    return p.cv, truth


# --- US TV-station (media) invoice ----------------------------------------------------------
def invoice_us_media(rng: random.Random) -> tuple[_Canvas, dict[str, Any]]:
    L = labels()["en_us"]
    fk = _fk("en", rng)
    W, H = 612.0, 792.0
    p = _Page(rng, W, H, rng.uniform(7, 9))
    truth: dict[str, Any] = {"currency": "USD"}
    mx = rng.uniform(30, 50)
    call = rng.choice(_STATIONS) + rng.choice(["-TV", "-TV", "", "-DT"])
    station = rng.choice([f"{call}", f"{fk.last_name()} Broadcasting {rng.choice(['LLC', 'Inc.', 'Company'])}",
                          f"{call} {fk.city()}"])
    truth["vendor_name"] = station
    p.text(mx, station, tag="vendor_name", size=p.sz * rng.uniform(1.3, 1.8))
    p.nl(1.6)
    for ln in (fk.street_address(), f"{fk.city()}, {fk.state_abbr()} {fk.zipcode()}"):
        p.text(mx, ln)
        p.nl()
    p.text(W - mx, rng.choice(["INVOICE", "Invoice", "STATEMENT / INVOICE", "BROADCAST INVOICE"]),
           "r", size=p.sz * 1.6, y=p.y - 3 * p.lh)
    p.nl()
    d = _date(rng)
    invno = rng.choice(["", "", "INV", f"{d.year % 100}-"]) + str(rng.randint(10000, 9999999))
    adv = rng.choice([fk.company(), f"{fk.name()} for {rng.choice(['Congress', 'Senate', 'Governor', 'Mayor'])}",
                      f"{fk.last_name()} {rng.choice(['Motors', 'Furniture', 'Law Firm', 'Dental'])}"])
    agency = fk.company() + rng.choice([" Media", " Advertising", " Agency", ""])
    truth.update(invoice_number=invno, invoice_date=d.isoformat(), customer_name=adv)
    cells = [(rng.choice(L["media_invoice_no"]), invno, "invoice_number"),
             (rng.choice(L["media_invoice_date"]), day(d, "en", rng), "invoice_date"),
             (rng.choice(L["media_advertiser"]), adv, "customer_name"),
             (rng.choice(L["media_order"]), str(rng.randint(1000, 999999)), None)]
    if rng.random() < 0.6:
        s = d - timedelta(days=rng.randint(20, 40))
        cells.append((rng.choice(L["media_period"]), f"{s.month}/{s.day}/{s.year % 100:02d} - "
                                                      f"{d.month}/{d.day}/{d.year % 100:02d}", None))
    if rng.random() < 0.5:  # what was advertised, beside who advertised it: never the customer
        cells.append((rng.choice(L["media_product"]), rng.choice(L["media_product_value"]), None))
    rng.shuffle(cells)
    grid = rng.random() < 0.5
    if grid:  # labels in one row, values under them; the advertiser on its own line
        adv_cell = next(c for c in cells if c[2] == "customer_name")
        row = [c for c in cells if c is not adv_cell]
        cw = (W - 2 * mx) / len(row)
        for i, (lab, _, _) in enumerate(row):
            p.text(mx + i * cw, lab, size=p.sz * 0.85)
        p.nl()
        for i, (_, v, tag) in enumerate(row):
            p.text(mx + i * cw, v, tag=tag)
        p.nl(1.5)
        p.kv(mx, adv_cell[0], adv, "customer_name", "right")
    else:
        mode = rng.choice(["right", "right", "below"])
        kx = W * rng.uniform(0.5, 0.6)
        for lab, v, tag in cells:
            p.kv(kx, lab, v, tag, mode, kx + W * 0.16 if mode == "right" else None)
    p.nl()
    p.text(mx, rng.choice(L["media_agency"]) + rng.choice([":", ""]))
    p.nl()
    for ln in (agency, fk.street_address(), f"{fk.city()}, {fk.state_abbr()} {fk.zipcode()}"):
        p.text(mx, ln)
        p.nl()
    p.nl()
    p.text(mx, rng.choice(L["media_spot_head"]))
    p.nl()
    gross = 0.0
    s = d - timedelta(days=30)
    spots = []
    for _ in range(rng.randint(2, 16)):
        sd = s + timedelta(days=rng.randint(0, 29))
        rate = float(rng.choice([25, 50, 75, 100, 150, 200, 350, 500, 750, 1200, 2500]))
        gross += rate
        spot = (f"{sd.month:02d}/{sd.day:02d}/{sd.year % 100:02d} {sd.strftime('%a').upper()} "
                f"{rng.randint(5, 11)}:{rng.choice(['00', '15', '30', '45'])}"
                f"{rng.choice(['A', 'P'])} :{rng.choice(['15', '30', '60'])} "
                f"{rng.choice(_PROGRAMS)}")
        spots.append({"description": spot, "amount": f"{rate:.2f}"})
        p.text(mx, spot)
        p.text(W - mx, f"{rate:,.2f}", "r")
        p.nl()
    gross = round(gross, 2)
    truth["total_amount"] = f"{gross:.2f}"
    truth["line_items"] = spots
    p.nl()
    tl = W * rng.uniform(0.5, 0.6)
    p.text(tl, rng.choice(L["media_gross"]))
    p.text(W - mx, f"{rng.choice(['', '$'])}{gross:,.2f}", "r", "total_amount")
    p.nl()
    if rng.random() < 0.6:
        comm = round(gross * 0.15, 2)
        p.text(tl, rng.choice(L["media_comm"]))
        p.text(W - mx, f"({comm:,.2f})" if rng.random() < 0.5 else f"-{comm:,.2f}", "r")
        p.nl()
        p.text(tl, rng.choice(L["media_net"]))
        p.text(W - mx, f"{gross - comm:,.2f}", "r")
        p.nl()
    return p.cv, truth


Builder = Callable[[random.Random], tuple[_Canvas, dict[str, Any]]]
# layout -> (doc type, language, builder)
LAYOUTS: dict[str, tuple[str, str, Builder]] = {
    "receipt_de": ("receipt", "de", receipt_de),
    "receipt_us_restaurant": ("receipt", "en", receipt_us_restaurant),
    "invoice_fr": ("invoice", "fr", lambda rng: invoice_eu(rng, "fr")),
    "invoice_de": ("invoice", "de", lambda rng: invoice_eu(rng, "de")),
    "invoice_us_media": ("invoice", "en", invoice_us_media),
}


def generate(seed: int, layout: str | None = None, noise: float | None = None
             ) -> tuple[IngestedDocument, dict[str, Any]]:
    """One document of `layout` (drawn when None) and its truth, deterministic per seed."""
    rng = random.Random(seed)
    layout = layout or rng.choice(sorted(LAYOUTS))
    doc_type, lang, build = LAYOUTS[layout]
    cv, truth = build(rng)
    protect = {i for spans in cv.spans.values() for s, e in spans for i in range(s, e)}
    lvl = rng.choice([0.0, 0.0, 0.03, 0.08]) if noise is None else noise
    if lvl:
        _noise(cv.words, rng, lvl, protect)
    lines: dict[int, list[str]] = {}
    for w in cv.words:
        lines.setdefault(w.line, []).append(w.text)
    text = "\n".join(" ".join(ws) for _, ws in sorted(lines.items()))
    page = Page(1, cv.width, cv.height, cv.words, text, ocr=bool(lvl))
    h = hashlib.sha256(f"regional-{layout}-{seed}".encode()).hexdigest()
    doc = IngestedDocument(f"regional-{seed}.pdf", h, "application/pdf", 0, [page])
    truth["_spans"] = cv.spans
    truth["_doc_type"] = doc_type
    truth["_layout"] = layout
    truth["_lang"] = lang
    return doc, truth
