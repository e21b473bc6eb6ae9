"""Hostile files, generated: small inputs that unpack into far more than a document holds."""

from __future__ import annotations

import io
import random
import zipfile

from PIL import Image, ImageDraw

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')


def docx_with(document_xml: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _TYPES)
        z.writestr("word/document.xml", document_xml)
    return buf.getvalue()


def docx_paragraph_bomb(paragraphs: int = 3_000_000) -> bytes:
    """~300 KB that python-docx would turn into millions of paragraph objects (3.6 GB)."""
    body = b"<w:p/>" * paragraphs
    return docx_with(f'<?xml version="1.0"?><w:document {_W}><w:body>'.encode() + body
                     + b"</w:body></w:document>")


def docx_xml_bomb(megabytes: int = 80) -> bytes:
    """One paragraph padded with whitespace to `megabytes` of XML: a zip bomb."""
    pad = b" " * (megabytes << 20)
    return docx_with(f'<?xml version="1.0"?><w:document {_W}><w:body><w:p>'.encode() + pad
                     + b"</w:p></w:body></w:document>")


def pdf_with(body: bytes, size: int | None = None) -> bytes:
    trailer = b"trailer\n<< /Root 1 0 R /Size %d >>\n%%%%EOF\n" % (size or 2)
    return b"%PDF-1.7\n" + body + b"\n" + trailer


def pdf_object_bomb(objects: int = 1_200_000) -> bytes:
    return pdf_with(b"".join(b"%d 0 obj null endobj\n" % i for i in range(1, objects + 1)),
                    objects + 1)


def pdf_declared_objects(size: int = 50_000_000) -> bytes:
    return pdf_with(b"1 0 obj << /Type /Catalog >> endobj", size)


def pdf_nesting_bomb(depth: int = 200_000) -> bytes:
    return pdf_with(b"1 0 obj << /Type /Catalog /K " + b"[" * depth + b"]" * depth
                    + b" >> endobj")


def pdf_dict_nesting_bomb(depth: int = 100_000) -> bytes:
    return pdf_with(b"1 0 obj " + b"<< /A " * depth + b">> " * depth + b"endobj")


def big_png(side: int = 9400) -> bytes:
    """A page-like PNG of `side` x `side` pixels (88 MP at 9400, under the 100 MP refusal):
    a few hundred KB that decode into hundreds of MB and minutes of OCR."""
    img = Image.new("L", (side, side), 255)
    draw = ImageDraw.Draw(img)
    for y in range(200, side - 200, 100):  # some 90 lines of text for the OCR to read
        draw.text((200, y), "INVOICE 12345 TOTAL 99.00 " * 20, fill=0)
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def long_invoice_text(lines: int = 4200, seed: int = 1) -> bytes:
    """An invoice text of some 200 KB (4200 item lines): every line holds amounts."""
    rng = random.Random(seed)
    head = ["INVOICE", "Acme Supplies Ltd", "Invoice number: INV-77", "Invoice date: 2026-03-01"]
    items = [f"Item {i} widget type {rng.randint(1, 99)} qty {rng.randint(1, 9)} price "
             f"{rng.randint(1, 999)}.{rng.randint(0, 99):02d} USD" for i in range(lines)]
    return "\n".join([*head, *items, "Total due 1234.50 USD"]).encode()
