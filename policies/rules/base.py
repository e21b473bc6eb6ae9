"""What every rule receives and returns, plus small parsing helpers.

A rule is a pure function `(RuleInput) -> list[Violation]`, described by a `Rule` so the
docs, the rules page and `evaluate` share one registry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from extractors.types import Field
from policies.config import PolicyConfig
from policies.context import PolicyContext
from policies.keys import field_value
from policies.types import Violation
from policies.version import POLICY_VERSION

SEVERITIES = ("low", "medium", "high")


@dataclass(slots=True)
class RuleInput:
    doc_type: str
    subtype: str | None
    fields: Mapping[str, Field]
    ctx: PolicyContext
    config: PolicyConfig
    document_id: str | None
    today: date
    vendor_key: str | None = None

    def get(self, name: str) -> Any:
        return field_value(self.fields, name)

    def judged(self, name: str) -> bool:
        """Whether field `name` is read confidently enough to be judged
        (`PolicyConfig.judge_min_confidence`); an absent field or one without a floor is."""
        floor = self.config.judge_min_confidence.get(name)
        f = self.fields.get(name)
        return floor is None or f is None or float(f.confidence) >= float(floor)

    def money(self, name: str) -> Decimal | None:
        return parse_money(self.get(name))

    def date(self, name: str) -> date | None:
        return parse_date(self.get(name))


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    doc_types: tuple[str, ...]  # empty = every type
    severity: str
    description: str
    check: Callable[[RuleInput], list[Violation]] = field(repr=False, compare=False)

    def applies_to(self, doc_type: str) -> bool:
        return not self.doc_types or doc_type in self.doc_types

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "doc_types": list(self.doc_types),
            "severity": self.severity,
            "description": self.description,
        }

    def violation(self, message: str, **evidence: Any) -> Violation:
        return Violation(
            rule=self.id,
            severity=self.severity,
            message=message,
            policy_version=POLICY_VERSION,
            evidence=evidence,
        )


def parse_money(value: Any) -> Decimal | None:
    """A Decimal from a normalized amount ("1234.50"); tolerant of "$1,234.50"."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = re.sub(r"[^0-9.,\-]", "", str(value))
    if not text:
        return None
    if "," in text and "." in text:
        text = text.replace(",", "") if text.rfind(".") > text.rfind(",") else (
            text.replace(".", "").replace(",", ".")
        )
    elif "," in text:
        head, _, tail = text.rpartition(",")
        text = f"{head.replace(',', '')}.{tail}" if len(tail) == 2 else text.replace(",", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def parse_date(value: Any) -> date | None:
    """A date from a normalized `YYYY-MM-DD` value; None when not normalized."""
    if isinstance(value, date):
        return value
    if not value:
        return None
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def parse_days(value: Any) -> int | None:
    """Days in a normalized duration (`30_days`, `3_months`, `1_years`)."""
    if value is None:
        return None
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)[_\s]*(day|week|month|year)s?\s*", str(value).lower())
    if not m:
        return None
    n = float(m.group(1))
    return round(n * {"day": 1, "week": 7, "month": 30.4375, "year": 365.25}[m.group(2)])


def parse_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in ("true", "yes", "1", "signed"):
        return True
    if text in ("false", "no", "0", "unsigned"):
        return False
    return None


def add_business_days(start: date, days: int) -> date:
    """`days` business days after `start` (weekends skipped; holidays are not known)."""
    current = start
    left = days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def fmt_money(value: Decimal) -> str:
    return f"{value:.2f}"
