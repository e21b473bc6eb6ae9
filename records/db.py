"""Engine and sessions for SQLite (embedded) or PostgreSQL (scale-out), same code.

The schema is owned by Alembic: `init_db` upgrades to head on start, so a new
data dir and an old one both end on the current schema. A new SQLite database is made from
`SQLITE_SNAPSHOT`, the dump of a database the migrations brought to head, instead of
importing Alembic and replaying every migration (`create_from_snapshot`). Migrations and the first-run
set-up run under `setup_lock` (a lock file beside a SQLite database, an advisory lock on
PostgreSQL): two processes starting on a new data dir at once used to both create the
tables ("table audit_log already exists").
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

_MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_SNAPSHOT = _MIGRATIONS / "sqlite_head.sql"
_SNAPSHOT_REVISION = "-- revision: "  # the snapshot's first line: this, then its revision
SETUP_LOCK_TIMEOUT_S = 300  # a migration of a large database may take minutes
_PG_SETUP_LOCK = 0x6261636B6F666669  # pg_advisory_lock key ("backoffi")
SQLITE_POOL_SIZE, SQLITE_POOL_OVERFLOW = 16, 48
_lock = threading.Lock()
_engines: dict[str, Engine] = {}


# How long a connection keeps trying to switch a new database file to WAL while another
# holds it: SQLite takes an exclusive lock for the switch without waiting in its busy
# handler, so two first runs at once on a new data dir had one die of "database is locked"
# (16 of 300 races of two processes on a new file).
WAL_SWITCH_WAIT_S = 30.0


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    _switch_to_wal(cur)  # readers never block the writer
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")  # worker processes share one file
    cur.close()


def _switch_to_wal(cur: sqlite3.Cursor) -> None:
    """`PRAGMA journal_mode=WAL`, retried with growing pauses while the file is locked
    (`WAL_SWITCH_WAIT_S`). A file in WAL already answers at once (the mode is kept in it)."""
    deadline = time.monotonic() + WAL_SWITCH_WAIT_S
    pause = 0.005
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(0.25, pause * 2)


def _forget_inherited_connections() -> None:
    """In a forked child: the parent's pooled connections are the parent's (sharing one
    socket from two processes interleaves their transactions: documents were lost on
    PostgreSQL with `--workers 2`). Drop them without closing the parent's, and let the
    child open its own (SQLAlchemy's documented pattern for multiprocessing)."""
    global _lock
    _lock = threading.Lock()  # a lock held by another thread at fork time stays held
    for engine in _engines.values():
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_inherited_connections)
def _file_database(url: str) -> bool:
    database = make_url(url).database or ""
    return bool(database) and database != ":memory:" and not database.startswith("file:")


def get_engine(url: str) -> Engine:
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            if url.startswith("sqlite") and not _file_database(url):
                engine = create_engine(url, connect_args={"timeout": 30})
                event.listen(engine, "connect", _sqlite_pragmas)
            elif url.startswith("sqlite"):
                # Pool as large as the threads that may ask at once (the server's 40
                # request threads, the workers): a SQLite connection is a file handle,
                # and a request waiting 30 s for one was the first thing to fail under load.
                engine = create_engine(url, connect_args={"timeout": 30},
                                       pool_size=SQLITE_POOL_SIZE,
                                       max_overflow=SQLITE_POOL_OVERFLOW)
                event.listen(engine, "connect", _sqlite_pragmas)
            else:
                engine = create_engine(url, pool_pre_ping=True)
                from records.models import add_dialect_options

                add_dialect_options(engine.dialect.name)
            _engines[url] = engine
        return engine


def migrate(url: str, revision: str = "head") -> None:
    """Bring the database to the newest schema, or to `revision` (idempotent)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    engine = get_engine(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


class SetupLockTimeout(RuntimeError):
    """Another process held the set-up lock for longer than SETUP_LOCK_TIMEOUT_S."""


_memory_setup = threading.RLock()


@contextmanager
def setup_lock(url: str, timeout_s: float = SETUP_LOCK_TIMEOUT_S) -> Iterator[None]:
    """One process (and thread) at a time migrates and sets up the database at `url`."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if not database or database == ":memory:" or database.startswith("file:"):
            with _memory_setup:
                yield
            return
        # imported here: an up-to-date data dir never takes the lock, and filelock's ~20
        # modules were ~15 ms of a one-file `backoffice process`
        from filelock import FileLock
        from filelock import Timeout as FileLockTimeout

        path = Path(database).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(path) + ".setup-lock", timeout=timeout_s, thread_local=False)
        try:
            lock.acquire()
        except FileLockTimeout:
            raise SetupLockTimeout(f"{path}: another process is still setting up the database "
                                   f"after {timeout_s:.0f} s") from None
        try:
            yield
        finally:
            lock.release()
        return
    with get_engine(url).connect() as conn:  # PostgreSQL: a session-level advisory lock
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_SETUP_LOCK})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_SETUP_LOCK})
            conn.commit()


_migrated: set[str] = set()
_REVISION = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(.+)$", re.M)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


def script_head(versions: Path = _MIGRATIONS / "versions") -> str | None:
    """The head revision of the migration scripts, read from their `revision` and
    `down_revision` lines without importing Alembic (0.3 CPU-s); None when the scripts do
    not have exactly one head or a script does not say its revision plainly, and Alembic
    then decides as before."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for script in versions.glob("[!_]*.py"):  # not __init__.py
        found = dict.fromkeys(("revision", "down_revision"), None)
        for m in _REVISION.finditer(script.read_text(encoding="utf-8")):
            found[m.group(1)] = m.group(2)
        rev = _QUOTED.findall(found["revision"] or "")
        if len(rev) != 1:
            return None
        revisions.add(rev[0])
        downs.update(_QUOTED.findall(found["down_revision"] or ""))
    heads = revisions - downs
    return heads.pop() if len(heads) == 1 else None


def at_head(url: str, head: str | None = None) -> bool:
    """Whether the database's Alembic revision row is the scripts' head (`head`, else read
    with `script_head`; one cheap query); False for a new database, an older or newer one,
    or any doubt."""
    head = head if head is not None else script_head()
    if head is None:
        return False
    try:
        with get_engine(url).connect() as conn:
            rows = [r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))]
    except Exception:  # noqa: BLE001 - no such table yet (a new database): migrate
        return False
    return rows == [head]


# ---------------------------------------------------------------------- new SQLite databases
# Importing Alembic and replaying the migrations on an empty SQLite file was ~0.25 s of a
# one-file `backoffice process` into a new data dir (about a quarter of it). The snapshot
# is `sqlite3`'s own dump of a database the migrations brought to head: its tables, indexes
# and triggers as SQLite stored them, and the rows the migrations write (the Alembic
# revision, the decision log's genesis head). After a new migration,
# `write_sqlite_snapshot()` rewrites it; until then the scripts' head differs from the
# snapshot's revision and Alembic migrates as before (tests/records/test_migrations.py fails
# until it is rewritten).
def sqlite_dump(url: str) -> str:
    """The snapshot text of the SQLite database at `url` (file databases only): its Alembic
    revision on the first line, then `iterdump`'s statements."""
    path = make_url(url).database or ""
    con = sqlite3.connect(path)
    try:
        (revision,) = con.execute("SELECT version_num FROM alembic_version").fetchone()
        lines = list(con.iterdump())
    finally:
        con.close()
    return "\n".join([_SNAPSHOT_REVISION + revision, *lines]) + "\n"


def write_sqlite_snapshot(path: Path = SQLITE_SNAPSHOT) -> None:
    """Rewrite the snapshot from a new database migrated by Alembic to the scripts' head."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'head.db'}"
        migrate(url)
        text_ = sqlite_dump(url)
        get_engine(url).dispose()
        _engines.pop(url, None)
    path.write_text(text_, encoding="utf-8")


def create_from_snapshot(url: str, head: str | None) -> bool:
    """Create the schema of the SQLite file database at `url` from the snapshot when the
    database is empty and the snapshot's revision is `head` (the scripts' head); False, with
    nothing done, otherwise (PostgreSQL, an in-memory database, one with any table, a
    snapshot older than the scripts): Alembic migrates then."""
    if head is None or not url.startswith("sqlite") or not _file_database(url):
        return False
    try:
        snapshot = SQLITE_SNAPSHOT.read_text(encoding="utf-8")
    except OSError:
        return False
    first, _, script = snapshot.partition("\n")
    if first != _SNAPSHOT_REVISION + head:
        return False
    raw = get_engine(url).raw_connection()  # with the engine's pragmas (WAL...)
    try:
        con = raw.driver_connection
        if con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            return False
        con.executescript(script)  # the dump is one transaction: all of it or nothing
    finally:
        raw.close()
    return True


def init_db(url: str) -> sessionmaker[Session]:
    with _lock:
        need = url not in _migrated
    if need:
        head = script_head()  # the scripts read once for both questions
        if not at_head(url, head):  # the usual start of an existing data dir skips Alembic
            with setup_lock(url):
                if not create_from_snapshot(url, head):
                    migrate(url)
        with _lock:
            _migrated.add(url)
    return sessionmaker(get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: committed on success, rolled back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
