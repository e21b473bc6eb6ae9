"""Document classification: doc_type (+ subtype) with a calibrated confidence.

    from classifiers import classify, MODEL_VERSION
    c = classify(ingested_doc)          # Classification(doc_type, type_confidence, subtype, ...)

Fitting (on generated documents plus reviewer labels) is `training.classifier.train`,
outside the runtime.

The model (a joblib bundle in `classifiers/model/`) is loaded once per process, lazily.
Below the threshold (argument, else env BACKOFFICE_TYPE_THRESHOLD, else 0.6) the classifier
abstains: doc_type "other", `abstained=True`, and the pipeline routes it to review.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import replace
from pathlib import Path

from classifiers.types import Classification

__all__ = [
    "classify", "classify_text", "model_input", "MODEL_VERSION", "MODEL_DIR", "reload", "reload_if_loaded",
    "local_model_dir",
]

MODEL_DIR = Path(__file__).parent / "model"
DEFAULT_THRESHOLD = 0.6
log = logging.getLogger(__name__)
_lock = threading.Lock()
_bundle = None


def local_model_dir() -> Path:
    """Where a model retrained on this installation's reviewer feedback lives: the data
    dir, never the package (an upgrade must not erase it, and it holds users' data)."""
    root = Path(os.environ.get("BACKOFFICE_DATA_DIR") or "./data")
    return root / "models" / "classifier"


def _model_path() -> Path:
    """BACKOFFICE_CLASSIFIER_MODEL, else the retrained model in the data dir, else the
    shipped one."""
    env = os.environ.get("BACKOFFICE_CLASSIFIER_MODEL")
    if env:
        return Path(env)
    from modelfile import usable_local

    local = local_model_dir() / "classifier.joblib"
    return local if usable_local(local, log) else MODEL_DIR / "classifier.joblib"


def _get():
    global _bundle
    if _bundle is None:
        with _lock:
            if _bundle is None:
                from classifiers.model import load_bundle

                _bundle = load_bundle(_model_path())
    return _bundle


def reload(path: Path | None = None) -> str:
    """Drop the cached model (e.g. after `train`); returns the newly loaded version."""
    global _bundle
    from classifiers.model import load_bundle

    with _lock:
        _bundle = load_bundle(path or _model_path())
    return _bundle.version


def reload_if_loaded() -> None:
    """After a model file changed (e.g. a retrain): a model already loaded in this process
    follows whatever now takes precedence; nothing is loaded when none was."""
    if _bundle is not None:
        reload(_model_path())


def __getattr__(name: str):
    if name == "MODEL_VERSION":
        try:
            return _get().version
        except FileNotFoundError:
            return "none"
    raise AttributeError(name)


def _threshold(threshold: float | None) -> float:
    if threshold is not None:
        return threshold
    try:
        return float(os.environ.get("BACKOFFICE_TYPE_THRESHOLD", DEFAULT_THRESHOLD))
    except ValueError:
        return DEFAULT_THRESHOLD


def classify_text(text: str, n_pages: int = 1, threshold: float | None = None,
                  bundle=None) -> Classification:
    """Classify raw text (pages joined by form feeds); `bundle` overrides the shipped model
    (e.g. one just trained into a temporary folder, see `classifiers.model.load_bundle`)."""
    b = bundle if bundle is not None else _get()
    thr = _threshold(threshold)
    # one row, evaluated with NumPy alone: the same numbers as the SciPy matrix of
    # `featurizer.transform` (classifiers.model.Row), without importing SciPy's sparse module
    row = b.featurizer.row(text, n_pages)
    p = b.doctype.row_proba(row)[0]
    k = int(p.argmax())
    names = b.featurizer.names(text)
    doc_type = b.doctype.classes[k]
    c = Classification(
        doc_type=doc_type, type_confidence=round(float(p[k]), 4),
        reasons=b.doctype.explain(row, k, names), model_version=b.version,
    )
    c.probabilities = {cls: round(float(v), 4) for cls, v in zip(b.doctype.classes, p,
                                                                  strict=True)}
    c.predicted_type = doc_type
    sub = b.subtypes.get(doc_type)
    if sub is not None:
        ps = sub.row_proba(row)[0]
        j = int(ps.argmax())
        c.subtype, c.subtype_confidence = sub.classes[j], round(float(ps[j]), 4)
    if c.type_confidence < thr and doc_type != "other":
        other_p = c.probabilities.get("other", 0.0)
        c = replace(c, doc_type="other", type_confidence=other_p, subtype=None,
                    subtype_confidence=None, abstained=True)
    return c


EINVOICE_MODEL = "e-invoice"  # the model_version of a type read from an e-invoice's XML


def classify(doc, threshold: float | None = None) -> Classification:
    """Classify an `ingest.types.IngestedDocument`. Metadata title/subject are prepended:
    some PDFs (XFA forms) carry their identity only there. A structured e-invoice (its XML
    in the PDF, or the XML itself) is an invoice by its own declaration."""
    structured = getattr(doc, "structured", None)
    if structured is not None:
        return Classification(
            doc_type="invoice", type_confidence=1.0, reasons=[f"e-invoice:{structured.syntax}"],
            model_version=EINVOICE_MODEL, probabilities={"invoice": 1.0},
            predicted_type="invoice")
    text, n_pages = model_input(doc)
    return classify_text(text, n_pages=n_pages, threshold=threshold)


def model_input(doc) -> tuple[str, int]:
    """The text (metadata title/subject first) and page count the model reads of `doc`:
    the same for a document classified here and one the model is trained on."""
    meta = getattr(doc, "metadata", None) or {}
    head = " ".join(str(meta[k]) for k in ("title", "subject") if meta.get(k))
    text = doc.text
    if head:
        text = head + "\n" + text
    return text, max(1, len(doc.pages))
