"""Removing a document, a respondent or a code, with the codings that hang on it.

Each removal runs inside the caller's write transaction and tally-cache tracker
(:func:`qualtally.storage.tally_cache.maintained`), so the cache stays exact, and logs
one ``*.remove`` event whose ``before`` says what went (names and counts, for the audit
trail). A removal is not undoable from the event log: the façade takes a backup copy
first (``Project.backup``), and ``qualtally restore`` brings it back.

A respondent's excerpts go with the respondent (their text stays in the document, like an
interviewer's turn, and counts for nobody); a document's turns and excerpts go with it; a
code goes with its sub-codes.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from qualtally.core.errors import InputError
from qualtally.core.models import PATH_SEP
from qualtally.storage import tables as t
from qualtally.storage.rows import log_event
from qualtally.storage.tally_cache import Tracker

_CHUNK = 900
_BY_EXCERPT = (t.codings, t.memos, t.reviewed, t.rejections, t.suggestion_cache,
               t.consensus_decisions)


def _chunks(ids: list[int]):
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


def _count(conn: Connection, table, cond) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(table).where(cond))
               .scalar_one())


def codings_by_coder(conn: Connection, excerpt_ids: list[int]) -> dict[str, int]:
    """How many codings each coder has on these excerpts."""
    out: dict[str, int] = {}
    for part in _chunks(sorted(set(excerpt_ids))):
        q = (sa.select(t.codings.c.coder, sa.func.count()).where(t.codings.c.excerpt_id.in_(part))
             .group_by(t.codings.c.coder))
        for coder, n in conn.execute(q):
            out[coder] = out.get(coder, 0) + int(n)
    return out


def with_children(conn: Connection, excerpt_ids: set[int]) -> set[int]:
    """The excerpts and every span narrowed inside them, at any depth."""
    found, frontier = set(excerpt_ids), set(excerpt_ids)
    while frontier:
        nxt: set[int] = set()
        for part in _chunks(sorted(frontier)):
            nxt.update(int(r[0]) for r in conn.execute(
                sa.select(t.excerpts.c.id).where(t.excerpts.c.parent_id.in_(part))))
        frontier = nxt - found
        found |= frontier
    return found


def drop_excerpts(conn: Connection, tracker: Tracker, excerpt_ids: set[int]) -> int:
    """Delete the excerpts (with their narrowed spans) and everything on them; the number of
    codings that went."""
    ids = sorted(with_children(conn, excerpt_ids))
    if not ids:
        return 0
    tracker.excerpts(ids)
    gone = sum(codings_by_coder(conn, ids).values())
    for part in _chunks(ids):
        for table in _BY_EXCERPT:
            conn.execute(sa.delete(table).where(table.c.excerpt_id.in_(part)))
        conn.execute(sa.update(t.excerpts).where(t.excerpts.c.id.in_(part)).values(parent_id=None))
    for part in _chunks(ids):
        conn.execute(sa.delete(t.excerpts).where(t.excerpts.c.id.in_(part)))
    return gone


def document_id(conn: Connection, name: str) -> int:
    row = conn.execute(sa.select(t.documents.c.id).where(t.documents.c.name == name)).first()
    if row is None:
        raise InputError(name, "no document with this name in the project")
    return int(row.id)


def respondent_row(conn: Connection, key: str):
    row = conn.execute(sa.select(t.respondents).where(t.respondents.c.key == key)).first()
    if row is None:
        raise InputError(key, "no respondent with this key in the project")
    return row


def code_subtree(conn: Connection, path: str) -> list[Any]:
    """The code at ``path`` and its sub-codes, deepest first."""
    rows = conn.execute(sa.select(t.codes.c.id, t.codes.c.path)).all()
    tree = [r for r in rows if r.path == path or r.path.startswith(path + PATH_SEP)]
    if not any(r.path == path for r in tree):
        raise InputError(path, "no code with this path in the project")
    return sorted(tree, key=lambda r: -r.path.count(PATH_SEP))


def _excerpts_where(conn: Connection, cond) -> set[int]:
    return {int(r[0]) for r in conn.execute(sa.select(t.excerpts.c.id).where(cond))}


def orphans(conn: Connection) -> list[str]:
    """Respondents with neither turns nor excerpts left (they still count in N)."""
    used = sa.select(t.turns.c.respondent_id).where(t.turns.c.respondent_id.is_not(None))
    used_x = sa.select(t.excerpts.c.respondent_id).where(t.excerpts.c.respondent_id.is_not(None))
    q = (sa.select(t.respondents.c.key).where(t.respondents.c.id.not_in(used))
         .where(t.respondents.c.id.not_in(used_x)).order_by(t.respondents.c.key))
    return [r[0] for r in conn.execute(q)]


# -- what a removal would take (for the confirmation) and the removal itself -------------
def preview(conn: Connection, kind: str, name: str) -> dict[str, Any]:
    """What removing ``kind`` ``name`` takes: excerpts, codings per coder, sub-codes."""
    if kind == "document":
        doc = document_id(conn, name)
        ids = with_children(conn, _excerpts_where(conn, t.excerpts.c.document_id == doc))
        return {"excerpts": len(ids), "codings": codings_by_coder(conn, list(ids))}
    if kind == "respondent":
        rid = respondent_row(conn, name).id
        ids = with_children(conn, _excerpts_where(conn, t.excerpts.c.respondent_id == rid))
        turns = _count(conn, t.turns, t.turns.c.respondent_id == rid)
        return {"excerpts": len(ids), "turns": turns, "codings": codings_by_coder(conn, list(ids))}
    if kind == "code":
        tree = code_subtree(conn, name)
        out: dict[str, int] = {}
        for part in _chunks([int(r.id) for r in tree]):
            q = (sa.select(t.codings.c.coder, sa.func.count())
                 .where(t.codings.c.code_id.in_(part)).group_by(t.codings.c.coder))
            for coder, n in conn.execute(q):
                out[coder] = out.get(coder, 0) + int(n)
        return {"codes": [r.path for r in tree], "codings": out}
    raise InputError(kind, "can remove a document, a respondent or a code")


def remove(conn: Connection, tracker: Tracker, kind: str, name: str, actor: str) -> dict:
    """Remove it with its codings; log ``<kind>.remove``; return what went."""
    went = preview(conn, kind, name)
    if kind == "document":
        doc = document_id(conn, name)
        drop_excerpts(conn, tracker, _excerpts_where(conn, t.excerpts.c.document_id == doc))
        conn.execute(sa.delete(t.turns).where(t.turns.c.document_id == doc))
        conn.execute(sa.delete(t.documents).where(t.documents.c.id == doc))
        entity, entity_id = "documents", doc
    elif kind == "respondent":
        row = respondent_row(conn, name)
        drop_excerpts(conn, tracker, _excerpts_where(conn, t.excerpts.c.respondent_id == row.id))
        tracker.respondents([row.id])
        conn.execute(sa.update(t.turns).where(t.turns.c.respondent_id == row.id)
                     .values(respondent_id=None))
        conn.execute(sa.delete(t.consensus_decisions)
                     .where(t.consensus_decisions.c.respondent_id == row.id))
        conn.execute(sa.delete(t.respondents).where(t.respondents.c.id == row.id))
        went["attributes"] = dict(row.attributes)
        entity, entity_id = "respondents", int(row.id)
    else:
        tree = code_subtree(conn, name)
        ids = [int(r.id) for r in tree]
        for part in _chunks(ids):
            touched = {int(r[0]) for r in conn.execute(
                sa.select(t.codings.c.excerpt_id).where(t.codings.c.code_id.in_(part)))}
            tracker.excerpts(touched)
        for part in _chunks(ids):
            for table in (t.codings, t.rejections, t.consensus_decisions):
                conn.execute(sa.delete(table).where(table.c.code_id.in_(part)))
        for code_id in ids:  # deepest first: a parent goes after its children
            conn.execute(sa.delete(t.codes).where(t.codes.c.id == code_id))
        entity, entity_id = "codes", ids[-1]
    went["orphans"] = orphans(conn) if kind == "document" else []
    log_event(conn, actor, f"{kind}.remove", entity, entity_id, {"name": name, **went}, None)
    return went
