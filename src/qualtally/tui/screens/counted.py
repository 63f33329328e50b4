"""The part the coding and codebook screens share: live respondent counts in the codebook tree.

Both screens show the codebook with the number of distinct respondents per code; the count
comes from the project's one tally, in a worker, and lands in ``self.tree``.
"""

from __future__ import annotations

from textual import work
from textual.worker import get_current_worker

from qualtally.tui.messages import CountsReady
from qualtally.tui.screens.base import QualtallyScreen
from qualtally.tui.session import respondent_counts


class CountedCodebookScreen(QualtallyScreen):
    """A screen with a ``project`` and a ``tree`` (a CodebookTree) whose counts stay live."""

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def recount(self) -> None:
        counts = respondent_counts(self.project, getattr(self, "coder", None))
        if not get_current_worker().is_cancelled:
            self.post_message(CountsReady(counts))

    def follow_changes(self) -> None:
        """Someone else committed a change: recount (tui/following.py)."""
        self.recount()

    def on_counts_ready(self, message: CountsReady) -> None:
        self.tree.set_counts(message.counts)
