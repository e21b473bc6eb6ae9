"""Normal forms used to match a document against earlier ones.

Vendors are matched on their tax id when one was extracted (exact, robust to formatting),
else on a casefolded name stripped of legal suffixes and punctuation, so that
"ACME Corp." and "Acme Corporation" meet and rapidfuzz can compare what remains (that
normal form is the vendor master's, `records.vendors.normalize_vendor_name`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from extractors.types import Field
from records.vendors import normalize_vendor_name  # the vendor master's normal form


def normalize_tax_id(tax_id: str) -> str:
    """Upper-case alphanumerics only: `"DE 123.456.789"` -> `"DE123456789"`."""
    return re.sub(r"[^0-9A-Za-z]", "", tax_id).upper()


def normalize_invoice_number(number: str) -> str:
    """Casefold, strip leading zeros of each digit run, then drop spaces, `#` and separators.

    `"INV-# 000123"`, `"inv 123"` and `"INV/0123"` become `"inv123"` because vendors reprint
    numbers with different padding and punctuation; zeros go first so that `"2024-001"` and
    `"2024-1"` agree.
    """
    text = str(number).casefold().strip()
    text = re.sub(r"^(?:no|nr|n°|number)(?:[.:]|\s)+", "", text)
    text = re.sub(r"(?<![0-9])0+(?=[0-9])", "", text)
    return re.sub(r"[\s#\-_/.,:]", "", text)


def normalize_iban(iban: str) -> str:
    return re.sub(r"\s", "", str(iban)).upper()


def field_value(fields: Mapping[str, Field], name: str) -> Any:
    """The normalized value of a field, falling back to the raw value; None if absent."""
    f = fields.get(name)
    if f is None:
        return None
    value = f.normalized if f.normalized not in (None, "") else f.value
    if isinstance(value, str) and not value.strip():
        return None
    return value


def vendor_keys(fields: Mapping[str, Field]) -> list[str]:
    """Every key the vendor may be filed under, best first: the tax id's, then the name's
    (a vendor first filed by name is still found when a later document shows its tax id)."""
    keys = []
    first = vendor_key(fields)
    if first:
        keys.append(first)
    name_only = vendor_key({k: v for k, v in fields.items() if k != "vendor_tax_id"})
    if name_only and name_only not in keys:
        keys.append(name_only)
    return keys


def vendor_key(fields: Mapping[str, Field]) -> str | None:
    """The normalized tax id (upper-case, e.g. `DE123456789`), else the normalized vendor
    name (lower-case words, e.g. `acme widgets`), else None. The two forms cannot collide
    in practice (case differs), so a database can keep one column."""
    tax = field_value(fields, "vendor_tax_id")
    if tax:
        norm = normalize_tax_id(str(tax))
        if len(norm) >= 5:
            return norm
    name = field_value(fields, "vendor_name")
    if name:
        norm = normalize_vendor_name(str(name))
        if norm:
            return norm
    return None


def name_similarity(a: str, b: str) -> float:
    """0-100 similarity of two normalised vendor names; word order and spacing do not
    matter ("d i y" is "diy"), characters do (the vendor master's measure)."""
    return max(fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")), fuzz.token_sort_ratio(a, b))


def same_vendor(a_key: str | None, a_name: str | None, a_iban: str | None,
                b_key: str | None, b_name: str | None, b_iban: str | None,
                min_similarity: float) -> str | None:
    """Why two vendors are the same one ("key", "iban", "name"), or None.

    Keys are tax ids when one was read, else normalised names; an IBAN shared by two
    vendor names is the same payee whatever the name says."""
    if a_key and b_key and a_key == b_key:
        return "key"
    if a_iban and b_iban and normalize_iban(a_iban) == normalize_iban(b_iban):
        return "iban"
    names_a = [normalize_vendor_name(x) for x in (a_name,) if x]
    names_b = [normalize_vendor_name(x) for x in (b_name,) if x]
    if a_key and a_key.islower():
        names_a.append(a_key)
    if b_key and b_key.islower():
        names_b.append(b_key)
    for x in names_a:
        for y in names_b:
            if x and y and name_similarity(x, y) >= min_similarity:
                return "name"
    return None


def numbers_related(a: str, b: str, max_edits: int, min_length: int) -> str | None:
    """How two invoice numbers are the same one reprinted ("equal", "edit", "affix"), or
    None. Both are compared in `normalize_invoice_number` form; numbers shorter than
    `min_length` only match when equal (a one-edit rule would tie "12" to "13")."""
    x, y = normalize_invoice_number(a), normalize_invoice_number(b)
    if not x or not y:
        return None
    if x == y:
        return "equal"
    if min(len(x), len(y)) < min_length:
        return None
    if Levenshtein.distance(x, y, score_cutoff=max_edits) <= max_edits:
        return "edit"
    short, long_ = sorted((x, y), key=len)
    if long_.startswith(short) or long_.endswith(short):
        return "affix"
    return None
