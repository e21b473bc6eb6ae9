"""Synthetic training documents for the document-type and subtype classifiers.

    from classifiers.generator import generate
    docs = generate(n_per_class=200, seed=0)   # list[GeneratedDoc], deterministic per seed

`generate` balances the five doc types and, inside contract and hr, the subtypes. Each
document gets its own seed derived from (seed, index), so the same seed always yields the
same documents in the same order.
"""

from __future__ import annotations

import random

from classifiers.generator.commerce import invoice, receipt
from classifiers.generator.common import Ctx, GeneratedDoc, finish
from classifiers.generator.contracts import contract
from classifiers.generator.hr import hr
from classifiers.generator.other import other
from classifiers.types import CONTRACT_SUBTYPES, DOC_TYPES, HR_SUBTYPES

__all__ = ["GeneratedDoc", "generate", "generate_one", "SUBTYPES", "GENERATOR_VERSION"]

# Bump when templates change: it prefixes MODEL_VERSION, so a model says which data made it.
GENERATOR_VERSION = "g2"

SUBTYPES: dict[str, tuple[str, ...]] = {"contract": CONTRACT_SUBTYPES, "hr": HR_SUBTYPES}

# Receipts are mostly phone photos/scans read by OCR: noise is common and stronger there.
_NOISE = {"receipt": (0.7, 0.15), "invoice": (0.35, 0.1), "contract": (0.25, 0.08),
          "hr": (0.25, 0.08), "other": (0.3, 0.1)}


def generate_one(doc_type: str, subtype: str | None, seed: int) -> GeneratedDoc:
    """One document of the given type/subtype from its own seed."""
    ctx = Ctx(seed, latin_only=doc_type in ("contract", "receipt"))
    if doc_type == "invoice":
        doc = invoice(ctx)
    elif doc_type == "receipt":
        doc = receipt(ctx)
    elif doc_type == "contract":
        doc = contract(ctx, subtype or "other")
    elif doc_type == "hr":
        doc = hr(ctx, subtype or "resume")
    else:
        doc = other(ctx)
    p, level = _NOISE[doc_type]
    flat = 0.35 if subtype == "resume" else 0.0 if doc_type == "receipt" else 0.1
    squash = {"receipt": 0.5, "invoice": 0.12}.get(doc_type, 0.05)
    return finish(ctx, doc, noise_p=p, max_level=level, flatten_p=flat, squash_p=squash)


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
