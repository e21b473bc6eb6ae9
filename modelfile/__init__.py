"""Model files that say what they are: a joblib bundle beside a JSON manifest.

The manifest (`<model>.json`) records the model's version, the sha256 of the model file,
the sha256 of the training set it was fitted on and how to rebuild it. Loading checks the
file's hash against the manifest, so a truncated copy, a model from another build or a
hand-swapped file is refused with a message instead of quietly changing every result
(paperless-ngx checks its classifier file's format version the same way). A package of its
own at the bottom of the house: classifiers and extractors both load models through it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from modelfile import container


def single_thread() -> Any:
    """Predict without an OpenMP thread team: a few candidates gain nothing from threads,
    and a team started in a parent process deadlocks worker processes forked from it
    (libgomp is not fork-safe), which `backoffice process --workers N` does.

    The controller that finds the loaded OpenMP libraries is built once per process and
    set of imported modules (`_openmp_controller`): building it reads /proc/self/maps,
    about 6 ms, which `threadpool_limits` did on every call (7 calls per invoice)."""
    return _openmp_controller().limit(limits=1)


_controller_lock = threading.Lock()
_controller: tuple[tuple[int, int], Any] | None = None


def _openmp_controller() -> Any:
    """threadpoolctl's controller of the OpenMP libraries loaded in this process. Built
    again in a forked child (its own pid) and after any import: a shared library (a new
    OpenMP runtime) is loaded by importing the extension module that needs it."""
    global _controller
    key = (os.getpid(), len(sys.modules))
    cached = _controller
    if cached is not None and cached[0] == key:
        return cached[1]
    from threadpoolctl import ThreadpoolController

    with _controller_lock:
        ctl = ThreadpoolController().select(user_api="openmp")
        _controller = ((os.getpid(), len(sys.modules)), ctl)
        return ctl


def usable_local(path: Path, log: logging.Logger) -> bool:
    """Whether a model retrained into the data dir may be used: it exists with its manifest.
    One written before manifests existed is passed over (with a warning saying how to
    rebuild it) so an upgrade falls back to the shipped model instead of failing."""
    if not path.exists():
        return False
    if not manifest_path(path).exists():
        log.warning("%s has no manifest (written by an older version): using the shipped "
                    "model; retrain to use this installation's corrections again", path)
        return False
    return True


class ModelFileError(RuntimeError):
    """A shipped model file does not match its manifest: rebuild it or restore both files."""


def manifest_path(path: Path) -> Path:
    return path.with_suffix(".json")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def bundle_version(bundle: Any) -> str | None:
    """The version a bundle carries: its `version` key (dict bundles) or attribute (dataclass
    bundles such as the classifier's); None for bundles fitted before they carried one."""
    if isinstance(bundle, dict):
        return bundle.get("version")
    return getattr(bundle, "version", None)


def content_version(digest: str) -> str:
    """The version of a bundle that carries none: derived from the file's bytes."""
    return f"sha256-{digest[:12]}"


def data_sha256(*parts: Any) -> str:
    """sha256 of a training set given as arrays (their bytes) and JSON-able values, so a
    manifest can say which rows a model was fitted on."""
    import numpy as np

    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, np.ndarray):
            h.update(np.ascontiguousarray(part).tobytes())
        else:
            h.update(json.dumps(part, sort_keys=True, default=str).encode())
    return h.hexdigest()


def write_manifest(path: Path, manifest: dict[str, Any], version: str | None) -> dict[str, Any]:
    """Write `<model>.json` for the model file at `path` as it is now (its bytes unchanged);
    a bundle without a version of its own gets one derived from the file's bytes."""
    digest = file_sha256(path)
    meta = {**manifest, "version": version or content_version(digest), "sha256": digest}
    manifest_path(path).write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")
    return meta


def write_bytes(path: Path, data: bytes) -> None:
    """Write a model file's bytes (one place, so a full disk can be simulated in tests)."""
    with open(path, "wb") as fh:
        fh.write(data)


def save_checked(bundle: Any, path: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Write the bundle atomically (`modelfile.container`: a compressed standard pickle,
    isotonic calibrators as `IsotonicMap`), then its manifest with the file's sha256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = container.dumps(bundle)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        write_bytes(Path(tmp), data)
        os.chmod(tmp, 0o644)  # a shipped model is read by every user of the checkout
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return write_manifest(path, manifest, bundle_version(bundle))


def load_checked(path: Path, rebuild: str | None = None, sklearn: bool = False) -> Any:
    """The bundle at `path` after checking it against its manifest.

    Raises FileNotFoundError when the model file is absent and ModelFileError when the
    manifest is missing or names another file or version. Reads this package's form and
    joblib files alike (`modelfile.container`). `rebuild` (the command that
    rebuilds it) goes into the message when the manifest that would name it is missing.
    Gradient-boosted trees and dense DictVectorizers come as NumPy stand-ins
    (`modelfile.estimators`) unless `sklearn` asks for scikit-learn's own objects.
    """
    if not path.exists():
        raise FileNotFoundError(path)
    mpath = manifest_path(path)
    if not mpath.exists():
        raise ModelFileError(f"{path.name}: manifest {mpath.name} is missing; rebuild the model"
                             f" ({rebuild or 'see README'}) or restore both files")
    meta = json.loads(mpath.read_text())
    raw = path.read_bytes()  # read once: the bytes checked are the bytes loaded
    digest = hashlib.sha256(raw).hexdigest()
    if digest != meta.get("sha256"):
        raise ModelFileError(
            f"{path.name}: sha256 {digest[:12]} does not match its manifest "
            f"({str(meta.get('sha256'))[:12]}); the file is damaged or from another build: "
            f"rebuild it ({meta.get('rebuild', 'see README')}) or restore both files")
    bundle = (container.loads(raw, str(path), sklearn=True) if sklearn
              else container.loads(raw, str(path)))
    version = bundle_version(bundle)
    # a bundle without a version of its own is identified by its bytes (checked above)
    if version is not None and version != meta.get("version"):
        raise ModelFileError(f"{path.name}: version {version} differs from the "
                             f"manifest's {meta.get('version')}; rebuild it "
                             f"({meta.get('rebuild', 'see README')}) or restore both files")
    return bundle


_lock = threading.Lock()
_shipped: dict[Path, Any] = {}


def load_shipped(path: Path) -> Any:
    """`load_checked` once per process and path; None when no model file is shipped
    (the caller then keeps its rule). A file that fails its check raises every time."""
    with _lock:
        if path not in _shipped:
            try:
                _shipped[path] = load_checked(path)
            except FileNotFoundError:
                _shipped[path] = None
        return _shipped[path]
