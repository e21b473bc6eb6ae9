"""Model files are refused when they do not match their manifest; both file forms load, and
isotonic calibrators load as NumPy maps with sklearn's outputs."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from modelfile import (
    ModelFileError,
    container,
    load_checked,
    manifest_path,
    save_checked,
    write_manifest,
)
from modelfile.isotonic import CalibratorInputError, IsotonicMap


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


# ---------------------------------------------------------------- the file form and calibrators
SHIPPED = sorted(p for p in Path(__file__).resolve().parents[1].glob("*/**/model/*.joblib")
                 if ".cache" not in p.parts)


def _pairs(ours, theirs, where="bundle"):
    """(where, our object, joblib's object) for every isotonic calibrator in two loadings of
    one bundle, walked in parallel."""
    if isinstance(ours, IsotonicMap):
        yield where, ours, theirs
    elif isinstance(ours, dict):
        for k in ours:
            yield from _pairs(ours[k], theirs[k], f"{where}[{k!r}]")
    elif isinstance(ours, list | tuple):
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            yield from _pairs(a, b, f"{where}[{i}]")
    elif hasattr(ours, "__dict__") and not type(ours).__module__.startswith(
            ("sklearn", "numpy", "modelfile.estimators")):  # stand-ins hold no calibrator
        for k, v in vars(ours).items():
            yield from _pairs(v, getattr(theirs, k), f"{where}.{k}")


def _points(iso):
    x = np.asarray(iso.X_thresholds_, dtype=float)
    rng = np.random.default_rng(0)
    span = float(x[-1] - x[0]) or 1.0
    mids = (x[:-1] + x[1:]) / 2 if len(x) > 1 else x
    return np.concatenate([x, mids, np.nextafter(x, -np.inf), np.nextafter(x, np.inf),
                           rng.uniform(x[0] - span, x[-1] + span, 2000),
                           [x[0] - 1e6, x[-1] + 1e6, 0.0, 1.0]])


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_calibrators_load_without_scipy_and_map_every_score_as_sklearn(path):
    import joblib

    ours, theirs = container.loads(path.read_bytes(), str(path)), joblib.load(path)
    pairs = list(_pairs(ours, theirs))
    for where, ours_iso, iso in pairs:
        assert type(iso).__name__ in ("IsotonicRegression", "IsotonicMap"), where
        if isinstance(iso, IsotonicMap):  # a file in the new form: sklearn on its points
            iso = _sklearn_twin(iso)
        t = _points(iso)
        want, got = iso.predict(t), ours_iso.predict(t)
        assert got.dtype == want.dtype, where
        assert np.array_equal(got, want, equal_nan=True), where  # bit for bit
        assert np.array_equal(ours_iso.predict(t.reshape(-1, 1)), want, equal_nan=True)
        assert [float(v) for v in ours_iso.predict([0.5])] == [float(v) for v in
                                                               iso.predict([0.5])]


def _sklearn_twin(m):
    """An sklearn IsotonicRegression with the map's fitted points (its own interp1d)."""
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(out_of_bounds=m.out_of_bounds)
    iso.__setstate__({**iso.__getstate__(), "X_thresholds_": m.x, "y_thresholds_": m.y,
                      "X_min_": m.x_min, "X_max_": m.x_max, "increasing_": True})
    return iso


def _fitted(out_of_bounds="clip", increasing=True, n=300, seed=1):
    from sklearn.isotonic import IsotonicRegression

    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, n)
    y = (rng.uniform(0, 1, n) < (x if increasing else 1 - x)).astype(float)
    return IsotonicRegression(out_of_bounds=out_of_bounds, y_min=0.01, y_max=0.99,
                              increasing=increasing).fit(x, y)


@pytest.mark.parametrize("mode,increasing", [("clip", True), ("clip", False), ("nan", True)])
def test_fitted_calibrators_round_trip_as_maps_with_equal_outputs(tmp_path, mode, increasing):
    iso = _fitted(mode, increasing)
    constant = _fitted(mode, True, n=3, seed=5)  # few points: possibly a single step
    path = tmp_path / "m.joblib"
    save_checked({"version": "v1", "cal": {"a": iso, "b": [constant]}}, path, {})
    got = load_checked(path)
    assert isinstance(got["cal"]["a"], IsotonicMap)
    for mine, theirs in ((got["cal"]["a"], iso), (got["cal"]["b"][0], constant)):
        t = _points(theirs)
        assert np.array_equal(mine.predict(t), theirs.predict(t), equal_nan=True)


def test_a_raise_calibrator_refuses_scores_outside_its_range():
    iso = _fitted("raise")
    mine = IsotonicMap.from_sklearn(iso)
    inside = np.linspace(iso.X_min_, iso.X_max_, 101)
    assert np.array_equal(mine.predict(inside), iso.predict(inside))
    with pytest.raises(CalibratorInputError, match="outside"):
        mine.predict([iso.X_max_ + 1])
    with pytest.raises(ValueError):
        iso.predict([iso.X_max_ + 1])
    with pytest.raises(CalibratorInputError, match="finite"):
        mine.predict([float("nan")])


def test_old_joblib_files_still_load_and_new_files_load_with_joblib(tmp_path):
    import joblib

    iso = _fitted()
    bundle = {"version": "v1", "iso": iso, "w": np.arange(5.0)}
    old = tmp_path / "old.joblib"
    joblib.dump(bundle, old, compress=3)  # the form written before this module
    write_manifest(old, {}, "v1")
    for loaded in (load_checked(old), container.loads(joblib_raw(bundle, tmp_path), "")):
        assert isinstance(loaded["iso"], IsotonicMap)
        assert np.array_equal(loaded["w"], bundle["w"])
        t = _points(iso)
        assert np.array_equal(loaded["iso"].predict(t), iso.predict(t))
    new = tmp_path / "new.joblib"
    save_checked(bundle, new, {})
    assert new.read_bytes()[:1] == b"\x78"  # zlib, as joblib's compress=3
    via_joblib = joblib.load(new)  # code that still reads with joblib reads the new form
    assert np.array_equal(via_joblib["iso"].predict([0.3, 0.7]), iso.predict([0.3, 0.7]))


def joblib_raw(bundle, tmp_path):
    """An uncompressed joblib file's bytes."""
    import joblib

    path = tmp_path / "raw.joblib"
    joblib.dump(bundle, path)
    return path.read_bytes()


def test_loading_a_model_file_does_not_import_scipy_interpolate(tmp_path):
    path = tmp_path / "m.joblib"
    save_checked({"version": "v1", "iso": _fitted()}, path, {})
    root = Path(__file__).resolve().parents[1]
    code = ("import json, sys; from pathlib import Path; from modelfile import load_checked; "
            f"b = load_checked(Path({str(path)!r})); p = float(b['iso'].predict([0.4])[0]); "
            "print(json.dumps([p, sorted(m for m in sys.modules if m.startswith("
            "('scipy', 'sklearn', 'joblib')))]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                         text=True, check=True, env={**os.environ, "PYTHONPATH": str(root)})
    p, modules = json.loads(out.stdout)
    assert p == float(_fitted().predict([0.4])[0])
    assert modules == []


def test_convert_rewrites_a_joblib_file_keeping_its_manifest_and_is_idempotent(tmp_path):
    import joblib

    from modelfile.convert import convert

    iso = _fitted()
    path = tmp_path / "m.joblib"
    joblib.dump({"version": "v7", "iso": iso, "w": np.arange(3.0)}, path, compress=3)
    write_manifest(path, {"rebuild": "python -m x", "train_sha256": "abc"}, "v7")
    first = convert(path)
    meta = json.loads(manifest_path(path).read_text())
    assert first.changed and container.is_current(path.read_bytes())
    assert (meta["version"], meta["rebuild"], meta["train_sha256"]) == ("v7", "python -m x", "abc")
    got = load_checked(path)
    t = _points(iso)
    assert np.array_equal(got["iso"].predict(t), iso.predict(t))
    assert convert(path).changed is False  # already current: not rewritten
    assert json.loads(manifest_path(path).read_text()) == meta


def test_a_content_versioned_bundle_keeps_its_version_through_conversion(tmp_path):
    import joblib

    from modelfile.convert import convert

    path = tmp_path / "m.joblib"
    joblib.dump({"a": _fitted()}, path, compress=3)
    old = write_manifest(path, {}, None)["version"]
    convert(path)
    assert json.loads(manifest_path(path).read_text())["version"] == old
    assert isinstance(load_checked(path)["a"], IsotonicMap)


def test_single_thread_limits_openmp_and_restores_it():
    """One OpenMP thread inside, the previous count after, with the cached controller."""
    import sklearn.ensemble  # noqa: F401 - loads scikit-learn's OpenMP runtime
    from threadpoolctl import threadpool_info

    import modelfile

    def openmp_threads() -> list[int]:
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "openmp"]

    before = openmp_threads()
    assert before, "scikit-learn loaded no OpenMP runtime"
    for _ in range(2):  # the second time from the cached controller
        with modelfile.single_thread():
            assert openmp_threads() == [1] * len(before)
        assert openmp_threads() == before


def test_single_thread_builds_its_controller_once_per_process_and_imports(monkeypatch):
    """The controller is kept while nothing is imported; an import (a library it may
    load) or another process builds it again."""
    import modelfile

    modelfile._openmp_controller()
    first = modelfile._openmp_controller()
    assert modelfile._openmp_controller() is first
    monkeypatch.setitem(sys.modules, "a_module_imported_since", object())
    assert modelfile._openmp_controller() is not first
    again = modelfile._openmp_controller()
    monkeypatch.setattr(os, "getpid", lambda: -1)  # as in a forked child
    assert modelfile._openmp_controller() is not again
