"""Blind QA reviews (`workflow.qa`): the QA queue, the blind form (page images and empty
boxes, never the machine's or the first reviewer's values), the comparison once the
reviewer has entered their own reading; pages and JSON API.

Only documents the reader may see and may QA are listed (HR records: hr and admin);
any other item answers 404 like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.web.access import QA, Principal
from api.web.bounds import RowId
from api.web.deps import DB, flash, render, require
from api.web.refusals import flashed, refused
from records.models import Document, QaReview
from workflow import qa
from workflow.errors import WorkflowError

router = APIRouter()
Reviewer = Annotated[Principal, Depends(require(QA))]
FIELD_PREFIX = "f_"  # form inputs are f_<field name>


@dataclass(frozen=True, slots=True)
class QaItem:
    review: QaReview
    document: Document

    def to_json(self) -> dict[str, Any]:
        r = self.review
        return {"review_id": r.id, "document_id": r.document_id, "kind": r.kind,
                "status": r.status, "doc_type": r.doc_type, "filename": self.document.filename,
                "sampled_at": r.sampled_at.isoformat() if r.sampled_at else None,
                "reviewer": r.reviewer, "outcome": r.outcome}


def _mine(user: Principal, doc: Document) -> bool:
    return user.can_view(doc) and user.has(qa.reviewers_for(doc))


def qa_items(session: Session, user: Principal, status: str = qa.QaStatus.OPEN) -> list[QaItem]:
    """QA items in `status` the user may do, oldest first."""
    rows = session.execute(
        select(QaReview, Document).join(Document, Document.id == QaReview.document_id)
        .where(QaReview.status == status, Document.deleted_at.is_(None))
        .order_by(QaReview.sampled_at, QaReview.id)).all()
    return [QaItem(r, d) for r, d in rows if _mine(user, d)]


def _item(session: Session, user: Principal, review_id: int) -> QaItem:
    review = session.get(QaReview, review_id)
    doc = session.get(Document, review.document_id) if review is not None else None
    if review is None or doc is None or review.status == qa.QaStatus.SUPERSEDED \
            or not _mine(user, doc):
        raise HTTPException(404, "no such QA item")
    return QaItem(review, doc)


def _submit(session: Session, user: Principal, review_id: int, values: dict[str, Any]
            ) -> qa.QaResult:
    _item(session, user, review_id)
    try:
        result = qa.submit(session, review_id, values, user.username, user.roles)
    except WorkflowError as exc:
        raise refused(session, exc) from None
    session.commit()
    return result


@router.get("/qa")
def qa_page(request: Request, user: Reviewer, session: DB) -> Response:
    return render(request, "qa.html", {"items": qa_items(session, user),
                                       "done": qa_items(session, user, qa.QaStatus.DONE)[-20:]})


@router.get("/qa/{review_id}")
def qa_review_page(request: Request, review_id: RowId, user: Reviewer,
                   session: DB) -> Response:
    item = _item(session, user, review_id)
    if item.review.status == qa.QaStatus.DONE:
        return render(request, "qa_review.html", {
            "item": item, "result": qa.result_of(session, review_id), "form": None})
    return render(request, "qa_review.html", {
        "item": item, "form": qa.blind_form(session, review_id), "result": None})


@router.post("/qa/{review_id}")
async def qa_review_form(request: Request, review_id: RowId, user: Reviewer,
                         session: DB) -> Response:
    form = await request.form()
    values = {k[len(FIELD_PREFIX):]: str(v) for k, v in form.items()
              if k.startswith(FIELD_PREFIX)}
    try:
        result = _submit(session, user, review_id, values)
        flash(request, "QA review saved: the readings agree." if result.outcome ==
              qa.QaOutcome.AGREED else "QA review saved: fields differ; the finding "
              "qa.error_found was raised" + (" and the document went back to review."
                                              if result.reopened else "."),
              "info" if result.outcome == qa.QaOutcome.AGREED else "error")
    except HTTPException as exc:
        if not flashed(exc):
            raise
        flash(request, f"Not saved: {exc.detail}", "error")
    return RedirectResponse(f"/qa/{review_id}", status_code=303)


# ------------------------------------------------------------------ JSON API
@router.get("/api/qa")
def api_qa(user: Reviewer, session: DB, status: str = qa.QaStatus.OPEN) -> dict[str, Any]:
    if status not in (qa.QaStatus.OPEN, qa.QaStatus.DONE):
        raise HTTPException(422, "status is open or done")
    return {"items": [i.to_json() for i in qa_items(session, user, status)]}


@router.get("/api/qa/{review_id}")
def api_qa_item(review_id: RowId, user: Reviewer, session: DB) -> dict[str, Any]:
    """Open: the blind form (pages and field names, no values). Done: the comparison."""
    item = _item(session, user, review_id)
    if item.review.status == qa.QaStatus.DONE:
        return qa.result_of(session, review_id).to_json()
    return qa.blind_form(session, review_id).to_json()


@router.post("/api/qa/{review_id}")
def api_qa_submit(review_id: RowId, body: Annotated[dict[str, Any], Body()], user: Reviewer,
                  session: DB) -> dict[str, Any]:
    """`{"values": {"total_amount": "1190.00", "due_date": ""}}`: every QA field, empty
    where the document has none."""
    values = body.get("values")
    if not isinstance(values, dict) or not all(
            isinstance(v, str | None) for v in values.values()):
        raise HTTPException(422, 'send {"values": {"<field>": "<value or empty>", ...}}')
    return _submit(session, user, review_id, values).to_json()
