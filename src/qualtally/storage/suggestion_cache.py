"""Reads and writes of the suggestion cache (table ``suggestion_cache``, migration 0003).

The cache lets a reopened project show an excerpt's suggestions before the model has
loaded. It is derived data, never authoritative: an entry is valid only while its
``model_key`` names the model in use and its ``text_hash`` the excerpt's current text and
question, and the façade checks both on every read. Nothing here writes an event, and the
table is not one the tally cache watches: a cached suggestion counts in no tally.

The payload is JSON: ``{"v": 1, "margin": float, "s": [[code_path, score, suggested,
keywords, top_terms, similar_excerpt, source], ...]}``, best first, computed with no
coder's exclusions (the façade filters applied and rejected codes when it reads).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from qualtally.core.models import Suggestion
from qualtally.storage import tables as t
from qualtally.storage.engine import begin_write

FORMAT = 1
BATCH = 500
"""Rows written per transaction by :func:`upsert_many`, so a refresh never holds the writer long."""


def text_hash(text: str, question: str | None) -> str:
    """sha256 of an excerpt's text and question: what its suggestions were computed from."""
    return hashlib.sha256(f"{question or ''}\x00{text}".encode()).hexdigest()


def payload(found: Iterable[Suggestion], margin: float) -> dict:
    return {"v": FORMAT, "margin": round(float(margin), 6),
            "s": [[s.code_path, s.score, s.suggested, list(s.keywords), list(s.top_terms),
                   s.similar_excerpt, s.source] for s in found]}


def suggestions_of(data: dict) -> list[Suggestion]:
    """The payload's suggestions, best first (an unknown format reads as none)."""
    if not isinstance(data, dict) or data.get("v") != FORMAT:
        return []
    return [Suggestion(str(p), float(sc), bool(sg), tuple(kw), tuple(tt), sim, str(src))
            for p, sc, sg, kw, tt, sim, src in data.get("s", ())]


def margin_of(data: dict) -> float | None:
    if not isinstance(data, dict) or data.get("v") != FORMAT:
        return None
    return float(data.get("margin", 1.0))


def read_one(conn: Connection, excerpt_id: int) -> tuple[str, str, dict] | None:
    """(model_key, text_hash, payload) of one excerpt, or None."""
    c = t.suggestion_cache.c
    row = conn.execute(sa.select(c.model_key, c.text_hash, c.payload)
                       .where(c.excerpt_id == excerpt_id)).first()
    return (row[0], row[1], row[2]) if row is not None else None


_SQLITE_READ = (
    'SELECT e.id, e.document_id, e.start, e."end", '
    'substr(d.text, e.start + 1, e."end" - e.start), r.key, '
    "e.parent_id, e.question FROM excerpts e JOIN documents d ON d.id = e.document_id "
    "LEFT OUTER JOIN respondents r ON r.id = e.respondent_id WHERE e.id = ?",
    "SELECT code_id FROM codings WHERE excerpt_id = ? AND coder = ? "
    "UNION SELECT code_id FROM rejections WHERE excerpt_id = ? AND coder = ?",
    "SELECT model_key, text_hash, payload FROM suggestion_cache WHERE excerpt_id = ?",
)


def read_for_suggestions(conn: Connection, excerpt_id: int, coder: str):
    """(the excerpt, ids of the codes ``coder`` applied or rejected on it, :func:`read_one`).

    What one suggestion look-up needs, read on every move of the coding screen. On SQLite
    the three statements go straight to the driver (SQLAlchemy's per-statement overhead
    is ~2 ms of a ~6 ms cache miss); other databases use the Core queries. The
    excerpt must exist (``NoResultFound`` otherwise, as :func:`queries.excerpt`).
    """
    from qualtally.storage import queries

    # None: every coder's codes (the Core filter)
    if conn.dialect.name != "sqlite" or coder is None:
        skip = {c for c, _, _ in queries.codings_for(conn, [excerpt_id], coder).get(excerpt_id, [])}
        return (
            queries.excerpt(conn, excerpt_id),
            skip | queries.rejections(conn, excerpt_id, coder),
            read_one(conn, excerpt_id),
        )
    import json

    from sqlalchemy.exc import NoResultFound

    from qualtally.core.models import Excerpt

    cur = conn.connection.dbapi_connection.cursor()
    try:
        r = cur.execute(_SQLITE_READ[0], (excerpt_id,)).fetchone()
        if r is None:
            raise NoResultFound(f"no excerpt {excerpt_id}")
        skip = {x[0] for x in cur.execute(_SQLITE_READ[1], (excerpt_id, coder, excerpt_id, coder))}
        row = cur.execute(_SQLITE_READ[2], (excerpt_id,)).fetchone()
    finally:
        cur.close()
    if row is not None:
        row = (row[0], row[1], json.loads(row[2]) if isinstance(row[2], (str, bytes)) else row[2])
    return Excerpt(*r), skip, row


def read_keys(conn: Connection, model_key: str) -> dict[int, str]:
    """excerpt id -> text_hash of every entry made by ``model_key`` (payloads not read)."""
    c = t.suggestion_cache.c
    rows = conn.execute(sa.select(c.excerpt_id, c.text_hash).where(c.model_key == model_key))
    return {eid: h for eid, h in rows}


def read_many(
    conn: Connection, model_key: str, excerpt_ids: Iterable[int] | None = None
) -> dict[int, tuple[str, dict]]:
    """excerpt id -> (text_hash, payload) for entries made by ``model_key`` (all, or these ids)."""
    c = t.suggestion_cache.c
    q = sa.select(c.excerpt_id, c.text_hash, c.payload).where(c.model_key == model_key)
    if excerpt_ids is None:
        return {eid: (h, p) for eid, h, p in conn.execute(q)}
    ids = list(excerpt_ids)
    out: dict[int, tuple[str, dict]] = {}
    for lo in range(0, len(ids), BATCH):
        for eid, h, p in conn.execute(q.where(c.excerpt_id.in_(ids[lo: lo + BATCH]))):
            out[eid] = (h, p)
    return out


def upsert_many(engine: sa.Engine, rows: list[tuple[int, str, str, dict]]) -> int:
    """Write (excerpt id, model_key, text_hash, payload) rows, replacing older entries.

    One short transaction per :data:`BATCH` rows. Portable SQL: delete the ids, insert the
    rows. An excerpt deleted meanwhile is skipped (its foreign key would refuse the row).
    """
    c = t.suggestion_cache.c
    written = 0
    for lo in range(0, len(rows), BATCH):
        part = rows[lo: lo + BATCH]
        with begin_write(engine) as conn:
            ids = [r[0] for r in part]
            alive = {
                eid
                for (eid,) in conn.execute(
                    sa.select(t.excerpts.c.id).where(t.excerpts.c.id.in_(ids))
                )
            }
            part = [r for r in part if r[0] in alive]
            conn.execute(
                sa.delete(t.suggestion_cache).where(c.excerpt_id.in_([r[0] for r in part]))
            )
            if part:
                conn.execute(sa.insert(t.suggestion_cache), [
                    {"excerpt_id": eid, "model_key": key, "text_hash": h, "payload": data}
                    for eid, key, h, data in part])
            written += len(part)
    return written


def clear(engine: sa.Engine) -> None:
    with begin_write(engine) as conn:
        conn.execute(sa.delete(t.suggestion_cache))
