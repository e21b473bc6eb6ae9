"""Generated contracts with known field values: fixtures for tests and pattern checks.

`generate_contract` writes a whole agreement (title, preamble with parties and date,
term/renewal/notice/governing-law clauses in varied phrasings, filler clauses from the
clause generator, signature blocks) and returns it as an `IngestedDocument` with word
boxes laid out like a text-layer PDF, together with the expected normalized fields.
Nothing here comes from a real contract.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass

from extractors.contract.dates import add_duration
from ingest.types import IngestedDocument, Page, Word
from training.synth.clauses import OTHER, T, fill

_NUM_WORDS = {1: "one", 2: "two", 3: "three", 5: "five", 6: "six", 12: "twelve", 18: "eighteen",
              24: "twenty-four", 30: "thirty", 60: "sixty", 90: "ninety"}
_COMPANIES = ["Acme Widgets, Inc.", "Northwind Traders LLC", "Blue Harbor Systems Corp.",
              "Granite Peak Holdings Ltd.", "Lumen Analytics Co.", "Summit Health Partners LLC"]
# short, two-word company names are as common in real filings as long ones
_SHORT_COMPANIES = ["Vantor Inc.", "Quillon Corp.", "Brightwave LLC", "Heliodyne Ltd.",
                    "Tessellate AG", "Corvane Co."]
_PEOPLE = ["Jane Q. Smith", "Robert T. Alvarez", "Mei Chen"]
# harder names for the confidence fit: "and" inside a name, capitals, a bank, a long name
_HARD_NAMES = ["Harbor and Bay Shipping Corporation", "ORION DATA SERVICES, INC.",
               "First Coastal Bank, N.A.", "Meridian Information Technology Co., Ltd.",
               "Kestrel Life Insurance and Annuity Company"]
_STATES = ["New York", "Delaware", "California", "Texas", "Illinois", "Massachusetts"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]


@dataclass
class SynthContract:
    doc: IngestedDocument
    expected: dict[str, object]
    text: str


def _dur(rng: random.Random, n: int, unit: str) -> str:
    word = _NUM_WORDS.get(n)
    style = rng.random()
    u = unit if n == 1 else unit + "s"
    if word and style < 0.5:
        return f"{word} ({n}) {u}"
    if word and style < 0.75:
        return f"{word} {u}"
    return f"{n} {u}"


def text_to_doc(text: str, filename: str = "synthetic.pdf", lines_per_page: int = 50,
                width: float = 612.0, height: float = 792.0) -> IngestedDocument:
    """Lay `text` out as pages of words with boxes (10 pt font, 14 pt lines)."""
    lines: list[str] = []
    for para in text.split("\n"):
        words, cur = para.split(), ""
        for w in words:
            if len(cur) + len(w) + 1 > 95:
                lines.append(cur)
                cur = w
            else:
                cur = f"{cur} {w}".strip()
        lines.append(cur)
    pages = []
    for pi in range(0, max(1, len(lines)), lines_per_page):
        chunk = lines[pi : pi + lines_per_page]
        words: list[Word] = []
        for li, line in enumerate(chunk):
            x = 72.0
            y = 72.0 + 14 * li
            for w in line.split():
                wd = 5.0 * len(w)
                words.append(Word(w, (x, y, x + wd, y + 10), 1.0, li, li))
                x += wd + 5.0
        pages.append(Page(number=len(pages) + 1, width=width, height=height, words=words,
                          text="\n".join(chunk)))
    data = text.encode()
    return IngestedDocument(filename, hashlib.sha256(data).hexdigest(), "application/pdf",
                            len(data), pages)


def generate_contract(seed: int = 0, filler_clauses: int = 12) -> SynthContract:
    rng = random.Random(seed)
    a_name, b_name = rng.sample(_COMPANIES + _PEOPLE, 2)
    a_role, b_role = rng.choice([("Company", "Consultant"), ("Licensor", "Licensee"),
                                 ("Supplier", "Customer"), ("Discloser", "Recipient")])
    title = rng.choice(["MASTER SERVICES AGREEMENT", "LICENSE AGREEMENT", "SUPPLY AGREEMENT",
                        "MUTUAL NON-DISCLOSURE AGREEMENT", "CONSULTING AGREEMENT"])
    y, m, d = rng.randint(1998, 2024), rng.randint(1, 12), rng.randint(1, 28)
    date_txt = rng.choice([f"{_MONTHS[m - 1]} {d}, {y}", f"the {d}th day of {_MONTHS[m - 1]}, {y}"])
    state = rng.choice(_STATES)
    term_n, term_u = rng.choice([(1, "year"), (2, "year"), (3, "year"), (18, "month"), (5, "year")])
    ren_n = rng.choice([1, 2])
    notice_n = rng.choice([30, 60, 90])
    a_desc = rng.choice([f", a {rng.choice(_STATES)} corporation", " (hereinafter referred to as "
                         f"the \"{a_role}\")", ", with offices at 100 Main Street, Springfield"])
    pre = rng.choice([
        f"This {title.title()} (this \"Agreement\") is entered into as of {date_txt} by and "
        f"between {a_name}{a_desc} (\"{a_role}\"), and {b_name} (\"{b_role}\").",
        f"THIS {title} is made and entered into on {date_txt}, by and between {a_name}"
        f"{a_desc}, and {b_name} (hereinafter \"{b_role}\") (each a \"Party\").",
    ])
    term_clause = rng.choice([
        f"Term. The term of this Agreement shall commence on the Effective Date and continue "
        f"for a period of {_dur(rng, term_n, term_u)}, unless earlier terminated.",
        f"Term. This Agreement shall remain in full force and effect for {_dur(rng, term_n, term_u)} "
        f"from the date hereof.",
    ])
    renewal_clause = rng.choice([
        f"Renewal. Thereafter this Agreement shall automatically renew for successive "
        f"{_dur(rng, ren_n, 'year')} terms unless either party gives written notice of non-renewal "
        f"at least {_dur(rng, notice_n, 'day')} prior to the end of the then-current term.",
        f"Renewal. Upon expiration this Agreement will be automatically extended for additional "
        f"periods of {_dur(rng, ren_n, 'year')} each, unless either party notifies the other of its "
        f"intention not to renew no later than {_dur(rng, notice_n, 'day')} before the expiration.",
    ])
    law_clause = rng.choice([
        f"Governing Law. This Agreement shall be governed by and construed in accordance with "
        f"the laws of the State of {state}, without regard to conflicts of law principles.",
        f"Choice of Law. The laws of the State of {state} shall govern this Agreement.",
    ])
    body = [term_clause, renewal_clause]
    for _ in range(filler_clauses):
        cat = rng.choice([c for c in T if c not in ("governing_law", "renewal_term",
                                                    "notice_period_to_terminate_renewal",
                                                    "expiration_date", "effective_date",
                                                    "agreement_date", "parties")])
        body.append(fill(rng.choice(T[cat] + OTHER), rng))
    body.insert(rng.randint(2, len(body)), law_clause)
    numbered = [f"{i + 1}. {c}" for i, c in enumerate(body)]
    sig = (f"IN WITNESS WHEREOF, the parties have executed this Agreement.\n"
           f"{a_name.upper()}\nBy: /s/ Pat Doe\nName: Pat Doe\nTitle: President\n\n"
           f"{b_name.upper()}\nBy: /s/ Lee Roe\nName: Lee Roe\nTitle: Director")
    text = "\n".join([title, "", pre, "", *numbered, "", sig])
    expected = {
        "title": title, "parties": [a_name, b_name], "agreement_date": f"{y:04d}-{m:02d}-{d:02d}",
        "governing_law": state, "term": f"{term_n}_{term_u}s", "renewal_term": f"{ren_n}_years",
        "notice_period": f"{notice_n}_days", "signed": "true",
    }
    return SynthContract(text_to_doc(text, f"synthetic-{seed}.pdf"), expected, text)


_ORD = ["first", "second", "third", "fourth", "fifth"]


def _date(rng: random.Random) -> tuple[str, str]:
    """(text, ISO) in one of the ways contracts write dates."""
    y, m, d = rng.randint(1996, 2024), rng.randint(1, 12), rng.randint(1, 28)
    sfx = "th" if d not in (1, 2, 3, 21, 22, 23) else {1: "st", 2: "nd", 3: "rd"}[d % 10]
    txt = rng.choice([f"{_MONTHS[m - 1]} {d}, {y}", f"{d} {_MONTHS[m - 1]} {y}",
                      f"the {d}{sfx} day of {_MONTHS[m - 1]}, {y}", f"{_MONTHS[m - 1]} {d}, {y}"])
    return txt, f"{y:04d}-{m:02d}-{d:02d}"


def generate_hard_contract(seed: int = 0) -> SynthContract:
    """A contract with the distractors real ones carry, for fitting field confidences.

    Each field may be stated, left out, or stated ambiguously, next to look-alikes: a
    second date for a prior agreement, an incorporation state and a court venue besides
    the governing law, covenant and survival periods besides the term, a for-convenience
    notice besides the non-renewal notice, parties only in signature blocks. `expected`
    holds what a careful reader would answer (absent keys: the contract does not say)."""
    rng = random.Random(seed)
    a_name, b_name = rng.sample(_COMPANIES + _PEOPLE + _HARD_NAMES + _SHORT_COMPANIES, 2)
    a_role, b_role = rng.choice([("Company", "Consultant"), ("Licensor", "Licensee"),
                                 ("Supplier", "Customer"), ("Discloser", "Recipient")])
    title = rng.choice(["MASTER SERVICES AGREEMENT", "LICENSE AGREEMENT", "SUPPLY AGREEMENT",
                        "MUTUAL NON-DISCLOSURE AGREEMENT", "CONSULTING AGREEMENT",
                        "DISTRIBUTION AGREEMENT", "CONFIDENTIALITY AGREEMENT"])
    exp: dict[str, object] = {"title": title}
    date_txt, date_iso = _date(rng)
    law_state, inc_state, venue = rng.sample(_STATES, 3)
    body: list[str] = []

    # preamble: parties in it (most) or only in the signature blocks
    style = rng.random()
    if style < 0.25:
        extra = rng.sample([c for c in _COMPANIES + _PEOPLE if c not in (a_name, b_name)],
                           rng.choice([1, 1, 2]))
        roles = ["Guarantor", "Parent", "Agent", "Shareholder"]
        rest = " and ".join(f"{c} (the \"{roles[i]}\")" for i, c in enumerate(extra))
        pre = rng.choice([
            f"This {title.title()} is entered into as of {date_txt} by and among {a_name} "
            f"(\"{a_role}\"), {b_name} (\"{b_role}\") and {rest}.",
            f"THIS {title} dated {date_txt} is made among {a_name.upper()}, {b_name.upper()} and "
            f"{', '.join(c.upper() for c in extra)} (collectively, the \"Parties\").",
        ])
        exp["agreement_date"] = date_iso
        exp["parties"] = [a_name, b_name, *extra]
    elif style < 0.35:
        person = rng.choice(_PEOPLE)
        pre = (f"This {title.title()} is made as of {date_txt} between {a_name}, together with "
               f"its subsidiaries (\"{a_role}\"), {b_name} (\"{b_role}\"), and, solely for the "
               f"purposes of Section 7, {person}.")
        exp["agreement_date"] = date_iso
        exp["parties"] = [a_name, b_name, person]
    elif style < 0.75:
        inc = rng.choice([f", a {inc_state} corporation", f", organized under the laws of the "
                          f"State of {inc_state}", "", f", a {inc_state} corporation having its "
                          f"principal place of business at {rng.randint(10, 9999)} Harbor "
                          f"Street, Springfield", f" d/b/a {rng.choice(['BlueLine', 'Zenith'])}",
                          ", its officers, directors and employees"])
        pre = rng.choice([
            f"This {title.title()} (this \"Agreement\") is entered into as of {date_txt} by and "
            f"between {a_name}{inc} (\"{a_role}\"), and {b_name} (\"{b_role}\").",
            f"THIS {title} is made on {date_txt}, between {a_name}{inc} (hereinafter "
            f"\"{a_role}\") and {b_name} (hereinafter \"{b_role}\").",
        ])
        exp["agreement_date"] = date_iso
    elif style < 0.9:
        pre = (f"This {title.title()} is made between the undersigned parties. Dated: {date_txt}.")
        exp["agreement_date"] = date_iso
    elif style < 0.95:
        # a letter agreement: one party in the opening, the other only in its signature block
        pre = (f"{date_txt}\n{b_name}\nLadies and Gentlemen:\nIn connection with your "
               f"consideration of a possible transaction with {a_name} (the \"Company\"), you have "
               f"requested information concerning the Company.")
        exp["agreement_date"] = date_iso
    else:
        pre = "The parties named below agree to the following terms and conditions."
    exp.setdefault("parties", [a_name, b_name])
    if rng.random() < 0.4:
        prior_txt, _ = _date(rng)
        body.append(f"Background. The parties previously entered into a letter of intent dated "
                    f"{prior_txt}, which this Agreement replaces.")

    # effective date: own date, "date first written above", or silent
    r = rng.random()
    eff_iso = exp.get("agreement_date")
    if r < 0.35:
        eff_txt, eff_iso = _date(rng)
        body.append(rng.choice([
            f"Effective Date. This Agreement shall become effective on {eff_txt} (the "
            f"\"Effective Date\").",
            f"This Agreement is effective as of {eff_txt}.",
        ]))
        exp["effective_date"] = eff_iso
    elif r < 0.55 and eff_iso:
        body.append("This Agreement shall be effective as of the date first written above "
                    "(the \"Effective Date\").")
        exp["effective_date"] = eff_iso
    elif r < 0.7:
        # takes effect on an event, not a date: there is no effective date to report
        body.append(rng.choice([
            "This Agreement shall become effective upon receipt of all regulatory approvals.",
            "This Agreement shall take effect upon the closing of the Transaction.",
        ]))
    elif eff_iso and re.search(r"NON-DISCLOSURE|CONFIDENTIALITY", title):
        # silent: a confidentiality agreement takes effect when it is made; a commercial
        # contract that means a separate effective date says so (see `_dated_means_effective`)
        exp["effective_date"] = eff_iso
    # term and expiration
    _term_and_renewal(rng, body, exp, a_role)
    # governing law (or only a venue)
    r = rng.random()
    if r < 0.8:
        body.append(rng.choice([
            f"Governing Law. This Agreement shall be governed by and construed in accordance with "
            f"the laws of the State of {law_state}, without regard to conflicts of law principles.",
            f"The laws of {law_state} shall govern this Agreement.",
            f"This Agreement is governed by {law_state} law.",
        ]))
        exp["governing_law"] = law_state
    if rng.random() < 0.5:
        body.append(f"Each party submits to the exclusive jurisdiction of the courts located in "
                    f"{venue} for any action arising under this Agreement.")
    for _ in range(rng.randint(3, 10)):
        cat = rng.choice([c for c in T if c not in ("governing_law", "renewal_term",
                                                    "notice_period_to_terminate_renewal",
                                                    "expiration_date", "effective_date",
                                                    "agreement_date", "parties",
                                                    "document_name")])
        body.insert(rng.randint(0, len(body)), fill(rng.choice(T[cat] + OTHER), rng))
    numbered = [f"{i + 1}. {c}" for i, c in enumerate(body)]
    signed = rng.random() < 0.7
    sig_a = "/s/ Pat Doe" if signed else "____________"
    n1, n2 = ("Pat Doe", "Lee Roe") if signed else ("____________", "____________")
    sig = (f"IN WITNESS WHEREOF, the parties have executed this Agreement.\n"
           f"{a_name.upper()}\nBy: {sig_a}\nName: {n1}\nTitle: President\n\n"
           f"{b_name.upper()}\nBy: {sig_a}\nName: {n2}\nTitle: Director")
    text = "\n".join([title, "", pre, "", *numbered, "", sig])
    exp["signed"] = "true" if signed else "false"
    return SynthContract(text_to_doc(text, f"synthetic-hard-{seed}.pdf"), exp, text)


def _term_and_renewal(rng: random.Random, body: list[str], exp: dict[str, object],
                      a_role: str) -> None:
    """Term, expiry, renewal and notice clauses, with the look-alikes real contracts carry.

    The stated term or end date, an automatic or optional renewal (or a clause saying there
    is none) and the notice that stops it, beside periods that read the same but are not
    these fields: cure periods, payment terms, survival and tail periods, notice to
    terminate for breach or at will, a renewal fee due before renewal, pricing fixed until
    a date, a first contract year ending on a date."""
    r = rng.random()
    n, unit = rng.choice([(1, "year"), (2, "year"), (3, "year"), (5, "year"), (18, "month"),
                          (6, "month"), (10, "year"), (7, "year")])
    start_iso = exp.get("effective_date") or exp.get("agreement_date")
    if r < 0.22:
        body.append(rng.choice([
            f"Term. The term of this Agreement shall commence on the Effective Date and "
            f"continue for a period of {_dur(rng, n, unit)}, unless earlier terminated.",
            f"Term. Unless earlier terminated as provided herein, this Agreement shall have an "
            f"initial term of {_dur(rng, n, unit)} commencing on the Effective Date (the "
            f"\"Initial Term\").",
            f"Term. This Agreement shall commence on the Effective Date and shall continue in "
            f"full force and effect for an initial period of {_dur(rng, n, unit)}.",
            f"Unless terminated earlier in accordance with Section 9, this Agreement shall "
            f"terminate on the date {_dur(rng, n, unit)} from the Effective Date.",
        ]))
        exp["term"] = f"{n}_{unit}s"
    elif r < 0.42:
        end_txt, end_iso = _date(rng)
        body.append(rng.choice([
            f"Term. This Agreement shall remain in effect until {end_txt}, unless terminated "
            f"earlier.",
            f"This Agreement shall commence on the Effective Date and shall continue in full "
            f"force and effect until {end_txt}.",
            f"Term. The Initial Term shall expire on {end_txt}.",
            f"This Agreement shall be deemed effective as of the Effective Date and shall "
            f"terminate on {end_txt}, unless terminated earlier in accordance with Section 8.",
            f"The term of this Agreement shall end on {end_txt} (the \"Expiration Date\").",
        ]))
        exp["expiration_date"] = end_iso
    elif r < 0.52 and unit == "year" and n <= 5:
        body.append(f"This Agreement shall expire on the {_ORD[n - 1]} anniversary of the "
                    f"Effective Date.")
        exp["term"] = f"{n}_years"
    elif r < 0.64:
        body.append(f"The obligations hereunder shall terminate {_dur(rng, n, unit)} from the "
                    f"date hereof.")
        exp["term"] = f"{n}_{unit}s"
    if "term" in exp and start_iso and "expiration_date" not in exp:
        iso = add_duration(str(start_iso), str(exp["term"]))
        if iso:
            exp["expiration_date"] = iso
    # dates that end something other than the agreement
    if rng.random() < 0.25:
        other_txt, _ = _date(rng)
        body.append(rng.choice([
            f"The prices set forth in Exhibit B shall remain fixed until {other_txt}.",
            f"\"Contract Year\" means the period commencing on the Effective Date and ending "
            f"on {other_txt}, and each twelve-month period thereafter.",
            f"{a_role} may use the hosted platform at no cost until {other_txt}.",
            f"The introductory discount shall expire on {other_txt}.",
        ]))
    # look-alike periods
    if rng.random() < 0.45:
        k = rng.choice([1, 2, 3])
        body.append(rng.choice([
            f"Non-Solicitation. For a period of {_dur(rng, k, 'year')} from the date hereof, "
            f"neither party will solicit for employment any employee of the other.",
            f"During the Term and any renewal terms, and for a period of {_dur(rng, k, 'year')} "
            f"following the expiration or earlier termination thereof, neither party shall "
            f"solicit any employee of the other.",
        ]))
    if rng.random() < 0.45:
        k = rng.choice([2, 3, 5])
        body.append(rng.choice([
            f"The confidentiality obligations shall survive for {_dur(rng, k, 'year')} after "
            f"any termination of this Agreement.",
            f"The license in Section 2 shall remain in effect during the term of this Agreement "
            f"and for a period of {_dur(rng, rng.choice([6, 12]), 'month')} after termination or "
            f"expiration of this Agreement.",
        ]))
    if rng.random() < 0.3:
        body.append(f"Warranty. {a_role} warrants the Products for {_dur(rng, 12, 'month')} from "
                    f"delivery.")
    if rng.random() < 0.4:
        body.append(rng.choice([
            f"Payment. Invoices are payable within {_dur(rng, rng.choice([30, 45, 60]), 'day')} "
            f"of receipt.",
            f"Any disputed invoice shall be raised by written notice within "
            f"{_dur(rng, rng.choice([10, 15, 30]), 'day')} after receipt.",
            f"{a_role} may change its prices upon {_dur(rng, rng.choice([30, 60, 90]), 'day')} "
            f"prior written notice.",
        ]))
    if rng.random() < 0.45:
        body.append(rng.choice([
            f"Either party may terminate this Agreement if the other party materially breaches "
            f"it and fails to cure such breach within {_dur(rng, rng.choice([30, 60]), 'day')} "
            f"after receiving written notice of the breach.",
            f"In the event of a material breach, the non-breaching party may terminate this "
            f"Agreement by giving {_dur(rng, rng.choice([30, 60, 90]), 'day')} prior written "
            f"notice, provided that this Agreement shall not terminate if the breach is cured "
            f"prior to the expiration of such period.",
        ]))
    # renewal and the notice that stops it
    has_term = "term" in exp or "expiration_date" in exp
    r = rng.random()
    if has_term and r < 0.45:
        rn, ru = rng.choice([(1, "year"), (1, "year"), (2, "year"), (12, "month"), (3, "year"),
                             (6, "month")])
        nn, nu = rng.choice([(30, "day"), (60, "day"), (90, "day"), (180, "day"), (6, "month"),
                             (3, "month")])
        ren, note = _dur(rng, rn, ru), _dur(rng, nn, nu)
        body.append(rng.choice([
            f"Renewal. Thereafter this Agreement shall automatically renew for successive "
            f"{ren} terms unless either party gives written notice of non-renewal at least "
            f"{note} prior to the end of the then-current term.",
            f"Upon expiration of the Initial Term, this Agreement will be automatically extended "
            f"for additional periods of {ren} each (each a \"Renewal Term\"), unless either "
            f"party notifies the other of its intention not to renew no later than {note} "
            f"before the expiration of the then-current term.",
            f"This Agreement shall be automatically renewed for additional successive {ren} "
            f"periods, unless written notice of non-renewal is received no later than {note} "
            f"prior to the expiration of the then current term.",
            f"Thereafter, this Agreement shall automatically renew for subsequent {ren} periods "
            f"unless either party provides the other party with written notification at least "
            f"{note} prior to the expiration of the initial term or any renewal thereof of its "
            f"intention to terminate this Agreement.",
            f"This Agreement shall renew automatically for renewal terms of {ren} each unless "
            f"terminated by either party upon {note} written notice prior to the end of the "
            f"then-current term.",
        ]))
        exp["renewal_term"] = f"{rn}_{ru}s"
        exp["notice_period"] = f"{nn}_{nu}s"
    elif has_term and r < 0.6:
        rn = rng.choice([1, 2, 3, 5])
        ren = _dur(rng, rn, "year")
        body.append(rng.choice([
            f"This Agreement may be renewed for an additional {ren} period by mutual written "
            f"agreement of the parties.",
            f"{a_role} shall have the option to extend the term for additional {ren} periods "
            f"by written notice given at least {_dur(rng, rng.choice([60, 90]), 'day')} prior "
            f"to the end of the then-current term.",
        ]))
        exp["renewal_term"] = f"{rn}_years"
    elif has_term and r < 0.66 and "term" in exp:
        body.append(rng.choice([
            "Thereafter this Agreement shall automatically renew for successive periods equal "
            "to the Initial Term unless either party gives notice of non-renewal.",
            "This Agreement shall thereafter renew automatically from year to year unless "
            "ended by either party.",
        ]))
        exp["renewal_term"] = exp["term"] if "equal" in body[-1] else "1_years"
    elif has_term and r < 0.76:
        body.append(rng.choice([
            "This Agreement shall not renew automatically; any extension requires a written "
            "amendment signed by both parties.",
            "The parties may negotiate in good faith an extension of this Agreement, but "
            "neither party is obliged to agree to one.",
        ]))
    if rng.random() < 0.25:
        body.append(f"Any renewal fee is due and payable {_dur(rng, 30, 'day')} prior to the "
                    f"renewal date.")
    if rng.random() < 0.4:
        k = rng.choice([10, 30, 60, 90])
        body.append(rng.choice([
            f"Either party may terminate this Agreement for convenience upon "
            f"{_dur(rng, k, 'day')} written notice.",
            f"Either party may terminate this Agreement at any time without cause upon "
            f"{_dur(rng, k, 'day')}' prior written notice to the other party.",
        ]))
        if "renewal_term" in exp and "notice_period" not in exp and rng.random() < 0.5:
            # readers split on whether an at-will exit from a renewing contract is its
            # notice period; the fit should learn that doubt, not a rule
            exp["notice_period"] = f"{k}_days"
