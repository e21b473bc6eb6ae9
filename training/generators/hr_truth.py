"""HR forms with their true field values: pay stubs, offer letters, W-4 (the 2020+
layout), I-9 and W-2, each in a few layouts, for measuring extraction per subtype
(`benchmarks/hr_forms.py`). `training.generators.hr` writes documents for the classifier
and records no values; these record what each document says.

Layouts are written for this project in the style of the public forms; all people,
companies and numbers are made up (Faker, fixed seeds). The SSNs use area 9xx-free
ranges and are masked in the truth (`***-**-1234`), as the pipeline reports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from training.generators.common import Ctx

SUBTYPES = ("pay_stub", "offer_letter", "w4", "i9", "w2")
DEPARTMENTS = ("Finance", "Engineering", "Operations", "Sales", "Human Resources", "Legal")
TITLES = ("Data Analyst", "Senior Accountant", "Software Engineer", "Operations Manager",
          "Sales Representative", "HR Generalist", "Paralegal")


@dataclass(slots=True)
class TruthDoc:
    subtype: str
    layout: str
    lines: list[str]
    truth: dict[str, str] = field(default_factory=dict)


def _d(ctx: Ctx, start: date = date(2019, 1, 1), days: int = 2500) -> date:
    return start + timedelta(days=ctx.rng.randint(0, days))


def _us(d: date) -> str:
    return d.strftime("%m/%d/%Y")


def _long(d: date) -> str:
    return d.strftime("%B %d, %Y").replace(" 0", " ")


def _money(v: float) -> str:
    return f"{v:,.2f}"


def _ssn(ctx: Ctx) -> tuple[str, str]:
    r = ctx.rng
    clear = f"{r.randint(100, 665):03d}-{r.randint(10, 99):02d}-{r.randint(1000, 9999):04d}"
    return clear, f"***-**-{clear[-4:]}"


def _columns(labels: list[str], values: list[str], gap: int = 4) -> list[str]:
    """A row of box labels and the row of values under them, each value starting where its
    label does (rendered in a fixed-width font)."""
    widths = [max(len(a), len(b)) + gap for a, b in zip(labels, values, strict=True)]
    return ["".join(a.ljust(w) for a, w in zip(labels, widths, strict=True)).rstrip(),
            "".join(b.ljust(w) for b, w in zip(values, widths, strict=True)).rstrip()]


def _person(ctx: Ctx) -> tuple[str, str]:
    first, last = ctx.en.first_name(), ctx.en.last_name()
    return first, last


def pay_stub(ctx: Ctx) -> TruthDoc:
    r = ctx.rng
    first, last = _person(ctx)
    name, emp_id, co = f"{first} {last}", f"E-{r.randint(10000, 99999)}", ctx.en.company()
    start = _d(ctx)
    end = start + timedelta(days=13)
    rate = r.randint(1800, 6500) / 100
    hours = r.choice([40.0, 72.0, 76.5, 80.0, 84.0])
    gross = round(rate * hours, 2)
    fed, fica = round(gross * 0.1, 2), round(gross * 0.0765, 2)
    net = round(gross - fed - fica, 2)
    clear, masked = _ssn(ctx)
    layout = ctx.pick(["labelled", "columns", "statement"])
    if layout == "labelled":
        lines = [co, "EARNINGS STATEMENT", f"Employee Name: {name}", f"Employee ID: {emp_id}",
                 f"SSN: {clear}", f"Pay Period: {_us(start)} - {_us(end)}",
                 f"Hourly Rate: ${rate:.2f}", f"Total Hours: {hours:.2f}",
                 f"Gross Pay: {_money(gross)}", f"Federal Income Tax: {_money(fed)}",
                 f"Social Security and Medicare: {_money(fica)}",
                 f"Total Deductions: {_money(fed + fica)}", f"Net Pay: {_money(net)}"]
    elif layout == "columns":
        lines = [co, "Pay Stub", f"Employee: {name}    Emp ID: {emp_id}",
                 f"Period Start: {_us(start)}    Period End: {_us(end)}",
                 f"Rate: {rate:.2f}    Hours Worked: {hours:.2f}",
                 "Description  Current  YTD",
                 f"Gross Pay  {_money(gross)}  {_money(gross * 6)}",
                 f"Federal Income Tax  {_money(fed)}  {_money(fed * 6)}",
                 f"Net Pay  {_money(net)}  {_money(net * 6)}"]
    else:
        lines = [co, "Statement of Earnings and Deductions", f"Name of Employee: {name}",
                 f"Employee No: {emp_id}", f"Pay period from {_us(start)} to {_us(end)}",
                 f"Hours: {hours:.2f}   Hourly wage: {rate:.2f}",
                 f"Gross Earnings: ${_money(gross)}", f"Net Amount: ${_money(net)}"]
    truth = {"employee_name": name, "employee_id": emp_id, "employer_name": co,
             "pay_period_start": start.isoformat(), "pay_period_end": end.isoformat(),
             "pay_rate": f"{rate:.2f}", "hours_worked": f"{hours:.2f}",
             "gross_pay": f"{gross:.2f}", "net_pay": f"{net:.2f}"}
    if layout == "labelled":
        truth["ssn"] = masked
    return TruthDoc("pay_stub", layout, lines, truth)


def offer_letter(ctx: Ctx) -> TruthDoc:
    r = ctx.rng
    first, last = _person(ctx)
    name, co = f"{first} {last}", ctx.en.company()
    title, dept = ctx.pick(list(TITLES)), ctx.pick(list(DEPARTMENTS))
    manager = " ".join(_person(ctx))
    start = _d(ctx)
    salary = r.randint(40, 220) * 1000
    layout = ctx.pick(["prose", "summary"])
    head = [co, ctx.en.street_address(), _long(start - timedelta(days=30)), "", name,
            ctx.en.street_address(), f"Dear {first},"]
    if layout == "prose":
        body = [f"We are pleased to offer you the position of {title} in our {dept} department.",
                f"Your start date will be {_long(start)} and you will report to {manager}.",
                f"Your annual base salary will be ${salary:,}.00, paid bi-weekly.",
                "Please sign and return this letter within one week.", "Sincerely,",
                manager]
    else:
        body = ["We are delighted to offer you employment on the following terms.",
                f"Position: {title}", f"Department: {dept}", f"Reports To: {manager}",
                f"Start Date: {_us(start)}", f"Annual Base Salary: ${salary:,}.00",
                "Sincerely,", manager]
    truth = {"employee_name": name, "employer_name": co, "job_title": title,
             "department": dept, "manager_name": manager, "start_date": start.isoformat(),
             "salary": f"{salary}.00"}
    return TruthDoc("offer_letter", layout, head + body, truth)


def w4(ctx: Ctx) -> TruthDoc:
    first, last = _person(ctx)
    clear, masked = _ssn(ctx)
    year = ctx.rng.randint(2020, 2026)
    layout = ctx.pick(["boxes_below", "inline"])
    head = [f"Form W-4 ({year})", "Employee's Withholding Certificate",
            "Department of the Treasury Internal Revenue Service", "OMB No. 1545-0074",
            "Step 1: Enter Personal Information"]
    if layout == "boxes_below":
        person = _columns(["(a) First name and middle initial", "Last name",
                           "(b) Social security number"], [first, last, clear])
    else:
        person = [f"(a) First name and middle initial: {first}", f"Last name: {last}",
                  f"(b) Social security number: {clear}"]
    tail = ["Address", ctx.en.street_address(), "City or town, state, and ZIP code",
            "(c) Single or Married filing separately", "Step 2: Multiple Jobs or Spouse Works",
            "Step 5: Sign Here", "Employee's signature (This form is not valid unless you sign it.)"]
    return TruthDoc("w4", layout, head + person + tail,
                    {"employee_name": f"{first} {last}", "ssn": masked})


def i9(ctx: Ctx) -> TruthDoc:
    first, last = _person(ctx)
    clear, masked = _ssn(ctx)
    start = _d(ctx)
    signed = start + timedelta(days=ctx.rng.randint(0, 3))
    layout = ctx.pick(["labelled", "section_rows"])
    head = ["Employment Eligibility Verification", "Department of Homeland Security",
            "U.S. Citizenship and Immigration Services", "USCIS Form I-9",
            "Section 1. Employee Information and Attestation"]
    if layout == "labelled":
        body = [f"Last Name (Family Name): {last}", f"First Name (Given Name): {first}",
                f"U.S. Social Security Number: {clear}",
                "Section 2. Employer Review and Verification",
                f"The employee's first day of employment (mm/dd/yyyy): {_us(start)}",
                f"Section 2 completion date: {_us(signed)}"]
    else:
        body = [*_columns(["Last Name (Family Name)", "First Name (Given Name)",
                           "Middle Initial"], [last, first, ""]),
                "U.S. Social Security Number", clear,
                "Section 2. Employer Review and Verification",
                f"First Day of Employment: {_us(start)}",
                f"Section 2 completion date: {_us(signed)}"]
    return TruthDoc("i9", layout, head + body, {
        "employee_name": f"{first} {last}", "ssn": masked, "start_date": start.isoformat(),
        "section2_date": signed.isoformat()})


def w2(ctx: Ctx) -> TruthDoc:
    r = ctx.rng
    first, last = _person(ctx)
    clear, masked = _ssn(ctx)
    co = ctx.en.company()
    wages = r.randint(25000, 180000)
    layout = ctx.pick(["boxes", "labelled"])
    head = [f"Form W-2 Wage and Tax Statement {r.randint(2020, 2025)}",
            "Department of the Treasury - Internal Revenue Service"]
    if layout == "boxes":
        body = [*_columns(["a Employee's social security number",
                           "b Employer identification number (EIN)"],
                          [clear, f"{r.randint(10, 99)}-{r.randint(1000000, 9999999)}"]),
                "c Employer's name, address, and ZIP code", co, ctx.en.street_address(),
                *_columns(["e Employee's first name and initial", "Last name"], [first, last]),
                *_columns(["1 Wages, tips, other compensation"], [_money(wages)])]
    else:
        body = [f"Employee's social security number: {clear}", f"Employer's name: {co}",
                f"Employee's name: {first} {last}",
                f"Wages, tips, other compensation: {_money(wages)}"]
    return TruthDoc("w2", layout, head + body, {
        "employee_name": f"{first} {last}", "employer_name": co, "ssn": masked})


BUILDERS = {"pay_stub": pay_stub, "offer_letter": offer_letter, "w4": w4, "i9": i9, "w2": w2}


def generate(subtype: str, seed: int) -> TruthDoc:
    return BUILDERS[subtype](Ctx(seed))
