"""HR rules: Form I-9 timing, pay stub arithmetic and clear-text social security numbers.

Checks across an employee's documents (one start date on the offer letter, the I-9 and the
first pay stub; I-9 retention) need the employee record and live in `workflow.employees`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from extractors.types import Field
from policies.rules.base import Rule, RuleInput, add_business_days, fmt_money, parse_date
from policies.types import Violation

# An unmasked SSN: 3-2-4 digits with dashes or spaces, area/group/serial not all zeros.
_SSN = re.compile(r"(?<![\d*])(?!000|666)\d{3}[- ](?!00)\d{2}[- ](?!0000)\d{4}(?!\d)")
_NINE = re.compile(r"(?<!\d)\d{9}(?!\d)")
_SECTION2_FIELDS = ("section2_date", "employer_signature_date", "signature_date")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def i9_deadline(inp: RuleInput) -> list[Violation]:
    if inp.subtype != "i9":
        return []
    start = inp.date("start_date")
    if not start:
        return []
    days = inp.config.i9_section2_business_days
    deadline = add_business_days(start, days)
    done_name = next((n for n in _SECTION2_FIELDS if parse_date(inp.get(n))), None)
    done = parse_date(inp.get(done_name)) if done_name else None
    if done is not None:
        if done <= deadline:
            return []
        return [
            I9_DEADLINE.violation(
                f"I-9 Section 2 completed on {done}, after the deadline {deadline} "
                f"({days} business days after the start date {start})",
                start_date=start.isoformat(),
                deadline=deadline.isoformat(),
                section2_date=done.isoformat(),
                section2_field=done_name,
            )
        ]
    if inp.today <= deadline:
        return []
    return [
        I9_DEADLINE.violation(
            f"I-9 Section 2 is not completed and its deadline {deadline} ({days} business "
            f"days after the start date {start}) has passed",
            start_date=start.isoformat(),
            deadline=deadline.isoformat(),
            section2_date=None,
        )
    ]


def exposed_ssn_fields(fields: Mapping[str, Field]) -> list[str]:
    """Names of the fields whose value holds an unmasked social security number."""
    exposed = []
    for name, f in fields.items():
        texts = list(_strings(f.value)) + list(_strings(f.normalized))
        pattern_hit = any(_SSN.search(t) for t in texts)
        if not pattern_hit and name == "ssn":
            pattern_hit = any(_NINE.search(t.replace("-", "").replace(" ", "")) for t in texts)
        if pattern_hit:
            exposed.append(name)
    return exposed


def ssn_exposed(inp: RuleInput) -> list[Violation]:
    exposed = exposed_ssn_fields(inp.fields)
    if not exposed:
        return []
    # evidence names the fields only: repeating the number would spread it further
    return [
        SSN_EXPOSED.violation(
            f"Unmasked social security number in field(s): {', '.join(sorted(exposed))}",
            fields=sorted(exposed),
        )
    ]


I9_DEADLINE = Rule(
    "hr.i9_deadline", ("hr",), "high",
    "Form I-9 Section 2 must be completed within 3 business days of the employee's start "
    "date.", i9_deadline,
)
SSN_EXPOSED = Rule(
    "hr.ssn_exposed", (), "high",
    "A field value holds an unmasked social security number (defence in depth: extractors "
    "mask them).", ssn_exposed,
)

def pay_stub_arithmetic(inp: RuleInput) -> list[Violation]:
    """Gross - deductions = net, and hours x rate = gross, where the stub prints them."""
    if inp.subtype != "pay_stub":
        return []
    tol = PAY_TOLERANCE
    gross, net = inp.money("gross_pay"), inp.money("net_pay")
    deductions = inp.money("total_deductions")
    hours, rate = inp.money("hours_worked"), inp.money("pay_rate")
    out: list[Violation] = []
    if gross is not None and net is not None and deductions is not None:
        if abs(gross - deductions - net) > tol:
            out.append(PAY_STUB_ARITHMETIC.violation(
                f"Gross pay {fmt_money(gross)} - deductions {fmt_money(deductions)} = "
                f"{fmt_money(gross - deductions)}, but the net pay is {fmt_money(net)}",
                check="gross_minus_deductions", gross_pay=str(gross),
                total_deductions=str(deductions), net_pay=str(net)))
    if gross is not None and hours is not None and rate is not None:
        if abs(hours * rate - gross) > tol:
            out.append(PAY_STUB_ARITHMETIC.violation(
                f"Hours {hours} x rate {fmt_money(rate)} = {fmt_money(hours * rate)}, but the "
                f"gross pay is {fmt_money(gross)}",
                check="hours_times_rate", hours_worked=str(hours), pay_rate=str(rate),
                gross_pay=str(gross)))
    if gross is not None and net is not None and net > gross + tol:
        out.append(PAY_STUB_ARITHMETIC.violation(
            f"Net pay {fmt_money(net)} is more than the gross pay {fmt_money(gross)}",
            check="net_above_gross", gross_pay=str(gross), net_pay=str(net)))
    return out


PAY_TOLERANCE = Decimal("0.01")
PAY_STUB_ARITHMETIC = Rule(
    "hr.pay_stub_arithmetic", ("hr",), "medium",
    "On a pay stub, gross pay - total deductions differs from the net pay, hours x rate "
    "differs from the gross pay (by more than 0.01, where printed), or net exceeds gross.",
    pay_stub_arithmetic,
)

RULES = [I9_DEADLINE, PAY_STUB_ARITHMETIC, SSN_EXPOSED]
