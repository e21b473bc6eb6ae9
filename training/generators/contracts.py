"""Contracts of every subtype, in the style of commercial agreements filed as exhibits.

Why built from clause banks: real agreements share most boilerplate (notices, governing
law, severability) and differ in title, recitals and a few operative sections, so the
generator mixes subtype-specific clauses with shared ones, in varied order, numbering and
length (a one-page letter agreement up to ~30 pages), with exhibit headers, tables of
contents, redaction marks and signature blocks.

Labelling decision: an *executive or company-level* employment agreement drafted as a legal
contract is `contract/employment`; an employer's standard HR employment contract for staff
(employee id, department, probation, leave) is `hr/employment_agreement`.
"""

from __future__ import annotations

from training.generators.common import Ctx, GeneratedDoc, wrap

TITLES = {
    "nda": ["NON-DISCLOSURE AGREEMENT", "MUTUAL NONDISCLOSURE AGREEMENT", "CONFIDENTIALITY AGREEMENT",
            "Confidentiality and Non-Disclosure Agreement", "MUTUAL CONFIDENTIALITY AGREEMENT",
            "Non-Disclosure and Confidentiality Agreement", "Letter Agreement re: Confidential "
            "Information", "CONFIDENTIAL DISCLOSURE AGREEMENT", "Standstill and Confidentiality "
            "Agreement", "Unilateral Non-Disclosure Agreement",
            "Non-Competition and Non-Disclosure Agreement",
            "Confidentiality, Non-Competition and Non-Solicitation Agreement",
            "EMPLOYEE CONFIDENTIALITY AND INVENTION ASSIGNMENT AGREEMENT",
            "Employee Non-Compete, Non-Solicit and Confidentiality Agreement",
            "Confidential Information and Non-Solicitation Agreement",
            "PROPRIETARY INFORMATION AGREEMENT", "Nondisclosure and Standstill Agreement",
            "Confidentiality and Joint Development Agreement", "SECRECY AGREEMENT",
            "Executive Confidentiality and Non-Solicitation Agreement"],
    "msa": ["MASTER SERVICES AGREEMENT", "Master Services Agreement", "MASTER AGREEMENT",
            "Master Professional Services Agreement", "MASTER SUBSCRIPTION AGREEMENT",
            "Master Purchase and Services Agreement", "Framework Agreement"],
    "services": ["SERVICES AGREEMENT", "CONSULTING AGREEMENT", "Professional Services Agreement",
                 "MAINTENANCE AGREEMENT", "HOSTING AGREEMENT", "OUTSOURCING AGREEMENT",
                 "Transportation Services Agreement", "Support and Maintenance Agreement",
                 "Management Services Agreement", "Consulting Services Agreement",
                 "Web Hosting Services Agreement", "Transition Services Agreement",
                 "Independent Contractor Agreement", "Administrative Services Agreement",
                 "Transportation Agreement", "Gas Gathering Agreement", "Terminal Services "
                 "Agreement", "Software Maintenance Agreement", "Outsourcing Services Agreement",
                 "Investment Advisory Agreement", "Fund Administration Services Agreement",
                 "Marketing Services Agreement", "Data Processing Services Agreement"],
    "supply": ["SUPPLY AGREEMENT", "Manufacturing Agreement", "MANUFACTURING AND SUPPLY AGREEMENT",
               "Purchase and Supply Agreement", "Contract Manufacturing Agreement",
               "Product Supply Agreement", "OEM Supply Agreement", "Raw Materials Supply Agreement"],
    "license": ["LICENSE AGREEMENT", "Software License Agreement", "TRADEMARK LICENSE AGREEMENT",
                "Patent License Agreement", "Intellectual Property Agreement",
                "Technology License Agreement", "EXCLUSIVE LICENSE AGREEMENT",
                "Content License Agreement", "Cross-License Agreement",
                "End User License Agreement", "Intellectual Property Assignment and License"],
    "lease": ["LEASE AGREEMENT", "Office Lease", "COMMERCIAL LEASE", "Residential Lease Agreement",
              "Equipment Lease Agreement", "SUBLEASE AGREEMENT", "Lease of Premises",
              "Industrial Building Lease", "Tenancy Agreement"],
    "employment": ["EMPLOYMENT AGREEMENT", "EXECUTIVE EMPLOYMENT AGREEMENT",
                   "Amended and Restated Employment Agreement", "Executive Services Agreement",
                   "Employment Contract", "Severance and Employment Agreement"],
    "distribution": ["DISTRIBUTION AGREEMENT", "Distributor Agreement", "EXCLUSIVE DISTRIBUTION "
                     "AGREEMENT", "Reseller Agreement", "VALUE ADDED RESELLER AGREEMENT",
                     "Dealer Agreement", "International Distribution Agreement",
                     "Sales Representative Agreement"],
    "other": ["JOINT VENTURE AGREEMENT", "FRANCHISE AGREEMENT", "Co-Branding Agreement",
              "ENDORSEMENT AGREEMENT", "Sponsorship Agreement", "Strategic Alliance Agreement",
              "Collaboration Agreement", "Development Agreement", "Marketing Agreement",
              "Affiliate Agreement", "Agency Agreement", "Non-Competition Agreement",
              "Promotion Agreement", "Loan Agreement", "Stock Purchase Agreement",
              "Asset Purchase Agreement", "Settlement Agreement", "Partnership Agreement",
              "Shareholders Agreement", "Escrow Agreement", "Guaranty", "Security Agreement",
              "Research and Development Agreement", "Content Sharing Agreement",
              "Website Co-Branding Agreement", "Merger Agreement", "Credit Agreement",
              "Cooperation Agreement", "Joint Filing Agreement", "Voting Agreement",
              "Referral Agreement", "Content Distribution and "
              "Revenue Sharing Agreement", "Hosting and Co-Marketing Agreement",
              "Business Cooperation Agreement", "Framework Cooperation "
              "Agreement"],
}

# Roles (defined terms) each subtype tends to give its parties.
ROLES = {
    "nda": [("Disclosing Party", "Receiving Party"), ("Company", "Recipient"),
            ("Company", "Employee"), ("Company", "Consultant"),
            ("the Company", "the Counterparty"), ("Discloser", "Recipient")],
    "msa": [("Customer", "Provider"), ("Client", "Supplier"), ("Company", "Vendor")],
    "services": [("Client", "Consultant"), ("Company", "Service Provider"),
                 ("Customer", "Contractor"), ("Owner", "Manager")],
    "supply": [("Buyer", "Supplier"), ("Purchaser", "Manufacturer"), ("Customer", "Seller")],
    "license": [("Licensor", "Licensee"), ("Owner", "Licensee"), ("Grantor", "Grantee")],
    "lease": [("Landlord", "Tenant"), ("Lessor", "Lessee"), ("Sublandlord", "Subtenant")],
    "employment": [("Company", "Executive"), ("Employer", "Employee"), ("Corporation", "Executive")],
    "distribution": [("Supplier", "Distributor"), ("Company", "Reseller"),
                     ("Manufacturer", "Dealer"), ("Principal", "Representative")],
    "other": [("Company", "Partner"), ("Franchisor", "Franchisee"), ("Sponsor", "Athlete"),
              ("Lender", "Borrower"), ("Seller", "Purchaser"), ("Party A", "Party B"),
              ("Company", "Endorser"), ("Developer", "Company"), ("Agent", "Principal")],
}

PURPOSE = {
    "nda": ["evaluating a possible business relationship between them (the \"Purpose\")",
            "discussions concerning a potential strategic transaction",
            "exploring a potential acquisition of or investment in the Company"],
    "msa": ["the provision of services under one or more Statements of Work issued hereunder",
            "establishing the terms under which Provider will perform services described in "
            "Orders executed from time to time"],
    "services": ["the performance of consulting and advisory services",
                 "hosting, maintenance and support services for the Customer's systems",
                 "the outsourcing of certain administrative and operational functions",
                 "transportation and logistics services for the Customer's products"],
    "supply": ["the manufacture and supply of the Products to Buyer",
               "the purchase of raw materials and components from Supplier"],
    "license": ["a license to use certain patents, trademarks and software",
                "the right to use the Licensed Technology in the Field"],
    "lease": ["the lease of the Premises described herein", "the rental of certain equipment"],
    "employment": ["the employment of the Executive by the Company",
                   "the terms and conditions of Executive's continued employment"],
    "distribution": ["the appointment of Distributor to resell the Products in the Territory",
                     "the distribution and marketing of the Products"],
    "other": ["a joint venture to develop and market new products",
              "the endorsement of the Company's products by the Endorser",
              "the operation of a franchised business", "a co-branded website",
              "a loan in the principal amount set forth herein", "the sponsorship of events",
              "joint research and development activities", "a strategic marketing alliance"],
}

# Subtype-specific operative clauses: (heading, sentences).
SPECIFIC = {
    "nda": [
        ("Definition of Confidential Information", [
            "\"Confidential Information\" means all non-public information, whether oral, "
            "written or electronic, disclosed by the Disclosing Party, including trade secrets, "
            "know-how, business plans, customer lists and financial information.",
            "Confidential Information does not include information that is or becomes publicly "
            "available through no fault of the Receiving Party, was rightfully known to it "
            "before disclosure, or is independently developed without use of such information."]),
        ("Obligations of Receiving Party", [
            "The Receiving Party shall hold the Confidential Information in strict confidence and "
            "shall not disclose it to any third party without prior written consent.",
            "The Receiving Party shall use the Confidential Information solely for the Purpose "
            "and shall restrict access to its Representatives who need to know it.",
            "The Receiving Party shall protect the Confidential Information with at least the "
            "same degree of care it uses for its own confidential information."]),
        ("Return of Materials", [
            "Upon request, the Receiving Party shall promptly return or destroy all documents "
            "containing Confidential Information and certify such destruction in writing."]),
        ("Compelled Disclosure", [
            "If the Receiving Party is required by law or court order to disclose Confidential "
            "Information, it shall give prompt notice so that the Disclosing Party may seek a "
            "protective order."]),
        ("No License; No Obligation", [
            "Nothing in this Agreement grants any license under any patent, copyright or other "
            "right, and neither party is obligated to proceed with any transaction."]),
        ("Non-Solicitation", [
            "For a period of one year, neither party shall solicit for employment any employee of "
            "the other party with whom it had contact in connection with the Purpose."]),
        ("Remedies", [
            "The parties agree that unauthorized disclosure may cause irreparable harm for which "
            "monetary damages would be inadequate, and that injunctive relief may be sought."]),
        ("Assignment of Inventions", [
            "Employee agrees that all inventions, discoveries and works of authorship conceived "
            "during the period of service are the sole property of the Company.",
            "Employee shall promptly disclose each such invention to the Company in writing."]),
        ("Proprietary Information", [
            "Employee shall not, during or after the relationship with the Company, use or "
            "disclose any Proprietary Information except as required in performing duties for "
            "the Company."]),
        ("Non-Competition", [
            "For a period of twelve months after termination, Employee shall not engage in any "
            "business competitive with the Company within the restricted territory."]),
        ("Return of Company Property", [
            "Upon termination of employment for any reason, Employee shall return all documents, "
            "records and devices containing Confidential Information of the Company."]),
        ("Non-Solicitation of Customers", [
            "Employee shall not, directly or indirectly, solicit any customer of the Company for "
            "the purpose of providing competing products or services."]),
        ("Trade Secrets", [
            "Employee acknowledges that the Company's trade secrets and confidential information "
            "are valuable assets and agrees to hold them in trust for the sole benefit of the "
            "Company, both during and after employment."]),
        ("Standstill", [
            "For a period of twelve months, the Recipient shall not acquire any securities of the "
            "Company or solicit proxies without the Company's prior written consent."]),
    ],
    "msa": [
        ("Statements of Work", [
            "Services shall be described in one or more statements of work (each an \"SOW\") "
            "executed by both parties, each of which is incorporated into this Master Agreement.",
            "In the event of a conflict between this Agreement and any SOW, this Agreement "
            "controls unless the SOW expressly states otherwise."]),
        ("Change Orders", ["Either party may request changes to an SOW through a written change "
                           "order signed by authorized representatives of both parties."]),
        ("Fees and Invoicing", ["Customer shall pay the fees set forth in each SOW within thirty "
                                "(30) days after receipt of a correct invoice."]),
        ("Service Levels", ["Provider shall meet the service levels set forth in the applicable "
                            "SOW and shall provide service credits for any failure."]),
        ("Personnel", ["Provider shall assign qualified personnel and remains responsible for its "
                       "subcontractors under each Order."]),
    ],
    "services": [
        ("Services", ["Consultant shall perform the services described in Exhibit A (the "
                      "\"Services\") in a professional and workmanlike manner.",
                      "Contractor shall furnish all labor, tools and supervision necessary to "
                      "perform the Services."]),
        ("Compensation", ["Company shall pay Consultant a fee of {money} per month, plus "
                          "reasonable pre-approved out-of-pocket expenses.",
                          "Fees are payable at an hourly rate of {rate} per hour for hours worked."]),
        ("Independent Contractor", ["Consultant is an independent contractor and not an employee, "
                                    "agent or partner of Company."]),
        ("Hosting and Maintenance", ["Service Provider shall host the Customer's applications, "
                                     "provide maintenance releases and respond to support "
                                     "requests within the response times stated in Schedule 2."]),
        ("Deliverables", ["All deliverables shall be subject to acceptance testing by the Client "
                          "within ten business days of delivery."]),
        ("Transportation Services", ["Carrier shall receive the Shipper's product at the "
                                     "receipt points and transport and deliver it to the "
                                     "delivery points, subject to the minimum volume commitment "
                                     "of barrels per day.", "Shipper shall pay the tariff rate "
                                     "per barrel for all volumes transported."]),
        ("Maintenance Services", ["Vendor shall provide error corrections, updates and "
                                  "telephone support for the Covered Systems during the support "
                                  "hours, and preventive maintenance on the schedule in "
                                  "Exhibit B."]),
        ("Service Fees", ["The monthly service fee covers the Services described in the "
                          "Service Description; additional services are billed at the rates in "
                          "Schedule C."]),
        ("Administration Services", ["The Administrator shall maintain the books and records, "
                                     "calculate net asset value and prepare reports for the "
                                     "Fund."]),
    ],
    "supply": [
        ("Purchase Orders", ["Buyer shall issue purchase orders specifying quantities, delivery "
                             "dates and destinations; Supplier shall accept each conforming order."]),
        ("Forecasts", ["Buyer shall provide a rolling twelve-month non-binding forecast of its "
                       "requirements for the Products."]),
        ("Price", ["The price for the Products is set forth in Schedule A and is fixed for the "
                   "first contract year, subject to adjustment for raw material costs."]),
        ("Delivery; Title and Risk", ["Delivery shall be made FCA Supplier's facility "
                                      "(Incoterms 2020); title and risk pass upon delivery."]),
        ("Quality; Specifications", ["Manufacturer shall manufacture the Products in accordance "
                                     "with the Specifications and current good manufacturing "
                                     "practices, and shall maintain batch records."]),
        ("Warranty", ["Supplier warrants that the Products shall be free from defects in material "
                      "and workmanship and conform to the Specifications."]),
    ],
    "license": [
        ("Grant of License", ["Licensor hereby grants to Licensee a non-exclusive, "
                              "non-transferable license to use the Licensed Patents and Licensed "
                              "Marks in the Territory during the Term.",
                              "Subject to the terms hereof, Licensor grants Licensee an exclusive, "
                              "royalty-bearing license under the Licensed Technology."]),
        ("Royalties", ["Licensee shall pay Licensor a royalty of {pct} of Net Sales of Licensed "
                       "Products, payable quarterly within thirty days after each quarter."]),
        ("Ownership of Intellectual Property", ["All right, title and interest in the "
                                                "Intellectual Property remain with Licensor; "
                                                "Licensee shall not contest its validity."]),
        ("Trademark Usage", ["Licensee shall use the Licensed Marks only in the form approved by "
                             "Licensor and shall observe Licensor's quality standards."]),
        ("Source Code", ["Licensee shall not reverse engineer, decompile or disassemble the "
                         "Software, except as permitted by applicable law."]),
    ],
    "lease": [
        ("Premises", ["Landlord leases to Tenant the premises located at {address} consisting of "
                      "approximately {sqft} rentable square feet (the \"Premises\")."]),
        ("Rent", ["Tenant shall pay base rent of {money} per month, in advance, on the first day "
                  "of each month, without demand, deduction or set-off."]),
        ("Security Deposit", ["Upon execution Tenant shall deposit {money} as security for the "
                              "performance of its obligations."]),
        ("Use", ["The Premises shall be used only for general office purposes and for no other "
                 "purpose without Landlord's consent."]),
        ("Repairs and Maintenance", ["Tenant shall keep the Premises in good repair; Landlord "
                                     "shall maintain the roof, structure and common areas."]),
        ("Utilities", ["Tenant shall pay for all utilities furnished to the Premises."]),
        ("Surrender", ["At the end of the Term Tenant shall surrender the Premises broom-clean "
                       "and in good condition, ordinary wear and tear excepted."]),
    ],
    "employment": [
        ("Position and Duties", ["The Company hereby employs the Executive as its {title}, "
                                 "reporting to the Board of Directors, and Executive accepts such "
                                 "employment."]),
        ("Base Salary", ["The Company shall pay Executive an annual base salary of {money}, "
                         "payable in accordance with the Company's payroll practices."]),
        ("Annual Bonus; Equity", ["Executive shall be eligible for an annual bonus targeted at "
                                  "{pct} of Base Salary and shall be granted stock options under "
                                  "the Company's equity incentive plan."]),
        ("Termination; Severance", ["If the Company terminates Executive's employment without "
                                    "Cause or Executive resigns for Good Reason, Executive shall "
                                    "receive severance equal to twelve months of Base Salary."]),
        ("Change in Control", ["Upon a Change in Control, all unvested equity awards shall "
                               "accelerate and vest in full."]),
        ("Restrictive Covenants", ["During employment and for twelve months thereafter, "
                                   "Executive shall not compete with the Company or solicit its "
                                   "employees or customers."]),
    ],
    "distribution": [
        ("Appointment", ["Supplier appoints Distributor as its exclusive distributor of the "
                         "Products in the Territory, and Distributor accepts such appointment."]),
        ("Territory", ["The Territory means {country} and such other countries as the parties "
                       "may agree in writing."]),
        ("Minimum Purchase Requirements", ["Distributor shall purchase at least the minimum "
                                           "annual quantities set forth in Exhibit B."]),
        ("Resale Prices", ["Distributor shall be free to determine its resale prices; Supplier's "
                           "price list may be amended on sixty days' notice."]),
        ("Marketing", ["Distributor shall use commercially reasonable efforts to promote, market "
                       "and sell the Products and shall maintain adequate inventory."]),
        ("Sub-distributors", ["Distributor may not appoint sub-distributors or resellers without "
                              "the prior written consent of Supplier."]),
    ],
    "other": [
        ("Formation of Joint Venture", ["The parties hereby form a joint venture company in "
                                        "which each shall hold fifty percent of the shares."]),
        ("Endorsement Services", ["Endorser shall make personal appearances and permit the use "
                                  "of Endorser's name, likeness and image in advertising."]),
        ("Franchise Fee", ["Franchisee shall pay an initial franchise fee of {money} and a "
                           "continuing royalty of {pct} of Gross Sales."]),
        ("Co-Branded Site", ["The parties shall develop a co-branded web site displaying both "
                             "parties' marks and share advertising revenues equally."]),
        ("Loan; Interest", ["Lender agrees to lend Borrower {money}; interest accrues at {pct} "
                            "per annum and the principal is due on the Maturity Date."]),
        ("Sponsorship Benefits", ["Sponsor shall receive naming rights, signage and hospitality "
                                  "at each Event."]),
        ("Research Program", ["The parties shall conduct the Research Program under the "
                              "direction of a Joint Steering Committee."]),
        ("Purchase and Sale", ["Seller shall sell and Purchaser shall purchase the Shares for "
                               "an aggregate purchase price of {money}."]),
        ("Marketing Commitments", ["Each party shall promote the other party's offerings to its "
                                   "customers and pay referral fees as set out in Schedule 1."]),
        ("Cooperation", ["The parties shall cooperate in good faith on the matters set out in "
                         "this Agreement, including the nomination of directors and the "
                         "standstill period."]),
        ("Joint Filing", ["Each of the undersigned agrees to the joint filing of a statement on "
                          "Schedule 13D with respect to the common stock of the issuer."]),
        ("Affiliate Program", ["Affiliate shall place links to the Company's site and shall earn "
                               "a commission of {pct} on qualifying purchases by referred "
                               "users."]),
        ("Non-Competition", ["For the Restricted Period, the Seller shall not engage in any "
                             "business that competes with the Business in the Territory."]),
    ],
}

SHARED = [
    ("Term", ["This Agreement commences on the Effective Date and continues for {term}, unless "
              "earlier terminated.", "Thereafter it renews automatically for successive one-year "
              "periods unless either party gives {notice} days' written notice of non-renewal."]),
    ("Termination", ["Either party may terminate this Agreement upon {notice} days' written "
                     "notice if the other party materially breaches it and fails to cure.",
                     "Either party may terminate immediately if the other becomes insolvent or "
                     "makes an assignment for the benefit of creditors."]),
    ("Confidentiality", ["Each party shall keep confidential the terms of this Agreement and all "
                         "non-public information received from the other party."]),
    ("Representations and Warranties", ["Each party represents that it is duly organized, has "
                                        "full power to enter into this Agreement and that its "
                                        "performance will not breach any other agreement."]),
    ("Indemnification", ["Each party shall indemnify, defend and hold harmless the other party "
                         "from all claims, losses and expenses arising from its negligence or "
                         "breach of this Agreement."]),
    ("Limitation of Liability", ["IN NO EVENT SHALL EITHER PARTY BE LIABLE FOR ANY INDIRECT, "
                                 "INCIDENTAL, CONSEQUENTIAL OR PUNITIVE DAMAGES, EVEN IF ADVISED "
                                 "OF THE POSSIBILITY THEREOF."]),
    ("Governing Law", ["This Agreement shall be governed by and construed in accordance with the "
                       "laws of the State of {state}, without regard to its conflict of laws "
                       "principles.", "The parties submit to the exclusive jurisdiction of the "
                       "courts located in {state}."]),
    ("Notices", ["All notices shall be in writing and delivered personally, by courier or by "
                 "certified mail to the addresses set forth above, and are effective upon "
                 "receipt."]),
    ("Assignment", ["Neither party may assign this Agreement without the prior written consent "
                    "of the other party, except to a successor in a merger."]),
    ("Force Majeure", ["Neither party is liable for delays caused by events beyond its "
                       "reasonable control, including acts of God, war, strikes or epidemics."]),
    ("Entire Agreement", ["This Agreement constitutes the entire agreement between the parties "
                          "and supersedes all prior understandings, whether written or oral."]),
    ("Severability", ["If any provision is held invalid or unenforceable, the remaining "
                      "provisions shall continue in full force and effect."]),
    ("Waiver", ["No waiver of any breach shall be deemed a waiver of any other breach."]),
    ("Counterparts", ["This Agreement may be executed in counterparts, each of which is an "
                      "original and all of which together constitute one instrument."]),
    ("Amendment", ["This Agreement may be amended only by a written instrument signed by both "
                   "parties."]),
    ("Insurance", ["Each party shall maintain commercial general liability insurance with limits "
                   "of not less than {money} per occurrence."]),
    ("Dispute Resolution", ["Any dispute shall be finally settled by arbitration under the rules "
                            "of the American Arbitration Association, held in {state}."]),
    ("Relationship of the Parties", ["Nothing herein creates a partnership, joint venture or "
                                     "agency relationship between the parties."]),
    ("Audit", ["Each party may, upon reasonable notice, audit the relevant records of the other "
               "party once per calendar year."]),
    ("Compliance with Laws", ["Each party shall comply with all applicable laws, including "
                              "anti-corruption and export control laws."]),
]

STATES = ["New York", "Delaware", "California", "Texas", "Illinois", "Massachusetts", "Florida",
          "Nevada", "Washington", "England and Wales", "Ontario", "Singapore", "Hong Kong",
          "the Netherlands", "Germany", "New Jersey", "Georgia", "Colorado", "Minnesota"]


_L_SUBJ = ["{a}", "{b}", "Each party", "Neither party", "The parties", "Either party",
           "Any successor of {a}", "{b}'s affiliates"]
_L_MODAL = ["shall", "shall not", "may", "agrees to", "will", "is entitled to", "undertakes to"]
_L_ACT = ["provide written notice to {other}", "maintain complete and accurate records",
          "use commercially reasonable efforts to perform its obligations",
          "comply with all applicable laws and regulations", "keep the terms hereof confidential",
          "obtain the prior written consent of {other}", "bear its own costs and expenses",
          "deliver the reports described in this Section", "cure such breach",
          "take such further actions as may reasonably be requested",
          "make available its personnel and facilities", "pay all amounts when due",
          "indemnify {other} against third-party claims", "permit {other} to inspect its books"]
_L_COND = ["", " within thirty (30) days after the end of each calendar quarter",
           " in accordance with the terms of this Agreement", " unless otherwise agreed in writing",
           " to the extent permitted by applicable law", " during the Term and thereafter",
           " as set forth in Exhibit A", " subject to Section {n}", " upon the request of {other}",
           " notwithstanding anything to the contrary herein"]


def _legal_sentence(ctx: Ctx, a: str, b: str) -> str:
    """Filler in contract register, so long agreements read like agreements."""
    subj = ctx.pick(_L_SUBJ).format(a=a, b=b)
    other = b if a in subj else a
    s = f"{subj} {ctx.pick(_L_MODAL)} {ctx.pick(_L_ACT)}{ctx.pick(_L_COND)}."
    return s.format(other=other, n=ctx.rng.randint(2, 20))


def _fill(ctx: Ctx, s: str) -> str:
    return s.format(
        money=ctx.money(1000, 500000, ctx.pick(["$", "US$", "USD ", "EUR "])),
        rate=ctx.money(50, 400, "$"), pct=f"{ctx.rng.randint(2, 40)}%",
        term=ctx.pick(["one (1) year", "two (2) years", "three years", "five (5) years",
                       "eighteen months", "a period of 24 months"]),
        notice=ctx.pick(["thirty (30)", "sixty (60)", "ninety (90)", "10", "180"]),
        state=ctx.pick(STATES), address=ctx.address(one_line=True)[0],
        sqft=f"{ctx.rng.randint(800, 90000):,}", title=ctx.en.job(),
        country=ctx.en.country())


def _number(ctx: Ctx, style: int, i: int) -> str:
    return [f"{i}.", f"Section {i}.", f"ARTICLE {i}", f"{i})", f"{i}.0", f"({chr(96 + min(i, 26))})",
            f"ARTICLE {_roman(i)}", f"{i}."][style]


def _roman(n: int) -> str:
    vals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def contract(ctx: Ctx, subtype: str) -> GeneratedDoc:
    rng = ctx.rng
    width = rng.choice([70, 80, 90, 100, 120])
    lines: list[str] = []
    if ctx.chance(0.3):  # EDGAR filing header: "<type> <seq> <file name>"
        ex = ctx.pick([f"10.{rng.randint(1, 60)}", f"99.{rng.randint(1, 9)}", "4.1", "2.1"])
        lines.append(f"EX-{ex} {rng.randint(1, 30)} {ctx.code('?######')}"
                     f"{ctx.pick(['dex', 'ex', '_'])}{ex.replace('.', '')}.htm")
    if ctx.chance(0.35):
        lines.append(ctx.pick([f"Exhibit 10.{rng.randint(1, 60)}", f"EX-10.{rng.randint(1, 40)}",
                               "EXHIBIT 99.1", f"Exhibit 4.{rng.randint(1, 30)}",
                               "EXECUTION COPY", "EXECUTION VERSION"]))
    if ctx.chance(0.15):
        lines += wrap("CONFIDENTIAL TREATMENT REQUESTED. CERTAIN PORTIONS OF THIS DOCUMENT HAVE "
                      "BEEN OMITTED AND FILED SEPARATELY WITH THE COMMISSION. [***] INDICATES "
                      "OMITTED MATERIAL.", width)
    title = ctx.pick(TITLES[subtype])
    if ctx.chance(0.12):
        title = ctx.pick(["Amended and Restated ", "AMENDED AND RESTATED ", "First Amended "]) \
            + title
    lines.append(ctx.case(title, 0.6))
    a, b = ctx.company(), ctx.company() if subtype not in ("employment",) else ctx.person()
    if subtype in ("other", "nda") and ctx.chance(0.25):
        b = ctx.person()
    ra, rb = ctx.pick(ROLES[subtype])
    if ctx.chance(0.5):
        ra, rb = rb, ra
    date = ctx.fmt_date(ctx.date(1996, 2025))
    if ctx.chance(0.2):  # table of contents
        lines.append("TABLE OF CONTENTS")
        for i, (h, _) in enumerate(ctx.some(SPECIFIC[subtype] + SHARED, 4, 12), 1):
            lines.append(f"{i}. {h} {'.' * rng.randint(3, 20)} {rng.randint(1, 30)}")
    opening = ctx.pick([
        f"This {title.title()} (the \"Agreement\") is entered into as of {date} (the \"Effective "
        f"Date\") by and between {a}, a {ctx.pick(STATES)} corporation with offices at "
        f"{ctx.address(True)[0]} (\"{ra}\"), and {b} (\"{rb}\").",
        f"THIS AGREEMENT is made on {date} BETWEEN: (1) {a} (the \"{ra}\"); and (2) {b} "
        f"(the \"{rb}\"). Each a \"Party\" and together the \"Parties\".",
        f"{title} dated {date}, between {a} (\"{ra}\") and {b} (\"{rb}\").",
        f"Dear {b}: This letter agreement sets out the terms agreed between {a} and you regarding "
        f"{ctx.pick(PURPOSE[subtype])}.",
    ])
    lines += wrap(opening, width)
    if ctx.chance(0.75):
        lines.append(ctx.pick(["RECITALS", "WITNESSETH:", "W I T N E S S E T H", "BACKGROUND",
                               "Recitals"]))
        for _ in range(rng.randint(1, 4)):
            lines += wrap(f"{ctx.pick(['WHEREAS', 'Whereas', 'A.', 'B.'])}, {rb} "
                          f"{ctx.pick(['wishes', 'desires', 'intends'])} to enter into an "
                          f"arrangement for {ctx.pick(PURPOSE[subtype])}; and "
                          f"{ra} {ctx.pick(['is engaged in', 'is in the business of'])} "
                          f"{ctx.en.bs()};", width)
        lines += wrap(ctx.pick([
            "NOW, THEREFORE, in consideration of the mutual covenants contained herein and for "
            "other good and valuable consideration, the receipt of which is hereby "
            "acknowledged, the parties agree as follows:",
            "The parties therefore agree as follows:",
            "NOW THEREFORE, the parties hereto, intending to be legally bound, hereby agree:"]),
            width)
    # Sections: subtype specific first-ish, shared ones interleaved; length 1..30 pages.
    n_specific = rng.randint(2, len(SPECIFIC[subtype]))
    pages_target = rng.choice([1, 1, 2, 3, 4, 6, 8, 12, 20, 30])
    n_shared = min(len(SHARED), max(2, pages_target * 2))
    sections = ctx.some(SPECIFIC[subtype], n_specific, n_specific)
    shared = ctx.some(SHARED, n_shared, n_shared)
    for s in shared:
        sections.insert(rng.randint(min(len(sections), 2), len(sections)), s)
    style = rng.randint(0, 7)
    reps = 1 + pages_target // 6
    for i, (head, sents) in enumerate(sections, 1):
        head_line = f"{_number(ctx, style, i)} {ctx.case(head, 0.5)}"
        body = " ".join(_fill(ctx, s) for s in ctx.some(sents, 1, len(sents)))
        if reps > 1 or ctx.chance(0.3):
            body += " " + " ".join(_legal_sentence(ctx, ra, rb)
                                   for _ in range(rng.randint(0, 3 * reps)))
        if ctx.chance(0.5):
            lines.append(head_line)
            lines += wrap(body, width)
        else:
            lines += wrap(f"{head_line}. {body}", width)
        if ctx.chance(0.1):
            lines.append("[***]")
        if ctx.chance(0.15):
            lines.append(f"{rng.randint(1, 40)}")  # page number line
    lines.append("")
    lines += wrap(ctx.pick([
        "IN WITNESS WHEREOF, the parties have executed this Agreement as of the date first "
        "written above.", "IN WITNESS WHEREOF the parties hereto have caused this Agreement to "
        "be executed by their duly authorized representatives.",
        "Signed for and on behalf of the parties:", "AGREED AND ACCEPTED:"]), width)
    for party in (a, b):
        lines.append(party.upper() if ctx.chance(0.5) else party)
        lines.append("By: " + ctx.pick(["_" * 20, f"/s/ {ctx.person()}", ""]))
        lines.append(f"Name: {ctx.person() if ctx.chance(0.7) else ''}")
        lines.append(f"Title: {ctx.pick(['President', 'CEO', 'Director', 'CFO', 'VP Legal', ''])}")
        if ctx.chance(0.5):
            lines.append(f"Date: {ctx.fmt_date() if ctx.chance(0.6) else ''}")
    if ctx.chance(0.3):
        lines.append(ctx.pick(["EXHIBIT A", "Schedule 1", "ANNEX A", "Exhibit B"]))
        lines.append(ctx.pick(["Description of Services", "Products and Prices", "Territory",
                               "Licensed Patents", "Legal Description of Premises", "Fees"]))
        for _ in range(rng.randint(1, 8)):
            lines.append(f"{ctx.en.catch_phrase()}  {ctx.money(10, 9000, '$')}")
    n_pages = max(1, sum(len(x) for x in lines) // 3000)
    return GeneratedDoc("contract", subtype, lines, n_pages=n_pages)
