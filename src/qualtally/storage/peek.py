"""A read-only look into a project file with the standard library's ``sqlite3``.

Importing SQLAlchemy costs 0.25-0.5 s of start-up, a third to half of the coding screen's
one-second budget for its first frame. ``Peek`` answers the handful of reads the coding
screen needs to draw that frame (documents, one document with its turns, excerpts, codes,
this coder's codings, a memo, where the coder left off, each document's progress), with the
same SQL meaning and the same core objects as ``storage/queries.py`` and
``storage/progress.py``, while the real ``Project`` opens in the
background. It never writes: the file is opened with ``mode=ro`` and the schema is not
touched. ``Peek.open`` returns None, rather than raising, for anything it is not sure of
(not a SQLite file, a revision other than the one it knows, a missing table, a database
it cannot read, a file that is not SQLite's); the caller then opens the project the
ordinary way, which gives the proper one-line error or runs the migrations.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from pathlib import Path
from typing import Any

from qualtally.core.models import Code, Document, DocumentProgress, Excerpt, Turn
from qualtally.storage.progress_rows import assemble

HEAD_REVISION = "0007"
"""The schema revision these queries are written for (a test checks it equals
``storage.engine.HEAD_REVISION``); a file at any other revision is not peeked at."""


def _json(value: Any, default: Any) -> Any:
    """A JSON column's value. The column's declared type gives it NUMERIC affinity, so SQLite
    stores a JSON number (``2``) as a number, which is already the decoded value."""
    if value is None:
        return default
    return json.loads(value) if isinstance(value, (str, bytes)) else value


class Peek:
    """Reads of one project file; the method names and results match ``Project``'s."""

    read_only = True

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn

    @classmethod
    def open(cls, path: str | Path) -> Peek | None:
        path = Path(path)
        conn = None
        try:
            # never open() the file from Python: closing that descriptor would drop the
            # locks this process's SQLite connections hold on it (see storage/engine.py)
            conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
            )
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            if row is None or row[0] != HEAD_REVISION:
                conn.close()
                return None
            peek = cls(path, conn)
            peek.coder_state("")  # the newest table exists
            return peek
        except (OSError, sqlite3.Error, ValueError):
            if conn is not None:
                conn.close()
            return None

    def close(self) -> None:
        self._conn.close()

    def _rows(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        return self._conn.execute(sql, params).fetchall()

    # -- the reads the coding screen's first frame needs ----------------------------------
    def documents(self) -> list[Document]:
        rows = self._rows("SELECT id, name, kind, meta FROM documents ORDER BY name")
        return [
            Document(name, "", (), kind, dict(_json(meta, {}) or {}), id_)
            for id_, name, kind, meta in rows
        ]

    def document(self, doc_id: int) -> Document:
        found = self._rows(
            "SELECT id, name, kind, text, meta FROM documents WHERE id = ?", (doc_id,)
        )
        if len(found) != 1:
            raise LookupError(f"no document {doc_id}")
        id_, name, kind, text, meta = found[0]
        turns = tuple(
            Turn(start, end, speaker, key, dict(_json(tmeta, {}) or {}))
            for start, end, speaker, key, tmeta in self._rows(
                "SELECT t.start, t.\"end\", t.speaker, r.key, t.meta FROM turns t "
                "LEFT OUTER JOIN respondents r ON r.id = t.respondent_id "
                "WHERE t.document_id = ? ORDER BY t.idx", (doc_id,)))
        return Document(name, text, turns, kind, dict(_json(meta, {}) or {}), id_)

    def excerpts(self, document_id: int | None = None) -> list[Excerpt]:
        sql = (
            'SELECT e.id, e.document_id, e.start, e."end", '
            'substr(d.text, e.start + 1, e."end" - e.start), '
            "r.key, e.parent_id, e.question "
            "FROM excerpts e JOIN documents d ON d.id = e.document_id "
            "LEFT OUTER JOIN respondents r ON r.id = e.respondent_id"
        )
        params: tuple = ()
        if document_id is not None:
            sql += " WHERE e.document_id = ?"
            params = (document_id,)
        sql += " ORDER BY e.document_id, e.start, e.\"end\" DESC"
        return [Excerpt(*row) for row in self._rows(sql, params)]

    def document_progress(self, coder: str) -> list[DocumentProgress]:
        """As ``storage/progress.py:document_progress``: the same three queries in SQL."""
        groups = self._rows(
            'SELECT f.document_id, r.key, f.s, f.tops, max(a."end") FROM '
            "(SELECT document_id, respondent_id, min(start) AS s, "
            "sum(CASE WHEN parent_id IS NULL THEN 1 ELSE 0 END) AS tops "
            "FROM excerpts GROUP BY document_id, respondent_id) f "
            "LEFT OUTER JOIN respondents r ON r.id = f.respondent_id "
            "LEFT OUTER JOIN excerpts a ON a.document_id = f.document_id "
            "AND a.start = f.s AND a.respondent_id + 0 = f.respondent_id "
            "GROUP BY f.document_id, f.respondent_id, r.key, f.s, f.tops")
        coded = self._rows(
            "WITH RECURSIVE up(id, parent_id, document_id) AS ("
            "SELECT e.id, e.parent_id, e.document_id FROM excerpts e JOIN "
            "(SELECT excerpt_id AS id FROM codings WHERE coder = ? "
            "UNION SELECT excerpt_id AS id FROM reviewed WHERE coder = ?) m ON m.id = e.id "
            "UNION SELECT p.id, p.parent_id, p.document_id FROM excerpts p "
            "JOIN up ON p.id = up.parent_id) "
            "SELECT document_id, count(*) FROM up WHERE parent_id IS NULL GROUP BY document_id",
            (coder, coder))
        return assemble(groups, coded, self._rows("SELECT id, name FROM documents ORDER BY name"))

    def codes(self) -> list[Code]:
        """All codes, parents before children, siblings in codebook order (as ``queries.codes``)."""
        rows = self._rows(
            "SELECT id, parent_id, path, name, definition, include, exclude, keywords, examples, "
            "colour, finding_key FROM codes ORDER BY ordinal, id"
        )
        children: dict[int | None, list[Code]] = defaultdict(list)
        for (
            id_,
            parent,
            path,
            name,
            definition,
            include,
            exclude,
            keywords,
            examples,
            colour,
            finding,
        ) in rows:
            parent_path = path.rsplit(" > ", 1)[0] if " > " in path else None
            children[parent].append(
                Code(
                    name,
                    parent_path,
                    definition,
                    include,
                    exclude,
                    tuple(_json(keywords, ()) or ()),
                    tuple(_json(examples, ()) or ()),
                    colour,
                    finding,
                    id_,
                    parent,
                )
            )
        out: list[Code] = []
        stack = list(reversed(children.get(None, [])))
        while stack:
            c = stack.pop()
            out.append(c)
            stack.extend(reversed(children.get(c.id, [])))
        return out

    def codings(
        self, excerpt_ids, coder: str | None = None
    ) -> dict[int, list[tuple[int, str, str]]]:
        ids = list(excerpt_ids)
        out: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        if not ids:
            return out
        sql = (
            "SELECT excerpt_id, code_id, coder, origin FROM codings "
            "WHERE excerpt_id IN (SELECT value FROM json_each(?))"
        )
        params: list = [json.dumps(ids)]
        if coder is not None:
            sql += " AND coder = ?"
            params.append(coder)
        for excerpt_id, code_id, who, origin in self._rows(sql + " ORDER BY id", params):
            out[excerpt_id].append((code_id, who, origin))
        return out

    def nothing_marks(self, excerpt_ids, coder: str) -> set[int]:
        """Of ``excerpt_ids``, those ``coder`` marked "nothing applies" (table ``reviewed``)."""
        ids = list(excerpt_ids)
        if not ids:
            return set()
        rows = self._rows("SELECT excerpt_id FROM reviewed WHERE coder = ? AND excerpt_id IN "
                          "(SELECT value FROM json_each(?))", (coder, json.dumps(ids)))
        return {int(r[0]) for r in rows}

    def memo(self, excerpt_id: int, coder: str) -> str:
        row = self._rows(
            "SELECT text FROM memos WHERE excerpt_id = ? AND coder = ? LIMIT 1", (excerpt_id, coder)
        )
        return row[0][0] if row else ""

    def memo_ids(self, excerpt_ids, coder: str) -> set[int]:
        """Of ``excerpt_ids``, those ``coder`` wrote a memo on (as ``queries.memo_ids``)."""
        ids = list(excerpt_ids)
        if not ids:
            return set()
        rows = self._rows("SELECT excerpt_id FROM memos WHERE coder = ? AND text != '' AND "
                          "excerpt_id IN (SELECT value FROM json_each(?))",
                          (coder, json.dumps(ids)))
        return {int(r[0]) for r in rows}

    def coder_state(self, coder: str) -> dict[str, Any]:
        rows = self._rows("SELECT key, value FROM coder_state WHERE coder = ?", (coder,))
        return {key: _json(value, None) for key, value in rows}
