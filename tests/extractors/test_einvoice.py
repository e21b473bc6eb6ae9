"""Structured e-invoices: every profile read from its XML (no OCR, confidence 1.0), a PDF
whose visible total disagrees raises a blocking finding, an XML that breaks its schema is
shown as such, and hostile XML is neither expanded nor followed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from benchmarks.einvoice import file_of, score_profile
from classifiers import classify
from extractors import extract
from extractors.einvoice import SOURCE
from ingest import read_bytes
from ingest.errors import CorruptFile
from training.generators.einvoice import PROFILES, as_pdf, generate_einvoice
from workflow.controls import is_blocking
from workflow.process import Pipeline
from workflow.settings import Settings


@pytest.mark.parametrize("profile", PROFILES)
def test_every_field_equals_the_xml(profile: str) -> None:
    inv = generate_einvoice(profile, 7)
    name, data = file_of(inv)
    doc = read_bytes(name, data)
    assert doc.structured is not None and doc.ocr_pages == 0
    cls = classify(doc)
    assert (cls.doc_type, cls.type_confidence) == ("invoice", 1.0)
    fields = extract(doc, cls)
    for key, want in inv.truth.items():
        assert fields[key].normalized == want, key
        assert (fields[key].confidence, fields[key].source) == (1.0, SOURCE)
    assert "einvoice_errors" not in fields
    if name.endswith(".pdf"):  # the page shows the number: its box is there for a reviewer
        assert fields["invoice_number"].page == 1 and fields["invoice_number"].bbox
        assert fields["visible_total_amount"].normalized == inv.truth["total_amount"]


def test_benchmark_scores_each_profile_perfectly() -> None:
    for profile in ("MINIMUM", "XRECHNUNG", "UBL PEPPOL"):
        s = score_profile(profile, 2, seed=3)
        assert (s.f1, s.typed_invoice, s.ocr_pages) == (1.0, 2, 0), profile


def test_the_benchmark_can_fail() -> None:
    """A truth that the XML does not hold lowers the score (the scorer is not a tautology)."""
    import benchmarks.einvoice as bench

    real = bench.generate_einvoice

    def lying(profile: str, seed: int):  # type: ignore[no-untyped-def]
        inv = real(profile, seed)
        inv.truth["invoice_number"] = "NOT-" + inv.truth["invoice_number"]
        return inv

    bench.generate_einvoice = lying
    try:
        assert bench.score_profile("EN 16931", 1).f1 < 1.0
    finally:
        bench.generate_einvoice = real


def _process(data_dir: Path, name: str, data: bytes) -> dict:
    settings = Settings.from_env(data_dir)
    return Pipeline(settings).process_bytes(name, data)


def test_visible_total_that_disagrees_raises_a_blocking_finding(data_dir: Path) -> None:
    inv = generate_einvoice("EN 16931", 11)
    shown = Decimal(inv.truth["total_amount"]) - Decimal("100.00")
    r = _process(data_dir, "tampered.pdf", as_pdf(inv, total_shown=shown))
    assert r["fields"]["total_amount"]["normalized"] == inv.truth["total_amount"]
    rules = {v["rule"]: v for v in r["violations"]}
    assert "ap.einvoice_mismatch" in rules and is_blocking("ap.einvoice_mismatch")
    assert inv.truth["total_amount"] in rules["ap.einvoice_mismatch"]["message"]

    honest = generate_einvoice("EN 16931", 12)
    r = _process(data_dir, "honest.pdf", as_pdf(honest))
    assert "ap.einvoice_mismatch" not in {v["rule"] for v in r["violations"]}


def test_xml_that_breaks_its_schema_is_shown_not_hidden(data_dir: Path) -> None:
    inv = generate_einvoice("UBL PEPPOL", 5)
    root = etree.fromstring(inv.xml)
    ns = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
    issue = root.find("cbc:IssueDate", ns)
    issue.addnext(etree.Element(f"{{{ns['cbc']}}}NotAnElement"))  # not in the schema
    r = _process(data_dir, "broken.xml", etree.tostring(root, xml_declaration=True,
                                                        encoding="UTF-8"))
    fields = r["fields"]
    assert fields["invoice_number"]["normalized"] == inv.truth["invoice_number"]
    assert fields["invoice_number"]["confidence"] < 1.0
    assert "NotAnElement" in fields["einvoice_errors"]["value"]
    assert "ap.einvoice_invalid" in {v["rule"] for v in r["violations"]}


def test_hostile_xml_is_not_expanded_or_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    xxe = (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'
           '<r><a>&x;</a></r>').encode()
    doc = read_bytes("xxe.xml", xxe)
    assert "TOP-SECRET-VALUE" not in doc.text and doc.structured is None
    laughs = ('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
              + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                        for i in range(8))
              + ']><l>&i;</l>').encode()
    try:  # refused as corrupt, or read without expanding: never a billion laughs
        doc = read_bytes("laughs.xml", laughs)
    except CorruptFile as exc:
        assert exc.code == "corrupt_file"
    else:
        assert len(doc.text) < 10_000


def test_plain_xml_is_read_as_text_not_as_an_invoice() -> None:
    doc = read_bytes("feed.xml", b'<?xml version="1.0"?><feed><title>Quarterly memo</title>'
                                 b"<entry>Budget review moved to Friday</entry></feed>")
    assert doc.media_type == "application/xml" and doc.structured is None
    assert "title: Quarterly memo" in doc.text
    assert classify(doc).model_version != "e-invoice"
