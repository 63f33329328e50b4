"""A cheap signal that someone else changed the project, so screens can follow their work.

Several coders (or a coding screen and a CLI import) work on one project at once; each
screen's counts should follow the others' within about two seconds without re-reading
anything while nothing changes. :meth:`ChangeSignal.changed` is a non-blocking check a
screen calls every half second:

- PostgreSQL: a connection of its own that ``LISTEN``s on ``qualtally_changes``, which
  the triggers of migration 0007 notify (at commit, once per transaction and table) on
  every write to codings, marks, codes, findings, excerpts, memos, rejections, consensus
  decisions, settings and documents, whichever client made it. Checking reads what
  the server has already sent; it sends nothing.
- SQLite: ``PRAGMA data_version`` on a connection of its own, which changes when any other
  connection (another process, or this one's pool) commits to the file; then the newest
  event's and coding's ids tell a change to what is counted from a saved position.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine

CHANNEL = "qualtally_changes"


class ChangeSignal:
    def __init__(self, engine: Engine) -> None:
        self.kind = engine.dialect.name
        self.tables: set[str] = set()
        """The tables named since the last check (PostgreSQL; empty on SQLite)."""
        if self.kind == "postgresql":
            import psycopg

            args = engine.url.translate_connect_args(username="user", database="dbname")
            args.update({k: v for k, v in engine.url.query.items() if isinstance(v, str)})
            self._pg = psycopg.connect(**args, autocommit=True, connect_timeout=10)
            self._pg.execute(f"LISTEN {CHANNEL}")
        else:
            path = Path(engine.url.database or "").resolve()
            self._lite = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True,
                                         check_same_thread=False)
            self._version = self._data_version()
            self._marker = self._counted_marker()

    def _data_version(self) -> int:
        return int(self._lite.execute("PRAGMA data_version").fetchone()[0])

    def _counted_marker(self) -> tuple:
        """The newest event and coding: what moves when someone changes what screens count
        (every person-made change, import and setting is an event), and not when a coding
        screen merely saves where its coder is (which also changes ``data_version``)."""
        return self._lite.execute(
            "SELECT (SELECT max(id) FROM events), (SELECT max(id) FROM codings)").fetchone()

    def changed(self) -> bool:
        """Whether anyone committed a change since the last call (never blocks)."""
        if self.kind == "postgresql":
            self.tables = {n.payload for n in self._pg.notifies(timeout=0)}
            return bool(self.tables)
        version = self._data_version()
        if version == self._version:
            return False
        self._version = version
        marker = self._counted_marker()
        changed, self._marker = marker != self._marker, marker
        return changed

    def close(self) -> None:
        if self.kind == "postgresql":
            self._pg.close()
        else:
            self._lite.close()
