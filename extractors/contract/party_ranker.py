"""Learned choice of a contract's parties among every name its preamble and signatures offer.

The preamble grammar of `parties` returns one reading of the "between A and B" sentence and
drops whatever it finds implausible; on real filings that loses a party whenever a name
starts in lower case, an address wraps the sentence, a defined-term label sits elsewhere or
a third party (a guarantor, an affiliate) follows. Here the same grammar proposes every
piece of the first few preamble sentences without vetoes, every name defined right before a
quoted label ("Acme Inc. (the "Company")") and every name over a signature line, grouped
by name; one gradient-boosting model scores each group from general evidence (where it was
found, corporate suffix, capitalisation, how often the name recurs, whether a label defines
it, whether the grammar itself kept it) and every group above a cross-validated threshold
is reported, near-duplicates collapsed. The model is rebuilt from TRAIN by
`python -m training.contract_parties`; nothing here names a document.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractors.contract import parties as P
from extractors.scorer import CandidateScorer
from modelfile import load_shipped

MODEL_PATH = Path(__file__).parent / "model" / "party_ranker.joblib"
CONF_FLOOR, CONF_CEIL = 0.02, 0.95
HEAD_CHARS = 6000  # the preamble is in the first pages
ALIAS_CHARS = 4000  # names defined by a quoted label this early are parties, or near it
TAIL_PAGES = 4  # signature blocks sit on the last pages
MAX_SENTENCES = 4  # preamble-like sentences read (a cover page may hold the first)
MAX_PARTIES = 12  # joint filing agreements list many; more is a parse running away
SIMILAR = 90.0  # token-set similarity at which two names are one party (the scorer's rule)
MAX_EXTRA_WORDS = 2  # a fuller spelling of a chosen name adds a first name or an initial
SWAP_MARGIN = 0.1  # ... and is taken only when scored nearly as high as the shorter one
# a name that ends in its legal form is complete: no fuller spelling replaces it
_COMPLETE_LEGAL_NAME = re.compile(P._CORP_SUFFIX.pattern + r"[\s.,]*$", re.IGNORECASE)

# "pre": a piece of a preamble sentence; "alias": the name before a quoted label; "sig": a
# name over a signature line; "corp": a name with a legal-form suffix near the top; "coll":
# the phrase that defines the parties' collective term ('individually a "Party" and
# collectively the "Parties"'), which CUAD's Parties answer lists as one of its items in
# most contracts that have one (85 of the 111 TRAIN contracts with such a phrase). It is
# not a name: it never counts towards the two parties a contract has at least, and it is
# told apart from names when near-duplicates collapse.
KINDS = ("pre", "alias", "sig", "corp", "coll", "signer")
COLLECTIVE = "coll"
_Q = "\"“”'"
# a word that introduces the collective term, then the quoted "Party"/"Parties" (twice at
# most: 'each a "Party" and together the "Parties"')
_COLLECTIVE = re.compile(
    r"\b(?:each|individually|collectively|together|jointly|both|separately|singularly|"
    r"generically)\b[^()]{0,120}?[" + _Q + r"]\s*part(?:y|ies)\s*[,.]?[" + _Q + r"]",
    re.IGNORECASE)
_COLLECTIVE_MORE = re.compile(r"[^()]{0,60}?[" + _Q + r"]\s*part(?:y|ies)\s*[,.]?[" + _Q + "]",
                              re.IGNORECASE)
# where a clause that ends in the collective term begins ("Apollo and Establishment shall
# hereinafter be referred to as ...")
_CLAUSE_START = re.compile(r"[.;:]\s+(?=[A-Z(“\"])|\)\s*|\(\s*")
COLLECTIVE_LOOKBACK = 200
# "signer": a person's name typed after "/s/" on the last pages. An individual who is a
# party (the employee of an employment NDA, a consultant) signs so, and so does a company's
# officer: what stands before ("By:") and after (an officer's title) tells them apart.
SIGNER_CHARS = 6000
# a person's name: [initial] first [initial] last [suffix] ("L. Kevin Kelly", "Kenneth M.
# Bate", "DOUGLAS H. MILLER"); nothing after it, so the printed name of the next signer
# that may follow on the same line is not glued on
_SIGNER = re.compile(r"/s/\s*((?:[A-Z]\.\s*)?[A-Z][A-Za-z'’-]+(?:\s+[A-Z]\.)?\s+[A-Z][A-Za-z'’-]+"
                     r"(?:,?\s+(?:Jr|Sr|II|III|IV)\b\.?)?)")
_SIGNER_STOP = re.compile(r"\s+(?:Name|Title|By|Date|Its|Print(?:ed)?|Signature|Address|"
                          r"EMPLOYEE|EXECUTIVE|COMPANY|President|Chief|Chairman|Director|"
                          r"Secretary|Treasurer|Manager|Partner|Vice|CEO|CFO|COO|General)\b.*$")
_BY_BEFORE = re.compile(r"\bBy\s*:?\s*$", re.IGNORECASE)
_OFFICER_AFTER = re.compile(
    r"\b(?:president|chief|officer|director|secretary|treasurer|chairman|manager|partner|"
    r"counsel|vice|ceo|cfo|coo|general|authorized|member|trustee|executive\s+vice)\b",
    re.IGNORECASE)
_ALIAS = re.compile(
    r"\(\s*(?:the\s+|hereinafter\s+(?:referred\s+to\s+as\s+|called\s+)?(?:the\s+)?)?"
    r"[\"“][^\"”“]{1,40}[\"”]",
    re.IGNORECASE,
)
# where the name before a quoted label begins: a joining word or a sentence end (a full
# stop after a word of two letters or more: "Jane Q. Smith" keeps its initial)
_ALIAS_LEFT = re.compile(r"\b(?:between|among|and|by|with)\b\s+|(?<=\w\w)\.\s|[;:]\s")
# words that end a page footer or a form line glued to a name, not a company's name
_JUNK_TAIL = re.compile(r"\b(?:page|date|source|name|title|by|exhibit|section|article)\b[\s\d:./-]*$",
                        re.IGNORECASE)
# a capitalised name ending in a legal-form suffix, anywhere near the top: parties a
# sentence grammar misses (lists, cover pages, "A and B hereby agree") still carry one
_CORP_NAME = re.compile(
    r"(?<![\w&.-])((?:(?:[A-Z0-9][\w&'’.-]*|of|and|de|du|la|&)\s+){0,7}?[A-Z0-9][\w&'’.-]*,?\s+"
    r"(?:Inc|Incorporated|Corp|Corporation|Co|Company|Ltd|Limited|LLC|L\.L\.C|LP|L\.P|LLP|PLC|"
    r"plc|GmbH|AG|S\.A|SA|N\.V|B\.V|AB|Pty|S\.p\.A|S\.r\.l|Tbk|KK|K\.K)\b\.?)")
# signature-block words a suffixed-name match may start with when lines run together
# ("Title: President Northwind Traders LLC")
_OFFICER_LEAD = re.compile(
    r"^(?:(?:by|name|title|its|date|president|vice|chief|executive|financial|operating|"
    r"officer|ceo|cfo|coo|secretary|treasurer|director|manager|attest|witness|signature)"
    r"\b[:,.]?\s+)+", re.IGNORECASE)
# lower-case joining words a suffixed-name match may start with ("a subsidiary of Dynamex
# Inc.": the name is "Dynamex Inc.")
_CONNECTOR_LEAD = re.compile(r"^(?:(?:of|and|de|du|la|&)\s+)+")
_SENTENCE_END = re.compile(r"(?<=[a-z]{3})\.\s+")
# where the text about one party ends and the next party (or the sentence) begins, outside
# parentheses: a joining "and", a semicolon, a sentence end
_LABEL_STOP = re.compile(r"\s(?:and|AND|And)\s|;|\.\s+(?=[A-Z])")
_QUOTED = re.compile(r"[\"“]([^\"“”]{1,40})[\"”]")
_LABEL_LEAD = re.compile(r"^(?:[a-z0-9]\s+)*(?:the\s+)?")
LABEL_WINDOW = 250  # a descriptor and its labels follow a name within this many characters
_KEY = re.compile(r"[^0-9a-z]+")


@dataclass(slots=True)
class Mention:
    """One place that proposes a party name: which finder, where, in which order."""

    kind: str  # one of KINDS
    name: str
    start: int  # offset in the flat text (-1: signature block, located by the name)
    sentence: int  # which preamble sentence (0 = first); 0 for the other kinds
    index: int  # order within its sentence or signature list


@dataclass(slots=True)
class PartyGroup:
    """A name and every mention of it, with the short labels the text defines for it
    (`labels`: 'Acme Tools, Inc. (the "Acme")' -> {"acme"}, as `label_key`s)."""

    key: str
    name: str
    mentions: list[Mention]
    labels: frozenset[str] = frozenset()

    @property
    def first_start(self) -> int:
        starts = [m.start for m in self.mentions if m.start >= 0]
        return min(starts) if starts else -1


def name_key(name: str) -> str:
    return _KEY.sub(" ", name.casefold()).strip()


def label_key(name: str) -> str:
    """A name as a defined label is compared: without an article or a list letter in
    front ("A. The Company" and "the Company" are the label "Company")."""
    return _LABEL_LEAD.sub("", name_key(name))


def defined_labels(flat: str, start: int, name: str) -> frozenset[str]:
    """The quoted labels a name's own parentheticals (or a "hereinafter" phrase) define
    right after it, before the next party begins: 'Acme Inc., a Delaware corporation
    (the "Company" or "Acme")' -> {"company", "acme"}."""
    if start < 0:
        return frozenset()
    after = flat[start + len(name): start + len(name) + LABEL_WINDOW]
    stop = _LABEL_STOP.search(P._mask_parentheticals(after))
    window = after[: stop.start()] if stop else after
    return frozenset(k for q in _QUOTED.findall(window) if (k := label_key(q)))


def mentions(flat: str, signature_names: list[str]) -> list[Mention]:
    """Every party-name proposal of a contract; `signature_names` are the names over its
    signature lines (`parties.signature_parties` of its last `TAIL_PAGES` pages, which
    `extract_contract_raw` reads once for both the grammar and this selector)."""
    head = re.sub(r"-{3,}", lambda d: " " * len(d.group(0)), flat[:HEAD_CHARS])
    out: list[Mention] = []
    for k, m in enumerate(P._START.finditer(head)):
        if k >= MAX_SENTENCES:
            break
        s = m.end()
        e = P._stop(head, s + 3, min(len(head), s + 700))
        seg = P._strip_parentheticals(re.sub(r"\s*[-_]{3,}\s*", " ", head[s:e]))
        seg = re.sub(r"[\"“”][^\"“”]{0,40}[\"“”]", " ", seg)
        seg = re.sub(r"\s+", " ", seg).strip()
        for i, piece in enumerate(P._merge_and_names(seg)):
            name = P.clean_party_name(piece)
            subs = [x.strip() for x in P._COMMA_SPLIT.split(name) if x.strip(" ,")]
            names = [name] + ([P.clean_party_name(x) for x in subs] if len(subs) > 1 else [])
            for n in names:
                n = P.split_columns(n)[0] if n else n
                if n:
                    at = flat.find(n, s)
                    out.append(Mention("pre", n, at if 0 <= at < e + 50 else s, k, i))
    for j, m in enumerate(_ALIAS.finditer(head[:ALIAS_CHARS])):
        before = head[max(0, m.start() - 200): m.start()]
        piece = _ALIAS_LEFT.split(before)[-1]
        name = P.clean_party_name(piece)
        name = P.split_columns(name)[0] if name else name
        if name:
            out.append(Mention("alias", name, max(0, m.start() - len(piece)), 0, j))
    for i, name in enumerate(signature_names):
        out.append(Mention("sig", name, -1, 0, i))
    out.extend(collective_mentions(head[:ALIAS_CHARS]))
    out.extend(signer_mentions(flat))
    for j, m in enumerate(_CORP_NAME.finditer(head)):
        # a match may run back over a sentence end ("... this Agreement. ACME INC.")
        text = _SENTENCE_END.split(m.group(1))[-1]
        name = _CONNECTOR_LEAD.sub("", _OFFICER_LEAD.sub("", P.clean_party_name(text)))
        if name:
            out.append(Mention("corp", name, m.end(1) - len(text), 0, j))
    # a label, a heading or a piece of the sentence around a name is no party's name; a
    # role label stays where the text defines it in quotes ('Ingram Micro ("Distributor")':
    # CUAD lists such labels, and a template with a blank name has nothing else)
    defined = {label_key(q) for q in _QUOTED.findall(head[:ALIAS_CHARS])}
    return [m for m in out if m.kind == COLLECTIVE or P.party_like(m.name)
            or label_key(m.name) in defined]


def collective_mentions(head: str) -> list[Mention]:
    """The first collective-term phrase of the preamble, as two readings: the phrase alone
    ('individually a "Party" and collectively the "Parties"') and with what leads up to it
    (the whole parenthetical, or the clause from its start: 'A and B are referred to ...')."""
    m = _COLLECTIVE.search(head)
    if not m:
        return []
    s, e = m.start(), m.end()
    more = _COLLECTIVE_MORE.match(head, e)
    if more:
        e = more.end()
    readings = [(s, e)]
    lo = max(0, s - COLLECTIVE_LOOKBACK)
    opened, closed = head.rfind("(", lo, s), head.rfind(")", lo, s)
    if opened > closed:
        end = head.find(")", e)
        readings.append((opened, end + 1 if 0 <= end < e + 80 else e))
    else:
        starts = [x.end() for x in _CLAUSE_START.finditer(head, lo, s)]
        readings.append((starts[-1] if starts else lo, e))
    out = []
    for i, (a, b) in enumerate(readings):
        text = re.sub(r"\s+", " ", head[a:b]).strip()
        if text:
            out.append(Mention(COLLECTIVE, text, a, 0, i))
    return out


def signer_mentions(flat: str) -> list[Mention]:
    """Every name typed after "/s/" on the last pages, in order."""
    base = max(0, len(flat) - SIGNER_CHARS)
    out = []
    for i, m in enumerate(_SIGNER.finditer(flat, base)):
        name = _SIGNER_STOP.sub("", m.group(1)).strip(" ,.")
        if len(name.split()) >= 2:
            out.append(Mention("signer", name, m.start(1), 0, i))
    return out


def is_collective(g: PartyGroup) -> bool:
    return any(m.kind == COLLECTIVE for m in g.mentions)


def group(ms: list[Mention], flat: str = "") -> list[PartyGroup]:
    """Mentions grouped by name; with `flat`, each group's defined labels too."""
    by_key: dict[str, PartyGroup] = {}
    for m in ms:
        k = name_key(m.name)
        if not k:
            continue
        if k not in by_key:
            by_key[k] = PartyGroup(k, m.name, [])
        by_key[k].mentions.append(m)
    if flat:
        for g in by_key.values():
            g.labels = frozenset().union(*(defined_labels(flat, m.start, m.name)
                                           for m in g.mentions if m.kind != COLLECTIVE))
    return list(by_key.values())


def same_party(a: PartyGroup, b: PartyGroup) -> bool:
    """One names the other by a label the text defines for it ("Acme Inc." and "Acme",
    "the Company" or "ACME" when 'Acme Inc. (the "Company")' says so)."""
    return label_key(a.name) in b.labels or label_key(b.name) in a.labels


def features_all(groups: list[PartyGroup], flat: str, rule: list[str],
                 nda: bool = False) -> list[dict[str, float]]:
    """Evidence per group; keys are stable names of the model's vectoriser. `nda`: the
    contract is a confidentiality agreement (`DocContext.nda`): the kind of contract is what
    a reader sees of how its parties are written down (a commercial contract's list names
    the collective term, an NDA's list does not)."""
    from rapidfuzz import fuzz
    from rapidfuzz.utils import default_process

    low = flat.casefold()
    rule_keys = {name_key(r) for r in rule}
    keys = [g.key for g in groups]
    kinds_of = [{m.kind for m in g.mentions} for g in groups]
    # names other finders propose too, written differently ("ACME INC." over a signature
    # line, "Acme, Inc." in the preamble): agreement between finders is strong evidence
    similar: list[set[str]] = [set() for _ in groups]
    coll = [is_collective(g) for g in groups]
    for i in range(len(groups)):
        for j in range(i + 1, len(groups)):
            if coll[i] != coll[j]:
                continue
            if fuzz.token_set_ratio(keys[i], keys[j], processor=default_process) >= SIMILAR:
                similar[i] |= kinds_of[j]
                similar[j] |= kinds_of[i]
    n_flat = max(1, len(flat))
    head_low = flat[:HEAD_CHARS].casefold()
    out = []
    for gi, g in enumerate(groups):
        name = g.name
        words = name.split()
        kinds = {m.kind for m in g.mentions}
        pre = [m for m in g.mentions if m.kind == "pre"]
        start = g.first_start
        first_word = name_key(words[0]) if words else ""
        f: dict[str, float] = {
            "n_mentions": float(len(g.mentions)),
            "n_groups": float(len(groups)),
            "n_words": float(len(words)),
            "n_chars": float(len(name)),
            "corp": float(bool(P._CORP_SUFFIX.search(name))),
            "upper": float(name.isupper()),
            "lower_start": float(name[:1].islower()),
            "digit": float(bool(re.search(r"\d", name))),
            "plausible": float(P._plausible(name)),
            "role_word": float(name.casefold() in P._ROLE_WORDS),
            "the_start": float(name.casefold().startswith("the ")),
            "in_rule": float(g.key in rule_keys),
            "rel_start": start / n_flat if start >= 0 else -1.0,
            "log_start": math.log1p(start) if start >= 0 else -1.0,
            "recurs": float(min(30, low.count(first_word))) if len(first_word) > 2 else 0.0,
            "sub_of_other": float(any(k != g.key and g.key in k for k in keys)),
            "super_of_other": float(any(k != g.key and k in g.key for k in keys)),
            "caps_frac": sum(w[:1].isupper() for w in words) / max(1, len(words)),
        }
        for kind in KINDS:
            f[f"kind={kind}"] = float(kind in kinds)
            f[f"also={kind}"] = float(kind in similar[gi])
        f["junk_tail"] = float(bool(_JUNK_TAIL.search(name)))
        f["nda"] = float(nda)
        signed = [m for m in g.mentions if m.kind == "signer"]
        if signed:
            f["signer_by"] = float(any(_BY_BEFORE.search(flat[max(0, m.start - 12): m.start - 4])
                                       for m in signed))
            f["signer_officer"] = float(any(_OFFICER_AFTER.search(
                flat[m.start + len(m.name): m.start + len(m.name) + 80]) for m in signed))
            f["signer_index"] = float(min(m.index for m in signed))
            # a party who signs in person is named in the opening too ("Dear Ken", "I,
            # Hewes, Hap", "and Jane Roe ("Employee")"); a company's officer seldom is
            last = name_key(words[-1]) if words else ""
            f["signer_in_head"] = float(len(last) > 2 and last in head_low)
        if coll[gi]:
            f["coll_reading"] = float(min(m.index for m in g.mentions if m.kind == COLLECTIVE))
        if pre:
            f["sentence"] = float(min(m.sentence for m in pre))
            f["pre_index"] = float(min(m.index for m in pre))
        if start >= 0:
            after = flat[start + len(name): start + len(name) + 160]
            f["label_after"] = float(bool(_ALIAS.search(after)))
            f["descriptor_after"] = float(bool(re.match(
                r"\s*,?\s*(?:an?\s+[\w ]{0,40}?(?:corporation|company|partnership|limited|"
                r"individual|bank|association|entity|society)|organized|incorporated|existing)",
                after, re.IGNORECASE)))
        out.append(f)
    return out


@dataclass(slots=True)
class PartyChoice:
    names: list[str]
    groups: list[PartyGroup]
    probability: float  # calibrated: the whole list right


def select(groups: list[PartyGroup], scores: list[float], threshold: float,
           pair_threshold: float | None = None,
           collective_threshold: float | None = None) -> list[int]:
    """Indices of groups above `threshold`, best first, one per party (near-duplicates of a
    better-scored name dropped, as the scorer would count them once). A contract has two
    parties at least: the best two distinct names need only clear `pair_threshold`. A
    collective-term phrase has its own threshold: it has no near-duplicate among the names
    to lose against, so it pays at a score where a name does not."""
    from rapidfuzz import fuzz
    from rapidfuzz.utils import default_process

    low = threshold if pair_threshold is None else min(threshold, pair_threshold)
    order = sorted(range(len(groups)), key=lambda i: (-scores[i], i))
    chosen: list[int] = []
    coll = [is_collective(g) for g in groups]
    for i in order:
        names = sum(not coll[j] for j in chosen)
        need = (threshold if collective_threshold is None else collective_threshold) \
            if coll[i] else low if names < 2 else threshold
        if scores[i] < need or len(chosen) >= MAX_PARTIES:
            continue
        a = groups[i].key.replace(" and ", " ")
        same = next((k for k, j in enumerate(chosen) if coll[j] == coll[i] and
                     fuzz.token_set_ratio(a, groups[j].key, processor=default_process)
                     >= SIMILAR), None)
        alias = next((k for k, j in enumerate(chosen)
                      if not coll[j] and not coll[i] and same_party(groups[i], groups[j])),
                     None)
        if same is None and alias is not None:
            # a label and the name it stands for are one party: the name, not its label
            if label_key(groups[chosen[alias]].name) in groups[i].labels:
                chosen[alias] = i
            continue
        if same is None:
            chosen.append(i)
            continue
        # one party written twice: keep the fuller name ("Jane Q. Smith" over "Smith"),
        # not a longer one that joins another party ("Smith and Chen"), nor words around a
        # legal name that is complete ("Flexsteel Industries, Inc." over "EMPLOYEE
        # FLEXSTEEL INDUSTRIES, INC." or "The Hershey Company, a Delaware")
        shorter, longer = len(groups[chosen[same]].key.split()), len(a.split())
        if shorter < longer <= shorter + MAX_EXTRA_WORDS and \
                not _COMPLETE_LEGAL_NAME.search(groups[chosen[same]].name) and \
                scores[i] >= scores[chosen[same]] - SWAP_MARGIN:
            chosen[same] = i
    # a collective term alone names nobody
    return chosen if any(not coll[j] for j in chosen) else []


class PartyRanker(CandidateScorer):
    """The shipped model: vectoriser, classifier, thresholds and list calibration."""

    def __init__(self, bundle: dict[str, Any]) -> None:
        super().__init__(bundle)
        self.pair_threshold: float = bundle.get("pair_threshold", self.threshold)
        self.collective_threshold: float = bundle.get("collective_threshold", self.threshold)

    def choose(self, groups: list[PartyGroup], flat: str, rule: list[str],
               nda: bool = False) -> PartyChoice | None:
        scores = self.scores(features_all(groups, flat, rule, nda))
        idx = select(groups, scores, self.threshold, self.pair_threshold,
                     self.collective_threshold)
        if not idx:
            return None
        ordered = sorted(idx, key=lambda i: (is_collective(groups[i]), groups[i].first_start < 0,
                                             groups[i].first_start))
        return PartyChoice([groups[i].name for i in ordered], [groups[i] for i in ordered],
                           self.probability(min(scores[i] for i in idx), CONF_FLOOR, CONF_CEIL))



def load(path: Path = MODEL_PATH) -> PartyRanker | None:
    """The shipped party model; None when none is shipped (the grammar's list stands)."""
    bundle = load_shipped(path)
    return PartyRanker(bundle) if bundle else None
