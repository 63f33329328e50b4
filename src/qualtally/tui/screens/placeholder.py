"""A clearly marked place for a screen another issue builds (findings, agreement).

The app mounts the real screen when its module imports; until then the mode exists,
its key works, and this says what is coming instead of failing.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Header, Static

from qualtally.tui.widgets.key_bar import KeyBar


class ComingSoonScreen(Screen):
    CSS_PATH = "placeholder.tcss"

    def __init__(self, title: str, what: str) -> None:
        super().__init__()
        self.title_text = title
        self.what = what

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Middle(), Center():
            yield Static(
                Text(
                    f"{self.title_text}\n\n{self.what}\n\n"
                    "Coming soon. Press escape to go back to coding."
                ),
                id="coming-soon",
            )
        yield KeyBar()
