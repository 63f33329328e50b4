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
from qualtally.core.models import (
    ORIGIN_HUMAN,
    ORIGIN_SUGGESTION,
    Code,
    default_coder,
    join_path,
    split_path,
)
from qualtally.core.speakers import SpeakerDecisions, SpeakerLabel, UnmatchedSpeakers
from qualtally.project.reads import Reads
from qualtally.storage import code_edits, coder_state, history
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

    def code_id(self, code: int | str) -> int:
        """A code's id from its id or its path (InputError naming it if there is none)."""
        if isinstance(code, int):
            return code
        found = self.reads.code_by_path(code)
        if found is None or found.id is None:
            raise InputError(code, "no code with this path")
        return found.id

    def delete_code(self, code: int | str, actor: str, codings: str = "parent") -> dict[str, int]:
        """Delete a code: its codings move to its parent code (``codings="parent"``) or are
        removed (``"remove"``); its sub-codes move up a level. One undoable event."""
        return code_edits.delete_code(self.engine, self.code_id(code), codings, actor)

    def merge_codes(self, source: int | str, target: int | str, actor: str) -> dict[str, int]:
        """Fold ``source`` into ``target`` (codings and sub-codes) and delete it. Undoable."""
        return code_edits.merge_codes(self.engine, self.code_id(source), self.code_id(target),
                                      actor)

    def move_code(self, code: int | str, parent: int | str | None, actor: str) -> None:
        """Give a code a new parent (None: the top level), sub-codes and codings with it."""
        parent_id = None if parent is None else self.code_id(parent)
        self.store.update_code(self.code_id(code), actor, parent_id=parent_id)

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
        notes = codebook_changes(self.reads.codes(), bundle.codes)
        if self.backup is not None:  # parsed and valid: about to write
            self.backup("before-import")
        counts = self.store.import_bundle(bundle, actor or default_coder())
        return {**counts, "skipped": list(bundle.skipped), "notes": [*bundle.notes, *notes],
                "speakers": labels}


def codebook_changes(existing: list[Code], incoming: list[Code]) -> list[str]:
    """What importing a codebook into a project that has one does, said in words: codes it
    adds, and codes of the project it does not name (kept, with their codings); a new code
    beside a missing one with a close name or the same definition reads as a rename."""
    if not existing or not incoming:
        return []
    from difflib import SequenceMatcher

    old = {c.path: c for c in existing}
    named = {c.path for c in incoming}
    for path in list(named):  # a named code names its ancestors too
        levels = split_path(path)
        named.update(join_path(levels[:i]) for i in range(1, len(levels)))
    added = [c for c in incoming if c.path not in old]
    missing = [c for c in existing if c.path not in named]
    notes: list[str] = []
    for new in added:
        parent = split_path(new.path)[:-1]
        for gone in missing:
            if split_path(gone.path)[:-1] != parent:
                continue
            same_definition = bool(new.definition) and new.definition == gone.definition
            close = SequenceMatcher(None, new.name.lower(), gone.name.lower()).ratio() >= 0.6
            if same_definition or close:
                notes.append(f"codebook: {new.path!r} looks like a rename of {gone.path!r}; "
                             f"it was added as a new code and {gone.path!r} kept with its "
                             "codings (merge it into the new one on the codebook screen: m)")
    if added:
        notes.append(f"codebook: added {len(added)} code(s): "
                     + ", ".join(c.path for c in added))
    if missing:
        notes.append(f"codebook: {len(missing)} code(s) of the project are not in this "
                     "codebook and were kept as they are: " + ", ".join(c.path for c in missing))
    return notes
