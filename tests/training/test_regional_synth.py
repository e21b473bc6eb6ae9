"""The regional invoice/receipt generator: every layout prints its truth where its spans say,
in its locale's formats, the same for the same seed; the held-out evaluation counts."""

from decimal import Decimal

import pytest

from extractors.normalize import normalize_date, normalize_money
from training import regional_eval
from training.synth.regional import LAYOUTS, generate, labels, money


def _printed(doc, spans):
    words = doc.pages[0].words
    return [" ".join(w.text for w in words[a:b]) for a, b in spans]


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_each_layout_prints_its_truth(layout):
    for seed in range(6):
        doc, truth = generate(seed, layout, noise=0.0)
        assert truth["_layout"] == layout and truth["_doc_type"] == LAYOUTS[layout][0]
        assert truth["total_amount"] and truth["invoice_date"] and truth["vendor_name"]
        for name in ("total_amount", "subtotal", "tax_amount"):
            if name in truth:
                shown = _printed(doc, truth["_spans"][name])
                assert any(Decimal(normalize_money(s) or "nan") == Decimal(truth[name])
                           for s in shown), (name, shown)
        dates = _printed(doc, truth["_spans"]["invoice_date"])
        day_first = LAYOUTS[layout][1] != "en"
        assert any(normalize_date(" ".join(s.split()[:3]), day_first=day_first)
                   == truth["invoice_date"] or
                   normalize_date(s.split()[0], day_first=day_first) == truth["invoice_date"]
                   for s in dates), dates
        if "customer_name" in truth:
            assert truth["customer_name"] in _printed(doc, truth["_spans"]["customer_name"])


def test_same_seed_same_document():
    a, ta = generate(11, "invoice_fr")
    b, tb = generate(11, "invoice_fr")
    assert a.pages[0].text == b.pages[0].text and ta == tb
    assert generate(12, "invoice_fr")[0].pages[0].text != a.pages[0].text


def test_locale_money_formats():
    assert money(423693.72, "fr", " ") == "423 693,72"
    assert money(423693.72, "fr", "\u202f") == "423\u202f693,72"
    assert money(1234.5, "de") == "1.234,50"
    assert money(1234.5, "en") == "1,234.50"


def test_label_vocabularies_are_data():
    lab = labels()
    assert {"de", "fr", "en_us"} <= set(lab)
    assert "Rückgeld" in lab["de"]["change"] and "Total TTC" in lab["fr"]["total"]


def test_layout_score_counts_what_it_is_given():
    sc = regional_eval.measure("receipt_us_restaurant", 3, type_too=False)
    assert sc.n == 3 and sc.types_ok == 3
    assert 0.0 <= sc.f1() <= 1.0 and sum(sc.counts["total_amount"]) >= 3
    cal = sc.field_calibration()
    assert sum(c["n"] for c in cal.values()) == len(sc.pairs)
    assert all(0.0 <= c["ece"] <= 1.0 and 0.0 <= c["acc"] <= 1.0 for c in cal.values())


_NUMBER_LABELS = {"receipt_de": ("de", "receipt_no"), "receipt_us_restaurant": ("en_us", "check_no"),
                  "invoice_fr": ("fr", "invoice_no"), "invoice_de": ("de", "invoice_no"),
                  "invoice_us_media": ("en_us", "media_invoice_no")}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_printed_document_number_is_labelled(layout):
    """A number printed after the layout's own document-number label (Bon-Nr., Check #,
    Rechnung Nr., Facture N°) is the truth's invoice_number and inside its spans, so no
    document number is trained on as a negative."""
    lang, role = _NUMBER_LABELS[layout]
    labs = {lab.rstrip(":").lower() for lab in labels()[lang][role]}
    for seed in range(12):
        doc, truth = generate(seed, layout, noise=0.0)
        words = doc.pages[0].words
        inside = {i for a, b in truth["_spans"].get("invoice_number", []) for i in range(a, b)}
        assert truth.get("invoice_number") and inside, (layout, seed)
        for a, b in truth["_spans"]["invoice_number"]:
            assert " ".join(w.text for w in words[a:b]) == truth["invoice_number"]
        for i in range(1, len(words)):
            before = " ".join(w.text for w in words[max(0, i - 3):i]).rstrip(":").lower()
            if words[i].line == words[i - 1].line and any(before.endswith(lab) for lab in labs) \
                    and any(ch.isdigit() for ch in words[i].text):
                assert i in inside, (layout, seed, before, words[i].text)
