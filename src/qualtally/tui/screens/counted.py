"""The part the coding and codebook screens share: live respondent counts in the codebook tree.

Both screens show the codebook with the number of distinct respondents per code; the count
comes from the project's one tally, in a worker, and lands in ``self.tree``. Worker state
messages do not bubble in Textual 8, so they are handed to the app's single error handler.
"""

from __future__ import annotations

from textual import work
from textual.screen import Screen
from textual.worker import Worker, get_current_worker

from qualtally.tui.messages import CountsReady
from qualtally.tui.session import respondent_counts


class CountedCodebookScreen(Screen):
    """A screen with a ``project`` and a ``tree`` (a CodebookTree) whose counts stay live."""

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def recount(self) -> None:
        counts = respondent_counts(self.project)
        if not get_current_worker().is_cancelled:
            self.post_message(CountsReady(counts))

    def on_counts_ready(self, message: CountsReady) -> None:
        self.tree.set_counts(message.counts)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Worker messages do not bubble: hand them to the app's single handler."""
        self.app.worker_state_changed(event)
