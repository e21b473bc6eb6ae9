"""Generated structured e-invoices with their truth, for tests and the e-invoice benchmark.

Every profile a German or French buyer must accept: Factur-X / ZUGFeRD MINIMUM, BASIC WL,
BASIC, EN 16931, EXTENDED and XRECHNUNG in UN/CEFACT CII (written with `drafthorse`, which
validates each against its schema), and UBL 2.1 as Peppol BIS Billing 3.0 / XRechnung UBL
(written with `factur-x`, also validated). The Factur-X ones come inside a PDF that shows the
same invoice (`as_pdf`), the others as XML files.

The truth holds what each profile can carry (MINIMUM has no due date, lines or IBAN...), as
CONTRACT.md's normalized values.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

CII_PROFILES: dict[str, tuple[str, str]] = {  # name -> (guideline id, drafthorse schema)
    "MINIMUM": ("urn:factur-x.eu:1p0:minimum", "FACTUR-X_MINIMUM"),
    "BASIC WL": ("urn:factur-x.eu:1p0:basicwl", "FACTUR-X_BASIC-WL"),
    "BASIC": ("urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic", "FACTUR-X_BASIC"),
    "EN 16931": ("urn:cen.eu:en16931:2017", "FACTUR-X_EN16931"),
    "EXTENDED": ("urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended",
                 "FACTUR-X_EXTENDED"),
    "XRECHNUNG": ("urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
                  "FACTUR-X_EN16931"),
}
UBL_PROFILE = "UBL PEPPOL"
PROFILES = (*CII_PROFILES, UBL_PROFILE)
# What each profile carries beyond the header and totals.
HAS_ADDRESS = {"BASIC WL", "BASIC", "EN 16931", "EXTENDED", "XRECHNUNG", UBL_PROFILE}
HAS_PAYMENT = HAS_ADDRESS  # due date, terms, IBAN
HAS_LINES = {"BASIC", "EN 16931", "EXTENDED", "XRECHNUNG", UBL_PROFILE}

SELLERS = (
    ("Atelier Dupont SARL", "FR", "12 rue de la République", "69002", "Lyon", "FR40303265045",
     "FR7630006000011234567890189"),
    ("Müller Maschinenbau GmbH", "DE", "Industriestraße 14", "70565", "Stuttgart",
     "DE136695976", "DE89370400440532013000"),
    ("Van Dijk Logistiek B.V.", "NL", "Havenweg 3", "3011 AA", "Rotterdam", "NL000099998B57",
     "NL91ABNA0417164300"),
    ("Rossi Forniture S.r.l.", "IT", "Via Roma 21", "20121", "Milano", "IT00743110157",
     "IT60X0542811101000000123456"),
)
BUYERS = (
    ("Contoso Handel AG", "DE", "Lindenallee 2", "10115", "Berlin"),
    ("Globex SAS", "FR", "8 avenue Foch", "75116", "Paris"),
    ("Initech Belgium NV", "BE", "Kunstlaan 5", "1000", "Brussel"),
)
ITEMS = ("Beratung", "Consulting services", "Maintenance annuelle", "Ersatzteile", "Transport",
         "Software licence", "Formation", "Montage")
UNITS = {"Beratung": "HUR", "Consulting services": "HUR", "Formation": "HUR"}  # else pieces
TAX_RATES = (Decimal("19"), Decimal("20"), Decimal("21"), Decimal("22"))
CENT = Decimal("0.01")


@dataclass(slots=True)
class GeneratedEInvoice:
    profile: str
    syntax: str  # "cii" | "ubl"
    xml: bytes
    truth: dict[str, Any]  # CONTRACT.md field -> normalized value
    lines: list[dict[str, str]] = field(default_factory=list)  # shown on the PDF
    data: dict[str, Any] = field(default_factory=dict)  # what the PDF shows


def _money(d: Decimal) -> str:
    return str(d.quantize(CENT))


def _invoice_data(rng: random.Random) -> dict[str, Any]:
    seller = rng.choice(SELLERS)
    buyer = rng.choice(BUYERS)
    issue = date(2026, 1, 1) + timedelta(days=rng.randrange(330))
    rate = rng.choice(TAX_RATES)
    lines = []
    for i in range(rng.randint(1, 4)):
        name = rng.choice(ITEMS)
        qty = Decimal(rng.randint(1, 12))
        price = Decimal(rng.randint(1500, 250000)) / 100
        lines.append({"id": str(i + 1), "name": name, "qty": qty, "price": price,
                      "amount": (qty * price).quantize(CENT), "unit": UNITS.get(name, "H87")})
    net = sum((ln["amount"] for ln in lines), Decimal("0"))
    tax = (net * rate / 100).quantize(CENT)
    days = rng.choice((14, 30, 45, 60))
    return {
        "number": f"{rng.choice(('RE', 'F', 'INV', 'FA'))}-{issue.year}-{rng.randint(1, 99999):05d}",
        "issue": issue, "due": issue + timedelta(days=days), "days": days,
        "currency": "EUR", "po": f"PO-{rng.randint(1000, 99999)}",
        "seller": seller, "buyer": buyer, "rate": rate, "lines": lines,
        "net": net, "tax": tax, "gross": net + tax, "buyer_ref": f"04011000-{rng.randint(10000, 99999)}-03",
    }


def _truth(d: dict[str, Any], profile: str) -> dict[str, Any]:
    name, country, street, postcode, city, vat, iban = d["seller"]
    t: dict[str, Any] = {
        "invoice_number": d["number"], "invoice_date": d["issue"].isoformat(),
        "currency": d["currency"], "vendor_name": name, "vendor_tax_id": vat,
        "customer_name": d["buyer"][0], "po_number": d["po"],
        "subtotal": _money(d["net"]), "tax_amount": _money(d["tax"]),
        "total_amount": _money(d["gross"]),
    }
    if profile in HAS_ADDRESS:
        t["vendor_address"] = f"{street}, {postcode} {city}, {country}"
    if profile in HAS_PAYMENT:
        t["due_date"] = d["due"].isoformat()
        t["iban"] = iban
        t["payment_terms"] = f"Net {d['days']}"
    if profile in HAS_LINES:
        t["line_items"] = [{"description": ln["name"], "quantity": str(ln["qty"]),
                            "unit_price": _money(ln["price"]), "amount": _money(ln["amount"])}
                           for ln in d["lines"]]
    return t


def _cii(d: dict[str, Any], profile: str) -> bytes:
    from drafthorse.models.accounting import ApplicableTradeTax
    from drafthorse.models.document import Document
    from drafthorse.models.party import TaxRegistration
    from drafthorse.models.payment import PaymentTerms
    from drafthorse.models.tradelines import LineItem

    guideline, schema = CII_PROFILES[profile]
    name, country, street, postcode, city, vat, iban = d["seller"]
    bname, bcountry, bstreet, bpostcode, bcity = d["buyer"]
    doc = Document()
    doc.context.guideline_parameter.id = guideline
    doc.header.id = d["number"]
    doc.header.type_code = "380"
    doc.header.issue_date_time = d["issue"]
    agreement, settlement = doc.trade.agreement, doc.trade.settlement
    agreement.buyer_reference = d["buyer_ref"]
    agreement.seller.name = name
    agreement.seller.address.country_id = country
    agreement.seller.tax_registrations.add(TaxRegistration(id=("VA", vat)))
    agreement.buyer.name = bname
    agreement.buyer_order.issuer_assigned_id = d["po"]
    if profile in HAS_ADDRESS:
        agreement.seller.address.line_one = street
        agreement.seller.address.postcode = postcode
        agreement.seller.address.city_name = city
        agreement.buyer.address.line_one = bstreet
        agreement.buyer.address.postcode = bpostcode
        agreement.buyer.address.city_name = bcity
        agreement.buyer.address.country_id = bcountry
    settlement.currency_code = d["currency"]
    summation = settlement.monetary_summation
    if profile != "MINIMUM":
        from drafthorse.models.payment import PaymentMeans

        means = PaymentMeans()
        means.type_code = "58"  # SEPA credit transfer
        means.payee_account.iban = iban
        settlement.payment_means.add(means)
        terms = PaymentTerms()
        terms.description = f"Net {d['days']}"
        terms.due = d["due"]
        settlement.terms.add(terms)
        tax = ApplicableTradeTax()
        tax.calculated_amount = d["tax"]
        tax.basis_amount = d["net"]
        tax.type_code = "VAT"
        tax.category_code = "S"
        tax.rate_applicable_percent = d["rate"]
        settlement.trade_tax.add(tax)
        summation.line_total = d["net"]
        summation.charge_total = Decimal("0.00")
        summation.allowance_total = Decimal("0.00")
    if profile in HAS_LINES:
        for ln in d["lines"]:
            li = LineItem()
            li.document.line_id = ln["id"]
            li.product.name = ln["name"]
            li.agreement.net.amount = ln["price"]
            li.delivery.billed_quantity = (ln["qty"], ln["unit"])
            li.settlement.trade_tax.type_code = "VAT"
            li.settlement.trade_tax.category_code = "S"
            li.settlement.trade_tax.rate_applicable_percent = d["rate"]
            li.settlement.monetary_summation.total_amount = ln["amount"]
            doc.trade.items.add(li)
    summation.tax_basis_total = d["net"]
    summation.tax_total = (d["tax"], d["currency"])
    summation.grand_total = d["gross"]
    summation.due_amount = d["gross"]
    return doc.serialize(schema=schema)


def _ubl(d: dict[str, Any]) -> bytes:
    from facturx.generate_xml import generate_xml

    name, country, street, postcode, city, vat, iban = d["seller"]
    bname, bcountry, bstreet, bpostcode, bcity = d["buyer"]
    data = {
        "BT-1": d["number"], "BT-2": d["issue"], "BT-3": "380", "BT-5": d["currency"],
        "BT-9": d["due"], "BT-10": d["buyer_ref"], "BT-13": d["po"],
        "BT-20": f"Net {d['days']}", "BT-81": "58", "BT-84": iban,
        "BG-4": {"name": name, "vat_identifier": vat, "country_code": country, "city": city,
                 "postcode": postcode, "addr_l1": street},
        "BG-7": {"name": bname, "country_code": bcountry, "city": bcity, "postcode": bpostcode,
                 "addr_l1": bstreet},
        "BG-25": [{"BT-126": ln["id"], "BT-153": ln["name"], "BT-129": float(ln["qty"]),
                   "BT-130": ln["unit"], "BT-146": float(ln["price"]),
                   "BT-131": float(ln["amount"]), "BT-151": "S", "BT-152": float(d["rate"])}
                  for ln in d["lines"]],
        "BG-23": [{"BT-116": float(d["net"]), "BT-117": float(d["tax"]), "BT-118": "S",
                   "BT-119": float(d["rate"])}],
        "BT-106": float(d["net"]), "BT-109": float(d["net"]), "BT-110": float(d["tax"]),
        "BT-112": float(d["gross"]), "BT-115": float(d["gross"]),
    }
    return generate_xml(data, flavor="ubl-2.1", level="en16931", check_schematron=False)


def generate_einvoice(profile: str, seed: int) -> GeneratedEInvoice:
    """One valid e-invoice of `profile` (one of PROFILES), deterministic per seed."""
    rng = random.Random(f"einvoice:{profile}:{seed}")
    d = _invoice_data(rng)
    if profile == UBL_PROFILE:
        xml, syntax = _ubl(d), "ubl"
    else:
        xml, syntax = _cii(d, profile), "cii"
    return GeneratedEInvoice(profile, syntax, xml, _truth(d, profile), data=d)


def visible_pdf(inv: GeneratedEInvoice, total_shown: Decimal | None = None) -> bytes:
    """The human-readable invoice as a PDF (reportlab); `total_shown` prints another total
    than the XML's, as a tampered or careless PDF would."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    d = inv.data
    name, country, street, postcode, city, vat, iban = d["seller"]
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    y = 800
    gross = d["gross"] if total_shown is None else total_shown
    lines = [name, f"{street}, {postcode} {city}", f"VAT ID: {vat}", "", "INVOICE",
             f"Invoice No: {d['number']}", f"Invoice Date: {d['issue'].isoformat()}",
             f"Due Date: {d['due'].isoformat()}", f"Bill To: {d['buyer'][0]}",
             f"PO: {d['po']}", "", "Description            Qty   Unit Price   Amount"]
    lines += [f"{ln['name']}   {ln['qty']}   {_money(ln['price'])}   {_money(ln['amount'])}"
              for ln in d["lines"]]
    lines += ["", f"Subtotal: {_money(d['net'])} {d['currency']}",
              f"VAT {d['rate']}%: {_money(d['tax'])} {d['currency']}",
              f"Total: {_money(gross)} {d['currency']}", f"IBAN: {iban}",
              f"Payment terms: Net {d['days']}"]
    for line in lines:
        c.drawString(60, y, line)
        y -= 16
    c.showPage()
    c.save()
    return buf.getvalue()


def as_pdf(inv: GeneratedEInvoice, total_shown: Decimal | None = None) -> bytes:
    """A Factur-X / ZUGFeRD PDF: the visible invoice with the XML attached (drafthorse)."""
    from drafthorse.pdf import attach_xml

    level = "EN 16931" if inv.profile == "XRECHNUNG" else inv.profile
    return attach_xml(visible_pdf(inv, total_shown), inv.xml, level=level)
