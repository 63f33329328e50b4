"""Per-document coding progress for one coder, counted in the database without any text.

The coding screen's document panel shows, for every document, its respondents and how many
of its top-level excerpts the coder has coded. Reading every excerpt with its text to count
that took seconds on a project of 1,000 transcripts (SQLite slices each excerpt's text out
of its document), before the first frame. These three aggregate queries read ids and
offsets only. ``storage/peek.py`` runs the same SQL through ``sqlite3`` for the first frame;
``storage/progress_rows.py`` turns the rows of either into ``DocumentProgress``.

A top-level excerpt counts as coded when the coder coded it or marked it "nothing applies",
or did either to a span narrowed inside it (at any depth: the recursive ``up`` walks from
each coded excerpt to its top). A document's respondents are in order of first appearance
in document order (excerpts by start, longer first), as the excerpts are listed.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from qualtally.core.models import DocumentProgress
from qualtally.storage import tables as t
from qualtally.storage.progress_rows import assemble


def document_progress(conn: Connection, coder: str) -> list[DocumentProgress]:
    """Every document (by name) with its respondents and this coder's coded/total counts."""
    e = t.excerpts
    # one pass over the excerpts: per document and respondent, the first start and the
    # number of top-level excerpts (the respondent-less group included, for the totals)
    first = (sa.select(e.c.document_id, e.c.respondent_id, sa.func.min(e.c.start).label("s"),
                       sa.func.sum(sa.case((e.c.parent_id.is_(None), 1), else_=0))
                       .label("tops"))
             .group_by(e.c.document_id, e.c.respondent_id).subquery())
    at = e.alias("at")
    # the longest excerpt at that first start breaks a tie between two respondents (the
    # excerpts' order is start, then longer first); "+ 0" keeps SQLite on the (document,
    # start) index here rather than the respondent one, which scans a respondent's all
    q = (sa.select(first.c.document_id, t.respondents.c.key, first.c.s, first.c.tops,
                   sa.func.max(at.c.end))
         .select_from(first.outerjoin(t.respondents, t.respondents.c.id == first.c.respondent_id)
                      .outerjoin(at, (at.c.document_id == first.c.document_id)
                                 & (at.c.start == first.c.s)
                                 & (at.c.respondent_id + 0 == first.c.respondent_id)))
         .group_by(first.c.document_id, first.c.respondent_id, t.respondents.c.key, first.c.s,
                   first.c.tops))
    marked = sa.union(
        sa.select(t.codings.c.excerpt_id.label("id")).where(t.codings.c.coder == coder),
        sa.select(t.reviewed.c.excerpt_id.label("id")).where(t.reviewed.c.coder == coder),
    ).subquery()
    up = (sa.select(e.c.id, e.c.parent_id, e.c.document_id)
          .join(marked, marked.c.id == e.c.id).cte("up", recursive=True))
    parent = e.alias("p")
    up = up.union(sa.select(parent.c.id, parent.c.parent_id, parent.c.document_id)
                  .join(up, parent.c.id == up.c.parent_id))
    coded = conn.execute(sa.select(up.c.document_id, sa.func.count())
                         .where(up.c.parent_id.is_(None)).group_by(up.c.document_id)).all()
    names = conn.execute(sa.select(t.documents.c.id, t.documents.c.name)
                         .order_by(t.documents.c.name)).all()
    return assemble(conn.execute(q).all(), coded, names)
