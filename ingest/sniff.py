"""Decide what a file is from its bytes, never from its name.

Uploads are renamed, mis-saved and occasionally hostile: an executable called
`invoice.pdf` must be refused as what it is, not handed to a PDF parser.
The extension is only used to phrase error messages and to tell "garbage that
claims to be a PDF" (corrupt) from "something we do not read" (unsupported).
"""

from __future__ import annotations

import io
import re
import zipfile

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"
WEBP = "image/webp"
BMP = "image/bmp"
GIF = "image/gif"
HEIC = "image/heic"  # HEIF stills: an iPhone camera's default format
TEXT = "text/plain"
HTML = "text/html"
XML = "application/xml"
EML = "message/rfc822"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP = "application/zip"
EXE = "application/x-msdownload"
ELF = "application/x-executable"
OLE = "application/x-ole-storage"
OCTET = "application/octet-stream"

IMAGE_TYPES = frozenset({JPEG, PNG, TIFF, WEBP, BMP, GIF, HEIC})
SUPPORTED = frozenset({PDF, TEXT, HTML, EML, DOCX, XML}) | IMAGE_TYPES

# What each extension promises; used to recognise "wrong magic for the extension".
EXTENSION_TYPES: dict[str, str] = {
    ".pdf": PDF,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".png": PNG,
    ".tif": TIFF,
    ".tiff": TIFF,
    ".webp": WEBP,
    ".bmp": BMP,
    ".gif": GIF,
    ".heic": HEIC,
    ".heif": HEIC,
    ".txt": TEXT,
    ".text": TEXT,
    ".csv": TEXT,
    ".md": TEXT,
    ".htm": HTML,
    ".html": HTML,
    ".eml": EML,
    ".xml": XML,
    ".docx": DOCX,
}

_BMP_HEADER_SIZES = {12, 16, 40, 52, 56, 64, 108, 124}
# Major brands of an ISO media file ("ftyp" box) that hold HEIF/HEIC stills (not AVIF, not
# video): HEVC-coded images and image sequences, and the generic HEIF brands.
HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm",
                         b"hevs", b"mif1", b"msf1"})
_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]{1,40}:[ \t]?\S?")
_MAIL_HEADERS = {
    b"from",
    b"to",
    b"subject",
    b"date",
    b"received",
    b"return-path",
    b"message-id",
    b"mime-version",
    b"delivered-to",
    b"content-type",
    b"reply-to",
    b"cc",
    b"x-mailer",
}


def extension_type(filename: str) -> str | None:
    """The media type an extension claims, or None when it claims nothing we know."""
    dot = filename.rfind(".")
    return EXTENSION_TYPES.get(filename[dot:].lower()) if dot >= 0 else None


def sniff_type(filename: str, data: bytes) -> str:
    """Media type from magic bytes (the extension is ignored).

    Returns one of the constants above; anything unrecognised is
    `application/octet-stream`.
    """
    head = data[:2048]
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return TIFF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return HEIC
    if (
        head[:2] == b"BM"
        and len(head) >= 18
        and int.from_bytes(head[14:18], "little") in (_BMP_HEADER_SIZES)
    ):
        return BMP
    if head[:2] == b"MZ":
        return EXE
    if head[:4] == b"\x7fELF":
        return ELF
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return OLE
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _sniff_zip(data)
    return _sniff_text(data)


def _sniff_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return ZIP
    if "word/document.xml" in names and "[Content_Types].xml" in names:
        return DOCX
    return ZIP


def _decode_probe(sample: bytes) -> str | None:
    """Decode a sample if it looks like human text in a common encoding."""
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return sample.decode("utf-16", errors="ignore")
        except UnicodeError:  # pragma: no cover - errors="ignore" never raises
            return None
    try:
        return sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut by the sample boundary is still UTF-8
        if exc.start >= len(sample) - 3:
            return sample[: exc.start].decode("utf-8", errors="ignore")
    return sample.decode("cp1252", errors="replace")


def _sniff_text(data: bytes) -> str:
    sample = data[:8192]
    text = _decode_probe(sample)
    if text is None or not text:
        return OCTET
    text = text.replace("\x00", "")
    if not text:
        return OCTET
    # many NULs in an 8-bit file mean binary (UTF-16 was decoded above); a few stray
    # ones are common in exported text and are stripped by the reader
    if (
        not sample.startswith((b"\xff\xfe", b"\xfe\xff"))
        and sample.count(b"\x00") > len(sample) // 20
    ):
        return OCTET
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t\f")
    bad = text.count("\ufffd")
    if printable / len(text) < 0.95 or bad > len(text) // 50:
        return OCTET
    stripped = sample.lstrip()
    if re.match(rb"(?i)<!doctype html|<html[\s>]", stripped[:200]):
        return HTML
    if re.match(rb"<\?xml[\s?]", stripped[:100]):
        return XML
    if _looks_like_mail(sample):
        return EML
    return TEXT


def _looks_like_mail(sample: bytes) -> bool:
    """RFC 5322: a header block of `Name: value` lines, with known mail headers, first."""
    known = 0
    lines = sample.replace(b"\r\n", b"\n").split(b"\n")
    for i, line in enumerate(lines[:60]):
        if not line.strip():
            return known >= 2 and i > 0
        if line[:1] in (b" ", b"\t"):
            if i == 0:
                return False
            continue  # folded header
        if not _HEADER_LINE.match(line):
            return False
        if line.split(b":", 1)[0].lower() in _MAIL_HEADERS:
            known += 1
    return known >= 3
