"""Writing the ``consensus`` coder: one decision (and, before the first, the seed) per call.

``core.reconcile`` decides what the consensus holds; this module makes it so in one
transaction, keeps the tally cache (the consensus is a coder like any other, so
``tally --coder consensus`` counts it), records the decision in ``consensus_decisions``
and logs an undoable event holding the consensus's rows on the touched turns before and
after (``consensus.seed``, ``consensus.decide``). Undo and redo put back one state or the
other (:func:`replay`, called by ``storage/history.py``).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from qualtally.core.agreement import CONSENSUS, units
from qualtally.core.errors import InputError
from qualtally.core.models import ORIGIN_HUMAN
from qualtally.core.reconcile import decide, seed
from qualtally.storage import tables as t
from qualtally.storage.agreement_read import read_facts
from qualtally.storage.engine import begin_write
from qualtally.storage.rows import log_event, now
from qualtally.storage.tally_cache import maintained

SEED, DECIDE = "consensus.seed", "consensus.decide"
D = t.consensus_decisions


def _rows(conn: Connection, excerpt_ids: set[int] | None) -> tuple[list[dict], list[int]]:
    """The consensus's codings (as rows) and marks, on ``excerpt_ids`` (None: everywhere)."""
    q = sa.select(t.codings.c.excerpt_id, t.codings.c.code_id, t.codings.c.origin,
                  t.codings.c.created).where(t.codings.c.coder == CONSENSUS)
    m = sa.select(t.reviewed.c.excerpt_id).where(t.reviewed.c.coder == CONSENSUS)
    codings = [dict(r._mapping) for r in conn.execute(q.order_by(t.codings.c.id))]
    marks = [int(r[0]) for r in conn.execute(m)]
    if excerpt_ids is not None:
        codings = [r for r in codings if r["excerpt_id"] in excerpt_ids]
        marks = [e for e in marks if e in excerpt_ids]
    return codings, sorted(marks)


def _put(conn: Connection, state: dict[str, Any], other: dict[str, Any]) -> None:
    """Replace ``other``'s consensus rows (and decision) by ``state``'s."""
    for r in other.get("codings", ()):
        conn.execute(sa.delete(t.codings).where(
            (t.codings.c.excerpt_id == r["excerpt_id"]) & (t.codings.c.code_id == r["code_id"])
            & (t.codings.c.coder == CONSENSUS)))
    for e in other.get("marks", ()):
        conn.execute(sa.delete(t.reviewed).where(
            (t.reviewed.c.excerpt_id == e) & (t.reviewed.c.coder == CONSENSUS)))
    for r in state.get("codings", ()):
        conn.execute(sa.insert(t.codings).values(coder=CONSENSUS, **r))
    for e in state.get("marks", ()):
        conn.execute(sa.insert(t.reviewed).values(excerpt_id=e, coder=CONSENSUS))
    for decision in (other.get("decision"), state.get("decision")):
        if decision:
            conn.execute(sa.delete(D).where(_same(decision)))
    if state.get("decision"):
        conn.execute(sa.insert(D).values(**state["decision"]))


def _same(d: dict[str, Any]):
    return ((D.c.kind == d["kind"]) & (D.c.code_id == d["code_id"])
            & (D.c.coder_a == d["coder_a"]) & (D.c.coder_b == d["coder_b"])
            & (D.c.excerpt_id.is_(None) if d["excerpt_id"] is None
               else D.c.excerpt_id == d["excerpt_id"])
            & (D.c.respondent_id.is_(None) if d["respondent_id"] is None
               else D.c.respondent_id == d["respondent_id"]))


def _touched(*states: dict[str, Any]) -> list[int]:
    return sorted({r["excerpt_id"] for s in states for r in s.get("codings", ())}
                  | {e for s in states for e in s.get("marks", ())})


def replay(conn: Connection, tracker: Any, before: dict | None, after: dict | None,
           reverse: bool) -> None:
    """Undo (``reverse``) or redo a consensus event: one state's rows replace the other's."""
    before, after = before or {}, after or {}
    tracker.excerpts(_touched(before, after))
    _put(conn, before if reverse else after, after if reverse else before)


REPLAYS = {SEED: replay, DECIDE: replay}


def resolve(engine: Engine, a: str, b: str, kind: str, key: object, code_id: int, choice: str,
            actor: str) -> None:
    """Resolve the disagreement of coders ``a`` and ``b`` on a unit (``kind`` ``excerpt``:
    key = the turn's excerpt id; ``respondent``: key = the respondent's key) and a code."""
    with begin_write(engine) as conn, maintained(conn) as tracker:
        facts = read_facts(conn)
        found = next((u for u in units(facts, [a, b], kind) if u.key == key), None)
        if found is None:
            raise InputError(f"{kind} {key}", f"not a unit both {a} and {b} coded")
        origin = _origin_of(conn, a, b)
        codings, marks = _rows(conn, None)
        if not codings and not marks:  # the first decision: seed the consensus
            pairs, seeded = seed(facts, a, b)
            state = {"codings": [_row(e, c, origin) for e, c in sorted(pairs)],
                     "marks": sorted(seeded)}
            tracker.excerpts(_touched(state))
            _put(conn, state, {})
            log_event(conn, actor, SEED, "codings", None, {"coders": [a, b]},
                      {**state, "coders": [a, b]}, undoable=True)
            base = (pairs, seeded)
        else:
            base = ({(r["excerpt_id"], r["code_id"]) for r in codings}, set(marks))
        region, pairs, new_marks = decide(facts, a, b, found.pieces, code_id, choice, base)
        old_codings, old_marks = _rows(conn, region)
        kept = {(r["excerpt_id"], r["code_id"]): r for r in old_codings}
        decision = _decision(conn, kind, key, code_id, a, b, choice, actor)
        previous = conn.execute(sa.select(D).where(_same(decision))).first()
        before = {"codings": old_codings, "marks": old_marks,
                  "decision": _plain(previous._mapping) if previous else None}
        after = {"codings": [kept.get(p) or _row(*p, origin) for p in sorted(pairs)],
                 "marks": sorted(new_marks), "decision": decision}
        tracker.excerpts(_touched(before, after))
        _put(conn, after, before)
        log_event(conn, actor, DECIDE, "consensus_decisions", code_id, before, after,
                  undoable=True)


def _plain(row: Any) -> dict[str, Any]:
    return {k: v for k, v in dict(row).items() if k != "id"}


def _row(excerpt_id: int, code_id: int, origin: dict[tuple[int, int], str]) -> dict[str, Any]:
    return {"excerpt_id": excerpt_id, "code_id": code_id,
            "origin": origin.get((excerpt_id, code_id), ORIGIN_HUMAN), "created": now()}


def _origin_of(conn: Connection, a: str, b: str) -> dict[tuple[int, int], str]:
    """How each (excerpt, code) of coder A (else B) came about: kept in the consensus."""
    out: dict[tuple[int, int], str] = {}
    for coder in (b, a):  # A's origin wins where both coded it
        q = sa.select(t.codings.c.excerpt_id, t.codings.c.code_id, t.codings.c.origin).where(
            t.codings.c.coder == coder)
        out.update({(e, c): o for e, c, o in conn.execute(q)})
    return out


def _decision(conn: Connection, kind: str, key: object, code_id: int, a: str, b: str,
              choice: str, actor: str) -> dict[str, Any]:
    respondent_id = None
    if kind == "respondent":
        respondent_id = conn.execute(sa.select(t.respondents.c.id)
                                     .where(t.respondents.c.key == key)).scalar()
    excerpt_id = int(key) if kind == "excerpt" else None  # type: ignore[call-overload]
    return {
        "kind": kind,
        "excerpt_id": excerpt_id,
        "respondent_id": respondent_id,
        "code_id": code_id,
        "coder_a": a,
        "coder_b": b,
        "choice": choice,
        "actor": actor,
        "at": now(),
    }


def decisions(conn: Connection, a: str, b: str) -> dict[tuple[str, object, int], str]:
    """(kind, unit key, code id) -> the choice made, for coders ``a`` and ``b``."""
    q = (sa.select(D.c.kind, D.c.excerpt_id, t.respondents.c.key, D.c.code_id, D.c.choice)
         .select_from(D.outerjoin(t.respondents, t.respondents.c.id == D.c.respondent_id))
         .where((D.c.coder_a == a) & (D.c.coder_b == b)))
    return {(k, e if k == "excerpt" else r, c): choice for k, e, r, c, choice in conn.execute(q)}
