"""Traced evaluation gives `evaluate`'s violations plus what each rule read; a replay on
the recorded inputs (through JSON, as stored) gives the same outcome, and a changed input,
an input the record lacks, or a redacted SSN is reported, never guessed."""

from __future__ import annotations

import json
from dataclasses import replace

from policy_helpers import TODAY, make_fields

from extractors.types import Field
from policies import evaluate, vendor_key
from policies.replay import replay
from policies.rules.base import Rule
from policies.trace import Outcome, RuleTrace, evaluate_traced
from policies.version import POLICY_VERSION


def _invoice(**over):
    values = dict(vendor_name="Acme Widgets GmbH", vendor_tax_id="DE 123 456 789",
                  invoice_number="INV-0042", invoice_date="2026-03-10",
                  due_date="2026-04-09", subtotal="100.00", tax_amount="19.00",
                  total_amount="119.00", currency="EUR", iban="DE89370400440532013000")
    values.update(over)
    return make_fields(**{k: v for k, v in values.items() if v is not None})


def _stored(trace: RuleTrace) -> RuleTrace:
    """The trace as the decision log gives it back: through canonical JSON text."""
    return RuleTrace.from_json(json.loads(json.dumps(trace.to_json(), sort_keys=True)))


def _scenario(ctx):
    fields = _invoice(total_amount="125.00", invoice_number="inv 42")
    key = vendor_key(fields)
    ctx.add_vendor(key, ["DE44500105175407324931"])
    ctx.add_invoice("doc_old", key, "INV-0042", "119.00", "2026-03-01")
    ctx.add_invoice("doc_near", key, "INV-0777", "125.00", "2026-03-08")
    return fields


def test_traced_violations_are_evaluates(ctx, config):
    fields = _scenario(ctx)
    plain = evaluate("invoice", None, fields, ctx, config, document_id="doc_new", today=TODAY)
    traced = evaluate_traced("invoice", None, fields, ctx, config, document_id="doc_new",
                             today=TODAY)
    assert [v.to_json() for v in traced.violations] == [v.to_json() for v in plain]
    fired = {v.rule for v in plain}
    assert {"ap.duplicate_invoice", "ap.possible_duplicate", "ap.arithmetic_total",
            "ap.bank_details_changed"} <= fired
    assert {t.rule for t in traced.traces if t.outcome is Outcome.FAIL} == fired
    assert all(t.policy_version == POLICY_VERSION for t in traced.traces)


def test_each_trace_holds_what_its_rule_read(ctx, config):
    fields = _scenario(ctx)
    traces = {t.rule: t for t in evaluate_traced("invoice", None, fields, ctx, config,
                                                 document_id="doc_new", today=TODAY).traces}
    arithmetic = traces["ap.arithmetic_total"].inputs
    assert set(arithmetic.fields) == {"subtotal", "tax_amount", "total_amount"}
    assert arithmetic.fields["total_amount"]["normalized"] == "125.00"
    assert set(arithmetic.config) == {"amount_tolerance"}
    assert arithmetic.context == []
    dup = traces["ap.duplicate_invoice"].inputs
    assert [c.method for c in dup.context] == ["invoices_with_number"]
    assert dup.context[0].answer[0]["document_id"] == "doc_old"
    assert dup.vendor_key == "DE123456789" and dup.today == TODAY.isoformat()
    missing_tax = traces["ap.missing_tax_id"].inputs  # stops at a total below its limit
    assert set(missing_tax.fields) == {"total_amount"}
    assert missing_tax.config == {"tax_id_required_above": "1000.00"}


def test_replay_on_stored_inputs_gives_the_same_outcome(ctx, config):
    fields = _scenario(ctx)
    traces = evaluate_traced("invoice", None, fields, ctx, config, document_id="doc_new",
                             today=TODAY).traces
    ctx.invoices.clear()  # the world moved on: replay must not ask it again
    results = [replay(_stored(t)) for t in traces]
    assert all(r.same for r in results), [(r.rule, r.gaps) for r in results if not r.same]
    assert not any(r.version_differs for r in results)
    assert any(r.recorded is Outcome.FAIL for r in results)


def test_changed_recorded_answer_changes_the_replay(ctx, config):
    fields = _scenario(ctx)
    trace = next(t for t in evaluate_traced("invoice", None, fields, ctx, config,
                                            document_id="doc_new", today=TODAY).traces
                 if t.rule == "ap.duplicate_invoice")
    data = trace.to_json()
    data["inputs"]["context"][0]["answer"] = []  # no earlier invoice with that number
    result = replay(RuleTrace.from_json(data))
    assert result.recorded is Outcome.FAIL and result.replayed is Outcome.PASS
    assert not result.same and not result.gaps


def test_input_missing_from_the_record_is_named(ctx, config):
    def arithmetic() -> RuleTrace:
        return _stored(next(t for t in evaluate_traced("invoice", None, _invoice(), ctx,
                                                       config, today=TODAY).traces
                            if t.rule == "ap.arithmetic_total"))

    no_field = arithmetic()
    del no_field.inputs.fields["tax_amount"]
    no_setting = arithmetic()
    del no_setting.inputs.config["amount_tolerance"]
    for trace, gap in ((no_field, "field tax_amount was not read when recorded"),
                       (no_setting, "setting amount_tolerance was not read when recorded")):
        result = replay(trace)
        assert not result.same and result.gaps == [gap]
    assert replay(arithmetic()).same


def test_other_policy_version_is_said(ctx, config):
    trace = evaluate_traced("invoice", None, _invoice(), ctx, config, today=TODAY).traces[0]
    old = replace(trace, policy_version="2025.4")
    result = replay(_stored(old))
    assert result.version_differs and result.recorded_version == "2025.4"
    assert result.same  # the same outcome; the version difference is reported on its own


def test_unknown_rule_is_not_replayable(ctx, config):
    trace = evaluate_traced("invoice", None, _invoice(), ctx, config, today=TODAY).traces[0]
    result = replay(replace(trace, rule="ap.retired_rule"))
    assert not result.same and "not in policy version" in result.gaps[0]


def test_unmasked_ssn_never_enters_a_trace(ctx, config):
    fields = make_fields(employee_name="Jane Roe", notes="SSN 123-45-6789 on file")
    evaluation = evaluate_traced("hr", "w4", fields, ctx, config, today=TODAY)
    assert "hr.ssn_exposed" in {v.rule for v in evaluation.violations}
    text = json.dumps([t.to_json() for t in evaluation.traces])
    assert "6789" not in text and "123-45" not in text
    ssn = next(t for t in evaluation.traces if t.rule == "hr.ssn_exposed")
    assert ssn.inputs.fields["notes"] == {"redacted": "ssn"}
    result = replay(_stored(ssn))
    assert not result.same
    assert "field notes was recorded redacted (ssn)" in result.gaps


def test_rule_that_crashes_is_recorded_and_replayed_as_error(ctx, config, monkeypatch):
    from policies import engine

    def broken(inp):
        return [] if inp.get("total_amount") is None else 1 / 0

    rule = Rule("test.broken", ("invoice",), "low", "always crashes", broken)
    monkeypatch.setattr(engine, "ALL_RULES", [rule])
    trace = evaluate_traced("invoice", None, _invoice(), ctx, config, today=TODAY).traces[0]
    assert trace.outcome is Outcome.ERROR
    assert trace.violations[0]["evidence"] == {"failed_rule": "test.broken"}
    assert replay(_stored(trace), rules=[rule]).same


def test_field_snapshot_round_trips():
    fields = {"line_items": Field(value=[{"amount": "1.00"}], normalized=[{"amount": "1.00"}],
                                  confidence=0.5, page=2, bbox=(1.0, 2.0, 3.0, 4.0),
                                  source="table")}
    from policies.config import PolicyConfig
    from policies.context import MemoryPolicyContext

    trace = next(t for t in evaluate_traced("invoice", None, fields, MemoryPolicyContext(),
                                            PolicyConfig(), today=TODAY).traces
                 if t.rule == "ap.line_items_sum")
    assert trace.inputs.fields["line_items"]["bbox"] == [1.0, 2.0, 3.0, 4.0]
    assert replay(_stored(trace)).same
