"""`backoffice eval` end to end on a corpus the test makes, and corpus walking."""

from __future__ import annotations

import json
import sys
from pathlib import Path

# tests/ is on sys.path and its folders (tests/ingest, ...) would shadow the real packages
# as namespace packages; the project root must be importable first.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import pytest  # noqa: E402

from api.cli import main  # noqa: E402
from evaluation.corpus import find_documents  # noqa: E402

SHARED_CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def _pdf(path: Path, lines: list[str]) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    y = 800
    for line in lines:
        c.drawString(60, y, line)
        y -= 18
    c.showPage()
    c.save()


def _truth(path: Path, doc_type: str, subtype: str | None, fields: dict) -> None:
    path.with_name(path.stem + ".truth.json").write_text(json.dumps(
        {"doc_type": doc_type, "subtype": subtype, "fields": fields, "normalized": fields}))


@pytest.fixture()
def tiny_corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    inv, con, hr = root / "invoices", root / "contracts", root / "resumes"
    for d in (inv, con, hr):
        d.mkdir(parents=True)
    p = inv / "inv-1.pdf"
    _pdf(p, ["INVOICE", "Northwind Supplies Ltd", "Invoice number: NW-2024-0042",
             "Invoice date: 2024-03-05", "Total due: EUR 1,250.00"])
    _truth(p, "invoice", None, {"vendor_name": "Northwind Supplies Ltd",
                                "invoice_number": "NW-2024-0042",
                                "invoice_date": "2024-03-05", "total_amount": "1250.00"})
    p = con / "nda-1.pdf"
    _pdf(p, ["MUTUAL NON-DISCLOSURE AGREEMENT",
             "This Agreement is made on January 2, 2023 between Alpha Widgets Inc. and",
             "Beta Tools LLC. This Agreement is governed by the laws of the State of Delaware.",
             "The term of this Agreement is two (2) years."])
    _truth(p, "contract", "nda", {"parties": ["Alpha Widgets Inc.", "Beta Tools LLC"],
                                  "governing_law": "Delaware", "term": "2_years"})
    p = hr / "cv-1.txt"
    p.write_text("Jordan Example\nSenior Data Engineer\njordan@example.com\n"
                 "Experience: 7 years building pipelines.\n")
    _truth(p, "hr", "resume", {"employee_name": "Jordan Example",
                               "email": "jordan@example.com"})
    (root / "README.md").write_text("not a document\n")
    (root / "MANIFEST.json").write_text("{}\n")
    (inv / "orphan.pdf").write_bytes(b"%PDF-1.4 no truth beside me")
    return root


def test_find_documents_skips_non_documents(tiny_corpus: Path) -> None:
    docs = find_documents(tiny_corpus)
    assert [(d.source, d.path.name) for d in docs] == [
        ("contracts", "nda-1.pdf"), ("invoices", "inv-1.pdf"), ("resumes", "cv-1.txt")]
    assert docs[0].truth["subtype"] == "nda"
    assert [d.path.name for d in find_documents(tiny_corpus, sources=["resumes"])] == [
        "cv-1.txt"]
    (tiny_corpus / "invoices" / "inv-2.txt").write_text("Invoice 2\n")
    _truth(tiny_corpus / "invoices" / "inv-2.txt", "invoice", None, {})
    limited = find_documents(tiny_corpus, limit_per_source=1)
    assert [d.path.name for d in limited] == ["nda-1.pdf", "inv-1.pdf", "cv-1.txt"]


@pytest.mark.slow  # ~7 s: loads every pipeline stage
def test_eval_end_to_end(tiny_corpus: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    rc = main(["eval", str(tiny_corpus), "--out", str(out), "--workers", "1",
               "--no-progress", "--no-search"])
    assert rc == 0
    report = json.loads((out / "report.json").read_text())
    md = (out / "report.md").read_text()
    stdout = capsys.readouterr().out
    assert "## Summary per source" in stdout and "| source |" in stdout

    assert {d["file"].rsplit("/", 1)[-1] for d in report["documents"]} == {
        "inv-1.pdf", "nda-1.pdf", "cv-1.txt"}
    for key in ("meta", "fields", "types", "calibration", "throughput", "failures"):
        assert key in report
    per = report["fields"]["per_source"]
    assert set(per) == {"invoices", "contracts", "resumes"}
    assert set(per["contracts"]["labelled"]) == {"parties", "governing_law", "term"}
    for counts in per["invoices"]["fields"].values():
        assert {"tp", "fp", "fn", "precision", "recall", "f1"} <= set(counts)
    # FN + TP must account for every truth value whatever the pipeline did
    inv = per["invoices"]["fields"]
    assert all(c["tp"] + c["fn"] == 1 for c in inv.values())
    assert report["types"]["overall"]["n"] == 3
    assert report["types"]["per_source"]["contracts"]["subtype_n"] == 1
    assert set(report["types"]["confusion"]["labels"]) >= {"invoice", "contract", "hr"}
    for kind in ("fields", "types"):
        assert len(report["calibration"][kind]["bins"]) == 10
    assert report["calibration"]["types"]["count"] == 3
    th = report["throughput"]
    assert th["docs"] == 3 and th["wall_s"] > 0 and th["docs_per_s"] > 0
    for f in report["failures"]:
        assert f["code"]
    for heading in ("## Fields per source", "## Document types", "## Confidence calibration",
                    "## Throughput", "## Failures"):
        assert heading in md

    # re-scoring the stored results reproduces the scores without running the pipeline
    out2 = tmp_path / "out2"
    assert main(["eval", str(tiny_corpus), "--rescore", str(out / "report.json"),
                 "--out", str(out2), "--quiet"]) == 0
    again = json.loads((out2 / "report.json").read_text())
    assert again["fields"] == report["fields"]
    assert again["types"] == report["types"]


def test_eval_rejects_empty_corpus(tmp_path: Path) -> None:
    assert main(["eval", str(tmp_path), "--no-progress", "--out", str(tmp_path / "o")]) == 2


@pytest.mark.slow
@pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="shared corpus not present")
def test_eval_on_shared_corpus_sample(tmp_path: Path) -> None:
    out = tmp_path / "out"
    rc = main(["eval", str(SHARED_CORPUS), "--limit-per-source", "1", "--out", str(out),
               "--no-progress", "--quiet", "--workers", "1"])
    assert rc == 0
    report = json.loads((out / "report.json").read_text())
    sources = {p.name for p in SHARED_CORPUS.iterdir() if p.is_dir()}
    assert set(report["fields"]["per_source"]) == sources
    assert report["types"]["overall"]["n"] == len(sources)
    assert (out / "report.md").stat().st_size > 0
