"""Corrections: who said what, undoing an import, removing what should not be there.

The façade's service for the operations that fix a project's respondents and contents
after the fact: merging respondents and reassigning a turn (undoable events,
``storage/respondent_edits.py``), undoing an import as a whole
(``storage/import_undo.py``) and removing a document, respondent or code with its codings
(``storage/removal.py``). Each runs in one write transaction that keeps the tally cache
exact; the two that cannot be undone from the event log take a backup copy first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from qualtally.core.errors import InputError
from qualtally.storage import import_undo, removal, respondent_edits
from qualtally.storage.engine import begin_write
from qualtally.storage.tally_cache import maintained

KINDS = ("document", "respondent", "code")


class Corrections:
    def __init__(self, engine: sa.Engine, backup: Callable[[str], object] | None = None) -> None:
        self.engine = engine
        self.backup = backup

    # -- who said what -------------------------------------------------------------------
    def merge_respondents(self, source: str, target: str, actor: str) -> dict[str, Any]:
        """Merge respondent ``source`` into ``target`` (one undoable event)."""
        with begin_write(self.engine) as conn, maintained(conn) as tracker:
            return respondent_edits.merge(conn, tracker, source, target, actor)

    def reassign_turn(self, document: str, turn_index: int, respondent: str | None,
                      actor: str) -> dict[str, Any]:
        """Give a turn to another respondent, or to nobody (one undoable event)."""
        with begin_write(self.engine) as conn, maintained(conn) as tracker:
            return respondent_edits.reassign(conn, tracker, document, turn_index, respondent,
                                             actor)

    # -- imports ---------------------------------------------------------------------------
    def imports(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return import_undo.imports(conn)

    def undo_import_plan(self, number: int | None = None) -> dict[str, Any]:
        """What undoing import ``number`` (default: the latest not undone) would remove."""
        with self.engine.connect() as conn:
            return import_undo.plan(conn, number)

    def undo_import(self, number: int | None, actor: str) -> dict[str, Any]:
        self.undo_import_plan(number)  # refuses (InputError) before any backup is taken
        if self.backup is not None:
            self.backup("before-undo-import")
        with begin_write(self.engine) as conn, maintained(conn, structure=True) as tracker:
            return import_undo.undo(conn, tracker, number, actor)

    # -- removal ---------------------------------------------------------------------------
    def remove_preview(self, kind: str, name: str) -> dict[str, Any]:
        """What removing it would take (for the confirmation); InputError if it is not there."""
        if kind not in KINDS:
            raise InputError(kind, "can remove a document, a respondent or a code")
        with self.engine.connect() as conn:
            return removal.preview(conn, kind, name)

    def remove(self, kind: str, name: str, actor: str) -> dict[str, Any]:
        self.remove_preview(kind, name)
        if self.backup is not None:
            self.backup(f"before-remove-{kind}")
        with begin_write(self.engine) as conn, maintained(conn, structure=True) as tracker:
            return removal.remove(conn, tracker, kind, name, actor)
