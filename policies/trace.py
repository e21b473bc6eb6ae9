"""Rule evaluations that can be shown and replayed: what each rule read and decided.

`evaluate_traced` runs the same rules as `policies.evaluate`, each on recording stand-ins
for the fields, the settings and the `PolicyContext`, so every `RuleTrace` holds exactly
the inputs its rule read (field snapshots, settings, the questions it asked about other
documents and their answers) next to its outcome, in a JSON form the decision log stores
and `policies.replay` runs the rules on again.

Unmasked social security numbers never enter a trace: a field holding one is recorded as
redacted.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from extractors.types import Field
from policies.config import PolicyConfig
from policies.context import ContractTerms, InvoiceRecord, PolicyContext, PurchaseOrder
from policies.engine import RULE_ERROR, applicable_rules, rule_input, run_rule
from policies.rules import RuleInput
from policies.rules.hr import exposed_ssn_fields
from policies.types import Violation
from policies.version import POLICY_VERSION

REDACTED = "redacted"


class Outcome(StrEnum):
    PASS = "pass"  # the rule found nothing
    FAIL = "fail"  # the rule reported violations
    ERROR = "error"  # the rule crashed (reported as policy.rule_error)


class TraceError(ValueError):
    """A recorded trace cannot be read back (malformed or from an unknown format)."""


def plain(value: Any) -> Any:
    """JSON-ready copy: tuples become lists, dates ISO strings, Decimals and other
    objects their text; non-finite floats their text (JSON has no NaN)."""
    if is_dataclass(value) and not isinstance(value, type):
        return plain(asdict(value))
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [plain(v) for v in items]
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


@dataclass(frozen=True, slots=True)
class ContextCall:
    """One question a rule asked about other documents, with the answer it got."""

    method: str
    args: list[Any]
    answer: Any

    def to_json(self) -> dict[str, Any]:
        return {"method": self.method, "args": self.args, "answer": self.answer}


@dataclass(slots=True)
class RuleInputs:
    """Everything one rule read. `fields` maps a field name to its snapshot
    (`Field.to_json()`), to None when the rule asked for a field the document lacks, or
    to `{"redacted": "ssn"}`; `field_names` is the full list of field names when the rule
    went through every field."""

    doc_type: str
    subtype: str | None
    document_id: str | None
    today: str
    vendor_key: str | None
    fields: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    field_names: list[str] | None = None
    config: dict[str, Any] = field(default_factory=dict)
    context: list[ContextCall] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "doc_type": self.doc_type,
            "subtype": self.subtype,
            "document_id": self.document_id,
            "today": self.today,
            "vendor_key": self.vendor_key,
            "fields": self.fields,
            "field_names": self.field_names,
            "config": self.config,
            "context": [c.to_json() for c in self.context],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RuleInputs:
        try:
            return cls(
                doc_type=data["doc_type"],
                subtype=data.get("subtype"),
                document_id=data.get("document_id"),
                today=data["today"],
                vendor_key=data.get("vendor_key"),
                fields=dict(data.get("fields") or {}),
                field_names=data.get("field_names"),
                config=dict(data.get("config") or {}),
                context=[ContextCall(c["method"], list(c["args"]), c["answer"])
                         for c in data.get("context") or []],
            )
        except (KeyError, TypeError) as exc:
            raise TraceError(f"recorded rule inputs are incomplete: {exc}") from exc


@dataclass(slots=True)
class RuleTrace:
    """One rule's evaluation: its inputs, outcome and violations (as `Violation.to_json`)."""

    rule: str
    policy_version: str
    inputs: RuleInputs
    outcome: Outcome
    violations: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "policy_version": self.policy_version,
            "inputs": self.inputs.to_json(),
            "outcome": self.outcome.value,
            "violations": self.violations,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RuleTrace:
        try:
            return cls(
                rule=data["rule"],
                policy_version=data["policy_version"],
                inputs=RuleInputs.from_json(data["inputs"]),
                outcome=Outcome(data["outcome"]),
                violations=list(data.get("violations") or []),
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, TraceError):
                raise
            raise TraceError(f"recorded rule evaluation is incomplete: {exc}") from exc


@dataclass(slots=True)
class Evaluation:
    """`policies.evaluate`'s violations plus one trace per rule that ran."""

    violations: list[Violation]
    traces: list[RuleTrace]


def outcome_of(violations: list[Violation]) -> Outcome:
    if any(v.rule == RULE_ERROR for v in violations):
        return Outcome.ERROR
    return Outcome.FAIL if violations else Outcome.PASS


def _snapshot(f: Field) -> dict[str, Any]:
    return plain(f.to_json())


# ---------------------------------------------------------------- recording stand-ins
class _RecordingFields(Mapping[str, Field]):
    def __init__(self, fields: Mapping[str, Field], redact: set[str]) -> None:
        self._fields = fields
        self._redact = redact
        self.read: dict[str, dict[str, Any] | None] = {}
        self.names: list[str] | None = None

    def __getitem__(self, name: str) -> Field:
        f = self._fields.get(name)
        if f is None:
            self.read[name] = None
            raise KeyError(name)
        self.read[name] = {REDACTED: "ssn"} if name in self._redact else _snapshot(f)
        return f

    def __iter__(self) -> Iterator[str]:
        self.names = list(self._fields)
        return iter(self.names)

    def __len__(self) -> int:
        self.names = list(self._fields)
        return len(self.names)


class _RecordingConfig:
    def __init__(self, config: PolicyConfig) -> None:
        self._config = config
        self.read: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._config, name)
        if not callable(value):
            self.read[name] = plain(value)
        return value


class _RecordingContext:
    def __init__(self, ctx: PolicyContext) -> None:
        self._ctx = ctx
        self.calls: list[ContextCall] = []

    def _ask(self, method: str, *args: Any) -> Any:
        answer = getattr(self._ctx, method)(*args)
        self.calls.append(ContextCall(method, plain(list(args)), plain(answer)))
        return answer

    def invoices_with_number(self, vendor_key: str, invoice_number: str,
                             exclude_document_id: str | None) -> list[dict]:
        return self._ask("invoices_with_number", vendor_key, invoice_number,
                         exclude_document_id)

    def invoices_similar(self, vendor_key: str, total_amount: str, invoice_date: str | None,
                         exclude_document_id: str | None) -> list[dict]:
        return self._ask("invoices_similar", vendor_key, total_amount, invoice_date,
                         exclude_document_id)

    def known_ibans(self, vendor_key: str) -> list[str]:
        return self._ask("known_ibans", vendor_key)

    def vendor_known(self, vendor_key: str) -> bool:
        return self._ask("vendor_known", vendor_key)

    def invoices_near(self, vendor_key: str | None, invoice_date: str | None,
                      window_days: int, iban: str | None,
                      exclude_document_id: str | None) -> list[InvoiceRecord]:
        return self._ask("invoices_near", vendor_key, invoice_date, window_days, iban,
                         exclude_document_id)

    def bank_changes(self, vendor_key: str) -> list[str]:
        return self._ask("bank_changes", vendor_key)

    def purchase_orders(self, po_number: str | None, vendor_key: str | None
                        ) -> list[PurchaseOrder]:
        return self._ask("purchase_orders", po_number, vendor_key)

    def contract_terms(self) -> list[ContractTerms]:
        return self._ask("contract_terms")


def evaluate_traced(
    doc_type: str,
    subtype: str | None,
    fields: Mapping[str, Field],
    ctx: PolicyContext,
    config: PolicyConfig,
    document_id: str | None = None,
    today: date | None = None,
) -> Evaluation:
    """`policies.evaluate` (same rules, order and violations) with one trace per rule."""
    base = rule_input(doc_type, subtype, fields, ctx, config, document_id, today)
    redact = set(exposed_ssn_fields(fields))
    violations: list[Violation] = []
    traces: list[RuleTrace] = []
    for rule in applicable_rules(doc_type, config):
        rec_fields = _RecordingFields(fields, redact)
        rec_config = _RecordingConfig(config)
        rec_ctx = _RecordingContext(ctx)
        inp = RuleInput(
            doc_type=base.doc_type, subtype=base.subtype, fields=rec_fields, ctx=rec_ctx,
            config=rec_config, document_id=base.document_id,  # type: ignore[arg-type]
            today=base.today, vendor_key=base.vendor_key,
        )
        found = run_rule(rule, inp)
        violations.extend(found)
        traces.append(RuleTrace(
            rule=rule.id,
            policy_version=POLICY_VERSION,
            inputs=RuleInputs(
                doc_type=base.doc_type, subtype=base.subtype, document_id=base.document_id,
                today=base.today.isoformat(), vendor_key=base.vendor_key,
                fields=rec_fields.read, field_names=rec_fields.names,
                config=rec_config.read, context=rec_ctx.calls,
            ),
            outcome=outcome_of(found),
            violations=[plain(v.to_json()) for v in found],
        ))
    return Evaluation(violations=violations, traces=traces)
