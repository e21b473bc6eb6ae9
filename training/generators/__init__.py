"""Synthetic training documents for the document-type and subtype classifiers.

    from training.generators import generate
    docs = generate(n_per_class=200, seed=0)   # list[GeneratedDoc], deterministic per seed

`generate` balances the five doc types and, inside contract and hr, the subtypes. Each
document gets its own seed derived from (seed, index), so the same seed always yields the
same documents in the same order.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import partial

from classifiers.types import CONTRACT_SUBTYPES, DOC_TYPES, HR_SUBTYPES
from training.generators.commerce import invoice, receipt
from training.generators.common import Ctx, GeneratedDoc, finish
from training.generators.contracts import contract
from training.generators.hr import hr
from training.generators.hr_forms import HR_FORM_SUBTYPE, us_hr_form, us_other_form
from training.generators.invoices_regional import de_rechnung, fr_facture, tv_ad_invoice
from training.generators.other import other
from training.generators.other_regional import regional_other
from training.generators.receipts_regional import de_receipt, us_restaurant_check

__all__ = ["GeneratedDoc", "generate", "generate_one", "generate_family", "FAMILIES",
           "FAMILY_SHARES", "SUBTYPES", "GENERATOR_VERSION"]

# Bump when templates change: it prefixes MODEL_VERSION, so a model says which data made it.
GENERATOR_VERSION = "g6"

# Families with a strong national, trade or form layout: name -> (doc type, subtype,
# builder returning the lines). They are drawn *inside* their doc type's quota (see
# FAMILY_SHARES), so class balance and subtype round-robin stay as they were.
FAMILIES: dict[str, tuple[str, str | None, Callable[[Ctx], list[str]]]] = {
    "receipt_de": ("receipt", None, de_receipt),
    "receipt_us_restaurant": ("receipt", None, us_restaurant_check),
    "invoice_fr": ("invoice", None, fr_facture),
    "invoice_de": ("invoice", None, de_rechnung),
    "invoice_us_tv": ("invoice", None, tv_ad_invoice),
    **{f"hr_form_{form}": ("hr", sub, partial(us_hr_form, form=form))
       for form, sub in HR_FORM_SUBTYPE.items()},
    "other_de_fr": ("other", None, regional_other),
    "other_us_form": ("other", None, us_other_form),
}
# Per (doc type, subtype): the share of documents drawn from each family instead of the
# generic template.
FAMILY_SHARES: dict[tuple[str, str | None], tuple[tuple[str, float], ...]] = {
    ("receipt", None): (("receipt_de", 0.2), ("receipt_us_restaurant", 0.15)),
    ("invoice", None): (("invoice_fr", 0.1), ("invoice_de", 0.1), ("invoice_us_tv", 0.1)),
    ("hr", "i9"): (("hr_form_i9", 0.6),),
    ("hr", "w4"): (("hr_form_w4", 0.6),),
    ("hr", "pay_stub"): (("hr_form_w2", 0.35),),
    ("other", None): (("other_de_fr", 0.06), ("other_us_form", 0.06)),
}
# Government forms come as 1-4 page PDFs; the page count is a layout feature.
FORM_PAGES = (1, 2, 3, 4)

SUBTYPES: dict[str, tuple[str, ...]] = {"contract": CONTRACT_SUBTYPES, "hr": HR_SUBTYPES}

# Receipts are mostly phone photos/scans read by OCR: noise is common and stronger there.
_NOISE = {"receipt": (0.7, 0.15), "invoice": (0.35, 0.1), "contract": (0.25, 0.08),
          "hr": (0.25, 0.08), "other": (0.3, 0.1)}

# Share of documents whose lines come in page OCR's block order (`common.ocr_reading_order`):
# the tabular types, which are the ones scanned and photographed.
_READING_ORDER = {"invoice": 0.4, "receipt": 0.3}

# Share of documents of every type cut to their first lines (`common.finish`): short letters,
# first pages and small exports are sent too, and must not look atypical of their type.
_HEAD_P = 0.12


def generate_one(doc_type: str, subtype: str | None, seed: int) -> GeneratedDoc:
    """One document of the given type/subtype from its own seed."""
    ctx = Ctx(seed, latin_only=doc_type in ("contract", "receipt"))
    family = _draw_family(ctx, doc_type, subtype)
    if family:
        doc = _family_doc(ctx, family)
    elif doc_type == "invoice":
        doc = invoice(ctx)
    elif doc_type == "receipt":
        doc = receipt(ctx)
    elif doc_type == "contract":
        doc = contract(ctx, subtype or "other")
    elif doc_type == "hr":
        doc = hr(ctx, subtype or "resume")
    else:
        doc = other(ctx)
    return _finish(ctx, doc, doc_type, subtype)


def _draw_family(ctx: Ctx, doc_type: str, subtype: str | None) -> str | None:
    shares = FAMILY_SHARES.get((doc_type, subtype))
    if not shares:  # no draw: documents of types without families stay as they were
        return None
    r = ctx.rng.random()
    for name, share in shares:
        if r < share:
            return name
        r -= share
    return None


def _family_doc(ctx: Ctx, family: str) -> GeneratedDoc:
    doc_type, subtype, build = FAMILIES[family]
    lines = build(ctx)
    n_pages = ctx.pick(FORM_PAGES) if family.startswith("hr_form") else 1 + len(lines) // 60
    return GeneratedDoc(doc_type, subtype, lines, n_pages=n_pages, meta={"family": family})


def generate_family(family: str, seed: int, noise: bool = True) -> GeneratedDoc:
    """One document of a named family (see FAMILIES); `noise=False` skips the OCR-style
    degradation, for tests that need a readable document."""
    doc_type, subtype, _ = FAMILIES[family]
    ctx = Ctx(seed)
    doc = _family_doc(ctx, family)
    return _finish(ctx, doc, doc_type, subtype) if noise else doc


def _finish(ctx: Ctx, doc: GeneratedDoc, doc_type: str, subtype: str | None) -> GeneratedDoc:
    p, level = _NOISE[doc_type]
    flat = 0.35 if subtype == "resume" else 0.0 if doc_type == "receipt" else 0.1
    squash = {"receipt": 0.5, "invoice": 0.12}.get(doc_type, 0.05)
    return finish(ctx, doc, noise_p=p, max_level=level, flatten_p=flat, squash_p=squash,
                  order_p=_READING_ORDER.get(doc_type, 0.0), head_p=_HEAD_P)


def generate(n_per_class: int = 200, seed: int = 0,
             types: tuple[str, ...] = DOC_TYPES) -> list[GeneratedDoc]:
    """`n_per_class` documents of each doc type (subtypes round-robin), deterministic."""
    master = random.Random(seed)
    out: list[GeneratedDoc] = []
    for doc_type in types:
        subs = SUBTYPES.get(doc_type, (None,))
        for i in range(n_per_class):
            out.append(generate_one(doc_type, subs[i % len(subs)], master.getrandbits(48)))
    return out
