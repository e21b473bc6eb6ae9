"""Documents that are already text: .txt, .html, .docx and e-mail (.eml).

They have no geometry, so each becomes one page laid out on a monospace grid
(`layout.synthetic_page`): extractors that look "right of" or "below" a label
still work on a plain-text invoice.
"""

from __future__ import annotations

import io
import re
from email.message import EmailMessage, Message
from html.parser import HTMLParser
from typing import Any

from ingest.errors import CorruptFile
from ingest.layout import synthetic_page
from ingest.types import Attachment, Page, StructuredInvoice


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM tolerated), UTF-16 with a BOM, else cp1252; NULs removed."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    return text.replace("\x00", "")


_BLOCK_TAGS = {
    "p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "header", "footer", "blockquote", "pre", "hr", "dt", "dd", "address",
}  # fmt: skip


class _HtmlText(HTMLParser):
    """Visible text of an HTML document: scripts/styles dropped, blocks on new lines,
    table cells separated by tabs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head", "title", "noscript"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head", "title", "noscript"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    lines = [ln.strip(" ") for ln in "".join(parser.parts).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def read_plain(data: bytes) -> list[Page]:
    return [synthetic_page(decode_text(data))]


def read_html(data: bytes) -> list[Page]:
    return [synthetic_page(html_to_text(decode_text(data)))]


def read_xml(data: bytes, filename: str) -> tuple[list[Page], StructuredInvoice | None]:
    """An XML file: its text as `Name: value` lines; an e-invoice (XRechnung, Peppol UBL)
    also as structured data."""
    from ingest import einvoice  # lxml: only an XML file needs it, not every text

    root = einvoice.parse_xml(data)
    if root is None:
        raise CorruptFile(f"{filename} is not well-formed XML (or larger than "
                          f"{einvoice.MAX_XML_BYTES // (1024 * 1024)} MB)")
    structured = einvoice.from_xml_file(data)
    return [synthetic_page(einvoice.xml_text(root))], structured


def _docx_blocks(doc: Any) -> list[str]:
    """Body paragraphs and tables in document order (python-docx lists them separately)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[str] = []
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append(Paragraph(child, doc).text)
        elif tag == "tbl":
            table = Table(child, doc)
            for row in table.rows:
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # merged cells repeat
                        continue
                    seen.add(id(cell._tc))
                    cells.append(" ".join(cell.text.split()))
                out.append("\t".join(cells))
            out.append("")
    return out


def read_docx(data: bytes, filename: str) -> tuple[list[Page], dict[str, Any]]:
    try:
        import docx

        doc = docx.Document(io.BytesIO(data))
        headers: list[str] = []
        footers: list[str] = []
        for section in doc.sections:  # sections usually repeat one header: keep it once
            for p in section.header.paragraphs:
                if p.text.strip() and p.text not in headers:
                    headers.append(p.text)
            for p in section.footer.paragraphs:
                if p.text.strip() and p.text not in footers:
                    footers.append(p.text)
        lines = headers + _docx_blocks(doc) + footers
        props = doc.core_properties
        meta: dict[str, Any] = {}
        for key in ("title", "author", "subject"):
            value = getattr(props, key, None)
            if value:
                meta[key] = str(value)
        if props.created:
            meta["created"] = props.created.isoformat()
    except CorruptFile:
        raise
    except Exception as exc:  # python-docx/lxml/zipfile raise many types
        raise CorruptFile(
            f"Word document {filename} is damaged and cannot be read ({exc})"
        ) from exc
    return [synthetic_page("\n".join(lines))], meta


def _part_text(part: Message) -> str:
    try:
        content = part.get_content() if isinstance(part, EmailMessage) else None
    except (LookupError, ValueError, AssertionError):
        content = None
    if not isinstance(content, str):
        payload = part.get_payload(decode=True) or b""
        charset = part.get_content_charset() or "utf-8"
        try:
            content = payload.decode(charset, errors="replace")
        except LookupError:
            content = decode_text(payload)
    return content.replace("\x00", "")


def read_eml(data: bytes, filename: str) -> tuple[list[Page], list[Attachment], dict[str, Any]]:
    """Body (text/plain preferred, else HTML stripped) is the document; attachments are
    returned for the pipeline to process as linked documents; headers go to metadata."""
    # here: the header registry (~15 ms to import) is for e-mail only
    import email.policy
    import email.utils

    try:
        msg = email.message_from_bytes(data, policy=email.policy.default)
    except Exception as exc:  # the parser is lenient; this is belt and braces
        raise CorruptFile(f"e-mail {filename} cannot be parsed ({exc})") from exc
    assert isinstance(msg, EmailMessage)
    meta: dict[str, Any] = {}
    for key in ("from", "to", "cc", "subject", "date", "message-id"):
        try:
            value = msg.get(key)
        except Exception:  # malformed header values raise on access
            value = msg.get_all(key, failobj=[None])[0] if key in msg else None
        if value:
            meta[key.replace("-", "_")] = " ".join(str(value).split())
    if "date" in meta:
        try:
            meta["date_iso"] = email.utils.parsedate_to_datetime(meta["date"]).isoformat()
        except (TypeError, ValueError, IndexError):
            pass
    text = ""
    body = None
    try:
        body = msg.get_body(preferencelist=("plain", "html"))
    except Exception:
        body = None
    if body is not None:
        text = _part_text(body)
        if body.get_content_subtype() == "html":
            text = html_to_text(text)
    elif not msg.is_multipart() and msg.get_content_maintype() == "text":
        text = _part_text(msg)
    attachments: list[Attachment] = []
    try:
        parts = list(msg.iter_attachments())
    except Exception:
        parts = []
    for n, part in enumerate(parts, start=1):
        if part is body:
            continue
        name = part.get_filename()
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            payload = (
                inner[0].as_bytes()
                if isinstance(inner, list) and inner
                else part.get_payload(decode=True)
            ) or b""
            name = name or f"attachment-{n}.eml"
        else:
            payload = part.get_payload(decode=True) or b""
        if not payload:
            continue
        name = name or f"attachment-{n}{_guess_ext(part.get_content_type())}"
        attachments.append(Attachment(filename=_safe_name(name), data=payload))
    meta["attachment_count"] = len(attachments)
    return [synthetic_page(text.strip())], attachments, meta


def _guess_ext(content_type: str) -> str:
    import mimetypes

    return mimetypes.guess_extension(content_type) or ".bin"


def _safe_name(name: str) -> str:
    """Attachment names come from the sender: keep only the last path component."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip().strip(".")
    return name or "attachment.bin"
