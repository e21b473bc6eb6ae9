"""Field F1 on generated structured e-invoices, per profile, through the real reading path
(ingest -> classify -> extract), without OCR.

    PYTHONPATH=. python benchmarks/einvoice.py --per-profile 20

Factur-X profiles are read from the PDF with the XML attached (as a supplier sends them),
XRechnung and Peppol UBL from the XML file. A field counts as right when its normalized
value equals the generator's truth (line items: the whole list). The report also counts
OCR pages (must be 0) and the mean confidence.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from classifiers import classify
from extractors import extract
from ingest import read_bytes
from training.generators.einvoice import PROFILES, GeneratedEInvoice, as_pdf, generate_einvoice


@dataclass(slots=True)
class ProfileScore:
    profile: str
    documents: int = 0
    typed_invoice: int = 0
    ocr_pages: int = 0
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    confidence_sum: float = 0.0
    fields: int = 0

    @property
    def f1(self) -> float:
        denom = 2 * self.true_positive + self.false_positive + self.false_negative
        return 1.0 if denom == 0 else 2 * self.true_positive / denom


def file_of(inv: GeneratedEInvoice) -> tuple[str, bytes]:
    """How a supplier sends it: Factur-X as a PDF, XRechnung and UBL as XML."""
    if inv.syntax == "cii" and inv.profile != "XRECHNUNG":
        return f"{inv.profile.lower().replace(' ', '-')}.pdf", as_pdf(inv)
    return f"{inv.profile.lower().replace(' ', '-')}.xml", inv.xml


def score_profile(profile: str, n: int, seed: int = 0) -> ProfileScore:
    score = ProfileScore(profile)
    for i in range(n):
        inv = generate_einvoice(profile, seed * 100_000 + i)
        name, data = file_of(inv)
        doc = read_bytes(name, data)
        cls = classify(doc)
        fields = extract(doc, cls)
        score.documents += 1
        score.typed_invoice += cls.doc_type == "invoice"
        score.ocr_pages += doc.ocr_pages
        for key, want in inv.truth.items():
            got = fields.get(key)
            if got is None:
                score.false_negative += 1
            elif got.normalized == want:
                score.true_positive += 1
                score.confidence_sum += got.confidence
                score.fields += 1
            else:
                score.false_positive += 1
                score.false_negative += 1
                score.confidence_sum += got.confidence
                score.fields += 1
    return score


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-profile", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    print("| profile | docs | typed invoice | OCR pages | field F1 | mean confidence |")
    print("| --- | --- | --- | --- | --- | --- |")
    worst = 1.0
    for profile in PROFILES:
        s = score_profile(profile, args.per_profile, args.seed)
        worst = min(worst, s.f1)
        print(f"| {profile} | {s.documents} | {s.typed_invoice} | {s.ocr_pages} | "
              f"{s.f1:.3f} | {s.confidence_sum / max(1, s.fields):.3f} |")
    return 0 if worst == 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
