"""Who may see and change what, in one place, so every page, download, API route and
search result asks the same question.

Visibility follows what a document *may* be, not only what it turned out to be:

- classified HR: hr and admin only;
- uploaded through the HR channel (`records.channels`: by a user with the hr role):
  hr and admin only, whatever it is classified as. An HR upload classified as an
  invoice stays HR's: the classifier may be wrong about a W-4, and HR staff do not
  upload AP's invoices, so the conservative reading wins (an admin can still see it);
- no type yet (received, processing) or failed ("unsettled"): its uploader and admin
  (and hr, for the HR channel). Nobody knows yet what it is, so nobody else sees it;
- otherwise by type: invoices and receipts belong to AP, contracts to legal,
  `other` to every signed-in user; compliance reads everything except HR contents.

A document the user may not see answers exactly like a missing one (404, same body).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, func, not_, or_

from records.channels import HR as HR_CHANNEL
from records.models import Document
from workflow.states import DocumentStatus

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
DEFAULT_EDIT = ANY_ROLE - {"compliance"}  # untyped and `other` documents
LEDGER_VIEW = frozenset({"ap", "approver", "admin", "compliance"})
LEDGER_CHANGE = frozenset({"approver", "admin"})
SEARCH = frozenset({"legal", "admin", "compliance"})
AUDIT = frozenset({"admin", "compliance"})
HR_PAGES = frozenset({"hr", "admin"})  # employee records: pages, API, export
VIOLATIONS = frozenset({"compliance", "admin"})
ORDERS = frozenset({"ap", "approver", "admin"})  # import purchase orders, goods receipts
QA = frozenset({"approver", "compliance", "admin", "hr"})  # blind QA reviews (HR: hr, admin)
ADMIN = frozenset({"admin"})
HR_TYPE = "hr"
OTHER_TYPE = "other"
# Statuses in which nobody knows (yet, or any more) what the document is.
UNSETTLED = frozenset({DocumentStatus.RECEIVED.value, DocumentStatus.PROCESSING.value,
                       DocumentStatus.FAILED.value})
UNSETTLED_VIEW = ADMIN
REVIEW_STATUS = DocumentStatus.NEEDS_REVIEW.value  # where a corrected document goes


@dataclass(frozen=True, slots=True)
class Audience:
    """Who may read a document (holders of any of `roles`, and `uploader` by name) and
    which of those readers may change it (`editors`)."""

    roles: frozenset[str]
    editors: frozenset[str]
    uploader: str | None = None


def is_unsettled(doc_type: str | None, status: str) -> bool:
    return doc_type is None or status in UNSETTLED


def audience_of(doc_type: str | None, status: str, restricted_to: str | None,
                uploaded_by: str | None) -> Audience:
    """The readers of a document in this state; the SQL in `Principal.document_filter`
    is the same rule, and a test holds the two together."""
    if doc_type == HR_TYPE:
        return Audience(VIEW[HR_TYPE], EDIT[HR_TYPE])
    unsettled = is_unsettled(doc_type, status)
    uploader = uploaded_by if unsettled else None
    if restricted_to == HR_CHANNEL:
        return Audience(VIEW[HR_TYPE], EDIT[HR_TYPE], uploader)
    type_key = doc_type or OTHER_TYPE
    editors = EDIT.get(type_key, DEFAULT_EDIT)
    if unsettled:
        return Audience(UNSETTLED_VIEW, editors, uploader)
    return Audience(VIEW.get(type_key, ANY_ROLE), editors)


def audience(doc: Document) -> Audience:
    return audience_of(doc.doc_type, doc.status, doc.restricted_to, doc.uploaded_by)


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
                "audit": self.has(AUDIT), "users": self.has(ADMIN),
                "employees": self.has(HR_PAGES),
                "desk": self.has(VIOLATIONS), "orders": self.has(ORDERS), "qa": self.has(QA)}

    def can_view_type(self, doc_type: str | None) -> bool:
        """Whether documents of this type are this user's area (menus, filters); whether
        one document is visible is `can_view`."""
        return self.has(VIEW.get(doc_type or OTHER_TYPE, ANY_ROLE))

    def is_in(self, who: Audience) -> bool:
        return self.has(who.roles) or (who.uploader is not None
                                       and who.uploader == self.username)

    def may_read(self, doc: Document) -> bool:
        """The access rule alone, deleted or not (the audit log still names deleted ones)."""
        return self.is_in(audience(doc))

    def can_view(self, doc: Document) -> bool:
        return doc.deleted_at is None and self.may_read(doc)

    def can_edit(self, doc: Document) -> bool:
        return self.can_view(doc) and self.has(audience(doc).editors)

    def could_view_as(self, doc: Document, doc_type: str) -> bool:
        """Whether this user would still see `doc` once it has this type, whether it keeps
        its status (a failed document) or goes to review: a reviewer must not lock
        themselves out with a type correction."""
        return all(self.is_in(audience_of(doc_type, status, doc.restricted_to,
                                          doc.uploaded_by))
                   for status in {doc.status, REVIEW_STATUS})

    def can_see_violation_of(self, doc: Document) -> bool:
        """Compliance sees every finding (not the HR contents behind it)."""
        return self.can_view(doc) or self.has(VIOLATIONS)

    def visible_types(self) -> tuple[list[str], bool]:
        """(restricted types this user may see, whether `other` documents are visible)."""
        return [t for t, roles in VIEW.items() if self.roles & roles], bool(self.roles)

    def document_filter(self) -> ColumnElement[bool]:
        """SQL condition for the documents this user may list: `audience_of` as SQL.
        Columns are coalesced so that no NULL can turn a negation into "unknown"."""
        doc_type = func.coalesce(Document.doc_type, "")
        hr_type = doc_type == HR_TYPE
        hr_bound = or_(hr_type, func.coalesce(Document.restricted_to, "") == HR_CHANNEL)
        unsettled = or_(Document.doc_type.is_(None), Document.status.in_(sorted(UNSETTLED)))
        conds: list[ColumnElement[bool]] = [
            and_(Document.uploaded_by == self.username, unsettled, not_(hr_type))]
        if self.has(VIEW[HR_TYPE]):
            conds.append(hr_bound)
        if self.has(UNSETTLED_VIEW):
            conds.append(and_(unsettled, not_(hr_bound)))
        types, others = self.visible_types()
        typed = [doc_type.in_(types)] if types else []
        if others:
            typed.append(doc_type.not_in(list(VIEW)))
        if typed:
            conds.append(and_(not_(unsettled), not_(hr_bound), or_(*typed)))
        return or_(*conds) if conds else false()
