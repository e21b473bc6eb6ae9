"""The rule registry: every rule module contributes its `RULES`, in one ordered list."""

from __future__ import annotations

from policies.rules import ap, contract, duplicates, einvoice, hr, matching, records, vendor
from policies.rules.base import Rule, RuleInput

ALL_RULES: list[Rule] = [
    *ap.RULES, *duplicates.RULES, *vendor.RULES, *matching.RULES, *einvoice.RULES, *hr.RULES,
    *contract.RULES, *records.RULES,
]

__all__ = ["ALL_RULES", "Rule", "RuleInput"]
