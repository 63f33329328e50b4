"""The coding screen's two visiting orders, and saving the coder's place on every move.

``o`` toggles document order and "least sure first": within each document, the excerpts
the suggestion model is least sure about come first (``Project.uncertainty_order``, coded
excerpts last). The ranking needs the model, so it is computed in a worker once the model
is ready; until then the screen says it is waiting and keeps document order. A ranking
arriving after the coder has moved on does not move them. Kept apart from coding.py so
each file reads in one sitting; :class:`CodingScreen` inherits it.
"""

from __future__ import annotations

from textual import work
from textual.worker import get_current_worker

from qualtally.tui.messages import RankingReady


class OrderMixin:
    """Needs ``session``, ``project``, ``coder``, ``model_ready``, ``show_current`` and
    ``update_status`` from the screen."""

    _moves = 0
    """Counts the coder's moves, so a late ranking knows whether to jump."""
    _pending_jump = -1

    def note_move(self) -> None:
        self._moves += 1

    def save_position(self) -> None:
        s = self.session
        e = s.current
        self.app.positions.save(document=s.document.id if s.document else None,
                                excerpt=e.id if e else None, order=s.order)

    def order_label(self) -> str:
        s = self.session
        if s.order != "uncertainty":
            return ""
        if s.sequence is None:
            return (
                "least sure first (ranking…)"
                if self.model_ready
                else "least sure first (waiting for the model)"
            )
        return f"least sure first {s.position() + 1}/{len(s.excerpts)}"

    def action_toggle_order(self) -> None:
        s = self.session
        s.order = "document" if s.order == "uncertainty" else "uncertainty"
        if s.order == "document":
            self.notify("Document order", timeout=1.5, markup=False)
            self.show_current(scroll=False)
            return
        self.notify(
            "Least sure first" + ("" if self.model_ready else ": waiting for the model to load"),
            timeout=2,
            markup=False,
        )
        self.rank_current(jump=True)

    def rank_current(self, jump: bool = False) -> None:
        """Rank the current document's excerpts if in "least sure first" and not done yet."""
        s = self.session
        if s.order != "uncertainty" or s.document is None:
            return
        if s.document.id in s.ranking:
            if jump and s.sequence:
                s.index = s.sequence[0]
            self.show_current()
            return
        self.update_status()
        moves = self._moves if jump else -1
        if self.model_ready:
            self.rank(s.document.id, moves)
        else:
            self._pending_jump = moves  # ranked by model_loaded() when the model is ready

    def model_loaded(self) -> None:
        s = self.session
        if s.order == "uncertainty" and s.document is not None and s.document.id not in s.ranking:
            self.rank(s.document.id, self._pending_jump)

    @work(thread=True, exclusive=True, group="rank", exit_on_error=False)
    def rank(self, document_id: int, moves: int) -> None:
        ids = self.project.uncertainty_order(document_id, self.coder)
        if not get_current_worker().is_cancelled:
            self.post_message(RankingReady(document_id, ids, moves))

    def on_ranking_ready(self, message: RankingReady) -> None:
        s = self.session
        s.set_ranking(message.document_id, message.excerpt_ids)
        if s.order != "uncertainty" or s.document is None or s.document.id != message.document_id:
            return
        if message.moves == self._moves and s.sequence:  # asked to jump, and no move since
            s.index = s.sequence[0]
            self.show_current()
        else:
            self.update_status()
