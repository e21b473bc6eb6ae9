"""Rewrite model files in `modelfile.container`'s form, keeping what their manifests say.

    python -m modelfile.convert              # every shipped */model/*.joblib of the checkout
    python -m modelfile.convert PATH...      # these files

A model file written as a joblib pickle (before `modelfile.container`, or by a branch that
still writes them) loads as it is, only slower: the pure-Python unpickler. Converting it
re-encodes the same objects (isotonic calibrators as `IsotonicMap`); the manifest keeps its
version, provenance and rebuild command and gets the new file's sha256. A file already in
the new form is left alone, so the command may run after every merge of retrained models.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from modelfile import container, load_checked, manifest_path, write_manifest

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Converted:
    path: Path
    changed: bool
    old_bytes: int
    new_bytes: int


def shipped(root: Path = ROOT) -> list[Path]:
    """The model files of the checkout's packages (not the data dir's, not caches)."""
    return sorted(p for p in root.glob("*/**/model/*.joblib")
                  if not any(part.startswith(".") for part in p.relative_to(root).parts))


def convert(path: Path) -> Converted:
    """Rewrite `path` in the new form (checked against its manifest first)."""
    import json

    raw = path.read_bytes()
    bundle = load_checked(path, sklearn=True)  # the file keeps scikit-learn's objects
    if container.is_current(raw):
        return Converted(path, False, len(raw), len(raw))
    data = container.dumps(bundle)
    meta = json.loads(manifest_path(path).read_text())
    version = meta.pop("version", None)
    meta.pop("sha256", None)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    write_manifest(path, meta, version)
    load_checked(path)  # the rewritten file passes its own check
    return Converted(path, True, len(raw), len(data))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m modelfile.convert", description=__doc__.split(
        "\n\n")[0])
    p.add_argument("paths", nargs="*", type=Path, help="model files (default: the shipped ones)")
    args = p.parse_args(argv)
    for path in args.paths or shipped():
        c = convert(path)
        state = "converted" if c.changed else "already current"
        print(f"{state:16s} {c.path} ({c.old_bytes} -> {c.new_bytes} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
