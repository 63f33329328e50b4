"""Row-level write helpers shared by the store and by undo/redo.

Appending to the event log, creating a code path with its missing ancestors, renaming or
moving a code with its sub-codes, writing a memo: each runs inside the caller's
transaction, so the store and ``storage/history.py`` change rows the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from qualtally.core.errors import InputError
from qualtally.core.models import Code, join_path, split_path
from qualtally.storage import tables as t


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def log_event(
    conn: Connection,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    undoable: bool = False,
    ref: int | None = None,
) -> int:
    res = conn.execute(
        sa.insert(t.events).values(
            at=now(), actor=actor, action=action, entity=entity, entity_id=entity_id,
            before=before, after=after, undoable=undoable, ref=ref,
        )
    )
    return int(res.inserted_primary_key[0])


def ensure_code_path(conn: Connection, path: str, cache: dict[str, int] | None = None) -> int:
    """Id of the code at ``path``, creating it and any missing ancestors."""
    levels = split_path(path)
    if not levels:
        raise InputError(path or "(empty)", "empty code path")
    parent_id: int | None = None
    for depth in range(1, len(levels) + 1):
        sub = join_path(levels[:depth])
        if cache is not None and sub in cache:
            parent_id = cache[sub]
            continue
        row = conn.execute(sa.select(t.codes.c.id).where(t.codes.c.path == sub)).first()
        if row is None:
            ordinal = conn.execute(sa.select(sa.func.count()).select_from(t.codes)).scalar_one()
            res = conn.execute(
                sa.insert(t.codes).values(
                    parent_id=parent_id, path=sub, name=levels[depth - 1], definition="",
                    include="", exclude="", keywords=[], examples=[], colour="",
                    finding_key=None, ordinal=ordinal,
                )
            )
            code_id = int(res.inserted_primary_key[0])
        else:
            code_id = int(row.id)
        if cache is not None:
            cache[sub] = code_id
        parent_id = code_id
    assert parent_id is not None
    return parent_id


def _code_values(code: Code) -> dict[str, Any]:
    return dict(definition=code.definition, include=code.include, exclude=code.exclude,
                keywords=list(code.keywords), examples=list(code.examples),
                colour=code.colour, finding_key=code.finding)


def _rename(conn: Connection, row, name: str) -> None:
    name = name.strip()
    if not name or len(split_path(name)) > 1 or ";" in name:
        raise InputError(name or "(empty)", "a code name must be non-empty without ' > ' or ';'")
    old_path = row.path
    new_path = join_path(split_path(old_path)[:-1] + (name,))
    if conn.execute(sa.select(t.codes.c.id).where(t.codes.c.path == new_path)).first():
        raise InputError(new_path, "a code with this path already exists")
    conn.execute(sa.update(t.codes).where(t.codes.c.id == row.id).values(name=name, path=new_path))
    prefix = old_path + " > "
    for child in conn.execute(sa.select(t.codes.c.id, t.codes.c.path)
                              .where(t.codes.c.path.startswith(prefix, autoescape=True))).all():
        conn.execute(sa.update(t.codes).where(t.codes.c.id == child.id)
                     .values(path=new_path + child.path[len(old_path):]))


def _move(conn: Connection, code_id: int, parent_id: int | None) -> None:
    """Give a code a new parent (None: top level), rewriting its path and its descendants'."""
    row = conn.execute(sa.select(t.codes).where(t.codes.c.id == code_id)).one()
    if row.parent_id == parent_id:
        return
    prefix = row.path + " > "
    parent_path = None
    if parent_id is not None:
        parent = conn.execute(sa.select(t.codes.c.path).where(t.codes.c.id == parent_id)).first()
        if parent is None:
            raise InputError(f"code {parent_id}", "no such parent code")
        if parent.path == row.path or parent.path.startswith(prefix):
            raise InputError(row.path, "a code cannot move under itself or its own sub-codes")
        parent_path = parent.path
    new_path = join_path(split_path(parent_path or "") + (row.name,))
    if conn.execute(sa.select(t.codes.c.id).where(t.codes.c.path == new_path)).first():
        raise InputError(new_path, "a code with this path already exists")
    conn.execute(
        sa.update(t.codes).where(t.codes.c.id == code_id).values(parent_id=parent_id, path=new_path)
    )
    for child in conn.execute(sa.select(t.codes.c.id, t.codes.c.path)
                              .where(t.codes.c.path.startswith(prefix, autoescape=True))).all():
        conn.execute(sa.update(t.codes).where(t.codes.c.id == child.id)
                     .values(path=new_path + child.path[len(row.path):]))


def _write_memo(conn: Connection, excerpt_id: int, coder: str, text: str) -> None:
    conn.execute(
        sa.delete(t.memos).where((t.memos.c.excerpt_id == excerpt_id) & (t.memos.c.coder == coder))
    )
    if text:
        conn.execute(
            sa.insert(t.memos).values(excerpt_id=excerpt_id, coder=coder, text=text, updated=now())
        )


def apply_code_fields(conn: Connection, row, fields: dict[str, Any]) -> None:
    """Set a code's fields: a new name renames its sub-codes' paths, a new parent moves them."""
    if "name" in fields and fields["name"] != row.name:
        _rename(conn, row, fields["name"])
    if "parent_id" in fields:
        _move(conn, row.id, fields["parent_id"])
    rest = {k: v for k, v in fields.items() if k not in ("name", "parent_id")}
    if rest:
        conn.execute(sa.update(t.codes).where(t.codes.c.id == row.id).values(**rest))
