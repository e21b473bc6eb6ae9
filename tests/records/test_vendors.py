"""Vendor master matching: tax ids exactly, names fuzzily; policies see one vendor."""

from __future__ import annotations

from pathlib import Path

from records.db import init_db, session_scope
from records.ids import new_id
from records.models import Document, LedgerEntry, Vendor
from records.vendors import resolve_vendor
from workflow.policy_context import DbPolicyContext


def _db(tmp_path: Path):
    return init_db(f"sqlite:///{tmp_path / 'v.db'}")


def test_names_match_fuzzily_tax_ids_exactly(tmp_path: Path) -> None:
    sessions = _db(tmp_path)
    with session_scope(sessions) as s:
        s.add(Vendor(key="kedai a b c perak", name="KEDAI A.B.C. (PERAK) SDN BHD", ibans=[]))
        s.add(Vendor(key="DE136695976", name="Northwind", ibans=["DE89370400440532013000"]))
    with session_scope(sessions) as s:
        assert resolve_vendor(s, "kedai abc perak").name.startswith("KEDAI A.B.C.")
        assert resolve_vendor(s, "kedai a b c perakk") is not None
        assert resolve_vendor(s, "tesco extra") is None
        assert resolve_vendor(s, "DE136695976").name == "Northwind"
        assert resolve_vendor(s, "DE136695977") is None  # one digit off: another company


def test_policy_context_sees_the_canonical_vendor(tmp_path: Path) -> None:
    sessions = _db(tmp_path)
    with session_scope(sessions) as s:
        s.add(Vendor(key="northwind traders", name="Northwind Traders", ibans=["DE1"]))
        doc = Document(id=new_id("doc"), sha256="a" * 64, filename="x.pdf", status="approved")
        s.add(doc)
        s.flush()
        s.add(LedgerEntry(document_id=doc.id, vendor_key="northwind traders",
                          invoice_number="INV-0042", total_amount="10.00", status="approved"))
    with session_scope(sessions) as s:
        ctx = DbPolicyContext(s)
        assert ctx.vendor_known("northwind trader")
        assert ctx.known_ibans("northwind trader") == ["DE1"]
        hits = ctx.invoices_with_number("northwind trader", "inv42", None)
        assert [h["total_amount"] for h in hits] == ["10.00"]
