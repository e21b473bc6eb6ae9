"""The review queue (low confidence, missing fields) and the exception queue
(policy violations), each showing only the items the user's roles may see."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.web.deps import DB, CurrentUser, render
from api.web.queries import queue_items

router = APIRouter()


@router.get("/queues/{queue}")
def queue_page(request: Request, queue: str, user: CurrentUser,
               session: DB) -> Response:
    items = queue_items(session, user, queue)
    return render(request, "queue.html", {"queue": queue, "items": items})
