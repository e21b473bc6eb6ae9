"""Compliance rules and review routing.

`evaluate` runs every rule of `RULES` that applies to a record and returns `Violation`s
with evidence; `route` turns classifier/extractor confidence and those violations into a
`Review` decision with machine-readable reasons. Rules see other documents only through a
`PolicyContext` (the database in production, `MemoryPolicyContext` in tests).
"""

from __future__ import annotations

from policies.config import PolicyConfig, load_config
from policies.context import MemoryPolicyContext, PolicyContext
from policies.engine import evaluate, route
from policies.keys import (
    normalize_iban,
    normalize_invoice_number,
    normalize_tax_id,
    normalize_vendor_name,
    vendor_key,
    vendor_keys,
)
from policies.rules import ALL_RULES, Rule
from policies.types import Review, Violation
from policies.version import POLICY_VERSION

RULES: list[Rule] = list(ALL_RULES)


def rules_markdown() -> str:
    """The rules table for docs/README and the web rules page."""
    lines = [
        f"Policy version {POLICY_VERSION}.",
        "",
        "| rule | applies to | severity | description |",
        "| --- | --- | --- | --- |",
    ]
    for r in RULES:
        types = ", ".join(r.doc_types) or "all"
        lines.append(f"| `{r.id}` | {types} | {r.severity} | {r.description} |")
    return "\n".join(lines) + "\n"


__all__ = [
    "POLICY_VERSION", "RULES", "MemoryPolicyContext", "PolicyConfig", "PolicyContext", "Review",
    "Rule", "Violation", "evaluate", "load_config", "normalize_iban", "normalize_invoice_number",
    "normalize_tax_id", "normalize_vendor_name", "route", "rules_markdown", "vendor_key",
    "vendor_keys",
]
