"""A candidate value for a field with the evidence needed to build a `Field`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from extractors.hr.lines import Line
from extractors.types import Field


@dataclass(slots=True)
class Candidate:
    field: str
    value: Any
    normalized: Any
    confidence: float
    line: Line | None
    start: int = 0
    end: int = 0
    source: str = "rule"

    def to_field(self) -> Field:
        bbox = self.line.bbox(self.start, self.end) if self.line is not None else None
        conf = self.confidence
        if self.line is not None and self.line.words:
            # OCR doubt lowers confidence: a misread digit makes the value wrong
            conf *= 0.6 + 0.4 * self.line.ocr_conf(self.start, self.end)
        return Field(
            value=self.value,
            normalized=self.normalized,
            confidence=round(min(max(conf, 0.0), 0.99), 4),
            page=self.line.page if self.line is not None else None,
            bbox=bbox,
            source=self.source,
        )


def best(candidates: list[Candidate]) -> dict[str, Candidate]:
    """Highest confidence per field; earlier in the document wins a tie."""
    out: dict[str, Candidate] = {}
    for c in candidates:
        cur = out.get(c.field)
        if cur is None or c.confidence > cur.confidence:
            out[c.field] = c
    return out
