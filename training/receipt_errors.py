"""Why the receipt vendor name and address are missed on TRAIN: counts by kind of error.

    python -m training.receipt_errors              # counts per field
    python -m training.receipt_errors --show       # and each miss (TRAIN text, on stdout only)

For every TRAIN receipt (the ingest cache, `training.docs`) the learned fields' candidates
(`extractors.invoice.receipt_candidates`) are compared with the truth by the evaluation's own
rule (`scalar_match`). A receipt whose truth is among no candidate is put in one kind by the
candidate closest to the truth (Levenshtein over the scored form: NFKC, casefold, no
whitespace), from the characters the two differ in (`ErrorKind`). This tells which lever a
change pulls (reading characters, punctuation, the block) before the ranker is retrained.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from evaluation.scoring import norm_text, scalar_match
from evaluation.scoring import truth_values as corpus_truth_values
from extractors.invoice import extract_invoice, receipt_candidates
from training.docs import TRAIN_DIR, labelled_docs

FIELDS = ("vendor_name", "vendor_address")
# more differing characters than this: a different block or line, not a misreading
FAR = 3


class ErrorKind(StrEnum):
    FOUND = "among candidates"
    PUNCTUATION = "punctuation only"  # letters and digits agree
    DIGIT = "digit misread"  # a digit differs (a postcode, a street number)
    LETTER = "letter misread"  # letters differ, digits agree
    FAR = "other text"  # the closest candidate is more than FAR characters away
    NONE = "no candidates"


@dataclass(frozen=True, slots=True)
class Miss:
    name: str
    field: str
    kind: ErrorKind
    truth: str
    closest: str


def _alnum(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", norm_text(text))


def kind_of(truth: str, closest: str | None) -> ErrorKind:
    """The kind of difference between the truth and the candidate closest to it."""
    if closest is None:
        return ErrorKind.NONE
    a, b = norm_text(closest), norm_text(truth)
    if Levenshtein.distance(a, b) > FAR:
        return ErrorKind.FAR
    if _alnum(closest) == _alnum(truth):
        return ErrorKind.PUNCTUATION
    x, y = _alnum(closest), _alnum(truth)
    changed = "".join(x[i1:i2] + y[j1:j2] for op, i1, i2, j1, j2 in Levenshtein.opcodes(x, y)
                      if op != "equal")
    return ErrorKind.DIGIT if any(c.isdigit() for c in changed) else ErrorKind.LETTER


def punctuation_diff(truth: str, closest: str) -> Counter[str]:
    """The marks `closest` lacks ("-," a comma the truth has) or adds ("+.") against the
    truth, whitespace aside; "$" after the mark where it is the text's last character (a
    line-end full stop is a reading habit or a labelling one)."""
    a, b = "".join(norm_text(closest).split()), "".join(norm_text(truth).split())
    out: Counter[str] = Counter()
    for op, i1, i2, j1, j2 in Levenshtein.opcodes(a, b):
        if op in ("insert", "replace"):
            out.update(f"-{c}" + ("$" if j1 + k == len(b) - 1 else "")
                       for k, c in enumerate(b[j1:j2]))
        if op in ("delete", "replace"):
            out.update(f"+{c}" + ("$" if i1 + k == len(a) - 1 else "")
                       for k, c in enumerate(a[i1:i2]))
    return out


def study(root: Path = TRAIN_DIR) -> list[Miss]:
    """Every TRAIN receipt's kind per field (FOUND where the truth is a candidate)."""
    out = []
    for d in labelled_docs(root, ["sroie"], read_missing=False):
        rule = extract_invoice(d.doc, "receipt", learned=False)
        rc = receipt_candidates(d.doc, {k: v.normalized for k, v in rule.items()})
        tv = corpus_truth_values(d.truth)
        for field in FIELDS:
            truth = tv.get(field)
            if truth is None:
                continue
            cands = [c.normalized for c in rc.by_field.get(field, [])]
            if any(scalar_match(field, truth, c) for c in cands):
                out.append(Miss(d.corpus.path.name, field, ErrorKind.FOUND, truth, ""))
                continue
            closest = min(cands, key=lambda c: Levenshtein.distance(
                norm_text(c), norm_text(truth))) if cands else None
            out.append(Miss(d.corpus.path.name, field, kind_of(truth, closest), truth,
                            closest or ""))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", type=Path, default=TRAIN_DIR)
    ap.add_argument("--show", action="store_true", help="print each miss (TRAIN text)")
    args = ap.parse_args(argv)
    misses = study(args.train)
    for field in FIELDS:
        rows = [m for m in misses if m.field == field]
        counts = Counter(m.kind for m in rows)
        print(f"{field}: {len(rows)} receipts; " + ", ".join(
            f"{k.value} {counts[k]}" for k in ErrorKind if counts[k]))
        marks = sum((punctuation_diff(m.truth, m.closest) for m in rows
                     if m.kind is ErrorKind.PUNCTUATION), Counter())
        if marks:
            print("  punctuation-only misses, marks the reading lacks (-) or adds (+), $ at "
                  "the end: " + ", ".join(f"{k!r} {v}" for k, v in marks.most_common()))
        if args.show:
            for m in rows:
                if m.kind is not ErrorKind.FOUND:
                    print(f"  {m.kind.value:17s} {m.name}: {m.truth!r} | {m.closest!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
