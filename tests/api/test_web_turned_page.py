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


def test_a_photo_lying_on_its_head_is_shown_the_way_it_was_read(app: FastAPI,
                                                                   client: TestClient) -> None:
    """Read again turned half a turn (`ingest.ocr.select.recognize_page`), the page is
    stored as turned and its image shown turned: the receipt's top, where its name is, at
    the top of the picture, under the name's word box."""
    add_user(app, "pat", "ap")
    token = login(client, "pat")
    receipt = _receipt()
    buf = io.BytesIO()
    receipt.rotate(180).convert("RGB").save(buf, format="PNG")
    r = client.post("/api/documents", headers={"X-CSRF-Token": token},
                    files=[("files", ("on-its-head.png", buf.getvalue(), "image/png"))])
    assert r.status_code == 200, r.text[:300]
    doc_id = r.json()["documents"][0]["document_id"]
    words = client.get(f"/documents/{doc_id}/pages/1/words").json()["words"]
    first = min(words, key=lambda w: (w["bbox"][1], w["bbox"][0]))
    assert first["text"] == "KEDAI", words[:5]
    img = client.get(f"/documents/{doc_id}/pages/1.png")
    assert img.status_code == 200
    shown = Image.open(io.BytesIO(img.content)).convert("L")
    assert shown.size == receipt.size
    # the shown picture is the receipt as drawn (upright), not the upside-down upload
    drawn = receipt.convert("L")
    assert _difference(shown, drawn) < _difference(shown, drawn.rotate(180))


def _difference(a: Image.Image, b: Image.Image) -> float:
    pa, pb = a.tobytes(), b.tobytes()
    return sum(abs(x - y) for x, y in zip(pa, pb, strict=True)) / len(pa)


def test_a_leaning_photo_is_shown_straightened_as_it_was_read(app: FastAPI,
                                                              client: TestClient) -> None:
    """A receipt photographed 10 degrees askew is read straightened (`ingest.scale`); the
    page image is the straightened one, so the words' boxes sit on their words."""
    from ingest import scale

    add_user(app, "pat", "ap")
    token = login(client, "pat")
    buf = io.BytesIO()
    _receipt().rotate(10, expand=True, fillcolor=255).convert("RGB").save(buf, format="PNG")
    r = client.post("/api/documents", headers={"X-CSRF-Token": token},
                    files=[("files", ("askew.png", buf.getvalue(), "image/png"))])
    assert r.status_code == 200, r.text[:300]
    doc_id = r.json()["documents"][0]["document_id"]
    img = client.get(f"/documents/{doc_id}/pages/1.png")
    assert img.status_code == 200
    shown = Image.open(io.BytesIO(img.content))
    blobs = scale.character_blobs(shown)
    assert blobs is not None and abs(scale.skew_degrees(blobs)) < scale.MIN_SKEW_DEG


def test_a_sideways_scanned_pdf_page_is_shown_the_way_it_was_read(app: FastAPI,
                                                                   client: TestClient) -> None:
    add_user(app, "pat", "ap")
    token = login(client, "pat")
    receipt = _receipt()
    buf = io.BytesIO()
    receipt.rotate(90, expand=True).convert("RGB").save(buf, format="PDF", resolution=150)
    r = client.post("/api/documents", headers={"X-CSRF-Token": token},
                    files=[("files", ("sideways-scan.pdf", buf.getvalue(), "application/pdf"))])
    assert r.status_code == 200, r.text[:300]
    doc_id = r.json()["documents"][0]["document_id"]
    img = client.get(f"/documents/{doc_id}/pages/1.png")
    assert img.status_code == 200
    shown = Image.open(io.BytesIO(img.content)).convert("L")
    assert shown.width > shown.height  # the receipt's own shape (480 x 448), not the scan's
    drawn = receipt.convert("L").resize(shown.size)
    assert _difference(shown, drawn) < _difference(shown, drawn.rotate(180))


def test_a_scanned_pdf_page_scanned_askew_is_shown_straightened(app: FastAPI,
                                                                 client: TestClient) -> None:
    from ingest import scale
    from tests.ingest.ingest_helpers import askew_invoice_scan

    add_user(app, "pat", "ap")
    token = login(client, "pat")
    r = client.post("/api/documents", headers={"X-CSRF-Token": token},
                    files=[("files", ("askew-scan.pdf", askew_invoice_scan(1.5),
                                      "application/pdf"))])
    assert r.status_code == 200, r.text[:300]
    doc_id = r.json()["documents"][0]["document_id"]
    img = client.get(f"/documents/{doc_id}/pages/1.png")
    assert img.status_code == 200
    blobs = scale.character_blobs(Image.open(io.BytesIO(img.content)))
    assert blobs is not None and abs(scale.skew_degrees(blobs)) < scale.MIN_SKEW_DEG
