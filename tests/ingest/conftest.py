"""Make the project root win over `tests/` on sys.path, lest `tests/ingest/` be taken
for the real `ingest` package."""

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
