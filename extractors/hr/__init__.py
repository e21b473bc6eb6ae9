"""HR field extraction: offer letters, pay stubs, timesheets, W-4/I-9 forms and resumes.

`extract_hr` reads label-value pairs (forms), phrase patterns (letters) and resume
heuristics, keeps the most reliable candidate per CONTRACT.md field, and boxes each value
on its page. Social security numbers never leave this module in clear: the `ssn` field
carries `***-**-1234`, and every other value is passed through `mask_ssn` as well.
"""

from __future__ import annotations

from typing import Any

from extractors.hr import name_ranker, title_ranker
from extractors.hr.acroform import FORM_CONFIDENCE, FORM_PAGE, filing_status, form_lines
from extractors.hr.candidates import Candidate, best
from extractors.hr.forms import (
    addressee_candidates,
    heading_employer,
    label_candidates,
    letterhead_candidates,
    loose_candidates,
    phrase_candidates,
)
from extractors.hr.lines import Line, document_lines
from extractors.hr.resume import looks_like_resume, resume_candidates
from extractors.hr.ssn import mask_ssn
from extractors.normalize import infer_day_first
from extractors.types import Field
from ingest.types import IngestedDocument

HR_FIELDS = (
    "employee_name", "employee_id", "employer_name", "job_title", "department",
    "manager_name", "start_date", "end_date", "salary", "pay_rate", "pay_period_start",
    "pay_period_end", "hours_worked", "gross_pay", "net_pay", "ssn", "email", "phone",
)
# extra fields some rules read (policies.hr: I-9 deadline, pay stub arithmetic) and employee
# matching uses
# (workflow.employees: name + date of birth or address)
EXTRA_FIELDS = ("section2_date", "date_of_birth", "address", "total_deductions",
                "filing_status")

__all__ = ["HR_FIELDS", "extract_hr", "mask_ssn"]


def _mask_any(value: Any) -> Any:
    if isinstance(value, str):
        return mask_ssn(value)
    if isinstance(value, list):
        return [_mask_any(v) for v in value]
    if isinstance(value, dict):
        return {k: _mask_any(v) for k, v in value.items()}
    return value


def _combine_names(cands: dict[str, Candidate], out: list[Candidate]) -> None:
    """I-9/W-4 style split names: "Last Name" + "First Name" -> employee_name."""
    first, last = cands.get("_first_name"), cands.get("_last_name")
    if first and last and "employee_name" not in cands:
        name = f"{first.normalized} {last.normalized}".strip()
        conf = min(first.confidence, last.confidence) * 0.95
        out.append(Candidate("employee_name", name, name, conf, None, source="label"))


def _rank_title(lines: list[Line], chosen: dict[str, Candidate]) -> None:
    """A resume's job title from the learned ranker when one is shipped (it may abstain)."""
    model = title_ranker.load()
    if model is None:
        return
    got = model.choose(title_ranker.candidates(lines, chosen.get("job_title")))
    if got is None:
        chosen.pop("job_title", None)
        return
    c, conf = got
    chosen["job_title"] = Candidate("job_title", c.text, c.text, conf, c.seg, c.start, c.end,
                                    "ranker")


def _rank_name(lines: list[Line], chosen: dict[str, Candidate]) -> None:
    """A resume's name from the learned ranker when one is shipped (it may abstain)."""
    model = name_ranker.load()
    if model is None:
        return
    got = model.choose(name_ranker.candidates(lines, chosen.get("employee_name")), lines)
    if got is None:
        chosen.pop("employee_name", None)
        return
    c, conf = got
    norm = c.text.title() if c.text.isupper() else c.text
    chosen["employee_name"] = Candidate("employee_name", c.text, norm, conf, c.seg, c.start,
                                        c.end, "ranker")


def extract_hr(doc: IngestedDocument, subtype: str | None = None,
               rank_title: bool = True, rank_name: bool = True) -> dict[str, Field]:
    """CONTRACT.md HR fields found in `doc`; absent fields are left out. `rank_title=False`
    / `rank_name=False` keep the rules' resume title / name (what the rankers are measured
    against)."""
    lines = document_lines(doc)
    if not lines:
        return {}
    day_first = infer_day_first([ln.text for ln in lines[:200]])
    if day_first is None:
        day_first = False  # HR forms here are mostly US: month first
    cands: list[Candidate] = []
    is_resume = subtype == "resume" or (subtype is None and looks_like_resume(doc.text))
    labelled = label_candidates(lines, day_first)
    for c in label_candidates(form_lines(doc), day_first):  # typed into a fillable form
        c.confidence, c.source = max(c.confidence, FORM_CONFIDENCE), "acroform"
        labelled.append(c)
    labelled += filing_status(doc)
    if is_resume:
        # a resume's "Title:"/"Role:" labels name projects and past roles: fallback only
        for c in labelled:
            if c.field == "job_title":
                c.confidence = min(c.confidence, 0.5)
    cands += labelled
    if not is_resume:
        # letter phrasing; a resume's objective ("the position of ...") misleads it
        cands += phrase_candidates(lines, day_first, subtype)
        cands += letterhead_candidates(lines)
        cands += addressee_candidates(lines)
        cands += heading_employer(lines, subtype)
    cands += loose_candidates(lines, contacts=is_resume)
    if is_resume:
        cands += resume_candidates(lines)
    chosen = best(cands)
    if is_resume and rank_title:
        _rank_title(lines, chosen)
    if is_resume and rank_name:
        _rank_name(lines, chosen)
    extra: list[Candidate] = []
    _combine_names(chosen, extra)
    if extra:
        chosen.update(best(extra))
    if "pay_period_start" in chosen and "pay_period_end" in chosen:
        if chosen["pay_period_start"].normalized > chosen["pay_period_end"].normalized:
            del chosen["pay_period_start"], chosen["pay_period_end"]
    fields: dict[str, Field] = {}
    for name, cand in chosen.items():
        if name.startswith("_") or (name not in HR_FIELDS and name not in EXTRA_FIELDS):
            continue
        f = cand.to_field()
        if f.page == FORM_PAGE:  # read from the form's fields: no box on the page
            f.page, f.bbox = None, None
        if name != "ssn":
            f.value = _mask_any(f.value)
            f.normalized = _mask_any(f.normalized)
        fields[name] = f
    return fields
