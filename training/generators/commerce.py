"""Invoices and shop receipts.

Why both here: they share money, tax and line-item vocabulary, and the model has to learn
what separates them (a receipt is a short, upper-case till print with cash/change/cashier;
an invoice bills a named customer with due dates, bank details and terms) — including
receipts headed "TAX INVOICE", as many shops print.
"""

from __future__ import annotations

from training.generators.common import Ctx, GeneratedDoc, wrap
from training.generators.invoices_intl import intl_invoice

# Labels per language, written for this project (no document was copied).
INV_LABELS = {
    "en": dict(title=["INVOICE", "Invoice", "TAX INVOICE", "Tax Invoice", "Commercial Invoice",
                      "Sales Invoice", "Billing Statement", "Invoice / Bill", "GST Invoice",
                      "Proforma Invoice", "Service Invoice", "VAT Invoice", "Credit Note"],
               no=["Invoice No", "Invoice #", "Invoice Number", "Bill No", "Document No",
                   "Inv. No.", "Reference"],
               date=["Invoice Date", "Date", "Date of issue", "Issued", "Billing Date"],
               due=["Due Date", "Payment Due", "Pay by", "Due"],
               bill=["Bill To", "Billed To", "Customer", "Sold To", "Invoice To", "Client"],
               ship=["Ship To", "Deliver To", "Shipping Address"],
               desc=["Description", "Item", "Product / Service", "Particulars", "Details"],
               qty=["Qty", "Quantity", "Units", "Hrs"], price=["Unit Price", "Rate", "Price"],
               amt=["Amount", "Line Total", "Total", "Net Amount"],
               sub=["Subtotal", "Sub Total", "Net Total", "Total excl. tax", "Taxable Value"],
               tax=["VAT", "Tax", "Sales Tax", "GST", "IGST", "CGST", "SGST", "VAT 20%"],
               total=["Total", "TOTAL DUE", "Amount Due", "Grand Total", "Balance Due",
                      "Total Payable", "Invoice Total"],
               terms=["Payment Terms: Net 30", "Terms: Net 15", "Payment due within 30 days",
                      "Due on receipt", "Terms: 2/10 Net 30", "Please pay within 14 days"],
               bank=["Bank details", "Remit to", "Payment information", "Wire transfer to"],
               thanks=["Thank you for your business!", "We appreciate your prompt payment.",
                       "Please include the invoice number with your payment.",
                       "Late payments are subject to a 1.5% monthly charge."]),
    "de": dict(title=["RECHNUNG", "Rechnung", "Rechnung Nr."], no=["Rechnungsnummer", "Rechnung Nr."],
               date=["Rechnungsdatum", "Datum"], due=["Fällig am", "Zahlbar bis"],
               bill=["Rechnungsempfänger", "Kunde"], ship=["Lieferadresse"],
               desc=["Beschreibung", "Artikel", "Leistung"], qty=["Menge", "Anz."],
               price=["Einzelpreis"], amt=["Betrag", "Gesamt"], sub=["Nettobetrag", "Zwischensumme"],
               tax=["MwSt. 19%", "USt 19%", "Umsatzsteuer"], total=["Gesamtbetrag", "Rechnungsbetrag",
                                                                      "Summe"],
               terms=["Zahlbar innerhalb von 14 Tagen ohne Abzug", "Zahlungsziel: 30 Tage"],
               bank=["Bankverbindung"], thanks=["Vielen Dank für Ihren Auftrag."]),
    "fr": dict(title=["FACTURE", "Facture", "Facture N°"], no=["Numéro de facture", "Facture n°"],
               date=["Date de facturation", "Date"], due=["Date d'échéance", "Échéance"],
               bill=["Client", "Facturé à"], ship=["Adresse de livraison"],
               desc=["Désignation", "Description"], qty=["Quantité", "Qté"],
               price=["Prix unitaire HT"], amt=["Montant HT", "Total HT"], sub=["Total HT"],
               tax=["TVA 20%", "TVA"], total=["Total TTC", "Montant TTC", "Net à payer"],
               terms=["Paiement à 30 jours", "Conditions de paiement : à réception"],
               bank=["Coordonnées bancaires", "RIB"], thanks=["Merci pour votre confiance."]),
    "nl": dict(title=["FACTUUR", "Factuur"], no=["Factuurnummer"], date=["Factuurdatum"],
               due=["Vervaldatum"], bill=["Klant", "Factuuradres"], ship=["Afleveradres"],
               desc=["Omschrijving", "Artikel"], qty=["Aantal"], price=["Prijs"],
               amt=["Bedrag"], sub=["Subtotaal"], tax=["BTW 21%"], total=["Totaal", "Te betalen"],
               terms=["Betaling binnen 14 dagen"], bank=["Bankgegevens"],
               thanks=["Bedankt voor uw bestelling."]),
    "pl": dict(title=["FAKTURA VAT", "Faktura", "Faktura VAT nr"], no=["Numer faktury"],
               date=["Data wystawienia", "Data sprzedaży"], due=["Termin płatności"],
               bill=["Nabywca"], ship=["Odbiorca"], desc=["Nazwa towaru lub usługi"],
               qty=["Ilość"], price=["Cena netto"], amt=["Wartość netto"], sub=["Razem netto"],
               tax=["VAT 23%", "Kwota VAT"], total=["Do zapłaty", "Razem brutto"],
               terms=["Sposób płatności: przelew 14 dni"], bank=["Nr konta"],
               thanks=["Sprzedawca", "Osoba upoważniona do wystawienia"]),
    "es": dict(title=["FACTURA", "Factura"], no=["Número de factura", "Factura N.º"],
               date=["Fecha de emisión", "Fecha"], due=["Vencimiento"], bill=["Cliente"],
               ship=["Dirección de envío"], desc=["Concepto", "Descripción"], qty=["Cantidad"],
               price=["Precio"], amt=["Importe"], sub=["Base imponible"], tax=["IVA 21%"],
               total=["Total factura", "Total a pagar"], terms=["Forma de pago: transferencia"],
               bank=["Datos bancarios"], thanks=["Gracias por su compra."]),
    "it": dict(title=["FATTURA", "Fattura"], no=["Numero fattura", "Fattura n."],
               date=["Data fattura"], due=["Scadenza"], bill=["Cliente", "Spett.le"],
               ship=["Destinazione merce"], desc=["Descrizione"], qty=["Quantità"],
               price=["Prezzo unitario"], amt=["Importo"], sub=["Imponibile"], tax=["IVA 22%"],
               total=["Totale documento", "Totale da pagare"], terms=["Pagamento: bonifico 30 gg"],
               bank=["Coordinate bancarie"], thanks=["Grazie per averci scelto."]),
}

CURRENCIES = ["$", "€", "£", "USD", "EUR", "GBP", "INR", "Rs.", "₹", "CHF", "PLN", "zł", "MYR",
              "RM", "AUD", "CAD", "JPY", "SGD", ""]

PRODUCTS = ["Consulting services", "Cloud hosting - monthly", "Software license (annual)",
            "Web development", "Office chairs", "Laptop 14\"", "Printer toner", "Freight charges",
            "Maintenance contract", "Data storage 500 GB", "Domain renewal", "Design work",
            "Installation", "Travel expenses", "Training session", "Support hours", "Cable 5m",
            "Steel bolts M8", "Packaging material", "Translation services", "Legal advice",
            "Catering", "Fiber internet subscription", "Mobile plan", "Electricity",
            "Espresso machine", "Spare parts", "Audit fee", "Marketing campaign", "SSD 1TB",
            "Hotel accommodation", "Room night", "Fuel - diesel", "Smartphone", "Headphones",
            "Compute instance hours", "API requests", "Bandwidth", "Pallet rental",
            "Cleaning services", "Security services", "Paper A4 (box)", "Subscription fee"]

_NUM_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
              "twenty", "thirty", "forty", "fifty", "hundred", "thousand", "and", "lakh",
              "rupees", "dollars", "euros", "cents", "paise", "eleven", "fifteen", "ninety"]

TAX_IDS = ["VAT No", "VAT Reg. No.", "GSTIN", "GST Reg No", "Tax ID", "EIN", "USt-IdNr.",
           "N° TVA intracommunautaire", "NIP", "BTW-nummer", "P.IVA", "CIF", "ABN", "PAN",
           "SIRET", "Steuernummer", "TIN"]


# Item rows: the table's columns, or one line per item with its labels inline ("qty 4 price
# 12.00"), as order systems and plain-text exports write them.
ITEM_ROWS = ["{name}{gap}{q}{gap}{p}{gap}{a}"] * 6 + [
    "{name} qty {q} price {p} {cur}", "{name} - {q} x {p} = {a}", "{name} Qty: {q} @ {p} {a}",
    "{q} x {name} {gap}{a}", "{name}, quantity {q}, unit price {p}, amount {a}"]
# A share of invoices carry a long item list (parts, telecom and freight bills run to pages):
# an invoice is not known by a short table only.
LONG_ITEMS_P = 0.08
LONG_ITEMS = (30, 120)


def _tax_id(ctx: Ctx) -> str:
    return ctx.pick([ctx.code("??#########"), ctx.code("##?????####?#Z#"), ctx.code("##-#######"),
                     ctx.code("###-###-###"), ctx.code("?##########"), ctx.code("### ### ###")])


def invoice(ctx: Ctx) -> GeneratedDoc:
    if ctx.chance(0.45):  # non-English, sector-specific, badly extracted layouts
        lines, lang = intl_invoice(ctx)
        return GeneratedDoc("invoice", None, lines, n_pages=1 + len(lines) // 60,
                            meta={"lang": lang, "intl": True})
    rng = ctx.rng
    lang = ctx.pick(["en"] * 8 + ["de", "fr", "nl", "pl", "es", "it"])
    L = {k: v for k, v in INV_LABELS[lang].items()}
    if lang != "en" and ctx.chance(0.4):  # bilingual / mixed labels happen a lot
        for k in ("total", "sub", "date", "desc"):
            L[k] = L[k] + INV_LABELS["en"][k]
    cur = ctx.pick(CURRENCIES)
    lines: list[str] = []
    vendor = ctx.company()
    customer = ctx.company() if ctx.chance(0.6) else ctx.person()
    head = [vendor] + ctx.address()
    if ctx.chance(0.7):
        head.append(f"{ctx.pick(TAX_IDS)}: {_tax_id(ctx)}")
    if ctx.chance(0.5):
        head.append(f"Tel: {ctx.phone()}")
    if ctx.chance(0.4):
        head.append(ctx.email(vendor.split()[0]))
    title = ctx.pick(L["title"])
    if ctx.chance(0.5):
        lines.append(title)
        lines += head
    else:
        lines += head
        lines.append("")
        lines.append(title)
    meta = [f"{ctx.pick(L['no'])}: {ctx.code()}", f"{ctx.pick(L['date'])}: {ctx.fmt_date()}"]
    if ctx.chance(0.7):
        meta.append(f"{ctx.pick(L['due'])}: {ctx.fmt_date()}")
    if ctx.chance(0.4):
        meta.append(f"{ctx.pick(['PO Number', 'P.O. #', 'Order No', 'Your reference', 'Order ID'])}:"
                    f" {ctx.code()}")
    if ctx.chance(0.3):
        meta.append(f"{ctx.pick(['Customer ID', 'Account No', 'Client No'])}: {ctx.code()}")
    ctx.rng.shuffle(meta)
    lines += meta
    lines.append("")
    lines.append(ctx.pick(L["bill"]) + ":")
    lines.append(customer)
    lines += ctx.address()
    if ctx.chance(0.3):
        lines.append(ctx.pick(L["ship"]) + ":")
        lines += ctx.address()
    lines.append("")
    cols = [ctx.pick(L["desc"]), ctx.pick(L["qty"]), ctx.pick(L["price"]), ctx.pick(L["amt"])]
    if ctx.chance(0.3):
        cols.insert(1, ctx.pick(["HSN/SAC", "SKU", "Code", "Art.-Nr."]))
    lines.append("  ".join(cols) if ctx.chance(0.7) else " | ".join(cols))
    subtotal = 0.0
    n_items = (ctx.rng.randint(*LONG_ITEMS) if ctx.chance(LONG_ITEMS_P)
               else ctx.rng.randint(1, 25 if ctx.chance(0.2) else 8))
    row = ctx.pick(ITEM_ROWS)
    for i in range(n_items):
        q = ctx.rng.randint(1, 40)
        p = ctx.amount(1, 2000)
        subtotal += q * p
        name = ctx.pick(PRODUCTS)
        if ctx.chance(0.3):
            name += f" - {ctx.en.word()} {ctx.en.word()}"
        num = f"{i + 1}. " if ctx.chance(0.3) else ""
        gap = " " * rng.choice([1, 2, 2, 4, 8, 16])
        lines.append(num + row.format(name=name, gap=gap, q=q, p=f"{p:,.2f}",
                                      a=f"{q * p:,.2f}", cur=cur.strip()).strip())
    rate = ctx.pick([0.0, 0.05, 0.07, 0.1, 0.18, 0.19, 0.2, 0.21, 0.22, 0.23, 0.06])
    tax = subtotal * rate
    lines.append(f"{ctx.pick(L['sub'])}: {cur}{subtotal:,.2f}")
    if rate:
        lines.append(f"{ctx.pick(L['tax'])} ({rate:.0%}): {cur}{tax:,.2f}")
    if ctx.chance(0.2):
        lines.append(f"Shipping: {cur}{ctx.amount(5, 80):,.2f}")
    lines.append(f"{ctx.pick(L['total'])}: {cur}{subtotal + tax:,.2f}")
    if ctx.chance(0.3):
        lines.append(ctx.pick(["Amount in words: ", "In words: "]) + " ".join(
            ctx.pick(_NUM_WORDS) for _ in range(ctx.rng.randint(2, 6))).upper() + " ONLY")
    if ctx.chance(0.7):
        lines.append("")
        lines.append(ctx.pick(L["terms"]))
    if ctx.chance(0.6):
        lines.append(ctx.pick(L["bank"]) + ":")
        if ctx.chance(0.6):
            lines.append("IBAN: " + ctx.code("??## #### #### #### #### ##"))
            lines.append("BIC: " + ctx.code("????????"))
        else:
            lines.append(f"Account: {ctx.code('##########')}  Routing/IFSC: {ctx.code('????0######')}")
    if ctx.chance(0.5):
        lines.append(ctx.pick(L["thanks"]))
    if ctx.chance(0.25):
        lines += wrap(ctx.pick([
            "This is a computer generated invoice and does not require a signature.",
            "Goods once sold will not be taken back. Subject to local jurisdiction.",
            "Reverse charge: VAT to be accounted for by the recipient.",
            "All amounts are billed in the currency stated above. Questions about this bill? "
            "Contact our billing department.",
            "Declaration: we declare that this invoice shows the actual price of the goods "
            "described and that all particulars are true and correct."]), 80)
    if ctx.chance(0.2):  # cloud/utility style: usage summary pages
        for _ in range(ctx.rng.randint(3, 20)):
            lines.append(f"{ctx.pick(PRODUCTS)}  {ctx.rng.randint(1, 9999)} units  "
                         f"{cur}{ctx.amount(0, 300):,.2f}")
    n_pages = 1 + len(lines) // 60
    return GeneratedDoc("invoice", None, lines, n_pages=n_pages, meta={"lang": lang})


SHOP_KINDS = ["MINI MARKET", "HARDWARE", "BOOKSTORE", "RESTAURANT", "CAFE", "PHARMACY",
              "STATIONERY", "TRADING", "ENTERPRISE", "SUPERMARKET", "BAKERY", "KEDAI RUNCIT",
              "GROCER", "FOOD COURT", "PETROL STATION", "ELECTRICAL", "FURNITURE", "DELI"]
RECEIPT_ITEMS = ["MILO 1KG", "BREAD WHITE", "MINERAL WATER 1.5L", "NASI LEMAK", "TEH TARIK",
                 "KOPI O", "CHICKEN RICE", "A4 PAPER 70GSM", "PEN BLUE 0.5", "SCREW 2IN",
                 "PAINT BRUSH 2\"", "SUGAR 1KG", "EGG GRADE A 10S", "MAGGI CURRY", "COCA COLA",
                 "PANADOL 10S", "TISSUE BOX", "BATTERY AA 4S", "CABLE TIE", "LATTE", "CROISSANT",
                 "BURGER SET", "FRIES L", "ICE LEMON TEA", "RICE 5KG", "COOKING OIL 2KG",
                 "SOAP BAR", "NOTEBOOK A5", "GLUE STICK", "PVC PIPE 1/2", "CEMENT 50KG",
                 "ROTI CANAI", "MEE GORENG", "SPRITE 325ML", "DETERGENT 3KG", "FLOUR 1KG"]


def _parking_or_ticket(ctx: Ctx, cur: str) -> list[str]:
    """Machine-issued receipts: parking, tolls, self-service kiosks. Headed "TAX INVOICE" as
    often as not, and still receipts: the amount was tendered and change given."""
    rng = ctx.rng
    fee = rng.choice([1.0, 1.5, 2.0, 3.0, 4.5, 6.0, 10.0, 12.5])
    paid = fee + rng.choice([0, 0.5, 1, 5])
    t0 = f"{ctx.fmt_date()} {rng.randint(6, 21):02d}:{rng.randint(0, 59):02d}"
    return [ctx.pick([">>> TAX INVOICE <<<", "TAX INVOICE", "RECEIPT", "PARKING RECEIPT",
                      "** TAX INVOICE **"]),
            f"{ctx.pick(['Tax Invoice No.', 'Receipt No', 'Ticket No', 'Trans No'])}: "
            f"{ctx.code('####/####/#####')}", t0,
            f"{ctx.code('######')} {ctx.pick(['Pay parking ticket', 'Parking fee', 'Toll', 'Lost ticket', 'Car wash'])}"
            f" {fee:.2f} {cur}",
            f"{ctx.pick(['Entry', 'In'])}: {t0}  {ctx.pick(['Exit', 'Out'])}: {ctx.fmt_date()}",
            f"Length of stay: 0 Dy. {rng.randint(0, 9)} Hr. {rng.randint(0, 59)} Min.",
            ctx.code("#############  #####  ##########"),
            f"Total amount {fee:.2f} {cur}", f"{ctx.pick(['Accepted total', 'Paid', 'Cash'])} "
            f"{paid:.2f} {cur}", f"Change {paid - fee:.2f} {cur}",
            f"GST {ctx.pick(['0%', '6%', '@6%'])} {fee * 0.06:.2f} {cur}",
            ctx.pick(["** Thank you **", "Thank you", "Drive safely", "THANK YOU"])]


def _wholesale_bill(ctx: Ctx, cur: str) -> list[str]:
    """A delivery-van cash bill to a shop: names the buyer, yet is paid on delivery."""
    rng = ctx.rng
    lines = [ctx.pick(["TAX INVOICE / ADJUSTMENT NOTE", "CASH BILL", "CASH INVOICE",
                       "TAX INVOICE", "INVOICE", "DELIVERY ORDER / CASH BILL"]),
             f"{ctx.pick(['Cash Inv No', 'Cash Bill No', 'INV NO', 'Bill No'])}: {ctx.code()}",
             f"{ctx.code('??####')} Date: {ctx.fmt_date()}",
             ctx.company().upper()] + [a.upper() for a in ctx.address()[:3]]
    lines.append(f"{ctx.pick(['VE', 'SALESMAN', 'DRIVER', 'ROUTE'])}{ctx.code('##')}: "
                 f"{ctx.en.first_name()}({ctx.code('####')})")
    lines.append(f"DD: {ctx.fmt_date()} {rng.randint(6, 20):02d}:{rng.randint(0, 59):02d}")
    lines.append(ctx.pick(["Description U.P Iss Exc Sale Amt(RM)", "ITEM QTY U/PRICE AMOUNT",
                           "Description Qty Price Amount", "CODE DESCRIPTION QTY AMT"]))
    tot = 0.0
    for _ in range(rng.randint(2, 10)):
        up = round(rng.uniform(0.5, 9), 2)
        q = rng.randint(-4, 20)
        tot += up * q
        lines.append(f"{ctx.pick(RECEIPT_ITEMS)} {up:.2f} {q} {up * q:.2f}")
    lines += [f"Total 0% supplies: {tot:.2f}", f"Total 6% supplies (excl. GST): {tot * 0.3:.2f}",
              f"GST: {tot * 0.018:.2f}", f"{ctx.pick(['Total Payable', 'TOTAL', 'Nett Total'])}:"
              f" {cur}{tot * 1.02:.2f}"]
    lines += ctx.some(["E.&.O.E.", "Received above goods in good order and condition.",
                       "CUSTOMER'S COPY", "Cash payment on delivery. Thank you.",
                       "The recipient is required to adjust its input tax claims accordingly."],
                      1, 4)
    return lines


def receipt(ctx: Ctx) -> GeneratedDoc:
    rng = ctx.rng
    special = rng.random()
    if special < 0.25:
        cur = ctx.pick(["RM", "RM ", "$", "", "MYR "])
        head = [ctx.company().upper() if ctx.chance(0.5) else ctx.company()]
        if ctx.chance(0.5):
            head.append(f"({ctx.code('######-?')})")
        head += ctx.address()[: rng.randint(1, 3)]
        if ctx.chance(0.6):
            head.append(f"{ctx.pick(['GST Registration No.', 'GST ID', 'GST REG NO'])}: "
                        f"{ctx.code('############')}")
        body = _parking_or_ticket(ctx, cur) if special < 0.12 else _wholesale_bill(ctx, cur)
        return GeneratedDoc("receipt", None, head + body, n_pages=1)
    up = ctx.chance(0.75)
    cur = ctx.pick(["RM", "RM ", "$", "", "", "MYR ", "S$", "₹", "€", "£"])
    lines: list[str] = []
    name = (ctx.en.last_name() + " " + ctx.pick(SHOP_KINDS)) if ctx.chance(0.6) else ctx.company()
    if ctx.chance(0.4):
        name += ctx.pick([" SDN BHD", " SDN. BHD.", " (M) SDN BHD", " ENTERPRISE", " STORE"])
    lines.append(name)
    if ctx.chance(0.5):
        lines.append(f"({ctx.code('######-?')})" if ctx.chance(0.5) else f"CO. REG: {ctx.code()}")
    lines += ctx.address()[: rng.randint(1, 3)]
    if ctx.chance(0.6):
        lines.append(f"TEL: {ctx.phone()}")
    if ctx.chance(0.6):
        lines.append(f"{ctx.pick(['GST ID', 'GST REG NO', 'GST NO', 'SST ID', 'SST REG NO', 'TAX ID', 'ABN', 'VAT'])}"
                     f": {ctx.code('############')}")
    if ctx.chance(0.3):
        lines.append(ctx.email(ctx.en.word()))
    lines.append(ctx.pick(["TAX INVOICE", "SIMPLIFIED TAX INVOICE", "RECEIPT", "CASH SALE",
                           "OFFICIAL RECEIPT", "CASH BILL", "INVOICE", "SALES RECEIPT", "",
                           "CUSTOMER COPY", "RECEIPT / TAX INVOICE", "Tax Invoice", "GUEST CHECK",
                           "Cash Invoice", "TAX INVOICE", "ORDER #" + ctx.code("###"),
                           "INVOICE", "Invoice"]))
    meta = [f"{ctx.pick(['INVOICE NO', 'RECEIPT NO', 'BILL NO', 'DOC NO', 'TRANS NO', 'RCPT#', 'NO', 'Invoice No', 'INV NO', 'CHECK NO', 'Bill No'])}"
            f": {ctx.code()}",
            f"{ctx.pick(['DATE', 'DATE/TIME', 'DATE :', 'DT'])} {ctx.fmt_date()} "
            f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
            f"{':' + format(rng.randint(0, 59), '02d') if ctx.chance(0.5) else ''}"]
    if ctx.chance(0.6):
        meta.append(f"{ctx.pick(['CASHIER', 'CASHIER:', 'SALESPERSON', 'SERVED BY', 'OPERATOR'])}"
                    f" {ctx.en.first_name()}")
    if ctx.chance(0.4):
        meta.append(f"{ctx.pick(['TABLE', 'COUNTER', 'POS', 'TERMINAL'])} {rng.randint(1, 40)}")
    if ctx.chance(0.25):
        meta.append(f"{ctx.pick(['PAX', 'Pax', 'GUESTS'])}: {rng.randint(1, 8)}")
    if ctx.chance(0.2):
        meta.append(ctx.pick(["EAT IN", "TAKE AWAY", "DINE IN", "Take Away", "Eat In"]))
    if ctx.chance(0.2):
        meta.append(f"{ctx.pick(['MEMBER NO', 'MEMBER', 'CARD NO'])}: {ctx.code('##########')}")
    if ctx.chance(0.15):
        meta.append(f"SHOPPING HOURS {ctx.pick(['MON-SUN', 'SUN-THU', 'DAILY'])}:"
                    f"{rng.randint(7, 10)}00HRS-{rng.randint(20, 23)}00HRS")
    rng.shuffle(meta)
    lines += meta
    if ctx.chance(0.2):  # wholesaler cash bill: the buyer (a shop) is named on the receipt
        lines.append(ctx.pick(["", "SOLD TO:", "CUSTOMER:", "BILL TO"]))
        lines.append(ctx.company().upper())
        lines += [a.upper() for a in ctx.address()[:2]]
        if ctx.chance(0.5):
            lines.append(f"{ctx.pick(['SALESMAN', 'DRIVER', 'ROUTE', 'TERM'])}: {ctx.code('???##')}")
    lines.append(ctx.pick(["-" * rng.randint(20, 40), "=" * rng.randint(20, 40), "",
                           "QTY DESC AMT", "ITEM QTY PRICE TOTAL", "DESCRIPTION  QTY  RM"]))
    total = 0.0
    for _ in range(rng.randint(1, 14)):
        q = rng.randint(1, 6)
        p = ctx.amount(0.5, 60)
        total += q * p
        item = ctx.pick(RECEIPT_ITEMS)
        style = rng.random()
        if style < 0.12:
            lines.append(f"{q} {item.title() if ctx.chance(0.5) else item}")  # price lost/absent
        elif style < 0.22:
            lines.append(f"{q} {item}  {q * p:.2f}")
        elif style < 0.4:
            lines.append(f"{item} {q} X {p:.2f} {q * p:.2f}")
        elif style < 0.7:
            lines.append(item)
            lines.append(f"  {q} x {p:.2f}    {q * p:.2f}{ctx.pick(['', ' SR', ' ZR', ' S', ' T'])}")
        elif style < 0.85:
            if ctx.chance(0.5):
                lines.append(ctx.code("#############"))
            lines.append(f"{item}   {q * p:.2f}")
        else:  # code line with qty and tax code, name on the next line
            lines.append(f"{q}x{ctx.code('############')} {q * p:.2f}"
                         f"{ctx.pick(['SR', ' SR', 'ZR', ' S', ''])}")
            lines.append(item)
    lines.append(ctx.pick(["-" * 30, "", "=" * 30]))
    if ctx.chance(0.5):
        lines.append(f"{ctx.pick(['TOTAL QTY', 'ITEM COUNT', 'NO OF ITEMS'])}: {rng.randint(1, 20)}")
    if ctx.chance(0.5):
        lines.append(f"{ctx.pick(['SUB TOTAL', 'SUBTOTAL', 'TOTAL EXCL GST', 'SUB-TOTAL'])}"
                     f" {cur}{total:.2f}")
    if ctx.chance(0.6):
        lines.append(f"{ctx.pick(['GST 6%', 'SST 6%', 'SERVICE CHARGE 10%', 'TAX', 'GST @6%', 'VAT'])}"
                     f" {cur}{total * 0.06:.2f}")
    if ctx.chance(0.3):
        lines.append(f"ROUNDING {ctx.pick(['ADJ', 'ADJUSTMENT', ''])} {ctx.pick(['-', ''])}0.0"
                     f"{rng.randint(1, 4)}")
    lines.append(f"{ctx.pick(['TOTAL', 'TOTAL:', 'GRAND TOTAL', 'AMOUNT TO BE PAID', 'Total Sales Inclusive GST', 'TOTAL INCL. SST', 'TOTAL (INCL GST)', 'NETT TOTAL', 'TOTAL AMOUNT', 'TOTAL RM', 'AMOUNT DUE'])}"
                 f" {cur}{total * 1.06:.2f}")
    paid = total * 1.06 + rng.choice([0, 0.5, 1, 5, 10, 20, 50])
    tender = ctx.pick(["CASH", "CASH TENDERED", "CASH RECEIVED", "AMOUNT TENDERED", "VISA", "MASTERCARD", "DEBIT CARD", "PAID",
                       "CREDIT CARD", "E-WALLET", "TNG EWALLET"])
    lines.append(f"{tender} {cur}{paid:.2f}")
    if "CASH" in tender or ctx.chance(0.3):
        lines.append(f"{ctx.pick(['CHANGE', 'CHANGE DUE', 'BALANCE'])} {cur}{paid - total * 1.06:.2f}")
    if ctx.chance(0.25):
        lines.insert(len(lines) - 2, ctx.pick(["PAYMENT MODE  AMOUNT", "Payment Details",
                                                "PAYMENT", "TENDER"]))
    if ctx.chance(0.5):
        lines.append(ctx.pick(["GST SUMMARY  AMOUNT  TAX", "SR = 6% ZR = 0%", "TAX CODE  AMT  GST",
                               "Tax Summary", "GST Summary Amount(RM) Tax(RM)",
                               "TaxCode Amount Tax"]))
        lines.append(f"{ctx.pick(['SR', 'S', '6%', 'SR @ 6%'])} {total:.2f} {total * 0.06:.2f}")
        if ctx.chance(0.4):
            lines.append(f"{ctx.pick(['ZR', 'Z', '0%'])} 0.00 0.00")
    if ctx.chance(0.3):
        lines.append(f"{ctx.pick(['GST REG', 'GST ID', 'SST NO'])} #{ctx.code('############')}")
    lines += ctx.some(["THANK YOU", "THANK YOU. PLEASE COME AGAIN", "GOODS SOLD ARE NOT RETURNABLE",
                       "GOODS SOLD ARE NOT REFUNDABLE", "KEEP THIS RECEIPT FOR EXCHANGE",
                       "TERIMA KASIH", "HAVE A NICE DAY", "THANK YOU FOR SHOPPING WITH US",
                       "EXCHANGE WITHIN 7 DAYS WITH RECEIPT", "PRICE INCLUSIVE OF GST",
                       "** CUSTOMER COPY **", "THIS IS A COMPUTER GENERATED RECEIPT",
                       "WIFI PASSWORD: " + ctx.code("????####"), "E.&.O.E.",
                       "RECEIVED ABOVE GOODS IN GOOD ORDER AND CONDITION", "CUSTOMER'S COPY",
                       "NO REFUND OR EXCHANGE", "PLEASE CHECK YOUR CHANGE BEFORE LEAVING",
                       "SERVICE TAX 6%", "POWERED BY " + ctx.en.word().upper() + " POS",
                       "THANK YOU FOR YOUR PATRONAGE", "(PRICE INCLUSIVE OF GST)",
                       "LIKE AND FOLLOW US ON FACEBOOK", "PLEASE COME AGAIN",
                       "POINTS EARNED: " + str(rng.randint(1, 300)),
                       "VISIT US AT WWW." + ctx.en.word().upper() + ".COM",
                       "TOTAL SAVINGS " + f"{cur}{rng.uniform(0, 9):.2f}"], 0, 4)
    if not up:
        lines = [ln.title() if ctx.chance(0.7) else ln for ln in lines]
    return GeneratedDoc("receipt", None, lines, n_pages=1)
