"""Documents that are none of invoice, receipt, contract or HR: the "other" class.

Labelling decisions (documented here because they are judgement calls): purchase orders,
quotations, delivery notes, price lists and bank statements are *other* — they carry
money and line items but are not a bill to pay nor proof of a payment; payment reminders
are other; annual/quarterly reports and policy manuals are other even when they mention
agreements or employees. These hard negatives teach the model that "total" or "agreement"
alone does not make an invoice or a contract.
"""

from __future__ import annotations

from training.generators.common import Ctx, GeneratedDoc, wrap


def _letter(ctx: Ctx) -> list[str]:
    name = ctx.person()
    L = [ctx.company()] + ctx.address() + [ctx.fmt_date(), "", name] + ctx.address()
    L.append(f"Dear {ctx.pick(['Sir or Madam', name, 'Customer', 'Colleague'])},")
    topic = ctx.pick(["our new office opening", "the change of our bank details",
                      "your recent inquiry", "the annual charity event", "a product recall",
                      "the upcoming price adjustment", "your outstanding balance",
                      "our updated privacy notice", "your membership renewal"])
    L += wrap(f"We are writing to inform you about {topic}. {ctx.paragraph(ctx.rng.randint(2, 8))}",
              ctx.pick([70, 90]))
    L += [ctx.pick(["Yours faithfully,", "Kind regards,", "Sincerely,", "Best wishes,"]),
          ctx.person(), ctx.en.job()]
    return L


def _memo(ctx: Ctx) -> list[str]:
    L = [ctx.pick(["MEMORANDUM", "Internal Memo", "MEMO"]), f"To: {ctx.pick(['All Staff', ctx.person()])}",
         f"From: {ctx.person()}", f"Date: {ctx.fmt_date()}", f"Subject: {ctx.en.catch_phrase()}"]
    for _ in range(ctx.rng.randint(1, 5)):
        L += wrap(ctx.paragraph(ctx.rng.randint(2, 6)), 90) + [""]
    return L


def _minutes(ctx: Ctx) -> list[str]:
    L = [ctx.pick(["MINUTES OF MEETING", "Meeting Minutes", "Board Meeting Minutes",
                   "Minutes of the Annual General Meeting"]),
         f"Date: {ctx.fmt_date()}  Location: {ctx.en.city()}",
         "Attendees: " + ", ".join(ctx.person() for _ in range(ctx.rng.randint(2, 7))),
         "Apologies: " + ctx.person()]
    for i in range(1, ctx.rng.randint(3, 9)):
        L.append(f"{i}. {ctx.en.catch_phrase()}")
        L += wrap(ctx.paragraph(ctx.rng.randint(1, 4)), 95)
        if ctx.chance(0.5):
            L.append(f"Action: {ctx.person()} to {ctx.en.bs()} by {ctx.fmt_date()}")
    L.append(f"Next meeting: {ctx.fmt_date()}")
    return L


def _report(ctx: Ctx) -> list[str]:
    L = [ctx.pick(["ANNUAL REPORT", "Quarterly Report", "FORM 10-K", "Project Status Report",
                   "Market Research Report", "Technical Report", "Sustainability Report",
                   "Audit Report", "Incident Report", "White Paper"]), ctx.company(),
         f"{ctx.pick(['Fiscal year ended', 'Period', 'Prepared on'])} {ctx.fmt_date()}"]
    for h in ctx.some(["Executive Summary", "Introduction", "Results of Operations", "Risk Factors",
                       "Methodology", "Findings", "Recommendations", "Outlook", "Revenue",
                       "Management's Discussion and Analysis", "Conclusion", "Background",
                       "Legal Proceedings", "Properties", "Employees"], 3, 9):
        L.append(ctx.case(h, 0.5))
        L += wrap(ctx.paragraph(ctx.rng.randint(3, 10)), 100)
        if ctx.chance(0.3):
            for _ in range(ctx.rng.randint(2, 6)):
                L.append(f"{ctx.en.word().title()}  {ctx.money(1, 9e5)}  {ctx.money(1, 9e5)}  "
                         f"{ctx.rng.randint(-30, 60)}%")
    return L


def _manual(ctx: Ctx) -> list[str]:
    prod = f"{ctx.en.word().title()} {ctx.code('??-###')}"
    L = [ctx.pick(["USER MANUAL", "Installation Guide", "Operating Instructions",
                   "Quick Start Guide", "Service Manual"]), prod]
    for i in range(1, ctx.rng.randint(4, 12)):
        L.append(f"{i}. {ctx.pick(['Safety instructions', 'Unpacking', 'Installation', 'Operation', 'Cleaning', 'Troubleshooting', 'Specifications', 'Warranty information', 'Getting started', 'Connecting to Wi-Fi'])}")
        for j in range(ctx.rng.randint(1, 5)):
            L += wrap(f"{i}.{j + 1} {ctx.pick(['Press', 'Turn', 'Remove', 'Insert', 'Check', 'Hold'])}"
                      f" the {ctx.en.word()} {ctx.sentence(10)}", 90)
        if ctx.chance(0.3):
            L.append("WARNING: " + ctx.sentence(12))
    return L


def _news(ctx: Ctx) -> list[str]:
    co = ctx.company()
    L = [ctx.pick(["PRESS RELEASE", "FOR IMMEDIATE RELEASE", "News", ""]),
         ctx.case(f"{co} {ctx.pick(['announces', 'reports', 'launches', 'expands', 'acquires'])} "
                  f"{ctx.en.catch_phrase()}", 0.3),
         f"{ctx.en.city().upper()}, {ctx.fmt_date()} --"]
    for _ in range(ctx.rng.randint(2, 8)):
        L += wrap(ctx.paragraph(ctx.rng.randint(2, 6)), 85)
    if ctx.chance(0.5):
        L += [f"About {co}"] + wrap(ctx.paragraph(2), 85) + [f"Media contact: {ctx.person()}",
                                                          ctx.email()]
    return L


def _product_sheet(ctx: Ctx) -> list[str]:
    L = [ctx.pick(["PRODUCT DATA SHEET", "Technical Specifications", "Product Information",
                   "Spec Sheet"]), f"{ctx.en.word().title()} {ctx.code('???-####')}"]
    L += wrap(ctx.paragraph(3), 90) + ["Features:"]
    L += [f"- {ctx.en.catch_phrase()}" for _ in range(ctx.rng.randint(3, 8))]
    for k in ctx.some(["Dimensions", "Weight", "Power supply", "Operating temperature", "Material",
                       "Color", "Certifications", "Warranty", "Connectivity", "Capacity"], 3, 9):
        L.append(f"{k}: {ctx.rng.randint(1, 500)} {ctx.pick(['mm', 'kg', 'V', '°C', 'W', 'GB', 'years'])}")
    if ctx.chance(0.4):
        L.append(f"List price: {ctx.money(10, 3000, ctx.pick(['$', '€', '£']))}")
    return L


def _bank_statement(ctx: Ctx) -> list[str]:
    L = [ctx.pick([f"{ctx.en.last_name()} Bank", f"{ctx.company()} Bank"]),
         ctx.pick(["ACCOUNT STATEMENT", "Statement of Account", "Monthly Statement",
                   "Bank Statement"]), ctx.person()] + ctx.address()
    L += [f"Account number: {ctx.code('########')}", f"Statement period: {ctx.fmt_date()} to "
          f"{ctx.fmt_date()}", f"Opening balance: {ctx.money(10, 90000)}",
          "Date  Description  Debit  Credit  Balance"]
    for _ in range(ctx.rng.randint(3, 30)):
        L.append(f"{ctx.fmt_date()}  {ctx.pick(['POS PURCHASE', 'ATM WITHDRAWAL', 'TRANSFER TO', 'SALARY', 'DIRECT DEBIT', 'CARD PAYMENT', 'INTEREST', 'FEE'])} "
                 f"{ctx.en.company()[:18].upper()}  {ctx.money(1, 2000)}  {ctx.money(1, 9000)}")
    L += [f"Closing balance: {ctx.money(10, 90000)}", "Please examine this statement and report any "
          "discrepancy within 30 days."]
    return L


def _purchase_order(ctx: Ctx) -> list[str]:
    kind = ctx.pick(["PURCHASE ORDER", "Purchase Order", "QUOTATION", "Quote", "DELIVERY NOTE",
                     "Packing Slip", "Price List", "Request for Quotation", "Order Confirmation",
                     "Estimate"])
    if ctx.chance(0.35):  # the same hard negatives in the languages invoices come in
        kind = ctx.pick(["Zamówienie", "Oferta", "Dowód dostawy WZ", "Angebot", "Bestellung",
                         "Lieferschein", "Auftragsbestätigung", "Devis", "Bon de commande",
                         "Bon de livraison", "Offerte", "Pakbon", "Presupuesto", "Pedido",
                         "Albarán", "Preventivo", "Ordine d'acquisto", "Bolla di consegna"])
    L = [ctx.company()] + ctx.address() + [kind,
                                           f"{ctx.pick(['PO Number', 'Quote No', 'Delivery No', 'Order No', 'Ref'])}: {ctx.code()}",
                                           f"Date: {ctx.fmt_date()}"]
    L += [f"{ctx.pick(['Vendor', 'Supplier', 'To', 'Prepared for'])}: {ctx.company()}"] + ctx.address()
    if ctx.chance(0.5):
        L.append(f"{ctx.pick(['Ship To', 'Deliver to', 'Delivery address'])}: {ctx.address(True)[0]}")
    L.append("Item  Description  Qty  Unit Price  Amount")
    from training.generators.commerce import PRODUCTS

    for i in range(ctx.rng.randint(1, 12)):
        L.append(f"{i + 1}  {ctx.pick(PRODUCTS)}  {ctx.rng.randint(1, 50)}  {ctx.money(1, 900)}  "
                 f"{ctx.money(1, 9000)}")
    if ctx.chance(0.7):
        L.append(f"Total: {ctx.money(50, 90000, ctx.pick(['$', '€', '']))}")
    L += ctx.some(["This quotation is valid for 30 days.", "Please confirm receipt of this order.",
                   "Delivery required by " + ctx.fmt_date(), "Authorized by: " + ctx.person(),
                   "Received in good condition: ________", "Prices exclude VAT."], 1, 3)
    return L


def _email(ctx: Ctx) -> list[str]:
    L = [f"From: {ctx.person()} <{ctx.email()}>", f"To: {ctx.email()}",
         f"Sent: {ctx.fmt_date()}", f"Subject: {ctx.pick(['RE: ', 'FW: ', ''])}{ctx.en.catch_phrase()}",
         "", f"Hi {ctx.en.first_name()},"]
    L += wrap(ctx.paragraph(ctx.rng.randint(1, 6)), 80)
    L += ["Thanks,", ctx.en.first_name()]
    return L


def _policy(ctx: Ctx) -> list[str]:
    L = [ctx.pick(["Privacy Policy", "Information Security Policy", "Travel and Expense Policy",
                   "Code of Conduct", "Health and Safety Policy", "Environmental Policy",
                   "IT Acceptable Use Policy"]), ctx.company(), f"Version {ctx.rng.randint(1, 9)}.0"]
    for i, h in enumerate(ctx.some(["Purpose", "Scope", "Responsibilities", "Policy statement",
                                    "Procedures", "Review", "Definitions", "Exceptions"], 3, 7), 1):
        L.append(f"{i}. {h}")
        L += wrap(ctx.paragraph(ctx.rng.randint(2, 6)), 95)
    return L


def _misc(ctx: Ctx) -> list[str]:
    kind = ctx.pick(["recipe", "form", "certificate", "agenda", "brochure", "cv_cover", "ticket"])
    if kind == "recipe":
        return [ctx.en.catch_phrase().title(), "Ingredients:"] + [
            f"- {ctx.rng.randint(1, 500)} g {ctx.en.word()}" for _ in range(6)] + ["Method:"] + \
            wrap(ctx.paragraph(5), 80)
    if kind == "form":
        return [ctx.pick(["Application Form", "Registration Form", "Feedback Form",
                          "Customer Survey", "Visitor Log"]), "Name: ____________",
                "Address: ____________", "Phone: ________", "Signature: ________"] + \
            [f"{ctx.sentence(6)} [ ] Yes [ ] No" for _ in range(ctx.rng.randint(2, 8))]
    if kind == "certificate":
        return ["CERTIFICATE", ctx.pick(["of Completion", "of Achievement", "of Incorporation",
                                         "of Insurance", "of Analysis"]), "This is to certify that",
                ctx.person(), ctx.sentence(12), ctx.fmt_date()]
    if kind == "agenda":
        return ["AGENDA", ctx.en.catch_phrase()] + [
            f"{9 + i}:00  {ctx.en.catch_phrase()}" for i in range(ctx.rng.randint(3, 8))]
    if kind == "ticket":
        return [ctx.pick(["BOARDING PASS", "E-TICKET", "Event Ticket"]), ctx.person(),
                f"Flight {ctx.code('??###')}  Seat {ctx.rng.randint(1, 40)}{ctx.pick('ABCDEF')}",
                f"Gate {ctx.rng.randint(1, 60)}  {ctx.fmt_date()}"]
    return [ctx.company()] + wrap(ctx.paragraph(ctx.rng.randint(2, 10)), 90)


BUILDERS = {"letter": _letter, "memo": _memo, "minutes": _minutes, "report": _report,
            "manual": _manual, "news": _news, "product_sheet": _product_sheet,
            "bank_statement": _bank_statement, "purchase_order": _purchase_order,
            "email": _email, "policy": _policy, "misc": _misc}


def other(ctx: Ctx) -> GeneratedDoc:
    kind = ctx.pick(sorted(BUILDERS))
    lines = BUILDERS[kind](ctx)
    return GeneratedDoc("other", None, lines, n_pages=max(1, sum(map(len, lines)) // 3000),
                        meta={"kind": kind})
