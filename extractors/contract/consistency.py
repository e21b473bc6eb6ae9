"""Cross-field checks on a contract's fields: a value another field contradicts is not sure.

Each ranker scores its own field; some facts only show across fields. An agreement cannot
end on or before the day it starts, a notice to end it cannot be longer than the period
it ends, and a term in years or months runs from the start to the end when both are
reported (to the day, or to the day before). Where that last check fails, the term is the
value doubted: on TRAIN, 16 of 19 such CUAD terms whose length the labelled dates give
were wrong (usually a renewal or tail period), and out of fold 2 of 4 Kleister terms.
When the checks see such a contradiction the value they doubt is reported at
`CAP_CONTRADICTED` at most: it may still be right (the other field may be the wrong one),
but it is no longer something to pass without review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from extractors.contract.dates import term_ends
from extractors.contract.ranker import duration_days
from extractors.types import CAP_CONTRADICTED, Field

__all__ = ["CAP_CONTRADICTED", "Contradiction", "cap_contradicted", "contradictions"]


@dataclass(frozen=True, slots=True)
class Contradiction:
    """`doubted` is contradicted by `by`; `reason` names the check."""

    doubted: str
    by: str
    reason: str


def _iso(f: Field | None) -> date | None:
    if f is None:
        return None
    try:
        return date.fromisoformat(str(f.normalized))
    except ValueError:
        return None


def _days(f: Field | None) -> float:
    return duration_days(str(f.normalized)) if f is not None else 0.0


def contradictions(fields: dict[str, Field]) -> list[Contradiction]:
    """Every contradiction among `fields` (CONTRACT.md names and normal forms)."""
    out: list[Contradiction] = []
    end = _iso(fields.get("expiration_date"))
    # the agreement date stands in for a missing effective date
    starts = {k: d for k in ("effective_date", "agreement_date")
              if (d := _iso(fields.get(k))) is not None}
    for start_name, start in starts.items():
        if end is not None and end <= start:
            out.append(Contradiction("expiration_date", start_name, "ends_before_start"))
            break
    term = fields.get("term")
    if term is not None and end is not None:
        ends = [term_ends(s.isoformat(), str(term.normalized)) for s in starts.values()]
        if any(ends) and end.isoformat() not in set().union(*ends):
            out.append(Contradiction("term", "expiration_date", "term_misses_start_and_end"))
    notice = _days(fields.get("notice_period"))
    for period in ("renewal_term", "term"):
        span = _days(fields.get(period))
        if notice and span and notice > span:
            out.append(Contradiction("notice_period", period, "notice_longer_than_period"))
            break
    return out


def cap_contradicted(fields: dict[str, Field]) -> list[Contradiction]:
    """Cap every contradicted field's confidence at `CAP_CONTRADICTED`, in place; returns
    the contradictions found."""
    found = contradictions(fields)
    for c in found:
        fields[c.doubted].contradict()
    return found
