"""Which engine reads a page.

"auto" runs tesseract first (fast, good on clean scans) and asks rapidocr for a
second opinion only where tesseract is likely weak: a low mean word confidence, a
narrow photo-like page (till receipts), amounts whose cents it lost (a typewriter
font's decimal point sits in a cell of its own, and tesseract's page segmentation may
drop what follows it: "433." for 433.10, each at 96 % confidence), or sum labels with no
amount anywhere (the amounts column dropped). The result with the
better mean confidence wins, so rapidocr's cost is paid only on hard pages. Where
RapidOCR's reading wins, a word its two recognisers disputed is spelled as the reading that
is a known word or a well-formed number (`ingest.ocr.readings`).

Languages: with the default `ocr_lang="eng"`, a page whose English reading shows German or
French words (`LANGUAGE_EVIDENCE`) is read again with those tesseract models first and
English after them ("deu+eng"), where they are installed: the English model reads "RADEL" for
"RÄDEL", and tesseract's first model decides the letters ("eng+deu" still read "Backerei" for
"Bäckerei" on generated German till pictures; "deu+eng" read the umlauts). English pages pay
nothing and read exactly as before; a missing language pack is logged once and the English
reading kept.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from functools import lru_cache

from PIL import Image

from ingest._exec import tesseract as tesseract_exec
from ingest.errors import OcrUnavailable
from ingest.ocr.base import OcrEngine, OcrResult
from ingest.ocr.punctuation import fuse_letters, fuse_punctuation
from ingest.ocr.rapidocr import RapidOcrEngine
from ingest.ocr.readings import prefer_well_formed
from ingest.ocr.tesseract import TesseractEngine
from ingest.options import IngestOptions
from ingest.types import Word

log = logging.getLogger(__name__)


def get_engine(name: str, options: IngestOptions, *, threads: int | None = None) -> OcrEngine:
    """An engine plugin by name ("tesseract" or "rapidocr")."""
    if name == "tesseract":
        return TesseractEngine(
            lang=options.ocr_lang,
            timeout_s=options.ocr_timeout_s,
            upscale_below_px=options.upscale_below_px,
        )
    if name == "rapidocr":
        return RapidOcrEngine(threads=threads, second_reading=options.ocr_second_reading)
    raise ValueError(f"unknown OCR engine {name!r}")


# an amount that ends at its decimal point ("433.", "$27.", "10,025.", "-1,503.", "(630.")
_BARE_POINT = re.compile(r"^[-(]?[$€£]?(?:\d{1,7}|\d{1,3}(?:[,.]\d{3})+)[.,]$")
DROPPED_CENTS_MIN = 2  # one such word is a date ("5. März") or a list number as often


def dropped_cents(result: OcrResult) -> bool:
    """Whether several amounts of a reading end at their decimal point."""
    return sum(bool(_BARE_POINT.match(w.text)) for w in result.words) >= DROPPED_CENTS_MIN


# Words that label a sum ("Net Amount", "Total", "Summe", "Montant TTC") in the languages
# the service reads; a line of at most SUM_LINE_WORDS other words that holds one labels a
# sum (prose that mentions "the total amount payable" runs longer, mostly).
AMOUNT_LABELS = frozenset({"amount", "total", "subtotal", "due", "summe", "betrag",
                           "gesamtbetrag", "endsumme", "gesamtsumme", "zwischensumme",
                           "rechnungsbetrag", "montant", "ttc", "ht"})
SUM_LINE_WORDS = 5
AMOUNT_LABEL_LINES_MIN = 2
_AMOUNT_WORD = re.compile(r"\d[.,]\d{2}\)?$")


def _labels_a_sum(line: list[Word]) -> bool:
    """Whether a short line holds a sum label (its amounts aside)."""
    words = [w.text.lower().strip(":") for w in line if not _AMOUNT_WORD.search(w.text)]
    return len(words) <= SUM_LINE_WORDS and any(w in AMOUNT_LABELS for w in words)


def lost_amounts(result: OcrResult) -> bool:
    """Whether tesseract's page segmentation dropped the right-aligned amounts column of a
    bill: no amount anywhere and at least two lines that label sums (a TV-station invoice
    read "Gross Amount" / "Net Amount" with nothing beside them, at 96 % confidence), or
    amounts elsewhere but a line that labels a sum with none on it or on the next line (a
    bakery receipt photo read its VAT table and lost the column that held "SUMME EUR
    8,13"; a label that stands above its amount has it on the next line)."""
    lines: dict[int, list[Word]] = {}
    for w in result.words:
        lines.setdefault(w.line, []).append(w)
    labelled = [n for n, ws in lines.items() if _labels_a_sum(ws)]
    with_amount = {n for n, ws in lines.items() if any(_AMOUNT_WORD.search(w.text) for w in ws)}
    if not with_amount:
        return len(labelled) >= AMOUNT_LABEL_LINES_MIN
    return any(not {n, n + 1} & with_amount for n in labelled)


# Words (lower case, as the English model reads them: umlauts and accents may be lost) that
# mark a page as German or French. Two distinct ones are needed: one is a name as often.
LANGUAGE_EVIDENCE: dict[str, frozenset[str]] = {
    "deu": frozenset({"summe", "zwischensumme", "mwst", "mwst.", "ust", "ust.", "rechnung",
                      "rechnungsnummer", "rechnungsdatum", "betrag", "gesamtbetrag", "netto",
                      "brutto", "kassenbon", "kassenbeleg", "rückgeld", "ruckgeld", "gegeben",
                      "steuernummer", "kunde", "kundennummer", "datum", "gmbh", "straße",
                      "strasse", "bitte", "vielen", "dank", "inkl.", "inkl", "zahlbar"}),
    "fra": frozenset({"facture", "tva", "ttc", "ht", "montant", "siret", "siren", "échéance",
                      "echeance", "règlement", "reglement", "payer", "sarl", "numéro", "numero",
                      "merci", "paiement", "à", "émission", "emission", "réglé", "acompte"}),
}
LANGUAGE_EVIDENCE_MIN = 2


def page_languages(result: OcrResult) -> list[str]:
    """The languages besides English a first (English) reading shows evidence of."""
    words = {w.text.lower().strip(":;,") for w in result.words}
    return [lang for lang, vocab in LANGUAGE_EVIDENCE.items()
            if len(words & vocab) >= LANGUAGE_EVIDENCE_MIN]


@lru_cache(maxsize=8)
def _installed(langs: tuple[str, ...]) -> tuple[str, ...]:
    """The packs of `langs` tesseract has; a missing one is logged once."""
    have = tesseract_exec.languages()
    missing = [lang for lang in langs if lang not in have]
    if missing:
        log.warning("tesseract language pack(s) %s not installed: pages in those languages "
                    "are read with the English model only (install %s)", ", ".join(missing),
                    " ".join(f"tesseract-ocr-{m}" for m in missing))
    return tuple(lang for lang in langs if lang in have)


def read_in_its_language(first: OcrResult, image: Image.Image, page_width_pt: float,
                         page_height_pt: float, options: IngestOptions) -> OcrResult:
    """`first` (tesseract, English), or a reading with the page's other languages added
    when it shows evidence of them and their packs are installed."""
    if options.ocr_lang != "eng" or not options.ocr_more_languages:
        return first
    extra = _installed(tuple(page_languages(first)))
    if not extra:
        return first
    more = replace(options, ocr_lang="+".join(extra + ("eng",)))
    return get_engine("tesseract", more).recognize(image, page_width_pt, page_height_pt)


def is_narrow(width: float, height: float, options: IngestOptions) -> bool:
    """Receipt-like: much taller than wide."""
    return width > 0 and height / width >= options.narrow_aspect


def wants_second_opinion(
    first: OcrResult,
    page_width_pt: float,
    page_height_pt: float,
    options: IngestOptions,
    *,
    photo: bool = False,
) -> bool:
    """In "auto": whether tesseract's result is doubtful enough to also run rapidocr."""
    if (first.mean_confidence < options.rapidocr_threshold or dropped_cents(first)
            or lost_amounts(first)):
        return True
    return photo and is_narrow(page_width_pt, page_height_pt, options)


def better(first: OcrResult, second: OcrResult) -> OcrResult:
    """The result with the higher mean word confidence (ties keep the first)."""
    return second if second.mean_confidence > first.mean_confidence else first


def recognize_page(
    image: Image.Image,
    page_width_pt: float,
    page_height_pt: float,
    options: IngestOptions,
    *,
    photo: bool = False,
    threads: int | None = None,
) -> OcrResult:
    """OCR one page image according to `options.ocr_engine`.

    `photo` marks pages that came from a camera/scanner image file rather than a
    PDF; together with a narrow aspect ratio it triggers the rapidocr pass in "auto".
    A page RapidOCR finds lying on its head (`OcrResult.upside_down`) is read again turned
    half a turn; that reading says so (`OcrResult.turned`), its words on the turned page.
    """
    result = _recognize(image, page_width_pt, page_height_pt, options, photo, threads)
    if not result.upside_down:
        return result
    log.info("page read upside down (%d of %d lines): read again turned half a turn",
             result.lines_flipped, result.lines_classified)
    again = _recognize(image.rotate(180), page_width_pt, page_height_pt, options, photo,
                       threads)
    return replace(again, turned=180)


def _recognize(image: Image.Image, page_width_pt: float, page_height_pt: float,
               options: IngestOptions, photo: bool, threads: int | None) -> OcrResult:
    mode = options.ocr_engine
    if mode == "rapidocr":
        only = get_engine(mode, options, threads=threads).recognize(
            image, page_width_pt, page_height_pt)
        return only if only.upside_down else _well_formed(only)
    first = get_engine("tesseract", options).recognize(image, page_width_pt, page_height_pt)
    first = read_in_its_language(first, image, page_width_pt, page_height_pt, options)
    if mode == "tesseract":
        return first
    if not wants_second_opinion(first, page_width_pt, page_height_pt, options, photo=photo):
        return first
    try:
        second = get_engine("rapidocr", options, threads=threads).recognize(
            image, page_width_pt, page_height_pt
        )
    except OcrUnavailable as exc:
        log.warning("rapidocr unavailable, keeping tesseract's result: %s", exc.message)
        return first
    if second.upside_down:  # `recognize_page` reads the page again turned
        return second
    chosen = better(first, second)
    if chosen is second and options.fuse_punctuation:
        # tesseract's reading is already paid for: lend its commas and slashes, and its
        # letters where RapidOCR doubts its own
        words, _n = fuse_letters(second.words, first.words)
        words, _n = fuse_punctuation(words, first.words)
        chosen = OcrResult(engine=second.engine, words=words)
    if chosen is first:
        return chosen
    langs = page_languages(first)
    chosen = _well_formed(chosen, bool(langs))
    return _sharp_s(chosen) if "deu" in langs else chosen


# RapidOCR's recognisers read the German sharp s as "B" or as the Greek "β" between two
# lower-case letters ("HauptstraBe", "groβe"); tesseract's German model reads it, but its
# letters are lent only where RapidOCR doubts its own
_SHARP_S = re.compile(r"(?<=[a-zäöü])[Bβ](?=[a-zäöü])")


def _sharp_s(result: OcrResult) -> OcrResult:
    """On a German page, `result` with the sharp s read back where RapidOCR misread it."""
    words = [replace(w, text=_SHARP_S.sub("ß", w.text)) if _SHARP_S.search(w.text) else w
             for w in result.words]
    return OcrResult(engine=result.engine, words=words)


def _well_formed(result: OcrResult, keep_marks: bool = False) -> OcrResult:
    """`result` with each word the recognisers disputed spelled as the reading that is a
    known word or a well-formed number (`ingest.ocr.readings`), where one is; on a German
    or French page (`keep_marks`) a letter keeps its diacritic."""
    words, n = prefer_well_formed(result.words, keep_marks)
    return OcrResult(engine=result.engine, words=words) if n else result
