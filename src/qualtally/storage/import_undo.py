"""Undoing an import as a whole.

An import is one write transaction under the write lock (``begin_write``), so every row it
inserts has an id above the table's largest id when it began and at most the largest when
it ended. :func:`start` and :func:`finish` record those ranges, the settings and finding
links it overwrote, and the event ids of the records it updated, in the ``before`` of the
import's ``import`` event. :func:`undo` removes what is still in those ranges (documents
with their turns and excerpts, excerpts and codings it added to earlier documents,
respondents no turn or excerpt uses any more, findings, codes left without codings or
sub-codes), puts back the updated records and settings, and logs one ``import.undo``
event pointing at the import. Codings made later on the import's excerpts go with them:
:func:`plan` counts them first, for the confirmation.

Imports logged before this record existed cannot be undone this way; their documents can
still be removed one by one (``storage/removal.py``).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from qualtally.core.errors import InputError
from qualtally.core.models import PATH_SEP
from qualtally.storage import tables as t
from qualtally.storage.removal import codings_by_coder, drop_excerpts, with_children
from qualtally.storage.rows import log_event
from qualtally.storage.tally_cache import Tracker

LISTED = "respondents.listed"
"""Setting: a respondents list was imported (new speaker labels then need a decision)."""
TABLES = {"documents": t.documents, "respondents": t.respondents, "codes": t.codes,
          "findings": t.findings, "excerpts": t.excerpts, "codings": t.codings,
          "memos": t.memos}
_UPDATED = {"respondent.update": t.respondents, "code.update": t.codes,
            "finding.update": t.findings}


def _max(conn: Connection, table) -> int:
    return int(conn.execute(sa.select(sa.func.max(table.c.id))).scalar_one() or 0)


def start(conn: Connection) -> dict[str, Any]:
    return {"max": {name: _max(conn, table) for name, table in TABLES.items()},
            "event": _max(conn, t.events), "settings": {}, "links": {}}


def remember_setting(conn: Connection, undo: dict[str, Any], key: str) -> None:
    if key not in undo["settings"]:
        row = conn.execute(sa.select(t.settings.c.value).where(t.settings.c.key == key)).first()
        undo["settings"][key] = row[0] if row else None


def remember_link(conn: Connection, undo: dict[str, Any], code_id: int) -> None:
    """A code's finding link before the import set it (codes it created need none)."""
    if code_id <= undo["max"]["codes"] and str(code_id) not in undo["links"]:
        old = conn.execute(sa.select(t.codes.c.finding_key).where(t.codes.c.id == code_id))
        undo["links"][str(code_id)] = old.scalar_one()


def finish(conn: Connection, undo: dict[str, Any]) -> dict[str, Any]:
    """The import event's ``before``: id ranges ``[first, last]`` and what to put back."""
    ids = {name: [undo["max"][name] + 1, _max(conn, table)] for name, table in TABLES.items()}
    return {"ids": ids, "events": [undo["event"] + 1, _max(conn, t.events)],
            "settings": undo["settings"], "links": undo["links"]}


# -- which imports there are ----------------------------------------------------------------
def imports(conn: Connection) -> list[dict[str, Any]]:
    """Every import event, oldest first: number (1-based), id, when, who, source, counts,
    whether it was undone and whether it can be."""
    undone = {int(r[0]) for r in conn.execute(
        sa.select(t.events.c.ref).where(t.events.c.action == "import.undo"))}
    rows = conn.execute(sa.select(t.events).where(t.events.c.action == "import")
                        .order_by(t.events.c.id)).all()
    return [{"number": i, "event": int(r.id), "at": r.at, "actor": r.actor,
             "source": (r.after or {}).get("source", ""),
             "counts": {k: v for k, v in (r.after or {}).items() if k != "source"},
             "undone": int(r.id) in undone, "undoable": bool(r.before and "ids" in r.before)}
            for i, r in enumerate(rows, start=1)]


def choose(conn: Connection, number: int | None) -> dict[str, Any]:
    """The import ``number`` (default: the latest not undone); InputError if there is none."""
    found = imports(conn)
    if number is None:
        left = [i for i in found if not i["undone"]]
        if not left:
            raise InputError("undo-import", "no import to undo")
        chosen = left[-1]
    else:
        chosen = next((i for i in found if i["number"] == number), None)
        if chosen is None:
            raise InputError(str(number), f"no import number {number} (there are {len(found)})")
    if chosen["undone"]:
        raise InputError(str(chosen["number"]), "this import was already undone")
    if not chosen["undoable"]:
        raise InputError(str(chosen["number"]), "this import was recorded before imports could "
                         "be undone; remove its documents with `qualtally remove`")
    return chosen


def _in(table, lo_hi: list[int]):
    return (table.c.id >= lo_hi[0]) & (table.c.id <= lo_hi[1])


def _doomed(conn: Connection, ids: dict[str, list[int]]) -> tuple[list[int], set[int]]:
    docs = [int(r[0]) for r in conn.execute(
        sa.select(t.documents.c.id).where(_in(t.documents, ids["documents"])))]
    cond = _in(t.excerpts, ids["excerpts"])
    if docs:
        cond = cond | t.excerpts.c.document_id.in_(docs)
    excerpts = {int(r[0]) for r in conn.execute(sa.select(t.excerpts.c.id).where(cond))}
    return docs, with_children(conn, excerpts)


def plan(conn: Connection, number: int | None) -> dict[str, Any]:
    """What undoing the import would remove, with the later codings that would go too."""
    chosen = choose(conn, number)
    before = conn.execute(sa.select(t.events.c.before)
                          .where(t.events.c.id == chosen["event"])).scalar_one()
    ids = before["ids"]
    docs, excerpts = _doomed(conn, ids)
    own = _in(t.codings, ids["codings"])
    later = codings_by_coder(conn, list(excerpts))
    ids_sorted = sorted(excerpts)
    for i in range(0, len(ids_sorted), 900):  # the import's own codings are not "later"
        part = ids_sorted[i:i + 900]
        for coder, n in conn.execute(sa.select(t.codings.c.coder, sa.func.count())
                                     .where(own & t.codings.c.excerpt_id.in_(part))
                                     .group_by(t.codings.c.coder)):
            later[coder] -= int(n)
    names = [r[0] for r in conn.execute(sa.select(t.documents.c.name)
                                        .where(t.documents.c.id.in_(docs)))]
    return {**chosen, "documents": sorted(names), "excerpts": len(excerpts),
            "codings": int(conn.execute(sa.select(sa.func.count()).select_from(t.codings)
                                        .where(own)).scalar_one()),
            "later_codings": {c: n for c, n in later.items() if n > 0}}


def undo(conn: Connection, tracker: Tracker, number: int | None, actor: str) -> dict[str, Any]:
    """Undo the import (see the module doc) inside the caller's transaction; what went."""
    done = plan(conn, number)
    event = conn.execute(sa.select(t.events).where(t.events.c.id == done["event"])).first()
    before = event.before
    ids = before["ids"]
    docs, excerpts = _doomed(conn, ids)
    own = [int(r[0]) for r in conn.execute(sa.select(t.codings.c.excerpt_id).distinct()
                                           .where(_in(t.codings, ids["codings"])))]
    tracker.excerpts(own)
    conn.execute(sa.delete(t.codings).where(_in(t.codings, ids["codings"])))
    conn.execute(sa.delete(t.memos).where(_in(t.memos, ids["memos"])))
    drop_excerpts(conn, tracker, excerpts)
    if docs:
        conn.execute(sa.delete(t.turns).where(t.turns.c.document_id.in_(docs)))
        conn.execute(sa.delete(t.documents).where(t.documents.c.id.in_(docs)))
    # records it updated, newest first, back to their state before
    for row in conn.execute(sa.select(t.events).where(
            (t.events.c.id >= before["events"][0]) & (t.events.c.id < event.id)
            & t.events.c.action.in_(list(_UPDATED))).order_by(t.events.c.id.desc())).all():
        table = _UPDATED[row.action]
        conn.execute(sa.update(table).where(table.c.id == row.entity_id).values(**row.before))
        if table is t.respondents:
            tracker.respondents([row.entity_id])
    for code_id, key in before["links"].items():
        conn.execute(sa.update(t.codes).where(t.codes.c.id == int(code_id))
                     .values(finding_key=key))
    keys = [r[0] for r in conn.execute(sa.select(t.findings.c.key)
                                       .where(_in(t.findings, ids["findings"])))]
    conn.execute(sa.delete(t.findings).where(_in(t.findings, ids["findings"])))
    if keys:  # a code the import made, kept for its later codings, loses the dead link
        conn.execute(sa.update(t.codes).where(t.codes.c.finding_key.in_(keys))
                     .values(finding_key=None))
    removed_codes = _drop_codes(conn, ids["codes"])
    removed = _drop_respondents(conn, tracker, ids["respondents"])
    for key, value in before["settings"].items():
        conn.execute(sa.delete(t.settings).where(t.settings.c.key == key))
        if value is not None:
            conn.execute(sa.insert(t.settings).values(key=key, value=value))
    summary = {"number": done["number"], "source": done["source"], "documents": done["documents"],
               "excerpts": done["excerpts"], "codings": done["codings"],
               "later_codings": done["later_codings"], "respondents": removed,
               "codes": removed_codes}
    log_event(conn, actor, "import.undo", "project", None, summary, None, ref=done["event"])
    return summary


def _drop_codes(conn: Connection, lo_hi: list[int]) -> list[str]:
    """The import's codes that nothing uses any more (no codings, no sub-codes), deepest
    first."""
    rows = conn.execute(sa.select(t.codes.c.id, t.codes.c.path).where(_in(t.codes, lo_hi))).all()
    gone = []
    for row in sorted(rows, key=lambda r: -r.path.count(PATH_SEP)):
        used = conn.execute(sa.select(t.codings.c.id).where(t.codings.c.code_id == row.id)
                            .limit(1)).first()
        kids = conn.execute(sa.select(t.codes.c.id).where(t.codes.c.parent_id == row.id)
                            .limit(1)).first()
        if used is None and kids is None:
            conn.execute(sa.delete(t.rejections).where(t.rejections.c.code_id == row.id))
            conn.execute(sa.delete(t.codes).where(t.codes.c.id == row.id))
            gone.append(row.path)
    return sorted(gone)


def _drop_respondents(conn: Connection, tracker: Tracker, lo_hi: list[int]) -> list[str]:
    rows = conn.execute(sa.select(t.respondents.c.id, t.respondents.c.key)
                        .where(_in(t.respondents, lo_hi))).all()
    gone = []
    for row in rows:
        if (conn.execute(sa.select(t.turns.c.id).where(t.turns.c.respondent_id == row.id)
                         .limit(1)).first() is None
                and conn.execute(sa.select(t.excerpts.c.id)
                                 .where(t.excerpts.c.respondent_id == row.id).limit(1))
                .first() is None):
            tracker.respondents([row.id])
            conn.execute(sa.delete(t.consensus_decisions)
                         .where(t.consensus_decisions.c.respondent_id == row.id))
            conn.execute(sa.delete(t.respondents).where(t.respondents.c.id == row.id))
            gone.append(row.key)
    return sorted(gone)
