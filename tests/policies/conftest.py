"""Fixtures for the policy tests.

`tests/` is on sys.path (the root conftest), so `tests/policies/` would shadow the real
`policies` package as a namespace package: put the project root first.
"""

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from policy_helpers import config, ctx  # noqa: E402, F401  (fixtures)
