"""Invoices with a strong national or trade format: French factures, German Rechnungen and
US broadcast (TV advertising) invoices.

Why: the generic templates put a French or German label here and there, but a real
facture is recognisable by its whole legal apparatus (SIRET, RCS, TVA intracommunautaire,
HT / TVA / TTC, late-payment penalties, amounts like "423 693,72 €"), a German Rechnung by
its DIN-letter layout (sender line, Leistungszeitraum, Nettobetrag, USt-IdNr, Amtsgericht
HRB), and a TV station's invoice by its spot log (air date, time, length, program, rate)
with gross, agency commission and net. The last one says "contract" and "estimate" on
every page and must still be read as a bill. All wording is written for this project from
general knowledge of such documents; vocabularies are the named tables below.
"""

from __future__ import annotations

from training.generators.common import Ctx, faker_for, fmt_num, wrap

# --- French factures ---------------------------------------------------------------------
FR = {
    "title": ["FACTURE", "Facture", "FACTURE N°", "Facture n°", "Facture de doit",
              "FACTURE ACQUITTÉE", "Facture d'acompte", "Situation de travaux n°",
              "Facture d'électricité", "Facture de prestations"],
    "forms": ["SARL", "SAS", "SA", "EURL", "SASU", "SCI"],
    "legal": ["SIRET", "SIREN", "RCS", "Code APE", "Code NAF", "N° TVA intracommunautaire",
              "TVA intracom.", "N° TVA"],
    "meta": ["Date de facture", "Date d'émission", "Date", "Date d'échéance", "Échéance",
             "Référence client", "N° client", "Bon de commande n°", "Votre référence",
             "Date de livraison", "Période de facturation"],
    "client": ["Client", "Facturé à", "Adresse de facturation", "Destinataire", "Doit"],
    "cols": [["Désignation", "Qté", "P.U. HT", "Montant HT"],
             ["Réf.", "Désignation", "Quantité", "Prix unitaire HT", "TVA", "Total HT"],
             ["Description", "Qté", "Unité", "PU HT", "Remise", "Montant HT"],
             ["Libellé", "Montant HT", "Taux TVA", "Montant TTC"]],
    "items": ["Prestation de conseil", "Développement logiciel", "Maintenance annuelle",
              "Fourniture et pose", "Main d'œuvre", "Déplacement", "Location de matériel",
              "Formation (jour)", "Abonnement mensuel", "Frais de port", "Audit",
              "Travaux de maçonnerie", "Gros œuvre", "Peinture intérieure", "Électricité",
              "Plomberie", "Consommation électricité (kWh)", "Hébergement web",
              "Licence logicielle", "Transport et livraison", "Honoraires"],
    "sub": ["Total HT", "Montant HT", "Sous-total HT", "Total hors taxes", "Base HT"],
    "tax": ["TVA 20 %", "TVA (20%)", "TVA 10 %", "TVA 5,5 %", "Montant TVA", "T.V.A. 20%"],
    "total": ["Total TTC", "Montant TTC", "Net à payer", "NET À PAYER", "Total à payer",
              "Montant total TTC", "Reste à payer"],
    "pay": ["Conditions de règlement : 30 jours fin de mois",
            "Conditions de paiement : à réception de facture",
            "Mode de règlement : virement bancaire", "Règlement par chèque ou virement",
            "Échéance : 45 jours date de facture", "Prélèvement automatique le"],
    "legal_text": [
        "En cas de retard de paiement, une pénalité égale à trois fois le taux d'intérêt "
        "légal sera exigible.",
        "Indemnité forfaitaire pour frais de recouvrement : 40 €.",
        "Pas d'escompte pour paiement anticipé.",
        "TVA non applicable, article 293 B du CGI.",
        "Autoliquidation : TVA due par le preneur.",
        "Retenue de garantie 5 % libérable à la réception des travaux.",
        "Dispensé d'immatriculation au registre du commerce et des sociétés.",
        "Arrêtée la présente facture à la somme de"],
    "bank": ["IBAN", "BIC", "Coordonnées bancaires", "RIB", "Domiciliation"],
    "capital": ["au capital de", "Capital social :"],
}

# --- German Rechnungen ---------------------------------------------------------------------
DE = {
    "title": ["Rechnung", "RECHNUNG", "Rechnung Nr.", "Rechnung / Leistungsnachweis",
              "Schlussrechnung", "Abschlagsrechnung", "Handwerkerrechnung", "Rechnung (Kopie)"],
    "forms": ["GmbH", "GmbH & Co. KG", "AG", "e.K.", "UG (haftungsbeschränkt)", "KG", "OHG"],
    "meta": ["Rechnungsnummer", "Rechnungsnr.", "Rechnungsdatum", "Kundennummer", "Kunden-Nr.",
             "Lieferdatum", "Leistungszeitraum", "Leistungsdatum", "Auftragsnummer",
             "Bestellnummer", "Ihr Zeichen", "Unser Zeichen", "Ansprechpartner", "Datum"],
    "greeting": ["Sehr geehrte Damen und Herren,", "Sehr geehrter Herr", "Sehr geehrte Frau",
                 "Guten Tag,"],
    "intro": ["wir erlauben uns, Ihnen folgende Leistungen in Rechnung zu stellen:",
              "für unsere Leistungen berechnen wir Ihnen:",
              "vielen Dank für Ihren Auftrag. Wir berechnen wie folgt:",
              "gemäß Ihrer Bestellung liefern und berechnen wir:"],
    "cols": [["Pos.", "Menge", "Einheit", "Bezeichnung", "Einzelpreis", "Gesamtpreis"],
             ["Pos", "Artikel-Nr.", "Beschreibung", "Anzahl", "E-Preis", "Betrag"],
             ["Leistung", "Stunden", "Stundensatz", "Betrag"],
             ["Pos.", "Bezeichnung", "Menge", "Preis netto", "USt.", "Gesamt netto"]],
    "items": ["Beratungsleistung", "Softwareentwicklung", "Arbeitszeit Geselle",
              "Arbeitszeit Meister", "Anfahrtspauschale", "Materialkosten", "Wartungsvertrag",
              "Montage", "Lieferung frei Haus", "Schulung (Tagessatz)", "Lizenzgebühr",
              "Reinigungsleistung", "Grafikdesign", "Übersetzung", "Hosting monatlich",
              "Entsorgung", "Fliesenarbeiten", "Elektroinstallation", "Versandkosten"],
    "units": ["Stk.", "Std.", "pausch.", "m²", "lfm", "Monat", "Tag", "kg"],
    "sub": ["Nettobetrag", "Summe netto", "Zwischensumme", "Gesamt netto", "Rechnungsbetrag netto"],
    "tax": ["zzgl. 19 % USt.", "zzgl. MwSt. 19%", "Umsatzsteuer 19 %", "MwSt. 7 %",
            "19% USt. auf"],
    "total": ["Rechnungsbetrag", "Gesamtbetrag", "Gesamtbetrag brutto", "Endbetrag",
              "Zu zahlender Betrag", "Bruttobetrag", "Summe brutto"],
    "pay": ["Bitte überweisen Sie den Rechnungsbetrag innerhalb von 14 Tagen ohne Abzug auf "
            "unser unten genanntes Konto.",
            "Zahlbar innerhalb von 30 Tagen netto. Bei Zahlung innerhalb von 8 Tagen gewähren "
            "wir 2 % Skonto.",
            "Der Betrag wird von Ihrem Konto per SEPA-Lastschrift eingezogen.",
            "Zahlungsziel: sofort ohne Abzug. Bitte geben Sie die Rechnungsnummer als "
            "Verwendungszweck an.",
            "Der Rechnungsbetrag wurde bereits per PayPal bezahlt."],
    "legal_text": [
        "Gemäß § 19 UStG wird keine Umsatzsteuer berechnet.",
        "Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge).",
        "Das Leistungsdatum entspricht dem Rechnungsdatum.",
        "Im Rechnungsbetrag sind Lohnkosten gemäß § 35a EStG enthalten.",
        "Es gelten unsere Allgemeinen Geschäftsbedingungen.",
        "Die Ware bleibt bis zur vollständigen Bezahlung unser Eigentum."],
    "footer": ["Geschäftsführer", "Amtsgericht", "HRB", "USt-IdNr.", "Steuernummer",
               "Bankverbindung", "IBAN", "BIC", "Sitz der Gesellschaft"],
    "closing": ["Mit freundlichen Grüßen", "Vielen Dank für Ihren Auftrag!",
                "Wir danken für Ihr Vertrauen."],
}

# --- US broadcast TV advertising invoices --------------------------------------------------
TV = {
    "title": ["INVOICE", "Invoice", "STATION INVOICE", "BROADCAST INVOICE", "Invoice / Affidavit",
              "TELEVISION INVOICE", "Advertising Invoice", "CABLE ADVERTISING INVOICE"],
    "meta": ["Invoice #", "Invoice Date", "Invoice Period", "Broadcast Month", "Billing Period",
             "Contract #", "Order #", "Estimate #", "Rev #", "Advertiser", "Product",
             "Agency", "Buyer", "Account Executive", "Sales Office", "Advertiser Code",
             "Agency Code", "Billing Cycle", "Flight Dates", "Market", "Payment Terms"],
    "cols": [["Ln", "Day", "Air Date", "Air Time", "Len", "Program", "Rate", "ISCI"],
             ["Line", "Date", "Time Aired", "Length", "Program/Daypart", "Copy ID", "Gross"],
             ["Spot", "Air Date", "Time", "Len", "Description", "Amount"],
             ["Ord Ln", "Day", "Date", "Aired", ":Len", "Program", "Spot Rate", "Make Good"]],
    "programs": ["Morning News", "Good Morning Show", "Midday News", "Early News 5P",
                 "Evening News 6P", "Late News 11P", "Prime Access", "Late Fringe",
                 "Daytime Rotator", "Weekend Sports", "Game Show", "Syndicated Sitcom",
                 "Prime Movie", "Local Weather", "Overnight ROS", "Talk Show", "College Football",
                 "M-F 6A-9A", "M-Su 6A-12M ROS", "Sa 12P-4P Sports"],
    "days": ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su", "M", "T", "W", "TH", "F", "SA", "SU"],
    "lengths": [":15", ":30", ":30", ":60", ":10", "30", "15"],
    "totals": ["Total Spots", "Gross Amount", "Total Gross", "Agency Commission (15%)",
               "Less Agency Commission", "Net Amount", "Net Due", "Total Net", "Amount Due",
               "Balance Due"],
    "notes": [
        "I certify that the above announcements were broadcast on the dates and at the times "
        "shown, as entered in the station program log.",
        "Affidavit of performance: the schedule above aired as logged.",
        "Please remit payment to the address below. Reference the invoice number on your "
        "remittance.",
        "Payment terms: Net 30 days from invoice date. Past due balances are subject to a "
        "finance charge.",
        "Make goods are shown as separate lines. Preempted spots are not billed.",
        "Political advertising: lowest unit charge applied. Paid for by the committee named "
        "above.",
        "Agency is solely responsible for payment per the AAAA/IAB standard terms and "
        "conditions."],
    "call_suffix": ["-TV", "-DT", "-TV", "", "-CD"],
    "networks": ["ABC", "CBS", "NBC", "FOX", "CW", "MyNetwork", "Independent", "PBS"],
}


def _fr_siret(ctx: Ctx) -> str:
    return ctx.code(ctx.pick(["### ### ### #####", "##############"]))


def fr_facture(ctx: Ctx) -> list[str]:
    """A French facture: company legal block, client, HT table, TVA, TTC, legal mentions."""
    rng = ctx.rng
    fr = faker_for("fr_FR", rng.getrandbits(32))
    style = "fr"
    big = ctx.chance(0.35)  # works / public contracts: six-figure amounts
    cur = ctx.pick(["€", "€", "EUR", ""])

    def money(v: float) -> str:
        s = fmt_num(ctx, v, style)
        return f"{s} {cur}".strip() if ctx.chance(0.8) else s

    seller = f"{fr.last_name().upper()} {ctx.pick(FR['forms'])}" if ctx.chance(0.5) else \
        f"{fr.company()} {ctx.pick(FR['forms'])}"
    head = [seller, fr.street_address(), f"{fr.postcode()} {fr.city()}"]
    legal = [f"SIRET : {_fr_siret(ctx)}", f"RCS {fr.city()} {ctx.code('### ### ###')}",
             f"N° TVA intracommunautaire : FR{ctx.code('## #########')}",
             f"Code APE : {ctx.code('####?')}", f"Tél. : {fr.phone_number()}",
             f"{ctx.pick(FR['capital'])} {fmt_num(ctx, rng.choice([1000, 7500, 10000, 50000, 150000]), style)} €"]
    head += ctx.some(legal, 1, 4)
    client = [ctx.pick(FR["client"]) + (" :" if ctx.chance(0.5) else ""),
              fr.company() if ctx.chance(0.7) else fr.name(), fr.street_address(),
              f"{fr.postcode()} {fr.city()}"]
    no = ctx.code(ctx.pick(["F####-####", "FA######", "####/###", "FAC-####-###"]))
    title = ctx.pick(FR["title"])
    meta = [f"{title} {no}" if "°" in title or ctx.chance(0.5) else title]
    meta += [f"{m} : {ctx.date(2010, 2026).strftime('%d/%m/%Y') if 'Date' in m or 'chéance' in m else ctx.code()}"
             for m in ctx.some(FR["meta"], 2, 5)]
    L: list[str] = []
    if ctx.chance(0.5):
        L += head + [""] + client + [""] + meta
    else:
        L += head + meta + client
    cols = ctx.pick(FR["cols"])
    L.append(ctx.pick(["  ", " ", " | "]).join(cols))
    net = 0.0
    rate = ctx.pick([20.0, 20.0, 10.0, 5.5, 0.0])
    for _ in range(rng.randint(1, 12)):
        q = rng.randint(1, 40) if ctx.chance(0.6) else round(rng.uniform(0.5, 200), 2)
        pu = round(rng.uniform(5, 40000 if big else 1500), 2)
        amount = round(q * pu, 2)
        net += amount
        q_s = fmt_num(ctx, q, style) if isinstance(q, float) else str(q)
        L.append(f"{ctx.pick(FR['items'])}{' ' * rng.choice([1, 2, 4])}{q_s}  {money(pu)}  "
                 f"{money(amount)}" + (f"  {fmt_num(ctx, rate, style)} %" if ctx.chance(0.3) else ""))
    tva = round(net * rate / 100, 2)
    L.append(f"{ctx.pick(FR['sub'])} : {money(net)}" if ctx.chance(0.5)
             else f"{ctx.pick(FR['sub'])}  {money(net)}")
    if rate:
        L.append(f"{ctx.pick(FR['tax'])}  {money(tva)}")
    else:
        L.append("TVA non applicable, article 293 B du CGI")
    if big and ctx.chance(0.5):
        L.append(f"Retenue de garantie 5 %  -{money(net * 0.05)}")
    L.append(f"{ctx.pick(FR['total'])}  {money(net + tva)}")
    if ctx.chance(0.6):
        L.append(ctx.pick(FR["pay"]))
    if ctx.chance(0.6):
        L.append(f"IBAN : FR76 {ctx.code('#### #### #### #### #### ###')}  BIC : {ctx.code('????FRPP???')}")
    for s in ctx.some(FR["legal_text"], 0, 3):
        L += wrap(s, ctx.pick([70, 90, 120]))
    if ctx.chance(0.3):
        L.append(f"Page 1/{rng.randint(1, 3)}")
    return L


def de_rechnung(ctx: Ctx) -> list[str]:
    """A German invoice in DIN-letter layout: sender line, recipient, reference block,
    position table, Nettobetrag / USt / Rechnungsbetrag, payment request, legal footer."""
    rng = ctx.rng
    de = faker_for("de_DE", rng.getrandbits(32))
    style = "de"
    cur = ctx.pick(["€", "EUR", "€", ""])

    def money(v: float) -> str:
        s = fmt_num(ctx, v, style)
        return (f"{s} {cur}" if ctx.chance(0.7) else f"{cur} {s}").strip()

    seller = f"{de.last_name()} {ctx.pick(DE['forms'])}"
    street, city = de.street_address(), f"{de.postcode()} {de.city()}"
    L = [f"{seller} · {street} · {city}" if ctx.chance(0.6) else seller]
    recipient = [de.company() if ctx.chance(0.6) else f"{ctx.pick(['Herrn', 'Frau', ''])} {de.name()}".strip(),
                 de.street_address(), f"{de.postcode()} {de.city()}"]
    meta = [f"{m}: {ctx.date(2010, 2026).strftime('%d.%m.%Y') if 'datum' in m.lower() or m == 'Datum' else ctx.code()}"
            for m in ctx.some(DE["meta"], 2, 6)]
    if ctx.chance(0.5):
        meta.append(f"Leistungszeitraum: {ctx.date(2010, 2026).strftime('%d.%m.%Y')} - "
                    f"{ctx.date(2010, 2026).strftime('%d.%m.%Y')}")
    if ctx.chance(0.5):
        n = max(len(recipient), len(meta))
        rec, met = recipient + [""] * (n - len(recipient)), meta + [""] * (n - len(meta))
        L += [f"{a}{' ' * rng.choice([4, 8, 16])}{b}".strip() for a, b in zip(rec, met, strict=True)]
    else:
        L += recipient + meta
    title = ctx.pick(DE["title"])
    L.append(f"{title} {ctx.code(ctx.pick(['RE-####-###', '#######', 'R####/##']))}"
             if ctx.chance(0.6) else title)
    if ctx.chance(0.6):
        L += [ctx.pick(DE["greeting"]), ctx.pick(DE["intro"])]
    cols = ctx.pick(DE["cols"])
    L.append(ctx.pick(["  ", " ", " | "]).join(cols))
    net = 0.0
    rate = ctx.pick([19.0, 19.0, 19.0, 7.0, 0.0])
    for i in range(rng.randint(1, 12)):
        q = rng.randint(1, 30) if ctx.chance(0.6) else round(rng.uniform(0.5, 80), 2)
        ep = round(rng.uniform(2, 2500), 2)
        amount = round(q * ep, 2)
        net += amount
        q_s = fmt_num(ctx, q, style) if isinstance(q, float) else str(q)
        L.append(f"{i + 1} {q_s} {ctx.pick(DE['units'])} {ctx.pick(DE['items'])}  "
                 f"{money(ep)}  {money(amount)}")
    ust = round(net * rate / 100, 2)
    L.append(f"{ctx.pick(DE['sub'])}  {money(net)}")
    if rate:
        L.append(f"{ctx.pick(DE['tax'])}  {money(ust)}".replace("19", f"{rate:.0f}"))
    L.append(f"{ctx.pick(DE['total'])}  {money(net + ust)}")
    if not rate:
        L.append(ctx.pick(DE["legal_text"][:2]))
    L += wrap(ctx.pick(DE["pay"]), ctx.pick([70, 90, 120]))
    for s in ctx.some(DE["legal_text"][2:], 0, 2):
        L += wrap(s, 90)
    if ctx.chance(0.6):
        L.append(ctx.pick(DE["closing"]))
    footer = [f"Geschäftsführer: {de.name()}", f"Amtsgericht {de.city()} HRB {rng.randint(1000, 99999)}",
              f"USt-IdNr.: DE{ctx.code('#########')}", f"Steuernummer: {ctx.code('###/###/#####')}",
              f"Bankverbindung: {de.last_name()} Bank", f"IBAN: DE{ctx.code('## #### #### #### #### ##')}",
              f"BIC: {ctx.code('????DE??XXX')}", f"Sitz der Gesellschaft: {de.city()}",
              f"Tel. {de.phone_number()}", f"E-Mail: {de.email()}"]
    footer = ctx.some(footer, 3, len(footer))
    L += [" · ".join(footer)] if ctx.chance(0.4) else footer
    return L


def tv_ad_invoice(ctx: Ctx) -> list[str]:
    """A US television station (or cable interconnect) invoice: header with station, market,
    advertiser / agency / contract / estimate, a spot-by-spot log, gross, agency commission
    and net due, and the station's affidavit that the spots aired."""
    rng = ctx.rng
    en = ctx.en
    letters = "".join(ctx.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(3))
    call = f"{ctx.pick(['K', 'W'])}{letters}{ctx.pick(TV['call_suffix'])}"
    head = [ctx.pick([call, f"{call} {ctx.pick(TV['networks'])} {rng.randint(2, 69)}",
                      f"{en.city()} {ctx.pick(['Broadcasting', 'Television', 'Media Group', 'Cable Advertising'])}"
                      f" {ctx.pick(['Inc.', 'LLC', 'Co.'])}"])]
    head += [en.street_address(), f"{en.city()}, {en.state_abbr()} {en.zipcode()}"]
    if ctx.chance(0.5):
        head.append(f"Phone {en.phone_number()}  Fax {en.phone_number()}")
    month = ctx.date(2005, 2026)
    meta_vals = {"Invoice #": ctx.code("#######"), "Invoice Date": month.strftime("%m/%d/%Y"),
                 "Invoice Period": f"{month.strftime('%m/01/%y')} - {month.strftime('%m/28/%y')}",
                 "Broadcast Month": month.strftime("%B %Y"), "Billing Period": month.strftime("%b %Y"),
                 "Contract #": ctx.code("######"), "Order #": ctx.code("#####"),
                 "Estimate #": ctx.code("####"), "Rev #": str(rng.randint(0, 9)),
                 "Advertiser": en.company(), "Product": ctx.pick(["Auto Dealer", "Spring Sale",
                                                                  "Legal Services", "Hospital",
                                                                  "Furniture", "Insurance", "Casino",
                                                                  "Restaurant", "Candidate for Senate"]),
                 "Agency": f"{en.last_name()} {ctx.pick(['Media', 'Advertising', 'Communications'])}",
                 "Buyer": en.name(), "Account Executive": en.name(),
                 "Sales Office": en.city(), "Advertiser Code": ctx.code("?????"),
                 "Agency Code": ctx.code("####"), "Billing Cycle": ctx.pick(["Broadcast",
                                                                             "Calendar"]),
                 "Flight Dates": f"{month.strftime('%m/%d/%y')} - {month.strftime('%m/28/%y')}",
                 "Market": f"{en.city()}, {en.state_abbr()}", "Payment Terms": "Net 30"}
    keys = ["Invoice #", "Invoice Date", "Advertiser"] + ctx.some(TV["meta"], 4, 12)
    keys = list(dict.fromkeys(keys))
    meta = [f"{k}: {meta_vals[k]}" if ctx.chance(0.8) else f"{k} {meta_vals[k]}" for k in keys]
    L: list[str] = []
    title = ctx.pick(TV["title"])
    if ctx.chance(0.5):
        L += [title] + head + meta
    else:
        L += head + [title] + meta
    if ctx.chance(0.4):
        L += ["Bill To:", meta_vals["Agency"], en.street_address(),
              f"{en.city()}, {en.state_abbr()} {en.zipcode()}"]
    cols = ctx.pick(TV["cols"])
    L.append(ctx.pick(["  ", " ", " | "]).join(cols))
    gross = 0.0
    n_spots = 0
    for ln in range(rng.randint(3, 40)):
        rate = float(rng.choice([25, 40, 75, 100, 150, 200, 250, 350, 500, 800, 1200, 2500,
                                 4000]))
        d = ctx.date(2005, 2026)
        t = f"{rng.randint(1, 12)}:{rng.randint(0, 59):02d}{ctx.pick(['a', 'p', 'A', 'P', ' AM', ' PM'])}"
        n_spots += 1
        gross += rate
        parts = [str(rng.randint(1, 20) if ctx.chance(0.5) else ln + 1), ctx.pick(TV["days"]),
                 d.strftime(ctx.pick(["%m/%d/%y", "%m/%d", "%m/%d/%Y"])), t,
                 ctx.pick(TV["lengths"]), ctx.pick(TV["programs"]), f"${rate:,.2f}"]
        if ctx.chance(0.5):
            parts.append(ctx.code("????####"))
        L.append(" ".join(parts) if ctx.chance(0.6) else "  ".join(parts))
        if ctx.chance(0.05):
            L.append(ctx.pick(["MG for preempted spot", "Preempted - not billed", "Bonus spot N/C"]))
    comm = round(gross * 0.15, 2)
    totals = [f"Total Spots: {n_spots}", f"Gross Amount: ${gross:,.2f}",
              f"{ctx.pick(['Agency Commission (15%)', 'Less Agency Commission 15%', 'Agency Comm.'])}:"
              f" (${comm:,.2f})", f"{ctx.pick(['Net Amount Due', 'Net Due', 'Total Net', 'Amount Due'])}:"
              f" ${gross - comm:,.2f}"]
    if ctx.chance(0.3):
        totals = [t.replace(":", "") for t in totals]
    L += totals
    for s in ctx.some(TV["notes"], 1, 4):
        L += wrap(s, ctx.pick([80, 100, 130]))
    if ctx.chance(0.5):
        L += ["Remit To:", f"{call} Accounts Receivable", f"P.O. Box {rng.randint(100, 99999)}",
              f"{en.city()}, {en.state_abbr()} {en.zipcode()}"]
    if ctx.chance(0.3):
        L.append(f"Page {rng.randint(1, 3)} of {rng.randint(3, 6)}")
    return L
