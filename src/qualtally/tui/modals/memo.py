"""Write or edit the coder's memo on the current excerpt (``m``)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea


class MemoModal(ModalScreen[str | None]):
    """Returns the new memo text (empty to delete it), or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save memo"),
        Binding("escape", "cancel", "Cancel"),
    ]
    DEFAULT_CSS = """
    MemoModal {
        align: center middle;
        & > Vertical {
            width: 80; height: 16; border: round $primary; background: $surface; padding: 0 1;
        }
        & TextArea { height: 1fr; }
        & .hint { color: $text-muted; }
    }
    """

    def __init__(self, excerpt_label: str, text: str) -> None:
        super().__init__()
        self.excerpt_label = excerpt_label
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Memo on {self.excerpt_label}"))
            yield TextArea(self.text, id="memo-text")
            yield Label(Text("ctrl+s saves · escape cancels"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
