"""HR documents of every subtype.

Why these shapes: HR documents are recognised by their form labels (W-4, I-9, pay stubs),
their section headings (resumes, reviews) or their letter conventions (offers,
terminations); the templates vary all of those. Form labels follow the public official
forms' wording style; the layouts and all sentences are written for this project.
"""

from __future__ import annotations

from training.generators.common import Ctx, GeneratedDoc, wrap

SKILLS = ["Python", "Java", "SQL", "Excel", "SAP", "Salesforce", "AWS", "Azure", "Linux",
          "JavaScript", "React", "Tableau", "Power BI", "ITIL", "Agile", "Scrum", "C++", "HTML",
          "CSS", "Oracle", "Recruitment", "Payroll", "Onboarding", "MS Office", "Selenium",
          "Manual Testing", "Docker", "Kubernetes", "Networking", "Customer Service", "Tally",
          "Accounting", "Communication", "Leadership", "Project Management", "SEO", "Photoshop",
          ".NET", "Hadoop", "Spark", "Machine Learning", "ServiceNow", "Jira", "PHP", "Android"]
DEGREES = ["B.Tech in Computer Science", "B.E. in Electronics", "MBA in Human Resources",
           "Bachelor of Commerce", "M.Sc. Mathematics", "BCA", "MCA", "B.Sc. Physics",
           "Bachelor of Arts in Economics", "Master of Science in Data Science", "Diploma in "
           "Mechanical Engineering", "BS Computer Engineering", "PGDM Marketing", "High School"]
INDIAN_CITIES = ["Bengaluru, Karnataka", "Pune, Maharashtra", "Hyderabad, Telangana",
                 "Chennai, Tamil Nadu", "Noida, Uttar Pradesh", "Mumbai, Maharashtra",
                 "Gurgaon, Haryana", "Kolkata, West Bengal", "Kochi, Kerala", "Delhi"]
DEPARTMENTS = ["Engineering", "Finance", "Human Resources", "Sales", "Marketing", "Operations",
               "IT", "Customer Support", "Legal", "Procurement", "R&D", "Logistics"]


def _job(ctx: Ctx) -> str:
    return ctx.pick([ctx.en.job(), "Software Engineer", "Senior Associate", "HR Executive",
                     "Project Manager", "Business Analyst", "Team Lead", "Test Engineer",
                     "Accountant", "Sales Manager", "Data Analyst", "Consultant"])


def _bullets(ctx: Ctx, n: int) -> list[str]:
    verbs = ["Managed", "Developed", "Led", "Implemented", "Coordinated", "Designed", "Handled",
             "Worked on", "Responsible for", "Supported", "Prepared", "Automated", "Maintained"]
    out = []
    for _ in range(n):
        b = f"{ctx.pick(verbs)} {ctx.en.bs()} {ctx.pick(['using', 'with', 'for', 'across'])} " \
            f"{ctx.pick(SKILLS)}{ctx.pick(['.', '', ' and reporting.', ' for clients.'])}"
        out.append(ctx.pick(["• ", "- ", "* ", "", "o "]) + b)
    return out


def resume(ctx: Ctx) -> list[str]:
    rng = ctx.rng
    name = ctx.person()
    style = ctx.pick(["indeed", "indeed", "us", "indian", "free"])
    L: list[str] = []
    title = _job(ctx)
    if style == "indeed":
        L += [name, f"{title} - {ctx.company()}", "", ctx.pick(INDIAN_CITIES + [ctx.en.city()]),
              "", f"Email me on Indeed: indeed.com/r/{name.replace(' ', '-')}/{ctx.code('??##?#??##')}".lower()]
        if ctx.chance(0.6):
            L += wrap(ctx.paragraph(3), 100)
    elif style == "us":
        L += [name.upper(), f"{ctx.address(True)[0]} | {ctx.phone()} | {ctx.email(name)}",
              ctx.pick(["PROFESSIONAL SUMMARY", "Summary", "PROFILE"])]
        L += wrap(f"Results-driven {title} with {rng.randint(2, 20)} years of experience in "
                  f"{ctx.en.bs()}. {ctx.paragraph(2)}", 95)
    elif style == "indian":
        L += [ctx.pick(["CURRICULUM VITAE", "RESUME", "Resume", "CV"]), name,
              f"Mobile: +91 {ctx.code('##########')}", f"Email: {ctx.email(name)}",
              ctx.pick(["CAREER OBJECTIVE", "Objective:", "OBJECTIVE"])]
        L += wrap("To work in a challenging environment where I can utilize my skills and "
                  "knowledge for the growth of the organization and myself.", 90)
    else:
        L += [name, title, ctx.email(name)]
    sec_exp = ctx.pick(["WORK EXPERIENCE", "EXPERIENCE", "Professional Experience",
                        "EMPLOYMENT HISTORY", "Work History"])
    L.append(sec_exp)
    for _ in range(rng.randint(1, 5)):
        y0 = rng.randint(2000, 2022)
        L.append(_job(ctx))
        L.append(f"{ctx.company()} - {ctx.pick(INDIAN_CITIES + [ctx.en.city()])}")
        L.append(f"{ctx.pick(['January', 'March', 'June', 'Sept', 'Oct'])} {y0} to "
                 f"{ctx.pick(['Present', str(y0 + rng.randint(1, 4))])}")
        L += _bullets(ctx, rng.randint(1, 6))
    L.append(ctx.pick(["EDUCATION", "Education", "ACADEMIC QUALIFICATION", "Educational Details"]))
    for _ in range(rng.randint(1, 3)):
        L.append(ctx.pick(DEGREES))
        L.append(f"{ctx.en.last_name()} {ctx.pick(['University', 'College of Engineering', 'Institute of Technology'])}"
                 f" - {ctx.en.city()} {rng.randint(1995, 2022)}")
    L.append(ctx.pick(["SKILLS", "Technical Skills", "KEY SKILLS", "Skills"]))
    sk = ctx.some(SKILLS, 3, 14)
    if ctx.chance(0.5):
        L.append(", ".join(f"{s} ({rng.randint(1, 10)} years)" if ctx.chance(0.5) else s for s in sk))
    else:
        L += [f"• {s}" for s in sk]
    if ctx.chance(0.5):
        L.append(ctx.pick(["ADDITIONAL INFORMATION", "CERTIFICATIONS", "Languages", "Achievements"]))
        L += _bullets(ctx, rng.randint(1, 3))
    if style == "indian" or ctx.chance(0.15):
        L += ["PERSONAL DETAILS", f"Date of Birth: {ctx.fmt_date(ctx.date(1970, 2002))}",
              f"Gender: {ctx.pick(['Male', 'Female'])}", "Marital Status: " +
              ctx.pick(["Single", "Married"]), "Languages Known: English, Hindi",
              "DECLARATION", "I hereby declare that the above information is true to the best of "
              "my knowledge.", f"Place: {ctx.pick(INDIAN_CITIES)}", name]
    if ctx.chance(0.2):
        L[0] = '"' + L[0]
    return L


def offer_letter(ctx: Ctx) -> list[str]:
    co, name, job = ctx.company(), ctx.person(), _job(ctx)
    dept, boss = ctx.pick(DEPARTMENTS), ctx.person()
    start, reply = ctx.fmt_date(), ctx.fmt_date()
    salary = ctx.money(30000, 250000, ctx.pick(['$', 'INR ', '€', '£']))
    L = [co] + ctx.address() + [ctx.fmt_date(), "", name] + ctx.address()
    if ctx.chance(0.75):
        L.append(ctx.pick(["Re: Offer of Employment", "OFFER LETTER", "Subject: Job Offer",
                           "Letter of Offer", "Re: Your offer", "Conditional Offer"]))
    L.append(f"Dear {name.split()[0]},")
    if ctx.chance(OFFER_TERMS_P):
        L += _offer_terms(ctx, job, dept, boss, start, reply, salary)
    else:
        body = (f"We are pleased to offer you the position of {job} in our "
                f"{dept} department at {co}. Your start date will be "
                f"{start} and you will report to {boss}. Your annual base salary "
                f"will be {salary}, paid "
                f"{ctx.pick(['bi-weekly', 'monthly', 'semi-monthly'])}. You will be eligible for our "
                f"benefits program, including health insurance, paid time off and a retirement "
                f"plan. {ctx.pick(['Your employment with the Company is at-will.', 'This offer is contingent on satisfactory background verification and reference checks.', 'You will be on probation for the first six months.'])} "
                f"Please sign and return this letter by {reply} to accept this offer. "
                f"We look forward to welcoming you to the team.")
        L += wrap(body, ctx.pick([70, 90, 110]))
    L += [ctx.pick(["Sincerely,", "Kind regards,", "Best regards,", "Yours sincerely,"]),
          ctx.person()]
    if ctx.chance(0.8):
        L.append(ctx.pick(["HR Manager", "Head of Talent Acquisition", "Chief People Officer",
                           "Recruiter", f"Head of {dept}", f"{dept} Director"]))
    if ctx.chance(0.6):
        L += ["Accepted and agreed:", "Signature: ____________  Date: ________"]
    return L


# Share of offer letters that state their terms as labelled lines rather than a paragraph.
OFFER_TERMS_P = 0.4
_OFFER_LABELS = {
    "job": ["Position", "Job Title", "Role", "Title"],
    "dept": ["Department", "Team", "Division"],
    "boss": ["Reports to", "Reporting to", "Manager", "Supervisor"],
    "start": ["Start Date", "Commencement Date", "First Day", "Joining Date"],
    "salary": ["Annual Base Salary", "Base Salary", "Annual Salary", "Compensation",
               "Gross Salary"],
}


def _offer_terms(ctx: Ctx, job: str, dept: str, boss: str, start: str, reply: str,
                 salary: str) -> list[str]:
    """An offer stated as an opening sentence, a block of labelled terms and a reply date:
    short, and often without 'employee', 'employment' or a signature block."""
    L = wrap(ctx.pick([f"We are pleased to offer you the position of {job}.",
                       f"Following your interviews, we are delighted to offer you the role of "
                       f"{job}.",
                       f"It is my pleasure to offer you a position with our {dept} team.",
                       f"Thank you for your time with us. We would like you to join us as {job}."
                       ]), ctx.pick([70, 90, 110]))
    values = {"job": job, "dept": dept, "boss": boss, "start": start, "salary": salary}
    keys = ["job", "dept", "boss", "start", "salary"]
    for k in keys:
        if k in ("job", "salary") or ctx.chance(0.7):
            L.append(f"{ctx.pick(_OFFER_LABELS[k])}: {values[k]}")
    if ctx.chance(0.5):
        L.append(f"{ctx.pick(['Location', 'Work Location', 'Office'])}: {ctx.en.city()}")
    if ctx.chance(0.4):
        L.append(f"{ctx.pick(['Benefits', 'Paid Time Off'])}: "
                 f"{ctx.pick(['per company policy', '20 days per year', 'health, dental, 401(k)'])}")
    L += wrap(ctx.pick([f"Please sign and return this offer letter by {reply}.",
                        f"Kindly confirm your acceptance by {reply}.",
                        f"This offer is valid until {reply}.",
                        f"Please let us know your decision by {reply}."]), ctx.pick([70, 90, 110]))
    return L


def employment_agreement(ctx: Ctx) -> list[str]:
    co, name = ctx.company(), ctx.person()
    L = [ctx.pick(["EMPLOYMENT CONTRACT", "Contract of Employment", "Employment Agreement",
                   "STAFF EMPLOYMENT AGREEMENT", "Terms and Conditions of Employment"])]
    L += wrap(f"This contract is made between {co} (the Employer) and {name} (the Employee), "
              f"employee ID {ctx.code('E#####')}, on {ctx.fmt_date()}.", 90)
    clauses = [
        f"Position: The Employee is employed as {_job(ctx)} in the {ctx.pick(DEPARTMENTS)} "
        f"department, reporting to {ctx.person()}.",
        f"Commencement: Employment starts on {ctx.fmt_date()}.",
        f"Probation: The first {ctx.pick(['three', 'six', '3', '6'])} months are a probationary "
        f"period during which either party may end employment with one week's notice.",
        f"Working hours: {ctx.pick(['40', '37.5', '45', '48'])} hours per week, Monday to Friday.",
        f"Remuneration: a gross salary of {ctx.money(20000, 150000, ctx.pick(['$', '€', 'INR ', 'RM ']))} per annum, paid monthly by bank transfer.",
        f"Annual leave: {ctx.rng.randint(12, 30)} working days of paid leave per year in addition "
        "to public holidays.",
        "Sick leave: the Employee shall notify the HR department on the first day of absence.",
        f"Notice period: after probation, {ctx.pick(['one month', 'thirty days', 'two months'])}"
        " written notice by either party.",
        "Confidentiality: the Employee shall not disclose the Employer's confidential "
        "information during or after employment.",
        "Company policies: the Employee agrees to follow the employee handbook and code of "
        "conduct as amended from time to time.",
        "Benefits: medical insurance, provident fund / pension contributions as per policy.",
    ]
    for i, c in enumerate(ctx.some(clauses, 5, len(clauses)), 1):
        L += wrap(f"{i}. {c}", 90)
    L += ["Employer: ____________  (HR Manager)", f"Employee: {name}  ____________",
          f"Date: {ctx.fmt_date()}"]
    return L


def timesheet(ctx: Ctx) -> list[str]:
    rng = ctx.rng
    name = ctx.person()
    L = [ctx.pick(["TIMESHEET", "Weekly Timesheet", "Employee Time Sheet", "Time Card",
                   "Bi-Weekly Timesheet", "Monthly Attendance Sheet"]), ctx.company(),
         f"Employee: {name}", f"Employee ID: {ctx.code('#####')}",
         f"{ctx.pick(['Week ending', 'Pay period', 'Period'])}: {ctx.fmt_date()}"]
    if ctx.chance(0.6):
        L.append(f"Department: {ctx.pick(DEPARTMENTS)}   Supervisor: {ctx.person()}")
    L.append(ctx.pick(["Day  Date  Time In  Time Out  Break  Hours",
                       "Date | Start | End | Lunch | Regular | Overtime", "Day Hours Project"]))
    total = 0.0
    for d in ctx.some(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                       "Sunday", "Mon", "Tue", "Wed", "Thu", "Fri"], 3, 12):
        h = rng.choice([0, 4, 7.5, 8, 8, 8, 9, 10])
        total += h
        L.append(f"{d}  {ctx.fmt_date()}  {rng.randint(7, 10)}:{rng.choice(['00', '30', '15'])} "
                 f"{rng.randint(15, 19)}:{rng.choice(['00', '30'])}  0:30  {h}")
    L += [f"Total hours: {total}", f"Overtime hours: {rng.randint(0, 10)}",
          f"Hourly rate: {ctx.money(10, 90, '$')}", "Employee signature: __________",
          "Supervisor approval: __________"]
    return L


def pay_stub(ctx: Ctx) -> list[str]:
    rng = ctx.rng
    indian = ctx.chance(0.3)
    cur = "INR " if indian else ctx.pick(["$", "", "€", "£"])
    name = ctx.person()
    L = [ctx.company()] + ctx.address()[:2]
    L.append(ctx.pick(["Salary Slip", "Payslip for the month of " + ctx.en.month_name(),
                       "PAY SLIP"]) if indian else ctx.pick(
        ["EARNINGS STATEMENT", "Pay Stub", "Payroll Statement", "Statement of Earnings and "
         "Deductions", "PAYSLIP", "Direct Deposit Advice"]))
    L += [f"Employee Name: {name}", f"Employee ID: {ctx.code('######')}",
          f"Pay Period: {ctx.fmt_date()} - {ctx.fmt_date()}", f"Pay Date: {ctx.fmt_date()}"]
    if not indian and ctx.chance(0.6):
        L.append(f"SSN: XXX-XX-{rng.randint(1000, 9999)}")
    if indian:
        L += [f"PAN: {ctx.code('?????####?')}", f"UAN: {ctx.code('############')}",
              f"Bank A/c: {ctx.code('##########')}", "Earnings  Amount  Deductions  Amount"]
        for e, d in [("Basic", "Provident Fund"), ("HRA", "Professional Tax"),
                     ("Conveyance", "TDS"), ("Special Allowance", "ESI")]:
            L.append(f"{e}  {ctx.money(1000, 50000)}  {d}  {ctx.money(100, 5000)}")
        L += [f"Gross Earnings: {cur}{ctx.money(20000, 200000)}",
              f"Total Deductions: {cur}{ctx.money(1000, 20000)}",
              f"Net Pay: {cur}{ctx.money(15000, 180000)}"]
    else:
        L.append(ctx.pick(["Earnings  Rate  Hours  Current  YTD", "Description Hours Rate This Period Year to Date"]))
        for e in ctx.some(["Regular", "Overtime", "Holiday", "Bonus", "Vacation", "Commission"], 1, 4):
            L.append(f"{e}  {ctx.money(10, 80)}  {rng.randint(1, 90)}  {ctx.money(100, 5000)}  "
                     f"{ctx.money(1000, 90000)}")
        L.append(f"Gross Pay  {cur}{ctx.money(500, 9000)}  {cur}{ctx.money(5000, 120000)}")
        L.append("Deductions  Current  YTD")
        for d in ctx.some(["Federal Income Tax", "Social Security", "Medicare", "State Income Tax",
                           "401(k)", "Medical", "Dental", "FICA", "SDI", "Income Tax", "National "
                           "Insurance", "Pension"], 2, 7):
            L.append(f"{d}  {ctx.money(5, 900)}  {ctx.money(100, 9000)}")
        L.append(f"Net Pay  {cur}{ctx.money(400, 7000)}")
        if ctx.chance(0.5):
            L.append(f"Deposited to account ****{rng.randint(1000, 9999)}")
    return L


def w4(ctx: Ctx) -> list[str]:
    rng = ctx.rng
    year = rng.randint(2005, 2025)
    old = year < 2020
    L = [f"Form W-4 ({year})" if ctx.chance(0.6) else "Form W-4",
         "Employee's Withholding Allowance Certificate" if old else
         "Employee's Withholding Certificate", "Department of the Treasury",
         "Internal Revenue Service", f"OMB No. 1545-{ctx.pick(['0074', '0010'])}"]
    blank = ctx.chance(0.5)
    name = "" if blank else ctx.person()
    ssn = "" if blank else f"{rng.randint(100, 899)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"
    if old:
        parts = [
            ["Personal Allowances Worksheet (Keep for your records.)",
             "A Enter \"1\" for yourself if no one else can claim you as a dependent",
             "B Enter \"1\" if you are single and have only one job; or you are married and your "
             "spouse does not work", "C Enter \"1\" for your spouse.",
             "D Enter number of dependents (other than your spouse or yourself) you will claim on "
             "your tax return", "E Enter \"1\" if you will file as head of household",
             "H Add lines A through G and enter total here"],
            ["Purpose. Complete Form W-4 so that your employer can withhold the correct federal "
             "income tax from your pay.", "Exemption from withholding. If you are exempt, "
             "complete only lines 1, 2, 3, 4, and 7 and sign the form to validate it."],
            ["Cut here and give Form W-4 to your employer. Keep the top part for your records.",
             f"1 Type or print your first name and middle initial. Last name {name}",
             f"2 Your social security number {ssn}", "Home address (number and street or rural route)",
             "3 Single Married Married, but withhold at higher Single rate.",
             "4 If your last name differs from that shown on your social security card, check here.",
             "5 Total number of allowances you are claiming",
             "6 Additional amount, if any, you want withheld from each paycheck",
             "7 I claim exemption from withholding and I certify that I meet both conditions",
             "Under penalties of perjury, I declare that I have examined this certificate",
             "Employee's signature (Form is not valid unless you sign it.) Date",
             "8 Employer's name and address (Employer: Complete lines 8 and 10 only if sending to "
             "the IRS.)", "9 Office code (optional) 10 Employer identification number (EIN)"],
            ["Deductions and Adjustments Worksheet", "Two-Earners/Multiple Jobs Worksheet",
             "Privacy Act and Paperwork Reduction Act Notice. We ask for the information on this "
             "form to carry out the Internal Revenue laws of the United States."],
        ]
    else:
        parts = [
            ["Complete Form W-4 so that your employer can withhold the correct federal income tax "
             "from your pay.", "Give Form W-4 to your employer.",
             "Your withholding is subject to review by the IRS."],
            ["Step 1: Enter Personal Information", f"(a) First name and middle initial Last name {name}",
             f"(b) Social security number {ssn}", "Address", "City or town, state, and ZIP code",
             "(c) Single or Married filing separately  Married filing jointly  Head of household"],
            ["Step 2: Multiple Jobs or Spouse Works", "Step 3: Claim Dependents",
             "Multiply the number of qualifying children under age 17 by $2,000",
             "Step 4 (optional): Other Adjustments", "(a) Other income (not from jobs)",
             "(b) Deductions", "(c) Extra withholding"],
            ["Step 5: Sign Here", "Under penalties of perjury, I declare that this certificate, to "
             "the best of my knowledge and belief, is true, correct, and complete.",
             "Employee's signature (This form is not valid unless you sign it.) Date",
             "Employers Only  Employer's name and address  First date of employment  Employer "
             "identification number (EIN)", f"Cat. No. 10220Q Form W-4 ({year})"],
            ["Multiple Jobs Worksheet (Keep for your records.)", "Deductions Worksheet",
             "Privacy Act and Paperwork Reduction Act Notice."],
        ]
    for p in ctx.some(parts, max(2, len(parts) - 2), len(parts)):
        for s in p:
            L += wrap(s, rng.choice([80, 100, 140]))
    return L


def i9(ctx: Ctx) -> list[str]:
    rng = ctx.rng
    blank = ctx.chance(0.4)
    name = "" if blank else ctx.person()
    parts = [
        ["Employment Eligibility Verification", "Department of Homeland Security",
         "U.S. Citizenship and Immigration Services", "USCIS Form I-9",
         f"OMB No. 1615-0047 Expires {ctx.fmt_date()}"],
        ["START HERE: Read instructions carefully before completing this form.",
         "ANTI-DISCRIMINATION NOTICE: It is illegal to discriminate against work-authorized "
         "individuals."],
        ["Section 1. Employee Information and Attestation (Employees must complete and sign "
         "Section 1 of Form I-9 no later than the first day of employment)",
         f"Last Name (Family Name) First Name (Given Name) Middle Initial {name}",
         "Other Last Names Used (if any)", "Address (Street Number and Name) Apt. Number City or "
         "Town State ZIP Code", f"Date of Birth (mm/dd/yyyy) {'' if blank else ctx.fmt_date()}",
         "U.S. Social Security Number", "Employee's E-mail Address Employee's Telephone Number",
         "I am aware that federal law provides for imprisonment and/or fines for false "
         "statements or use of false documents in connection with the completion of this form.",
         "I attest, under penalty of perjury, that I am (check one of the following boxes):",
         "1. A citizen of the United States", "2. A noncitizen national of the United States",
         "3. A lawful permanent resident (Alien Registration Number/USCIS Number):",
         "4. An alien authorized to work until (expiration date, if applicable)",
         "Form I-94 Admission Number  Foreign Passport Number  Country of Issuance",
         "Signature of Employee  Today's Date"],
        ["Preparer and/or Translator Certification (check one):",
         "I did not use a preparer or translator.  A preparer(s) and/or translator(s) assisted "
         "the employee in completing Section 1."],
        ["Section 2. Employer or Authorized Representative Review and Verification",
         "List A Identity and Employment Authorization OR List B Identity AND List C "
         "Employment Authorization", "Document Title  Issuing Authority  Document Number  "
         "Expiration Date (if any)", "Certification: I attest, under penalty of perjury, that "
         "(1) I have examined the document(s) presented by the above-named employee",
         "The employee's first day of employment (mm/dd/yyyy):",
         "Signature of Employer or Authorized Representative  Title of Employer or Authorized "
         "Representative", "Employer's Business or Organization Name and Address"],
        ["Section 3. Reverification and Rehires (To be completed and signed by employer or "
         "authorized representative.)", "New Name (if applicable)  Date of Rehire"],
        ["LISTS OF ACCEPTABLE DOCUMENTS", "U.S. Passport or U.S. Passport Card",
         "Permanent Resident Card or Alien Registration Receipt Card (Form I-551)",
         "Driver's license or ID card issued by a State", "Social Security Account Number card",
         "Certification of report of birth issued by the Department of State"],
    ]
    L: list[str] = []
    for p in [parts[0]] + ctx.some(parts[1:], 3, len(parts) - 1):
        for s in p:
            L += wrap(s, rng.choice([80, 110, 150]))
    return L


def performance_review(ctx: Ctx) -> list[str]:
    name = ctx.person()
    ratings = ["Exceeds Expectations", "Meets Expectations", "Needs Improvement", "Outstanding",
               "Unsatisfactory", "5 - Exceptional", "3 - Solid performer", "2", "4"]
    L = [ctx.pick(["PERFORMANCE REVIEW", "Annual Performance Appraisal", "Employee Performance "
                   "Evaluation", "Mid-Year Review", "Performance Appraisal Form"]),
         f"Employee: {name}", f"Job Title: {_job(ctx)}", f"Department: {ctx.pick(DEPARTMENTS)}",
         f"Reviewer: {ctx.person()}", f"Review Period: {ctx.fmt_date()} to {ctx.fmt_date()}"]
    for comp in ctx.some(["Job Knowledge", "Quality of Work", "Communication", "Teamwork",
                          "Initiative", "Attendance and Punctuality", "Leadership",
                          "Problem Solving", "Customer Focus", "Productivity"], 3, 8):
        L.append(f"{comp}: {ctx.pick(ratings)}")
        if ctx.chance(0.5):
            L.append(f"Comments: {ctx.sentence(14)}")
    L += ["Goals for next period:"] + [f"{i}. {ctx.en.bs().capitalize()}" for i in range(1, 4)]
    L += [f"Overall Rating: {ctx.pick(ratings)}", "Employee comments:"] + wrap(ctx.paragraph(2), 90)
    L += ["Employee Signature ________ Date ______", "Manager Signature ________ Date ______"]
    return L


def termination_letter(ctx: Ctx) -> list[str]:
    co, name = ctx.company(), ctx.person()
    L = [co] + ctx.address() + [ctx.fmt_date(), "", ctx.pick(["PRIVATE AND CONFIDENTIAL", ""]),
                                name]
    L.append(ctx.pick(["Re: Termination of Employment", "Subject: Notice of Termination",
                       "Letter of Termination", "RE: Separation from Employment"]))
    L.append(f"Dear {name},")
    reason = ctx.pick(["following the elimination of your position as part of a restructuring",
                       "due to repeated violations of the attendance policy despite written "
                       "warnings", "as a result of unsatisfactory performance during your "
                       "performance improvement plan", "due to gross misconduct"])
    L += wrap(f"This letter confirms that your employment with {co} as {_job(ctx)} will end "
              f"effective {ctx.fmt_date()}, {reason}. Your final paycheck, including accrued "
              f"unused vacation, will be paid on the next regular payday. Information about "
              f"continuing your health coverage under COBRA will be mailed to you separately. "
              f"Please return all company property, including your laptop, badge and keys, to "
              f"Human Resources by your last working day. {ctx.pick(['You will receive severance pay of two weeks per year of service upon signing a release.', 'You remain bound by your confidentiality obligations.', ''])}",
              ctx.pick([70, 90, 110]))
    L += ["Sincerely,", ctx.person(), ctx.pick(["Human Resources Manager", "HR Director",
                                                "Head of People"])]
    return L


BUILDERS = {
    "offer_letter": offer_letter, "employment_agreement": employment_agreement,
    "resume": resume, "timesheet": timesheet, "pay_stub": pay_stub, "w4": w4, "i9": i9,
    "performance_review": performance_review, "termination_letter": termination_letter,
}


def hr(ctx: Ctx, subtype: str) -> GeneratedDoc:
    lines = BUILDERS[subtype](ctx)
    n_pages = max(1, sum(len(x) for x in lines) // 3000)
    if subtype in ("w4", "i9"):
        n_pages = max(n_pages, ctx.rng.choice([1, 2, 3, 4]))
    return GeneratedDoc("hr", subtype, lines, n_pages=n_pages)
