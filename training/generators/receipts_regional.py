"""Receipts of two kinds the Malaysian-style till template misses: German shop receipts
(Kassenbon) and US restaurant checks with their card slip.

Why: a model that learned receipts from "CASH / CHANGE / GST 6%" calls a German till
receipt ("Summe", "Bar", "Rückgeld", "MwSt") an invoice or other, and a US guest check
("Server", "Table", "Guests", "Tip") other. What makes a receipt is the same everywhere:
a shop header, short item lines with prices, a total, the tender (cash given, change
back, card) and the till's own numbers (register, cashier, receipt number, time). The
layouts below are written for this project from general knowledge of such prints; every
word list is a named table so the vocabulary can be reviewed and extended in one place.
"""

from __future__ import annotations

from training.generators.common import Ctx, faker_for, fmt_num

# --- German till receipts (Kassenbon) ----------------------------------------------------
DE_SHOP_KINDS = ["Markt", "Frischemarkt", "Supermarkt", "Discount", "Bäckerei", "Backstube",
                 "Drogerie", "Apotheke", "Getränkemarkt", "Baumarkt", "Tankstelle", "Kiosk",
                 "Metzgerei", "Café", "Buchhandlung", "Biomarkt", "Restaurant", "Gasthaus",
                 "Imbiss", "Eiscafé", "Schreibwaren"]
DE_ITEMS = {
    "grocery": ["Vollmilch 3,5%", "H-Milch 1,5%", "Butter 250g", "Roggenbrot", "Bananen",
                "Äpfel lose", "Gouda Scheiben", "Joghurt natur", "Eier 10 St.", "Nudeln 500g",
                "Tomaten passiert", "Kaffee gemahlen", "Mineralwasser 1,5l", "Apfelschorle",
                "Toilettenpapier 8x", "Spülmittel", "Kartoffeln 2kg", "Zwiebeln 1kg",
                "Frischkäse", "Salami geschn.", "Orangensaft 1l", "Haferflocken", "Zucker 1kg",
                "Mehl Type 405", "Pfand 0,25", "Leergut", "Tragetasche", "Schokolade"],
    "bakery": ["Brötchen", "Laugenbrezel", "Croissant", "Mohnschnecke", "Bauernbrot",
               "Kaffee", "Cappuccino", "Latte Macchiato", "Butterbrezel", "Apfelstrudel",
               "Käsekuchen", "Körnerbrötchen"],
    "drugstore": ["Zahnpasta", "Duschgel", "Shampoo", "Handcreme", "Taschentücher",
                  "Waschmittel", "Deo Roller", "Wattepads", "Vitamin C Brause", "Pflaster"],
    "pharmacy": ["Ibuprofen 400 20St", "Nasenspray", "Hustensaft", "Zuzahlung Rezept",
                 "Paracetamol 500", "Halstabletten", "Magnesium 300"],
    "restaurant": ["Schnitzel Wiener Art", "Currywurst Pommes", "Pils 0,5l", "Weizen 0,5l",
                   "Apfelschorle 0,4l", "Tagessuppe", "Salatteller", "Rinderroulade",
                   "Spätzle", "Espresso", "Mineralwasser 0,25l", "Flammkuchen", "Weißwein 0,2l"],
    "fuel": ["Super E10", "Super E5", "Diesel", "Super Plus", "AdBlue 10l", "Waschstraße",
             "Scheibenreiniger"],
    "hardware": ["Schrauben 4x40", "Dübel 8mm", "Kabelbinder", "Wandfarbe weiß 10l",
                 "Pinsel 50mm", "Klebeband", "Glühbirne LED E27", "Blumenerde 40l"],
}
DE_SHOP_ITEMS = {"Bäckerei": "bakery", "Backstube": "bakery", "Café": "bakery",
                 "Eiscafé": "bakery", "Drogerie": "drugstore", "Apotheke": "pharmacy",
                 "Restaurant": "restaurant", "Gasthaus": "restaurant", "Imbiss": "restaurant",
                 "Tankstelle": "fuel", "Baumarkt": "hardware"}
DE_TITLES = ["Kassenbon", "KASSENBON", "Beleg", "Quittung", "Kundenbeleg", "Bon", "",
             "Kassenbeleg", "Barverkauf", "Rechnung", "Bewirtungsbeleg", "Zwischenrechnung"]
DE_TILL = {
    "receipt_no": ["Beleg-Nr.", "Bon-Nr.", "Bon-Nr:", "Beleg Nr", "Belegnummer", "Bon", "Trans.",
                   "Vorgangs-Nr.", "Rechnung Nr."],
    "till": ["Kasse", "Kasse:", "Kassen-Nr.", "Kasse Nr", "Terminal"],
    "clerk": ["Bed.", "Bediener", "Kassierer", "Es bediente Sie", "Bedienung", "Mitarbeiter"],
    "sum": ["SUMME", "Summe", "SUMME EUR", "Summe EUR", "Zu zahlen", "Gesamt", "TOTAL EUR",
            "Gesamtbetrag", "Endsumme", "Zwischensumme"],
    "cash": ["Bar", "BAR", "Geg. Bar", "Gegeben", "Bar EUR", "Gegeben Bar", "Barzahlung"],
    "change": ["Rückgeld", "RÜCKGELD", "Zurück", "Rückgeld EUR", "Wechselgeld"],
    "card": ["EC-Karte", "girocard", "Kartenzahlung", "EC-Cash", "Visa", "Mastercard",
             "Kreditkarte", "Kontaktlos"],
    "tax": ["MwSt", "MWST", "USt", "Mwst.", "inkl. MwSt", "enth. MwSt"],
    "tax_head": ["MwSt-Satz  Netto  MwSt  Brutto", "Steuer %  Netto  Steuer  Brutto",
                 "USt  Netto  USt-Betrag  Umsatz", "MWST%   NETTO   MWST   BRUTTO"],
    "thanks": ["Vielen Dank für Ihren Einkauf", "Vielen Dank und auf Wiedersehen",
               "Danke für Ihren Besuch", "Bitte beehren Sie uns bald wieder",
               "Umtausch nur mit Kassenbon", "Bitte Beleg aufbewahren", "Schönen Tag noch!",
               "Wir freuen uns auf Ihren Besuch", "Öffnungszeiten Mo-Sa 7-21 Uhr"],
    "card_slip": ["Kundenbeleg", "Zahlung erfolgt", "Betrag EUR", "Terminal-ID", "TA-Nr.",
                  "Genehmigungs-Nr.", "Karten-Nr. ############", "Kontaktlos", "BNr.",
                  "VU-Nr.", "Autorisierung", "Girocard"],
    "extras": ["Sie sparten heute", "Payback Punkte", "Treuepunkte", "Pfandbon",
               "Rabatt", "Gutschein"],
    "taxid": ["UST-ID-NR", "USt-IdNr.", "St.-Nr.", "Steuernummer", "UID"],
}
# German VAT rates and the letters tills print beside each line.
DE_TAX_RATES = {"A": 19.0, "B": 7.0}

# --- US restaurant checks -----------------------------------------------------------------
US_RESTAURANT_KINDS = ["Grill", "Diner", "Bistro", "Steakhouse", "Tavern", "Kitchen & Bar",
                       "Pizzeria", "Taqueria", "Cafe", "Brewing Co.", "Oyster Bar", "Trattoria",
                       "BBQ", "Sushi", "Pub", "Eatery", "Smokehouse", "Cantina"]
US_MENU = ["Cheeseburger", "Caesar Salad", "Draft Beer", "Iced Tea", "Chicken Wings",
           "Fish Tacos", "House Red Glass", "Ribeye 12oz", "Fries", "Soup of the Day",
           "Club Sandwich", "Margarita", "Diet Coke", "Coffee", "Pancakes", "Eggs Benedict",
           "Mozzarella Sticks", "Pasta Primavera", "Salmon Entree", "Kids Meal", "IPA Pint",
           "Lemonade", "Brownie Sundae", "Nachos", "Pulled Pork Plate", "BLT", "Onion Rings",
           "Cobb Salad", "Chardonnay Btl", "Espresso", "Side Salad", "Clam Chowder"]
US_CHECK = {
    "server": ["Server", "Server:", "SERVER", "Your server", "Svr", "Served by", "Bartender",
               "Cashier"],
    "table": ["Table", "Table:", "TABLE", "Tbl", "Table #"],
    "guests": ["Guests", "Guests:", "GUESTS", "Covers", "Party of", "# Guests"],
    "check": ["Check #", "Check:", "CHK", "Chk", "Order #", "Ticket #", "Receipt #"],
    "subtotal": ["Subtotal", "SUBTOTAL", "Sub Total", "Food & Bev"],
    "tax": ["Tax", "Sales Tax", "TAX", "State Tax", "Meals Tax"],
    "total": ["Total", "TOTAL", "Amount Due", "Balance Due", "Check Total"],
    "tip": ["Tip", "TIP", "Gratuity", "Tip:", "+ Tip"],
    "grat": ["Suggested Gratuity", "Tip Guide", "SUGGESTED TIP", "Gratuity Guide",
             "For your convenience"],
    "autograt": ["Auto Gratuity 18%", "Gratuity 20% (parties of 6+)", "Service Charge 18%",
                 "Included Gratuity"],
    "card": ["VISA", "MASTERCARD", "AMEX", "DISCOVER", "Credit Card", "Card Type"],
    "slip": ["I agree to pay the above total amount according to the card issuer agreement",
             "Signature X____________________", "Customer Copy", "Merchant Copy",
             "Auth Code", "Approval", "Entry Method: Chip", "Acct #: XXXXXXXXXXXX",
             "Please sign and return the merchant copy", "Thank you for dining with us!",
             "Thanks for coming in!", "Follow us @", "Tell us how we did",
             "Gratuity not included", "Happy hour 3-6pm daily"],
    "service": ["Dine In", "DINE IN", "Take Out", "To Go", "Bar", "Patio", "Delivery"],
}
US_TIP_PCTS = (15, 18, 20, 22, 25)


def _de_shop(ctx: Ctx) -> tuple[str, str, list[str]]:
    de = faker_for("de_DE", ctx.rng.getrandbits(32))
    kind = ctx.pick(DE_SHOP_KINDS)
    name = ctx.pick([f"{kind} {de.last_name()}", f"{de.last_name()} {kind}",
                     f"{kind} am {de.street_name()}", f"{de.last_name()} GmbH & Co. KG",
                     f"{kind} {de.city()}", f"{de.last_name()}s {kind}"])
    addr = [de.street_address(), f"{de.postcode()} {de.city()}"]
    head = [name.upper() if ctx.chance(0.4) else name] + addr
    if ctx.chance(0.5):
        head.append(f"Tel. {de.phone_number()}")
    if ctx.chance(0.5):
        head.append(f"{ctx.pick(DE_TILL['taxid'])}: {ctx.pick(['DE', ''])}{ctx.code('#########')}")
    return kind, DE_SHOP_ITEMS.get(kind, "grocery"), head


def de_receipt(ctx: Ctx) -> list[str]:
    """A German till receipt: supermarket, bakery, fuel, pharmacy or restaurant."""
    rng = ctx.rng
    kind, items_key, head = _de_shop(ctx)
    eur = ctx.pick(["EUR", "€", "", "EUR"])
    de = "de"
    L = list(head)
    title = ctx.pick(DE_TITLES)
    if title:
        L.insert(rng.randint(0, len(L)), title)
    if items_key == "restaurant" or ctx.chance(0.15):
        L.append(f"{ctx.pick(['Tisch', 'Tisch Nr.', 'Tisch:'])} {rng.randint(1, 40)}"
                 + (f"  {ctx.pick(['Gäste', 'Pers.'])} {rng.randint(1, 6)}" if ctx.chance(0.5) else ""))
    if ctx.chance(0.6):
        L.append(ctx.pick(["-" * rng.randint(20, 40), "=" * rng.randint(20, 40), "EUR"]))
    total = 0.0
    by_rate = {k: 0.0 for k in DE_TAX_RATES}
    for _ in range(rng.randint(1, 14)):
        item = ctx.pick(DE_ITEMS[items_key])
        code = ctx.pick(list(DE_TAX_RATES)) if items_key != "restaurant" else \
            ctx.pick(["A", "A", "B"])
        if items_key == "fuel" and item.startswith(("Super", "Diesel")):
            litres, ppl = round(rng.uniform(10, 70), 2), round(rng.uniform(1.55, 2.05), 3)
            price = round(litres * ppl, 2)
            L.append(f"{ctx.pick(['Säule', 'Zapfsäule', 'ZS'])} {rng.randint(1, 12)} {item}")
            L.append(f"{fmt_num(ctx, litres, de)} l x {ppl:.3f}".replace(".", ",") + f" {eur}/l  {fmt_num(ctx, price, de)} {code}")
            code = "A"
        else:
            q = rng.randint(1, 4) if ctx.chance(0.4) else 1
            unit = round(rng.uniform(0.25, 18), 2)
            price = round(q * unit, 2)
            if q > 1:
                L.append(f"{item}" if ctx.chance(0.6) else f"{q} {item}")
                L.append(f"  {q} x {fmt_num(ctx, unit, de)}   {fmt_num(ctx, price, de)} {code}")
            else:
                gap = " " * rng.choice([1, 2, 4, 8])
                L.append(f"{item}{gap}{fmt_num(ctx, price, de)} {code}"
                         if ctx.chance(0.85) else f"{item}{gap}{fmt_num(ctx, price, de)}")
        total += price
        by_rate[code] += price
    L.append(ctx.pick(["-" * rng.randint(12, 30), "", "=" * rng.randint(12, 30)]))
    sum_label = ctx.pick(DE_TILL["sum"])
    sum_cur = "" if "EUR" in sum_label else f"{eur} "
    L.append(f"{sum_label}{' ' * rng.choice([1, 3, 8])}{sum_cur}{fmt_num(ctx, total, de)}")
    if ctx.chance(0.55):
        given = total + rng.choice([0.0, 0.5, 1, 5, 10, 20, 50])
        given = float(int(given)) + (1.0 if given % 1 else 0.0) if ctx.chance(0.5) else given
        L.append(f"{ctx.pick(DE_TILL['cash'])} {eur} {fmt_num(ctx, given, de)}")
        L.append(f"{ctx.pick(DE_TILL['change'])} {eur} {fmt_num(ctx, given - total, de)}")
    else:
        L.append(f"{ctx.pick(DE_TILL['card'])} {eur} {fmt_num(ctx, total, de)}")
        if ctx.chance(0.6):
            L += ctx.some(DE_TILL["card_slip"], 2, 6)
            L.append(f"{ctx.pick(['Betrag', 'BETRAG'])} {eur} {fmt_num(ctx, total, de)}")
    if ctx.chance(0.75):
        L.append(ctx.pick(DE_TILL["tax_head"]))
        for code, gross in by_rate.items():
            if gross:
                rate = DE_TAX_RATES[code]
                net = gross / (1 + rate / 100)
                L.append(f"{code}{ctx.pick(['=', ' ', ': '])}{fmt_num(ctx, rate, de)}%  "
                         f"{fmt_num(ctx, net, de)}  {fmt_num(ctx, gross - net, de)}  "
                         f"{fmt_num(ctx, gross, de)}")
    else:
        L.append(f"{ctx.pick(DE_TILL['tax'])} {ctx.pick(['19%', '7%', '19 %'])} "
                 f"{fmt_num(ctx, total * 0.16, de)}")
    when = f"{ctx.date(2015, 2026).strftime('%d.%m.%Y')} {rng.randint(6, 22):02d}:{rng.randint(0, 59):02d}"
    till = [f"{ctx.pick(DE_TILL['receipt_no'])} {rng.randint(1, 99999)}",
            f"{ctx.pick(DE_TILL['till'])} {rng.randint(1, 12)}",
            f"{ctx.pick(DE_TILL['clerk'])} {ctx.pick([str(rng.randint(1, 999)), faker_for('de_DE', rng.getrandbits(32)).first_name()])}",
            ctx.pick([when, f"Datum: {when}", f"{when}:{rng.randint(0, 59):02d}"])]
    rng.shuffle(till)
    if ctx.chance(0.5):
        L += ["  ".join(till[:2]), "  ".join(till[2:])]
    else:
        L += till
    if ctx.chance(0.5):  # fiscal signature unit block printed since 2020
        L += [f"TSE-Transaktion: {rng.randint(1000, 999999)}",
              f"TSE-Start: {ctx.date(2020, 2026).isoformat()}T{rng.randint(6, 22):02d}:{rng.randint(0, 59):02d}:00",
              f"TSE-Signaturzähler: {rng.randint(1000, 999999)}",
              f"TSE-Seriennummer: {ctx.code('################').lower()}",
              f"TSE-Signatur: {ctx.code('????????????????????')}="][: rng.randint(2, 5)]
    if ctx.chance(0.3):
        L.append(f"{ctx.pick(DE_TILL['extras'])} {fmt_num(ctx, rng.uniform(0.1, 9), de)}")
    L += ctx.some(DE_TILL["thanks"], 1, 3)
    if items_key == "restaurant" and ctx.chance(0.4):
        L += ["Bewirtungsaufwand-Angaben", "Bewirtete Person(en): ____________",
              "Anlass der Bewirtung: ____________", f"Trinkgeld: {fmt_num(ctx, rng.uniform(1, 15), de)}",
              "Ort, Datum, Unterschrift ____________"][: rng.randint(2, 5)]
    return L


def us_restaurant_check(ctx: Ctx) -> list[str]:
    """A US restaurant guest check and/or its credit-card slip with tip line."""
    rng = ctx.rng
    C = US_CHECK
    name = ctx.pick([f"{ctx.en.last_name()}'s {ctx.pick(US_RESTAURANT_KINDS)}",
                     f"The {ctx.en.last_name()} {ctx.pick(US_RESTAURANT_KINDS)}",
                     f"{ctx.en.city()} {ctx.pick(US_RESTAURANT_KINDS)}"])
    L = [name.upper() if ctx.chance(0.5) else name, ctx.en.street_address(),
         f"{ctx.en.city()}, {ctx.en.state_abbr()} {ctx.en.zipcode()}"]
    if ctx.chance(0.6):
        L.append(ctx.en.phone_number())
    d = ctx.date(2012, 2026).strftime(ctx.pick(["%m/%d/%Y", "%m/%d/%y", "%b %d, %Y"]))
    t = f"{rng.randint(11, 22) % 12 or 12}:{rng.randint(0, 59):02d} {ctx.pick(['PM', 'PM', 'AM'])}"
    meta = [f"{ctx.pick(C['server'])} {ctx.en.first_name()}" + (f" ({rng.randint(1, 99)})" if ctx.chance(0.3) else ""),
            f"{ctx.pick(C['table'])} {rng.randint(1, 60)}",
            f"{ctx.pick(C['guests'])} {rng.randint(1, 8)}",
            f"{ctx.pick(C['check'])} {rng.randint(100, 99999)}", f"{d} {t}"]
    if ctx.chance(0.4):
        meta.append(ctx.pick(C["service"]))
    rng.shuffle(meta)
    if ctx.chance(0.5):
        pairs = meta + [""] * (len(meta) % 2)
        meta = [f"{a}   {b}".strip() for a, b in zip(pairs[::2], pairs[1::2], strict=True)]
    slip_only = ctx.chance(0.25)
    subtotal = 0.0
    if not slip_only:
        L += meta
        L.append(ctx.pick(["-" * rng.randint(20, 40), "", "=" * rng.randint(20, 40)]))
        for _ in range(rng.randint(1, 12)):
            q = rng.randint(1, 4) if ctx.chance(0.3) else 1
            p = round(rng.uniform(2.5, 48), 2) * q
            subtotal += p
            gap = " " * rng.choice([1, 2, 4, 8, 12])
            L.append(f"{q} {ctx.pick(US_MENU)}{gap}{p:.2f}" if ctx.chance(0.7)
                     else f"{ctx.pick(US_MENU)}{gap}${p:.2f}")
            if ctx.chance(0.15):
                L.append(f"  {ctx.pick(['No onions', 'Add bacon 2.00', 'Medium rare', 'Sub side salad', 'Extra cheese'])}")
    else:
        subtotal = round(rng.uniform(12, 400), 2)
        L += meta[: rng.randint(2, len(meta))]
    tax = round(subtotal * rng.choice([0.06, 0.0625, 0.07, 0.0725, 0.08, 0.0875, 0.1]), 2)
    total = subtotal + tax
    L.append(f"{ctx.pick(C['subtotal'])}  {subtotal:.2f}")
    L.append(f"{ctx.pick(C['tax'])}  {tax:.2f}")
    if ctx.chance(0.15):
        grat = round(subtotal * 0.18, 2)
        L.append(f"{ctx.pick(C['autograt'])}  {grat:.2f}")
        total += grat
    L.append(f"{ctx.pick(C['total'])}  ${total:.2f}")
    if slip_only or ctx.chance(0.6):
        L += [ctx.pick(["", "-" * 24, "CREDIT CARD VOUCHER", "CUSTOMER COPY", "MERCHANT COPY"]),
              f"{ctx.pick(C['card'])} XXXXXXXXXXXX{rng.randint(1000, 9999)}",
              f"{ctx.pick(['Auth Code', 'Approval', 'AUTH #'])}: {ctx.code('######')}",
              f"{ctx.pick(['Amount', 'Purchase', 'Check Amount'])}: ${total:.2f}",
              f"{ctx.pick(C['tip'])}: ________", f"{ctx.pick(['Total', 'TOTAL'])}: ________"]
    else:
        paid = total + rng.choice([0, 0.35, 5, 10, 20])
        L += [f"Cash  {paid:.2f}", f"Change  {paid - total:.2f}"]
    if ctx.chance(0.6):
        L.append(ctx.pick(C["grat"]))
        for pct in ctx.some(US_TIP_PCTS, 2, 4):
            L.append(f"{pct}% = ${subtotal * pct / 100:.2f}" + (
                f" (Total ${total + subtotal * pct / 100:.2f})" if ctx.chance(0.4) else ""))
    L += ctx.some(C["slip"], 1, 5)
    return L
