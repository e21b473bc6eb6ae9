"""Contract rules: expiry and renewal-notice deadlines, governing law, signatures."""

from __future__ import annotations

import re
from datetime import timedelta

from policies.rules.base import Rule, RuleInput, parse_bool, parse_days
from policies.types import Violation


def expiring_soon(inp: RuleInput) -> list[Violation]:
    expires = inp.date("expiration_date")
    if not expires or expires < inp.today:
        return []
    out = []
    notice_days = parse_days(inp.get("notice_period"))
    renewal = inp.get("renewal_term")
    auto_renews = renewal not in (None, "", False) and str(renewal).lower() not in ("false", "no")
    if auto_renews and notice_days is not None:
        notice_deadline = expires - timedelta(days=notice_days)
        left = (notice_deadline - inp.today).days
        if 0 <= left <= inp.config.contract_notice_warning_days:
            out.append(
                EXPIRING_SOON.violation(
                    f"Contract renews automatically on {expires} unless notice is given by "
                    f"{notice_deadline} ({left} days left)",
                    expiration_date=expires.isoformat(),
                    notice_deadline=notice_deadline.isoformat(),
                    notice_period_days=notice_days,
                    renewal_term=renewal,
                    days_left=left,
                )
            )
            return out
    left = (expires - inp.today).days
    if left <= inp.config.contract_expiry_warning_days:
        out.append(
            EXPIRING_SOON.violation(
                f"Contract expires on {expires} ({left} days left)",
                expiration_date=expires.isoformat(),
                days_left=left,
                auto_renews=auto_renews,
            )
        )
    return out


def missing_governing_law(inp: RuleInput) -> list[Violation]:
    if inp.get("governing_law"):
        return []
    return [MISSING_GOVERNING_LAW.violation("Contract names no governing law")]


def _law_key(text: str) -> str:
    return " ".join(re.findall(r"[a-z]+", str(text).casefold().replace("&", " and ")))


def governing_law_not_allowed(inp: RuleInput) -> list[Violation]:
    law = inp.get("governing_law")
    allowed = list(inp.config.allowed_governing_laws)
    if not law or not allowed:
        return []
    if _law_key(str(law)) in {_law_key(a) for a in allowed}:
        return []
    return [GOVERNING_LAW.violation(
        f"Governed by the law of {law}, which is not on the allowed list "
        f"({', '.join(allowed)}): legal must review it",
        governing_law=str(law), allowed=allowed)]


def unsigned(inp: RuleInput) -> list[Violation]:
    if parse_bool(inp.get("signed")) is not False:
        return []
    return [UNSIGNED.violation("Contract carries no signatures", signed=False)]


EXPIRING_SOON = Rule(
    "contract.expiring_soon", ("contract",), "medium",
    "The contract expires within 90 days, or renews automatically and its notice deadline "
    "(expiration minus notice period) is within 30 days.", expiring_soon,
)
MISSING_GOVERNING_LAW = Rule(
    "contract.missing_governing_law", ("contract",), "low",
    "No governing-law clause was found.", missing_governing_law,
)
GOVERNING_LAW = Rule(
    "contract.governing_law", ("contract",), "medium",
    "The governing law is not on the allowed list (allowed_governing_laws).",
    governing_law_not_allowed,
)
UNSIGNED = Rule(
    "contract.unsigned", ("contract",), "medium", "The signature blocks are empty.", unsigned,
)

RULES = [EXPIRING_SOON, MISSING_GOVERNING_LAW, GOVERNING_LAW, UNSIGNED]
