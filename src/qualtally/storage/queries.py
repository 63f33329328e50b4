"""Reads: core objects out of the project database.

Every function takes a Connection (a background worker opens its own) and returns core
dataclasses or plain dicts, never rows, so no caller depends on the schema.
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from qualtally.core.models import (
    Code,
    Document,
    Excerpt,
    Finding,
    QuantifierScale,
    Respondent,
    ScaleStep,
    Turn,
)
from qualtally.storage import tables as t


def counts(conn: Connection) -> dict[str, int]:
    def n(table) -> int:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())

    coders = conn.execute(sa.select(sa.func.count(sa.distinct(t.codings.c.coder)))).scalar_one()
    return {
        "documents": n(t.documents),
        "respondents": n(t.respondents),
        "excerpts": n(t.excerpts),
        "codes": n(t.codes),
        "codings": n(t.codings),
        "coders": int(coders),
        "findings": n(t.findings),
        "memos": n(t.memos),
    }


def coders(conn: Connection) -> list[str]:
    return [
        r[0]
        for r in conn.execute(sa.select(t.codings.c.coder).distinct().order_by(t.codings.c.coder))
    ]


def setting(conn: Connection, key: str, default=None):
    row = conn.execute(sa.select(t.settings.c.value).where(t.settings.c.key == key)).first()
    return row[0] if row else default


def scale(conn: Connection) -> QuantifierScale | None:
    value = setting(conn, "scale")
    if not value:
        return None
    return QuantifierScale(tuple(ScaleStep(s[0], float(s[1]), float(s[2])) for s in value["steps"]),
                           value.get("source", ""))


def respondents(conn: Connection) -> list[Respondent]:
    rows = conn.execute(sa.select(t.respondents).order_by(t.respondents.c.key))
    return [Respondent(r.key, dict(r.attributes or {}), r.id) for r in rows]


def documents(conn: Connection, with_text: bool = False) -> list[Document]:
    cols = [t.documents.c.id, t.documents.c.name, t.documents.c.kind, t.documents.c.meta]
    if with_text:
        cols.append(t.documents.c.text)
    rows = conn.execute(sa.select(*cols).order_by(t.documents.c.name))
    return [
        Document(r.name, r.text if with_text else "", (), r.kind, dict(r.meta or {}), r.id)
        for r in rows
    ]


def document(conn: Connection, doc_id: int) -> Document:
    r = conn.execute(sa.select(t.documents).where(t.documents.c.id == doc_id)).one()
    q = (
        sa.select(t.turns, t.respondents.c.key.label("respondent_key"))
        .select_from(
            t.turns.outerjoin(t.respondents, t.respondents.c.id == t.turns.c.respondent_id)
        )
        .where(t.turns.c.document_id == doc_id)
        .order_by(t.turns.c.idx)
    )
    turns = tuple(
        Turn(x.start, x.end, x.speaker, x.respondent_key, dict(x.meta or {}))
        for x in conn.execute(q)
    )
    return Document(r.name, r.text, turns, r.kind, dict(r.meta or {}), r.id)


def _excerpt_query():
    text = t.documents.c.text
    return sa.select(
        t.excerpts.c.id,
        t.excerpts.c.document_id,
        t.excerpts.c.start,
        t.excerpts.c.end,
        sa.func.substr(text, t.excerpts.c.start + 1, t.excerpts.c.end - t.excerpts.c.start).label(
            "text"
        ),
        t.respondents.c.key.label("respondent"),
        t.excerpts.c.parent_id,
        t.excerpts.c.question,
    ).select_from(
        t.excerpts.join(t.documents, t.documents.c.id == t.excerpts.c.document_id).outerjoin(
            t.respondents, t.respondents.c.id == t.excerpts.c.respondent_id
        )
    )


def _excerpt(r) -> Excerpt:
    return Excerpt(
        r.id, r.document_id, r.start, r.end, r.text, r.respondent, r.parent_id, r.question
    )


def excerpts(conn: Connection, document_id: int | None = None) -> list[Excerpt]:
    q = _excerpt_query()
    if document_id is not None:
        q = q.where(t.excerpts.c.document_id == document_id)
    q = q.order_by(t.excerpts.c.document_id, t.excerpts.c.start, t.excerpts.c.end.desc())
    return [_excerpt(r) for r in conn.execute(q)]


def excerpt(conn: Connection, excerpt_id: int) -> Excerpt:
    return _excerpt(conn.execute(_excerpt_query().where(t.excerpts.c.id == excerpt_id)).one())


def _code(r) -> Code:
    parent_path = r.path.rsplit(" > ", 1)[0] if " > " in r.path else None
    return Code(r.name, parent_path, r.definition, r.include, r.exclude, tuple(r.keywords or ()),
                tuple(r.examples or ()), r.colour, r.finding_key, r.id, r.parent_id)


def codes(conn: Connection) -> list[Code]:
    """All codes, parents before children, siblings in codebook order."""
    rows = [
        _code(r) for r in conn.execute(sa.select(t.codes).order_by(t.codes.c.ordinal, t.codes.c.id))
    ]
    children: dict[int | None, list[Code]] = defaultdict(list)
    for c in rows:
        children[c.parent_id].append(c)
    out: list[Code] = []

    def walk(parent: int | None) -> None:
        for c in children.get(parent, []):
            out.append(c)
            walk(c.id)

    walk(None)
    return out


def findings(conn: Connection) -> list[Finding]:
    linked: dict[str, list[str]] = defaultdict(list)
    for r in conn.execute(
        sa.select(t.codes.c.finding_key, t.codes.c.path).where(t.codes.c.finding_key.is_not(None))
    ):
        linked[r.finding_key].append(r.path)
    rows = conn.execute(sa.select(t.findings).order_by(t.findings.c.ordinal, t.findings.c.id))
    return [Finding(r.key, r.statement, r.section, r.quantifier, tuple(linked.get(r.key, ())),
                    tuple(r.asked or ())) for r in rows]


def codings_for(
    conn: Connection, excerpt_ids: list[int], coder: str | None = None
) -> dict[int, list[tuple[int, str, str]]]:
    """excerpt id -> [(code id, coder, origin)]."""
    q = sa.select(
        t.codings.c.excerpt_id, t.codings.c.code_id, t.codings.c.coder, t.codings.c.origin
    )
    q = q.where(t.codings.c.excerpt_id.in_(excerpt_ids))
    if coder is not None:
        q = q.where(t.codings.c.coder == coder)
    out: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for r in conn.execute(q.order_by(t.codings.c.id)):
        out[r.excerpt_id].append((r.code_id, r.coder, r.origin))
    return out


def rejections(conn: Connection, excerpt_id: int, coder: str | None = None) -> set[int]:
    q = sa.select(t.rejections.c.code_id).where(t.rejections.c.excerpt_id == excerpt_id)
    if coder is not None:
        q = q.where(t.rejections.c.coder == coder)
    return {r[0] for r in conn.execute(q)}


def all_rejections(conn: Connection, coder: str | None = None) -> dict[int, set[int]]:
    """excerpt id -> ids of the codes rejected on it (by ``coder``, or by anyone)."""
    q = sa.select(t.rejections.c.excerpt_id, t.rejections.c.code_id)
    if coder is not None:
        q = q.where(t.rejections.c.coder == coder)
    out: dict[int, set[int]] = defaultdict(set)
    for r in conn.execute(q):
        out[r.excerpt_id].add(r.code_id)
    return out


def memo(conn: Connection, excerpt_id: int, coder: str) -> str:
    row = conn.execute(sa.select(t.memos.c.text).where(
        (t.memos.c.excerpt_id == excerpt_id) & (t.memos.c.coder == coder))).first()
    return row[0] if row else ""


def memo_ids(conn: Connection, excerpt_ids: list[int], coder: str) -> set[int]:
    """Of ``excerpt_ids``, those ``coder`` wrote a memo on (the coding screen's mark)."""
    if not excerpt_ids:
        return set()
    q = sa.select(t.memos.c.excerpt_id).where(
        t.memos.c.excerpt_id.in_(excerpt_ids) & (t.memos.c.coder == coder)
        & (t.memos.c.text != ""))
    return {int(r[0]) for r in conn.execute(q)}


def reviewed(conn: Connection, coder: str | None = None) -> set[tuple[int, str]]:
    q = sa.select(t.reviewed.c.excerpt_id, t.reviewed.c.coder)
    if coder is not None:
        q = q.where(t.reviewed.c.coder == coder)
    return {(r[0], r[1]) for r in conn.execute(q)}


def export_rows(conn: Connection) -> list[dict[str, object]]:
    """One row per (excerpt, coder): the coded-excerpts CSV, including reviewed-but-empty rows
    and rows that carry only the coder's memo (``memo``)."""
    paths = dict(conn.execute(sa.select(t.codes.c.id, t.codes.c.path)).all())
    ex = {e.id: e for e in excerpts(conn)}
    names = dict(conn.execute(sa.select(t.documents.c.id, t.documents.c.name)).all())
    grouped: dict[tuple[int, str], list[str]] = defaultdict(list)
    origins: dict[tuple[int, str], list[str]] = defaultdict(list)
    created: dict[tuple[int, str], list[str]] = defaultdict(list)
    for r in conn.execute(
        sa.select(
            t.codings.c.excerpt_id,
            t.codings.c.coder,
            t.codings.c.code_id,
            t.codings.c.origin,
            t.codings.c.created,
        ).order_by(t.codings.c.id)
    ):
        grouped[(r.excerpt_id, r.coder)].append(paths[r.code_id])
        origins[(r.excerpt_id, r.coder)].append(r.origin)
        created[(r.excerpt_id, r.coder)].append(r.created)
    for excerpt_id, coder in reviewed(conn):
        grouped.setdefault((excerpt_id, coder), [])
    q = sa.select(t.memos.c.excerpt_id, t.memos.c.coder, t.memos.c.text)
    memos = {(r.excerpt_id, r.coder): r.text for r in conn.execute(q)}
    for key in memos:
        grouped.setdefault(key, [])
    rows = []
    for (excerpt_id, coder), code_paths in sorted(grouped.items(), key=lambda kv: (
            names[ex[kv[0][0]].document_id], ex[kv[0][0]].start, -ex[kv[0][0]].end, kv[0][1])):
        e = ex[excerpt_id]
        rows.append({
            "respondent": e.respondent_key or "", "document": names[e.document_id],
            "question": e.question or "", "coder": coder, "start": e.start, "end": e.end,
            "text": e.text, "codes": ";".join(code_paths),
            "origin": ";".join(origins.get((excerpt_id, coder), [])),
            "created": ";".join(created.get((excerpt_id, coder), [])),
            "memo": memos.get((excerpt_id, coder), ""),
        })
    return rows


def history(conn: Connection, limit: int = 200) -> list[dict]:
    rows = conn.execute(sa.select(t.events).order_by(t.events.c.id.desc()).limit(limit))
    return [dict(r._mapping) for r in rows]
