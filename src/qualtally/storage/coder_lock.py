"""One coding screen per coder on a PostgreSQL project: a session-level advisory lock.

The file projects' lock (``core/coder_lock.py``) is a ``flock`` beside the file; a server
project has no file, so the coding screen holds ``pg_advisory_lock`` keyed on the coder,
on a connection of its own for as long as it is open. The server drops it when that
session ends, which it does when the process dies (SIGKILL included: the socket closes).
Advisory locks are per database, so one coder may code two projects at once.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from qualtally.core.coder_lock import refusal

NAMESPACE = 0x7174436F  # "qtCo": the first of the lock's two int4 keys
"""Keeps these keys apart from the write lock's (``engine.WRITE_LOCK``, one bigint key)."""


def coder_key(coder: str) -> int:
    """The second int4 key: the coder's name, hashed into a signed 32-bit integer."""
    return int.from_bytes(hashlib.sha256(coder.encode()).digest()[:4], "big", signed=True)


class ServerCoderLock:
    """Held from construction until :meth:`release` (or the session's end)."""

    def __init__(self, engine: sa.Engine, where: str, coder: str) -> None:
        self._conn: sa.Connection | None = engine.connect()
        try:
            got = self._conn.execute(sa.text("SELECT pg_try_advisory_lock(:ns, :key)"),
                                     {"ns": NAMESPACE, "key": coder_key(coder)}).scalar()
            self._conn.commit()  # the lock is the session's; no transaction is left open
        except BaseException:
            self.release()
            raise
        if not got:
            self.release()
            raise refusal(where, coder, "in another session on the server")

    def release(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.invalidate()  # the session ends (not back to the pool): the lock goes with it
            conn.close()
