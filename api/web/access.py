"""Who may see and change what, in one place, so every page, download, API route and
search result asks the same question.

Visibility follows the document type: HR records are confidential (hr and admin
only), invoices and receipts belong to AP, contracts to legal; compliance reads
everything except HR contents. Documents without a type yet (processing, failed,
`other`) are visible to every signed-in user so nothing can be lost in limbo.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_, true

from records.models import Document

VIEW: dict[str, frozenset[str]] = {
    "invoice": frozenset({"ap", "approver", "admin", "compliance"}),
    "receipt": frozenset({"ap", "approver", "admin", "compliance"}),
    "contract": frozenset({"legal", "admin", "compliance"}),
    "hr": frozenset({"hr", "admin"}),
}
EDIT: dict[str, frozenset[str]] = {
    "invoice": frozenset({"ap", "approver", "admin"}),
    "receipt": frozenset({"ap", "approver", "admin"}),
    "contract": frozenset({"legal", "admin"}),
    "hr": frozenset({"hr", "admin"}),
}
ANY_ROLE = frozenset({"ap", "approver", "legal", "hr", "compliance", "admin"})
LEDGER_VIEW = frozenset({"ap", "approver", "admin", "compliance"})
LEDGER_CHANGE = frozenset({"approver", "admin"})
SEARCH = frozenset({"legal", "admin", "compliance"})
AUDIT = frozenset({"admin", "compliance"})
VIOLATIONS = frozenset({"compliance", "admin"})
ADMIN = frozenset({"admin"})


@dataclass(frozen=True, slots=True)
class Principal:
    """The signed-in user as the routes see it."""

    username: str
    roles: frozenset[str]
    via: str = "session"  # session | basic | bearer

    def has(self, allowed: frozenset[str]) -> bool:
        return bool(self.roles & allowed)

    @property
    def nav(self) -> dict[str, bool]:
        """Which areas the menu offers (templates cannot do set arithmetic)."""
        return {"ledger": self.has(LEDGER_VIEW), "search": self.has(SEARCH),
                "audit": self.has(AUDIT), "users": self.has(ADMIN)}

    def can_view_type(self, doc_type: str | None) -> bool:
        return self.has(VIEW.get(doc_type or "other", ANY_ROLE))

    def can_view(self, doc: Document) -> bool:
        return doc.deleted_at is None and self.can_view_type(doc.doc_type)

    def can_edit(self, doc: Document) -> bool:
        allowed = EDIT.get(doc.doc_type or "other", ANY_ROLE - {"compliance"})
        return self.can_view(doc) and self.has(allowed)

    def can_see_violation_of(self, doc: Document) -> bool:
        """Compliance sees every finding (not the HR contents behind it)."""
        return self.can_view(doc) or self.has(VIOLATIONS)

    def visible_types(self) -> tuple[list[str], bool]:
        """(restricted types this user may see, whether untyped/`other` are visible)."""
        return [t for t, roles in VIEW.items() if self.roles & roles], bool(self.roles)

    def document_filter(self) -> ColumnElement[bool]:
        """SQL condition for the documents this user may list."""
        types, others = self.visible_types()
        conds = [Document.doc_type.in_(types)] if types else []
        if others:
            conds.append(Document.doc_type.is_(None))
            conds.append(Document.doc_type.not_in(list(VIEW)))
        if not conds:
            return false()
        return or_(*conds) if len(conds) > 1 else conds[0] if conds else true()
