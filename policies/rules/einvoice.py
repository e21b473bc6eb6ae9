"""Structured e-invoice rules: the XML that gets booked must agree with the PDF a person
reads, and must keep to its schema (the fields come from `extractors/einvoice.py`)."""

from __future__ import annotations

from decimal import Decimal

from policies.rules.base import Rule, RuleInput, fmt_money
from policies.types import Violation

INVOICE = ("invoice",)
EINVOICE_SOURCE = "e-invoice"  # extractors.einvoice.SOURCE


def _from_xml(inp: RuleInput, name: str) -> bool:
    f = inp.fields.get(name)
    return f is not None and f.source == EINVOICE_SOURCE


def visible_total_differs(inp: RuleInput) -> list[Violation]:
    xml_total, shown = inp.money("total_amount"), inp.money("visible_total_amount")
    if not _from_xml(inp, "total_amount") or xml_total is None or shown is None:
        return []
    if abs(xml_total - shown) <= Decimal(inp.config.amount_tolerance):
        return []
    return [EINVOICE_MISMATCH.violation(
        f"The e-invoice's XML says the total is {fmt_money(xml_total)}, but its PDF shows "
        f"{fmt_money(shown)}: the XML is what gets booked",
        xml_total_amount=fmt_money(xml_total), visible_total_amount=fmt_money(shown),
        difference=fmt_money(xml_total - shown))]


def schema_invalid(inp: RuleInput) -> list[Violation]:
    errors = inp.get("einvoice_errors")
    if not errors:
        return []
    return [EINVOICE_INVALID.violation(
        f"The e-invoice does not keep to its schema ({inp.get('einvoice_profile') or 'unknown profile'}): "
        f"{str(errors)[:300]}", profile=inp.get("einvoice_profile"), errors=str(errors))]


EINVOICE_MISMATCH = Rule(
    "ap.einvoice_mismatch", INVOICE, "high",
    "The total in an e-invoice's XML differs from the total its PDF shows.",
    visible_total_differs,
)
EINVOICE_INVALID = Rule(
    "ap.einvoice_invalid", INVOICE, "medium",
    "An e-invoice's XML does not validate against its profile's schema (its values are "
    "kept at lower confidence).", schema_invalid,
)
RULES = [EINVOICE_MISMATCH, EINVOICE_INVALID]
