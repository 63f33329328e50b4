"""Reading a coder's copy of a project for ``qualtally merge``, without touching it.

A SQLite source is copied with SQLite's online backup (which includes what is still in
its write-ahead log) into a temporary file; that copy is opened the ordinary way, so a
copy made by an older qualtally is migrated, never the source itself. A server URL is
read in place. Everything comes out as plain rows keyed by what identifies them across
copies: documents by their text, codes by path, respondents by key, excerpts by
(document, start, end).
"""

from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from qualtally.core.errors import InputError
from qualtally.core.models import Code, Finding
from qualtally.storage import queries
from qualtally.storage import tables as t
from qualtally.storage.engine import check_project_file, open_engine


@dataclass
class Copy:
    """One source project, as rows."""

    name: str
    documents: dict[int, dict[str, Any]] = field(default_factory=dict)
    """Document id -> name, kind, text, meta, turns (each a dict with a respondent key)."""
    respondents: dict[str, dict[str, Any]] = field(default_factory=dict)
    codes: list[Code] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    excerpts: dict[int, dict[str, Any]] = field(default_factory=dict)
    """Excerpt id -> document id, start, end, respondent key, question, parent id."""
    codings: list[dict[str, Any]] = field(default_factory=list)
    reviewed: list[tuple[int, str]] = field(default_factory=list)
    memos: list[dict[str, Any]] = field(default_factory=list)
    rejections: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)


def read_copy(conn: Connection, name: str) -> Copy:
    out = Copy(name)
    keys = dict(conn.execute(sa.select(t.respondents.c.id, t.respondents.c.key)).all())
    for r in conn.execute(sa.select(t.respondents)):
        out.respondents[r.key] = dict(r.attributes or {})
    for d in conn.execute(sa.select(t.documents)):
        out.documents[d.id] = {"name": d.name, "kind": d.kind, "text": d.text,
                               "meta": dict(d.meta or {}), "turns": []}
    for tr in conn.execute(sa.select(t.turns).order_by(t.turns.c.document_id, t.turns.c.idx)):
        out.documents[tr.document_id]["turns"].append(
            {"idx": tr.idx, "start": tr.start, "end": tr.end, "speaker": tr.speaker,
             "respondent": keys.get(tr.respondent_id), "meta": dict(tr.meta or {})})
    out.codes = queries.codes(conn)
    out.findings = queries.findings(conn)
    out.settings = dict(conn.execute(sa.select(t.settings.c.key, t.settings.c.value)).all())
    for e in conn.execute(sa.select(t.excerpts).order_by(t.excerpts.c.id)):
        out.excerpts[e.id] = {"document_id": e.document_id, "start": e.start, "end": e.end,
                              "respondent": keys.get(e.respondent_id), "question": e.question,
                              "parent_id": e.parent_id}
    paths = {c.id: c.path for c in out.codes}
    for r in conn.execute(sa.select(t.codings).order_by(t.codings.c.id)):
        out.codings.append({"excerpt_id": r.excerpt_id, "path": paths[r.code_id],
                            "coder": r.coder, "origin": r.origin, "created": r.created})
    out.reviewed = [(int(e), str(c)) for e, c in conn.execute(
        sa.select(t.reviewed.c.excerpt_id, t.reviewed.c.coder))]
    out.memos = [dict(r._mapping) for r in conn.execute(
        sa.select(t.memos.c.excerpt_id, t.memos.c.coder, t.memos.c.text, t.memos.c.updated))]
    for r in conn.execute(sa.select(t.rejections)):
        out.rejections.append({"excerpt_id": r.excerpt_id, "path": paths[r.code_id],
                               "coder": r.coder, "created": r.created})
    for r in conn.execute(sa.select(t.consensus_decisions)):
        out.decisions.append({**{k: v for k, v in r._mapping.items() if k != "id"},
                              "path": paths[r.code_id], "respondent": keys.get(r.respondent_id)})
    return out


def load_copy(source: str | Path) -> Copy:
    """Read a source project (a file path or a server URL); InputError if it is not one."""
    text = str(source)
    if "://" in text:
        engine = open_engine(text, create=False)
        try:
            with engine.connect() as conn:
                return read_copy(conn, text)
        finally:
            engine.dispose()
    path = Path(text)
    if not path.exists():
        raise InputError(text, "no such project")
    check_project_file(path, create=False)
    with tempfile.TemporaryDirectory(prefix="qualtally-merge-") as tmp:
        copy_path = Path(tmp) / "source.qtally"
        try:
            src = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            dst = sqlite3.connect(copy_path)
            with dst:
                src.backup(dst)
            src.close()
            dst.close()
        except sqlite3.Error as err:
            raise InputError(text, f"cannot read the project ({err})") from None
        try:
            engine = open_engine(copy_path, create=False)
        except InputError as err:
            raise InputError(text, err.problem) from None
        try:
            with engine.connect() as conn:
                return read_copy(conn, text)
        finally:
            engine.dispose()
