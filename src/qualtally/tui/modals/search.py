"""Ask for the words to search the transcripts for (the coding screen's ``ctrl+f``)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class SearchModal(ModalScreen[str | None]):
    """Returns the words typed (Enter), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    SearchModal {
        align: center middle;
        & > Vertical { width: 80; height: auto; border: round $primary; background: $surface;
                       padding: 0 1; }
        & .hint { color: $text-muted; }
    }
    """

    def __init__(self, last: str = "") -> None:
        super().__init__()
        self.last = last

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("Search the transcripts: type the words and press Enter"))
            yield Input(self.last, placeholder="words (any case; line breaks do not matter)",
                        id="search-text")
            yield Label(Text("then ] next match · [ previous match · escape cancels"),
                        classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
