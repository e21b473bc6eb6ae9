"""The receipt-scale benchmark's files: each size is the receipt made larger the way real
large files are, and a run stopped early is tabled only for receipts read at every size."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from benchmarks import receipt_scale as rs


def _receipt_jpeg() -> bytes:
    img = Image.new("RGB", (200, 400), "white")
    draw = ImageDraw.Draw(img)
    for i in range(12):
        draw.text((10, 10 + 30 * i), f"ITEM {i}   {i}.50", fill="black")
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def test_sizes_are_upscaled_jpegs_and_the_photo_has_a_tilted_border():
    data = _receipt_jpeg()
    assert rs.make_variant(data, "1x", "s") is data
    sizes = {}
    for v in ("2x", "3x", "4x", "photo"):
        out = rs.make_variant(data, v, "s")
        img = Image.open(io.BytesIO(out))
        assert img.format == "JPEG" and "dpi" not in img.info
        sizes[v] = img.size
        assert len(out) > len(data)
    assert sizes["2x"] == (400, 800) and sizes["4x"] == (800, 1600)
    photo = Image.open(io.BytesIO(rs.make_variant(data, "photo", "s"))).convert("RGB")
    assert photo.width > 600 * (1 + 2 * rs.PHOTO_BORDER) and photo.height > 1200
    corner = photo.getpixel((2, 2))
    assert max(abs(a - b) for a, b in zip(corner, rs.PHOTO_BACKGROUND, strict=True)) < 60
    # deterministic per seed
    assert rs.make_variant(data, "photo", "s") == rs.make_variant(data, "photo", "s")


def _row(name: str, variant: str, ok: bool) -> rs.Row:
    return rs.Row(name, variant, 100.0, 1000, 20.0, 1.0, "receipt", 1.0,
                  correct={"total_amount": ok}, confidence={"total_amount": 0.9},
                  values={"total_amount": "1.00" if ok else "7.00"})


def test_only_receipts_read_at_every_size_are_tabled_and_changes_are_listed():
    rows = [_row("a", "1x", True), _row("a", "3x", False), _row("b", "1x", True)]
    done = rs.complete(rows, ["1x", "3x"])
    assert {r.name for r in done} == {"a"}
    table = rs.render(done, ["1x", "3x"])
    assert "| 1x | 1 | 0 |" in table and "| 3x | 1 | 0 |" in table
    assert rs.changed(done) == ["a 3x total_amount: '1.00' -> '7.00' (broken)"]


@pytest.mark.slow  # two OCR readings of a small receipt
def test_a_kept_reading_is_reused_without_ocr(tmp_path, monkeypatch):
    import training.docs

    monkeypatch.setattr(training.docs, "CACHE_DIR", tmp_path)
    path = tmp_path / "r.jpg"
    path.write_bytes(_receipt_jpeg())
    first = rs.run_one(path, {"total_amount": "11.50"}, "2x", cache_reads=True)
    assert not first.cached and len(list(tmp_path.glob("*.pkl"))) == 1
    again = rs.run_one(path, {"total_amount": "11.50"}, "2x", cache_reads=True)
    assert again.cached and again.values == first.values and again.correct == first.correct
    # without the option nothing is read from the cache
    assert not rs.run_one(path, {"total_amount": "11.50"}, "2x").cached


def test_a_failed_reading_is_a_row_of_wrong_fields_not_a_crash(tmp_path, monkeypatch):
    import ingest
    from ingest.errors import OcrTimeout

    def slow(*_a, **_k):
        raise OcrTimeout("OCR of page 1 took longer than its 240 s budget")

    monkeypatch.setattr(ingest, "read_bytes", slow)
    path = tmp_path / "r.jpg"
    path.write_bytes(_receipt_jpeg())
    row = rs.run_one(path, {"total_amount": "11.50", "vendor_name": "X"}, "2x")
    assert row.doc_type == "failed" and row.error.startswith("OcrTimeout")
    assert row.correct == {"total_amount": False, "vendor_name": False}
    assert "| 2x | 1 | 1 |" in rs.render([row], ["2x"])


def test_hand_held_conditions_keep_the_size_or_turn_the_receipt():
    data = _receipt_jpeg()
    src = Image.open(io.BytesIO(data)).convert("L")
    out = {v: Image.open(io.BytesIO(rs.make_variant(data, v, "s"))) for v in rs.CONDITIONS}
    assert all(img.format == "JPEG" for img in out.values())
    assert out["askew10"].size[0] > src.size[0] and out["askew10"].size[1] > src.size[1]
    for v in ("upside_down", "keystone", "blur", "noise", "jpeg"):
        assert out[v].size == src.size, v
    # upside down: the first item line is at the bottom, mirrored
    flipped = out["upside_down"].convert("L")
    assert flipped.getbbox() is not None
    top_ink = sum(255 - p for p in src.crop((0, 0, 200, 40)).tobytes())
    assert sum(255 - p for p in flipped.crop((0, 360, 200, 400)).tobytes()) > 0.8 * top_ink
    assert len(rs.make_variant(data, "jpeg", "s")) < len(rs.make_variant(data, "noise", "s"))


def test_the_keystone_shrinks_the_top_and_crops_nothing():
    data = _receipt_jpeg()
    img = Image.open(io.BytesIO(rs.make_variant(data, "keystone", "s"))).convert("L")
    # the top-left corner is paper (the receipt's top moved inward and away), the lines
    # near the bottom keep their place and width
    assert min(img.crop((0, 0, 12, 30)).tobytes()) > 200
    src = Image.open(io.BytesIO(data)).convert("L")
    assert min(img.crop((0, 300, 40, 340)).tobytes()) < 100
    ink = sum(255 - p for p in src.tobytes())
    assert sum(255 - p for p in img.tobytes()) > 0.7 * ink  # no text cut off
