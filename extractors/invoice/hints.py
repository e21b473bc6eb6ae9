"""Per-vendor hints learned from reviewers' corrections.

A reviewer who fixes "invoice_number" on an ACME invoice tells us where ACME prints it:
the label beside it and its place on the page. `VendorHints.learn` records both; on the
next ACME document `apply` looks for a value next to that label (or, failing that, in that
region) and lets it win over the generic models. Stored as plain JSON by the lead.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from rapidfuzz import fuzz

from extractors.invoice.candidates import norm_label
from extractors.invoice.layout import PageLayout, build_rows, union
from extractors.normalize import normalize_date, normalize_iban, normalize_money
from extractors.types import Field
from ingest.types import IngestedDocument

MONEY = {"subtotal", "tax_amount", "total_amount"}
DATES = {"invoice_date", "due_date"}


def vendor_key(name: str | None = None, tax_id: str | None = None) -> str | None:
    """Stable key for a vendor: its tax id when known, else its name without punctuation."""
    if tax_id:
        return "tax:" + re.sub(r"[^A-Z0-9]", "", tax_id.upper())
    if name:
        k = re.sub(r"[^a-z0-9]", "", name.lower())
        return ("name:" + k) if k else None
    return None


def normalize_for(field_name: str, text: str, day_first: bool | None = None) -> str | None:
    """Normal form of a text for a field (None when the text is not a valid value)."""
    if field_name in MONEY:
        return normalize_money(text)
    if field_name in DATES:
        return normalize_date(text, day_first=day_first)
    if field_name == "iban":
        return normalize_iban(text)
    t = re.sub(r"\s+", " ", text).strip()
    return t or None


def _same(field_name: str, a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return False
    if field_name in MONEY or field_name in DATES or field_name == "iban":
        return a == b
    x, y = re.sub(r"\W", "", a.lower()), re.sub(r"\W", "", b.lower())
    return bool(x) and (x == y or fuzz.ratio(x, y) >= 92)


@dataclass
class Hint:
    page: int
    rel_box: tuple[float, float, float, float]
    label: str
    n_words: int
    count: int = 1


def _find_span(lays: list[PageLayout], field_name: str, value: str,
               normalized: str | None) -> tuple[PageLayout, int, int, int] | None:
    """(layout, row index, start, end) of the words showing `value`."""
    for lay in lays:
        for row in lay.rows:
            n = len(row.words)
            for k in range(1, min(12, n) + 1):
                for s in range(0, n - k + 1):
                    t = " ".join(w.text for w in row.words[s:s + k])
                    if _same(field_name, normalize_for(field_name, t), normalized):
                        return lay, row.index, s, s + k
    return None


def locate_value(doc: IngestedDocument, field_name: str,
                 value: str) -> tuple[int, tuple[float, float, float, float]] | None:
    """(page number, box) of the words on the page that show `value` (compared in the
    field's normal form: "1.190,00" finds "1,190.00"), or None when the page does not
    show it. Used so a corrected field's box points at the corrected value."""
    text = str(value)
    found = _find_span([build_rows(p) for p in doc.pages], field_name, text,
                       normalize_for(field_name, text))
    if not found:
        return None
    lay, r, s, e = found
    return lay.page.number, union([w.bbox for w in lay.rows[r].words[s:e]])


class VendorHints:
    """Learned positions/labels of fields per vendor; JSON-serialisable."""

    def __init__(self, data: dict[str, dict[str, list[dict[str, Any]]]] | None = None) -> None:
        self.data: dict[str, dict[str, list[dict[str, Any]]]] = data or {}

    # -- persistence ------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {"version": 1, "vendors": self.data}

    @classmethod
    def from_json(cls, obj: dict[str, Any] | None) -> VendorHints:
        return cls(dict((obj or {}).get("vendors") or {}))

    def __contains__(self, key: object) -> bool:
        return key in self.data

    # -- learning ---------------------------------------------------------------------
    def learn(self, doc: IngestedDocument, field_name: str, corrected_value: str,
              vendor: str | None = None) -> bool:
        """Record where `corrected_value` of `field_name` sits in `doc`.

        `vendor` is a key from `vendor_key` (default: from the document's own vendor
        name/tax id as extracted). Returns False when the value is not on the page (nothing
        learned: a hint must point at evidence).
        """
        lays = [build_rows(p) for p in doc.pages]
        if vendor is None:
            from extractors.invoice import extract_invoice

            got = extract_invoice(doc)
            keys = self.keys_for(got)
            vendor = keys[0] if keys else None
        if vendor is None:
            return False
        if field_name == "vendor_name":
            return False  # the key itself; nothing positional to learn
        norm = normalize_for(field_name, corrected_value)
        found = _find_span(lays, field_name, corrected_value, norm)
        if not found:
            return False
        lay, r, s, e = found
        row = lay.rows[r]
        W, H = max(1.0, lay.page.width), max(1.0, lay.page.height)
        b = union([w.bbox for w in row.words[s:e]])
        label = " ".join(w.text for w in row.words[max(0, s - 3):s])
        if not re.search(r"[A-Za-z]{2}", label) and r > 0:
            above = [sg for sg in lay.rows[r - 1].segments
                     if min(sg.bbox[2], b[2]) - max(sg.bbox[0], b[0]) > 0]
            label = above[0].text if above else ""
        hint = Hint(lay.number, (b[0] / W, b[1] / H, b[2] / W, b[3] / H), norm_label(label),
                    e - s)
        lst = self.data.setdefault(vendor, {}).setdefault(field_name, [])
        for h in lst:
            if h["label"] == hint.label and abs(h["rel_box"][1] - hint.rel_box[1]) < 0.03:
                h["count"] += 1
                return True
        lst.append(asdict(hint))
        return True

    @staticmethod
    def keys_for(fields: dict[str, Field]) -> list[str]:
        keys = []
        if "vendor_tax_id" in fields:
            k = vendor_key(tax_id=str(fields["vendor_tax_id"].normalized))
            if k:
                keys.append(k)
        if "vendor_name" in fields:
            k = vendor_key(name=str(fields["vendor_name"].value))
            if k:
                keys.append(k)
        return keys

    # -- applying ---------------------------------------------------------------------
    def apply(self, lays: list[PageLayout], fields: dict[str, Field],
              day_first: bool | None = None) -> dict[str, Field]:
        """Fields found where this vendor's hints point; they override generic results."""
        out: dict[str, Field] = {}
        entry = None
        for k in self.keys_for(fields):
            if k in self.data:
                entry = self.data[k]
                break
        if not entry:
            return out
        for field_name, hints in entry.items():
            for h in sorted(hints, key=lambda h: -h["count"]):
                f = self._apply_one(lays, field_name, h, day_first)
                if f is not None:
                    out[field_name] = f
                    break
        return out

    def _apply_one(self, lays: list[PageLayout], field_name: str, h: dict[str, Any],
                   day_first: bool | None) -> Field | None:
        n = int(h["n_words"])
        rel = h["rel_box"]
        best: tuple[float, Field] | None = None
        for lay in lays:
            W, H = max(1.0, lay.page.width), max(1.0, lay.page.height)
            for row in lay.rows:
                for s in range(0, len(row.words) - n + 1):
                    ws = row.words[s:s + n]
                    text = " ".join(w.text for w in ws)
                    norm = normalize_for(field_name, text, day_first)
                    if norm is None:
                        continue
                    b = union([w.bbox for w in ws])
                    dy = abs(b[1] / H - rel[1])
                    dx = abs(b[0] / W - rel[0])
                    lab = norm_label(" ".join(w.text for w in row.words[max(0, s - 3):s]))
                    ls = fuzz.ratio(lab, h["label"]) / 100 if h["label"] else 0.0
                    if ls < 0.8 and (dx > 0.06 or dy > 0.04):
                        continue
                    score = ls + (1 - min(1.0, 10 * (dx + dy))) + (0.2 if lay.number == h["page"]
                                                                   else 0)
                    if best is None or score > best[0]:
                        conf = 0.9 if ls >= 0.8 else 0.75
                        best = (score, Field(text, norm, conf, lay.number, b, "vendor-hint"))
        return best[1] if best else None
