"""Fuzzy and split duplicates: where duplicate payments hide from an exact-number check.

`ap.fuzzy_duplicate`: the same vendor (same key, or names alike, or the same IBAN), an
invoice number that is the other's reprinted (equal after normalisation, one edit apart,
or with a prefix/suffix added), a total within a percentage and a date within a window.
An exact match under the same vendor key is `ap.duplicate_invoice` and is not repeated.

`ap.split_invoice`: several invoices of one vendor on one day, each within an approval
limit, that together pass it (an order cut in pieces to stay under the limit).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from policies.context import InvoiceRecord
from policies.keys import normalize_iban, normalize_invoice_number, numbers_related, same_vendor
from policies.rules.base import Rule, RuleInput, fmt_money, parse_date, parse_money
from policies.types import Violation

AP = ("invoice", "receipt")


def _vendor_match(inp: RuleInput, other: InvoiceRecord) -> str | None:
    iban = inp.get("iban")
    return same_vendor(
        inp.vendor_key, inp.get("vendor_name"), str(iban) if iban else None,
        other.vendor_key, other.vendor_name, other.iban,
        inp.config.vendor_name_similarity)


def _candidates(inp: RuleInput, window_days: int) -> list[InvoiceRecord]:
    when = inp.date("invoice_date")
    iban = inp.get("iban")
    return inp.ctx.invoices_near(
        inp.vendor_key, when.isoformat() if when else None, window_days,
        normalize_iban(str(iban)) if iban else None, inp.document_id)


def _within_percent(a: Decimal, b: Decimal, percent: Decimal) -> bool:
    return abs(a - b) <= max(abs(a), abs(b)) * percent / Decimal(100)


def _days_apart(a: date | None, b: date | None) -> int | None:
    return abs((a - b).days) if a and b else None


def fuzzy_duplicate(inp: RuleInput) -> list[Violation]:
    number, total = inp.get("invoice_number"), inp.money("total_amount")
    if not number or total is None or not (inp.vendor_key or inp.get("iban")):
        return []
    cfg = inp.config
    when = inp.date("invoice_date")
    percent = Decimal(str(cfg.fuzzy_amount_percent))
    own = normalize_invoice_number(str(number))
    matches = []
    for other in _candidates(inp, cfg.fuzzy_window_days):
        vendor_how = _vendor_match(inp, other)
        if vendor_how is None or not other.invoice_number:
            continue
        how = numbers_related(str(number), other.invoice_number, cfg.fuzzy_number_max_edits,
                              cfg.fuzzy_number_min_length)
        if how is None:
            continue
        if how == "equal" and vendor_how == "key":
            continue  # ap.duplicate_invoice reports it
        other_total = parse_money(other.total_amount)
        if other_total is None or not _within_percent(total, other_total, percent):
            continue
        apart = _days_apart(when, parse_date(other.invoice_date))
        if apart is not None and apart > cfg.fuzzy_window_days:
            continue
        matches.append({
            "document_id": other.document_id, "vendor_name": other.vendor_name,
            "invoice_number": other.invoice_number, "total_amount": other.total_amount,
            "invoice_date": other.invoice_date, "vendor_match": vendor_how,
            "number_match": how, "days_apart": apart,
        })
    if not matches:
        return []
    ids = [m["document_id"] for m in matches]
    first = matches[0]
    return [FUZZY_DUPLICATE.violation(
        f"Invoice {number} ({fmt_money(total)}) looks like {first['invoice_number']} "
        f"({first['total_amount']}) of document {first['document_id']}: number "
        f"{first['number_match']}, vendor by {first['vendor_match']}",
        invoice_number=str(number), invoice_number_normalized=own,
        total_amount=fmt_money(total), invoice_date=when.isoformat() if when else None,
        vendor_name=inp.get("vendor_name"), other_document_ids=ids, others=matches,
        amount_percent=str(percent), window_days=cfg.fuzzy_window_days,
    )]


def split_invoice(inp: RuleInput) -> list[Violation]:
    total, when = inp.money("total_amount"), inp.date("invoice_date")
    cfg = inp.config
    limit_text = cfg.approval_limits.get(cfg.split_limit_role)
    if total is None or when is None or limit_text is None:
        return []
    limit = Decimal(str(limit_text))
    if total > limit:
        return []  # above the limit on its own: ap.approval_required
    number = inp.get("invoice_number")
    own = normalize_invoice_number(str(number)) if number else None
    parts = []
    for other in _candidates(inp, cfg.split_window_days):
        other_total, other_date = parse_money(other.total_amount), parse_date(other.invoice_date)
        if other_total is None or other_date is None or other_total > limit:
            continue
        if abs((other_date - when).days) > cfg.split_window_days:
            continue
        if own and other.invoice_number and normalize_invoice_number(
                other.invoice_number) == own:
            continue  # the same invoice again is a duplicate, not a split
        if _vendor_match(inp, other) is None:
            continue
        parts.append(other)
    together = total + sum((parse_money(p.total_amount) or Decimal(0) for p in parts),
                           Decimal(0))
    if not parts or together <= limit:
        return []
    ids = [p.document_id for p in parts]
    return [SPLIT_INVOICE.violation(
        f"{len(parts) + 1} invoices of this vendor dated {when} add up to "
        f"{fmt_money(together)}, above the {cfg.split_limit_role} approval limit "
        f"{fmt_money(limit)}, though each is within it",
        invoice_date=when.isoformat(), total_amount=fmt_money(total),
        combined_total=fmt_money(together), limit=fmt_money(limit),
        limit_role=cfg.split_limit_role, other_document_ids=ids,
        others=[{"document_id": p.document_id, "invoice_number": p.invoice_number,
                 "total_amount": p.total_amount, "invoice_date": p.invoice_date,
                 "vendor_name": p.vendor_name} for p in parts],
    )]


FUZZY_DUPLICATE = Rule(
    "ap.fuzzy_duplicate", AP, "high",
    "The same vendor (key, similar name or same IBAN) with an invoice number that is "
    "another's reprinted (equal after normalisation, one edit apart, or with a prefix or "
    "suffix), a total within 1 % and a date within 30 days.", fuzzy_duplicate,
)
SPLIT_INVOICE = Rule(
    "ap.split_invoice", AP, "high",
    "Several invoices of one vendor on one day, each within the AP approval limit, that "
    "together pass it.", split_invoice,
)

RULES = [FUZZY_DUPLICATE, SPLIT_INVOICE]
