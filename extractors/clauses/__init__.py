"""Clause splitting and CUAD-style clause-type tagging.

`split_clauses` cuts a contract at its numbering/headings; `tag_clauses` adds, per clause,
the clause types whose calibrated probability clears the model's threshold. A clause is
scored whole and sentence by sentence (max per type), so one key sentence in a long clause
still counts. The model is the reviewed, feedback-trained one at
`$BACKOFFICE_DATA_DIR/models/clause_tagger.joblib` when present, else the shipped
`model/clause_tagger.joblib` (trained only on generated clauses, reproducible with
`python -m training.clauses`, which also retrains on reviewed tags); it is loaded once per
process. The clause types are CUAD's 41, named in `CLAUSE_TYPES`.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import numpy as np

from extractors.clauses.scoring import clause_scores, data_model_path
from extractors.clauses.split import split_clauses
from extractors.types import Clause
from ingest.types import IngestedDocument
from modelfile import load_checked, usable_local

log = logging.getLogger(__name__)

# CUAD's clause types, in the order the tagger's training data lists them.
CLAUSE_TYPES: tuple[str, ...] = (
    "document_name", "parties", "agreement_date", "effective_date", "expiration_date",
    "renewal_term", "notice_period_to_terminate_renewal", "governing_law",
    "most_favored_nation", "competitive_restriction_exception", "non_compete", "exclusivity",
    "no_solicit_of_customers", "no_solicit_of_employees", "non_disparagement",
    "termination_for_convenience", "rofr_rofo_rofn", "change_of_control", "anti_assignment",
    "revenue_profit_sharing", "price_restrictions", "minimum_commitment", "volume_restriction",
    "ip_ownership_assignment", "joint_ip_ownership", "license_grant",
    "non_transferable_license", "affiliate_license_licensor", "affiliate_license_licensee",
    "unlimited_all_you_can_eat_license", "irrevocable_or_perpetual_license",
    "source_code_escrow", "post_termination_services", "audit_rights", "uncapped_liability",
    "cap_on_liability", "liquidated_damages", "warranty_duration", "insurance",
    "covenant_not_to_sue", "third_party_beneficiary",
)
__all__ = ["CLAUSE_TYPES", "ClauseModelMissing", "split_clauses", "tag_clauses", "tag_texts",
           "tag_probabilities", "load_model", "set_model", "model_path"]

MODEL_PATH = os.path.join(os.path.dirname(__file__), "model", "clause_tagger.joblib")
REBUILD = "python -m training.clauses"
_lock = threading.Lock()
_model: dict | None = None
_model_from: str | None = None


class ClauseModelMissing(FileNotFoundError):
    """No clause-tagger model file where one was looked for."""

    def __init__(self, path: str) -> None:
        super().__init__(f"no clause tagger model at {path}: rebuild the shipped one with "
                         "`python -m training.clauses`")
        self.path = path


def model_path() -> str:
    """The reviewed model in the data dir when it exists, else the shipped one."""
    p = data_model_path()
    return p if usable_local(Path(p), log) else MODEL_PATH


def load_model(path: str | None = None) -> dict:
    """The model bundle, loaded once per process (`path` default: `model_path()`) and
    checked against its manifest (a damaged or swapped file raises ModelFileError)."""
    global _model, _model_from
    with _lock:
        want = path or (_model_from if _model is not None else None) or model_path()
        if _model is None or (path is not None and path != _model_from):
            if not os.path.exists(want):
                raise ClauseModelMissing(want)
            _model = load_checked(Path(want), rebuild=REBUILD)
            _model_from = want
        return _model


def set_model(bundle: dict | None) -> None:
    """Use `bundle` (e.g. fresh from `training.clauses.train_clauses`) for later tagging; None
    forgets the loaded model so the next call loads from disk again."""
    global _model, _model_from
    with _lock:
        _model = bundle
        _model_from = "<memory>" if bundle is not None else None


def tag_probabilities(texts: list[str], model: dict | None = None) -> np.ndarray:
    """Calibrated probability per text and clause type (columns: the bundle's classes)."""
    bundle = model or load_model()
    scores = clause_scores(bundle["pipeline"], texts)
    platt = bundle.get("platt")
    if platt is None:  # a bundle from before calibration: plain sigmoid of the decision value
        return 1.0 / (1.0 + np.exp(-scores))
    a = np.array([p[0] for p in platt])
    b = np.array([p[1] for p in platt])
    return 1.0 / (1.0 + np.exp(-(scores * a + b)))


def tag_texts(texts: list[str], model: dict | None = None,
              threshold: float | None = None) -> list[dict[str, float]]:
    """{clause_type: probability} for each text, keeping types at or above the threshold."""
    if not texts:
        return []
    bundle = model or load_model()
    thr = bundle["threshold"] if threshold is None else threshold
    proba = tag_probabilities(texts, bundle)
    classes = bundle["classes"]
    return [{classes[j]: float(p) for j, p in enumerate(row) if p >= thr} for row in proba]


def tag_clauses(doc: IngestedDocument, model: dict | None = None) -> list[Clause]:
    """Split `doc` into clauses and label each with its likely clause types."""
    clauses = split_clauses(doc)
    for clause, labels in zip(clauses, tag_texts([c.text for c in clauses], model), strict=True):
        clause.labels = dict(sorted(labels.items(), key=lambda kv: -kv[1]))
    return clauses
