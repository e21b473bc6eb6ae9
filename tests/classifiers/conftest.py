"""Make `import classifiers` resolve to the package, not to this test folder.

Without an `__init__.py` here, pytest puts `tests/` on sys.path and `tests/classifiers`
would shadow the real package as a namespace package; the repository root goes first.
"""

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
