"""A sideways photo, turned upright by the reader (`ingest.orient`), is shown upright on
the document page too: the page image has the geometry of the words' boxes."""

from __future__ import annotations

import io

from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from tests.api.test_web_support import add_user, login
from tests.ingest.test_orient import _receipt


def test_sideways_photo_is_shown_the_way_it_was_read(app: FastAPI, client: TestClient) -> None:
    add_user(app, "pat", "ap")
    token = login(client, "pat")
    receipt = _receipt()
    buf = io.BytesIO()
    receipt.rotate(270, expand=True).convert("RGB").save(buf, format="PNG")
    r = client.post("/api/documents", headers={"X-CSRF-Token": token},
                    files=[("files", ("sideways.png", buf.getvalue(), "image/png"))])
    assert r.status_code == 200, r.text[:300]
    doc_id = r.json()["documents"][0]["document_id"]
    words = client.get(f"/documents/{doc_id}/pages/1/words").json()
    img = client.get(f"/documents/{doc_id}/pages/1.png")
    assert img.status_code == 200
    w, h = Image.open(io.BytesIO(img.content)).size
    assert (w, h) == receipt.size  # upright, as the receipt was drawn
    assert any(t.get("text") == "TOTAL" for t in words.get("words", [])), words
