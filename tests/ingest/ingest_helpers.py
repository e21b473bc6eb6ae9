"""Fixture builders for ingest tests: every input is generated at test time."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def reportlab_pdf(
    placements: list[tuple[float, float, str]], pages: int = 1, size: float = 12
) -> bytes:
    """A born-digital PDF; each placement is (x, y_from_top, text) in points."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    height = letter[1]
    for _ in range(pages):
        c.setFont("Helvetica", size)
        for x, y, text in placements:
            c.drawString(x, height - y, text)
        c.showPage()
    c.save()
    return buf.getvalue()


def text_image(
    lines: list[str], width: int = 1200, font_px: int = 40, line_px: int = 70
) -> Image.Image:
    """Black text on white, like a clean scan."""
    font = ImageFont.load_default(size=font_px)
    height = 80 + line_px * len(lines) + 40
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((60, 60 + i * line_px), line, fill="black", font=font)
    return img


def image_bytes(img: Image.Image, fmt: str, **kwargs: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kwargs)
    return buf.getvalue()


def scanned_pdf(lines: list[str], dpi: int = 200) -> bytes:
    """A PDF whose only content is a picture of text (no text layer)."""
    img = text_image(lines, width=int(8.5 * dpi * 0.6))
    return image_bytes(img.convert("L"), "PDF", resolution=float(dpi))


def askew_invoice_scan(lean: float) -> bytes:
    """An A4 page at 150 dpi: labels at the left margin, their values near the right one
    (1.5 degrees over that gap lift a value a text height), saved as a scanned PDF."""

    try:
        font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 16)
    except OSError:
        pytest.skip("DejaVu fonts not installed (apt-get install fonts-dejavu-core)")
    rows = [("ACME Supplies GmbH", ""), ("INVOICE", ""), ("Invoice number", "INV-2041"),
            ("Invoice date", "14.03.2024"), ("Subtotal", "1,700.00"), ("VAT 19%", "323.00"),
            ("Total", "2,023.00")]
    img = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(img)
    for i, (label, value) in enumerate(rows):
        draw.text((100, 150 + 45 * i), label, font=font, fill=0)
        draw.text((1000, 150 + 45 * i), value, font=font, fill=0)
    buf = io.BytesIO()
    img.rotate(lean, Image.Resampling.BICUBIC, fillcolor=255).convert("RGB").save(
        buf, "PDF", resolution=150)
    return buf.getvalue()
