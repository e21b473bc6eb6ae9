"""Party names from a contract's preamble or signature blocks, cleaned of legal dressing.

The preamble ("by and between A, a Delaware corporation ("Company"), and B (hereinafter
"B")") names the parties once, wrapped in descriptors, defined-term labels and addresses.
We strip parentheticals and quotes, cut each party at the first descriptor (", a ...",
", with offices at ...") and split on the "and" that follows. Signature blocks
("ACME INC.\\nBy: ____") are the fallback when a contract has no such sentence.
"""

from __future__ import annotations

import re

_ABBREV = r"(?:Inc|Co|Corp|Ltd|L\.P|LP|N\.A|S\.A|B\.V|N\.V|Mr|Ms|Mrs|Dr|No|St|Jr|Sr|P\.C|L\.L\.C|Ltda|Pty|Plc|[A-Z])"

# Where a preamble's party list begins.
_START = re.compile(
    r"\b(?:by\s+and\s+between|by\s+and\s+among|between\s*:?|among\s*:?)\s+|\bPARTIES\s*:\s*"
    r"|\b(?:entered\s+into|made|executed)\b[^.()]{0,80}?\bby\s+(?=(?-i:[A-Z]))"
    r"|\benter\s+into\s+this\b[^.]{0,80}?\bwith\s+(?=(?-i:[A-Z]))"
    r"|\bemployment\s+(?:by|with)\s+(?=(?-i:[A-Z]))",
    re.IGNORECASE,
)
_IN_FAVOR = re.compile(
    r"\bby\s+(?P<a>[A-Z][^()]{2,80}?)\s*(?:\([^)]*\)\s*)?,?\s+(?:in\s+favou?r\s+of|for\s+the\s+benefit\s+of)\s+",
)
# Where a preamble's party list ends (the rest of the sentence is about something else).
_STOP = re.compile(
    r"\bWHEREAS\b|\bRECITALS?\b|\bWITNESSETH\b|\bW\s?I\s?T\s?N\s?E\s?S\s?S\s?E\s?T\s?H\b"
    r"|[,\s]+(?:is\s+)?dated\b|[,\s]+(?:made\s+)?(?:and\s+)?(?:effective\s+)?as\s+of\b"
    r"|[,\s]+effective\s+(?:on|as|from)\b|[,\s]+is\s+(?:made|entered)|[,\s]+enter\s+into"
    r"|[,\s]+(?:on|dated)\s+(?:this|the)\s+\d|[,\s]+this\s+\d+(?:st|nd|rd|th)?\s+day\b"
    r"|\(?\b(?:each|both)\s+(?:individually\s+)?(?:a|of\s+which|sometimes)\b|\bcollectively\b"
    r"|\bhereinafter\s+(?:collectively|each|jointly)|\bthe\s+parties\b|\bwho\s+agree"
    r"|:\s+(?=\d+\.\s)|\bTABLE\s+OF\s+CONTENTS\b|\bARTICLE\s+(?:1|I)\b|\s\d+\.\d+\s"
    r"|,?\s+and\s+consists?\s+of\b|\bNOW,?\s+THEREFORE\b|\bunder\s+the\s+following\b"
    r"|\bas\s+follows\b|\bfor\s+the\s+purposes?\s+of\b",
)
_PERIOD = re.compile(r"\.\s+(?=[A-Z(\d])")
_ABBREV_END = re.compile(r"\b" + _ABBREV + r"$", re.IGNORECASE)


def _stop(text: str, start: int, end: int) -> int:
    """End of the preamble's party list: a stop phrase or a sentence-ending full stop."""
    masked = _mask_parentheticals(text[:end])
    m = _STOP.search(masked, start, end)
    best = m.start() if m else end
    for p in _PERIOD.finditer(masked, start, best):
        if not _ABBREV_END.search(text[max(0, p.start() - 6) : p.start()]):
            return p.start()
    return best
# A descriptor that follows a party's name: cut the name there.
_DESCRIPTOR = re.compile(
    r",?\s+(?:an?|the|with|having|whose|located|organized|organised|incorporated|existing|"
    r"its|which|acting|residing|doing|on\s+behalf|through|by\s+its|at|of\s+\d|formerly|"
    r"duly|registered|domiciled|individually|as\s+(?:agent|trustee|representative)|"
    r"together|including|c/o|care\s+of|an\s+individual|individual|herein|d/?b/?a|o/?b/?a|"
    r"f/?k/?a|doing\s+business|trading\s+as|formerly\s+known|offering|of\s+(?=[A-Z][a-z]+\s+"
    r"(?:House|Street|Road|Avenue|Building|Tower|Place)\b))\b"
    r"|,\s*\d|\s+\d{2,}\s|\s+\(",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*[,;]?\s*\band\b,?\s+|\s*;\s*|\s+\(\d\)\s+|\s+\([ivx]+\)\s+", re.IGNORECASE)
_ROLE_WORDS = {
    "company", "employee", "executive", "consultant", "contractor", "recipient", "discloser",
    "disclosing party", "receiving party", "party", "parties", "licensor", "licensee",
    "buyer", "seller", "purchaser", "vendor", "supplier", "customer", "client", "you",
    "the undersigned", "undersigned", "provider", "distributor", "lender", "borrower",
    "landlord", "tenant", "employer", "agent", "investor", "partner", "bank", "holder",
}
_MONTH_NAMES = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_NOT_IN_NAMES = {
    "is", "are", "can", "be", "will", "shall", "may", "agree", "agrees", "i", "to", "for",
    "under", "or", "with", "by", "that", "which", "this", "agreement", "hereby", "if", "not",
    "terminated", "employment", "information", "whether", "you", "your", "we", "our",
    "purpose", "secrets", "conditions", "schedules", "exhibits", "personnel", "staff",
}
_NOUNS_IN_NAMES = {"information", "employment"}
_CORP_SUFFIX = re.compile(
    r"\b(?:Inc|Incorporated|Corp|Corporation|Co|Company|Ltd|Limited|LLC|L\.L\.C|LP|L\.P|LLP|"
    r"PLC|plc|GmbH|AG|S\.A|SA|N\.V|B\.V|Pty|Trust|Bank|Group|Holdings?|Partners|Fund)\b\.?",
)


def _strip_parentheticals(text: str) -> str:
    """Remove (...) and [...] spans, nested ones too, keeping everything else."""
    out, depth = [], 0
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def _mask_parentheticals(text: str) -> str:
    """Same-length copy with (...) contents blanked, so stop phrases inside them don't count."""
    out, depth = [], 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            out.append("~")
            continue
        out.append("~" if depth else ch)
    return "".join(out)


# a filing's page footer glued to a name ("Clear Capital Page 1", "ACME INC. Source: ACME
# INC, 10-K, 3/1/2019")
_PAGE_FOOTER = re.compile(r"\s+(?:Page\s+\d+(?:\s+of\s+\d+)?\b|Source\s*:).*$")


_COMMA_SPLIT = re.compile(
    r",\s+(?!(?:Inc|LLC|L\.L\.C|Ltd|Corp|Co|LP|L\.P|LLP|PLC|N\.A|S\.A|GmbH|AG|Limited|"
    r"Incorporated|Jr|Sr|II|III|IV)\b)",
    re.IGNORECASE,
)


def clean_party_name(name: str) -> str:
    """'ACME, Inc., a Delaware corporation ("ACME")' -> 'ACME, Inc.'"""
    s = re.sub(r"\s+", " ", name).strip()
    s = _PAGE_FOOTER.sub("", s)
    s = re.sub(r"\(?\s*hereinafter\b.*$", "", s, flags=re.I)
    s = re.sub(r"\b(?:referred\s+to|called)\s+(?:herein\s+)?as\b.*$", "", s, flags=re.I)
    s = _strip_parentheticals(s)
    s = re.sub(r"[\"“”]\s*[^\"“”]{0,40}[\"“”]", " ", s)  # defined-term labels "Company"
    m = _DESCRIPTOR.search(" " + s)
    if m and m.start() > 1:
        s = (" " + s)[: m.start()]
    s = s.strip()
    s = re.sub(r"^\s*(?:\(?\d\)|\([a-z]\))\s*", "", s)
    s = re.sub(r"\s+(?:dated|DATED|Dated|effective|EFFECTIVE)\b.*$", "", s)
    s = re.sub(rf"\s+(?:{_MONTH_NAMES})\s+\d.*$", "", s, flags=re.I)
    s = re.sub(r"^(?:the\s+)?(?:undersigned\s*,?\s*)", "", s, flags=re.I)
    s = re.sub(r"^(?:Mr|Ms|Mrs|Dr)\.?\s+", "", s)
    s = re.sub(r"^(?:between|among|and)\s+", "", s, flags=re.I)
    s = s.strip(" \t,;:\"'“”‘’*_-")
    s = re.sub(r"\s+", " ", s)
    words = s.split()
    while len(words) > 1 and re.match(r"[a-z]", words[-1]):  # "Acme Inc. under" -> "Acme Inc."
        words.pop()
    s = " ".join(words).strip(" ,;:")
    return re.sub(r"(?:\s+[.,;:])+$", "", s)


def _plausible(name: str) -> bool:
    if not (2 <= len(name) <= 120) or re.search(r"\d{3,}|\bSuite\b|#", name):
        return False
    low = name.lower()
    if low in _ROLE_WORDS or low.startswith(("this ", "such ", "each ", "any ", "its ")):
        return False
    if low.startswith("the ") and (name[0] == "t" or low[4:] in _ROLE_WORDS):
        return False
    if not re.match(r"[A-Z0-9]", name):
        return False
    if re.search(r"\b\d+\.\d+\b", name):  # "2.0 SCOPE": a table of contents, not a name
        return False
    words = name.split()
    # "Beijing ... Information Service Co." is a name; "information is ..." is a sentence
    banned = _NOT_IN_NAMES - _NOUNS_IN_NAMES if _CORP_SUFFIX.search(name) else _NOT_IN_NAMES
    if any(w.lower().strip(".,") in banned for w in words):
        return False
    if len(words) > 14:
        return False
    caps = sum(1 for w in words if re.match(r"[A-Z0-9&]", w))
    return caps >= max(1, int(0.5 * len(words)))


_CORP_SUFFIX_I = re.compile(_CORP_SUFFIX.pattern, re.IGNORECASE)


def _merge_and_names(seg: str) -> list[str]:
    """Split on "and"/";" but keep "New York Life Insurance and Annuity Corporation" whole.

    A bare " and " between a piece with no corporate suffix or descriptor and a piece that
    ends in one joins two halves of one company name; after a finished name ("Acme Inc.",
    or one with a descriptor) it separates two parties.
    """
    out: list[str] = []
    pos = 0
    bare_prev, sep = False, "and"
    for m in list(_SPLIT.finditer(seg)) + [None]:
        piece = seg[pos : m.start() if m else len(seg)]
        bare = piece.strip(" .,;:")
        if (out and bare_prev and _CORP_SUFFIX_I.search(bare)
                and re.fullmatch(r"(?:[A-Z][\w'&.-]*\s*){1,3}", bare)
                and not _CORP_SUFFIX_I.search(out[-1]) and not _DESCRIPTOR.search(" " + out[-1])
                and re.fullmatch(r"(?:[A-Z][\w'&.-]*\s*){1,6}", out[-1].strip())):
            out[-1] = f"{out[-1].strip()} {sep} {piece.strip()}"  # keep "AND" as written
        else:
            out.append(piece)
        if m:
            sep = m.group(0).strip()
            bare_prev = sep.lower() == "and"
            pos = m.end()
    return out


def _split_parties(segment: str) -> list[str]:
    """Split 'A, a Delaware corporation, and B, an individual' into cleaned names."""
    seg = _strip_parentheticals(re.sub(r"\s*[-_]{3,}\s*", " ", segment))
    seg = re.sub(r"[\"“”][^\"“”]{0,40}[\"“”]", " ", seg)
    seg = re.sub(r"\s+", " ", seg).strip()
    # "MEDEX, its principals, management and staff": the people behind a party
    seg = re.sub(r",?\s+its\s+(?:[A-Za-z]+,?\s+){0,5}and\s+[A-Za-z]+", " ", seg, flags=re.I)
    pieces = _merge_and_names(seg)
    # "business terms between Company and suppliers": defined terms used later, not a preamble
    if any(p.strip(" .,;:").lower() in _ROLE_WORDS - {"you", "the undersigned", "undersigned"}
           for p in pieces):
        return []
    names: list[str] = []
    for piece in pieces:
        name = clean_party_name(piece)
        subs = [x.strip() for x in _COMMA_SPLIT.split(name) if x.strip(" ,")]
        if len(subs) > 1 and all(len(x.split()) >= 2 and not re.search(r"\d", x) for x in subs):
            cands = [clean_party_name(x) for x in subs]  # "A Bancorp, Jane Doe"
        else:
            cands = [name]
        for cand in cands:
            if _plausible(cand) and cand.lower() not in (n.lower() for n in names):
                names.append(cand)
    return names


def preamble_parties(flat: str, limit: int = 6000) -> tuple[list[str], int, int] | None:
    """Parties named in the first 'between ... and ...' of the text, with the flat span."""
    # "by and ---- between" / "Mail ------- Boxes": EDGAR underline runs, blanked in place
    head = re.sub(r"-{3,}", lambda d: " " * len(d.group(0)), flat[:limit])
    found: list[tuple[list[str], int, int]] = []
    for m in _START.finditer(head):
        seg_start = m.end()
        seg_end = _stop(head, seg_start + 3, min(len(head), seg_start + 700))
        names = _split_parties(head[seg_start:seg_end])
        if names and (len(names) >= 2 or m.start() < limit // 3):
            found.append((names[:6], seg_start, seg_end))
            if len(names) >= 2:
                return found[-1]
    m = _IN_FAVOR.search(head)
    if m:
        seg_end = _stop(head, m.end() + 3, min(len(head), m.end() + 300))
        first = clean_party_name(m.group("a"))
        second = _split_parties(head[m.end() : seg_end])[:1]
        names = [n for n in [first, *second] if _plausible(n)]
        if len(names) >= 2:
            return names, m.start("a"), seg_end
    return found[0] if found else None


_SIG_BY = re.compile(r"^\s*By\s*:", re.IGNORECASE | re.MULTILINE)
# a typed signature ("/s/ Jane Roe") between a block's name and its "By:" line
_SIGNED_LINE = re.compile(r"^\s*/s/")
# the legal forms that end a company's name for certain (not "Company", "Bank", "Trust":
# those also start or sit inside names)
_FORM_END = (r"(?:Inc|Incorporated|Corp|Corporation|LLC|L\.L\.C|Ltd|Limited|LP|L\.P|LLP|"
             r"L\.L\.P|PLC|GmbH|AG|S\.A|N\.V|B\.V)\b\.?")
# two signature blocks printed side by side read as one line: "ACME, INC. BETA LLC"
_COLUMN_BREAK = re.compile(r"(?<=\w)(?:,\s*|\s+)" + _FORM_END + r"\s+(?=(?-i:[A-Z0-9]))",
                           re.IGNORECASE)
_ONLY_FORMS = re.compile(r"(?:(?:" + _FORM_END + r"|Partnership|Company|Co\.?)[\s,]*)+",
                         re.IGNORECASE)


def _strip_roles(name: str) -> str:
    """'COMPANY: EMPLOYEE' -> '', 'US FOODS, INC. EMPLOYEE' -> 'US FOODS, INC.' (block labels)."""
    name = re.sub(r"^(?:[A-Za-z]+\s*:\s*)+", "", name).strip()
    words = name.split()
    while words and words[-1].lower().strip(".,:") in _ROLE_WORDS | {"witnesses", "witness"}:
        words.pop()
    return " ".join(words).strip(" ,;:")


def split_columns(name: str) -> list[str]:
    """'GIGGLES N' HUGS, INC. KIDDO, INC.' -> the two names; a name that ends at its legal
    form and goes on with more than another legal form is two blocks side by side."""
    pieces, pos = [], 0
    for m in _COLUMN_BREAK.finditer(name):
        rest = name[m.end():].strip(" ,")
        if not rest or _ONLY_FORMS.fullmatch(rest):
            break
        pieces.append(name[pos:m.end()].strip(" ,"))
        pos = m.end()
    pieces.append(name[pos:].strip(" ,"))
    return [p for p in pieces if p]


def signature_parties(text: str) -> list[str]:
    """Names printed above "By:" lines of signature blocks ("ACME INC.\\nBy: ____")."""
    lines = text.splitlines()
    names: list[str] = []
    for i, line in enumerate(lines):
        if not _SIG_BY.match(line):
            continue
        for j in range(i - 1, max(-1, i - 4), -1):
            cand = lines[j].strip().rstrip(":")
            if not cand or re.fullmatch(r"[_\s./s-]+", cand) or _SIGNED_LINE.match(cand):
                continue
            if re.search(r"IN WITNESS|WHEREOF|signature|executed|\bdate\b", cand, re.I):
                break
            for piece in split_columns(_strip_roles(clean_party_name(cand))):
                piece = _strip_roles(piece)
                if _plausible(piece) and (
                    _CORP_SUFFIX.search(piece) or piece.isupper()
                ) and piece.lower() not in (n.lower() for n in names):
                    names.append(piece)
            break
    return names


# What a party's name is not made of. A candidate whose every word is one of these is a
# label, a heading or a fragment of the sentence around a name ("and", "WHEREAS, Company",
# "Employer, Employee", "ACCEPTED AND AGREED", "PARTNERS, L.P."), not a proper name.
_FUNCTION_WORDS = {
    "and", "or", "the", "a", "an", "of", "each", "any", "to", "for", "on", "in", "by", "with",
    "between", "among", "this", "that", "its", "their", "such", "all", "both", "either",
    "other", "said", "which", "who", "shall", "mean", "means", "is", "are", "be", "may",
    "herein", "hereto", "hereinafter", "as", "at", "from", "our", "us", "we", "you", "your",
}
_BOILERPLATE_WORDS = {
    "whereas", "recital", "recitals", "witnesseth", "now", "therefore", "accepted", "agreed",
    "acknowledged", "acknowledgement", "authorized", "person", "signature", "signatures",
    "signed", "name", "title", "date", "section", "article", "exhibit", "schedule", "annex",
    "appendix", "page", "agreement", "contract", "confidential", "treatment", "requested",
    "individual", "first", "second", "third", "undersigned", "representative", "witness",
    "witnesses", "affiliate", "affiliates", "subsidiary", "subsidiaries", "entity", "entities",
}
# the labels contracts give their parties, beyond `_ROLE_WORDS` (plurals are read singular)
_LABEL_ROLES = _ROLE_WORDS | {
    "counterparty", "associate", "franchisee", "franchisor", "manufacturer", "shipper",
    "sponsor", "merchant", "member", "owner", "operator", "issuer", "guarantor", "trustee",
    "corporation", "firm",
}
_FORM_WORDS = {
    "inc", "incorporated", "corp", "corporation", "co", "ltd", "limited", "llc", "l l c", "lp",
    "l p", "llp", "plc", "gmbh", "ag", "sa", "s a", "nv", "n v", "bv", "b v", "pty", "partners",
    "partnership", "group", "holdings", "holding",
}
_PLACEHOLDER = re.compile(r"^(?:x{2,}|_+|\[.*\]|<<.*|«.*)$", re.IGNORECASE)
_HEADING_START = re.compile(r"^(?:section|article|exhibit|schedule|annex|appendix)\s*[\dIVX]",
                            re.IGNORECASE)
_TITLE_END = re.compile(r"\b(?:agreement|contract)$", re.IGNORECASE)
_WORD_CHARS = re.compile(r"[^\w&'’-]+")
_DOTTED_NAME = re.compile(r"\b[a-z][a-z0-9]*(?:\.[a-z][a-z0-9]*)+\b")


def _role_word(word: str) -> bool:
    """A role label ('Employee', 'Licensors', 'Counterparty')."""
    w = word.casefold().strip("'’-&")
    singular = w[:-3] + "y" if w.endswith("ies") else w[:-1] if w.endswith("s") else w
    return w in _LABEL_ROLES or singular in _LABEL_ROLES


def _label_word(word: str) -> bool:
    """A word that is a connector, boilerplate, a legal form or a role label."""
    w = word.casefold().strip("'’-&")
    if not w:
        return True
    return (w in _FUNCTION_WORDS or w in _BOILERPLATE_WORDS or w in _FORM_WORDS
            or _role_word(w))


def _name_words(name: str) -> list[str] | None:
    """A candidate's words, or None where it is a placeholder, a heading or a title."""
    s = name.strip(" \t,.;:\"'“”‘’*()")
    if not s or _PLACEHOLDER.match(s) or _HEADING_START.match(s) or _TITLE_END.search(s):
        return None
    # "L.P." and "S.A." are one word each
    return [w for w in _WORD_CHARS.split(re.sub(r"\b([A-Za-z])\.(?=[A-Za-z]\.)", r"\1", s))
            if w]


def party_like(name: str) -> bool:
    """Whether a candidate reads as a party's proper name: at least one capitalised word
    (or one with a digit) that is not a connector, recital or signature-block boilerplate,
    a role label or a legal form, and neither a placeholder, a heading nor a title.
    'Acme Inc.', 'Jane Roe', '3M Company' are; 'and', 'WHEREAS, Company', 'Employer,
    Employee', 'PARTNERS, L.P.', 'Section 2. Returning Company', 'XXXX' are not."""
    words = _name_words(name)
    if not words:
        return False
    # a lower-case name counts where a legal form says it is a company ("zenlo.io, inc.")
    # or it is written as a web address is ("zenlo.io", "e.l.f.")
    lower_ok = bool(_CORP_SUFFIX_I.search(name) or _DOTTED_NAME.search(name))
    return any(not _label_word(w) and not re.fullmatch(r"[A-Za-z]", w)
               and (lower_ok or w[:1].isupper() or any(c.isdigit() for c in w)) for w in words)
