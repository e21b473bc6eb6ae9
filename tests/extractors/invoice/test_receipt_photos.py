"""Receipt photos end to end (ingest's OCR, then the receipt fields): pictures the test
draws of the kinds the TRAIN receipts lack, short German till receipts photographed on a
table with their amounts right-aligned far from their labels."""

from __future__ import annotations

import random

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from extractors.invoice import extract_invoice
from ingest import read_bytes
from tests.ingest.ingest_helpers import image_bytes

MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
MONO_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
BAKERY = ["*^Bäckerei Schmidt GmbH", "^Hauptstraße 12", "^80331 München", "^Tel. 089 123456",
          "", "2 x Brezel á 0,89|1,78", "Roggenbrot|3,45", "Kaffee groß|2,90", "",
          "*SUMME EUR|8,13", "Gegeben Bar|10,00", "Rückgeld|1,87", "",
          "MwSt%   Netto   MwSt   Brutto", "A 7%    5,12    0,36    5,48",
          "B 19%   2,23    0,42    2,65", "", "05.12.2026 09:41  Bon 4711  Kasse 2",
          "USt-IdNr.: DE123456789", "^Vielen Dank für Ihren Einkauf!"]
TICKET = ["*^CARREFOUR CITY", "^18 rue de la Roquette", "^75011 PARIS", "^Tel : 01 43 55 12 12",
          "", "BAGUETTE TRADITION|1,20", "LAIT DEMI ECREME 1L|1,09", "POMMES GOLDEN 1KG|2,49",
          "FROMAGE COMTE 200G|4,35", "", "*TOTAL|9,13", "CB EMV|9,13", "",
          "TVA     HT     TVA    TTC", "5,5%   8,65   0,48   9,13", "",
          "Ticket n° 0412   Caisse 03", "05/12/2026  18:42", "^MERCI DE VOTRE VISITE"]


def photo(lines: list[str], width_chars: int = 34, angle: float = 1.0,
          seed: int = 3) -> Image.Image:
    """A till receipt on a darker table, slightly turned, blurred and speckled: "*" bold,
    "^" centred, "left|right" a label and its right-aligned amount."""
    rng = random.Random(seed)
    size = 26
    font, bold = ImageFont.truetype(MONO, size), ImageFont.truetype(MONO_BOLD, size)
    width = int(font.getlength("M") * width_chars + 80)
    paper = Image.new("L", (width, int((len(lines) + 4) * size * 1.35 + 80)), 245)
    draw = ImageDraw.Draw(paper)
    y = 40.0
    for line in lines:
        f = bold if line.startswith("*") else font
        line = line.lstrip("*")
        if line.startswith("^"):
            line = line[1:]
            draw.text(((width - f.getlength(line)) / 2, y), line, fill=40, font=f)
        else:
            left, _, right = line.partition("|")
            draw.text((40, y), left, fill=40, font=f)
            if right:
                draw.text((width - 40 - f.getlength(right), y), right, fill=40, font=f)
        y += size * 1.35
    table = Image.new("L", (paper.width + 200, paper.height + 200), 90)
    table.paste(paper, (100, 100))
    table = table.rotate(angle, fillcolor=90, resample=Image.BICUBIC)
    table = table.filter(ImageFilter.GaussianBlur(0.8))
    px = table.load()
    for _ in range(table.width * table.height // 60):
        x, yy = rng.randrange(table.width), rng.randrange(table.height)
        px[x, yy] = max(0, min(255, px[x, yy] + rng.randint(-40, 40)))
    return table.convert("RGB")


@pytest.mark.slow
def test_a_short_german_receipt_photo_keeps_its_amounts_column_and_its_street():
    # the photo is not narrow (height/width 1.4), so tesseract reads it first; it read the
    # VAT table's amounts and lost the right-aligned column beside "SUMME EUR", which made
    # the table's gross 5,48 the total and one rate's tax the whole tax
    doc = read_bytes("baecker.jpg", image_bytes(photo(BAKERY), "JPEG", quality=85))
    fields = extract_invoice(doc, "receipt")
    assert fields["total_amount"].normalized == "8.13"
    assert fields.get("tax_amount") is None or fields["tax_amount"].normalized != "0.42"
    assert fields["vendor_address"].normalized == "Hauptstraße 12, 80331 München"


@pytest.mark.slow
def test_a_french_ticket_photo_reads_its_total_not_a_phone_number():
    # tesseract lost the column beside "TOTAL" and "CB EMV" but read the VAT table under
    # its header: the phone's "55 12", read "55.12", was the total at 0.65
    doc = read_bytes("ticket.jpg", image_bytes(photo(TICKET, angle=-1.5, seed=5), "JPEG",
                                               quality=85))
    fields = extract_invoice(doc, "receipt")
    assert fields["total_amount"].normalized == "9.13"
    assert fields["invoice_date"].normalized == "2026-12-05"

GROCERY = ["*^TRADER JOE'S", "^1820 Market St", "^San Francisco, CA 94102", "",
           "BANANAS|0.29", "ORGANIC SPINACH|2.99", "GREEK YOGURT PLAIN|4.49",
           "SOURDOUGH BREAD|3.99", "ALMOND BUTTER|6.99", "PEANUT BUTTER PRETZELS|2.79",
           "FROZEN MANDARIN CHICKEN|4.99", "SPARKLING WATER 4PK|3.49", "",
           "*SUBTOTAL|$30.02", "TOTAL TAX|$0.31", "*TOTAL|$30.33", "", "VISA|$30.33",
           "", "11-29-2026 14:22", "^THANK YOU FOR SHOPPING"]


@pytest.mark.slow
def test_a_tilted_photo_pairs_each_amount_with_its_label():
    # tilted 3 degrees, a line's end climbs more than half a text height across the
    # receipt: unstraightened, "SUBTOTAL" took the tax and "TOTAL TAX" the total
    doc = read_bytes("grocery.jpg", image_bytes(photo(GROCERY, angle=3.0, seed=7), "JPEG",
                                                quality=85))
    fields = extract_invoice(doc, "receipt")
    assert [fields[k].normalized if k in fields else None
            for k in ("subtotal", "tax_amount", "total_amount")] == ["30.02", "0.31", "30.33"]
