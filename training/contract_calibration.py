"""Fit the contract field-confidence calibration (`extractors/contract/calibration.py`).

A logistic regression over each extracted field's evidence (`calibration.features`),
labelled right or wrong by the evaluation's own rule, on contracts that
`training.synth.contracts.generate_hard_contract` writes with their distractors: no real
document is read, so the model is reproducible from the repository.

    python -m training.contract_calibration      # rewrites extractors/contract/model/field_calibration.joblib
"""

from __future__ import annotations

from pathlib import Path

from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from evaluation.scoring import score_field
from extractors.contract import extract_contract_raw
from extractors.contract.calibration import MODEL_PATH, REBUILD, features
from modelfile import data_sha256, save_checked
from training.synth.contracts import generate_hard_contract


def _is_right(name: str, pred: object, truth: object) -> bool:
    """Right exactly when the evaluation harness would call it right (its own rule, imported:
    a party list is right when every predicted name matches a true one), so the fitted
    probability means what the harness's calibration measures."""
    return bool(score_field(name, truth, pred, None).correct)


def training_rows(n_docs: int = 1200, seed: int = 0) -> tuple[list[dict[str, float]], list[int]]:
    xs, ys = [], []
    for i in range(n_docs):
        c = generate_hard_contract(seed * 100_000 + i)
        raw = extract_contract_raw(c.doc)
        fields, evidence, n_chars = raw.fields, raw.evidence, raw.n_chars
        for name, f in fields.items():
            xs.append(features(name, f, evidence.get(name, {}), n_chars))
            ys.append(int(_is_right(name, f.normalized, c.expected.get(name))))
    return xs, ys


def train(n_docs: int = 1200, seed: int = 0, path: str | None = MODEL_PATH) -> dict:
    """Fit on `n_docs` generated contracts; saved to `path` (default the shipped model)
    unless it is None."""
    xs, ys = training_rows(n_docs, seed)
    vec = DictVectorizer()
    x = vec.fit_transform(xs)
    clf = LogisticRegression(C=0.5, max_iter=2000).fit(x, ys)
    support: dict[str, int] = {}
    for row in xs:
        for k in row:
            if k.startswith("fp="):
                support[k] = support.get(k, 0) + 1
    bundle = {"vec": vec, "clf": clf, "support": support, "meta": {"n_docs": n_docs, "n_rows": len(ys),
                                               "accuracy": sum(ys) / max(1, len(ys))}}
    if path:
        save_checked(bundle, Path(path), {
            "trained_on": f"generated hard contracts (training.synth.contracts), "
                          f"{n_docs} docs, seed {seed}",
            "train_sha256": data_sha256(xs, ys),
            "rebuild": REBUILD})
    return bundle


if __name__ == "__main__":
    b = train()
    print(b["meta"])
