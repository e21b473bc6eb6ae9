"""Word lists that tell a person's name from a job title, a heading or an organisation.

General English vocabulary of CVs and HR forms, written for this project (no corpus text).
"""

from __future__ import annotations

# head nouns and qualifiers of job titles
ROLE_WORDS = frozenset("""
engineer engineers developer developers manager managers consultant analyst director assistant
executive representative coordinator lead architect administrator admin specialist officer
intern teacher advisor adviser editor scientist attorney paralegal secretary programmer
designer accountant tester president vice head supervisor associate technician clerk nurse
professor lecturer trainee counselor counsellor agent operator owner founder partner
chief principal senior junior sr jr staff trainer instructor tutor researcher fellow
postdoctoral postdoc student graduate auditor controller planner buyer recruiter generalist
receptionist cashier driver mechanic electrician chef cook waiter server therapist
pharmacist physician doctor surgeon dentist lawyer architect writer journalist artist
photographer producer marketer strategist investigator inspector estimator surveyor
dispatcher librarian volunteer apprentice foreman superintendent steward handler worker
expert professional leader member consultant consultants specialist officer engineer
scrum devops sdet qa hr sales marketing support services operations
""".split())

# nouns that end a job title ("Senior Java *Developer*", "Medical *Assistant*")
HEAD_WORDS = frozenset("""
engineer developer manager consultant analyst director assistant executive representative
coordinator lead architect administrator admin specialist officer intern teacher advisor
adviser editor scientist attorney paralegal secretary programmer designer accountant tester
president head supervisor associate technician clerk nurse professor lecturer trainee
counselor counsellor agent operator owner founder partner trainer instructor tutor
researcher fellow auditor controller planner buyer recruiter generalist receptionist cashier
driver mechanic electrician chef cook therapist pharmacist physician doctor surgeon lawyer
writer journalist artist photographer producer marketer strategist investigator inspector
estimator surveyor dispatcher librarian apprentice foreman superintendent steward handler
worker expert professional leader sdet ii iii iv general staff
""".split())

# adjectives of self-description that precede a title in objectives, not part of it
SELF_ADJECTIVES = frozenset("""
dedicated experienced creative motivated qualified seasoned highly passionate skilled versatile
accomplished enthusiastic hardworking hard-working detail-oriented dynamic energetic talented
proven successful aspiring competent reliable results-driven self-motivated well
""".split())

HEADING_WORDS = frozenset("summary profile objective experience skills education".split())

# role words that are also common surnames ("Tim Cook") stay allowed in names
SURNAME_ROLES = frozenset("cook driver steward fellow head lead chief owner partner server".split())

# words that only occur in headings, boilerplate or addresses, never in a person's name
NON_NAME_WORDS = frozenset("""
resume résumé curriculum vitae cv sample template example name your objective summary profile
contact details personal information experience education skills work employment history
career professional qualifications references address street st road rd avenue ave drive dr
lane ln suite apt city state zip phone mobile cell email e-mail tel telephone fax website
linkedin page date birth department company inc llc ltd corporation corp limited group
university college school institute academy bank hospital human resources payroll offer
letter agreement dear sincerely regards employee employer form section signature total
gross net pay period hours rate salary annual statement earnings deductions timesheet week
marital status nationality educational background gender magna summa cum laude honors honours
india usa united states kingdom america north south east west new of the and for to at in
technologies solutions systems services software global international
""".split()) | (ROLE_WORDS - SURNAME_ROLES)

SECTION_HEADINGS = (
    "work experience", "experience", "professional experience", "employment history",
    "work history", "career history", "employment", "professional background",
)

LEGAL_SUFFIX = (
    r"(?:Inc\.?|Incorporated|LLC|L\.L\.C\.|LLP|Ltd\.?|Limited|Corp\.?|Corporation|Co\.|"
    r"Company|GmbH|AG|S\.A\.|SA|PLC|plc|Pvt\.? Ltd\.?|Private Limited|Group|Holdings|"
    r"Technologies|Solutions|Systems|Partners|Associates)"
)
