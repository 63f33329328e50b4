"""Turning the progress queries' rows into ``DocumentProgress``: one place for the peek and
``storage/progress.py``, which run the same queries (SQLAlchemy there, ``sqlite3`` in the
peek, so that this module imports neither)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from qualtally.core.models import DocumentProgress


def assemble(groups: Iterable[tuple], coded: Iterable[tuple],
             documents: Iterable[tuple]) -> list[DocumentProgress]:
    """``groups``: (document id, respondent key or None, first start, top-level excerpts,
    longest end at that start) per document and respondent; ``coded``: (document id,
    coded top-level excerpts); ``documents``: (id, name) in the panel's order. Respondents
    come in order of first appearance: by first start, then longer first, as excerpts are
    listed."""
    seen: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    totals: dict[int, int] = defaultdict(int)
    for doc_id, key, start, tops, end in groups:
        totals[doc_id] += int(tops)
        if key:
            seen[doc_id].append((start, -end, key))
    done = {doc_id: int(n) for doc_id, n in coded}
    return [DocumentProgress(doc_id, name, tuple(k for _, _, k in sorted(seen.get(doc_id, ()))),
                             done.get(doc_id, 0), totals.get(doc_id, 0))
            for doc_id, name in documents]
