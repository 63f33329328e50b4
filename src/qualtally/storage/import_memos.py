"""Memos an import brings (REFI-QDA notes on selections), written in the import's transaction.

Each memo is placed like a coded row (``core/placement.py``: the document's text at its
offsets, the respondent from the turns it touches), lands on the excerpt with those offsets
(created if needed, as for a coding) and replaces that coder's memo there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from qualtally.core.errors import InputError
from qualtally.core.models import CodedRow, MemoRow, Turn
from qualtally.core.placement import place_rows
from qualtally.storage import tables as t
from qualtally.storage.rows import now


def write_memos(conn: Connection, memos: list[MemoRow], source: str, known: dict[str, str],
                turns_of: dict[str, Sequence[Turn]], doc_ids: dict[str, int],
                resp_ids: dict[str, int], counts: dict[str, int],
                ensure_excerpt: Callable[..., int]) -> None:
    rows = [CodedRow("", m.text, (), m.coder, m.document, start=m.start, end=m.end,
                     across_turns=True) for m in memos]
    _, placements = place_rows(rows, known, source, turns_of)
    for memo, p in zip(memos, placements):
        if p.document not in doc_ids:
            raise InputError(source, f"memo on document {memo.document!r}, which is not in "
                             "the project or the import")
        if p.respondent and p.respondent not in resp_ids:
            res = conn.execute(sa.insert(t.respondents).values(key=p.respondent, attributes={}))
            resp_ids[p.respondent] = int(res.inserted_primary_key[0])
            counts["respondents"] += 1
        excerpt_id = ensure_excerpt(conn, doc_ids[p.document], p.start, p.end,
                                    resp_ids.get(p.respondent) if p.respondent else None,
                                    None, counts)
        conn.execute(sa.delete(t.memos).where((t.memos.c.excerpt_id == excerpt_id)
                                              & (t.memos.c.coder == memo.coder)))
        conn.execute(sa.insert(t.memos).values(excerpt_id=excerpt_id, coder=memo.coder,
                                               text=memo.memo, updated=memo.updated or now()))
        counts["memos"] = counts.get("memos", 0) + 1
