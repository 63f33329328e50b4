"""Correcting who said what after an import: merging respondents, reassigning a turn.

Both are undoable events (``respondent.merge``, ``turn.reassign``) whose ``before`` and
``after`` name the rows they moved, so :func:`replay` (called by ``storage/history.py``)
puts either state back exactly. They run inside the caller's write transaction and
tally-cache tracker: both respondents are recounted, so the cache stays exact.

* Merging ``source`` into ``target`` moves the source's turns, excerpts and
  respondent-level consensus decisions to the target and deletes the source (its key
  and attributes are in the event, and undo recreates it with the same id).
* Reassigning a turn gives the turn and the excerpts inside it (those of its old
  respondent) to another respondent, or to nobody (an interviewer's turn). A turn that
  had no excerpt (an interviewer's) gets one for its text when given to a respondent;
  undo deletes that excerpt again.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from qualtally.core.errors import InputError
from qualtally.storage import tables as t
from qualtally.storage.removal import document_id, drop_excerpts, respondent_row
from qualtally.storage.rows import log_event
from qualtally.storage.tally_cache import Tracker

MERGE, REASSIGN = "respondent.merge", "turn.reassign"


def _move(conn: Connection, table, ids: list[int], rid: int | None) -> None:
    for i in range(0, len(ids), 900):
        conn.execute(sa.update(table).where(table.c.id.in_(ids[i:i + 900]))
                     .values(respondent_id=rid))


def merge(conn: Connection, tracker: Tracker, source: str, target: str, actor: str) -> dict:
    if source == target:
        raise InputError(source, "cannot merge a respondent into itself")
    src, tgt = respondent_row(conn, source), respondent_row(conn, target)
    owned = {name: [int(r[0]) for r in conn.execute(sa.select(table.c.id)
                                                     .where(table.c.respondent_id == src.id))]
             for name, table in (("turns", t.turns), ("excerpts", t.excerpts),
                                 ("decisions", t.consensus_decisions))}
    before = {"id": int(src.id), "key": src.key, "attributes": dict(src.attributes),
              "target_id": int(tgt.id), "target": tgt.key, **owned}
    _merge(conn, tracker, before)
    log_event(conn, actor, MERGE, "respondents", int(src.id), before,
              {"target_id": int(tgt.id), "target": tgt.key}, undoable=True)
    return before


def _merge(conn: Connection, tracker: Tracker, data: dict[str, Any]) -> None:
    tracker.respondents([data["id"], data["target_id"]])
    _move(conn, t.turns, data["turns"], data["target_id"])
    _move(conn, t.excerpts, data["excerpts"], data["target_id"])
    _move(conn, t.consensus_decisions, data["decisions"], data["target_id"])
    conn.execute(sa.delete(t.respondents).where(t.respondents.c.id == data["id"]))


def _unmerge(conn: Connection, tracker: Tracker, data: dict[str, Any]) -> None:
    tracker.respondents([data["id"], data["target_id"]])
    conn.execute(sa.insert(t.respondents).values(id=data["id"], key=data["key"],
                                                 attributes=data["attributes"]))
    _move(conn, t.turns, data["turns"], data["id"])
    _move(conn, t.excerpts, data["excerpts"], data["id"])
    _move(conn, t.consensus_decisions, data["decisions"], data["id"])


def reassign(conn: Connection, tracker: Tracker, document: str, turn_index: int,
             respondent: str | None, actor: str) -> dict:
    """Give turn ``turn_index`` (0-based, in document order) of ``document`` to ``respondent``
    (None: to nobody)."""
    doc = document_id(conn, document)
    turn = conn.execute(sa.select(t.turns).where((t.turns.c.document_id == doc)
                                                 & (t.turns.c.idx == turn_index))).first()
    if turn is None:
        raise InputError(document, f"no turn {turn_index} in this document")
    new = int(respondent_row(conn, respondent).id) if respondent else None
    if new == turn.respondent_id:
        raise InputError(document, f"turn {turn_index} is already {respondent or 'nobody'}'s")
    inside = ((t.excerpts.c.document_id == doc) & (t.excerpts.c.start >= turn.start)
              & (t.excerpts.c.end <= turn.end))
    if turn.respondent_id is None:
        inside = inside & t.excerpts.c.respondent_id.is_(None)
    else:
        inside = inside & (t.excerpts.c.respondent_id == turn.respondent_id)
    excerpts = [int(r[0]) for r in conn.execute(sa.select(t.excerpts.c.id).where(inside))]
    before = {"turn_id": int(turn.id), "respondent_id": turn.respondent_id,
              "excerpts": excerpts, "created": None, "document_id": doc,
              "start": turn.start, "end": turn.end}
    after = {**before, "respondent_id": new}
    if not excerpts and new is not None and turn.end > turn.start:
        res = conn.execute(sa.insert(t.excerpts).values(
            document_id=doc, start=turn.start, end=turn.end, respondent_id=new, parent_id=None,
            question=(turn.meta or {}).get("question")))
        after["created"] = int(res.inserted_primary_key[0])
    _set(conn, tracker, after, before)
    log_event(conn, actor, REASSIGN, "turns", int(turn.id), before, after, undoable=True)
    return after


def _set(conn: Connection, tracker: Tracker, state: dict, other: dict) -> None:
    tracker.excerpts(state["excerpts"])
    tracker.respondents([state["respondent_id"], other["respondent_id"]])
    conn.execute(sa.update(t.turns).where(t.turns.c.id == state["turn_id"])
                 .values(respondent_id=state["respondent_id"]))
    _move(conn, t.excerpts, state["excerpts"], state["respondent_id"])


def replay(conn: Connection, tracker: Tracker, before: dict | None, after: dict | None,
           reverse: bool) -> None:
    """Undo (``reverse``) or redo a merge or a reassignment."""
    assert before is not None and after is not None
    if "turn_id" not in before:  # a merge
        (_unmerge if reverse else _merge)(conn, tracker, before)
        return
    created = after.get("created")
    if reverse:
        if created is not None:
            drop_excerpts(conn, tracker, {created})
        _set(conn, tracker, before, after)
        return
    if created is not None:
        conn.execute(sa.insert(t.excerpts).values(
            id=created, document_id=after["document_id"], start=after["start"],
            end=after["end"], respondent_id=after["respondent_id"], parent_id=None))
        tracker.excerpts([created])
    _set(conn, tracker, after, before)


REPLAYS = {MERGE: replay, REASSIGN: replay}
