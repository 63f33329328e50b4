""""Nothing applies": an excerpt a coder has read and coded with no code.

A coder who reached an excerpt and found no code fitting it has coded it, with nothing;
a coder who never reached it has not. Agreement depends on the difference (the first is
an "absent" for every code, the second a missing value), so it is stored: one row of
table ``reviewed`` per (excerpt, coder), the same row a coded-excerpts CSV's empty
``codes`` cell imports. Setting or clearing a mark is an undoable event
(``nothing.set``); applying a code clears the coder's mark on that excerpt and on the
turn it narrows, recorded in the ``coding.add`` event so that undoing it restores them.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from qualtally.core.errors import InputError
from qualtally.storage import tables as t
from qualtally.storage.engine import begin_write
from qualtally.storage.rows import log_event

ACTION = "nothing.set"


def _cond(excerpt_id: int, coder: str):
    return (t.reviewed.c.excerpt_id == excerpt_id) & (t.reviewed.c.coder == coder)


def write(conn: Connection, excerpt_id: int, coder: str, marked: bool) -> None:
    """Make the mark present or absent (no event: the caller logs)."""
    conn.execute(sa.delete(t.reviewed).where(_cond(excerpt_id, coder)))
    if marked:
        conn.execute(sa.insert(t.reviewed).values(excerpt_id=excerpt_id, coder=coder))


def is_marked(conn: Connection, excerpt_id: int, coder: str) -> bool:
    q = sa.select(t.reviewed.c.excerpt_id).where(_cond(excerpt_id, coder))
    return conn.execute(q).first() is not None


def set_nothing(engine: Engine, excerpt_id: int, coder: str, marked: bool) -> bool:
    """Mark (or unmark) ``excerpt_id`` as "nothing applies" for ``coder``; True if it changed.

    Refused (InputError) while the coder has a code on the excerpt: nothing-applies is for
    an excerpt the coder left without codes.
    """
    with begin_write(engine) as conn:
        exists = conn.execute(sa.select(t.excerpts.c.id)
                              .where(t.excerpts.c.id == excerpt_id)).first()
        if exists is None:
            raise InputError(f"excerpt {excerpt_id}", "no such excerpt")
        if marked:
            coded = conn.execute(sa.select(t.codings.c.id).where(
                (t.codings.c.excerpt_id == excerpt_id) & (t.codings.c.coder == coder))).first()
            if coded is not None:
                raise InputError(f"excerpt {excerpt_id}",
                                 "it has your codes: remove them before marking nothing applies")
        was = is_marked(conn, excerpt_id, coder)
        if was == marked:
            return False
        write(conn, excerpt_id, coder, marked)
        log_event(conn, coder, ACTION, "reviewed", excerpt_id,
                  {"excerpt_id": excerpt_id, "coder": coder, "marked": was},
                  {"excerpt_id": excerpt_id, "coder": coder, "marked": marked}, undoable=True)
    return True


def clear_for_coding(conn: Connection, excerpt_id: int, coder: str) -> list[int]:
    """Before a code is applied: drop the coder's marks on the excerpt and on the turn it
    narrows; the excerpt ids whose mark was dropped (for the ``coding.add`` event)."""
    parent = conn.execute(sa.select(t.excerpts.c.parent_id)
                          .where(t.excerpts.c.id == excerpt_id)).scalar()
    cleared = []
    for eid in [excerpt_id] + ([int(parent)] if parent is not None else []):
        if conn.execute(sa.delete(t.reviewed).where(_cond(eid, coder))).rowcount:
            cleared.append(eid)
    return cleared


def replay(conn: Connection, _tracker: Any, before: dict | None, after: dict | None,
           reverse: bool) -> None:
    """Undo (``reverse``) or redo a ``nothing.set`` event."""
    state = before if reverse else after
    assert state is not None
    write(conn, int(state["excerpt_id"]), str(state["coder"]), bool(state["marked"]))


def restore_after_coding(conn: Connection, before: dict | None, reverse: bool) -> None:
    """Undoing a ``coding.add`` puts back the marks it cleared; redoing clears them again."""
    if not before:
        return
    for eid in before.get("nothing_applies") or ():
        write(conn, int(eid), str(before["coder"]), reverse)
