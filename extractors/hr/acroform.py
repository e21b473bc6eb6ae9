"""Values typed into a fillable PDF form (AcroForm), read from the form itself.

A filled W-4 or I-9 keeps what was typed in its form fields, not in the page's text, so
the page layout alone misses it. `ingest` hands the fields over as metadata (value and
tooltip, the tooltip being the words the form prints by the box); each becomes a
`tooltip: value` line that the label table reads like any printed form, on a page of its
own (`FORM_PAGE`) whose fields carry no box. Checked boxes of the W-4 filing status
become `filing_status`.
"""

from __future__ import annotations

import re

from extractors.hr.candidates import Candidate
from extractors.hr.lines import Line, document_lines
from ingest.layout import synthetic_page
from ingest.types import IngestedDocument

FORM_PAGE = 0  # page number of the synthetic page: fields read from it have no box
FORM_CONFIDENCE = 0.97  # a typed form value is exactly what the person entered
CHECKED = re.compile(r"^/?(?:1|on|yes|true|x|\d+)$", re.I)
# W-4 (2020 and later) step 1(c) boxes: tooltip -> filing status
FILING_STATUS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"single\s+or\s+married\s+filing\s+separately", re.I), "single"),
    (re.compile(r"married\s+filing\s+jointly", re.I), "married_filing_jointly"),
    (re.compile(r"head\s+of\s+household", re.I), "head_of_household"),
]
_LEAD = re.compile(r"^\s*(?:step\s*\d+\w?\s*[:.)]?\s*)?(?:\(?[a-z]\)\s*)?", re.I)


def clean_tooltip(tip: str) -> str:
    """`Step 1: (a) First name and middle initial.` -> `First name and middle initial`."""
    return _LEAD.sub("", " ".join(tip.split())).rstrip(" .:")


def form_lines(doc: IngestedDocument) -> list[Line]:
    """One `tooltip: value` line per filled text field."""
    values = doc.metadata.get("form_fields") or {}
    labels = doc.metadata.get("form_field_labels") or {}
    rows = []
    for name, value in values.items():
        label = clean_tooltip(str(labels.get(name) or ""))
        value = " ".join(str(value).split())
        if label and value and not CHECKED.match(value):
            rows.append(f"{label}: {value}")
    if not rows:
        return []
    page = synthetic_page("\n".join(rows), number=FORM_PAGE)
    return document_lines(IngestedDocument(doc.filename, doc.sha256, doc.media_type, doc.size,
                                           pages=[page]))


def filing_status(doc: IngestedDocument) -> list[Candidate]:
    """The W-4 filing status whose box is checked (exactly one)."""
    values = doc.metadata.get("form_fields") or {}
    labels = doc.metadata.get("form_field_labels") or {}
    found = {status for name, value in values.items() if CHECKED.match(str(value).strip())
             for pattern, status in FILING_STATUS if pattern.search(str(labels.get(name, "")))}
    if len(found) != 1:
        return []
    (status,) = found
    return [Candidate("filing_status", status, status, FORM_CONFIDENCE, None, source="acroform")]
