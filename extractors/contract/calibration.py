"""Turn a contract field's evidence into a calibrated probability that it is right.

Hand-set per-pattern reliabilities were overconfident on real contracts (fields reported at
0.8-0.9 were right ~70% of the time). Here a logistic regression reads the evidence behind
each field (field, pattern, heuristic support, agreeing mentions, competing values, where in
the document the value sits, whether it was derived) and is fitted only on generated
contracts with their distractors (`training/contract_calibration.py`), so it is
reproducible from the repository: `python -m training.contract_calibration` rewrites
`model/field_calibration.joblib`. This module only loads and applies it.
"""

from __future__ import annotations

import math
import os
import threading
from pathlib import Path

from extractors.scorer import feature_matrix
from extractors.types import Field
from modelfile import load_checked

MODEL_PATH = os.path.join(os.path.dirname(__file__), "model", "field_calibration.joblib")
REBUILD = "python -m training.contract_calibration"
# generated contracts are cleaner than real ones; never claim more than this
CEILING = 0.95
# A party list is right only when every name is, and generated preambles cannot cover the
# long tail of real ones (affiliates, individuals signing for companies, redactions), so
# the synthetic fit says ~1.0 where real lists are far less often complete. Capped until
# reviewed real documents can be folded into the fit.
FIELD_CEILING = {"title": 0.9}
MIN_SUPPORT = 100  # generated fields of a (field, pattern) needed to trust the fit for it
_lock = threading.Lock()
_model: dict | None = None
_loaded = False


def features(name: str, f: Field, info: dict[str, float], n_chars: int) -> dict[str, float]:
    pattern = f.source.split(":", 1)[-1] if f.source.startswith("regex:") else f.source
    raw = min(0.99, max(0.01, float(f.confidence)))
    start = info.get("start", 0.0)
    return {
        f"field={name}": 1.0,
        f"pattern={pattern}": 1.0,
        f"fp={name}|{pattern}": 1.0,
        "raw_logit": math.log(raw / (1 - raw)),
        "log_agree": math.log1p(info.get("n_agree", 1.0)),
        "competing": min(3.0, info.get("n_values", 1.0) - 1),
        "second": info.get("second", 0.0),
        "rel_pos": start / max(1, n_chars),
        "late_page": float((f.page or 1) > 3),
        "derived": float(f.source.startswith("derived")),
        "event_effective": info.get("event_effective", 0.0),
        # party-list difficulty: how many names, how long, how name-like, which route
        **({"n_names": min(6.0, info.get("n_names", 0.0)),
            "name_len": min(8.0, info.get("mean_words", 0.0)),
            "frac_corp": info.get("frac_corp", 0.0),
            "frac_caps": info.get("frac_caps", 0.0),
            "single": float(info.get("n_names", 0.0) <= 1),
            # "Vantor Inc.": short suffixed names are the clearest evidence there is
            "short_corp": float(info.get("mean_words", 9.0) <= 2.5) * info.get("frac_corp", 0.0),
            } if name == "parties" else {}),
    }


def load() -> dict | None:
    """The shipped calibration model (once per process), or None when absent; a file that
    does not match its manifest raises ModelFileError (every time: nothing is cached)."""
    global _model, _loaded
    with _lock:
        if not _loaded:
            if os.path.exists(MODEL_PATH):
                _model = load_checked(Path(MODEL_PATH), rebuild=REBUILD)
            _loaded = True
        return _model


def apply(fields: dict[str, Field], evidence: dict[str, dict[str, float]], n_chars: int,
          model: dict | None = None) -> None:
    """Replace each field's heuristic confidence with the calibrated one, in place."""
    bundle = model or load()
    if not bundle or not fields:
        return
    names = list(fields)
    x = feature_matrix(bundle["vec"], [features(n, fields[n], evidence.get(n, {}), n_chars)
                                       for n in names])
    p = bundle["clf"].predict_proba(x)[:, 1]
    seen = bundle.get("support", {})
    for n, pi in zip(names, p, strict=True):
        key = next(k for k in features(n, fields[n], {}, n_chars) if k.startswith("fp="))
        if seen and seen.get(key, 0) < MIN_SUPPORT:
            # the generator hardly produces this pattern: keep the heuristic reliability
            pi = fields[n].confidence
        top = FIELD_CEILING.get(n, CEILING)
        fields[n].confidence = round(float(min(top, max(0.02, pi))), 4)
