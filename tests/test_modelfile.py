"""Model files are refused when they do not match their manifest."""

import json

import pytest

from modelfile import ModelFileError, load_checked, manifest_path, save_checked


def test_round_trip_records_version_and_hash(tmp_path):
    path = tmp_path / "m.joblib"
    meta = save_checked({"version": "v1", "w": [1, 2]}, path, {"rebuild": "python -m x"})
    assert meta["version"] == "v1" and len(meta["sha256"]) == 64
    assert json.loads(manifest_path(path).read_text())["rebuild"] == "python -m x"
    assert load_checked(path)["w"] == [1, 2]


def test_a_changed_file_is_refused(tmp_path):
    path = tmp_path / "m.joblib"
    save_checked({"version": "v1"}, path, {})
    save_checked({"version": "v2"}, tmp_path / "other.joblib", {})
    path.write_bytes((tmp_path / "other.joblib").read_bytes())  # swapped by hand
    with pytest.raises(ModelFileError, match="does not match"):
        load_checked(path)


def test_a_missing_manifest_is_refused_and_a_missing_file_is_absent(tmp_path):
    path = tmp_path / "m.joblib"
    save_checked({"version": "v1"}, path, {})
    manifest_path(path).unlink()
    with pytest.raises(ModelFileError, match="manifest"):
        load_checked(path)
    with pytest.raises(FileNotFoundError):
        load_checked(tmp_path / "none.joblib")


def test_a_bundle_without_a_version_is_named_by_its_bytes(tmp_path):
    path = tmp_path / "m.joblib"
    meta = save_checked({"w": [1]}, path, {"rebuild": "python -m x"})
    assert meta["version"] == f"sha256-{meta['sha256'][:12]}"
    assert load_checked(path) == {"w": [1]}
    path.write_bytes(path.read_bytes()[:-1] + b"\0")
    with pytest.raises(ModelFileError, match="python -m x"):
        load_checked(path)
