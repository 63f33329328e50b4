"""Where the coder is and what the current document holds, read through the façade.

The coding screen asks this object to move (next excerpt, next document, next excerpt
with no coding) and to code; it keeps the current document's excerpts and this coder's
codings in memory so that moving costs no query, and it keeps per-document progress
(coded / total excerpts) counted by the store for the whole project without reading any
text (``Project.document_progress``), updated in place as the coder works. No Textual
here, so it is tested and benchmarked without a terminal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qualtally.core.models import Code, Document, Excerpt

ORDERS = ("document", "uncertainty")


@dataclass
class DocRow:
    """A line of the document panel: one document, grouped under its first respondent."""

    document_id: int
    name: str
    respondents: tuple[str, ...]
    coded: int = 0
    total: int = 0


class CodingSession:
    def __init__(self, project, coder: str) -> None:
        self.project = project
        self.coder = coder
        self.codes: list[Code] = []
        self.code_by_id: dict[int, Code] = {}
        self.rows: list[DocRow] = []
        self.doc_pos = 0
        self.document: Document | None = None
        self.excerpts: list[Excerpt] = []
        self.index = 0
        self.codings: dict[int, list[int]] = {}
        """Excerpt id -> code ids this coder applied, for the current document."""
        self.nothing: set[int] = set()
        """Excerpts of the current document this coder marked "nothing applies"."""
        self.memos: set[int] = set()
        """Excerpts of the current document this coder wrote a memo on (read with them, so
        the status line's memo mark costs no query per move)."""
        self._top: dict[int, int] = {}
        """Excerpt id -> its top-level excerpt id, for the current document (progress
        counts top-level excerpts)."""
        self._coded_top: set[int] = set()
        """Top-level excerpts of the current document this coder coded (or a span in it)."""
        self.order = "document"
        """``document``, or ``uncertainty``: within a document, the least sure excerpts first."""
        self.ranking: dict[int, list[int]] = {}
        """Document id -> its excerpt ids, least sure first (the screen computes it in a worker)."""
        self._seq_key: tuple = ()
        self._seq: list[int] | None = None
        self._seq_pos: dict[int, int] = {}
        self.state: Mapping[str, Any] | None = None
        """The saved coder state :meth:`load` went to (None: not loaded yet)."""

    # -- loading --------------------------------------------------------------------
    def load(self, state: Mapping[str, Any] | None = None) -> None:
        """Read the project and go to the place ``state`` names (a saved coder state), if
        its document and excerpt still exist; else to the first document."""
        self.reload_codes()
        self.reload_progress()
        state = self.state = state or {}
        if state.get("order") in ORDERS:
            self.order = state["order"]
        if self.rows:
            doc = state.get("document")
            self.open_document(
                next((i for i, r in enumerate(self.rows) if r.document_id == doc), 0)
            )
            if state.get("excerpt") is not None:
                self.select_excerpt(state["excerpt"])

    def snapshot(self) -> tuple:
        """Everything the coding screen draws from this session, to compare two readings."""
        e = self.current
        return (self.codes, self.rows, self.doc_pos, self.document, self.excerpts, self.codings,
                self.nothing, self.memos, self.index, self.order,
                self.project.memo(e.id, self.coder) if e is not None else "")

    def fresh_snapshot(self, project) -> tuple:
        """The same, read anew from ``project`` from the coder's saved place (any thread)."""
        fresh = CodingSession(project, self.coder)
        fresh.load(project.coder_state(self.coder))
        return fresh.snapshot()

    def reload_codes(self) -> None:
        self.codes = self.project.codes()
        self.code_by_id = {c.id: c for c in self.codes if c.id is not None}

    def reload_progress(self) -> None:
        """Documents with coded/total excerpts for this coder, counted by the store
        (``Project.document_progress``): no excerpt text is read for documents not open."""
        rows = [DocRow(p.document_id, p.name, p.respondents, p.coded, p.total)
                for p in self.project.document_progress(self.coder)]
        rows.sort(key=lambda r: (not r.respondents, r.respondents[:1], r.name))
        current = self.document.id if self.document else None
        self.rows = rows
        self.doc_pos = next(
            (i for i, r in enumerate(rows) if r.document_id == current), self.doc_pos
        )

    def open_document(self, pos: int, index: int = 0) -> None:
        self.doc_pos = max(0, min(pos, len(self.rows) - 1))
        row = self.rows[self.doc_pos]
        self.document = self.project.document(row.document_id)
        self.reload_excerpts()
        self.index = max(0, min(index, len(self.excerpts) - 1))

    def reload_excerpts(self) -> None:
        assert self.document is not None
        current = self.current
        self.excerpts = self.project.excerpts(self.document.id)
        ids = [e.id for e in self.excerpts]
        got = self.project.codings(ids, self.coder) if self.excerpts else {}
        self.codings = {k: [c for c, _, _ in v] for k, v in got.items()}
        self.nothing = self.project.nothing_marks(ids, self.coder) if self.excerpts else set()
        self.memos = self.project.memo_ids(ids, self.coder) if self.excerpts else set()
        self._top = {}
        for e in self.excerpts:  # a narrowed span comes after the excerpt it narrows
            self._top[e.id] = (
                e.id if e.parent_id is None else self._top.get(e.parent_id, e.parent_id)
            )
        if current is not None:
            self.index = next((i for i, e in enumerate(self.excerpts) if e.id == current.id),
                              min(self.index, max(0, len(self.excerpts) - 1)))
        self._recount_current()

    # -- where we are -----------------------------------------------------------------
    @property
    def current(self) -> Excerpt | None:
        return self.excerpts[self.index] if 0 <= self.index < len(self.excerpts) else None

    @property
    def current_codes(self) -> list[Code]:
        e = self.current
        if e is None:
            return []
        return [self.code_by_id[c] for c in self.codings.get(e.id, []) if c in self.code_by_id]

    @property
    def sequence(self) -> list[int] | None:
        """Indices into ``excerpts`` in visiting order; None for document order (no ranking)."""
        ids = (
            self.ranking.get(self.document.id)
            if self.document and self.order == "uncertainty"
            else None
        )
        key = (id(ids), id(self.excerpts))
        if key != self._seq_key:
            self._seq_key = key
            self._seq = None
            if ids:
                at = {e.id: i for i, e in enumerate(self.excerpts)}
                seq = [at[x] for x in ids if x in at]
                ranked = set(seq)
                seq += [i for i in range(len(self.excerpts)) if i not in ranked]  # narrowed since
                self._seq = seq
                self._seq_pos = {i: p for p, i in enumerate(seq)}
        return self._seq

    def position(self) -> int:
        """Where the current excerpt is in the visiting order (0-based)."""
        seq = self.sequence
        return self.index if seq is None else self._seq_pos.get(self.index, 0)

    def set_ranking(self, document_id: int, excerpt_ids: list[int]) -> None:
        self.ranking[document_id] = list(excerpt_ids)

    def move(self, delta: int) -> bool:
        """Next/previous excerpt in the visiting order, crossing into the next/previous
        document at the ends."""
        seq = self.sequence
        target = self.position() + delta
        if 0 <= target < len(self.excerpts):
            self.index = target if seq is None else seq[target]
            return True
        step = 1 if delta > 0 else -1
        pos = self.doc_pos + step
        while 0 <= pos < len(self.rows):
            if self.rows[pos].total:
                self.open_document(pos)
                seq = self.sequence
                at = 0 if step > 0 else len(self.excerpts) - 1
                self.index = at if seq is None else seq[at]
                return True
            pos += step
        return False

    def move_document(self, delta: int) -> bool:
        pos = self.doc_pos + delta
        if not 0 <= pos < len(self.rows):
            return False
        self.open_document(pos)
        return True

    def select_excerpt(self, excerpt_id: int) -> bool:
        for i, e in enumerate(self.excerpts):
            if e.id == excerpt_id:
                self.index = i
                return True
        return False

    def focus_excerpt(self, excerpt_id: int) -> bool:
        """Open the document holding ``excerpt_id`` and make it current (after an undo)."""
        try:
            e = self.project.excerpt(excerpt_id)
        except Exception:  # the excerpt itself was undone away
            if self.document is not None:
                self.reload_excerpts()
            return False
        pos = next((i for i, r in enumerate(self.rows) if r.document_id == e.document_id), None)
        if pos is None:
            return False
        if self.document is None or self.document.id != e.document_id:
            self.open_document(pos)
        else:
            self.reload_excerpts()
        return self.select_excerpt(excerpt_id)

    def next_uncoded(self) -> bool:
        """The next excerpt (after the current one, wrapping round) that this coder has not
        coded (an excerpt marked "nothing applies" is coded). Passing an excerpt marks nothing:
        only the coder's own key says nothing applies to it."""
        for i in range(self.index + 1, len(self.excerpts)):
            if not self._is_coded(self.excerpts[i]):
                self.index = i
                return True
        n = len(self.rows)
        for k in range(1, n + 1):
            pos = (self.doc_pos + k) % n
            row = self.rows[pos]
            if row.coded < row.total:
                self.open_document(pos)
                for i, e in enumerate(self.excerpts):
                    if not self._is_coded(e):
                        self.index = i
                        return True
        return False

    def _is_coded(self, e: Excerpt) -> bool:
        return (bool(self.codings.get(e.id)) or e.id in self.nothing
                or (e.parent_id is None and e.id in self._coded_top))

    # -- coding ---------------------------------------------------------------------------
    def toggle(self, code_id: int) -> bool:
        e = self.current
        assert e is not None
        applied = self.project.toggle_code(e.id, code_id, self.coder)
        self._after_change(e, code_id, applied)
        return applied

    def apply(self, code_id: int) -> bool:
        e = self.current
        assert e is not None
        added = self.project.apply_code(e.id, code_id, self.coder)
        self._after_change(e, code_id, True)
        return added

    def accept(self, code_path: str) -> Code | None:
        """Accept a suggestion for the current excerpt (``Project.accept_suggestion``);
        the code applied, or None when the codebook no longer has it."""
        e = self.current
        assert e is not None
        code = self.project.accept_suggestion(e.id, code_path, self.coder)
        if code is not None:
            self._after_change(e, code.id, True)
        return code

    def mark_nothing(self) -> bool:
        """Mark the current excerpt "nothing applies" (or clear the mark); True if now marked.
        Refused by the project (InputError) while the coder has codes on it."""
        e = self.current
        assert e is not None
        marked = e.id not in self.nothing
        self.project.mark_nothing(e.id, self.coder, marked)
        if marked:
            self.nothing.add(e.id)
        else:
            self.nothing.discard(e.id)
        self._recount_current()
        return marked

    def _after_change(self, e: Excerpt, code_id: int, applied: bool) -> None:
        if applied:  # a code replaces the coder's nothing-applies mark (the store drops it)
            self.nothing.discard(e.id)
            if e.parent_id is not None:
                self.nothing.discard(e.parent_id)
        have = self.codings.setdefault(e.id, [])
        if applied and code_id not in have:
            have.append(code_id)
        elif not applied and code_id in have:
            have.remove(code_id)
        if not have:
            del self.codings[e.id]
        self._recount_current()

    def _recount_current(self) -> None:
        if self.document is None or not self.rows:
            return
        tops = set()
        for e in self.excerpts:
            if self.codings.get(e.id) or e.id in self.nothing:
                tops.add(self._top.get(e.id, e.parent_id or e.id))
        self._coded_top = tops
        row = self.rows[self.doc_pos]
        row.coded = len(tops)
        row.total = sum(1 for e in self.excerpts if e.parent_id is None)


def respondent_counts(project, coder: str | None = None) -> dict[int, int]:
    """Code id -> distinct respondents coded with it or a descendant, by any coder (in blind
    mode, by ``coder`` alone: a blind coder sees no count that includes another's work).

    Read from the project's one tally (the same numbers the CLI and the exports print);
    the coding screen runs it in a worker.
    """
    scope = project.counted_coder(coder) if coder is not None else None
    return {row.code_id: row.respondents for row in project.tally(coder=scope).codes}
