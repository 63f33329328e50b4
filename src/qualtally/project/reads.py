"""Every read of a project's data, as core objects: the façade's read service.

Each call opens its own connection (so a background thread's reads never share one with
the UI thread's) and runs one function of ``storage/queries.py`` or its neighbours; the
other services read through it too, so there is one place a read is made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Concatenate, ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from qualtally.core.exchange import ExchangeSnapshot
from qualtally.core.models import (
    Code,
    Document,
    DocumentProgress,
    Excerpt,
    Finding,
    QuantifierScale,
    Respondent,
)
from qualtally.core.search import SearchHit, search
from qualtally.storage import coder_state, exchange, progress, queries, tally_read

P = ParamSpec("P")
R = TypeVar("R")


class Reads:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def read(
        self, fn: Callable[Concatenate[Connection, P], R], *args: P.args, **kwargs: P.kwargs
    ) -> R:
        """``fn(conn, *args, **kwargs)`` in a connection of its own."""
        with self.engine.connect() as conn:
            return fn(conn, *args, **kwargs)

    def info(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.read(queries.counts))
        data["coder_names"] = self.read(queries.coders)
        return data

    def respondents(self) -> list[Respondent]:
        return self.read(queries.respondents)

    def attribute_names(self) -> list[str]:
        """Respondent attributes a tally can be split by."""
        return self.read(tally_read.attribute_names)

    def documents(self) -> list[Document]:
        return self.read(queries.documents)

    def document(self, doc_id: int) -> Document:
        return self.read(queries.document, doc_id)

    def excerpts(self, document_id: int | None = None) -> list[Excerpt]:
        return self.read(queries.excerpts, document_id)

    def document_progress(self, coder: str) -> list[DocumentProgress]:
        """Every document with its respondents and ``coder``'s coded/total top-level
        excerpts, counted in the database (no text read)."""
        return self.read(progress.document_progress, coder)

    def search(self, query: str) -> list[SearchHit]:
        """Every match of ``query`` in the transcripts, with the excerpt to show for each."""
        return search(self.read(queries.documents, True), self.read(queries.excerpts, None),
                      query)

    def excerpt(self, excerpt_id: int) -> Excerpt:
        return self.read(queries.excerpt, excerpt_id)

    def codes(self) -> list[Code]:
        return self.read(queries.codes)

    def code_by_path(self, path: str) -> Code | None:
        return next((c for c in self.codes() if c.path == path), None)

    def findings(self) -> list[Finding]:
        return self.read(queries.findings)

    def scale(self) -> QuantifierScale | None:
        return self.read(queries.scale)

    def codings(
        self, excerpt_ids: Iterable[int], coder: str | None = None
    ) -> dict[int, list[tuple[int, str, str]]]:
        return self.read(queries.codings_for, list(excerpt_ids), coder)

    def rejections(self, excerpt_id: int, coder: str | None = None) -> set[int]:
        return self.read(queries.rejections, excerpt_id, coder)

    def all_rejections(self, coder: str | None = None) -> dict[int, set[int]]:
        return self.read(queries.all_rejections, coder)

    def reviewed(self, coder: str | None = None) -> set[tuple[int, str]]:
        return self.read(queries.reviewed, coder)

    def memo(self, excerpt_id: int, coder: str) -> str:
        return self.read(queries.memo, excerpt_id, coder)

    def memo_ids(self, excerpt_ids: Iterable[int], coder: str) -> set[int]:
        return self.read(queries.memo_ids, list(excerpt_ids), coder)

    def setting(self, key: str, default: Any = None) -> Any:
        return self.read(queries.setting, key, default)

    def coders(self) -> list[str]:
        return self.read(queries.coders)

    def history(self, limit: int = 200) -> list[dict]:
        return self.read(queries.history, limit)

    def coder_state(self, coder: str) -> dict[str, Any]:
        """The coder's saved place (``screen``, ``document``, ``excerpt``, ``order``,
        ``filter``)."""
        return self.read(coder_state.read, coder)

    def export_rows(self) -> list[dict[str, object]]:
        return self.read(queries.export_rows)

    def exchange(self, name: str, coder: str | None = None) -> ExchangeSnapshot:
        """What a REFI-QDA export writes, read in one connection (``storage/exchange.py``)."""
        return self.read(exchange.read_snapshot, name, coder)
