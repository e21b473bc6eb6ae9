"""Label -> field table for HR forms (offer letters, pay stubs, timesheets, W-4, I-9).

Each label says which field its value fills, the kind of value to parse, and whether it
is *specific* (multi-word, unambiguous: "Gross Pay") or *generic* ("Name", "Title").
Generic labels count only when followed by a colon or standing alone in their segment,
so prose ("the Employee agrees ...") never looks like a form.
Labels mapped to None are known labels of other things ("Pay Date", "YTD"): they stop
the value of the label before them and produce nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Label:
    text: str  # regex fragment, case-insensitive
    field: str | None
    kind: str  # date | period | money | number | id | name | text | email | phone | ssn
    specific: bool
    reliability: float  # how often a value read after this label is right


def _l(text: str, field: str | None, kind: str, specific: bool = True, rel: float = 0.92) -> Label:
    return Label(text, field, kind, specific, rel)


LABELS: list[Label] = [
    # who
    _l(r"employee(?:'s)?\s+(?:full\s+)?name", "employee_name", "name", rel=0.93),
    _l(r"name\s+of\s+(?:the\s+)?employee", "employee_name", "name", rel=0.93),
    _l(r"(?:candidate|applicant|worker|staff|associate)(?:'s)?\s+name", "employee_name", "name"),
    _l(r"full\s+name", "employee_name", "name", rel=0.85),
    _l(r"employee", "employee_name", "name", specific=False, rel=0.85),
    _l(r"name", "employee_name", "name", specific=False, rel=0.75),
    _l(r"(?:employee(?:'s)?\s+)?first\s+name(?:\s*\(given\s+name\))?"
       r"(?:\s+and\s+(?:middle\s+)?initial)?", "_first_name",
       "text", rel=0.85),
    _l(r"last\s+name(?:\s*\(family\s+name\))?", "_last_name", "text", rel=0.85),
    _l(r"middle\s+initial", None, "text"),
    _l(r"(?:employee|emp\.?|staff|personnel|badge)\s*(?:id|no\.?|number|#|code)(?:\s*(?:no\.?|#))?",
       "employee_id", "id", rel=0.93),
    _l(r"id\s+(?:no\.?|number)", "employee_id", "id", specific=False, rel=0.8),
    _l(r"employer(?:'s)?\s+(?:legal\s+)?(?:business\s+)?name(?:,?\s+address,?\s+and\s+zip\s+code)?",
       "employer_name", "text"),
    _l(r"(?:company|organi[sz]ation)\s+name", "employer_name", "text"),
    _l(r"employer", "employer_name", "text", specific=False, rel=0.85),
    _l(r"company", "employer_name", "text", specific=False, rel=0.8),
    _l(r"job\s+title|position\s+title|job\s+role|designation", "job_title", "text"),
    _l(r"position|title|role|occupation", "job_title", "text", specific=False, rel=0.85),
    _l(r"department|dept\.?|division", "department", "text", specific=False, rel=0.88),
    _l(r"(?:reporting\s+)?manager(?:'s)?\s+name|supervisor(?:'s)?\s+name|reports?\s+to|"
       r"reporting\s+(?:to|manager)|hiring\s+manager", "manager_name", "name", rel=0.9),
    _l(r"manager|supervisor", "manager_name", "name", specific=False, rel=0.85),
    _l(r"(?:supervisor|manager|employee|employer)(?:'s)?\s+signature|signature", None, "text"),
    # when
    _l(r"(?:employment\s+)?start\s+date|date\s+of\s+(?:hire|joining)|hire\s+date|"
       r"joining\s+date|commencement\s+date|first\s+day\s+of\s+employment(?:\s*\(mm/dd/yyyy\))?",
       "start_date", "date", rel=0.93),
    _l(r"(?:employment\s+)?end\s+date|termination\s+date|date\s+of\s+(?:termination|separation)|"
       r"separation\s+date|last\s+(?:working\s+)?day(?:\s+of\s+employment)?|last\s+day\s+worked",
       "end_date", "date", rel=0.92),
    _l(r"effective\s+date", "_effective_date", "date", rel=0.85),
    _l(r"(?:date\s+of\s+)?employer\s+signature\s+date|section\s+2\s+(?:completion\s+)?date",
       "section2_date", "date", rel=0.85),
    _l(r"pay\s+period", "_period", "period", rel=0.93),
    _l(r"(?:pay\s+)?period\s+(?:start(?:ing)?|begin(?:ning)?|from)(?:\s+date)?",
       "pay_period_start", "date", rel=0.93),
    _l(r"(?:pay\s+)?period\s+(?:end(?:ing)?|to)(?:\s+date)?|week\s+end(?:ing)?(?:\s+date)?",
       "pay_period_end", "date", rel=0.92),
    _l(r"period", "_period", "period", specific=False, rel=0.88),
    _l(r"date\s+of\s+birth(?:\s*\(mm/dd/yyyy\))?|birth\s+date", "date_of_birth", "date",
       rel=0.9),
    _l(r"dob", "date_of_birth", "date", specific=False, rel=0.85),
    _l(r"pay\s+date|check\s+date|date", None, "text", specific=False),
    # pay
    _l(r"(?:annual\s+)?(?:base\s+)?salary|annual\s+compensation", "salary", "money", rel=0.88),
    _l(r"(?:hourly\s+)?(?:pay\s+)?rate(?:\s+of\s+pay)?|hourly\s+wage", "pay_rate", "money",
       specific=False, rel=0.85),
    _l(r"total\s+hours(?:\s+worked)?|hours\s+worked|total\s+hrs", "hours_worked", "number",
       rel=0.92),
    _l(r"hours", "hours_worked", "number", specific=False, rel=0.8),
    _l(r"gross\s+(?:pay|earnings|wages|amount)|total\s+gross", "gross_pay", "money", rel=0.93),
    _l(r"net\s+(?:pay|amount|earnings)|take[-\s]home(?:\s+pay)?|net\s+check", "net_pay",
       "money", rel=0.93),
    _l(r"total\s+deductions", "total_deductions", "money", rel=0.9),
    _l(r"deductions|ytd|year\s+to\s+date|current|amount|description|earnings",
       None, "text", specific=False),
    # contact / identity
    _l(r"e-?mail(?:\s+address)?", "email", "email", specific=False, rel=0.95),
    _l(r"(?:tele)?phone(?:\s+(?:no\.?|number))?|mobile|cell|tel\.?", "phone", "phone",
       specific=False, rel=0.9),
    _l(r"(?:employee(?:'s)?\s+)?(?:u\.?s\.?\s+)?social\s+security\s+(?:number|no\.?|#)|ssn",
       "ssn", "ssn", specific=False, rel=0.95),
    _l(r"social\s+security(?:\s+tax)?|medicare|federal\s+(?:income\s+)?tax|state\s+tax",
       None, "text"),
    _l(r"(?:home|mailing|residential|employee(?:'s)?)\s+address", "address", "text", rel=0.85),
    _l(r"address", "address", "text", specific=False, rel=0.8),
]

# one alternation, longest label texts first so "employee name" beats "employee"
_ORDER = sorted(range(len(LABELS)), key=lambda i: -len(LABELS[i].text))
LABEL_RE = re.compile(
    "|".join(f"(?P<l{i}>(?<![A-Za-z]){LABELS[i].text}(?![A-Za-z]))" for i in _ORDER),
    re.I,
)


@dataclass(slots=True)
class LabelHit:
    label: Label
    start: int
    end: int  # after the label and its colon/#
    colon: bool


def find_labels(text: str) -> list[LabelHit]:
    """Label occurrences in a line, left to right, each followed by its colon if any."""
    hits: list[LabelHit] = []
    for m in LABEL_RE.finditer(text):
        idx = int(next(k for k, v in m.groupdict().items() if v is not None)[1:])
        end = m.end()
        colon_m = re.match(r"\s*[:#]|\s*-\s", text[end:])
        colon = bool(colon_m)
        if colon_m:
            end += colon_m.end()
        hits.append(LabelHit(LABELS[idx], m.start(), end, colon))
    return hits
