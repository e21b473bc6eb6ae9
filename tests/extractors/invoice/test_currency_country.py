"""A currency no mark shows, guessed from the country the page names, and its own map."""

from lines_doc import doc_from_lines

from extractors.invoice import calibrate, extract_invoice
from extractors.types import Field
from ingest.types import IngestedDocument

LINES = ["Müller GmbH", "Rechnung Nr. RE-1001", "Datum: 07.05.2025",
         "Reparatur 2 100,00 200,00", "Summe netto 200,00", "MwSt. 19 % 38,00",
         "Rechnungsbetrag 238,00"]


def _doc(lines: list[str]) -> IngestedDocument:
    return doc_from_lines(lines)


def test_a_german_invoice_without_a_mark_is_in_euro_from_its_words():
    f = extract_invoice(_doc(LINES), "invoice", calibrate=False)["currency"]
    assert (f.normalized, f.source) == ("EUR", "country")


def test_a_page_naming_no_country_guesses_no_currency():
    lines = [ln.replace("GmbH", "Ltd").replace("MwSt.", "Tax") for ln in LINES[:1] + LINES[3:5]]
    assert "currency" not in extract_invoice(_doc(lines), "invoice", calibrate=False)


def test_a_guessed_currency_is_calibrated_by_its_own_map_not_the_marks_map():
    maps = calibrate.load()
    assert {"currency", "currency|country"} <= set(maps)
    guess = Field("EUR", "EUR", 0.5, 1, None, "country")
    mark = Field("€", "EUR", 0.5, 1, None, "regex")
    calibrate.apply({"currency": guess})
    calibrate.apply({"currency": mark})
    assert guess.confidence == float(maps["currency|country"].predict([0.5])[0])
    assert mark.confidence == float(maps["currency"].predict([0.5])[0])
