"""hr.pay_stub_arithmetic: gross - deductions = net, hours x rate = gross (where printed)."""

from __future__ import annotations

from policy_helpers import make_fields

from policies import evaluate


def pay_findings(fields, ctx, config, subtype="pay_stub"):
    return [v for v in evaluate("hr", subtype, fields, ctx, config, document_id="d1")
            if v.rule == "hr.pay_stub_arithmetic"]


def test_consistent_stub_passes(ctx, config):
    f = make_fields(gross_pay="2400.00", total_deductions="240.00", net_pay="2160.00",
                    hours_worked="80.00", pay_rate="30.00")
    assert pay_findings(f, ctx, config) == []


def test_net_that_does_not_follow_from_gross_and_deductions(ctx, config):
    f = make_fields(gross_pay="2400.00", total_deductions="240.00", net_pay="2100.00")
    (v,) = pay_findings(f, ctx, config)
    assert v.evidence["check"] == "gross_minus_deductions" and "2160.00" in v.message


def test_hours_times_rate_off_by_more_than_a_cent(ctx, config):
    f = make_fields(gross_pay="2400.00", hours_worked="80.00", pay_rate="30.50")
    (v,) = pay_findings(f, ctx, config)
    assert v.evidence["check"] == "hours_times_rate"
    ok = make_fields(gross_pay="2440.01", hours_worked="80.00", pay_rate="30.50")
    assert pay_findings(ok, ctx, config) == []  # within 0.01


def test_net_above_gross_and_only_pay_stubs(ctx, config):
    f = make_fields(gross_pay="1000.00", net_pay="1200.00")
    assert [v.evidence["check"] for v in pay_findings(f, ctx, config)] == ["net_above_gross"]
    assert pay_findings(f, ctx, config, subtype="offer_letter") == []
    assert pay_findings(make_fields(gross_pay="1000.00"), ctx, config) == []  # nothing to check
