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
from dataclasses import dataclass

from extractors.clauses.synth import OTHER, T, fill
from ingest.types import IngestedDocument, Page, Word

_NUM_WORDS = {1: "one", 2: "two", 3: "three", 5: "five", 6: "six", 12: "twelve", 18: "eighteen",
              24: "twenty-four", 30: "thirty", 60: "sixty", 90: "ninety"}
_COMPANIES = ["Acme Widgets, Inc.", "Northwind Traders LLC", "Blue Harbor Systems Corp.",
              "Granite Peak Holdings Ltd.", "Lumen Analytics Co.", "Summit Health Partners LLC"]
_PEOPLE = ["Jane Q. Smith", "Robert T. Alvarez", "Mei Chen"]
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
