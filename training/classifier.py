"""Fitting the document-type and subtype classifiers (`classifiers.model`) on generated
documents plus reviewers' corrections.

Why here and not in `classifiers/`: the service only loads and applies the model; fitting
needs the document generators (`training.generators`) and is run by `backoffice train`, by the
service's scheduled retraining (`api/web/retrain.py`) and by `backoffice train --shipped`,
which rebuilds `classifiers/model/` reproducibly. The design (hashed blocks, chi2 selection,
held-out temperature scaling, single-threaded BLAS) is described in `classifiers/model.py`.

    from training.classifier import train
    metrics = train(out_dir, feedback=[(text, "invoice", None)])
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import math
import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

import classifiers
from classifiers import model_input
from classifiers.model import (
    CHAR_CHARS,
    CHAR_NGRAMS,
    N_HASH,
    N_TEXT,
    N_TITLE,
    REBUILD,
    TITLE_CHARS,
    TITLE_WEIGHT,
    WORD_CHARS,
    Bundle,
    Featurizer,
    LinearModel,
    _softmax,
)
from classifiers.types import CONTRACT_SUBTYPES, DOC_TYPES, HR_SUBTYPES
from modelfile import data_sha256, save_checked
from training.docs import TRAIN_DIR, filer_group, labelled_docs
from training.generators import GENERATOR_VERSION, generate
from training.generators.common import _CONFUSIONS

CONTRACT_EXTRA = 1.0  # extra generated contracts for the subtype model, x n_per_class
K_BEST = 40000
FEEDBACK_WEIGHT = 3.0
# The TRAIN split's documents count as generated ones do: at the reviewers' weight its 152
# short receipts pulled every few-line text to `receipt` (a blank I-9's title, "INVOICE /
# Invoice No / Total due")
TRAIN_WEIGHT = 1.0
# Every CALIBRATE_EVERY-th reviewed document calibrates instead of training, so a first
# correction is always learned (a random 20 % share had sent a lone one to calibration
# only, depending on how many random numbers the generators drew before it).
CALIBRATE_EVERY = 5
# Generated documents per type. At 400 the decision on documents unlike every template (a
# short offer letter, a 200 KB list of invoice items) swung with the seed: across seeds 0-3
# the same offer letter got 0.58-0.85 and the item list 0.51 other to 0.93 invoice. With 1000
# and generator g6 (see training.generators) both stay right on seeds 0-2 (offer 0.97-1.00,
# list 0.76-0.93), and clean first-lines-only documents are typed right more often.
N_PER_CLASS = 1000
# Reviewed documents stand in for generated ones: each one per type takes one generated
# document per type off, down to MIN_PER_CLASS, so a retrain on 10k reviewed documents
# stays within 500 MB (benchmarks/train_feedback.py: 1000 per type 566 MB, 400 per type
# 472 MB).
MIN_PER_CLASS = 400


def generated_per_class(n_feedback: int) -> int:
    """Generated documents per type for a training run with `n_feedback` reviewed ones."""
    return max(MIN_PER_CLASS, N_PER_CLASS - n_feedback // len(DOC_TYPES))
FAMILIES = {"contract": CONTRACT_SUBTYPES, "hr": HR_SUBTYPES}


def _fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    if len(y) == 0:
        return 1.0

    def nll(log_t: float) -> float:
        p = _softmax(logits / math.exp(log_t))
        return float(-np.log(p[np.arange(len(y)), y] + 1e-12).mean())

    res = minimize_scalar(nll, bounds=(-3, 3), method="bounded")
    return float(math.exp(res.x))


def _chi2_scores(X: sp.csr_matrix, y: np.ndarray, n_classes: int) -> np.ndarray:
    """sklearn's chi2 statistic without copying X (only meaningful for non-negative columns):
    summed over row blocks, where one sparse `Y @ X` product built a large intermediate
    (+100 MB at 10k documents)."""
    observed = np.zeros((X.shape[1], n_classes), np.float64)
    for i in range(0, X.shape[0], 1000):  # row blocks: each transposed product stays small
        rows = X[i:i + 1000]
        onehot = np.zeros((rows.shape[0], n_classes), np.float32)
        onehot[np.arange(rows.shape[0]), y[i:i + 1000]] = 1.0
        observed += rows.T @ onehot
    # In place: with 9 classes x 600k columns every temporary is another 40 MB.
    expected = np.outer(observed.sum(1), np.bincount(y, minlength=n_classes) / len(y))
    observed -= expected
    np.square(observed, out=observed)
    with np.errstate(divide="ignore", invalid="ignore"):
        observed /= expected
    del expected
    return np.nan_to_num(observed.sum(1))


def _select_columns(X: sp.csr_matrix, cols: np.ndarray, block: int = 1000) -> sp.csr_matrix:
    """`X[:, cols]` in row blocks, drained into arrays allocated once. scipy's fancy column
    indexing makes nnz-sized int64 temporaries (+100 MB at 10k documents)."""
    parts = [X[i:i + block][:, cols] for i in range(0, X.shape[0], block)]
    nnz = sum(p.nnz for p in parts)
    data, indices = np.empty(nnz, np.float32), np.empty(nnz, np.int32)
    indptr = np.zeros(X.shape[0] + 1, np.int32 if nnz < 2**31 else np.int64)
    parts.reverse()
    row = pos = 0
    while parts:
        p = parts.pop()
        data[pos:pos + p.nnz] = p.data
        indices[pos:pos + p.nnz] = p.indices
        indptr[row + 1:row + 1 + p.shape[0]] = p.indptr[1:] + pos
        row += p.shape[0]
        pos += p.nnz
    return sp.csr_matrix((data, indices, indptr), shape=(X.shape[0], len(cols)), copy=False)


def fit_linear(X, labels: list[str], classes: list[str], weights: np.ndarray, C: float,
               k_best: int = K_BEST) -> LinearModel:
    """chi2 column selection + LogisticRegression on the selected columns. Selecting first
    matters for memory: L-BFGS keeps ~20 copies of the weight vector."""
    present = [c for c in classes if c in set(labels)]
    y = np.array([present.index(lab) for lab in labels])
    n_text = N_TEXT  # text columns are ranked by chi2; the layout block is always kept
    scores = _chi2_scores(X, y, len(present))[:n_text]
    k = min(k_best, n_text)
    cols = np.sort(np.argpartition(-scores, k - 1)[:k])
    cols = np.concatenate([cols, np.arange(n_text, X.shape[1])]).astype(np.int32)
    lr = LogisticRegression(C=C, max_iter=300, tol=1e-3)
    Xs = _select_columns(X, cols)
    lr.fit(Xs, y, sample_weight=weights)
    del Xs
    coef, icpt = lr.coef_, lr.intercept_
    if len(present) == 2:  # binary LR returns one row: expand to two-class logits
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        icpt = np.array([-icpt[0] / 2, icpt[0] / 2])
    return LinearModel(present, cols, coef.astype(np.float32), icpt.astype(np.float32))

def harden(text: str, rng: random.Random) -> str:
    """A harder view of a document for calibration: cropped, lines dropped, extra noise."""
    lines = text.splitlines()
    if len(lines) > 6 and rng.random() < 0.5:
        lines = lines[: rng.randint(3, len(lines))]
    if rng.random() < 0.5:
        lines = [ln for ln in lines if rng.random() > 0.25]
    out = []
    rate = rng.uniform(0, 0.12)
    for ln in lines:
        out.append("".join(rng.choice(_CONFUSIONS[c]) if c in _CONFUSIONS and rng.random() < rate
                           else c for c in ln))
    return "\n".join(out)


def _ece(conf: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    ece = 0.0
    for b in range(bins):
        m = (conf > b / bins) & (conf <= (b + 1) / bins)
        if m.any():
            ece += m.mean() * abs(conf[m].mean() - correct[m].mean())
    return float(ece)


def _return_freed_memory() -> None:
    """Make glibc hand large freed blocks back to the OS at once.

    Why: features are built in chunks that are freed as the final matrix fills; glibc's
    adaptive mmap threshold otherwise keeps those freed chunks on the heap, and peak RSS
    counts the matrix twice. A fixed 1 MiB threshold keeps it at about once. No-op where
    glibc is absent."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-3, 1 << 20)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        pass


def train_bundle(feedback=(), seed: int = 0, n_per_class: int | None = None, C: float = 10.0,
                 n_cal_per_class: int | None = None,
                 feedback_weight: float = FEEDBACK_WEIGHT) -> Bundle:
    """Generate, featurize, fit and calibrate; feedback = (text, doc_type, subtype) tuples;
    `n_per_class` generated documents per type (default `generated_per_class`).

    BLAS runs single-threaded: on a shared small server multi-threaded OpenBLAS spins and
    was 5x slower in wall time here, and one thread also makes the float sums, hence the
    saved model bytes, independent of the machine's core count."""
    feedback = list(feedback)
    n_per_class = n_per_class or generated_per_class(len(feedback))
    _return_freed_memory()
    with threadpool_limits(limits=1, user_api="blas"):
        return _train_bundle(feedback, seed, n_per_class, C, n_cal_per_class, feedback_weight)


def _train_bundle(feedback: list, seed: int, n_per_class: int, C: float,
                  n_cal_per_class: int | None, feedback_weight: float) -> Bundle:
    t0 = time.perf_counter()
    rng = random.Random(seed)
    docs = generate(n_per_class, seed)
    texts = [d.text for d in docs]
    pages = [d.n_pages for d in docs]
    types = [d.doc_type for d in docs]
    subs = [d.subtype for d in docs]
    weights = [1.0] * len(docs)
    n_cal = n_cal_per_class or max(20, n_per_class // 4)
    cal = generate(n_cal, seed + 7919)
    cal_texts = [harden(d.text, rng) if rng.random() < 0.6 else d.text for d in cal]
    cal_pages = [d.n_pages for d in cal]
    cal_types = [d.doc_type for d in cal]
    cal_subs = [d.subtype for d in cal]
    fb_hash = hashlib.sha256()
    usable = [(text, dt, st) for text, dt, st in feedback if dt in DOC_TYPES]
    for k, (text, dt, st) in enumerate(usable, start=1):
        st = st if st in FAMILIES.get(dt, ()) else None
        fb_hash.update(f"{dt}|{st}|{text}".encode("utf-8", "replace"))
        n_pages = text.count("\f") + 1
        if k % CALIBRATE_EVERY == 0:  # a share of reviewed docs calibrates
            cal_texts.append(text)
            cal_pages.append(n_pages)
            cal_types.append(dt)
            cal_subs.append(st)
        else:
            texts.append(text)
            pages.append(n_pages)
            types.append(dt)
            subs.append(st)
            weights.append(feedback_weight)
    t_gen = time.perf_counter()
    fz = Featurizer()
    X = fz.fit_transform(texts, pages)
    Xc = fz.transform(cal_texts, cal_pages)
    t_feat = time.perf_counter()
    w = np.array(weights, dtype=np.float64)
    doctype = fit_linear(X, types, list(DOC_TYPES), w, C)
    yc = np.array([doctype.classes.index(t) if t in doctype.classes else -1 for t in cal_types])
    ok = yc >= 0
    doctype.temperature = _fit_temperature(doctype.logits(Xc[ok]), yc[ok])
    pc = doctype.proba(Xc[ok])
    metrics = {
        "n_train": len(texts), "n_feedback": len(feedback), "n_calibration": int(ok.sum()),
        "type_accuracy_heldout": float((pc.argmax(1) == yc[ok]).mean()),
        "type_ece_heldout": _ece(pc.max(1), pc.argmax(1) == yc[ok]),
        "type_temperature": doctype.temperature,
    }
    subtypes: dict[str, LinearModel] = {}
    # Contracts have nine subtypes but only n_per_class documents in the type model; extra
    # generated contracts (subtype model only, so type priors stay balanced) double that.
    extra = generate(int(n_per_class * CONTRACT_EXTRA), seed + 104729, types=("contract",))
    Xe = fz.transform([d.text for d in extra], [d.n_pages for d in extra]) if extra else None
    for fam, fam_subs in FAMILIES.items():
        idx = [i for i, (t, s) in enumerate(zip(types, subs, strict=True)) if t == fam and s]
        if len({subs[i] for i in idx}) < 2:
            continue
        Xf, yf, wf = X[idx], [subs[i] for i in idx], w[idx]
        if fam == "contract" and Xe is not None:
            Xf = sp.vstack([Xf, Xe], format="csr", dtype=np.float32)
            yf = yf + [d.subtype for d in extra]
            wf = np.concatenate([wf, np.ones(len(extra))])
        m = fit_linear(Xf, yf, list(fam_subs), wf, C, k_best=K_BEST // 2)
        del Xf
        cidx = [i for i, (t, s) in enumerate(zip(cal_types, cal_subs, strict=True))
                if t == fam and s in m.classes]
        ys = np.array([m.classes.index(cal_subs[i]) for i in cidx])
        m.temperature = _fit_temperature(m.logits(Xc[cidx]), ys)
        if cidx:
            metrics[f"{fam}_subtype_accuracy_heldout"] = float(
                (m.proba(Xc[cidx]).argmax(1) == ys).mean())
        subtypes[fam] = m
    config = {"seed": seed, "n_per_class": n_per_class, "C": C, "word_chars": WORD_CHARS,
              "char_chars": CHAR_CHARS, "title_chars": TITLE_CHARS,
              "n_title": N_TITLE, "title_weight": TITLE_WEIGHT, "n_hash": N_HASH, "contract_extra": CONTRACT_EXTRA, "k_best": K_BEST,
              "char_ngrams": list(CHAR_NGRAMS), "generator": GENERATOR_VERSION,
              "n_feedback": len(feedback), "feedback_sha": fb_hash.hexdigest()[:12]}
    metrics = {k: (round(v, 6) if isinstance(v, float) else v) for k, v in metrics.items()}
    version = model_version(config, fz, doctype, subtypes)
    metrics["version"] = version
    t_end = time.perf_counter()
    timings = {"seconds_generate": round(t_gen - t0, 2),
               "seconds_features": round(t_feat - t_gen, 2),
               "seconds_fit": round(t_end - t_feat, 2)}
    return Bundle(version, fz, doctype, subtypes, config, metrics, timings)


def model_version(config: dict, fz: Featurizer, doctype: LinearModel,
                  subtypes: dict[str, LinearModel]) -> str:
    """`<generator version>-<hash>` of the configuration and every learned number.

    Why not a date: `backoffice train` must be reproducible, so the same inputs give the same
    version, and any change of data, code or settings that changes the model changes it."""
    h = hashlib.sha256(json.dumps(config, sort_keys=True).encode())
    for arr in (fz.idf_word, fz.idf_char, fz.idf_title, fz.layout_mean, fz.layout_std):
        h.update(np.ascontiguousarray(arr).tobytes())
    for name, m in [("doctype", doctype)] + sorted(subtypes.items()):
        h.update(name.encode() + "|".join(m.classes).encode())
        for arr in (m.columns, m.coef, m.intercept, np.float64(m.temperature)):
            h.update(np.ascontiguousarray(arr).tobytes())
    return f"{config.get('generator', 'g0')}-{h.hexdigest()[:12]}"


def save_bundle(bundle: Bundle, out_dir: Path, feedback_source: str = "reviewer labels") -> Path:
    """Write the model, its manifest (`feedback_source` names what the labelled documents
    beside the generated ones were) and its metrics."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "classifier.joblib"
    manifest = {"trained_on": "generated documents (training.generators) plus "
                              f"{bundle.config.get('n_feedback', 0)} {feedback_source}",
                "train_sha256": data_sha256(bundle.config),
                "rebuild": REBUILD + (" --shipped" if out_dir.resolve() ==
                                      classifiers.MODEL_DIR.resolve() else "")}
    metrics = json.dumps({"version": bundle.version, "config": bundle.config,
                          "metrics": bundle.metrics}, indent=1, sort_keys=True) + "\n"
    # Every file goes to a temporary name first: a full disk (or a crash) leaves the
    # previous model whole, never a truncated one that the service would then try to load.
    tmp_metrics = out_dir / ".metrics.json.tmp"
    try:
        tmp_metrics.write_text(metrics)
        save_checked(replace(bundle, timings={}), path, manifest)
        os.replace(tmp_metrics, out_dir / "metrics.json")
    finally:
        tmp_metrics.unlink(missing_ok=True)
    return path


@dataclass(frozen=True, slots=True)
class TrainDoc:
    """One TRAIN document as the classifier reads it (`classifiers.model_input`), with its
    labels, source and filer group (`training.docs.filer_group`)."""

    text: str
    n_pages: int
    doc_type: str | None
    subtype: str | None
    source: str
    group: str


def train_split_docs(root: Path = TRAIN_DIR) -> Iterator[TrainDoc]:
    """The TRAIN split's documents through the training cache (`training.docs`; `python -m
    training.docs` fills it)."""
    for d in labelled_docs(root):
        text, n_pages = model_input(d.doc)
        yield TrainDoc(text, n_pages, d.truth.get("doc_type"), d.truth.get("subtype"),
                       d.corpus.source, filer_group(d.corpus))


def train_split_feedback(root: Path = TRAIN_DIR) -> list[tuple[str, str, str | None]]:
    """The TRAIN split's documents as labelled texts `(text, doc_type, subtype)`
    (`train_split_docs`). Real receipts, contracts and resumes beside the generated ones:
    in grouped 5-fold CV on TRAIN (the folds' filers held out, `python -m
    training.classifier_cv`) the type was wrong on 6 of 870 held-out documents with
    generated documents alone and on 3 with the other folds' TRAIN documents added; cuad
    subtypes 273 -> 318 of 363 right, kleister 180 -> 197 of 197."""
    return [(d.text, d.doc_type, d.subtype) for d in train_split_docs(root)
            if d.doc_type in DOC_TYPES]


def train(out_dir: Path | None = None, feedback=(), seed: int = 0,
          n_per_class: int | None = None, feedback_weight: float = FEEDBACK_WEIGHT,
          feedback_source: str = "reviewer labels") -> dict:
    """Rebuild the model from generated documents plus reviewer feedback
    `(text, doc_type, subtype)` (weighted higher). Saves to `out_dir` (default: the shipped
    model dir) and returns metrics. A model already loaded in this process is reloaded."""
    bundle = train_bundle(list(feedback), seed=seed, n_per_class=n_per_class,
                          feedback_weight=feedback_weight)
    out = Path(out_dir) if out_dir else classifiers.MODEL_DIR
    path = save_bundle(bundle, out, feedback_source)
    classifiers.reload_if_loaded()  # a loaded model follows whatever now takes precedence
    return {**bundle.metrics, **bundle.timings, "path": str(path),
            "size_bytes": path.stat().st_size}
