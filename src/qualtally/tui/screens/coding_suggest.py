"""The coding screen's suggestions: asked for on every move, prefetched for the next ones.

``Project.suggestions`` costs a DB look-up when the façade's suggestion cache holds the
excerpt, but tens of milliseconds when the model has to score it (24 ms median, 45 ms p90
measured on the demo under load). So the screen keeps what it was given per excerpt and,
once the current excerpt's suggestions are shown, asks in a second worker for the
neighbours in the visiting order: when the coder presses ``j`` after reading, the next
excerpt's suggestions are already here and are shown in the same frame as the move.
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

    def set_model_ready(self, error: str | None) -> None:
        self.model_ready = error is None
        self.panel.set_ready(error)
        self.forget_suggestions()
        self.request_suggestions()
        if self.model_ready:
            self.model_loaded()

    def model_retrained(self) -> None:
        self.forget_suggestions()
        self.request_suggestions()

    def request_suggestions(self) -> None:
        """On every move, model loaded or not: the façade answers from its suggestion cache
        before the model is ready (and with nothing when there is no cache)."""
        e = self.session.current
        if e is None:
            self.panel.set_suggestions([])
            return
        kept = self.kept_suggestions.get(e.id)
        if kept is not None:
            self.panel.set_suggestions(kept)
            self.prefetch_neighbours()
        else:
            self.panel.set_pending()
            self.suggest(e.id, self._generation)

    def prefetch_neighbours(self) -> None:
        s = self.session
        seq = s.sequence
        order = seq if seq is not None else range(len(s.excerpts))
        here = s.position()
        ids = [s.excerpts[order[here + d]].id for d in PREFETCH if 0 <= here + d < len(order)]
        ids = [i for i in ids if i not in self.kept_suggestions]
        if ids:
            self.prefetch(ids, self._generation)

    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False)
    def suggest(self, excerpt_id: int, generation: int) -> None:
        found = self.project.suggestions(excerpt_id, self.coder, limit=9)
        if not get_current_worker().is_cancelled:
            self.post_message(SuggestionsReady(excerpt_id, found, generation))

    @work(thread=True, exclusive=True, group="prefetch", exit_on_error=False)
    def prefetch(self, excerpt_ids: list[int], generation: int) -> None:
        for excerpt_id in excerpt_ids:
            if get_current_worker().is_cancelled:
                return
            found = self.project.suggestions(excerpt_id, self.coder, limit=9)
            self.post_message(SuggestionsReady(excerpt_id, found, generation))

    def on_suggestions_ready(self, message: SuggestionsReady) -> None:
        if message.generation != self._generation:
            return  # asked for before a coding, rejection or model change: stale
        self.kept_suggestions[message.excerpt_id] = message.suggestions
        current = self.session.current
        if current is not None and current.id == message.excerpt_id:
            self.panel.set_suggestions(message.suggestions)
            self.prefetch_neighbours()
