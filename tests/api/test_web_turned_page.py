"""A page is shown the way it was read: a sideways photo turned upright by the reader
(`ingest.orient`), one lying on its head read again turned (`ingest.ocr.select`), a leaning
one straightened (`ingest.scale`), and scanned PDF pages the same; the page image has the
geometry of the words' boxes."""

from __future__ import annotations

import io

from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from ingest import scale
from tests.api.test_web_support import add_user, login
from tests.ingest.ingest_helpers import askew_invoice_scan
from tests.ingest.test_orient import _receipt


def _uploaded(app: FastAPI, client: TestClient, name: str, data: bytes,
              media_type: str) -> tuple[list[dict], Image.Image]:
    """Upload `data` as an AP clerk: the first page's words and its page image."""
    add_user(app, "pat", "ap")
    token = login(client, "pat")
    r = client.post("/api/documents", headers={"X-CSRF-Token": token},
                    files=[("files", (name, data, media_type))])
    assert r.status_code == 200, r.text[:300]
    doc_id = r.json()["documents"][0]["document_id"]
    words = client.get(f"/documents/{doc_id}/pages/1/words").json().get("words", [])
    img = client.get(f"/documents/{doc_id}/pages/1.png")
    assert img.status_code == 200
    return words, Image.open(io.BytesIO(img.content))


def _encoded(img: Image.Image, fmt: str, **params: float) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, format=fmt, **params)
    return buf.getvalue()


def _difference(a: Image.Image, b: Image.Image) -> float:
    pa, pb = a.tobytes(), b.tobytes()
    return sum(abs(x - y) for x, y in zip(pa, pb, strict=True)) / len(pa)


def _level(img: Image.Image) -> bool:
    blobs = scale.character_blobs(img)
    return blobs is not None and abs(scale.skew_degrees(blobs)) < scale.MIN_SKEW_DEG


def test_sideways_photo_is_shown_the_way_it_was_read(app: FastAPI, client: TestClient) -> None:
    receipt = _receipt()
    words, shown = _uploaded(app, client, "sideways.png",
                             _encoded(receipt.rotate(270, expand=True), "PNG"), "image/png")
    assert shown.size == receipt.size  # upright, as the receipt was drawn
    assert any(t.get("text") == "TOTAL" for t in words), words


def test_a_photo_lying_on_its_head_is_shown_the_way_it_was_read(app: FastAPI,
                                                                   client: TestClient) -> None:
    """Read again turned half a turn (`ingest.ocr.select.recognize_page`), the page is
    stored as turned and its image shown turned: the receipt's top, where its name is, at
    the top of the picture, under the name's word box."""
    receipt = _receipt()
    words, shown = _uploaded(app, client, "on-its-head.png",
                             _encoded(receipt.rotate(180), "PNG"), "image/png")
    first = min(words, key=lambda w: (w["bbox"][1], w["bbox"][0]))
    assert first["text"] == "KEDAI", words[:5]
    shown = shown.convert("L")
    assert shown.size == receipt.size
    # the shown picture is the receipt as drawn (upright), not the upside-down upload
    drawn = receipt.convert("L")
    assert _difference(shown, drawn) < _difference(shown, drawn.rotate(180))


def test_a_leaning_photo_is_shown_straightened_as_it_was_read(app: FastAPI,
                                                              client: TestClient) -> None:
    """A receipt photographed 10 degrees askew is read straightened (`ingest.scale`); the
    page image is the straightened one, so the words' boxes sit on their words."""
    _words, shown = _uploaded(app, client, "askew.png",
                              _encoded(_receipt().rotate(10, expand=True, fillcolor=255),
                                       "PNG"), "image/png")
    assert _level(shown)


def test_a_sideways_scanned_pdf_page_is_shown_the_way_it_was_read(app: FastAPI,
                                                                   client: TestClient) -> None:
    receipt = _receipt()
    _words, shown = _uploaded(app, client, "sideways-scan.pdf",
                              _encoded(receipt.rotate(90, expand=True), "PDF",
                                       resolution=150), "application/pdf")
    shown = shown.convert("L")
    assert shown.width > shown.height  # the receipt's own shape (480 x 448), not the scan's
    drawn = receipt.convert("L").resize(shown.size)
    assert _difference(shown, drawn) < _difference(shown, drawn.rotate(180))


def test_a_scanned_pdf_page_scanned_askew_is_shown_straightened(app: FastAPI,
                                                                 client: TestClient) -> None:
    _words, shown = _uploaded(app, client, "askew-scan.pdf", askew_invoice_scan(1.5),
                              "application/pdf")
    assert _level(shown)


def test_a_heic_photo_is_read_and_shown(app: FastAPI, client: TestClient) -> None:
    """An iPhone's HEIC photo: read, and its page shown as PNG (browsers do not show HEIC)."""
    from pillow_heif import register_heif_opener

    register_heif_opener()  # to write the test's file
    receipt = _receipt()
    words, shown = _uploaded(app, client, "IMG_0042.HEIC", _encoded(receipt, "HEIF",
                                                                     quality=95), "image/heic")
    assert shown.format == "PNG" and shown.size == receipt.size
    assert any(t.get("text") == "TOTAL" for t in words), words
