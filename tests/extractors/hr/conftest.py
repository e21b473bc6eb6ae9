"""Make the project root win over `tests/` on sys.path, lest `tests/extractors/hr/` be
taken for the real `extractors.hr` package (a namespace package shadowing it)."""

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[3])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
