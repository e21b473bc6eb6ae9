"""The learning-curve benchmark on a few generated vendor series: table shape, and that
corrections do not make the next documents worse."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from benchmarks import learning_curve as lc
from benchmarks.vendor_series import make_template, series
from extractors.invoice import VendorHints
from extractors.types import Field
from ingest.types import IngestedDocument, Word


@pytest.fixture(scope="module")
def curves() -> dict[str, lc.SourceCurve]:
    return lc.run(lc.generated_groups(3, 5), lc.KS, rotations=2)


def test_table_shape(curves):
    (c,) = curves.values()
    assert c.source == "generated"
    assert (c.groups, c.documents) == (3, 15)
    assert c.evaluated == 3 * 2 * (5 - max(lc.KS))  # groups x rotations x documents after k
    assert sorted(c.cells) == list(lc.KS)
    fields = c.fields()
    assert {"vendor_name", "invoice_number", "invoice_date", "total_amount"} <= set(fields)
    for k in lc.KS:
        assert set(c.cells[k]) == set(fields)
        assert all(0.0 <= (c.accuracy(k, f) or 0.0) <= 1.0 for f in fields)
        # every evaluation document counted once per field it labels, at every k
        assert [c.cells[k][f].total for f in fields] == [c.cells[0][f].total for f in fields]
    table = lc.render(curves)
    assert "generated: 3 groups, 15 documents" in table
    assert table.count("\n") == 1 + 1 + len(fields) + 1 - 1
    back = json.loads(json.dumps(c.to_json()))
    assert set(back["accuracy"]) == {str(k) for k in lc.KS}


def test_corrections_do_not_make_the_next_documents_worse(curves):
    (c,) = curves.values()
    before = c.mean(0)
    assert before is not None
    for k in lc.KS[1:]:
        assert c.mean(k) >= before
    assert c.mean(max(lc.KS)) > before  # the unseen layouts leave something to learn


def test_a_group_too_small_for_the_curve_is_refused():
    (g,) = lc.generated_groups(1, max(lc.KS))
    with pytest.raises(lc.LearningCurveError, match="documents"):
        lc.run([g])


def test_series_keep_the_vendor_and_change_the_content():
    docs = series("lc-test", 3)
    assert len({t["vendor_name"] for _, t in docs}) == 1
    assert len({t["invoice_number"] for _, t in docs}) == 3
    assert make_template("lc-test") == make_template("lc-test")
    assert make_template("lc-test") != make_template("lc-other")


def _fields(**values: str) -> dict[str, Field]:
    return {k: Field(v, v, 1.0) for k, v in values.items()}


def test_vendor_master_resolves_names_fuzzily_and_tax_ids_exactly():
    m = lc.VendorMaster()
    acme = m.ensure(_fields(vendor_name="Acme Widgets"))
    tax = m.ensure(_fields(vendor_name="Northwind", vendor_tax_id="DE136695976"))
    assert acme is not None and tax is not None and acme is not tax
    assert isinstance(acme.hints, VendorHints)
    assert m.resolve(["acme widgetz"]) is acme
    assert m.resolve(["DE136695977"]) is None
    assert m.resolve(["kalo trading"]) is None
    assert m.resolve(["northwind"]) is tax  # by its recorded name, its tax id unread
    assert m.resolve(["DE999999999", "northwind"]) is None  # another tax id: another vendor


def _with_tax_id(doc: IngestedDocument, tax_id: str) -> IngestedDocument:
    """The document with a VAT id printed at the top of its first page."""
    page = doc.pages[0]
    words = [*page.words, Word("USt-IdNr.:", (300, 20, 350, 29), 1.0, 999),
             Word(tax_id, (355, 20, 420, 29), 1.0, 999)]
    return replace(doc, pages=[replace(page, words=words, text=f"{page.text}\nUSt-IdNr.: {tax_id}"),
                               *doc.pages[1:]])


def test_a_vendor_filed_under_its_tax_id_teaches_its_next_document_without_one():
    """Two invoices of one vendor: the first shows its VAT id, so the reviewed first one
    files the vendor under it; the second does not show it. The master finds the vendor by
    the name it recorded and its hints apply whichever key they were learned under, so the
    fields the reviewer corrected on the first come out right on the second."""
    (d1, t1), (d2, t2) = series("lc-1", 2)
    first = lc.Doc(_with_tax_id(d1, "DE136695976"), t1, "invoice")
    second = lc.Doc(d2, t2, "invoice")
    master = lc.VendorMaster()
    before = lc.extract_fields(master, second)
    wrong = [n for n, t in t2.items() if not lc.is_correct(n, t, before.get(n))]
    assert wrong  # the unseen layout leaves something to learn
    review = lc.review_document(master, first, lc.extract_fields(master, first))
    assert set(wrong) <= set(review.corrected)
    assert [e.key for e in master.entries] == ["DE136695976"]
    after = lc.extract_fields(master, second)
    assert [n for n in wrong if not lc.is_correct(n, t2[n], after.get(n))] == []
    assert all(after[n].source == "vendor-hint" for n in wrong)
