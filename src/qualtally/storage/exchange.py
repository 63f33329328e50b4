"""The snapshot an exchange export is written from, read in one connection.

Documents with their text and turns, respondents with typed attributes, the codebook,
findings, and every coding, memo and "nothing applies" mark as a span of its document
(``core/exchange.py``). One connection: the export sees one state of the project even
while a coding screen writes.
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from qualtally.core.exchange import ExchangeSnapshot, SpanCoding, SpanMark, SpanMemo
from qualtally.core.models import Document, Turn
from qualtally.storage import queries
from qualtally.storage import tables as t


def _documents(conn: Connection) -> list[Document]:
    turns: dict[int, list[Turn]] = defaultdict(list)
    q = (sa.select(t.turns.c.document_id, t.turns.c.start, t.turns.c.end, t.turns.c.speaker,
                   t.turns.c.meta, t.respondents.c.key)
         .select_from(t.turns.outerjoin(t.respondents,
                                        t.respondents.c.id == t.turns.c.respondent_id))
         .order_by(t.turns.c.document_id, t.turns.c.idx))
    for r in conn.execute(q):
        turns[r.document_id].append(Turn(r.start, r.end, r.speaker, r.key, dict(r.meta or {})))
    rows = conn.execute(sa.select(t.documents).order_by(t.documents.c.name))
    return [Document(r.name, r.text, tuple(turns.get(r.id, ())), r.kind, dict(r.meta or {}), r.id)
            for r in rows]


def _spans(conn: Connection) -> tuple[dict[int, tuple[str, int, int]],
                                      dict[str, list[tuple[int, int, str]]]]:
    """Excerpt id -> (document name, start, end); and each document's excerpt questions."""
    q = (sa.select(t.excerpts.c.id, t.documents.c.name, t.excerpts.c.start, t.excerpts.c.end,
                   t.excerpts.c.question)
         .join(t.documents, t.documents.c.id == t.excerpts.c.document_id)
         .order_by(t.documents.c.name, t.excerpts.c.start, t.excerpts.c.end))
    spans, questions = {}, defaultdict(list)
    for r in conn.execute(q):
        spans[r.id] = (r.name, r.start, r.end)
        if r.question:
            questions[r.name].append((r.start, r.end, r.question))
    return spans, dict(questions)


def read_snapshot(conn: Connection, name: str, coder: str | None = None) -> ExchangeSnapshot:
    """Everything an export writes; ``coder`` keeps only that coder's codings, memos and marks."""
    spans, questions = _spans(conn)
    paths = dict(conn.execute(sa.select(t.codes.c.id, t.codes.c.path)).all())

    def mine(table):
        q = sa.select(table)
        return q.where(table.c.coder == coder) if coder is not None else q

    codings = [SpanCoding(*spans[r.excerpt_id], r.coder, paths[r.code_id], r.created, r.origin)
               for r in conn.execute(mine(t.codings).order_by(t.codings.c.id))]
    memos = [SpanMemo(*spans[r.excerpt_id], r.coder, r.text, r.updated)
             for r in conn.execute(mine(t.memos).order_by(t.memos.c.id))]
    marks = [SpanMark(*spans[r.excerpt_id], r.coder)
             for r in conn.execute(mine(t.reviewed).order_by(t.reviewed.c.excerpt_id,
                                                             t.reviewed.c.coder))]
    return ExchangeSnapshot(
        name=name,
        documents=_documents(conn),
        respondents=queries.respondents(conn),
        attribute_types=dict(queries.setting(conn, "attribute_types", {}) or {}),
        codes=queries.codes(conn),
        findings=queries.findings(conn),
        codings=codings, memos=memos, marks=marks, scale=queries.scale(conn),
        questions=questions,
    )
