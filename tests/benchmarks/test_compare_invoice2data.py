"""The invoice2data comparison: its output mapped into our field shape, then scored alike.

The mapping is a pure function, so these tests run without invoice2data installed; only
the end-to-end check needs the package (and reportlab + pdftotext) and skips otherwise.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import compare_invoice2data as cmp  # noqa: E402

from evaluation import scoring as sc  # noqa: E402

SAMPLE = {  # shaped like invoice2data.extract_data output (made-up vendor)
    "issuer": "Acme Widgets GmbH",
    "template_name": "de.acme.yml",
    "amount": 1234.5,
    "amount_untaxed": 1037.39,
    "amount_tax": 197.11,
    "date": datetime(2024, 3, 7),
    "date_due": datetime(2024, 4, 6),
    "invoice_number": "AW-2024-0042",
    "vat": 123456789,
    "siren": "999 999 999",
    "iban": "de89 3704 0044 0532 0130 00",
    "currency": "€",
    "partner_name": "Acme Widgets GmbH",
    "partner_street": "Musterweg 1",
    "partner_zip": "10115",
    "partner_city": "Berlin",
    "order_id": "X1",
    "desc": "Invoice from Acme Widgets GmbH",
    "lines": [{"name": "Widget", "qty": 2.0, "price_unit": 518.695, "price_subtotal": 1037.39}],
}


def _norm(result: dict) -> dict:
    return {k: f["normalized"] for k, f in result["fields"].items()}


def test_mapping_turns_invoice2data_keys_into_contract_fields() -> None:
    got = _norm(cmp.map_invoice2data(SAMPLE))
    assert got == {
        "vendor_name": "Acme Widgets GmbH",
        "invoice_number": "AW-2024-0042",
        "invoice_date": "2024-03-07",
        "due_date": "2024-04-06",
        "total_amount": "1234.50",
        "subtotal": "1037.39",
        "tax_amount": "197.11",
        "currency": "EUR",
        "vendor_tax_id": "123456789",  # vat wins over siren; ints become text
        "iban": "DE89370400440532013000",
        "vendor_address": "Musterweg 1, 10115 Berlin",
        "line_items": [{"description": "Widget", "quantity": "2",
                        "unit_price": "518.695", "amount": "1037.39"}],
    }
    assert "customer_name" not in got  # partner_name is the issuer in its schema


def test_field_shape_and_empty_output() -> None:
    f = cmp.map_invoice2data(SAMPLE)["fields"]["total_amount"]
    assert set(f) >= {"value", "normalized", "confidence", "page", "bbox", "source"}
    assert f["value"] == "1234.5" and f["source"] == "invoice2data"
    empty = cmp.map_invoice2data({})
    assert empty["fields"] == {} and empty["doc_type"] == "other"


@pytest.mark.parametrize(("raw", "want"), [
    ("1.234,50 €", "1234.50"), ("$ 1,234.5", "1234.50"), (7, "7.00"), ("n/a", None),
    (float("nan"), None), (True, None),
])
def test_norm_money(raw: object, want: str | None) -> None:
    assert cmp.norm_money(raw) == want


@pytest.mark.parametrize(("raw", "want"), [
    ("EUR", "EUR"), ("inr", "INR"), ("$", "USD"), ("zł", "PLN"), ("", None), ("euros", None),
])
def test_norm_currency(raw: str, want: str | None) -> None:
    assert cmp.norm_currency(raw) == want


def test_norm_date_string_is_day_first() -> None:
    assert cmp.norm_date("05/03/2024") == "2024-03-05"
    assert cmp.norm_date("") is None and cmp.norm_date(None) is None


def test_mapped_output_scores_with_project_rules() -> None:
    truth = {"fields": {"total_amount": 1234.5, "invoice_date": "2024-03-07"},
             "normalized": {"total_amount": "1234.50", "invoice_date": "2024-03-07",
                            "vendor_name": "Someone Else"}}
    result = cmp.map_invoice2data(SAMPLE)
    scores = {s.field: s for s in sc.score_document(
        truth, result, {"total_amount", "invoice_date", "vendor_name", "iban"})}
    assert scores["total_amount"].tp == 1 and scores["invoice_date"].tp == 1
    assert scores["vendor_name"].fp == 1 and scores["vendor_name"].fn == 1
    assert scores["iban"].fp == 1  # predicted where the truth expects nothing


def test_render_puts_systems_side_by_side() -> None:
    m = {"tp": 1, "fp": 0, "fn": 1, "precision": 1.0, "recall": 0.5, "f1": 2 / 3}
    row = {"documents": 2, "with_fields": 1, "overall": m, "fields": {"total_amount": m},
           "seconds_per_doc_mean": 0.5, "seconds_per_doc_median": 0.25}
    md = cmp.render("demo", {"ours": row, "invoice2data": row})
    assert "| total_amount | 1.00 / 0.50 / 0.67 | 1.00 / 0.50 / 0.67 |" in md
    assert "ours P / R / F1 | invoice2data P / R / F1" in md


needs_i2d = pytest.mark.skipif(importlib.util.find_spec("invoice2data") is None,
                               reason="invoice2data not installed (pip install -e '.[compare]')")
TRUTH = '{"doc_type": "invoice", "normalized": {"total_amount": "99.00"}}'


@needs_i2d
def test_end_to_end_on_text_without_template(tmp_path: Path) -> None:
    """A vendor no built-in template covers: invoice2data runs, finds nothing, scores 0 TP."""
    (tmp_path / "inv.txt").write_text(
        "Zyxwv Quux Trading Ltd - INVOICE No. ZQ-77\nDate: 2024-02-01  Total due: 99.00 EUR\n")
    (tmp_path / "inv.truth.json").write_text(TRUTH)
    report = cmp.evaluate(cmp.find_documents(tmp_path), cmp.invoice2data_runner(),
                          {"total_amount"})
    assert report["documents"] == 1 and report["with_fields"] == 0
    assert (report["overall"]["tp"], report["overall"]["fn"]) == (0, 1)


@pytest.mark.slow
@needs_i2d
def test_end_to_end_on_generated_pdf_without_template(tmp_path: Path) -> None:
    """The PDF path, including the OCR retry when no template matched."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    pdf = tmp_path / "inv.pdf"
    c = canvas.Canvas(str(pdf))
    c.drawString(72, 760, "Zyxwv Quux Trading Ltd - INVOICE No. ZQ-77")
    c.drawString(72, 740, "Date: 2024-02-01    Total due: 99.00 EUR")
    c.save()
    (tmp_path / "inv.truth.json").write_text(TRUTH)
    docs = cmp.find_documents(tmp_path)
    report = cmp.evaluate(docs, cmp.invoice2data_runner(), {"total_amount"})
    assert report["documents"] == 1 and report["overall"]["tp"] == 0
    assert report["overall"]["fn"] == 1
