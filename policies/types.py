"""What the compliance rules and the review router return."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Violation:
    rule: str  # e.g. "ap.duplicate_invoice"
    severity: str  # "low" | "medium" | "high"
    message: str
    policy_version: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "policy_version": self.policy_version,
            "evidence": self.evidence,
        }


@dataclass(slots=True)
class Review:
    needed: bool
    reasons: list[str] = field(default_factory=list)  # "low_confidence:due_date", "violation:ap.x"

    def to_json(self) -> dict[str, Any]:
        return {"needed": self.needed, "reasons": list(self.reasons)}
