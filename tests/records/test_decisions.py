"""The decision log: appended rows chain by hash; a changed, removed or inserted row is
named by `verify`; the database refuses UPDATE and DELETE; concurrent writers never take
the same place in the chain (SQLite here, PostgreSQL where its binaries are installed)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from records import decisions
from records.db import init_db, session_scope
from records.decisions import DecisionEntry, DecisionKind
from records.models import DecisionHead, DecisionRow


def _entry(i: int, actor: str = "alice") -> DecisionEntry:
    return DecisionEntry(kind=DecisionKind.HUMAN, actor=actor, action="field.correct",
                         document_id=f"doc_{i % 3}", subject="field:total_amount",
                         reason=f"reason {i}", payload={"before": {"value": str(i)},
                                                        "after": {"value": str(i + 1)}})


@pytest.fixture()
def sessions(tmp_path: Path) -> sessionmaker[Session]:
    return init_db(f"sqlite:///{tmp_path / 'log.db'}")


def _fill(sessions: sessionmaker[Session], n: int) -> None:
    for i in range(n):
        with session_scope(sessions) as s:
            decisions.append(s, [_entry(i)])


def _verify(sessions: sessionmaker[Session]) -> decisions.ChainReport:
    with session_scope(sessions) as s:
        return decisions.verify(s)


def _raw(sessions: sessionmaker[Session], *sql: str) -> None:
    """What someone with database access could do once the triggers are dropped."""
    with session_scope(sessions) as s:
        for statement in sql:
            s.execute(text(statement))


def _drop_triggers(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as s:
        if s.bind.dialect.name == "postgresql":
            s.execute(text("DROP TRIGGER decision_log_append_only ON decision_log"))
        else:
            s.execute(text("DROP TRIGGER decision_log_no_update"))
            s.execute(text("DROP TRIGGER decision_log_no_delete"))


def test_appended_rows_chain_and_verify(sessions: sessionmaker[Session]) -> None:
    _fill(sessions, 5)
    with session_scope(sessions) as s:
        decisions.append(s, [_entry(10), _entry(11), _entry(12)])  # one batch, one lock
    report = _verify(sessions)
    assert report.intact and report.rows == 8 and report.head_seq == 8
    with session_scope(sessions) as s:
        rows = list(s.scalars(select(DecisionRow).order_by(DecisionRow.seq)))
        assert [r.seq for r in rows] == list(range(1, 9))
        assert rows[0].prev_hash == decisions.GENESIS
        assert all(b.prev_hash == a.row_hash for a, b in zip(rows, rows[1:], strict=False))
        assert all(decisions.row_digest(r) == r.row_hash for r in rows)
        assert report.head_hash == rows[-1].row_hash
        assert decisions.payload_of(rows[0]) == {"before": {"value": "0"},
                                                "after": {"value": "1"}}


def test_database_refuses_update_and_delete(sessions: sessionmaker[Session]) -> None:
    _fill(sessions, 2)
    for sql in ("UPDATE decision_log SET actor = 'mallory' WHERE seq = 1",
                "DELETE FROM decision_log WHERE seq = 2"):
        with pytest.raises(DBAPIError, match="append-only"):
            _raw(sessions, sql)
    assert _verify(sessions).intact


def test_changed_row_is_named(sessions: sessionmaker[Session]) -> None:
    _fill(sessions, 6)
    _drop_triggers(sessions)
    _raw(sessions, "UPDATE decision_log SET reason = 'nothing to see' WHERE seq = 4")
    report = _verify(sessions)
    assert not report.intact
    assert report.broken.seq == 4 and "changed" in report.broken.problem
    assert report.rows == 3


def test_changed_and_rehashed_row_breaks_the_next_link(sessions: sessionmaker[Session]) -> None:
    _fill(sessions, 5)
    _drop_triggers(sessions)
    with session_scope(sessions) as s:
        row = s.get(DecisionRow, 2)
        row.actor = "mallory"
        forged = decisions.row_digest(row)
    _raw(sessions, f"UPDATE decision_log SET actor = 'mallory', row_hash = '{forged}' "
                   "WHERE seq = 2")
    report = _verify(sessions)
    assert report.broken.seq == 3 and "does not follow row 2" in report.broken.problem


def test_rewritten_chain_is_caught_by_an_anchor(sessions: sessionmaker[Session]) -> None:
    """Someone who re-hashes every row after the one they changed (and the head) leaves
    a chain that is intact in itself: only a head kept elsewhere shows the rewrite."""
    _fill(sessions, 4)
    anchor = {4: _verify(sessions).head_hash}
    _drop_triggers(sessions)
    with session_scope(sessions) as s:
        rows = list(s.scalars(select(DecisionRow).order_by(DecisionRow.seq)))
        prev = rows[1].row_hash
        forged = []
        for row in rows[2:]:
            values = {c: getattr(row, c) for c in DecisionRow.__table__.columns.keys()}
            values.update(prev_hash=prev, actor="mallory")
            fake = DecisionRow(**values)
            values["row_hash"] = prev = decisions.row_digest(fake)
            forged.append(values)
    for values in forged:
        _raw(sessions, f"UPDATE decision_log SET actor = 'mallory', "
                       f"prev_hash = '{values['prev_hash']}', row_hash = '{values['row_hash']}' "
                       f"WHERE seq = {values['seq']}")
    _raw(sessions, f"UPDATE decision_log_head SET row_hash = '{prev}' WHERE id = 1")
    assert _verify(sessions).intact
    with session_scope(sessions) as s:
        report = decisions.verify(s, anchor)
    assert report.broken.seq == 4 and "rewritten" in report.broken.problem


def test_removed_rows_are_named(sessions: sessionmaker[Session]) -> None:
    _fill(sessions, 6)
    _drop_triggers(sessions)
    _raw(sessions, "DELETE FROM decision_log WHERE seq = 3")
    report = _verify(sessions)
    assert report.broken.seq == 3 and "missing" in report.broken.problem


def test_removed_last_row_is_caught_by_the_head(sessions: sessionmaker[Session]) -> None:
    _fill(sessions, 4)
    _drop_triggers(sessions)
    _raw(sessions, "DELETE FROM decision_log WHERE seq = 4")
    report = _verify(sessions)
    assert report.broken.seq == 4 and "head records 4" in report.broken.problem


def test_inserted_row_is_named(sessions: sessionmaker[Session]) -> None:
    _fill(sessions, 3)
    with session_scope(sessions) as s:
        last = s.get(DecisionRow, 3)
        forged = DecisionRow(seq=4, at=last.at, kind="human", actor="mallory",
                             action="document.approve", document_id="doc_0", subject="status",
                             payload="{}", prev_hash=last.row_hash)
        forged.row_hash = decisions.row_digest(forged)
        s.add(forged)  # a well-formed link, but the head was not moved
    report = _verify(sessions)
    assert report.broken.seq == 4 and "inserted" in report.broken.problem


def test_rolled_back_decision_leaves_no_row(sessions: sessionmaker[Session]) -> None:
    _fill(sessions, 2)
    with pytest.raises(RuntimeError), session_scope(sessions) as s:
        decisions.append(s, [_entry(5)])
        raise RuntimeError("the decision failed")
    _fill(sessions, 1)
    report = _verify(sessions)
    assert report.intact and report.rows == 3


def test_missing_head_is_a_named_error(sessions: sessionmaker[Session]) -> None:
    _raw(sessions, "DELETE FROM decision_log_head")
    with pytest.raises(decisions.DecisionLogError, match="no head row"), \
            session_scope(sessions) as s:
        decisions.append(s, [_entry(1)])


def _concurrent_appends(sessions: sessionmaker[Session], threads: int, each: int) -> None:
    """`threads` writers append at once; each holds its transaction open a moment after
    appending (a decision's other writes), so unserialised writers would read the same
    head and collide."""
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            start.wait()
            for i in range(each):
                with session_scope(sessions) as s:
                    decisions.append(s, [_entry(i, actor=f"worker{worker}")])
                    time.sleep(0.002)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    pool = [threading.Thread(target=work, args=(w,)) for w in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert not errors, errors
    report = _verify(sessions)
    assert report.intact, report.broken
    assert report.rows == threads * each
    with session_scope(sessions) as s:
        assert s.scalar(select(func.count()).select_from(DecisionRow)) == threads * each
        assert s.get(DecisionHead, 1).seq == threads * each
        per_actor = dict(s.execute(select(DecisionRow.actor, func.count())
                                   .group_by(DecisionRow.actor)).all())
    assert per_actor == {f"worker{w}": each for w in range(threads)}


def test_concurrent_writers_sqlite(sessions: sessionmaker[Session]) -> None:
    _concurrent_appends(sessions, threads=6, each=15)


@pytest.mark.postgres
def test_decision_log_on_postgres(pg_url: str) -> None:
    from records.db import migrate

    migrate(pg_url)
    pg = init_db(pg_url)
    _concurrent_appends(pg, threads=6, each=15)
    with pytest.raises(DBAPIError, match="append-only"):
        _raw(pg, "UPDATE decision_log SET actor = 'mallory' WHERE seq = 7")
    with pytest.raises(DBAPIError, match="append-only"):
        _raw(pg, "TRUNCATE decision_log")
    _drop_triggers(pg)
    _raw(pg, "UPDATE decision_log SET reason = 'edited' WHERE seq = 7")
    report = _verify(pg)
    assert report.broken.seq == 7 and "changed" in report.broken.problem
