"""Settings: the data dir check must hold when several workers start at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from workflow.settings import Settings


def test_ensure_dirs_is_safe_when_workers_start_together(tmp_path: Path) -> None:
    settings = Settings.from_env(tmp_path / "data")

    def probe(_: int) -> None:
        for _ in range(50):
            settings.ensure_dirs()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(probe, range(8)))  # raises if one worker removed another's probe
    assert (tmp_path / "data" / "originals").is_dir()
    assert not list((tmp_path / "data" / "tmp").iterdir())
