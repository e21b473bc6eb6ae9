from __future__ import annotations

import pytest
from policy_helpers import TODAY, make_fields

from policies import evaluate, vendor_key
from policies.keys import normalize_invoice_number


def rules_of(violations):
    return [v.rule for v in violations]


def run(fields, ctx, config, doc_type="invoice", document_id="doc_new"):
    return evaluate(doc_type, None, fields, ctx, config, document_id=document_id, today=TODAY)


def base_invoice(**over):
    values = dict(
        vendor_name="Acme Widgets GmbH",
        vendor_tax_id="DE 136 695 976",
        invoice_number="INV-0042",
        invoice_date="2026-03-10",
        due_date="2026-04-09",
        subtotal="100.00",
        tax_amount="19.00",
        total_amount="119.00",
        currency="EUR",
    )
    values.update(over)
    return make_fields(**{k: v for k, v in values.items() if v is not None})


def test_clean_invoice_from_known_vendor_has_no_violations(ctx, config):
    fields = base_invoice()
    ctx.add_vendor(vendor_key(fields))
    assert run(fields, ctx, config) == []


def test_invoice_number_normal_form():
    assert normalize_invoice_number(" # INV-000042 ") == normalize_invoice_number("inv-42")
    assert normalize_invoice_number("100") != normalize_invoice_number("10")


def test_vendor_key_prefers_tax_id_and_strips_legal_suffixes():
    assert vendor_key(make_fields(vendor_tax_id="de-123.456.789", vendor_name="X")) == (
        "DE123456789"
    )
    a = vendor_key(make_fields(vendor_name="ACME Widgets, Inc."))
    b = vendor_key(make_fields(vendor_name="Acme Widgets Corporation"))
    assert a == b == "acme widgets"
    assert vendor_key({}) is None


def test_duplicate_invoice(ctx, config):
    fields = base_invoice(invoice_number="# inv 42")
    key = vendor_key(fields)
    ctx.add_invoice("doc_old", key, "INV-0042", "119.00", "2026-01-02")
    vs = [v for v in run(fields, ctx, config) if v.rule == "ap.duplicate_invoice"]
    assert len(vs) == 1 and vs[0].severity == "high"
    assert vs[0].evidence["other_document_ids"] == ["doc_old"]
    assert "doc_old" in vs[0].message
    # the document itself is not its own duplicate
    assert "ap.duplicate_invoice" not in rules_of(run(fields, ctx, config, document_id="doc_old"))


def test_duplicate_needs_same_vendor(ctx, config):
    ctx.add_invoice("doc_old", "OTHERVENDOR1", "INV-0042", "119.00", "2026-03-10")
    assert "ap.duplicate_invoice" not in rules_of(run(base_invoice(), ctx, config))


def test_possible_duplicate(ctx, config):
    fields = base_invoice()
    key = vendor_key(fields)
    ctx.add_invoice("doc_near", key, "INV-0777", "119.00", "2026-03-05")
    ctx.add_invoice("doc_far", key, "INV-0040", "119.00", "2026-01-05")
    ctx.add_invoice("doc_other_total", key, "INV-0039", "120.00", "2026-03-09")
    vs = [v for v in run(fields, ctx, config) if v.rule == "ap.possible_duplicate"]
    assert len(vs) == 1 and vs[0].severity == "medium"
    assert vs[0].evidence["other_document_ids"] == ["doc_near"]


def test_exact_duplicate_is_not_also_a_possible_duplicate(ctx, config):
    fields = base_invoice()
    ctx.add_invoice("doc_old", vendor_key(fields), "INV-42", "119.00", "2026-03-10")
    assert rules_of(run(fields, ctx, config)).count("ap.possible_duplicate") == 0


@pytest.mark.parametrize(
    ("doc_type", "total", "flagged"),
    [
        ("invoice", "119.00", False),
        ("invoice", "119.01", False),
        ("invoice", "119.03", True),
        ("receipt", "119.05", False),
        ("receipt", "119.10", True),
    ],
)
def test_arithmetic_total(ctx, config, doc_type, total, flagged):
    vs = run(base_invoice(total_amount=total), ctx, config, doc_type=doc_type)
    hit = [v for v in vs if v.rule == "ap.arithmetic_total"]
    assert bool(hit) is flagged
    if flagged:
        assert hit[0].evidence["expected_total"] == "119.00"


def test_arithmetic_skipped_without_tax(ctx, config):
    assert "ap.arithmetic_total" not in rules_of(
        run(base_invoice(tax_amount=None, total_amount="500.00"), ctx, config)
    )


def test_line_items_sum(ctx, config):
    ok = [{"description": "a", "amount": "60.00"}, {"description": "b", "amount": "40.00"}]
    bad = [{"description": "a", "amount": "60.00"}, {"description": "b", "amount": "30.00"}]
    assert "ap.line_items_sum" not in rules_of(run(base_invoice(line_items=ok), ctx, config))
    vs = [v for v in run(base_invoice(line_items=bad), ctx, config) if v.rule == "ap.line_items_sum"]
    assert vs and vs[0].evidence["line_items_sum"] == "90.00"
    assert vs[0].evidence["compared_field"] == "subtotal"
    # without a subtotal the lines are compared with the total
    no_sub = base_invoice(subtotal=None, tax_amount=None, total_amount="90.00", line_items=bad)
    assert "ap.line_items_sum" not in rules_of(run(no_sub, ctx, config))


def test_line_items_at_prices_with_tax_included_add_up_to_the_total(ctx, config):
    """Receipts and European shop bills print gross prices: lines that add up to the total
    (or to the total less the tax) are consistent; lines that add up to none of subtotal,
    total and total - tax are still a finding."""
    gross = [{"description": "a", "amount": "71.40"}, {"description": "b", "amount": "47.60"}]
    assert "ap.line_items_sum" not in rules_of(run(base_invoice(line_items=gross), ctx, config))
    no_sub = base_invoice(subtotal=None, line_items=[{"description": "a", "amount": "100.00"}])
    assert "ap.line_items_sum" not in rules_of(run(no_sub, ctx, config))
    off = [{"description": "a", "amount": "71.40"}, {"description": "b", "amount": "40.00"}]
    vs = [v for v in run(base_invoice(line_items=off), ctx, config)
          if v.rule == "ap.line_items_sum"]
    assert vs and vs[0].evidence["compared_field"] == "subtotal"
    assert vs[0].evidence["line_items_sum"] == "111.40"


def test_line_items_sum_not_judged_below_the_confidence_floor(ctx, config):
    """Lines read below `judge_min_confidence["line_items"]` raise no sum finding; at or
    above it (or with the floor lowered) the same lines do."""
    bad = [{"description": "a", "amount": "60.00"}, {"description": "b", "amount": "30.00"}]
    floor = config.judge_min_confidence["line_items"]
    assert 0 < floor < 1

    def finds(confidence, cfg=config):
        return "ap.line_items_sum" in rules_of(
            run(base_invoice(line_items=(bad, confidence)), ctx, cfg))

    assert not finds(floor - 0.01)
    assert not finds(0.2)
    assert finds(floor)  # a confident list capped at 0.5 for missing the subtotal
    assert finds(0.95)
    config.judge_min_confidence = {}
    assert finds(0.2)
    # agreeing lines stay silent on both sides of the floor
    ok = [{"description": "a", "amount": "60.00"}, {"description": "b", "amount": "40.00"}]
    assert "ap.line_items_sum" not in rules_of(run(base_invoice(line_items=(ok, 0.95)), ctx,
                                                   config))


def test_dates(ctx, config):
    assert "ap.due_before_issue" in rules_of(run(base_invoice(due_date="2026-03-01"), ctx, config))
    vs = rules_of(run(base_invoice(invoice_date="2026-03-20", due_date=None), ctx, config))
    assert "ap.future_dated" in vs
    assert "ap.future_dated" not in rules_of(
        run(base_invoice(invoice_date="2026-03-17", due_date=None), ctx, config)
    )
    stale = rules_of(run(base_invoice(invoice_date="2025-03-01", due_date=None), ctx, config))
    assert "ap.stale_invoice" in stale
    assert "ap.stale_invoice" not in rules_of(run(base_invoice(), ctx, config))


VALID_IBAN = "DE89370400440532013000"
OTHER_VALID_IBAN = "GB82WEST12345698765432"


def test_invalid_iban(ctx, config):
    assert "ap.invalid_iban" not in rules_of(run(base_invoice(iban=VALID_IBAN), ctx, config))
    vs = [v for v in run(base_invoice(iban="DE89370400440532013001"), ctx, config)
          if v.rule == "ap.invalid_iban"]
    assert vs and vs[0].severity == "high"
    assert "0532013001" not in vs[0].message  # evidence masks the account


def test_bank_details_changed(ctx, config):
    fields = base_invoice(iban="GB82 WEST 1234 5698 7654 32")
    key = vendor_key(fields)
    ctx.add_vendor(key, ibans=[VALID_IBAN])
    vs = [v for v in run(fields, ctx, config) if v.rule == "ap.bank_details_changed"]
    assert vs and vs[0].severity == "high"
    # same account, other spacing: fine
    same = base_invoice(iban="de89 3704 0044 0532 0130 00")
    assert "ap.bank_details_changed" not in rules_of(run(same, ctx, config))


def test_bank_details_not_checked_for_unknown_vendor(ctx, config):
    vs = rules_of(run(base_invoice(iban=OTHER_VALID_IBAN), ctx, config))
    assert "ap.bank_details_changed" not in vs
    assert "ap.new_vendor" in vs


def test_missing_required(ctx, config):
    vs = [v for v in run(base_invoice(invoice_number=None, total_amount=None), ctx, config)
          if v.rule == "ap.missing_required"]
    assert vs and vs[0].evidence["missing"] == ["total_amount", "invoice_number"]
    # receipts do not need an invoice number
    receipt = base_invoice(invoice_number=None)
    assert "ap.missing_required" not in rules_of(run(receipt, ctx, config, doc_type="receipt"))


def test_missing_tax_id(ctx, config):
    big = base_invoice(vendor_tax_id=None, subtotal=None, tax_amount=None, total_amount="2500.00")
    assert "ap.missing_tax_id" in rules_of(run(big, ctx, config))
    small = base_invoice(vendor_tax_id=None)
    assert "ap.missing_tax_id" not in rules_of(run(small, ctx, config))


def test_approval_required(ctx, config):
    fields = base_invoice(subtotal=None, tax_amount=None, total_amount="12000.00")
    vs = [v for v in run(fields, ctx, config) if v.rule == "ap.approval_required"]
    assert vs and "5000.00" in vs[0].message
    assert vs[0].evidence["required_role"] == "approver"
    huge = base_invoice(subtotal=None, tax_amount=None, total_amount="90000.00")
    v = next(v for v in run(huge, ctx, config) if v.rule == "ap.approval_required")
    assert v.evidence["required_role"] is None
    assert "ap.approval_required" not in rules_of(run(base_invoice(), ctx, config))


def test_new_vendor(ctx, config):
    fields = base_invoice()
    assert "ap.new_vendor" in rules_of(run(fields, ctx, config))
    ctx.add_invoice("doc_old", vendor_key(fields), "INV-1", "10.00", "2026-01-01")
    assert "ap.new_vendor" not in rules_of(run(fields, ctx, config))


def test_ap_rules_do_not_apply_to_contracts(ctx, config):
    vs = rules_of(run(base_invoice(due_date="2020-01-01"), ctx, config, doc_type="contract"))
    assert not [r for r in vs if r.startswith("ap.")]


def test_disabled_rules(ctx, config):
    config.disabled_rules = ["ap.new_vendor"]
    assert "ap.new_vendor" not in rules_of(run(base_invoice(), ctx, config))


def test_violations_carry_policy_version(ctx, config):
    vs = run(base_invoice(), ctx, config)
    assert vs and all(v.policy_version == "2026.1" for v in vs)
