"""Copying a whole project between a file and a server (``qualtally copy``), row for row.

Every table of the schema is copied with its ids, the event log included, so undo stacks,
the tally cache and the suggestion cache mean the same in the copy. The source is read in
one snapshot (one SQLite read transaction; REPEATABLE READ on PostgreSQL, so coders working
meanwhile do not tear it) and the target written in one transaction: a failure leaves it as
it was. A target that holds anything (a row in any table) is refused before anything is
written. On PostgreSQL the id sequences are moved past the copied ids afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from qualtally.core.errors import InputError
from qualtally.storage import tables as t
from qualtally.storage.engine import begin_write, open_engine
from qualtally.storage.server import is_url, server_engine, shown

BATCH = 2000
LAST = ("tally_cache", "tally_cache_state")
"""Copied after the counted tables, whose inserts would otherwise mark the copied cache
stale (``tally_cache._watch``)."""


def ordered_tables() -> list[sa.Table]:
    tables = list(t.metadata.sorted_tables)
    return [x for x in tables if x.name not in LAST] + [x for x in tables if x.name in LAST]


def open_target(where: str) -> Engine:
    """The target's engine: a new file or an empty database gets the schema; an existing
    project is opened (and must then be empty)."""
    if is_url(where):
        probe = server_engine(where)
        try:
            create = "alembic_version" not in sa.inspect(probe).get_table_names()
        finally:
            probe.dispose()
    else:
        path = Path(where)
        create = not path.exists() or path.stat().st_size == 0
    return open_engine(where, create=create)


def non_empty(conn: Connection) -> list[str]:
    return [x.name for x in ordered_tables()
            if conn.execute(sa.select(sa.literal(1)).select_from(x).limit(1)).first()]


def _read_snapshot(engine: Engine):
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="REPEATABLE READ").connect()
    return engine.connect()


def _reset_sequences(conn: Connection) -> None:
    for table in t.metadata.sorted_tables:
        for col in table.primary_key.columns:
            if col.autoincrement is True or (
                col.autoincrement == "auto" and len(table.primary_key.columns) == 1
                and isinstance(col.type, sa.Integer)
            ):
                seq = conn.exec_driver_sql(
                    f"SELECT pg_get_serial_sequence('{table.name}', '{col.name}')").scalar()
                if seq:
                    conn.exec_driver_sql(
                        f"SELECT setval('{seq}', COALESCE((SELECT max({col.name}) "
                        f"FROM {table.name}), 0) + 1, false)")


def copy_project(source: Engine, target: Engine, target_name: str,
                 progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Copy every row of ``source`` into the empty ``target``; rows copied per table."""
    counts: dict[str, int] = {}
    with _read_snapshot(source) as src, begin_write(target) as dst:
        full = non_empty(dst)
        if full:
            raise InputError(shown(target_name) if is_url(target_name) else target_name,
                             f"not empty (rows in {', '.join(full[:4])}); "
                             "copy only into a new file or an empty database")
        for table in ordered_tables():
            if table.name in LAST:
                dst.execute(sa.delete(table))
            n = 0
            result = src.execution_options(yield_per=BATCH).execute(
                sa.select(table).order_by(*table.primary_key.columns))
            for chunk in result.mappings().partitions(BATCH):
                dst.execute(sa.insert(table), [dict(r) for r in chunk])
                n += len(chunk)
                if progress:
                    progress(table.name, n)
            counts[table.name] = n
        if dst.dialect.name == "postgresql":
            _reset_sequences(dst)
    return counts
