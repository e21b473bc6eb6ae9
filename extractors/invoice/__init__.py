"""Invoice and receipt field extraction from words and boxes, without vendor templates.

Pipeline: rows/segments from word geometry (`layout`) -> typed candidates with layout
features (`candidates`) -> per-field gradient-boosted scorers calibrated on generated
documents (`model`, trained by `python -m training.invoice_fields`) -> rules for the fields
that are blocks rather than spans (address, customer, line items, IBAN, tax id, terms) ->
cross-field arithmetic checks that cap or boost confidences -> per-vendor hints learned
from corrections (`hints`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import product
from typing import TYPE_CHECKING, Any

import numpy as np

from extractors.invoice import calibrate as final_calibration
from extractors.invoice import customer as customer_ranker
from extractors.invoice import line_items as learned_line_items
from extractors.invoice import vat_table
from extractors.invoice.candidates import (
    _ADDR,
    _REGNO,
    _SELLER,
    COMPANY_SUFFIX,
    CURRENCY_MARK,
    STREET_WORDS,
    TIP_WORDS,
    TRAILING_REG,
    Candidate,
    generate,
    header_candidates,
    label_score,
    line_parts,
    norm_label,
)
from extractors.invoice.layout import (
    PageLayout,
    Row,
    build_rows,
    centre_inside,
    segment_above,
    union,
)
from extractors.invoice.model import GROUP_OF, SCORED_FIELDS, features, load
from extractors.invoice.spacing import fix_ocr_words, respace
from extractors.locale import US_STATES
from extractors.normalize import (
    decimal_or_none,
    detect_currency,
    infer_day_first,
    infer_decimal_mark,
    normalize_iban,
    normalize_money,
    normalize_tax_id,
    plain_decimal,
)
from extractors.types import Field
from ingest.types import BBox, IngestedDocument, Word

if TYPE_CHECKING:
    from extractors.invoice import receipt_lines, receipt_ranker
    from extractors.invoice.hints import VendorHints, vendor_key

__all__ = ["extract_invoice", "VendorHints", "vendor_key", "REPORT_MIN"]
_FROM_HINTS = frozenset({"VendorHints", "vendor_key"})  # `__getattr__`

REPORT_MIN = 0.3  # below this a scored field is left out (absent beats wrong)...
# ...except fields every invoice/receipt has, where a low-confidence guess (flagged for
# review by its confidence) is more useful than nothing
REPORT_MIN_FIELD = {"vendor_name": 0.1, "total_amount": 0.15, "invoice_date": 0.15}
NO_CUSTOMER_TYPES = frozenset({"receipt"})  # document types that name no billed party
# what an agency deducts from a media invoice's gross: gross = net due + commission adds up
# like total = subtotal + tax, but the commission is no tax (nor the net due a subtotal)
DEDUCTION_LABELS = ("agency commission", "agency comm", "less agency comm", "commission")
LABEL_HIT = 0.9
SUM_TOLERANCE = Decimal("0.02")  # subtotal + tax = total to the cent, with a rounding step
# sources whose value another sum checked already (a VAT table's rows: net + tax = gross at
# the printed rate): the subtotal + tax = total check does not doubt them
SELF_CHECKED_SOURCES = frozenset({"vat-table"})


def __getattr__(name: str) -> Any:
    """`VendorHints` and `vendor_key` (`hints.py`), imported on first use: a document whose
    vendor has no hints never needs them (~15 ms of a one-file `backoffice process` where
    Python compiles from source)."""
    if name in _FROM_HINTS:
        from extractors.invoice import hints

        return getattr(hints, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _score_fields(lays: list[PageLayout], day_first: bool | None,
                  decimal_mark: str | None = None
                  ) -> tuple[dict[str, Field], dict[str, list[tuple[float, Candidate]]],
                             dict[str, list[Candidate]]]:
    """Best candidate per scored field, the ranked lists for the arithmetic search and the
    candidates themselves (the receipt model reuses them)."""
    cands = generate(lays, day_first, decimal_mark)
    cands["name"] = header_candidates(lays[0]) if lays else []
    models = load()
    ranked: dict[str, list[tuple[float, Candidate]]] = {}
    for f in SCORED_FIELDS:
        cs = cands.get(GROUP_OF[f], [])
        if not cs:
            continue
        X = np.array([features(c, f) for c in cs], dtype=float)
        if models and f in models:
            s = models[f].scores(X)
            if GROUP_OF[f] == "name":
                # what no company is called goes last, however the scorer liked it
                s = s - np.array([_VETO if _not_a_name(str(c.normalized)) else 0.0 for c in cs])
            probs = models[f].calibrate_all(s)
            order = np.argsort(-s)
            ranked[f] = [(probs[i] if k == 0 else float(s[i]) * probs[order[0]] /
                          max(1e-9, float(s[order[0]])), cs[i]) for k, i in enumerate(order)]
        else:  # no trained model: label evidence only, modest confidence
            s = X[:, 0] - X[:, 3]
            order = np.argsort(-s)
            ranked[f] = [(float(np.clip(s[i], 0, 1)) * 0.5, cs[i]) for i in order]
    out: dict[str, Field] = {}
    used: dict[tuple[int, tuple[float, ...]], str] = {}
    # greedy one-candidate-one-field, most confident first
    for f in sorted(ranked, key=lambda f: -ranked[f][0][0]):
        for p, c in ranked[f][:5]:
            key = (c.page, tuple(round(v, 1) for v in c.bbox))
            if key in used and GROUP_OF[f] != "name":
                continue
            used[key] = f
            src = {"money": "amount-near-total" if f == "total_amount" else "layout-kv",
                   "date": "layout-kv", "id": "layout-kv", "name": "top-block"}[GROUP_OF[f]]
            out[f] = Field(c.value, c.normalized, p, c.page, c.bbox, src)
            break
    return out, ranked, cands


_VETO = 1e3
_STREET = re.compile(rf"(?i)^\s*(?:no\.?\s*:?\s*|lot\s*)?\d+[a-z]?\b.*\b(?:{'|'.join(STREET_WORDS)}|"
                     r"via|calle|place|impasse|all[ée]e|route|cours)\b")


# a German street line (the number after the street: "Adlergasse 27/58", "Alexandre-
# Kraushaar-Weg 11-76") and a postcode line ("05911 Marchal", "D-34117 Kassel"): the
# lines of an address, never a vendor's name
_STREET_NUMBER_LAST = re.compile(
    r"(?i)[^\W\d_]-?(?:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer|chaussee)"
    r"\s+\d+\s*[a-z]?(?:\s*[-/]\s*\d+\s*[a-z]?)?\s*$"
    r"|^\s*[\w.-]*[^\W\d_]-?(?:straße|strasse|gasse|allee|weg|platz)\s*$")
_POSTCODE_TOWN = re.compile(r"^\s*(?:[A-Z]{1,2}\s*-\s*)?\d{4,5}\s+[^\W\d_]{2}")
# a French street line whose number OCR or a comma left on another segment ("rue Neveu")
_FRENCH_STREET_START = re.compile(
    r"^\s*(?:rue|avenue|av\.|boulevard|bd|chemin|all[ée]e|impasse|place|quai|route|cours)"
    r"\s+(?:de\s+la\s+|de\s+l'|du\s+|des\s+|de\s+|d')?[^\W\d_]")


# the legal mention under a French or German letterhead names the company's capital
_LEGAL_MENTION = re.compile(r"(?i)\bau\s+cap[il]?ta[l1]\b|\bcapital\s+social\b|\bstammkapital\b|"
                            r"\bgrundkapital\b|\bshare\s+capital\b")


def _not_a_name(text: str) -> bool:
    """A document heading ("SIMPLIFIED TAX INVOICE"), a street line ("107, JALAN ..."), an
    item table's column header, a company's legal mention ("SAS au capital de ..."), a
    number with a label ("B111 No.:001-3246") or logo debris without a three-letter word
    is never the vendor's name. The scorer, trained on generated documents, sometimes ranks
    such lines first on photos and on layouts it has not seen."""
    t = text.strip()
    if not t:
        return True
    if not re.search(r"[^\W\d_]{3}", t):
        return True  # no word of three letters: logo debris ("N VV | FE")
    compact = re.sub(r"[^A-Z0-9]", "", _ocr_letters(t).upper())
    if _LEGAL_MENTION.search(t):
        return True  # "SAS au capital de 10 000 €": the company's legal line, not its name
    if _HEADING.search(compact) or _STREET.search(t) or _STREET_NUMBER_LAST.search(t) \
            or _POSTCODE_TOWN.match(t) or _FRENCH_STREET_START.match(t) \
            or learned_line_items.names_columns(t) \
            or learned_line_items.only_column_names(t):
        return True  # an item table's header ("Air Date Time Length Description Amount"),
        # or one of its cells on a line of its own ("Désignation")
    # "99 SPEED MART S/B (519537-X)": a bracketed registration number is not the name
    t = re.sub(r"\s*[(\[][^)\]]*\d[^)\]]*[)\]]?\s*$", "", _BRACKET_REGNO.sub("", t))
    share = sum(ch.isdigit() for ch in t) / max(1, len(t.replace(" ", "")))
    return share > 0.5 or (share > 0.3 and bool(re.search(r"(?i)\bno\.?\s*[:.#]", t)))


# --------------------------------------------------------------------------------------
# block fields
# --------------------------------------------------------------------------------------

_DATE_LINE = re.compile(r"\b\d{1,2}[:.]\d{2}(:\d{2})?\s*(am|pm)?\b.*$|^\s*\d{1,2}\s*[A-Za-z]{3}\s*\d{4}",
                        re.I)
_REGNO_LINE = re.compile(r"(?i)(co\.?\s*-?\s*reg|company\s*(reg|no)|\broc\b|"
                         r"\b\d{5,}\s*-\s*[A-Z0-9]\b(?!\d)|^\(\s*\w*\d{4,}[\w\-]*\s*\)?$|"
                         r"^\(?[A-Z]{0,3}\d{5,}\s*-\s*[A-Z]\)?$)")
_STOP = re.compile(r"(?i)(\bt[eé][l1]\b|\bt[eé][l1]\s*[:.]|\btel(ephone)?|t[ée]l[ée]phone|\bphone|\bfax|e-?mail|\bgst|"
                   r"\bsst|\bvat\b|reg\.?\s*no|\breg\s*[:.#]|\bgs[t1]\b|invoice|receipt|\bdate\b|cashier|bill\s*to|www|"
                   r"http|\bh/?p\b|\btax\b|mobile|\bust|\btva\b|siret|siren|@|"
                   # German and Austrian tax numbers ("UID Nr.", "St.-Nr.", "Steuernummer")
                   r"\buid\b|\bst\.?\s*-?\s*nr\b|steuer\s*-?\s*n(umme)?r|"
                   # a fuel station's site number; "GST ID" read "65T ID"
                   r"^\s*site\s*[:.#]|\b[G6][S5][T1]\s*[I1][D0]\b)")


# a document heading, matched on letters only so that OCR's spacing ("TAXI NVOICE",
# "GUESTCHECK") and slips ("INYOICE") do not hide it: it ends the address block and is
# never a vendor's name
_HEADING = re.compile(r"(?:TAX)?I?N[VY][O0]ICE|RECE[I1]PT|CASHB[I1]LL|GUESTCHECK|CHECKN[O0]|"
                      r"TABLEN[O0]|ORDERN[O0]|CASH[I1]ER|QUOTATION|DELIVERYORDER|STATEMENT|"
                      r"CUSTOMERSCOPY|RECHNUNG|FACTURE|FACTUUR|FAKTURA")
# a company registration number glued in front of the first address line ("123456-X NO. 5")
_LEADING_REGNO = re.compile(r"^\(?[A-Z]{0,3}\d{5,}\s*-\s*[A-Z]\)?[\s,.:;]+(?=\S)")


# a postcode or house number with a letter for a digit ("4330O", "S610O", "4115O")
_NUMBERISH = re.compile(r"(?<![\w/-])(?=[0-9OoSIl]{5}\b)(?=(?:[^0-9]*[0-9]){3})[0-9OoSIl]{5}\b")
_AS_DIGIT = str.maketrans("OoSIl", "00511")


# a number that starts with digits and ends in ones read as I, l or | ("28II", "281I"):
# large photos shrunk for OCR blur a thermal "1" into a bar
_ONES_AS_BARS = re.compile(r"(?<![\w/-])(?=(?:[^0-9\s]*[0-9]){2})[0-9]+[Il|][0-9Il|]*(?![\w/-])")


def address_digits(text: str) -> str:
    """Undo OCR's letter-for-digit slips in five-character numbers (postcodes) and in
    numbers whose ones came out as bars ("28II"), and the thermal "L" whose upright faded,
    read "_" or ":_" inside a word ("JA_AN")."""
    text = _NUMBERISH.sub(lambda m: m.group(0).translate(_AS_DIGIT), text)
    text = _ONES_AS_BARS.sub(lambda m: re.sub(r"[Il|]", "1", m.group(0)), text)
    return re.sub(r"(?<=[A-Za-z]):?_(?=[A-Za-z])", "L", text)


def address_punctuation(text: str) -> str:
    """Postal addresses separate their parts with commas; a full stop between parts is
    almost always OCR reading a thermal comma (",", "." differ by a few pixels). So a "."
    after a number or a whole word (not an abbreviation such as "NO." or "JLN.") and before
    another part becomes ","; the final full stop is kept. OCR often glues the next part
    to the stop ("33.JALAN", "KEMBANGAN.SELANGOR"), so no space is needed after it, except
    between two digits (a decimal number). A street-word abbreviation keeps its stop
    ("Leopoldstr. 45", "Ocean Blvd. 5": `STREET_ABBREVIATIONS`)."""
    return _PART_STOP.sub(_part_stop, text)


# a full stop after a number or a whole word (4+ letters) and before another part
_PART_STOP = re.compile(r"(?<=\d)\.(?=\s*[A-Za-z]|\s+\d)|(?<=[A-Za-z]{4})\.(?=\s*[A-Za-z0-9])")
# street words of four or more letters whose abbreviation ends in a full stop: the German
# "-str." (Straße) ends a word ("Hauptstr."), the English ones stand alone
STREET_ABBREVIATIONS = re.compile(r"(?i)(?:str|\bblvd|\bpkwy|\bexpy|\btpke)$")


def _part_stop(m: re.Match[str]) -> str:
    return "." if STREET_ABBREVIATIONS.search(m.string, 0, m.start()) else ","


# what an address's first line looks like: a number, or a street/building/estate word
# (Malay, English, French: "Zone industrielle des Épinettes", "Z.I. du Moulin")
_ADDR_START = re.compile(
    r"(?i)\d|^\s*(lot|no\b|jalan|jln|lorong|lrg|persiaran|lebuh|taman|tmn|level|tingkat|"
    r"aras|ground|first|second|block|blok|blk|unit|suite|wisma|menara|bangunan|kompleks|"
    r"plaza|kampung|kg\b|batu|km\b|pt\b|rue\b|avenue\b|boulevard\b|chemin\b|all[ée]e\b|"
    r"impasse\b|quai\b|route\b|zone\b|z\.?[ai]\.?c?\.?\s|parc\b|r[ée]sidence\b|"
    r"b[âa]timent\b|immeuble\b|lieu-dit\b)")


def _vendor_block(lays: list[PageLayout], name: Field, doc_type: str
                  ) -> tuple[Field | None, Field]:
    """Address lines under the vendor name (and a name wrapped onto a second line)."""
    lay = next((x for x in lays if x.number == name.page), None)
    if lay is None or name.bbox is None:
        return None, name
    rows = lay.rows
    r0 = next((r.index for r in rows if any(w.bbox == name.bbox or (
        w.bbox[1] >= name.bbox[1] - 1 and w.bbox[3] <= name.bbox[3] + 1 and
        w.bbox[0] >= name.bbox[0] - 1 and w.bbox[2] <= name.bbox[2] + 1) for w in r.words)), None)
    if r0 is None:
        return None, name
    sender = _sender_line_address(rows[r0], name)
    if sender is not None:
        return sender, name
    name = _merge_wrapped_name(lay, r0, name)
    x0, x1 = name.bbox[0], name.bbox[2]
    lines, boxes = [], []
    last_y = name.bbox[3]
    skipped = 0
    for row in rows[r0 + 1:r0 + 12]:
        seg = _overlapping_segment(row, x0, x1, lay.page.width)
        if seg is None:
            if lines:
                break
            continue
        b = seg.bbox
        if b[1] - last_y > 2.6 * lay.word_height:
            break
        t = seg.text.strip()
        if not lines:
            t = _LEADING_REGNO.sub("", t) or t
        probe = _ocr_letters(t)  # "GST1D", "C0.REG" read as the words they are
        if lines and (_HEADING.search(re.sub(r"[^A-Z0-9]", "", probe.upper()))
                      or _recipient_label(t)):
            break
        rest = re.sub(r"[()\[\].,&\s]+", " ", COMPANY_SUFFIX.sub("", t)).strip()
        if not lines and COMPANY_SUFFIX.search(t) and len(rest.split()) <= 1 and \
                not re.search(r"\d", t) and not COMPANY_SUFFIX.search(str(name.normalized)):
            name = Field(f"{name.value} {t}", f"{name.normalized} {t}", name.confidence,
                         name.page, union([name.bbox, b]), name.source)
            last_y = b[3]
            continue
        # registration numbers, tax ids, a printed date, a branch/licensee line or the
        # company's legal mention ("SAS au capital de ...") may sit between the name and
        # the address: skip them there, stop at them after it
        interlude = bool(_REGNO.match(t) or _REGNO_LINE.search(probe) or _STOP.search(probe)
                         or _DATE_LINE.search(t) or _LEGAL_MENTION.search(t))
        if interlude or (not lines and not _ADDR_START.search(probe)):
            if lines or skipped >= 4:
                break
            skipped += 1
            last_y = b[3]
            continue
        if lines and re.fullmatch(r"[\d\s\-+()]{7,}", t):
            break
        lines.append(t)
        boxes.append(b)
        last_y = b[3]
        if len(lines) >= 5:
            break
    if not lines:
        return None, name
    lines = [_ocr_letters(ln) for ln in lines]
    text = ""
    for ln in lines:
        sep = " " if (not text or doc_type == "receipt" or text.endswith((",", ".", ";"))) \
            else ", "
        text = f"{text}{sep}{ln}" if text else ln
    return _address_field(text, name, boxes), name


@lru_cache(maxsize=1)
def _recipient_labels() -> frozenset[str]:
    got = customer_ranker.labels()
    return frozenset(got["customer"] + got["other"] + got["window"])


def _recipient_label(text: str) -> bool:
    """Whether a line is only the label of the billed or another party ("Bill to",
    "Facturé à") or what a letter prints above its recipient ("An", "Herrn"): the vendor's
    address block has ended (`labels/customer.json`)."""
    return norm_label(text) in _recipient_labels()


def _sender_line_address(row: Row, name: Field) -> Field | None:
    """The address a sender line prints after the name, on the same line ("Müller GmbH ·
    Industriestraße 14 · 70565 Stuttgart", a German letter's return line above the
    recipient's window): the parts after the name's part, the first one a street or number
    line. None when the name is not a part of such a line or what follows it there is no
    address (the lines under the name are then read as usual)."""
    if name.bbox is None:
        return None
    for seg in row.segments:
        parts = line_parts(seg)
        if len(parts) < 2:
            continue
        at = next((i for i, part in enumerate(parts)
                   if part.bbox[0] <= name.bbox[0] + 1 and part.bbox[2] >= name.bbox[2] - 1), None)
        if at is None:
            continue
        rest = parts[at + 1:]
        if not rest or (not _ADDR_START.search(_ocr_letters(rest[0].text))
                        and not _ADDR.search(rest[0].text)):
            return None
        return _address_field(", ".join(p.text for p in rest), name, [p.bbox for p in rest])
    return None


# a mark that separates the parts of a one-line address, spaced on both sides
_PART_MARK = re.compile(r",?\s+[·•|]\s+")


def _address_field(text: str, name: Field, boxes: list[BBox]) -> Field:
    """The vendor's address read beside its name: surer with a postal code in it and a
    surely read name. A raised dot or bar between parts ("Industriestr. 7 · 70565
    Stuttgart") separates them as a comma does."""
    text = address_punctuation(address_digits(_PART_MARK.sub(", ", text)))
    has_code = bool(re.search(r"\b\d{4,6}\b", text))
    conf = min(0.85, 0.45 + 0.25 * has_code + 0.15 * (name.confidence > 0.7))
    return Field(text, text, conf, name.page, union(boxes), "top-block")


_DIGIT_AS_LETTER = {"0": "O", "1": "L", "5": "S", "8": "B"}


def _ocr_letters(text: str) -> str:
    """Undo OCR's commonest slips inside words: a digit between letters ("L0T", "Ja1an",
    "G5T"), a zero starting a word ("0FFICE"), a one ending one ("Leve1"), a capital I
    for a lower-case l ("WorId", "JIn")."""
    t = re.sub(r"(?<=[A-Za-z])[0158]{1,2}(?=[A-Za-z])|\b0(?=[A-Za-z]{2})",
               lambda m: "".join(_DIGIT_AS_LETTER[c] for c in m.group(0)), text)
    t = re.sub(r"(?<=[a-z])I(?=[a-z])", "l", t)  # "WorId": a capital I inside a lower word
    t = re.sub(r"\b([A-Z])I(?=[a-z]+\b)", r"\1l", t)  # "JIn", "BIk": Jln, Blk
    return re.sub(r"(?<=[A-Za-z][a-z]{2})1\b", "l", t)


# "San Bhd", "SDM BHD", "S0N. BHD": the Malaysian private-company suffix one OCR slip away
_SDN_SLIP = re.compile(r"\b(S)[A-CE-Za-ce-z0-9](N\.?\s*BHD)\b|\b(S)(D)[A-MO-Za-mo-z0-9](\.?\s*BHD)\b",
                       re.I)


# a department after the company's name on a sender line ("Free Service Abonné",
# "ACME Customer Service"): the vendor is the company
_DEPARTMENT = re.compile(
    r"(?i)(?<=\w)\s*[-,]?\s+(?:service\s+(?:abonn[ée]s?|clients?|client[èe]le|facturation)|"
    r"customer\s+(?:service|care|support)|billing\s+department|"
    r"accounts?\s+(?:receivable|department)|kundenservice|kundendienst|"
    r"buchhaltung|klantenservice)\s*$")


_ABBREV_END = frozenset({"CORP", "INTL", "ENTP", "ENTS", "BROS", "ASSOC", "DEPT"})


def _name_full_stop(name: str) -> str:
    """A full stop after a whole word ends the printed line, not the name ("MEI LET
    RESTAURANT."); after an abbreviation ("SDN. BHD.", "CO.", "CORP.") it is the name's."""
    m = re.search(r"\b([A-Za-z]{4,})\.$", name)
    if m and m.group(1).upper() not in _ABBREV_END:
        return name[:-1]
    return name


def _fix_legal_suffix(text: str) -> str:
    def fix(m: re.Match[str]) -> str:
        if m.group(1):
            return f"{m.group(1)}{'D' if m.group(2)[0].isupper() else 'd'}{m.group(2)}"
        return f"{m.group(3)}{m.group(4)}{'N' if m.group(4).isupper() else 'n'}{m.group(5)}"

    text = re.sub(r"(?i)\s*[(\[{]\s*[A-Z0-9]{4,9}\s*-\s*[A-Z0-9]\s*[)\]}]?\s*$", "", text)
    text = re.sub(r"(?<=\s)[5S]\s*/\s*[B89]\.?$", "S/B", text)  # "5/8": Sendirian Berhad
    # "SDN BH", "SDN DH": the receipt's edge or a faded head cut the suffix short
    text = re.sub(r"(?i)\b(SDN\.?\s*)(?:[B8D]H|B[HD]?|[B8D]HO)(\.?)$",
                  lambda m: f"{m.group(1)}{'BHD' if m.group(1)[1].isupper() else 'Bhd'}"
                            f"{m.group(2)}", text)
    return _SDN_SLIP.sub(fix, text)


# legal forms on letters only, tolerant of OCR spacing and slips ("SDNBHD", "5/B", "S0N BHD")
_LEGAL_COMPACT = re.compile(r"S[DO0][NM]B[HN]D|[S5]/B$|BERHAD|PTELTD|LIMITED|LTD$|PLC$|GMBH|"
                            r"ENTERPRISES?$|TRADING$|LLC$|INC$|CORP")
_BRACKET_REGNO = re.compile(r"[(\[{]\s*(?:CO\.?\s*(?:REG\.?\s*)?N[O0]\.?\s*:?\s*)?[A-Z]{0,3}"
                            r"\d{4,}\s*-\s*[A-Z0-9]\s*[)\]}]?", re.I)


def _company_evidence(text: str, next_text: str) -> int:
    """2 for a legal-form suffix plus a bracketed registration number (in the line or
    under it), 1 for either, 0 for none: how a receipt prints its legal name."""
    body = _BRACKET_REGNO.split(text)[0]
    compact = re.sub(r"[^A-Z0-9/]", "", _ocr_letters(body).upper())
    legal = bool(_LEGAL_COMPACT.search(compact))
    regno = bool(_BRACKET_REGNO.search(text) or _BRACKET_REGNO.match(next_text.strip()))
    return int(legal) + int(regno and legal)


def _prefer_legal_name(lays: list[PageLayout], fields: dict[str, Field],
                       ranked: dict[str, list[tuple[float, Candidate]]]) -> None:
    """The model may pick a logo, outlet or slogan line printed above the company; when
    the pick shows no legal form and a header line close under it has a legal suffix and
    a bracketed registration number, that line is the vendor's name."""
    cur = fields.get("vendor_name")
    cands = ranked.get("vendor_name") or []
    if cur is None or not cands or not lays:
        return
    rows = lays[0].rows

    def evidence(c: Candidate) -> int:
        nxt = rows[c.row + 1].text if c.row + 1 < len(rows) else ""
        return _company_evidence(c.value, nxt)

    top = next((c for _, c in cands if c.bbox == cur.bbox), None)
    if top is None or evidence(top) > 0:
        return
    best = [(p, c) for p, c in cands if top.row < c.row <= top.row + 4 and evidence(c) == 2]
    if best:
        p, c = min(best, key=lambda x: x[1].row)
        fields["vendor_name"] = Field(c.value, c.normalized, min(cur.confidence, 0.75), c.page,
                                      c.bbox, "top-block")
        return
    lay = next((x for x in lays if x.number == cur.page), None)
    if lay is not None and 0 <= top.row < len(lay.rows):
        legal = _legal_name_under_brand(lay, top.row, str(cur.normalized))
        if legal is not None:
            text, box = legal
            fields["vendor_name"] = Field(text, text, min(cur.confidence, 0.75), cur.page, box,
                                          "top-block")


# A letterhead's register line names the company by law (France: "<name> SARL au capital
# de 8 000 € - RCS Lyon ..."; Germany: "<name> GmbH · Amtsgericht Kassel HRB 4471 ...";
# UK: "Registered in England No. ..."). Where the header prints the name only as a logo,
# the scorer's best header line is a street, a column or the billed party: a pick it is
# this unsure of (its calibrated probability below REGISTER_NAME_OVER) gives way to the
# name the register line prints. Its confidence is REGISTER_NAME_CONFIDENCE before the
# OCR discounts (`_ocr_discount`): the line is the company's by law, but which of its
# parts is the name is read from a legal form.
_REGISTER_LINE = re.compile(
    _LEGAL_MENTION.pattern + r"|\br\.?c\.?s\b|\bamtsgericht\b|\bregistergericht\b|"
    r"\bhandelsregister\b|\bhr[ab]\s*\d|\bregistered\s+in\s+(?:england|scotland)|"
    r"\bregistered\s+office\b")
# the legal forms a register line's name ends in (or starts with: "SARL Dupont")
_REGISTER_FORM = re.compile(
    r"(?i)(?:^|\s)(?:SARL|SASU|SAS|SA|EURL|SNC|SCI|SCOP|SELARL|GmbH(?:\s*&\s*Co\.?\s*KG)?|"
    r"mbH|AG|KG|OHG|GbR|UG(?:\s*\(haftungsbeschränkt\))?|e\.\s?K\.?|KGaA|Ltd\.?|Limited|"
    r"LLP|PLC|Inc\.?|LLC)(?=\s|$|[,.;])")
REGISTER_NAME_OVER = 0.6
REGISTER_NAME_CONFIDENCE = 0.7


def _register_name(lays: list[PageLayout]) -> tuple[str, int, BBox] | None:
    """The company name a register line prints (see `_REGISTER_LINE`): the first part of
    the line (parted by raised dots, bars or lone dashes) that carries a legal form, cut
    before its capital mention ("THERMO-SERVICES SARL au capital de ..."), with a word
    of its own beside the form."""
    for lay in lays:
        for row in lay.rows:
            if not _REGISTER_LINE.search(row.text):
                continue
            for seg in row.segments:
                for part in line_parts(seg):
                    text = part.text
                    cut = _LEGAL_MENTION.search(text)
                    text = (text[:cut.start()] if cut else text).strip(" ,;:-–·|")
                    if not _REGISTER_FORM.search(text) or _REGISTER_LINE.search(text):
                        continue
                    if re.search(r"[^\W\d_]{3}", _REGISTER_FORM.sub(" ", text)) and \
                            not _not_a_name(text):
                        return text, lay.number, part.bbox
                    if cut and _REGISTER_FORM.fullmatch(f" {text}") and row.index > 0:
                        # "SAS au capital de ..." under the name's own line
                        got = segment_above(lay, row.index, part.bbox)
                        if got is not None and not _not_a_name(got[0].text):
                            return got[0].text, lay.number, got[0].bbox
    return None


def _prefer_register_name(lays: list[PageLayout], fields: dict[str, Field]) -> None:
    """The register line's name over a header pick the scorer is unsure of (or none)."""
    cur = fields.get("vendor_name")
    if cur is not None and cur.confidence >= REGISTER_NAME_OVER:
        return
    got = _register_name(lays)
    if got is None:
        return
    text, page, box = got
    fields["vendor_name"] = Field(text, text, REGISTER_NAME_CONFIDENCE, page, box,
                                  "register-line")


# legal forms proper (COMPANY_SUFFIX also admits "MART", "TRADING"...)
_LEGAL_FORM = re.compile(
    r"\b(?:SDN\.?\s*BHD|BERHAD|PTE\.?\s*LTD|PVT\.?\s*LTD|LTD|LIMITED|LLC|INC|CORP(?:ORATION)?|"
    r"GMBH|AG|S\.A|SAS|SARL|B\.V|N\.V|PLC|LLP|KG|S\.P\.A|SRL|OY|AB|CO(?=\.)|COMPANY)\b\.?", re.I)


def _legal_name_under_brand(lay: PageLayout, row: int, brand: str
                            ) -> tuple[str, BBox | None] | None:
    """A logo or brand line ("Saeco", "QualityHosting") with the issuer's legal name on
    one of the next two lines ("QualityHosting AG - Uferweg 40-42 ...") or in the page's
    bottom 30 %, where issuers print their legal details ("e-Luscious Nederland B.V. iov
    Saeco.com"): that name, cut after its legal form. The brand has to recur in that
    line, so a customer's name is never taken."""
    key = re.sub(r"[^a-z0-9]", "", brand.casefold())
    if len(key) < 3 or _LEGAL_FORM.search(brand):
        return None
    footer = [r for r in lay.rows[row + 3:] if r.words
              and r.words[0].bbox[1] > 0.7 * lay.page.height]
    for r in [*lay.rows[row + 1:row + 3], *footer]:
        text = r.text
        m = _LEGAL_FORM.search(text)
        if m is None or m.start() < 2:
            continue
        name = text[:m.end()].strip(" ,;:-")
        flat = re.sub(r"[^a-z0-9]", "", text.casefold())
        if key not in flat or re.search(r"\d", name):
            continue
        n = len(name.split())
        box = union([w.bbox for w in r.words[:n]]) if r.words else None
        return name, box
    return None


def _merge_wrapped_name(lay: PageLayout, r0: int, name: Field) -> Field:
    """A company name wrapped over two lines ("POPULAR BOOK" / "CO. (M) SDN BHD"): a chosen
    line that is little more than a legal suffix takes the letters-only line above it."""
    text = str(name.normalized)
    m = COMPANY_SUFFIX.search(text)
    if not m or r0 == 0 or name.bbox is None:
        return name
    rest = COMPANY_SUFFIX.sub("", text)
    rest = re.sub(r"[()\[\].,&\s]+", " ", rest).strip()
    if len(rest.split()) > 1:
        return name
    prev = lay.rows[r0 - 1]
    seg = _overlapping_segment(prev, name.bbox[0], name.bbox[2], lay.page.width)
    if seg is None or re.search(r"\d", seg.text) or _STOP.search(seg.text):
        return name
    if name.bbox[1] - seg.bbox[3] > 1.5 * lay.word_height:
        return name
    t = f"{seg.text} {text}"
    return Field(t, t, name.confidence, name.page, union([seg.bbox, name.bbox]), name.source)


def _overlapping_segment(row: Row, x0: float, x1: float, width: float):
    best, ov_best = None, 0.0
    for seg in row.segments:
        b = seg.bbox
        ov = min(b[2], x1) - max(b[0], x0)
        if ov > ov_best:
            best, ov_best = seg, ov
    return best


_TAX_LABEL = re.compile(r"(?i)\b(vat|gst|gstin|tva|ust|u?st-?id\w*|mwst|tax\s*id|tin|ein|siren|"
                        r"siret|nip|btw|sst|abn|reg(istration)?\s*no|id\s*no)\b")


_TAX_RANK = {"eu_vat": 0, "gstin": 0, "gb_vat": 1, "pl_nip": 1, "siret": 2, "ein": 2,
             "siren": 3, "my_sst": 3}


def _tax_id(lays: list[PageLayout], country: str | None) -> Field | None:
    """First labelled, self-describing tax id (EU VAT with prefix, GSTIN) wins over national
    numbers that need a country hint; checksums gate everything."""
    found: list[tuple[tuple[int, int, int], Field]] = []
    order = 0
    for lay in lays:
        for row in lay.rows:
            labelled = bool(_TAX_LABEL.search(row.text))
            ws = row.words
            for s in range(len(ws)):
                for n in (5, 4, 3, 2, 1):
                    if s + n > len(ws):
                        continue
                    t = " ".join(w.text for w in ws[s:s + n]).strip(":;,")
                    if not re.match(r"^[A-Z0-9]", t) or len(t) < 6:
                        continue
                    got = None
                    for hint in dict.fromkeys([country, None]):
                        got = normalize_tax_id(t, hint)
                        if got:
                            break
                    if not got or (not labelled and got[1] in ("my_sst", "ein", "siren")):
                        continue
                    if got[1] == "my_sst" and not re.search(r"(?i)gst|sst", row.text):
                        continue
                    b = union([w.bbox for w in ws[s:s + n]])
                    order += 1
                    found.append(((0 if labelled else 1, _TAX_RANK.get(got[1], 2), order),
                                  Field(t, got[0], 0.9 if labelled else 0.6, lay.number, b,
                                        "regex")))
                    break
    return min(found, key=lambda x: x[0])[1] if found else None


_IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b")


def _iban(lays: list[PageLayout]) -> Field | None:
    for lay in lays:
        for row in lay.rows:
            for m in _IBAN_RE.finditer(row.text):
                norm = normalize_iban(m.group(0))
                if not norm:
                    continue
                toks = m.group(0).split()
                ws = [w for w in row.words if w.text.strip(":") in toks]
                b = union([w.bbox for w in ws]) if ws else row.bbox
                return Field(m.group(0), norm, 0.97, lay.number, b, "regex")
    return None


# "Net 30", never an amount's digits ("Total HT net 446,88")
_TERMS = re.compile(r"(?i)\b(net\s*\d{1,3}(?![.,]?\d)(\s*days)?|\d{1,3}\s*days\s*net|due\s+on\s+receipt|"
                    r"payable\s+within\s+\d{1,3}\s+days|cash\s+on\s+delivery|"
                    r"zahlbar\s+innerhalb\s+\d+\s+tagen|\d+\s+jours)\b")


def _terms(lays: list[PageLayout]) -> Field | None:
    for lay in lays:
        for row in lay.rows:
            m = _TERMS.search(row.text)
            if m:
                toks = m.group(0).split()
                ws = [w for w in row.words if w.text in toks]
                b = union([w.bbox for w in ws]) if ws else row.bbox
                return Field(m.group(0), m.group(0), 0.75, lay.number, b, "regex")
    return None


def _customer_field(lays: list[PageLayout], fields: dict[str, Field], doc_type: str
                    ) -> Field | None:
    """The learned customer ranker's pick (`customer.py`); the label rule below only
    when no ranker model is shipped. A till receipt names no billed party: whatever the
    ranker would pick there (an item, a heading) is a false positive."""
    if doc_type in NO_CUSTOMER_TYPES:
        return None
    vendor = fields.get("vendor_name")
    got = customer_ranker.pick(lays, str(vendor.normalized) if vendor else None)
    return _customer(lays) if got is False else got


def _customer(lays: list[PageLayout]) -> Field | None:
    for lay in lays:
        for k, row in enumerate(lay.rows):
            for seg in row.segments:
                t = seg.text
                m = re.match(r"(?i)\s*(bill(ed)?\s*to|sold\s*to|invoice\s*to|customer(\s*name)?|"
                             r"client|kunde|rechnungsempf\w*|factur\w*\s*[aà])\s*[:\-]?\s*(.*)$",
                             t)
                if not m:
                    continue
                rest = m.group(m.lastindex or 1).strip() if m.lastindex else ""
                rest = (m.groups()[-1] or "").strip()
                if len(rest) >= 3 and re.search(r"[A-Za-z]{2}", rest):
                    ws = seg.words[len(seg.words) - len(rest.split()):]
                    return Field(rest, rest, 0.6, lay.number, union([w.bbox for w in ws]),
                                 "layout-kv")
                for nxt in lay.rows[k + 1:k + 3]:
                    s2 = _overlapping_segment(nxt, seg.bbox[0], max(seg.bbox[2],
                                              seg.bbox[0] + 60), lay.page.width)
                    if s2 is not None and re.search(r"[A-Za-z]{2}", s2.text):
                        return Field(s2.text, s2.text, 0.6, lay.number, s2.bbox, "layout-kv")
    return None


_ITEM_HEAD = re.compile(r"(?i)\b(description|item|items|qty|quantity|product|article|"
                        r"beschreibung|d[ée]signation|menge)\b")
_ENDS = re.compile(r"(?i)\b(sub\s*-?\s*total|total|tax|gst|vat|mwst|tva|amount due|net)\b")


def _row_tokens(row: Row) -> list[str]:
    """A row's words, a number whose thousands a space groups ("1 234,50") as one (the
    learned extractor's token walk, texts only)."""
    return [t.text for t in learned_line_items.row_tokens(row, None)]


def _line_items(lays: list[PageLayout], decimal_mark: str | None = None) -> Field | None:
    """Rows between an item header and the totals with a description and amounts; a row
    whose qty x unit price equals its amount is trusted more."""
    items, boxes, page, checks = [], [], None, 0
    for lay in lays:
        in_table = False
        for row in lay.rows:
            if not in_table:
                if _ITEM_HEAD.search(row.text) and len(row.segments) >= 2:
                    in_table = True
                continue
            if _ENDS.search(row.text) and items:
                in_table = False
                break
            nums = []
            desc_words = []
            for text in _row_tokens(row):
                bare = CURRENCY_MARK.sub("", text) if " " in text else text
                m = normalize_money(text, decimal_mark) \
                    if re.fullmatch(r"[\d.,()\- ]+", bare) else None
                if m is not None and re.search(r"\d", text):
                    nums.append((text, m))
                elif not nums:
                    desc_words.append(text)
            if not nums or not desc_words or not re.search(r"[A-Za-z]{2}", " ".join(desc_words)):
                continue
            amount = nums[-1][1]
            qty = unit = None
            if len(nums) >= 3:
                qty, unit = nums[-3][1], nums[-2][1]
            elif len(nums) == 2:
                qty = nums[0][1]
            it = {"description": " ".join(desc_words), "amount": amount}
            if qty is not None:
                it["quantity"] = plain_decimal(qty)
            if unit is not None:
                it["unit_price"] = unit
                if abs(Decimal(qty) * Decimal(unit) - Decimal(amount)) <= Decimal("0.02"):
                    checks += 1
            items.append(it)
            boxes.append(row.bbox)
            page = page or lay.number
    if not items:
        return None
    conf = 0.45 + 0.35 * checks / len(items)
    return Field(items, items, conf, page, union(boxes), "table")


# --------------------------------------------------------------------------------------
# cross-field checks
# --------------------------------------------------------------------------------------


def _d(x: object) -> Decimal:
    return Decimal(str(x))


def _arithmetic(fields: dict[str, Field], ranked: dict[str, list[tuple[float, Candidate]]],
                vat: vat_table.VatTable | None = None, tip: Decimal | None = None
                ) -> list[Field]:
    """subtotal + tax = total (+ the tip a check prints, `printed_tip`); sum(lines) =
    subtotal; due >= issued. Search the top candidates for a consistent set; cap what
    stays inconsistent. One row of a VAT table of several rates adds up too (net + tax =
    gross of that rate alone): never the set. Returns the fields of a set that adds up
    (their digits checked against each other)."""
    tol = SUM_TOLERANCE
    items = _item_rows(fields.get("line_items"))
    for name in ("subtotal", "tax_amount"):
        f = fields.get(name)
        if f is not None and _item_cell(f.page, f.bbox, f.normalized, items):
            del fields[name]
    sub, tax, tot = ([(p, c) for p, c in ranked.get(k, [])[:4] if k == "total_amount"
                      or not _item_cell(c.page, c.bbox, c.normalized, items)]
                     for k in ("subtotal", "tax_amount", "total_amount"))
    # gross = net due + commission adds up too, but deducts: a commission is never the tax
    tax = [(p, t) for p, t in tax if label_score(t.label_text, DEDUCTION_LABELS) < LABEL_HIT]
    best = None
    for (ps, s), (pt, t), (pT, T) in product(sub, tax, tot):
        if len({s.bbox, t.bbox, T.bbox}) < 3:
            continue
        if vat is not None and len(vat.rows) > 1 and vat.is_cell(t.page, t.bbox):
            continue
        if abs(_d(t.normalized)) > abs(_d(s.normalized)):
            continue  # a tax larger than what it is levied on: the two are swapped
        if _adds_up(_d(s.normalized), _d(t.normalized), _d(T.normalized), tip) and \
                _d(t.normalized) != 0 and _d(T.normalized) > 0:
            score = ps + pt + pT
            if best is None or score > best[0]:
                best = (score, (ps, s), (pt, t), (pT, T))
    checked: list[Field] = []
    if best is not None and best[0] > 0.9:
        for name, (p, c) in zip(("subtotal", "tax_amount", "total_amount"), best[1:],
                                strict=True):
            src = "amount-near-total" if name == "total_amount" else "layout-kv"
            fields[name] = Field(c.value, c.normalized, min(0.98, max(p, 0.5) + 0.2), c.page,
                                 c.bbox, src)
            checked.append(fields[name])
    else:
        _sums_hold(fields, tip)
    if "subtotal" in fields and "total_amount" in fields and "tax_amount" not in fields:
        if _d(fields["subtotal"].normalized) > _d(fields["total_amount"].normalized):
            fields["subtotal"].contradict()
    li = fields.get("line_items")
    if li is not None:
        try:
            total_lines = sum(_d(i["amount"]) for i in li.normalized)
        except Exception:
            total_lines = None
        if total_lines is not None and ("subtotal" in fields or "total_amount" in fields):
            closes = _items_close(fields, total_lines, tol)
            if closes is not None:
                if li.source != learned_line_items.SOURCE:
                    # the rule's list has no calibrated number: the check is its evidence
                    # (the learned list's map already saw rows that add up)
                    li.confidence = min(0.95, li.confidence + 0.2)
                closes.confidence = min(0.98, closes.confidence + 0.1)
            else:
                li.contradict()
    if "due_date" in fields and "invoice_date" in fields:
        if fields["due_date"].normalized < fields["invoice_date"].normalized:
            fields["due_date"].contradict()
    return checked


# an item row the line-item model is at least this sure of holds no subtotal or tax
ITEM_ROW_CONF = 0.5


@dataclass(frozen=True, slots=True)
class ItemRow:
    """Where a line item is printed and the amounts it prints there."""

    page: int
    bbox: BBox
    amounts: frozenset[Decimal]


def _item_rows(li: Field | None) -> list[ItemRow]:
    """The line items reported with `ITEM_ROW_CONF` or more."""
    if li is None or not isinstance(li.normalized, list):
        return []
    out = []
    for i in li.normalized:
        if not (isinstance(i, dict) and i.get("bbox") and i.get("page") is not None
                and float(i.get("confidence", li.confidence)) >= ITEM_ROW_CONF):
            continue
        amounts = frozenset(v for k in ("amount", "unit_price") if (v := decimal_or_none(i.get(k))))
        out.append(ItemRow(int(i["page"]), tuple(i["bbox"]), amounts))
    return out


def _item_cell(page: int | None, bbox: BBox | None, value: object,
               rows: list[ItemRow]) -> bool:
    """Whether an amount is one a line item prints, where it prints it (an item's amount
    cell is not the subtotal or the tax: two items of a tax-free invoice add up to its
    total too). The value must match: on a tilted picture an item row's box reaches into
    the next row, the subtotal's."""
    v = decimal_or_none(value)
    return v is not None and any(r.page == page and v in r.amounts and centre_inside(bbox, r.bbox)
                                 for r in rows)


def _adds_up(sub: Decimal, tax: Decimal, total: Decimal, tip: Decimal | None) -> bool:
    """subtotal + tax = total, or with the tip a check prints between them."""
    return abs(sub + tax - total) <= SUM_TOLERANCE or \
        (tip is not None and abs(sub + tax + tip - total) <= SUM_TOLERANCE)


def printed_tip(money: list[Candidate]) -> Decimal | None:
    """The tip a check prints as its own line ("Tip  $3.00", "Gratuity 12.00"; a suggested
    tip's row gives no candidate, `candidates.tip_rows`): the total includes it."""
    tips = {v for c in money if norm_label(c.label_text) in TIP_WORDS
            and (v := decimal_or_none(c.normalized)) is not None and v > 0}
    return next(iter(tips)) if len(tips) == 1 else None


def _sums_hold(fields: dict[str, Field], tip: Decimal | None = None) -> None:
    """A subtotal and tax that do not add up to the total are doubted (a VAT table's tax,
    checked by its own rows, is not). `_arithmetic` asks when no set of candidates closes,
    and `extract_invoice` again at the end: later steps may replace the total (the till's
    own arithmetic, the receipt ranker, a vendor's hints). (Seen on a till receipt: change +
    the pre-rounding total closed on the cash tendered and was taken for subtotal + tax at
    0.99; the ranker then put the right total in, and the two stayed at 0.99 beside it.)"""
    if not {"subtotal", "tax_amount", "total_amount"} <= fields.keys():
        return
    s, t, total = (_d(fields[k].normalized) for k in ("subtotal", "tax_amount", "total_amount"))
    if not _adds_up(s, t, total, tip):
        for name in ("subtotal", "tax_amount"):
            if fields[name].source not in SELF_CHECKED_SOURCES:
                fields[name].contradict()


def _items_close(fields: dict[str, Field], total_lines: Decimal, tol: Decimal
                 ) -> Field | None:
    """The amount field the line amounts add up to, None when they add up to none: the
    subtotal, the total (prices with tax included, a receipt's usual lines) or the total
    less the tax (no subtotal printed). Only a list that closes on none is contradicted."""
    sub, tax, tot = (fields.get(k) for k in ("subtotal", "tax_amount", "total_amount"))
    if sub is not None and abs(total_lines - _d(sub.normalized)) <= tol:
        return sub
    if tot is not None and abs(total_lines - _d(tot.normalized)) <= tol:
        return tot
    if tot is not None and tax is not None and \
            abs(total_lines + _d(tax.normalized) - _d(tot.normalized)) <= tol:
        return tot
    return None


_CASH = re.compile(r"(?i)\b(cash|tender\w*|paid|received|credit|visa|master\w*|card|payment|"
                   r"accepted)\b")
_CHANGE = re.compile(r"(?i)\b(change|chang|balance|charge)\b")
_ROUND = re.compile(r"(?i)\bround\w*\s*(adj|adjust\w*)?")


def _receipt_total(fields: dict[str, Field], ranked: dict[str, list[tuple[float, Candidate]]]
                   ) -> None:
    """The till's own arithmetic names the total: tendered - change = total, and the
    amount under a rounding adjustment = the amount above it +/- the adjustment. A
    candidate that closes either sum wins over one that only has the better label."""
    cands = ranked.get("total_amount", [])
    if not cands:
        return
    cur = fields.get("total_amount")
    if cur is not None and _d(cur.normalized) <= 0:
        # a receipt's total is never negative or zero: take the best positive candidate
        pos = [(p, c) for p, c in cands if _d(c.normalized) > 0]
        if pos:
            p, c = pos[0]
            fields["total_amount"] = Field(c.value, c.normalized, min(p, 0.6), c.page, c.bbox,
                                           "amount-near-total")
    rows = [(c, str(c.feats.get("_row", ""))) for _, c in cands]
    cash = [c for c, t in rows if _CASH.search(t) and not _CHANGE.search(t)]
    change = [c for c, t in rows if _CHANGE.search(t)]
    adj = [c for c, t in rows if _ROUND.search(t) and 0 < abs(_d(c.normalized)) < 1]
    tol = Decimal("0.005")

    def closes(T: Candidate) -> bool:
        t = _d(T.normalized)
        if t <= 0 or _CASH.search(str(T.feats.get("_row", ""))) or T in change:
            return False
        for a in cash:
            for ch in change:
                if T.row < a.row < ch.row <= a.row + 3 and a.row - T.row <= 6 and \
                        _d(ch.normalized) >= 0 and a.page == T.page == ch.page and \
                        abs(_d(a.normalized) - _d(ch.normalized) - t) <= tol:
                    return True
        for r in adj:
            if not (r.row < T.row <= r.row + 2) or r.page != T.page:
                continue
            for _, A in cands:
                if r.row - 3 <= A.row < r.row and A.page == r.page and (
                        abs(_d(A.normalized) + _d(r.normalized) - t) <= tol or
                        abs(_d(A.normalized) - abs(_d(r.normalized)) - t) <= tol):
                    return True
        return False

    for p, c in cands[:8]:
        if closes(c):
            cur = fields.get("total_amount")
            if cur is not None and cur.normalized == c.normalized:
                cur.confidence = max(cur.confidence, min(0.97, p + 0.2))
                return
            fields["total_amount"] = Field(c.value, c.normalized, max(0.6, min(0.95, p + 0.3)),
                                           c.page, c.bbox, "amount-near-total")
            return


# The confidence of a tax a VAT table prints (kept by the final maps,
# `calibrate.UNMAPPED_SOURCES`): right 96 % of the time on generated German till receipts
# (`python -m training.regional_eval`), scaled by OCR's word confidence on scans.
VAT_TABLE_CONF = 0.9


def _vat_table_tax(table: vat_table.VatTable | None, fields: dict[str, Field],
                   cands: dict[str, list[Candidate]],
                   ranked: dict[str, list[tuple[float, Candidate]]]) -> None:
    """The tax a VAT breakdown table (`vat_table`) adds up to, where the page prints it,
    over the earlier picks; a pick that is another cell of the table is dropped. A lone
    row speaks for the whole tax only when its gross is a likely total (a misread second
    row would otherwise leave one rate's tax standing for all)."""
    if table is None:
        return
    total = table.tax
    printed = [c for c in cands.get("money", []) if _d(c.normalized) == total]
    outside = [c for c in printed if not table.is_cell(c.page, c.bbox)]
    after = [c for c in outside if (c.page, c.row) > table.last_row]
    totals = {_d(c.normalized) for _, c in ranked.get("total_amount", [])[:3]}
    whole = not totals or any(abs(table.gross - t) <= Decimal("0.02") for t in totals)
    single = [c for c in printed if len(table.rows) == 1 and whole]
    pick = (after or outside or single or [None])[0]
    if pick is not None:
        fields["tax_amount"] = Field(pick.value, pick.normalized, VAT_TABLE_CONF, pick.page,
                                     pick.bbox, "vat-table")
        return
    cur = fields.get("tax_amount")
    if cur is not None and table.is_cell(cur.page, cur.bbox) and \
            (len(table.rows) > 1 or _d(cur.normalized) != total):
        del fields["tax_amount"]


def _currency(lays: list[PageLayout], fields: dict[str, Field], country: str | None
              ) -> Field | None:
    tot = fields.get("total_amount")
    order: list[tuple[PageLayout, Row, float]] = []
    for lay in lays:
        for row in lay.rows:
            near = tot is not None and lay.number == tot.page and tot.bbox is not None and \
                row.bbox[1] <= tot.bbox[3] and row.bbox[3] >= tot.bbox[1]
            order.append((lay, row, 0.9 if near else 0.7))
    order.sort(key=lambda x: -x[2])
    for lay, row, conf in order:
        code = detect_currency(row.text, country)
        if code:
            tok = next((w for w in row.words if detect_currency(w.text, country) == code), None)
            return Field(tok.text if tok else code, code, conf, lay.number,
                         tok.bbox if tok else row.bbox, "regex")
    # no mark anywhere (OCR lost the rupee sign): the currency of the country the
    # document names, with the modest confidence a guess deserves
    code = _COUNTRY_CURRENCY.get(country or "")
    if code and tot is not None:
        return Field(code, code, 0.5, tot.page, tot.bbox, "country")
    return None


_COUNTRY_CURRENCY = {"MY": "MYR", "IN": "INR", "SG": "SGD", "FR": "EUR", "DE": "EUR",
                     "PL": "PLN", "US": "USD"}


# "Annstad, PA 52683": a US postal address line (a state's two letters, a five-digit
# ZIP) names the country where no currency mark does
_US_STATE_ZIP = r",\s*(?:" + US_STATES + r")\s+\d{5}(?:-\d{4})?\b"

# What a page says that names its country, asked in this order (the first that matches
# wins). German-language invoice words and register entries say DE: Swiss pages name CHF,
# a mark, which is read before any country is asked.
COUNTRY_EVIDENCE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("MY", re.compile(r"\b(SDN\.?\s*BHD|MALAYSIA|SELANGOR|JOHOR|KUALA LUMPUR)\b|\bRM\s?\d",
                      re.I)),
    ("IN", re.compile(r"\bGSTIN\b|₹|\bRs\.?\s?\d|\bINDIA\b", re.I)),
    ("SG", re.compile(r"\bSINGAPORE\b|\bPTE\.?\s*LTD\b|S\$", re.I)),
    ("FR", re.compile(r"\b(SIRET|SIREN|TTC|TVA)\b")),
    ("DE", re.compile(r"\b(GmbH|MwSt|USt|Rechnungsbetrag|Rechnungsnummer|HRB|Steuernummer)\b")),
    ("PL", re.compile(r"\bNIP\b|\bPLN\b|zł")),
    ("US", re.compile(r"\bEIN\b|\bUSA\b|\bUnited States\b|" + _US_STATE_ZIP)),
)


def _country(text: str) -> str | None:
    """The country the page names (`COUNTRY_EVIDENCE`), or None."""
    return next((code for code, rx in COUNTRY_EVIDENCE if rx.search(text)), None)


# On OCR'd pages a long text value is rarely read character-exactly even when the right
# line was chosen; the models were calibrated on clean generated text, so OCR'd text
# fields are bounded by how often such lines are read exactly (the tables below). These
# flat caps stand only where neither table speaks: RapidOCR's lines read once (the
# second reading turned off).
_OCR_TEXT_CAP = {"vendor_name": 0.75, "vendor_address": 0.55, "customer_name": 0.5}

# Where tesseract alone read an OCR'd name or address, how often a line is read exactly,
# by the lowest word confidence tesseract gave in it: (lowest confidence from, exact
# rate), measured on the 2191 TRAIN SROIE line transcripts tesseract's lines pair with
# (`benchmarks/ocr_second_reading.py --engine tesseract --corpus ../shared/train/sroie`).
# Thermal receipts are hard pages, so on a clean scan this bound errs low.
TESSERACT_LINE_EXACT = ((0.0, 0.130), (0.5, 0.300), (0.7, 0.466), (0.8, 0.546),
                        (0.85, 0.751), (0.9, 0.892), (0.95, 0.946))


# Where two recognisers read every line of an OCR'd name or address
# (ingest/ocr/second_reading.py), how often a line is read exactly, by how many
# characters the two disagreed on in it (0, 1, 2, 3 or more): measured on the 6630
# TRAIN SROIE line transcripts the recognisers' lines pair with
# (`benchmarks/ocr_second_reading.py --corpus ../shared/train/sroie`, "exact by
# disputes"). The value's confidence is at most the product over its lines.
LINE_EXACT_BY_DISPUTES = (0.929, 0.642, 0.469, 0.329)


def _read_agreement(words: list[Word]) -> float | None:
    """Chance that every line of these OCR'd words is read exactly, from the two
    recognisers' agreement; None when a line was read by one recogniser only."""
    per_line: dict[int, int] = {}
    for w in words:
        if w.read_disputes is None:
            return None
        per_line[w.line] = max(per_line.get(w.line, 0), w.read_disputes)
    if not per_line:
        return None
    top = len(LINE_EXACT_BY_DISPUTES) - 1
    return float(np.prod([LINE_EXACT_BY_DISPUTES[min(d, top)] for d in per_line.values()]))


def _tesseract_exact(words: list[Word]) -> float | None:
    """Chance that every line of these words, read by tesseract, is read exactly, from
    the lowest word confidence in each line (`TESSERACT_LINE_EXACT`); None for no words."""
    lowest: dict[int, float] = {}
    for w in words:
        lowest[w.line] = min(lowest.get(w.line, 1.0), w.conf)
    if not lowest:
        return None
    return float(np.prod([next(rate for edge, rate in reversed(TESSERACT_LINE_EXACT)
                                if c >= edge) for c in lowest.values()]))


def _ocr_discount(lays: list[PageLayout], fields: dict[str, Field],
                  checked: Sequence[Field] = ()) -> None:
    """Scale confidences by the OCR engine's own word confidences under the field's box;
    bound OCR'd names and addresses by how well the recognisers agreed on them. Amounts
    in `checked` keep theirs: subtotal + tax = total held to the cent, which says more
    about their digits than the engine's word confidence (tesseract gives 0 to words it
    boxed oddly, read right)."""
    by_page = {lay.number: lay for lay in lays}
    for name, f in fields.items():
        lay = by_page.get(f.page or 0)
        if lay is None or not lay.page.ocr or f.bbox is None or f.source == "ranker" or \
                any(f is c for c in checked):
            continue  # a ranker's confidence was calibrated on OCR'd receipts already
        b = f.bbox
        # words of the field itself: inside it horizontally and mostly inside vertically
        # (a sliver of logo debris grazing the box is not part of the value)
        inside = [w for w in lay.page.words
                  if w.bbox[0] >= b[0] - 1 and w.bbox[2] <= b[2] + 1 and
                  min(w.bbox[3], b[3]) - max(w.bbox[1], b[1]) >=
                  0.5 * max(1e-6, w.bbox[3] - w.bbox[1])]
        agreement = None
        if name in _OCR_TEXT_CAP:
            agreement = _read_agreement(inside)
            if agreement is None and lay.page.ocr_engine == "tesseract":
                agreement = _tesseract_exact(inside)
        if agreement is not None:
            # how often such lines are read exactly already weighs the recognisers' doubt:
            # the word confidences would count it twice
            f.confidence = min(f.confidence, agreement)
            continue
        if inside:
            f.confidence *= max(0.0, min(1.0, min(w.conf for w in inside))) ** 2
        if name in _OCR_TEXT_CAP:
            f.confidence = min(f.confidence, _OCR_TEXT_CAP[name])


def _tidy_text_fields(lays: list[PageLayout], fields: dict[str, Field]) -> None:
    """Re-space name and address the way a person writes them (see `spacing`): OCR'd
    pages get dropped spaces restored, every page gets consistent punctuation spacing."""
    by_page = {lay.number: lay for lay in lays}
    for name in ("vendor_name", "vendor_address"):
        f = fields.get(name)
        if f is None:
            continue
        lay = by_page.get(f.page or 0)
        glued = bool(lay is not None and lay.page.ocr)
        text = respace(str(f.normalized), glued=glued)
        f.normalized = fix_ocr_words(text) if glued else text


def _strip_name(text: str) -> str:
    """A vendor line without seller label, trailing registration number, department or
    line-ending full stop."""
    stripped = _name_full_stop(_DEPARTMENT.sub("", TRAILING_REG.sub(
        "", _SELLER.sub("", text))).strip(" ,;:"))
    sm = list(COMPANY_SUFFIX.finditer(stripped))
    if sm and _AFTER_LEGAL_NAME.match(stripped[sm[-1].end():]):
        # "... SDN BHD (1234", "... S/B 273500-U (KSB)": the registration number and
        # what follows it are not part of the name
        stripped = stripped[:sm[-1].end()]
    return stripped


_AFTER_LEGAL_NAME = re.compile(r"\s*(?:\(|[A-Z]{0,3}\d{4,})")


def render_name(text: str, ocr: bool) -> str:
    """A header line (or two) written the way the pipeline reports a vendor name."""
    stripped = _strip_name(text)
    if not stripped or not re.search(r"[A-Za-z]{2}", stripped):
        stripped = text.strip()
    if ocr:
        stripped = _fix_legal_suffix(_ocr_letters(stripped))
    out = respace(stripped, glued=ocr)
    return fix_ocr_words(out) if ocr else out


def render_address(lines: list[str], punct: bool, ocr: bool, doc_type: str = "receipt",
                   comma_join: bool = False) -> str:
    """Address lines joined the way the pipeline reports an address; `punct` turns a full
    stop between parts into a comma (`address_punctuation`), `comma_join` separates lines
    that end without punctuation by a comma (a thermal head often loses a line's comma)."""
    text = ""
    for ln in (_line_letters(ln) for ln in lines):
        if not ln:
            continue
        sep = " " if (not text or (doc_type == "receipt" and not comma_join)
                      or text.endswith((",", ".", ";"))) else ", "
        text = f"{text}{sep}{ln}" if text else ln
    return _render_joined(text, punct, ocr)


@lru_cache(maxsize=4096)
def _line_letters(line: str) -> str:
    """One address line stripped, with OCR's letter slips undone (memoised: the receipt
    ranker renders every header row in dozens of candidate blocks)."""
    return _ocr_letters(line.strip())


@lru_cache(maxsize=4096)
def _render_joined(text: str, punct: bool, ocr: bool) -> str:
    """The joined address lines cleaned (memoised: blocks joined with and without line-end
    commas are often the same text)."""
    text = address_digits(text)
    if punct:
        text = address_punctuation(text)
    out = respace(text, glued=ocr)
    return fix_ocr_words(out) if ocr else out


@dataclass(slots=True)
class ReceiptCandidates:
    """Every learned receipt field's candidates for one document."""

    by_field: dict[str, list[receipt_ranker.RCand]]
    ocr: bool


def receipt_candidates(doc: IngestedDocument, rule: dict[str, Any],
                       line_probs: list[float] | None = None) -> ReceiptCandidates:
    """Candidates of the learned receipt fields (shared by runtime and training); `rule`
    holds the rules' values (`extract_invoice(..., learned=False)`), which each candidate
    carries as one feature: whether it agrees with them. `line_probs`: the address-line
    probabilities of the first page's `receipt_ranker.address_rows` (the trainer's out of
    fold ones; see `receipt_first_layout`)."""
    lays = [build_rows(p) for p in doc.pages if p.words]
    if not lays:
        return ReceiptCandidates({}, False)
    texts = [lay.page.text or " ".join(w.text for w in lay.page.words) for lay in lays]
    cands = generate(lays, infer_day_first(texts), infer_decimal_mark(texts))
    cands["name"] = header_candidates(lays[0])
    return _receipt_candidates(lays, cands, rule, line_probs)


def receipt_first_layout(doc: IngestedDocument) -> PageLayout | None:
    """The layout the receipt header candidates are taken from (first page with words)."""
    return next((build_rows(p) for p in doc.pages if p.words), None)


def receipt_line_probs(lay: PageLayout, lines: receipt_lines.LineModel | None
                       ) -> list[float] | None:
    """The shipped line classifier's address-line probabilities of `lay`'s header rows."""
    if lines is None:
        return None
    # receipts only: see `_apply_receipt_model`
    from extractors.invoice import receipt_lines, receipt_ranker

    rows, texts = receipt_ranker.address_rows(lay)
    return lines.probabilities(receipt_lines.row_features(lay, rows, texts))


def _receipt_candidates(lays: list[PageLayout], cands: dict[str, list[Candidate]],
                        rule: dict[str, Any], line_probs: list[float] | None = None
                        ) -> ReceiptCandidates:
    """`cands`: the document's `generate` candidates (with its own day order and decimal
    mark) and its header candidates under "name", as `_score_fields` made them."""
    from extractors.invoice import receipt_ranker  # receipts only: see `_apply_receipt_model`

    rc = _receipt_candidates_raw(lays, cands, line_probs)
    for name, cands in rc.by_field.items():
        if name not in receipt_ranker.RULE_FEATURE_FIELDS:
            continue
        want = rule.get(name)
        for c in cands:
            c.feats["rule_same"] = float(receipt_ranker.same(name, want, c.normalized))
    return rc


def _receipt_candidates_raw(lays: list[PageLayout], cands: dict[str, list[Candidate]],
                            line_probs: list[float] | None = None) -> ReceiptCandidates:
    from extractors.invoice import receipt_ranker  # receipts only: see `_apply_receipt_model`

    ocr = bool(lays[0].page.ocr)
    header = cands["name"]
    first = lays[0]

    def evidence(text: str, nxt: str) -> int:
        return _company_evidence(text, nxt)

    return ReceiptCandidates({
        "total_amount": receipt_ranker.amount_cands(cands["money"]),
        "invoice_date": receipt_ranker.date_cands(cands["date"]),
        "vendor_name": receipt_ranker.name_cands(first, header, lambda t: render_name(t, ocr),
                                                 _not_a_name, evidence),
        "vendor_address": receipt_ranker.address_cands(
            first, lambda lines, punct, comma: render_address(lines, punct, ocr,
                                                              comma_join=comma),
            line_probs),
    }, ocr)


def _reported(fields: dict[str, Field]) -> dict[str, Field]:
    """The fields `extract_invoice` reports: scored ones above their floor, the address
    only beside a name."""
    out = {k: v for k, v in fields.items()
           if v.source in ("vendor-hint", "ranker", "till-sums") or k not in SCORED_FIELDS
           or v.confidence >= REPORT_MIN_FIELD.get(k, REPORT_MIN)}
    if "vendor_name" not in out:
        out.pop("vendor_address", None)
    return out


def _apply_receipt_model(lays: list[PageLayout], cands: dict[str, list[Candidate]],
                         fields: dict[str, Field], vat: vat_table.VatTable | None) -> set[str]:
    """Replace the learned receipt fields by the shipped model's picks; returns the names
    it set (their confidence is already calibrated on out-of-fold receipts).

    The receipt modules (ranker, line classifier, till sums) are imported by the functions
    of the receipt path that use them, not at the top: an invoice never reaches them
    (~20 ms of a one-file `backoffice process` where Python compiles from source)."""
    from extractors.invoice import receipt_ranker

    model = receipt_ranker.load()
    if model is None:
        return set()
    rule = {k: v.normalized for k, v in _reported(fields).items()}
    rc = _receipt_candidates(lays, cands, rule, receipt_line_probs(lays[0], model.lines))
    done = set()
    for name in receipt_ranker.RANKED_FIELDS:
        if name not in model.fields:
            continue
        choice = model.choose(name, rc.by_field.get(name, []))
        if choice is None:
            fields.pop(name, None)
            continue
        c = choice.cand
        fields[name] = Field(c.value, c.normalized, choice.confidence, c.page, c.bbox, "ranker")
        if name == "total_amount":
            _till_check(fields, cands.get("money", []), vat)
        done.add(name)
    return done


def _till_check(fields: dict[str, Field], money: list[Candidate],
                vat: vat_table.VatTable | None) -> None:
    """The receipt's own sums (payment rows, VAT table: `till.check_total`) over the
    learned total: a printed amount they name replaces it; agreeing sums that contradict
    it, or its suggested tip's row ("22% = $65.94"), cap it."""
    from extractors.invoice import till  # receipts only: see `_apply_receipt_model`

    pick = fields["total_amount"]
    got = till.check_total(_d(pick.normalized), money, vat,
                           (pick.page, pick.bbox) if pick.bbox is not None else None)
    if got.verdict is till.Verdict.PRINTED and got.printed is not None:
        c = got.printed
        fields["total_amount"] = Field(c.value, c.normalized, pick.confidence, c.page, c.bbox,
                                       "till-sums")
    elif got.verdict is till.Verdict.CONTRADICTED:
        pick.contradict()


def extract_invoice(doc: IngestedDocument, doc_type: str = "invoice",
                    hints: VendorHints | None = None, calibrate: bool = True,
                    learned: bool = True) -> dict[str, Field]:
    """Every CONTRACT invoice/receipt field found in `doc` (absent when not found).
    `calibrate=False` returns the pipeline's raw confidences (to fit `calibrate.py`);
    `learned=False` keeps the rules' receipt fields (the baseline the receipt model is
    compared with in `training.receipt_fields`)."""
    lays = [build_rows(p) for p in doc.pages if p.words]
    if not lays:
        return {}
    texts = [lay.page.text or " ".join(w.text for w in lay.page.words) for lay in lays]
    day_first = infer_day_first(texts)
    decimal_mark = infer_decimal_mark(texts)
    country = _country("\n".join(texts))
    fields, ranked, cands = _score_fields(lays, day_first, decimal_mark)
    vat = vat_table.find(lays, decimal_mark)
    _prefer_legal_name(lays, fields, ranked)
    _prefer_register_name(lays, fields)
    if "vendor_name" in fields:
        vn = fields["vendor_name"]
        stripped = _strip_name(str(vn.value))
        if stripped and stripped != vn.value and re.search(r"[A-Za-z]{2}", stripped):
            vn.value = vn.normalized = stripped
        if lays[0].page.ocr:
            vn.normalized = _fix_legal_suffix(_ocr_letters(str(vn.normalized)))
        addr, fields["vendor_name"] = _vendor_block(lays, fields["vendor_name"], doc_type)
        if addr is not None:
            fields["vendor_address"] = addr
    _tidy_text_fields(lays, fields)
    for name, fn in (("vendor_tax_id", lambda: _tax_id(lays, country)),
                     ("iban", lambda: _iban(lays)), ("payment_terms", lambda: _terms(lays)),
                     ("customer_name", lambda: _customer_field(lays, fields, doc_type)),
                     ("line_items", lambda: learned_line_items.extract(lays, decimal_mark)
                      if learned_line_items.available() else _line_items(lays, decimal_mark))):
        f = fn()
        if f is not None:
            fields[name] = f
    cur = _currency(lays, fields, country)
    if cur is not None:
        fields["currency"] = cur
    tip = printed_tip(cands.get("money", []))
    checked = _arithmetic(fields, ranked, vat, tip)
    _vat_table_tax(vat, fields, cands, ranked)
    _receipt_total(fields, ranked)
    _ocr_discount(lays, fields, checked)
    if learned and doc_type == "receipt":
        _apply_receipt_model(lays, cands, fields, vat)
    if hints is not None:
        fields.update(hints.apply(lays, fields, day_first))
    _sums_hold(fields, tip)
    out = _reported(fields)
    if calibrate:
        final_calibration.apply(out)
    return out
