"""Evaluate the rules for a stored document and write each rule's evaluation to the
decision log, in the caller's transaction.

The one call the processing and review paths make instead of `policies.evaluate`: same
arguments (plus who triggered it), same violations. Each rule that ran becomes one
decision-log row holding its `policies.trace.RuleTrace` (inputs read, outcome,
violations, policy version), grouped by one evaluation id, which `backoffice policies
replay` reads back.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy.orm import Session

from extractors.types import Field
from policies.config import PolicyConfig
from policies.context import PolicyContext
from policies.trace import Evaluation, evaluate_traced
from policies.types import Violation
from records.decisions import DecisionEntry, DecisionKind, append
from records.ids import new_id

ACTION = "policy.evaluate"


def log_evaluation(
    session: Session, evaluation: Evaluation, document_id: str | None, actor: str
) -> str:
    """Append one row per rule of `evaluation`; returns the evaluation id."""
    evaluation_id = new_id("eval")
    append(session, [
        DecisionEntry(
            kind=DecisionKind.POLICY, actor=actor, action=ACTION, document_id=document_id,
            subject=f"rule:{t.rule}", rule=t.rule, policy_version=t.policy_version,
            outcome=t.outcome.value, evaluation_id=evaluation_id, payload=t.to_json(),
        )
        for t in evaluation.traces
    ])
    return evaluation_id


def evaluate_logged(
    session: Session,
    doc_type: str,
    subtype: str | None,
    fields: Mapping[str, Field],
    ctx: PolicyContext,
    config: PolicyConfig,
    document_id: str | None = None,
    actor: str = "system",
    today: date | None = None,
) -> list[Violation]:
    """`policies.evaluate`, with every rule evaluation written to the decision log."""
    evaluation = evaluate_traced(doc_type, subtype, fields, ctx, config,
                                 document_id=document_id, today=today)
    log_evaluation(session, evaluation, document_id, actor)
    return evaluation.violations
