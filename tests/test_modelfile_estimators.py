"""Model files' gradient-boosted trees and vectorisers evaluated with NumPy
(`modelfile.estimators`): the same probabilities as scikit-learn's, to the bit, for every
shipped model and for small models fitted here; what they do not reproduce loads with
scikit-learn; no stand-in is written into a file; the fields extracted from cached TRAIN
readings are the same either way."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import GradientBoostingClassifier, HistGradientBoostingClassifier
from sklearn.feature_extraction import DictVectorizer

from modelfile import container, load_checked, save_checked
from modelfile.convert import shipped
from modelfile.estimators import (
    DictVectorizerMap,
    Dummy,
    GradientBoosting,
    HistGradientBoosting,
    _Pickled,
    _stacked,
)

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "ingest"


def _pairs(light: Any, sk: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """(where, stand-in, scikit-learn object) for every stand-in in a loaded bundle."""
    out: list[tuple[str, Any, Any]] = []
    if isinstance(light, dict):
        for k in light:
            out += _pairs(light[k], sk[k], f"{path}/{k}")
    elif isinstance(light, _Pickled):
        out.append((path, light, sk))
    elif hasattr(light, "__dict__") and type(light).__module__.startswith(
            ("extractors", "classifiers")):
        for k in vars(light):
            out += _pairs(getattr(light, k), getattr(sk, k), f"{path}.{k}")
    return out


def _rows(model: Any, n: int, rng: np.random.Generator) -> np.ndarray:
    X = rng.normal(0, 3, (n, model.n_features_in_))
    X[rng.random(X.shape) < 0.3] = 0
    X[rng.random(X.shape) < 0.2] = 1
    forest = model._forest
    for i in range(min(n, 60)):  # rows that hit split thresholds exactly
        j = int(rng.integers(len(forest.threshold)))
        X[i, forest.feature[j]] = forest.threshold[j]
    if isinstance(model, HistGradientBoosting):
        X[rng.random(X.shape) < 0.05] = np.nan
    return X


def test_every_shipped_model_gives_sklearns_probabilities_to_the_bit() -> None:
    rng = np.random.default_rng(0)
    seen = {HistGradientBoosting: 0, GradientBoosting: 0, DictVectorizerMap: 0}
    for path in shipped(ROOT):
        light, sk = load_checked(path), load_checked(path, sklearn=True)
        for where, a, b in _pairs(light, sk):
            assert not isinstance(b, _Pickled), (path, where)
            if isinstance(a, HistGradientBoosting | GradientBoosting):
                X = _rows(a, 300, rng)
                pa, pb = a.predict_proba(X), b.predict_proba(X)
                assert np.abs(pa - pb).max() <= 1e-9, (path, where)
                assert np.array_equal(pa, pb), (path, where)
                assert np.array_equal(a.classes_, b.classes_)
                seen[type(a)] += 1
            elif isinstance(a, DictVectorizerMap):
                assert a.vocabulary_ == b.vocabulary_ and a.feature_names_ == b.feature_names_
                names = list(a.vocabulary_)[:6]
                rows = [{n: float(rng.normal()) for n in names}, {"unknown": 1.0},
                        {names[0]: None, names[1]: "x", names[2]: ["a", "b", "a"]}, {}]
                assert np.array_equal(a.transform(rows), b.transform(rows), equal_nan=True)
                seen[DictVectorizerMap] += 1
    assert all(seen.values()), seen


def _save_and_load(tmp_path: Path, bundle: Any, light: bool = True) -> Any:
    path = tmp_path / "m.joblib"
    save_checked(bundle, path, {"rebuild": "test"})
    return load_checked(path, sklearn=not light)


def test_small_fitted_models_match_sklearn(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(400, 5))
    y = (X[:, 0] + X[:, 1] * X[:, 2] > 0.3).astype(int)
    Xn = X.copy()
    Xn[rng.random(X.shape) < 0.1] = np.nan
    models = {
        "hgb_nan": HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(Xn, y),
        "gb_prior": GradientBoostingClassifier(n_estimators=20, random_state=0).fit(X, y),
        "gb_zero": GradientBoostingClassifier(n_estimators=10, init="zero",
                                              random_state=0).fit(X, y),
        "dummy": DummyClassifier(strategy="most_frequent").fit(X, y),
    }
    loaded = _save_and_load(tmp_path, models)
    assert isinstance(loaded["hgb_nan"], HistGradientBoosting)
    assert isinstance(loaded["gb_prior"], GradientBoosting)
    assert isinstance(loaded["dummy"], Dummy)
    T = rng.normal(size=(200, 5))
    Tn = T.copy()
    Tn[rng.random(T.shape) < 0.1] = np.nan
    assert np.array_equal(loaded["hgb_nan"].predict_proba(Tn), models["hgb_nan"].predict_proba(Tn))
    for name in ("gb_prior", "gb_zero", "dummy"):
        assert np.array_equal(loaded[name].predict_proba(T), models[name].predict_proba(T)), name
    with pytest.raises(ValueError):
        loaded["gb_prior"].predict_proba(Tn)  # scikit-learn refuses NaN here too
    with pytest.raises(ValueError):
        loaded["hgb_nan"].predict_proba(T[:, :4])


def test_what_the_stand_ins_do_not_reproduce_loads_with_sklearn(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    X = rng.normal(size=(300, 3))
    y3 = rng.integers(0, 3, 300)
    multi = HistGradientBoostingClassifier(max_iter=5).fit(X, y3)
    sparse_vec = DictVectorizer(sparse=True).fit([{"a": 1}])
    loaded = _save_and_load(tmp_path, {"multi": multi, "vec": sparse_vec})
    assert type(loaded["multi"]) is HistGradientBoostingClassifier
    assert type(loaded["vec"]) is DictVectorizer
    assert np.array_equal(loaded["multi"].predict_proba(X), multi.predict_proba(X))


def test_a_stand_in_is_never_written_into_a_model_file(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    X = rng.normal(size=(100, 2))
    light = _save_and_load(tmp_path, {"clf": HistGradientBoostingClassifier(max_iter=3).fit(
        X, (X[:, 0] > 0).astype(int))})
    with pytest.raises(container.ModelFormatError):
        container.dumps(light)
    # the file holds scikit-learn's object, which a plain unpickler reads
    raw = (tmp_path / "m.joblib").read_bytes()
    assert type(pickle.loads(__import__("zlib").decompress(raw))["clf"]) is \
        HistGradientBoostingClassifier


def test_loading_the_invoice_and_receipt_models_imports_no_sklearn() -> None:
    code = (
        "import json, sys; from pathlib import Path; from modelfile import load_checked; "
        "[load_checked(p) for p in sorted(Path('extractors').glob('*/model/*.joblib')) "
        "if p.parent.parent.name in ('invoice', 'hr')]; "
        "load_checked(Path('extractors/model/recalibration.joblib')); "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'sklearn', 'scipy'})))")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120, check=True)
    assert json.loads(out.stdout) == []


_DUMP = """
import json, sys
from pathlib import Path
from classifiers import classify
from extractors import extract
from training.docs import read_cached
out = []
for p in sorted(Path('.cache/ingest').glob('*.pkl'))[:int(sys.argv[1])]:
    doc, _ = read_cached(p)
    c = classify(doc)
    fields = extract(doc, c)
    out.append([p.name, c.doc_type, {k: [str(f.value), f.confidence] for k, f in fields.items()}])
print(json.dumps(out))
"""


@pytest.mark.slow
def test_fields_of_train_readings_are_the_same_with_sklearns_objects() -> None:
    if not CACHE.is_dir() or not any(CACHE.glob("*.pkl")):
        pytest.skip(f"no cached TRAIN readings under {CACHE} (see training/docs.py)")
    runs = []
    for stand_ins in ("1", "0"):
        env = dict(os.environ, PYTHONPATH=str(ROOT), **{container.STAND_INS_ENV: stand_ins})
        out = subprocess.run([sys.executable, "-c", _DUMP, "40"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=900, check=True)
        runs.append(json.loads(out.stdout))
    assert runs[0] == runs[1]
    assert sum(len(fields) for _, _, fields in runs[0]) > 40


def test_tree_records_are_stacked_as_numpy_concatenates_them() -> None:
    # one structured dtype: the bytes joined (no dtype promotion per pair of trees)
    rec = np.dtype([("left", "<i8"), ("threshold", "<f8"), ("is_leaf", "u1")])
    parts = [np.array([(i, i / 3, i % 2) for i in range(n)], dtype=rec) for n in (3, 0, 5, 1)]
    got, want = _stacked(parts), np.concatenate(parts)
    assert got.dtype == want.dtype and got.tobytes() == want.tobytes()
    assert got["threshold"].tolist() == want["threshold"].tolist()
    # anything else (other dtypes, a strided part) as np.concatenate gives it
    other = np.array([(7, 0.5)], dtype=[("left", "<i4"), ("threshold", "<f4")])
    mixed = _stacked([parts[0][["left", "threshold"]], other])
    assert mixed.tolist() == np.concatenate([parts[0][["left", "threshold"]], other]).tolist()
    assert _stacked([parts[2][::2]]).tolist() == parts[2][::2].tolist()
