"""How the clause tagger scores a text, shared by tagging and by fitting.

A clause is scored as a whole and sentence by sentence, and each type takes the highest
decision value (`clause_scores`), so one key sentence inside a long clause is not diluted
by its neighbours. Fitting (`training/clauses.py`) calibrates exactly these scores, so the
runtime and the fit must cut sentences the same way: both use this module.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from extractors.clauses.vectors import decision_values

MAX_SENTENCES = 60

_SENT = re.compile(r"(?<=[.;:])\s+(?=[A-Z(\"“\[])|\n\s*(?=\(?[a-z0-9ivx]{1,4}[.)]\s)")
_ABBREV = re.compile(r"\b(?:Inc|Co|Corp|Ltd|No|Sec|St|Mr|Ms|Dr|N\.A|U\.S|L\.P|S\.A|e\.g|i\.e)\.$")


def data_model_path() -> str:
    """Where a feedback-trained model lives: `$BACKOFFICE_DATA_DIR/models/clause_tagger.joblib`."""
    root = os.environ.get("BACKOFFICE_DATA_DIR") or "./data"
    return os.path.join(root, "models", "clause_tagger.joblib")


def sentences(text: str) -> list[str]:
    """Sentences of a clause (abbreviations such as "Inc." do not end one); tiny pieces join
    the next, so a heading stays with its first sentence."""
    parts: list[str] = []
    buf = ""
    for piece in _SENT.split(text):
        buf = f"{buf} {piece}".strip() if buf else piece.strip()
        if len(buf) >= 30 and not _ABBREV.search(buf):
            parts.append(buf)
            buf = ""
    if buf:
        if parts and len(buf) < 30:
            parts[-1] += " " + buf
        else:
            parts.append(buf)
    return parts


def clause_scores(pipe: Any, texts: Sequence[str]) -> np.ndarray:
    """Per text and type, the max decision value over the whole text and its sentences."""
    units: list[str] = []
    owner: list[int] = []
    for i, t in enumerate(texts):
        sents = sentences(t)
        pieces = [t] + (sents[:MAX_SENTENCES] if len(sents) > 1 else [])
        units.extend(pieces)
        owner.extend([i] * len(pieces))
    dec = decision_values(pipe, units)
    if dec.ndim == 1:
        dec = dec[:, None]
    out = np.full((len(texts), dec.shape[1]), -np.inf)
    np.maximum.at(out, np.asarray(owner), dec)
    return out
