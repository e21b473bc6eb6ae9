"""Generated clause texts for CUAD's 41 clause types (the tagger's only training data).

Templates live in `clause_templates` (10-15 paraphrases per category plus ~80 boilerplate hard
negatives). `fill` puts random parties, durations, places, amounts and cross-references in
their slots; `generate` wraps a key sentence the way drafters do (numbering, a heading,
an opener such as "Notwithstanding Section 4.2,", ALL CAPS for liability/warranty text)
and buries it among neutral sentences, so the model learns from the key sentence and not
from clause length or position. Also emitted: the bare key sentences, because `tag_texts`
scores each sentence of a clause as well as the whole. Nothing here comes from a real
contract.
"""

from __future__ import annotations

import random
import re

from training.synth.clause_templates import HEADINGS, OPENERS, OTHER, OTHER_HEADINGS, TAILS, T

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


TITLES = ["Agreement", "Agreement", "Agreement", "Distribution Agreement", "License Agreement",
          "Services Agreement", "Supply Agreement", "Master Services Agreement",
          "Consulting Agreement", "Contract", "Collaboration Agreement", "Reseller Agreement",
          "Franchise Agreement", "Sponsorship Agreement", "Hosting Agreement"]
NAMES = ["Acme Widgets, Inc.", "Northwind Traders LLC", "Blue Harbor Systems Corp.",
         "Granite Peak Holdings Ltd.", "Orion Biotech GmbH", "Jane Q. Smith", "Lumen Analytics Co.",
         "Redwood Logistics, L.P.", "Summit Health Partners LLC", "Vega Software Limited",
         "Cobalt Media Group, Inc.", "Pinecrest Pharmaceuticals S.A.", "Harbor & Finch LLP",
         "Tessellate Networks Pte. Ltd.", "Ironbridge Capital Partners, L.P."]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
CITIES = ["New York, New York", "Wilmington", "San Francisco", "Austin, Texas", "Chicago",
          "London", "Toronto", "Boston", "the County of Santa Clara", "Tel Aviv", "Singapore"]
ADDRS = ["100 Main Street, Springfield", "2200 Innovation Drive, Suite 400, Austin, TX 78701",
         "15 Harbour Road, Wan Chai", "One Market Plaza, San Francisco, CA 94105",
         "42 Mill Lane, Leeds LS1 4AB"]
AFFS = ["Affiliates", "affiliates", "Subsidiaries", "subsidiaries and affiliated companies",
        "Related Companies"]
WORKS = ["Work Product", "Deliverables", "Developments", "Inventions", "Foreground IP",
         "Materials", "Custom Software", "Results"]
YEARPS = ["calendar year", "Contract Year", "twelve (12) month period", "fiscal quarter", "year"]
QTYS = ["10,000", "5,000", "250", "1,200", "one hundred thousand (100,000)", "500"]
ORDS = ["first", "second", "third", "fifth", "tenth"]
DAYS = ["thirty (30) days", "sixty (60) days", "ninety (90) days", "30 days", "10 days",
        "one hundred eighty (180) days", "six (6) months", "three (3) months",
        "fifteen (15) business days", "45 days", "one hundred twenty (120) days"]

CATEGORIES: tuple[str, ...] = tuple(T)
_CAPS_CATS = {"cap_on_liability", "uncapped_liability", "warranty_duration",
              "covenant_not_to_sue", "liquidated_damages", "irrevocable_or_perpetual_license"}


def _sec(rng: random.Random) -> str:
    n = f"{rng.randint(1, 25)}.{rng.randint(1, 9)}"
    if rng.random() < 0.3:
        n += f"({'abcdef'[rng.randrange(6)]})"
    return _pick(rng, [f"Section {n}", f"Section {n}", f"Article {rng.randint(2, 18)}",
                       f"Clause {n}", f"paragraph {rng.randint(2, 30)}"])


def fill(template: str, rng: random.Random) -> str:
    a, b = _pick(rng, ROLES)
    if rng.random() < 0.5:
        a, b = b, a
    n, u = _pick(rng, NUM)
    na, nb = rng.sample(NAMES, 2)
    title = _pick(rng, TITLES)
    date = _pick(rng, [f"{_pick(rng, MONTHS)} {rng.randint(1, 28)}, {rng.randint(1995, 2030)}",
                       f"{rng.randint(1, 28)} {_pick(rng, MONTHS)} {rng.randint(1995, 2030)}",
                       f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(1995, 2030)}"])
    days = _pick(rng, DAYS)
    state = _pick(rng, STATES)
    rep = {
        "{A}": a, "{B}": b, "{NA}": na, "{NB}": nb, "{NA_UP}": na.upper(), "{NB_UP}": nb.upper(),
        "{A_UP}": a.upper(), "{B_UP}": b.upper(), "{N}": n, "{U}": u, "{N_UP}": n.upper(),
        "{U_UP}": u.upper(), "{N2}": _pick(rng, ["two (2)", "three", "one (1)", "4"]),
        "{STATE}": state, "{STATE_UP}": state.upper(), "{AMOUNT}": _pick(rng, AMOUNTS),
        "{PCT}": _pick(rng, PCTS), "{PRODUCT}": _pick(rng, PRODUCTS),
        "{TERR}": _pick(rng, TERRITORY), "{TITLE}": title, "{TITLE_UP}": title.upper(),
        "{DATE}": date, "{DAY}": f"{rng.randint(1, 28)}th", "{MONTH}": _pick(rng, MONTHS),
        "{YEAR}": str(rng.randint(1995, 2030)), "{SEC}": _sec(rng),
        "{SECN}": str(rng.randint(2, 20)), "{SECN2}": str(rng.randint(2, 20)),
        "{SECN3}": str(rng.randint(2, 20)), "{DAYS}": days, "{DAYS_UP}": days.upper(),
        "{DAYS2}": _pick(rng, DAYS), "{CITY}": _pick(rng, CITIES), "{ADDR}": _pick(rng, ADDRS),
        "{AFF}": _pick(rng, AFFS), "{WORK}": _pick(rng, WORKS), "{YEARP}": _pick(rng, YEARPS),
        "{QTY}": _pick(rng, QTYS), "{ORD}": _pick(rng, ORDS), "{D1}": str(rng.randint(1, 9)),
        "{EXH}": _pick(rng, ["A", "B", "C", "D", "2", "3"]),
        "{CONSENT}": _pick(rng, ["prior written consent", "consent", "written approval"]),
    }
    return re.sub(r"\{[A-Z0-9_]+\}", lambda m: str(rep.get(m.group(0), m.group(0))), template)


_LOWER_OK = {"This", "The", "Each", "Either", "Neither", "Any", "All", "If", "In", "During",
             "For", "Upon", "No", "Nothing", "Such", "Following", "Prior", "Within", "Unless",
             "Should", "Before", "After", "Except", "Notwithstanding"}


def _wrap(sentence: str, rng: random.Random) -> str:
    """An opener and/or tail around a key sentence, as drafters qualify their clauses."""
    if rng.random() < 0.2 and not sentence.isupper():
        first = sentence.split(" ", 1)[0]
        body = sentence[0].lower() + sentence[1:] if first in _LOWER_OK else sentence
        sentence = fill(_pick(rng, OPENERS), rng) + body
    if rng.random() < 0.15 and sentence.endswith(".") and not sentence.isupper():
        sentence = sentence[:-1] + fill(_pick(rng, TAILS), rng) + "."
    return sentence


def _heading(cat: str, rng: random.Random) -> str:
    heads = HEADINGS.get(cat) or OTHER_HEADINGS
    head = _pick(rng, heads)
    style = rng.random()
    num = f"{rng.randint(1, 25)}.{rng.randint(1, 9)}" if rng.random() < 0.6 else f"{rng.randint(1, 25)}."
    if style < 0.35:
        return f"{num} {head}. "
    if style < 0.5:
        return f"{num} {head.upper()}.\n"
    if style < 0.6:
        return f"ARTICLE {rng.randint(1, 20)}\n{head.upper()}\n{num} "
    if style < 0.7:
        return f"Section {num.rstrip('.')} {head}. "
    if style < 0.8:
        return f"({'abcdefgh'[rng.randrange(8)]}) "
    return f"{num} " if rng.random() < 0.5 else ""


def key_sentence(cat: str, rng: random.Random) -> str:
    text = _wrap(fill(_pick(rng, T[cat]), rng), rng)
    if cat in _CAPS_CATS and rng.random() < 0.25:
        text = text.upper()
    return text


def neutral_sentence(rng: random.Random) -> str:
    return fill(_pick(rng, OTHER), rng)


def generate(n_per_class: int = 60, n_other: int = 900, seed: int = 0,
             sentences: bool = True) -> list[tuple[str, list[str]]]:
    """(clause text, labels) pairs.

    Per category, `n_per_class` clauses: a heading/numbering, 0-4 neutral sentences around
    the key sentence, sometimes a second category's sentence (multi-label). With
    `sentences`, each category also gets `n_per_class // 2` bare key sentences and the
    negatives include single boilerplate sentences, matching sentence-level scoring."""
    rng = random.Random(seed)
    out: list[tuple[str, list[str]]] = []
    for cat in T:
        for _ in range(n_per_class):
            parts = [key_sentence(cat, rng)]
            labels = [cat]
            r = rng.random()
            if r < 0.15:
                other_cat = _pick(rng, CATEGORIES)
                parts.append(key_sentence(other_cat, rng))
                if other_cat != cat:
                    labels.append(other_cat)
            k = _pick(rng, [0, 0, 1, 1, 2, 2, 3, 4])
            for _ in range(k):
                parts.insert(rng.randint(0, len(parts)), neutral_sentence(rng))
            text = _heading(cat if rng.random() < 0.8 else "other", rng) + " ".join(parts)
            out.append((text, labels))
        if sentences:
            for _ in range(n_per_class // 2):
                out.append((key_sentence(cat, rng), [cat]))
    for _ in range(n_other):
        k = _pick(rng, [1, 1, 2, 2, 3, 4])
        text = " ".join(neutral_sentence(rng) for _ in range(k))
        out.append((_heading("other", rng) + text, []))
    if sentences:
        for _ in range(n_other // 2):
            out.append((neutral_sentence(rng), []))
    rng.shuffle(out)
    return out
