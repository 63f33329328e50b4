"""Undo and redo, read from the append-only event log.

Nothing is ever deleted from the log: an undo is a new ``undo`` event that points at the
event it reverses, a redo a new ``redo`` event. A coder's undo and redo stacks are
recomputed from their own events, so they survive a restart and never touch another
coder's work.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from qualtally.core.errors import InputError
from qualtally.storage import code_edits, consensus, marks, respondent_edits
from qualtally.storage import tables as t
from qualtally.storage.engine import begin_write
from qualtally.storage.rows import _write_memo, apply_code_fields, log_event, now
from qualtally.storage.tally_cache import maintained

REPLAYS = {marks.ACTION: marks.replay, **consensus.REPLAYS, **code_edits.REPLAYS,
           **respondent_edits.REPLAYS}
"""Undo/redo of the events other modules own (nothing-applies marks, consensus decisions,
code deletes and merges, respondent merges and turn reassignments):
``fn(conn, tracker, before, after, reverse)``."""


def stacks(conn: Connection, actor: str) -> tuple[list[int], list[int]]:
    """(done, redoable) event ids for ``actor``, most recent last."""
    done: list[int] = []
    redo: list[int] = []
    rows = conn.execute(
        sa.select(t.events.c.id, t.events.c.action, t.events.c.ref, t.events.c.undoable)
        .where(t.events.c.actor == actor).order_by(t.events.c.id)
    )
    for row in rows:
        if row.action == "undo":
            if done and done[-1] == row.ref:
                redo.append(done.pop())
        elif row.action == "redo":
            if redo and redo[-1] == row.ref:
                done.append(redo.pop())
        elif row.undoable:
            done.append(row.id)
            redo.clear()
    return done, redo


def _apply(
    conn: Connection, action: str, before: dict | None, after: dict | None, reverse: bool
) -> None:
    """Make the state of an event's ``after`` (or, reversing, its ``before``) true again."""
    if action in ("coding.add", "coding.remove"):
        adding = (action == "coding.add") != reverse
        data = after if action == "coding.add" else before
        assert data is not None
        if action == "coding.add":
            marks.restore_after_coding(conn, before, reverse)
        cond = (
            (t.codings.c.excerpt_id == data["excerpt_id"])
            & (t.codings.c.code_id == data["code_id"])
            & (t.codings.c.coder == data["coder"])
        )
        conn.execute(sa.delete(t.codings).where(cond))
        if adding:
            conn.execute(sa.insert(t.codings).values(**data))
    elif action == "suggestion.reject":
        assert after is not None
        cond = (
            (t.rejections.c.excerpt_id == after["excerpt_id"])
            & (t.rejections.c.code_id == after["code_id"])
            & (t.rejections.c.coder == after["coder"])
        )
        conn.execute(sa.delete(t.rejections).where(cond))
        if not reverse:
            conn.execute(sa.insert(t.rejections).values(**after))
    elif action == "memo.set":
        ref = before or after
        assert ref is not None
        state = before if reverse else after
        _write_memo(conn, ref["excerpt_id"], ref["coder"], state["text"] if state else "")
    elif action == "excerpt.add":
        assert after is not None
        if reverse:
            cond = (
                (t.excerpts.c.document_id == after["document_id"])
                & (t.excerpts.c.start == after["start"])
                & (t.excerpts.c.end == after["end"])
            )
            conn.execute(sa.delete(t.excerpts).where(cond))
        else:
            conn.execute(sa.insert(t.excerpts).values(**after))
    elif action == "code.add":
        assert after is not None
        if reverse:
            row = conn.execute(
                sa.select(t.codes.c.id).where(t.codes.c.path == after["path"])
            ).first()
            if row is None:
                return
            used = conn.execute(sa.select(sa.func.count()).select_from(t.codings)
                                .where(t.codings.c.code_id == row.id)).scalar_one()
            kids = conn.execute(sa.select(sa.func.count()).select_from(t.codes)
                                .where(t.codes.c.parent_id == row.id)).scalar_one()
            if used or kids:
                raise InputError(after["path"], "cannot undo adding a code that is in use")
            conn.execute(sa.delete(t.codes).where(t.codes.c.id == row.id))
        else:
            from qualtally.storage.rows import ensure_code_path

            code_id = ensure_code_path(conn, after["path"])
            values = {k: v for k, v in after.items() if k != "path"}
            conn.execute(sa.update(t.codes).where(t.codes.c.id == code_id).values(**values))
    elif action == "code.update":
        raise AssertionError("code.update is handled with its entity id")


def _apply_code_update(conn: Connection, code_id: int, fields: dict[str, Any]) -> None:
    row = conn.execute(sa.select(t.codes).where(t.codes.c.id == code_id)).first()
    if row is not None:
        apply_code_fields(conn, row, fields)


def step(engine: Engine, actor: str, *, redo: bool) -> str | None:
    """Undo (or redo) ``actor``'s latest change; return its action name, or None if none."""
    with begin_write(engine) as conn, maintained(conn, structure=True) as tally_cache:
        done, redoable = stacks(conn, actor)
        pool = redoable if redo else done
        if not pool:
            return None
        target = conn.execute(sa.select(t.events).where(t.events.c.id == pool[-1])).first()
        reverse = not redo
        tally_cache.event(target.entity, target.entity_id, target.before or target.after or {})
        if target.action in REPLAYS:  # nothing-applies marks, consensus decisions
            REPLAYS[target.action](conn, tally_cache, target.before, target.after, reverse)
        elif target.action == "code.update":
            _apply_code_update(conn, target.entity_id, target.before if reverse else target.after)
        else:
            _apply(conn, target.action, target.before, target.after, reverse)
        log_event(conn, actor, "redo" if redo else "undo", target.entity, target.entity_id,
                  target.after if reverse else target.before,
                  target.before if reverse else target.after, ref=target.id)
        return str(target.action)


__all__ = ["stacks", "step", "now"]
