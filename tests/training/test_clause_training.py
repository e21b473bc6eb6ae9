"""Fitting the clause tagger (training/clauses.py) on generated clauses and reviewed tags."""

import json
import os
import re

import pytest

from extractors.clauses import CLAUSE_TYPES, tag_texts
from training.clauses import train_clauses
from training.synth.clauses import CATEGORIES, T, generate


@pytest.mark.slow
def test_feedback_changes_a_tag():
    probe = "The parties shall meet quarterly to review the marketing plan for the Blorfs."
    base = train_clauses(seed=0, save=False, n_per_class=10, calibrated=False)
    before = tag_texts([probe], model=base)[0]
    assert "revenue_profit_sharing" not in before
    feedback = [(probe, ["revenue_profit_sharing"]),
                ("Each quarter the parties review the Blorfs marketing plan together.",
                 ["revenue_profit_sharing"])]
    after_model = train_clauses(feedback, seed=0, save=False, n_per_class=10,
                                calibrated=False)
    after = tag_texts([probe], model=after_model)[0]
    assert "revenue_profit_sharing" in after


def test_generated_clauses_fill_every_slot_and_cover_all_types():
    data = generate(n_per_class=6, n_other=30, seed=7)
    assert not [t for t, _ in data if re.search(r"\{[A-Z0-9_]+\}", t)]
    seen = {lab for _, labs in data for lab in labs}
    assert seen == set(CLAUSE_TYPES)
    assert any(not labs for _, labs in data)  # hard negatives
    assert all(len(T[c]) >= 8 for c in CLAUSE_TYPES)


def test_default_training_path_is_the_data_dir(tmp_path, monkeypatch):
    from extractors.clauses import MODEL_PATH, load_model, model_path, set_model
    from training.clauses import train_and_use

    monkeypatch.setenv("BACKOFFICE_DATA_DIR", str(tmp_path))
    shipped_mtime = os.path.getmtime(MODEL_PATH)
    assert model_path() == MODEL_PATH
    try:
        bundle = train_and_use([("The Blorf clause.", ["audit_rights"])], n_per_class=4,
                               calibrated=False)
        saved = tmp_path / "models" / "clause_tagger.joblib"
        assert saved.exists() and model_path() == str(saved)
        manifest = json.loads(saved.with_suffix(".json").read_text())
        assert manifest["rebuild"] == "python -m training.clauses"
        assert len(manifest["train_sha256"]) == 64 and "1 reviewed" in manifest["trained_on"]
        assert os.path.getmtime(MODEL_PATH) == shipped_mtime
        set_model(None)
        assert load_model()["meta"] == bundle["meta"]  # reloaded from the data dir
    finally:
        set_model(None)


def test_runtime_clause_types_are_the_generated_ones():
    """`extractors.clauses.CLAUSE_TYPES` is written out for the runtime; the templates the
    tagger learns from and the shipped model must name the same types in the same order."""
    from extractors.clauses import MODEL_PATH, load_model

    assert CATEGORIES == CLAUSE_TYPES
    assert tuple(load_model(MODEL_PATH)["classes"]) == CLAUSE_TYPES


def test_missing_model_file_is_a_named_error(tmp_path):
    from extractors.clauses import ClauseModelMissing, load_model, set_model

    missing = tmp_path / "none.joblib"
    try:
        with pytest.raises(ClauseModelMissing, match="python -m training.clauses"):
            load_model(str(missing))
        assert not missing.exists()  # nothing is trained behind the caller's back
    finally:
        set_model(None)
