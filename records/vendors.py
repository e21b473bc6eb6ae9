"""The vendor master: which known vendor an extracted name or tax id belongs to.

Tax ids match exactly (they are identifiers), up to the characters OCR reads for one
another ("0O0181747712" is "000181747712"); names match fuzzily with rapidfuzz on their
normal form (legal suffixes and punctuation removed), because OCR and vendors
themselves vary the spelling: "KEDAI A.B.C. (PERAK)" and "KEDAI ABC PERAK". A name is
compared with every known vendor's key and recorded name, so a vendor first filed under
its tax id is still found by name on a receipt whose tax id was not read, and letters
OCR confuses count as the same ("MR. O.I.Y." is "MR. D.I.Y.").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from records.models import Vendor

NAME_MATCH_MIN = 90  # name_similarity; below this two names are different vendors
_TAX_ID = re.compile(r"^[A-Z0-9]{6,}$")
# Characters OCR reads for one another on printed letterheads, folded to one before two
# names are compared (names are lower-case, `normalize_vendor_name`)...
_NAME_FOLD = str.maketrans({"0": "o", "d": "o", "q": "o", "1": "i", "l": "i", "5": "s",
                            "8": "b"})
# ... and before two identifiers are (upper-case, digits mostly).
_ID_FOLD = str.maketrans({"O": "0", "D": "0", "Q": "0", "I": "1", "L": "1", "S": "5",
                          "B": "8", "Z": "2"})
# Legal-form suffixes that vary between documents of one vendor.
_LEGAL_SUFFIXES = {
    "inc", "incorporated", "corp", "corporation", "co", "company", "llc", "llp", "lp", "ltd",
    "limited", "plc", "pvt", "private", "gmbh", "mbh", "ag", "kg", "ohg", "ug", "sa", "sas",
    "sarl", "sl", "srl", "spa", "bv", "nv", "oy", "ab", "as", "aps", "kft", "sp",
    "pte", "pty", "bhd", "sdn", "kk", "the",
}


def _strip_accents(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    )


def normalize_vendor_name(name: str) -> str:
    """`"ACME Corp., Inc."` -> `"acme"`: casefolded words without legal suffixes."""
    text = _strip_accents(name).casefold().replace("&", " and ")
    words = re.findall(r"[a-z0-9]+", text)
    kept = [w for w in words if w not in _LEGAL_SUFFIXES]
    return " ".join(kept or words)


def is_tax_id_key(key: str) -> bool:
    """`policies.vendor_key` gives tax ids upper-case without spaces, names lower-case."""
    return bool(_TAX_ID.match(key)) and any(c.isdigit() for c in key)


def name_similarity(a: str, b: str, **_: object) -> float:
    """Word order and spacing do not matter ("d i y" is "diy"); characters do."""
    return max(fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")), fuzz.token_sort_ratio(a, b))


def ocr_name_similarity(a: str, b: str) -> float:
    """`name_similarity`, with the letters OCR confuses counted as the same."""
    return max(name_similarity(a, b),
               name_similarity(a.translate(_NAME_FOLD), b.translate(_NAME_FOLD)))


def same_tax_id(a: str, b: str) -> bool:
    """Two tax-id keys of one vendor: equal once OCR's confusions are folded."""
    return a.upper().translate(_ID_FOLD) == b.upper().translate(_ID_FOLD)


@dataclass(frozen=True, slots=True)
class KnownVendor:
    """What the matching reads of one vendor-master entry."""

    ident: Hashable  # the row's id (or any handle the caller maps back)
    key: str
    name: str | None = None
    tax_id: str | None = None

    def names(self) -> list[str]:
        """The normalised names it may be found by: its key when that is a name, and
        its recorded name (the approved document's, corrected where it was corrected)."""
        out = [] if is_tax_id_key(self.key) else [self.key]
        if self.name and (n := normalize_vendor_name(self.name)) and n not in out:
            out.append(n)
        return out

    def tax_ids(self) -> list[str]:
        return [t for t in (self.key, re.sub(r"[^0-9A-Za-z]", "", self.tax_id or "").upper())
                if t and is_tax_id_key(t)]


def match_vendor(key: str | None, known: Iterable[KnownVendor], *, strict: bool = False
                 ) -> KnownVendor | None:
    """The entry a vendor key belongs to: the same key; a tax id equal up to OCR's
    confusions; else, for a name, the entry whose key or recorded name is most similar
    (`ocr_name_similarity` >= NAME_MATCH_MIN). None for a new vendor. `strict` (a
    control deciding whether a vendor is new): tax ids exactly and names without OCR's
    letter folds, so a look-alike ("MR. O.I.Y.", a tax id with an S for a 5) stays new."""
    if not key:
        return None
    entries = list(known)
    for v in entries:
        if v.key == key:
            return v
    if is_tax_id_key(key):
        same = (lambda a, b: a == b) if strict else same_tax_id
        return next((v for v in entries if any(same(key, t) for t in v.tax_ids())), None)
    similarity = name_similarity if strict else ocr_name_similarity
    best: tuple[float, KnownVendor] | None = None
    for v in entries:
        for name in v.names():
            score = similarity(key, name)
            if score >= NAME_MATCH_MIN and (best is None or score > best[0]):
                best = (score, v)
    return best[1] if best else None


def match_keys(keys: Sequence[str], known: Iterable[KnownVendor]) -> KnownVendor | None:
    """The entry for a document's vendor keys, tax id first, then the name
    (`policies.vendor_keys`): the first key that finds one. A vendor known by name is
    found by the name of a document whose tax id is new to the master, unless it has
    another tax id on record (a sister company's letterhead: another vendor)."""
    entries = list(known)
    tax = next((k for k in keys if k and is_tax_id_key(k)), None)
    for key in keys:
        found = match_vendor(key, entries)
        if found is None:
            continue
        if tax and not is_tax_id_key(key) and any(
                not same_tax_id(tax, t) for t in found.tax_ids()):
            continue
        return found
    return None


def _known(session: Session) -> list[KnownVendor]:
    return [KnownVendor(vid, vkey, vname, vtax) for vid, vkey, vname, vtax in
            session.execute(select(Vendor.id, Vendor.key, Vendor.name, Vendor.tax_id))]


def resolve_vendor_keys(session: Session, keys: Sequence[str]) -> Vendor | None:
    """The vendor-master entry for a document's vendor keys (`match_keys`), or None."""
    keys = [k for k in keys if k]
    if not keys:
        return None
    vendor = session.scalar(select(Vendor).where(Vendor.key == keys[0]))
    if vendor is not None:
        return vendor
    found = match_keys(keys, _known(session))
    return session.get(Vendor, found.ident) if found is not None else None


def resolve_vendor(session: Session, key: str | None, *, strict: bool = False
                   ) -> Vendor | None:
    """The vendor-master entry for a vendor key, or None for a new vendor (`strict`:
    see `match_vendor`)."""
    if not key:
        return None
    vendor = session.scalar(select(Vendor).where(Vendor.key == key))
    if vendor is not None:
        return vendor
    found = match_vendor(key, _known(session), strict=strict)
    return session.get(Vendor, found.ident) if found is not None else None


def canonical_key(session: Session, key: str | None) -> str | None:
    """The key under which this vendor's records are filed."""
    vendor = resolve_vendor(session, key)
    return vendor.key if vendor is not None else key
