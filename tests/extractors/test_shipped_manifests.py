"""Every shipped model file loads through its manifest: the shipped one loads, and a copy
with one byte changed is refused with a message naming how to rebuild it."""

import shutil
from pathlib import Path

import pytest

import extractors.clauses as clauses
from classifiers import MODEL_DIR as CLASSIFIER_DIR
from classifiers.model import Bundle, load_bundle
from extractors.contract import calibration as contract_calibration
from extractors.invoice import calibrate as invoice_calibration
from extractors.invoice import model as invoice_model
from modelfile import ModelFileError, manifest_path


def _contract_calibration(path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(contract_calibration, "MODEL_PATH", str(path))
    monkeypatch.setattr(contract_calibration, "_loaded", False)
    monkeypatch.setattr(contract_calibration, "_model", None)
    return contract_calibration.load()


def _clause_tagger(path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(clauses, "_model", None)  # restored afterwards: no test sees ours
    monkeypatch.setattr(clauses, "_model_from", None)
    return clauses.load_model(str(path))


def _invoice_fields(path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(invoice_model, "_CACHE", {})
    return invoice_model.load(path)


def _final_calibration(path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(invoice_calibration, "_CACHE", {})
    return invoice_calibration.load(path)


# (shipped file, loader, what a loaded bundle must look like, rebuild command)
SHIPPED = {
    "classifier": (CLASSIFIER_DIR / "classifier.joblib", lambda p, _m: load_bundle(p),
                   lambda b: isinstance(b, Bundle) and b.version.startswith("g"),
                   "backoffice train --shipped"),
    "invoice_fields": (invoice_model.MODEL_PATH, _invoice_fields,
                       lambda b: "total_amount" in b, "python -m training.invoice_fields"),
    "final_calibration": (invoice_calibration.CALIBRATION_PATH, _final_calibration,
                          lambda b: "invoice_date" in b, "python -m training.invoice_calibration"),
    "contract_calibration": (Path(contract_calibration.MODEL_PATH), _contract_calibration,
                             lambda b: {"vec", "clf"} <= set(b),
                             "python -m training.contract_calibration"),
    "clause_tagger": (Path(clauses.MODEL_PATH), _clause_tagger,
                      lambda b: "pipeline" in b and len(b["classes"]) == len(clauses.CLAUSE_TYPES),
                      "python -m training.clauses"),
}


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_model_loads_and_a_changed_byte_is_refused(name, tmp_path, monkeypatch):
    shipped, load, looks_right, rebuild = SHIPPED[name]
    assert manifest_path(shipped).exists(), f"{shipped} ships without a manifest"
    assert looks_right(load(shipped, monkeypatch))

    copy = tmp_path / shipped.name
    shutil.copyfile(shipped, copy)
    shutil.copyfile(manifest_path(shipped), manifest_path(copy))
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0x01
    copy.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="does not match") as err:
        load(copy, monkeypatch)
    assert rebuild in str(err.value)


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_a_copy_without_its_manifest_is_refused(name, tmp_path, monkeypatch):
    shipped, load, _looks_right, rebuild = SHIPPED[name]
    copy = tmp_path / shipped.name
    shutil.copyfile(shipped, copy)
    with pytest.raises(ModelFileError, match="manifest") as err:
        load(copy, monkeypatch)
    assert rebuild.split(" --")[0] in str(err.value)
