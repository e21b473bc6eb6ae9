"""The result of processing one file, typed, and its JSON (the CONTRACT shape) written in
one place. `workflow.judge.result_json` gives the same shape for a stored document as it
stands after people's corrections and decisions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from extractors.types import Field
from policies.types import Review, Violation
from workflow.states import DocumentStatus


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a file ended `failed` (`ingest.errors` codes, or `internal_error`)."""

    code: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class AttachmentResult:
    file: str
    document_id: str | None
    status: str
    doc_type: str

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "document_id": self.document_id, "status": self.status,
                "doc_type": self.doc_type}


@dataclass(slots=True)
class ProcessResult:
    file: str
    sha256: str | None
    document_id: str | None
    status: DocumentStatus = DocumentStatus.FAILED
    error: Failure | None = None
    doc_type: str = "other"
    subtype: str | None = None
    type_confidence: float = 0.0
    type_reasons: list[str] | None = None
    model_version: str | None = None
    pages: int = 0
    ocr_pages: int = 0
    fields: dict[str, Field] = field(default_factory=dict)
    review: Review = field(default_factory=lambda: Review(needed=False))
    violations: list[Violation] = field(default_factory=list)
    timings_ms: dict[str, int] = field(default_factory=dict)
    attachments: list[AttachmentResult] | None = None

    def fail(self, failure: Failure) -> None:
        self.status = DocumentStatus.FAILED
        self.error = failure
        self.review = Review(needed=False)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "file": self.file,
            "sha256": self.sha256,
            "document_id": self.document_id,
            "status": self.status.value,
            "error": self.error.to_json() if self.error else None,
            "doc_type": self.doc_type,
            "subtype": self.subtype,
            "type_confidence": round(float(self.type_confidence), 4),
            "pages": self.pages,
            "ocr_pages": self.ocr_pages,
            "fields": {k: f.to_json() for k, f in self.fields.items()},
            "review": self.review.to_json(),
            "violations": [v.to_json() for v in self.violations],
            "timings_ms": self.timings_ms,
        }
        if self.type_reasons is not None:
            out["type_reasons"] = list(self.type_reasons)
            out["model_version"] = self.model_version
        if self.attachments is not None:
            out["attachments"] = [a.to_json() for a in self.attachments]
        return out
