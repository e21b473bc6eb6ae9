"""Shared fixtures for the policy tests (a helper module: conftest names collide across
test folders without __init__.py)."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.types import Field
from policies import MemoryPolicyContext, PolicyConfig

TODAY = date(2026, 3, 16)  # a Monday


def make_fields(**values) -> dict[str, Field]:
    """Fields at full confidence; a value may be a (normalized, confidence) tuple."""
    out = {}
    for name, v in values.items():
        if isinstance(v, tuple):
            out[name] = Field(value=v[0], normalized=v[0], confidence=v[1])
        else:
            out[name] = Field(value=v, normalized=v, confidence=0.99)
    return out


@pytest.fixture
def ctx() -> MemoryPolicyContext:
    return MemoryPolicyContext()


@pytest.fixture
def config() -> PolicyConfig:
    return PolicyConfig()
