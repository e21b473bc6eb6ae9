"""`backoffice eval`'s reliability tables per source, per field and per input kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.corpus import CorpusDoc
from evaluation.report import build_report, input_kind_of, render_markdown


def _doc(source: str, name: str, total: str) -> CorpusDoc:
    return CorpusDoc(source, Path(name), Path(name + ".truth.json"),
                     {"doc_type": "receipt", "normalized": {"total_amount": total}})


def _res(total: str, conf: float, ocr_pages: int) -> dict:
    return {"status": "ok", "doc_type": "receipt", "ocr_pages": ocr_pages, "pages": 1,
            "fields": {"total_amount": {"normalized": total, "confidence": conf}}}


def test_calibration_is_split_per_source_field_and_input_kind():
    docs = [_doc("a", "x1.pdf", "1.00"), _doc("a", "x2.pdf", "2.00"),
            _doc("b", "y1.jpg", "3.00"), _doc("b", "y2.jpg", "4.00")]
    results = [_res("1.00", 0.95, 0), _res("9.99", 0.95, 0),   # a: one of two right at .95
               _res("3.00", 0.35, 1), _res("4.00", 0.35, 1)]   # b: both right at .35
    cal = build_report(docs, results, 1.0)["calibration"]
    assert cal["per_source"]["a"]["ece"] == pytest.approx(0.45)
    assert cal["per_source"]["b"]["ece"] == pytest.approx(0.65)
    assert cal["per_field"]["a|total_amount"]["count"] == 2
    assert set(cal["per_input_kind"]) == {"digital", "photo"}
    assert cal["per_input_kind"]["photo"]["count"] == 2
    # the overall figure mixes both: |0.5-0.95|*2/4 + |1-0.35|*2/4
    assert cal["fields"]["ece"] == pytest.approx(0.55)


def test_markdown_names_every_source_field_and_the_high_bin_error():
    docs = [_doc("a", "x1.pdf", "1.00"), _doc("a", "x2.pdf", "2.00")]
    results = [_res("1.00", 0.95, 0), _res("9.99", 0.95, 0)]
    md = render_markdown(build_report(docs, results, 1.0))
    assert "Fields per source:" in md and "Fields per source and field:" in md
    assert "| source and field | ECE |" in md
    assert "| a | 0.450 | 2 | 0.950 | 0.500 | 2 | 50.0 |" in md
    assert "| a\\|total_amount |" in md
    assert "Reliability per source" in md and "2: 0.95 / 0.50" in md


@pytest.mark.parametrize(("file", "ocr", "kind"), [
    ("a.pdf", 0, "digital"), ("a.pdf", 2, "scan"), ("a.tif", 1, "scan"),
    ("a.jpg", 1, "photo"), ("a.png", 1, "photo"), ("a.txt", 0, "digital")])
def test_input_kind_of_a_report_row(file, ocr, kind):
    assert input_kind_of({"file": file, "ocr_pages": ocr}) == kind


def test_fields_without_a_truth_value_are_split_out_per_source():
    docs = [_doc("a", "x1.pdf", "1.00"),
            CorpusDoc("a", Path("x2.pdf"), Path("x2.truth.json"),
                      {"doc_type": "receipt", "normalized": {"invoice_date": "2020-01-01"}})]
    results = [_res("1.00", 0.95, 0), _res("5.00", 0.95, 0)]  # x2 lists no total
    cal = build_report(docs, results, 1.0)["calibration"]
    assert cal["per_source"]["a"]["count"] == 2  # the unlisted total counts as wrong
    assert cal["per_source_listed"]["a"]["count"] == 1
    assert cal["per_source_listed"]["a"]["ece"] == pytest.approx(0.05)
