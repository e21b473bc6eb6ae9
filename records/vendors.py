"""The vendor master: which known vendor an extracted name or tax id belongs to.

Tax ids match exactly (they are identifiers); names match fuzzily with rapidfuzz on
their normal form (legal suffixes and punctuation removed), because OCR and
vendors themselves vary the spelling: "KEDAI A.B.C. (PERAK)" and "KEDAI ABC PERAK".
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from records.models import Vendor

NAME_MATCH_MIN = 90  # name_similarity; below this two names are different vendors
_TAX_ID = re.compile(r"^[A-Z0-9]{6,}$")


def is_tax_id_key(key: str) -> bool:
    """`policies.vendor_key` gives tax ids upper-case without spaces, names lower-case."""
    return bool(_TAX_ID.match(key)) and any(c.isdigit() for c in key)


def name_similarity(a: str, b: str, **_: object) -> float:
    """Word order and spacing do not matter ("d i y" is "diy"); characters do."""
    return max(fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")), fuzz.token_sort_ratio(a, b))


def resolve_vendor(session: Session, key: str | None) -> Vendor | None:
    """The vendor-master entry for a vendor key, or None for a new vendor."""
    if not key:
        return None
    vendor = session.scalar(select(Vendor).where(Vendor.key == key))
    if vendor is not None or is_tax_id_key(key):
        return vendor
    names = {
        vid: vkey for vid, vkey in session.execute(select(Vendor.id, Vendor.key))
        if not is_tax_id_key(vkey)
    }
    best = process.extractOne(key, names, scorer=name_similarity,
                              score_cutoff=NAME_MATCH_MIN)
    return session.get(Vendor, best[2]) if best else None


def canonical_key(session: Session, key: str | None) -> str | None:
    """The key under which this vendor's records are filed."""
    vendor = resolve_vendor(session, key)
    return vendor.key if vendor is not None else key
