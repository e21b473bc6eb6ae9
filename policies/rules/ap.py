"""Accounts-payable rules: duplicates, arithmetic, dates, bank-detail fraud, approvals."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from policies.config import PolicyConfig
from policies.keys import normalize_iban, normalize_invoice_number, numbers_related
from policies.rules.base import Rule, RuleInput, fmt_money, parse_date, parse_money
from policies.types import Violation

AP = ("invoice", "receipt")
INVOICE = ("invoice",)
FUZZY_RULE = "ap.fuzzy_duplicate"  # reports same-total pairs whose numbers are related


def schwifty() -> tuple[Any, type[Exception]]:
    """schwifty's IBAN class and error, imported when an IBAN is first checked (importing it
    is a few tens of ms of a one-file run that has no IBAN); the pool's parent loads it
    (`workflow.warm`)."""
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    return IBAN, SchwiftyException


def _mask_iban(iban: str) -> str:
    """Evidence shows an IBAN as `DE89…3000`: enough to compare, not to copy."""
    return f"{iban[:4]}…{iban[-4:]}" if len(iban) > 8 else iban


def duplicate_invoice(inp: RuleInput) -> list[Violation]:
    number = inp.get("invoice_number")
    if not inp.vendor_key or not number:
        return []
    norm = normalize_invoice_number(str(number))
    if not norm:
        return []
    others = inp.ctx.invoices_with_number(inp.vendor_key, norm, inp.document_id)
    if not others:
        return []
    ids = [o["document_id"] for o in others]
    return [
        DUPLICATE_INVOICE.violation(
            f"Same vendor and invoice number {number} as {', '.join(ids)}",
            vendor_key=inp.vendor_key,
            invoice_number=str(number),
            invoice_number_normalized=norm,
            other_document_ids=ids,
            others=others,
        )
    ]


def possible_duplicate(inp: RuleInput) -> list[Violation]:
    total = inp.money("total_amount")
    if not inp.vendor_key or total is None:
        return []
    when = inp.date("invoice_date")
    others = inp.ctx.invoices_similar(
        inp.vendor_key, fmt_money(total), when.isoformat() if when else None, inp.document_id
    )
    number = inp.get("invoice_number")
    exact: set[str] = set()
    if number:
        norm = normalize_invoice_number(str(number))
        exact = {
            o["document_id"]
            for o in inp.ctx.invoices_with_number(inp.vendor_key, norm, inp.document_id)
        }
    window = inp.config.duplicate_window_days
    cfg = inp.config
    fuzzy_on = FUZZY_RULE not in cfg.disabled_rules
    hits = []
    for o in others:
        if o["document_id"] in exact:
            continue  # already reported as ap.duplicate_invoice
        if fuzzy_on and number and o.get("invoice_number") and numbers_related(
                str(number), str(o["invoice_number"]), cfg.fuzzy_number_max_edits,
                cfg.fuzzy_number_min_length):
            continue  # a reprinted number: ap.fuzzy_duplicate reports the pair
        if parse_money(o.get("total_amount")) not in (None, total):
            continue
        other_date = parse_date(o.get("invoice_date"))
        if when and other_date and abs((when - other_date).days) > window:
            continue
        hits.append(o)
    if not hits:
        return []
    ids = [o["document_id"] for o in hits]
    return [
        POSSIBLE_DUPLICATE.violation(
            f"Same vendor and total {fmt_money(total)} within {window} days as "
            f"{', '.join(ids)} (different invoice number)",
            vendor_key=inp.vendor_key,
            total_amount=fmt_money(total),
            invoice_date=when.isoformat() if when else None,
            other_document_ids=ids,
            others=hits,
        )
    ]


def arithmetic_total(inp: RuleInput) -> list[Violation]:
    subtotal, tax, total = inp.money("subtotal"), inp.money("tax_amount"), inp.money("total_amount")
    if subtotal is None or tax is None or total is None:
        return []
    tol = Decimal(
        inp.config.receipt_rounding_tolerance
        if inp.doc_type == "receipt"
        else inp.config.amount_tolerance
    )
    expected = subtotal + tax
    diff = total - expected
    if abs(diff) <= tol:
        return []
    return [
        ARITHMETIC_TOTAL.violation(
            f"Subtotal {fmt_money(subtotal)} + tax {fmt_money(tax)} = {fmt_money(expected)}, "
            f"but the total is {fmt_money(total)} (difference {fmt_money(diff)})",
            subtotal=fmt_money(subtotal),
            tax_amount=fmt_money(tax),
            total_amount=fmt_money(total),
            expected_total=fmt_money(expected),
            difference=fmt_money(diff),
            tolerance=fmt_money(tol),
        )
    ]


def line_sum_targets(subtotal: Decimal | None, tax: Decimal | None, total: Decimal | None
                     ) -> list[tuple[str, Decimal]]:
    """What the lines of a consistent document add up to, first the one a mismatch is
    reported against: the subtotal (net prices), the total (prices with tax included, as
    most receipts and European shop bills print them) or the total less the tax (net
    lines, no subtotal printed). The document page's line grid uses the same list."""
    out = [(name, v) for name, v in (("subtotal", subtotal), ("total_amount", total))
           if v is not None]
    if total is not None and tax is not None:
        out.append(("total_less_tax", total - tax))
    return out


def line_sum_tolerance(config: PolicyConfig, doc_type: str | None, lines: int) -> Decimal:
    """How far the lines' sum may miss: the amount tolerance per line, at least a
    receipt's cash rounding. The document page's line grid marks mismatches with it too."""
    tol = Decimal(config.amount_tolerance) * max(1, lines)
    if doc_type == "receipt":
        tol = max(tol, Decimal(config.receipt_rounding_tolerance))
    return tol


def line_items_sum(inp: RuleInput) -> list[Violation]:
    items = inp.get("line_items")
    if not isinstance(items, list) or not items:
        return []
    if not inp.judged("line_items"):
        return []  # lines read below the judging floor: reviewed, not judged
    amounts = []
    for item in items:
        amount = parse_money(item.get("amount")) if isinstance(item, dict) else None
        if amount is None:
            return []  # an unread line makes the sum meaningless
        amounts.append(amount)
    targets = line_sum_targets(inp.money("subtotal"), inp.money("tax_amount"),
                               inp.money("total_amount"))
    if not targets:
        return []
    target_name, target = targets[0]
    total = sum(amounts, Decimal(0))
    tol = line_sum_tolerance(inp.config, inp.doc_type, len(amounts))
    if any(abs(total - t) <= tol for _, t in targets):
        return []
    return [
        LINE_ITEMS_SUM.violation(
            f"Line items add up to {fmt_money(total)}, but the {target_name} is "
            f"{fmt_money(target)}",
            line_count=len(amounts),
            line_items_sum=fmt_money(total),
            compared_field=target_name,
            compared_value=fmt_money(target),
            difference=fmt_money(target - total),
        )
    ]


def due_before_issue(inp: RuleInput) -> list[Violation]:
    issued, due = inp.date("invoice_date"), inp.date("due_date")
    if not issued or not due or due >= issued:
        return []
    return [
        DUE_BEFORE_ISSUE.violation(
            f"Due date {due} is before the invoice date {issued}",
            invoice_date=issued.isoformat(),
            due_date=due.isoformat(),
        )
    ]


def future_dated(inp: RuleInput) -> list[Violation]:
    issued = inp.date("invoice_date")
    limit = inp.today + timedelta(days=inp.config.future_tolerance_days)
    if not issued or issued <= limit:
        return []
    return [
        FUTURE_DATED.violation(
            f"Invoice date {issued} is in the future (today is {inp.today})",
            invoice_date=issued.isoformat(),
            today=inp.today.isoformat(),
        )
    ]


def stale_invoice(inp: RuleInput) -> list[Violation]:
    issued = inp.date("invoice_date")
    days = inp.config.stale_invoice_days
    if not issued or (inp.today - issued).days <= days:
        return []
    age = (inp.today - issued).days
    return [
        STALE_INVOICE.violation(
            f"Invoice dated {issued} is {age} days old (more than {days})",
            invoice_date=issued.isoformat(),
            age_days=age,
            limit_days=days,
        )
    ]


def _iban(inp: RuleInput) -> str | None:
    value = inp.get("iban")
    return normalize_iban(str(value)) if value else None


def invalid_iban(inp: RuleInput) -> list[Violation]:
    iban = _iban(inp)
    if not iban:
        return []
    iban_class, schwifty_error = schwifty()
    try:
        iban_class(iban)
    except schwifty_error as exc:
        return [
            INVALID_IBAN.violation(
                f"IBAN {_mask_iban(iban)} is not valid: {exc}",
                iban=_mask_iban(iban),
                error=str(exc),
            )
        ]
    return []


def bank_details_changed(inp: RuleInput) -> list[Violation]:
    iban = _iban(inp)
    if not iban or not inp.vendor_key or not inp.ctx.vendor_known(inp.vendor_key):
        return []
    known = {normalize_iban(k) for k in inp.ctx.known_ibans(inp.vendor_key)}
    if not known or iban in known:
        return []
    return [
        BANK_DETAILS_CHANGED.violation(
            f"IBAN {_mask_iban(iban)} differs from the account(s) on file for this vendor "
            f"({', '.join(_mask_iban(k) for k in sorted(known))}); verify by phone before "
            "paying",
            vendor_key=inp.vendor_key,
            iban=_mask_iban(iban),
            known_ibans=[_mask_iban(k) for k in sorted(known)],
        )
    ]


_REQUIRED = ("total_amount", "invoice_number", "vendor_name", "invoice_date")


def missing_required(inp: RuleInput) -> list[Violation]:
    missing = [name for name in _REQUIRED if inp.get(name) in (None, "", [])]
    if not missing:
        return []
    return [
        MISSING_REQUIRED.violation(
            f"Invoice lacks required field(s): {', '.join(missing)}", missing=missing
        )
    ]


def missing_tax_id(inp: RuleInput) -> list[Violation]:
    total = inp.money("total_amount")
    limit = Decimal(inp.config.tax_id_required_above)
    if total is None or total <= limit or inp.get("vendor_tax_id"):
        return []
    return [
        MISSING_TAX_ID.violation(
            f"Invoice total {fmt_money(total)} is above {fmt_money(limit)} but carries no "
            "vendor tax id",
            total_amount=fmt_money(total),
            limit=fmt_money(limit),
        )
    ]


def approval_required(inp: RuleInput) -> list[Violation]:
    total = inp.money("total_amount")
    limits = {role: Decimal(str(v)) for role, v in inp.config.approval_limits.items()}
    if total is None or "ap" not in limits or total <= limits["ap"]:
        return []
    able = sorted((lim, role) for role, lim in limits.items() if lim >= total)
    role = able[0][1] if able else None
    needed = (
        f"an approver with the '{role}' role (limit {fmt_money(able[0][0])})"
        if role
        else "approval above every configured limit"
    )
    return [
        APPROVAL_REQUIRED.violation(
            f"Total {fmt_money(total)} exceeds the AP limit of {fmt_money(limits['ap'])}: "
            f"needs {needed}",
            total_amount=fmt_money(total),
            ap_limit=fmt_money(limits["ap"]),
            required_role=role,
            currency=inp.get("currency"),
        )
    ]


def new_vendor(inp: RuleInput) -> list[Violation]:
    if not inp.vendor_key or inp.ctx.vendor_known(inp.vendor_key):
        return []
    return [
        NEW_VENDOR.violation(
            f"Vendor '{inp.get('vendor_name') or inp.vendor_key}' is not in the vendor master",
            vendor_key=inp.vendor_key,
            vendor_name=inp.get("vendor_name"),
        )
    ]


DUPLICATE_INVOICE = Rule(
    "ap.duplicate_invoice", AP, "high",
    "Same vendor and invoice number (casefolded, without spaces, # and leading zeros) as "
    "another document.", duplicate_invoice,
)
POSSIBLE_DUPLICATE = Rule(
    "ap.possible_duplicate", AP, "medium",
    "Same vendor and same total, dated within 7 days of another document with an unrelated "
    "number (a related one is ap.fuzzy_duplicate).", possible_duplicate,
)
ARITHMETIC_TOTAL = Rule(
    "ap.arithmetic_total", AP, "high",
    "Subtotal + tax differs from the total by more than 0.01 (0.05 on receipts, cash "
    "rounding).", arithmetic_total,
)
LINE_ITEMS_SUM = Rule(
    "ap.line_items_sum", AP, "medium",
    "The line amounts add up to none of the subtotal, the total (prices with tax included) "
    "or the total less the tax; not judged on line items read below judge_min_confidence.",
    line_items_sum,
)
DUE_BEFORE_ISSUE = Rule(
    "ap.due_before_issue", INVOICE, "medium", "The due date is before the invoice date.",
    due_before_issue,
)
FUTURE_DATED = Rule(
    "ap.future_dated", AP, "medium", "The invoice date is more than one day in the future.",
    future_dated,
)
STALE_INVOICE = Rule(
    "ap.stale_invoice", INVOICE, "low", "The invoice is more than 365 days old.", stale_invoice,
)
BANK_DETAILS_CHANGED = Rule(
    "ap.bank_details_changed", AP, "high",
    "The IBAN differs from the accounts on file for a known vendor (business e-mail "
    "compromise pattern).", bank_details_changed,
)
INVALID_IBAN = Rule(
    "ap.invalid_iban", AP, "high", "The IBAN fails its checksum or country format.",
    invalid_iban,
)
MISSING_REQUIRED = Rule(
    "ap.missing_required", INVOICE, "medium",
    "An invoice without total_amount, invoice_number, vendor_name or invoice_date.",
    missing_required,
)
MISSING_TAX_ID = Rule(
    "ap.missing_tax_id", INVOICE, "low",
    "An invoice above the configured amount (1000.00) without the vendor's tax id.",
    missing_tax_id,
)
APPROVAL_REQUIRED = Rule(
    "ap.approval_required", INVOICE, "medium",
    "The total is above the AP clerk's approval limit: an approver must sign off.",
    approval_required,
)
NEW_VENDOR = Rule(
    "ap.new_vendor", INVOICE, "low", "The vendor is not in the vendor master.", new_vendor,
)

RULES = [
    DUPLICATE_INVOICE, POSSIBLE_DUPLICATE, ARITHMETIC_TOTAL, LINE_ITEMS_SUM, DUE_BEFORE_ISSUE,
    FUTURE_DATED, STALE_INVOICE, BANK_DETAILS_CHANGED, INVALID_IBAN, MISSING_REQUIRED,
    MISSING_TAX_ID, APPROVAL_REQUIRED, NEW_VENDOR,
]
