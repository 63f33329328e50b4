"""Everything agreement reads, in one connection: ``core.agreement.Facts``.

Excerpts with their respondent and the turn each lies in, the codebook, every coder's
counted codings (origins a person decided, as the tally counts) and "nothing applies"
marks. Standard SQL only, so it runs on PostgreSQL too.
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from qualtally.core.agreement import Facts, Piece
from qualtally.core.models import ORIGINS
from qualtally.storage import queries
from qualtally.storage import tables as t


def pieces(conn: Connection) -> dict[int, Piece]:
    e = t.excerpts
    rows = conn.execute(
        sa.select(e.c.id, e.c.document_id, e.c.start, e.c.end, t.respondents.c.key, e.c.parent_id)
        .select_from(e.outerjoin(t.respondents, t.respondents.c.id == e.c.respondent_id))).all()
    parent = {r.id: r.parent_id for r in rows}

    def top(i: int) -> int:
        seen = set()
        while parent.get(i) is not None and i not in seen:
            seen.add(i)
            i = parent[i]
        return i

    return {r.id: Piece(r.id, r.document_id, r.start, r.end, r.key, top(r.id)) for r in rows}


def read_facts(conn: Connection) -> Facts:
    codings: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    q = sa.select(t.codings.c.coder, t.codings.c.excerpt_id, t.codings.c.code_id).where(
        t.codings.c.origin.in_(ORIGINS))
    for coder, excerpt_id, code_id in conn.execute(q):
        codings[coder][excerpt_id].add(code_id)
    nothing: dict[str, set[int]] = defaultdict(set)
    for excerpt_id, coder in queries.reviewed(conn):
        nothing[coder].add(excerpt_id)
    return Facts(
        pieces(conn), queries.codes(conn),
        {c: {e: frozenset(v) for e, v in rows.items()} for c, rows in codings.items()},
        {c: frozenset(v) for c, v in nothing.items()})


def document_names(conn: Connection) -> dict[int, str]:
    return dict(conn.execute(sa.select(t.documents.c.id, t.documents.c.name)).all())
