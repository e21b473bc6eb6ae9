"""Records-management rules: retention periods."""

from __future__ import annotations

from datetime import date

from policies.rules.base import Rule, RuleInput
from policies.types import Violation

# The date a retention period runs from, per the usual legal trigger: issue date for tax
# records, expiry for contracts, end of employment for personnel files.
_DATE_FIELDS = ("invoice_date", "expiration_date", "end_date")


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def retention(inp: RuleInput) -> list[Violation]:
    years = inp.config.retention_years.get(inp.doc_type)
    if not years:
        return []
    name = next((n for n in _DATE_FIELDS if inp.date(n)), None)
    if name is None:
        return []
    start = inp.date(name)
    assert start is not None
    until = _add_years(start, int(years))
    if until >= inp.today:
        return []
    return [
        RETENTION.violation(
            f"Retention period of {years} years from {name} {start} ended on {until}: "
            "eligible for disposal review",
            date_field=name,
            document_date=start.isoformat(),
            retention_years=int(years),
            retain_until=until.isoformat(),
        )
    ]


RETENTION = Rule(
    "records.retention", ("invoice", "receipt", "contract", "hr"), "low",
    "The document is older than its retention period (invoice/receipt/hr 7 years, contract "
    "10 years after expiry): eligible for disposal review.", retention,
)

RULES = [RETENTION]
