"""Opening a project file: engine, SQLite PRAGMAs, transactions, migrations, damage checks.

A project is one SQLite file. WAL lets the TUI's background readers run beside the
writer, ``synchronous=FULL`` makes every acknowledged commit durable (it survives a
SIGKILL, and a power cut), and foreign keys are enforced. Before Alembic touches a file
that already holds data at an older revision, a backup copy is taken (storage/backups.py).

Two rules keep a file shared by several processes (the coding screen open while the CLI
imports) intact:

- No Python code opens the project file (or its -wal/-shm) with ``open()``: closing any
  descriptor of a file drops every POSIX lock the process holds on it, including the
  shared lock each of SQLite's WAL connections keeps on the database. Without it, another
  process closing its last connection believes it is the last user, checkpoints and
  deletes the WAL and shared-memory files under this process, whose later commits then go
  to the deleted files (invisible to everyone) and are checkpointed over newer pages when
  it closes: a malformed database. So the file is probed, copied and checked only through
  SQLite itself (``probe``, ``quick_check``, ``storage/backups.py``).
- A write transaction starts with ``BEGIN IMMEDIATE`` (:func:`begin_write`): it takes the
  write lock first, waiting up to the busy timeout, then reads, so the reads a write
  depends on (the tally cache's bookkeeping, "is this code already applied") are never
  from a snapshot another process has since changed (no ``SQLITE_BUSY_SNAPSHOT``).
  Reads run in ``BEGIN DEFERRED`` transactions: one consistent snapshot per connection use.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from qualtally.core.errors import InputError, backup_hint, damaged, is_damage
from qualtally.storage.server import is_url, server_engine, shown

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 5000
"""How long a write waits for another process's write to finish before it fails."""
WRITE = "qualtally_write"
"""Execution option marking a write transaction (``BEGIN IMMEDIATE`` on SQLite)."""
def _set_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - exercised via every test
    dbapi_conn.isolation_level = None  # the driver's implicit BEGIN is replaced by _begin's
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.close()


def _begin(conn) -> None:  # pragma: no cover - exercised via every test
    write = conn.get_execution_options().get(WRITE)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN DEFERRED")


def make_engine(url_or_path: str | Path) -> Engine:
    """An engine for a project file path, or any SQLAlchemy URL (e.g. PostgreSQL)."""
    text = str(url_or_path)
    if "://" in text:
        return sa.create_engine(text)
    engine = sa.create_engine(f"sqlite:///{Path(text)}")
    sa.event.listen(engine, "connect", _set_pragmas)
    sa.event.listen(engine, "begin", _begin)
    return engine


WRITE_LOCK = 0x71745772  # "qtWr"
"""PostgreSQL advisory lock key held by each write transaction (one writer at a time)."""


@contextmanager
def begin_write(engine: Engine) -> Iterator[sa.Connection]:
    """``engine.begin()`` for a transaction that writes, one writer at a time.

    On SQLite it takes the write lock before its first read (``BEGIN IMMEDIATE``, waiting
    up to the busy timeout). On PostgreSQL it takes a transaction-level advisory lock
    first (waiting up to the same time, ``lock_timeout``): under READ COMMITTED two writers
    would otherwise each read, then rewrite, the same tally-cache rows (a duplicate key, or
    a count computed from a state the other has changed)."""
    with engine.execution_options(**{WRITE: True}).begin() as conn:
        _lock_for_write(conn)
        yield conn


def _lock_for_write(conn: sa.Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {BUSY_TIMEOUT_MS}")
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")


def probe(path: Path) -> set[str]:
    """The file's table names, read by SQLite itself (read-only; never with ``open()``).

    Raises InputError when SQLite says the file is not a database or is damaged."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as err:
        if "not a database" in str(err):
            raise InputError(
                str(path),
                f"not a qualtally project, or a damaged one (SQLite: {err}); "
                f"if it was a project, {backup_hint(path)}",
            ) from None
        raise damaged(path, str(err)) from None
    finally:
        conn.close()


def quick_check(engine: Engine, path: Path) -> None:
    """Refuse a damaged file: SQLite's ``PRAGMA quick_check`` (every page, no index
    cross-check; ~linear in the file's size)."""
    try:
        with engine.connect() as conn:
            rows = [r[0] for r in conn.exec_driver_sql("PRAGMA quick_check(5)")]
    except sa.exc.DatabaseError as err:
        raise damaged(path, str(err.orig)) from None
    if rows != ["ok"]:
        raise damaged(path, "; ".join(str(r) for r in rows))


def _alembic_config():
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


HEAD_REVISION = "0007"
"""The newest migration; a test checks it equals Alembic's head. Knowing it lets an
up-to-date project open without importing Alembic (about 0.4 s of start-up)."""


def _stamped_revision(engine: Engine) -> str | None:
    """The revision recorded in the file, read with plain SQLAlchemy (None if unstamped)."""
    if "alembic_version" not in sa.inspect(engine).get_table_names():
        return None
    table = sa.table("alembic_version", sa.column("version_num"))
    with engine.connect() as conn:
        return conn.execute(sa.select(table.c.version_num)).scalar()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine, path: Path | None) -> Path | None:
    """Bring the schema to head; return the path of the safety copy if one was taken."""
    if _stamped_revision(engine) == HEAD_REVISION:
        return None
    from alembic import command

    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return None
    if current is not None and current not in _known_revisions():
        where = str(path) if path is not None else str(engine.url)
        raise InputError(where, f"made by a newer qualtally (schema revision {current}; "
                                f"this one knows up to {head}): upgrade qualtally to open it")
    backup = None
    if path is not None and current is not None and path.exists():
        from qualtally.storage import backups

        backup = backups.take(path, f"before-migration-from-{current}")
    cfg = _alembic_config()
    with engine.connect() as conn:
        raw = conn.connection.driver_connection if conn.dialect.name == "sqlite" else None
        if raw is not None:  # SQLite's table-rebuild procedure (0005): a DROP must not cascade
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.execution_options(**{WRITE: True}).begin():
                if raw is None:
                    _lock_for_write(conn)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                if raw is not None and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise InputError(str(path), "the schema upgrade would break foreign keys; "
                                                "nothing was changed")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")
    return backup


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {r.revision for r in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def check_project_file(path: Path, *, create: bool) -> None:
    """Refuse a file that is not a qualtally project before anything writes to it."""
    if not path.exists():
        return
    if path.stat().st_size == 0:
        if not create:
            raise InputError(str(path), "not a qualtally project (empty file)")
        return
    names = probe(path)
    if names and "alembic_version" not in names:
        raise InputError(str(path), "a SQLite database of another program, not a qualtally project")


def open_engine(path: Path | str, *, create: bool) -> Engine:
    """Engine for a project file (checked, migrated) or a server URL such as PostgreSQL's."""
    if is_url(path):
        return _open_server(str(path), create=create)
    path = Path(path)
    if not create and not path.exists():
        raise InputError(str(path), "no such project (create it with `qualtally new`)")
    if create and path.exists() and path.stat().st_size > 0:
        raise InputError(str(path), "already exists")
    check_project_file(path, create=create)
    engine = make_engine(path)
    try:
        if not create:
            quick_check(engine, path)
        migrate(engine, path)
    except sa.exc.DatabaseError as err:
        engine.dispose()
        if is_damage(err):
            raise damaged(path, str(err.orig)) from None
        raise InputError(str(path), f"unreadable database ({err.orig})") from None
    except InputError:
        engine.dispose()
        raise
    return engine


def _open_server(url: str, *, create: bool) -> Engine:
    """A project in a server database: ``new`` needs a database without one, everything else
    a database holding one; both are migrated to head as a file is."""
    engine = server_engine(url)
    try:
        names = set(sa.inspect(engine).get_table_names())
        if create and "alembic_version" in names:
            raise InputError(shown(url), "already holds a qualtally project")
        if create and names:
            raise InputError(shown(url), "the database already holds tables of another program")
        if not create and "alembic_version" not in names:
            raise InputError(shown(url), "no qualtally project in this database (create one with "
                                         "`qualtally new`, or copy one in with `qualtally copy`)")
        migrate(engine, None)
        from qualtally.storage import roles, tally_cache

        if roles.restricted(engine):  # a coder's role: the tally cache is closed to it
            engine.update_execution_options(**{tally_cache.NO_CACHE: True})
    except BaseException:
        engine.dispose()
        raise
    return engine
