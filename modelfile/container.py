"""The bytes of a model file: a zlib-compressed standard pickle, read by the C unpickler.

Why not `joblib.load`: joblib unpickles with Python's pure-Python `pickle._Unpickler` (it
needs its own opcode handling for the arrays it appends to the stream), which was about
three quarters of a model's load time (all 14 shipped models: 0.75 CPU-s with joblib, 0.23
with this form). A standard pickle (protocol 5) holds NumPy arrays in the stream itself, so
`pickle.Unpickler` (C) reads it; compressed with zlib it starts like a joblib file with
`compress=3`, and `joblib.load` reads it too.

Both forms load: `loads` reads a joblib file (compressed with zlib, or not compressed) as
well, so models retrained by code that still writes joblib files keep working. In both,
an sklearn `IsotonicRegression` unpickles as a `modelfile.isotonic.IsotonicMap` (same
outputs, no SciPy), and `dumps` writes it as one. The gradient-boosted trees, dense
`DictVectorizer`s and their parts unpickle as `modelfile.estimators`' stand-ins (same
probabilities, no scikit-learn import) unless `loads(..., sklearn=True)` asks for
scikit-learn's objects; a model the stand-ins do not reproduce is loaded with
scikit-learn's classes. The files themselves keep scikit-learn's objects: `dumps` refuses a
stand-in.
"""

from __future__ import annotations

import io
import os
import pickle
import zlib
from typing import Any

from modelfile.estimators import STAND_INS, NotReproduced
from modelfile.isotonic import IsotonicMap

LEVEL = 3  # zlib level, as joblib's compress=3 (the shipped files' size stays the same)
PROTOCOL = 5
_ZLIB = b"\x78"  # first byte of a zlib stream (joblib's zlib files start with it too)
_PICKLE = b"\x80"  # first byte of a pickle of protocol >= 2 (an uncompressed joblib file)
_JOBLIB_MARK = b"joblib.numpy_pickle"  # the module of joblib's array wrappers
_ISOTONIC = ("sklearn.isotonic", "IsotonicRegression")
# "0": every model with scikit-learn's own classes (slower start; to rule the stand-ins out)
STAND_INS_ENV = "BACKOFFICE_MODEL_STAND_INS"


class ModelFormatError(ValueError):
    """The bytes are neither this module's form nor a joblib file it can read."""


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        if cls in _STAND_IN_CLASSES:
            raise ModelFormatError(
                f"{cls.__name__} is a NumPy stand-in for scikit-learn's "
                f"{'.'.join(cls.SKLEARN)}: load the model with sklearn=True to write it")
        if (cls.__module__, cls.__name__) == _ISOTONIC and hasattr(obj, "X_thresholds_"):
            m = IsotonicMap.from_sklearn(obj)
            return IsotonicMap, (m.x, m.y, m.x_min, m.x_max, m.out_of_bounds)
        return NotImplemented


_STAND_IN_CLASSES = frozenset(STAND_INS.values())


def _mapped(module: str, name: str, stand_ins: bool) -> Any:
    """The class unpickled for `module.name` instead of itself, or None."""
    if (module, name) == _ISOTONIC:
        return IsotonicMap
    return STAND_INS.get((module, name)) if stand_ins else None


class _Unpickler(pickle.Unpickler):
    stand_ins = True

    def find_class(self, module: str, name: str) -> Any:
        return _mapped(module, name, self.stand_ins) or super().find_class(module, name)


class _SklearnUnpickler(_Unpickler):
    stand_ins = False


def dumps(bundle: Any) -> bytes:
    """The bytes of a model file holding `bundle` (isotonic calibrators as IsotonicMap)."""
    buf = io.BytesIO()
    _Pickler(buf, protocol=PROTOCOL).dump(bundle)
    return zlib.compress(buf.getvalue(), LEVEL)


def is_current(raw: bytes) -> bool:
    """Whether `raw` is in this module's form already (zlib, no joblib wrappers, no sklearn
    isotonic class left to map)."""
    if raw[:1] != _ZLIB:
        return False
    try:
        body = zlib.decompress(raw)
    except zlib.error:
        return False
    return _JOBLIB_MARK not in body and b"IsotonicRegression" not in body


def loads(raw: bytes, filename: str = "", sklearn: bool = False) -> Any:
    """The bundle in `raw`: this module's form, or a joblib file compressed with zlib or not
    at all (other joblib compressors: `joblib.load(filename)` as before). Estimators come
    as `modelfile.estimators` stand-ins where they reproduce them, unless `sklearn`."""
    if not sklearn and os.environ.get(STAND_INS_ENV, "1") != "0":
        try:
            return _loads(raw, filename, stand_ins=True)
        except NotReproduced:
            pass  # something in it is evaluated by scikit-learn alone
    return _loads(raw, filename, stand_ins=False)


def _loads(raw: bytes, filename: str, stand_ins: bool) -> Any:
    if raw[:1] == _ZLIB:
        try:
            body = zlib.decompress(raw)
        except zlib.error as exc:
            raise ModelFormatError(f"{filename or 'model file'}: not a zlib stream: "
                                   f"{exc}") from exc
    elif raw[:1] == _PICKLE:
        body = raw
    else:
        return _joblib_file(filename)
    if _JOBLIB_MARK not in body:
        return (_Unpickler if stand_ins else _SklearnUnpickler)(io.BytesIO(body)).load()
    return _joblib_stream(body, filename, stand_ins)


def _joblib_stream(body: bytes, filename: str, stand_ins: bool) -> Any:
    """A joblib pickle (arrays appended to the stream) through joblib's own unpickler, with
    classes mapped as in `_Unpickler`."""
    from joblib.numpy_pickle import NumpyUnpickler

    class _JoblibUnpickler(NumpyUnpickler):  # type: ignore[misc]
        def find_class(self, module: str, name: str) -> Any:
            return _mapped(module, name, stand_ins) or super().find_class(module, name)

    fh = io.BytesIO(body)
    try:  # joblib >= 1.5 asks whether to swap byte order; joblib.load's default is yes
        unpickler = _JoblibUnpickler(filename, fh, ensure_native_byte_order=True)
    except TypeError:
        unpickler = _JoblibUnpickler(filename, fh)
    return unpickler.load()


def _joblib_file(filename: str) -> Any:
    if not filename:
        raise ModelFormatError("model bytes in an unknown form (not zlib, not a pickle)")
    import joblib

    return joblib.load(filename)
