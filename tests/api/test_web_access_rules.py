"""The access rule itself: what each role sees of a document in each state, and the SQL
filter (lists, ledger) agreeing with the per-document check (pages, downloads, API)
on every combination, so a list can never show what its page would refuse."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from sqlalchemy import select

from api.web.access import ANY_ROLE, Principal
from records.channels import HR
from records.db import init_db, session_scope
from records.ids import new_id
from records.models import Document

TYPES = (None, "hr", "invoice", "receipt", "contract", "other")
STATUSES = ("received", "processing", "failed", "needs_review", "auto_approved", "approved")
CHANNELS = (None, HR)
UPLOADERS = (None, "pat", "hana", "system")
PRINCIPALS = [Principal(name, frozenset(roles)) for name, roles in (
    ("pat", {"ap"}), ("abe", {"approver"}), ("lee", {"legal"}), ("hana", {"hr"}),
    ("hugo", {"hr"}), ("cora", {"compliance"}), ("admin", {"admin"}),
    ("max", {"ap", "legal"}), ("nobody", set()),
)]


def _doc(doc_type: str | None, status: str, channel: str | None = None,
         uploader: str | None = None) -> Document:
    return Document(id=new_id("doc"), sha256=new_id("sha"), filename="f.pdf", size=1,
                    doc_type=doc_type, status=status, restricted_to=channel,
                    uploaded_by=uploader)


def _readers(doc: Document) -> set[str]:
    return {p.username for p in PRINCIPALS if p.can_view(doc)}


@pytest.mark.parametrize(("doc", "readers"), [
    # no type yet, or failed: the uploader and admin; hr too for an HR upload
    (_doc(None, "processing", HR, "hana"), {"hana", "hugo", "admin"}),
    (_doc(None, "failed", HR, "hana"), {"hana", "hugo", "admin"}),
    (_doc(None, "processing", None, "pat"), {"pat", "admin"}),
    (_doc(None, "failed", None, "pat"), {"pat", "admin"}),
    (_doc("invoice", "failed", None, "pat"), {"pat", "admin"}),  # reprocessing failed
    # classified HR: hr and admin, even for its (AP) uploader and while reprocessing
    (_doc("hr", "needs_review", None, "pat"), {"hana", "hugo", "admin"}),
    (_doc("hr", "processing", None, "pat"), {"hana", "hugo", "admin"}),
    # an HR upload stays HR's whatever it turned out to be
    (_doc("invoice", "approved", HR, "hana"), {"hana", "hugo", "admin"}),
    (_doc("other", "needs_review", HR, "hana"), {"hana", "hugo", "admin"}),
    # otherwise the type's roles, as before
    (_doc("invoice", "approved", None, "pat"), {"pat", "abe", "cora", "admin", "max"}),
    (_doc("contract", "needs_review", None, "pat"), {"lee", "cora", "admin", "max"}),
    (_doc("other", "needs_review", None, "pat"),
     {"pat", "abe", "lee", "hana", "hugo", "cora", "admin", "max"}),
])
def test_who_reads_what(doc: Document, readers: set[str]) -> None:
    assert _readers(doc) == readers


def test_nothing_hr_bound_or_unsettled_is_visible_to_every_role() -> None:
    for doc_type, status, channel in itertools.product(TYPES, STATUSES, CHANNELS):
        doc = _doc(doc_type, status, channel, "someone")
        if channel == HR or doc_type in (None, "hr") or status in ("received", "processing",
                                                                  "failed"):
            assert not all(Principal("x", frozenset({r})).can_view(doc) for r in ANY_ROLE), (
                doc_type, status, channel)


def test_sql_filter_agrees_with_the_document_check(tmp_path: Path) -> None:
    sessions = init_db(f"sqlite:///{tmp_path / 'grid.db'}")
    docs = [_doc(*combo) for combo in itertools.product(TYPES, STATUSES, CHANNELS, UPLOADERS)]
    with session_scope(sessions) as s:
        s.add_all(docs)
    with session_scope(sessions) as s:
        rows = list(s.scalars(select(Document)))
        for user in PRINCIPALS:
            listed = set(s.scalars(select(Document.id).where(user.document_filter())))
            checked = {d.id for d in rows if user.can_view(d)}
            assert listed == checked, user.username


def test_a_type_correction_cannot_lock_the_reviewer_out() -> None:
    hana = Principal("hana", frozenset({"hr"}))
    pat = Principal("pat", frozenset({"ap"}))
    assert hana.could_view_as(_doc("other", "needs_review", HR, "hana"), "invoice")
    assert not hana.could_view_as(_doc("other", "needs_review", None, "pat"), "invoice")
    assert pat.could_view_as(_doc(None, "failed", None, "pat"), "invoice")
    assert not pat.could_view_as(_doc(None, "failed", None, "pat"), "contract")
