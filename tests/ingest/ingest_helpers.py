"""Fixture builders for ingest tests: every input is generated at test time."""

from __future__ import annotations

import io
from pathlib import Path

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
