"""Running the rules over one record and deciding whether a human must look at it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date

from extractors.types import Field
from policies.config import PolicyConfig
from policies.context import PolicyContext
from policies.keys import field_value, vendor_key
from policies.rules import ALL_RULES, Rule, RuleInput
from policies.rules.base import SEVERITIES
from policies.types import Review, Violation
from policies.version import POLICY_VERSION

log = logging.getLogger(__name__)

RULE_ERROR = "policy.rule_error"


def evaluate(
    doc_type: str,
    subtype: str | None,
    fields: Mapping[str, Field],
    ctx: PolicyContext,
    config: PolicyConfig,
    document_id: str | None = None,
    today: date | None = None,
) -> list[Violation]:
    """Every violation of the enabled rules that apply to `doc_type`, in registry order.

    A rule that crashes is reported as a `policy.rule_error` violation instead of failing
    the document: a broken check must be visible, not silently skipped.
    """
    inp = rule_input(doc_type, subtype, fields, ctx, config, document_id, today)
    out: list[Violation] = []
    for rule in applicable_rules(doc_type, config):
        out.extend(run_rule(rule, inp))
    return out


def rule_input(
    doc_type: str,
    subtype: str | None,
    fields: Mapping[str, Field],
    ctx: PolicyContext,
    config: PolicyConfig,
    document_id: str | None = None,
    today: date | None = None,
) -> RuleInput:
    """What every rule of one evaluation receives."""
    return RuleInput(
        doc_type=doc_type,
        subtype=subtype,
        fields=fields,
        ctx=ctx,
        config=config,
        document_id=document_id,
        today=today or date.today(),
        vendor_key=vendor_key(fields),
    )


def applicable_rules(doc_type: str, config: PolicyConfig) -> list[Rule]:
    """The enabled rules that apply to `doc_type`, in registry order."""
    disabled = set(config.disabled_rules)
    return [r for r in ALL_RULES if r.id not in disabled and r.applies_to(doc_type)]


def run_rule(rule: Rule, inp: RuleInput) -> list[Violation]:
    """One rule's violations; a crash becomes a `policy.rule_error` violation."""
    try:
        return list(rule.check(inp))
    except Exception as exc:  # noqa: BLE001 - one rule must not sink the record
        log.exception("policy rule %s failed", rule.id)
        return [
            Violation(
                rule=RULE_ERROR,
                severity="medium",
                message=f"Rule {rule.id} could not run: {type(exc).__name__}: {exc}",
                policy_version=POLICY_VERSION,
                evidence={"failed_rule": rule.id},
            )
        ]


def route(
    doc_type: str,
    type_confidence: float,
    abstained: bool,
    fields: Mapping[str, Field],
    violations: list[Violation],
    config: PolicyConfig,
) -> Review:
    """Whether the record needs a human, and why, in a stable order:

    1. `low_confidence:doc_type` when the classifier abstained or is below `type_threshold`;
    2. `missing:<field>` for each required field of the type (`config.required_fields`);
    3. `low_confidence:<field>` for each present field below its threshold (only the
       fields of `config.review_fields[doc_type]` where the type has such a list);
    4. `violation:<rule>` for each violation at or above `review_min_severity` (lower ones
       are reported with the record but do not stop auto-approval).
    """
    reasons: list[str] = []
    if abstained or type_confidence < config.type_threshold:
        reasons.append("low_confidence:doc_type")
    if not abstained:
        for name in config.required_fields.get(doc_type, []):
            if field_value(fields, name) in (None, "", []):
                reasons.append(f"missing:{name}")
    gating = config.review_fields.get(doc_type)
    for name in sorted(fields):
        if gating is not None and name not in gating:
            continue  # kept and shown with its confidence; does not hold the document back
        if fields[name].confidence < config.field_threshold(name):
            reasons.append(f"low_confidence:{name}")
    floor = SEVERITIES.index(config.review_min_severity)
    for v in violations:
        level = SEVERITIES.index(v.severity) if v.severity in SEVERITIES else len(SEVERITIES)
        reason = f"violation:{v.rule}"
        if level >= floor and reason not in reasons:
            reasons.append(reason)
    return Review(needed=bool(reasons), reasons=reasons)
