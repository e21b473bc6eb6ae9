"""Finding a structured e-invoice: the XML inside a Factur-X / ZUGFeRD PDF (PDF/A-3
attachment) or an XRechnung / Peppol BIS file uploaded as XML.

Reading only: which syntax it is and its bytes. What the values mean is the extractor's
(`extractors/einvoice.py`). The XML is parsed with entities, DTDs and network access off
(an upload is hostile until proven otherwise) and with a size limit.
"""

from __future__ import annotations

import io
import logging

from lxml import etree

from ingest.types import StructuredInvoice

log = logging.getLogger(__name__)

CII_NS = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
UBL_INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
# root element (Clark notation) -> syntax
ROOTS: dict[str, str] = {
    f"{{{CII_NS}}}CrossIndustryInvoice": "cii",
    f"{{{UBL_INVOICE_NS}}}Invoice": "ubl",
    f"{{{UBL_CREDIT_NOTE_NS}}}CreditNote": "ubl",
}
# Names the standards give the attachment, tried first (any XML attachment is checked).
KNOWN_ATTACHMENT_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml",
                          "ZUGFeRD-invoice.xml")
MAX_XML_BYTES = 10 * 1024 * 1024  # an invoice's XML; larger ones are not read as one


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True)


def parse_xml(data: bytes) -> etree._Element | None:
    """The root element, or None when `data` is not well-formed XML (or too large)."""
    if len(data) > MAX_XML_BYTES:
        return None
    try:
        return etree.fromstring(data, safe_parser())
    except (etree.XMLSyntaxError, ValueError):
        return None


def syntax_of(data: bytes) -> str | None:
    """"cii" or "ubl" when `data` is an e-invoice, else None."""
    root = parse_xml(data)
    return None if root is None else ROOTS.get(root.tag)


def from_xml_file(data: bytes) -> StructuredInvoice | None:
    syntax = syntax_of(data)
    return StructuredInvoice(syntax, data, "file") if syntax else None


def from_pdf(data: bytes) -> StructuredInvoice | None:
    """The e-invoice XML attached to a PDF, if any. An embedded file is a stream object,
    and streams are never inside compressed object streams, so a PDF without the bytes
    `/EmbeddedFile` has none and is not parsed a second time."""
    if b"/EmbeddedFile" not in data:
        return None
    from pypdf import PdfReader

    try:
        attachments = PdfReader(io.BytesIO(data)).attachments
        names = sorted(attachments, key=lambda n: (n not in KNOWN_ATTACHMENT_NAMES, n))
        for name in names:
            if not name.lower().endswith(".xml"):
                continue
            for blob in attachments[name]:
                syntax = syntax_of(blob)
                if syntax:
                    return StructuredInvoice(syntax, blob, f"embedded:{name}")
    except Exception:  # noqa: BLE001 - a broken attachment leaves the visible invoice
        log.warning("reading the attachments of a PDF failed", exc_info=True)
    return None


def xml_text(root: etree._Element) -> str:
    """A readable rendering of an XML file for search and the classifier: one line per
    element that holds text, `Name: value`."""
    lines = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        text = (el.text or "").strip()
        if text:
            lines.append(f"{etree.QName(el).localname}: {text}")
    return "\n".join(lines)
