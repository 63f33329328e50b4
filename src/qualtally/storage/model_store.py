"""A server project's model folder kept in the database (table ``model_files``).

A project on a server has no folder beside it, and every coder's machine must use the
same model, so the files of its model folder (the skops model and its card, each blind
coder's, the saved sentence embeddings) are rows: bytes in, bytes out. A folder's model is
handed out only with the card it was saved with and only if the model's sha256 is the one
that card records (the check ``nlp/persist.py:load_model`` makes on files): a model that
does not match is left out, so the loader retrains rather than trusting it. The files of
one save are written in one transaction, so a reader never sees a card beside another
save's model.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from qualtally.storage import tables as t
from qualtally.storage.engine import begin_write

MODEL_FILE = "model.skops"
META_FILE = "meta.json"
"""The names ``nlp/card.py`` gives a model folder's model and card (storage may not import
nlp)."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def save(engine: Engine, files: dict[tuple[str, str], bytes]) -> None:
    """Write (folder, name) -> bytes, replacing those rows, in one transaction."""
    if not files:
        return
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with begin_write(engine) as conn:
        for (folder, name), data in files.items():
            conn.execute(sa.delete(t.model_files).where(
                t.model_files.c.folder == folder, t.model_files.c.name == name))
            conn.execute(sa.insert(t.model_files).values(
                folder=folder, name=name, data=data, sha256=sha256(data), saved_at=now))


def refused(files: dict[str, bytes]) -> str | None:
    """Why a folder's model must not be used (None when its card vouches for it)."""
    if MODEL_FILE not in files:
        return None
    if META_FILE not in files:
        return f"{MODEL_FILE} without its card"
    try:
        card = json.loads(files[META_FILE].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        return f"unreadable card ({err})"
    expected = card.get("model_sha256") if isinstance(card, dict) else None
    if not expected:
        return "the card records no model_sha256"
    if sha256(files[MODEL_FILE]) != expected:
        return "the model does not match its card's sha256"
    return None


def load(engine: Engine) -> tuple[dict[str, dict[str, bytes]], dict[str, str]]:
    """Every folder's files, and, per folder whose model was left out, why.

    A refused folder keeps its other files (the embeddings) but loses model and card."""
    folders: dict[str, dict[str, bytes]] = {}
    with engine.connect() as conn:
        for row in conn.execute(sa.select(t.model_files.c.folder, t.model_files.c.name,
                                          t.model_files.c.data, t.model_files.c.sha256)):
            data = bytes(row.data)
            if sha256(data) != row.sha256:
                continue  # a row altered behind our back: as if never saved
            folders.setdefault(row.folder, {})[row.name] = data
    why: dict[str, str] = {}
    for folder, files in folders.items():
        reason = refused(files)
        if reason is not None:
            why[folder] = reason
            files.pop(MODEL_FILE, None)
            files.pop(META_FILE, None)
    return folders, why
