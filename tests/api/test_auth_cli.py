"""`backoffice users` and `backoffice ledger` on a temporary data dir."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from api.cli import main
from tests.api.test_web_support import fast_hashes


def test_users_add_list_token_and_ledger_export(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from records.db import init_db, session_scope
    from records.users import authenticate

    fast_hashes(monkeypatch)
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-password\n"))
    assert main(["users", "add", "Bob", "--role", "ap", "--role", "approver",
                 "--password-stdin"]) == 0
    assert "created bob (ap, approver)" in capsys.readouterr().out
    assert main(["users", "add", "bob", "--role", "ap", "--password-stdin"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["users", "list"]) == 0
    assert capsys.readouterr().out.strip() == "bob\tap,approver"
    from workflow.settings import Settings

    with session_scope(init_db(Settings.from_env(data_dir).database_url)) as s:
        assert authenticate(s, "bob", "s3cret-password") is not None
        assert authenticate(s, "bob", "wrong") is None
    assert main(["users", "token", "bob"]) == 0
    assert len(capsys.readouterr().out.strip()) > 20
    assert main(["users", "disable", "bob"]) == 0
    assert "(disabled)" in (main(["users", "list"]), capsys.readouterr().out)[1]
    assert main(["ledger", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("id,document_id,status")
