"""Turn field text as printed on a page into CONTRACT.md normal forms.

Every extractor (invoices, contracts, HR) funnels values through these functions so that
"25/12/2018", "1.234,50" or "DE 136 695 976" compare equal whatever the layout. Each one
returns None when the text is not a valid value, so callers can use them as validators
while generating candidates.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from extractors.locale import (
    DAY_FIRST_CUES,
    DAY_FIRST_LANGUAGES,
    MONTH_FIRST_CUES,
    MONTH_NAMES,
    NUMBER_CONVENTIONS,
    detect_language,
    plain_marks,
)

__all__ = [
    "normalize_date",
    "infer_day_first",
    "infer_decimal_mark",
    "normalize_money",
    "detect_currency",
    "normalize_iban",
    "normalize_tax_id",
]

# --------------------------------------------------------------------------------------
# dates
# --------------------------------------------------------------------------------------

_NUMERIC_DATE = re.compile(r"^\s*(\d{1,4})\s*([./\-])\s*(\d{1,2})\s*\2\s*(\d{2,4})\s*$")
_COMPACT_DATE = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_ORDINAL = re.compile(r"(\d{1,2})\s*(st|nd|rd|th)\b", re.I)
_DAY_OF = re.compile(r"\bday\s+of\b", re.I)
_MIN_YEAR, _MAX_YEAR = 1950, 2100
# dateparser tries ~200 locales when not told which: restricting them is 50x faster
DEFAULT_LANGUAGES = ("en", "de", "fr", "nl", "es", "it", "pt", "pl", "ms", "id")
# A word that starts like a month: the names of `locale.MONTH_NAMES` (en, de, fr, es, it,
# nl) plus the abbreviations of Polish, Malay and Portuguese documents
_MONTHISH = re.compile(
    r"(?i)\b(jan|feb|f[eé]v|m[aä]r|apr|avr|abr|ma[iy]|mei|jun|jui|jul|aug|ao[uû]|ago|sep|set|"
    r"o[ck]t|out|nov|de[cz]|d[eé]c|dic|sty|lut|kwi|cze|lip|sie|wrz|pa[zź]|lis|gru|ogos|dis|"
    r"okt|m[äa]rz|januar|februar|juni|juli|giu|lug|gen|ene|"
    + "|".join(sorted({re.escape(n) for months in MONTH_NAMES.values()
                       for names in months for n in names}, key=len, reverse=True))
    + ")"
)


def _year(y: str) -> int:
    """Two-digit years are 20yy below 50, 19yy above: invoices are recent."""
    n = int(y)
    if len(y) <= 2:
        return 2000 + n if n < 50 else 1900 + n
    return n


def _mk(y: int, m: int, d: int) -> str | None:
    if not (_MIN_YEAR <= y <= _MAX_YEAR):
        return None
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _numeric(text: str, day_first: bool | None) -> str | None:
    """All-digit dates, parsed by hand: dateparser guesses the order per string, we
    want one order per document (decided by `infer_day_first`)."""
    m = _COMPACT_DATE.match(text)
    if m:
        return _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _NUMERIC_DATE.match(text)
    if not m:
        return None
    a, _, b, c = m.groups()
    if len(a) == 4:  # ISO-like yyyy-mm-dd
        return _mk(int(a), int(b), int(c))
    if len(a) > 2 or len(c) == 3:
        return None
    x, y, yr = int(a), int(b), _year(c)
    if x > 12 and y <= 12:
        return _mk(yr, y, x)
    if y > 12 and x <= 12:
        return _mk(yr, x, y)
    if day_first is False:
        return _mk(yr, x, y)
    return _mk(yr, y, x)  # day-first is the world default (and None means "unknown")


# English month names and their printed abbreviations -> month number (`_english_date`)
_EN_MONTHS = {name: k for k, names in enumerate(MONTH_NAMES["en"], start=1) for name in names}
_MONTH_DAY_YEAR = re.compile(r"([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2}) ([A-Za-z]{3,9})\.?,? (\d{4})")


def _english_date(text: str) -> str | None | bool:
    """"June 21, 1999", "1 September 2004", "22 Dec. 2017": the English forms contracts
    and invoices print, read without dateparser (2-3 ms a string; the same result on all
    1,302 distinct date strings dateparser was given for 560 TRAIN contracts, 1,288 of them
    in these forms). False where the text is in none of them (dateparser decides)."""
    m = _MONTH_DAY_YEAR.fullmatch(text)
    if m:
        month, day, year = m.groups()
    elif m := _DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = m.groups()
    else:
        return False
    k = _EN_MONTHS.get(month.lower())
    return _mk(int(year), k, int(day)) if k else False


@lru_cache(maxsize=4096)
def _dateparser(text: str, day_first: bool | None, languages: tuple[str, ...] | None) -> str | None:
    import dateparser

    settings = {
        "PREFER_DAY_OF_MONTH": "first",
        "DATE_ORDER": "MDY" if day_first is False else "DMY",
        "REQUIRE_PARTS": ["month", "year"],
        "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PARSERS": ["absolute-time", "custom-formats"],
    }
    try:
        dt = dateparser.parse(text, languages=list(languages or DEFAULT_LANGUAGES),
                              settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    if dt is None:
        return None
    return _mk(dt.year, dt.month, dt.day)


def normalize_date(
    text: str, day_first: bool | None = None, languages: list[str] | None = None
) -> str | None:
    """Return "YYYY-MM-DD" for a date as printed, or None.

    Numeric dates follow `day_first` (None: day-first unless impossible); dates with month
    names go through dateparser. Requires a year so that "12.30" or "5 items" never parse.
    """
    if not text:
        return None
    t = text.strip().strip(",;:()[]")
    if not t or len(t) > 40 or not re.search(r"\d", t):
        return None
    got = _numeric(t, day_first)
    if got or re.fullmatch(r"[\d\s./\-]+", t):
        return got
    t = _DAY_OF.sub("", _ORDINAL.sub(r"\1", t))
    t = re.sub(r"(?<=\d)(?=[A-Za-z])|(?<=[A-Za-z])(?=\d)", " ", t)  # "05Mar2018"
    t = re.sub(r"\s+", " ", t).strip()
    if not _MONTHISH.search(t):
        return None
    if not re.search(r"\d{4}|\b\d{2}\b", t):
        return None
    if not languages or "en" in languages:
        got = _english_date(t)
        if got is not False:
            return got
    return _dateparser(t, day_first, tuple(languages) if languages else None)


_ANY_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[./\-](\d{1,2})[./\-](\d{2,4})\b")


def infer_day_first(texts: list[str]) -> bool | None:
    """Decide the document's numeric date order from its own evidence, strongest first.

    1. A date whose first number exceeds 12 proves day-first; one whose second does proves
       month-first (the majority of such proofs wins).
    2. The document's language (`locale.detect_language`): German, French, Spanish,
       Italian and Dutch documents write dates day first.
    3. Currency, tax and address cues (`locale.DAY_FIRST_CUES`: "RM", "€", "GST", "VAT";
       `locale.MONTH_FIRST_CUES`: "USD", "EIN", a US state and ZIP code, "sales tax").
    None when nothing speaks (callers then read day-first, the world default).
    """
    dmy = mdy = 0
    joined = " ".join(texts)
    for a, b, _ in _ANY_NUMERIC_DATE.findall(joined):
        x, y = int(a), int(b)
        if x > 12 and 1 <= y <= 12:
            dmy += 1
        elif y > 12 and 1 <= x <= 12:
            mdy += 1
    if dmy != mdy:
        return dmy > mdy
    if detect_language(joined) in DAY_FIRST_LANGUAGES:
        return True
    if DAY_FIRST_CUES.search(joined):
        return True
    if MONTH_FIRST_CUES.search(joined):
        return False
    return None


# --------------------------------------------------------------------------------------
# money and currency
# --------------------------------------------------------------------------------------

_CENT = Decimal("0.01")


# Amounts that can be read one way only, and the decimal mark each proves: grouped
# thousands followed by decimals ("1.234,56", "1,234.56", "1 234,56", "1'234.50"), or a
# lone separator followed by two digits ("12,50", "12.50"). A lone separator followed by
# three digits ("1.234") proves nothing: it is read by the mark the others prove.
_DECIMAL_PROOFS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+,\d{1,2}(?![\d.,])"), ","),
    (re.compile(r"(?<![\d.,])\d{1,3}(?: \d{3})+,\d{2}(?![\d.,])"), ","),
    (re.compile(r"(?<![\d.,])\d+,\d{2}(?![\d.,])"), ","),
    (re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+\.\d{1,2}(?![\d.,])"), "."),
    (re.compile(r"(?<![\d.,])\d{1,3}(?:'\d{3})+\.\d{1,2}(?![\d.,])"), "."),
    (re.compile(r"(?<![\d.,:])\d+\.\d{2}(?![\d.,:])"), "."),
)
# "1.234" / "1,234": one separator, exactly three digits after it
_AMBIGUOUS_GROUP = re.compile(r"^\D*\d{1,3}[.,]\d{3}\D*$")


def infer_decimal_mark(texts: list[str]) -> str | None:
    """The document's decimal mark ("." or ","), from the amounts that can be read one
    way only (majority), else from its language's convention; None when nothing speaks.
    Decides the ambiguous "1.234" and "1,234" in `normalize_money`."""
    joined = plain_marks(" ".join(texts))
    votes = {".": 0, ",": 0}
    for rx, mark in _DECIMAL_PROOFS:
        votes[mark] += len(rx.findall(joined))
    if votes["."] != votes[","]:
        return "." if votes["."] > votes[","] else ","
    lang = detect_language(joined)
    return NUMBER_CONVENTIONS[lang].decimal if lang else None


def normalize_money(text: str, decimal_mark: str | None = None) -> str | None:
    """Return a plain decimal string "1234.50" for an amount as printed, or None.

    Thousands may be grouped with ",", ".", apostrophes or any kind of space ("1'234.50",
    "423 693,72 €", thin and no-break spaces); price-parser decides between "1,234.50" and
    "1.234,50" by the last separator. Only "1.234" / "1,234" cannot decide themselves:
    `decimal_mark` (the document's, from `infer_decimal_mark`) reads them; without it they
    are thousands. We keep the sign of a leading minus or accounting parentheses.
    """
    if not text or not re.search(r"\d", text):
        return None
    t = plain_marks(text).strip()
    if len(t) > 40:
        return None
    from price_parser import Price

    t2 = re.sub(r"(?<=\d)\s+(?=\d{3}\b)", "", t)  # "1 234,50" -> "1234,50"
    if re.search(r"\d\s+\d", t2):
        return None  # digits apart that are no thousands group: "12 03 2024", "2 5.00"
    if decimal_mark in (".", ",") and _AMBIGUOUS_GROUP.match(t2):
        price = Price.fromstring(t2, decimal_separator=decimal_mark)
    else:
        price = Price.fromstring(t2)
    if price.amount is None:
        return None
    try:
        amount = Decimal(price.amount).quantize(_CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None
    negative = bool(re.match(r"^\s*(-|\(|−)", t)) or t.rstrip().endswith("-")
    if negative and amount:
        amount = -amount
    return f"{amount:.2f}"


def decimal_or_none(value: object) -> Decimal | None:
    """A plain decimal string (`plain_decimal`'s form) as a Decimal; None when absent or
    unreadable."""
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def plain_decimal(value: Decimal | str) -> str:
    """A decimal as plain digits without exponent or trailing zeros ("10", "2.5").

    `Decimal.normalize()` alone writes 10 as "1E+1", which no reader (or the CONTRACT's
    "plain decimal string") accepts.
    """
    d = Decimal(str(value)).normalize()
    s = format(d, "f")
    return "0" if s in ("-0", "") else s


def normalize_quantity(text: str) -> str | None:
    """A printed quantity ("10", "10.00", "1,5", "2 x") as a plain decimal, or None."""
    money = normalize_money(re.sub(r"(?i)\s*(x|pcs?|units?|nos?|ea)\.?\s*$", "", text or ""))
    return None if money is None else plain_decimal(money)


_SYMBOLS: list[tuple[str, str]] = [
    ("US$", "USD"), ("S$", "SGD"), ("A$", "AUD"), ("C$", "CAD"), ("HK$", "HKD"),
    ("NZ$", "NZD"), ("R$", "BRL"), ("€", "EUR"), ("£", "GBP"), ("₹", "INR"), ("¥", "JPY"),
    ("₩", "KRW"), ("₱", "PHP"), ("฿", "THB"), ("₫", "VND"), ("₺", "TRY"), ("₽", "RUB"),
    ("zł", "PLN"), ("Kč", "CZK"), ("CHF", "CHF"), ("Fr.", "CHF"),
]
_WORDS: dict[str, str] = {
    "RM": "MYR", "RS": "INR", "RS.": "INR", "INR": "INR", "RP": "IDR", "EURO": "EUR",
    "EUROS": "EUR", "DOLLARS": "USD", "PLN": "PLN", "ZL": "PLN", "ZLOTY": "PLN",
    "RUPEES": "INR", "RINGGIT": "MYR",
}
_ISO = {
    "USD", "EUR", "GBP", "INR", "MYR", "SGD", "AUD", "CAD", "CHF", "JPY", "CNY", "HKD",
    "NZD", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON", "BGN", "TRY", "ZAR", "BRL",
    "MXN", "IDR", "THB", "PHP", "VND", "KRW", "AED", "SAR", "RUB", "NGN", "KES", "EGP",
}
_DOLLAR_BY_COUNTRY = {"SG": "SGD", "AU": "AUD", "CA": "CAD", "HK": "HKD", "NZ": "NZD",
                      "MY": "MYR"}


def detect_currency(text: str, country_hint: str | None = None) -> str | None:
    """Return the ISO 4217 code a text names or symbolises, or None.

    ISO codes win over symbols (a page saying "EUR" means it); a bare "$" is USD unless the
    country hint says otherwise, and no currency at all when it sits on a long whole number.
    """
    if not text:
        return None
    m = re.search(r"(?<![A-Z])(" + "|".join(sorted(_ISO)) + r")(?![A-Z])", text.upper())
    if m:
        return m.group(1)
    for sym, code in _SYMBOLS:
        if sym in text:
            return code
    for tok in re.findall(r"[A-Za-z]+\.?", text):
        code = _WORDS.get(tok.upper()) or _WORDS.get(tok.upper().rstrip("."))
        if code:
            return code
    if _dollar_mark(text):
        return _DOLLAR_BY_COUNTRY.get((country_hint or "").upper(), "USD")
    return None


def _dollar_mark(text: str) -> bool:
    """A "$" that marks money: before an amount ("$5", "$ 1,200.00") or standing alone
    ("Price ($)"). Glued to letters ("$D001") or to a long whole number ("India -
    $60067") it is OCR's reading of another character, not a currency."""
    for m in re.finditer(r"\$\s?(\d[\d,]*)(\.\d+)?", text):
        if m.group(2) or "," in m.group(1) or len(m.group(1)) <= 4:
            return True
    return bool(re.search(r"(?:^|[\s(\[])\$(?=\s|\)|\]|$)", text))


# --------------------------------------------------------------------------------------
# bank and tax identifiers
# --------------------------------------------------------------------------------------


def normalize_iban(text: str) -> str | None:
    """Return the compact IBAN ("NL91ABNA0417164300") when the checksum holds, else None."""
    if not text:
        return None
    t = re.sub(r"^\s*IBAN[:\s]*", "", text.strip(), flags=re.I)
    t = re.sub(r"[\s\-.]", "", t).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}", t):
        return None
    try:
        from schwifty import IBAN

        return str(IBAN(t).compact)
    except Exception:  # schwifty raises its own exception family for every failure
        return None


@lru_cache(maxsize=1)
def _tax_validators() -> list[tuple[str, object, set[str] | None]]:
    """(kind, stdnum module, countries it applies to or None for any)."""
    from stdnum.eu import vat as euvat
    from stdnum.fr import siren, siret
    from stdnum.in_ import gstin
    from stdnum.us import ein

    out: list[tuple[str, object, set[str] | None]] = [
        ("gstin", gstin, {"IN"}),
        ("eu_vat", euvat, None),
        ("siret", siret, {"FR"}),
        ("siren", siren, {"FR"}),
        ("ein", ein, {"US"}),
    ]
    try:
        from stdnum.pl import nip

        out.append(("pl_nip", nip, {"PL"}))
    except ImportError:  # pragma: no cover - module present in every stdnum >= 1.0
        pass
    try:
        from stdnum.gb import vat as gbvat

        out.append(("gb_vat", gbvat, {"GB"}))
    except ImportError:  # pragma: no cover
        pass
    return out


_MY_TAX = re.compile(r"^(?:[A-Z]\d{2}-?\d{4}-?\d{8}|\d{12})$")  # MY SST / old GST numbers


def normalize_tax_id(text: str, country_hint: str | None = None) -> tuple[str, str] | None:
    """Return (compact id, kind) for a VAT/GST/EIN/SIREN number as printed, or None.

    Checksums come from python-stdnum, so a random digit run is not a tax id. A country
    hint lets national formats without a prefix (EIN, SIREN, NIP) through; without it only
    self-describing ones (EU VAT with prefix, GSTIN) pass, plus Malaysian SST/GST numbers,
    which have no checksum but a distinctive shape.
    """
    if not text:
        return None
    t = re.sub(r"^\s*(VAT|GST|GSTIN|TVA|USt|MwSt|NIP|EIN|SST|Tax)[\w .\-/#]*?[:#]\s*", "",
               text.strip(), flags=re.I)
    raw = re.sub(r"[\s.\-/]", "", t).upper()
    if not raw or len(raw) > 20 or len(re.findall(r"\d", raw)) < 6:
        return None
    hint = (country_hint or "").upper() or None
    for kind, mod, countries in _tax_validators():
        if countries is not None and kind != "gstin" and hint not in countries:
            continue
        try:
            if mod.is_valid(raw):  # type: ignore[attr-defined]
                return str(mod.compact(raw)), kind  # type: ignore[attr-defined]
        except Exception:  # stdnum may raise on exotic input
            continue
    if _MY_TAX.match(raw) and (hint in (None, "MY", "SG")):
        return raw, "my_sst"
    return None
