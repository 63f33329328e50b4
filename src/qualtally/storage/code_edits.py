"""Deleting a code and merging one code into another: one logged, undoable event each.

Why this exists: a codebook changes as the analysis goes on, and a code that is deleted or
folded into another must not take anybody's work with it by accident, nor leave the tally
counting codes that are gone. Each operation runs in one transaction under the tally cache's
tracker (so the cache stays exact), and writes one event whose ``before`` holds every row it
changes or deletes (the code, its sub-codes' places, its codings, rejections and consensus
decisions), so undo puts them back exactly and redo runs the operation again.

* delete: the code's codings move to its parent code (``codings="parent"``) or are removed
  (``"remove"``); its sub-codes move up to its parent (or the top level);
* merge: the source's codings move to the target (a coder who already had the target on an
  excerpt keeps that one coding), its sub-codes move under the target, the source is deleted.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from qualtally.core.errors import InputError
from qualtally.storage import tables as t
from qualtally.storage.engine import begin_write
from qualtally.storage.rows import _move, log_event
from qualtally.storage.tally_cache import maintained

DELETE, MERGE = "code.delete", "code.merge"
MODES = ("parent", "remove")


def _rows(conn: Connection, table: sa.Table, cond) -> list[dict[str, Any]]:
    q = sa.select(table).where(cond).order_by(table.c.id)
    return [dict(r._mapping) for r in conn.execute(q)]


def _snapshot(conn: Connection, code_id: int) -> dict[str, Any]:
    """Every row the operation on ``code_id`` may change: enough to put it all back."""
    code = conn.execute(sa.select(t.codes).where(t.codes.c.id == code_id)).first()
    if code is None:
        raise InputError(f"code {code_id}", "no such code")
    prefix = code.path + " > "
    subtree = _rows(conn, t.codes, t.codes.c.path.startswith(prefix, autoescape=True))
    return {
        "code": dict(code._mapping),
        "subtree": [{k: r[k] for k in ("id", "parent_id", "path")} for r in subtree],
        "codings": _rows(conn, t.codings, t.codings.c.code_id == code_id),
        "rejections": _rows(conn, t.rejections, t.rejections.c.code_id == code_id),
        "decisions": _rows(conn, t.consensus_decisions,
                           t.consensus_decisions.c.code_id == code_id),
    }


def _fold(conn: Connection, code_id: int, codings_to: int | None, children_to: int | None) -> None:
    """Move the code's codings to ``codings_to`` (None: delete them) and its children under
    ``children_to`` (None: the top level), then delete the code."""
    if codings_to is not None:
        for c in _rows(conn, t.codings, t.codings.c.code_id == code_id):
            taken = conn.execute(sa.select(t.codings.c.id).where(
                (t.codings.c.excerpt_id == c["excerpt_id"]) & (t.codings.c.code_id == codings_to)
                & (t.codings.c.coder == c["coder"]))).first()
            if taken is None:
                conn.execute(sa.update(t.codings).where(t.codings.c.id == c["id"])
                             .values(code_id=codings_to))
    conn.execute(sa.delete(t.codings).where(t.codings.c.code_id == code_id))
    conn.execute(sa.delete(t.rejections).where(t.rejections.c.code_id == code_id))
    conn.execute(sa.delete(t.consensus_decisions)
                 .where(t.consensus_decisions.c.code_id == code_id))
    children = conn.execute(sa.select(t.codes.c.id).where(t.codes.c.parent_id == code_id)
                            .order_by(t.codes.c.ordinal, t.codes.c.id)).scalars().all()
    for child in children:
        _move(conn, int(child), children_to)
    conn.execute(sa.delete(t.codes).where(t.codes.c.id == code_id))


def _restore(conn: Connection, before: dict[str, Any]) -> None:
    """Put back what ``_snapshot`` saw (undo)."""
    code = before["code"]
    if conn.execute(sa.select(t.codes.c.id).where(t.codes.c.path == code["path"])).first():
        raise InputError(code["path"], "cannot undo: a code with this path exists again")
    conn.execute(sa.insert(t.codes).values(**code))
    for row in before["subtree"]:
        conn.execute(sa.update(t.codes).where(t.codes.c.id == row["id"])
                     .values(parent_id=row["parent_id"], path=row["path"]))
    ids = [c["id"] for c in before["codings"]]
    if ids:
        conn.execute(sa.delete(t.codings).where(t.codings.c.id.in_(ids)))
        conn.execute(sa.insert(t.codings), before["codings"])
    if before["rejections"]:
        conn.execute(sa.insert(t.rejections), before["rejections"])
    if before["decisions"]:
        conn.execute(sa.insert(t.consensus_decisions), before["decisions"])


def _targets(conn: Connection, action: str, after: dict[str, Any]) -> tuple[int | None, int | None]:
    """(where the codings go, where the children go) for an event's ``after``."""
    if action == MERGE:
        return after["into"], after["into"]
    parent = after["parent_id"]
    return (parent if after["codings"] == "parent" else None), parent


def _run(conn: Connection, tracker, action: str, after: dict[str, Any]) -> dict[str, Any]:
    before = _snapshot(conn, after["code_id"])
    tracker.excerpts({c["excerpt_id"] for c in before["codings"]})
    codings_to, children_to = _targets(conn, action, after)
    _fold(conn, after["code_id"], codings_to, children_to)
    return before


def delete_code(engine: Engine, code_id: int, codings: str, actor: str) -> dict[str, Any]:
    """Delete a code; its codings go to its parent (``"parent"``) or are removed."""
    if codings not in MODES:
        raise InputError(codings, f"codings must be one of {', '.join(MODES)}")
    with begin_write(engine) as conn, maintained(conn, structure=True) as tracker:
        code = conn.execute(sa.select(t.codes).where(t.codes.c.id == code_id)).first()
        if code is None:
            raise InputError(f"code {code_id}", "no such code")
        if codings == "parent" and code.parent_id is None:
            raise InputError(code.path, "a top-level code has no parent to take its codings; "
                             "remove them instead")
        after = {"code_id": code_id, "path": code.path, "parent_id": code.parent_id,
                 "codings": codings}
        before = _run(conn, tracker, DELETE, after)
        log_event(conn, actor, DELETE, "codes", code_id, before, after, undoable=True)
        return {"codings": len(before["codings"]), "children": _children(before)}


def merge_codes(engine: Engine, source_id: int, target_id: int, actor: str) -> dict[str, Any]:
    """Fold code ``source_id`` into ``target_id`` (codings, sub-codes), then delete it."""
    with begin_write(engine) as conn, maintained(conn, structure=True) as tracker:
        rows = {r.id: r for r in conn.execute(
            sa.select(t.codes).where(t.codes.c.id.in_([source_id, target_id])))}
        for i in (source_id, target_id):
            if i not in rows:
                raise InputError(f"code {i}", "no such code")
        source, target = rows[source_id], rows[target_id]
        if target.path == source.path or target.path.startswith(source.path + " > "):
            raise InputError(source.path, "cannot merge a code into itself or its own sub-code")
        after = {"code_id": source_id, "path": source.path, "into": target_id,
                 "into_path": target.path}
        before = _run(conn, tracker, MERGE, after)
        log_event(conn, actor, MERGE, "codes", source_id, before, after, undoable=True)
        return {"codings": len(before["codings"]), "children": _children(before)}


def _children(before: dict[str, Any]) -> int:
    return sum(1 for r in before["subtree"] if r["parent_id"] == before["code"]["id"])


def replay(conn: Connection, tracker, before: dict | None, after: dict | None,
           reverse: bool) -> None:
    """Undo (``reverse``) or redo a delete or merge event."""
    assert before is not None and after is not None
    tracker.excerpts({c["excerpt_id"] for c in before["codings"]})
    if reverse:
        _restore(conn, before)
    else:
        action = MERGE if "into" in after else DELETE
        _fold(conn, after["code_id"], *_targets(conn, action, after))


REPLAYS = {DELETE: replay, MERGE: replay}
