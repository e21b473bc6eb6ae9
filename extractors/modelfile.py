"""Model files that say what they are: a joblib bundle beside a JSON manifest.

The manifest (`<model>.json`) records the model's version, the sha256 of the model file,
the sha256 of the training set it was fitted on and how to rebuild it. Loading checks the
file's hash against the manifest, so a truncated copy, a model from another build or a
hand-swapped file is refused with a message instead of quietly changing every result
(paperless-ngx checks its classifier file's format version the same way).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any


def single_thread() -> Any:
    """Predict without an OpenMP thread team: a few candidates gain nothing from threads,
    and a team started in a parent process deadlocks worker processes forked from it
    (libgomp is not fork-safe), which `backoffice process --workers N` does."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="openmp")


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


def save_checked(bundle: dict[str, Any], path: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Write the bundle atomically, then its manifest with the file's sha256."""
    import joblib

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        joblib.dump(bundle, tmp, compress=3)
        os.chmod(tmp, 0o644)  # a shipped model is read by every user of the checkout
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    meta = {**manifest, "version": bundle.get("version"), "sha256": file_sha256(path)}
    manifest_path(path).write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")
    return meta


def load_checked(path: Path) -> dict[str, Any]:
    """The bundle at `path` after checking it against its manifest.

    Raises FileNotFoundError when the model file is absent and ModelFileError when the
    manifest is missing or names another file or version.
    """
    import joblib

    if not path.exists():
        raise FileNotFoundError(path)
    mpath = manifest_path(path)
    if not mpath.exists():
        raise ModelFileError(f"{path.name}: manifest {mpath.name} is missing; rebuild the model")
    meta = json.loads(mpath.read_text())
    digest = file_sha256(path)
    if digest != meta.get("sha256"):
        raise ModelFileError(
            f"{path.name}: sha256 {digest[:12]} does not match its manifest "
            f"({str(meta.get('sha256'))[:12]}); the file is damaged or from another build: "
            f"rebuild it ({meta.get('rebuild', 'see README')}) or restore both files")
    bundle = joblib.load(path)
    if bundle.get("version") != meta.get("version"):
        raise ModelFileError(f"{path.name}: version {bundle.get('version')} differs from the "
                             f"manifest's {meta.get('version')}")
    return bundle


_lock = threading.Lock()
_shipped: dict[Path, dict[str, Any] | None] = {}


def load_shipped(path: Path) -> dict[str, Any] | None:
    """`load_checked` once per process and path; None when no model file is shipped
    (the caller then keeps its rule). A file that fails its check raises every time."""
    with _lock:
        if path not in _shipped:
            try:
                _shipped[path] = load_checked(path)
            except FileNotFoundError:
                _shipped[path] = None
        return _shipped[path]
