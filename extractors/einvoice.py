"""Fields of a structured e-invoice (Factur-X / ZUGFeRD, XRechnung, Peppol BIS UBL) read
from its XML, never guessed from the page: the XML is the issuer's own statement of the
invoice, so an OCR reading of a number that sits in it would be a defect.

The `factur-x` library maps both syntaxes (CII and UBL) to the EN 16931 business terms
(BT-1 invoice number, BG-4 seller...) and validates against the official schemas; this
module maps those terms to CONTRACT.md's names (`BT_FIELDS`). A value is 1.0 confident
when the XML validates against its profile's schema; an XML that does not validate still
gives its values, at `UNVALIDATED_CONFIDENCE`, and its schema errors as the field
`einvoice_errors` so a reviewer sees them (policy `ap.einvoice_invalid`).

The visible page is read too: where it prints a value, the value's box is shown; the
visible total is kept as `visible_total_amount` so that `ap.einvoice_mismatch` can say
when the PDF a person would read disagrees with the XML that gets booked.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from extractors.types import Field, Fields
from ingest.einvoice import parse_xml
from ingest.types import IngestedDocument, Page, StructuredInvoice

log = logging.getLogger(__name__)

SOURCE = "e-invoice"
UNVALIDATED_CONFIDENCE = 0.9  # the issuer's values, but the file breaks its schema
# EN 16931 business term (as factur-x names it) -> CONTRACT.md field
BT_FIELDS: dict[str, str] = {
    "BT-1": "invoice_number",
    "BT-2": "invoice_date",
    "BT-9": "due_date",
    "BT-13": "po_number",
    "BT-5": "currency",
    "BT-109": "subtotal",
    "BT-110": "tax_amount",
    "BT-112": "total_amount",
    "BT-84": "iban",
    "BT-20": "payment_terms",
}
MONEY_FIELDS = frozenset({"subtotal", "tax_amount", "total_amount"})
# line item business terms -> CONTRACT.md line item keys
LINE_TERMS: dict[str, str] = {"BT-153": "description", "BT-129": "quantity",
                              "BT-146": "unit_price", "BT-131": "amount"}
# factur-x level -> the profile name users know
PROFILE_NAMES: dict[str, str] = {
    "minimum": "Factur-X MINIMUM", "basicwl": "Factur-X BASIC WL", "basic": "Factur-X BASIC",
    "en16931": "EN 16931", "extended": "Factur-X EXTENDED",
    "extended-ctc-fr": "Factur-X EXTENDED CTC-FR",
}
XRECHNUNG_MARK = "xrechnung"
CENT = Decimal("0.01")
_PUNCT = re.compile(r"[^\w.,@/-]+")


class EInvoiceError(ValueError):
    """The attached or uploaded XML is an e-invoice this module cannot read."""


@dataclass(slots=True)
class EInvoiceReading:
    """What the XML says, and whether it keeps to its schema."""

    fields: Fields
    profile: str
    syntax: str
    valid: bool
    errors: list[str] = field(default_factory=list)


def _money(raw: Any) -> str | None:
    try:
        d = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    return str(d.quantize(CENT)) if d == d.quantize(CENT) else str(d.normalize())


def _number(raw: Any) -> str | None:
    try:
        d = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    return str(d.to_integral_value()) if d == d.to_integral_value() else str(d.normalize())


def _profile(level: str, guideline: str | None) -> str:
    if guideline and XRECHNUNG_MARK in guideline.lower():
        return "XRechnung"
    return PROFILE_NAMES.get(level, level)


def _address(party: dict[str, Any]) -> str | None:
    street = ", ".join(str(party[k]) for k in ("addr_l1", "addr_l2", "addr_l3") if party.get(k))
    town = " ".join(str(party[k]) for k in ("postcode", "city") if party.get(k))
    parts = [p for p in (street, town, party.get("country_code")) if p]
    return ", ".join(parts) if len(parts) > 1 else None


def _values(data: dict[str, Any]) -> dict[str, Any]:
    """CONTRACT.md field -> normalized value, from factur-x's business-term dict."""
    out: dict[str, Any] = {}
    for term, name in BT_FIELDS.items():
        raw = data.get(term)
        if raw in (None, ""):
            continue
        if name in MONEY_FIELDS:
            raw = _money(raw)
        elif name == "iban":
            raw = re.sub(r"\s+", "", str(raw)).upper()
        elif name == "currency":
            raw = str(raw).upper()
        if raw is not None:
            out[name] = str(raw)
    seller = data.get("BG-4") or {}
    buyer = data.get("BG-7") or {}
    if seller.get("name") or seller.get("biz_name"):
        out["vendor_name"] = str(seller.get("name") or seller.get("biz_name"))
    tax_id = seller.get("vat_identifier") or seller.get("tax_identifier") \
        or seller.get("legal_identifier")
    if tax_id:
        out["vendor_tax_id"] = str(tax_id)
    if (address := _address(seller)) is not None:
        out["vendor_address"] = address
    if buyer.get("name"):
        out["customer_name"] = str(buyer["name"])
    items = []
    for line in data.get("BG-25") or []:
        item = {key: line.get(term) for term, key in LINE_TERMS.items()}
        if not any(item.values()):
            continue
        items.append({
            "description": str(item["description"] or ""),
            "quantity": _number(item["quantity"]) if item["quantity"] is not None else None,
            "unit_price": _money(item["unit_price"]) if item["unit_price"] is not None else None,
            "amount": _money(item["amount"]) if item["amount"] is not None else None,
        })
    if items:
        out["line_items"] = items
    return out


def read_einvoice(structured: StructuredInvoice) -> EInvoiceReading:
    """The XML's fields (confidence 1.0 when it validates against its profile's schema)."""
    from facturx.facturx import get_flavor, get_level, xml_check_xsd
    from facturx.parse_xml import parse_ubl_cii_xml

    root = parse_xml(structured.xml)
    if root is None:
        raise EInvoiceError("the e-invoice XML is not well-formed")
    try:
        flavor = get_flavor(root)
        level = get_level(root, flavor)
    except Exception as exc:  # noqa: BLE001 - the library raises plain Exception
        raise EInvoiceError(f"not a Factur-X, ZUGFeRD 2 or UBL 2.1 invoice: {exc}") from exc
    errors: list[str] = []
    try:
        xml_check_xsd(root, flavor=flavor, level=level)
    except Exception as exc:  # noqa: BLE001
        errors.append(str(exc)[:1000])
    try:
        data = parse_ubl_cii_xml(root, flavor=flavor, level=level, check_xsd=False,
                                 date_as="string", float_as="string")
    except Exception as exc:  # noqa: BLE001
        raise EInvoiceError(f"the e-invoice could not be read: {exc}") from exc
    confidence = UNVALIDATED_CONFIDENCE if errors else 1.0
    fields: Fields = {
        name: Field(value, value, confidence, source=SOURCE)
        for name, value in _values(data).items()
    }
    profile = _profile(level, data.get("BT-24"))
    fields["einvoice_profile"] = Field(profile, profile, confidence, source=SOURCE)
    if errors:
        fields["einvoice_errors"] = Field(errors[0], errors[0], 1.0, source=SOURCE)
    return EInvoiceReading(fields, profile, structured.syntax, not errors, errors)


# ------------------------------------------------------------------ boxes on the page
def _token(text: str) -> str:
    return _PUNCT.sub("", text).casefold()


def _money_token(text: str) -> str | None:
    cleaned = re.sub(r"[^\d,.-]", "", text)
    if not cleaned or not any(ch.isdigit() for ch in cleaned):
        return None
    if "," in cleaned and cleaned.rfind(",") > cleaned.rfind("."):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    return _money(cleaned)


def _locate(pages: list[Page], name: str, value: str) -> tuple[int, Any] | None:
    """Page and box of the first place the page prints `value` (all its words in a row)."""
    if name in MONEY_FIELDS:
        for page in pages:
            for w in page.words:
                if _money_token(w.text) == value:
                    return page.number, w.bbox
        return None
    want = [_token(t) for t in value.split() if _token(t)]
    if not want:
        return None
    for page in pages:
        words = page.words
        tokens = [_token(w.text) for w in words]
        for i in range(len(words) - len(want) + 1):
            if tokens[i:i + len(want)] == want:
                boxes = [w.bbox for w in words[i:i + len(want)]]
                return page.number, (min(b[0] for b in boxes), min(b[1] for b in boxes),
                                     max(b[2] for b in boxes), max(b[3] for b in boxes))
    return None


def extract_einvoice(doc: IngestedDocument, visible: Fields | None = None) -> Fields:
    """The e-invoice's fields with boxes where the page shows them, plus the visible total
    (from the layout extractor's `visible` reading of the page) for the mismatch check."""
    assert doc.structured is not None
    reading = read_einvoice(doc.structured)
    fields = reading.fields
    for name, f in fields.items():
        if isinstance(f.value, str) and name not in ("einvoice_profile", "einvoice_errors"):
            where = _locate(doc.pages, name, f.value)
            if where is not None:
                f.page, f.bbox = where
    seen = (visible or {}).get("total_amount")
    if seen is not None and doc.structured.origin != "file":
        fields["visible_total_amount"] = Field(seen.value, seen.normalized, seen.confidence,
                                               seen.page, seen.bbox, f"visible:{seen.source}")
    return fields
