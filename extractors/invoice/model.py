"""Per-field candidate scorers: a gradient-boosted ranker plus an isotonic calibrator.

The ranker scores each candidate; the calibrator maps the *winning* candidate's score to the
probability that the winner is right (fitted on held-out generated documents, including
ones where the field is absent), which is what CONTRACT.md asks `confidence` to mean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from extractors.invoice.candidates import (
    DATE_FIELDS,
    ID_FIELDS,
    MONEY_FIELDS,
    Candidate,
    field_features,
    name_features,
)
from modelfile import load_checked

MODEL_PATH = Path(__file__).parent / "model" / "invoice_fields.joblib"
REBUILD = "python -m training.invoice_fields"
SCORED_FIELDS = (*MONEY_FIELDS, *DATE_FIELDS, *ID_FIELDS, "vendor_name")
GROUP_OF = {**{f: "money" for f in MONEY_FIELDS}, **{f: "date" for f in DATE_FIELDS},
            **{f: "id" for f in ID_FIELDS}, "vendor_name": "name"}


def features(c: Candidate, field_name: str) -> list[float]:
    return name_features(c) if field_name == "vendor_name" else field_features(c, field_name)


def same_value(field_name: str, got: str, want: Any) -> bool:
    """Truth comparison used for training labels and tests (normal forms, lenient on case,
    spaces and the '#'/':' that often hug identifiers)."""
    if want is None:
        return False
    a, b = str(got).lower(), str(want).lower()
    if field_name in ID_FIELDS or field_name == "vendor_name":
        a, b = re.sub(r"[\s#:]", "", a), re.sub(r"[\s#:]", "", b)
    return a == b


@dataclass
class FieldModel:
    ranker: Any  # sklearn classifier with predict_proba
    calibrator: Any  # sklearn IsotonicRegression over the ranker score

    def scores(self, X: np.ndarray) -> np.ndarray:
        return self.ranker.predict_proba(X)[:, 1]

    def calibrate(self, s: float) -> float:
        return float(np.clip(self.calibrator.predict([s])[0], 0.0, 1.0))

    def calibrate_all(self, s: np.ndarray) -> list[float]:
        """`calibrate` of every score in one call: one sklearn input check per field rather
        than one per candidate (a fifth of the extraction time of a long text)."""
        if len(s) == 0:
            return []
        return [float(v) for v in np.clip(self.calibrator.predict(np.asarray(s, float)), 0.0, 1.0)]


_CACHE: dict[str, dict[str, FieldModel]] = {}


def load(path: Path = MODEL_PATH) -> dict[str, FieldModel] | None:
    """The trained models, or None when `python -m training.invoice_fields` never ran; a
    file that does not match its manifest raises ModelFileError."""
    key = str(path)
    if key not in _CACHE:
        if not path.exists():
            return None
        _CACHE[key] = load_checked(path, rebuild=REBUILD)
    return _CACHE[key]
