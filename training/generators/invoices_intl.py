"""Invoices the plain template lacks: non-English, sector-specific and badly extracted ones.

Why: a model trained on one tidy English layout calls a Polish fuel invoice, a French
telecom bill or a two-column PDF text dump "other". The cues that make an invoice are the
same in every language (a seller and a buyer with tax ids, a number and date, net / tax /
gross amounts, a payment term or due date), so this module draws those roles from
per-language vocabularies and lays them out the ways PDF text extraction and OCR return
them: columns merged side by side, table headers broken over lines, odd spacing.
All wording is written for this project from general business vocabulary.
"""

from __future__ import annotations

from training.generators.common import Ctx, wrap

# Per language: role -> label variants.
LEX: dict[str, dict[str, list[str]]] = {
    "en": dict(
        title=["INVOICE", "Tax Invoice", "TAX INVOICE", "Invoice", "VAT INVOICE", "Bill",
               "Tax Invoice/Bill of Supply", "Retail Invoice", "Invoice / Bill", "Statement"],
        no=["Invoice No", "Invoice Number", "Invoice #", "Bill No", "Document number"],
        date=["Invoice Date", "Date of issue", "Bill Date", "Date"],
        due=["Due Date", "Payment due", "Please pay by", "Due by"],
        seller=["Sold By", "From", "Supplier", "Seller", "Issued by"],
        buyer=["Bill To", "Billing Address", "Customer", "Invoice To", "Buyer"],
        ship=["Ship To", "Shipping Address", "Delivery Address"],
        cust=["Customer No", "Account Number", "Customer ID", "Account"],
        pos=["#", "No", "Sl. No", "Item"], desc=["Description", "Product", "Item", "Service"],
        qty=["Qty", "Quantity"], unit=["Unit", "UoM"], price=["Unit Price", "Rate", "Price"],
        net=["Net Amount", "Amount excl. tax", "Net"], taxr=["Tax Rate", "VAT %", "Tax %"],
        taxa=["Tax Amount", "VAT", "Tax"], gross=["Total", "Amount", "Gross"],
        subtotal=["Subtotal", "Total net", "Taxable value"],
        total=["Total", "Grand Total", "Amount Due", "Total payable", "Invoice total",
               "Balance due"],
        words=["Amount in words", "In words"], pay=["Payment method", "Payment terms"],
        paymode=["Bank transfer", "Direct debit", "Credit card", "Net 30", "Net 14 days"],
        bank=["Bank details", "Bank account", "Remit to"], taxid=["VAT No", "Tax ID", "GSTIN",
                                                                   "VAT Reg No", "EIN"],
        page=["Page 1 of 2", "Page 1", "1/2"], sign=["Authorised Signatory",
                                                   "Authorized signature"]),
    "pl": dict(
        title=["Faktura VAT", "FAKTURA VAT", "Faktura", "Faktura VAT nr", "FAKTURA"],
        no=["Faktura nr", "Numer faktury", "Nr"], date=["Data wystawienia", "Data sprzedaży"],
        due=["Termin płatności", "Termin zapłaty"], seller=["Sprzedawca", "Wystawca"],
        buyer=["Nabywca", "Odbiorca"], ship=["Odbiorca", "Miejsce dostawy"],
        cust=["Nr klienta", "Kod klienta"], pos=["Lp", "Lp."],
        desc=["Nazwa towaru", "Nazwa towaru lub usługi", "Nazwa"], qty=["Ilość"],
        unit=["Jm", "J.m."], price=["Cena netto", "Cena brutto", "Cena jedn."],
        net=["Wartość netto"], taxr=["Stawka VAT", "VAT [%]"], taxa=["Kwota VAT"],
        gross=["Wartość brutto"], subtotal=["Razem", "w tym"],
        total=["Do zapłaty", "Należność ogółem", "Razem do zapłaty", "Suma"],
        words=["Słownie"], pay=["Forma płatności", "Sposób zapłaty"],
        paymode=["przelew", "gotówka", "karta", "przelew 14 dni"], bank=["Nr konta", "Bank"],
        taxid=["NIP", "REGON"], page=["Strona 1 z 2"], sign=["Podpis osoby upoważnionej",
                                                            "Wystawił", "Odebrał"]),
    "de": dict(
        title=["Rechnung", "RECHNUNG", "Rechnung Nr.", "Gutschrift", "Rechnung / Lieferschein"],
        no=["Rechnungsnummer", "Rechnungsnr.", "Rechnung Nr.", "Beleg-Nr."],
        date=["Rechnungsdatum", "Datum", "Lieferdatum", "Leistungsdatum"],
        due=["Zahlbar bis", "Fällig am", "Zahlungsziel"], seller=["Absender", "Verkäufer"],
        buyer=["Rechnungsempfänger", "Kunde", "Rechnungsadresse"], ship=["Lieferadresse"],
        cust=["Kundennummer", "Kundennr.", "Kunden-Nr."], pos=["Pos.", "Pos"],
        desc=["Beschreibung", "Bezeichnung", "Artikel", "Leistung"], qty=["Menge", "Anzahl"],
        unit=["Einheit", "ME"], price=["Einzelpreis", "VK-Preis", "E-Preis"],
        net=["Nettobetrag", "Netto"], taxr=["MwSt. %", "USt %"], taxa=["MwSt.", "USt."],
        gross=["Gesamtpreis", "Zeilenbetrag", "Betrag"], subtotal=["Zwischensumme",
                                                                   "Summe netto"],
        total=["Gesamtbetrag", "Rechnungsbetrag", "Endbetrag", "Zu zahlen"],
        words=["in Worten"], pay=["Zahlungsbedingungen", "Zahlungsart"],
        paymode=["Überweisung", "Lastschrift", "14 Tage netto", "sofort ohne Abzug"],
        bank=["Bankverbindung", "IBAN"], taxid=["USt-IdNr.", "Steuernummer", "St.-Nr."],
        page=["Seite 1", "Seite 1 von 2"], sign=["Geschäftsführer", "Amtsgericht HRB"]),
    "fr": dict(
        title=["Facture", "FACTURE", "Facture n°", "Facture acquittée", "Avoir"],
        no=["Facture n°", "Numéro de facture", "N° de facture"],
        date=["Date de facture", "Date d'émission", "Date"],
        due=["Date d'échéance", "Date limite de paiement", "Échéance"],
        seller=["Émetteur", "Vendeur"], buyer=["Client", "Adresse de facturation",
                                                "Destinataire"],
        ship=["Adresse de livraison"], cust=["N° client", "Id. client", "Référence client"],
        pos=["N°", "Réf."], desc=["Désignation", "Description", "Libellé"],
        qty=["Quantité", "Qté"], unit=["Unité"], price=["Prix unitaire HT", "P.U. HT"],
        net=["Montant HT", "Total HT"], taxr=["Taux TVA"], taxa=["Montant TVA", "TVA"],
        gross=["Montant TTC", "Total TTC"], subtotal=["Total HT", "Sous-total"],
        total=["Total TTC", "Net à payer", "Montant à payer", "Total facture"],
        words=["Arrêtée la présente facture à la somme de"],
        pay=["Conditions de paiement", "Mode de règlement"],
        paymode=["prélèvement", "virement", "chèque", "à réception"],
        bank=["Coordonnées bancaires", "RIB"], taxid=["SIRET", "N° TVA intracommunautaire",
                                                      "RCS", "APE"],
        page=["Page 1/2"], sign=["Pénalités de retard", "Indemnité forfaitaire de 40 €"]),
    "nl": dict(
        title=["Factuur", "FACTUUR", "Kopie factuur", "Creditfactuur"],
        no=["Factuurnummer", "Factuurnr.", "Factuur"], date=["Factuurdatum", "Datum"],
        due=["Vervaldatum", "Te betalen voor"], seller=["Leverancier", "Afzender"],
        buyer=["Factuuradres", "Klant"], ship=["Afleveradres"],
        cust=["Klantnummer", "Klant", "Debiteurnummer"], pos=["Nr.", "Artikel"],
        desc=["Omschrijving", "Artikel"], qty=["Aantal", "Hoeveelheid"], unit=["Eenheid"],
        price=["Prijs", "Stukprijs"], net=["Bedrag excl. BTW"], taxr=["BTW %"],
        taxa=["BTW", "BTW bedrag"], gross=["Bedrag", "Totaal"], subtotal=["Subtotaal",
                                                                          "Grondslag"],
        total=["Totaal incl. BTW", "Te betalen", "Factuur totaal", "Totaalbedrag"],
        words=["Bedrag in woorden"], pay=["Betalingsconditie", "Betaalwijze"],
        paymode=["overschrijving", "automatische incasso", "iDEAL", "30 dagen"],
        bank=["Bankrekening", "IBAN"], taxid=["BTW-nummer", "KvK", "BTW nr"],
        page=["Pagina 1 van 2"], sign=["Prijzen zijn inclusief BTW"]),
    "es": dict(
        title=["Factura", "FACTURA", "Factura simplificada", "Factura n.º"],
        no=["Nº factura", "Número de factura", "Factura n.º"], date=["Fecha", "Fecha de emisión"],
        due=["Vencimiento", "Fecha de vencimiento"], seller=["Emisor", "Proveedor"],
        buyer=["Cliente", "Datos del cliente", "Facturar a"], ship=["Dirección de envío"],
        cust=["Código cliente", "Nº cliente"], pos=["Ref.", "Nº"],
        desc=["Concepto", "Descripción"], qty=["Cantidad", "Uds."], unit=["Unidad"],
        price=["Precio", "Precio unitario"], net=["Base imponible", "Importe"],
        taxr=["% IVA"], taxa=["IVA", "Cuota IVA"], gross=["Total", "Importe"],
        subtotal=["Base imponible", "Subtotal"], total=["Total factura", "Total a pagar",
                                                        "TOTAL"],
        words=["Son"], pay=["Forma de pago"], paymode=["transferencia", "domiciliación",
                                                       "contado"],
        bank=["Cuenta bancaria", "IBAN"], taxid=["NIF", "CIF", "NIF/CIF"], page=["Página 1"],
        sign=["Inscrita en el Registro Mercantil"]),
    "it": dict(
        title=["Fattura", "FATTURA", "Fattura elettronica", "Fattura n."],
        no=["Fattura n.", "Numero documento", "N. documento"], date=["Data", "Data documento"],
        due=["Scadenza", "Data scadenza"], seller=["Cedente", "Fornitore"],
        buyer=["Cessionario", "Cliente", "Spett.le"], ship=["Destinazione"],
        cust=["Codice cliente"], pos=["Pos.", "Cod."], desc=["Descrizione"],
        qty=["Quantità", "Q.tà"], unit=["U.M."], price=["Prezzo unitario", "Prezzo"],
        net=["Imponibile"], taxr=["% IVA", "Aliquota"], taxa=["Imposta", "IVA"],
        gross=["Importo", "Totale"], subtotal=["Totale imponibile"],
        total=["Totale documento", "Totale da pagare", "Netto a pagare"],
        words=["Importo in lettere"], pay=["Modalità di pagamento", "Condizioni di pagamento"],
        paymode=["bonifico bancario", "RiBa 30 gg", "rimessa diretta"],
        bank=["IBAN", "Banca d'appoggio"], taxid=["P.IVA", "Codice fiscale", "C.F."],
        page=["Pagina 1 di 2"], sign=["Documento privo di valenza fiscale"]),
}

KIND_ITEMS = {
    "goods": ["Office chair", "Toner cartridge", "USB-C cable", "Monitor 27\"", "Steel bracket",
              "Pallet of paper", "Spare part kit", "Cleaning set", "Coffee beans 1 kg",
              "LED lamp", "Safety gloves", "Hard disk 2 TB", "Filter cartridge"],
    "telecom": ["Monthly subscription", "Fibre line rental", "Mobile plan", "Calls to mobiles",
                "International calls", "Data roaming", "Options and services",
                "Equipment rental", "One-off charges", "SMS bundle"],
    "cloud": ["Compute instance hours", "Object storage GB-month", "Data transfer out GB",
              "Managed database hours", "Load balancer hours", "API requests (millions)",
              "Mailbox licence per user", "Backup storage", "Support plan",
              "Hosted Exchange mailbox"],
    "hotel": ["Room charge", "Breakfast", "City tax", "Minibar", "Parking", "Laundry",
              "Restaurant", "Room service", "Late check-out"],
    "fuel": ["Diesel", "Unleaded 95", "Super 98", "LPG", "AdBlue", "Car wash", "Motor oil 1L"],
    "ecommerce": ["Memory card 64 GB", "Bluetooth headphones", "Phone case", "Running shoes",
                  "Kitchen blender", "Backpack 30L", "Power bank 10000mAh", "Book (paperback)",
                  "Smart watch strap", "LED desk lamp"],
    "services": ["Consulting hours", "Software development", "Project management",
                 "Maintenance fee", "Training day", "Audit services", "Translation",
                 "Design work", "Support hours", "Installation"],
}


def _lab(ctx: Ctx, lx: dict, key: str) -> str:
    return ctx.pick(lx[key])


def _num(ctx: Ctx, v: float, comma: bool) -> str:
    """1,234.56 / 1234.56 or, in comma locales, 1.234,56 / 1 234,56 / 1234,56."""
    if not comma:
        return f"{v:,.2f}" if ctx.chance(0.6) else f"{v:.2f}"
    sep = ctx.pick([".", " ", ""])
    return f"{v:,.2f}".replace(",", "X").replace(".", ",").replace("X", sep)


def side_by_side(ctx: Ctx, left: list[str], right: list[str]) -> list[str]:
    """Two layout columns as PDF text extraction often returns them: line i of the left
    block and line i of the right block on one line, separated by a few spaces."""
    n = max(len(left), len(right))
    left = left + [""] * (n - len(left))
    right = right + [""] * (n - len(right))
    gap = " " * ctx.pick([1, 1, 2, 4, 8])
    return [f"{a}{gap}{b}".strip() for a, b in zip(left, right, strict=True)]


def _party(ctx: Ctx, lx: dict, role: str, person_p: float = 0.3) -> list[str]:
    name = ctx.person() if ctx.chance(person_p) else ctx.company()
    out = [f"{_lab(ctx, lx, role)}:" if ctx.chance(0.6) else _lab(ctx, lx, role), name]
    if ctx.chance(0.4):
        out = [f"{_lab(ctx, lx, role)}: {name}"]
    addr = ctx.address()
    if ctx.chance(0.3):
        addr = [f"{ctx.pick(['Adres', 'Address', 'Adresse', 'Anschrift', 'Adres:'])} "
                f"{', '.join(addr)}"]
    out += addr
    if ctx.chance(0.7):
        out.append(f"{_lab(ctx, lx, 'taxid')}: {ctx.code(ctx.pick(['###-##-##-###', '##########', '??#########', '## ### ### ###', '##?????####?#Z#']))}")
    return out


def intl_invoice(ctx: Ctx) -> tuple[list[str], str]:
    """One invoice of a random kind and language; returns (lines, language)."""
    rng = ctx.rng
    lang = ctx.pick(["en", "en", "pl", "de", "fr", "nl", "es", "it"])
    lx = LEX[lang]
    if lang != "en" and ctx.chance(0.25):  # bilingual labels
        lx = {k: v + LEX["en"][k] for k, v in lx.items()}
    kind = ctx.pick(list(KIND_ITEMS))
    comma = lang != "en" and ctx.chance(0.8)
    cur = ctx.pick({"en": ["$", "USD", "£", "₹", "Rs.", "INR", "EUR", "S$", ""],
                    "pl": ["PLN", "zł", ""], "de": ["EUR", "€", ""], "fr": ["€", "EUR", ""],
                    "nl": ["EUR", "€", ""], "es": ["€", "EUR", ""],
                    "it": ["€", "EUR", ""]}[lang])

    def money(v: float) -> str:
        s = _num(ctx, v, comma)
        return s if not cur or ctx.chance(0.5) else (f"{s} {cur}" if ctx.chance(0.6)
                                                      else f"{cur}{s}")

    lines: list[str] = []
    seller = _party(ctx, lx, "seller", 0.1)
    if ctx.chance(0.5):  # letterhead: company name without the label
        seller = seller[1:] if len(seller) > 1 and not seller[0][-1].isalnum() else seller
    buyer = _party(ctx, lx, "buyer")
    title = _lab(ctx, lx, "title")
    head = [f"{title} {ctx.code() if ctx.chance(0.5) else ''}".strip()]
    meta = [f"{_lab(ctx, lx, 'no')}: {ctx.code()}", f"{_lab(ctx, lx, 'date')}: {ctx.fmt_date()}"]
    if ctx.chance(0.6):
        meta.append(f"{_lab(ctx, lx, 'due')}: {ctx.fmt_date()}")
    if ctx.chance(0.5):
        meta.append(f"{_lab(ctx, lx, 'cust')}: {ctx.code()}")
    if kind == "ecommerce":
        meta += [f"{ctx.pick(['Order ID', 'Order Number', 'Order No'])}: {ctx.code('??############')}",
                 f"Order Date: {ctx.fmt_date()}"]
        if ctx.chance(0.6):
            meta.append(f"{ctx.pick(['GSTIN', 'PAN No', 'GST Registration No', 'VAT/TIN'])}: "
                        f"{ctx.code('##?????####?#Z#')}")
    if kind == "hotel":
        meta += [f"Guest: {ctx.person()}", f"Room: {rng.randint(100, 999)}",
                 f"Arrival: {ctx.fmt_date()}", f"Departure: {ctx.fmt_date()}",
                 f"Folio No: {ctx.code()}"]
    if kind in ("telecom", "cloud"):
        meta += [f"{ctx.pick(['Billing period', 'Période', 'Abrechnungszeitraum', 'Okres rozliczeniowy'])}:"
                 f" {ctx.fmt_date()} - {ctx.fmt_date()}",
                 f"{ctx.pick(['Account ID', 'Line number', 'Numéro de ligne', 'Vertragsnummer', 'Contract No.'])}:"
                 f" {ctx.code()}"]
    rng.shuffle(meta)
    layout = rng.random()
    if layout < 0.35:  # sender | meta side by side, then buyer | ship-to side by side
        lines += head + side_by_side(ctx, seller, meta)
        ship = _party(ctx, lx, "ship", 0.5) if ctx.chance(0.5) else []
        lines += side_by_side(ctx, buyer, ship)
    elif layout < 0.6:  # buyer window first (letter layout), title and meta below
        lines += seller[:2] if ctx.chance(0.5) else []
        lines += buyer + head + meta
    else:
        lines += head + seller + buyer + meta
    # Table header, sometimes broken over two or three lines as extraction does.
    cols = [_lab(ctx, lx, k) for k in ctx.pick([
        ("pos", "desc", "qty", "price", "gross"), ("pos", "desc", "unit", "qty", "price", "net",
                                                   "taxr", "taxa", "gross"),
        ("desc", "qty", "price", "taxr", "gross"), ("desc", "net", "taxa", "gross"),
        ("pos", "qty", "desc", "price", "net")])]
    if ctx.chance(0.35):
        top = [c.split()[0] if " " in c else "" for c in cols]
        bottom = [" ".join(c.split()[1:]) if " " in c else c for c in cols]
        lines += [" ".join(t for t in top if t), " ".join(bottom)]
    else:
        lines.append(ctx.pick(["  ", " ", " | ", "\t"]).join(cols))
    net_sum = tax_sum = 0.0
    rate = ctx.pick([0.23, 0.19, 0.2, 0.21, 0.22, 0.1, 0.08, 0.07, 0.18, 0.05, 0.0])
    for i in range(rng.randint(1, 12)):
        q = rng.randint(1, 30) if kind != "fuel" else round(rng.uniform(5, 80), 2)
        p = ctx.amount(1, 900) if kind != "fuel" else round(rng.uniform(1, 8), 2)
        net = q * p
        tax = net * rate
        net_sum += net
        tax_sum += tax
        item = ctx.pick(KIND_ITEMS[kind])
        if ctx.chance(0.3):
            item += " " + ctx.code(ctx.pick(["??########", "####-##", "?#####"]))
        parts = [str(i + 1), item, ctx.pick(["szt", "l", "Stk", "pcs", "h", "u", "1", ""]),
                 f"{q}", money(p), money(net), f"{rate:.0%}", money(tax), money(net + tax)]
        keep = sorted(ctx.some(range(len(parts)), 4, len(parts)))
        if 1 not in keep:
            keep = sorted(set(keep) | {1})
        sep = " " * ctx.pick([1, 1, 2, 3])
        lines.append(sep.join(parts[k] for k in keep))
        if ctx.chance(0.25):
            lines.append(ctx.pick([f"{ctx.fmt_date()}-{ctx.fmt_date()}", "HSN: " + ctx.code("########"),
                                   "FSN: " + ctx.code("????########"), ctx.en.catch_phrase()]))
    lines.append(f"{_lab(ctx, lx, 'subtotal')}: {money(net_sum)}  {money(tax_sum)}  "
                 f"{money(net_sum + tax_sum)}" if ctx.chance(0.5) else
                 f"{_lab(ctx, lx, 'subtotal')} {money(net_sum)}")
    if rate and ctx.chance(0.7):
        lines.append(f"{_lab(ctx, lx, 'taxa')} {rate:.0%} {money(tax_sum)}")
    lines.append(f"{_lab(ctx, lx, 'total')}: {money(net_sum + tax_sum)}")
    if ctx.chance(0.35):
        lines.append(f"{_lab(ctx, lx, 'words')}: " + " ".join(
            ctx.en.word() for _ in range(rng.randint(2, 5))) + f" {cur} {rng.randint(0, 99)}/100")
    if ctx.chance(0.7):
        lines.append(f"{_lab(ctx, lx, 'pay')}: {_lab(ctx, lx, 'paymode')}")
    if ctx.chance(0.5):
        lines.append(f"{_lab(ctx, lx, 'bank')}: " + ctx.code("??## #### #### #### #### ####"))
    if ctx.chance(0.4):
        lines.append(_lab(ctx, lx, "sign"))
    if ctx.chance(0.3):
        lines += wrap(ctx.pick([
            "The amounts shown are rounded; their sum may differ from the total.",
            "Whether tax is payable under reverse charge: No.",
            "Keep this invoice and the manufacturer box for warranty purposes.",
            "Payment has been received by credit card; no further action is needed.",
            "This invoice was generated electronically and is valid without signature."]), 90)
    if ctx.chance(0.3):
        lines.append(_lab(ctx, lx, "page"))
    return lines, lang
