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
        for folder in {f for (f, n) in files if n == META_FILE}:
            # a new card: the model files an earlier card named go (persist.save_model
            # removes them from the folder as well)
            named = model_name({n: d for (f, n), d in files.items() if f == folder})
            conn.execute(sa.delete(t.model_files).where(
                t.model_files.c.folder == folder, t.model_files.c.name.like("model%.skops"),
                t.model_files.c.name != (named or "")))
        for (folder, name), data in files.items():
            conn.execute(sa.delete(t.model_files).where(
                t.model_files.c.folder == folder, t.model_files.c.name == name))
            conn.execute(sa.insert(t.model_files).values(
                folder=folder, name=name, data=data, sha256=sha256(data), saved_at=now))


def _is_model(name: str) -> bool:
    """A saved model file: ``model.skops`` (older cards) or ``model-<sha>.skops``."""
    return name.startswith("model") and name.endswith(".skops")


def model_name(files: dict[str, bytes]) -> str | None:
    """The model file a folder's card names (``model_file``; older cards: ``model.skops``)."""
    try:
        card = json.loads(files[META_FILE].decode("utf-8"))
    except (KeyError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    name = card.get("model_file", MODEL_FILE) if isinstance(card, dict) else None
    return name if isinstance(name, str) and "/" not in name else None


def refused(files: dict[str, bytes]) -> str | None:
    """Why a folder's model must not be used (None when its card vouches for it)."""
    models = [n for n in files if _is_model(n)]
    if not models:
        return None
    if META_FILE not in files:
        return f"{models[0]} without its card"
    try:
        card = json.loads(files[META_FILE].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        return f"unreadable card ({err})"
    name = model_name(files)
    if name is None or name not in files:
        return "the card names no model file that was saved"
    expected = card.get("model_sha256") if isinstance(card, dict) else None
    if not expected:
        return "the card records no model_sha256"
    if sha256(files[name]) != expected:
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
        named = model_name(files) if reason is None else None
        for name in [n for n in files if _is_model(n) and n != named]:
            files.pop(name)  # a refused model, or one an earlier card named
        if reason is not None:
            why[folder] = reason
            files.pop(META_FILE, None)
    return folders, why
