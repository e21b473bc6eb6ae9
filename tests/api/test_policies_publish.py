"""`backoffice policies publish FILE` and `published`: a policy file checked and made current
for every node; a web node judges with it after its next check, without a restart."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from api.app import follow_published
from api.cli import main
from records.db import init_db, session_scope
from records.published import content_version, current_versions
from workflow.published import POLICIES
from workflow.settings import Settings

STRICT = '[approval_limits]\nap = "10.00"\n'


def test_publish_a_policy_file_and_list_it(data_dir: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("no_such_setting = 1\n")
    assert main(["policies", "publish", str(bad)]) == 1
    assert "unknown policy setting" in capsys.readouterr().err
    assert main(["policies", "published"]) == 2  # nothing published yet

    good = tmp_path / "policies.toml"
    good.write_text(STRICT)
    assert main(["policies", "publish", str(good)]) == 0
    version = content_version(STRICT.encode())
    assert f"policies {version} published" in capsys.readouterr().out
    assert main(["policies", "publish", str(good)]) == 0
    assert "already current" in capsys.readouterr().out
    with session_scope(init_db(Settings.from_env().database_url)) as s:
        assert current_versions(s) == {POLICIES: version}
    assert main(["policies", "published"]) == 0
    assert capsys.readouterr().out.startswith(f"policies\t{version}\tcli\t")


def test_a_web_node_follows_the_published_policies(client, app) -> None:  # noqa: ANN001
    from workflow.published import publish_policies

    assert app.state.policy_config.approval_limits["ap"] == "5000.00"
    publish_policies(app.state.sessions, STRICT.encode(), "admin")

    async def follow_for_a_while() -> None:  # the node's check loop (every 1 s at least)
        task = asyncio.create_task(follow_published(app, 0))
        for _ in range(100):
            await asyncio.sleep(0.1)
            if app.state.policy_config.approval_limits["ap"] == "10.00":
                break
        task.cancel()

    asyncio.run(follow_for_a_while())
    assert app.state.policy_config.approval_limits["ap"] == "10.00"
