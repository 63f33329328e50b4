"""Ask before deleting a code, and what becomes of its codings (the user chooses).

``p`` moves the codings to the parent code (not offered for a top-level code), ``r`` removes
them, escape cancels. Either way sub-codes move up a level and ctrl+z brings it all back.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from qualtally.core.models import Code


class DeleteCodeModal(ModalScreen[str | None]):
    """Returns ``"parent"`` or ``"remove"`` (the façade's ``codings=``), or None."""

    BINDINGS = [
        Binding("p", "choose('parent')", "Codings to the parent code"),
        Binding("r", "choose('remove')", "Remove its codings"),
        Binding("escape", "cancel", "Cancel"),
    ]
    DEFAULT_CSS = """
    DeleteCodeModal {
        align: center middle;
        & > Vertical { width: 80; height: auto; border: round $error; background: $surface;
                       padding: 0 1; }
        & .hint { color: $text-muted; }
    }
    """

    def __init__(self, code: Code, parent: Code | None, respondents: int, excerpts: int) -> None:
        super().__init__()
        self.code, self.parent_code = code, parent
        self.respondents, self.excerpts = respondents, excerpts

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Delete the code {self.code.path}?", style="bold"))
            yield Label(Text(f"With its sub-codes it is on {self.excerpts} excerpt(s) of "
                             f"{self.respondents} respondent(s); sub-codes keep their codings "
                             "and move up a level."))
            if self.parent_code is not None:
                yield Label(Text(f"p  move its codings to {self.parent_code.path}"))
            yield Label(Text("r  remove its codings"))
            yield Label(Text("escape cancels · ctrl+z undoes the delete"), classes="hint")

    def action_choose(self, mode: str) -> None:
        if mode == "parent" and self.parent_code is None:
            self.notify("A top-level code has no parent: r removes its codings", markup=False)
            return
        self.dismiss(mode)

    def action_cancel(self) -> None:
        self.dismiss(None)
