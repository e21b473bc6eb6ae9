"""Generated clause texts for CUAD's 41 clause types (the tagger's only training data).

Every category has several paraphrase templates whose slots (parties, durations, places,
amounts) are filled at random, optionally wrapped in a numbered heading, joined with a
neutral boilerplate sentence, or shouted in capitals as liability clauses often are.
"other" clauses are boilerplate no category should claim (notices, counterparts,
severability, definitions, payment mechanics...). Nothing here comes from a real contract.
"""

from __future__ import annotations

import random
import re

ROLES = [
    ("Company", "Consultant"), ("Licensor", "Licensee"), ("Supplier", "Customer"),
    ("Distributor", "Manufacturer"), ("Provider", "Client"), ("Seller", "Buyer"),
    ("Franchisor", "Franchisee"), ("Vendor", "Purchaser"), ("Sponsor", "Partner"),
    ("Developer", "Publisher"), ("Reseller", "Company"), ("Bank", "Affiliate"),
]
NUM = [
    ("one (1)", "year"), ("two (2)", "years"), ("three (3)", "years"), ("five (5)", "years"),
    ("six (6)", "months"), ("twelve (12)", "months"), ("eighteen (18)", "months"),
    ("thirty (30)", "days"), ("sixty (60)", "days"), ("ninety (90)", "days"), ("1", "year"),
    ("24", "months"), ("45", "days"), ("ten (10)", "years"), ("one hundred eighty (180)", "days"),
]
STATES = ["New York", "Delaware", "California", "Texas", "Illinois", "Ontario", "England and Wales",
          "Massachusetts", "Nevada", "Florida", "Washington", "Georgia", "Israel", "Singapore"]
AMOUNTS = ["$100,000", "$1,000,000", "$250,000.00", "US$5 million", "$50,000", "EUR 200,000",
           "$2,500,000", "one million dollars ($1,000,000)"]
PCTS = ["ten percent (10%)", "15%", "twenty-five percent (25%)", "5%", "fifty percent (50%)"]
PRODUCTS = ["the Products", "the Licensed Software", "the Services", "the Deliverables",
            "the Licensed Marks", "the Equipment", "the Platform", "the Licensed Technology"]
TERRITORY = ["the Territory", "North America", "the United States", "worldwide", "Europe",
             "the Field of Use"]


def _pick(rng: random.Random, xs: list) -> object:
    return xs[rng.randrange(len(xs))]


T: dict[str, list[str]] = {
    "document_name": [
        "{TITLE}", "THIS {TITLE} is made by the parties below.", "{TITLE}\nEXECUTION VERSION",
    ],
    "parties": [
        "This {TITLE} is entered into by and between {NA}, a {STATE} corporation (\"{A}\"), and {NB} (\"{B}\").",
        "BETWEEN: (1) {NA} (the \"{A}\"); and (2) {NB} (the \"{B}\").",
        "This {TITLE} is made by and among {NA} (hereinafter \"{A}\") and {NB}, a {STATE} limited liability company (hereinafter \"{B}\").",
    ],
    "agreement_date": [
        "This {TITLE} is dated as of {DATE}.", "Made and entered into this {DAY} day of {MONTH}, {YEAR}.",
        "This {TITLE} is executed on {DATE} by the parties hereto.",
    ],
    "effective_date": [
        "This {TITLE} shall become effective on {DATE} (the \"Effective Date\").",
        "The effective date of this {TITLE} shall be {DATE}.",
        "This {TITLE} shall be effective as of the date on which it is signed by both parties (the \"Effective Date\").",
    ],
    "expiration_date": [
        "This {TITLE} shall expire on {DATE} unless earlier terminated.",
        "The term of this {TITLE} shall commence on the Effective Date and end on {DATE}.",
        "Unless terminated earlier as provided herein, this {TITLE} shall remain in effect until {DATE}.",
        "The Initial Term shall commence on the Effective Date and continue for a period of {N} {U} thereafter.",
        "This {TITLE} shall continue in full force and effect for {N} {U} from the Effective Date, unless sooner terminated.",
    ],
    "renewal_term": [
        "Upon expiration of the Initial Term, this {TITLE} shall automatically renew for successive {N} {U} terms unless either party gives notice of non-renewal.",
        "This {TITLE} will be automatically extended for additional periods of {N} {U} each (each a \"Renewal Term\").",
        "Thereafter, the term shall renew automatically for consecutive one-year periods unless terminated by either party.",
        "The parties may renew this {TITLE} for an additional {N} {U} term upon mutual written agreement.",
    ],
    "notice_period_to_terminate_renewal": [
        "This {TITLE} shall automatically renew unless either party provides written notice of non-renewal at least {N} {U} prior to the end of the then-current term.",
        "Either party may elect not to renew this {TITLE} by giving the other party written notice no later than {N} {U} before the expiration of the Term.",
        "Unless {A} notifies {B} in writing of its intention not to renew at least {N} {U} prior to expiration, the term shall be extended.",
    ],
    "governing_law": [
        "This {TITLE} shall be governed by and construed in accordance with the laws of the State of {STATE}, without regard to its conflict of laws principles.",
        "The validity, interpretation and performance of this {TITLE} shall be governed by the laws of {STATE}.",
        "This {TITLE} and all disputes arising hereunder will be construed under the internal laws of the Commonwealth of {STATE}.",
        "The laws of the State of {STATE} shall govern this {TITLE}, excluding its choice of law rules.",
    ],
    "most_favored_nation": [
        "If {A} offers any third party prices more favorable than those offered to {B} hereunder, {A} shall offer such more favorable prices to {B}.",
        "{A} represents that the pricing provided to {B} is and will remain no less favorable than the pricing provided to any other similarly situated customer.",
        "Should {A} grant any other licensee more favorable terms, {B} shall be entitled to the benefit of such terms, retroactive to the date granted.",
    ],
    "competitive_restriction_exception": [
        "Notwithstanding the foregoing exclusivity, {A} may continue to sell {PRODUCT} to its existing customers listed in Exhibit C.",
        "The restrictions in Section {SEC} shall not apply to the acquisition by {A} of less than five percent (5%) of the stock of a publicly traded company.",
        "Nothing in this Section shall prevent {B} from marketing products acquired through a merger, provided such products represent less than {PCT} of its revenue.",
    ],
    "non_compete": [
        "During the term of this {TITLE} and for {N} {U} thereafter, {B} shall not, directly or indirectly, engage in any business that competes with {A} in {TERR}.",
        "{B} agrees that it will not manufacture, sell or distribute any product that is competitive with {PRODUCT} during the Term.",
        "For a period of {N} {U} following termination, {B} shall not own, manage, operate or be employed by any competing business within {TERR}.",
    ],
    "exclusivity": [
        "{A} hereby appoints {B} as its exclusive distributor of {PRODUCT} in {TERR}, and {A} shall not appoint any other distributor in {TERR}.",
        "{B} shall purchase all of its requirements for {PRODUCT} exclusively from {A} during the Term.",
        "During the Term, {A} shall not grant any license to any third party with respect to {PRODUCT} in {TERR}; the rights granted herein are exclusive.",
    ],
    "no_solicit_of_customers": [
        "During the Term and for {N} {U} thereafter, {B} shall not solicit or accept business from any customer of {A} with whom {B} had contact.",
        "{B} will not, directly or indirectly, induce any client of {A} to terminate or reduce its business with {A}.",
    ],
    "no_solicit_of_employees": [
        "During the Term and for {N} {U} thereafter, neither party shall solicit for employment or hire any employee of the other party without prior written consent.",
        "{B} agrees not to recruit, solicit or induce any employee or contractor of {A} to leave the employ of {A}.",
    ],
    "non_disparagement": [
        "Neither party shall make any public statement that disparages or defames the other party, its products or its officers.",
        "{B} shall not make, publish or communicate any defamatory or disparaging remarks concerning {A} or its business reputation.",
    ],
    "termination_for_convenience": [
        "Either party may terminate this {TITLE} at any time, for any reason or no reason, upon {N} {U} prior written notice to the other party.",
        "{A} may terminate this {TITLE} for convenience by giving {B} not less than {N} {U} written notice.",
        "{B} shall have the right to terminate this {TITLE} without cause upon written notice to {A}.",
    ],
    "rofr_rofo_rofn": [
        "Before offering {PRODUCT} to any third party, {A} shall first offer {B} the right to acquire such rights on the same terms (right of first refusal).",
        "{B} shall have a right of first negotiation with respect to any new product developed by {A} during the Term.",
        "If {A} receives a bona fide offer to purchase its interest, {B} shall have thirty (30) days to match such offer.",
    ],
    "change_of_control": [
        "In the event of a Change of Control of {B}, {A} may terminate this {TITLE} upon written notice.",
        "Any merger, consolidation or sale of all or substantially all of the assets of {B} shall be deemed an assignment requiring the consent of {A}.",
        "If {B} undergoes a change in control, it shall notify {A} within {N} {U} and {A} may terminate this {TITLE}.",
    ],
    "anti_assignment": [
        "Neither party may assign or transfer this {TITLE} or any rights hereunder without the prior written consent of the other party, and any attempted assignment without such consent shall be void.",
        "{B} shall not assign, delegate or otherwise transfer any of its rights or obligations under this {TITLE} without {A}'s prior written consent, which shall not be unreasonably withheld.",
        "This {TITLE} may not be assigned by either party except to a successor of its business with notice to the other party.",
    ],
    "revenue_profit_sharing": [
        "{B} shall pay {A} a royalty equal to {PCT} of Net Sales of {PRODUCT}.",
        "The parties shall share the net profits from the Joint Venture equally, fifty percent (50%) to each party.",
        "{A} shall receive {PCT} of all revenue generated by {B} from the sale of advertising on the Platform.",
    ],
    "price_restrictions": [
        "{A} shall not increase the prices for {PRODUCT} by more than {PCT} in any calendar year.",
        "Prices set forth in Exhibit B are fixed for the Initial Term and may not be changed without the consent of {B}.",
    ],
    "minimum_commitment": [
        "{B} shall purchase a minimum of 10,000 units of {PRODUCT} in each Contract Year.",
        "{B} agrees to pay minimum annual fees of {AMOUNT}, regardless of actual usage.",
        "If {B} fails to meet the Minimum Purchase Requirement of {AMOUNT} in any year, {A} may terminate the exclusivity granted herein.",
    ],
    "volume_restriction": [
        "{B} may not exceed 5,000 transactions per month without purchasing additional capacity.",
        "The license permits use by no more than fifty (50) named users; additional users require additional fees.",
        "If orders exceed one hundred twenty percent (120%) of the forecast, {A} shall have no obligation to supply the excess quantities.",
    ],
    "ip_ownership_assignment": [
        "All Work Product created by {B} under this {TITLE} shall be the sole and exclusive property of {A}, and {B} hereby assigns to {A} all right, title and interest therein.",
        "{B} agrees that all inventions conceived during the Term are works made for hire and hereby assigns all intellectual property rights in them to {A}.",
        "Any improvements to {PRODUCT} developed by {B} shall be owned by {A}, and {B} shall execute all documents necessary to perfect such ownership.",
    ],
    "joint_ip_ownership": [
        "Any inventions jointly conceived by the parties shall be jointly owned, with each party owning an undivided interest.",
        "Joint Intellectual Property shall be owned jointly by {A} and {B}, and each party may exploit it without accounting to the other.",
    ],
    "license_grant": [
        "Subject to the terms of this {TITLE}, {A} hereby grants to {B} a non-exclusive license to use {PRODUCT} in {TERR}.",
        "{A} grants {B} a limited, revocable license to reproduce and display the Licensed Marks solely in connection with {PRODUCT}.",
        "{A} hereby grants to {B} an exclusive, royalty-bearing license under the Licensed Patents to make, use and sell {PRODUCT}.",
    ],
    "non_transferable_license": [
        "The license granted hereunder is non-transferable and non-sublicensable, and {B} may not sublicense {PRODUCT} to any third party.",
        "{B} shall not sell, transfer, sublicense or otherwise make available the license granted herein to any other person.",
    ],
    "affiliate_license_licensor": [
        "{A} grants {B} a license under the intellectual property of {A} and its Affiliates to use {PRODUCT}.",
        "The license includes patents owned or controlled by {A}'s Affiliates, which {A} shall cause to grant such rights to {B}.",
    ],
    "affiliate_license_licensee": [
        "{B} may extend the license granted herein to its Affiliates, provided that {B} remains responsible for their compliance.",
        "The rights granted to {B} hereunder may be exercised by {B} and its subsidiaries and Affiliates.",
    ],
    "unlimited_all_you_can_eat_license": [
        "{B} may use {PRODUCT} on an unlimited number of devices and for an unlimited number of users at no additional charge.",
        "The enterprise license permits unlimited deployment of {PRODUCT} throughout {B}'s organization for a fixed annual fee.",
    ],
    "irrevocable_or_perpetual_license": [
        "{A} hereby grants {B} a perpetual, irrevocable, fully paid-up license to use {PRODUCT}.",
        "The license granted in this Section shall be perpetual and irrevocable and shall survive any termination of this {TITLE}.",
    ],
    "source_code_escrow": [
        "{A} shall deposit the source code of {PRODUCT} with an escrow agent, to be released to {B} upon {A}'s bankruptcy or failure to support the software.",
        "Within {N} {U} of the Effective Date, {A} shall place the Source Code in escrow pursuant to a source code escrow agreement.",
    ],
    "post_termination_services": [
        "Upon termination, {A} shall provide transition assistance services to {B} for a period of up to {N} {U} at the then-current rates.",
        "Following expiration, {B} may sell off its remaining inventory of {PRODUCT} for {N} {U}, and {A} shall continue to provide support.",
    ],
    "audit_rights": [
        "{A} shall have the right, upon reasonable notice, to audit the books and records of {B} to verify the royalties payable hereunder.",
        "{B} shall keep complete and accurate records and permit an independent accountant appointed by {A} to inspect them once per calendar year.",
        "{A} may, at its expense, examine {B}'s facilities and records to verify compliance with this {TITLE}.",
    ],
    "uncapped_liability": [
        "The limitations of liability in this Section shall not apply to a party's indemnification obligations, breach of confidentiality, or gross negligence or willful misconduct.",
        "NOTHING IN THIS AGREEMENT SHALL LIMIT EITHER PARTY'S LIABILITY FOR FRAUD, DEATH OR PERSONAL INJURY CAUSED BY NEGLIGENCE.",
    ],
    "cap_on_liability": [
        "In no event shall either party's aggregate liability arising out of this {TITLE} exceed the total fees paid by {B} in the twelve (12) months preceding the claim.",
        "IN NO EVENT SHALL {A}'S TOTAL LIABILITY UNDER THIS AGREEMENT EXCEED {AMOUNT}.",
        "Neither party shall be liable for any indirect, incidental, special or consequential damages, including lost profits, arising out of this {TITLE}.",
    ],
    "liquidated_damages": [
        "If {A} fails to deliver by the Delivery Date, {A} shall pay {B} as liquidated damages an amount equal to {PCT} of the purchase price for each week of delay.",
        "The parties agree that the termination fee of {AMOUNT} constitutes liquidated damages and not a penalty.",
    ],
    "warranty_duration": [
        "{A} warrants that {PRODUCT} will be free from defects in materials and workmanship for a period of {N} {U} from the date of delivery.",
        "The warranty period for {PRODUCT} shall be {N} {U} after acceptance by {B}.",
    ],
    "insurance": [
        "{B} shall maintain, at its own expense, commercial general liability insurance with limits of not less than {AMOUNT} per occurrence and shall name {A} as an additional insured.",
        "During the Term, each party shall carry product liability and workers' compensation insurance and provide certificates of insurance upon request.",
    ],
    "covenant_not_to_sue": [
        "{B} agrees not to challenge the validity of the Licensed Patents or assist any third party in contesting {A}'s ownership thereof.",
        "{A} covenants that it shall not assert any claim of infringement against {B} or its customers with respect to {PRODUCT}.",
    ],
    "third_party_beneficiary": [
        "The Affiliates of {A} are intended third party beneficiaries of this {TITLE} and may enforce its terms directly.",
        "{B}'s licensors shall be third-party beneficiaries of this Section and entitled to enforce it.",
    ],
}

OTHER = [
    "All notices under this {TITLE} shall be in writing and delivered by hand, courier or certified mail to the addresses set forth on the signature page.",
    "This {TITLE} may be executed in counterparts, each of which shall be deemed an original, and all of which together constitute one instrument.",
    "If any provision of this {TITLE} is held invalid or unenforceable, the remaining provisions shall continue in full force and effect.",
    "This {TITLE} constitutes the entire agreement between the parties with respect to its subject matter and supersedes all prior understandings.",
    "The headings in this {TITLE} are for convenience only and shall not affect its interpretation.",
    "{B} shall pay all invoices within thirty (30) days of receipt; late payments shall bear interest at one percent (1%) per month.",
    "\"Confidential Information\" means all non-public information disclosed by one party to the other, whether orally or in writing.",
    "Each party shall hold the Confidential Information of the other party in confidence and use it only for the purposes of this {TITLE}.",
    "Neither party shall be liable for any failure to perform caused by events beyond its reasonable control, including acts of God, war or strikes.",
    "{A} shall deliver {PRODUCT} FOB {A}'s facility, and title and risk of loss shall pass to {B} upon delivery to the carrier.",
    "The parties are independent contractors, and nothing herein shall create a partnership, joint venture or agency relationship.",
    "No waiver of any provision shall be effective unless in writing and signed by the party against whom it is asserted.",
    "{B} shall provide {A} with a rolling twelve-month forecast of its requirements, updated monthly.",
    "{A} shall perform the Services in a professional manner in accordance with the Statement of Work attached as Exhibit A.",
    "This {TITLE} may be amended only by a written instrument signed by both parties.",
    "Each party represents that it has full corporate power and authority to enter into this {TITLE}.",
    "The fees for the Services are set forth in Schedule 1 and are exclusive of applicable taxes.",
    "{B} shall comply with all applicable laws and regulations in performing its obligations hereunder.",
    "IN WITNESS WHEREOF, the parties have executed this {TITLE} as of the date first written above.",
    "\"Affiliate\" means any entity that controls, is controlled by or is under common control with a party.",
    "{A} shall provide {B} with marketing materials and training for its sales personnel at no charge.",
    "Any dispute shall first be referred to senior executives of the parties, who shall meet within ten (10) business days to resolve it.",
    "Words importing the singular include the plural and vice versa.",
    "{B} shall promptly notify {A} of any defect discovered in {PRODUCT} and return defective units at {A}'s cost.",
    "The recitals form part of this {TITLE}.",
]
TITLES = ["Agreement", "Distribution Agreement", "License Agreement", "Services Agreement",
          "Supply Agreement", "Master Services Agreement", "Consulting Agreement", "Contract"]
NAMES = ["Acme Widgets, Inc.", "Northwind Traders LLC", "Blue Harbor Systems Corp.",
         "Granite Peak Holdings Ltd.", "Orion Biotech GmbH", "Jane Q. Smith", "Lumen Analytics Co.",
         "Redwood Logistics, L.P.", "Summit Health Partners LLC", "Vega Software Limited"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
HEADINGS = {
    "governing_law": ["Governing Law", "Applicable Law", "Choice of Law"],
    "anti_assignment": ["Assignment", "No Assignment"],
    "cap_on_liability": ["Limitation of Liability", "Limitations"],
    "insurance": ["Insurance"],
    "audit_rights": ["Audit", "Records and Audit"],
    "termination_for_convenience": ["Termination", "Termination for Convenience"],
    "renewal_term": ["Term and Renewal", "Renewal"],
    "license_grant": ["License Grant", "Grant of License"],
    "exclusivity": ["Exclusivity", "Appointment"],
    "non_compete": ["Non-Competition", "Covenant Not to Compete"],
    "warranty_duration": ["Warranty", "Limited Warranty"],
    "confidentiality": ["Confidentiality"],
}

CATEGORIES: tuple[str, ...] = tuple(T)


def fill(template: str, rng: random.Random) -> str:
    a, b = _pick(rng, ROLES)
    if rng.random() < 0.5:
        a, b = b, a
    n, u = _pick(rng, NUM)
    date = f"{_pick(rng, MONTHS)} {rng.randint(1, 28)}, {rng.randint(1995, 2030)}"
    rep = {
        "{A}": a, "{B}": b, "{NA}": _pick(rng, NAMES), "{NB}": _pick(rng, NAMES), "{N}": n,
        "{U}": u, "{STATE}": _pick(rng, STATES), "{AMOUNT}": _pick(rng, AMOUNTS),
        "{PCT}": _pick(rng, PCTS), "{PRODUCT}": _pick(rng, PRODUCTS),
        "{TERR}": _pick(rng, TERRITORY), "{TITLE}": _pick(rng, TITLES), "{DATE}": date,
        "{DAY}": f"{rng.randint(1, 28)}th", "{MONTH}": _pick(rng, MONTHS),
        "{YEAR}": str(rng.randint(1995, 2030)), "{SEC}": f"{rng.randint(2, 20)}.{rng.randint(1, 9)}",
    }
    return re.sub(r"\{[A-Z]+\}", lambda m: str(rep.get(m.group(0), m.group(0))), template)


def _decorate(text: str, cat: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.3:
        head = _pick(rng, HEADINGS.get(cat, ["General", "Miscellaneous", "Other Terms"]))
        text = f"{rng.randint(1, 25)}.{rng.randint(1, 9)} {head}. {text}"
    elif r < 0.45:
        text = f"({'abcdefgh'[rng.randrange(8)]}) {text}"
    if cat in ("cap_on_liability", "uncapped_liability", "warranty_duration") and rng.random() < 0.25:
        text = text.upper()
    return text


def generate(n_per_class: int = 60, n_other: int = 900, seed: int = 0) -> list[tuple[str, list[str]]]:
    """(clause text, labels) pairs; some clauses carry two topics (multi-label) or a
    neutral sentence, as real clauses do."""
    rng = random.Random(seed)
    out: list[tuple[str, list[str]]] = []
    for cat, temps in T.items():
        for _ in range(n_per_class):
            text = _decorate(fill(_pick(rng, temps), rng), cat, rng)
            labels = [cat]
            r = rng.random()
            if r < 0.25:
                text += " " + fill(_pick(rng, OTHER), rng)
            elif r < 0.40:
                other_cat = _pick(rng, CATEGORIES)
                text += " " + fill(_pick(rng, T[other_cat]), rng)
                if other_cat != cat:
                    labels.append(other_cat)
            out.append((text, labels))
    for _ in range(n_other):
        k = 1 + (rng.random() < 0.4)
        text = " ".join(fill(_pick(rng, OTHER), rng) for _ in range(k))
        out.append((_decorate(text, "other", rng), []))
    rng.shuffle(out)
    return out
