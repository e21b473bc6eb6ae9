"""Scheduled retraining: reviewed types reach the classifier, in the data dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.web.retrain import Retrainer
from records.db import session_scope
from records.models import TypeFeedback
from workflow.process import Pipeline
from workflow.settings import Settings

ODD = ("Zorblax flux capacitor calibration manifest. Quibble ratio 7. Frobnication log "
       "entries follow. Zorblax units recalibrated by the night crew. ") * 5


@pytest.mark.slow
def test_retrain_learns_reviewed_type(data_dir: Path, tmp_path: Path, monkeypatch) -> None:
    import classifiers

    monkeypatch.delenv("BACKOFFICE_CLASSIFIER_MODEL", raising=False)
    pipe = Pipeline(Settings.from_env())
    src = tmp_path / "odd.txt"
    src.write_text(ODD)
    before = pipe.process_path(src)
    with session_scope(pipe.sessions) as s:
        for _ in range(3):
            s.add(TypeFeedback(document_id=before["document_id"], doc_type="receipt",
                               predicted_type=before["doc_type"], actor="rita"))
    job = Retrainer(pipe.settings, pipe.sessions, n_per_class=60)
    assert job.pending() == 3
    try:
        metrics = job.run_once()
        assert metrics is not None
        assert (classifiers.local_model_dir() / "classifier.joblib").exists()
        assert job.pending() == 0 and job.run_once() is None
        after = classifiers.classify_text(ODD)
        assert after.doc_type == "receipt", (before["doc_type"], after)
    finally:
        classifiers.reload(classifiers.MODEL_DIR / "classifier.joblib")
