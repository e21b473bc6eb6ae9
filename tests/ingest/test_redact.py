"""National-id masking of what was read (ingest/redact.py)."""

from __future__ import annotations

import pytest

from ingest.redact import mask_ids, mask_words, redact_document
from ingest.types import IngestedDocument, Page, Word


@pytest.mark.parametrize(("text", "strict", "want"), [
    ("SSN: 123-45-6789", False, "SSN: ***-**-6789"),
    ("SSN 123 45 6789.", False, "SSN *** ** 6789."),
    ("ITIN 912.78.1234", False, "ITIN ***.**.1234"),
    ("Invoice 123456789", False, "Invoice 123456789"),  # a bare number on an invoice stays
    ("SSN 123456789", True, "SSN *****6789"),
    ("1 2 3 4 5 6 7 8 9", True, "* * * * * 6 7 8 9"),
    ("SIN 046 454 286", True, "SIN *** **4 286"),
    ("PAN ABCDE1234F", True, "PAN ******234F"),
    ("Aadhaar 1234 5678 9012", True, "Aadhaar **** **** 9012"),
    ("NI AB123456C", True, "NI *****456C"),
    # not ids: ZIP+4, phone numbers, an EIN, dates, longer numbers, masked already
    ("ZIP 12345-6789", True, "ZIP 12345-6789"),
    ("Phone 555-123-4567, (555) 123 4567", True, "Phone 555-123-4567, (555) 123 4567"),
    ("EIN 12-3456789", True, "EIN 12-3456789"),
    ("Born 04 12 1990", True, "Born 04 12 1990"),
    ("Account 1234567890", True, "Account 1234567890"),
    ("***-**-6789", True, "***-**-6789"),
])
def test_mask_ids(text: str, strict: bool, want: str) -> None:
    assert mask_ids(text, strict) == want
    assert len(mask_ids(text, strict)) == len(text)  # offsets stay valid


def test_an_id_split_over_words_is_masked_in_each() -> None:
    words = [Word(t, (0, 0, 1, 1)) for t in ["SSN", "123", "45", "6789", "Net", "Pay"]]
    assert mask_words(words, strict=False) == 1
    assert [w.text for w in words] == ["SSN", "***", "**", "6789", "Net", "Pay"]
    boxes = [Word(t, (0, 0, 1, 1)) for t in "123456789"]
    mask_words(boxes, strict=True)
    assert "".join(w.text for w in boxes) == "*****6789"


def test_redact_document_masks_text_words_and_metadata() -> None:
    page = Page(1, 612, 792, words=[Word("SSN:", (0, 0, 1, 1)), Word("123-45-6789", (1, 0, 2, 1))],
                text="SSN: 123-45-6789")
    doc = IngestedDocument("w4.pdf", "x", "application/pdf", 1, pages=[page],
                           metadata={"form_fields": {"ssn": "123456789"}, "title": "123-45-6789"})
    got = redact_document(doc, strict=True)
    assert got.ids == 1
    assert page.text == "SSN: ***-**-6789" and page.words[1].text == "***-**-6789"
    assert doc.metadata == {"form_fields": {"ssn": "*****6789"}, "title": "***-**-6789"}
