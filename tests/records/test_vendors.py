"""Vendor master matching: tax ids exactly (up to OCR's confusions), names fuzzily against
keys and recorded names; policies see one vendor."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event

from records.db import init_db, session_scope
from records.ids import new_id
from records.models import Document, LedgerEntry, Vendor
from records.vendors import (
    KnownVendor,
    match_keys,
    match_vendor,
    resolve_vendor,
    resolve_vendor_keys,
)
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


def test_a_vendor_filed_under_its_tax_id_is_found_by_its_recorded_name(tmp_path: Path) -> None:
    sessions = _db(tmp_path)
    with session_scope(sessions) as s:
        s.add(Vendor(key="000781500416", name="KEDAI PAPAN YEW CHUAN", tax_id="000781500416",
                     ibans=[]))
        s.add(Vendor(key="mr d i y m", name="MR. D.I.Y. (M) SDN BHD", tax_id=None, ibans=[]))
    with session_scope(sessions) as s:
        # a receipt whose tax id was not read: found by name, not only by the key
        assert resolve_vendor(s, "kedai papan yew chuan").key == "000781500416"
        # letters OCR reads for one another: "MR. O.I.Y." is the same letterhead
        assert resolve_vendor(s, "mr o i y m").key == "mr d i y m"
        assert resolve_vendor(s, "mr o i y kuchai") is None
        # a tax id with a letter O read for a zero; one digit off stays another company
        assert resolve_vendor(s, "0OO781500416").key == "000781500416"
        assert resolve_vendor(s, "000781500417") is None
        # tax id first, then the name: a new tax id finds the vendor known only by name,
        # a name whose vendor has another tax id on record does not
        assert resolve_vendor_keys(s, ["000306020352", "mr d i y m"]).key == "mr d i y m"
        assert resolve_vendor_keys(s, ["000111222333", "kedai papan yew chuan"]) is None


def test_match_vendor_without_a_database() -> None:
    known = [KnownVendor(1, "acme widgets", "ACME Widgets Ltd"),
             KnownVendor(2, "DE136695976", "Northwind Traders GmbH", "DE136695976")]
    assert match_vendor("acme widgetz", known).ident == 1
    assert match_vendor("northwind traders", known).ident == 2
    assert match_vendor("DE136695976", known).ident == 2
    assert match_vendor("kalo trading", known) is None
    assert match_keys(["DE136695976", "acme widgets"], known).ident == 2
    assert match_keys(["FR00123456789", "northwind traders"], known) is None
    assert match_keys([], known) is None


def test_the_new_vendor_control_matches_strictly(tmp_path: Path) -> None:
    sessions = _db(tmp_path)
    with session_scope(sessions) as s:
        s.add(Vendor(key="000781500416", name="KEDAI PAPAN YEW CHUAN", tax_id="000781500416",
                     ibans=["MY1"]))
        s.add(Vendor(key="mr d i y m", name="MR. D.I.Y. (M) SDN BHD", tax_id=None, ibans=[]))
    with session_scope(sessions) as s:
        ctx = DbPolicyContext(s)
        # hints and bank checks find the vendor through OCR's confusions ...
        assert resolve_vendor(s, "mr o i y m") is not None
        assert ctx.known_ibans("0OO781500416") == ["MY1"]
        # ... the new-vendor control does not: a look-alike name or tax id is a new vendor
        assert not ctx.vendor_known("mr o i y m")
        assert not ctx.vendor_known("0OO781500416")
        assert ctx.vendor_known("mr d i y m") and ctx.vendor_known("000781500416")
        assert ctx.vendor_known("kedai papan yew chuan")  # its recorded name, exactly


def test_policy_context_looks_each_vendor_up_once(tmp_path: Path) -> None:
    # an invoice's rules ask for the same vendor many times; the master is read once per
    # key (and strictness), with the same answers as before
    sessions = _db(tmp_path)
    with session_scope(sessions) as s:
        s.add(Vendor(key="northwind traders", name="Northwind Traders", ibans=["DE1"]))
    asked: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        if "FROM vendors" in statement:
            asked.append(statement)

    engine = sessions.kw["bind"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        with session_scope(sessions) as s:
            ctx = DbPolicyContext(s)
            for _ in range(3):
                assert ctx.known_ibans("northwind trader") == ["DE1"]
                assert ctx.vendor_known("northwind trader")
                assert ctx.invoices_with_number("northwind trader", "inv42", None) == []
                assert ctx.bank_changes("northwind trader") == []
                assert ctx.known_ibans("tesco extra") == []
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # by key, then the scan of every vendor, for the fuzzy (+ the entry found), the strict
    # and the unknown name: 3 + 2 + 2, however often the rules ask
    assert len(asked) == 7
