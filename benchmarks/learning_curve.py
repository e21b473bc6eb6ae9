"""Learning curve: field accuracy on a vendor's next documents after k corrected ones.

    PYTHONPATH=. python benchmarks/learning_curve.py [--generated 24] [--per-group 6]
        [--no-sroie] [--rotations 3] [--json out.json]

A reviewer who corrects fields on one document of a vendor expects the vendor's next
documents to come out right. For every group of documents of one vendor (or layout) this
replays what the service does, in order:

* extraction as `workflow.process.Pipeline._extract` runs it: generic extraction, the
  vendor looked up in a vendor master with `records.vendors.match_keys` over
  `policies.vendor_keys` (tax id, then name; exact, else the name fuzzily against each
  vendor's key and recorded name, as `records.vendors.resolve_vendor_keys`), and extraction
  again with that vendor's hints, read back from JSON as the master's (`resolved`, with its
  recorded name);
* a review as `workflow.corrections` makes it: every field whose extracted value is wrong
  or missing is corrected to the truth, every right one the review walks (confidence below
  `PolicyConfig.field_threshold`) is confirmed, and each teaches the vendor the pipeline
  would look up through `VendorHints.learn` when the master has it; then the document is
  approved: filed under `vendor_key` of its reviewed fields, the vendor created when new
  with its name and tax id, and a new vendor learns the document's corrections and
  confirmations (`workflow.books.ensure_vendor`).

Of each group, the documents after the first `max(KS)` are the evaluation documents (the
same ones at every k); the first k are corrected, then the evaluation documents are
extracted and scored with `evaluation.scoring` (a missing field counts as wrong).
`--rotations R` repeats this with the group's order rotated, so small groups give more
evaluation documents.

Sources: `generated` (vendor series in layouts the trainer never emits,
`benchmarks/vendor_series.py`) and `sroie` (TRAIN receipts grouped by chain with
`training.docs.filer_group`; read from the ingest cache, groups of >= 4 documents).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from statistics import fmean
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from classifiers.types import Classification  # noqa: E402
from evaluation.scoring import UNSCORABLE, score_field, truth_values  # noqa: E402
from extractors import extract  # noqa: E402
from extractors.invoice import VendorHints  # noqa: E402
from extractors.types import Field, Fields  # noqa: E402
from ingest.types import IngestedDocument  # noqa: E402
from policies import vendor_key, vendor_keys  # noqa: E402
from policies.config import PolicyConfig  # noqa: E402
from records.vendors import KnownVendor, match_keys  # noqa: E402

KS = (0, 1, 2, 3)  # corrected documents before the evaluation documents
TARGET = 0.95  # the target after 2 corrections
SROIE_FIELDS = ("vendor_name", "vendor_address", "invoice_date", "total_amount")
REVIEW = PolicyConfig()  # the default thresholds: which right fields a review walks


class LearningCurveError(RuntimeError):
    """The benchmark cannot run as asked (no data, groups too small)."""


@dataclass(frozen=True, slots=True)
class Doc:
    """One document with its truth (field -> comparable value)."""

    doc: IngestedDocument
    truth: dict[str, Any]
    doc_type: str


@dataclass(slots=True)
class Group:
    """Documents of one vendor or layout, in the order a reviewer meets them."""

    source: str
    key: str
    docs: list[Doc]


@dataclass(slots=True)
class Cell:
    """Correct/total for one (source, k, field)."""

    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.total if self.total else None


@dataclass(slots=True)
class SourceCurve:
    """One source's learning curve: per k, per field."""

    source: str
    groups: int = 0
    documents: int = 0  # in the groups
    evaluated: int = 0  # evaluation documents per k (all rotations)
    cells: dict[int, dict[str, Cell]] = field(default_factory=dict)

    def fields(self) -> list[str]:
        return sorted({f for row in self.cells.values() for f in row})

    def accuracy(self, k: int, name: str) -> float | None:
        cell = self.cells.get(k, {}).get(name)
        return cell.accuracy if cell else None

    def mean(self, k: int) -> float | None:
        """Mean of the per-field accuracies at k."""
        accs = [a for f in self.fields() if (a := self.accuracy(k, f)) is not None]
        return fmean(accs) if accs else None

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "groups": self.groups, "documents": self.documents,
                "evaluated_per_k": self.evaluated,
                "accuracy": {str(k): {"mean": self.mean(k),
                                      **{f: self.accuracy(k, f) for f in self.fields()}}
                             for k in sorted(self.cells)},
                "counts": {str(k): {f: asdict(c) for f, c in row.items()}
                           for k, row in sorted(self.cells.items())}}


# ---------------------------------------------------------------------- the service, replayed
@dataclass(slots=True)
class MasterEntry:
    """One vendor-master row: what `records.vendors` matches on, and its hints."""

    key: str
    name: str | None
    tax_id: str | None
    hints: VendorHints = field(default_factory=VendorHints)


class VendorMaster:
    """The vendor master as the service keeps it, without a database: rows created as
    `workflow.books.ensure_vendor` creates them, looked up with `records.vendors.match_keys`
    (what `resolve_vendor_keys` runs on the rows of the database)."""

    def __init__(self) -> None:
        self.entries: list[MasterEntry] = []

    def resolve(self, keys: Sequence[str]) -> MasterEntry | None:
        rows = dict(enumerate(self.entries))
        found = match_keys(keys, [KnownVendor(i, e.key, e.name, e.tax_id)
                                  for i, e in rows.items()])
        return rows[found.ident] if found is not None else None

    def ensure(self, fields: Fields) -> MasterEntry | None:
        """The document's vendor on approval (`books.file_entry`, `ensure_vendor`): found,
        else created under `vendor_key` with the document's name and tax id."""
        found = self.resolve(vendor_keys(fields))
        key = vendor_key(fields)
        if found is not None or key is None:
            return found
        tax = _predicted(fields.get("vendor_tax_id"))
        entry = MasterEntry(key, _predicted(fields.get("vendor_name")),
                            str(tax) if tax else None)
        self.entries.append(entry)
        return entry


def _classification(doc_type: str) -> Classification:
    return Classification(doc_type=doc_type, type_confidence=1.0)


def extract_fields(master: VendorMaster, d: Doc) -> Fields:
    """Fields as `workflow.process.Pipeline._extract` gets them (type taken from the truth):
    the vendor's stored hints, read back from JSON, applied as the master's (`resolved`)."""
    cls = _classification(d.doc_type)
    fields = extract(d.doc, cls)
    entry = master.resolve(vendor_keys(fields))
    if entry is not None and entry.hints.data:
        hints = VendorHints.from_json(json.loads(json.dumps(entry.hints.to_json())),
                                      resolved=True, name=entry.name)
        return extract(d.doc, cls, hints=hints)
    return fields


def _predicted(f: Field | None) -> Any:
    if f is None:
        return None
    return f.normalized if f.normalized not in (None, "") else f.value


def is_correct(name: str, truth: Any, f: Field | None) -> bool:
    return bool(score_field(name, truth, _predicted(f), None).correct)


@dataclass(slots=True)
class Review:
    """What a reviewer did on one document."""

    corrected: list[str] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)


def review_document(master: VendorMaster, d: Doc, fields: Fields) -> Review:
    """A reviewer corrects every wrong or missing field of `d` and confirms the right
    ones the review walks (confidence below the field's threshold,
    `PolicyConfig.field_threshold`), then approves it. As `workflow.corrections` does,
    each value teaches the vendor the pipeline would look hints up under, when the master
    has it; approval files the vendor (`books.ensure_vendor`), and a vendor created then
    learns every corrected and confirmed value (`books._learn_from_corrections`)."""
    review = Review()
    current = dict(fields)
    taught: list[tuple[str, str]] = []
    for name, truth in d.truth.items():
        f = fields.get(name)
        if not is_correct(name, truth, f):
            value = str(truth)
            current[name] = Field(value, truth, 1.0, source="human")
            review.corrected.append(name)
        elif f is not None and f.confidence < REVIEW.field_threshold(name):
            value = str(_predicted(f))  # `books.vouched_value`
            review.confirmed.append(name)
        else:
            continue
        taught.append((name, value))
        entry = master.resolve(vendor_keys(current))
        if entry is not None:
            entry.hints.learn(d.doc, name, value)
    known = master.resolve(vendor_keys(current))
    entry = master.ensure(current)
    if known is None and entry is not None:
        for name, value in taught:
            entry.hints.learn(d.doc, name, value)
    return review


def run_group(group: Group, curve: SourceCurve, ks: Sequence[int], rotations: int) -> None:
    n_train = max(ks)
    n = len(group.docs)
    for r in range(min(rotations, n)):
        order = group.docs[r:] + group.docs[:r]
        train, evaluate = order[:n_train], order[n_train:]
        for k in ks:
            master = VendorMaster()
            for d in train[:k]:
                review_document(master, d, extract_fields(master, d))
            row = curve.cells.setdefault(k, {})
            for d in evaluate:
                fields = extract_fields(master, d)
                for name, t in d.truth.items():
                    cell = row.setdefault(name, Cell())
                    cell.total += 1
                    cell.correct += is_correct(name, t, fields.get(name))
        curve.evaluated += len(evaluate)


def run(groups: Iterable[Group], ks: Sequence[int] = KS, rotations: int = 1
        ) -> dict[str, SourceCurve]:
    """Learning curves per source over `groups` (each needs more than max(ks) documents)."""
    curves: dict[str, SourceCurve] = {}
    for g in groups:
        if len(g.docs) <= max(ks):
            raise LearningCurveError(f"group {g.key} has {len(g.docs)} documents; "
                                     f"{max(ks) + 1} needed for k up to {max(ks)}")
        curve = curves.setdefault(g.source, SourceCurve(g.source))
        curve.groups += 1
        curve.documents += len(g.docs)
        run_group(g, curve, ks, rotations)
    return curves


# ---------------------------------------------------------------------- sources
def generated_groups(n_groups: int, per_group: int, start: int = 0) -> list[Group]:
    """Vendor series from `vendor_series` (keys lc-<start>..)."""
    from benchmarks.vendor_series import series

    out = []
    for i in range(start, start + n_groups):
        key = f"lc-{i}"
        docs = [Doc(doc, truth, "invoice") for doc, truth in series(key, per_group)]
        out.append(Group("generated", key, docs))
    return out


def sroie_groups(min_docs: int = max(KS) + 1, max_docs: int = 10) -> list[Group]:
    """TRAIN receipts of chains with >= `min_docs` cached documents (first `max_docs`)."""
    from evaluation.scoring import labelled_fields
    from training.docs import TRAIN_DIR, filer_group, labelled_docs

    if not (TRAIN_DIR / "sroie").is_dir():
        raise LearningCurveError(f"{TRAIN_DIR / 'sroie'} not found: the TRAIN split is "
                                 "expected at ../shared/train beside the repository")
    by_chain: dict[str, list[Doc]] = {}
    lds = list(labelled_docs(sources=["sroie"], read_missing=False))
    fields = sorted(labelled_fields(ld.truth for ld in lds) & set(SROIE_FIELDS))
    for ld in sorted(lds, key=lambda ld: ld.corpus.path.name):
        tv = truth_values(ld.truth)
        truth = {f: tv[f] for f in fields if f in tv and tv[f] is not UNSCORABLE}
        by_chain.setdefault(filer_group(ld.corpus), []).append(
            Doc(ld.doc, truth, str(ld.truth.get("doc_type") or "receipt")))
    return [Group("sroie", k, v[:max_docs]) for k, v in sorted(by_chain.items())
            if len(v) >= min_docs]


# ---------------------------------------------------------------------- output
def _pct(x: float | None) -> str:
    return "   -  " if x is None else f"{x:6.3f}"


def render(curves: dict[str, SourceCurve], ks: Sequence[int] = KS) -> str:
    """Per source: one row per field, one column per k, then the mean."""
    lines = []
    for c in curves.values():
        lines.append(f"{c.source}: {c.groups} groups, {c.documents} documents, "
                     f"{c.evaluated} evaluation documents per k")
        lines.append(f"  {'field':<16}" + "".join(f"   k={k} " for k in ks))
        for f in c.fields():
            lines.append(f"  {f:<16}" + "".join(f" {_pct(c.accuracy(k, f))}" for k in ks))
        lines.append(f"  {'mean':<16}" + "".join(f" {_pct(c.mean(k))}" for k in ks))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--generated", type=int, default=24, help="generated vendor series")
    ap.add_argument("--per-group", type=int, default=6, help="documents per generated series")
    ap.add_argument("--no-sroie", action="store_true", help="skip the TRAIN receipts")
    ap.add_argument("--rotations", type=int, default=1, help="orders tried per group")
    ap.add_argument("--json", type=Path, help="also write the curves as JSON here")
    a = ap.parse_args(argv)
    groups = generated_groups(a.generated, a.per_group) if a.generated else []
    if not a.no_sroie:
        try:
            groups += sroie_groups()
        except LearningCurveError as exc:
            print(f"sroie skipped: {exc}", file=sys.stderr)
    if not groups:
        raise LearningCurveError("no groups to measure")
    curves = run(groups, KS, a.rotations)
    print(render(curves))
    if a.json:
        a.json.write_text(json.dumps({"ks": list(KS), "target_after_2": TARGET,
                                      "sources": [c.to_json() for c in curves.values()]},
                                     indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
