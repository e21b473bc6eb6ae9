"""US government HR forms as a text layer really returns them: blank or filled W-4, I-9 and
W-2, whole or in pieces, and non-HR government forms as the hard negatives beside them.

Why: the filled-in templates in `hr.py` read like tidy documents. The official PDFs come
out of text extraction as an instructions page first, as runs of box labels glued
together, as a title and a "please wait" placeholder (dynamic XFA forms carry their
content only in form data and metadata), or cropped to the header. The form number and
title ("Form I-9", "Employment Eligibility Verification", "Form W-4", "Wage and Tax
Statement", the agency and "OMB No.") are what identify them, so every variant keeps at
least the header, and other forms of the same agencies (tax returns, passport and benefit
applications) carry the same agency lines labelled *other*. Form labels follow the public
forms' wording style; layouts and sentences are written for this project.
"""

from __future__ import annotations

from classifiers.boilerplate import VIEWER_PLACEHOLDER
from training.generators.common import Ctx, wrap

# Per form: header lines (number, title, agency, OMB number) and body label runs.
HR_FORMS = {
    "i9": {
        "number": ["Form I-9", "USCIS Form I-9", "Form I-9 (Rev. {m}/{d}/{y})", "I-9"],
        "title": ["Employment Eligibility Verification", "EMPLOYMENT ELIGIBILITY VERIFICATION"],
        "agency": ["Department of Homeland Security",
                   "U.S. Citizenship and Immigration Services", "DHS", "USCIS"],
        "omb": ["OMB No. 1615-0047", "OMB No. 1615-0047; Expires {m}/{d}/{y}"],
        "instructions": [
            "Instructions for Form I-9, Employment Eligibility Verification",
            "Read all instructions carefully before completing this form.",
            "What Is the Purpose of This Form?",
            "Employers must complete Form I-9 to document verification of the identity and "
            "employment authorization of each new employee hired after November 6, 1986, to "
            "work in the United States.",
            "Anti-Discrimination Notice. It is illegal to discriminate against any "
            "work-authorized individual in hiring, discharge, recruitment or referral.",
            "Section 1. Employee Information and Attestation",
            "Newly hired employees must complete and sign Section 1 of Form I-9 no later than "
            "the first day of employment.",
            "Section 2. Employer Review and Verification",
            "Employers or their authorized representative must complete Section 2 within three "
            "business days of the employee's first day of employment.",
            "Section 3. Reverification and Rehires", "Lists of Acceptable Documents",
            "Paperwork Reduction Act", "Privacy Act Notice",
            "Photocopying and Retaining Form I-9"],
        "labels": [
            "Last Name (Family Name)", "First Name (Given Name)", "Middle Initial",
            "Other Last Names Used (if any)", "Address (Street Number and Name)", "Apt. Number",
            "City or Town", "State", "ZIP Code", "Date of Birth (mm/dd/yyyy)",
            "U.S. Social Security Number", "Employee's E-mail Address",
            "Employee's Telephone Number", "A citizen of the United States",
            "A noncitizen national of the United States",
            "A lawful permanent resident (Alien Registration Number/USCIS Number):",
            "An alien authorized to work until (expiration date, if applicable, mm/dd/yyyy):",
            "Form I-94 Admission Number", "Foreign Passport Number", "Country of Issuance",
            "Signature of Employee", "Today's Date (mm/dd/yyyy)",
            "Preparer and/or Translator Certification", "List A", "List B", "List C",
            "Document Title", "Issuing Authority", "Document Number",
            "Expiration Date (if any)(mm/dd/yyyy)", "Employee's First Day of Employment",
            "Signature of Employer or Authorized Representative",
            "Employer's Business or Organization Name", "Date of Rehire (if applicable)",
            "Employee Info from Section 1", "STOP", "Employer Completes Next Page"],
    },
    "w4": {
        "number": ["Form W-4", "Form W-4 ({y4})", "W-4", "Form W-4 (Rev. {y4})"],
        "title": ["Employee's Withholding Certificate",
                  "Employee's Withholding Allowance Certificate",
                  "EMPLOYEE'S WITHHOLDING CERTIFICATE"],
        "agency": ["Department of the Treasury", "Internal Revenue Service",
                   "Department of the Treasury Internal Revenue Service"],
        "omb": ["OMB No. 1545-0074", "OMB No. 1545-0010"],
        "instructions": [
            "General Instructions", "Purpose of Form",
            "Complete Form W-4 so that your employer can withhold the correct federal income "
            "tax from your pay.", "Exemption from withholding.",
            "Future Developments. For the latest information about developments related to "
            "Form W-4, go to www.irs.gov/FormW4.", "Specific Instructions",
            "Step 1(c). Check your anticipated filing status.",
            "Nonresident alien. If you're a nonresident alien, see Notice 1392.",
            "Personal Allowances Worksheet (Keep for your records.)",
            "Two-Earners/Multiple Jobs Worksheet", "Deductions, Adjustments, and Additional "
            "Income Worksheet", "Privacy Act and Paperwork Reduction Act Notice."],
        "labels": [
            "Step 1: Enter Personal Information", "(a) First name and middle initial",
            "Last name", "(b) Social security number", "Address",
            "City or town, state, and ZIP code", "Single or Married filing separately",
            "Married filing jointly or Qualifying surviving spouse", "Head of household",
            "Step 2: Multiple Jobs or Spouse Works", "Step 3: Claim Dependents",
            "Step 4 (optional): Other Adjustments", "(a) Other income (not from jobs)",
            "(b) Deductions", "(c) Extra withholding", "Step 5: Sign Here",
            "Employee's signature (This form is not valid unless you sign it.)", "Date",
            "Employers Only", "Employer's name and address", "First date of employment",
            "Employer identification number (EIN)", "Total number of allowances you are "
            "claiming", "Additional amount, if any, you want withheld from each paycheck",
            "I claim exemption from withholding", "Cat. No. 10220Q"],
    },
    "w2": {
        "number": ["Form W-2", "W-2", "Form W-2 ({y4})"],
        "title": ["Wage and Tax Statement", "WAGE AND TAX STATEMENT"],
        "agency": ["Department of the Treasury—Internal Revenue Service",
                   "Department of the Treasury - Internal Revenue Service",
                   "Internal Revenue Service"],
        "omb": ["OMB No. 1545-0008", "OMB No. 1545-0029"],
        "instructions": [
            "Copy A For Social Security Administration. Send this entire page with Form W-3 "
            "to the Social Security Administration; photocopies are not acceptable.",
            "Copy B—To Be Filed With Employee's FEDERAL Tax Return.",
            "Copy C—For EMPLOYEE'S RECORDS (See Notice to Employee on the back of Copy B.)",
            "Copy 2—To Be Filed With Employee's State, City, or Local Income Tax Return.",
            "Notice to Employee", "Instructions for Employee",
            "This information is being furnished to the Internal Revenue Service.",
            "Do Not Cut, Fold, or Staple Forms on This Page", "Void",
            "Instructions for Forms W-2 and W-3"],
        "labels": [
            "a Employee's social security number", "b Employer identification number (EIN)",
            "c Employer's name, address, and ZIP code", "d Control number",
            "e Employee's first name and initial", "Last name", "Suff.",
            "f Employee's address and ZIP code", "1 Wages, tips, other compensation",
            "2 Federal income tax withheld", "3 Social security wages",
            "4 Social security tax withheld", "5 Medicare wages and tips",
            "6 Medicare tax withheld", "7 Social security tips", "8 Allocated tips",
            "10 Dependent care benefits", "11 Nonqualified plans",
            "12a See instructions for box 12", "13 Statutory employee Retirement plan "
            "Third-party sick pay", "14 Other", "15 State Employer's state ID number",
            "16 State wages, tips, etc.", "17 State income tax", "18 Local wages, tips, etc.",
            "19 Local income tax", "20 Locality name"],
    },
}
# Which HR subtype each form is labelled with (the W-2 wage statement files with pay stubs).
HR_FORM_SUBTYPE = {"i9": "i9", "w4": "w4", "w2": "pay_stub"}

# What text extraction of a dynamic (XFA) PDF returns instead of the form.
XFA_PLACEHOLDER = VIEWER_PLACEHOLDER

# Government forms that are not HR documents: same agencies, same "OMB No." lines.
OTHER_FORMS = {
    "Form 1040": ("U.S. Individual Income Tax Return", "Department of the Treasury—Internal "
                  "Revenue Service", "OMB No. 1545-0074",
                  ["Filing Status", "Your first name and middle initial", "Spouse's first name",
                   "Home address (number and street)", "Presidential Election Campaign",
                   "Digital Assets", "Standard Deduction", "Dependents",
                   "Total income", "Adjusted gross income", "Taxable income", "Refund",
                   "Amount You Owe", "Third Party Designee", "Paid Preparer Use Only"]),
    "Form 4868": ("Application for Automatic Extension of Time To File U.S. Individual "
                  "Income Tax Return", "Department of the Treasury Internal Revenue Service",
                  "OMB No. 1545-0074",
                  ["Identification", "Individual Income Tax", "Estimate of total tax "
                   "liability", "Total payments", "Balance due", "Amount you're paying",
                   "Where To File a Paper Form 4868"]),
    "Form DS-11": ("Application for a U.S. Passport", "U.S. Department of State",
                   "OMB Control No. 1405-0004",
                   ["Name Last", "First & Middle", "Place of Birth", "Date of Birth",
                    "Sex", "Mailing Address", "Emergency Contact", "Travel Plans",
                    "Parental Information", "Acceptance Agent"]),
    "Form SS-5": ("Application for a Social Security Card", "Social Security Administration",
                  "OMB No. 0960-0066",
                  ["Name to be shown on card", "Place of Birth", "Date of Birth",
                   "Citizenship", "Ethnicity", "Race", "Parent/Mother's name at her birth",
                   "Mailing Address", "Relationship to the person in item 1"]),
    "Form 1040-ES": ("Estimated Tax for Individuals", "Department of the Treasury Internal "
                     "Revenue Service", "OMB No. 1545-0074",
                     ["Purpose of This Package", "Who Must Make Estimated Tax Payments",
                      "When To Pay Estimated Tax", "Estimated Tax Worksheet",
                      "Payment Voucher"]),
    "Form 1099-INT": ("Interest Income", "Department of the Treasury - Internal Revenue "
                      "Service", "OMB No. 1545-0112",
                      ["PAYER'S name, street address", "PAYER'S TIN", "RECIPIENT'S TIN",
                       "Interest income", "Early withdrawal penalty", "Copy B For Recipient"]),
}


def _fill(ctx: Ctx, s: str) -> str:
    y = ctx.rng.randint(2007, 2026)
    return s.format(m=f"{ctx.rng.randint(1, 12):02d}", d=f"{ctx.rng.randint(1, 28):02d}",
                    y=f"{y % 100:02d}", y4=y)


def _header(ctx: Ctx, spec: dict) -> list[str]:
    parts = [_fill(ctx, ctx.pick(spec["number"])), ctx.pick(spec["title"])]
    parts += ctx.some(spec["agency"], 1, len(spec["agency"]))
    parts.append(_fill(ctx, ctx.pick(spec["omb"])))
    if ctx.chance(0.4):  # title bar as one extracted line
        return ["  ".join(parts[:2])] + parts[2:]
    return parts


def _label_runs(ctx: Ctx, labels: list[str], lo: int, hi: int) -> list[str]:
    """Box labels as extraction returns them: a few per line, in form order, often glued."""
    picked = [lab for lab in labels if ctx.chance(0.75)][: ctx.rng.randint(lo, hi)]
    out, i = [], 0
    while i < len(picked):
        k = ctx.rng.randint(1, 4)
        out.append(ctx.pick([" ", "  ", "   "]).join(picked[i:i + k]))
        i += k
    return out


def us_hr_form(ctx: Ctx, form: str) -> list[str]:
    """One W-4, I-9 or W-2 as extraction returns it: header + one of several bodies."""
    spec = HR_FORMS[form]
    head = _header(ctx, spec)
    # a blank dynamic form is often all its number shows: as common as the label shapes
    shape = ctx.pick(["labels", "labels", "instructions", "xfa", "xfa", "header", "mixed"])
    if shape == "xfa":
        body = XFA_PLACEHOLDER[: ctx.rng.randint(1, len(XFA_PLACEHOLDER))]
        # Metadata title (prepended by `classify`) is often all that names the form.
        head = head[: ctx.pick([1, 1, 2, 2, len(head)])]
    elif shape == "header":
        body = ctx.some(spec["labels"], 0, 4)
    elif shape == "instructions":
        body = [ln for s in ctx.some(spec["instructions"], 3, len(spec["instructions"]))
                for ln in wrap(s, ctx.pick([80, 110, 150]))]
        body += _label_runs(ctx, spec["labels"], 0, 12)
    elif shape == "mixed":
        body = _label_runs(ctx, spec["labels"], 6, 30)
        body += [ln for s in ctx.some(spec["instructions"], 1, 4) for ln in wrap(s, 120)]
    else:
        body = _label_runs(ctx, spec["labels"], 8, 40)
    if ctx.chance(0.3):  # the form number repeated in the page footer
        body.append(_fill(ctx, ctx.pick(spec["number"])) + ctx.pick(["", " Page 1 of 3",
                                                                    " (Rev. 10-2023)"]))
    if shape != "xfa" and ctx.chance(0.25):  # header read last, or only its first line
        return body + head if ctx.chance(0.5) else head[:1] + body
    return head + body


def us_other_form(ctx: Ctx) -> list[str]:
    """A non-HR government form (tax return, passport, benefits) in the same shapes."""
    number = ctx.pick(sorted(OTHER_FORMS))
    title, agency, omb, labels = OTHER_FORMS[number]
    head = [number, title, agency, omb]
    if ctx.chance(0.4):
        head = ["  ".join(head[:2])] + head[2:]
    shape = ctx.pick(["labels", "labels", "xfa", "header"])
    if shape == "xfa":
        body = XFA_PLACEHOLDER[: ctx.rng.randint(1, len(XFA_PLACEHOLDER))]
        head = head[: ctx.pick([1, 1, 2, 2, len(head)])]
    elif shape == "header":
        body = ctx.some(labels, 0, 3)
    else:
        body = _label_runs(ctx, labels, 4, 20)
    return head + body
