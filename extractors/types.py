"""What an extractor returns: one `Field` per name of CONTRACT.md it found."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ingest.types import BBox

# The most a value may claim once a cross-field check contradicts it (issue #11: "never
# above 0.5"): it may still be right (the other field may be the wrong one), but it is no
# longer something to pass without review.
CAP_CONTRADICTED = 0.5


@dataclass(slots=True)
class Field:
    """An extracted value with its evidence.

    `confidence` must be a calibrated probability that `normalized` is right;
    `page`/`bbox` say where a reviewer will find it (None when it has no single place).
    `source` names the method ("layout-kv", "regex", "table", "llm", "vendor-hint", ...).
    `contradicted` is set by a cross-field check (`contradict`): every later confidence
    layer keeps such a value at `CAP_CONTRADICTED` at most.
    """

    value: Any
    normalized: Any
    confidence: float
    page: int | None = None
    bbox: BBox | None = None
    source: str = "rule"
    contradicted: bool = False

    def contradict(self) -> None:
        """A cross-field check doubts this value: cap it now and after every later map."""
        self.contradicted = True
        self.confidence = min(self.confidence, CAP_CONTRADICTED)

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "normalized": self.normalized,
            "confidence": round(float(self.confidence), 4),
            "page": self.page,
            "bbox": [round(float(c), 1) for c in self.bbox] if self.bbox else None,
            "source": self.source,
        }


Fields = dict[str, Field]


@dataclass(slots=True)
class Clause:
    """A section/clause of a contract, with its CUAD-style clause-type tags.

    `labels` maps a clause type (snake_case of the CUAD category, e.g. "governing_law",
    "anti_assignment", "cap_on_liability") to a calibrated probability.
    `start`/`end` are character offsets into `IngestedDocument.text`.
    """

    index: int
    heading: str
    text: str
    page: int
    start: int
    end: int
    labels: dict[str, float]

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "heading": self.heading,
            "text": self.text,
            "page": self.page,
            "start": self.start,
            "end": self.end,
            "labels": {k: round(float(v), 4) for k, v in self.labels.items()},
        }
