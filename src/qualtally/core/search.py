"""Finding words in the transcripts: what the coding screen's search (``ctrl+f``) jumps between.

Why this exists: a coder remembers a phrase ("medical exams") and wants the excerpt that holds
it. Matching is case-insensitive and treats any run of white space as one space, so a phrase
broken across lines in the transcript is still found; brackets and other punctuation are
matched literally (``[inaudible]`` is text, not a pattern). Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from qualtally.core.models import Document, Excerpt


@dataclass(frozen=True)
class SearchHit:
    """One match: where it is, and the excerpt to show for it (None if the document has none)."""

    document_id: int
    document: str
    start: int
    end: int
    excerpt_id: int | None
    snippet: str


def pattern(query: str) -> re.Pattern[str] | None:
    words = query.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)


def search(documents: Iterable[Document], excerpts: Iterable[Excerpt], query: str,
           limit: int = 10_000) -> list[SearchHit]:
    """Every match of ``query`` in the documents' text, in document order, with the top-level
    excerpt holding it (or, for a match outside every excerpt, the next excerpt after it)."""
    rx = pattern(query)
    if rx is None:
        return []
    by_doc: dict[int, list[Excerpt]] = {}
    for e in excerpts:
        if e.parent_id is None:
            by_doc.setdefault(e.document_id, []).append(e)
    hits: list[SearchHit] = []
    for doc in documents:
        assert doc.id is not None
        units = sorted(by_doc.get(doc.id, []), key=lambda e: e.start)
        for m in rx.finditer(doc.text):
            holder = next((e for e in units if e.start <= m.start() < e.end), None)
            holder = holder or next((e for e in units if e.start >= m.start()), None)
            holder = holder or (units[-1] if units else None)
            a, b = max(0, m.start() - 30), min(len(doc.text), m.end() + 30)
            snippet = " ".join(doc.text[a:b].split())
            hits.append(SearchHit(doc.id, doc.name, m.start(), m.end(),
                                  holder.id if holder else None, snippet))
            if len(hits) >= limit:
                return hits
    return hits
