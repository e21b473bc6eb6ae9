"""How countries print amounts and dates: the tables `normalize` reads to decide, per
document, the decimal mark and the numeric date order.

Why tables and not per-document rules: "423 693,72 €" is French grouping, "1'234.50" Swiss,
"1.234,56" German and "03/04/2024" means March in the US and April in Europe for every
document, not for one vendor. The evidence a document gives about itself (an amount that
can only be read one way, a date whose first number exceeds 12, its language, its
currency) is weighed in `normalize.infer_day_first` and `normalize.infer_decimal_mark`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "APOSTROPHES",
    "SPACES",
    "NumberConvention",
    "NUMBER_CONVENTIONS",
    "MONTH_NAMES",
    "LANGUAGE_WORDS",
    "DAY_FIRST_LANGUAGES",
    "DAY_FIRST_CUES",
    "MONTH_FIRST_CUES",
    "detect_language",
    "plain_marks",
]

# Characters that group thousands besides "," and ".": the typewriter and typographic
# apostrophes (Swiss "1'234.50", "1’234.50") and the spaces typesetters use (no-break,
# thin, narrow no-break, figure space: French "423 693,72").
APOSTROPHES = "'’ʼ′"
SPACES = "\u00a0\u2009\u202f\u2007\u2008"

_TO_PLAIN = {ord(c): "'" for c in APOSTROPHES} | {ord(c): " " for c in SPACES}


def plain_marks(text: str) -> str:
    """Every apostrophe variant as "'" and every special space as " "."""
    return text.translate(_TO_PLAIN)


@dataclass(frozen=True, slots=True)
class NumberConvention:
    """How a locale writes 1234.5: decimal mark and the marks that group thousands."""

    decimal: str
    groups: tuple[str, ...]


# Per language (the documents we read name no locale, only their words): the decimal
# mark and thousands marks of the countries that write it. English is the US/UK/MY/SG/IN
# convention; French covers France and Belgium ("1 234,56"), not Switzerland.
NUMBER_CONVENTIONS: dict[str, NumberConvention] = {
    "en": NumberConvention(".", (",",)),
    "de": NumberConvention(",", (".", " ", "'")),
    "fr": NumberConvention(",", (" ", ".")),
    "es": NumberConvention(",", (".", " ")),
    "it": NumberConvention(",", (".", "'")),
    "nl": NumberConvention(",", (".", " ")),
}

# Month names and their printed abbreviations, lower case, accents kept (matching folds
# them). Used as language evidence: "5. März 2024" is German, "7 mai 2014" French.
MONTH_NAMES: dict[str, tuple[tuple[str, ...], ...]] = {
    "en": (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
           ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
           ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
           ("december", "dec")),
    "de": (("januar", "jänner"), ("februar", "feb"), ("märz", "mär", "maerz"),
           ("april",), ("mai",), ("juni",), ("juli",), ("august",),
           ("september", "sept"), ("oktober", "okt"), ("november",), ("dezember", "dez")),
    "fr": (("janvier", "janv"), ("février", "févr"), ("mars",), ("avril", "avr"),
           ("mai",), ("juin",), ("juillet", "juil"), ("août",), ("septembre",),
           ("octobre",), ("novembre",), ("décembre", "déc")),
    "es": (("enero", "ene"), ("febrero",), ("marzo",), ("abril", "abr"), ("mayo",),
           ("junio",), ("julio",), ("agosto", "ago"), ("septiembre", "setiembre"),
           ("octubre",), ("noviembre",), ("diciembre", "dic")),
    "it": (("gennaio", "gen"), ("febbraio",), ("marzo",), ("aprile",), ("maggio", "mag"),
           ("giugno", "giu"), ("luglio", "lug"), ("agosto", "ago"), ("settembre", "set"),
           ("ottobre", "ott"), ("novembre",), ("dicembre", "dic")),
    "nl": (("januari",), ("februari",), ("maart", "mrt"), ("april",), ("mei",),
           ("juni",), ("juli",), ("augustus",), ("september",), ("oktober", "okt"),
           ("november",), ("december",)),
}

# Words of invoices and receipts that name their language (accents folded, lower case).
# Only words that are not also common in the other languages of the table: "total",
# "date", "datum" or "nota" say little alone.
LANGUAGE_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset({"invoice", "receipt", "amount", "tax", "subtotal", "thank", "you",
                     "payment", "balance", "customer", "change", "cash", "qty", "bill", "the",
                     "and", "for", "of", "sales", "tip", "gratuity", "paid", "tendered"}),
    "de": frozenset({"rechnung", "summe", "mwst", "ust", "betrag", "gesamt", "gesamtbetrag",
                     "netto", "brutto", "steuer", "kunde", "zahlbar", "bis", "rueckgeld",
                     "ruckgeld", "vielen", "dank", "und", "der", "das", "fur", "zu", "zahlen",
                     "rechnungsnummer", "rechnungsdatum", "bankverbindung", "zwischensumme",
                     "gegeben", "kasse", "lieferdatum", "bar", "beleg", "steuernummer"}),
    "fr": frozenset({"facture", "tva", "montant", "ttc", "ht", "echeance", "client",
                     "reglement", "especes", "merci", "le", "les", "des", "du", "pour", "et",
                     "rendu", "paiement", "payer", "siret", "siren", "adresse", "penalites",
                     "emission", "commande", "quantite", "prix", "unitaire"}),
    "es": frozenset({"factura", "fecha", "iva", "importe", "cliente", "pago", "gracias",
                     "el", "los", "las", "para", "vencimiento", "imponible", "efectivo",
                     "cambio", "nif", "cif", "cantidad", "precio", "unidad"}),
    "it": frozenset({"fattura", "iva", "importo", "totale", "cliente", "pagamento",
                     "grazie", "il", "della", "scadenza", "imponibile", "contanti", "resto",
                     "partita", "codice", "fiscale", "quantita", "prezzo"}),
    "nl": frozenset({"factuur", "btw", "bedrag", "totaal", "klant", "betaling", "bedankt",
                     "het", "een", "voor", "van", "factuurnummer", "factuurdatum",
                     "vervaldatum", "contant", "wisselgeld", "aantal", "prijs", "omschrijving"}),
}

# Languages whose countries write numeric dates day first (English is split: the US
# writes month first, the UK, India, Malaysia and Singapore day first).
DAY_FIRST_LANGUAGES = frozenset({"de", "fr", "es", "it", "nl"})

# Currencies, taxes and identifiers of day-first countries (Malaysia, Singapore, India,
# the EU, the UK, Australia/New Zealand's ABN/GST), and of the month-first US.
DAY_FIRST_CUES = re.compile(
    r"\b(RM|MYR|SGD|GST|SST|GSTIN|INR|EUR|GBP|AUD|NZD|ABN|VAT|MwSt|USt|TVA|IVA|BTW)\b|[€£₹]")
# the US states' and DC's postal codes, as a regex alternation
US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|"
    "NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY")
MONTH_FIRST_CUES = re.compile(
    r"\bUSD\b|US\$|\bEIN\b|\b(?:" + US_STATES + r"),?\s+\d{5}(?:-\d{4})?\b|"
    r"(?i:\bsales\s+tax\b|\bgratuity\b)")

_WORD = re.compile(r"[a-z]+")


def _fold(text: str) -> str:
    t = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in t if not unicodedata.combining(c))


_MONTH_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(_fold(n) for names in months for n in names)
    for lang, months in MONTH_NAMES.items()
}
# how many distinct cue words a language needs, and by how many it must lead the next
MIN_LANGUAGE_WORDS = 3
MIN_LANGUAGE_LEAD = 2


def detect_language(text: str) -> str | None:
    """The language of a document's words from `LANGUAGE_WORDS` and `MONTH_NAMES`: the
    one with the most distinct cue words, when it has at least `MIN_LANGUAGE_WORDS` and
    leads the next by `MIN_LANGUAGE_LEAD`; None when the evidence is thin."""
    words = set(_WORD.findall(_fold(text)))
    if not words:
        return None
    scores = sorted(((len(words & (LANGUAGE_WORDS[lang] | _MONTH_WORDS[lang])), lang)
                     for lang in LANGUAGE_WORDS), reverse=True)
    (best, lang), (second, _) = scores[0], scores[1]
    if best >= MIN_LANGUAGE_WORDS and best - second >= MIN_LANGUAGE_LEAD:
        return lang
    return None
