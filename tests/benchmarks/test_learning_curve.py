"""The learning-curve benchmark on a few generated vendor series: table shape, and that
corrections do not make the next documents worse."""

from __future__ import annotations

import json

import pytest

from benchmarks import learning_curve as lc
from benchmarks.vendor_series import make_template, series
from extractors.invoice import VendorHints


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


def test_vendor_master_resolves_names_fuzzily_and_tax_ids_exactly():
    m = lc.VendorMaster()
    acme = m.vendor_for("acme widgets")
    tax = m.vendor_for("DE136695976")
    assert isinstance(acme, VendorHints) and acme is not tax
    assert m.resolve("acme widgetz") is acme
    assert m.resolve("DE136695977") is None
    assert m.resolve("kalo trading") is None
