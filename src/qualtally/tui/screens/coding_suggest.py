"""The coding screen's suggestions: asked for on every move, prefetched for the next ones.

``Project.suggestions`` costs a DB look-up when the façade's suggestion cache holds the
excerpt, but tens of milliseconds when the model has to score it. So the screen keeps
what it was given per excerpt and, once the current excerpt's suggestions are shown, asks
in a second worker for the neighbours in the visiting order: when the coder presses ``j``
after reading, the next excerpt's suggestions are already here and are shown in the same
frame as the move.
The kept suggestions are dropped for an excerpt when its codings or rejections change,
and all at once when the model (re)loads or the screen reloads; a worker's answer that
was asked for before such a change (an older ``generation``) is not kept.
"""

from __future__ import annotations

from textual import work
from textual.worker import get_current_worker

from qualtally.core.models import Suggestion
from qualtally.tui.messages import SuggestionsReady

PREFETCH = (1, -1)
"""Neighbours (in the visiting order) whose suggestions are fetched ahead of a move."""


class SuggestMixin:
    """Needs ``session``, ``project``, ``coder`` and ``panel`` from the screen."""

    _generation = 0
    _kept: dict[int, list[Suggestion]] | None = None

    @property
    def kept_suggestions(self) -> dict[int, list[Suggestion]]:
        if self._kept is None:
            self._kept = {}
        return self._kept

    def forget_suggestions(self, excerpt_id: int | None = None) -> None:
        """Drop what is kept for one excerpt (its codings changed), or for all."""
        self._generation += 1
        if excerpt_id is None:
            self.kept_suggestions.clear()
        else:
            self.kept_suggestions.pop(excerpt_id, None)

    def set_model_progress(self, label: str, done: int, total: int) -> None:
        self.panel.set_progress(label, done, total)
        if label == "suggestions" and total and done == total:
            # the loader has cached the excerpts asked for while it loaded (the one on
            # screen): ask again now, before it embeds and refreshes the rest
            self.refresh_suggestions()

    def set_model_ready(self, error: str | None) -> None:
        self.model_ready = error is None
        self.panel.set_ready(error)
        self.refresh_suggestions()
        if self.model_ready:
            self.model_loaded()

    def model_retrained(self) -> None:
        self.refresh_suggestions()

    def refresh_suggestions(self) -> None:
        """Drop everything kept and ask again for the excerpt on screen (a model came in).
        What is shown stays until the answer replaces it: it is this excerpt's, and a key
        1-9 pressed meanwhile must not find the panel emptied (the loader reports twice)."""
        self.forget_suggestions()
        self.request_suggestions(keep_shown=True)

    def request_suggestions(self, keep_shown: bool = False) -> None:
        """On every move, model loaded or not: the façade answers from its suggestion cache
        before the model is ready (and with nothing when there is no cache). On a miss the
        panel empties at once (``keep_shown``: unless it shows this same excerpt's)."""
        e = self.session.current
        if e is None:
            self.panel.set_suggestions([])
            return
        kept = self.kept_suggestions.get(e.id)
        if kept is not None:
            self.panel.set_suggestions(kept, e.id)
            self.prefetch_neighbours()
        else:
            if not keep_shown:
                self.panel.set_pending()
            self.suggest(e.id, self._generation)

    def prefetch_neighbours(self) -> None:
        """The neighbours in the visiting order; at a document's first or last excerpt (in
        document order) the neighbour is the last or first excerpt of the next document
        with excerpts, looked up in the worker (a project of one-answer documents changes
        document on every move)."""
        s = self.session
        seq = s.sequence
        order = seq if seq is not None else range(len(s.excerpts))
        here = s.position()
        ids = [s.excerpts[order[here + d]].id for d in PREFETCH if 0 <= here + d < len(order)]
        ids = [i for i in ids if i not in self.kept_suggestions]
        edges = []
        if s.order == "document":
            for d in PREFETCH:
                if not 0 <= here + d < len(order):
                    pos = s.doc_pos + d
                    while 0 <= pos < len(s.rows) and not s.rows[pos].total:
                        pos += d
                    if 0 <= pos < len(s.rows):
                        edges.append((s.rows[pos].document_id, d > 0))
        if ids or edges:
            self.prefetch(ids, self._generation, edges)

    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False)
    def suggest(self, excerpt_id: int, generation: int) -> None:
        found = self.project.suggestions(excerpt_id, self.coder, limit=9)
        if not get_current_worker().is_cancelled:
            self.post_message(SuggestionsReady(excerpt_id, found, generation))

    @work(thread=True, exclusive=True, group="prefetch", exit_on_error=False)
    def prefetch(self, excerpt_ids: list[int], generation: int,
                 edges: list[tuple[int, bool]] = ()) -> None:
        """``edges``: (document id, first?) of neighbouring documents, whose first or last
        excerpt is fetched too."""
        worker = get_current_worker()
        for document_id, first in edges:
            if worker.is_cancelled:
                return
            excerpts = self.project.excerpts(document_id)
            if excerpts:
                excerpt_ids = [*excerpt_ids, excerpts[0 if first else -1].id]
        kept = self.kept_suggestions
        for excerpt_id in excerpt_ids:
            if worker.is_cancelled:
                return
            if excerpt_id in kept:
                continue
            found = self.project.suggestions(excerpt_id, self.coder, limit=9)
            self.post_message(SuggestionsReady(excerpt_id, found, generation))

    def on_suggestions_ready(self, message: SuggestionsReady) -> None:
        if message.generation != self._generation:
            return  # asked for before a coding, rejection or model change: stale
        self.kept_suggestions[message.excerpt_id] = message.suggestions
        current = self.session.current
        if current is not None and current.id == message.excerpt_id:
            self.panel.set_suggestions(message.suggestions, message.excerpt_id)
            self.prefetch_neighbours()
