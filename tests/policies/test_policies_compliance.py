"""The compliance desk's rules: each fires on its case and stays silent on a near miss."""

from __future__ import annotations

from datetime import date

import pytest
from policy_helpers import TODAY, make_fields

from policies import evaluate, load_config, vendor_key
from policies.context import ContractTerms, OrderLine, PurchaseOrder
from policies.keys import numbers_related
from policies.replay import replay
from policies.trace import evaluate_traced


def rules_of(violations):
    return [v.rule for v in violations]


def run(fields, ctx, config, doc_type="invoice", document_id="doc_new", today=TODAY):
    return evaluate(doc_type, None, fields, ctx, config, document_id=document_id, today=today)


def invoice(**over):
    values = dict(vendor_name="Acme Widgets GmbH", invoice_number="INV-20417",
                  invoice_date="2026-03-10", total_amount="1190.00", currency="EUR")
    values.update(over)
    return make_fields(**{k: v for k, v in values.items() if v is not None})


def add(ctx, doc_id, number, total, when, name="Acme Widgets GmbH", iban=None, key=None):
    fields = make_fields(vendor_name=name)
    ctx.add_invoice(doc_id, key or vendor_key(fields), number, total, when, iban=iban,
                    vendor_name=name)


# ------------------------------------------------------------------ fuzzy duplicates
@pytest.mark.parametrize("other_number,how", [
    ("INV-20418", "edit"),        # one character apart
    ("INV-2O417", "edit"),        # OCR reads a zero as the letter O
    ("INV-20417-RE", "affix"),    # suffix added
    ("2026/INV-20417", "affix"),  # prefix added
])
def test_fuzzy_duplicate_fires(ctx, config, other_number, how):
    add(ctx, "doc_old", other_number, "1185.00", "2026-02-20")  # 0.4 % less, 18 days
    vs = [v for v in run(invoice(), ctx, config) if v.rule == "ap.fuzzy_duplicate"]
    assert len(vs) == 1 and vs[0].severity == "high"
    assert vs[0].evidence["others"][0]["number_match"] == how
    assert vs[0].evidence["other_document_ids"] == ["doc_old"]


def test_fuzzy_duplicate_matches_vendor_by_iban_and_by_similar_name(ctx, config):
    add(ctx, "doc_iban", "INV-20418", "1190.00", "2026-03-01", name="Totally Other Ltd",
        iban="DE89 3704 0044 0532 0130 00")
    add(ctx, "doc_name", "INV-20416", "1190.00", "2026-03-02", name="ACME Widgetts")
    fields = invoice(iban="DE89370400440532013000")
    v = next(v for v in run(fields, ctx, config) if v.rule == "ap.fuzzy_duplicate")
    how = {o["document_id"]: o["vendor_match"] for o in v.evidence["others"]}
    assert how == {"doc_iban": "iban", "doc_name": "name"}


@pytest.mark.parametrize("number,total,when,name", [
    ("INV-20491", "1190.00", "2026-03-01", "Acme Widgets GmbH"),  # two edits apart
    ("INV-20418", "1203.00", "2026-03-01", "Acme Widgets GmbH"),  # 1.1 % more
    ("INV-20418", "1190.00", "2026-02-07", "Acme Widgets GmbH"),  # 31 days earlier
    ("INV-20418", "1190.00", "2026-03-01", "Bolt Fasteners Ltd"),  # another vendor
])
def test_fuzzy_duplicate_near_misses(ctx, config, number, total, when, name):
    add(ctx, "doc_old", number, total, when, name=name)
    assert "ap.fuzzy_duplicate" not in rules_of(run(invoice(), ctx, config))


def test_exact_duplicate_is_left_to_the_exact_rule(ctx, config):
    add(ctx, "doc_old", "inv 20417", "1190.00", "2026-03-01")
    vs = rules_of(run(invoice(), ctx, config))
    assert "ap.duplicate_invoice" in vs and "ap.fuzzy_duplicate" not in vs


def test_short_numbers_must_be_equal():
    assert numbers_related("12", "13", 1, 3) is None
    assert numbers_related("12", "#12", 1, 3) == "equal"
    assert numbers_related("123", "124", 1, 3) == "edit"


# ------------------------------------------------------------------ split invoices
def test_split_invoice_fires_when_parts_pass_the_limit(ctx, config):
    add(ctx, "doc_a", "S-1", "2400.00", "2026-03-10")
    add(ctx, "doc_b", "S-2", "2000.00", "2026-03-10")
    vs = [v for v in run(invoice(invoice_number="S-3", total_amount="1500.00"), ctx, config)
          if v.rule == "ap.split_invoice"]
    assert len(vs) == 1
    assert vs[0].evidence["combined_total"] == "5900.00"
    assert sorted(vs[0].evidence["other_document_ids"]) == ["doc_a", "doc_b"]


@pytest.mark.parametrize("others", [
    [("S-1", "2400.00", "2026-03-10"), ("S-2", "1000.00", "2026-03-10")],  # 4900 <= 5000
    [("S-1", "2400.00", "2026-03-09"), ("S-2", "2000.00", "2026-03-11")],  # other days
])
def test_split_invoice_near_misses(ctx, config, others):
    for k, (number, total, when) in enumerate(others):
        add(ctx, f"doc_{k}", number, total, when)
    fields = invoice(invoice_number="S-3", total_amount="1500.00")
    assert "ap.split_invoice" not in rules_of(run(fields, ctx, config))


def test_split_invoice_of_another_vendor_does_not_count(ctx, config):
    add(ctx, "doc_a", "S-1", "4000.00", "2026-03-10", name="Bolt Fasteners Ltd")
    fields = invoice(invoice_number="S-3", total_amount="1500.00")
    assert "ap.split_invoice" not in rules_of(run(fields, ctx, config))


# ------------------------------------------------------------------ vendor master
def test_vat_id_checked_with_stdnum(ctx, config):
    bad = invoice(vendor_tax_id="DE136695977", vendor_address="Hauptstr. 1, Berlin, Germany")
    v = next(v for v in run(bad, ctx, config) if v.rule == "vendor.vat_invalid")
    assert v.evidence["problem"] == "invalid"
    good = invoice(vendor_tax_id="DE136695976", vendor_address="Hauptstr. 1, Berlin, Germany")
    assert "vendor.vat_invalid" not in rules_of(run(good, ctx, config))


def test_vat_id_country_must_match_the_address(ctx, config):
    moved = invoice(vendor_tax_id="DE136695976", vendor_address="12 Rue X, 75001 Paris, France")
    v = next(v for v in run(moved, ctx, config) if v.rule == "vendor.vat_invalid")
    assert v.evidence == {"vat_id": "DE136695976", "problem": "country", "vat_country": "DE",
                          "vendor_country": "FR"}
    ein = invoice(vendor_tax_id="12-3456789", vendor_address="1 Main St, Austin, TX, USA")
    assert "vendor.vat_invalid" not in rules_of(run(ein, ctx, config))


def test_iban_country_differs_from_vendor_country(ctx, config):
    fields = invoice(iban="GB82 WEST 1234 5698 7654 32", vendor_address="Berlin, Germany")
    v = next(v for v in run(fields, ctx, config) if v.rule == "vendor.iban_country")
    assert (v.evidence["iban_country"], v.evidence["vendor_country"]) == ("GB", "DE")
    home = invoice(iban="DE89370400440532013000", vendor_address="Berlin, Germany")
    assert "vendor.iban_country" not in rules_of(run(home, ctx, config))
    unknown = invoice(iban="GB82WEST12345698765432", vendor_address="Hauptstr. 1, Berlin")
    assert "vendor.iban_country" not in rules_of(run(unknown, ctx, config))


def test_bank_details_changed_shortly_before_payment(ctx, config):
    fields = invoice(iban="DE89370400440532013000")
    key = vendor_key(fields)
    ctx.add_bank_change(key, "2026-01-05")  # 70 days before: outside the 30-day window
    assert "ap.recent_bank_change" not in rules_of(run(fields, ctx, config))
    ctx.add_bank_change(key, "2026-03-01")  # 15 days before
    v = next(v for v in run(fields, ctx, config) if v.rule == "ap.recent_bank_change")
    assert v.evidence["changed_on"] == ["2026-03-01"]
    no_payment = invoice()  # no bank details on it: nothing to divert
    assert "ap.recent_bank_change" not in rules_of(run(no_payment, ctx, config))


def test_self_invoicing(ctx, config):
    config.own_company_names = ["Backoffice Holdings B.V."]
    config.own_ibans = ["NL91ABNA0417164300"]
    by_name = invoice(vendor_name="BACKOFFICE HOLDINGS BV")
    assert "vendor.self_invoicing" in rules_of(run(by_name, ctx, config))
    by_iban = invoice(iban="NL91 ABNA 0417 1643 00")
    assert "vendor.self_invoicing" in rules_of(run(by_iban, ctx, config))
    near = invoice(vendor_name="Backoffice Supplies Ltd")
    assert "vendor.self_invoicing" not in rules_of(run(near, ctx, config))


# ------------------------------------------------------------------ contracts
def test_governing_law_outside_allowed_list(ctx, config):
    v = next(v for v in run(make_fields(governing_law="Ontario", signed="true"), ctx, config,
                             doc_type="contract") if v.rule == "contract.governing_law")
    assert v.evidence["governing_law"] == "Ontario"
    ok = make_fields(governing_law="england & wales", signed="true")
    assert "contract.governing_law" not in rules_of(run(ok, ctx, config, doc_type="contract"))


def test_invoice_payment_terms_above_the_contract(ctx, config):
    ctx.add_contract(ContractTerms("doc_msa", ["Acme Widgets Inc.", "Us Corp"], 30))
    long_terms = invoice(payment_terms="Net 60")
    v = next(v for v in run(long_terms, ctx, config)
             if v.rule == "ap.terms_over_contract")
    assert (v.evidence["invoice_days"], v.evidence["contract_days"]) == (60, 30)
    by_dates = invoice(due_date="2026-04-24")  # 45 days after the invoice date
    assert "ap.terms_over_contract" in rules_of(run(by_dates, ctx, config))
    within = invoice(payment_terms="Net 30")
    assert "ap.terms_over_contract" not in rules_of(run(within, ctx, config))
    other = invoice(vendor_name="Bolt Fasteners Ltd", payment_terms="Net 60")
    assert "ap.terms_over_contract" not in rules_of(run(other, ctx, config))


# ------------------------------------------------------------------ three-way match
def order(number="PO-7001", qty="8", price="100.00", received="8", name="Acme Widgets GmbH"):
    return PurchaseOrder(number, vendor_key(make_fields(vendor_name=name)), name, "EUR",
                         (OrderLine(1, "Widget", qty, price, received),))


def po_invoice(**over):
    items = [{"description": "Widget", "quantity": "10", "unit_price": "100.00",
              "amount": "1000.00"}]
    values = dict(po_number="PO 7001", subtotal="1000.00", tax_amount="0.00",
                  total_amount="1000.00", line_items=items)
    values.update(over)
    return invoice(**values)


def test_quantity_above_the_order_is_over_invoicing(ctx, config):
    ctx.add_order(order(qty="8", received="10"))
    v = next(v for v in run(po_invoice(), ctx, config) if v.rule == "ap.po_over_invoiced")
    assert v.evidence["matched_by"] == "po_number"
    assert any("quantity 10 is above the ordered 8" in p for p in v.evidence["problems"])


def test_invoice_within_the_order_and_receipts_passes(ctx, config):
    ctx.add_order(order(qty="10", received="10"))
    vs = rules_of(run(po_invoice(), ctx, config))
    assert not {"ap.po_over_invoiced", "ap.goods_not_received", "ap.missing_po"} & set(vs)
    # 1.5 % above the order's price is within the 2 % tolerance
    vs = rules_of(run(po_invoice(subtotal="1015.00", total_amount="1015.00", line_items=None),
                      ctx, config))
    assert "ap.po_over_invoiced" not in vs


def test_unreceived_goods(ctx, config):
    ctx.add_order(order(qty="10", received="6"))
    v = next(v for v in run(po_invoice(), ctx, config) if v.rule == "ap.goods_not_received")
    assert "received 6" in v.evidence["problem"]
    # without quantities the value of the goods received is compared
    vs = rules_of(run(po_invoice(line_items=None), ctx, config))
    assert "ap.goods_not_received" in vs


def test_order_matched_by_vendor_and_amount(ctx, config):
    ctx.add_order(order(number="PO-9", qty="10", received="10"))
    fields = po_invoice(po_number=None, subtotal="6000.00", total_amount="6000.00",
                        line_items=None)
    assert "ap.missing_po" in rules_of(run(fields, ctx, config))  # 6000 matches no order
    fields = po_invoice(po_number=None, line_items=None, total_amount="5900.00",
                        subtotal="1000.00")
    vs = rules_of(run(fields, ctx, config))
    assert "ap.missing_po" not in vs and "ap.po_over_invoiced" not in vs


def test_missing_po_only_above_the_configured_total(ctx, config):
    assert "ap.missing_po" in rules_of(run(invoice(total_amount="5000.01"), ctx, config))
    assert "ap.missing_po" not in rules_of(run(invoice(total_amount="5000.00"), ctx, config))


# ------------------------------------------------------------------ settings, replay
def test_thresholds_come_from_policies_toml(tmp_path, ctx):
    (tmp_path / "policies.toml").write_text(
        "fuzzy_amount_percent = \"5\"\nfuzzy_window_days = 60\n", encoding="utf-8")
    config = load_config(tmp_path)
    add(ctx, "doc_old", "INV-20418", "1140.00", "2026-01-20")  # 4.2 % less, 49 days
    assert "ap.fuzzy_duplicate" in rules_of(run(invoice(), ctx, config))
    assert "ap.fuzzy_duplicate" not in rules_of(run(invoice(), ctx, load_config(None)))
    (tmp_path / "policies.toml").write_text("split_limit_role = \"cfo\"\n", encoding="utf-8")
    with pytest.raises(ValueError, match="split_limit_role"):
        load_config(tmp_path)


def test_new_rules_replay_from_their_trace(ctx, config):
    add(ctx, "doc_old", "INV-20418", "1190.00", "2026-03-01")
    ctx.add_order(order(qty="8", received="8"))
    fields = po_invoice(invoice_number="INV-20417", total_amount="1190.00")
    traces = {t.rule: t for t in evaluate_traced("invoice", None, fields, ctx, config,
                                                 document_id="doc_new", today=TODAY).traces}
    for rule in ("ap.fuzzy_duplicate", "ap.po_over_invoiced"):
        assert traces[rule].violations
        again = replay(traces[rule])
        assert again.same, again


def test_today_is_used_for_bank_changes(ctx, config):
    fields = invoice(iban="DE89370400440532013000")
    ctx.add_bank_change(vendor_key(fields), "2026-03-01")
    later = date(2026, 5, 1)
    assert "ap.recent_bank_change" not in rules_of(run(fields, ctx, config, today=later))


def test_a_related_number_is_one_finding_not_two(ctx, config):
    add(ctx, "doc_old", "INV-20418", "1190.00", "2026-03-08")
    vs = rules_of(run(invoice(), ctx, config))
    assert "ap.fuzzy_duplicate" in vs and "ap.possible_duplicate" not in vs
    config.disabled_rules = ["ap.fuzzy_duplicate"]
    assert "ap.possible_duplicate" in rules_of(run(invoice(), ctx, config))
    unrelated = invoice(invoice_number="X-77")
    config.disabled_rules = []
    assert "ap.possible_duplicate" in rules_of(run(unrelated, ctx, config))


def test_order_found_by_vendor_name_when_the_invoice_shows_a_tax_id(ctx, config):
    ctx.add_order(order(number="PO-9", qty="10", received="10"))
    fields = po_invoice(po_number=None, line_items=None, total_amount="5900.00",
                        subtotal="1000.00", vendor_tax_id="DE136695976")
    assert "ap.missing_po" not in rules_of(run(fields, ctx, config))
    fields = po_invoice(po_number=None, line_items=None, total_amount="5900.00",
                        subtotal="5900.00", vendor_tax_id="DE136695976")
    assert "ap.missing_po" in rules_of(run(fields, ctx, config))
