"""Shared machinery of the synthetic document generator: fake data, layout, OCR-style noise.

Why synthetic: models must be trained only on data the project makes itself. Variety
(locales, casing, layouts, length, noise) is what lets a model trained here generalise to
real scans and filings it has never seen, so every template draws many choices from `rng`.
Everything is driven by one `random.Random` per document, so a seed fixes the output.
"""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker

LOCALES = ("en_US", "en_GB", "en_IN", "de_DE", "fr_FR", "nl_NL", "pl_PL", "es_ES", "it_IT",
           "en_AU", "en_CA", "id_ID", "zh_CN", "ja_JP")
# Locales whose names/addresses are Latin-script and safe in every template.
LATIN_LOCALES = LOCALES[:11]

_FAKERS: dict[str, Faker] = {}


def faker_for(locale: str, seed: int) -> Faker:
    """A cached Faker per locale, re-seeded per document so output is order-independent."""
    fk = _FAKERS.get(locale)
    if fk is None:
        fk = _FAKERS[locale] = Faker(locale)
    fk.seed_instance(seed)
    return fk


@dataclass(slots=True)
class GeneratedDoc:
    """One synthetic document: text lines plus its labels."""

    doc_type: str
    subtype: str | None
    lines: list[str]
    n_pages: int = 1
    meta: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


class Ctx:
    """Per-document random context: rng, a fake-data provider and handy draws."""

    def __init__(self, seed: int, latin_only: bool = False):
        self.rng = random.Random(seed)
        locs = LATIN_LOCALES if latin_only else LOCALES
        self.locale = self.rng.choice(locs) if self.rng.random() < 0.55 else "en_US"
        self.fk = faker_for(self.locale, seed)
        self.en = faker_for("en_US", seed + 1)

    # --- draws ---------------------------------------------------------------
    def pick(self, seq):
        return self.rng.choice(seq)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def some(self, seq, lo: int, hi: int) -> list:
        k = min(len(seq), self.rng.randint(lo, hi))
        return self.rng.sample(list(seq), k)

    def company(self) -> str:
        fk = self.fk if self.chance(0.6) else self.en
        try:
            name = fk.company()
        except AttributeError:
            name = self.en.company()
        if self.chance(0.3):
            name += self.pick([" Inc.", " LLC", " Ltd", " GmbH", " S.A.", " Corp.", " Pvt. Ltd.",
                               " Sdn Bhd", " B.V.", " plc", " Holdings", " Co."])
        return name

    def person(self) -> str:
        fk = self.fk if self.chance(0.6) else self.en
        return fk.name()

    def address(self, one_line: bool = False) -> list[str]:
        fk = self.fk if self.chance(0.6) else self.en
        addr = fk.address().replace("\r", "")
        parts = [p.strip() for p in addr.split("\n") if p.strip()]
        if self.chance(0.3):
            parts.append(fk.current_country() if hasattr(fk, "current_country") else "USA")
        return [", ".join(parts)] if one_line else parts

    def date(self, start_year: int = 1995, end_year: int = 2026) -> date:
        d0 = date(start_year, 1, 1)
        return d0 + timedelta(days=self.rng.randint(0, (end_year - start_year) * 365))

    def fmt_date(self, d: date | None = None) -> str:
        d = d or self.date()
        fmts = ["%d/%m/%Y", "%m/%d/%Y", "%Y-%m-%d", "%d.%m.%Y", "%B %d, %Y", "%d %b %Y",
                "%d-%m-%y", "%b %d, %Y", "%d %B %Y", "%d/%m/%y", "%Y%m%d", "%d-%b-%Y"]
        return d.strftime(self.pick(fmts))

    def money(self, lo: float = 1, hi: float = 5000, cur: str | None = None) -> str:
        v = round(self.rng.uniform(lo, hi) * (1 if self.chance(0.8) else 10), 2)
        s = f"{v:,.2f}"
        if self.chance(0.2):
            s = s.replace(",", "X").replace(".", ",").replace("X", ".")
        if cur is None:
            return s
        return f"{cur}{s}" if len(cur) == 1 or self.chance(0.5) else f"{s} {cur}"

    def amount(self, lo: float = 1, hi: float = 5000) -> float:
        return round(self.rng.uniform(lo, hi), 2)

    def code(self, pattern: str | None = None) -> str:
        """A document number like INV-2024-00123 from a random pattern."""
        pattern = pattern or self.pick(["??-####", "####-####", "??######", "#######",
                                        "???/##/####", "##-???-####", "?-#####"])
        return "".join(
            self.pick(string.ascii_uppercase) if c == "?" else
            str(self.rng.randint(0, 9)) if c == "#" else c for c in pattern)

    def email(self, name: str | None = None) -> str:
        if name and self.chance(0.7):
            user = "".join(ch for ch in name.lower().replace(" ", ".") if ch.isascii()
                           and (ch.isalnum() or ch == "."))
            return f"{user or 'info'}@{self.en.free_email_domain()}"
        return self.en.email()

    def phone(self) -> str:
        try:
            return self.fk.phone_number()
        except AttributeError:
            return self.en.phone_number()

    def sentence(self, n: int = 12) -> str:
        """A plausible English business sentence (Faker's lorem would teach Latin)."""
        r = self.rng
        subj = r.choice(_SUBJECTS)
        verb = r.choice(_VERBS)
        obj = r.choice([self.en.bs(), self.en.catch_phrase().lower(), r.choice(_OBJECTS)])
        tail = r.choice(_TAILS)
        s = f"{subj} {verb} {obj}{tail}"
        if n > 14 and r.random() < 0.5:
            s += f", {r.choice(_LINKS)} {r.choice(_SUBJECTS).lower()} {r.choice(_VERBS)} " \
                 f"{r.choice(_OBJECTS)}"
        return s[0].upper() + s[1:] + "."

    def paragraph(self, n: int = 4) -> str:
        return " ".join(self.sentence(self.rng.randint(8, 20)) for _ in range(n))

    def case(self, s: str, p_upper: float = 0.15) -> str:
        r = self.rng.random()
        if r < p_upper:
            return s.upper()
        if r < p_upper + 0.1:
            return s.title()
        return s


_SUBJECTS = ["We", "The team", "Our company", "The project", "Management", "The committee",
             "This department", "Customers", "The new system", "Our partners", "The board",
             "Staff members", "The report", "The office", "Our engineers", "The market",
             "Sales", "The organisation", "Each participant", "The city council", "Users",
             "The product", "Revenue", "The review", "Our suppliers", "The operations group"]
_VERBS = ["continues to improve", "has completed", "will review", "is planning", "reported",
          "has been working on", "needs to finalise", "successfully delivered", "discussed",
          "will launch", "recommends", "expects to expand", "has reduced", "increased",
          "approved", "is responsible for", "supports", "will present", "analysed",
          "has updated", "monitors", "focused on", "identified", "prepared"]
_OBJECTS = ["the quarterly results", "customer satisfaction", "the new website", "our training "
            "programme", "the budget for next year", "the safety procedures", "the annual "
            "conference", "the migration to the cloud", "several process improvements",
            "the marketing plan", "the design of the new product", "office relocation plans",
            "the community event", "the data quality issues", "energy consumption",
            "the hiring plan", "the feedback from users", "the support backlog",
            "the roadmap", "the inventory levels", "the findings of the survey"]
_TAILS = ["", " this quarter", " in the coming weeks", " as planned", " across all regions",
          " despite the delays", " with good results", " before the deadline", " last month",
          " by the end of the year", " in close cooperation with the vendors"]
_LINKS = ["while", "and", "although", "because", "so that", "after"]


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap, fast and dependency free."""
    out, cur = [], ""
    for w in text.split():
        if cur and len(cur) + 1 + len(w) > width:
            out.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    if cur:
        out.append(cur)
    return out


_CONFUSIONS = {
    "0": "OoD", "O": "0QD", "o": "0ca", "1": "lI|i", "l": "1I|", "I": "1l|", "5": "S$",
    "S": "5$", "8": "B3", "B": "8", "e": "ce", "c": "e(", "a": "ao", "m": "rn", "n": "ri",
    "rn": "m", "g": "9q", "9": "g", "2": "Z", "Z": "2", "t": "f", ".": ",", ",": ".",
    "u": "v", "h": "b", "i": "l;", ":": ";.", "-": "~_", "E": "F", "G": "6", "6": "G",
}


def ocr_noise(ctx: Ctx, lines: list[str], level: float) -> list[str]:
    """Degrade text like a poor scan through OCR: character confusions, lost or extra
    spaces, broken and merged lines, stray junk. `level` is about the per-char error rate."""
    rng = ctx.rng
    out: list[str] = []
    for line in lines:
        if rng.random() < level * 0.8:
            continue  # line lost
        chars = []
        i = 0
        while i < len(line):
            ch = line[i]
            r = rng.random()
            if r < level:
                rep = _CONFUSIONS.get(ch)
                if rep:
                    chars.append(rng.choice(rep))
                elif ch == " ":
                    pass  # dropped space
                else:
                    chars.append(ch)
            elif r < level * 1.3:
                chars.append(ch + " ")  # split word
            elif r < level * 1.4:
                pass  # dropped char
            else:
                chars.append(ch)
            i += 1
        new = "".join(chars)
        if rng.random() < level * 2 and len(new) > 20:
            cut = rng.randint(5, len(new) - 5)
            out.extend([new[:cut], new[cut:]])
        elif out and rng.random() < level * 1.5:
            out[-1] = out[-1] + " " + new
        else:
            out.append(new)
        if rng.random() < level * 1.5:
            out.append("".join(rng.choice("~-_.,:;'|!\"`^*°»«=") for _ in range(rng.randint(1, 6))))
    return out


def squash_spaces(ctx: Ctx, lines: list[str], rate: float) -> list[str]:
    """Text-line OCR on photos (RapidOCR and the like) reads characters well but loses
    spaces ("TAXINVOICE", "ThankYou") and returns neighbouring boxes in a slightly different
    order; `rate` is the share of spaces dropped."""
    rng = ctx.rng
    out = ["".join(ch for ch in ln if ch != " " or rng.random() >= rate) for ln in lines]
    for i in range(len(out) - 1):
        if rng.random() < rate * 0.2:
            out[i], out[i + 1] = out[i + 1], out[i]
    return out


# An amount ("$1,200.00", "(630.00)", "12,50 EUR"); a line's last one is taken as its cell
# of the right-aligned amounts column (a table's or the totals block's).
_AMOUNT = re.compile(r"[-(]?[$€£]?\s?\d[\d,.']*[.,]\d{2}\)?(?:\s?(?:EUR|USD|€|\$))?")


def ocr_reading_order(ctx: Ctx, lines: list[str]) -> list[str]:
    """Words in the order page OCR returns them, not the order the template wrote them.

    Why: tesseract segments a page into blocks and reads block by block; a right-aligned
    amounts column far from its descriptions becomes a block of its own, read after the
    table (or dropped when faint), and a title or box set apart comes out before or after
    its neighbours. A classifier trained only on generator order learned "description ...
    amount" rows and misread such readings of TV-station invoices as time sheets."""
    rng = ctx.rng
    out = list(lines)
    if ctx.chance(0.7):  # amounts column split off: read after the rest, or lost
        kept, column = [], []
        for ln in out:
            found = list(_AMOUNT.finditer(ln))
            rest = ln[:found[-1].start()] + ln[found[-1].end():] if found else ln
            if found and (any(c.isalpha() for c in rest) or ctx.chance(0.5)):
                kept.append(" ".join(rest.split()))
                column.append(found[-1].group(0).strip())
            else:
                kept.append(ln)
        where = rng.random()
        if where < 0.55:
            out = kept + column
        elif where < 0.8:
            out = kept
        else:  # read before a trailing block (notes, remit-to) that tesseract took later
            cut = rng.randint(max(0, len(kept) - 8), len(kept))
            out = kept[:cut] + column + kept[cut:]
    if len(out) > 4 and ctx.chance(0.4):  # a title or header box set apart, read last
        i = rng.randrange(0, min(4, len(out)))
        out = out[:i] + out[i + 1:] + [out[i]]
    if len(out) > 8 and ctx.chance(0.4):  # two blocks read in the other order
        a = rng.randrange(1, len(out) - 4)
        b = rng.randrange(a + 1, min(len(out), a + 12))
        out = out[:a] + out[b:] + out[a:b] if ctx.chance(0.5) else out[b:] + out[:a] + out[a:b]
    return out


def flatten(ctx: Ctx, lines: list[str]) -> list[str]:
    """Text that lost its line breaks (CSV/HTML/Word exports): a few very long lines."""
    sep = ctx.pick(["  ", " ", "   ", " | "])
    n = ctx.rng.randint(1, 4)
    step = max(1, len(lines) // n)
    out = [sep.join(ln.strip() for ln in lines[i:i + step]) for i in range(0, len(lines), step)]
    if ctx.chance(0.3):
        out[0] = '"' + out[0]
    return out


HEAD_LINES = (6, 20)  # how many first lines a short document keeps


def finish(ctx: Ctx, doc: GeneratedDoc, noise_p: float = 0.3, max_level: float = 0.12,
           empty_p: float = 0.03, flatten_p: float = 0.1, squash_p: float = 0.05,
           order_p: float = 0.0, head_p: float = 0.0) -> GeneratedDoc:
    """Common post-processing: optional first lines only, OCR reading order, OCR noise,
    casing, blank-ish page, indentation, flattened line structure."""
    lines = doc.lines
    if len(lines) > HEAD_LINES[1] and ctx.chance(head_p):
        # A short document: a one-page letter, the first page of a longer one, a short
        # export. Without these the model knew each type by its full template only.
        lines = lines[: ctx.rng.randint(*HEAD_LINES)]
        doc.n_pages = 1
        doc.meta["head"] = True
    if ctx.chance(order_p):
        lines = ocr_reading_order(ctx, lines)
        doc.meta["reading_order"] = True
    if ctx.chance(flatten_p):
        lines = flatten(ctx, lines)
        doc.meta["flat"] = True
    if ctx.chance(empty_p):
        # Mostly empty: a scan where little was read (keeps the title-ish first lines).
        lines = lines[: ctx.rng.randint(1, 4)]
        doc.meta["short"] = True
    if ctx.chance(0.08):
        lines = [ln.upper() for ln in lines]
    elif ctx.chance(0.04):
        lines = [ln.lower() for ln in lines]
    if ctx.chance(noise_p):
        level = ctx.rng.uniform(0.01, max_level)
        lines = ocr_noise(ctx, lines, level)
        doc.meta["noise"] = round(level, 3)
    if ctx.chance(squash_p):
        rate = ctx.rng.uniform(0.05, 0.6)
        lines = squash_spaces(ctx, lines, rate)
        doc.meta["squash"] = round(rate, 3)
    if ctx.chance(0.25):
        lines = [(" " * ctx.rng.randint(0, 6) + ln) if ln else ln for ln in lines]
    if ctx.chance(0.3):
        lines = [ln for ln in lines if ln.strip()]
    doc.lines = lines
    return doc


# Thousands / decimal separators per number style: "fr" groups with (narrow) no-break or
# plain spaces ("423 693,72"), "de" with dots ("1.234,56"), "us" with commas ("1,234.56").
NUMBER_STYLES = {
    "us": ([",", ","], "."),
    "de": ([".", ".", ""], ","),
    "fr": ([" ", "\u202f", "\xa0", " ", ""], ","),
}


def fmt_num(ctx: Ctx, v: float, style: str = "us") -> str:
    """An amount in the given style, thousands separator drawn from `NUMBER_STYLES`."""
    seps, dec = NUMBER_STYLES[style]
    sep = ctx.pick(seps)
    return f"{v:,.2f}".replace(",", "T").replace(".", dec).replace("T", sep)
