"""Train the line-item row classifier (`extractors/invoice/line_items.py`) on generated
invoices, with whole layouts held out.

Generated documents only (TRAIN has no labelled line items): the synthetic invoices and
till receipts of `training.synth.invoices`, the French, German and US TV-station
invoices of `training.synth.regional`, and invoices typed as plain lines in a proportional
font (`text_invoice`, columns padded with spaces that do not line up on the page). Each layout is a group: every layout's rows are
scored by a classifier fitted on the *other* layouts (leave one layout out), so the
figures say what happens on a table layout the model has never seen. Out of those
held-out scores come the keep threshold (best item F1), the isotonic map from a row's
probability to "this item is right in every column", and the map from the list's score to
"the whole list is right". The shipped classifier is then fitted on every layout.

    python -m training.line_items [--docs 160] [--seed 0] [--cv-only]

Item and list confidence maps are fitted on scores out of document folds (every layout
known, the document not), the shipped model's situation on known layouts; their error on
a layout never seen is printed beside.

Prints, per held-out layout, item P/R/F1 of the rule (`extractors.invoice._line_items`)
and of the model, scored by `evaluation.line_items`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from evaluation.line_items import (
    ItemScore,
    as_item,
    match,
    score_items,
    score_raw,
)
from evaluation.scoring import calibration
from extractors.invoice import _line_items as rule_line_items
from extractors.invoice import line_items as li
from extractors.invoice.layout import PageLayout, build_rows
from extractors.normalize import infer_decimal_mark
from ingest.types import IngestedDocument
from modelfile import data_sha256
from training.ranking import GBM_PARAMS, fit_scorer, model_version
from training.synth import invoices as synth
from training.synth import regional

N_DOC_FOLDS = 5
THRESHOLDS = np.round(np.concatenate([np.arange(0.02, 0.1, 0.02), np.arange(0.1, 0.91, 0.05)]), 3)
Generator = Callable[[int], tuple[IngestedDocument, dict[str, Any]]]

_TEXT_ITEMS = ["Consulting services", "Support hours", "Hosting plan", "Licence fee",
               "Design work", "Travel costs", "Maintenance", "Training day", "Setup fee",
               "Cloud storage", "Office chairs", "Printer paper", "Cable set"]
_TEXT_HEADS = [("Description", "Qty", "Unit Price", "Amount"), ("Item", "Quantity", "Price",
               "Total"), ("Beschreibung", "Menge", "Einzelpreis", "Betrag"),
               ("Désignation", "Qté", "Prix unitaire", "Montant")]
_GLYPH = {" ": 0.278, ".": 0.278, ",": 0.278, ":": 0.278, "i": 0.222, "l": 0.222, "I": 0.278}


def text_invoice(seed: int) -> tuple[IngestedDocument, dict[str, Any]]:
    """An invoice typed as plain lines in a proportional font (a text file or a PDF made
    of lines): columns padded with spaces that do not line up on the page, totals as
    "Label: amount" lines, IBAN and terms below."""
    import random as _random

    from ingest.types import Page, Word

    rng = _random.Random(seed)
    size = rng.choice([10.0, 11.0, 12.0])
    head = rng.choice(_TEXT_HEADS)
    cur = rng.choice(["EUR", "USD", "", "€"])
    items = []
    for _ in range(rng.randint(1, 5)):
        q = rng.randint(1, 20)
        up = round(rng.uniform(5, 900), 2)
        items.append((rng.choice(_TEXT_ITEMS), q, up, round(q * up, 2)))
    sub = round(sum(i[3] for i in items), 2)
    tax = round(sub * rng.choice([0.19, 0.2, 0.07, 0.1]), 2)
    w = [rng.randint(18, 26), rng.randint(4, 8), rng.randint(10, 14), rng.randint(10, 13)]
    lines = [f"{rng.choice(['Northwind', 'Contoso', 'Fabrikam', 'Tailspin'])} "
             f"{rng.choice(['Traders', 'Supplies', 'Systems'])} {rng.choice(['GmbH', 'Ltd', 'Inc.'])}",
             f"{rng.randint(1, 99)} Main Street, {rng.randint(10000, 99999)} City",
             "INVOICE", f"Invoice No: INV-{rng.randint(1000, 99999)}",
             f"Invoice Date: 2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}", "Bill To: Acme Ltd",
             f"{head[0]:<{w[0]}}{head[1]:>{w[1]}}{head[2]:>{w[2]}}{head[3]:>{w[3]}}"]
    for desc, q, up, amt in items:
        lines.append(f"{desc:<{w[0]}}{q:>{w[1]}}{up:>{w[2]},.2f}{amt:>{w[3]},.2f}")
    lines += [f"Subtotal: {sub:,.2f} {cur}".strip(), f"VAT: {tax:,.2f} {cur}".strip(),
              f"Total: {sub + tax:,.2f} {cur}".strip()]
    if rng.random() < 0.6:
        lines.append("IBAN: DE89 3704 0044 0532 0130 00")
    if rng.random() < 0.5:
        lines.append(f"Payment terms: Net {rng.choice([14, 30, 60])}")
    words: list[Word] = []
    y = 52.0
    for n, line in enumerate(lines):
        x = 72.0
        for k, tok in enumerate(line.split(" ")):
            if k:
                x += _GLYPH[" "] * size
            if not tok:
                continue
            tw = sum(_GLYPH.get(ch, 0.556) for ch in tok) * size
            words.append(Word(tok, (x, y, x + tw, y + size * 0.9), 0.99, n))
            x += tw
        y += size * 1.35
    page = Page(1, 612.0, 792.0, words, "\n".join(lines))
    doc = IngestedDocument(f"text-{seed}.pdf", f"{seed:064d}", "application/pdf", 0, [page])
    truth = {"line_items": [{"description": d, "quantity": str(q), "unit_price": f"{u:.2f}",
                             "amount": f"{a:.2f}"} for d, q, u, a in items]}
    return doc, truth


# layout -> generator of (document, truth); each is one cross-validation group
LAYOUTS: dict[str, Generator] = {
    "text_invoice": text_invoice,
    "synth_invoice": lambda s: synth.generate(s, "invoice"),
    "synth_receipt": lambda s: synth.generate(s, "receipt"),
    "invoice_fr": lambda s: regional.generate(s, "invoice_fr"),
    "invoice_de": lambda s: regional.generate(s, "invoice_de"),
    "invoice_us_media": lambda s: regional.generate(s, "invoice_us_media"),
}


@dataclass(slots=True)
class Doc:
    """One generated document's candidate rows, their labels and the rule's answer."""

    layout: str
    lays: list[PageLayout]
    truth: list[dict[str, Any]]
    cands: list[li.Candidate]
    labels: list[int]
    rule: list[dict[str, Any]]
    oof: np.ndarray = field(default_factory=lambda: np.zeros(0))


def label_rows(cands: list[li.Candidate], truth: list[dict[str, Any]]) -> list[int]:
    """1 for the rows matched one to one to a truth item (amount equal, description
    similar: the scorer's own pairing), 0 for every other row."""
    with_amount = [k for k, c in enumerate(cands) if c.amount is not None]
    pred = [as_item({"description": cands[k].description, "amount": cands[k].amount})
            for k in with_amount]
    labels = [0] * len(cands)
    for _, j in match([as_item(t) for t in truth], pred):
        labels[with_amount[j]] = 1
    return labels


def build(layout: str, seed: int) -> Doc:
    doc, truth = LAYOUTS[layout](seed)
    lays = [build_rows(p) for p in doc.pages if p.words]
    texts = [lay.page.text or " ".join(w.text for w in lay.page.words) for lay in lays]
    dm = infer_decimal_mark(texts)
    items = truth.get("line_items") or []
    cands = li.candidates(lays, dm)
    rule = rule_line_items(lays, dm)
    return Doc(layout, lays, items, cands, label_rows(cands, items),
               list(rule.normalized) if rule is not None else [])


def collect(n_docs: int, seed: int) -> list[Doc]:
    return [build(layout, seed * 100_000 + k * 7 + i)
            for i, layout in enumerate(LAYOUTS) for k in range(n_docs)]


def predicted(d: Doc, probs: np.ndarray, threshold: float
              ) -> tuple[list[dict[str, Any]], list[float], list[li.Candidate]]:
    kept, ps, descs = li.assemble(d.cands, probs, threshold, d.lays)
    items = []
    for c, desc in zip(kept, descs, strict=True):
        it = {"description": desc, "amount": c.amount}
        if c.quantity is not None:
            it["quantity"] = c.quantity
        if c.unit_price is not None:
            it["unit_price"] = c.unit_price
        items.append(it)
    return items, ps, kept


def item_rightness(truth: list[dict[str, Any]], items: list[dict[str, Any]]) -> list[bool]:
    """Per predicted item: matched to a truth item and right in every column it gives."""
    t, p = [as_item(x) for x in truth], [as_item(x) for x in items]
    right = [False] * len(p)
    for i, j in match(t, p):
        s = score_items([t[i]], [p[j]])
        right[j] = all(c.right == c.compared for c in s.columns.values())
    return right


def cross_validate(docs: list[Doc], by_layout: bool = True) -> None:
    """Out-of-fold row scores: leave one layout out (every document's rows scored by a
    model of the other layouts), or with `by_layout=False` documents dealt into
    `N_DOC_FOLDS` folds across all layouts (the shipped model's view of a layout it knows)."""
    fold_of = {id(d): d.layout if by_layout else str(k % N_DOC_FOLDS)
               for k, d in enumerate(docs)}
    for held in sorted(set(fold_of.values())):
        train = [d for d in docs if fold_of[id(d)] != held]
        rows = [f.features for d in train for f in d.cands]
        labels = [y for d in train for y in d.labels]
        vec, clf = fit_scorer(rows, labels)
        for d in docs:
            if fold_of[id(d)] == held:
                d.oof = clf.predict_proba(vec.transform([c.features for c in d.cands]))[:, 1] \
                    if d.cands else np.zeros(0)


def score_at(docs: list[Doc], t: float) -> ItemScore:
    total = ItemScore()
    for d in docs:
        total.add(score_raw(d.truth, predicted(d, d.oof, t)[0]))
    return total


def rule_score(docs: list[Doc]) -> ItemScore:
    total = ItemScore()
    for d in docs:
        total.add(score_raw(d.truth, d.rule))
    return total


def calibration_pairs(docs: list[Doc], t: float
                      ) -> tuple[list[tuple[float, bool]], list[tuple[float, bool]]]:
    """(row probability, item right) for every kept row and (list score, list right) for
    every document with a kept row, all out of fold."""
    items_p: list[tuple[float, bool]] = []
    lists_p: list[tuple[float, bool]] = []
    for d in docs:
        items, ps, kept = predicted(d, d.oof, t)
        if not items:
            continue
        right = item_rightness(d.truth, items)
        items_p += list(zip(ps, right, strict=True))
        exact = all(right) and len(items) == len(d.truth)
        lists_p.append((li.list_score(ps, kept), exact))
    return items_p, lists_p


def fit_iso(pairs: list[tuple[float, bool]]) -> Any:
    from sklearn.isotonic import IsotonicRegression

    return IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(
        [p for p, _ in pairs], [float(y) for _, y in pairs])


def honest_ece(groups: dict[str, list[tuple[float, bool]]]) -> dict[str, Any]:
    """Calibration of maps each fitted on the other groups' pairs only."""
    mapped: list[tuple[float, bool]] = []
    for held, pairs in groups.items():
        rest = [x for k, v in groups.items() if k != held for x in v]
        if not pairs or len({y for _, y in rest}) < 2:
            continue
        iso = fit_iso(rest)
        mapped += [(float(np.clip(iso.predict([p])[0], 0.01, 0.99)), y) for p, y in pairs]
    return calibration(mapped)




def fmt(s: ItemScore) -> str:
    return f"P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=160, help="documents per layout")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cv-only", action="store_true", help="report, write no model")
    ap.add_argument("--out", type=Path, default=li.MODEL_PATH)
    ap.add_argument("--report", type=Path, default=None, help="write the figures as JSON")
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    docs = collect(args.docs, args.seed)
    cross_validate(docs)
    t = float(max(THRESHOLDS, key=lambda x: (score_at(docs, x).f1, -x)))
    report: dict[str, Any] = {"threshold": t, "docs_per_layout": args.docs, "layouts": {}}
    print(f"held-out layouts, {args.docs} documents each, threshold {t:.2f}")
    for layout in LAYOUTS:
        sub = [d for d in docs if d.layout == layout]
        r, m = rule_score(sub), score_at(sub, t)
        report["layouts"][layout] = {"rule": r.to_json(), "model": m.to_json()}
        acc = m.to_json()["column_accuracy"]
        print(f"{layout:18s} rule {fmt(r)} | model {fmt(m)} | columns " +
              " ".join(f"{k} {v:.3f}" if v is not None else f"{k} -" for k, v in acc.items()))
    r_all, m_all = rule_score(docs), score_at(docs, t)
    print(f"{'all':18s} rule {fmt(r_all)} | model {fmt(m_all)}")
    report["all"] = {"rule": r_all.to_json(), "model": m_all.to_json()}
    # calibration, twice: on leave-one-layout-out scores with maps fitted on the other
    # layouts (a layout nobody has seen), and on scores of models that knew every layout
    # but not the document (what the shipped model meets on known layouts; its maps ship)
    new_items: dict[str, list[tuple[float, bool]]] = {}
    new_lists: dict[str, list[tuple[float, bool]]] = {}
    for layout in LAYOUTS:
        new_items[layout], new_lists[layout] = calibration_pairs(
            [d for d in docs if d.layout == layout], t)
    item_new, list_new = honest_ece(new_items), honest_ece(new_lists)
    cross_validate(docs, by_layout=False)
    all_items, all_lists = calibration_pairs(docs, t)
    item_cal = honest_ece({str(k): all_items[k::N_DOC_FOLDS] for k in range(N_DOC_FOLDS)})
    list_cal = honest_ece({str(k): all_lists[k::N_DOC_FOLDS] for k in range(N_DOC_FOLDS)})
    report["calibration"] = {"items": item_cal, "lists": list_cal,
                             "items_new_layout": item_new, "lists_new_layout": list_new}
    print(f"item confidence ECE {item_cal['ece']:.3f} over {item_cal['count']} items, list "
          f"confidence ECE {list_cal['ece']:.3f} over {list_cal['count']} lists (document "
          "folds; maps fitted on the other folds); on a held-out layout with maps fitted on the "
          f"other layouts: items {item_new['ece']:.3f}, lists {list_new['ece']:.3f}")
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(report, indent=1, default=str) + "\n")
    if args.cv_only:
        return 0
    rows = [c.features for d in docs for c in d.cands]
    labels = [y for d in docs for y in d.labels]
    vec, clf = fit_scorer(rows, labels)
    rows_sha = data_sha256(list(vec.feature_names_), vec.transform(rows), np.asarray(labels))
    version = model_version("line-items", rows_sha)
    bundle = {"version": version, "vec": vec, "clf": clf, "threshold": t,
              "item_calibration": fit_iso(all_items), "list_calibration": fit_iso(all_lists),
              "rows_sha256": rows_sha}
    from modelfile import save_checked

    meta = save_checked(bundle, args.out, {
        "train_sha256": rows_sha, "rebuild": li.REBUILD,
        "trained_on": "generated invoices and receipts (training.synth.invoices, "
                      "training.synth.regional), no corpus document",
        "layouts": list(LAYOUTS), "n_docs": len(docs), "seed": args.seed,
        "gbm_params": GBM_PARAMS,
        "cv": {"threshold": t, "held_out_layouts": {
            k: {"rule_f1": v["rule"]["f1"], "model_f1": v["model"]["f1"]}
            for k, v in report["layouts"].items()},
            "item_ece": item_cal["ece"], "list_ece": list_cal["ece"]}})
    print(f"wrote {args.out} ({meta['version']})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
