"""Training: reviewer feedback is learned; the CLI command rebuilds and reports metrics."""

import json
import random

import pytest

from classifiers import classify_text
from classifiers.model import load_bundle
from training.classifier import train

WORDS = ["zorblax", "quillet", "marnow", "gravish", "tundle", "proff", "vessick", "lumbro"]


def _odd_doc(rng: random.Random) -> str:
    """A document kind no template produces; reviewers call it an HR document."""
    lines = ["GUILD OF CARTOGRAPHERS - LUNAR HARVEST LEDGER"]
    lines += [" ".join(rng.choice(WORDS) for _ in range(6)) for _ in range(8)]
    return "\n".join(lines)


@pytest.mark.slow
def test_feedback_changes_prediction(tmp_path):
    rng = random.Random(0)
    probe = _odd_doc(random.Random(99))
    train(out_dir=tmp_path / "base", n_per_class=20, seed=1)
    base = load_bundle(tmp_path / "base" / "classifier.joblib")
    before = classify_text(probe, threshold=0.0, bundle=base)
    target = "receipt" if before.doc_type != "receipt" else "contract"
    feedback = [(_odd_doc(rng), target, None) for _ in range(40)]
    metrics = train(out_dir=tmp_path / "fb", feedback=feedback, n_per_class=20, seed=1)
    assert metrics["n_feedback"] == 40
    tuned = load_bundle(tmp_path / "fb" / "classifier.joblib")
    after = classify_text(probe, threshold=0.0, bundle=tuned)
    assert after.doc_type == target, (before, after)
    assert tuned.version != base.version


@pytest.mark.slow
def test_train_command(tmp_path, capsys, monkeypatch):
    from api.commands import train as cmd

    monkeypatch.setenv("BACKOFFICE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    import argparse

    p = argparse.ArgumentParser()
    cmd.add_arguments(p)
    args = p.parse_args(["--seed", "3", "--out", str(tmp_path / "m"), "--n-per-class", "15"])
    assert cmd.run(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["version"] and (tmp_path / "m" / "classifier.joblib").exists()
    manifest = json.loads((tmp_path / "m" / "classifier.json").read_text())
    assert manifest["version"] == out["version"] and manifest["rebuild"] == "backoffice train"
    assert 0 <= out["type_accuracy_heldout"] <= 1


@pytest.mark.slow
def test_training_is_reproducible(tmp_path):
    """Same seed and settings: the same model file, byte for byte, and the same version."""
    feedback = [(_odd_doc(random.Random(i)), "hr", "timesheet") for i in range(6)]
    a = train(out_dir=tmp_path / "a", n_per_class=12, seed=5, feedback=feedback)
    b = train(out_dir=tmp_path / "b", n_per_class=12, seed=5, feedback=feedback)
    assert a["version"] == b["version"]
    assert (tmp_path / "a" / "classifier.joblib").read_bytes() == \
        (tmp_path / "b" / "classifier.joblib").read_bytes()
    c = train(out_dir=tmp_path / "c", n_per_class=12, seed=6, feedback=feedback)
    assert c["version"] != a["version"]
    from training.generators import GENERATOR_VERSION

    assert a["version"].startswith(GENERATOR_VERSION + "-")


def test_reviewed_documents_stand_in_for_generated_ones():
    from training.classifier import MIN_PER_CLASS, N_PER_CLASS, generated_per_class

    assert generated_per_class(0) == N_PER_CLASS
    assert generated_per_class(500) == N_PER_CLASS - 100
    assert generated_per_class(10_000) == MIN_PER_CLASS < N_PER_CLASS
