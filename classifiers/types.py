"""What the classifier decides about a document."""

from __future__ import annotations

from dataclasses import dataclass, field

DOC_TYPES = ("invoice", "receipt", "contract", "hr", "other")
CONTRACT_SUBTYPES = (
    "nda", "msa", "services", "supply", "license", "lease", "employment", "distribution", "other",
)
HR_SUBTYPES = (
    "offer_letter", "employment_agreement", "resume", "timesheet", "pay_stub", "w4", "i9",
    "performance_review", "termination_letter",
)


@dataclass(slots=True)
class Classification:
    doc_type: str  # one of DOC_TYPES
    type_confidence: float  # calibrated probability of doc_type
    subtype: str | None = None
    subtype_confidence: float | None = None
    abstained: bool = False  # True when below the threshold: doc_type is "other"
    reasons: list[str] = field(default_factory=list)  # top features that decided it
    model_version: str = "none"
    probabilities: dict[str, float] = field(default_factory=dict)  # calibrated, per doc type
    predicted_type: str | None = None  # the model's top type, kept when it abstained
