"""The shipped classifier: accuracy on fresh generated documents, abstention, reasons."""

import collections

import pytest

import classifiers
from classifiers import classify, classify_text
from classifiers.types import DOC_TYPES
from ingest.types import IngestedDocument, Page
from training.generators import generate


@pytest.fixture(scope="module")
def fresh_docs():
    return generate(12, seed=424242)  # a seed the shipped model never saw


def test_fresh_documents_classified(fresh_docs):
    per_type = collections.defaultdict(list)
    sub_ok = []
    for d in fresh_docs:
        c = classify_text(d.text, d.n_pages, threshold=0.0)
        per_type[d.doc_type].append(c.doc_type == d.doc_type)
        if d.subtype and c.doc_type == d.doc_type:
            sub_ok.append(c.subtype == d.subtype)
    overall = sum(sum(v) for v in per_type.values()) / len(fresh_docs)
    assert overall >= 0.9, per_type
    for t in DOC_TYPES:
        assert sum(per_type[t]) / len(per_type[t]) >= 0.75, (t, per_type[t])
    assert sum(sub_ok) / len(sub_ok) >= 0.75


def test_confidence_and_reasons():
    c = classify_text("INVOICE\nInvoice No: 123\nBill To: Acme Ltd\nTotal due: $1,200.00\n"
                      "Payment terms: Net 30\nIBAN: DE89 3704 0044 0532 0130 00", threshold=0.0)
    assert c.doc_type == "invoice"
    assert 0.0 <= c.type_confidence <= 1.0
    assert abs(sum(c.probabilities.values()) - 1) < 1e-3
    assert c.reasons and all(r.split()[-1].startswith("+") for r in c.reasons)
    assert any(r.startswith(("word:", "char:", "title:")) for r in c.reasons)


def test_abstains_below_threshold():
    text = "INVOICE\nInvoice No: 123\nTotal due: $1,200.00"
    sure = classify_text(text, threshold=0.0)
    assert not sure.abstained
    c = classify_text(text, threshold=1.01)
    assert c.abstained and c.doc_type == "other" and c.subtype is None
    assert c.predicted_type == sure.doc_type


def test_threshold_from_env(monkeypatch):
    monkeypatch.setenv("BACKOFFICE_TYPE_THRESHOLD", "1.01")
    assert classify_text("RECEIPT\nCASH 10.00\nCHANGE 0.50\nTHANK YOU").abstained


def test_model_version_present():
    c = classify_text("Dear Sir, please find the minutes of the meeting attached.")
    assert c.model_version == classifiers.MODEL_VERSION
    assert c.model_version not in ("", "none")


def test_classify_ingested_document_uses_metadata_title():
    doc = IngestedDocument(filename="x.pdf", sha256="0" * 64, media_type="application/pdf",
                           size=1, pages=[Page(number=1, width=612, height=792, text="")],
                           metadata={"title": "Form W-4 Employee's Withholding Certificate"})
    c = classify(doc, threshold=0.0)
    assert c.doc_type == "hr" and c.subtype == "w4"
