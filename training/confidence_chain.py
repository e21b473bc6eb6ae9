"""The confidence a field finally reports, measured on TRAIN, layer by layer.

Several layers set a field's confidence: the family's own scorer or ranker (rankers are
calibrated out of fold by their trainers), the invoice/contract maps fitted on generated
documents, the cross-field caps, and last `extractors.recalibration` (curves fitted on
TRAIN). A map on top of an already calibrated number un-calibrates it, so this script runs
the real extractor on every cached TRAIN document and records, per field, the confidence
before the TRAIN recalibration (`family`), after it (`final`) and the method that chose the
value (`Field.source`), scored with `evaluation.scoring` as `backoffice eval` scores them.

    python -m training.confidence_chain [--out reports/confidence_chain] [--limit N]

prints ECE per (document type, field), per source and per input kind, and writes every
row to `OUT/rows.jsonl` for `python -m training.recalibration --rows OUT/rows.jsonl`.

Out of fold or not: values chosen by a ranker fitted on TRAIN (`ranker*` sources on
contracts, resumes and receipts) are in-sample here, so their TRAIN accuracy is optimistic;
their out-of-fold ECE is the one their trainer measured (the `cv` of each model's
manifest). Everything else (rules, the maps fitted on generated documents) has never seen
TRAIN, and the TRAIN recalibration is refitted per fold by `training.recalibration`.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from classifiers import classify
from evaluation.scoring import calibration, labelled_fields, score_document
from extractors import _family_fields, recalibration
from training.docs import TRAIN_DIR, filer_group, labelled_docs

DEFAULT_OUT = Path("reports") / "confidence_chain"


@dataclass(slots=True)
class ChainRow:
    """One scored predicted field of one TRAIN document."""

    corpus: str  # the TRAIN source (sroie, cuad, ...)
    file: str
    group: str  # filer/chain: the fold key
    kind: str  # input kind (`recalibration.input_kind`)
    doc_type: str  # the classifier's type (the recalibration key uses it)
    field: str
    method: str  # Field.source
    family: float  # confidence before the TRAIN recalibration
    final: float  # what the pipeline reports
    correct: bool
    contradicted: bool = False  # a cross-field check capped it (`Field.contradict`)


def ranked_on_train(row: ChainRow) -> bool:
    """Whether the value came from a ranker fitted on TRAIN (in-sample on these rows)."""
    return row.method.split(":", 1)[0] == "ranker" and row.doc_type in (
        "contract", "hr", "receipt")


def collect(sources: Sequence[str] | None = None, limit: int | None = None,
            root: Path = TRAIN_DIR) -> list[ChainRow]:
    """Run classifier and extractor on the cached TRAIN documents and score every field."""
    docs = list(labelled_docs(root, list(sources) if sources else None, read_missing=False))
    if limit:
        per: dict[str, int] = defaultdict(int)
        kept = []
        for ld in docs:
            per[ld.corpus.source] += 1
            if per[ld.corpus.source] <= limit:
                kept.append(ld)
        docs = kept
    labelled = {src: labelled_fields(ld.truth for ld in docs if ld.corpus.source == src)
                for src in {ld.corpus.source for ld in docs}}
    rows: list[ChainRow] = []
    for ld in docs:
        cls = classify(ld.doc)
        fields = _family_fields(ld.doc, cls, None)
        family = {k: float(f.confidence) for k, f in fields.items()}
        kind = recalibration.input_kind(ld.doc)
        recalibration.apply(fields, cls.doc_type, kind)
        result = {"fields": {k: f.to_json() for k, f in fields.items()}}
        for s in score_document(ld.truth, result, labelled[ld.corpus.source]):
            if s.predicted is None or s.correct is None or s.field not in fields:
                continue
            rows.append(ChainRow(ld.corpus.source, ld.corpus.path.name, filer_group(ld.corpus),
                                 kind, cls.doc_type, s.field, fields[s.field].source,
                                 family[s.field], float(fields[s.field].confidence),
                                 bool(s.correct), fields[s.field].contradicted))
    return rows


def write_rows(rows: Iterable[ChainRow], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(asdict(r)) + "\n" for r in rows), encoding="utf-8")


def read_rows(path: Path) -> list[ChainRow]:
    return [ChainRow(**json.loads(line)) for line in path.read_text().splitlines() if line]


def ece(rows: Sequence[ChainRow], attr: str = "final") -> float | None:
    return calibration((getattr(r, attr), r.correct) for r in rows)["ece"]


def high_wrong(rows: Sequence[ChainRow], attr: str = "final") -> tuple[int, float | None]:
    """How many rows claim >= 0.9 and what share of them is wrong."""
    hi = [r for r in rows if getattr(r, attr) >= 0.9]
    return len(hi), (sum(not r.correct for r in hi) / len(hi) if hi else None)


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def table(rows: Sequence[ChainRow], key: str) -> list[str]:
    """Markdown rows: per `key` the count, accuracy, mean confidence and ECE before and
    after the TRAIN recalibration, the >= 0.9 bin's error rate and the methods seen."""
    groups: dict[str, list[ChainRow]] = defaultdict(list)
    for r in rows:
        k = f"{r.doc_type}|{r.field}" if key == "field" else str(getattr(r, key))
        groups[k].append(r)
    out = [f"| {key} | n | acc | mean conf | ECE family | ECE final | n >= .9 | wrong >= .9 "
           "| in-sample share | methods |", "|" + " --- |" * 10]
    for k, rs in sorted(groups.items()):
        n_hi, wrong = high_wrong(rs)
        methods = defaultdict(int)
        for r in rs:
            methods[r.method.split(":", 1)[0]] += 1
        acc = sum(r.correct for r in rs) / len(rs)
        mean = sum(r.final for r in rs) / len(rs)
        insample = sum(ranked_on_train(r) for r in rs) / len(rs)
        out.append(f"| {k} | {len(rs)} | {acc:.3f} | {mean:.3f} | {_f(ece(rs, 'family'))} | "
                   f"{_f(ece(rs))} | {n_hi} | {_f(wrong)} | {insample:.2f} | "
                   + ", ".join(f"{m} {c}" for m, c in sorted(methods.items())) + " |")
    return out


def summary(rows: Sequence[ChainRow]) -> str:
    rule_rows = [r for r in rows if not ranked_on_train(r)]
    lines = [f"all fields: n={len(rows)} ECE family {_f(ece(rows, 'family'))} final "
             f"{_f(ece(rows))}; not TRAIN-ranked (out of sample): n={len(rule_rows)} ECE "
             f"family {_f(ece(rule_rows, 'family'))} final {_f(ece(rule_rows))}", ""]
    for key in ("field", "corpus", "kind"):
        lines += table(rows, key) + [""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--sources", nargs="*")
    ap.add_argument("--limit", type=int, help="documents per source (a quick look)")
    ap.add_argument("--rows", type=Path, help="summarise rows written before instead")
    args = ap.parse_args(argv)
    if args.rows:
        rows = read_rows(args.rows)
    else:
        rows = collect(args.sources, args.limit)
        write_rows(rows, args.out / "rows.jsonl")
    text = summary(rows)
    print(text)
    if not args.rows:
        (args.out / "summary.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
