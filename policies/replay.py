"""Run a rule again on the inputs a trace recorded, and say whether it decides the same.

`replay` gives the running code's rule the recorded field snapshots, settings and answers
about other documents (the database is not asked again: the world has moved on since), and
compares its outcome and violations with the recorded ones. An input the rule reads now
but did not read then, or one recorded redacted, is named in `gaps` instead of guessed;
a recorded policy version other than the running one is reported on its own, since the
rules replayed are always the running version's.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from extractors.types import Field
from policies.config import PolicyConfig
from policies.context import ContractTerms, InvoiceRecord, PurchaseOrder
from policies.engine import run_rule
from policies.rules import ALL_RULES, Rule, RuleInput
from policies.trace import (
    REDACTED,
    Outcome,
    RuleInputs,
    RuleTrace,
    TraceError,
    outcome_of,
    plain,
)
from policies.version import POLICY_VERSION

# PolicyContext methods and the answer a replay gives when the record lacks the call.
CONTEXT_METHODS: dict[str, Any] = {
    "invoices_with_number": [],
    "invoices_similar": [],
    "known_ibans": [],
    "vendor_known": False,
    "invoices_near": [],
    "bank_changes": [],
    "purchase_orders": [],
    "contract_terms": [],
}
# Answers recorded as JSON that the rules read as typed records.
DECODE: dict[str, Callable[[Any], Any]] = {
    "invoices_near": lambda rows: [InvoiceRecord.from_json(r) for r in rows],
    "purchase_orders": lambda rows: [PurchaseOrder.from_json(r) for r in rows],
    "contract_terms": lambda rows: [ContractTerms.from_json(r) for r in rows],
}


def _field(snapshot: Mapping[str, Any]) -> Field:
    bbox = snapshot.get("bbox")
    return Field(
        value=snapshot.get("value"),
        normalized=snapshot.get("normalized"),
        confidence=float(snapshot.get("confidence") or 0.0),
        page=snapshot.get("page"),
        bbox=tuple(bbox) if bbox else None,  # type: ignore[arg-type]
        source=str(snapshot.get("source") or "rule"),
    )


class _ReplayFields(Mapping[str, Field]):
    def __init__(self, inputs: RuleInputs, gaps: list[str]) -> None:
        self._inputs = inputs
        self._gaps = gaps

    def __getitem__(self, name: str) -> Field:
        if name not in self._inputs.fields:
            self._gaps.append(f"field {name} was not read when recorded")
            raise KeyError(name)
        snap = self._inputs.fields[name]
        if snap is None:
            raise KeyError(name)
        if REDACTED in snap:
            self._gaps.append(f"field {name} was recorded redacted ({snap[REDACTED]})")
            raise KeyError(name)
        return _field(snap)

    def _names(self) -> list[str]:
        if self._inputs.field_names is None:
            self._gaps.append("the list of every field was not read when recorded")
            return [n for n, s in self._inputs.fields.items() if s is not None]
        return list(self._inputs.field_names)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())


class _ReplayConfig:
    def __init__(self, inputs: RuleInputs, gaps: list[str]) -> None:
        self._inputs = inputs
        self._gaps = gaps
        self._defaults = PolicyConfig()

    def __getattr__(self, name: str) -> Any:
        if name in self._inputs.config:
            return copy.deepcopy(self._inputs.config[name])
        self._gaps.append(f"setting {name} was not read when recorded")
        return getattr(self._defaults, name)


class _ReplayContext:
    def __init__(self, inputs: RuleInputs, gaps: list[str]) -> None:
        self._calls = list(inputs.context)
        self._gaps = gaps

    def _answer(self, method: str, *args: Any) -> Any:
        wanted = plain(list(args))
        for i, call in enumerate(self._calls):
            if call.method == method and call.args == wanted:
                del self._calls[i]
                answer = copy.deepcopy(call.answer)
                return DECODE[method](answer) if method in DECODE else answer
        self._gaps.append(f"question {method}{tuple(wanted)} was not asked when recorded")
        return copy.deepcopy(CONTEXT_METHODS[method])

    def invoices_with_number(self, vendor_key: str, invoice_number: str,
                             exclude_document_id: str | None) -> list[dict]:
        return self._answer("invoices_with_number", vendor_key, invoice_number,
                            exclude_document_id)

    def invoices_similar(self, vendor_key: str, total_amount: str, invoice_date: str | None,
                         exclude_document_id: str | None) -> list[dict]:
        return self._answer("invoices_similar", vendor_key, total_amount, invoice_date,
                            exclude_document_id)

    def known_ibans(self, vendor_key: str) -> list[str]:
        return self._answer("known_ibans", vendor_key)

    def vendor_known(self, vendor_key: str) -> bool:
        return self._answer("vendor_known", vendor_key)

    def invoices_near(self, vendor_key: str | None, invoice_date: str | None,
                      window_days: int, iban: str | None,
                      exclude_document_id: str | None) -> list[InvoiceRecord]:
        return self._answer("invoices_near", vendor_key, invoice_date, window_days, iban,
                            exclude_document_id)

    def bank_changes(self, vendor_key: str) -> list[str]:
        return self._answer("bank_changes", vendor_key)

    def purchase_orders(self, po_number: str | None, vendor_key: str | None
                        ) -> list[PurchaseOrder]:
        return self._answer("purchase_orders", po_number, vendor_key)

    def contract_terms(self) -> list[ContractTerms]:
        return self._answer("contract_terms")


@dataclass(slots=True)
class Replay:
    """A recorded rule evaluation next to the running code's on the same inputs.

    `same` is True only when the rule ran on complete inputs and gave the same outcome
    and the same violations (message and evidence included); `gaps` names every input
    the running rule wanted that the record does not hold."""

    rule: str
    recorded_version: str
    running_version: str
    recorded: Outcome
    replayed: Outcome | None
    recorded_violations: list[dict[str, Any]]
    replayed_violations: list[dict[str, Any]]
    gaps: list[str]

    @property
    def same(self) -> bool:
        return (not self.gaps and self.replayed == self.recorded
                and _unversioned(self.replayed_violations)
                == _unversioned(self.recorded_violations))

    @property
    def version_differs(self) -> bool:
        return self.recorded_version != self.running_version


def _unversioned(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Violations without their version stamp: the version is compared on its own."""
    return [{k: v for k, v in x.items() if k != "policy_version"} for x in violations]


def replay(trace: RuleTrace, rules: list[Rule] | None = None) -> Replay:
    """Run the running version of `trace.rule` on the recorded inputs."""
    by_id = {r.id: r for r in (ALL_RULES if rules is None else rules)}
    result = Replay(
        rule=trace.rule, recorded_version=trace.policy_version,
        running_version=POLICY_VERSION, recorded=trace.outcome, replayed=None,
        recorded_violations=trace.violations, replayed_violations=[], gaps=[],
    )
    rule = by_id.get(trace.rule)
    if rule is None:
        result.gaps.append(f"rule {trace.rule} is not in policy version {POLICY_VERSION}")
        return result
    inputs = trace.inputs
    try:
        today = date.fromisoformat(inputs.today)
    except ValueError as exc:
        raise TraceError(f"recorded date {inputs.today!r} is not ISO") from exc
    inp = RuleInput(
        doc_type=inputs.doc_type, subtype=inputs.subtype,
        fields=_ReplayFields(inputs, result.gaps),
        ctx=_ReplayContext(inputs, result.gaps),
        config=_ReplayConfig(inputs, result.gaps),  # type: ignore[arg-type]
        document_id=inputs.document_id, today=today, vendor_key=inputs.vendor_key,
    )
    found = run_rule(rule, inp)
    result.replayed = outcome_of(found)
    result.replayed_violations = [plain(v.to_json()) for v in found]
    return result
