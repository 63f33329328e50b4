"""The project schema, declared once with SQLAlchemy Core.

Only portable types and constraints are used (no SQLite-only features), so the same
tables and queries run on PostgreSQL for teams. The tables whose ids the event log names are
``sqlite_autoincrement`` (migration 0005): an id is never handed out twice, as PostgreSQL's
sequences never do. Alembic migrations in
``storage/migrations`` create exactly these tables; a test checks they agree.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

settings = Table(
    "settings",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", JSON, nullable=False),
)

respondents = Table(
    "respondents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("attributes", JSON, nullable=False, default=dict),
    sqlite_autoincrement=True,
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(500), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),
    Column("text", Text, nullable=False),
    Column("meta", JSON, nullable=False, default=dict),
    sqlite_autoincrement=True,
)

turns = Table(
    "turns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("speaker", String(200), nullable=False),
    Column("respondent_id", Integer, ForeignKey("respondents.id"), nullable=True),
    Column("meta", JSON, nullable=False, default=dict),
    UniqueConstraint("document_id", "idx"),
)

excerpts = Table(
    "excerpts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("respondent_id", Integer, ForeignKey("respondents.id"), nullable=True),
    Column("parent_id", Integer, ForeignKey("excerpts.id"), nullable=True),
    Column("question", String(200), nullable=True),
    UniqueConstraint("document_id", "start", "end"),
    sqlite_autoincrement=True,
)
Index("ix_excerpts_doc", excerpts.c.document_id, excerpts.c.start)
Index("ix_excerpts_respondent", excerpts.c.respondent_id)

findings = Table(
    "findings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(50), nullable=False, unique=True),
    Column("statement", Text, nullable=False),
    Column("section", String(200), nullable=False, default=""),
    Column("quantifier", String(50), nullable=True),
    Column("asked", JSON, nullable=False, default=list),
    Column("ordinal", Integer, nullable=False, default=0),
    sqlite_autoincrement=True,
)

codes = Table(
    "codes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("parent_id", Integer, ForeignKey("codes.id"), nullable=True),
    Column("path", String(1000), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    Column("definition", Text, nullable=False, default=""),
    Column("include", Text, nullable=False, default=""),
    Column("exclude", Text, nullable=False, default=""),
    Column("keywords", JSON, nullable=False, default=list),
    Column("examples", JSON, nullable=False, default=list),
    Column("colour", String(20), nullable=False, default=""),
    Column("finding_key", String(50), nullable=True),
    Column("ordinal", Integer, nullable=False, default=0),
    sqlite_autoincrement=True,
)

codings = Table(
    "codings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("excerpt_id", Integer, ForeignKey("excerpts.id", ondelete="CASCADE"), nullable=False),
    Column("code_id", Integer, ForeignKey("codes.id", ondelete="CASCADE"), nullable=False),
    Column("coder", String(200), nullable=False),
    Column("origin", String(30), nullable=False),
    Column("created", String(40), nullable=False),
    UniqueConstraint("excerpt_id", "code_id", "coder"),
    sqlite_autoincrement=True,
)
Index("ix_codings_code", codings.c.code_id)

reviewed = Table(
    "reviewed",
    metadata,
    Column("excerpt_id", Integer, ForeignKey("excerpts.id", ondelete="CASCADE"), primary_key=True),
    Column("coder", String(200), primary_key=True),
)
"""An excerpt a coder looked at and coded with nothing (an empty ``codes`` cell)."""

rejections = Table(
    "rejections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("excerpt_id", Integer, ForeignKey("excerpts.id", ondelete="CASCADE"), nullable=False),
    Column("code_id", Integer, ForeignKey("codes.id", ondelete="CASCADE"), nullable=False),
    Column("coder", String(200), nullable=False),
    Column("created", String(40), nullable=False),
    UniqueConstraint("excerpt_id", "code_id", "coder"),
    sqlite_autoincrement=True,
)

memos = Table(
    "memos",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("excerpt_id", Integer, ForeignKey("excerpts.id", ondelete="CASCADE"), nullable=False),
    Column("coder", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("updated", String(40), nullable=False),
    UniqueConstraint("excerpt_id", "coder"),
    sqlite_autoincrement=True,
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(50), nullable=False),
    Column("entity", String(50), nullable=False),
    Column("entity_id", Integer, nullable=True),
    Column("before", JSON, nullable=True),
    Column("after", JSON, nullable=True),
    Column("ref", Integer, nullable=True),
    Column("undoable", Boolean, nullable=False, default=False),
    sqlite_autoincrement=True,
)
Index("ix_events_actor", events.c.actor, events.c.id)

tally_cache = Table(
    "tally_cache",
    metadata,
    Column("any_coder", Boolean, primary_key=True),
    Column("coder", String(200), primary_key=True),
    Column("respondent_id", Integer, primary_key=True),
    Column("nodes", LargeBinary, nullable=False),
    Column("excerpts", LargeBinary, nullable=False),
)
Index("ix_tally_cache_respondent", tally_cache.c.respondent_id)
"""Derived, never authoritative: per respondent and coder scope (any coder, or ``coder``),
the exact support query's rows for that respondent, packed as little-endian int32 arrays:
node ids (code id, or minus a finding's id) and counted excerpts (``storage/tally_cache.py``)."""

tally_cache_state = Table(
    "tally_cache_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("valid", Boolean, nullable=False),
    Column("codings", Integer, nullable=False),
    Column("last_coding", Integer, nullable=False),
)
"""One row: whether ``tally_cache`` matches the codings, and the codings' count and max id
when it last did (a write made outside this package is caught by the mismatch)."""

consensus_decisions = Table(
    "consensus_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("excerpt_id", Integer, ForeignKey("excerpts.id", ondelete="CASCADE"), nullable=True),
    Column("respondent_id", Integer, ForeignKey("respondents.id", ondelete="CASCADE"),
           nullable=True),
    Column("code_id", Integer, ForeignKey("codes.id", ondelete="CASCADE"), nullable=False),
    Column("coder_a", String(200), nullable=False),
    Column("coder_b", String(200), nullable=False),
    Column("choice", String(20), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("at", String(40), nullable=False),
    sqlite_autoincrement=True,
)
Index("ix_consensus_decisions_code", consensus_decisions.c.code_id)
"""How a disagreement between ``coder_a`` and ``coder_b`` on a unit (``kind`` ``excerpt``: a
top-level excerpt; ``respondent``: a respondent within the documents both coded) and a code
was resolved into the ``consensus`` coder: ``a``, ``b``, ``both`` or ``neither``. The codings
it wrote are in ``codings`` (coder ``consensus``); the decision and its undo are events."""

coder_state = Table(
    "coder_state",
    metadata,
    Column("coder", String(200), primary_key=True),
    Column("key", String(100), primary_key=True),
    Column("value", JSON, nullable=True),
)
"""Where each coder left off (screen, document, excerpt, order...), so reopening a project
shows the same place. Not part of the audit trail: no events are written for it."""

suggestion_cache = Table(
    "suggestion_cache",
    metadata,
    Column("excerpt_id", Integer, ForeignKey("excerpts.id", ondelete="CASCADE"), primary_key=True),
    Column("model_key", String(100), nullable=False),
    Column("text_hash", String(64), nullable=False),
    Column("payload", JSON, nullable=False),
)
"""Derived, never authoritative: the suggestions (with explanations) a saved model made for
an excerpt, valid only while ``model_key`` names the model in use and ``text_hash`` the
excerpt's text. Lets a reopened project show suggestions before the model has loaded.
A cached suggestion counts in no tally, like any other suggestion."""

model_files = Table(
    "model_files",
    metadata,
    Column("folder", String(300), primary_key=True),
    Column("name", String(100), primary_key=True),
    Column("data", LargeBinary, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("saved_at", String(40), nullable=False),
)
"""A server project's model folder (``storage/model_store.py``): the skops model with its
card, each blind coder's, and the saved sentence embeddings, so every coder's machine uses
the same model and nothing is written beside the user's working folder. ``folder`` is the
path inside the model folder ("" for the project's own model). Derived, never
authoritative: no events."""
