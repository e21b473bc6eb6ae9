"""HR rules: Form I-9 timing and clear-text social security numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from extractors.types import Field
from policies.rules.base import Rule, RuleInput, add_business_days, parse_date
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

RULES = [I9_DEADLINE, SSN_EXPOSED]
