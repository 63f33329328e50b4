"""What people change in a project: codings, rejections, memos, spans, the codebook, imports.

The façade's write service. Every write goes through ``storage/store.py`` (one
transaction each, logged as an event where a person made it) or the event log's
undo/redo (``storage/history.py``); a coder's place (``coder_state``) is saved without
an event. :meth:`Coding.accept_suggestion` is the one way a suggestion becomes a coding.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from qualtally.core.errors import InputError
from qualtally.core.models import ORIGIN_HUMAN, ORIGIN_SUGGESTION, Code, default_coder
from qualtally.core.speakers import SpeakerDecisions, SpeakerLabel, UnmatchedSpeakers
from qualtally.project.reads import Reads
from qualtally.storage import coder_state, history
from qualtally.storage.store import Store

Progress = Callable[[str, int, int], None]
"""``progress(label, done, total)``; long operations call it as they go."""


class Coding:
    def __init__(
        self,
        engine: sa.Engine,
        store: Store,
        reads: Reads,
        backup: Callable[[str], object] | None = None,
    ) -> None:
        self.engine, self.store, self.reads = engine, store, reads
        self.backup = backup
        """Takes a backup copy before a bulk write (``Project.backup``)."""

    # -- codings ----------------------------------------------------------------------------
    def apply_code(
        self, excerpt_id: int, code_id: int, coder: str, origin: str = ORIGIN_HUMAN
    ) -> bool:
        return self.store.apply_code(excerpt_id, code_id, coder, origin)

    def remove_code(self, excerpt_id: int, code_id: int, coder: str) -> bool:
        return self.store.remove_code(excerpt_id, code_id, coder)

    def toggle_code(self, excerpt_id: int, code_id: int, coder: str) -> bool:
        """Apply the code if this coder lacks it on the excerpt, else remove it; True if
        now applied."""
        if self.store.apply_code(excerpt_id, code_id, coder):
            return True
        self.store.remove_code(excerpt_id, code_id, coder)
        return False

    def accept_suggestion(self, excerpt_id: int, code_path: str, coder: str) -> Code | None:
        """Apply a suggested code as a coding with origin ``suggestion-accepted``.

        The one way a suggestion becomes a coding (the coding screen and ``bulk_accept``
        both call it). Returns the code, now applied by ``coder`` (it may have been
        already), or None when no code has that path any more.
        """
        code = self.reads.code_by_path(code_path)
        if code is None or code.id is None:
            return None
        self.store.apply_code(excerpt_id, code.id, coder, ORIGIN_SUGGESTION)
        return code

    def reject_suggestion(self, excerpt_id: int, code_id: int, coder: str) -> None:
        self.store.reject_suggestion(excerpt_id, code_id, coder)

    def set_memo(self, excerpt_id: int, coder: str, text: str) -> None:
        self.store.set_memo(excerpt_id, coder, text)

    def narrow(self, excerpt_id: int, start: int, end: int, coder: str) -> int:
        return self.store.narrow_excerpt(excerpt_id, start, end, coder)

    def undo(self, coder: str) -> str | None:
        return history.step(self.engine, coder, redo=False)

    def redo(self, coder: str) -> str | None:
        return history.step(self.engine, coder, redo=True)

    # -- codebook ---------------------------------------------------------------------------
    def add_code(self, code: Code, actor: str) -> int:
        return self.store.add_code(code, actor)

    def update_code(self, code_id: int, actor: str, **fields: Any) -> None:
        self.store.update_code(code_id, actor, **fields)

    # -- where a coder left off ---------------------------------------------------------------
    def save_coder_state(self, coder: str, **values: Any) -> None:
        """Save some of the coder's place at once (one small transaction, no event logged)."""
        coder_state.write(self.engine, coder, values)

    # -- importing ----------------------------------------------------------------------------
    def _bundle(self, paths, decisions, as_role, progress=None):
        """The import read (nothing written), its unmatched labels, the respondents' names
        and whether a respondents list exists."""
        from qualtally.importers import load_paths
        from qualtally.importers.speakers import (
            check_decisions,
            respondent_names,
            unmatched_speakers,
        )
        from qualtally.storage.import_undo import LISTED

        existing = self.reads.respondents()
        bundle = load_paths([Path(p) for p in paths], progress=progress, existing=existing,
                            decisions=decisions, as_role=as_role)
        if decisions is not None:
            check_decisions(bundle, existing, decisions)
        listed = bool(bundle.respondents) or bool(self.reads.setting(LISTED)) \
            or any(r.attributes for r in existing)
        names = respondent_names([*existing, *bundle.respondents])
        return bundle, unmatched_speakers(bundle, existing), names, listed

    def speaker_review(self, paths, decisions: SpeakerDecisions | None = None,
                       as_role: str | None = None) -> tuple[list[SpeakerLabel], dict[str, str]]:
        _, labels, names, _ = self._bundle(paths, decisions, as_role)
        return labels, names

    def import_paths(
        self,
        paths: list[str | Path],
        *,
        actor: str | None = None,
        unit: str = "turn",
        progress: Progress | None = None,
        decisions: SpeakerDecisions | None = None,
        as_role: str | None = None,
    ) -> dict[str, Any]:
        """Import files or folders in one transaction; InputError (and nothing written) if bad.

        Beside a respondents list, labels matching no listed respondent raise
        :class:`UnmatchedSpeakers` unless ``decisions`` map them, mark them as interviewers
        or accept them as new respondents (``create``)."""
        if unit not in ("turn", "sentence"):
            raise InputError(unit, "unit must be 'turn' or 'sentence'")
        bundle, labels, names, listed = self._bundle(paths, decisions, as_role, progress)
        if labels and listed and not (decisions and decisions.create):
            raise UnmatchedSpeakers(labels, names)
        bundle.unit = unit
        if unit == "sentence" and bundle.documents:
            from qualtally.nlp.segment import sentence_spans

            bundle.sentences = sentence_spans(bundle.documents, progress=progress)
        if self.backup is not None:  # parsed and valid: about to write
            self.backup("before-import")
        counts = self.store.import_bundle(bundle, actor or default_coder())
        return {**counts, "skipped": list(bundle.skipped), "notes": list(bundle.notes),
                "speakers": labels}
