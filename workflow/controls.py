"""The AP controls a person cannot walk around, checked in one place before any
approval, payment or resolution:

- four eyes: whoever uploaded an invoice or receipt, corrected or cleared one of its
  fields, or changed the vendor's bank details it pays to, cannot approve it;
- approval limits per role (`policies.toml`, `approval_limits`);
- blocking findings must each be resolved by an approver or compliance officer, with a
  resolution and a reason, before the document can be approved or paid; AP clerks
  cannot resolve them.

Every refusal is a `NotAllowed` or `Conflict` whose message tells the person why.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from policies.config import PolicyConfig
from records.models import AuditLog, Document, FieldRow, LedgerEntry, ViolationRow
from records.rows import open_violations
from workflow.errors import Conflict, NotAllowed
from workflow.states import FindingStatus, Resolution

# Findings that stop approval and payment until a person resolves each one.
BLOCKING_RULES = frozenset({
    "ap.duplicate_invoice",
    "ap.possible_duplicate",
    "ap.bank_details_changed",
    "ap.invalid_iban",
    "ap.arithmetic_total",
    "ap.approval_required",
    "ap.einvoice_mismatch",
    "ap.fuzzy_duplicate",
    "ap.split_invoice",
    "ap.recent_bank_change",
    "vendor.self_invoicing",
    "ap.po_over_invoiced",
    "ap.goods_not_received",
    "qa.error_found",  # a QA reviewer found a field wrong (`workflow.qa`)
})
# Who may resolve a blocking finding (clerks, `ap`, may not).
BLOCKING_RESOLVERS = frozenset({"approver", "compliance", "admin"})
# Who may resolve any other finding: the document's editors, or these.
FINDING_RESOLVERS = frozenset({"compliance", "admin"})
# Audit actions that make a person a party to the document's data, and how: vouching for
# the machine's value is taking part as much as changing it.
CHANGE_ACTIONS = {"field.correct": "corrected its fields", "field.clear": "corrected its fields",
                  "field.confirm": "confirmed its fields"}
BANK_DETAILS_ACTION = "vendor.bank_details"
BANK_RULE = "ap.bank_details_changed"
ROLE_WITHOUT_LIMIT = "admin"


@dataclass(frozen=True, slots=True)
class Party:
    """Someone who took part in a document's data, and how."""

    who: str
    how: str  # "uploaded it", "corrected its fields", ...


def is_blocking(rule: str) -> bool:
    return rule in BLOCKING_RULES


def blocking_open(session: Session, document_id: str) -> list[ViolationRow]:
    return [v for v in open_violations(session, document_id) if is_blocking(v.rule)]


def require_no_blocking(session: Session, document_id: str, step: str) -> None:
    """Refuse `step` ("approved", "paid") while a blocking finding is open."""
    pending = blocking_open(session, document_id)
    if pending:
        rules = ", ".join(sorted({v.rule for v in pending}))
        raise Conflict(f"cannot be {step}: {len(pending)} blocking finding(s) open ({rules}); "
                       "an approver or compliance officer must resolve each one first, "
                       "with a resolution and a reason")


def parties(session: Session, doc: Document, entry: LedgerEntry | None) -> list[Party]:
    """Everyone whose hand is in this document's data (four-eyes principle)."""
    out: list[Party] = []
    if doc.uploaded_by:
        out.append(Party(doc.uploaded_by, "uploaded it"))
    changed = [(who, CHANGE_ACTIONS[action]) for who, action in session.execute(
        select(AuditLog.actor, AuditLog.action).where(
            AuditLog.entity_type == "document", AuditLog.entity_id == doc.id,
            AuditLog.action.in_(CHANGE_ACTIONS)))]
    changed += [(who, CHANGE_ACTIONS["field.correct"]) for who in session.scalars(
        select(FieldRow.corrected_by).where(
            FieldRow.document_id == doc.id, FieldRow.corrected_by.is_not(None)))]
    out += [Party(who, how) for who, how in dict.fromkeys(changed)]
    for v in session.scalars(select(ViolationRow).where(
            ViolationRow.document_id == doc.id, ViolationRow.rule == BANK_RULE,
            ViolationRow.status == FindingStatus.RESOLVED)):
        if v.resolved_by and v.resolution != Resolution.FALSE_POSITIVE:
            out.append(Party(v.resolved_by, "accepted the vendor's new bank details"))
    if entry is not None and entry.vendor_id is not None and entry.iban:
        for row in session.scalars(select(AuditLog).where(
                AuditLog.entity_type == "vendor", AuditLog.entity_id == str(entry.vendor_id),
                AuditLog.action == BANK_DETAILS_ACTION)):
            if isinstance(row.after, dict) and row.after.get("added") == entry.iban:
                out.append(Party(row.actor, "changed the vendor's bank details"))
    return out


def require_four_eyes(session: Session, doc: Document, entry: LedgerEntry | None,
                      actor: str) -> None:
    mine = [p.how for p in parties(session, doc, entry) if p.who == actor]
    if mine:
        raise NotAllowed(f"four eyes: you {' and '.join(dict.fromkeys(mine))}, so someone "
                         "else must approve this document")


def approval_limit(roles: set[str] | frozenset[str], config: PolicyConfig) -> Decimal | None:
    """The highest total these roles may approve; None means no limit (admin)."""
    if ROLE_WITHOUT_LIMIT in roles:
        return None
    limits = [Decimal(str(v)) for r, v in (config.approval_limits or {}).items() if r in roles]
    return max(limits) if limits else Decimal(0)


def require_within_limit(entry: LedgerEntry | None, roles: set[str] | frozenset[str],
                         config: PolicyConfig) -> None:
    if entry is None or not entry.total_amount:
        return
    try:
        total = Decimal(str(entry.total_amount))
    except InvalidOperation:
        raise Conflict(f"the total {entry.total_amount!r} is not an amount; correct it "
                       "before approving") from None
    limit = approval_limit(roles, config)
    if limit is not None and total > limit:
        raise NotAllowed(f"the total {entry.total_amount} is above your approval limit "
                         f"{limit:.2f}; someone with a higher limit must approve it")


def require_may_resolve(finding: ViolationRow, roles: set[str] | frozenset[str],
                        can_edit: bool) -> None:
    if is_blocking(finding.rule):
        if not roles & BLOCKING_RESOLVERS:
            raise NotAllowed(f"{finding.rule} is a blocking finding: only an approver or a "
                             "compliance officer may resolve it")
    elif not (can_edit or roles & FINDING_RESOLVERS):
        raise NotAllowed("your roles do not allow resolving findings of this document")
