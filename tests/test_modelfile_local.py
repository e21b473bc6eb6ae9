"""A model retrained into the data dir before manifests existed is passed over, not fatal."""

import logging
from pathlib import Path

from modelfile import manifest_path, usable_local


def test_local_model_without_manifest_falls_back(tmp_path: Path, caplog) -> None:
    log = logging.getLogger("test")
    model = tmp_path / "classifier.joblib"
    assert not usable_local(model, log)  # absent
    model.write_bytes(b"old model")
    with caplog.at_level(logging.WARNING):
        assert not usable_local(model, log)
    assert "no manifest" in caplog.text
    manifest_path(model).write_text("{}")
    assert usable_local(model, log)
