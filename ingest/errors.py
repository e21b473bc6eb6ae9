"""Every way ingest can refuse a file, as a named exception with a stable code.

The code is what `backoffice process` prints in `error.code` (see CONTRACT.md);
the exit code is used when the CLI is asked to fail fast on one file.
"""

from __future__ import annotations


class IngestError(Exception):
    """Base class: a file that cannot be read. The original is always kept."""

    code = "ingest_error"
    exit_code = 10

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class EncryptedPdf(IngestError):
    code = "encrypted_pdf"
    exit_code = 11


class CorruptFile(IngestError):
    code = "corrupt_file"
    exit_code = 12


class UnsupportedType(IngestError):
    code = "unsupported_type"
    exit_code = 13


class EmptyFile(IngestError):
    code = "empty_file"
    exit_code = 14


class TooLarge(IngestError):
    code = "too_large"
    exit_code = 15


class TooManyPages(IngestError):
    code = "too_many_pages"
    exit_code = 16


class OcrTimeout(IngestError):
    code = "ocr_timeout"
    exit_code = 17


class OcrUnavailable(IngestError):
    code = "ocr_unavailable"
    exit_code = 18


class OcrFailed(IngestError):
    """The OCR engine crashed on a page (not a timeout, not a missing program)."""

    code = "ocr_failed"
    exit_code = 19


class UnreadableFile(IngestError):
    """The path does not exist, is a directory, or cannot be opened."""

    code = "unreadable_file"
    exit_code = 20


class TooComplex(IngestError):
    """A small file that unpacks into far more than a document holds (a decompression
    bomb): more XML, paragraphs or PDF objects, or deeper nesting, than `ingest.limits`
    allows. Refused before the parser builds it in memory."""

    code = "too_complex"
    exit_code = 21
