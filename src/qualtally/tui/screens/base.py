"""The one thing every qualtally screen shares: its worker failures go to the app.

In Textual 8 a worker's ``StateChanged`` message does not bubble from a screen to the app,
so each screen would need its own handler; they all inherit this one, which hands the
event to ``app.worker_state_changed``, the single place a failed worker is reported.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.worker import Worker


class QualtallyScreen(Screen):
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        handler = getattr(self.app, "worker_state_changed", None)  # absent in a bare test host
        if handler is not None:
            handler(event)
